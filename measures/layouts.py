"""Reading the layouts Chinese governments write task-division plans in (分工方案的版式).

Pure: no database. `read_document` tries every layout family on a `Source` and keeps the one
that finds the most measures with a unit or a deadline; `layout=` forces one. The families:

- standard: Dalian's 2018 form, read by measures.parsing exactly as before;
- fields: field lines (牵头单位: / 责任单位: / 完成时限: and their other names) after each
  measure, whatever the numbering: (一) sections or none, measures right under 一、 parts,
  numbers restarting in each part, （一）/ 1. / 1、/ （1） as the measure level;
- brackets: several fields inside one bracket, 〔牵头单位:X;责任单位:Y、Z;完成时限:…〕 or
  （牵头单位：X，配合单位：Y）, also split over lines;
- tails: State Council style, （X、Y负责）, （X牵头，Y、Z按职责分工负责）, （X会同Y负责，年底前完成）;
- table: rows of 序号 | 任务 | 牵头单位 | 责任单位 | 完成时限, from .xlsx / .csv / a Word table,
  or flattened into text with tabs or runs of spaces; columns are found by their header's name.

Who leads (the lead rule): a unit written "X牵头" or on a 牵头单位 line leads. Otherwise, with
the rule "first" the first unit named leads — the rule of State Council tails, and of any
document that says so ("列第一位者为牵头单位", read, never stored as a unit); with "named" only
named leads lead (a measure without one is flagged). A 责任单位 line next to a 配合单位 line is
the lead.

The outline families find the measure level themselves: the numbering styles form a hierarchy
in the order they first appear, and the measure level is the deepest one whose items (nearly)
all carry fields. Levels above are sections and parts; levels below are the measure's body.
A paragraph after a measure's fields is not its body (a closing paragraph never folds into the
last measure), and breadcrumbs, 文号, addressee lines and the signature are neither measures nor
the title; the issue date is read from the signature.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from measures.models import AssignmentRole, MeasureFlag, MeasureKind, PartKind

from .dates import _ONGOING_WORDS, find_date_phrases, parse_body_dates, parse_deadline_text
from .parsing import (
    ParsedAssignment,
    ParsedDocument,
    ParsedMeasure,
    ParsedSection,
    ParsedTarget,
    ParseError,
    _milestones,
    parse_document,
)
from .sources import Source
from .targets import find_targets
from .unitnames import CLOSING, OPENING, split_outside_brackets, split_units

LAYOUTS = {
    "standard": "原《实施意见》格式",
    "fields": "字段行",
    "brackets": "括号内字段",
    "tails": "句尾括注分工(国务院式)",
    "table": "表格",
}
LEAD_RULES = {"first": "列第一位者为牵头单位", "named": "只认写明的牵头单位"}

LEAD, RESPONSIBLE, HELPER, DEADLINE = "lead", "responsible", "helper", "deadline"
# Label → what it names. 配合/协同/参与 help; a 责任单位 beside them leads (see module docstring).
LABELS = {
    "主要责任单位": LEAD,
    "牵头单位": LEAD,
    "牵头部门": LEAD,
    "责任单位": RESPONSIBLE,
    "责任部门": RESPONSIBLE,
    "配合单位": HELPER,
    "配合部门": HELPER,
    "协同配合单位": HELPER,
    "协同(配合)单位": HELPER,
    "协同（配合）单位": HELPER,
    "协同单位": HELPER,
    "参与单位": HELPER,
    "完成时限": DEADLINE,
    "完成时间": DEADLINE,
    "时限要求": DEADLINE,
    "时间节点": DEADLINE,
    "完成期限": DEADLINE,
}
_LABEL = re.compile("(" + "|".join(re.escape(label) for label in sorted(LABELS, key=len, reverse=True)) + r")\s*[:：]")
_LEAD_NOTE = re.compile(r"(?:列|排)(?:在)?第一位(?:的|者)?(?:单位)?为牵头单位|第一(?:责任)?单位为牵头单位")
_TAIL_WORDS = re.compile(r"负责|牵头|会同|配合|参与")
_UNIT_VERBS = _TAIL_WORDS

_MARKERS = [
    ("cn", re.compile(r"^([一二三四五六七八九十百]+)、\s*(.*)$")),
    ("pcn", re.compile(r"^[(（]([一二三四五六七八九十百]+)[)）]\s*(.*)$")),
    ("num", re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$")),
    ("pnum", re.compile(r"^[(（](\d{1,3})[)）]\s*(.*)$")),
]
_CHINESE = {c: i for i, c in enumerate("零一二三四五六七八九")}

# Lines that are neither the title nor a measure.
_DOC_NUMBER = re.compile(r"^\S{0,16}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号$")
_BREADCRUMB = re.compile(r"当前位置|^首页|(?:>|›|»).*(?:>|›|»)")
_ADDRESSEE = re.compile(r"^[^。]{2,120}[:：]$")
_META = re.compile(
    r"^(?:来源|发布时间|发布日期|时间|索引号|发文机关|发文字号|主题分类|成文日期)\s*[:：]|^(?:字号|【字体|分享到|打印)"
)
_META_DATE = re.compile(r"(?:时间|日期)\s*[:：]\s*(\d{4})[-年.](\d{1,2})[-月.](\d{1,2})")
_META_SOURCE = re.compile(r"来源\s*[:：]\s*(\S+)")
_DATE_LINE = re.compile(
    r"^[(（]?(\d{4}|[〇○零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})日[)）]?$"
)
_SIGNER = re.compile(r"^[^，。,;；:：]{2,30}(人民政府|办公厅|办公室|委员会|领导小组|指挥部|管委会|局|委)$")
_MASTHEAD = re.compile(r"^\S{2,24}文件$")  # 文头: "某某办公室文件"
_CLOSING_NOTE = re.compile(r"^[(（]此件.{0,20}[)）]$|^附件\s*\d*\s*[:：]?")
_SENTENCE_END = "。；;:：!！?？"


class _Refusal(ParseError):
    """One family's reason for not reading the document (kept for the combined refusal)."""


