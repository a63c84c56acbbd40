"""Writing a parsed policy document into the ledger.

The import is a sync, not a reload: rows are matched on their natural keys
(document title and date, section numeral, measure code, position within a list),
a row is saved only when a value differs, and surplus child rows are deleted. So a
second import of the same file writes nothing — and the audit log stays quiet.
Measures or sections that vanished from a new version of the text are kept and
reported, never deleted: later ledger rows may hang on them.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db import models, transaction

from units.models import Unit
from units.services import UnitDirectory

from .models import Assignment, Measure, MilestoneSource, PolicyDocument, Section
from .parsing import ParsedDocument, ParsedMeasure

# Rows whose place changes are moved here first, clear of every real position.
PARKED_POSITION = 1_000_000


@dataclass
class ImportReport:
    document: PolicyDocument | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    new_units: list[str] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    measures: int = 0
    safeguards: int = 0
    milestones: int = 0
    targets: int = 0
    assignments: int = 0
    flagged: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values()))


def _sync_fields(instance: models.Model, values: dict, report: ImportReport, label: str) -> None:
    """Save `instance` only if one of `values` differs from what is stored."""
    is_new = instance.pk is None
    changed = [name for name, value in values.items() if is_new or getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if is_new:
        instance.save()
        report.created[label] += 1
    elif changed:
        instance.save(update_fields=changed)
        report.updated[label] += 1


def _sync_children(manager, wanted: list[dict], report: ImportReport, label: str, rows=None) -> None:
    """Make the rows under `manager` (or the subset `rows`) equal `wanted`, matched by position (1-based)."""
    existing = {row.position: row for row in (rows if rows is not None else manager.all())}
    for position, values in enumerate(wanted, start=1):
        row = existing.pop(position, None) or manager.model(
            **{manager.field.name: manager.instance, "position": position}
        )
        _sync_fields(row, values, report, label)
    for row in existing.values():
        row.delete()
        report.deleted[label] += 1


@transaction.atomic
def import_document(parsed: ParsedDocument) -> ImportReport:
    """Store `parsed` so the ledger says exactly what the text says; idempotent."""
    report = ImportReport(warnings=list(parsed.warnings))
    document = PolicyDocument.objects.filter(title=parsed.title, published_on=parsed.published_on).first()
    document = document or PolicyDocument(title=parsed.title, published_on=parsed.published_on)
    _sync_fields(
        document,
        {
            "source": parsed.source,
            "full_text": parsed.full_text,
            "source_sha256": hashlib.sha256(parsed.full_text.encode()).hexdigest(),
        },
        report,
        "文件",
    )
    report.document = document
    directory = UnitDirectory.load()

    sections = {s.numeral: s for s in document.sections.all()}
    measures = {m.code_key: m for m in _with_code_key(document)}
    position = 0
    for section_position, parsed_section in enumerate(parsed.sections, start=1):
        section = sections.pop(parsed_section.numeral, None) or Section(
            document=document, numeral=parsed_section.numeral
        )
        _sync_fields(
            section,
            {
                "position": section_position,
                "title": parsed_section.title,
                "part": parsed_section.part,
                "part_heading": parsed_section.part_heading,
            },
            report,
            "章节",
        )
        for parsed_measure in parsed_section.measures:
            position += 1
            measure = measures.pop(parsed_measure.code, None) or Measure(document=document)
            _import_measure(measure, section, position, parsed_measure, directory, report)

    for stale in list(sections.values()) + list(measures.values()):
        report.warnings.append(f"数据库中的“{stale}”在本次导入的文本中已不存在,予以保留,请人工核对")
    report.new_units = [unit.name for unit in directory.created_units]
    report.new_groups = [group.name for group in directory.created_groups]
    return report


def _with_code_key(document: PolicyDocument):
    for measure in document.measures.select_related("section"):
        measure.code_key = measure.code
        yield measure


def _import_measure(measure, section, position, parsed: ParsedMeasure, directory, report) -> None:
    # Positions are unique per document: park a row that holds this one's place.
    clash = Measure.objects.filter(document=measure.document, position=position).exclude(pk=measure.pk).first()
    if clash is not None:
        clash.position = PARKED_POSITION + clash.pk
        clash.save(update_fields=["position"])
    _sync_fields(
        measure,
        {
            "section": section,
            "kind": parsed.kind,
            "number": parsed.number,
            "position": position,
            "title": parsed.title,
            "body": parsed.body,
            "deadline_text": parsed.deadline_text,
            "text_flags": parsed.text_flags,
        },
        report,
        "举措",
    )
    # The words a measure already named a unit with keep meaning that unit (its id), whatever
    # it is called now; new words go to the directory (current name, then alias).
    named = {(a.role, a.written_name): a.unit or a.group for a in measure.assignments.select_related("unit", "group")}
    for role in ("lead", "responsible"):
        wanted = []
        for item in (a for a in parsed.assignments if a.role == role):
            target = named.get((role, item.written_name)) or directory.resolve(item.written_name)
            is_unit = isinstance(target, Unit)
            wanted.append(
                {
                    "role": role,
                    "unit": target if is_unit else None,
                    "group": None if is_unit else target,
                    "written_name": item.written_name,
                }
            )
        _sync_role_assignments(measure, role, wanted, report)
    _sync_children(
        measure.milestones,
        [
            {
                "kind": m.kind,
                "due_date": m.due,
                "description": m.description,
                "source": m.source,
                "source_text": m.source_text,
            }
            for m in parsed.milestones
        ],
        report,
        "节点",
        rows=measure.milestones.exclude(source=MilestoneSource.SCHEDULE),
    )
    _sync_children(
        measure.targets,
        [
            {
                "metric": t.metric,
                "comparator": t.comparator,
                "value": t.value,
                "unit": t.unit,
                "due_date": t.due,
                "recurrence": t.recurrence,
                "source_text": t.source_text,
                "from_deadline_line": t.from_deadline_line,
            }
            for t in parsed.targets
        ],
        report,
        "量化指标",
    )
    if parsed.number is None:
        report.safeguards += 1
    else:
        report.measures += 1
    report.milestones += len(parsed.milestones)
    report.targets += len(parsed.targets)
    report.assignments += len(parsed.assignments)
    if flags := measure.flag_labels:
        report.flagged[parsed.code] = flags


def _sync_role_assignments(measure: Measure, role: str, wanted: list[dict], report: ImportReport) -> None:
    """Assignments of one role, matched by the unit or group they point to, so a reordered
    list updates positions instead of clashing with the unique constraints."""
    existing = {(a.unit_id, a.group_id): a for a in measure.assignments.filter(role=role)}
    keep = []
    for position, values in enumerate(wanted, start=1):
        key = (values["unit"].pk if values["unit"] else None, values["group"].pk if values["group"] else None)
        row = existing.pop(key, None) or Assignment(measure=measure)
        keep.append((row, {**values, "position": position}))
    for row in existing.values():
        row.delete()
        report.deleted["分工"] += 1
    # Park rows whose position changes, then place them: (measure, role, position) is unique.
    moving = [row for row, values in keep if row.pk and row.position != values["position"]]
    for offset, row in enumerate(moving, start=1):
        row.position = PARKED_POSITION + offset
        row.save(update_fields=["position"])
    for row, values in keep:
        _sync_fields(row, values, report, "分工")
