"""Writing a parsed policy document into the plan, and the office's own edits of the plan.

The import is a three-way sync, not a reload. Each document keeps what its last import wrote
(`PolicyDocument.imported_plan`). For every field of a section or measure, every 牵头单位 and
责任单位 line, and every milestone and target (by position), the importer compares what the last
import wrote (base), what the database holds now (current) and what the new text says (new):

- new == base: the document did not change it. Nothing is written, and what a person made of
  it (current != base) stays — so importing an unchanged document writes nothing at all;
- current == new: it already is so;
- current == base: nobody edited it, so the document's change is written;
- otherwise a person edited what the document now changes: a conflict, listed, never overwritten.

A changed document with conflicts writes nothing unless the caller accepts keeping the edits
(`skip_conflicts`); a dry run writes nothing either way, and reports exactly what a real run
would, because it is the real run rolled back. Measures or sections that vanished from a new
version of the text are kept and reported, never deleted: later ledger rows may hang on them.
"""

import hashlib
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from auditlog.context import auditlog_value, set_actor
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator

from accounts.roles import ADMINISTRATOR, OFFICE_REVIEWER, user_has_role
from core.errors import NotAllowed, ServiceError
from units.models import Unit, UnitGroup
from units.services import UnitDirectory

from .models import (
    Assignment,
    AssignmentRole,
    Comparator,
    Measure,
    MeasureFlag,
    MeasureKind,
    Milestone,
    MilestoneKind,
    MilestoneSource,
    PartKind,
    PolicyDocument,
    Recurrence,
    Section,
    Target,
)
from .parsing import ParsedDocument, ParsedMeasure, ParseError, parse_document

# Rows whose place changes are moved here first, clear of every real position.
PARKED_POSITION = 1_000_000

SECTION_FIELDS = ("position", "title", "part", "part_heading")
MEASURE_FIELDS = ("section", "kind", "number", "position", "title", "body", "deadline_text", "text_flags")
MILESTONE_FIELDS = ("kind", "due_date", "description", "source", "source_text")
TARGET_FIELDS = (
    "metric",
    "comparator",
    "value",
    "unit",
    "due_date",
    "recurrence",
    "source_text",
    "from_deadline_line",
)
ROLES = (AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE)
NOTHING = "(无)"


@dataclass
class PlanChange:
    """One difference between the document and the plan: a change to write, a conflict with a
    person's edit, or a person's edit the document leaves alone. Values are as people read them."""

    subject: str  # 举措 4 完成时限(原文)
    action: str  # 新增 / 修改 / 删除
    before: str = ""  # as the last import wrote it
    after: str = ""  # as the new document says
    edited: str = ""  # as a person made it (conflicts and kept edits)

    def describe(self) -> str:
        if self.edited and self.action == "保留":
            return f"{self.subject}:上次导入为“{self.before}”,人工修改为“{self.edited}”"
        if self.edited:
            return f"{self.subject}:上次导入为“{self.before}”,人工修改为“{self.edited}”,新文件为“{self.after}”"
        if self.action == "新增":
            return f"新增 {self.subject}:{self.after}"
        if self.action == "删除":
            return f"删除 {self.subject}:{self.before}"
        if self.action == "移除":
            return f"文件中已无 {self.subject}:{self.before}(数据库中保留,请人工核对)"
        return f"修改 {self.subject}:“{self.before}” → “{self.after}”"


