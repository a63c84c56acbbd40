"""Reading a policy document written in the form of Dalian's 2018 implementation opinions.

The text has numbered parts (一、二、三、), parenthesised sections ((四)…), numbered
measures (1.…) and field lines (牵头单位 / 责任单位 / 完成时限) that may also sit at the
end of a body paragraph. Sections that carry field lines themselves, with no numbered
measures, are safeguard items ((十)落实主体责任). Sections with neither — the general
requirements — stay in the document's full text only.

`parse_document` is pure: it returns plain data or raises ParseError naming the line.
Resolving unit names to rows is the importer's job (measures.services).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from measures.models import AssignmentRole, MeasureFlag, MeasureKind, MilestoneKind, MilestoneSource, PartKind
from measures.targets import find_targets

from .dates import WHOLE_MEASURE, DeadlineClause, normalize, parse_body_dates, parse_deadline_text

FIELD_LABELS = {"牵头单位": "lead", "责任单位": "responsible", "完成时限": "deadline"}
_FIELD = re.compile(r"(牵头单位|责任单位|完成时限)\s*[:：]")
_PART = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
_SECTION = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.*)$")
_MEASURE = re.compile(r"^(\d+)\s*[.．、]\s*(.+)$")
_META_SOURCE = re.compile(r"来源\s*[:：]\s*(\S+)")
_META_DATE = re.compile(r"时间\s*[:：]\s*(\d{4})-(\d{1,2})-(\d{1,2})")
# "X等市直各有关单位": X, then the collective phrase.
_AND_OTHERS = re.compile(r"^(.+?)等((?:市直|各).+)$")
COLLECTIVE_PREFIXES = ("市直各", "各")


class ParseError(ValueError):
    def __init__(self, line_number: int, message: str):
        self.line_number = line_number
        self.message = message
        super().__init__(f"第 {line_number} 行:{message}")


@dataclass
class ParsedAssignment:
    role: str
    written_name: str
    position: int


@dataclass
class ParsedMilestone:
    kind: str
    due: date | None
    description: str
    source: str
    source_text: str


@dataclass
class ParsedTarget:
    metric: str
    comparator: str
    value: Decimal
    unit: str
    due: date | None
    recurrence: str
    source_text: str
    from_deadline_line: bool


@dataclass
class ParsedMeasure:
    kind: str
    number: int | None
    section_numeral: str
    title: str
    body: str
    line_number: int
    deadline_text: str = ""
    fields_seen: dict[str, int] = field(default_factory=dict)
    assignments: list[ParsedAssignment] = field(default_factory=list)
    milestones: list[ParsedMilestone] = field(default_factory=list)
    targets: list[ParsedTarget] = field(default_factory=list)
    text_flags: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return str(self.number) if self.number is not None else self.section_numeral


@dataclass
class ParsedSection:
    numeral: str
    title: str
    part_heading: str
    line_number: int
    part: str = ""
    measures: list[ParsedMeasure] = field(default_factory=list)


@dataclass
class ParsedDocument:
    title: str
    source: str
    published_on: date | None
    full_text: str
    sections: list[ParsedSection]
    warnings: list[str]
    layout: str = "standard"  # a key of measures.layouts.LAYOUTS
    lead_rule: str = "named"  # a key of measures.layouts.LEAD_RULES
    # Names on a unit line that cannot be units ("配合单位:市委组织部", "区政府有关部门)"):
    # (measure code, why), shown to a person and never written to the directory.
    unit_problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def measures(self) -> list[ParsedMeasure]:
        return [measure for section in self.sections for measure in section.measures]


def split_unit_list(value: str) -> list[str]:
    """Names on a 牵头单位/责任单位 line, in order: "A、B等市直各有关单位,各区市县" →
    [A, B, 市直各有关单位, 各区市县]."""
    names: list[str] = []
    for item in re.split(r"[,，、;；]", normalize(value)):
        item = item.strip().rstrip("。")
        if not item:
            continue
        and_others = _AND_OTHERS.match(item)
        names.extend(and_others.groups() if and_others else [item])
    return names


def _title_and_rest(text: str) -> tuple[str, str]:
    title, stop, rest = text.partition("。")
    return title.strip(), rest.strip()


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.sections: list[ParsedSection] = []
        self.warnings: list[str] = []
        self.part_heading = ""
        self.section: ParsedSection | None = None
        self.item: ParsedMeasure | None = None  # the measure or safeguard item receiving lines
        self.last_number = 0

    def read(self) -> ParsedDocument:
        lines = self.text.splitlines()
        content = [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]
        if not content:
            raise ParseError(1, "文件为空")
        title = content[0][1]
        source, published_on = "", None
        for number, line in content[1:]:
            meta = self._read_meta(line, number)
            if meta is not None:
                source, published_on = meta
                continue
            self._read_line(number, line)
        if self.last_number == 0:
            raise ParseError(len(lines), "未找到任何编号举措(如“1.……”),请检查文件格式")
        sections = [s for s in self.sections if s.measures]
        for section in sections:
            for measure in section.measures:
                self._finish(measure, published_on)
        return ParsedDocument(title, source, published_on, self.text, sections, self.warnings)

    def _read_meta(self, line: str, number: int):
        source, when = _META_SOURCE.search(line), _META_DATE.search(line)
        if not (source or when) or self.sections or self.part_heading:
            return None
        published_on = None
        if when:
            try:
                published_on = date(*(int(g) for g in when.groups()))
            except ValueError:
                raise ParseError(number, f"发布时间“{when.group(0)}”不是有效日期") from None
        return (source.group(1) if source else ""), published_on

    def _read_line(self, number: int, line: str) -> None:
        if _PART.match(line):
            self.part_heading, self.section, self.item = line, None, None
            return
        if section := _SECTION.match(line):
            self._start_section(number, section.group(1), section.group(2))
            return
        if measure := _MEASURE.match(line):
            self._start_measure(number, int(measure.group(1)), measure.group(2))
            return
        self._read_text(number, line)

    def _start_section(self, number: int, numeral: str, rest: str) -> None:
        if any(s.numeral == numeral for s in self.sections):
            raise ParseError(number, f"章节序号({numeral})重复")
        title, body = _title_and_rest(rest)
        self.section = ParsedSection(numeral, title, self.part_heading, number)
        self.sections.append(self.section)
        # A section may turn out to be a safeguard item: keep its own text as a body.
        self.item = ParsedMeasure(MeasureKind.SAFEGUARD, None, numeral, title, "", number)
        self._read_text(number, body)

    def _start_measure(self, number: int, measure_number: int, rest: str) -> None:
        if self.section is None:
            raise ParseError(number, f"举措 {measure_number} 不在任何章节“(一)……”之下")
        if self.section.part == PartKind.SAFEGUARDS:
            raise ParseError(number, f"章节({self.section.numeral})已有字段行,不能再包含编号举措")
        if measure_number != self.last_number + 1:
            expected = self.last_number + 1
            raise ParseError(number, f"举措编号应为 {expected},实际为 {measure_number}(编号须连续且不重复)")
        self.last_number = measure_number
        title, body = _title_and_rest(rest)
        if not title:
            raise ParseError(number, f"举措 {measure_number} 没有标题")
        self.item = ParsedMeasure(MeasureKind.MEASURE, measure_number, self.section.numeral, title, "", number)
        self.section.part = PartKind.MEASURES
        self.section.measures.append(self.item)
        self._read_text(number, body)

    def _read_text(self, number: int, line: str) -> None:
        if not line:
            return
        field_match = _FIELD.search(line)
        if not field_match:
            if self.item is not None:
                if self.item.fields_seen:
                    self.warnings.append(f"第 {number} 行:举措 {self.item.code} 的字段行之后还有正文,已并入正文")
                self._append_body(line, number)
            return
        if self.item is None:
            raise ParseError(number, f"“{field_match.group(1)}”不属于任何举措或保障措施")
        if field_match.start() > 0:
            self._append_body(line[: field_match.start()], number)
            self._flag(self.item, MeasureFlag.FIELD_LINE_INLINE)
        self._read_field(number, field_match.group(1), line[field_match.end() :].strip())

    def _read_field(self, number: int, label: str, value: str) -> None:
        item = self.item
        assert item is not None
        if label in item.fields_seen:
            first = item.fields_seen[label]
            raise ParseError(number, f"举措 {item.code} 的“{label}”重复出现(首次在第 {first} 行)")
        if not value:
            raise ParseError(number, f"举措 {item.code} 的“{label}”后没有内容")
        if _FIELD.search(value):
            raise ParseError(number, f"举措 {item.code} 的一行中有多个字段,请分行书写")
        item.fields_seen[label] = number
        if item.kind == MeasureKind.SAFEGUARD and self.section and not self.section.measures:
            self.section.part = PartKind.SAFEGUARDS
            self.section.measures.append(item)
        if label == "完成时限":
            item.deadline_text = value
            return
        role = AssignmentRole.LEAD if label == "牵头单位" else AssignmentRole.RESPONSIBLE
        names = split_unit_list(value)
        duplicates = {name for name in names if names.count(name) > 1}
        if duplicates:
            raise ParseError(number, f"举措 {item.code} 的“{label}”中单位重复:{'、'.join(sorted(duplicates))}")
        for position, name in enumerate(names, start=1):
            item.assignments.append(ParsedAssignment(role, name, position))

    def _append_body(self, text: str, number: int) -> None:
        text = text.strip()
        if text and self.item is not None:
            self.item.body = f"{self.item.body}\n{text}" if self.item.body else text

    @staticmethod
    def _flag(item: ParsedMeasure, flag: str) -> None:
        if flag not in item.text_flags:
            item.text_flags.append(flag)

    def _finish(self, measure: ParsedMeasure, published_on: date | None) -> None:
        context_year = published_on.year if published_on else None
        deadline_clauses = parse_deadline_text(measure.deadline_text, context_year) if measure.deadline_text else []
        if measure.deadline_text and not deadline_clauses:
            self._flag(measure, MeasureFlag.DEADLINE_NOT_UNDERSTOOD)
            self.warnings.append(f"举措 {measure.code} 的完成时限“{measure.deadline_text}”未能识别,未生成节点")
        body_clauses = parse_body_dates(measure.body, context_year)
        measure.milestones = _milestones(deadline_clauses, body_clauses)
        dated = [c.due for c in deadline_clauses if c.due is not None]
        # A body target with no date of its own is due when the whole measure is.
        default_due = dated[0] if len(dated) == 1 else None
        measure.targets = [
            ParsedTarget(**vars(found), from_deadline_line=True)
            for found in find_targets(measure.deadline_text, context_year=context_year)
        ] + [
            ParsedTarget(**vars(found), from_deadline_line=False)
            for found in find_targets(measure.body, default_due=default_due, context_year=context_year)
        ]


def _milestones(deadline_clauses: list[DeadlineClause], body_clauses: list[DeadlineClause]) -> list[ParsedMilestone]:
    """Milestones of the 完成时限 line, then body commitments on dates that line does not
    already name (a body sentence restating the deadline is the same milestone)."""
    milestones = [
        ParsedMilestone(c.kind, c.due, c.description, MilestoneSource.DEADLINE_LINE, c.source_text)
        for c in deadline_clauses
    ]
    covered = {c.due for c in deadline_clauses if c.due is not None}
    has_yearly = any(c.kind == MilestoneKind.YEARLY for c in deadline_clauses)
    for clause in body_clauses:
        if clause.due in covered or (clause.kind == MilestoneKind.YEARLY and has_yearly):
            continue
        milestones.append(
            ParsedMilestone(clause.kind, clause.due, clause.description, MilestoneSource.BODY, clause.source_text)
        )
        if clause.due:
            covered.add(clause.due)
    return milestones


def parse_document(text: str) -> ParsedDocument:
    """Read the whole document, or raise ParseError naming the first line that breaks the form."""
    return _Reader(text).read()


__all__ = ["ParseError", "parse_document", "split_unit_list", "WHOLE_MEASURE"]
