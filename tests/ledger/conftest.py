"""Ledger fixtures: periods and reports at each step of the workflow."""

from datetime import date

import pytest
import time_machine

from ledger import services
from ledger.periods import open_periods

TODAY = date(2019, 3, 20)


@pytest.fixture(autouse=True)
def frozen_clock():
    """The ledger's tests live on 2019-03-20 (Asia/Shanghai): Jan and Feb are past due, March is open."""
    with time_machine.travel("2019-03-20 10:00:00+08:00", tick=False):
        yield


@pytest.fixture
def periods(plan):
    """January–March 2019, monthly, due on the 5th of the following month."""
    return open_periods(date(2019, 1, 1), date(2019, 3, 31))


@pytest.fixture
def period(periods):
    """February 2019: due 2019-03-05, so already past due on TODAY."""
    return periods[1]


@pytest.fixture
def current_period(periods):
    return periods[2]


def fill(user, report, **content):
    values = {"status": "on_track", "progress": "已完成企业开办环节梳理。", "next_steps": "推进全程电子化。", **content}
    return services.save_report_draft(user, report, report.lock_version, values)


@pytest.fixture
def draft(lead_reporter, measure, period):
    return fill(lead_reporter, services.open_report(lead_reporter, measure, period))


@pytest.fixture
def submitted(lead_reporter, draft):
    return services.submit_report(lead_reporter, draft, draft.lock_version)


@pytest.fixture
def returned(office_reviewer, submitted):
    services.review_report(office_reviewer, submitted, "returned", "请补充企业开办时间的实际数据。")
    submitted.refresh_from_db()
    return submitted
