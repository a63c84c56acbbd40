"""import_policy refuses a file it cannot store — a NUL byte, bytes that are not UTF-8 — with the
line they are on, in Chinese, and writes nothing (never a traceback)."""

import pytest
from django.core.management import CommandError, call_command

from measures.models import Measure, PolicyDocument

from ..conftest import seed_text


def import_bytes(tmp_path, data: bytes):
    path = tmp_path / "policy.txt"
    path.write_bytes(data)
    call_command("import_policy", str(path))


def seed_lines():
    return seed_text().encode("utf-8").split(b"\n")


def with_line_replaced(number: int, line: bytes) -> bytes:
    lines = seed_lines()
    lines[number - 1] = line
    return b"\n".join(lines)


def test_a_nul_byte_is_refused_with_its_line_number(empty_world, tmp_path):
    line = seed_lines()[35].decode()  # 牵头单位:市工商局、市公安局、市税务局
    with pytest.raises(CommandError) as error:
        import_bytes(tmp_path, with_line_replaced(36, (line[:9] + "\x00" + line[9:]).encode()))
    assert "第 36 行" in str(error.value) and "空字符" in str(error.value)
    assert "未写入任何数据" in str(error.value)
    assert not PolicyDocument.objects.exists() and not Measure.objects.exists()


def test_bytes_that_are_not_utf8_are_refused_with_their_line_number(empty_world, tmp_path):
    with pytest.raises(CommandError) as error:
        import_bytes(tmp_path, with_line_replaced(40, "完成时限:2018年底前".encode("gb18030")))
    assert "第 40 行" in str(error.value) and "不是 UTF-8 编码" in str(error.value)
    assert not PolicyDocument.objects.exists()


def test_a_byte_order_mark_is_not_part_of_the_title(empty_world, tmp_path):
    """What Windows Notepad writes at the start of a UTF-8 file."""
    import_bytes(tmp_path, b"\xef\xbb\xbf" + seed_text().encode("utf-8"))
    assert PolicyDocument.objects.get().title.startswith("关于")