class _Broken(_Refusal):
    """A family recognised its own form and found it broken (an unclosed bracket, an empty field):
    the document is refused even if a looser family could read something from it."""


@dataclass
class Field:
    kind: str  # LEAD / RESPONSIBLE / HELPER / DEADLINE
    value: str
    line: int
    label: str = ""


@dataclass
class _Item:
    style: str
    numeral: int
    numeral_text: str
    line: int
    head: str
    lines: list[tuple[int, str]] = field(default_factory=list)  # following unmarked lines
    depth: int = 0
    parent: "_Item | None" = None
    children: list["_Item"] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    @property
    def has_fields(self) -> bool:
        return bool(self.fields) or any(child.has_fields for child in self.children)


def _numeral(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "百" in text:
        return 100
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CHINESE.get(tens, 1) if tens else 1) * 10 + (_CHINESE.get(ones, 0) if ones else 0)
    return _CHINESE.get(text, 0)


def _marker(line: str):
    for style, pattern in _MARKERS:
        if match := pattern.match(line):
            return style, match.group(1), match.group(2).strip()
    return None


def _content(text: str) -> list[tuple[int, str]]:
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.replace("\u3000", " ").replace("\xa0", " ").strip()
        if line:
            lines.append((number, line))
    return lines


def _is_noise(line: str) -> bool:
    return bool(
        _DOC_NUMBER.match(line)
        or _BREADCRUMB.search(line)
        or _META.match(line)
        or _CLOSING_NOTE.match(line)
        or _DATE_LINE.match(line)
        or _MASTHEAD.match(line)
    )


def _chinese_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(c in "〇○零一二三四五六七八九" for c in text):
        return int("".join(str(_CHINESE.get(c, 0)) for c in text))
    return _numeral(text)


def _date_of(line: str) -> date | None:
    match = _DATE_LINE.match(line)
    if not match:
        return None
    try:
        return date(*(_chinese_number(group) for group in match.groups()))
    except ValueError:
        return None


@dataclass
class _Frame:
    """What surrounds the measures: title, metadata, the signature, notes."""

    title: str = ""
    title_lines: set[int] = field(default_factory=set)
    source: str = ""
    published_on: date | None = None
    lead_note: bool = False
    skip: set[int] = field(default_factory=set)  # noise, signature and notes, by line
    end: int = 10**9  # the signature's first line: nothing from there on is a measure


