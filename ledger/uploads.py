"""Checking an uploaded evidence file before it is stored.

The type is read from the file's first bytes, never from its name or the browser's word:
an HTML page renamed to .png is refused. Office files (docx/xlsx) are zip archives; their
listed uncompressed size is capped so a zip bomb is refused without being unpacked.
"""

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings

ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_MEMBERS = 5000

_SIGNATURES = [
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG 图片"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG 图片"),
    (b"GIF87a", "image/gif", "GIF 图片"),
    (b"GIF89a", "image/gif", "GIF 图片"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", "Word/Excel 97-2003 文档"),
]
_OFFICE_ZIP = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
}
ALLOWED_DESCRIPTION = "PDF、图片(PNG/JPEG/GIF)、Word 或 Excel 文件"


class UploadRejected(ValueError):
    pass


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


def check_upload(uploaded) -> CheckedUpload:
    """Return the file's real type, size and checksum, or raise UploadRejected saying why."""
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded.size > limit:  # known before reading: Django counts while streaming
        raise UploadRejected(f"文件“{uploaded.name}”超过 {limit // (1024 * 1024)} MB 上限")
    if uploaded.size == 0:
        raise UploadRejected(f"文件“{uploaded.name}”是空文件")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = _sniff(head, uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(content_type, uploaded.size, digest.hexdigest())


def _sniff(head: bytes, uploaded) -> str:
    for signature, content_type, _ in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _office_zip_type(uploaded)
    raise UploadRejected(f"文件“{uploaded.name}”的内容不是允许的类型;只接受{ALLOWED_DESCRIPTION}")


def _office_zip_type(uploaded) -> str:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise UploadRejected(f"文件“{uploaded.name}”已损坏,无法识别") from None
    finally:
        uploaded.seek(0)
    if len(members) > ZIP_MAX_MEMBERS or sum(m.file_size for m in members) > ZIP_MAX_UNCOMPRESSED:
        raise UploadRejected(f"文件“{uploaded.name}”解压后过大,已拒绝")
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names:
        for prefix, (content_type, _) in _OFFICE_ZIP.items():
            if any(name.startswith(prefix) for name in names):
                return content_type
    raise UploadRejected(f"文件“{uploaded.name}”是压缩包而不是 Word/Excel 文档;只接受{ALLOWED_DESCRIPTION}")


def stored_file(uploaded, checked: CheckedUpload, user) -> dict:
    """The columns of a row that keeps a checked upload (ledger evidence, a finding's evidence, an
    interpretation's attachment): the file, stored under its checksum so no name a user chose
    becomes a path, and what the user called it, its real type, size, checksum and uploader."""
    original_name = uploaded.name[:200]
    uploaded.name = checked.sha256[:16]
    return {
        "file": uploaded,
        "original_name": original_name,
        "content_type": checked.content_type,
        "size": checked.size,
        "sha256": checked.sha256,
        "uploaded_by": user,
    }
