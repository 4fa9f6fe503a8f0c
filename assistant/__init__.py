"""A cited, exact-figure question-answering assistant for Chinese government work reports.

    from assistant import Assistant
    bot = Assistant.load()                       # index/ for seeds/, built or rebuilt when missing or stale
    bot.ask("2021年规上工业总产值是多少?", history=[]).to_dict()
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import index as indexmod
from .answer import TARGET_WORDS, Answer, Answerer
from .document import FIVE_YEAR_PLANS, Document, Paragraph
from .embed import get_embedder
from .figures import Figure, find_figures
from .retrieve import PERIOD_WORDS, Retriever, split_question, understand
from .scope import named_reports, profile, resolve
from .settings import Settings, default_settings
from .text import not_a_question, topic_nouns

__all__ = ["MAX_QUESTION_CHARS", "Answer", "Assistant", "FigureRow", "validate_question"]

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


@dataclass(frozen=True)
class FigureRow:
    """One figure of a report for the figure desk: as written, the clause it stands in, and where it is."""

    figure: str
    kind: str
    measure: str
    clause: str
    sentence: str
    part: str
    section: str
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
        self.answerer = Answerer(index, self.settings)
        self.profiles = [profile(doc) for doc in index.documents]
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
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        query = understand(text, clean_history, self.index.english)
        parts = split_question(text)
        scope = picked
        if scope is None and len(self.documents) > 1:
            scope = named_reports(f"{query.context} {text}".strip(), self.profiles)
        timings["understand"] = (time.perf_counter() - t0) * 1e3
        t1 = time.perf_counter()
        hits = self.retriever.search(query, k=SECTION_CANDIDATES, timings=timings, scope=scope)
        t2 = time.perf_counter()
        if len(self.documents) == 1 or (scope is not None and len(scope) == 1):
            result = self._answer_in(query, parts, clean_history, scope, hits)
        else:
            # Several reports could answer: each of the best-ranked ones answers on its own, and the best answer is
            # given, with those (nearly) as good (去年 in two national reports is two different years).
            ranked = list(dict.fromkeys(h.paragraph.doc for h in hits))[:MAX_REPORTS_COMPARED]
            answers = [(self.answerer.report_name(doc), self._answer_in(query, parts, clean_history, frozenset({doc})))
                       for doc in ranked]
            result = self.answerer.best_of(query, answers) if answers else self.answerer.answer(query, [])
        t3 = time.perf_counter()
        if message:
            result.note = f"{message} {result.note}".strip()
            result.answer = f"{CUT_NOTICE}{result.answer}"
        result.timings_ms = {**timings, "retrieve": (t2 - t1) * 1e3, "answer": (t3 - t2) * 1e3,
                             "total": (t3 - started) * 1e3}
        return result

    def _answer_in(self, query, parts: list[str], history: list[str], scope: frozenset[str] | None,
                   hits: list | None = None) -> Answer:
        """The answer from the reports in scope (all when None), the question's own search results given or not."""
        if hits is None:
            hits = self.retriever.search(query, k=SECTION_CANDIDATES, vector=query.vector, scope=scope)
        if len(parts) == 1:
            return self.answerer.answer(query, hits[:SENTENCE_CANDIDATES], section_hits=hits, scope=scope)
        # Each part is asked as a follow-up of the parts before it (今年一年呢? after 十四五要降多少?), searched with its
        # own words and the whole question's vector, and answered on its own; the answers are joined.
        answers, earlier = [], list(history)
        for part in parts:
            later = len(earlier) > len(history)
            # A later part that names nothing of its own (去年实际做到多少?) asks about the part before it.
            lean = True if later and not [w for w in topic_nouns(part) if w not in PERIOD_WORDS] else None
            part_query = understand(part, earlier, self.index.english, followup=lean)
            if later:
                # The parts of one question share its topic and time: a part that names neither leans on the part
                # before it as much as on its own words, and keeps its year or five-year plan.
                part_query.context_weight = 1.0 if lean else part_query.context_weight
                if not (part_query.years or part_query.relative_years or part_query.plans):
                    previous = answers[-1][2]
                    part_query.years, part_query.relative_years = previous.years, previous.relative_years
                    part_query.plans = previous.plans
            part_hits = self.retriever.search(part_query, k=SECTION_CANDIDATES, vector=query.vector, scope=scope)
            answer = self.answerer.answer(part_query, part_hits[:SENTENCE_CANDIDATES], part_hits, scope=scope)
            answers.append((part, answer, part_query))
            earlier.append(part)
        return self.answerer.combine(query, [(part, answer) for part, answer, _ in answers])

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
    rows = []
    for sentence in paragraph.sentences:
        target = paragraph.period == "plan" or bool(TARGET_WORDS.search(sentence.text))
        role = "目标" if target else ("结果" if paragraph.period == "review" else "")
        for f in find_figures(sentence.text):
            if f.kind == "date":
                continue
            rows.append(FigureRow(f.text, f.kind, f.measure, _clause(sentence.text, f), sentence.text, paragraph.part,
                                  paragraph.section, paragraph.id, paragraph.text, sentence.start + f.start,
                                  sentence.start + f.end, paragraph.doc, report_name, year, role))
    return rows


def _clause(sentence: str, figure: Figure) -> str:
    starts = [i + 1 for i, ch in enumerate(sentence[: figure.start]) if ch in ",，;；:："]
    ends = [i for i, ch in enumerate(sentence) if i >= figure.end and ch in ",，;；。"]
    return sentence[(starts[-1] if starts else 0) : (ends[0] if ends else len(sentence))].strip()