def _read_frame(content: list[tuple[int, str]], first_body_line: int | None = None) -> _Frame:
    frame = _Frame()
    for number, line in content:
        if (meta := _META_DATE.search(line)) and not frame.published_on and _META.match(line):
            try:
                frame.published_on = date(*(int(g) for g in meta.groups()))
            except ValueError:
                raise ParseError(number, f"发布日期“{meta.group(0)}”不是有效日期") from None
        if (source := _META_SOURCE.search(line)) and _META.match(line):
            frame.source = source.group(1)[:100]
        if _is_noise(line):
            frame.skip.add(number)
            if (day := _date_of(line)) and not frame.published_on and number < 8:
                frame.published_on = day  # （2025年4月1日） under the title
        if _LEAD_NOTE.search(line):
            frame.lead_note = True
            if len(line) < 60 or line.startswith(("注", "说明", "备注")):
                frame.skip.add(number)
    # The signature: an issuing body and a date among the last lines.
    for index in range(len(content) - 1, max(len(content) - 6, -1), -1):
        number, line = content[index]
        if day := _date_of(line):
            frame.published_on = frame.published_on or day
            frame.end = min(frame.end, number)
            if index > 0 and _SIGNER.match(content[index - 1][1]) and not _marker(content[index - 1][1]):
                frame.end = min(frame.end, content[index - 1][0])
        elif _SIGNER.match(line) and not _marker(line) and index >= len(content) - 2:
            frame.end = min(frame.end, number)
    # The title: the first lines that are not noise, joined while they read as one heading.
    title: list[str] = []
    for number, line in content:
        if number in frame.skip or (first_body_line and number >= first_body_line):
            if title:
                break
            continue
        if _marker(line) or _ADDRESSEE.match(line) or _LABEL.search(line) or number >= frame.end:
            break
        if title and (line[-1] in _SENTENCE_END or len(line) > 60 or title[-1][-1] in _SENTENCE_END):
            break
        title.append(line)
        frame.title_lines.add(number)
        if len(title) == 3 or line[-1] in _SENTENCE_END:
            break
    frame.title = "".join(title)[:200]
    return frame


def _context_year(frame: _Frame) -> int | None:
    if frame.published_on:
        return frame.published_on.year
    years = re.findall(r"(\d{4})年", frame.title)
    return int(years[0]) if years else None


def _depths(text: str) -> list[int]:
    depth, result = 0, []
    for char in text:
        if char in OPENING:
            depth += 1
        result.append(depth)
        if char in CLOSING:
            depth = max(depth - 1, 0)
    return result


def _split_fields(text: str, line: int, *, outside_brackets: bool) -> tuple[str, list[Field]]:
    """The text before the first label, and the labelled values after it."""
    depths = _depths(text) if outside_brackets else None
    matches = [m for m in _LABEL.finditer(text) if depths is None or depths[m.start()] == 0]
    if not matches:
        return text, []
    found = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip().strip(";；,，。. ")
        if not value:
            raise _Broken(line, f"“{match.group(1)}”后没有内容")
        found.append(Field(LABELS[match.group(1)], value, line, match.group(1)))
    return text[: matches[0].start()], found


def _bracket_groups(text: str):
    """Top-level bracket groups of `text`: (start, end, content), end past the closing bracket;
    an unclosed group ends at len(text) with end None."""
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in OPENING:
            if depth == 0:
                start = index
            depth += 1
        elif char in CLOSING and depth:
            depth -= 1
            if depth == 0:
                yield start, index + 1, text[start + 1 : index]
    if depth:
        yield start, None, text[start + 1 :]


def _is_deadline_clause(clause: str) -> bool:
    return bool(
        find_date_phrases(clause, 2000)
        or _ONGOING_WORDS.search(clause)
        or re.search(r"年内|之日起|前完成|每年|按序时进度|\d{4}年", clause)
    )


def _read_tail(content: str, line: int) -> list[Field]:
    """（X牵头，Y、Z按职责分工负责，2025年底前完成） → fields; 牵头 is read by split_units."""
    found = []
    for clause in split_outside_brackets(content, ",，;；"):
        if _is_deadline_clause(clause) and not _UNIT_VERBS.search(clause):
            found.append(Field(DEADLINE, clause, line))
            continue
        for part in re.split(r"会同|联合", clause):
            part = part.strip()
            if not part or re.fullmatch(r"(牵头|负责|配合|参与|按职责分工负责)+", part):
                raise _Broken(line, f"括注“{content}”中有“牵头/负责/会同”却没有写出单位")
            found.append(Field(RESPONSIBLE, part, line, "tail"))
    return found


def _block_text(item: _Item) -> list[tuple[int, str]]:
    return [(item.line, item.head), *item.lines]


