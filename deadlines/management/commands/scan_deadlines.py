from django.core.management.base import BaseCommand

from deadlines.scan import scan_deadlines

from ._as_of import add_as_of, as_of_from


class Command(BaseCommand):
    help = "扫描全部节点和报送义务,更新状态(红/黄/绿)并记录状态变化。"

    def add_arguments(self, parser):
        add_as_of(parser)

    def handle(self, *args, **options):
        as_of = as_of_from(options)
        self.stdout.write(f"扫描截至 {as_of:%Y-%m-%d} 的状态 …")
        report = scan_deadlines(as_of)
        self.stdout.write(
            f"  节点 {report.milestones} 个,报送义务 {report.obligations} 项(新建 {report.obligations_created} 项)"
        )
        if report.transitions:
            changes = ",".join(f"{state} {count}" for state, count in sorted(report.transitions.items()))
            self.stdout.write(f"  状态变化 {report.events} 次:{changes}")
        else:
            self.stdout.write("  状态无变化")
        if report.warning:
            self.stdout.write(self.style.WARNING(f"  {report.warning}"))
