"""Production static files: collectstatic succeeds and pages render with hashed, gzipped files."""

import json

from .conftest import production_env, run_python

# Runs in a fresh production process: the home page of an anonymous visitor (the login page)
# and the stylesheet it links to, fetched through whitenoise as a browser would.
RENDER = """
import re, json, django
django.setup()
from django.test import Client
client = Client(HTTP_X_FORWARDED_PROTO="https")
page = client.get("/accounts/login/")
css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\\.min\\.[0-9a-f]{12}\\.css)"', page.content.decode())
asset = client.get(css.group(1), HTTP_ACCEPT_ENCODING="gzip") if css else None
print(json.dumps({
    "page": page.status_code,
    "debug": django.conf.settings.DEBUG,
    "css": css.group(1) if css else None,
    "asset": asset.status_code if asset else None,
    "encoding": asset.get("Content-Encoding") if asset else None,
    "cache": asset.get("Cache-Control") if asset else None,
}))
"""


def test_collectstatic_succeeds_in_production_and_pages_render_with_hashed_gzipped_files(tmp_path):
    env = production_env(STATIC_ROOT=str(tmp_path / "static"), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    collected = run_python(env, "manage.py", "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    # Gzip only: brotli for every file made collectstatic take about a minute.
    assert list((tmp_path / "static").rglob("*.gz")) and not list((tmp_path / "static").rglob("*.br"))

    rendered = run_python(env, "-c", RENDER)
    assert rendered.returncode == 0, rendered.stderr[-3000:]
    result = json.loads(rendered.stdout.strip().splitlines()[-1])
    assert result["debug"] is False
    assert result["page"] == 200, rendered.stderr[-3000:]
    assert result["css"], "the page links the stylesheet by its hashed name"
    assert result["asset"] == 200 and result["encoding"] == "gzip"
    assert "immutable" in result["cache"]  # hashed names are cached for ever


def test_a_vendored_file_naming_a_missing_source_map_does_not_fail_collectstatic(tmp_path):
    extra = tmp_path / "extra"
    (extra / "vendor" / "lib").mkdir(parents=True)
    (extra / "vendor" / "lib" / "lib.min.js").write_text("var a=1;\n//# sourceMappingURL=lib.min.js.map\n")
    (extra / "vendor" / "lib" / "lib.min.css").write_text("a{color:red}\n/*# sourceMappingURL=lib.min.css.map */\n")
    settings = tmp_path / "extra_settings.py"
    settings.write_text(f"from reform.settings import *\nSTATICFILES_DIRS = [*STATICFILES_DIRS, {str(extra)!r}]\n")
    env = production_env(
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="extra_settings",
        PYTHONPATH=str(tmp_path),
    )
    collected = run_python(env, "manage.py", "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr[-3000:]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "vendor/lib/lib.min.js" in manifest["paths"]
