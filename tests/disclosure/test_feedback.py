"""社会监督: the public form, its limits, and the office's triage."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core.errors import NotAllowed, ServiceError
from disclosure import services
from disclosure.models import Feedback, FeedbackAction, FeedbackActionKind, FeedbackStatus
from ledger import access as ledger_access
from notices.models import Notice
from supervision import access as supervision_access
from supervision.models import Finding, FindingSource

URL = "/public/feedback/"


def send(client, content="窗口要求重复提交材料。", **extra):
    return client.post(URL, {"content": content, "contact": "", "measure": "", "website": "", **extra})


def test_anyone_reports_a_problem_without_logging_in(client, everything):
    measure = everything["measure"]
    response = send(client, "办理营业执照被要求提供额外证明。", contact="13900000000", measure=measure.pk)
    assert response.status_code == 302 and response["Location"] == reverse("public-feedback-thanks")
    stored = Feedback.objects.get(content="办理营业执照被要求提供额外证明。")
    assert (stored.measure, stored.contact, stored.status) == (measure, "13900000000", FeedbackStatus.NEW)
    assert "127.0.0.1" not in stored.sender_key and len(stored.sender_key) == 32


def test_the_measure_page_links_to_the_form_with_the_measure_chosen(client, everything):
    measure = everything["measure"]
    page = client.get(reverse("public-measure", args=[measure.pk])).content.decode()
    assert f"/public/feedback/?measure={measure.pk}" in page
    form = client.get(f"{URL}?measure={measure.pk}").content.decode()
    assert f'<option value="{measure.pk}" selected>' in form


@pytest.mark.parametrize(
    "content, message",
    [
        ("<script>alert(1)</script>", "不要包含 HTML 标签"),
        ("见 <a href='x'>链接</a>", "不要包含 HTML 标签"),
        ("字" * 2001, "2000"),
        ("   ", "请填写反映内容"),
    ],
)
def test_markup_oversize_and_empty_messages_are_refused_in_chinese(client, db, content, message):
    response = send(client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Feedback.objects.count() == 0


def test_markup_in_the_contact_is_refused(client, db):
    response = send(client, contact="<b>x</b>")
    assert response.status_code == 400 and "联系方式请使用纯文本" in response.content.decode()


def test_a_less_than_sign_in_prose_is_accepted(client, db):
    assert send(client, "排队时间 < 30 分钟的承诺没有兑现").status_code == 302


def test_a_measure_that_is_not_published_is_refused(client, plan):
    # Nothing is published: the form offers no measure, so any measure id is not a valid choice.
    response = send(client, measure=plan.measures.get(number=2).pk)
    assert response.status_code == 400 and Feedback.objects.count() == 0


def test_bad_query_parameters_are_a_400_naming_them(client, db):
    response = client.get(f"{URL}?measure=abc")
    assert response.status_code == 400 and "参数 measure" in response.content.decode()


def test_the_honeypot_thanks_a_bot_and_keeps_nothing(client, db):
    assert send(client, website="http://spam.example").status_code == 302
    assert Feedback.objects.count() == 0


def test_one_address_sends_at_most_five_an_hour(db, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    behind_proxy = Client(HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(5):
        assert send(behind_proxy).status_code == 302
    refused = send(behind_proxy)
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    assert send(Client(HTTP_X_FORWARDED_FOR="203.0.113.10")).status_code == 302  # another client
    # A forged header left of the proxy's does not make a new client.
    assert send(Client(HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9")).status_code == 429
    with time_machine.travel("2019-03-20 11:01:00+08:00", tick=False):
        assert send(behind_proxy).status_code == 302
    assert Feedback.objects.count() == 7


def test_the_form_needs_its_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    assert send(client).status_code == 403
    assert Feedback.objects.count() == 0


def test_the_form_page_is_never_cached(client, db):
    response = client.get(URL)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" in response.content.decode()


def new_feedback(content="办事难", measure=None):
    return services.receive_feedback(
        content=content, contact="张先生 13900000000", measure_id=measure, client_address="192.0.2.5"
    )


def test_the_office_closes_with_a_public_reply_that_the_public_then_reads(client, office_reviewer, plan):
    item = new_feedback()
    services.close_feedback(
        user=office_reviewer, feedback=item, reply="已责成窗口整改。", publish=True, public_summary="窗口重复要材料"
    )
    item.refresh_from_db()
    assert (item.status, item.closed_by, item.reply_public) == (FeedbackStatus.CLOSED, office_reviewer, True)
    action = FeedbackAction.objects.get(feedback=item)
    assert (action.kind, action.actor, action.at) == (FeedbackActionKind.CLOSED, office_reviewer, item.closed_at)
    page = client.get(reverse("public-replies")).content.decode()
    assert "已责成窗口整改。" in page and "窗口重复要材料" in page
    assert "办事难" not in page and "13900000000" not in page


def test_a_reply_kept_private_is_not_shown(client, office_reviewer, plan):
    services.close_feedback(user=office_reviewer, feedback=new_feedback(), reply="内部答复", publish=False)
    assert "内部答复" not in client.get(reverse("public-replies")).content.decode()


def test_a_public_reply_needs_a_summary_and_is_given_once(office_reviewer, plan):
    item = new_feedback()
    with pytest.raises(ServiceError, match="公开的问题摘要"):
        services.close_feedback(user=office_reviewer, feedback=item, reply="答复", publish=True)
    services.close_feedback(user=office_reviewer, feedback=item, reply="答复", publish=False)
    with pytest.raises(ServiceError, match="已处理"):
        services.close_feedback(user=office_reviewer, feedback=item, reply="再答复", publish=False)


@pytest.mark.parametrize("actor", ["supervisor", "lead_reporter", "administrator"])
def test_only_the_office_triages(request, actor, plan):
    with pytest.raises(NotAllowed):
        services.close_feedback(user=request.getfixturevalue(actor), feedback=new_feedback(), reply="x", publish=False)


def test_triage_through_the_page_records_the_actor(client, office_reviewer, supervisor, plan):
    item = new_feedback()
    client.force_login(supervisor)
    page = client.get(reverse("feedback-detail", args=[item.pk])).content.decode()
    assert "张先生 13900000000" in page and "答复并办结</button>" not in page  # supervisors read
    client.force_login(office_reviewer)
    assert "答复并办结</button>" in client.get(reverse("feedback-detail", args=[item.pk])).content.decode()
    response = client.post(
        reverse("feedback-close", args=[item.pk]), {"reply": "已处理", "publish": "on", "public_summary": "摘要"}
    )
    assert response.status_code == 302
    page = client.get(reverse("feedback-detail", args=[item.pk])).content.decode()
    assert "office_reviewer" in page and "答复并办结:答复(公开):已处理" in page


def finding_post(unit, **extra):
    return {"unit": unit.pk, "problem": "窗口要求重复提交材料", "severity": "serious", "workdays": "10", **extra}


def test_the_office_turns_feedback_into_a_finding_the_unit_then_rectifies(
    client, office_reviewer, lead_reporter, lead_leader, measure
):
    item = new_feedback("办理营业执照时窗口要求重复提交材料。", measure=measure.pk)
    client.force_login(office_reviewer)
    page = client.get(reverse("feedback-detail", args=[item.pk])).content.decode()
    assert "转为督查问题</button>" in page and "办理营业执照时窗口要求重复提交材料。</textarea>" in page
    assert f'<option value="{measure.pk}" selected>' in page  # the feedback's measure, prefilled

    post = finding_post(lead_reporter.unit, measures=[measure.pk])
    response = client.post(reverse("feedback-finding", args=[item.pk]), post, follow=True)
    finding = Finding.objects.get(origin=f"feedback:{item.pk}")
    assert response.redirect_chain == [(reverse("finding-detail", args=[finding.pk]), 302)]
    assert "已转为督查问题并挂账" in response.content.decode()
    assert (finding.source, finding.unit, finding.severity, finding.created_by) == (
        FindingSource.PUBLIC_FEEDBACK, lead_reporter.unit, "serious", office_reviewer
    )  # fmt: skip
    assert list(finding.measures.all()) == [measure] and finding.deadline == date(2019, 4, 3)

    item.refresh_from_db()
    assert (item.status, item.finding) == (FeedbackStatus.FINDING, finding)
    action = item.actions.get()
    assert (action.kind, action.actor) == (FeedbackActionKind.FINDING, office_reviewer)
    assert f"转为督查问题 {finding.pk}" in action.note and lead_reporter.unit.name in action.note
    page = client.get(reverse("feedback-detail", args=[item.pk])).content.decode()
    assert reverse("finding-detail", args=[finding.pk]) in page and "转为督查问题</button>" not in page

    # The responsible unit is told, and finds it on its supervision page.
    for person in (lead_reporter, lead_leader):
        notice = Notice.objects.get(user=person, event=f"finding:{finding.pk}:opened")
        assert notice.link == reverse("finding-detail", args=[finding.pk])
    client.force_login(lead_reporter)
    listing = client.get(reverse("supervision")).content.decode()
    assert reverse("finding-detail", args=[finding.pk]) in listing
    detail = client.get(reverse("finding-detail", args=[finding.pk])).content.decode()
    assert "窗口要求重复提交材料" in detail and "社会监督" in detail
    assert "张先生 13900000000" not in detail  # the sender's contact stays with the office


def test_feedback_already_handled_is_not_turned_into_a_finding(office_reviewer, lead_reporter):
    item = new_feedback()
    services.close_feedback(user=office_reviewer, feedback=item, reply="已答复", publish=False)
    with pytest.raises(ServiceError, match="已处理"):
        services.turn_into_finding(
            user=office_reviewer, feedback=item, unit=lead_reporter.unit, problem="问题", workdays=10
        )
    assert not Finding.objects.filter(origin=f"feedback:{item.pk}").exists()


def test_a_refused_finding_leaves_the_feedback_new(office_reviewer, lead_reporter):
    """The finding and the feedback's mark commit together: supervision refusing the deadline
    leaves no finding and the feedback untouched."""
    item = new_feedback()
    with pytest.raises(ServiceError, match="整改时限"):
        services.turn_into_finding(user=office_reviewer, feedback=item, unit=lead_reporter.unit, problem="问题")
    item.refresh_from_db()
    assert item.status == FeedbackStatus.NEW and item.finding is None and not item.actions.exists()
    assert not Finding.objects.filter(origin=f"feedback:{item.pk}").exists()


@pytest.mark.parametrize("actor", ["lead_reporter", "lead_leader", "supervisor", "administrator"])
def test_only_the_office_turns_feedback_into_a_finding(request, client, actor, lead_reporter, plan):
    """Unit staff may not open findings at all; a supervisor may open findings in 督查整改 but
    triage is the office's, as for closing (see services.turn_into_finding)."""
    item, user = new_feedback(), request.getfixturevalue(actor)
    with pytest.raises(NotAllowed):
        services.turn_into_finding(user=user, feedback=item, unit=lead_reporter.unit, problem="问题", workdays=5)
    client.force_login(user)
    assert client.post(reverse("feedback-finding", args=[item.pk]), finding_post(lead_reporter.unit)).status_code == 403
    item.refresh_from_db()
    assert item.status == FeedbackStatus.NEW and not Finding.objects.filter(origin=f"feedback:{item.pk}").exists()


