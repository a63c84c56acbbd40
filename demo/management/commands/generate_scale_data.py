import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import DEFAULT_SEED, ScaleOptions, ScaleRefused, generate_scale_data, ledger_rows


class Command(BaseCommand):
    help = (
        "生成省级规模的合成台账(默认 100 份文件 × 30 项举措、300 个单位、5 年月报),供基准测试使用,"
        "然后按数据截止日运行一次状态扫描。只写入名称以 bench 开头的 PostgreSQL 专用数据库"
        "(或加 --allow-sqlite 的小规模 SQLite 测试库);生产环境拒绝执行。相同参数重复执行不做任何改动。"
    )

    def add_arguments(self, parser):
        defaults = ScaleOptions()
        parser.add_argument("--documents", type=int, default=defaults.documents, help="政策文件数(默认 100)")
        parser.add_argument("--measures", type=int, default=defaults.measures, help="每份文件的举措数(默认 30)")
        parser.add_argument("--units", type=int, default=defaults.units, help="单位数(默认 300)")
        parser.add_argument("--years", type=int, default=defaults.years, help="月报年数(默认 5)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子(默认 {DEFAULT_SEED})")
        parser.add_argument("--fresh", action="store_true", help="先删除已有的规模测试数据再重建")
        parser.add_argument("--allow-sqlite", action="store_true", help="允许在 SQLite 上生成小规模数据(测试用)")

    def handle(self, *args, fresh: bool, allow_sqlite: bool, **options):
        wanted = ScaleOptions(
            documents=options["documents"],
            measures=options["measures"],
            units=options["units"],
            years=options["years"],
            seed=options["seed"],
        )
        started = time.perf_counter()
        self.stdout.write(f"规模测试数据:{wanted.signature}")
        try:
            summary = generate_scale_data(wanted, fresh=fresh, allow_sqlite=allow_sqlite, log=self.stdout.write)
        except ScaleRefused as exc:
            raise CommandError(str(exc)) from None
        counts = summary.counts
        if summary.already_present:
            self.stdout.write("规模测试数据已存在(参数相同),未做任何改动;加 --fresh 可重建。")
        else:
            elapsed = time.perf_counter() - started
            self.stdout.write(self.style.SUCCESS(f"规模测试数据已生成,用时 {elapsed:.1f} 秒"))
            timings = summary.timings
            self.stdout.write(
                f"  分段用时:计划 {timings['plan']:.1f} 秒,台账 {timings['ledger'] - timings['plan']:.1f} 秒,"
                f"扫描 {timings['scan'] - timings['ledger']:.1f} 秒(截至 {summary.cut_off:%Y-%m-%d})"
            )
        self.stdout.write(
            f"  文件 {counts['documents']} 份,举措 {counts['measures']} 项,单位 {counts['units']} 个,"
            f"分工 {counts['assignments']} 条,节点 {counts['milestones']} 个,指标 {counts['targets']} 个,"
            f"填报周期 {counts['periods']} 个"
        )
        self.stdout.write(
            f"  报告 {counts['reports']} 份(重报 {counts['resubmitted']} 份),审核 {counts['reviews']} 条,"
            f"指标实际值 {counts['actuals']} 条,节点完成申报 {counts['claims']} 条,报送义务 {counts['obligations']} 项"
        )
        self.stdout.write(
            f"  节点状态 {counts['milestone_statuses']} 条,状态变化 {counts['status_events']} 条;"
            f"台账行合计 {ledger_rows(counts)}"
        )
