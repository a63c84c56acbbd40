import time

from django.core.management.base import BaseCommand, CommandError

from demo.history import DEFAULT_SEED, DemoRefused, seed_demo_history


class Command(BaseCommand):
    help = (
        "写入 2019—2020 年的演示台账(月报、审核、退回重报、缺报、逾期、责任单位报送),"
        "每段文字以【演示数据】开头。可重复执行:已有演示数据时不做任何改动。生产环境拒绝执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"随机种子,相同种子生成相同的历史(默认 {DEFAULT_SEED})"
        )

    def handle(self, *args, seed: int, **options):
        started = time.perf_counter()
        try:
            summary = seed_demo_history(seed=seed, log=self.stdout.write)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        if summary.already_seeded:
            self.stdout.write("演示历史已存在(演示用户已有报告),未做任何改动。")
            return
        out, elapsed = self.stdout, time.perf_counter() - started
        out.write(self.style.SUCCESS(f"演示历史已写入(种子 {summary.seed},用时 {elapsed:.1f} 秒)"))
        out.write(f"  填报周期 {len(summary.periods)} 个,新建演示用户 {summary.users_created} 个")
        out.write(
            f"  报告 {summary.total('reports')} 份,其中逾期 {summary.total('late')} 份;"
            f"退回 {summary.total('returned')} 份;缺报 {summary.total('missing')} 份;"
            f"待审核 {summary.total('pending')} 份"
        )
        out.write(
            f"  节点完成申报 {summary.claims} 个(佐证材料 {summary.evidence} 份),举措完成 {summary.completed} 项,"
            f"典型经验 {summary.good_practice} 份"
        )
        out.write(f"  责任单位报送 {summary.total('contributions')} 份")
        if summary.total("skipped"):
            out.write(self.style.WARNING(f"  已有非演示报告、未改动 {summary.total('skipped')} 份"))
