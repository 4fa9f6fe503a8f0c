"""A cited, exact-figure question-answering assistant for Chinese government work reports.

    from assistant import Assistant
    bot = Assistant.load()                       # index/ for seeds/, built or rebuilt when missing or stale
    bot.ask("2021年规上工业总产值是多少?", history=[]).to_dict()
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import index as indexmod
from .answer import TARGET_WORDS, Answer, Answerer
from .asked import several_things
from .document import FIVE_YEAR_PLANS, Document, Paragraph
from .embed import get_embedder
from .figures import Figure, find_figures
from .retrieve import PERIOD_WORDS, Retriever, split_question, understand
from .scope import named_reports, names_a_report, profiles, resolve
from .settings import Settings, default_settings
from .text import not_a_question, topic_nouns, without_asides

__all__ = ["MAX_QUESTION_CHARS", "Answer", "Assistant", "FigureRow", "compare_figures", "figures_matching", "measure_key",
           "recurring_measures", "validate_question"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = ROOT / "seeds"
DEFAULT_INDEX = ROOT / "index"
MAX_QUESTION_CHARS = 500  # a longer text is not a question; it is cut here and the answer says so
MAX_HISTORY_ITEMS = 10
# Said in the answer when a question was cut; the note says where. No digits: every number in an answer must be in a
# cited paragraph or in the question (the number guard), and this one is in neither.
CUT_NOTICE = "（问题太长，只回答了它的开头部分。）"
SENTENCE_CANDIDATES = 8  # paragraphs whose sentences compete for the answer
SECTION_CANDIDATES = 16  # paragraphs that vote for the section of a 哪些工作/安排 question
MAX_REPORTS_COMPARED = 3  # with several reports and no pick, the best-ranked ones each answer and are compared
MAX_MEASURES = 200  # the measures offered for comparison: those found in most reports and years first


@dataclass(frozen=True)
class FigureRow:
    """One figure of a report for the figure desk: as written, the clause it stands in, and where it is."""

    figure: str
    kind: str
    measure: str
    clause: str
    sentence: str
    part: str
    section: str  # the section heading, else the paragraph's own lead (主要经济指标平稳增长); "" when it has neither
    paragraph_id: str
    paragraph_text: str
    start: int  # offset of the figure in paragraph_text
    end: int
    report: str = ""  # document key
    report_name: str = ""
    year: str = ""  # the year its part is about (2021), or a five-year plan's years (2021–2025); "" when unknown
    role: str = ""  # "目标" (a target, in plans or with 力争/预期) or "结果" (a result); "" when unknown


def _clean(text: str) -> str:
    """Drop control characters (NUL and friends) and unpaired surrogates; keep everything a person can type."""
    text = text.encode("utf-8", "replace").decode("utf-8") if isinstance(text, str) else str(text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Cf"))


NOT_A_QUESTION = {  # what a greeting, code or a lone English word gets instead of an answer
    "greeting": "您好！请直接问报告里的内容，例如：去年规上工业总产值是多少？今年有哪些重点工作？"
                "Hello! Ask about what the report says, e.g. “What is this year's growth target?”",
    "code": "这看起来不是一个问题。请用一句话提问，例如：今年的GDP增长目标是多少？ This looks like code, not a question.",
    "word": "请输入完整的问题，例如：今年的GDP增长目标是多少？ Please ask a whole question, e.g. “What is this year's GDP target?”",
}


def validate_question(question) -> tuple[str, str]:
    """The question to answer and a message for the user ('' when all is well). An empty question returns ('', msg)."""
    if isinstance(question, bytes):
        question = question.decode("utf-8", "replace")
    if not isinstance(question, str):
        return "", "问题必须是文字。Please send the question as text."
    question = " ".join(_clean(question).split())
    if not question or not any(ch.isalnum() for ch in question):
        return "", "请输入一个问题，例如：去年规上工业总产值是多少？ Please type a question."
    if len(question) > MAX_QUESTION_CHARS:
        return question[:MAX_QUESTION_CHARS], f"问题太长，只使用了前{MAX_QUESTION_CHARS}个字。"
    kind = not_a_question(question)
    if kind:
        return "", NOT_A_QUESTION[kind]
    return question, ""


def _history(history) -> list[str]:
    """The earlier questions, cleaned, last MAX_HISTORY_ITEMS: a string is one question; what is not a question
    (None, a number, unreadable bytes) is skipped; a history that is not a collection at all counts as none."""
    if isinstance(history, (str, bytes)):
        history = [history]
    try:
        items = list(history if isinstance(history, (list, tuple)) else itertools.islice(history, 1000))
    except TypeError:
        items = []
    return [h for h in (validate_question(h)[0] for h in items[-MAX_HISTORY_ITEMS:]) if h]


def default_paths(seeds_dir=None, index_dir=None) -> tuple[Path, Path]:
    """The reports folder and the index folder: as given, else $ASSISTANT_SEEDS / $ASSISTANT_INDEX, else the repo's."""
    seeds = Path(seeds_dir or os.environ.get("ASSISTANT_SEEDS") or DEFAULT_SEEDS)
    return seeds, Path(index_dir or os.environ.get("ASSISTANT_INDEX") or DEFAULT_INDEX)


