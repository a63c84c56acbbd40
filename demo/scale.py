"""A synthetic province-scale dataset, for benchmarks of the dashboards and the daily scan.

`generate_scale_data` builds, by default, 100 documents of 30 measures each (a section, one to
three lead units and two to four responsible units out of 300 synthetic units, three to five
milestones of mixed kinds due across five years, up to two targets), five years of monthly
periods and the lead units' consolidated reports: about nine in ten (measure, period) pairs
reported, one report in ten returned and resubmitted, every version reviewed unless it came in
just before the cut-off, target values each quarter, milestone claims. Then the daily scan runs
on the cut-off day and creates the report obligations and the stored statuses: about 1.3 million
ledger rows in all, most of them obligations.

Rows go in with `bulk_create`, on purpose: this is benchmark data, not edits, so it has no
audit-log entries (the audit log is written by model signals, which bulk writes skip). The
ledger's append-only rules still hold: a version with children (target values, claims) is
inserted as a draft, its children next, and then one UPDATE stores `submitted_at` — the order
the PostgreSQL triggers allow (migration ledger 0002).

Refused in production and on any database but PostgreSQL named bench… (or SQLite, when asked,
for test-sized datasets): the scan and the dashboards cover every row there is, so the dataset
needs a database of its own. The same options and seed give the same dataset.
"""

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import OFFICE_REVIEWER, UNIT_REPORTER
from accounts.services import ensure_role_groups
from core.db import FLUSHING, REPLAYING, declared
from deadlines.models import MilestoneStatus, ReportObligation, StatusEvent
from deadlines.scan import ScanReport, scan_deadlines
from ledger.models import (
    Contribution,
    Cycle,
    MilestoneClaim,
    PendingResubmission,
    PendingReview,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportReview,
    ReviewDecision,
    TargetActual,
)
from ledger.periods import open_periods
from measures.models import (
    Assignment,
    AssignmentRole,
    Comparator,
    Measure,
    Milestone,
    MilestoneKind,
    PolicyDocument,
    Section,
    Target,
)
from units.models import Unit, UnitKind

DRAFTING = timedelta(hours=3)
SOURCE = "generate_scale_data"  # PolicyDocument.source of every dataset document, followed by its options
UNIT_PREFIX = "规模测试单位"
USER_PREFIX = "scale_"
OFFICE_USERNAME = "scale_office"
LABEL = "【规模测试】"
FIRST_YEAR = 2020  # inside the years the holiday calendar knows, so working days are real
DEFAULT_SEED = 20200101
BATCH_SIZE = 2000
# SQLite is for tests: at most this many (measure, period) pairs.
SQLITE_MAX_SLOTS = 20_000
STATEMENT_TIMEOUT = "300s"  # no single statement may hang a run on PostgreSQL

REPORTED_SHARE = 0.9
LATE_SHARE = 0.12
RETURNED_SHARE = 0.1
GOOD_PRACTICE_SHARE = 0.03
CLAIM_WHEN_DUE, CLAIM_WHEN_OVERDUE = 0.8, 0.3
TARGET_MET_SHARE = 0.65
# Milestone kinds, weighted: most have a due date, some run on.
MILESTONE_KINDS = [MilestoneKind.DATED] * 9 + [MilestoneKind.PHASE] * 4 + [MilestoneKind.ONGOING] * 3
MILESTONE_KINDS += [MilestoneKind.YEARLY] * 2 + [MilestoneKind.PER_SCHEDULE] * 2
UNIT_KINDS = [UnitKind.GOVERNMENT] * 6 + [UnitKind.PARTY, UnitKind.DISTRICT, UnitKind.CENTRAL_BRANCH, UnitKind.OTHER]
SECTION_NUMERALS = "一二三四五六"
# metric, unit, comparator, goal, decimal places of reported values
METRICS = (
    ("企业开办时间", "工作日", Comparator.AT_MOST, 3, 1),
    ("不动产登记时间", "工作日", Comparator.AT_MOST, 5, 1),
    ("工程建设项目审批时间", "工作日", Comparator.AT_MOST, 90, 0),
    ("政务服务事项网上可办率", "%", Comparator.AT_LEAST, 90, 1),
    ("新增市场主体", "家", Comparator.AT_LEAST, 5000, 0),
    ("压减审批事项", "项", Comparator.AT_LEAST, 50, 0),
    ("企业满意度", "%", Comparator.ABOUT, 95, 1),
    ("一窗受理事项占比", "%", Comparator.EQUAL, 100, 1),
)
ACTIVITIES = (
    "召开专题推进会,逐项梳理任务清单和时间节点",
    "会同责任单位召开协调会,解决跨部门衔接问题",
    "走访企业,收集意见建议并逐条回应",
    "修订完善配套工作细则,报市营商办备案",
    "对各地落实情况开展调度和督导",
)
PROBLEMS = ("暂无突出问题", "部门间业务协同仍需加强", "信息化支撑能力有待提升", "部分地区进度不平衡")
NEXT_STEPS = ("继续按照时间节点推进各项任务", "加强与责任单位的沟通协调", "开展阶段性评估,总结推广经验做法")
RETURN_COMMENT = "工作进展表述较为笼统,请补充具体做法和量化成效后重新报送"
REVISION = "(根据审核意见补充了具体做法和量化成效)"


