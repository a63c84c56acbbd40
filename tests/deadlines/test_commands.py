"""scan_deadlines and send_digests by hand."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from deadlines.models import Dispatch


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_scan_reports_what_changed_and_a_rerun_reports_nothing(plan):
    first = run("scan_deadlines", "--as-of", "2019-07-01")
    assert "节点 46 个" in first and "状态变化 46 次" in first and "overdue 4" in first
    assert "状态无变化" in run("scan_deadlines", "--as-of", "2019-07-01")


def test_a_year_without_holiday_data_is_scanned_with_a_warning(plan):
    assert "节假日日历未覆盖 2027 年" in run("scan_deadlines", "--as-of", "2027-03-01")


def test_a_bad_date_is_named(db):
    with pytest.raises(CommandError, match="--as-of:“2019-02-30”不是有效日期"):
        run("scan_deadlines", "--as-of", "2019-02-30")


def test_send_digests_sends_and_records(plan, supervisor):
    supervisor.email = "duchashi@example.com"
    supervisor.save()
    output = run("send_digests", "--as-of", "2019-07-01")
    assert "本次发送成功 1 封" in output and len(mail.outbox) == 1
    assert Dispatch.objects.get().state == "sent"
    assert "本次发送成功 0 封" in run("send_digests", "--as-of", "2019-07-01")
