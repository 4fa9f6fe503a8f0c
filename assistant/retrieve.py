"""Hybrid retrieval: question understanding, BM25 + dense search, fusion, and year/part awareness.

Not for choosing sentences or wording answers (answer.py does that).
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from . import text as textmod
from .asked import LIST_CUES, SECTION_CUES, SPAN_CUES
from .document import FIVE_YEAR_PLANS, Paragraph
from .embed import Embedder
from .english import EnglishTerms
from .index import Index
from .settings import Settings, default_settings

DENSE_UNITS = 400  # nearest units asked of the vector index; paragraphs with none among them get no dense vote
HISTORY_WEIGHT = 0.5  # the earlier question helps a follow-up, but the question as asked leads
CANDIDATES = 8
# Each lexical signal votes for its best this many paragraphs (sentences): a paragraph ranked past it would get an RRF
# vote under 1/50 of the first one's, and the Milvus store returns as many (milvus_store.LEXICAL_HITS).
LEXICAL_CANDIDATES = 1_000
QUERY_CACHE_SIZE = 1024
MAX_EMBED_CHARS = 200

# The verbs of intent (打算, 准备): the report means to do it. They say when, and name no block of work.
INTENT_CUES = ("打算", "力争", "争取", "将要", "拟", "准备")
PLAN_CUES = ("目标", "计划", *INTENT_CUES, "预期", "要点", "安排", "部署", "今后", "未来",
             "target", "plan", "goal", "will ", "expected", "going to", "aim")
REVIEW_CUES = ("完成", "实现了", "取得", "成效", "成绩", "实际", "做了", "已经", "获得", "达到了", "去年", "上年",
               "增长了", "新增了", "下降了", "提高了", "引进了", "落地了",
               "achieved", "completed", "reached", "did ", "last year", " was ", " were ", "grew", " now", "currently",
               "so far", "to date")
PERIOD_WORDS = frozenset(w for w in PLAN_CUES + REVIEW_CUES if not w.isascii())  # they say when, not what about
RELATIVE_YEARS = {"前年": -2, "去年": -1, "上年": -1, "上一年": -1, "今年": 0, "本年": 0, "当年": 0, "明年": 1, "下一年": 1,
                  "last year": -1, "this year": 0, "next year": 1}
FOLLOWUP_OPENERS = re.compile(r"^(那|那么|还有|另外|此外|其中|同时|以及|而|and |what about |how about )", re.IGNORECASE)
FOLLOWUP_MARKERS = re.compile(r"(呢[?？]?$|这方面|这一块|这块|这个|这些|这项|该项|其|它|同期|相应|对应|那一年|这一年|then\b|that\b)", re.IGNORECASE)
# Words that ask about the document itself (its number, issuer, date, title, signature), not about its content: 哪个单位
# asks for the issuer only with 发布/印发 (跟哪些单位合作 asks about the content).
FIELD_CUES = re.compile(
    r"文号|索引号|发文|发布机构|发布时间|发布日期|成文|落款|署名|印发|哪天发|什么时候发|何时发|几号发|(?<![小子])标题|全称|题目|"
    r"(?:哪个|哪些|什么)(?:单位|部门|机关)(?:发布|印发|发的|出的)|发布单位|发布的|"
    r"issued by|who issued|when was (?:it|this|the report|the document) issued|"
    r"document number|publisher|signed by|who signed"
)
# Who gave a speech and where: the lines under a report's title (国务院总理 李克强, ——在…会议上) say it.
DELIVERY_CUES = re.compile(r"谁(?:作|做|讲|发表|宣读|所作)|报告人|在(?:哪个|什么|哪次)会|哪个会|什么会议|"
                           r"who (?:gave|delivered|made|presented|read)|at (?:which|what) (?:meeting|session)", re.IGNORECASE)
META_CUES = re.compile(rf"{FIELD_CUES.pattern}|(这份|本|该)(报告|文件|文档)")


@dataclass
class Query:
    """A question as the engine understands it."""

    text: str
    lang: str
    tokens: list[str]
    context_tokens: list[str]
    embed_text: str
    years: list[int] = field(default_factory=list)  # explicit years
    relative_years: list[int] = field(default_factory=list)  # offsets from the report's own year (去年 = -1)
    period: str | None = None
    is_followup: bool = False
    wants_meta: bool = False  # names the document (这份报告) or one of its fields (文号): header lines may answer
    context: str = ""
    vector: np.ndarray | None = None  # the question's embedding, set by Retriever.search
    english_terms: tuple[str, ...] = ()  # report words the dictionary gave for the question's English words
    # ...one group an English word (grow → 增长, 发展): its senses say one thing, and count once
    english_groups: tuple[tuple[str, ...], ...] = ()
    plans: tuple[str, ...] = ()  # five-year plans the question names (十四五), or whose years it spans (2021到2025年)
    context_weight: float = HISTORY_WEIGHT  # how much the earlier question's words count beside the question's own
    asks_field: bool = False  # asks for a field of the document itself (文号, 发文日期): only header lines answer
    span_asked: bool = False  # asks about several years as a whole (这五年, 年均): see SPAN_CUES
    asks_section: bool = False  # asks which part of the report says something (报告哪一部分讲了…): see SECTION_CUES
    contrast: str = ""  # the earlier question's word a follow-up asks in contrast to, holding its own (进出口 / 出口)

    def resolved_years(self, issue_year: int | None) -> set[int]:
        years = set(self.years)
        if issue_year is not None:
            years.update(issue_year + offset for offset in self.relative_years)
        return years


@dataclass
class Hit:
    paragraph: Paragraph
    score: float
    bm25: float
    dense: float  # similarity of the paragraph's best unit (sentence or clause) to the question
    rank: int = 0


def _years(text: str) -> list[int]:
    """Years a question names: 2022, 2022年, and the short 22年 people type (not 22年来, 连续22年, 用了22年)."""
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)]
    for match in _SHORT_YEAR.finditer(text):
        before = text[: match.start()]
        if not re.search(r"(?:连续|经过|历时|用了|花了|近|第|过去|已有|长达|达|超过|有)$", before) and not _lasts(before):
            years.append(2000 + int(match.group(1)))
    return years


# Verbs that take a time as a point, not a length (到30年, 截至22年底): after one, a short year is a year.
_TO_A_POINT = frozenset(["到", "至", "截至", "截止", "在", "从", "于", "自", "是", "为", "到了"])


def _lasts(before: str) -> bool:
    """Does a short 30年 after these words say how long (再延长30年, 坚持20年), not which year? A verb right before it
    (jieba's tag v) takes a length, unless it takes a point in time (到30年)."""
    import jieba.posseg as pseg

    words = pseg.lcut(before[-8:]) if before else []
    return bool(words) and words[-1].flag.startswith("v") and words[-1].word not in _TO_A_POINT


_SHORT_YEAR = re.compile(r"(?<![\d.])([0-4]\d)年(?!来|间|多|以来|内|前|后|代|的时间|里|左右)")


# A year after 比/较 is what a change is measured against (比前年增长了多少), not the year asked; it is the year a
# report's own results are compared with (比上年增长5%), so it sets no year of its own. Not 占比 (占比今年要提到多少).
COMPARED_WITH = re.compile(r"(?:(?<!占)比|较|相比|比起)$")


def _relative_years(normalized: str) -> list[int]:
    return list(dict.fromkeys(offset for word, offset in RELATIVE_YEARS.items()
                              for m in re.finditer(re.escape(word), normalized)
                              if not COMPARED_WITH.search(normalized[: m.start()])))


_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:到|至|-|—|–|~|～)\s*((?:19|20)\d{2})")


