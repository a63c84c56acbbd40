"""Benchmark the ledger workbook writer (exports.xlsx.write_ledger_xlsx) on synthetic rows.

    python bench/export_xlsx.py [--rows 100000] [--runs 3] [--output ledger.xlsx]

No database: the writer takes plain LedgerRow objects, so the script builds N of them in
memory (Chinese narratives of realistic length, a new section every 24 rows) and times
writing them `--runs` times. It prints rows per second for each run and their median — by the
clock and by the process's CPU time, which a busy shared machine disturbs less — with the load
average, then the writer's own peak Python heap (tracemalloc, started after the rows are built,
for N/10 rows and for N rows: a streamed sheet keeps the two close), and the process's peak RSS.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exports.xlsx import LedgerRow, write_ledger_xlsx  # noqa: E402 - needs ROOT on sys.path

PROGRESS = "已完成企业开办环节梳理,全程电子化平台上线试运行,累计办理{n}件,平均用时3.2个工作日。"
PROBLEMS = "部分区市县窗口人员业务不熟,刻章环节衔接仍需优化。"
NEXT_STEPS = "推进电子营业执照和电子印章同步发放,{n}月底前完成培训。"
STATUSES = ("按计划推进(审核通过)", "滞后(已退回)", "已完成(待审核)", "未报送")


def synthetic_rows(count: int) -> list[LedgerRow]:
    return [
        LedgerRow(
            section=f"({n // 24 + 1})第{n // 24 + 1}部分 深化改革,优化营商环境",
            code=str(n + 1),
            title=f"压缩企业开办时间{n}",
            lead_units="市工商局、市公安局、市税务局",
            responsible_units="市人社局、市直各有关单位、中国人民银行大连市中心支行、各区市县、开放先导区",
            deadline="2018年底前,在全市范围内将一般性企业开办的必备环节精简至3个。2019年上半年,压缩到8.5个工作日内。",
            progress=PROGRESS.format(n=n) * 3,
            problems=PROBLEMS,
            next_steps=NEXT_STEPS.format(n=n % 12 + 1),
            status=STATUSES[n % 4],
            period="2019年2月",
        )
        for n in range(count)
    ]


def write(rows, output) -> tuple[float, float]:
    """Seconds by the clock and of CPU time."""
    started, cpu = time.perf_counter(), time.process_time()
    write_ledger_xlsx(output, rows, title="基准测试台账", as_of=date(2019, 3, 20), with_period=True)
    return time.perf_counter() - started, time.process_time() - cpu


def heap_peak(rows, output) -> int:
    tracemalloc.start()
    try:
        write(rows, output)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="measure rows to write (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="timed writes (default 3); the median is reported")
    parser.add_argument("--output", help="keep the workbook here (default: a temporary file, deleted)")
    args = parser.parse_args()
    if args.rows < 10:
        parser.error("--rows must be at least 10")

    started = time.perf_counter()
    rows = synthetic_rows(args.rows)
    print(f"built {len(rows):,} rows in {time.perf_counter() - started:.1f} s; peak RSS {peak_rss_mib():.0f} MiB")

    with tempfile.TemporaryDirectory() as scratch:
        output = args.output or str(Path(scratch) / "ledger.xlsx")
        rates, cpu_rates = [], []
        for run in range(1, max(args.runs, 1) + 1):
            seconds, cpu = write(rows, output)
            rates.append(len(rows) / seconds)
            cpu_rates.append(len(rows) / cpu)
            print(f"run {run}: {len(rows):,} rows in {seconds:.1f} s: {rates[-1]:,.0f} rows/s "
                  f"({cpu_rates[-1]:,.0f} rows/s of CPU time), load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        size = Path(output).stat().st_size
        print(f"median: {statistics.median(rates):,.0f} rows/s, {statistics.median(cpu_rates):,.0f} rows/s of CPU "
              f"time; {size / 2**20:.1f} MiB file")  # fmt: skip
        print(f"peak RSS of the process (rows included): {peak_rss_mib():.0f} MiB")
        small = heap_peak(rows[: len(rows) // 10], str(Path(scratch) / "small.xlsx"))
        large = heap_peak(rows, str(Path(scratch) / "large.xlsx"))
        print(f"writer heap peak (tracemalloc): {small / 2**20:.2f} MiB for {len(rows) // 10:,} rows, "
              f"{large / 2**20:.2f} MiB for {len(rows):,} rows")  # fmt: skip


if __name__ == "__main__":
    main()
