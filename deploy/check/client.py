"""A browser's part of HTTP, from the standard library: cookies, CSRF, redirects, forms."""

import http.client
import ssl
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Response:
    method: str
    url: str  # path and query
    status: int
    headers: dict
    body: bytes
    elapsed: float

    @property
    def html(self) -> bool:
        return self.headers.get("content-type", "").startswith("text/html")

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One user's connection through nginx over HTTPS, kept alive like a browser's."""

    def __init__(self, base_url: str, cafile: str, timeout: float = 120):
        parts = urlsplit(base_url)
        self.base_url, self.host, self.port = base_url, parts.hostname, parts.port or 443
        self.context = ssl.create_default_context(cafile=cafile)
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection = None

    def _connection(self):
        if self.connection is None:
            self.connection = http.client.HTTPSConnection(
                self.host, self.port, context=self.context, timeout=self.timeout
            )
        return self.connection

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        path = urlsplit(urljoin(self.base_url, url))
        target = path.path + (f"?{path.query}" if path.query else "")
        sent = {"Host": f"{self.host}:{self.port}", "Accept": "text/html,*/*", "User-Agent": "reform-prod-check"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        started = time.perf_counter()
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            try:
                connection = self._connection()
                connection.request(method, target, body=body, headers=sent)
                raw = connection.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - started
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        headers = {k.lower(): v for k, v in raw.getheaders()}
        if raw.getheader("connection", "").lower() == "close":
            self.close()
        return Response(method, target, raw.status, headers, data, elapsed)

    def get(self, url: str, follow: bool = True) -> list[Response]:
        """GET, following redirects on this site; every response of the chain, last one last."""
        chain = [self.request("GET", url)]
        while follow and chain[-1].status in (301, 302, 303, 307, 308) and len(chain) < 6:
            location = urljoin(self.base_url + chain[-1].url, chain[-1].headers.get("location", ""))
            if urlsplit(location).netloc != urlsplit(self.base_url).netloc:
                break
            chain.append(self.request("GET", location))
        return chain

    def post(self, url: str, data: list, files: dict | None = None, referer: str = "/") -> list[Response]:
        headers = {
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Referer": urljoin(self.base_url, referer),
            "Origin": self.base_url,
        }
        if files:
            boundary = uuid.uuid4().hex
            body = _multipart(data, files, boundary)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        chain = [self.request("POST", url, body=body, headers=headers)]
        if chain[-1].status in (301, 302, 303):
            chain += self.get(urljoin(self.base_url + chain[-1].url, chain[-1].headers["location"]))
        return chain

    def login(self, username: str, password: str) -> Response:
        page = self.get("/accounts/login/")[-1]
        form = next(f for f in parse(page.text()).forms if f.method == "post")
        data = [(k, v) for k, v in form.fields if k not in ("username", "password")]
        data += [("username", username), ("password", password)]
        final = self.post("/accounts/login/", data, referer="/accounts/login/")[-1]
        if "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed ({final.status} {final.url})")
        return final

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _multipart(data, files, boundary) -> bytes:
    lines = []
    for name, value in data:
        disposition = f'Content-Disposition: form-data; name="{name}"'
        lines += [f"--{boundary}".encode(), disposition.encode(), b"", value.encode()]
    for name, (filename, content, content_type) in files.items():
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'.encode(),
            f"Content-Type: {content_type}".encode(),
            b"",
            content,
        ]
    lines += [f"--{boundary}--".encode(), b""]
    return b"\r\n".join(lines)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list = field(default_factory=list)  # (name, value) as a browser would send them
    empty_text: list = field(default_factory=list)  # text inputs and textareas left empty
    empty_dates: list = field(default_factory=list)  # required date inputs left empty
    radios: dict = field(default_factory=dict)  # name → values
    buttons: list = field(default_factory=list)  # (name, value) of submit buttons
    files: list = field(default_factory=list)


@dataclass
class Page:
    links: list = field(default_factory=list)
    forms: list = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.form: Form | None = None
        self.textarea: tuple | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.page.links.append(a["href"])
        elif tag == "form":
            self.form = Form(a.get("action", ""), a.get("method", "get").lower(), a.get("enctype", ""))
            if a.get("hx-post"):  # htmx posts the same fields elsewhere (autosave), before the user saves
                self.page.forms.append(Form(a["hx-post"], "post", "", self.form.fields, self.form.empty_text,
                                            self.form.empty_dates, self.form.radios))  # fmt: skip
            self.page.forms.append(self.form)
        elif self.form is None or not a.get("name") and tag != "button":
            return
        elif tag == "input":
            kind, name, value = a.get("type", "text").lower(), a["name"], a.get("value", "")
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit":
                    self.form.buttons.append((name, value))
            elif kind == "file":
                self.form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if kind == "radio":
                    self.form.radios.setdefault(name, []).append(value)
                if "checked" in a:
                    self.form.fields.append((name, value))
            elif value:
                self.form.fields.append((name, value))
            elif kind in ("text", "email", "search", "url"):
                self.form.empty_text.append(name)
            elif kind == "date" and "required" in a:
                self.form.empty_dates.append(name)
        elif tag == "textarea":
            self.textarea = (a["name"], [])
        elif tag == "select":
            self.select, self.select_first, self.select_chosen = a["name"], None, False
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.select_first is None and value:
                self.select_first = value
            if "selected" in a:
                self.form.fields.append((self.select, value))
                self.select_chosen = True
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.form.buttons.append((a.get("name", ""), a.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea and self.form:
            name, text = self.textarea[0], "".join(self.textarea[1]).strip()
            (self.form.fields.append((name, text)) if text else self.form.empty_text.append(name))
            self.textarea = None
        elif tag == "select" and self.select and self.form:
            if not self.select_chosen and self.select_first is not None:
                self.form.fields.append((self.select, self.select_first))
            self.select = None


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    return parser.page
