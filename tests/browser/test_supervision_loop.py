"""The supervision loop in a real browser (issue 11, "Done when"): the supervisor records an
inspection with two findings; the unit plans, reports with evidence and applies to close one;
the supervisor closes it and returns the other; the other's deadline passes and the digest lists
it under 整改超期; the office records an interview for a 末位约谈 unit with a commitment; the
bulletin PDF lists both findings and the interview."""

import re
from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from deadlines import services as deadline_services
from ledger.periods import open_periods
from supervision import services
from supervision.models import Finding, FindingState

from .test_office_dashboards import report_on_time

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROBLEM_A = "企业开办窗口仍要求重复提交营业执照复印件"
PROBLEM_B = "网上登记系统未与税务系统实现数据共享"


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r".*/accounts/login/"))


def test_inspection_rectification_closure_return_digest_interview_and_bulletin(
    logged_in, page, live_server, lead_reporter, office_reviewer, supervisor, measure, plan
):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.set_default_timeout(20_000)
    supervisor.email = "duchashi@example.com"
    supervisor.save()
    with time_machine.travel("2019-07-10 09:00 +08:00", tick=True):
        periods = open_periods(date(2019, 1, 1), date(2019, 6, 30))
        report_on_time(lead_reporter, office_reviewer, measure, periods)

        # The supervisor records an inspection and its two findings.
        logged_in("supervisor")
        page.get_by_role("link", name="督查整改").click()
        page.get_by_role("link", name="专项督查").click()
        expect(page.get_by_text("暂无专项督查记录")).to_be_visible()
        page.get_by_label("督查主题").fill("企业开办便利化专项督查")
        page.get_by_label("开始日期").fill("2019-07-01")
        page.get_by_label("结束日期").fill("2019-07-05")
        page.get_by_label("督查人员").fill("市委督查室 王某、李某")
        page.get_by_role("button", name="记录专项督查").click()
        expect(page.get_by_text("已记录专项督查")).to_be_visible()
        for problem, deadline in [(PROBLEM_A, None), (PROBLEM_B, "2019-07-31")]:
            page.get_by_role("link", name="添加问题").click()
            page.get_by_label("责任单位").select_option(label="市工商局")
            page.get_by_label("问题描述").fill(problem)
            page.get_by_label("严重程度").select_option(label="较重")
            if deadline:
                page.get_by_label("整改时限(日期)").fill(deadline)
                page.get_by_label("或:整改期限(工作日)").fill("")
            page.get_by_role("button", name="挂账").click()
            expect(page.get_by_text("已挂账:市工商局")).to_be_visible()
        expect(page.locator("[data-findings] tbody tr")).to_have_count(2)
        finding_a = Finding.objects.get(problem=PROBLEM_A)
        finding_b = Finding.objects.get(problem=PROBLEM_B)
        assert finding_a.deadline == date(2019, 8, 7)  # 20 working days
        logout(page)

        # The unit plans, reports with evidence and applies to close finding A.
        logged_in("lead_reporter")
        page.get_by_role("link", name="督查整改").click()
        page.get_by_role("link", name=PROBLEM_A).click()
        plan_form = page.locator('[data-action="提交整改方案"]')
        plan_form.get_by_label("整改措施").fill("取消复印件要求,改为系统核验")
        plan_form.get_by_label("责任人").fill("注册分局 张科长")
        plan_form.get_by_label("完成时限").fill("2019-07-20")
        plan_form.get_by_role("button", name="提交整改方案").click()
        expect(page.get_by_text("当前状态:整改中")).to_be_visible()
        progress = page.locator('[data-action="报告整改进展"]')
        progress.get_by_label("整改进展").fill("已发文取消复印件要求")
        progress.locator('input[type="file"]').set_input_files(
            {"name": "通知.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 notice"}
        )
        progress.get_by_role("button", name="报告整改进展").click()
        expect(page.get_by_role("link", name="通知.pdf")).to_be_visible()
        apply = page.locator('[data-action="申请销号"]')
        apply.get_by_label("整改完成情况").fill("整改完成,请予销号")
        apply.get_by_role("button", name="申请销号").click()
        expect(page.locator("[data-state]").first).to_have_text("已申请销号")
        logout(page)
        for kind, text in [("plan", "打通接口"), ("progress", "接口联调中"), ("apply_close", "申请销号")]:
            extra = {"owner": "信息中心", "due": date(2019, 7, 25)} if kind == "plan" else {}
            services.take_step(user=lead_reporter, finding=finding_b, kind=kind, data=services.StepInput(text, **extra))

        # The supervisor closes A (after confirming) and returns B.
        logged_in("supervisor")
        page.goto(f"{live_server.url}/supervision/findings/{finding_a.pk}/")
        close = page.locator('[data-action="销号"]')
        close.get_by_label("销号意见").fill("经核查整改到位")
        close.get_by_role("button", name="销号").click()
        expect(page.get_by_role("heading", name="确认销号")).to_be_visible()
        page.get_by_role("button", name="确认销号").click()
        expect(page.get_by_text("当前状态:已销号")).to_be_visible()
        page.goto(f"{live_server.url}/supervision/findings/{finding_b.pk}/")
        back = page.locator('[data-action="退回整改"]')
        back.get_by_label("退回意见").fill("数据共享尚未上线,请继续整改")
        back.get_by_role("button", name="退回整改").click()
        expect(page.get_by_text("当前状态:整改中")).to_be_visible()
        logout(page)
        finding_a.refresh_from_db()
        finding_b.refresh_from_db()
        assert (finding_a.state, finding_b.state) == (FindingState.CLOSED, FindingState.RECTIFYING)

        # The office records an interview for a unit the ranking marks 末位约谈, with a commitment.
        logged_in("office_reviewer")
        page.get_by_role("link", name="看板").click()
        page.get_by_role("link", name="综合排名").click()
        marked = page.locator('[data-unit="市规划局"]')
        expect(marked).to_contain_text("末位约谈")
        marked.get_by_role("link", name="记录约谈").click()
        expect(page.get_by_label("被约谈单位")).to_have_value(re.compile(r"\d+"))
        expect(page.get_by_label("约谈事由")).to_have_value(re.compile("综合排名列入末位约谈"))
        page.get_by_label("被约谈人").fill("刘某")
        page.get_by_label("职务").fill("副局长")
        page.get_by_label("承诺事项").fill("一个月内补齐节点进度")
        page.get_by_label("承诺时限").fill("2019-08-10")
        page.get_by_role("button", name="保存约谈记录").click()
        expect(page.get_by_text("已记录约谈:市规划局 刘某")).to_be_visible()
        expect(page.locator("[data-commitments]")).to_contain_text("一个月内补齐节点进度")

        # The bulletin PDF lists both findings and the interview.
        page.get_by_role("link", name="看板").click()
        page.get_by_role("link", name="综合排名").click()
        page.get_by_role("link", name="发布并冻结本期排名").click()
        page.get_by_role("button", name="确认发布并冻结").click()
        with page.expect_download() as pdf_download:
            page.get_by_role("link", name="下载通报 PDF").click()
        text = "".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages).replace("\n", "")
        assert "督查整改与约谈" in text
        assert PROBLEM_A in text and PROBLEM_B in text
        assert "新挂账督查问题 2 项,销号 1 项;约谈 1 次" in text
        assert "约谈市规划局副局长刘某" in text and "一个月内补齐节点进度" in text

    # B's deadline passes: the digest lists it under 整改超期, and A (closed) not at all.
    with time_machine.travel("2019-08-01 08:00 +08:00", tick=False):
        [digest] = deadline_services.prepare_digests(date(2019, 8, 1), dry_run=True).planned
    assert "整改超期 1 项" in digest.subject
    assert f"市工商局:督查问题:{PROBLEM_B},时限 2019-07-31,已超期 1 天" in digest.body_text
    assert PROBLEM_A not in digest.body_text
