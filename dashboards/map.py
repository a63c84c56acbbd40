"""The battle map (挂图作战): the whole programme on one timeline, built from a Board.

Pure functions, no queries: every measure is a row; its dated milestones are markers coloured
by light, its undated ones (长期推进, 每年 …) a band across the plan, and under it one cell per
reporting period showing how its lead units reported. The result is plain JSON for
`json_script`; static/js/battle_map.js draws it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse

from deadlines.models import Light, MilestoneState, ObligationState
from measures.models import MilestoneKind

from .state import Board

# Worst first: the state a (measure, period) cell shows when its lead units differ.
REPORT_ORDER = [
    ObligationState.MISSING,
    ObligationState.LATE,
    ObligationState.DUE_SOON,
    ObligationState.PENDING,
    ObligationState.ON_TIME,
]
MILESTONE_LIGHTS = [Light.RED, Light.YELLOW, Light.GREEN, Light.DONE]


@dataclass
class PeriodCell:
    """How the lead units of one measure reported for one period."""

    period: object
    state: str
    units: list[tuple[str, str]]  # (unit name, its own state), in name order


def worst_report_state(states) -> str:
    return min(states, key=REPORT_ORDER.index)


def report_cells(state: Board) -> dict[int, list[PeriodCell]]:
    """measure id → one cell per period it owed a report for, oldest first; the worst lead unit wins."""
    grouped = defaultdict(list)
    for row in state.reports:
        grouped[(row.measure.pk, row.period.pk)].append(row)
    cells = defaultdict(list)
    for (measure_id, _), rows in grouped.items():
        cells[measure_id].append(
            PeriodCell(
                period=rows[0].period,
                state=worst_report_state([r.state for r in rows]),
                units=sorted((r.unit.name, r.state) for r in rows),
            )
        )
    for row in cells.values():
        row.sort(key=lambda cell: cell.period.starts_on)
    return cells


def timeline_span(state: Board, cells: dict[int, list[PeriodCell]]) -> tuple[date, date]:
    """From the document's publication to the last due date, taking in every period shown and
    the as-of day; widened to whole months with a month to spare at the end, so no marker sits
    on the edge."""
    days = [state.as_of]
    if state.document.published_on:
        days.append(state.document.published_on)
    days += [row.milestone.due_date for row in state.milestones if row.milestone.due_date]
    for row in cells.values():
        days += [d for cell in row for d in (cell.period.starts_on, cell.period.ends_on)]
    first, last = min(days), max(days)
    start = first.replace(day=1)
    after_last = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
    end = (after_last + timedelta(days=32)).replace(day=1)
    return start, end


def _undated_labels(measure) -> list[str]:
    kinds = []
    for milestone in measure.milestones.all():
        if milestone.due_date is None and milestone.kind not in kinds:
            kinds.append(milestone.kind)
    return [str(MilestoneKind(kind).label) for kind in kinds]


def battle_map(state: Board, today: date) -> dict:
    """The JSON the page draws: the span, the as-of line, the legend labels and one row per measure."""
    cells = report_cells(state)
    start, end = timeline_span(state, cells)
    milestones = defaultdict(list)
    for row in state.milestones:
        if row.milestone.due_date is None:
            continue
        milestones[row.measure.pk].append(
            {
                "id": row.milestone.pk,
                "description": row.milestone.description,
                "due": row.milestone.due_date.isoformat(),
                "light": str(row.light),
                "state": str(MilestoneState(row.state).label),
                "days_overdue": row.days_overdue,
                "completed_on": row.completed_on.isoformat() if row.completed_on else None,
            }
        )
    rows = []
    for measure in state.measures:
        rows.append(
            {
                "id": measure.pk,
                "code": measure.code,
                "title": measure.title,
                "url": reverse("measure-ledger", args=[measure.pk]),
                "light": str(state.measure_lights[measure.pk]),
                "lead_units": [a.written_name for a in measure.lead_assignments()],
                "undated": _undated_labels(measure),
                "milestones": milestones[measure.pk],
                "reports": [
                    {
                        "period": cell.period.label,
                        "starts_on": cell.period.starts_on.isoformat(),
                        "ends_on": cell.period.ends_on.isoformat(),
                        "due_on": cell.period.due_on.isoformat(),
                        "state": str(cell.state),
                        "units": [[name, str(ObligationState(s).label)] for name, s in cell.units],
                    }
                    for cell in cells.get(measure.pk, [])
                ],
            }
        )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": state.as_of.isoformat(),
        "as_of_label": "今日" if state.as_of == today else f"截至 {state.as_of:%Y-%m-%d}",
        "lights": {str(light): str(light.label) for light in [*MILESTONE_LIGHTS, Light.NONE]},
        "milestone_lights": [str(light) for light in MILESTONE_LIGHTS],
        "report_states": [[str(s), str(s.label)] for s in reversed(REPORT_ORDER)],
        "rows": rows,
    }


def text_rows(data: dict) -> list[dict]:
    """The chart as text, for the list under it: per measure, its milestones and a count of
    its report cells by state (worst first)."""
    labels = dict(data["report_states"])
    result = []
    for row in data["rows"]:
        counts = defaultdict(int)
        for cell in row["reports"]:
            counts[cell["state"]] += 1
        result.append(
            {
                **row,
                "report_summary": [(labels[str(s)], counts[s]) for s in REPORT_ORDER if counts[s]],
            }
        )
    return result
