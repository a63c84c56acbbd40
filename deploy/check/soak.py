"""A bounded soak: N connections across all roles' pages for a fixed time, measured."""

import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# A gunicorn worker may grow this much over the soak (Django's caches, the first use of a code
# path); more than that is a leak worth a look.
MAX_RSS_GROWTH_MB = 64


@dataclass
class SoakResult:
    seconds: float
    latencies: list = field(default_factory=list)
    by_url: dict = field(default_factory=dict)  # url → latencies
    errors: list = field(default_factory=list)
    rss_start: dict = field(default_factory=dict)  # pid → MB
    rss_end: dict = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def growth(self) -> dict:
        """pid → MB grown, for workers alive at both ends (a recycled worker starts afresh)."""
        return {pid: self.rss_end[pid] - mb for pid, mb in self.rss_start.items() if pid in self.rss_end}

    def table(self) -> str:
        lat = self.latencies or [0.0]
        start = sum(self.rss_start.values())
        end = sum(self.rss_end.values())
        rows = [
            ("duration", f"{self.seconds:.0f} s"),
            ("requests", f"{self.requests}"),
            ("req/s", f"{self.requests / self.seconds:.1f}"),
            ("latency p50", f"{self.percentile(50) * 1000:.0f} ms"),
            ("latency p95", f"{self.percentile(95) * 1000:.0f} ms"),
            ("latency max", f"{max(lat) * 1000:.0f} ms"),
            ("latency mean", f"{statistics.fmean(lat) * 1000:.0f} ms"),
            ("errors", f"{len(self.errors)}"),
            ("gunicorn workers", f"{len(self.rss_start)} at start, {len(self.rss_end)} at end"),
            ("workers' RSS start", f"{start:.0f} MB ({_each(self.rss_start)})"),
            ("workers' RSS end", f"{end:.0f} MB ({_each(self.rss_end)})"),
            ("max growth / worker", f"{max(self.growth().values(), default=0):.0f} MB (bound {MAX_RSS_GROWTH_MB} MB)"),
        ]
        slowest = sorted(self.by_url.items(), key=lambda item: -statistics.fmean(item[1]))[:5]
        for n, (url, times) in enumerate(slowest, 1):
            rows.append((f"slowest #{n}", f"{statistics.fmean(times) * 1000:.0f} ms mean  {url}"))
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"  {k:<{width}}  {v}" for k, v in rows)


def _each(rss: dict) -> str:
    return ", ".join(f"{mb:.0f}" for mb in rss.values())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def soak(clients_and_urls: list, seconds: float, worker_pids) -> SoakResult:
    """clients_and_urls: one (client, [url, …]) per connection; each connection cycles its urls."""
    result = SoakResult(seconds)
    result.rss_start = {pid: rss_mb(pid) for pid in worker_pids()}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(client, urls, offset):
        n = offset
        while time.monotonic() < deadline:
            url = urls[n % len(urls)]
            n += 1
            try:
                response = client.request("GET", url)
            except OSError as exc:
                with lock:
                    result.errors.append((url, f"{type(exc).__name__}: {exc}"))
                client.close()
                continue
            with lock:
                if response.status >= 500:
                    result.errors.append((url, f"{response.status} request_id={response.headers.get('x-request-id')}"))
                else:
                    result.latencies.append(response.elapsed)
                    result.by_url.setdefault(url, []).append(response.elapsed)

    threads = [
        threading.Thread(target=run, args=(client, urls, i * 7), daemon=True)
        for i, (client, urls) in enumerate(clients_and_urls)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    result.seconds = time.monotonic() - started
    result.rss_end = {pid: rss_mb(pid) for pid in worker_pids()}
    return result
