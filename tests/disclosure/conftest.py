"""The public site's world: the ledger's frozen day (2019-03-20) and its periods, and a ledger
with something in every state that must never reach the public."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import UNIT_REPORTER
from disclosure import services
from ledger import services as ledger
from supervision import services as supervision
from supervision.models import FindingSource

from ..conftest import make_user
from ..ledger.conftest import TODAY, fill, frozen_clock, period, periods  # noqa: F401, F811 - fixtures

DECIDED = date(2019, 3, 19)

# Words that appear only in internal rows: none may reach a public page.
SECRETS = {
    "returned_text": "退回版本的进展ZQX1",
    "return_comment": "退回意见ZQX2",
    "approve_comment": "通过时的审核意见ZQX3",
    "problems": "内部存在问题ZQX4",
    "next_steps": "内部下步计划ZQX5",
    "draft_text": "未提交草稿ZQX6",
    "pending_text": "待审核版本ZQX7",
    "own_unit_reason": "本单位审核说明ZQX8",
    "draft_interpretation": "未公开的解读ZQX9",
    "withdrawn_interpretation": "已撤回的解读ZQXA",
    "good_draft": "未公开的典型经验ZQXB",
    "feedback_content": "反映原文ZQXC",
    "feedback_contact": "sender-zqxd@example.com",
    "private_reply": "不公开的答复ZQXE",
    "new_feedback": "待处理的反映ZQXF",
    "new_contact": "13800138000",
    "evidence_name": "佐证ZQXG.pdf",
    "withdrawal_reason": "撤回原因ZQXH",
    # 曝光台: only an exposed outcome's public summary is public.
    "outcome_summary": "内部处理情况ZQXI",
    "decision_document": "决定文书ZQXJ.pdf",
    "finding_problem": "督查问题原文ZQXK",
    "unexposed_summary": "未曝光的曝光内容ZQXL",
    "interviewee": "被约谈人ZQXM",
    "interview_notes": "约谈记录ZQXN",
    "exposure_taken_back": "已撤下的曝光ZQXO",
    "finding_feedback": "转为督查问题的反映ZQXP",
}
# What the office chose to publish: each must be found on some public page.
PUBLISHED = {
    "approved_text": "审核通过的进展PUB1",
    "interpretation": "公开的解读PUB2",
    "good_text": "公开的典型经验PUB3",
    "reply": "公开的答复PUB4",
    "summary": "公开的问题摘要PUB5",
    "exposed": "公开曝光的案例PUB6",
    "exposed_interview": "公开曝光的约谈案例PUB7",
}


def report(user, measure, reporting_period, **content):
    """A submitted version of `measure`'s report for `period`."""
    draft = fill(user, ledger.open_report(user, measure, reporting_period), **content)
    return ledger.submit_report(user, draft, draft.lock_version)


@pytest.fixture
def office_reporter(plan):
    return make_user("office_reporter", UNIT_REPORTER, "市营商办")