def test_anonymous_cannot_triage(client, lead_reporter, plan):
    item = new_feedback()
    response = client.post(reverse("feedback-finding", args=[item.pk]), finding_post(lead_reporter.unit))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    item.refresh_from_db()
    assert item.status == FeedbackStatus.NEW


def test_the_office_passes_supervisions_rule_too(office_reviewer):
    """The two apps' rules agree: whoever may triage feedback may also open a finding."""
    assert ledger_access.can_review(office_reviewer) and supervision_access.supervises(office_reviewer)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"unit": ""}, "请选择责任单位"),
        ({"unit": "999999"}, "所选责任单位不存在"),
        ({"unit": "99999999999999999999999"}, "所选责任单位不存在"),
        ({"unit": "abc"}, "所选责任单位不存在"),
        ({"problem": "  "}, "请填写问题描述"),
        ({"problem": "问" * 5001}, "问题描述最多 5000 字"),
        ({"severity": "worst"}, "严重程度无效"),
        ({"workdays": ""}, "请填写整改时限"),
        ({"workdays": "10", "deadline": "2019-04-30"}, "请填写整改时限"),
        ({"workdays": "0"}, "整改期限至少 1 个工作日"),
        ({"workdays": "999"}, "整改期限最多 250 个工作日"),
        ({"workdays": "十"}, "整改期限请填写整数个工作日"),
        ({"workdays": "", "deadline": "2019-02-30"}, "请按“年-月-日”填写整改时限"),
        ({"workdays": "", "deadline": "2019-03-01"}, "整改时限不能早于挂账日期"),
        ({"workdays": "", "deadline": "9999-12-31"}, "日期应在"),
        ({"measures": ["999999"]}, "所选举措不存在"),
        ({"measures": ["x"]}, "所选举措无效"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_message_in_chinese(
    client, office_reviewer, lead_reporter, plan, change, message
):
    item = new_feedback()
    client.force_login(office_reviewer)
    response = client.post(reverse("feedback-finding", args=[item.pk]), finding_post(lead_reporter.unit) | change)
    assert response.status_code == 200
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.status == FeedbackStatus.NEW and not Finding.objects.filter(origin=f"feedback:{item.pk}").exists()


def test_turning_feedback_handled_meanwhile_says_so(client, office_reviewer, lead_reporter, plan):
    item = new_feedback()
    services.close_feedback(user=office_reviewer, feedback=item, reply="已答复", publish=False)
    client.force_login(office_reviewer)
    response = client.post(reverse("feedback-finding", args=[item.pk]), finding_post(lead_reporter.unit), follow=True)
    assert response.redirect_chain == [(reverse("feedback-detail", args=[item.pk]), 302)]
    assert "该反映已处理" in response.content.decode()
