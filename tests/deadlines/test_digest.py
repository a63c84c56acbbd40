"""The supervision digest: what it lists, to whom, and that it goes out once."""

from datetime import date
from io import StringIO

from django.core import mail
from django.core.management import call_command

from deadlines.models import DigestRecipient, Dispatch, MilestoneStatus, StatusEvent


def dry_run(as_of):
    out = StringIO()
    call_command("send_digests", "--as-of", as_of, "--dry-run", stdout=out)
    return out.getvalue()


def test_dry_run_lists_what_is_due_by_then_and_not_done_and_records_nothing(plan, supervisor_with_email):
    output = dry_run("2019-07-01")
    assert "收件人:duchashi@example.com" in output
    assert "主题:【督办简报】2019年7月1日:超期 4 项,新增 2 项" in output  # the 2018 ones were overdue before
    assert "截止 2019-06-30" in output and "截止 2018-12-31" in output
    assert "推进工程建设项目审批制度改革" in output  # measure 4, due 2019-06-30
    assert "截止 2019-12-31" not in output and "截止 2020-12-31" not in output  # not yet due
    assert "试运行" in output
    assert Dispatch.objects.count() == MilestoneStatus.objects.count() == StatusEvent.objects.count() == 0
    assert mail.outbox == []


def test_each_overdue_item_is_one_line_with_all_its_lead_units_and_a_ledger_link(plan, supervisor_with_email):
    """A measure with three lead units repeated under each (17 lines for 11 items)."""
    output = dry_run("2019-07-11")
    assert "超期 4 项" in output
    items = [line for line in output.splitlines() if line.startswith("- ")]
    assert len(items) == 4
    assert items[0].startswith("- 第 16 项") and "已超期 192 天" in items[0]  # most overdue first
    assert output.count("节点:将企业开办时间压缩到8.5个工作日内") == 1
    assert "牵头单位:市公安局、市工商局、市税务局" in output
    assert "节点:完成本项举措,截止 2019-06-30,已超期 11 天" in output
    measure = plan.measures.get(number=4)
    assert f"/measures/{measure.pk}/ledger/" in output


def test_nothing_to_say_means_no_digest(plan, supervisor_with_email, settings):
    assert "没有需要发送的督办简报" in dry_run("2018-12-01")
    settings.DIGEST_WHEN_EMPTY = True
    assert "当前没有超期事项" in dry_run("2018-12-01")


def test_a_digest_goes_out_once_however_often_the_job_runs(plan, supervisor_with_email, digests):
    created, (sent, failed) = digests(date(2019, 7, 1))
    assert len(created) == 1 and (sent, failed) == (1, 0)
    assert digests(date(2019, 7, 1)) == ([], (0, 0))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("【督办简报】2019年7月1日")
    assert message.alternatives[0][1] == "text/html" and "<table" in message.alternatives[0][0]
    assert Dispatch.objects.get().state == "sent"


def test_a_milestone_passing_its_due_date_is_new_in_exactly_one_digest(plan, supervisor_with_email, digests):
    digests(date(2019, 6, 30))  # nothing overdue yet on the 2019-06-30 deadlines, but 2018's are
    digests(date(2019, 7, 1))
    digests(date(2019, 7, 2))
    bodies = [m.body for m in mail.outbox]
    new_mentions = [b.count("[新增] 第 4 项") for b in bodies]
    assert new_mentions == [0, 1, 0]


def test_weekly_recipients_get_one_digest_on_mondays(plan, digests, settings):
    DigestRecipient.objects.create(email="weekly@example.com", frequency="weekly")
    settings.DIGEST_WEEKDAY = 0
    for day in range(1, 8):  # 2019-07-01 is a Monday
        digests(date(2019, 7, day))
    assert [m.subject[:16] for m in mail.outbox] == ["【督办简报】2019年7月1日:"]


def test_configured_addresses_receive_it_and_a_switched_off_supervisor_does_not(
    plan, supervisor_with_email, digests, settings
):
    settings.SUPERVISION_EMAILS = ["dukaoban@example.com"]
    DigestRecipient.objects.create(email="duchashi@example.com", active=False)
    digests(date(2019, 7, 1))
    assert [m.to for m in mail.outbox] == [["dukaoban@example.com"]]


def test_free_text_is_escaped_in_the_html_digest(plan, supervisor_with_email, digests):
    from units.models import Unit

    Unit.objects.filter(name="市规划局").update(name="<script>alert(1)</script>")
    digests(date(2019, 7, 1))
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
