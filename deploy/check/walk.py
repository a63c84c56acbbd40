"""Every demo role logs in, follows every link from "/" and submits the main forms."""

from collections import Counter, deque
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urljoin, urlsplit

from .client import Client, Response, parse

# The order matters: reports are started and submitted before the office reviews them.
ROLES = ("lead_reporter", "co_reporter", "lead_leader", "office_reviewer", "supervisor", "admin")
PER_PATTERN = 2  # requests per URL pattern, per role and method
PER_ROLE = 300  # requests per role at most
FILLER = "【演示数据】生产检查自动填写的内容。"
# POST forms that are submitted (by the view they post to), so the pages behind them are reached:
# a report started, saved and submitted; a contribution; evidence; a review; a schedule milestone;
# a ranking published and withdrawn. The n-th submission of a form presses its n-th button
# (save, then submit; approve, then return).
SUBMIT = {
    "report-start", "contribution-start", "report-edit", "contribution-edit", "report-evidence",
    "contribution-evidence", "report-review", "schedule-add", "ranking-publish", "ranking-withdraw",
    "report-autosave",
}  # fmt: skip
SKIP = ("/accounts/logout/", "/admin/logout/")
# The site's home, and the API's root: the API documentation links to it only from JavaScript.
SEEDS = ("/", "/api/v1/")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


@dataclass
class Hit:
    role: str
    method: str
    url: str
    pattern: str
    status: int
    elapsed: float
    html: bool
    request_id: str


class Walker:
    def __init__(self, client: Client, role: str, resolve):
        self.client, self.role, self.resolve = client, role, resolve
        self.hits: list[Hit] = []
        self.done: Counter = Counter()
        self.seen: set[str] = set()
        self.queue: deque[str] = deque()

    def run(self) -> list[Hit]:
        self.queue.extend(SEEDS)
        self.seen.update(SEEDS)
        while self.queue and len(self.hits) < PER_ROLE:
            url = self.queue.popleft()
            pattern = self.resolve(urlsplit(url).path)
            if self.done["GET", pattern] >= PER_PATTERN:
                continue
            self.done["GET", pattern] += 1
            self._visit(self.client.get(url))
        return self.hits

    def _record(self, chain: list[Response]) -> None:
        for response in chain:
            pattern = self.resolve(urlsplit(response.url).path)
            request_id = response.headers.get("x-request-id", "")
            hit = Hit(self.role, response.method, response.url, pattern, response.status, response.elapsed,
                      response.html, request_id)  # fmt: skip
            self.hits.append(hit)

    def _visit(self, chain: list[Response]) -> None:
        self._record(chain)
        page = chain[-1]
        if page.status != 200 or not page.html:
            return
        parsed = parse(page.text())
        for href in parsed.links:
            url = urljoin(self.client.base_url + page.url, href)
            parts = urlsplit(url)
            if parts.netloc != urlsplit(self.client.base_url).netloc or parts.path.startswith(SKIP):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in self.seen:
                self.seen.add(local)
                self.queue.append(local)
        for form in parsed.forms:
            if form.method != "post" or len(self.hits) >= PER_ROLE:
                continue
            action = urlsplit(urljoin(self.client.base_url + page.url, form.action or page.url)).path
            pattern = self.resolve(action)
            if pattern not in SUBMIT or self.done["POST", pattern] >= PER_PATTERN:
                continue
            self.done["POST", pattern] += 1
            data = fill(form, self.done["POST", pattern])
            files = {name: ("佐证材料.pdf", PDF, "application/pdf") for name in form.files}
            self._visit(self.client.post(action, data, files=files, referer=page.url))
            # The page's other forms are stale now (a saved draft moves the version on), as they
            # would be in a browser: load the page again and carry on from there.
            self._visit(self.client.get(page.url))
            return


def fill(form, nth: int) -> list[tuple[str, str]]:
    """What a diligent user would send: the form as shown, required text filled in, the first
    choice of any unanswered radio group, and the n-th button."""
    data = list(form.fields)
    data += [(name, FILLER) for name in form.empty_text]
    data += [(name, (date.today() + timedelta(days=30)).isoformat()) for name in form.empty_dates]
    answered = {name for name, _ in data}
    data += [(name, values[0]) for name, values in form.radios.items() if name not in answered and values]
    if form.buttons:
        name, value = form.buttons[min(nth, len(form.buttons)) - 1]
        if name:
            data.append((name, value))
    return data


def all_patterns(resolver=None, prefix: str = "", namespace: str = "") -> set[str]:
    """Every URL pattern of the project, named as resolve() names them."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            names |= all_patterns(pattern, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
            else:
                names.add(prefix + str(pattern.pattern))
    return names


def resolver():
    from django.urls import Resolver404, resolve

    def name(path: str) -> str:
        try:
            match = resolve(path)
        except Resolver404:
            return f"<no pattern> {path}"
        return match.view_name if match.url_name else match.route

    return name
