from django.core.management.base import BaseCommand

from core.holidays import load_holidays, package_years


class Command(BaseCommand):
    help = (
        "从 chinesecalendar 软件包载入它收录年份的节假日安排到节假日日历(可重复运行)。"
        "已在后台勾选“已完整录入”的年份不会被覆盖;软件包未收录的年份请在后台“节假日日历”中录入。"
    )

    def handle(self, *args, **options):
        years = package_years()
        self.stdout.write(f"chinesecalendar 收录 {min(years)}–{max(years)} 年,共 {len(years)} 年")
        report = load_holidays()
        lines = [
            ("新增", report.created),
            ("补全", report.completed),
            ("未变", report.unchanged),
            ("保留后台录入(与软件包不同)", report.kept),
        ]
        for label, found in lines:
            if found:
                self.stdout.write(f"{label} {len(found)} 年:{_years(found)}")
        if not (report.created or report.completed):
            self.stdout.write("未做任何更改")


def _years(years: list[int]) -> str:
    return "、".join(str(year) for year in years)
