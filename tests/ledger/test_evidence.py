"""Evidence uploads are checked from their content, capped in size, and served only to those allowed."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ledger import services
from ledger.uploads import UploadRejected


def docx_bytes():
    """The same bytes on every call: a fixed timestamp, so the test's id is the same on every
    pytest-xdist worker (they compare what they collected)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2019, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def zip_bomb_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (210 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("方案.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("现场.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
        ("现场.jpg", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        ("台账.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
    ids=["pdf", "png", "jpg", "docx"],
)
def test_allowed_files_are_stored_with_their_real_type(lead_reporter, draft, name, content, content_type):
    evidence = services.attach_evidence(lead_reporter, draft, SimpleUploadedFile(name, content, "text/plain"))
    assert evidence.content_type == content_type and evidence.size == len(content)
    assert evidence.file.path.startswith(str(evidence.file.storage.location))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("照片.png", b"<html><script>alert(1)</script></html>", "内容不是允许的类型"),
        ("a.exe", b"MZ\x90\x00", "内容不是允许的类型"),
        ("空.pdf", b"", "空文件"),
        ("压缩包.docx", b"PK\x03\x04" + b"\x00" * 30, "已损坏"),
    ],
)
def test_hostile_or_wrong_files_are_refused_with_a_reason(lead_reporter, draft, name, content, message):
    with pytest.raises(UploadRejected, match=message):
        services.attach_evidence(lead_reporter, draft, SimpleUploadedFile(name, content))
    assert draft.evidence.count() == 0


def test_a_zip_bomb_is_refused_without_unpacking(lead_reporter, draft):
    with pytest.raises(UploadRejected, match="解压后过大"):
        services.attach_evidence(lead_reporter, draft, SimpleUploadedFile("bomb.docx", zip_bomb_bytes()))


def test_oversized_upload_is_refused_before_it_is_read(client, lead_reporter, draft, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(lead_reporter)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200_000)
    response = client.post(reverse("report-evidence", args=[draft.pk]), {"file": big}, follow=True)
    assert "超过 0 MB 上限,未上传" in response.content.decode()
    assert draft.evidence.count() == 0


def test_download_is_an_attachment_with_nosniff(lead_reporter, office_reviewer, draft):
    evidence = services.attach_evidence(lead_reporter, draft, SimpleUploadedFile("<b>报告</b>.pdf", b"%PDF-1.4 x"))
    services.submit_report(lead_reporter, draft, draft.lock_version)
    client = Client()
    client.force_login(office_reviewer)
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"


def test_unsent_drafts_evidence_is_hidden_from_the_office(lead_reporter, office_reviewer, draft):
    evidence = services.attach_evidence(lead_reporter, draft, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    client = Client()
    client.force_login(office_reviewer)
    assert client.get(evidence.get_absolute_url()).status_code == 404
