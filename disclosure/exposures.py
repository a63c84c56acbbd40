"""曝光台: typical negative cases the supervision offices chose to expose (item (十一) 曝光机制,
item (十二) 公开曝光破坏营商环境的典型案例).

The decision to expose is taken where the outcome is recorded — an accountability outcome of the
`supervision` app with `exposed` set and a public summary (`supervision.services.set_exposure`) —
so this module only reads it, through `supervision.selectors.exposed_cases()`. Taking the
exposure back takes the case off the page.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from measures.models import Measure
from supervision.models import OutcomeKind
from supervision.selectors import exposed_cases as exposed_outcomes


@dataclass(frozen=True)
class ExposedCase:
    """What the public reads of one exposed case: no names of persons, no internal comments."""

    title: str
    unit: str
    outcome: str  # the outcome's label (通报批评, 诫勉 …), never its code
    summary: str  # the public summary the office wrote when marking it for exposure
    decided_on: date
    measure_code: str = ""


def exposed_cases() -> list[ExposedCase]:
    """Exposed accountability outcomes, newest exposure first, in at most two queries (the
    outcomes with their finding's or interview's unit; the findings' measures).

    Only the public summary is read for text, with the unit's name, the outcome's label, the
    decision day and the measures' codes: never the decision document, the internal 处理情况,
    the finding's problem, the interview's person, post or notes."""
    measures = Prefetch("finding__measures", queryset=Measure.objects.select_related("section").order_by("position"))
    outcomes = (
        exposed_outcomes()
        .select_related("finding__unit", "interview__unit")
        .prefetch_related(measures)
        .only(
            "kind",
            "decided_on",
            "public_summary",
            "exposed_at",
            "finding__unit__name",
            "interview__unit__name",
        )  # fmt: skip
    )
    cases = []
    for outcome in outcomes:
        subject = outcome.finding or outcome.interview
        outcome_label = str(OutcomeKind(outcome.kind).label)
        codes = [m.code for m in outcome.finding.measures.all()] if outcome.finding else []
        cases.append(
            ExposedCase(
                title=f"{subject.unit.name} · {outcome_label}",
                unit=subject.unit.name,
                outcome=outcome_label,
                summary=outcome.public_summary,
                decided_on=outcome.decided_on,
                measure_code="、".join(codes),
            )
        )
    return cases