class ScaleRefused(Exception):
    """The dataset cannot be built here; the message says why."""


@dataclass(frozen=True)
class ScaleOptions:
    documents: int = 100
    measures: int = 30
    units: int = 300
    years: int = 5
    seed: int = DEFAULT_SEED

    @property
    def signature(self) -> str:
        """Stored as each document's source: a rerun knows whether the dataset there is this one."""
        return f"{SOURCE} d={self.documents} m={self.measures} u={self.units} y={self.years} seed={self.seed}"

    @property
    def first_day(self) -> date:
        return date(FIRST_YEAR, 1, 1)

    @property
    def last_day(self) -> date:
        return date(FIRST_YEAR + self.years - 1, 12, 31)

    @property
    def slots(self) -> int:
        return self.documents * self.measures * self.years * 12


@dataclass
class ScaleSummary:
    options: ScaleOptions
    already_present: bool = False
    cut_off: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    scan: ScanReport | None = None


def check_database(options: ScaleOptions, allow_sqlite: bool = False) -> None:
    """Refuse production, and any database but one of its own: PostgreSQL named bench…, or
    SQLite when `allow_sqlite` is given, for test-sized datasets."""
    if settings.DJANGO_ENV == "production":
        raise ScaleRefused("生产环境不能生成规模测试数据:合成台账只能写入基准测试专用数据库")
    if settings.REPORTING_CYCLE != Cycle.MONTHLY:
        raise ScaleRefused(f"规模测试数据按月报生成,而 REPORTING_CYCLE 为 {settings.REPORTING_CYCLE}")
    name = str(connection.settings_dict.get("NAME", ""))
    if connection.vendor == "postgresql":
        if not name.startswith("bench"):
            raise ScaleRefused(f"只能写入名称以 bench 开头的专用数据库(如 bench_scale),当前数据库为 {name!r}")
    elif connection.vendor == "sqlite":
        if not allow_sqlite:
            raise ScaleRefused("SQLite 仅用于测试:请加 --allow-sqlite,或使用名为 bench… 的 PostgreSQL 数据库")
        if options.slots > SQLITE_MAX_SLOTS:
            raise ScaleRefused(
                f"SQLite 上最多生成 {SQLITE_MAX_SLOTS} 个(举措, 周期)组合,所选规模为 {options.slots} 个;"
                "请改用 PostgreSQL"
            )
    else:
        raise ScaleRefused(f"不支持的数据库:{connection.vendor}")
    if options.documents < 1 or options.measures < 1 or options.years < 1:
        raise ScaleRefused("--documents、--measures、--years 须为正整数")
    if options.units < 7:
        raise ScaleRefused("--units 至少为 7:一项举措最多有 3 个牵头单位和 4 个责任单位")
    if options.measures > 32767:
        raise ScaleRefused("--measures 至多为 32767(举措编号的上限)")