def _read_item(item: _Item, mode: str) -> None:
    """Fill item.fields and item.body from its lines, in `mode`. Lines after the last line
    carrying fields are not the measure's (a closing paragraph, a note)."""
    lines = _block_text(item)
    body: list[tuple[int, str]] = []
    if mode == "fields":
        for number, text in lines:
            before, found = _split_fields(text, number, outside_brackets=True)
            body.append((number, before.strip()))
            if found:
                item.fields.extend(found)
                last = len(body)
    else:
        joined = "\n".join(text for _, text in lines)
        starts = []
        offset = 0
        for number, text in lines:
            starts.append((offset, number))
            offset += len(text) + 1

        def line_at(position: int) -> int:
            return [number for start, number in starts if start <= position][-1]

        spans = []
        for start, end, content in _bracket_groups(joined):
            if mode == "brackets" and _LABEL.search(content):
                if end is None:
                    raise _Broken(line_at(start), "括号未闭合:字段括注缺少右括号")
                _, found = _split_fields(content, line_at(start), outside_brackets=False)
                item.fields.extend(found)
                spans.append((start, end))
            elif mode == "tails" and end is not None and _TAIL_WORDS.search(content) and not _LABEL.search(content):
                after = joined[end:].lstrip("。.;；,， ")
                if after and not after.startswith("\n") and not joined[:start].rstrip().endswith("。"):
                    continue  # a bracket mid-sentence explains; a tail closes a sentence
                item.fields.extend(_read_tail(content, line_at(start)))
                spans.append((start, end))
        if not spans:
            body = list(lines)
        else:
            kept, cursor = [], 0
            for start, end in spans:
                kept.append(joined[cursor:start] + "\n" * joined[start:end].count("\n"))
                cursor = end
            kept.append(joined[cursor:])
            texts = "".join(kept).split("\n")
            body = [(number, texts[index]) for index, (number, _) in enumerate(lines)]
            last = joined[: spans[-1][1]].count("\n") + 1  # lines up to the last fields
    if item.fields:
        body = body[:last]
    item.body = [text.strip(" ;；,，") for _, text in body if text.strip(" ;；,，")]


def _title_and_rest(text: str) -> tuple[str, str]:
    title, _, rest = text.partition("。")
    title = title.strip()
    if len(title) > 200:
        return title[:199] + "…", text
    return title, rest.strip()


@dataclass
class _Assignments:
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _assign(fields: list[Field], lead_rule: str) -> _Assignments:
    """Who leads and who is responsible, from a measure's fields (module docstring)."""
    result = _Assignments()
    has_lead_label = any(f.kind == LEAD for f in fields)
    has_helpers = any(f.kind == HELPER for f in fields)
    named_leads = []
    others = []
    for item in fields:
        if item.kind == DEADLINE:
            result.deadline.append(item.value)
            continue
        names, problems = split_units(item.value)
        result.problems.extend(problems)
        for name in names:
            if item.kind == LEAD or name.leads:
                named_leads.append(name.name)
            elif item.kind == RESPONSIBLE and has_helpers and not has_lead_label:
                named_leads.append(name.name)
            else:
                others.append(name.name)
    if not named_leads and others and lead_rule == "first":
        named_leads, others = others[:1], others[1:]
    result.lead = list(dict.fromkeys(named_leads))
    result.responsible = [name for name in dict.fromkeys(others) if name not in result.lead]
    return result


def _finish(measure: ParsedMeasure, context_year: int | None, issued: date | None, warnings: list[str]) -> None:
    """Milestones and targets from the deadline text and the body, as measures.parsing does."""
    clauses = parse_deadline_text(measure.deadline_text, context_year, issued) if measure.deadline_text else []
    if measure.deadline_text and not clauses:
        measure.text_flags.append(MeasureFlag.DEADLINE_NOT_UNDERSTOOD)
        warnings.append(f"举措 {measure.code} 的完成时限“{measure.deadline_text}”未能识别,未生成节点")
    body_clauses = parse_body_dates(measure.body, context_year)
    measure.milestones = _milestones(clauses, body_clauses)
    dated = [c.due for c in clauses if c.due is not None]
    default_due = dated[0] if len(dated) == 1 else None
    measure.targets = [
        ParsedTarget(**vars(found), from_deadline_line=True)
        for found in find_targets(measure.deadline_text, context_year=context_year)
    ] + [
        ParsedTarget(**vars(found), from_deadline_line=False)
        for found in find_targets(measure.body, default_due=default_due, context_year=context_year)
    ]


