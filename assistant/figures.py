"""Figures (a number with its unit, as written) in report text, and the number guard for answers.

Not for deciding what a figure means beyond a short label read off the clause it stands in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Units seen in Chinese government reports, longest first so that 万平方米 wins over 平方米 and 家次 over 家.
_UNITS = ["周年", "万平方公里", "平方公里", "万平方米", "平方米", "亿美元", "万美元", "美元", "亿元", "万元", "元", "个百分点", "百分点", "万千瓦时", "万千瓦", "千瓦时", "千瓦", "吉瓦时", "吉瓦", "兆瓦时", "兆瓦", "亿立方米", "万立方米", "立方米", "标箱", "英寸", "纳米", "万吨", "吨", "公斤", "千克", "斤", "万公里", "公里", "千米", "米", "亩", "万人次", "人次", "万人", "人", "万户", "户", "家次", "家", "个", "名", "例", "项", "笔", "所", "次", "倍", "天", "小时", "周", "座", "条", "台", "套", "件", "批", "宗", "类", "位", "款", "部", "篇", "期", "栋", "张", "支", "场", "届", "岁", "辆", "剂", "架次", "架", "列", "趟", "艘", "头", "只", "株", "棵", "年", "月", "日", "%", "％"]
_MAGNITUDE = "(?:万亿|[万亿千百])?"
_ARABIC = r"\d+(?:\.\d+)?"
_CN_DIGITS = "一二两三四五六七八九十百千"

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


@dataclass(frozen=True)
class Figure:
    """A figure as written (e.g. 3453.8亿元), where it stands, and the clause label it measures."""

    text: str
    start: int
    end: int
    kind: str  # "amount", "percent", "count", "date", "ordinal", "ratio"
    measure: str


def _kind(text: str) -> str:
    if text.endswith(("%", "％", "成")) or "百分点" in text:  # ％: a full-width sign, as some reports write it
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
    dates = [(m.start(), m.end()) for m in _DATE.finditer(text)]
    spans = []
    for match in FIGURE_PATTERN.finditer(text):
        start, end = match.span()
        if any(start < e and s < end for s, e in dates):
            continue
        if text[end : end + 1] == "号" and match.group().isdigit():
            continue  # a number that names (15号线, 1号文件, 长安号), not a figure
        if re.search(rf"[\d{_CN_DIGITS}]", match.group()):
            spans.append((start, end))
    figures = [Figure(text[s:e], s, e, "date", "") for s, e in dates]
    figures += [Figure(text[s:e], s, e, _kind(text[s:e]), label) for (s, e), label in zip(spans, _labels(text, spans))]
    figures.sort(key=lambda f: f.start)
    return tuple(figures)


# ---- labels -----------------------------------------------------------------------------------------------------
# A figure's label is the measure it belongs to, read from its own clause: the text between ，；。：（） (breaks inside
# quotation marks do not count; 、 and 和 join the items of one clause). A figure either closes what it measures
# (完成规上工业总产值3453.8亿元: the words before it, its head) or counts the noun right after it (新增8家省级企业技术中心、
# 10家…: the words after it, its tail, up to the next item of the list). A head that names no subject of its own, only
# how a measure moved or what share it is (同比增长13.9%, 约占全市42%, 总数达29家), belongs to the subject named
# before it in the same sentence: 规上工业总产值 同比增长. The words listed below are closed classes (clause openers,
# quantity predicates, words of change and share), never measures.
MAX_LABEL_CHARS = 32  # longer labels lose their first list items, cut at a 、 or a word boundary, never inside a word
_CLAUSE_END = re.compile(r"[,，;；。!！?？:：()（）]")
_SENTENCE_END = re.compile(r"[。!！?？]")
_QUOTED = re.compile(r"“[^“”]*”|‘[^‘’]*’|《[^《》]*》|「[^「」]*」|『[^『』]*』|\"[^\"]*\"")
_QUOTE_PAIRS = ("“”", "‘’", "《》", "「」", "『』")
_QUOTE_OPENERS = "“‘《「『\""
# Words that open a clause without naming what it measures (其中实现区级一般公共预算收入 → 区级一般公共预算收入).
_OPENERS = re.compile(r"^(?:[、,，\s]|其中|全年|年末|今年|去年|累计|共计|总计|合计|实现|完成|达到|超过|力争|争取|预计)+")
# Quantity predicates between a measure and its figure (固定资产投资完成332.5亿元, 各新增1家, 增速均超过两位数,
# 失业率全年控制在5.5%以内), taken off the end one at a time; a one-character one only where it is not the end of a word
# (平均为5.1% keeps 平均, 接近 keeps 接近).
_PREDICATE = re.compile(r"(?:[、,，\s]|(?:保持|控制|稳定|提高|提升|增加|降低|下降|扩大|减少)(?:到|至|在)|累计|新增|完成|实现|达到|超过|"
                        r"突破|不到|不足|不少于|全年|分别|拟按|共计|总计|合计|各|均|都|共|达|超|约|近|仅|为|是|按|拟|再)$")
# A clause about change or share only: it measures the subject before it.
_RELATIVE = re.compile(r"^(?:同比|比上年|较上年|比去年|较去年|增长|增速|增幅|下降|提高|提升|增加(?!值)|减少|占|比重|规模|总数|总量|"
                       r"总额|年度计划|计划)")
_CHANGE_AT_END = re.compile(r"\s*(?:同比|比上年|较上年)?(?:增长|增速|增幅|下降|提高|提升|增加|减少)$")
# What may stand between a counting figure and its noun (30%以上的规上企业, 65万平方米的主厂房).
_COUNTED_OPENER = re.compile(r"^(?:以上|以下|左右|的)+")
_LIST_JOIN_AT_END = re.compile(r"(?:、|以及|和|与|及|或)$")
_NOUN_FLAGS = ("n", "l", "j", "b", "x", "eng", "s")  # jieba's nouns, idioms, abbreviations, attributes, unknown words


def _labels(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The label of each figure at `spans` (in order) in the text."""
    quoted = [m.span() for m in _QUOTED.finditer(text)]

    def outside_quotes(matches):
        return [m.start() for m in matches if not any(a < m.start() < b - 1 for a, b in quoted)]

    ends = outside_quotes(_CLAUSE_END.finditer(text))
    sentence_ends = outside_quotes(_SENTENCE_END.finditer(text))
    # A bare number glued to the words after it is part of a name (50强, 6代项目, 4399等): the words around it
    # belong to the figures before and after it.
    items = [(s, e) for s, e in spans if not re.fullmatch(r"[\d.]+", text[s:e]) or not re.match(r"\w", text[e : e + 1])]
    labels, subject, counted = [], "", ""
    for start, end in spans:
        clause_start = max((e + 1 for e in ends if e < start), default=0)
        clause_end = min((e for e in ends if e >= end), default=len(text))
        before = [e for _, e in items if e <= start]
        after = [s for s, _ in items if end <= s < clause_end]
        if before and any(before[-1] <= e < start for e in sentence_ends):
            subject = ""
        tail = text[end : after[0] if after else clause_end]
        head = _head(text[max([clause_start, *before]) : start])
        label = counted_noun = _counted(tail, bool(after))
        bare = not label and (not head or _RELATIVE.match(head) is not None)
        if bare:  # 同比增长13.9%: the subject before it grew
            label = f"{subject} {head}".strip() if subject else head or _plain(tail)
        elif not label and head == counted:  # 1500亩工业用地仅42天就完成全过程审批: 工业用地 is what 1500亩 counts
            label = _plain(tail)
        elif not label:
            label = _without_leading_verbs(head)
            if not _has_noun(label):  # 共派出3名委领导: the head names nothing
                label = _plain(tail) or label
        if not bare and (start, end) in items:
            subject = _without_predicates(_CHANGE_AT_END.sub("", label)) or label
        counted = counted_noun if after else ""
        labels.append(_shortened(label))
    return labels


