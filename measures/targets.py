"""Finding the quantified targets (量化指标) in a measure's text.

Pure functions, no database. A target is a number with a unit of measure (3.5个工作日,
80%, 30期 …) inside one clause; the clause's cue words give the comparator, the
nearest date phrase before it (or 每年) gives when it is due, and the rest of the
clause names the metric. Durations (6个月) and thresholds ("超过100人的企业") are not
targets. A clause that leaves the metric out ("2020年底前达到90%")
takes the metric of the target before it with the same unit; a clipped metric
("时间") takes the longer one it ends with ("企业开办时间").
"""

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from measures.models import Comparator, Recurrence

from .dates import find_date_phrases, normalize, split_sentences

# 个 before 月 is a duration (6个月), never a count.
_QUANTITY = re.compile(r"(?P<value>\d+(?:\.\d+)?)(?P<unit>个工作日|工作日|%|个(?!月)|期|人|天|家|项|次)")
# "超过100人的企业", "50家以上的园区": a number that describes what the sentence is about.
_THRESHOLD = re.compile(r"^(?:以上|以下|以内)?的")
_CLAUSE_BREAK = re.compile(r"[,;:()、]")
_AFTER_CUES = [("以内", Comparator.AT_MOST), ("以下", Comparator.AT_MOST), ("内", Comparator.AT_MOST),
               ("以上", Comparator.AT_LEAST), ("左右", Comparator.ABOUT)]  # fmt: skip
_BEFORE_CUES = [
    *[(verb, Comparator.AT_MOST) for verb in ("不超过", "不多于", "控制在")],
    *[(verb + to, Comparator.AT_MOST) for verb in ("压缩", "精简", "缩短", "减少", "降") for to in ("到", "至", "为")],
    *[(verb, Comparator.AT_LEAST) for verb in ("不低于", "不少于", "达到")],
    *[(verb + to, Comparator.AT_LEAST) for verb in ("提高", "提升", "增加", "扩大") for to in ("到", "至", "为")],
]
_BEFORE_CUES.sort(key=lambda cue: -len(cue[0]))  # longest cue first: 压缩到 before 到


@dataclass(frozen=True)
class FoundTarget:
    metric: str
    comparator: str
    value: Decimal
    unit: str
    due: date | None
    recurrence: str
    source_text: str


def _clause_around(sentence: str, start: int, end: int) -> tuple[str, str]:
    """The text of the clause before and after the quantity at sentence[start:end]."""
    breaks_before = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)]
    clause_start = breaks_before[-1] if breaks_before else 0
    next_break = _CLAUSE_BREAK.search(sentence, end)
    clause_end = next_break.start() if next_break else len(sentence)
    return sentence[clause_start:start], sentence[end:clause_end].rstrip("。")


def _without_dates(text: str) -> str:
    for phrase in reversed(find_date_phrases(text, context_year=2000)):
        text = text[: phrase.start] + text[phrase.end :]
    return text


def _comparator_and_metric(before: str, after: str) -> tuple[str, str]:
    comparator = Comparator.EQUAL
    for cue, cue_comparator in _AFTER_CUES:
        if after.startswith(cue):
            comparator, after = cue_comparator, after[len(cue) :]
            break
    before = _without_dates(before).strip()
    if "将" in before:  # 将 X 压缩到 N: the metric is X
        before = before.split("将", 1)[1]
    for cue, cue_comparator in _BEFORE_CUES:
        if before.endswith(cue):
            before = before[: -len(cue)]
            if comparator == Comparator.EQUAL:
                comparator = cue_comparator
            break
    return comparator, (before + after).strip()


def find_targets(text: str, *, default_due: date | None = None, context_year: int | None = None) -> list[FoundTarget]:
    """Every quantified target in `text`, in order of appearance."""
    normalized = normalize(text)
    found: list[FoundTarget] = []
    for offset, sentence in split_sentences(normalized):
        phrases = find_date_phrases(sentence, context_year)
        for match in _QUANTITY.finditer(sentence):
            if _THRESHOLD.match(sentence[match.end() :]):
                continue
            before, after = _clause_around(sentence, match.start(), match.end())
            comparator, metric = _comparator_and_metric(before, after)
            governing = [p for p in phrases if p.start < match.start()]
            last = governing[-1] if governing else None
            yearly = bool(last and last.yearly)
            metric = metric.replace("每年", "")
            unit = "工作日" if match["unit"] == "个工作日" else match["unit"]
            found.append(
                FoundTarget(
                    metric=metric,
                    comparator=comparator,
                    value=Decimal(match["value"]),
                    unit=unit,
                    due=None if yearly else (last.due if last else default_due),
                    recurrence=Recurrence.YEARLY if yearly else "",
                    source_text=text[offset : offset + len(sentence)].strip(),
                )
            )
    return _complete_metrics(found)


def _complete_metrics(found: list[FoundTarget]) -> list[FoundTarget]:
    completed: list[FoundTarget] = []
    for target in found:
        same_unit = [t for t in found if t.unit == target.unit and t.metric and t is not target]
        longer = [
            t.metric for t in same_unit if t.metric.endswith(target.metric) and len(t.metric) > len(target.metric)
        ]
        if target.metric and longer:
            target = replace(target, metric=longer[0])
        elif not target.metric:
            earlier = [t.metric for t in completed if t.unit == target.unit and t.metric]
            target = replace(target, metric=earlier[-1] if earlier else "")
        completed.append(target)
    return completed