@dataclass
class ImportReport:
    document: PolicyDocument | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    changes: list[PlanChange] = field(default_factory=list)
    conflicts: list[PlanChange] = field(default_factory=list)
    kept_edits: list[PlanChange] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    measures: int = 0
    safeguards: int = 0
    milestones: int = 0
    targets: int = 0
    assignments: int = 0
    flagged: dict[str, list[str]] = field(default_factory=dict)
    layout: str = "standard"
    lead_rule: str = "named"
    # Names the document writes that cannot be units: (measure code, why); never written.
    unit_problems: list[tuple[str, str]] = field(default_factory=list)
    # Names the office mapped in the preview and the directory now keeps as aliases (confirm_import).
    aliases_remembered: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the import writes (or, in a dry run or when refused, would write) anything."""
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


def _plain(value):
    """A value as the imported plan stores it (JSON): dates as ISO text, decimals as written."""
    if isinstance(value, Section):
        return value.numeral
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)  # a TextChoices member as its value
    return value


def _row(instance, names) -> dict:
    return {name: _plain(getattr(instance, name)) for name in names}


def _model_values(values: dict) -> dict:
    """The inverse of `_plain` for milestone and target fields."""
    result = dict(values)
    if result.get("due_date"):
        result["due_date"] = date.fromisoformat(result["due_date"])
    if "value" in result:
        result["value"] = Decimal(result["value"])
    return result


def _decide(base, current, new) -> str:
    """The three-way rule (see the module docstring)."""
    if new == base:
        return "kept" if current != base else "same"
    if current == new:
        return "same"
    return "apply" if current == base else "conflict"


def _label(code: str) -> str:
    return f"举措 {code}" if code.isdigit() else f"保障措施({code})"


def _short(text: str, length: int = 40) -> str:
    return Truncator(" ".join(str(text).split())).chars(length) if text else NOTHING


FIELD_LABELS = {
    name: str(Measure._meta.get_field(name).verbose_name) for name in MEASURE_FIELDS if name != "section"
} | {"section": "所属章节", "part": "部分", "part_heading": "所属部分"}


def _show_field(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return NOTHING
    if name == "section":
        return f"({value})"
    if name == "kind":
        return str(MeasureKind(value).label)
    if name == "part":
        return str(PartKind(value).label)
    if name == "text_flags":
        return "、".join(str(MeasureFlag(flag).label) for flag in value)
    return _short(value)


def _show_milestone(values: dict | None) -> str:
    if not values:
        return NOTHING
    when = values["due_date"] or str(MilestoneKind(values["kind"]).label)
    return when if values["description"] == when else f"{when} {_short(values['description'], 30)}"


def _show_target(values: dict | None) -> str:
    if not values:
        return NOTHING
    when = str(Recurrence(values["recurrence"]).label) if values["recurrence"] else (values["due_date"] or "长期")
    comparator = Comparator(values["comparator"]).label
    return f"{values['metric']} {comparator} {values['value']}{values['unit']}({when})"


def _show_line(line: list | None) -> str:
    return "、".join(name for name, _ in line) if line else NOTHING


def _assignment_key(assignment: Assignment) -> str:
    return f"unit:{assignment.unit_id}" if assignment.unit_id else f"group:{assignment.group_id}"


def _current_lines(measure: Measure) -> dict[str, list]:
    lines = {role.value: [] for role in ROLES}
    for assignment in measure.assignments.order_by("role", "position"):
        lines[assignment.role].append([assignment.written_name, _assignment_key(assignment)])
    return lines


def _by_position(rows) -> dict[int, dict]:
    """Milestones or targets by position; the plan stores them as a list in document order."""
    if isinstance(rows, dict):
        return rows
    return {position: values for position, values in enumerate(rows, start=1)}


def _parsed_plan(parsed: ParsedDocument) -> dict:
    """What the document says, in the imported plan's shape; lines carry names, not yet units."""
    sections, measures = {}, {}
    position = 0
    for section_position, section in enumerate(parsed.sections, start=1):
        sections[section.numeral] = {
            "position": section_position,
            "title": section.title,
            "part": str(section.part),
            "part_heading": section.part_heading,
        }
        for measure in section.measures:
            position += 1
            measures[measure.code] = _parsed_measure(measure, position)
    return {"sections": sections, "measures": measures}


def _parsed_measure(parsed: ParsedMeasure, position: int) -> dict:
    fields = {
        "section": parsed.section_numeral,
        "kind": parsed.kind,
        "number": parsed.number,
        "position": position,
        "title": parsed.title,
        "body": parsed.body,
        "deadline_text": parsed.deadline_text,
        "text_flags": parsed.text_flags,
    }
    milestones = [
        {
            "kind": m.kind,
            "due_date": m.due,
            "description": m.description,
            "source": m.source,
            "source_text": m.source_text,
        }
        for m in parsed.milestones
    ]
    targets = [
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
    ]
    lines = {role.value: [[a.written_name, None] for a in parsed.assignments if a.role == role] for role in ROLES}
    return {
        "fields": {name: _plain(value) for name, value in fields.items()},
        **lines,
        "milestones": [{k: _plain(v) for k, v in m.items()} for m in milestones],
        "targets": [{k: _plain(v) for k, v in t.items()} for t in targets],
    }


