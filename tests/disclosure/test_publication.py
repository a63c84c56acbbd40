"""What a publication freezes, and the rules of publishing and withdrawing."""

from datetime import date

import pytest
import time_machine

from core.errors import NotAllowed, ServiceError
from disclosure import services
from disclosure.models import FrozenOnceError, GoodPractice, PolicyInterpretation, PublicState
from ledger import services as ledger

from .conftest import TODAY, fill, report


def progress_of(publication, number):
    for section in publication.data["sections"]:
        for m in section["measures"]:
            if m["code"] == str(number):
                return m["progress"]
    raise AssertionError(number)


def test_the_plan_is_frozen_as_the_document_writes_it(plan, office_reviewer):
    publication = services.publish_plan(user=office_reviewer, document=plan, as_of=TODAY)
    measures = [m for s in publication.data["sections"] for m in s["measures"]]
    assert len(measures) == plan.measures.count()
    two = next(m for m in measures if m["code"] == "2")
    assert two["lead"] and two["deadline"] and two["milestones"]
    twenty_three = next(m for m in measures if m["code"] == "23")
    assert twenty_three["lead"] == []  # 牵头单位未明确: nothing invented


def test_only_the_latest_version_approved_by_the_as_of_day_is_frozen(plan, periods, lead_reporter, office_reviewer):
    january, february, _ = periods
    measure = plan.measures.get(number=2)
    with time_machine.travel("2019-02-10 10:00:00+08:00", tick=False):
        first = report(lead_reporter, measure, january, progress="一月")
        ledger.review_report(office_reviewer, first, "approved", "")
    with time_machine.travel("2019-03-10 10:00:00+08:00", tick=False):
        returned = report(lead_reporter, measure, february, progress="二月被退回")
        ledger.review_report(office_reviewer, returned, "returned", "请补充")
    with time_machine.travel("2019-03-12 10:00:00+08:00", tick=False):
        second = fill(lead_reporter, ledger.open_report(lead_reporter, measure, february), progress="二月通过")
        second = ledger.submit_report(lead_reporter, second, second.lock_version)
        ledger.review_report(office_reviewer, second, "approved", "")

    def frozen(as_of):
        return progress_of(services.publish_plan(user=office_reviewer, document=plan, as_of=as_of), 2)

    assert frozen(date(2019, 2, 9)) is None
    assert frozen(date(2019, 3, 11))["text"] == "一月"  # the returned February version is never shown
    latest = frozen(TODAY)
    assert (latest["text"], latest["period"], latest["status"], latest["approved_on"]) == (
        "二月通过",
        february.label,
        "按计划推进",
        "2019-03-12",
    )


def test_a_submitted_report_awaiting_review_is_not_frozen(plan, periods, lead_reporter, office_reviewer):
    report(lead_reporter, plan.measures.get(number=2), periods[0], progress="待审核")
    publication = services.publish_plan(user=office_reviewer, document=plan, as_of=TODAY)
    assert progress_of(publication, 2) is None


@pytest.mark.parametrize("actor", ["supervisor", "lead_reporter", "administrator"])
def test_only_the_office_publishes(plan, request, actor):
    with pytest.raises(NotAllowed):
        services.publish_plan(user=request.getfixturevalue(actor), document=plan, as_of=TODAY)


def test_a_day_still_to_come_cannot_be_published(plan, office_reviewer):
    with pytest.raises(ServiceError, match="不能晚于今天"):
        services.publish_plan(user=office_reviewer, document=plan, as_of=date(2019, 3, 21))


def test_a_publication_is_never_edited_and_withdrawn_once_with_a_reason(plan, office_reviewer):
    publication = services.publish_plan(user=office_reviewer, document=plan, as_of=TODAY)
    publication.note = "改一下"
    with pytest.raises(FrozenOnceError):
        publication.save()
    with pytest.raises(ServiceError, match="撤回原因"):
        services.withdraw_publication(user=office_reviewer, publication=publication, reason="  ")
    services.withdraw_publication(user=office_reviewer, publication=publication, reason="数据有误")
    with pytest.raises(ServiceError, match="已撤回"):
        services.withdraw_publication(user=office_reviewer, publication=publication, reason="再撤一次")


def test_the_public_reads_the_latest_live_publication(client, plan, office_reviewer):
    older = services.publish_plan(user=office_reviewer, document=plan, as_of=date(2019, 2, 28))
    newer = services.publish_plan(user=office_reviewer, document=plan, as_of=TODAY)
    assert "进展截至 2019-03-20" in client.get("/public/plan/").content.decode()
    services.withdraw_publication(user=office_reviewer, publication=newer, reason="有误")
    assert "进展截至 2019-02-28" in client.get("/public/plan/").content.decode()
    assert older.withdrawn is False


def test_a_published_interpretation_is_frozen(plan, office_reviewer):
    item = services.save_interpretation(
        user=office_reviewer, interpretation=None, title="解读", issuer="", text="正文", measures=[]
    )
    services.publish_item(user=office_reviewer, item=item)
    with pytest.raises(ServiceError, match="不能修改"):
        services.save_interpretation(
            user=office_reviewer, interpretation=item, title="改", issuer="", text="改", measures=[]
        )
    item = PolicyInterpretation.objects.get(pk=item.pk)
    item.text = "直接改"
    with pytest.raises(FrozenOnceError):
        item.save()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ServiceError, match="不能修改"):
        services.attach_file(
            user=office_reviewer, interpretation=item, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
        )
    services.withdraw_item(user=office_reviewer, item=item, reason="过时")
    assert PolicyInterpretation.objects.get(pk=item.pk).state == PublicState.WITHDRAWN


def test_an_attachment_disguised_as_a_pdf_is_refused(plan, office_reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = services.save_interpretation(
        user=office_reviewer, interpretation=None, title="解读", issuer="", text="正文", measures=[]
    )
    with pytest.raises(ServiceError, match="不是允许的类型"):
        services.attach_file(
            user=office_reviewer, interpretation=item, uploaded=SimpleUploadedFile("x.pdf", b"<html><script>")
        )


def test_good_practice_comes_only_from_approved_reports_marked_so(plan, periods, lead_reporter, office_reviewer):
    measure = plan.measures.get(number=2)
    plain = ledger.review_report(office_reviewer, report(lead_reporter, measure, periods[0]), "approved", "")
    with pytest.raises(ServiceError, match="列为典型经验"):
        services.start_good_practice(user=office_reviewer, review=plain)
    marked = ledger.review_report(
        office_reviewer, report(lead_reporter, measure, periods[1]), "approved", "好", good_practice=True
    )
    assert list(services.good_practice_candidates()) == [marked]
    item = services.start_good_practice(user=office_reviewer, review=marked)
    assert (item.unit_name, item.state) == ("市工商局", PublicState.DRAFT)
    assert list(services.good_practice_candidates()) == []
    with pytest.raises(ServiceError, match="已整理"):
        services.start_good_practice(user=office_reviewer, review=marked)
    assert GoodPractice.objects.count() == 1
