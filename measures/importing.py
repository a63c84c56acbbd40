"""Importing a document from the browser: a preview of exactly what will be stored, then the import.

The preview is the real import rolled back (services.import_document with dry_run), so what the
page lists is what the confirmation writes. The office may correct the lead rule, force a layout
and say which existing unit or group a name the directory does not know means; a name left alone
is created, as the command does. The confirmation runs the same import in one transaction and
compares its outcome with the preview the person saw (`ImportPreview.digest`): if anything changed
in between (someone edited the plan, or the directory), nothing is written and the page shows the
new preview. Only the office (营商办审核员) and administrators import.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction

from core.errors import NotAllowed, ServiceError
from core.textfile import UnreadableText
from units.models import Unit, UnitGroup
from units.services import UnitDirectory, remember_alias

from .layouts import LAYOUTS, LEAD_RULES, read_document
from .models import AssignmentRole, Comparator, MeasureFlag, MeasureKind, MilestoneKind, PolicyDocument
from .parsing import ParsedDocument, ParsedMeasure, ParseError
from .services import ImportReport, _acting_as, can_set_lead_units, import_document
from .sources import read_source


class PreviewStale(ServiceError):
    """What the import would write is no longer what the person confirmed."""


def can_import_documents(user) -> bool:
    """The office and administrators import plans (the same people who decide who leads)."""
    return can_set_lead_units(user)


def check_can_import_documents(user) -> None:
    if not can_import_documents(user):
        raise NotAllowed("只有市营商办(营商办审核员)或系统管理员可以导入政策文件")


def name_key(name: str) -> str:
    """A stable, form-safe key for a unit name as the document writes it."""
    return hashlib.sha256(name.encode()).hexdigest()[:16]


@dataclass
class PreviewUnit:
    name: str  # as written
    is_new: bool = False  # the directory does not know it
    mapped_to: str = ""  # the existing unit or group the office chose


@dataclass
class PreviewMeasure:
    code: str
    title: str
    section: str
    deadline_text: str
    leads: list[PreviewUnit]
    responsibles: list[PreviewUnit]
    milestones: list[str]
    targets: list[str]
    flags: list[str]


@dataclass
class ImportPreview:
    parsed: ParsedDocument
    report: ImportReport
    replaces: PolicyDocument | None  # the document this upload is a new version of
    measures: list[PreviewMeasure]
    new_names: list[str]  # unknown to the directory, in document order: to confirm or map
    digest: str
    layout_label: str = ""
    lead_rule_label: str = ""


def _parse(data: bytes, filename: str, layout: str | None, lead_rule: str | None) -> ParsedDocument:
    try:
        return read_document(read_source(data, filename), layout=layout or None, lead_rule=lead_rule or None)
    except (UnreadableText, ParseError) as exc:
        raise ServiceError(f"无法导入:{exc}。未写入任何数据") from None


def _digest(report: ImportReport, file_sha256: str, mapping: dict) -> str:
    """What the person confirms: the file, the corrections and every change the import makes."""
    seen = {
        "file": file_sha256,
        "layout": report.layout,
        "lead_rule": report.lead_rule,
        "mapping": sorted((name, f"{type(t).__name__}:{t.pk}") for name, t in mapping.items()),
        "changes": [c.describe() for c in report.changes],
        "conflicts": [c.describe() for c in report.conflicts],
        "new_units": report.new_units,
        "new_groups": report.new_groups,
    }
    return hashlib.sha256(json.dumps(seen, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _show_milestone(milestone) -> str:
    when = milestone.due.strftime("%Y年%-m月%-d日") if milestone.due else str(MilestoneKind(milestone.kind).label)
    return when if not milestone.description or milestone.description == when else f"{when} {milestone.description}"


def _show_target(target) -> str:
    value = format(target.value.normalize(), "f")
    return f"{target.metric} {Comparator(target.comparator).label} {value}{target.unit}"


def _flags(measure: ParsedMeasure, leads: list) -> list[str]:
    found = set(measure.text_flags)
    if measure.kind == MeasureKind.MEASURE and not leads:
        found.add(MeasureFlag.NO_LEAD_UNIT)
    if measure.kind == MeasureKind.MEASURE and not measure.deadline_text:
        found.add(MeasureFlag.NO_DEADLINE)
    return [str(flag.label) for flag in MeasureFlag if flag.value in found]


def _measures(parsed: ParsedDocument, directory: UnitDirectory, mapping: dict) -> tuple[list, list[str]]:
    rows, new_names = [], []
    for measure in parsed.measures:
        lines = {AssignmentRole.LEAD: [], AssignmentRole.RESPONSIBLE: []}
        for assignment in measure.assignments:
            name = assignment.written_name
            known = name in directory.units or name in directory.groups
            if not known and name not in new_names:
                new_names.append(name)
            target = mapping.get(name)
            lines[assignment.role].append(PreviewUnit(name, is_new=not known, mapped_to=str(target or "")))
        rows.append(
            PreviewMeasure(
                code=measure.code,
                title=measure.title,
                section=measure.section_numeral,
                deadline_text=measure.deadline_text,
                leads=lines[AssignmentRole.LEAD],
                responsibles=lines[AssignmentRole.RESPONSIBLE],
                milestones=[_show_milestone(m) for m in measure.milestones],
                targets=[_show_target(t) for t in measure.targets],
                flags=_flags(measure, lines[AssignmentRole.LEAD]),
            )
        )
    return rows, new_names


def preview_import(
    *,
    user,
    data: bytes,
    filename: str,
    file_sha256: str,
    layout: str | None = None,
    lead_rule: str | None = None,
    unit_mapping: dict[str, Unit | UnitGroup] | None = None,
) -> ImportPreview:
    """What importing `data` would store, with the office's corrections; writes nothing.
    Raises NotAllowed for anyone but the office and administrators, ServiceError for a file
    that cannot be read (the message names the line)."""
    check_can_import_documents(user)
    parsed = _parse(data, filename, layout, lead_rule)
    mapping = dict(unit_mapping or {})
    replaces = PolicyDocument.objects.filter(title=parsed.title, published_on=parsed.published_on).first()
    report = import_document(parsed, dry_run=True, unit_mapping=mapping)
    measures, new_names = _measures(parsed, UnitDirectory.load(), mapping)
    return ImportPreview(
        parsed=parsed,
        report=report,
        replaces=replaces,
        measures=measures,
        new_names=new_names,
        digest=_digest(report, file_sha256, mapping),
        layout_label=LAYOUTS[parsed.layout],
        lead_rule_label=LEAD_RULES[parsed.lead_rule],
    )


def confirm_import(
    *,
    user,
    data: bytes,
    filename: str,
    file_sha256: str,
    digest: str,
    layout: str | None = None,
    lead_rule: str | None = None,
    unit_mapping: dict[str, Unit | UnitGroup] | None = None,
    skip_conflicts: bool = False,
) -> ImportReport:
    """Import `data` as previewed, in one transaction, audited with `user` as actor.

    Writes nothing, raising PreviewStale, when the outcome differs from the preview whose
    `digest` the person confirmed; and nothing, raising ServiceError, when a change conflicts
    with a person's edit and `skip_conflicts` (keep the edits, write the rest) was not chosen.

    Each name the office mapped to an existing unit or group is then kept as an alias of it, in
    the same transaction and audited with `user`, so the next import of that wording finds it
    without asking (`report.aliases_remembered`)."""
    check_can_import_documents(user)
    parsed = _parse(data, filename, layout, lead_rule)
    mapping = dict(unit_mapping or {})
    with transaction.atomic(), _acting_as(user):
        report = import_document(parsed, skip_conflicts=skip_conflicts, unit_mapping=mapping)
        if _digest(report, file_sha256, mapping) != digest:
            raise PreviewStale("预览之后计划或单位名录已有变化,未写入任何数据。请核对下面更新后的预览再确认。")
        if not report.written:
            raise ServiceError(
                f"有 {len(report.conflicts)} 处与人工修改冲突,未写入任何数据。"
                "如要保留人工修改、写入其余更改,请勾选“冲突处保留人工修改”后再确认。"
            )
        report.aliases_remembered = [name for name, target in mapping.items() if remember_alias(name, target)]
    return report