class Assistant:
    """The engine's facade: load an index, answer questions. Thread-safe; holds no per-user state."""

    def __init__(self, index: indexmod.Index, embedder, seeds_dir: Path, index_dir: Path,
                 settings: Settings | None = None):
        self.index = index
        self.embedder = embedder
        self.seeds_dir = seeds_dir
        self.index_dir = index_dir
        self.settings = settings or default_settings()
        self.retriever = Retriever(index, embedder, self.settings)
        self.profiles = profiles(index)
        self._level_of = {p.key: p.level for p in self.profiles}
        self.answerer = Answerer(index, self.settings, frozenset(
            key for key, level in self._level_of.items() if level not in (None, "national")))
        # An English word's senses are the ones these reports use most (grow → 增长, not 生育).
        index.english.use_frequencies(self.answerer.matcher.document_frequency)
        self._year_of = {d.key: d.issue_year for d in index.documents}
        self._figures: list[FigureRow] | None = None
        self._lock = threading.Lock()
        # jieba's part-of-speech tables load on first use (~0.3 s): pay that now, not on the first visitor's question.
        topic_nouns("预热")

    @classmethod
    def load(cls, seeds_dir: str | Path | None = None, index_dir: str | Path | None = None,
             embedder: str | None = None, build: bool = True, store: str | None = None,
             settings: Settings | None = None) -> Assistant:
        """Load the index for seeds_dir (default seeds/) from index_dir (default index/), searched through `store`
        ("local", the default, or "milvus:URI"; else $ASSISTANT_STORE), with `settings` (default: the committed ones,
        assistant/settings.json).

        A missing, damaged or stale index (reports changed, other embedder, other format) is rebuilt; with
        build=False it is refused with a message that names the fix instead.
        """
        seeds, where = default_paths(seeds_dir, index_dir)
        model = get_embedder(embedder)
        try:
            index = indexmod.load(where, seeds, model.id, model.dim, store=store)
        except indexmod.IndexError_:
            if not build:
                raise
            indexmod.build(seeds, where, model, store=store)
            index = indexmod.load(where, seeds, model.id, model.dim, store=store)
        return cls(index, model, seeds, where, settings)

    @property
    def documents(self) -> list[Document]:
        return self.index.documents

    def ask(self, question, history: list[str] | None = None, report=None) -> Answer:
        """Answer one question; history holds the earlier user questions, oldest first. `report` (a key, a title, or
        a list of them) limits the answer to those reports; without it, the question's words decide when they name a
        report, else the reports whose answers are best are compared."""
        started = time.perf_counter()
        text, message = validate_question(question)
        if not text:
            shown = question.decode("utf-8", "replace") if isinstance(question, bytes) else question
            return Answer(_clean(shown)[:MAX_QUESTION_CHARS] if shown is not None else "", "invalid", message,
                          note=message)
        try:
            picked = resolve(report, self.documents) if report not in (None, "", [], ()) else None
        except ValueError as exc:
            return Answer(text, "invalid", str(exc), note=str(exc))
        clean_history = _history(history)
        text = without_asides(text)  # 用大白话给我捋一捋 asks how to be told, nothing about the report
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        query = understand(text, clean_history, self.index.english)
        # 要建几个枢纽？分别是啥 asks one thing, the list, in two sentences.
        parts = [text] if several_things(text) else split_question(text)
        scope = picked
        if scope is None and len(self.documents) > 1:
            scope = named_reports(" ".join([query.context, text, *query.english_terms]).strip(), self.profiles,
                                  self.index.doc_text)
            # A conversation stays with the report it named (广西2025年城镇新增就业多少人？ then 失业率呢？), until a
            # question names another.
            for earlier in reversed(clean_history if scope is None and not names_a_report(text, self.profiles) else []):
                if names_a_report(earlier, self.profiles):
                    scope = named_reports(earlier, self.profiles, self.index.doc_text)
                    break
        timings["understand"] = (time.perf_counter() - t0) * 1e3
        t1 = time.perf_counter()
        # Everything this question searches for by words, said at once: a remote store fetches it in one round trip.
        part_queries = self._part_queries(parts, clean_history) if len(parts) > 1 else []
        self.retriever.prefetch([query, *part_queries], scope=scope)
        hits = self.retriever.search(query, k=SECTION_CANDIDATES, timings=timings, scope=scope)
        t2 = time.perf_counter()
        if len(self.documents) == 1 or (scope is not None and len(scope) == 1):
            result = self._answer_in(query, parts, part_queries, scope, hits)
        else:
            # Several reports could answer: each of the best-ranked ones answers on its own, and the best answer is
            # given, with those (nearly) as good (去年 in two national reports is two different years).
            ranked = list(dict.fromkeys(h.paragraph.doc for h in hits))[:MAX_REPORTS_COMPARED]
            self.retriever.prefetch(vector=query.vector, scopes=[frozenset({doc}) for doc in ranked])
            answers = [(self.answerer.report_name(doc), self._answer_in(query, parts, part_queries, frozenset({doc})))
                       for doc in ranked]
            result = self.answerer.best_of(query, answers) if answers else self.answerer.answer(query, [])
            peers = self._peers([doc for doc, (_, a) in zip(ranked, answers) if a.status != "not_found"])
            if picked is None and len(peers) >= 2 and not names_a_report(text, self.profiles):
                # Reports of one kind and year (the provinces' reports of 2026) each answer a question that names
                # none of them: which one is meant is the user's to say. Each one's answer is shown, named, and the
                # answer is partial, asking which.
                result = self.answerer.which_report(query, [(name, a) for doc, (name, a) in zip(ranked, answers)
                                                            if doc in peers])
        t3 = time.perf_counter()
        if message:
            result.note = f"{message} {result.note}".strip()
            result.answer = f"{CUT_NOTICE}{result.answer}"
        result.timings_ms = {**timings, "retrieve": (t2 - t1) * 1e3, "answer": (t3 - t2) * 1e3,
                             "total": (t3 - started) * 1e3}
        return result

    def _peers(self, docs: list[str]) -> list[str]:
        """The reports among docs of the same level of government and year as the first of them."""
        if not docs:
            return []
        level, year = self._level_of, self._year_of
        first = docs[0]
        return [d for d in docs if level.get(d) == level.get(first) and level.get(d) is not None
                and year.get(d) == year.get(first)]

    def _answer_in(self, query, parts: list[str], part_queries: list, scope: frozenset[str] | None,
                   hits: list | None = None) -> Answer:
        """The answer from the reports in scope (all when None), the question's own search results given or not."""
        if hits is None:
            hits = self.retriever.search(query, k=SECTION_CANDIDATES, vector=query.vector, scope=scope)
        if len(parts) == 1:
            return self.answerer.answer(query, hits[:SENTENCE_CANDIDATES], section_hits=hits, scope=scope)
        # Each part is searched with its own words and the whole question's vector, and answered on its own; the
        # answers are joined.
        answers = []
        for part, part_query in zip(parts, part_queries):
            part_hits = self.retriever.search(part_query, k=SECTION_CANDIDATES, vector=query.vector, scope=scope)
            answers.append((part, self.answerer.answer(part_query, part_hits[:SENTENCE_CANDIDATES], part_hits,
                                                       scope=scope)))
        return self.answerer.combine(query, answers)

    def _part_queries(self, parts: list[str], history: list[str]) -> list:
        """The parts of a question of several parts as understood: each asked as a follow-up of the parts before it
        (今年一年呢? after 十四五要降多少?)."""
        queries, earlier = [], list(history)
        for part in parts:
            later = bool(queries)
            # A later part that names nothing of its own (去年实际做到多少?) asks about the part before it.
            lean = True if later and not [w for w in topic_nouns(part) if w not in PERIOD_WORDS] else None
            part_query = understand(part, earlier, self.index.english, followup=lean)
            if later:
                # The parts of one question share its topic and time: a part that names neither leans on the part
                # before it as much as on its own words, and keeps its year or five-year plan.
                part_query.context_weight = 1.0 if lean else part_query.context_weight
                if not (part_query.years or part_query.relative_years or part_query.plans):
                    previous = queries[-1]
                    part_query.years, part_query.relative_years = previous.years, previous.relative_years
                    part_query.plans = previous.plans
            queries.append(part_query)
            earlier.append(part)
        return queries

    def figure_rows(self) -> list[FigureRow]:
        """Every figure of every report with its clause, sentence, part, section and paragraph (dates left out)."""
        with self._lock:
            if self._figures is None:
                rows = []
                for doc in self.documents:
                    for p in doc.paragraphs:
                        if p.kind == "body":
                            rows.extend(_rows(p, self.answerer.report_name(doc.key)))
                self._figures = rows
            return self._figures

    def paragraph(self, paragraph_id: str) -> Paragraph:
        return self.index.paragraph(paragraph_id)


