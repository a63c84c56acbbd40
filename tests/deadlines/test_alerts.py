"""Reminders before a deadline, a notice when it passes, escalation when it stays overdue — each once."""

from datetime import date

from django.core import mail

from accounts.roles import UNIT_LEADER
from accounts.services import ensure_role_groups
from deadlines import notify, services


def alerts(as_of):
    services.prepare_unit_alerts(as_of)
    notify.deliver_due()
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    mail.outbox.clear()
    return sent


def to_planning(sent):
    return [subject for to, subject in sent if to == "guihua@example.com"]


def test_reminders_go_seven_and_one_working_days_before_then_a_notice_when_overdue(planning_contact):
    # 2019-06-30 is a Sunday: T-1 is Friday 28 June, T-7 is Thursday 20 June.
    assert to_planning(alerts(date(2019, 6, 19))) == []
    assert to_planning(alerts(date(2019, 6, 20))) == [
        "【到期提醒】第 4 项 推进工程建设项目审批制度改革:节点:完成本项举措 将于 6月30日 到期"
    ]
    assert to_planning(alerts(date(2019, 6, 21))) == []
    assert len(to_planning(alerts(date(2019, 6, 28)))) == 1
    assert to_planning(alerts(date(2019, 7, 1))) == [
        "【超期通知】第 4 项 推进工程建设项目审批制度改革:节点:完成本项举措 已超期"
    ]
    assert to_planning(alerts(date(2019, 7, 2))) == []


def test_a_reminder_missed_while_the_system_was_down_is_sent_on_the_next_run(planning_contact):
    assert len(to_planning(alerts(date(2019, 6, 24)))) == 1  # the T-7 day (20 June) was missed


def test_overdue_beyond_the_ladder_goes_to_the_offices_leaders(
    planning_contact, office_reviewer, django_user_model, settings
):
    settings.ESCALATION_AFTER_DAYS = 30
    leader = django_user_model.objects.create_user(
        "office_leader", email="yingshang-lingdao@example.com", unit=office_reviewer.unit
    )
    leader.groups.add(ensure_role_groups()[UNIT_LEADER.code])
    alerts(date(2019, 7, 1))
    assert not [s for to, s in alerts(date(2019, 7, 30)) if to == leader.email]
    escalated = [s for to, s in alerts(date(2019, 7, 31)) if to == leader.email]
    assert sorted(escalated) == [  # both 2019-06-30 deadlines, measures 2 and 4
        "【超期升级】第 2 项 压缩企业开办时间 已超期 31 天",
        "【超期升级】第 4 项 推进工程建设项目审批制度改革 已超期 31 天",
    ]
    assert not [s for to, s in alerts(date(2019, 8, 1)) if to == leader.email]


def test_unit_users_with_an_email_are_reminded_too(plan, lead_reporter):
    lead_reporter.email = "gongshang@example.com"
    lead_reporter.save()
    subjects = [subject for to, subject in alerts(date(2019, 6, 20)) if to == "gongshang@example.com"]
    assert "【到期提醒】第 2 项 压缩企业开办时间:节点:将企业开办时间压缩到8.5个工作日内 将于 6月30日 到期" in subjects
