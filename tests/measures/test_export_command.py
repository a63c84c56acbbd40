"""export_plan prints the whole plan as JSON, names exactly as written."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def export(*args):
    out = StringIO()
    call_command("export_plan", *args, stdout=out)
    return json.loads(out.getvalue())


def test_export_has_the_document_and_every_measure(plan):
    data = export("--format", "json")
    assert data["document"]["title"] == "关于进一步优化营商环境的实施意见"
    assert data["document"]["published_on"] == "2018-12-05"
    assert len(data["measures"]) == 27
    measure = data["measures"][1]
    assert set(measure) >= {"number", "section", "title", "kind", "lead_units", "responsible_units",
                            "responsible_groups", "deadline_text", "flags", "milestones", "targets"}  # fmt: skip
    assert measure["milestones"][1] == {
        "due": "2019-06-30",
        "kind": "dated",
        "description": "将企业开办时间压缩到8.5个工作日内",
        "source": "deadline_line",
    }
    assert data["measures"][23]["responsible_groups"][0] == "市直各相关单位"


def test_export_without_a_document_explains_what_to_do(empty_world):
    with pytest.raises(CommandError, match="尚未导入任何政策文件"):
        export()


def test_export_of_an_unknown_document_is_refused(plan):
    with pytest.raises(CommandError, match="没有编号为 999 的政策文件"):
        export("--document", "999")
