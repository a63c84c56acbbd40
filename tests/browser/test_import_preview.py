"""The office imports two plans through the browser: a Word file and an Excel table, each
previewed, one unknown unit mapped to the directory, confirmed, then read on the plan page."""

import pytest
from playwright.sync_api import expect

from measures.models import Assignment
from units.models import Unit

from ..measures.corpus.build import brackets_docx, table_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30_000


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def upload(page, name: str, data: bytes, mime: str):
    page.get_by_role("link", name="计划总览").first.click()
    page.get_by_role("link", name="导入文件").click()
    page.get_by_label("政策文件").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("尚未写入任何数据")).to_be_visible(timeout=TIMEOUT)


def confirm(page):
    page.get_by_label("我已核对以上预览").check()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入")).to_be_visible(timeout=TIMEOUT)


def test_office_previews_corrects_a_unit_and_imports_a_docx_and_an_xlsx(logged_in, office_reviewer, live_server):
    page = logged_in("office_reviewer")
    page.set_default_timeout(TIMEOUT)
    page.wait_for_url(f"{live_server.url}/plan/")

    upload(
        page,
        "北湾市任务分工.docx",
        brackets_docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    expect(page.locator("[data-layout]")).to_have_text("括号内字段")
    expect(page.locator("[data-preview-measure]")).to_have_count(3)
    mapping = page.locator("[data-unit-mapping] tbody tr").first
    name = mapping.locator("label").inner_text()
    mapping.locator("select").select_option(label="市税务局")
    page.get_by_role("button", name="按更正重新预览").click()
    expect(page.get_by_text("→ 市税务局").first).to_be_visible()
    confirm(page)
    expect(page.get_by_role("heading", name="北湾市关于打造一流营商环境的若干措施任务分工")).to_be_visible()
    expect(page.get_by_role("link", name="推行水电气网联合报装")).to_be_visible()
    assert Assignment.objects.filter(written_name=name, unit__name="市税务局").exists()
    assert not Unit.objects.filter(name=name).exists()

    upload(page, "分工表.xlsx", table_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    expect(page.locator("[data-layout]")).to_have_text("表格")
    titles = page.locator("[data-preview-measure] td:nth-child(2)").all_inner_texts()
    confirm(page)
    for title in titles[:3]:
        expect(page.get_by_role("link", name=title.split(" ")[0].strip()).first).to_be_visible()
    # Both plans sit beside the seed on the plan page.
    page.get_by_role("button", name="切换文件").click()
    expect(page.get_by_role("link", name="北湾市关于打造一流营商环境的若干措施任务分工")).to_be_visible()
