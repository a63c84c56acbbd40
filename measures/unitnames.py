"""Splitting a written list of units into names, as other plans write them.

Pure functions, no database. Lists are split on 、,，;； outside brackets, so
"各区市县（先导区）" and "市委（市政府）办公室" stay whole; collective phrases that contain a
separator themselves ("各区、县级市") are kept whole; "X等有关部门" is X and the collective
"有关部门"; a name followed by 牵头 leads, one followed by 配合 / 负责 / 参与 does not say.
A name that cannot be a unit — it holds a field label or a colon, its brackets do not balance,
or it is a fragment — is returned as a problem for a person to look at, never as a name.
"""

import re
from dataclasses import dataclass

OPENING, CLOSING = "(（〔［[【", ")）〕］]】"
SEPARATORS = "、,，;；"
# Collective phrases written with a separator inside.
COMMA_COLLECTIVES = ("各区、县级市", "各区、市县", "各市、县、区", "各区、县", "各市、县")
_AND_OTHERS = re.compile(r"^(.+?)等((?:市直|省直|各|有关|相关|其他|其它).*)$")
_AND_OTHERS_PLAIN = re.compile(r"^(.+?)等(?:部门|单位)$")
_ROLE_SUFFIX = re.compile(r"(牵头|配合|参与|协同|按职责分工负责|分别负责|共同负责|负责|落实)+$")
_LABELS = re.compile(r"牵头单位|责任单位|责任部门|配合单位|协同单位|参与单位|完成时限|完成时间|[:：]")
_NOT_A_NAME = re.compile(r"\d{4}年|\d+月|完成|按照|根据|要求")


@dataclass(frozen=True)
class UnitName:
    name: str
    leads: bool = False  # written "X牵头"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def split_outside_brackets(text: str, separators: str = SEPARATORS) -> list[str]:
    """`text` split on `separators` that stand outside any bracket."""
    parts, depth, current = [], 0, []
    index = 0
    while index < len(text):
        protected = next((p for p in COMMA_COLLECTIVES if text.startswith(p, index)), None)
        if protected and depth == 0:
            current.append(protected)
            index += len(protected)
            continue
        char = text[index]
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(depth - 1, 0)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def problem_with(name: str) -> str:
    """Why `name` cannot be stored as a unit, or ""."""
    if _LABELS.search(name):
        return "含有字段名或冒号"
    if not _balanced(name):
        return "括号不成对"
    if len(name) < 2 or len(name) > 40 or _NOT_A_NAME.search(name) or name[0] in "的和及与等" or name[-1] in "的和及与":
        return "不像单位名称(可能是拆分残片)"
    return ""


def split_units(value: str) -> tuple[list[UnitName], list[str]]:
    """The names a unit list writes, in order, and the pieces that cannot be units (with why)."""
    names: list[UnitName] = []
    problems: list[str] = []
    for item in split_outside_brackets(value.replace("\n", "、")):
        item = item.strip().strip("。.").strip()
        leads = bool(re.search(r"牵头$", item))
        item = _ROLE_SUFFIX.sub("", item).strip()
        if not item:
            continue
        if and_others := _AND_OTHERS.match(item):
            pieces = [and_others.group(1), and_others.group(2)]
        elif and_others := _AND_OTHERS_PLAIN.match(item):
            pieces = [and_others.group(1)]
        else:
            pieces = [item]
        for piece in pieces:
            if problem := problem_with(piece):
                problems.append(f"“{piece}”{problem}")
            else:
                names.append(UnitName(piece, leads))
    return names, problems
