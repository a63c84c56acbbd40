"""import_policy as an operator meets it: idempotent, all-or-nothing, clear about bad input."""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from measures.models import Assignment, Measure, Milestone, PolicyDocument, Section, Target
from units.models import Unit, UnitGroup

from ..conftest import SEED_PATH, seed_text

MODELS = (PolicyDocument, Section, Measure, Assignment, Milestone, Target, Unit, UnitGroup, LogEntry)

SMALL_DOCUMENT = """关于测试的实施意见
来源:测试日报  时间:2019-03-01

    一、主要举措

    (一)第一部分

    1.第一项举措。正文。

    牵头单位:市甲局、市乙局

    责任单位:市丙局等市直各有关单位,各区市县

    完成时限:2019年底前

    2.第二项举措。正文。

    责任单位:某某集团公司

    完成时限:长期推进
"""


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def run_import(path):
    out = StringIO()
    call_command("import_policy", str(path), stdout=out)
    return out.getvalue()


def test_import_prints_a_summary(empty_world):
    output = run_import(SEED_PATH)
    assert "举措 24 项,保障措施 3 项" in output
    assert "节点 46 个,量化指标 18 个" in output
    assert "举措 23:牵头单位未明确" in output


def test_second_import_of_the_same_file_changes_nothing(plan):
    before = counts()
    snapshot = list(Milestone.objects.order_by("pk").values())
    output = run_import(SEED_PATH)
    assert "与数据库中已有内容一致,未做任何更改" in output
    assert counts() == before  # no rows, and no audit entries either
    assert list(Milestone.objects.order_by("pk").values()) == snapshot


def test_reimport_after_an_edit_to_the_text_updates_only_that_measure(plan, tmp_path):
    edited = tmp_path / "edited.txt"
    edited.write_text(seed_text().replace("完成时限:2019年6月底前", "完成时限:2019年9月底前"), encoding="utf-8")
    output = run_import(edited)
    assert "更新:文件 1,举措 1,节点 1" in output
    # The body's own 2019年6月底前 is no longer the deadline, so it becomes a milestone of its own.
    assert "新增:节点 1" in output
    milestones = plan.measures.get(number=4).milestones.all()
    assert [(m.due_date.isoformat(), m.source) for m in milestones] == [
        ("2019-09-30", "deadline_line"),
        ("2019-06-30", "body"),
    ]


def test_unknown_units_are_created_and_listed(directory, tmp_path):
    path = tmp_path / "small.txt"
    path.write_text(SMALL_DOCUMENT, encoding="utf-8")
    output = run_import(path)
    assert "新建单位 4 个(请在后台确认类别):市甲局、市乙局、市丙局、某某集团公司" in output
    assert Unit.objects.get(name="某某集团公司").kind == "enterprise"
    assert "举措 2:牵头单位未明确" in output
    assert not Unit.objects.filter(name="市直各有关单位").exists()


MALFORMED = [
    ("", "第 1 行:文件为空"),
    ("标题\n\n一、主要举措\n(一)章节\n1.甲。\n3.乙。\n", "第 6 行:举措编号应为 2,实际为 3"),
    ("标题\n一、主要举措\n1.甲。正文\n", "第 3 行:举措 1 不在任何章节"),
    ("标题\n一、主要举措\n(一)章节\n1.甲。\n牵头单位:\n", "第 5 行:举措 1 的“牵头单位”后没有内容"),
    (
        "标题\n一、主要举措\n(一)章节\n1.甲。\n牵头单位:市甲局\n牵头单位:市乙局\n",
        "第 6 行:举措 1 的“牵头单位”重复出现(首次在第 5 行)",
    ),
    ("标题\n牵头单位:市甲局\n1.甲。\n", "第 2 行:“牵头单位”不属于任何举措或保障措施"),
    ("标题\n一、主要举措\n(一)章节\n1.甲。\n牵头单位:市甲局、市甲局\n", "第 5 行:举措 1 的“牵头单位”中单位重复:市甲局"),
    ("标题\n正文而已\n", "未找到任何编号举措"),
    ("标题\n来源:某报  时间:2019-02-30\n", "第 2 行:发布时间“时间:2019-02-30”不是有效日期"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED, ids=[m for _, m in MALFORMED])
def test_malformed_file_names_the_line_and_writes_nothing(plan, tmp_path, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert message in str(error.value)
    assert "未写入任何数据" in str(error.value)
    assert counts() == before


def test_a_file_that_is_not_utf8_is_refused(plan, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(seed_text().encode("gb18030"))
    before = counts()
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        run_import(path)
    assert counts() == before


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run_import(tmp_path / "nope.txt")


def test_a_failure_midway_rolls_back_everything(empty_world, monkeypatch):
    import measures.services as services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_sync_role_assignments", broken)
    with pytest.raises(RuntimeError):
        run_import(SEED_PATH)
    assert PolicyDocument.objects.count() == Measure.objects.count() == 0


def test_make_run_never_reimports_over_the_offices_edits(plan):
    """The office set 市委政法委 as lead of measure 23 in the admin; the next `make run`
    re-imported the document and silently reverted it ("新增:分工 1 删除:分工 1")."""
    from measures.models import AssignmentRole

    measure = plan.measures.get(number=23)
    unit = Unit.objects.get_or_create(name="市委政法委")[0]
    Assignment.objects.create(measure=measure, unit=unit, role=AssignmentRole.LEAD, written_name=unit.name, position=9)
    before = counts()
    out = StringIO()
    call_command("import_policy", "--only-if-empty", str(SEED_PATH), stdout=out)
    assert "未重新导入" in out.getvalue()
    assert counts() == before
    assert measure.assignments.filter(unit=unit, role=AssignmentRole.LEAD).exists()
