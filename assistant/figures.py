"""Figures (a number with its unit, as written) in report text, and the number guard for answers.

Not for deciding what a figure means beyond a short label read off the clause it stands in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Units seen in Chinese government reports, longest first so that 万平方米 wins over 平方米 and 家次 over 家.
_UNITS = ["周年", "万平方公里", "平方公里", "万平方米", "平方米", "亿美元", "万美元", "美元", "亿元", "万元", "元", "个百分点", "百分点", "万千瓦", "千瓦", "万吨", "吨", "公斤", "千克", "斤", "万公里", "公里", "千米", "米", "亩", "万人次", "人次", "万人", "人", "万户", "户", "家次", "家", "个", "名", "例", "项", "笔", "所", "次", "倍", "天", "小时", "周", "座", "条", "台", "套", "件", "批", "宗", "类", "位", "款", "部", "篇", "期", "栋", "张", "支", "场", "届", "岁", "辆", "剂", "年", "月", "日", "%"]
_MAGNITUDE = "(?:万亿|[万亿千百])?"
_ARABIC = r"\d+(?:\.\d+)?"
_CN_DIGITS = "一二两三四五六七八九十百千"
MAX_MEASURE_CHARS = 16  # a label, not a sentence: the words right before the figure

FIGURE_PATTERN = re.compile(
    rf"(?<![\d.])(?:{_ARABIC}(?:多|余)?{_MAGNITUDE}(?:多|余)?(?:{'|'.join(map(re.escape, _UNITS))})?"
    rf"|[{_CN_DIGITS}]+(?:成|倍|位数|个百分点)"
    rf"|第[{_CN_DIGITS}\d]+(?:次|名|位|批|届)"
    rf"|(?<=连续)[{_CN_DIGITS}]+(?:次|年|届|个月)"
    # Spans of time written in Chinese numerals (十年禁渔, 三年行动, 两个月): not 一年 (过去一年 is a phrase), not
    # 十四五 (no unit), not a part of a larger numeral word (第三年, 五年规划's 十四五…).
    rf"|(?<![{_CN_DIGITS}第])(?:[两二三四五六七八九]|十[一二三四五六七八九]?|[二三四五六七八九]十)(?:年|个月|周年)(?![{_CN_DIGITS}]))"
)
_DATE = re.compile(r"(?<!\d)\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{4}-\d{1,2}-\d{1,2}")
_NUMBER = re.compile(_ARABIC)
_CITATION_MARK = re.compile(r"\[\d+\]")
_CLAUSE_BREAK = re.compile(r"[,，;；。!！?？、:：(（)）《》“”]")
_CLAUSE_BREAK_IN_QUOTES = re.compile(r"[,，;；。!！?？、:：(（)）]")
_VERBS = re.compile(
    r"^(?:其中|共|累计|全年|新增|实现|完成|达到|达|超过|超|近|约|占|占比|为|是|有|获|获评|新认定|认定|推动|力争|争取|落地|引进|"
    r"吸引|撮合|挖掘实施|服务|办理|协调|派出|共派出|建成|建立|设立|安排|不少于|以上|以下|,|，)+"
)
_TRAILING_QUALIFIERS = re.compile(r"(?:近|约|超|超过|达|达到|仅|不到|共|累计|覆盖|总数达|为|是)+$")
_GROWTH = re.compile(r"(?:同比)?(?:增长|增速|下降|提高|提升|增加|减少)")


@dataclass(frozen=True)
class Figure:
    """A figure as written (e.g. 3453.8亿元), where it stands, and the clause label it measures."""

    text: str
    start: int
    end: int
    kind: str  # "amount", "percent", "count", "date", "ordinal", "ratio"
    measure: str


def _kind(text: str) -> str:
    if text.endswith(("%", "成")) or "百分点" in text:
        return "percent"
    if text.startswith("第"):
        return "ordinal"
    if text.endswith("元"):
        return "amount"
    if text.endswith(("倍", "位数")):
        return "ratio"
    return "count"


def find_figures(text: str) -> list[Figure]:
    """Every figure in the text with its unit, as written. Dates (2021年, 2022年2月17日) are marked kind 'date'."""
    return list(_find_figures(text))


@lru_cache(maxsize=8192)
def _find_figures(text: str) -> tuple[Figure, ...]:
    """find_figures, cached: answering looks at the same sentences and clauses many times."""
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for match in _DATE.finditer(text):
        figures.append(Figure(match.group(), match.start(), match.end(), "date", ""))
        taken.append(match.span())
    previous_measure = ""
    for match in FIGURE_PATTERN.finditer(text):
        start, end = match.span()
        if any(start < e and s < end for s, e in taken):
            continue
        figure_text = match.group()
        if not re.search(r"\d", figure_text) and not re.search(f"[{_CN_DIGITS}]", figure_text):
            continue
        measure = _measure(text, start)
        if measure and _GROWTH.fullmatch(measure) and previous_measure:
            measure = f"{previous_measure} {measure}"  # 同比增长13.9% measures the figure named just before it
        elif not measure:
            measure = _following(text, end)  # 新增8家省级企业技术中心: the words after the figure name it
        else:
            previous_measure = measure
        figures.append(Figure(figure_text, start, end, _kind(figure_text), measure))
    figures.sort(key=lambda f: f.start)
    return tuple(figures)


def _measure(text: str, start: int) -> str:
    """The words between the last clause break and the figure, without leading verbs: 完成规上工业总产值 → 规上工业总产值.
    Quotation marks end a label too (…》案例入选…), unless the label would then be empty (“重点研发机构”11家)."""
    label = ""
    for breaks in (_CLAUSE_BREAK, _CLAUSE_BREAK_IN_QUOTES):
        clause_start = max((m.end() for m in breaks.finditer(text, 0, start)), default=0)
        label = _TRAILING_QUALIFIERS.sub("", _VERBS.sub("", text[clause_start:start]).strip())
        if re.search(r"\w", label):
            break
    return label[-MAX_MEASURE_CHARS:]


def _following(text: str, end: int) -> str:
    following = _CLAUSE_BREAK.search(text, end)
    label = text[end : following.start() if following else len(text)]
    return re.sub(r"^(?:以上|以下|左右|多|余)", "", label).strip()[:MAX_MEASURE_CHARS]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def numbers_in(text: str) -> list[str]:
    """Arabic numbers in a text, ignoring citation marks like [1]."""
    return _NUMBER.findall(_CITATION_MARK.sub(" ", _fold(text)))


def contains_number(haystack: str, number: str) -> bool:
    """True when the number occurs as a whole number: 14 is not in 4148, 8 is not in 96.8."""
    pattern = rf"(?<![\d.])(?<!\d\.){re.escape(number)}(?![\d])(?!\.\d)"
    return re.search(pattern, _fold(haystack)) is not None


def unsupported_numbers(answer: str, sources: list[str]) -> list[str]:
    """Numbers in an answer that occur in none of the sources (cited paragraphs and the question): must be empty."""
    return [n for n in numbers_in(answer) if not any(contains_number(source, n) for source in sources)]
