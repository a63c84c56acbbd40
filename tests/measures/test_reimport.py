"""Importing the document again never undoes what people changed (issue 10, "Edits that last").

The office set 市委政法委 as lead of measure 23 in the admin; the next import silently reverted
it. Now an unchanged document writes nothing at all; a changed one shows what it would change,
and a change to something a person edited is a conflict: listed, never overwritten.
"""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Assignment, Measure, Milestone, PolicyDocument, Section, Target
from measures.services import set_lead_units
from units.models import Unit, UnitGroup

from ..conftest import SEED_PATH, seed_text

M4_DEADLINE = ("完成时限:2019年6月底前", "完成时限:2019年9月底前")
M23_LEAD = ("责任单位:市委政法委、市人大常委会法工委", "牵头单位:市司法局\n\n责任单位:市委政法委、市人大常委会法工委")
M24_LEAD = (
    "牵头单位:市发展改革委\n\n\xa0\xa0\xa0\xa0责任单位:市工商局",
    "牵头单位:市发展改革委、市信用办\n\n责任单位:市工商局",
)
M24_ONGOING = (
    "各区市县、开放先导区\n\n\xa0\xa0\xa0\xa0完成时限:2019年底前取得阶段性成果,长期推进\n\n\xa0\xa0\xa0\xa0三、",
    "各区市县、开放先导区\n\n完成时限:长期推进\n\n三、",
)
M25_NEW = (
    "三、保障措施",
    "25.建设营商环境监测平台。正文。\n\n牵头单位:市营商办\n\n完成时限:2019年底前\n\n三、保障措施",
)


def edited(tmp_path, *replacements) -> str:
    text = seed_text()
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "edited.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_import(path=SEED_PATH, *flags) -> str:
    out = StringIO()
    call_command("import_policy", *flags, str(path), stdout=out)
    return out.getvalue()


def refused_import(path, *flags) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_policy", *flags, str(path), stdout=out)
    return out.getvalue(), str(error.value)


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def state() -> dict:
    """Every row of the plan and the audit log, field by field."""
    models = (PolicyDocument, Section, Measure, Assignment, Milestone, Target, Unit, UnitGroup, LogEntry)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def leads(plan, number) -> list[str]:
    measure = plan.measures.get(number=number)
    return [a.unit.name for a in measure.assignments.filter(role="lead").select_related("unit").order_by("position")]


@pytest.fixture
def politics_and_law():
    return Unit.objects.get(name="市委政法委")


@pytest.fixture
def office_set_lead_23(plan, office_reviewer, politics_and_law):
    """The office's edit from the issue: 市委政法委 leads measure 23 (the document names no lead)."""
    set_lead_units(measure=plan.measures.get(number=23), units=[politics_and_law], user=office_reviewer)


def test_reimporting_the_unchanged_document_writes_nothing(plan):
    before = state()
    with CaptureQueriesContext(connection) as queries:
        output = run_import()
    assert writes(queries) == []
    assert state() == before
    assert "与数据库中已有内容一致,未做任何更改" in output


def test_an_office_edit_survives_an_unchanged_reimport_untouched_and_is_listed(plan, office_set_lead_23):
    before = state()
    with CaptureQueriesContext(connection) as queries:
        output = run_import()
    assert writes(queries) == []
    assert state() == before
    assert leads(plan, 23) == ["市委政法委"]
    assert "文件与上次导入的内容一致,未做任何更改" in output
    assert "保留的人工修改 1 处" in output
    assert "举措 23 牵头单位:上次导入为“(无)”,人工修改为“市委政法委”" in output


def test_a_changed_document_that_conflicts_with_an_edit_is_listed_and_nothing_is_written(
    plan, office_set_lead_23, tmp_path
):
    path = edited(tmp_path, M4_DEADLINE, M23_LEAD)
    before = state()
    output, error = refused_import(path)
    assert "有 1 处冲突,未写入任何数据" in error and "--skip-conflicts" in error
    assert "未导入:有更改与人工修改冲突" in output
    assert "将更改" in output and "修改 举措 4 完成时限(原文):“2019年6月底前” → “2019年9月底前”" in output
    assert "冲突 1 处" in output
    assert "举措 23 牵头单位:上次导入为“(无)”,人工修改为“市委政法委”,新文件为“市司法局”" in output
    assert state() == before


def test_skip_conflicts_writes_the_other_changes_and_keeps_the_edit(plan, office_set_lead_23, tmp_path):
    path = edited(tmp_path, M4_DEADLINE, M23_LEAD)
    output = run_import(path, "--skip-conflicts")
    assert "导入完成" in output and "冲突 1 处" in output
    assert leads(plan, 23) == ["市委政法委"]
    assert plan.measures.get(number=4).deadline_text == "2019年9月底前"
    # The changed document is now the one last imported: importing it again is a no-op that
    # still names the edit it keeps.
    with CaptureQueriesContext(connection) as queries:
        again = run_import(path)
    assert writes(queries) == []
    assert "未做任何更改" in again and "冲突" not in again
    assert "举措 23 牵头单位:上次导入为“市司法局”,人工修改为“市委政法委”" in again


