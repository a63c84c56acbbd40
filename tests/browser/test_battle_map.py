"""The battle map in a real browser: the chart draws, the filters narrow it, a click opens a ledger."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from deadlines.scan import scan_deadlines
from ledger.periods import open_periods

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The library arrives with the page's scripts; until then there is no chart yet (not an error).
HAS_CHART = "() => !!window.echarts && !!echarts.getInstanceByDom(document.getElementById('battle-map'))"
ROW_COUNT = "() => battleMap.chart.getOption().yAxis[0].data.length"
# Where ECharts drew the first marker of a milestone series, relative to the chart, and its row's ledger.
FIRST_MARKER = """() => {
  const chart = battleMap.chart;
  const series = chart.getOption().series.find(s => s.type === 'scatter' && s.data.length);
  const item = series.data[0];
  const [x, y] = chart.convertToPixel({seriesId: series.id}, item.value);
  return {x, y: y + series.symbolOffset[1], url: battleMap.data.rows[item.row].url};
}"""


@pytest.fixture
def reports_owed(plan):
    open_periods(date(2019, 1, 1), date(2019, 3, 31))
    scan_deadlines(date(2019, 3, 20))


def test_office_reviewer_reads_the_battle_map_filters_it_and_clicks_through(
    page, live_server, logged_in, office_reviewer, reports_owed, measure
):
    logged_in("office_reviewer")
    page.get_by_role("link", name="看板").click()
    page.get_by_role("link", name="挂图作战").click()
    expect(page.get_by_role("heading", name=re.compile("挂图作战"))).to_be_visible()
    page.wait_for_function(HAS_CHART)
    assert page.evaluate(ROW_COUNT) == 24

    page.get_by_label("截至日期").fill("2019-03-20")
    page.get_by_label("章节").select_option("四")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r".*/dashboard/map/\?.*section=%E5%9B%9B"))
    page.wait_for_function(HAS_CHART)
    assert page.evaluate(ROW_COUNT) == 7
    expect(page.locator("#battle-map-list tbody tr")).to_have_count(7)
    expect(page.locator('#battle-map-list tr[data-measure="2"]')).to_contain_text("超期")

    # A real click on a marker, at the pixel ECharts reports for it.
    marker = page.evaluate(FIRST_MARKER)
    box = page.locator("#battle-map").bounding_box()
    page.mouse.click(box["x"] + marker["x"], box["y"] + marker["y"])
    page.wait_for_url(f"{live_server.url}{marker['url']}")

    page.go_back()
    page.wait_for_function(HAS_CHART)
    page.locator("#battle-map-list").get_by_role("link", name="压缩企业开办时间").click()
    page.wait_for_url(f"{live_server.url}/measures/{measure.pk}/ledger/")
    expect(page.get_by_role("heading", name=re.compile("压缩企业开办时间"))).to_be_visible()
