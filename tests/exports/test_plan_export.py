"""The plan as an Excel workbook: from the plan page and from `export_plan --format xlsx`."""

import json
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from .conftest import read_xlsx

PLAN_HEADERS = ["序号", "改革举措", "牵头单位", "责任单位", "完成时限", "节点", "量化指标"]


def export_plan(*args):
    out = StringIO()
    call_command("export_plan", *args, stdout=out)
    return out.getvalue()


def test_export_plan_writes_27_measure_rows_with_names_as_written(plan, tmp_path):
    path = tmp_path / "x.xlsx"
    assert export_plan("--format", "xlsx", "--output", str(path)) == f"已导出 27 项举措到 {path}\n"
    sheet = read_xlsx(path.read_bytes())
    assert sheet.title == "《关于进一步优化营商环境的实施意见》任务分工"
    assert sheet.headers == PLAN_HEADERS
    assert sheet.codes() == [str(n) for n in range(1, 25)] + ["十", "十一", "十二"]
    assert len(sheet.section_rows()) == 9
    assert "市直各相关单位" in sheet.row_of("24")["责任单位"].split("、")
    row = sheet.row_of("2")
    assert row["牵头单位"] == "市工商局、市公安局、市税务局"
    assert "2019-06-30 将企业开办时间压缩到8.5个工作日内" in row["节点"].splitlines()
    assert "企业开办时间 ≤ 8.5工作日" in row["量化指标"]
    assert list(tmp_path.iterdir()) == [path]  # no partial file left behind


def test_export_plan_xlsx_without_output_is_refused_in_chinese(plan):
    with pytest.raises(CommandError, match="导出 xlsx 须用 --output 指定文件路径"):
        export_plan("--format", "xlsx")


def test_export_plan_into_a_missing_directory_is_refused_in_chinese(plan, tmp_path):
    with pytest.raises(CommandError, match="目录不存在"):
        export_plan("--format", "xlsx", "--output", str(tmp_path / "no" / "x.xlsx"))


def test_export_plan_json_still_prints_to_stdout(plan):
    assert len(json.loads(export_plan())["measures"]) == 27


def test_plan_download_is_open_to_any_signed_in_user(client, outsider, plan):
    client.force_login(outsider)
    response = client.get(reverse("plan-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(quote("分工方案_关于进一步优化营商环境的实施意见.xlsx"))
    assert len(read_xlsx(b"".join(response.streaming_content)).codes()) == 27


def test_plan_download_of_an_unknown_document_is_404_and_of_a_malformed_one_400(client, outsider, plan):
    client.force_login(outsider)
    assert client.get(reverse("plan-export"), {"document": "999"}).status_code == 404
    response = client.get(reverse("plan-export"), {"document": "1; drop"})
    assert response.status_code == 400 and "参数 document" in response.content.decode()


def test_plan_page_links_to_its_export(client, outsider, plan):
    client.force_login(outsider)
    page = client.get(reverse("plan")).content.decode()
    assert f'href="/exports/plan.xlsx?document={plan.pk}"' in page
