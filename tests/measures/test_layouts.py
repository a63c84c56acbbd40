"""Plans in the layouts other governments write (issue 12): a corpus of invented documents, one
family after another, each read with every lead, responsible unit and deadline as written and
nothing invented; and a broken variant of each family refused with its line, nothing written.
The documents are in tests/measures/corpus/ (Word and Excel ones built by build.py)."""

from collections import namedtuple
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.textfile import UnreadableText
from measures.layouts import read_document
from measures.models import Measure, PolicyDocument
from measures.parsing import ParseError
from measures.sources import read_source
from units.models import Unit, UnitGroup

from .corpus.build import corpus_bytes

Doc = namedtuple("Doc", "layout title published_on measures")

CORPUS = {
    "fields-pnum.txt": Doc(
        "fields",
        "东山新区2025年创优营商环境重点工作责任分工",
        "2025-05-06",
        [
            (
                "1",
                "推行区域评估成果共享",
                ["新区规划建设局"],
                ["新区生态环境分局", "新区应急管理局"],
                "2025年8月底前",
                ["2025-08-31"],
            ),
            ("2", "实施“标准地”出让", ["新区自然资源分局"], ["新区经济发展局"], "2025年底前", ["2025-12-31"]),
            ("3", "建立“企业服务专员”制度", ["新区营商环境办"], ["新区各部门", "各街道"], "长期推进", ["ongoing"]),
        ],
    ),
    "fields-parts-sections.txt": Doc(
        "fields",
        "某市人民政府办公室关于印发某市2025年优化营商环境攻坚行动任务分工方案的通知",
        "2025-03-10",
        [
            (
                "1",
                "深化“一网通办”",
                ["市政务服务中心"],
                ["市发展改革委", "市工业和信息化局", "各区市县（先导区）"],
                "2025年12月底",
                ["2025-12-31"],
            ),
            ("2", "推行告知承诺制", ["市司法局"], ["市市场监管局"], "自印发之日起6个月内", ["2025-09-09"]),
            ("3", "压缩开办时间", ["市市场监管局"], ["市税务局", "市公安局", "有关部门"], "持续推进", ["ongoing"]),
        ],
    ),
    "fields-numbered-parts.txt": Doc(
        "fields",
        "西岭县优化营商环境三年行动方案（2025—2027年）任务分解表",
        None,
        [
            (
                "1",
                "实行“证照分离”全覆盖",
                ["县市场监管局"],
                ["县司法局", "县行政审批局"],
                "2025年起3年内",
                ["2027-12-31"],
            ),
            ("2", "推进企业注销便利化", [], ["县市场监管局", "县税务局"], "2025年6月底前", ["2025-06-30"]),
            ("3", "保障企业用工", ["县人力资源社会保障局"], ["县财政局"], "长期坚持", ["ongoing"]),
            ("4", "加强用地保障", [], ["县自然资源局"], "按序时进度推进", ["per_schedule"]),
        ],
    ),
    "fields.docx": Doc(
        "fields",
        "南岗区2025年优化营商环境工作要点",
        "2025-02-08",
        [
            (
                "1",
                "推进“高效办成一件事”",
                ["区政务服务中心"],
                ["区人力资源社会保障局", "区医保局"],
                "2025年3月—2025年10月",
                ["2025-10-31"],
            ),
            ("2", "开展“千名干部进万企”活动", ["区工商联"], ["区直各有关部门"], "每季度", ["ongoing"]),
            ("3", "开展营商环境评价", ["区营商环境建设局"], [], "自印发之日起3个月内", ["2025-05-07"]),
        ],
    ),
    "brackets-inline.txt": Doc(
        "brackets",
        "滨海市深化“放管服”改革2025年重点任务清单",
        "2025-02-18",
        [
            (
                "1",
                "推行工程建设项目“联合验收”",
                ["市住房城乡建设局"],
                ["市自然资源局", "市消防救援支队"],
                "2025年6月底",
                ["2025-06-30"],
            ),
            (
                "2",
                "开展涉企收费专项清理",
                ["市发展改革委"],
                ["市市场监管局", "市民政局", "各区、县级市"],
                "2025年3月至12月",
                ["2025-12-31"],
            ),
            ("3", "全面推行“双随机、一公开”监管", ["市市场监管局"], ["市直各有关部门"], "每季度", ["ongoing"]),
            ("4", "建立信用修复机制", ["市发展改革委(市信用办)"], [], "2025年起3年内", ["2027-12-31"]),
        ],
    ),
    "brackets.docx": Doc(
        "brackets",
        "北湾市关于打造一流营商环境的若干措施任务分工",
        "2025-01-20",
        [
            (
                "1",
                "推行“拿地即开工”",
                ["市自然资源局"],
                ["市住房城乡建设局", "市生态环境局"],
                "2025年9月底前",
                ["2025-09-30"],
            ),
            (
                "2",
                "推行水电气网联合报装",
                ["国网北湾供电公司"],
                ["市水务集团", "市燃气公司"],
                "2025年6月30日",
                ["2025-06-30"],
            ),
            ("3", "降低企业融资成本", ["市金融局"], ["人民银行北湾市分行"], "长期坚持", ["ongoing"]),
        ],
    ),
    "tails-state-council.txt": Doc(
        "tails",
        "关于进一步提升政务服务效能的若干措施",
        "2025-04-01",
        [
            ("1", "统一办事指南", ["市政务服务中心"], ["市司法局"], "", []),
            ("2", "规范审批流程", ["市发展改革委"], ["市财政局", "市税务局"], "2025年底前完成", ["2025-12-31"]),
            ("3", "推广“免证办”", ["市大数据局"], ["市公安局"], "2025年9月底前完成", ["2025-09-30"]),
            ("4", "建设“一件事”专区", ["各区市县人民政府"], [], "持续推进", ["ongoing"]),
        ],
    ),
    "tails.docx": Doc(
        "tails",
        "关于支持民营经济高质量发展的若干措施",
        None,
        [
            ("1", "破除招投标隐性壁垒", ["市发展改革委"], ["市住房城乡建设局", "市交通运输局"], "", []),
            ("2", "支持民营企业参与重大项目", ["市发展改革委"], ["市国资委"], "", ["yearly"]),
            ("3", "完善融资担保体系", ["市财政局"], ["市金融局"], "2026年底前完成", ["2026-12-31"]),
        ],
    ),
    "table-flat.txt": Doc(
        "table",
        "临港区2025年营商环境重点任务台账",
        None,
        [
            (
                "1",
                "推行“一窗通办”",
                ["区行政审批局"],
                ["区大数据中心", "各街道办事处"],
                "2025年6月底前",
                ["2025-06-30"],
            ),
            ("2", "推广电子印章应用", ["区大数据中心"], ["区行政审批局"], "2025年底前", ["2025-12-31"]),
            (
                "3",
                "开展涉企执法检查专项整治",
                ["区司法局"],
                ["区市场监管局", "区应急管理局", "有关部门"],
                "持续推进",
                ["ongoing"],
            ),
        ],
    ),
    "table.docx": Doc(
        "table",
        "东港市2025年对外开放重点任务分工表",
        "2025-03-03",
        [
            ("1", "压缩整体通关时间", ["东港海关"], ["市商务局", "市口岸办"], "2025年底前", ["2025-12-31"]),
            ("2", "推广“提前申报”模式", ["东港海关"], ["市口岸办"], "持续推进", ["ongoing"]),
            (
                "3",
                "建设知识产权保护中心",
                ["市市场监管局（市知识产权局）"],
                ["市法院", "市检察院"],
                "2026年6月底前",
                ["2026-06-30"],
            ),
        ],
    ),
    "table.xlsx": Doc(
        "table",
        "云川县2025年优化营商环境任务清单",
        None,
        [
            (
                "1",
                "推行“一业一证”改革",
                ["县行政审批局"],
                ["县市场监管局", "县卫生健康局"],
                "2025年6月底前",
                ["2025-06-30"],
            ),
            ("2", "推广“县域通办”", ["县行政审批局"], ["各乡镇人民政府"], "持续推进", ["ongoing"]),
            ("3", "开展包容审慎监管", ["县司法局"], ["县直各有关部门"], "", []),
            ("4", "建立涉企投诉快速响应机制", ["县营商环境局"], ["县12345热线中心"], "2025年9月30日", ["2025-09-30"]),
        ],
    ),
    "table-gbk.csv": Doc(
        "table",
        "table-gbk",
        None,
        [
            ("1", "压缩企业开办时间", ["市市场监管局"], ["市公安局", "市税务局"], "2025年3月底前", ["2025-03-31"]),
            (
                "2",
                "实行惠企政策“免申即享”",
                ["市工业和信息化局", "市财政局"],
                ["市人力资源社会保障局"],
                "2025年6月—9月",
                ["2025-09-30"],
            ),
            (
                "3",
                "清理妨碍统一市场的规定",
                ["市发展改革委"],
                ["市直各有关部门", "各区、县级市"],
                "2025年起2年内",
                ["2026-12-31"],
            ),
        ],
    ),
}