def _measure(
    *,
    kind: str,
    number: int | None,
    section: str,
    title: str,
    body: str,
    line: int,
    fields: list[Field],
    lead_rule: str,
    problems: list[tuple[str, str]],
) -> ParsedMeasure:
    measure = ParsedMeasure(kind, number, section, title, body, line)
    seen: dict[str, int] = {}
    for item in fields:
        label = item.label or item.kind
        if label != "tail" and label in seen:
            raise _Broken(item.line, f"举措 {measure.code} 的“{label}”重复出现(首次在第 {seen[label]} 行)")
        seen[label] = item.line
        names = [name.name for name in split_units(item.value)[0]] if item.kind != DEADLINE else []
        if duplicates := sorted({name for name in names if names.count(name) > 1}):
            raise _Broken(item.line, f"举措 {measure.code} 的“{label}”中单位重复:{'、'.join(duplicates)}")
    assigned = _assign(fields, lead_rule)
    measure.deadline_text = ",".join(assigned.deadline)
    for position, name in enumerate(assigned.lead, start=1):
        measure.assignments.append(ParsedAssignment(AssignmentRole.LEAD, name[:100], position))
    for position, name in enumerate(assigned.responsible, start=1):
        measure.assignments.append(ParsedAssignment(AssignmentRole.RESPONSIBLE, name[:100], position))
    if assigned.problems:
        measure.text_flags.append(MeasureFlag.UNIT_NAME_UNCLEAR)
        problems.extend((measure.code, problem) for problem in assigned.problems)
    for item in fields:
        measure.fields_seen.setdefault(item.label or item.kind, item.line)
    return measure


def _outline(source: Source, mode: str, lead_rule: str | None) -> ParsedDocument:
    content = _content(source.text)
    if not content:
        raise _Refusal(1, "文件为空")
    frame = _read_frame(content)
    rule = lead_rule or ("first" if frame.lead_note or mode == "tails" else "named")
    items: list[_Item] = []
    styles: list[str] = []
    for number, line in content:
        if number in frame.skip or number in frame.title_lines or number >= frame.end:
            continue
        if found := _marker(line):
            style, numeral, rest = found
            if style not in styles:
                styles.append(style)
            items.append(_Item(style, _numeral(numeral), numeral, number, rest))
        elif items:
            items[-1].lines.append((number, line))
    if not items:
        raise _Refusal(content[0][0], "没有任何编号段落(如“一、”“(一)”“1.”)")
    stack: list[_Item] = []
    for item in items:
        item.depth = styles.index(item.style)
        while stack and stack[-1].depth >= item.depth:
            stack.pop()
        item.parent = stack[-1] if stack else None
        if item.parent:
            item.parent.children.append(item)
        stack.append(item)
        _read_item(item, mode)
    if not any(item.fields for item in items):
        raise _Refusal(items[0].line, f"没有一段带有{_MODE_HINTS[mode]}")
    level = _measure_level(items, len(styles))
    measures_at = [item for item in items if item.depth == level and _bears_measures(item, level, items)]
    warnings: list[str] = []
    problems: list[tuple[str, str]] = []
    sections: dict[int, ParsedSection] = {}
    order: list[ParsedSection] = []
    numerals_used: set[str] = set()

    def section_for(item: _Item) -> ParsedSection:
        holder = item.parent if level > 0 else None
        key = id(holder)
        if key not in sections:
            if holder is None:
                section = ParsedSection("全文", "", "", item.line)
            else:
                numeral = holder.numeral_text
                part = holder.parent
                if numeral in numerals_used:
                    numeral = f"{part.numeral_text}-{numeral}" if part else f"{numeral}-{len(order) + 1}"
                title, _ = _title_and_rest(holder.head)
                part_heading = f"{part.numeral_text}、{part.head}"[:100] if part else ""
                section = ParsedSection(numeral[:10], title or holder.head[:200], part_heading, holder.line)
            numerals_used.add(section.numeral)
            sections[key] = section
            order.append(section)
        return sections[key]

    parsed_measures: list[tuple[ParsedSection, _Item]] = []
    for item in measures_at:
        parsed_measures.append((section_for(item), item))
    written = [item.numeral for _, item in parsed_measures]
    renumber = written != list(range(1, len(written) + 1))
    if renumber and written:
        warnings.append(
            f"举措编号在各部分中重新起算或不连续(原文依次为 {'、'.join(map(str, written[:12]))}"
            f"{'…' if len(written) > 12 else ''}),已按全文顺序编为 1—{len(written)}"
        )
    for index, (section, item) in enumerate(parsed_measures, start=1):
        texts = [*item.body]
        fields = list(item.fields)
        for child in _descendants(item):
            child_body = "\n".join(child.body)
            if child_body:
                marker = {"cn": f"{child.numeral_text}、", "num": f"{child.numeral_text}."}
                texts.append(marker.get(child.style, f"({child.numeral_text})") + child_body)
            fields.extend(child.fields)
        head = texts[0] if texts else ""
        title, rest = _title_and_rest(head)
        body = "\n".join(part for part in [rest, *texts[1:]] if part)
        if not title:
            raise _Refusal(item.line, f"举措 {item.numeral_text} 没有标题")
        measure = _measure(
            kind=MeasureKind.MEASURE,
            number=index if renumber else item.numeral,
            section=section.numeral,
            title=title,
            body=body,
            line=item.line,
            fields=fields,
            lead_rule=rule,
            problems=problems,
        )
        section.part = PartKind.MEASURES
        section.measures.append(measure)
    # Sections that carry fields themselves and hold no measures: safeguard items.
    if level > 0:
        for item in items:
            if item.depth == level - 1 and item.fields and not any(c.depth == level for c in item.children):
                holder = _Item(item.style, 0, "", item.line, "", parent=item)
                section = section_for(holder)
                section.part = PartKind.SAFEGUARDS
                title, rest = _title_and_rest("\n".join(item.body))
                section.measures.append(
                    _measure(
                        kind=MeasureKind.SAFEGUARD,
                        number=None,
                        section=section.numeral,
                        title=title or section.title,
                        body=rest or "\n".join(item.body),
                        line=item.line,
                        fields=item.fields,
                        lead_rule=rule,
                        problems=problems,
                    )
                )
    result = [section for section in order if section.measures]
    return _document(frame, source, result, warnings, problems, mode, rule)