def _baseline(document: PolicyDocument) -> dict:
    """What the last import of `document` wrote. Documents imported before the plan was kept
    read it again from their stored text, each line meaning the units the database gives those
    words; a text the reader no longer accepts counts as the database as it stands."""
    if document.imported_plan:
        return document.imported_plan
    measures = {m.code: m for m in document.measures.select_related("section")}
    try:
        base = _parsed_plan(parse_document(document.full_text))
    except ParseError:
        return _plan_in_database(document, measures)
    for code, values in base["measures"].items():
        current = _current_lines(measures[code]) if code in measures else {}
        for role in ROLES:
            keys = dict((name, key) for name, key in current.get(role.value, []))
            values[role.value] = [[name, keys.get(name)] for name, _ in values[role.value]]
    return base


def _plan_in_database(document: PolicyDocument, measures: dict[str, Measure]) -> dict:
    return {
        "sections": {s.numeral: _row(s, SECTION_FIELDS) for s in document.sections.all()},
        "measures": {
            code: {
                "fields": _row(measure, MEASURE_FIELDS),
                **_current_lines(measure),
                "milestones": {
                    m.position: _row(m, MILESTONE_FIELDS)
                    for m in measure.milestones.exclude(source=MilestoneSource.SCHEDULE)
                },
                "targets": {t.position: _row(t, TARGET_FIELDS) for t in measure.targets.all()},
            }
            for code, measure in measures.items()
        },
    }


@transaction.atomic
def import_document(
    parsed: ParsedDocument,
    *,
    dry_run: bool = False,
    skip_conflicts: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    unit_mapping: dict[str, Unit | UnitGroup] | None = None,
) -> ImportReport:
    """Bring the plan in line with `parsed` without undoing what people edited (module docstring).

    Writes nothing when `dry_run`, or when a change conflicts with a person's edit and
    `skip_conflicts` is not given; the report says what was, or would be, written either way.
    `unit_mapping` says which existing unit or group a name the directory does not know means
    (the office's choice in the preview); names it leaves out are created and listed.
    """
    report = ImportReport(
        warnings=list(parsed.warnings),
        dry_run=dry_run,
        layout=parsed.layout,
        lead_rule=parsed.lead_rule,
        unit_problems=list(parsed.unit_problems),
    )
    document = PolicyDocument.objects.filter(title=parsed.title, published_on=parsed.published_on).first()
    base = _baseline(document) if document else {"sections": {}, "measures": {}}
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
    sync = _PlanSync(document, base, _parsed_plan(parsed), report)
    for name, target in (unit_mapping or {}).items():
        (sync.directory.units if isinstance(target, Unit) else sync.directory.groups)[name] = target
    done, total = 0, len(parsed.measures)
    for section in parsed.sections:
        sync.section(section.numeral)
        for measure in section.measures:
            sync.measure(measure)
            done += 1
        if progress:
            progress(done, total, f"({section.numeral}){section.title}")
    sync.report_stale()
    report.new_units = [unit.name for unit in sync.directory.created_units]
    report.new_groups = [group.name for group in sync.directory.created_groups]
    report.written = not dry_run and (skip_conflicts or not report.conflicts)
    if not report.written:
        transaction.set_rollback(True)
    elif document.imported_plan != sync.imported:
        document.imported_plan = sync.imported
        document.save(update_fields=["imported_plan"])
    return report