def generate_scale_data(
    options: ScaleOptions,
    *,
    fresh: bool = False,
    allow_sqlite: bool = False,
    log: Callable[[str], None] | None = None,
) -> ScaleSummary:
    """Build the dataset once, all or nothing, then run the scan on the cut-off day. A rerun
    with the same options changes nothing; one with other options is refused unless `fresh`,
    which deletes the dataset first."""
    log = log or (lambda line: None)
    check_database(options, allow_sqlite)
    summary = ScaleSummary(options)
    started = time.perf_counter()
    # Synthetic history with past times, and --fresh empties the ledger: both declared to the
    # database, whose triggers refuse them otherwise (core.db).
    with transaction.atomic(), declared(REPLAYING), declared(FLUSHING):
        _limit_statements()
        others = PolicyDocument.objects.exclude(source__startswith=SOURCE).count()
        if others:
            raise ScaleRefused(
                f"数据库中还有 {others} 份其他政策文件;扫描和看板会覆盖全部数据,请使用只放规模测试数据的专用数据库"
            )
        existing = set(PolicyDocument.objects.order_by().values_list("source", flat=True).distinct())
        count = PolicyDocument.objects.count()
        if existing and not fresh:
            if existing == {options.signature} and count == options.documents:
                summary.already_present = True
                summary.counts = count_rows()
                return summary
            raise ScaleRefused(f"数据库中已有按其他参数生成的数据({', '.join(sorted(existing))});请加 --fresh 重建")
        if existing:
            _delete_dataset()
            summary.timings["delete"] = time.perf_counter() - started
            log(f"已删除原有规模测试数据({summary.timings['delete']:.1f} 秒)")
        builder = _Builder(options, log, started)
        builder.build_plan()
        summary.timings["plan"] = time.perf_counter() - started
        builder.build_ledger()
        summary.timings["ledger"] = time.perf_counter() - started
        summary.cut_off = builder.cut_off
        log(f"扫描截至 {builder.cut_off:%Y-%m-%d} 的节点和报送义务 …")
        summary.scan = scan_deadlines(builder.cut_off)
        summary.timings["scan"] = time.perf_counter() - started
        summary.counts = count_rows()
    summary.timings["total"] = time.perf_counter() - started
    return summary


def count_rows() -> dict[str, int]:
    models = {
        "units": Unit.objects.filter(name__startswith=UNIT_PREFIX),
        "documents": PolicyDocument.objects.all(),
        "measures": Measure.objects.all(),
        "assignments": Assignment.objects.all(),
        "milestones": Milestone.objects.all(),
        "targets": Target.objects.all(),
        "periods": ReportingPeriod.objects.all(),
        "reports": ProgressReport.objects.all(),
        "resubmitted": ProgressReport.objects.filter(version__gt=1),
        "reviews": ReportReview.objects.all(),
        "actuals": TargetActual.objects.all(),
        "claims": MilestoneClaim.objects.all(),
        "obligations": ReportObligation.objects.all(),
        "milestone_statuses": MilestoneStatus.objects.all(),
        "status_events": StatusEvent.objects.all(),
    }
    return {name: queryset.count() for name, queryset in models.items()}


def ledger_rows(counts: dict[str, int]) -> int:
    """Reports, reviews, target values, claims and obligations: the rows the dashboards read."""
    return sum(counts[name] for name in ("reports", "reviews", "actuals", "claims", "obligations"))


def _limit_statements() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _delete_dataset() -> None:
    """Remove the dataset with plain SQL: no signals, so no audit entry per deleted row.

    The ledger and status tables, and any table pointing at them (a ranking snapshot of a
    period …), are emptied whole — the database holds nothing but the dataset (checked before).
    On PostgreSQL that takes TRUNCATE: the append-only triggers refuse to DELETE submitted rows,
    as they should for real data; TRUNCATE is refused too unless declared (core.db.FLUSHING),
    which generate_scale_data does."""
    ledger = _with_dependents(
        [StatusEvent, MilestoneStatus, ReportObligation, ProgressReport, Contribution, ReportingPeriod]
    )
    documents = f"SELECT id FROM {_table(PolicyDocument)} WHERE source LIKE %s"
    measures = f"SELECT id FROM {_table(Measure)} WHERE document_id IN ({documents})"
    users = f"SELECT id FROM {_table(User)} WHERE username LIKE %s"
    like_source, like_user, like_unit = f"{SOURCE}%", f"{USER_PREFIX}%", f"{UNIT_PREFIX}%"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(ledger))
        else:
            for table in ledger:
                cursor.execute(f"DELETE FROM {table}")
        for model in (Milestone, Target, Assignment):
            cursor.execute(f"DELETE FROM {_table(model)} WHERE measure_id IN ({measures})", [like_source])
        for model in (Measure, Section):
            cursor.execute(f"DELETE FROM {_table(model)} WHERE document_id IN ({documents})", [like_source])
        cursor.execute(f"DELETE FROM {_table(PolicyDocument)} WHERE source LIKE %s", [like_source])
        cursor.execute(f"DELETE FROM {_table(User.groups.through)} WHERE user_id IN ({users})", [like_user])
        cursor.execute(f"DELETE FROM {_table(User)} WHERE username LIKE %s", [like_user])
        cursor.execute(f"DELETE FROM {_table(Unit)} WHERE name LIKE %s", [like_unit])


