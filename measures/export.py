"""The whole plan as plain data, for `export_plan` and anyone who needs it outside the app."""

from .models import AssignmentRole, PolicyDocument
from .selectors import plan_measures


def plan_as_dict(document: PolicyDocument) -> dict:
    return {
        "document": {
            "title": document.title,
            "source": document.source,
            "published_on": document.published_on.isoformat() if document.published_on else None,
            "source_sha256": document.source_sha256,
        },
        "measures": [_measure(measure) for measure in plan_measures(document)],
    }


def _names(measure, role, groups: bool) -> list[str]:
    return [a.written_name for a in measure.assignments.all() if a.role == role and (a.group_id is not None) == groups]


def _measure(measure) -> dict:
    return {
        "number": measure.number,
        "section": measure.section.numeral,
        "section_title": measure.section.title,
        "title": measure.title,
        "kind": measure.kind,
        "lead_units": _names(measure, AssignmentRole.LEAD, groups=False),
        "lead_groups": _names(measure, AssignmentRole.LEAD, groups=True),
        "responsible_units": _names(measure, AssignmentRole.RESPONSIBLE, groups=False),
        "responsible_groups": _names(measure, AssignmentRole.RESPONSIBLE, groups=True),
        "deadline_text": measure.deadline_text,
        "flags": measure.flags,
        "milestones": [
            {
                "due": m.due_date.isoformat() if m.due_date else None,
                "kind": m.kind,
                "description": m.description,
                "source": m.source,
            }
            for m in measure.milestones.all()
        ],
        "targets": [
            {
                "metric": t.metric,
                "comparator": t.get_comparator_display(),
                "value": float(t.value),
                "unit": t.unit,
                "due": t.due_date.isoformat() if t.due_date else None,
                "recurrence": t.recurrence or None,
                "source_text": t.source_text,
            }
            for t in measure.targets.all()
        ],
    }