class _PlanSync:
    """One import's walk over the document, section by section and measure by measure."""

    def __init__(self, document: PolicyDocument, base: dict, new: dict, report: ImportReport):
        self.document, self.base, self.new, self.report = document, base, new, report
        self.directory = UnitDirectory.load()
        self.sections = {s.numeral: s for s in document.sections.all()}
        self.measures = {m.code: m for m in document.measures.select_related("section")}
        self.seen_sections: set[str] = set()
        # What this import leaves as "what the document says", for the next one to compare with.
        self.imported = {"sections": new["sections"], "measures": {}}

    def _note(self, outcome: str, subject: str, before: str, current: str, after: str) -> None:
        if outcome == "apply":
            self.report.changes.append(PlanChange(subject, "修改", before=current, after=after))
        elif outcome == "conflict":
            self.report.conflicts.append(PlanChange(subject, "修改", before=before, after=after, edited=current))
        elif outcome == "kept":
            self.report.kept_edits.append(PlanChange(subject, "保留", before=before, edited=current))

    def _merge_fields(self, subject: str, base: dict, current: dict, new: dict) -> dict:
        """The fields to write: those the document changed and nobody edited."""
        writes = {}
        for name, value in new.items():
            outcome = _decide(base.get(name), current[name], value)
            label = f"{subject} {FIELD_LABELS.get(name, name)}"
            show = (_show_field(name, base.get(name)), _show_field(name, current[name]), _show_field(name, value))
            self._note(outcome, label, *show)
            if outcome == "apply":
                writes[name] = value
        return writes

    def section(self, numeral: str) -> None:
        self.seen_sections.add(numeral)
        new = self.new["sections"][numeral]
        section = self.sections.get(numeral)
        if section is None:
            if numeral not in self.base["sections"]:  # new in the document; else removed by hand
                self.section_row(numeral)
            return
        writes = self._merge_fields(
            f"章节({numeral})", self.base["sections"].get(numeral, {}), _row(section, SECTION_FIELDS), new
        )
        _sync_fields(section, writes, self.report, "章节")

    def section_row(self, numeral: str) -> Section:
        """The section a measure is written into, created from the document if missing."""
        if numeral not in self.sections:
            section = Section(document=self.document, numeral=numeral)
            _sync_fields(section, self.new["sections"][numeral], self.report, "章节")
            self.report.changes.append(PlanChange(f"章节({numeral})", "新增", after=section.title))
            self.sections[numeral] = section
        return self.sections[numeral]

    def measure(self, parsed: ParsedMeasure) -> None:
        code = parsed.code
        new, base = self.new["measures"][code], self.base["measures"].get(code)
        measure = self.measures.pop(code, None)
        if measure is None and base is not None:
            self._removed_by_hand(code, base, new)
        elif measure is None:
            self._create(parsed, new)
        else:
            self._update(measure, parsed, base or {}, new)
        if parsed.number is None:
            self.report.safeguards += 1
        else:
            self.report.measures += 1
        self.report.milestones += len(parsed.milestones)
        self.report.targets += len(parsed.targets)
        self.report.assignments += len(parsed.assignments)
        if measure is not None and (flags := measure.flag_labels):
            self.report.flagged[code] = flags

    def _removed_by_hand(self, code: str, base: dict, new: dict) -> None:
        """A person deleted a measure the last import wrote: it stays deleted."""
        same = all(
            _by_position(base[key]) == _by_position(new[key]) for key in ("fields", "milestones", "targets")
        ) and all([n for n, _ in base[r.value]] == [n for n, _ in new[r.value]] for r in ROLES)
        change = PlanChange(_label(code), "修改" if not same else "保留", before="已导入", edited="已删除")
        if same:
            self.report.kept_edits.append(change)
        else:
            change.after = "有修改"
            self.report.conflicts.append(change)
        self.imported["measures"][code] = new

    def _create(self, parsed: ParsedMeasure, new: dict) -> None:
        measure = Measure(document=self.document)
        fields = dict(new["fields"], section=self.section_row(parsed.section_numeral))
        self._place(measure, fields["position"])
        _sync_fields(measure, fields, self.report, "举措")
        lines = {role.value: self._write_line(measure, role, new[role.value]) for role in ROLES}
        for position, values in enumerate(new["milestones"], start=1):
            _sync_fields(Milestone(measure=measure, position=position), _model_values(values), self.report, "节点")
        for position, values in enumerate(new["targets"], start=1):
            _sync_fields(Target(measure=measure, position=position), _model_values(values), self.report, "量化指标")
        counts = f"节点 {len(new['milestones'])} 个,量化指标 {len(new['targets'])} 个"
        summary = f"{parsed.title}(牵头单位:{_show_line(new['lead'])};{counts})"
        self.report.changes.append(PlanChange(_label(parsed.code), "新增", after=summary))
        self.imported["measures"][parsed.code] = {**new, **lines}
        if flags := measure.flag_labels:
            self.report.flagged[parsed.code] = flags

    def _update(self, measure: Measure, parsed: ParsedMeasure, base: dict, new: dict) -> None:
        label = _label(parsed.code)
        writes = self._merge_fields(label, base.get("fields", {}), _row(measure, MEASURE_FIELDS), new["fields"])
        if "position" in writes:
            self._place(measure, writes["position"])
        if "section" in writes:
            writes["section"] = self.section_row(writes["section"])
        _sync_fields(measure, writes, self.report, "举措")
        imported = dict(new)
        current_lines = _current_lines(measure)
        for role in ROLES:
            imported[role.value] = self._merge_line(
                measure, role, base.get(role.value, []), current_lines[role.value], new[role.value]
            )
        milestones = {m.position: m for m in measure.milestones.exclude(source=MilestoneSource.SCHEDULE)}
        self._merge_rows(
            f"{label} 节点",
            Milestone,
            measure,
            milestones,
            MILESTONE_FIELDS,
            base.get("milestones", []),
            new["milestones"],
            _show_milestone,
            "节点",
        )
        targets = {t.position: t for t in measure.targets.all()}
        self._merge_rows(
            f"{label} 量化指标",
            Target,
            measure,
            targets,
            TARGET_FIELDS,
            base.get("targets", []),
            new["targets"],
            _show_target,
            "量化指标",
        )
        self.imported["measures"][parsed.code] = imported

    def _place(self, measure: Measure, position: int) -> None:
        # Positions are unique per document: park a row that holds this one's place.
        clash = Measure.objects.filter(document=self.document, position=position).exclude(pk=measure.pk).first()
        if clash is not None:
            clash.position = PARKED_POSITION + clash.pk
            clash.save(update_fields=["position"])

    def _merge_line(self, measure: Measure, role: AssignmentRole, base: list, current: list, new: list) -> list:
        """One 牵头单位 or 责任单位 line: the document speaks in names, the plan in units."""
        names = [[name for name, _ in line] for line in (base, current, new)]
        outcome = "kept" if current != base else "same"
        if names[2] != names[0]:
            outcome = "same" if names[1] == names[2] else ("apply" if current == base else "conflict")
        self._note(
            outcome, f"{_label(measure.code)} {role.label}", _show_line(base), _show_line(current), _show_line(new)
        )
        if outcome == "apply":
            return self._write_line(measure, role, new)
        if names[2] == names[0]:
            return base
        return current if outcome == "same" else new

    def _write_line(self, measure: Measure, role: AssignmentRole, line: list) -> list:
        # The words a measure already named a unit with keep meaning that unit (its id), whatever
        # it is called now; new words go to the directory (current name, then alias).
        named = (
            {
                a.written_name: a.unit or a.group
                for a in measure.assignments.filter(role=role).select_related("unit", "group")
            }
            if measure.pk
            else {}
        )
        wanted = []
        for name, _ in line:
            target = named.get(name) or self.directory.resolve(name)
            is_unit = isinstance(target, Unit)
            wanted.append(
                {
                    "role": role,
                    "unit": target if is_unit else None,
                    "group": None if is_unit else target,
                    "written_name": name,
                }
            )
        _sync_role_assignments(measure, role, wanted, self.report)
        return [[v["written_name"], f"unit:{v['unit'].pk}" if v["unit"] else f"group:{v['group'].pk}"] for v in wanted]

    def _merge_rows(self, subject, model, measure, rows, names, base, new, show, label) -> None:
        """Milestones or targets, position by position."""
        base, new = _by_position(base), _by_position(new)
        for position in sorted(set(base) | set(new) | set(rows)):
            row = rows.get(position)
            old, current, wanted = base.get(position), _row(row, names) if row else None, new.get(position)
            outcome = _decide(old, current, wanted)
            item = f"{subject} {position}"
            if outcome == "apply" and wanted is None:
                self.report.changes.append(PlanChange(item, "删除", before=show(current)))
                row.delete()
                self.report.deleted[label] += 1
            elif outcome == "apply" and row is None:
                self.report.changes.append(PlanChange(item, "新增", after=show(wanted)))
                _sync_fields(model(measure=measure, position=position), _model_values(wanted), self.report, label)
            else:
                self._note(outcome, item, show(old), show(current), show(wanted))
                if outcome == "apply":
                    _sync_fields(row, _model_values(wanted), self.report, label)

    def report_stale(self) -> None:
        for numeral, section in self.sections.items():
            if numeral not in self.seen_sections:
                self.report.warnings.append(f"数据库中的“{section}”在本次导入的文本中已不存在,予以保留,请人工核对")
        for code, measure in self.measures.items():
            self.report.changes.append(PlanChange(_label(code), "移除", before=measure.title))
            self.report.warnings.append(f"数据库中的“{measure}”在本次导入的文本中已不存在,予以保留,请人工核对")


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