def _rows(paragraph: Paragraph, report_name: str) -> list[FigureRow]:
    if paragraph.year:
        year = str(paragraph.year)
    elif paragraph.plans:
        spans = [FIVE_YEAR_PLANS[name] for name in paragraph.plans]
        year = f"{min(a for a, _ in spans)}–{max(b for _, b in spans)}"
    elif paragraph.span:
        year = f"{paragraph.span[0]}–{paragraph.span[1]}"
    else:
        year = ""
    section = paragraph.section or paragraph.lead.lstrip("—-－ ")
    rows = []
    for sentence in paragraph.sentences:
        target = paragraph.period == "plan" or bool(TARGET_WORDS.search(sentence.text))
        role = "目标" if target else ("结果" if paragraph.period == "review" else "")
        for f in find_figures(sentence.text):
            if f.kind == "date":
                continue
            rows.append(FigureRow(f.text, f.kind, f.measure, _clause(sentence.text, f), sentence.text, paragraph.part,
                                  section, paragraph.id, paragraph.text, sentence.start + f.start,
                                  sentence.start + f.end, paragraph.doc, report_name, year, role))
    return rows


def _clause(sentence: str, figure: Figure) -> str:
    starts = [i + 1 for i, ch in enumerate(sentence[: figure.start]) if ch in ",，;；:："]
    ends = [i for i, ch in enumerate(sentence) if i >= figure.end and ch in ",，;；。"]
    return sentence[(starts[-1] if starts else 0) : (ends[0] if ends else len(sentence))].strip()