@lru_cache(maxsize=16384)
def _pos(text: str) -> tuple[tuple[str, str], ...]:
    import jieba.posseg as pseg

    return tuple((w.word, w.flag) for w in pseg.cut(text, HMM=False))


def _is_noun(word: str, flag: str) -> bool:
    return flag.startswith(_NOUN_FLAGS) and not (flag == "x" and (len(word) < 2 or not re.search(r"\w", word)))


def _has_noun(text: str) -> bool:
    return any(_is_noun(w, f) or f == "vn" for w, f in _pos(text))


def _counted(tail: str, followed: bool) -> str:
    """The noun a counting figure is followed by (8家|省级企业技术中心), up to the next item of its list; '' when the
    figure is not followed by a noun (13.9%。, 第三次|获得…, 42天|就完成…)."""
    words = _COUNTED_OPENER.sub("", tail).strip()
    if not words:
        return ""
    if not words.startswith(tuple(_QUOTE_OPENERS)) and not re.match(r"[A-Za-z]", words):
        word, flag = _pos(words[:8])[0]
        if not _is_noun(word, flag):
            return ""
    if followed:
        joined = _LIST_JOIN_AT_END.search(words)
        if joined:  # 8家省级企业技术中心、10家…: the next figure starts the next item
            words = words[: joined.start()]
        else:  # 12个省重点项目完成投资189.35亿元: the noun counted, not what the next figure measures
            words = _noun_phrase(words)
    return _without_predicates(words)


