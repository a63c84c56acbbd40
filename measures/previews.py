"""Uploaded plans waiting between their preview and the office's confirmation.

A file is kept under MEDIA_ROOT/import-previews/ (nothing under MEDIA_ROOT is served directly)
as <token>.upload, beside <token>.json saying who uploaded it, when, under what name and with
what checksum. The token is 32 random bytes; a path is built only from a string that matches
TOKEN_RE, so nothing a person types ever names a file. A preview is read back only by the user
who uploaded it, with an unchanged checksum and before PREVIEW_TTL runs out; the page also keeps
its tokens in the session, so another session of the same user does not see them either.
Expired files are swept whenever a new one is stored.
"""

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from core.errors import ServiceError

PREVIEW_TTL = 2 * 60 * 60  # seconds: long enough to check a plan, short enough not to pile up
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


class PreviewGone(ServiceError):
    """The preview does not exist, expired, or is not the user's: the page answers 404."""


@dataclass(frozen=True)
class StoredUpload:
    token: str
    name: str
    data: bytes
    sha256: str


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "import-previews"


def _paths(token: str) -> tuple[Path, Path]:
    if not TOKEN_RE.fullmatch(token or ""):
        raise PreviewGone("预览不存在或已过期,请重新上传文件")
    folder = _folder()
    return folder / f"{token}.upload", folder / f"{token}.json"


def store(*, user, data: bytes, name: str) -> StoredUpload:
    """Keep `data` for `user` until confirmed, discarded or expired; returns it with its token."""
    sweep()
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    upload, meta = _paths(token)
    digest = hashlib.sha256(data).hexdigest()
    # Only the base name, and only for showing it: it never becomes a path.
    name = name.replace("\\", "/").rsplit("/", 1)[-1][:200]
    upload.write_bytes(data)
    meta.write_text(json.dumps({"user": user.pk, "name": name, "sha256": digest, "created": time.time()}))
    return StoredUpload(token, name, data, digest)


def load(*, user, token: str) -> StoredUpload:
    """The upload `token` names, if it is `user`'s, intact and not expired; else PreviewGone."""
    upload, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
        data = upload.read_bytes()
    except (OSError, ValueError):
        raise PreviewGone("预览不存在或已过期,请重新上传文件") from None
    if meta.get("user") != user.pk or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise PreviewGone("预览不存在或已过期,请重新上传文件")
    if time.time() - meta.get("created", 0) > PREVIEW_TTL:
        discard(token=token)
        raise PreviewGone("预览已过期(超过 2 小时),请重新上传文件")
    return StoredUpload(token, meta.get("name", ""), data, meta["sha256"])


def discard(*, token: str) -> None:
    for path in _paths(token):
        path.unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Delete previews older than PREVIEW_TTL; returns how many files went."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    limit = (now or time.time()) - PREVIEW_TTL
    removed = 0
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another request swept it first
            continue
    return removed