def _with_dependents(models: list) -> list[str]:
    """The tables of `models` and of every model whose rows point at theirs, at any depth."""
    tables, queue, seen = [], list(models), set()
    while queue:
        model = queue.pop(0)._meta.concrete_model
        if model in seen:
            continue
        seen.add(model)
        tables.append(_table(model))
        queue += [rel.through if rel.many_to_many else rel.related_model for rel in model._meta.related_objects]
        queue += [m2m.remote_field.through for m2m in model._meta.local_many_to_many]
    return tables


@dataclass
class _Series:
    target_id: int
    start: float
    end: float
    places: int

    def value(self, share: float, noise: float) -> Decimal:
        raw = self.start + (self.end - self.start) * share + noise * abs(self.end - self.start)
        return Decimal(str(round(max(raw, 0.0), self.places)))


@dataclass
class _PlanMeasure:
    pk: int
    lead_unit_id: int
    dated: list[tuple[int, date]]  # (milestone id, due date): what a report may claim done
    series: list[_Series]
    claimed: set[int] = field(default_factory=set)
    behind: bool = False


@dataclass
class _Version:
    """One report version to write, with its children and the review it gets (if any)."""

    report: ProgressReport
    submitted_at: datetime
    actuals: list[tuple[int, Decimal, date]]
    claims: list[int]
    review: ReportReview | None = None