def test_an_admin_edit_of_a_lead_conflicts_with_a_new_lead_line(client, django_user_model, plan, tmp_path):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    police = plan.measures.get(number=2).assignments.get(written_name="市公安局")
    url = reverse("admin:measures_assignment_change", args=[police.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["unit"] = Unit.objects.get(name="市司法局").pk  # the words stay, the unit is the office's
    assert client.post(url, data).status_code == 302
    path = edited(tmp_path, ("牵头单位:市工商局、市公安局、市税务局", "牵头单位:市工商局、市税务局"))
    output, _ = refused_import(path)
    assert "举措 2 牵头单位:上次导入为“市工商局、市公安局、市税务局”,人工修改为“市工商局、市公安局、市税务局”" in output
    assert leads(plan, 2) == ["市工商局", "市司法局", "市税务局"]


def test_a_milestone_edited_by_hand_is_kept_while_the_rest_of_the_change_lands(plan, tmp_path):
    milestone = plan.measures.get(number=4).milestones.get(position=1)
    milestone.due_date = milestone.due_date.replace(month=7, day=31)
    milestone.save()
    output = run_import(edited(tmp_path, M4_DEADLINE), "--skip-conflicts")
    assert "举措 4 节点 1:上次导入为“2019-06-30" in output and "人工修改为“2019-07-31" in output
    assert "新文件为“2019-09-30" in output
    milestone.refresh_from_db()
    assert milestone.due_date.isoformat() == "2019-07-31"
    assert plan.measures.get(number=4).deadline_text == "2019年9月底前"  # nobody edited that


def test_dry_run_shows_every_kind_of_change_with_progress_and_writes_nothing(plan, tmp_path):
    path = edited(tmp_path, M4_DEADLINE, M24_LEAD, M24_ONGOING, M25_NEW)
    before = state()
    output = run_import(path, "--dry-run")
    assert state() == before
    assert not Unit.objects.filter(name="市信用办").exists()
    assert "预览(--dry-run):以下更改均未写入" in output
    assert "[28/28] (十二)" in output  # progress, section by section
    assert "修改 举措 4 完成时限(原文):“2019年6月底前” → “2019年9月底前”" in output
    assert "新增 举措 4 节点 2:2019-06-30" in output
    assert "修改 举措 24 牵头单位:“市发展改革委” → “市发展改革委、市信用办”" in output
    assert "删除 举措 24 节点 2" in output
    assert "新增 举措 25:建设营商环境监测平台(牵头单位:市营商办;节点 1 个,量化指标 0 个)" in output
    assert "将新建单位 1 个(请在后台确认类别):市信用办" in output
    assert "冲突" not in output


def test_without_conflicts_a_changed_document_is_written(plan, tmp_path):
    output = run_import(edited(tmp_path, M24_LEAD, M25_NEW))
    assert "导入完成" in output and "已更改" in output
    assert leads(plan, 24) == ["市发展改革委", "市信用办"]
    assert plan.measures.filter(number=25).exists()


def test_a_measure_gone_from_the_text_is_listed_and_kept(plan, tmp_path):
    text = seed_text()
    start, end = text.index("24.加强诚信大连建设"), text.index("三、保障措施")
    path = tmp_path / "shorter.txt"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    output = run_import(path, "--dry-run")
    assert "文件中已无 举措 24:加强诚信大连建设(数据库中保留,请人工核对)" in output
    run_import(path)
    assert plan.measures.filter(number=24).exists()


def test_a_measure_deleted_by_hand_stays_deleted(plan):
    plan.measures.get(number=24).delete()
    output = run_import()
    assert not plan.measures.filter(number=24).exists()
    assert "举措 24:上次导入为“已导入”,人工修改为“已删除”" in output


def test_dry_run_of_a_new_document_writes_nothing(empty_world):
    before = state()
    output = run_import(SEED_PATH, "--dry-run")
    assert state() == before
    assert "新增 举措 2:压缩企业开办时间(牵头单位:市工商局、市公安局、市税务局;" in output


def test_a_document_imported_before_the_plan_was_kept_still_tells_edits_from_changes(
    plan, office_set_lead_23, tmp_path
):
    """An upgraded database has no record of its last import: the stored text stands in for it."""
    PolicyDocument.objects.filter(pk=plan.pk).update(imported_plan={})
    before = state()
    output, _ = refused_import(edited(tmp_path, M23_LEAD))
    assert "举措 23 牵头单位:上次导入为“(无)”,人工修改为“市委政法委”,新文件为“市司法局”" in output
    assert state() == before
    output = run_import()
    assert "举措 23 牵头单位:上次导入为“(无)”,人工修改为“市委政法委”" in output
    assert leads(plan, 23) == ["市委政法委"]
    assert PolicyDocument.objects.get(pk=plan.pk).imported_plan  # recorded from now on


def test_an_edit_that_already_says_what_the_new_text_says_is_no_conflict(plan, tmp_path):
    justice = Unit.objects.get(name="市司法局")
    plan.measures.get(number=23).assignments.create(role="lead", unit=justice, written_name="市司法局", position=1)
    output = run_import(edited(tmp_path, M23_LEAD))
    assert "冲突" not in output and "举措 23 牵头单位" not in output
    assert leads(plan, 23) == ["市司法局"]
    # From now on the text says so too: the row is the document's, no longer a kept edit.
    assert "人工修改" not in run_import(edited(tmp_path, M23_LEAD))