# (code, title, leads, responsible units, deadline as written, milestones: due dates or kinds)


def read(name: str, **options):
    return read_document(read_source(corpus_bytes(name), name), **options)


@pytest.mark.parametrize("name", list(CORPUS))
def test_corpus_document_is_read_as_written(name):
    expected = CORPUS[name]
    parsed = read(name)
    assert parsed.layout == expected.layout
    assert parsed.title == expected.title
    assert (str(parsed.published_on) if parsed.published_on else None) == expected.published_on
    found = [
        (
            m.code,
            m.title,
            [a.written_name for a in m.assignments if a.role == "lead"],
            [a.written_name for a in m.assignments if a.role == "responsible"],
            m.deadline_text,
            [str(x.due) if x.due else x.kind for x in m.milestones],
        )
        for m in parsed.measures
    ]
    assert found == expected.measures


def test_the_corpus_covers_every_family_and_every_file_type():
    assert len(CORPUS) >= 12
    assert {doc.layout for doc in CORPUS.values()} == {"fields", "brackets", "tails", "table"}
    assert {name.rsplit(".", 1)[1] for name in CORPUS} == {"txt", "docx", "xlsx", "csv"}


def test_breadcrumbs_document_number_addressees_and_signature_are_not_measures_or_title():
    parsed = read("fields-parts-sections.txt")
    text = " ".join(f"{m.title} {m.body}" for m in parsed.measures)
    for noise in ("首页", "某政办发", "各区市县人民政府", "某市人民政府办公室\n", "2025年3月10日", "高度重视"):
        assert noise not in text
    assert not any("高度重视" in m.body for m in parsed.measures)  # the closing paragraph