@pytest.fixture
def everything(
    plan,
    periods,  # noqa: F811 - the fixture imported above
    lead_reporter,
    office_reviewer,
    office_reporter,
    supervisor,
):
    """A ledger with a returned, an approved, a pending and a draft version, an own-unit review,
    interpretations and good practice in each state, and feedback in each state; then published."""
    january, february, march = periods
    measure = plan.measures.get(number=2)
    returned = report(lead_reporter, measure, january, progress=SECRETS["returned_text"])
    ledger.review_report(office_reviewer, returned, "returned", SECRETS["return_comment"])
    approved = fill(
        lead_reporter,
        ledger.open_report(lead_reporter, measure, february),
        progress=PUBLISHED["approved_text"],
        problems=SECRETS["problems"],
        next_steps=SECRETS["next_steps"],
    )
    ledger.attach_evidence(lead_reporter, approved, SimpleUploadedFile(SECRETS["evidence_name"], b"%PDF-1.4 x"))
    approved = ledger.submit_report(lead_reporter, approved, approved.lock_version)
    good_review = ledger.review_report(
        office_reviewer, approved, "approved", SECRETS["approve_comment"], good_practice=True
    )
    fill(lead_reporter, ledger.open_report(lead_reporter, measure, march), progress=SECRETS["draft_text"])

    own = plan.measures.get(number=22)
    own_report = report(office_reporter, own, january, progress="市营商办一月进展")
    own_review = ledger.review_report(
        office_reviewer, own_report, "approved", "", good_practice=True, own_unit_reason=SECRETS["own_unit_reason"]
    )
    report(office_reporter, own, february, progress=SECRETS["pending_text"])

    def interpretation(title, text, measures=()):
        return services.save_interpretation(
            user=office_reviewer, interpretation=None, title=title, issuer="市营商办", text=text, measures=measures
        )

    public_one = interpretation("企业开办政策解读", PUBLISHED["interpretation"], [measure])
    attachment = services.attach_file(
        user=office_reviewer, interpretation=public_one, uploaded=SimpleUploadedFile("解读.pdf", b"%PDF-1.4 y")
    )
    services.publish_item(user=office_reviewer, item=public_one)
    interpretation("草稿解读", SECRETS["draft_interpretation"], [measure])
    withdrawn = services.publish_item(
        user=office_reviewer, item=interpretation("撤回的解读", SECRETS["withdrawn_interpretation"], [measure])
    )
    services.withdraw_item(user=office_reviewer, item=withdrawn, reason=SECRETS["withdrawal_reason"])

    good = services.start_good_practice(user=office_reviewer, review=good_review)
    good = services.edit_good_practice(
        user=office_reviewer, item=good, title="企业开办一网通办", text=PUBLISHED["good_text"]
    )
    services.publish_item(user=office_reviewer, item=good)
    draft_good = services.start_good_practice(user=office_reviewer, review=own_review)
    services.edit_good_practice(user=office_reviewer, item=draft_good, title="草稿经验", text=SECRETS["good_draft"])

    def feedback(content, contact="", address="198.51.100.7"):
        return services.receive_feedback(
            content=content, contact=contact, measure_id=measure.pk, client_address=address
        )

    replied = feedback(SECRETS["feedback_content"], SECRETS["feedback_contact"])
    services.close_feedback(
        user=office_reviewer,
        feedback=replied,
        reply=PUBLISHED["reply"],
        publish=True,
        public_summary=PUBLISHED["summary"],
    )
    private = feedback("另一条反映", "")
    services.close_feedback(user=office_reviewer, feedback=private, reply=SECRETS["private_reply"], publish=False)
    feedback(SECRETS["new_feedback"], SECRETS["new_contact"])
    services.turn_into_finding(
        user=office_reviewer,
        feedback=feedback(SECRETS["finding_feedback"]),
        unit=lead_reporter.unit,
        problem=SECRETS["finding_feedback"],
        measures=[measure],
        workdays=10,
    )

    outcomes = supervision_outcomes(supervisor, lead_reporter.unit, measure)

    publication = services.publish_plan(user=office_reviewer, document=plan, as_of=TODAY, note="三月公开")
    return {
        "measure": measure,
        "publication": publication,
        "interpretation": public_one,
        "attachment": attachment,
        "good": good,
        "good_review": good_review,
        "replied": replied,
        **outcomes,
    }


def supervision_outcomes(supervisor, unit, measure):
    """A finding and an interview of `unit`, each with an exposed outcome, plus an outcome never
    exposed (its draft public summary written) and one exposed then taken back."""
    finding = supervision.open_finding(
        user=supervisor, unit=unit, problem=SECRETS["finding_problem"], source=FindingSource.MEASURE,
        measures=[measure], workdays=10,
    )  # fmt: skip
    interview = supervision.record_interview(
        user=supervisor, unit=unit, person=SECRETS["interviewee"], post="副局长", interviewers="市委督查室",
        held_on=DECIDED, reasons="末位约谈", notes=SECRETS["interview_notes"],
    )  # fmt: skip
    exposed = supervision.record_outcome(
        user=supervisor, finding=finding, kind="criticism", decided_on=DECIDED, summary=SECRETS["outcome_summary"],
        document=SimpleUploadedFile(SECRETS["decision_document"], b"%PDF-1.4 decision"),
        exposed=True, public_summary=PUBLISHED["exposed"],
    )  # fmt: skip
    supervision.record_outcome(
        user=supervisor, interview=interview, kind="admonition", decided_on=DECIDED, summary="诫勉谈话",
        exposed=True, public_summary=PUBLISHED["exposed_interview"],
    )  # fmt: skip
    unexposed = supervision.record_outcome(
        user=supervisor, finding=finding, kind="accountability", decided_on=DECIDED, summary="问责",
        public_summary=SECRETS["unexposed_summary"],
    )  # fmt: skip
    taken_back = supervision.record_outcome(
        user=supervisor, interview=interview, kind="other", decided_on=DECIDED, summary="其他处理",
        exposed=True, public_summary=SECRETS["exposure_taken_back"],
    )  # fmt: skip
    supervision.set_exposure(
        user=supervisor, outcome=taken_back, exposed=False, public_summary=SECRETS["exposure_taken_back"]
    )
    return {"finding": finding, "exposed_outcome": exposed, "unexposed_outcome": unexposed}