def can_set_lead_units(user) -> bool:
    """The office (营商办审核员) and administrators decide who leads a measure."""
    return user.is_authenticated and (
        user.is_superuser or user_has_role(user, OFFICE_REVIEWER) or user_has_role(user, ADMINISTRATOR)
    )


def check_can_set_lead_units(user) -> None:
    if not can_set_lead_units(user):
        raise NotAllowed("只有市营商办(营商办审核员)或系统管理员可以设定牵头单位")


@transaction.atomic
def set_lead_units(*, measure: Measure, units: list[Unit], user) -> bool:
    """Make `units` the units that lead `measure`, as the office decides (the document may name
    none, or the wrong one). Lead groups are kept; units already leading keep their row and the
    words the document names them with; a new lead is written under its directory name. Every
    row written or deleted is audited with `user` as actor, whoever calls. The import treats
    the result as a person's edit: it never overwrites it (see the module docstring).
    Returns whether anything changed."""
    check_can_set_lead_units(user)
    units = list(dict.fromkeys(units))
    # Two people setting the leads at once take turns: the second sees the first one's rows.
    Measure.objects.select_for_update().filter(pk=measure.pk).order_by().values_list("pk").get()
    leads = list(measure.assignments.filter(role=AssignmentRole.LEAD))
    if not units and not any(a.group_id for a in leads):
        raise ServiceError("请至少选择一个牵头单位")
    wanted = {unit.pk for unit in units}
    removed = [a for a in leads if a.unit_id and a.unit_id not in wanted]
    present = {a.unit_id for a in leads}
    added = sorted((unit for unit in units if unit.pk not in present), key=lambda unit: unit.name)
    if not removed and not added:
        return False
    with _acting_as(user):
        for assignment in removed:
            assignment.delete()
        top = max((a.position for a in leads if a not in removed), default=0)
        for offset, unit in enumerate(added, start=1):
            Assignment.objects.create(
                measure=measure, role=AssignmentRole.LEAD, unit=unit, written_name=unit.name, position=top + offset
            )
    return True


@contextmanager
def _acting_as(user):
    """Audit entries written inside are stamped with `user`, whether a page, the API or a command
    calls; the caller's own audit context (the request's, from AuditlogMiddleware) comes back after."""
    previous = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


@transaction.atomic
def archive_document(*, document: PolicyDocument, user) -> None:
    """Archive a plan the office no longer follows: it stays readable (plan page, exports, the
    ledger hanging on it), but is no longer the document pages open on. Only the office and
    administrators archive; the change is audited with `user` as actor. Archiving twice is refused."""
    check_can_set_lead_units(user)
    # Two people archiving at once take turns: the second finds it archived.
    locked = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if locked.archived_at is not None:
        raise ServiceError(f"《{document.title}》已于 {timezone.localtime(locked.archived_at):%Y-%m-%d %H:%M} 归档")
    locked.archived_at, locked.archived_by = timezone.now(), user
    with _acting_as(user):
        locked.save(update_fields=["archived_at", "archived_by"])
    document.archived_at, document.archived_by = locked.archived_at, user