def test_a_document_level_lead_note_sets_the_rule_and_is_no_unit():
    parsed = read("brackets-inline.txt")
    assert parsed.lead_rule == "first"
    names = {a.written_name for m in parsed.measures for a in m.assignments}
    assert not any("牵头单位" in name for name in names)


def test_the_lead_rule_can_be_overridden():
    parsed = read("tails-state-council.txt", lead_rule="named")
    first = parsed.measures[0]
    assert [a.role for a in first.assignments] == ["responsible", "responsible"]
    # A unit written "X牵头" leads whatever the rule.
    assert [a.written_name for a in parsed.measures[1].assignments if a.role == "lead"] == ["市发展改革委"]


def test_a_fragment_is_flagged_never_a_unit():
    parsed = read("fields-numbered-parts.txt")
    assert parsed.unit_problems == [("4", "“乡镇政府有关部门）”括号不成对")]
    assert "unit_name_unclear" in parsed.measures[3].text_flags


def test_durations_and_thresholds_are_not_targets():
    parsed = read("fields-parts-sections.txt")
    assert [(t.metric, t.unit) for t in parsed.measures[1].targets] == []  # 6个月, 超过100人的企业
    assert [(t.metric, str(t.value), t.unit) for t in parsed.measures[2].targets] == [("企业开办时间", "1", "工作日")]


def test_a_range_keeps_its_start_in_the_milestone_never_as_the_deadline():
    (milestone,) = read("brackets-inline.txt").measures[1].milestones
    assert str(milestone.due) == "2025-12-31"
    assert "自2025年3月起" in milestone.description


def test_restarting_numbers_are_renumbered_in_document_order_and_said_so():
    parsed = read("fields-parts-sections.txt")
    assert [m.number for m in parsed.measures] == [1, 2, 3]
    assert any("重新起算" in warning for warning in parsed.warnings)


# Refusals: one broken variant per family, each naming its line. -------------------------------

