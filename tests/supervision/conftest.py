"""Supervision fixtures: a frozen clock (Wednesday 2019-03-20, Asia/Shanghai) and findings of the
lead reporter's unit (市工商局) at each step of rectification."""

from datetime import date

import pytest
import time_machine

from supervision import services
from supervision.models import FindingSource
from supervision.services import StepInput

TODAY = date(2019, 3, 20)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2019-03-20 10:00:00+08:00", tick=False):
        yield


@pytest.fixture
def inspection(supervisor, measure):
    inspection = services.create_inspection(
        user=supervisor, topic="企业开办专项督查", starts_on=date(2019, 3, 1), ends_on=date(2019, 3, 15),
        inspectors="市委督查室 王某、李某", measures=[measure],
    )  # fmt: skip
    return inspection


@pytest.fixture
def finding(supervisor, inspection, lead_reporter, measure):
    return services.open_finding(
        user=supervisor, unit=lead_reporter.unit, problem="企业开办窗口仍要求重复提交材料",
        source=FindingSource.INSPECTION, inspection=inspection, measures=[measure], deadline=date(2019, 4, 10),
    )  # fmt: skip


def step(user, finding, kind, text="说明", **kwargs):
    return services.take_step(user=user, finding=finding, kind=kind, data=StepInput(text, **kwargs))


@pytest.fixture
def applied(lead_reporter, finding):
    """Planned, progress reported, closure applied for."""
    step(lead_reporter, finding, "plan", "取消重复提交", owner="张科长", due=date(2019, 4, 1))
    step(lead_reporter, finding, "progress", "已取消三项重复材料")
    step(lead_reporter, finding, "apply_close", "整改完成")
    finding.refresh_from_db()
    return finding
