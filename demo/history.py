"""A demo history for 2019–2020, so the ledger's pages mean something on the first run.

Everything is written through the ledger's services, as the demo users of each unit would
write it, each step replayed at the moment it happened (core.clock.replaying): "on time" and "late" are
then real, measured against each period's due date like any other report. Every text starts
with 【演示数据】 and every demo user is named 演示数据 with an unusable password, so the
history can always be told apart from real records and nobody can log in as it.

Run by `manage.py seed_demo_history`, never from a migration, and refused in production:
an official ledger must not receive invented reports. The same seed gives the same history.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import OFFICE_REVIEWER, UNIT_LEADER, UNIT_REPORTER, Role
from accounts.services import ensure_role_groups
from core import clock
from core.db import REPLAYING, declared
from ledger import services
from ledger.models import (
    Contribution,
    Cycle,
    MilestoneClaim,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReviewDecision,
)
from ledger.periods import open_periods
from measures.models import AssignmentRole, Comparator, Measure, MeasureKind, Milestone, Recurrence, Target
from units.models import Unit

LABEL = "【演示数据】"
DEMO_NAME = "演示数据"
DEMO_PREFIX = "demo_"
OFFICE_USERNAME = "demo_office"
OFFICE_UNIT = "市营商办"
DEFAULT_SEED = 20190101
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2020, 12, 31)
EVIDENCE_BYTES = b"%PDF-1.4\n%demo\n"
DRAFTING = timedelta(hours=3)  # a draft is written this long before it is sent
OWN_UNIT_REASON = f"{LABEL}本单位牵头事项,经分管领导同意由审核员审核"

ON_TIME, RETURNED, MISSING, LATE = "on_time", "returned", "missing", "late"
# Outcomes are dealt from a shuffled deck of 100, so every hundred reports hold exactly this mix.
OUTCOME_DECK = (ON_TIME,) * 75 + (RETURNED,) * 10 + (MISSING,) * 8 + (LATE,) * 7
CONTRIBUTION_SHARE = 0.75  # of named co-units sending their share in a quarter's last month
CLAIM_WHEN_DUE, CLAIM_WHEN_OVERDUE = 0.8, 0.35
TARGET_MET_SHARE = 0.65
GOOD_PRACTICE_SHARE = 0.04

# Series the demo tells on purpose; other targets drift towards or short of their value at random.
SERIES = {"企业开办时间": (6.0, 4.5), "一般性企业开办的必备环节": (4.0, 3.0)}
COUNT_UNITS = {"个", "期", "人", "项", "家", "件", "次"}

ACTIVITIES = (
    "召开专题推进会,逐项梳理任务清单和时间节点",
    "对照任务分工开展自查,形成阶段性工作台账",
    "会同责任单位召开协调会,解决跨部门衔接问题",
    "组织窗口工作人员开展业务培训 {n} 场",
    "走访企业 {m} 家,收集意见建议 {n} 条并逐条回应",
    "修订完善配套工作细则,报市营商办备案",
    "对各区市县、开放先导区落实情况开展调度",
    "梳理企业反映集中的堵点问题 {n} 个,已解决 {k} 个",
    "通过政务网站和新闻媒体宣传改革举措",
)
FIRST_MONTH_ACTIVITY = "制定年度工作计划,细化分解任务并明确责任人"
LAST_MONTH_ACTIVITY = "完成全年工作总结,梳理形成年度工作报告"
BEHIND_REASONS = (
    "部分业务系统接口对接尚未完成",
    "配套政策仍在征求意见,出台时间较计划推迟",
    "跨部门数据共享进度不及预期",
    "部分区市县工作进度不平衡",
    "机构改革期间职能调整,部分工作衔接不够顺畅",
)
PROBLEMS = (
    "暂无突出问题",
    "基层窗口人员业务能力有待进一步提升",
    "部分企业对新政策知晓度不高",
    "信息化支撑能力有待加强",
    "部门间业务协同仍需加强",
)
NEXT_STEPS = (
    "继续按照时间节点推进各项任务,确保按期完成",
    "加强与责任单位的沟通协调,及时解决推进中遇到的问题",
    "开展阶段性评估,总结推广经验做法",
    "加大政策宣传力度,提高企业知晓度",
    "推动信息系统互联互通,提升网上办理水平",
)
CATCH_UP_STEP = "针对滞后事项制定整改清单,明确完成时限,力争尽快赶上进度"
RETURN_REASONS = (
    "工作进展表述较为笼统,请补充具体做法和量化成效后重新报送",
    "请补充指标实际值的数据来源和统计口径",
    "存在问题分析不够深入,请补充原因和整改措施",
    "下步计划缺少时间节点,请细化后重新报送",
)
APPROVALS = ("审核通过。", "同意。", "进展情况清楚,审核通过。", "请继续按计划推进。")
GOOD_PRACTICE_APPROVAL = "做法有特色、成效明显,审核通过并列为典型经验。"


class DemoRefused(Exception):
    """The demo history cannot be written here; the message says why."""


@dataclass
class PeriodTally:
    label: str
    reports: int = 0  # measures whose report was submitted for this period
    late: int = 0
    returned: int = 0
    missing: int = 0
    pending: int = 0  # submitted, not reviewed yet by the time the command runs
    contributions: int = 0
    skipped: int = 0  # a report not written by the demo already exists

    def line(self) -> str:
        text = (
            f"{self.label}:报告 {self.reports} 份(逾期 {self.late} 份),退回 {self.returned} 份,"
            f"缺报 {self.missing} 份,责任单位报送 {self.contributions} 份"
        )
        if self.pending:
            text += f",待审核 {self.pending} 份"
        if self.skipped:
            text += f",已有非演示报告跳过 {self.skipped} 份"
        return text


@dataclass
class DemoSummary:
    already_seeded: bool = False
    seed: int = DEFAULT_SEED
    users_created: int = 0
    periods: list[PeriodTally] = field(default_factory=list)
    evidence: int = 0
    claims: int = 0
    completed: int = 0
    good_practice: int = 0

    def total(self, name: str) -> int:
        return sum(getattr(tally, name) for tally in self.periods)


def demo_history_exists() -> bool:
    return ProgressReport.objects.filter(
        author__username__startswith=DEMO_PREFIX, author__first_name=DEMO_NAME
    ).exists()


def seed_demo_history(seed: int = DEFAULT_SEED, log: Callable[[str], None] | None = None) -> DemoSummary:
    """Write the 2019–2020 demo history once: refused in production, a no-op when demo users
    have written reports already, all or nothing otherwise. `log` receives one line per period."""
    if settings.DJANGO_ENV == "production":
        raise DemoRefused("生产环境不能写入演示数据:演示台账只用于开发和演示环境")
    # History written as it happened carries past times: said to the database, whose triggers
    # refuse them otherwise (core.db).
    with transaction.atomic(), declared(REPLAYING):
        if demo_history_exists():
            return DemoSummary(already_seeded=True, seed=seed)
        return _Seeder(seed, log or (lambda line: None)).run()


@dataclass
class _Series:
    """The values one report gives for a target, period by period."""

    target: Target  # the target the values are judged against: the latest due of the metric
    start: float
    end: float
    paces: dict[int, float]  # yearly targets: the share of the yearly value reached, per year

    def value(self, index: int, count: int, period: ReportingPeriod, noise: float) -> Decimal:
        if self.target.recurrence == Recurrence.YEARLY:
            raw = float(self.target.value) * self.paces[period.starts_on.year] * period.starts_on.month / 12
        else:
            share = index / max(count - 1, 1)
            # The wobble fades at both ends, so a series starts and ends where it is meant to.
            raw = self.start + (self.end - self.start) * (share + noise * 4 * share * (1 - share))
        if self.target.unit == "%":
            raw = min(raw, 100.0)
        places = 0 if self.target.unit in COUNT_UNITS else 1 if self.target.unit in ("%", "工作日") else 2
        return Decimal(str(round(max(raw, 0.0), places)))


@dataclass
class _MeasurePlan:
    measure: Measure
    lead_unit: Unit
    author: User
    co_units: list[Unit]
    series: dict[int, _Series]  # target id → series (targets of one metric share one)
    milestones: list[Milestone]  # those with a due date, which a report may claim done
    completable: bool  # every milestone is dated: claiming them all completes the measure
    claimed: set[int]
    behind: bool = False
    closed: bool = False
    leader: User | None = None


@dataclass
class _Slot:
    outcome: str
    submit_at: datetime
    review_at: datetime  # approval, or the return of a report sent back
    resubmit_at: datetime
    approve_at: datetime  # approval of the resubmitted version
    content: dict
    revision: str
    return_comment: str
    approval: str
    good_practice: bool
    values: list[services.TargetValue]
    claims: list[Milestone]


def _workday(day: date, step: int) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return day


class _Seeder:
    def __init__(self, seed: int, log: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.log = log
        self.now = clock.now()
        self.tz = timezone.get_default_timezone()
        self.groups = ensure_role_groups()
        self.users: dict[str, User] = {}
        self.deck: list[str] = []
        self.summary = DemoSummary(seed=seed)

    def run(self) -> DemoSummary:
        periods = open_periods(FIRST_DAY, LAST_DAY, Cycle.MONTHLY)
        office = Unit.objects.filter(name=OFFICE_UNIT).first()
        if office is None:
            raise DemoRefused(f"单位“{OFFICE_UNIT}”不存在,请先载入单位名录(load_units)")
        self.reviewer = self._user(OFFICE_USERNAME, office, OFFICE_REVIEWER)
        plans = self._plans()
        if not plans:
            raise DemoRefused("没有设定牵头单位的举措,请先导入政策文件(import_policy)")
        reported = set(ProgressReport.objects.filter(period__in=periods).values_list("measure_id", "period_id"))
        contributed = set(
            Contribution.objects.filter(period__in=periods).values_list("measure_id", "period_id", "unit_id")
        )
        for index, period in enumerate(periods):
            tally = PeriodTally(period.label)
            for plan in plans:
                if plan.closed:
                    continue  # completed and approved: the measure owes no more reports
                self._contribute(plan, period, tally, contributed)
                slot = self._draw(plan, period, index, len(periods))
                if (plan.measure.pk, period.pk) in reported:
                    tally.skipped += 1
                    continue
                self._report(plan, period, slot, tally)
            self.summary.periods.append(tally)
            self.log(tally.line())
        return self.summary

    # Who writes what.

    def _user(self, username: str, unit: Unit, role: Role) -> User:
        if username in self.users:
            return self.users[username]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, unit=unit, first_name=DEMO_NAME)
            user.set_unusable_password()
            user.save()
            user.groups.add(self.groups[role.code])
            self.summary.users_created += 1
        self.users[username] = user
        return user

    def _plans(self) -> list[_MeasurePlan]:
        measures = (
            Measure.objects.filter(
                kind=MeasureKind.MEASURE, assignments__role=AssignmentRole.LEAD, assignments__unit__isnull=False
            )
            .distinct()
            .select_related("section")
            .prefetch_related("assignments__unit", "targets", "milestones")
            .order_by("document", "position")
        )
        claimed = set(
            MilestoneClaim.objects.filter(report__review__decision=ReviewDecision.APPROVED).values_list(
                "milestone_id", flat=True
            )
        )
        plans = []
        for measure in measures:
            leads = [a.unit for a in measure.lead_assignments() if a.unit is not None]
            # The first lead unit the document names writes the consolidated report.
            lead = leads[0]
            lead_ids = {unit.pk for unit in leads}
            dated = [m for m in measure.milestones.all() if m.due_date is not None]
            plans.append(
                _MeasurePlan(
                    measure=measure,
                    lead_unit=lead,
                    author=self._user(f"{DEMO_PREFIX}{lead.pk}", lead, UNIT_REPORTER),
                    co_units=[
                        a.unit
                        for a in measure.responsible_assignments()
                        if a.unit is not None and a.unit_id not in lead_ids
                    ],
                    series=self._series(measure),
                    milestones=dated,
                    completable=measure.can_complete,
                    claimed={m.pk for m in dated if m.pk in claimed},
                )
            )
        return plans

    def _series(self, measure: Measure) -> dict[int, _Series]:
        by_metric: dict[tuple[str, str], list[Target]] = {}
        for target in measure.targets.all():
            by_metric.setdefault((target.metric, target.unit), []).append(target)
        series = {}
        for (metric, _unit), targets in by_metric.items():
            anchor = max(targets, key=lambda t: t.due_date or date.max)
            goal = float(anchor.value)
            met = self.rng.random() < TARGET_MET_SHARE
            if metric in SERIES:
                start, end = SERIES[metric]
            elif anchor.comparator == Comparator.AT_MOST:
                start = goal * self.rng.uniform(1.3, 1.8)
                end = goal * (self.rng.uniform(0.8, 0.95) if met else self.rng.uniform(1.1, 1.35))
            elif anchor.comparator == Comparator.AT_LEAST:
                start = goal * self.rng.uniform(0.55, 0.8)
                end = goal * (self.rng.uniform(1.03, 1.15) if met else self.rng.uniform(0.85, 0.97))
            else:
                start = goal * self.rng.uniform(0.4, 0.7)
                end = goal * (1.0 if met else self.rng.uniform(0.85, 0.95))
            paces = {year: self.rng.uniform(1.0, 1.12) if met else self.rng.uniform(0.8, 0.95) for year in (2019, 2020)}
            for target in targets:
                series[target.pk] = _Series(anchor, start, end, paces)
        return series

    # What happens in one period, drawn before anything is written so skips don't shift the rest.

    def _moment(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(9, 17), self.rng.randint(0, 59)), tzinfo=self.tz)

    def _later(self, moment: datetime, low: int, high: int) -> datetime:
        day = moment.astimezone(self.tz).date() + timedelta(days=self.rng.randint(low, high))
        return self._moment(_workday(day, 1))

    def _draw(self, plan: _MeasurePlan, period: ReportingPeriod, index: int, count: int) -> _Slot:
        rng = self.rng
        if not self.deck:
            self.deck = list(OUTCOME_DECK)
            rng.shuffle(self.deck)
        outcome = self.deck.pop()
        if outcome == LATE:
            submit_day = _workday(period.due_on + timedelta(days=rng.randint(1, 12)), 1)
        else:
            submit_day = _workday(period.due_on - timedelta(days=rng.randint(0, 6)), -1)
        submit_at = self._moment(submit_day)
        review_at = self._later(submit_at, 1, 4)
        resubmit_at = self._later(review_at, 1, 4)
        approve_at = self._later(resubmit_at, 1, 3)

        due = [m for m in plan.milestones if m.pk not in plan.claimed and m.due_date <= period.ends_on]
        chance = CLAIM_WHEN_DUE if any(m.due_date >= period.starts_on for m in due) else CLAIM_WHEN_OVERDUE
        claims = due if outcome != MISSING and rng.random() < chance else []
        completes = bool(
            claims and plan.completable and plan.claimed | {m.pk for m in claims} >= {m.pk for m in plan.milestones}
        )
        behind_roll = rng.random()
        if completes:
            status = ProgressStatus.COMPLETED
        elif claims or behind_roll >= (0.5 if plan.behind else 0.1):
            status = ProgressStatus.ON_TRACK
        else:
            status = ProgressStatus.BEHIND
        if outcome != MISSING:
            plan.behind = status == ProgressStatus.BEHIND

        noise = rng.uniform(-0.04, 0.04)
        values = [
            services.TargetValue(target_id, series.value(index, count, period, noise), period.ends_on)
            for target_id, series in plan.series.items()
        ]
        good_practice = status != ProgressStatus.BEHIND and rng.random() < GOOD_PRACTICE_SHARE
        return _Slot(
            outcome=outcome,
            submit_at=submit_at,
            review_at=review_at,
            resubmit_at=resubmit_at,
            approve_at=approve_at,
            content=self._content(plan, period, status, values, claims),
            revision=f"(根据审核意见补充:本月办结相关事项 {rng.randint(20, 400)} 件,"
            f"企业满意度 {rng.randint(92, 99)}%。)",
            return_comment=LABEL + rng.choice(RETURN_REASONS),
            approval=LABEL + (GOOD_PRACTICE_APPROVAL if good_practice else rng.choice(APPROVALS)),
            good_practice=good_practice,
            values=values,
            claims=claims,
        )

    def _activity(self, period: ReportingPeriod, seasonal: bool = True) -> str:
        if seasonal and period.starts_on.month == 1:
            return FIRST_MONTH_ACTIVITY
        if seasonal and period.starts_on.month == 12:
            return LAST_MONTH_ACTIVITY
        n = self.rng.randint(3, 30)
        return self.rng.choice(ACTIVITIES).format(n=n, k=self.rng.randint(1, n), m=self.rng.randint(5, 40))

    def _content(self, plan, period, status, values, claims) -> dict:
        rng = self.rng
        title, unit = plan.measure.title, plan.lead_unit.name
        if status == ProgressStatus.BEHIND:
            reason = rng.choice(BEHIND_REASONS)
            progress = f"{LABEL}本月“{title}”推进较计划滞后:{reason}。{unit}已{self._activity(period)}。"
            problems = f"{LABEL}{rng.choice(BEHIND_REASONS)}。"
            next_steps = f"{LABEL}下月将{CATCH_UP_STEP}。"
        else:
            first, second = self._activity(period), self._activity(period, seasonal=False)
            progress = f"{LABEL}本月围绕“{title}”,{unit}{first};{second}。"
            problems = f"{LABEL}{rng.choice(PROBLEMS)}。"
            next_steps = f"{LABEL}下月将{rng.choice(NEXT_STEPS)}。"
        if claims:
            done = "、".join(f"“{m.description[:30]}”" for m in claims)
            progress += f"已完成节点任务{done},佐证材料已上传。"
        if status == ProgressStatus.COMPLETED:
            progress += f"至此“{title}”各项任务均已完成。"
            next_steps = f"{LABEL}下步将巩固改革成果,建立长效机制,防止问题反弹。"
        progress += self._figures(plan, values)
        return {"status": status, "progress": progress, "problems": problems, "next_steps": next_steps}

    def _figures(self, plan: _MeasurePlan, values: list[services.TargetValue]) -> str:
        shown, parts = set(), []
        for value in values:
            series = plan.series[value.target_id]
            target = series.target
            if target.pk in shown:
                continue
            shown.add(target.pk)
            since = "今年以来" if target.recurrence == Recurrence.YEARLY else ""
            goal = f"{'年度' if since else ''}目标{target.get_comparator_display()}{target.value_display}{target.unit}"
            parts.append(f"{since}{target.metric} {format(value.value, 'f')}{target.unit}({goal})")
        return f"主要指标:{';'.join(parts)}。" if parts else ""

    # Writing, through the services, with the moment each step happened.

    def _report(self, plan: _MeasurePlan, period: ReportingPeriod, slot: _Slot, tally: PeriodTally) -> None:
        if slot.outcome == MISSING or slot.submit_at > self.now:
            tally.missing += 1
            return
        author, claim_ids = plan.author, [m.pk for m in slot.claims]
        with clock.replaying(slot.submit_at - DRAFTING):
            report = services.open_report(author, plan.measure, period)
            report = services.save_report_draft(
                author, report, report.lock_version, slot.content, slot.values, claim_ids
            )
            if slot.claims:
                name = f"{LABEL}佐证材料-举措{plan.measure.code}-{period.label}.pdf"
                services.attach_evidence(author, report, SimpleUploadedFile(name, EVIDENCE_BYTES, "application/pdf"))
                self.summary.evidence += 1
                self.summary.claims += len(claim_ids)
        report = self._submit(plan, report, slot.submit_at)
        tally.reports += 1
        tally.late += slot.outcome == LATE
        decided_at = slot.review_at
        if slot.outcome == RETURNED and slot.review_at <= self.now:
            with clock.replaying(slot.review_at):
                self._review(report, ReviewDecision.RETURNED, slot.return_comment)
            tally.returned += 1
            if slot.resubmit_at > self.now:
                return
            revised = {**slot.content, "progress": slot.content["progress"] + slot.revision}
            with clock.replaying(slot.resubmit_at - DRAFTING):
                report = services.open_report(author, plan.measure, period)
                report = services.save_report_draft(
                    author, report, report.lock_version, revised, slot.values, claim_ids
                )
            report = self._submit(plan, report, slot.resubmit_at)
            decided_at = slot.approve_at
        if decided_at > self.now:
            tally.pending += 1
            return
        with clock.replaying(decided_at):
            self._review(report, ReviewDecision.APPROVED, slot.approval, slot.good_practice)
        self.summary.good_practice += slot.good_practice
        plan.claimed |= set(claim_ids)
        if report.status == ProgressStatus.COMPLETED:
            plan.closed = True
            self.summary.completed += 1

    def _review(self, report, decision, comment, good_practice=False):
        # The office's own measures (22) are reviewed with the stated reason the rules ask for.
        reason = OWN_UNIT_REASON if report.unit_id == self.reviewer.unit_id else ""
        services.review_report(self.reviewer, report, decision, comment, good_practice, own_unit_reason=reason)

    def _submit(self, plan: _MeasurePlan, report: ProgressReport, when: datetime) -> ProgressReport:
        if not settings.REQUIRE_LEADER_SIGNOFF:
            with clock.replaying(when):
                return services.submit_report(plan.author, report, report.lock_version)
        # The reporter asks for sign-off in the morning; the unit's demo leader sends it on.
        with clock.replaying(when - timedelta(hours=2)):
            report = services.submit_report(plan.author, report, report.lock_version)
        if plan.leader is None:
            plan.leader = self._user(f"{DEMO_PREFIX}{plan.lead_unit.pk}_leader", plan.lead_unit, UNIT_LEADER)
        with clock.replaying(when):
            return services.submit_report(plan.leader, report, report.lock_version)

    def _contribute(self, plan: _MeasurePlan, period: ReportingPeriod, tally: PeriodTally, contributed) -> None:
        """Named co-units send their share in the last month of each quarter, before the lead unit writes."""
        if period.starts_on.month % 3:
            return
        for unit in plan.co_units:
            sends = self.rng.random() < CONTRIBUTION_SHARE
            when = self._moment(_workday(period.due_on - timedelta(days=self.rng.randint(3, 9)), -1))
            content = {
                "status": ProgressStatus.ON_TRACK,
                "progress": f"{LABEL}{unit.name}配合牵头单位推进“{plan.measure.title}”,{self._activity(period)}。",
                "problems": f"{LABEL}{self.rng.choice(PROBLEMS)}。",
                "next_steps": f"{LABEL}下步将{self.rng.choice(NEXT_STEPS)}。",
            }
            if not sends or when > self.now or (plan.measure.pk, period.pk, unit.pk) in contributed:
                continue
            user = self._user(f"{DEMO_PREFIX}{unit.pk}", unit, UNIT_REPORTER)
            with clock.replaying(when - DRAFTING):
                contribution = services.open_contribution(user, plan.measure, period)
                contribution = services.save_contribution(user, contribution, contribution.lock_version, content)
            with clock.replaying(when):
                services.submit_contribution(user, contribution, contribution.lock_version)
            tally.contributions += 1
