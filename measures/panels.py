"""Sections that apps above this one add to a unit's page.

The unit page lives here (measures), below the apps that know a unit's open accounts
(supervision's findings); those register a function in their AppConfig.ready(). Each is called
with the unit and the viewer and returns a Panel, or None when the viewer may not see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template: str  # rendered with `panel` in its context
    context: dict = field(default_factory=dict)


_builders: list[Callable] = []


def register_unit_panel(build: Callable) -> None:
    """Add a section to every unit page; registering the same function again changes nothing."""
    if build not in _builders:
        _builders.append(build)


def unit_panels(unit, user) -> list[Panel]:
    built = (build(unit, user) for build in _builders)
    return [panel for panel in built if panel is not None]