# ---- the figure desk: one filter and one comparison for the web app and the CLI ---------------------------------
def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def figures_matching(rows: list[FigureRow], keyword: str = "", part: str = "",
                     reports: str | Iterable[str] | None = None) -> list[FigureRow]:
    """The rows whose figure, label, clause, headings or paragraph id hold every word of the keyword (width and case
    folded), in the part given and the reports given (document keys or report names); '' and None mean all.

    The clause, not the whole sentence: a long sentence names many measures, and 外资 should not list every figure of
    the sentence that mentions it once. The web app's figure desk and `python -m assistant figures` both filter here.
    """
    words = _folded(str(keyword or "")).split()
    wanted = None if reports is None else {reports} if isinstance(reports, str) else set(reports)
    found = []
    for r in rows:
        if part and r.part != part:
            continue
        if wanted is not None and r.report not in wanted and r.report_name not in wanted:
            continue
        haystack = _folded(f"{r.figure} {r.measure} {r.clause} {r.part} {r.section} {r.paragraph_id}")
        if all(w in haystack for w in words):
            found.append(r)
    return found


_MEASURE_NOISE = re.compile(r"^(?:其中|全年|年末|今年|去年|全国|全市|全区|累计|共|力争|争取|预计|实现|完成)+|"
                            r"(?:分别|约|达|达到|为|超过|以上|左右)+$|同比|比上年|较上年")
_GROWTH_WORDS = re.compile(r"增速|增幅")


def measure_key(measure: str) -> str:
    """A label reduced to the measure it names, for comparing: without spaces, qualifiers and 同比, growth words as
    增长 (全年城镇新增就业 = 城镇新增就业; 实际利用外资 同比增长 = 实际利用外资增长 = 实际利用外资增速)."""
    return _GROWTH_WORDS.sub("增长", _MEASURE_NOISE.sub("", re.sub(r"\s+", "", measure or ""))).strip("，,、")


def _comparable(row: FigureRow) -> bool:
    """A quantity of a measure: not a rank (第一名), a span of years (三年行动, 十年前), an age, or a bare number, which
    is mostly part of a name (PM2.5, 5G, 50强)."""
    return (row.kind != "ordinal" and not re.fullmatch(r"[\d.]+", row.figure)
            and not row.figure.endswith(("年", "周年", "个月", "月", "日", "岁")))


def recurring_measures(rows: list[FigureRow]) -> list[str]:
    """The measures worth comparing: labels (as measure_key reads them) found in more than one report or year (in one
    report: a 2021 result and a 2022 target), those in most places first. Read off the labels; nothing is listed by
    hand."""
    places: dict[str, set[tuple[str, str]]] = {}
    for r in filter(_comparable, rows):
        key = measure_key(r.measure)
        if len(key) >= 2:
            places.setdefault(key, set()).add((r.report, r.year or r.part))
    shared = [key for key, seen in places.items() if len(seen) > 1]
    return sorted(shared, key=lambda k: (-len(places[k]), k))[:MAX_MEASURES]


def compare_figures(rows: list[FigureRow], measure: str) -> list[FigureRow]:
    """Every quantity of one measure across reports and years, by report, then year: the rows whose label is that
    measure; for a measure typed by hand that no label is exactly, the rows whose label holds it."""
    wanted = measure_key(measure)
    if not wanted:
        return []
    rows = [r for r in rows if _comparable(r)]
    found = [r for r in rows if measure_key(r.measure) == wanted] or [r for r in rows if wanted in measure_key(r.measure)]
    return sorted(found, key=lambda r: (r.report_name, r.year, r.paragraph_id, r.start))