_MODE_HINTS = {
    "fields": "“牵头单位:”“责任单位:”“完成时限:”等字段行",
    "brackets": "含字段名的括注(如“〔牵头单位:…;责任单位:…〕”)",
    "tails": "句尾分工括注(如“(市发展改革委牵头,市财政局负责)”)",
}


def _descendants(item: _Item):
    for child in item.children:
        yield child
        yield from _descendants(child)


def _measure_level(items: list[_Item], depth_count: int) -> int:
    for depth in range(depth_count - 1, -1, -1):
        at = [item for item in items if item.depth == depth]
        bearing = [item for item in at if _bears_measures(item, depth, items)]
        with_fields = [item for item in bearing if item.has_fields]
        if with_fields and len(with_fields) >= 0.75 * len(bearing):
            return depth
    return 0


def _bears_measures(item: _Item, depth: int, items: list[_Item]) -> bool:
    """Whether `item` sits where measures are: among siblings of which some carry fields
    (一、总体要求's (一)指导思想 does not)."""
    siblings = item.parent.children if item.parent else [i for i in items if i.parent is None]
    siblings = [s for s in siblings if s.depth == depth]
    fielded = [index for index, s in enumerate(siblings) if s.has_fields]
    if not fielded:
        return False
    if item.parent is not None:
        return True
    position = siblings.index(item)
    return fielded[0] <= position <= fielded[-1]


def _document(frame, source, sections, warnings, problems, layout, rule) -> ParsedDocument:
    if not any(section.measures for section in sections):
        raise _Refusal(1, "未找到任何举措")
    measures = [m for s in sections for m in s.measures]
    if not any(m.assignments for m in measures):
        raise _Refusal(measures[0].line_number, "找到了举措,但没有一项写明牵头单位或责任单位")
    context_year = _context_year(frame)
    for measure in measures:
        _finish(measure, context_year, frame.published_on, warnings)
    for code, problem in problems:
        warnings.append(f"举措 {code} 的单位写法存疑,未导入:{problem}")
    title = frame.title or source.name.rsplit(".", 1)[0][:200] or "未命名文件"
    return ParsedDocument(
        title, frame.source, frame.published_on, source.text, sections, warnings, layout, rule, problems
    )


# Tables ------------------------------------------------------------------------------------

