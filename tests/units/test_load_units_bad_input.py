"""load_units refuses a directory file it cannot store — a NUL byte, raw or escaped, a lone
surrogate, bytes that are not UTF-8, broken JSON — with the line, in Chinese, writing nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from units.models import Unit

GOOD = {"units": [{"name": "市甲局", "kind": "government"}, {"name": "市乙局", "kind": "government"}]}


def load(tmp_path, data: bytes):
    path = tmp_path / "units.json"
    path.write_bytes(data)
    call_command("load_units", str(path))


def directory_text(second_name: str) -> str:
    data = {"units": [{"name": "市甲局", "kind": "government"}, {"name": second_name, "kind": "government"}]}
    return json.dumps(data, ensure_ascii=False, indent=1)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (directory_text("市乙局").replace("市乙局", "市乙\\u0000局"), "\\u0000"),
        (directory_text("市乙局").replace("市乙局", "市乙\\ud800局"), "\\ud800"),
    ],
    ids=["escaped NUL", "lone surrogate"],
)
def test_a_name_the_database_cannot_store_is_refused_with_its_line(no_directory, tmp_path, raw, fragment):
    with pytest.raises(CommandError) as error:
        load(tmp_path, raw.encode("utf-8"))
    message = str(error.value)
    assert f"第 {line_of(raw, fragment)} 行" in message and "未写入任何数据" in message
    assert not Unit.objects.exists()


def test_a_raw_nul_byte_is_refused_with_its_line(no_directory, tmp_path):
    raw = directory_text("市乙局").encode("utf-8").replace("市乙局".encode(), "市乙\x00局".encode())
    with pytest.raises(CommandError) as error:
        load(tmp_path, raw)
    assert f"第 {line_of(directory_text('市乙局'), '市乙局')} 行" in str(error.value) and "空字符" in str(error.value)
    assert not Unit.objects.exists()


def test_bytes_that_are_not_utf8_are_refused_with_their_line(no_directory, tmp_path):
    text = directory_text("市乙局")
    raw = text.encode("utf-8").replace("市乙局".encode(), "市乙局".encode("gb18030"))
    with pytest.raises(CommandError) as error:
        load(tmp_path, raw)
    assert f"第 {line_of(text, '市乙局')} 行" in str(error.value) and "不是 UTF-8 编码" in str(error.value)


def test_broken_json_is_refused_in_chinese_with_its_line(no_directory, tmp_path):
    raw = directory_text("市乙局").replace('"name": "市乙局"', '"name" "市乙局"')
    with pytest.raises(CommandError) as error:
        load(tmp_path, raw.encode("utf-8"))
    assert f"第 {line_of(raw, '市乙局')} 行" in str(error.value) and "不是有效的 JSON(缺少冒号)" in str(error.value)
    assert not Unit.objects.exists()


def test_a_clean_file_with_a_byte_order_mark_loads(no_directory, tmp_path):
    load(tmp_path, b"\xef\xbb\xbf" + json.dumps(GOOD, ensure_ascii=False).encode("utf-8"))
    assert set(Unit.objects.values_list("name", flat=True)) == {"市甲局", "市乙局"}
