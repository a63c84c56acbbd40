"""The battle map in a real browser: the chart draws, the filters narrow it, a click opens a ledger."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from deadlines.scan import scan_deadlines
from ledger.periods import open_periods

from .conftest import SCREENS

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


# Where the chart put its parts, in px from its top left corner.
GEOMETRY = """() => {
  const chart = battleMap.chart;
  const grid = chart.getModel().getComponent("grid").coordinateSystem.getRect();
  const legendView = chart.getViewOfComponentModel(chart.getModel().getComponent("legend"));
  const legend = legendView.group.getBoundingRect().clone();
  legend.applyTransform(legendView.group.getLocalTransform());
  return {
    width: chart.getWidth(),
    timeline: {left: grid.x, right: grid.x + grid.width, top: grid.y, bottom: grid.y + grid.height},
    legend: {left: legend.x, right: legend.x + legend.width, top: legend.y, bottom: legend.y + legend.height},
  };
}"""


def assert_legend_clear_of_a_wide_timeline(geometry):
    timeline, legend = geometry["timeline"], geometry["legend"]
    assert legend["bottom"] <= timeline["top"] or legend["top"] >= timeline["bottom"], geometry
    assert timeline["right"] - timeline["left"] >= 0.6 * geometry["width"], geometry


@pytest.fixture
def reports_owed(plan):
    open_periods(date(2019, 1, 1), date(2019, 3, 31))
    scan_deadlines(date(2019, 3, 20))


@pytest.mark.browser_context_args(**SCREENS["desktop"])
def test_office_reviewer_reads_the_battle_map_filters_it_and_clicks_through(
    page, live_server, logged_in, office_reviewer, reports_owed, measure
):
    logged_in("office_reviewer")
    page.get_by_role("link", name="看板").click()
    page.get_by_role("link", name="挂图作战").click()
    expect(page.get_by_role("heading", name=re.compile("挂图作战"))).to_be_visible()
    page.wait_for_function(HAS_CHART)
    assert page.evaluate(ROW_COUNT) == 24
    assert_legend_clear_of_a_wide_timeline(page.evaluate(GEOMETRY))

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


@pytest.mark.browser_context_args(**SCREENS["phone"])
def test_on_a_phone_the_timeline_has_the_width_and_the_legend_comes_after_the_rows(
    page, live_server, logged_in, office_reviewer, reports_owed
):
    """On a phone the legend covered the chart and the timeline was ~80 px wide."""
    logged_in("office_reviewer")
    page.goto(f"{live_server.url}/dashboard/map/?as_of=2019-03-20")
    page.wait_for_function(HAS_CHART)
    geometry = page.evaluate(GEOMETRY)
    assert_legend_clear_of_a_wide_timeline(geometry)
    assert geometry["legend"]["top"] >= geometry["timeline"]["bottom"], geometry

    # On a phone the list under the chart is one block per measure, within the screen.
    row = page.locator('#battle-map-list tr[data-measure="2"]')
    expect(row).to_contain_text("超期")
    assert row.bounding_box()["width"] <= page.viewport_size["width"]

    # A tap on a marker still opens its measure's ledger.
    marker = page.evaluate(FIRST_MARKER)
    box = page.locator("#battle-map").bounding_box()
    page.touchscreen.tap(box["x"] + marker["x"], box["y"] + marker["y"])
    page.wait_for_url(f"{live_server.url}{marker['url']}")
