"""Every page URL × every role. A new route without a row here fails `test_every_route_has_a_rule`."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dashboards.ranking import publish
from disclosure import services as public_services
from ledger import services
from notices.models import Notice
from supervision import services as supervision

from ..test_access import PUBLIC, named_patterns
from .conftest import TODAY, fill

ACTORS = (
    "anonymous",
    "lead_reporter",
    "lead_leader",
    "co_reporter",
    "office_reviewer",
    "supervisor",
    "administrator",
    "outsider",
)
ALL = {actor: 200 for actor in ACTORS} | {"anonymous": 302}
LEAD_ONLY = {"lead_reporter", "lead_leader"}
READERS = {"office_reviewer", "supervisor", "administrator"}
OFFICE = {"office_reviewer"}
SUPERVISORS = {"office_reviewer", "supervisor"}


def only(allowed, ok=200, visible_but_refused=(), refused=404):
    """`allowed` get `ok`; those who may see the object but not act get 403; the rest `refused`."""
    expected = {actor: refused for actor in ACTORS}
    expected.update({actor: 403 for actor in visible_but_refused})
    expected.update({actor: ok for actor in allowed})
    expected["anonymous"] = 302
    return expected


DASHBOARDS = (
    "dashboard",
    "dashboard-measures",
    "dashboard-milestones",
    "dashboard-reports",
    "dashboard-targets",
    "dashboard-map",
    "dashboard-ranking",
    "dashboard-programme",  # the whole programme across documents
)

# name → (method, the objects its URL needs, expected status per actor)
RULES = {
    "plan": ("get", lambda o: [], ALL),
    "document-plan": ("get", lambda o: [o["measure"].document_id], ALL),
    "measure-detail": ("get", lambda o: [o["measure"].pk], ALL),
    # Who leads a measure is the office's call (and an administrator's), nobody else's.
    "measure-leads": ("post", lambda o: [o["measure"].pk], only(OFFICE | {"administrator"}, ok=302, refused=403)),
    # Importing a plan is the office's and administrators' job; a preview is only its uploader's
    # (its token kept in the uploader's session), so even they get 404 for a token not theirs.
    "document-import": ("get", lambda o: [], only(OFFICE | {"administrator"}, refused=403)),
    "document-import-preview": ("get", lambda o: ["x" * 43], only(OFFICE | {"administrator"}, ok=404, refused=403)),
    "document-archive": ("get", lambda o: [o["measure"].document_id], only(OFFICE | {"administrator"}, refused=403)),
    "unit-list": ("get", lambda o: [], ALL),
    "unit-detail": ("get", lambda o: [o["measure"].assignments.first().unit_id], ALL),
    "my-tasks": ("get", lambda o: [], ALL),
    "review-queue": ("get", lambda o: [], only(READERS, refused=403)),
    "measure-ledger": ("get", lambda o: [o["measure"].pk], only(LEAD_ONLY | READERS)),
    "report-start": (
        "post",
        lambda o: [o["measure"].pk, o["period"].pk],
        only(LEAD_ONLY, ok=302, visible_but_refused=READERS),
    ),
    "contribution-start": (
        "post",
        lambda o: [o["shared"].pk, o["period"].pk],
        only({"co_reporter"}, ok=302, visible_but_refused=READERS),
    ),
    "report-detail": ("get", lambda o: [o["submitted"].pk], only(LEAD_ONLY | READERS)),
    "report-edit": ("get", lambda o: [o["draft"].pk], only(LEAD_ONLY)),
    "report-autosave": ("post", lambda o: [o["draft"].pk], only(LEAD_ONLY)),
    "report-evidence": ("post", lambda o: [o["draft"].pk], only(LEAD_ONLY, ok=302)),
    "contributions-ask": ("post", lambda o: [o["draft"].pk], only(LEAD_ONLY, ok=302)),
    "report-review": (
        "post",
        lambda o: [o["submitted"].pk],
        only({"office_reviewer"}, ok=302, visible_but_refused=LEAD_ONLY | {"supervisor", "administrator"}),
    ),
    "contribution-edit": ("get", lambda o: [o["contribution"].pk], only({"co_reporter"})),
    "contribution-evidence": ("post", lambda o: [o["contribution"].pk], only({"co_reporter"}, ok=302)),
    "evidence-download": ("get", lambda o: [o["evidence"].pk], only(LEAD_ONLY | READERS)),
    # A fresh file for each actor: the first one allowed would otherwise delete it for the rest.
    "evidence-delete": ("post", lambda o: [o["new_draft_evidence"]().pk], only(LEAD_ONLY, ok=302)),
    # Measure 2 is dated, not per-schedule: its lead units are refused with a message (302), others 403/404.
    "schedule-add": (
        "post",
        lambda o: [o["measure"].pk],
        only(LEAD_ONLY, ok=302, visible_but_refused=READERS),
    ),
    "schedule-remove": (
        "post",
        lambda o: [o["measure"].milestones.first().pk],
        only(LEAD_ONLY, ok=302, visible_but_refused=READERS),
    ),
    # Anyone who sees a measure exports the ledger of what they see; a unit named nowhere gets 404.
    "ledger-export": ("get", lambda o: [], {**ALL, "outsider": 404}),
    "plan-export": ("get", lambda o: [], ALL),
    **{name: ("get", lambda o: [], only(READERS, refused=403)) for name in DASHBOARDS},
    "ranking-publish": ("post", lambda o: [], only({"office_reviewer"}, ok=302, refused=403)),
    "ranking-withdraw": ("post", lambda o: [o["snapshot"].pk], only({"office_reviewer"}, ok=302, refused=403)),
    **{
        name: ("get", lambda o: [o["snapshot"].pk], only(READERS, refused=403))
        for name in ("ranking-snapshot", "bulletin", "bulletin-pdf")
    },
    "notice-list": ("get", lambda o: [], ALL),
    "notice-settings": ("get", lambda o: [], ALL),
    "notice-read-all": ("post", lambda o: [], {actor: 302 for actor in ACTORS}),
    # The submission told the office's reviewer; nobody else can open that notice.
    "notice-open": ("get", lambda o: [o["notice"].pk], only({"office_reviewer"}, ok=302)),
    # Supervision: the office and supervisors act; administrators read; a unit sees only its own findings.
    "supervision": ("get", lambda o: [], ALL),
    "finding-new": ("get", lambda o: [], only(SUPERVISORS, refused=403)),
    "finding-detail": ("get", lambda o: [o["finding"].pk], only(LEAD_ONLY | READERS)),
    "finding-act": ("post", lambda o: [o["finding"].pk], only(LEAD_ONLY, ok=302, visible_but_refused=READERS)),
    "finding-evidence": ("get", lambda o: [o["finding_evidence"].pk], only(LEAD_ONLY | READERS)),
    "finding-outcome": (
        "post",
        lambda o: [o["finding"].pk],
        only(SUPERVISORS, ok=302, visible_but_refused=LEAD_ONLY | {"administrator"}),
    ),
    "inspection-list": ("get", lambda o: [], only(READERS, refused=403)),
    "inspection-detail": ("get", lambda o: [o["finding"].inspection_id], only(READERS)),
    "interview-list": ("get", lambda o: [], ALL),
    "interview-new": ("get", lambda o: [], only(SUPERVISORS, refused=403)),
    "interview-detail": ("get", lambda o: [o["interview"].pk], only(LEAD_ONLY | READERS)),
    "interview-outcome": (
        "post",
        lambda o: [o["interview"].pk],
        only(SUPERVISORS, ok=302, visible_but_refused=LEAD_ONLY | {"administrator"}),
    ),
    "commitment-fulfil": (
        "post",
        lambda o: [o["interview"].commitments.get().pk],
        only(SUPERVISORS, ok=302, visible_but_refused=LEAD_ONLY | {"administrator"}),
    ),
    "outcome-document": ("get", lambda o: [o["outcome"].pk], only(LEAD_ONLY | READERS)),
    # 社会公开管理: the office acts; supervisors and administrators read.
    "disclosure": ("get", lambda o: [], only(READERS, refused=403)),
    "disclosure-publish": ("get", lambda o: [], only(OFFICE, refused=403)),
    "publication-withdraw": ("post", lambda o: [o["publication"].pk], only(OFFICE, ok=302, refused=403)),
    "interpretation-new": ("get", lambda o: [], only(OFFICE, refused=403)),
    "interpretation-edit": ("get", lambda o: [o["interpretation"].pk], only(READERS, refused=403)),
    "interpretation-attach": ("post", lambda o: [o["interpretation"].pk], only(OFFICE, ok=302, refused=403)),
    "interpretation-publish": ("post", lambda o: [o["interpretation"].pk], only(OFFICE, ok=302, refused=403)),
    "interpretation-withdraw": (
        "post",
        lambda o: [o["published_interpretation"].pk],
        only(OFFICE, ok=302, refused=403),
    ),
    "good-practice-start": ("post", lambda o: [o["good_review"].pk], only(OFFICE, ok=302, refused=403)),
    "good-practice-edit": ("get", lambda o: [o["good_practice"].pk], only(READERS, refused=403)),
    "good-practice-publish": ("post", lambda o: [o["good_practice"].pk], only(OFFICE, ok=302, refused=403)),
    "good-practice-withdraw": ("post", lambda o: [o["good_practice"].pk], only(OFFICE, ok=302, refused=403)),
    "feedback-list": ("get", lambda o: [], only(READERS, refused=403)),
    "feedback-detail": ("get", lambda o: [o["feedback"].pk], only(READERS, refused=403)),
    "feedback-close": ("post", lambda o: [o["feedback"].pk], only(OFFICE, ok=302, refused=403)),
    "feedback-finding": ("post", lambda o: [o["feedback"].pk], only(OFFICE, ok=302, refused=403)),
    "ranking-unit": (
        "get",
        lambda o: [o["snapshot"].pk, o["snapshot"].data["rows"][0]["unit_id"]],
        only(READERS, refused=403),
    ),
}

POST_DATA = {
    "measure-leads": lambda o: {"units": [unit.pk for unit in o["measure"].lead_units()] + [o["office_unit"].pk]},
    "report-review": lambda o: {"decision": "approved"},
    # The snapshot fixture publishes January; publishing February is what a reviewer may do.
    "ranking-publish": lambda o: {"period": o["period"].pk, "as_of": "2019-03-20", "confirm": "yes"},
    "ranking-withdraw": lambda o: {"reason": "数据有误"},
    "finding-act": lambda o: {"kind": "plan", "text": "整改措施", "owner": "张科长", "due": "2019-04-01"},
    "finding-outcome": lambda o: {"kind": "criticism", "decided_on": "2019-03-20", "summary": "通报批评"},
    "interview-outcome": lambda o: {"kind": "admonition", "decided_on": "2019-03-20", "summary": "诫勉谈话"},
    "commitment-fulfil": lambda o: {"fulfilled_on": "2019-03-20"},
    "publication-withdraw": lambda o: {"reason": "数据有误"},
    "interpretation-withdraw": lambda o: {"reason": "已过时"},
    "good-practice-withdraw": lambda o: {"reason": "已过时"},
    "feedback-close": lambda o: {"reply": "已核实处理。"},
    "feedback-finding": lambda o: {
        "unit": o["finding"].unit_id,
        "problem": "窗口要求重复提交材料",
        "severity": "general",
        "workdays": "10",
    },
}


def test_every_route_has_a_rule():
    names = {pattern.name for pattern in named_patterns()} - PUBLIC
    assert names == set(RULES), f"routes without a rule: {names - set(RULES)}; stale rules: {set(RULES) - names}"


def supervision_world(supervisor, lead_reporter, measure) -> dict:
    """A finding of the lead unit with a progress step and its evidence, an interview with a
    commitment, and an outcome with its decision document."""
    inspection = supervision.create_inspection(
        user=supervisor, topic="专项督查", starts_on=date(2019, 3, 1), ends_on=date(2019, 3, 10), inspectors="督查室"
    )
    finding = supervision.open_finding(
        user=supervisor, unit=lead_reporter.unit, problem="问题", inspection=inspection, measures=[measure], workdays=10
    )
    plan = supervision.StepInput("措施", owner="张科长", due=date(2019, 4, 1))
    supervision.take_step(user=lead_reporter, finding=finding, kind="plan", data=plan)
    progress = supervision.StepInput("进展", files=(SimpleUploadedFile("c.pdf", b"%PDF-1.4 c"),))
    step = supervision.take_step(user=lead_reporter, finding=finding, kind="progress", data=progress)
    interview = supervision.record_interview(
        user=supervisor, unit=lead_reporter.unit, person="赵局长", post="局长", interviewers="督查室",
        held_on=date(2019, 3, 20), reasons="末位约谈", commitments=[("整改", date(2019, 4, 30))],
    )  # fmt: skip
    outcome = supervision.record_outcome(
        user=supervisor, finding=finding, kind="criticism", decided_on=date(2019, 3, 20), summary="通报批评",
        document=SimpleUploadedFile("d.pdf", b"%PDF-1.4 d"),
    )  # fmt: skip
    return {
        "finding": finding,
        "finding_evidence": step.evidence.get(),
        "interview": interview,
        "outcome": outcome,
    }


@pytest.fixture
def world(request, measure, periods, period, lead_reporter, co_reporter, office_reviewer):
    """One of everything: a submitted report with evidence, a draft with evidence, a co-unit draft."""
    for actor in ACTORS[1:]:
        request.getfixturevalue(actor)
    submitted = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[0]))
    evidence = services.attach_evidence(lead_reporter, submitted, SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"))
    submitted = services.submit_report(lead_reporter, submitted, submitted.lock_version)
    draft = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    shared = measure.document.measures.get(number=12)
    snapshot = publish(office_reviewer, measure.document, periods[0], date(2019, 3, 20))
    contribution = services.open_contribution(co_reporter, shared, period)
    good = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[2]))
    good = services.submit_report(lead_reporter, good, good.lock_version)
    good_review = services.review_report(office_reviewer, good, "approved", "", good_practice=True)
    interpretation = public_services.save_interpretation(
        user=office_reviewer, interpretation=None, title="解读", issuer="", text="正文", measures=[measure]
    )
    published_interpretation = public_services.publish_item(
        user=office_reviewer,
        item=public_services.save_interpretation(
            user=office_reviewer, interpretation=None, title="已公开的解读", issuer="", text="正文", measures=[]
        ),
    )
    return {
        "measure": measure,
        "period": period,
        "submitted": submitted,
        "evidence": evidence,
        "draft": draft,
        "new_draft_evidence": lambda: services.attach_evidence(
            lead_reporter, draft, SimpleUploadedFile("b.pdf", b"%PDF-1.4 b")
        ),
        "shared": shared,
        "contribution": contribution,
        "snapshot": snapshot,
        "notice": Notice.objects.get(user=office_reviewer, event=f"report:{submitted.pk}"),
        "office_unit": office_reviewer.unit,
        **supervision_world(request.getfixturevalue("supervisor"), lead_reporter, measure),
        "publication": public_services.publish_plan(user=office_reviewer, document=measure.document, as_of=TODAY),
        "interpretation": interpretation,
        "published_interpretation": published_interpretation,
        "good_review": good_review,
        "good_practice": public_services.start_good_practice(user=office_reviewer, review=good_review),
        "feedback": public_services.receive_feedback(
            content="办事难", contact="", measure_id=measure.pk, client_address="192.0.2.1"
        ),
    }


@pytest.mark.parametrize("name", sorted(RULES))
def test_route_answers_each_role_as_its_rule_says(request, world, name):
    method, args, expected = RULES[name]
    answers = {}
    for actor in ACTORS:
        url = reverse(name, args=args(world))
        client = Client()
        if actor != "anonymous":
            client.force_login(request.getfixturevalue(actor))
        response = getattr(client, method)(url, POST_DATA.get(name, lambda o: {})(world))
        answers[actor] = response.status_code
    assert answers == expected