def _noun_phrase(words: str) -> str:
    """The words up to the first verb after a noun: 省重点项目|完成投资."""
    kept, seen_noun = [], False
    for word, flag in _pos(words):
        if seen_noun and flag == "v":
            break
        seen_noun = seen_noun or _is_noun(word, flag)
        kept.append(word)
    return "".join(kept)


def _head(words: str) -> str:
    """The words before a figure without clause openers, leading adverbs and quantity predicates: 约占全市 → 占全市."""
    words = _OPENERS.sub("", words.strip())
    tokens = _pos(words) if words else ()
    skipped = 0
    while skipped < len(tokens) and len(tokens[skipped][0]) == 1 and tokens[skipped][1][0] in "dcu":
        # 约占全市, 均同比下降, 和…, 等…
        skipped += 1
    words = "".join(w for w, _ in tokens[skipped:])
    return _without_predicates(words)


def _without_predicates(words: str) -> str:
    """The words without the quantity predicates they end in: 国家级高企超 → 国家级高企, 总数达 → 总数."""
    words = words.strip()
    while match := _PREDICATE.search(words):
        if len(match.group()) == 1 and match.start() and _ends_a_word(words):
            break
        words = words[: match.start()].strip()
    return words


def _ends_a_word(words: str) -> bool:
    """Is the last character the end of a longer word (平均为 → 平均, not 占比达 → 占比|达)? jieba cuts it into one, and
    not as a name or an unknown word (jieba reads 比达 and 高企超 as names: 达 and 超 are taken off)."""
    word, flag = _pos(words)[-1]
    return len(word) > 1 and not flag.startswith(("nr", "x"))


def _plain(tail: str) -> str:
    """The words after a figure as a label, when no noun is counted: 就完成全过程审批 → 完成全过程审批."""
    return _head(_COUNTED_OPENER.sub("", tail))


def _without_leading_verbs(words: str) -> str:
    """Drop the verbs a clause opens with while nouns follow them: 推动中航锂电…等重点企业增资 → 中航锂电…等重点企业增资,
    获评市首批“重点研发机构” → 市首批“重点研发机构”; 信访处置率 (jieba reads only verbs) is kept whole."""
    tokens = _pos(words)
    first, after_verb = 0, False
    while first < len(tokens) - 1:
        flag = tokens[first][1]
        if not (flag == "v" or (after_verb and flag in ("p", "d"))):
            break
        if not any(_is_noun(w, f) or f == "vn" for w, f in tokens[first + 1 :]):
            break
        first, after_verb = first + 1, True
    return "".join(w for w, _ in tokens[first:]) if tokens else words


def _shortened(label: str) -> str:
    """At most MAX_LABEL_CHARS, losing whole list items or words from the front, never part of a word; a quotation
    mark whose partner stands outside the clause is dropped (获“2021中国领军智慧园区”奖 → 中国领军智慧园区奖)."""
    for opening, closing in _QUOTE_PAIRS:
        if label.count(opening) != label.count(closing):
            label = label.replace(opening, "").replace(closing, "")
    if len(label) <= MAX_LABEL_CHARS:
        return label
    for match in re.finditer(r"[、，,》”]", label):
        if len(label) - match.end() <= MAX_LABEL_CHARS:
            return label[match.end() :].strip()
    import jieba

    words = jieba.lcut(label)
    while len("".join(words)) > MAX_LABEL_CHARS and len(words) > 1:
        words.pop(0)
    return "".join(words)


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def numbers_in(text: str) -> list[str]:
    """Arabic numbers in a text, ignoring citation marks like [1]."""
    return _NUMBER.findall(_CITATION_MARK.sub(" ", _fold(text)))


def contains_number(haystack: str, number: str) -> bool:
    """True when the number occurs as a whole number: 14 is not in 4148, 8 is not in 96.8. (A scan, not a pattern
    made for each number: compiling one took longer than the whole search.)"""
    text = _fold(haystack)
    at = text.find(number)
    while at >= 0:
        before, after = text[at - 1 : at] if at else "", text[at + len(number) : at + len(number) + 2]
        if not (before.isdecimal() or before == ".") and not after[:1].isdecimal() \
                and not (after[:1] == "." and after[1:2].isdecimal()):
            return True
        at = text.find(number, at + 1)
    return False


def unsupported_numbers(answer: str, sources: list[str]) -> list[str]:
    """Numbers in an answer that occur in none of the sources (cited paragraphs and the question): must be empty."""
    return [n for n in numbers_in(answer) if not any(contains_number(source, n) for source in sources)]