class _Builder:
    def __init__(self, options: ScaleOptions, log: Callable[[str], None], started: float):
        self.options = options
        self.rng = random.Random(options.seed)
        self.log = log
        self.started = started
        self.tz = timezone.get_default_timezone()
        self.plan: list[_PlanMeasure] = []
        self.authors: dict[int, int] = {}  # unit id → reporter user id

    def elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:.1f} 秒"

    # The plan: units, users, documents with sections, measures, assignments, milestones, targets.

    def build_plan(self) -> None:
        rng, options = self.rng, self.options
        units = Unit.objects.bulk_create(
            [
                Unit(name=f"{UNIT_PREFIX}{n:04d}", kind=rng.choice(UNIT_KINDS), notes=LABEL)
                for n in range(1, options.units + 1)
            ],
            batch_size=BATCH_SIZE,
        )
        self._users(units)
        self.log(f"单位 {len(units)} 个,用户 {len(self.authors) + 1} 个({self.elapsed()})")
        totals = {"measures": 0, "milestones": 0, "targets": 0, "assignments": 0}
        step = max(1, options.documents // 10)
        for index in range(1, options.documents + 1):
            counts = self._document(index, units)
            for name, value in counts.items():
                totals[name] += value
            if index % step == 0 or index == options.documents:
                self.log(
                    f"文件 {index}/{options.documents}:举措 {totals['measures']} 项,分工 {totals['assignments']} 条,"
                    f"节点 {totals['milestones']} 个,指标 {totals['targets']} 个({self.elapsed()})"
                )

    def _users(self, units: list[Unit]) -> None:
        """One reporter per unit writes its reports; one office reviewer reviews them all.
        Nobody can log in as them: their password is unusable."""
        groups = ensure_role_groups()
        password = make_password(None)
        users = User.objects.bulk_create(
            [
                User(username=f"{USER_PREFIX}u{unit.pk}", unit=unit, first_name=LABEL, password=password)
                for unit in units
            ]
            + [User(username=OFFICE_USERNAME, first_name=LABEL, password=password)],
            batch_size=BATCH_SIZE,
        )
        *reporters, self.reviewer = users
        self.authors = {user.unit_id: user.pk for user in reporters}
        through = User.groups.through
        reporter_group, office_group = groups[UNIT_REPORTER.code], groups[OFFICE_REVIEWER.code]
        through.objects.bulk_create(
            [through(user_id=user.pk, group_id=reporter_group.pk) for user in reporters]
            + [through(user_id=self.reviewer.pk, group_id=office_group.pk)],
            batch_size=BATCH_SIZE,
        )

    def _document(self, index: int, units: list[Unit]) -> dict[str, int]:
        rng, options = self.rng, self.options
        (document,) = PolicyDocument.objects.bulk_create(
            [
                PolicyDocument(
                    title=f"规模测试文件 {index:03d}",
                    source=options.signature,
                    # Distinct dates: the latest document is the one the dashboards show.
                    published_on=date(FIRST_YEAR - 1, 1, 1) + timedelta(days=index),
                    full_text=f"{LABEL}合成数据,不是政策原文。",
                    source_sha256=hashlib.sha256(f"{options.signature} {index}".encode()).hexdigest(),
                )
            ]
        )
        numerals = SECTION_NUMERALS[: min(len(SECTION_NUMERALS), options.measures)]
        sections = Section.objects.bulk_create(
            [
                Section(
                    document=document,
                    numeral=numeral,
                    position=position,
                    title=f"规模测试章节{numeral}",
                    part="measures",
                )
                for position, numeral in enumerate(numerals, start=1)
            ]
        )
        measures = Measure.objects.bulk_create(
            [
                Measure(
                    document=document,
                    section=sections[(number - 1) * len(sections) // options.measures],
                    kind="measure",
                    number=number,
                    position=number,
                    title=f"规模测试举措 {index}-{number}",
                    body=f"{LABEL}第 {index} 份文件的第 {number} 项举措。",
                    deadline_text=f"{FIRST_YEAR}年至{FIRST_YEAR + options.years - 1}年",
                )
                for number in range(1, options.measures + 1)
            ],
            batch_size=BATCH_SIZE,
        )
        assignments, milestones, targets, leads = [], [], [], []
        span = (options.last_day - options.first_day).days + 1
        for measure in measures:
            lead_count = rng.randint(1, 3)
            chosen = rng.sample(units, lead_count + rng.randint(2, 4))
            leads.append(chosen[0])
            for position, unit in enumerate(chosen, start=1):
                role = AssignmentRole.LEAD if position <= lead_count else AssignmentRole.RESPONSIBLE
                assignments.append(
                    Assignment(measure=measure, role=role, unit=unit, written_name=unit.name, position=position)
                )
            for position in range(1, rng.randint(3, 5) + 1):
                kind = rng.choice(MILESTONE_KINDS)
                dated = kind in (MilestoneKind.DATED, MilestoneKind.PHASE)
                milestones.append(
                    Milestone(
                        measure=measure,
                        position=position,
                        kind=kind,
                        due_date=options.first_day + timedelta(days=rng.randrange(span)) if dated else None,
                        description=f"规模测试节点 {index}-{measure.number}-{position}",
                        source="deadline_line" if dated else "body",
                        source_text=f"{LABEL}节点原文",
                    )
                )
            for position in range(1, rng.choice((0, 0, 1, 1, 1, 2)) + 1):
                metric, unit, comparator, goal, _places = rng.choice(METRICS)
                yearly = rng.random() < 0.3
                targets.append(
                    Target(
                        measure=measure,
                        position=position,
                        metric=metric,
                        comparator=comparator,
                        value=Decimal(goal),
                        unit=unit,
                        due_date=None if yearly else options.first_day + timedelta(days=rng.randrange(span)),
                        recurrence="yearly" if yearly else "",
                        source_text=f"{LABEL}{metric}{comparator.label}{goal}{unit}",
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH_SIZE)
        Target.objects.bulk_create(targets, batch_size=BATCH_SIZE)
        for measure, lead in zip(measures, leads, strict=True):
            dated = sorted(
                ((m.pk, m.due_date) for m in milestones if m.measure_id == measure.pk and m.due_date),
                key=lambda item: item[1],
            )
            series = [self._series(t) for t in targets if t.measure_id == measure.pk]
            self.plan.append(_PlanMeasure(measure.pk, lead.pk, dated, series))
        return {
            "measures": len(measures),
            "assignments": len(assignments),
            "milestones": len(milestones),
            "targets": len(targets),
        }

    def _series(self, target: Target) -> _Series:
        rng = self.rng
        goal = float(target.value)
        places = next(p for metric, _u, _c, _g, p in METRICS if metric == target.metric)
        met = rng.random() < TARGET_MET_SHARE
        if target.comparator == Comparator.AT_MOST:
            start, end = goal * rng.uniform(1.3, 1.8), goal * (rng.uniform(0.8, 0.95) if met else rng.uniform(1.1, 1.3))
        elif target.comparator == Comparator.AT_LEAST:
            start, end = (
                goal * rng.uniform(0.55, 0.8),
                goal * (rng.uniform(1.02, 1.1) if met else rng.uniform(0.85, 0.97)),
            )
        else:
            start, end = goal * rng.uniform(0.5, 0.8), goal * (1.0 if met else rng.uniform(0.8, 0.9))
        return _Series(target.pk, start, end, places)

    # The ledger: a year at a time, first versions then resubmissions.

    def build_ledger(self) -> None:
        options = self.options
        periods = open_periods(options.first_day, options.last_day, Cycle.MONTHLY)
        # The day the data stops: after the last period's due date, so late and unreviewed reports exist.
        self.cut_off = periods[-1].due_on + timedelta(days=15)
        self.cut_off_at = timezone.make_aware(datetime.combine(self.cut_off + timedelta(days=1), clock.min))
        self.log(f"填报周期 {len(periods)} 个({periods[0]} 至 {periods[-1]}),数据截至 {self.cut_off:%Y-%m-%d}")
        for year in range(FIRST_YEAR, FIRST_YEAR + options.years):
            year_periods = [p for p in periods if p.starts_on.year == year]
            firsts, seconds, unanswered = [], [], []
            for period in year_periods:
                index = periods.index(period)
                for plan in self.plan:
                    first, second = self._slot(plan, period, index, len(periods))
                    if first:
                        firsts.append(first)
                    if second:
                        seconds.append(second)
                    elif first and first.review is not None and first.review.decision == ReviewDecision.RETURNED:
                        unanswered.append(first)
            # Resubmissions point at the first versions, so they are written after them.
            counts = self._write(firsts)
            more = self._write(seconds)
            # What ledger.services.review_report writes beside a return not (yet) resubmitted.
            PendingResubmission.objects.bulk_create(
                (PendingResubmission(report_id=v.report.pk) for v in unanswered), batch_size=BATCH_SIZE
            )
            self.log(
                f"{year} 年:报告 {counts['reports'] + more['reports']} 份(其中重报 {more['reports']} 份),"
                f"审核 {counts['reviews'] + more['reviews']} 条,指标实际值 {counts['actuals'] + more['actuals']} 条,"
                f"节点完成申报 {counts['claims'] + more['claims']} 条({self.elapsed()})"
            )

    def _moment(self, day: date) -> datetime:
        rng = self.rng
        return datetime.combine(day, clock(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=self.tz)

    def _after(self, moment: datetime, low: int, high: int) -> datetime:
        day = moment.astimezone(self.tz).date() + timedelta(days=self.rng.randint(low, high))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return self._moment(day)

    def _slot(self, plan: _PlanMeasure, period: ReportingPeriod, index: int, count: int):
        """The first version (and the resubmission, when returned) of one measure's report for
        one period, or (None, None) when the lead unit reports nothing. Everything is drawn before
        the cut-off is applied, so the same seed gives the same history whatever the cut-off."""
        rng = self.rng
        reported = rng.random() < REPORTED_SHARE
        late = rng.random() < LATE_SHARE
        shift = rng.randint(1, 12) if late else -rng.randint(0, 6)
        day = period.due_on + timedelta(days=shift)
        while day.weekday() >= 5:
            day += timedelta(days=1 if late else -1)
        submitted_at = self._moment(day)
        reviewed_at = self._after(submitted_at, 1, 4)
        returned = rng.random() < RETURNED_SHARE
        resubmitted_at = self._after(reviewed_at, 1, 4)
        approved_at = self._after(resubmitted_at, 1, 3)
        good_practice = rng.random() < GOOD_PRACTICE_SHARE

        due = [(pk, d) for pk, d in plan.dated if pk not in plan.claimed and d <= period.ends_on]
        chance = CLAIM_WHEN_DUE if any(d >= period.starts_on for _pk, d in due) else CLAIM_WHEN_OVERDUE
        claims = [pk for pk, _d in due] if due and rng.random() < chance else []
        if index < 2 and rng.random() < 0.5:
            status = ProgressStatus.NOT_STARTED
        elif not claims and rng.random() < (0.5 if plan.behind else 0.12):
            status = ProgressStatus.BEHIND
        else:
            status = ProgressStatus.ON_TRACK
        noise = rng.uniform(-0.05, 0.05)
        actuals = []
        if period.ends_on.month % 3 == 0:
            share = index / max(count - 1, 1)
            actuals = [(s.target_id, s.value(share, noise), period.ends_on) for s in plan.series]
        texts = (rng.choice(ACTIVITIES), rng.choice(PROBLEMS), rng.choice(NEXT_STEPS))

        if not reported or submitted_at >= self.cut_off_at:
            return None, None
        plan.behind = status == ProgressStatus.BEHIND
        author_id = self.authors[plan.lead_unit_id]
        first = self._version(plan, period, author_id, status, texts, submitted_at, actuals, claims)
        if returned:
            first.review = self._review(ReviewDecision.RETURNED, reviewed_at, RETURN_COMMENT)
        else:
            first.review = self._review(ReviewDecision.APPROVED, reviewed_at, "审核通过。", good_practice)
        if first.review.decided_at >= self.cut_off_at:
            first.review = None  # still waiting in the office's queue at the cut-off
            return first, None
        if not returned:
            plan.claimed.update(claims)
            return first, None
        if resubmitted_at >= self.cut_off_at:
            return first, None
        revised = (texts[0] + REVISION, texts[1], texts[2])
        second = self._version(plan, period, author_id, status, revised, resubmitted_at, actuals, claims)
        second.report.version, second.report.previous = 2, first.report
        if approved_at < self.cut_off_at:
            second.review = self._review(ReviewDecision.APPROVED, approved_at, "审核通过。", good_practice)
            plan.claimed.update(claims)
        return first, second

    def _version(self, plan, period, author_id, status, texts, submitted_at, actuals, claims) -> _Version:
        activity, problem, next_step = texts
        drafted_at = submitted_at - DRAFTING  # written a little before it was sent, like a real draft
        report = ProgressReport(
            measure_id=plan.pk,
            period=period,
            created_at=drafted_at,
            updated_at=drafted_at,
            unit_id=plan.lead_unit_id,
            author_id=author_id,
            submitted_by_id=author_id,
            status=status,
            progress=f"{LABEL}{period.label}:{activity}。",
            problems=problem,
            next_steps=next_step,
        )
        return _Version(report, submitted_at, actuals, claims)

    def _review(self, decision, decided_at, comment, good_practice=False) -> ReportReview:
        return ReportReview(
            decision=decision,
            comment=comment,
            reviewer_id=self.reviewer.pk,
            decided_at=decided_at,
            good_practice=good_practice and decision == ReviewDecision.APPROVED,
        )

    def _write(self, versions: list[_Version]) -> dict[str, int]:
        """Reports (drafts where they have children), children, one UPDATE submitting the drafts,
        then the reviews: the only order the append-only triggers accept."""
        drafts = []
        for version in versions:
            if version.actuals or version.claims:
                version.report.submitted_at = None
                drafts.append(version)
            else:
                version.report.submitted_at = version.submitted_at
        ProgressReport.objects.bulk_create([v.report for v in versions], batch_size=BATCH_SIZE)
        actuals = [
            TargetActual(report_id=v.report.pk, target_id=target_id, value=value, as_of=as_of)
            for v in drafts
            for target_id, value, as_of in v.actuals
        ]
        claims = [MilestoneClaim(report_id=v.report.pk, milestone_id=pk) for v in drafts for pk in v.claims]
        TargetActual.objects.bulk_create(actuals, batch_size=BATCH_SIZE)
        MilestoneClaim.objects.bulk_create(claims, batch_size=BATCH_SIZE)
        for version in drafts:
            version.report.submitted_at = version.submitted_at
        ProgressReport.objects.bulk_update([v.report for v in drafts], ["submitted_at"], batch_size=500)
        reviews = []
        for version in versions:
            if version.review is not None:
                version.review.report_id = version.report.pk
                reviews.append(version.review)
        ReportReview.objects.bulk_create(reviews, batch_size=BATCH_SIZE)
        # What ledger.services.submit_report writes beside every submission not yet reviewed.
        PendingReview.objects.bulk_create(
            (PendingReview(report_id=v.report.pk, submitted_at=v.submitted_at) for v in versions if v.review is None),
            batch_size=BATCH_SIZE,
        )
        return {"reports": len(versions), "reviews": len(reviews), "actuals": len(actuals), "claims": len(claims)}