BROKEN = {
    "fields": (
        "fields-parts-sections.txt",
        ("完成时限：持续推进", "完成时限："),
        "fields",
        "第 21 行:“完成时限”后没有内容",
    ),
    "brackets": (
        "brackets-inline.txt",
        ("完成时限:2025年起3年内〕", "完成时限:2025年起3年内"),
        "brackets",
        "第 13 行:括号未闭合",
    ),
    "tails": (
        "tails-state-council.txt",
        ("（市政务服务中心、市司法局负责）", "（牵头，按职责分工负责）"),
        "tails",
        "第 5 行:括注“牵头，按职责分工负责”中有“牵头/负责/会同”却没有写出单位",
    ),
    "table": ("table-flat.txt", ("2025年6月底前", "2025年6月底前\t多出的一列"), "table", "第 5 行:此行有 6 列"),
}


@pytest.mark.parametrize("family", list(BROKEN))
def test_a_broken_document_of_each_family_is_refused_with_its_line(family):
    name, (old, new), layout, message = BROKEN[family]
    text = corpus_bytes(name).decode("utf-8")
    assert text.count(old) == 1
    source = read_source(text.replace(old, new).encode("utf-8"), name)
    with pytest.raises(ParseError) as forced:
        read_document(source, layout=layout)
    assert message in str(forced.value)
    with pytest.raises(ParseError) as detected:
        read_document(source)
    assert "已尝试的版式" in str(detected.value) or message in str(detected.value)


def test_a_table_without_its_header_is_refused():
    with pytest.raises(ParseError, match="未找到表头"):
        read_document(read_source("甲,乙\n1,2\n".encode(), "x.csv"), layout="table")


def test_no_measures_found_names_the_first_line_that_looks_like_one_and_every_layout_tried():
    text = "某县工作方案\n\n一、总体要求\n（一）指导思想。坚持稳中求进。\n1.推进某事。\n"
    with pytest.raises(ParseError) as error:
        read_document(read_source(text.encode(), "plan.txt"))
    message = str(error.value)
    assert "第一处像举措的是第 4 行" in message
    for label in ("字段行", "括号内字段", "句尾括注分工", "表格"):
        assert label in message


BAD_FILES = [
    (b"PK\x03\x04broken", "plan.docx", "文件已损坏"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "plan.doc", "旧版 Word/Excel"),
    (b"%PDF-1.7 ...", "plan.pdf", "PDF 文件无法导入"),
    (b"x" * (5 * 1024 * 1024 + 1), "plan.txt", "文件过大"),
]


@pytest.mark.parametrize(("data", "name", "message"), BAD_FILES, ids=[m for *_, m in BAD_FILES])
def test_a_file_that_cannot_be_read_says_why(data, name, message):
    with pytest.raises(UnreadableText, match=message):
        read_source(data, name)


def test_a_truncated_word_file_is_refused_not_crashed():
    data = corpus_bytes("brackets.docx")
    with pytest.raises(UnreadableText):
        read_source(data[: len(data) // 2], "plan.docx")


# Importing: the same services, the same all-or-nothing. ----------------------------------------


def test_a_word_table_imports_with_its_units_and_only_real_names(directory, tmp_path):
    path = tmp_path / "table.docx"
    path.write_bytes(corpus_bytes("table.docx"))
    out = StringIO()
    call_command("import_policy", str(path), stdout=out)
    assert "版式:表格" in out.getvalue()
    document = PolicyDocument.objects.get(title="东港市2025年对外开放重点任务分工表")
    measure = document.measures.get(number=1)
    assert [a.written_name for a in measure.lead_assignments()] == ["东港海关"]
    assert Unit.objects.filter(name="市口岸办").exists()


def test_fragments_are_never_created_as_units(directory, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(corpus_bytes("fields-numbered-parts.txt"))
    out = StringIO()
    call_command("import_policy", str(path), stdout=out)
    assert "单位写法存疑 1 处" in out.getvalue()
    assert not Unit.objects.filter(name__contains="乡镇政府有关部门").exists()
    assert UnitGroup.objects.filter(name="有关部门").exists() is False  # not named in this document
    assert Measure.objects.get(document__title__startswith="西岭县", number=4).assignments.count() == 1


def test_a_forced_layout_that_does_not_fit_writes_nothing(directory, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(corpus_bytes("tails-state-council.txt"))
    before = PolicyDocument.objects.count()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_policy", "--layout", "table", str(path), stdout=StringIO())
    assert PolicyDocument.objects.count() == before