_COLUMNS = [
    ("seq", re.compile(r"^(序号|编号)$")),
    ("lead", re.compile(r"牵头|主要责任单位")),
    ("deadline", re.compile(r"完成时限|完成时间|时限要求|时间节点|完成期限")),
    ("helper", re.compile(r"配合|协同|参与")),
    ("responsible", re.compile(r"责任单位|责任部门")),
    ("task", re.compile(r"任务|措施|举措|工作内容|事项|内容")),
]
_UNIT_OR_TIME = ("lead", "responsible", "helper", "deadline")
_COLUMN_KINDS = {"lead": LEAD, "responsible": RESPONSIBLE, "helper": HELPER, "deadline": DEADLINE}
_FLAT_SPLIT = re.compile(r"\t+| {2,}")


def _columns(cells: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        name = re.sub(r"\s", "", cell)
        if not name or len(name) > 16:
            continue
        for kind, pattern in _COLUMNS:
            if pattern.search(name):
                found.setdefault(kind, []).append(index)
                break
    return found


def _tables_of(source: Source) -> list[list[tuple[int, list[str]]]]:
    if source.tables:
        return [table.rows for table in source.tables]
    rows = []
    for number, line in _content(source.text):
        rows.append((number, [cell.strip() for cell in _FLAT_SPLIT.split(line) if cell.strip()]))
    return [rows]


def _table(source: Source, lead_rule: str | None) -> ParsedDocument:
    content = _content(source.text)
    if not content:
        raise _Refusal(1, "文件为空")
    header_line = None
    measures: list[tuple[int, dict]] = []  # line, values
    columns: dict[str, list[int]] = {}
    width = 0
    headings: list[tuple[int, str]] = []
    for rows in _tables_of(source):
        for number, cells in rows:
            if not any(cells):
                continue
            found = _columns(cells)
            if "task" in found and ({"lead", "responsible", "helper"} & set(found)):
                if header_line is None:
                    header_line, columns, width = number, found, len(cells)
                continue  # the header, or the header repeated on a new page or table
            if header_line is None:
                continue
            if source.kind == "txt" and len(cells) > width:
                raise _Broken(number, f"此行有 {len(cells)} 列,比表头多")
            values = {kind: [cells[i] if i < len(cells) else "" for i in indexes] for kind, indexes in columns.items()}
            distinct = {cell for cell in cells if cell}
            task_cells = [cell for cell in values.get("task", []) if cell]
            unit_or_time = any(
                cell for kind in ("lead", "responsible", "helper", "deadline") for cell in values.get(kind, [])
            )
            merged_across = len(distinct) == 1 and sum(1 for cell in cells if cell) > 1
            if merged_across or not unit_or_time and (len(distinct) == 1 or not task_cells):
                headings.append((number, next(iter(distinct))))
                measures.append((number, {"heading": next(iter(distinct))}))
                continue
            if not task_cells:
                raise _Broken(number, "此行写了分工或时限,却没有任务内容")
            if source.kind == "txt" and len(cells) < width and measures and "heading" not in measures[-1][1]:
                raise _Refusal(number, f"此行只有 {len(cells)} 列,少于表头的 {width} 列(展平的表格须每行一条)")
            measures.append((number, values))
    if header_line is None:
        raise _Refusal(content[0][0], "未找到表头(须有“任务/具体措施”列和“牵头单位/责任单位”列)")
    if not any("heading" not in values for _, values in measures):
        raise _Refusal(header_line, "表头之后没有任何任务行")
    frame = _read_frame(content, first_body_line=header_line)
    rule = lead_rule or ("first" if frame.lead_note else "named")
    warnings: list[str] = []
    problems: list[tuple[str, str]] = []
    sections: list[ParsedSection] = []
    two_task_columns = len(columns.get("task", [])) > 1
    seq_numbers = []
    for _, values in measures:
        if "heading" not in values:
            seq = (values.get("seq") or [""])[0]
            seq_numbers.append(int(seq) if seq.isdigit() else None)
    renumber = seq_numbers != list(range(1, len(seq_numbers) + 1))
    if renumber:
        warnings.append(f"序号缺失、重复或不连续,已按表中顺序编为 1—{len(seq_numbers)}")
    count = 0
    for number, values in measures:
        if "heading" in values:
            found = _marker(values["heading"])
            title = found[2] if found else values["heading"]
            sections.append(ParsedSection(_section_numeral(found, sections), title[:200], "", number))
            continue
        if two_task_columns:
            group = values["task"][0]
            found = _marker(group)
            title = found[2] if found else group
            if group and (not sections or sections[-1].title != title):
                sections.append(ParsedSection(_section_numeral(found, sections), title[:200], "", number))
        if not sections:
            sections.append(ParsedSection("全文", "", "", number))
        count += 1
        task = values["task"][-1]
        first_line, _, more = task.partition("\n")
        title, rest = _title_and_rest(first_line)
        if (found := _marker(title)) and found[2]:
            title = found[2]
        body = "\n".join(part for part in [rest, more.strip()] if part)
        fields = []
        for kind in _UNIT_OR_TIME:
            for cell in values.get(kind, []):
                if cell:
                    joiner = "," if kind == "deadline" else "、"  # a multi-line cell: one name a line
                    fields.append(Field(_COLUMN_KINDS[kind], cell.replace("\n", joiner), number, kind))
        section = sections[-1]
        section.part = PartKind.MEASURES
        section.measures.append(
            _measure(
                kind=MeasureKind.MEASURE,
                number=count if renumber else seq_numbers[count - 1],
                section=section.numeral,
                title=title,
                body=body,
                line=number,
                fields=fields,
                lead_rule=rule,
                problems=problems,
            )
        )
    return _document(frame, source, [s for s in sections if s.measures], warnings, problems, "table", rule)


def _section_numeral(found, sections: list[ParsedSection]) -> str:
    used = {s.numeral for s in sections}
    numeral = (
        found[1]
        if found
        else "一二三四五六七八九十"[len(sections) % 10] + ("" if len(sections) < 10 else str(len(sections)))
    )
    while numeral in used:
        numeral = f"{numeral}'"
    return numeral[:10]


# Detection ---------------------------------------------------------------------------------


def _standard(source: Source, lead_rule: str | None) -> ParsedDocument:
    parsed = parse_document(source.text)
    if lead_rule == "first":
        raise _Refusal(1, "原格式只认写明的牵头单位")
    return parsed


_FAMILIES = {
    "standard": _standard,
    "fields": lambda source, rule: _outline(source, "fields", rule),
    "brackets": lambda source, rule: _outline(source, "brackets", rule),
    "tails": lambda source, rule: _outline(source, "tails", rule),
    "table": _table,
}


def _score(parsed: ParsedDocument) -> int:
    return sum(1 for m in parsed.measures if m.assignments or m.deadline_text)


def read_document(source: Source, *, layout: str | None = None, lead_rule: str | None = None) -> ParsedDocument:
    """The document in `source`, in `layout` or the family that reads it best (module docstring).
    Raises ParseError naming a line; when no family reads it, the message says what each found."""
    if layout is not None and layout not in LAYOUTS:
        raise ParseError(1, f"未知的版式“{layout}”,可选:{'、'.join(LAYOUTS)}")
    if lead_rule is not None and lead_rule not in LEAD_RULES:
        raise ParseError(1, f"未知的牵头规则“{lead_rule}”,可选:{'、'.join(LEAD_RULES)}")
    families = [layout] if layout else list(_FAMILIES)
    if source.tables and not layout:
        families = ["table"]  # a spreadsheet, or a Word file whose plan is a table
        if source.kind == "docx":
            families = ["table", "fields", "brackets", "tails", "standard"]
    results: list[ParsedDocument] = []
    failures: list[tuple[str, ParseError]] = []
    for name in families:
        try:
            parsed = _FAMILIES[name](source, lead_rule)
        except ParseError as exc:
            failures.append((name, exc))
            continue
        parsed.layout = name
        if _score(parsed) or name == layout:
            results.append(parsed)
        else:
            failures.append((name, ParseError(parsed.measures[0].line_number, "找到的举措都没有分工或时限")))
    broken = [exc for _, exc in failures if isinstance(exc, _Broken)]
    if results and (results[0].layout == "standard" or not broken):
        return max(results, key=_score)  # the first family wins ties: standard before the others
    if broken and len(failures) < len(families):
        raise broken[0]
    if len(failures) == 1:
        raise failures[0][1]
    first, *_ = failures
    tried = ";".join(f"{LAYOUTS[name]}:第 {exc.line_number} 行{exc.message}" for name, exc in failures)
    looks = _first_measure_like(source.text)
    hint = f"第一处像举措的是第 {looks[0]} 行“{looks[1][:30]}”。" if looks else "文中没有像举措的编号段落。"
    raise ParseError(first[1].line_number, f"{first[1].message}。{hint}已尝试的版式:{tried}")


def _first_measure_like(text: str) -> tuple[int, str] | None:
    for number, line in _content(text):
        found = _marker(line)
        if found and found[0] in ("num", "pcn", "pnum"):
            return number, line
    return None
