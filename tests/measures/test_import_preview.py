"""Importing a plan from the browser: upload, a preview that writes nothing, corrections, then
the confirmed import in one transaction (measures.importing, measures.previews)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures import previews
from measures.importing import name_key
from measures.models import Assignment, Measure, PolicyDocument
from units.models import Unit

from .corpus.build import brackets_docx, table_xlsx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def office(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def upload(client, data: bytes, name: str = "分工.docx"):
    return client.post(reverse("document-import"), {"file": SimpleUploadedFile(name, data, DOCX)})


def preview_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def digest(page: str) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', page).group(1)


def new_names(page: str) -> list[str]:
    return re.findall(r'data-new-unit="([^"]+)"', page)


def test_preview_shows_measures_units_and_layout_and_writes_nothing(office, plan):
    documents, units = PolicyDocument.objects.count(), Unit.objects.count()
    url = preview_url(upload(office, brackets_docx()))
    page = office.get(url).content.decode()
    assert "尚未写入任何数据" in page
    assert "括号内字段" in page  # the layout detected
    assert page.count("data-preview-measure=") == 3
    assert "推行“拿地即开工”" in page and "国网北湾供电公司" in page
    assert "2025年9月30日" in page  # the milestone of 2025年9月底前
    assert "名录中没有的单位" in page and new_names(page)
    assert (PolicyDocument.objects.count(), Unit.objects.count()) == (documents, units)


def test_confirming_with_a_unit_mapped_imports_in_one_go_and_creates_no_unit_for_it(office, plan):
    url = preview_url(upload(office, brackets_docx()))
    page = office.get(url).content.decode()
    name = new_names(page)[0]
    tax = Unit.objects.get(name="市税务局")
    corrections = {"layout": "", "lead_rule": "", f"map-{name_key(name)}": f"unit:{tax.pk}"}
    page = office.post(url, {**corrections, "preview": "1", "digest": digest(page)}).content.decode()
    assert "→ 市税务局" in page
    response = office.post(url, {**corrections, "import": "1", "confirm": "on", "digest": digest(page)})
    document = PolicyDocument.objects.get(title__startswith="北湾市关于打造一流营商环境")
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.measures.count() == 3
    mapped = Assignment.objects.get(measure__document=document, written_name=name)
    assert mapped.unit == tax
    assert not Unit.objects.filter(name=name).exists()
    assert "已导入" in office.get(response["Location"]).content.decode()
    # The preview is gone once imported.
    assert office.get(url).status_code == 404


def test_nothing_is_imported_without_ticking_the_confirmation(office, plan):
    url = preview_url(upload(office, brackets_docx()))
    page = office.get(url).content.decode()
    response = office.post(url, {"import": "1", "digest": digest(page)})
    assert response.status_code == 400
    assert "请先勾选确认" in response.content.decode()
    assert not PolicyDocument.objects.filter(title__startswith="北湾市").exists()


def test_a_plan_changed_since_the_preview_is_not_imported_and_the_new_preview_is_shown(office, plan):
    url = preview_url(upload(office, brackets_docx()))
    page = office.get(url).content.decode()
    Unit.objects.create(name=new_names(page)[0])  # the directory changed after the preview
    response = office.post(url, {"import": "1", "confirm": "on", "digest": digest(page)})
    assert response.status_code == 409
    assert "预览之后计划或单位名录已有变化" in response.content.decode()
    assert not PolicyDocument.objects.filter(title__startswith="北湾市").exists()


def test_lead_rule_can_be_corrected_in_the_preview(office, plan):
    url = preview_url(upload(office, brackets_docx()))
    page = office.post(url, {"lead_rule": "first", "preview": "1"}).content.decode()
    assert re.search(r"data-lead-rule>列第一位者为牵头单位<", page)
    assert 'value="first" selected' in page


def test_xlsx_table_previews_as_a_table(office, plan):
    page = office.get(preview_url(upload(office, table_xlsx(), "分工.xlsx"))).content.decode()
    assert re.search(r"data-layout>表格<", page)
    assert page.count("data-preview-measure=") >= 3


def test_reuploading_an_edited_plan_shows_the_difference_and_the_conflict(office, plan):
    text = plan.full_text
    measure = plan.measures.get(number=4)
    measure.deadline_text = "人工改过的时限"
    measure.save()
    changed = text.replace("2018年底前", "2019年3月底前", 1).encode()
    page = office.get(preview_url(upload(office, changed, "意见.txt"))).content.decode()
    assert "与上次导入相比" in page
    assert "新版本" in page
    response = office.post(
        preview_url(upload(office, changed, "意见.txt")), {"import": "1", "confirm": "on", "digest": "0" * 64}
    )
    assert response.status_code == 409
    assert Measure.objects.get(pk=measure.pk).deadline_text == "人工改过的时限"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 whatever", "PDF 文件无法导入"),
        (b"PK\x03\x04broken", "文件已损坏"),
        (b"\xd0\xcf\x11\xe0old", "旧版 Word/Excel"),
        ("这一行不是举措\n也没有分工\n".encode(), "无法导入"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_in_chinese_and_nothing_kept(office, plan, data, message):
    response = upload(office, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    folder = previews._folder()
    assert not folder.exists() or not list(folder.iterdir())


def test_an_oversized_upload_is_refused_before_it_is_read(office, plan):
    response = upload(office, b"x" * (5 * 1024 * 1024 + 100 * 1024))
    assert response.status_code == 413
    assert "文件过大" in response.content.decode()


def test_only_the_office_and_administrators_import(client, plan, lead_reporter, supervisor, administrator):
    for user, status in ((lead_reporter, 403), (supervisor, 403), (administrator, 200)):
        client.force_login(user)
        assert client.get(reverse("document-import")).status_code == status


def test_a_preview_is_only_its_uploaders_and_tokens_never_name_a_path(client, plan, office_reviewer, administrator):
    client.force_login(office_reviewer)
    url = preview_url(upload(client, brackets_docx()))
    token = url.rstrip("/").rsplit("/", 1)[-1]
    client.force_login(administrator)
    assert client.get(url).status_code == 404
    session = client.session
    session["import_previews"] = [token]  # even holding the token, it is not this user's
    session.save()
    assert client.get(url).status_code == 404
    for bad in ("..%2F..%2Fsettings", "a" * 42, "a" * 43):
        assert client.get(f"/plan/import/{bad}/").status_code == 404


def test_an_expired_preview_is_gone(office, plan, monkeypatch):
    url = preview_url(upload(office, brackets_docx()))
    monkeypatch.setattr(previews, "PREVIEW_TTL", -1)
    assert office.get(url).status_code == 404
    assert not list(previews._folder().iterdir())


def test_upload_page_runs_a_constant_number_of_queries(office, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert office.get(reverse("document-import")).status_code == 200


def test_a_session_keeps_its_last_ten_previews_on_disk(office, plan):
    data = brackets_docx()
    urls = [preview_url(upload(office, data)) for _ in range(11)]
    assert office.get(urls[0]).status_code == 404
    assert office.get(urls[-1]).status_code == 200
    assert len(list(previews._folder().glob("*.upload"))) == 10


def test_a_layout_the_file_does_not_fit_is_refused_and_the_automatic_preview_kept(office, plan):
    url = preview_url(upload(office, brackets_docx()))
    response = office.post(url, {"layout": "table", "preview": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "按所选版式或牵头规则无法导入" in page
    assert re.search(r"data-layout>括号内字段<", page)
    assert office.get(url).status_code == 200


# A name the office maps in the preview is remembered as an alias (measures.importing.confirm_import).


def _preview_and_confirm(user, data: bytes, mapping: dict):
    from measures import importing

    args = {"user": user, "data": data, "filename": "分工.docx", "file_sha256": "f" * 64}
    shown = importing.preview_import(**args, unit_mapping=mapping)
    return importing.confirm_import(**args, unit_mapping=mapping, digest=shown.digest)


def test_confirming_a_mapping_keeps_the_name_as_an_alias_of_the_unit_audited_with_the_person(plan, office_reviewer):
    from auditlog.models import LogEntry

    from measures import importing
    from units.models import UnitAlias

    args = {"user": office_reviewer, "data": brackets_docx(), "filename": "分工.docx", "file_sha256": "f" * 64}
    name = importing.preview_import(**args).new_names[0]
    tax = Unit.objects.get(name="市税务局")
    report = _preview_and_confirm(office_reviewer, brackets_docx(), {name: tax})
    assert report.aliases_remembered == [name]
    alias = UnitAlias.objects.get(name=name)
    assert alias.unit == tax
    entry = LogEntry.objects.get_for_object(alias).get()
    assert entry.actor == office_reviewer and entry.action == LogEntry.Action.CREATE
    # The next preview of the same wording finds it without asking.
    assert name not in importing.preview_import(**args).new_names


def test_a_name_mapped_to_a_group_is_kept_as_an_alias_of_the_group(plan, office_reviewer):
    from measures import importing
    from units.models import UnitGroup, UnitGroupAlias

    args = {"user": office_reviewer, "data": brackets_docx(), "filename": "分工.docx", "file_sha256": "f" * 64}
    name = importing.preview_import(**args).new_names[-1]
    districts = UnitGroup.objects.get(name="各区市县")
    report = _preview_and_confirm(office_reviewer, brackets_docx(), {name: districts})
    assert report.aliases_remembered == [name]
    assert UnitGroupAlias.objects.get(name=name).group == districts
    assert name not in importing.preview_import(**args).new_names


def test_a_refused_confirmation_remembers_no_alias(plan, office_reviewer):
    from measures import importing
    from units.models import UnitAlias

    args = {"user": office_reviewer, "data": brackets_docx(), "filename": "分工.docx", "file_sha256": "f" * 64}
    name = importing.preview_import(**args).new_names[0]
    tax = Unit.objects.get(name="市税务局")
    with pytest.raises(importing.PreviewStale):
        importing.confirm_import(**args, unit_mapping={name: tax}, digest="0" * 64)
    assert not UnitAlias.objects.filter(name=name).exists()


def test_remember_alias_leaves_a_name_the_directory_knows_alone(plan):
    from units.models import UnitAlias, UnitGroup
    from units.services import remember_alias

    tax, districts = Unit.objects.get(name="市税务局"), UnitGroup.objects.get(name="各区市县")
    taken = UnitAlias.objects.create(name="北湾某局(旧称)", unit=Unit.objects.exclude(pk=tax.pk).first())
    assert not remember_alias("市税务局", districts)  # a unit's own name
    assert not remember_alias("各区市县", tax)  # a group's name
    assert not remember_alias(taken.name, tax)  # another unit's alias: the administrator's choice stands
    assert UnitAlias.objects.get(name=taken.name).unit_id == taken.unit_id
    assert not remember_alias("市" * 101, tax)
    assert remember_alias(" 北湾市税务 ", tax) and UnitAlias.objects.get(name="北湾市税务").unit == tax


def test_a_mapped_name_is_not_asked_again_on_the_next_upload(office, plan):
    url = preview_url(upload(office, brackets_docx()))
    page = office.get(url).content.decode()
    first = new_names(page)
    name = first[0]
    tax = Unit.objects.get(name="市税务局")
    corrections = {"layout": "", "lead_rule": "", f"map-{name_key(name)}": f"unit:{tax.pk}"}
    page = office.post(url, {**corrections, "preview": "1", "digest": digest(page)}).content.decode()
    response = office.post(url, {**corrections, "import": "1", "confirm": "on", "digest": digest(page)})
    assert response.status_code == 302
    assert "记为所选单位的别名" in office.get(response["Location"]).content.decode()
    again = office.get(preview_url(upload(office, brackets_docx()))).content.decode()
    assert name not in new_names(again)
    # The names left alone were created by the import, so the directory knows them all now.
    assert new_names(again) == []
