"""More groups for the supervision digest, from apps above this one.

deadlines cannot import the apps that sit above it (supervision adds 整改超期 and 承诺未兑现),
so they register a function here in their AppConfig.ready(); `plan_digests` calls each with the
digest's day and lists the non-empty sections after the overdue milestones and reports.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass
class DigestLine:
    unit: str
    what: str
    due: date
    days_overdue: int
    link: str  # a path on this site


@dataclass
class DigestSection:
    title: str
    lines: list[DigestLine] = field(default_factory=list)


_builders: list[Callable[[date], DigestSection]] = []


def register_section(build: Callable[[date], DigestSection]) -> None:
    """Add a group to every digest; registering the same function again changes nothing."""
    if build not in _builders:
        _builders.append(build)


def sections(as_of: date) -> list[DigestSection]:
    """The registered groups on `as_of` that have something to say, in registration order."""
    built = (build(as_of) for build in _builders)
    return [section for section in built if section.lines]
