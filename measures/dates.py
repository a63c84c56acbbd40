"""Reading the document's date words (完成时限 and dated sentences of a body).

Pure functions, no database: the importer calls them, and so do the property tests.

年底前 = by 31 Dec; N月底前 = by the last day of month N; 上半年 = by 30 Jun;
下半年 = by 31 Dec; 第N季度 = by the quarter's last day; 到YYYY年 = by 31 Dec;
每年 = every year; 长期推进 = ongoing; 按序时进度推进 = per the lead unit's schedule;
…前取得阶段性成果 = a phase result by that date. Other plans also write 持续推进 / 长期坚持
(ongoing), 每季度 (a recurring duty, kept as ongoing with its words), a range whose end is the due
date (2025年3月至12月: the start is recorded in the description), "2025年起3年内" (by 31 Dec 2027)
and "自印发之日起6个月内" (counted from the issue date the signature gives).
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .models import MilestoneKind

# Full-width punctuation → ASCII, one character for one, so offsets stay valid.
_PUNCTUATION = str.maketrans("，：；（）．", ",:;().")

_DATE = re.compile(
    r"""
    (?P<to>到)?
    (?:(?P<year>\d{4})年)?
    (?:
        (?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日|底|末)?
      | (?P<half>上半年|下半年)
      | 第?(?P<quarter>[一二三四1-4])季度(?:末|底)?
      | (?P<yearend>年?底|年?末)
    )?
    (?P<before>前)?
    """,
    re.VERBOSE,
)
_YEARLY = "每年"
_ONGOING = "长期推进"
# Other words for an ongoing duty; each is kept as written in the milestone's description.
_ONGOING_WORDS = re.compile(r"长期推进|持续推进|长期坚持|长期执行|常态化推进|每季度|每月|每半年")
_RANGE_JOIN = re.compile(r"^\s*(?:至|到|—|–|－|-|~|～)\s*$")
_YEARS_FROM = re.compile(r"(?P<year>\d{4})年起(?P<count>\d{1,2}|[一二三四五六七八九十])年内")
_FROM_ISSUE = re.compile(r"自?(?:印发|发布|公布)之日起(?P<count>\d{1,2}|[一二三四五六七八九十]{1,2})个月内?")
_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}
_PER_SCHEDULE = "按序时进度推进"
_PHASE = "取得阶段性成果"
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# What a deadline that only gives a date asks for: the measure itself, done.
WHOLE_MEASURE = "完成本项举措"


def normalize(text: str) -> str:
    return text.translate(_PUNCTUATION)


@dataclass(frozen=True)
class DatePhrase:
    start: int
    end: int
    due: date | None  # None for 每年
    yearly: bool = False


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _phrase_due(match: re.Match, context_year: int | None) -> date | None:
    year = int(match["year"]) if match["year"] else context_year
    if year is None:
        return None
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            return None
        if match["day"]:
            try:
                return date(year, month, int(match["day"]))
            except ValueError:
                return None
        return _month_end(year, month)
    if match["half"]:
        return date(year, 6, 30) if match["half"] == "上半年" else date(year, 12, 31)
    if match["quarter"]:
        return _month_end(year, _QUARTERS[match["quarter"]] * 3)
    return date(year, 12, 31)


def find_date_phrases(text: str, context_year: int | None = None) -> list[DatePhrase]:
    """Every date phrase in `text`, in order. A phrase without a year takes the year of
    the phrase before it, or `context_year`; without either it is not a date."""
    text = normalize(text)
    phrases: list[DatePhrase] = []
    year = context_year
    for match in _DATE.finditer(text):
        has_year = bool(match["year"])
        # A bare "N月底前" or "年底前" counts only with 底/末/前 or a day: "3个月" is no date.
        anchored = has_year or (match["month"] and (match["before"] or "底" in match[0] or match["day"]))
        anchored = anchored or (match["yearend"] and match["before"])
        # The end of a range written without its year: 2025年3月至12月.
        anchored = anchored or bool(
            match["month"] and phrases and _RANGE_JOIN.match(text[phrases[-1].end : match.start()])
        )
        if not match[0] or not anchored or (match["to"] and not has_year and not match["month"]):
            continue
        due = _phrase_due(match, year)
        if due is None:
            continue
        year = due.year
        phrases.append(DatePhrase(match.start(), match.end(), due))
    for match in re.finditer(_YEARLY, text):
        phrases.append(DatePhrase(match.start(), match.end(), None, yearly=True))
    return sorted(phrases, key=lambda p: p.start)


@dataclass(frozen=True)
class DeadlineClause:
    kind: str  # a MilestoneKind value
    due: date | None
    description: str
    source_text: str


def _strip_clause(text: str) -> str:
    return text.strip(" ,;:。.\n\t")


def _remove_keyword(text: str, keyword: str) -> str:
    return _strip_clause(re.sub(rf"[,;]?\s*{keyword}", "", text))


def _count(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    tens, _, ones = text.rpartition("十")
    return (_CHINESE_DIGITS.get(tens, 1) * 10 if "十" in text else 0) + _CHINESE_DIGITS.get(ones, 0)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _counted_deadlines(text: str, issued: date | None) -> tuple[list[tuple[int, DeadlineClause]], str]:
    """Deadlines counted from a year or from the issue date, and the text with them blanked out
    (same length, so offsets stay valid) so their numbers are not read as dates again."""
    found = []
    for match in _YEARS_FROM.finditer(text):
        due = date(int(match["year"]) + _count(match["count"]) - 1, 12, 31)
        found.append((match.start(), DeadlineClause(MilestoneKind.DATED, due, WHOLE_MEASURE, match[0])))
    for match in _FROM_ISSUE.finditer(text):
        if issued is None:
            continue  # without the issue date there is nothing to count from: left unread, flagged
        due = _add_months(issued, _count(match["count"])) - timedelta(days=1)
        found.append((match.start(), DeadlineClause(MilestoneKind.DATED, due, WHOLE_MEASURE, match[0])))
    for start, clause in found:
        text = text[:start] + " " * len(clause.source_text) + text[start + len(clause.source_text) :]
    return found, text


def parse_deadline_text(raw: str, context_year: int | None = None, issued: date | None = None) -> list[DeadlineClause]:
    """The milestones a 完成时限 line states, in the order written.

    Returns [] when the text says nothing this parser understands; the importer flags that.
    """
    text = normalize(raw).strip()
    raw = raw.strip()
    counted, text = _counted_deadlines(text, issued)
    clauses: list[DeadlineClause] = [clause for _, clause in sorted(counted, key=lambda item: item[0])]
    phrases = [p for p in find_date_phrases(text, context_year) if not p.yearly]
    ongoing = [match[0] for match in _ONGOING_WORDS.finditer(text)]
    per_schedule = _PER_SCHEDULE in text

    starts: dict[int, str] = {}
    for index, phrase in enumerate(phrases[:-1]):
        following = phrases[index + 1]
        if _RANGE_JOIN.match(text[phrase.end : following.start]) and following.due and phrase.due:
            # A range: the end is the due date; its start is recorded, never taken as a deadline.
            starts[index + 1] = raw[phrase.start : phrase.end]
    for index, phrase in enumerate(phrases):
        if index + 1 in starts:
            continue
        segment_end = phrases[index + 1].start if index + 1 < len(phrases) else len(text)
        segment = text[phrase.end : segment_end]
        first = phrases[index - 1].start if index in starts else phrase.start
        source = _strip_clause(raw[first:segment_end])
        description = _strip_clause(re.sub(rf"[,;]?\s*(?:{_ONGOING_WORDS.pattern})", "", segment))
        description = _remove_keyword(description, _PER_SCHEDULE)
        if description in ("完成", "前完成"):
            description = ""
        if index in starts:
            description = f"{description or WHOLE_MEASURE}(自{starts[index]}起)"
        if _PHASE in description:
            clauses.append(DeadlineClause(MilestoneKind.PHASE, phrase.due, description, source))
        else:
            clauses.append(DeadlineClause(MilestoneKind.DATED, phrase.due, description or WHOLE_MEASURE, source))
    if _YEARLY in text:
        clauses.append(DeadlineClause(MilestoneKind.YEARLY, None, _strip_clause(text), _strip_clause(raw)))
    if per_schedule:
        clauses.append(DeadlineClause(MilestoneKind.PER_SCHEDULE, None, _PER_SCHEDULE, _PER_SCHEDULE))
    for word in dict.fromkeys(ongoing):
        clauses.append(DeadlineClause(MilestoneKind.ONGOING, None, word, word))
    return clauses


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Sentences of a body (ending in 。), each with its offset in `text`."""
    sentences = []
    start = 0
    for match in re.finditer(r"[^。\n]+[。]?", text):
        sentence = match.group(0).strip()
        if sentence:
            sentences.append((match.start() + start, sentence))
    return sentences


def parse_body_dates(body: str, context_year: int | None = None) -> list[DeadlineClause]:
    """Dated and yearly commitments inside a measure's body, one per date phrase,
    described by the whole sentence they sit in (a date mid-sentence governs all of it)."""
    clauses = []
    for _, sentence in split_sentences(body):
        for phrase in find_date_phrases(sentence, context_year):
            described = _strip_clause(sentence)
            if phrase.yearly:
                clauses.append(DeadlineClause(MilestoneKind.YEARLY, None, described, described))
            else:
                clauses.append(DeadlineClause(MilestoneKind.DATED, phrase.due, described, described))
    return clauses