_ENGLISH_PLAN = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+five[- ]year\s+plan", re.IGNORECASE)


def _plans(normalized: str) -> tuple[str, ...]:
    """Five-year plans a question names, or whose first and last years it gives as a range."""
    named = [name for name in FIVE_YEAR_PLANS if name in normalized]
    for first, last in _YEAR_RANGE.findall(normalized):
        named += [name for name, span in FIVE_YEAR_PLANS.items() if span == (int(first), int(last))]
    # The 15th Five-Year Plan: from the sixth (1981-1985) on, one plan every five years.
    for n in _ENGLISH_PLAN.findall(normalized):
        first = 1981 + 5 * (int(n) - 6)
        named += [name for name, span in FIVE_YEAR_PLANS.items() if span == (first, first + 4)]
    # 到2025年 asks for a target at the end of a five-year plan: the plan's targets answer it.
    for year in re.findall(r"(?:到|至|截至)((?:19|20)\d{2})年", normalized):
        named += [name for name, span in FIVE_YEAR_PLANS.items() if span[1] == int(year)]
    return tuple(dict.fromkeys(named))


def _period(normalized: str) -> str | None:
    plan = any(cue in normalized for cue in PLAN_CUES)
    review = any(cue in normalized for cue in REVIEW_CUES)
    if plan != review:
        return "plan" if plan else "review"
    return None


