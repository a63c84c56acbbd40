"""曝光台: typical negative cases the supervision offices chose to expose (item (十一) 曝光机制,
item (十二) 公开曝光破坏营商环境的典型案例).

The decision to expose is taken where the outcome is recorded — an accountability outcome of the
`supervision` app with `exposed` set and a public summary — so this module only reads it. Until
that app is on main there is nothing to read and the page says so.
"""

from dataclasses import dataclass
from datetime import date


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
    """Exposed accountability outcomes, newest first, in a fixed number of queries.

    Wiring (once `supervision` lands): read the outcomes with `exposed=True` (and not withdrawn),
    select_related their finding's unit and measure, and map each to an ExposedCase using only
    the public summary — never the decision document, the interview notes or a person's name."""
    return []
