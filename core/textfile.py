"""Reading the files operators import (a policy text, the unit directory) into text the database
can store, or a Chinese error naming the line that cannot be.

The file must be UTF-8 (a byte-order mark, as Windows Notepad writes, is dropped), and no string
may hold what PostgreSQL refuses to store: the NUL character, or — through a JSON escape — half
of a surrogate pair. Without these checks the import would stop with a traceback at the first
INSERT instead of saying where the file is wrong.
"""

import codecs
import json
import json.decoder
import json.scanner
from pathlib import Path


class UnreadableText(ValueError):
    """The file cannot be imported as it is; the message (Chinese) names the line."""


def read_text(path: Path) -> str:
    """The whole file as text, checked. Raises FileNotFoundError, UnreadableText."""
    return decode_text(path.read_bytes())


def decode_text(data: bytes) -> str:
    """Bytes as text, checked like `read_text` (an upload has no path). Raises UnreadableText."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableText(f"第 {line} 行不是 UTF-8 编码的文本(第 {exc.start + 1} 字节处无法解码)") from None
    if "\x00" in text:
        raise UnreadableText(f"第 {_line(text, text.index(chr(0)))} 行含有空字符(\\x00),文件可能已损坏或不是纯文本")
    return text


def read_json(path: Path):
    """The file's JSON, checked like `read_text`, every string included. Raises FileNotFoundError,
    UnreadableText."""
    text = read_text(path)
    decoder = json.JSONDecoder()
    decoder.parse_string = _checked_string  # the pure-Python scanner calls it for every value
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise UnreadableText(f"第 {exc.lineno} 行第 {exc.colno} 列不是有效的 JSON({_json_problem(exc.msg)})") from None


def _checked_string(text: str, end: int, strict: bool = True):
    value, after = json.decoder.scanstring(text, end, strict)
    if "\x00" in value:
        raise UnreadableText(f"第 {_line(text, end)} 行的字符串含有空字符(\\u0000),数据库无法保存")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UnreadableText(f"第 {_line(text, end)} 行的字符串含有不成对的代理字符(\\ud800—\\udfff)") from None
    return value, after


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


# The json module's messages, by how they begin.
JSON_PROBLEMS = {
    "Expecting value": "此处缺少值",
    "Expecting property name": "键名须用双引号括起",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Unterminated string": "字符串缺少结束的引号",
    "Invalid control character": "字符串中有控制字符",
    "Invalid \\u": "无效的 \\u 转义",
    "Invalid \\escape": "无效的转义",
    "Extra data": "结尾有多余的内容",
}


def _json_problem(message: str) -> str:
    return next((chinese for start, chinese in JSON_PROBLEMS.items() if message.startswith(start)), "格式错误")