_INTERROGATIVE = re.compile(r"多[少久长大高远]|几|哪|什么|谁|啥|怎|如何|是否|吗|呢|\b(?:how|what|which|who|when|where)\b", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[？?；;!！。]+")
_COMMA = re.compile(r"[，,]")


# A clause that says again what the one before asked (就是…, 也就是…, 即…, 换句话说…).
# A piece that only says when, as a follow-up does (今年呢，目标是几条 / 那2025年呢，增长多少): the time of what follows.
_ONLY_WHEN = re.compile(r"(?:那么?)?(?:\d{2,4}年|[今去明前上下本]年|这[一两]?年|“?十\S五”?)呢")
# A piece that only asks how many, of the things just asked for (重点有哪些？一共几条): the count of that list.
_ONLY_COUNT = re.compile(r"(?:那|那么)?(?:一共|总共|共|合计|总计|总共有|一共有)?(?:有|是)?(?:几|多少)(?:条|项|个|件|大项|方面)?(?:呢|吗|啊)?")
_OPENS_WHEN = re.compile(rf"{_ONLY_WHEN.pattern}[，,]")  # ...opening a follow-up (今年呢，目标是几条)
RESTATES = re.compile(r"(?:也就是|就是|即|换句话说|或者说|说白了)(?:说)?")


def split_question(question: str) -> list[str]:
    """The parts of a question that asks several things (去年GDP涨了多少？城镇新增就业多少？ / 减了多少负担，银行又让了
    多少利): each part holds a question word of its own; words before a part's question word stay with it. A question
    that asks one thing comes back whole."""
    parts: list[str] = []
    for clause in (c.strip() for c in _SENTENCE_BREAK.split(question)):
        if not clause:
            continue
        chunks = [c.strip() for c in _COMMA.split(clause)] if not textmod.is_english(clause) else [clause]
        pending = ""
        for chunk in chunks:
            if parts and not pending and (RESTATES.match(chunk) or _only_where(chunk) or _ONLY_COUNT.fullmatch(chunk)):
                # 那几件大事，就是七项重点工作分别是啥: one thing, said twice; 对台湾那块怎么安排的，在报告哪一部分讲: where
                # the report says the thing just asked about
                parts[-1] = f"{parts[-1]}，{chunk}"
                continue
            pending = f"{pending}，{chunk}" if pending else chunk
            if _INTERROGATIVE.search(chunk) and not _ONLY_WHEN.fullmatch(chunk):
                parts.append(pending)
                pending = ""
        if pending:
            if parts and not _INTERROGATIVE.search(pending):
                parts[-1] = f"{parts[-1]}，{pending}"
            else:
                parts.append(pending)
    asking = [p for p in parts if _INTERROGATIVE.search(p)]
    return parts if len(asking) >= 2 and len(parts) == len(asking) else [question]


def _only_where(chunk: str) -> bool:
    """Does this piece of a question ask only which part of the report says something (在报告哪一部分讲？)?"""
    normalized = textmod.normalize(chunk)
    return bool(SECTION_CUES.search(normalized)) and not re.sub(
        r"[在于从属归放报告文件文档里中讲说提到写的呢啊是了吗呀\s?？!！。，,]", "", SECTION_CUES.sub("", normalized))


def is_followup(question: str, history: list[str]) -> bool:
    """A question that leans on the one before: opens with 那/还有, ends with 呢, says 这方面/其, or names nothing it
    is about (22年最后实际跑出来多少？: a year and verbs, no noun but words of time)."""
    if not history:
        return False
    normalized = textmod.normalize(question).strip()
    if FOLLOWUP_OPENERS.search(normalized) or FOLLOWUP_MARKERS.search(normalized) or _OPENS_WHEN.match(normalized):
        return True
    # Asking for the parts of a year's work (2022年主要抓哪几个方面) names what it is about, the year's work itself,
    # though it has no noun: the earlier question's topic (规上工业产值) would pull the answer to one sentence.
    if LIST_CUES.search(normalized) and (_years(normalized) or _relative_years(normalized)):
        return False
    topic = [t for t in textmod.tokenize(normalized, drop_question_words=True) if not t.startswith("syn:")]
    return bool(len(topic) <= 1 or not [w for w in textmod.topic_nouns(question, predicates=False) if w not in PERIOD_WORDS])


def _substituted(question: str, earlier: str) -> tuple[str, str]:
    """The earlier question with what a follow-up names in contrast put in place of what it named (农村居民的呢 after
    城镇居民人均可支配收入涨了多少; 那单看出口呢 after 进出口总额; 服务机构呢 after 新增几家各级研发机构): the follow-up asks
    the same about the other thing, and the earlier thing must not pull the answer back to itself. A word of the
    earlier question is replaced by a noun phrase of the follow-up that ends it (出口 in 进出口), ends as it does
    (…居民), or ends on it (服务机构 on 机构, with the earlier modifiers of 机构 going too). With it, the replaced word
    when it holds the follow-up's (进出口 for 出口): a text that writes the one only inside the other does not say it."""
    import jieba.posseg as pseg

    # A five-year plan named in contrast (那十五五定的目标是多少 after 十四五期间…年均增长多少) is put in the same way.
    own_plans = [name for name in FIVE_YEAR_PLANS if name in question]
    if own_plans and not any(name in earlier for name in own_plans):
        for name in FIVE_YEAR_PLANS:
            earlier = earlier.replace(name, own_plans[0])
    nouns = set(textmod.topic_nouns(question))
    runs, run = [], []
    # (with the follow-up's frame cut off first, 那…呢; a noun jieba does not know, 文旅 of 文旅经济, is one too)
    for word, flag in textmod.with_class_words(pseg.lcut(textmod.FOLLOWUP_FRAME.sub("", textmod.normalize(question).strip()))):
        if word in nouns or (flag == "n" and re.fullmatch(r"[\u4e00-\u9fff]{2,}", word)):
            run.append(word)
        elif run:
            runs.append(run)
            run = []
    runs += [run] if run else []
    words = textmod.with_class_words([(w, f) for w, f in pseg.lcut(textmod.normalize(earlier))])
    said = {w for w, _ in words}
    for run in runs:
        phrase, head = "".join(run), run[-1]
        if phrase in said or not re.fullmatch(r"[\u4e00-\u9fff]{2,}", phrase):
            continue
        for i, (word, _) in enumerate(words):
            contrast = ""
            if word == head and phrase != head:
                start = i
                while start and words[start - 1][1] in textmod.NOUNISH and len(words[start - 1][0]) >= 2:
                    start -= 1
            elif word != phrase and len(word) >= 2 and (
                    word.endswith(phrase) or (len(phrase) >= 3 and len(word) >= 3 and word[-2:] == phrase[-2:])):
                # (a word that goes on after the follow-up's, 重点项目 for 市重点的呢, is what the follow-up leaves out)
                start, contrast = i, word if word.endswith(phrase) else ""
            else:
                continue
            words[start : i + 1] = [(phrase, "n")]
            return "".join(w for w, _ in words), contrast
    return earlier, ""


def _dictionary_groups(normalized: str, english: EnglishTerms | None) -> tuple[tuple[str, ...], ...]:
    """Report words the dictionary gives for a text's English, a group for each English word: the whole text when it
    is English, else its Latin words (GDP, CPI inside a Chinese question)."""
    latin = textmod.latin_words(normalized)
    if english is None or not latin:
        return ()
    if textmod.is_english(normalized):
        return english.lookup_groups(normalized)
    return english.lookup_groups(" ".join(latin), names=True)


# A cue said in order to be ruled out (别给我五年平均的, 不要近几年的): the question asks the other thing.
NEGATED_BEFORE = re.compile(r"(?:别|不要|不是|不用|无需|而非|并非)[^，,。；;？?]{0,4}$")


def _asks_span(normalized: str) -> bool:
    """Does the question ask about several years as a whole (SPAN_CUES), not in order to rule them out?"""
    return any(not NEGATED_BEFORE.search(normalized[: m.start()]) for m in SPAN_CUES.finditer(normalized))


def _terms_of(groups: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The report words of all the groups, in order, each once."""
    return tuple(dict.fromkeys(t for group in groups for t in group))


def understand(question: str, history: list[str] | None = None, english: EnglishTerms | None = None,
               followup: bool | None = None) -> Query:
    """Tokens, years, part (results or plans) and follow-up context of a question. English words (a question in
    English, or GDP/CPI inside a Chinese one) are looked up in the index's dictionary of the reports' words. Whether
    it leans on the last question of the history is read off its wording unless `followup` says."""
    history = [h for h in (history or []) if h and h.strip()]
    normalized = textmod.normalize(question)
    lang = "en" if textmod.is_english(question) else "zh"
    # 报告哪一部分讲了育儿补贴: the words asking for the part (部分, 章节) are not what the passage is about.
    asks_section = bool(SECTION_CUES.search(normalized))
    topic_text = SECTION_CUES.sub(" ", normalized) if asks_section else question
    tokens = textmod.tokenize(topic_text, drop_question_words=True)
    latin = textmod.latin_words(normalized)
    groups = _dictionary_groups(normalized, english)
    looked_up = _terms_of(groups)
    tokens += [t for term in looked_up for t in textmod.tokenize(term, drop_question_words=True)]
    if lang == "en":
        # Names written in Latin letters (IBM, ABB, RISC-V) match the report as they are; other English words are
        # simply absent from its vocabulary and score nothing.
        tokens = [t for t in tokens if not t.isascii() or t in latin or t.isdigit()]
    followup = bool(history) and (is_followup(question, history) if followup is None else followup)
    context, contrast = _substituted(question, history[-1]) if followup else ("", "")
    context_tokens = textmod.tokenize(context, drop_question_words=True) if context else []
    # The earlier question's English words (GDP, CPI in 今年CPI涨幅目标是多少) are looked up as the question's are:
    # 去年呢 after it asks about 居民消费价格, a word the history never wrote in Chinese.
    context_tokens += [t for term in _terms_of(_dictionary_groups(textmod.normalize(context), english))
                       for t in textmod.tokenize(term, drop_question_words=True)]
    years, relative, period = _years(normalized), _relative_years(normalized), _period(normalized)
    if followup and not years and not relative:
        context_normalized = textmod.normalize(context)
        years, relative = _years(context_normalized), _relative_years(context_normalized)
        period = period or _period(context_normalized)
    # The model reads ~512 tokens at most, and a long text costs time for nothing: embed the first part only.
    embed_text = (f"{context} {topic_text}".strip() if followup else topic_text)[:MAX_EMBED_CHARS]
    plans = _plans(normalized) or (_plans(textmod.normalize(context)) if followup and not years and not relative else ())
    span_asked = _asks_span(normalized) or (
        followup and not _years(normalized) and not _relative_years(normalized) and _asks_span(textmod.normalize(context)))
    # (a question about a part of the report that asks its 标题 asks the part's heading: 讲作风建设的是第几部分 标题叫啥)
    asks_field = not asks_section and (bool(FIELD_CUES.search(normalized)) or bool(
        DELIVERY_CUES.search(normalized) and re.search(r"报告|讲话|发言|speech|report", normalized)))
    return Query(question, lang, tokens, context_tokens, embed_text, years, relative, period, followup,
                 (bool(META_CUES.search(normalized)) and not asks_section) or asks_field, context,
                 english_terms=looked_up, english_groups=groups, plans=plans, asks_field=asks_field, span_asked=span_asked,
                 asks_section=asks_section, contrast=contrast)


class Retriever:
    """BM25 over paragraphs and over sentences (bm25s) and dense (faiss) search, fused by weighted reciprocal rank,
    then weighed by year and part.

    Reciprocal-rank fusion is used because the two scores live on different scales; zero-score BM25 hits are dropped
    before fusing so that a paragraph sharing no word with the question gets no lexical vote.
    """

    def __init__(self, index: Index, embedder: Embedder, settings: Settings | None = None):
        self.settings = settings or default_settings()
        self.index = index
        self.embedder = embedder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        # Per-paragraph facts as arrays, so that weighing 10^4 paragraphs is a few vector operations.
        doc_keys = {d.key: i for i, d in enumerate(index.documents)}
        paragraphs = [c.paragraph for c in index.chunks]
        self._meta = {
            "body": np.array([p.kind == "body" for p in paragraphs], dtype=bool),
            "has_year": np.array([p.year is not None for p in paragraphs], dtype=bool),
            "span": np.array([p.span is not None or bool(p.plans) for p in paragraphs], dtype=bool),
            "year": np.array([p.year or 0 for p in paragraphs], dtype=np.int64),
            "period": np.array([p.period or "" for p in paragraphs], dtype=object),
            "doc": np.array([doc_keys.get(p.doc, -1) for p in paragraphs], dtype=np.int64),
        }
        # The year each paragraph's report was issued in (-1 unknown): 去年 is that year minus one, per paragraph.
        issue_years = np.array([d.issue_year or -1 for d in index.documents] + [-1], dtype=np.int64)
        self._meta["issue_year"] = issue_years[self._meta["doc"]]
        # Each report's paragraphs as runs of rows (one run when its paragraphs are stored together, as built).
        self._doc_rows: dict[str, list[tuple[int, int]]] = {}
        start = 0
        for i in range(1, len(paragraphs) + 1):
            if i == len(paragraphs) or paragraphs[i].doc != paragraphs[start].doc:
                self._doc_rows.setdefault(paragraphs[start].doc, []).append((start, i))
                start = i

    def embed_query(self, text: str) -> np.ndarray:
        with self._cache_lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self.embedder.embed_queries([text])[0]
        with self._cache_lock:
            self._cache[text] = vector
            if len(self._cache) > QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def bm25_scores(self, query: Query) -> np.ndarray:
        store = self.index.store
        scores = np.zeros(len(self.index.chunks), dtype=np.float32)
        if query.tokens:
            scores += store.paragraph_scores(query.tokens)
        if query.context_tokens:
            scores += query.context_weight * store.paragraph_scores(query.context_tokens)
        return scores

    def _sentence_row_scores(self, query: Query) -> np.ndarray:
        store = self.index.store
        scores = np.zeros(len(self.index.sentence_owner), dtype=np.float32)
        if query.tokens:
            scores += store.sentence_scores(query.tokens)
        if query.context_tokens:
            scores += query.context_weight * store.sentence_scores(query.context_tokens)
        return scores

    def prefetch(self, queries: list[Query] | None = None, vector: np.ndarray | None = None, scopes=(),
                 scope: frozenset[str] | None = None) -> None:
        """Say to the store what `search` is about to ask: the words of these queries (and of their follow-up
        context) within `scope` (the reports the question is about; None: all), which starts a question, and the
        units nearest `vector` in each of `scopes`. A remote store then fetches it all in a round trip or two instead
        of one a search."""
        token_lists = None if queries is None else [t for q in queries for t in (q.tokens, q.context_tokens) if t]
        self.index.store.prefetch(token_lists, vector, DENSE_UNITS, scopes, scope)

    def search(self, query: Query, k: int = CANDIDATES, timings: dict | None = None,
               vector: np.ndarray | None = None, scope: frozenset[str] | None = None) -> list[Hit]:
        """The k best paragraphs for the question, from the reports in `scope` (document keys; None: all). `vector`
        stands in for the question's own embedding (a part of a question of several parts, or a search in another
        scope, uses the whole question's: one model pass per question).

        Each signal ranks the paragraphs in scope (BM25 of the paragraph, BM25 of its best sentence, similarity of
        its best unit), and only its best LEXICAL_CANDIDATES count: the work after the stores' searches is over
        those candidates, not over every paragraph of the archive."""
        timings = timings if timings is not None else {}
        n = len(self.index.chunks)
        if n == 0:
            return []
        t0 = time.perf_counter()
        rows_in_scope = self._scope_mask(scope)
        bm25 = self.bm25_scores(query)
        sentence_rows = self._sentence_row_scores(query) if len(self.index.sentence_owner) else np.zeros(0, np.float32)
        if rows_in_scope is not None:
            bm25[~rows_in_scope] = 0
            if len(sentence_rows):
                sentence_rows[~rows_in_scope[self.index.sentence_owner]] = 0
        t1 = time.perf_counter()
        vector = self.embed_query(query.embed_text) if vector is None else vector
        t2 = time.perf_counter()
        query.vector = vector
        unit_ids, unit_scores = self.index.store.nearest_units(vector, DENSE_UNITS, scope)
        dense_rows = dense_scores = np.zeros(0, dtype=np.int64)
        if len(unit_ids):
            owners = self.index.unit_owner[unit_ids]
            # Units come best first: the first time a paragraph appears is its best unit, and its dense rank.
            first = np.sort(np.unique(owners, return_index=True)[1])
            dense_rows, dense_scores = owners[first], unit_scores[first]
        t3 = time.perf_counter()

        bm25_rows = _best_rows(bm25, LEXICAL_CANDIDATES)
        # A paragraph ranks by its best sentence; the best sentences' paragraphs, in order, are the best paragraphs.
        best_sentences = _best_rows(sentence_rows, LEXICAL_CANDIDATES)
        owners = self.index.sentence_owner[best_sentences]
        sentence_paragraphs = owners[np.sort(np.unique(owners, return_index=True)[1])] if len(owners) else owners
        candidates = np.unique(np.concatenate([bm25_rows, sentence_paragraphs, dense_rows]).astype(np.int64))
        fused = np.zeros(len(candidates), dtype=np.float64)
        dense = np.zeros(len(candidates), dtype=np.float32)
        # Each signal's rows are distinct and all among the (sorted) candidates: their places by binary search.
        for rows, weight in ((dense_rows, self.settings.dense_weight), (bm25_rows, self.settings.bm25_weight),
                             (sentence_paragraphs, self.settings.sentence_weight)):
            fused[np.searchsorted(candidates, rows)] += weight / (self.settings.rrf_k + np.arange(1, len(rows) + 1))
        dense[np.searchsorted(candidates, dense_rows)] = dense_scores
        fused *= self._priors(query, candidates)
        order = np.lexsort((candidates, -fused))[:k]
        hits = [Hit(self.index.chunks[candidates[i]].paragraph, float(fused[i]), float(bm25[candidates[i]]),
                    float(dense[i]), r) for r, i in enumerate(order) if fused[i] > 0]
        t4 = time.perf_counter()
        timings.update({"bm25": (t1 - t0) * 1e3, "embed": (t2 - t1) * 1e3, "dense": (t3 - t2) * 1e3,
                        "fusion": (t4 - t3) * 1e3})
        return hits

    def _scope_mask(self, scope: frozenset[str] | None) -> np.ndarray | None:
        """True for the paragraphs of the reports in scope (None when all are)."""
        if scope is None:
            return None
        mask = np.zeros(len(self.index.chunks), dtype=bool)
        for doc in scope:
            for start, end in self._doc_rows.get(doc, ()):
                mask[start:end] = True
        return mask

    def _priors(self, query: Query, rows: np.ndarray) -> np.ndarray:
        """Weigh each paragraph of `rows` by whether its part matches the year and the kind (results/plans) the
        question asks; header and signature blocks only count for questions about the document itself."""
        meta = {name: values[rows] for name, values in self._meta.items()}
        weights = np.where(meta["body"], 1.0, 1.0 if query.wants_meta else 0.0)
        if query.years or query.relative_years:
            # A paragraph's part matches when its year is a year asked, or 去年/今年… of its own report's date.
            known = meta["issue_year"] >= 0
            asked = (np.zeros(len(weights), dtype=bool) if not query.years
                     else np.isin(meta["year"], query.years)) | (
                known & np.isin(meta["year"] - meta["issue_year"], query.relative_years))
            judged = meta["body"] & meta["has_year"] & (bool(query.years) | known)
            weights[judged & asked] *= self.settings.year_match_boost
            weights[judged & ~asked] *= self.settings.year_mismatch_penalty
        if query.span_asked:
            weights[meta["body"] & ~meta["has_year"] & meta["span"]] *= self.settings.year_match_boost
        elif (query.years or query.relative_years) and not query.plans:
            # A review of five years as a whole does not answer a question about one of them.
            weights[meta["body"] & ~meta["has_year"] & meta["span"]] *= self.settings.year_mismatch_penalty
        if query.period:
            has_period = meta["body"] & (meta["period"] != "")
            same = meta["period"] == query.period
            weights[has_period & same] *= self.settings.period_match_boost
            weights[has_period & ~same] *= self.settings.period_mismatch_penalty
        return weights


def _best_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the k best positive scores, best first, equal scores in row order (as a stable sort puts them);
    the cost is linear in the rows with a score, not a sort of all."""
    rows = np.flatnonzero(scores > 0)
    if len(rows) > k:
        rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
    return rows[np.lexsort((rows, -scores[rows]))]
