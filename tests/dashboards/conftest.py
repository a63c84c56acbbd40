"""The dashboards' shared worlds."""

from datetime import date

import pytest
import time_machine

from ledger import services
from ledger.periods import open_periods

from ..ledger.conftest import fill


@pytest.fixture
def june(plan, lead_reporter, office_reviewer, measure):
    """June 2019: 市工商局 reports measure 2 on time (returned once, then approved); nobody else reports."""
    periods = open_periods(date(2019, 5, 1), date(2019, 6, 30))
    with time_machine.travel("2019-07-02 10:00 +08:00", tick=False):
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[1]))
        report = services.submit_report(lead_reporter, report, report.lock_version)
        services.review_report(office_reviewer, report, "returned", "补充数据")
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[1]))
        report = services.submit_report(lead_reporter, report, report.lock_version)
        services.review_report(office_reviewer, report, "approved", "做法可推广", good_practice=True)
    return periods[1]
