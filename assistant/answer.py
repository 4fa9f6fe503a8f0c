"""Extractive answers: choose the sentences that answer, trim them to what was asked, cite them, or refuse.

Every word of an answer's quote is copied from a cited paragraph, so every figure is as written in the source; the
number guard (figures.unsupported_numbers) checks that mechanically before an answer leaves this module.
Not for searching (retrieve.py) or for display (app.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from . import text as textmod
from .document import DATE, Paragraph, split_sentences
from .figures import find_figures, unsupported_numbers
from .index import Index
from .retrieve import RELATIVE_YEARS, Hit, Query

CLAUSE_SPLIT = re.compile(r"(?<=[;；])")
COMMA_SPLIT = re.compile(r"(?<=[,，;；])")
MAX_QUOTE_CHARS = 90  # longer sentences are trimmed to the clauses that match the question
TRIM_KEEP_SHARE = 0.5  # ...keeping a clause that scores this share of the best one and adds to it
TRIM_SAME_SHARE = 0.9  # ...or that scores nearly as well
MAX_EXTRA_SENTENCES = 2
EXTRA_SENTENCE_GAIN = 0.2  # a further sentence must cover this much more of the question to be added
EXTRA_SENTENCE_MIN_SHARE = 0.5  # ...and answer at least half as much of it as the best sentence
SECTION_PARAGRAPH_PRIOR = 0.12
SYNONYM_MATCH_WEIGHT = 0.85
PART_MISMATCH_PENALTY = 0.15
MIN_COVERAGE = 0.34  # below this share of the question's topic words, nothing in the report answers it
MISSING_TOPIC_SHARE = 0.3  # when this share of the question's topic (by weight) appears nowhere in the report, refuse
KIND_BONUS = 0.12
# Units that count the same things: a question asking 多少人 is answered by 200名.
UNIT_EQUIVALENTS = {"人": ("人", "名", "位", "人次"), "名": ("名", "人", "位"), "家": ("家", "户"), "个": ("个", "项", "家"),
                    "项": ("项", "个")}
UNIT_WORDS = frozenset(["亿元", "万元", "元", "家", "个", "项", "名", "人", "例", "所", "笔", "亩", "次", "天", "平方米", "万平方米", "家次", "年", "月", "日", "万", "亿", "千", "百"])
LIST_QUESTION = re.compile(
    r"(哪些|什么|哪几)(方面|工作|安排|举措|措施|部署|任务|内容|行动)(?!企业|项目|公司|单位|产业|平台|园区|机构|领域)|"
    r"做了(哪些|什么)(?!企业|项目)|怎么做|如何(推进|开展|做)|有何(安排|举措)|"
    r"what (measures|work|steps|arrangements|actions)|what did .* do|how did"
)
ASKED_UNIT = re.compile(r"(?:多少|(?<!哪)几)(万|亿)?(家次|家|个|项|名|人|例|所|笔|亩|次|天|平方米|元|倍)")
PERCENT_CUES = re.compile(r"百分之|比例|比重|占比|增长了?多少|增速|增幅|多少个百分点|率是?多少|what share|percentage|proportion|growth rate|how much .*grow|by how much")
AMOUNT_CUES = re.compile(r"多少钱|多少亿|多少万元|金额|资金多少|总投资多少|收入多少|产值(是|有|为)?多少|营收多少|how much money|how much .*(investment|revenue|output)")
ANY_FIGURE_CUES = re.compile(r"多少|(?<![哪第])几(?![乎等级])|how many|how much|what (was|is) the (total|number|amount)")
OWN_QUESTION_WORD = re.compile(r"什么|哪|多少|几|怎|如何|是否|吗|谁|\b(what|which|how|who|when)\b")
PERSON_CUES = re.compile(r"谁|哪位|姓名|名字|\bwho\b", re.IGNORECASE)

SIGNATURE_CUES = re.compile(r"落款|署名|签发|结尾|末尾|signed|signature")
DATE_CUES = re.compile(r"日期|哪天|哪一天|时间|何时|什么时候|\bwhen\b|\bdate\b")
NOT_FOUND_ZH = "报告中没有找到这方面的信息。"
NOT_FOUND_EN = "The report does not say."


@dataclass
class Citation:
    n: int
    id: str
    section: str
    text: str
    quote: str
    score: float

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


class Topic(dict):
    """Topic words of a question → weight; `named` keeps, per synonym key, the words the question itself used."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.named: dict[str, list[str]] = {}


@dataclass
class _Candidate:
    hit: Hit
    sentence: str
    coverage: float
    score: float
    matched: frozenset[str]


class Answerer:
    """Turns retrieved paragraphs into an Answer.

    Decision rule, in order: a year the reports never speak of → not_found; a question about the document itself →
    the best header or signature line; a noun carrying ≥ 30% of the question found nowhere in the reports →
    not_found; a 哪些工作/安排 question → the items of the best section; else the sentence that covers most of the
    question's topic words (IDF-weighted, synonyms, phrases, heading path, the kind of figure asked), below a third
    of the topic → not_found; further sentences only when they cover a part of the question the first does not;
    the asked kind of figure absent, or only another year's → partial; a 谁 question without a name → not_found.
    """

    def __init__(self, index: Index):
        self.index = index
        self.n_docs = max(len(index.chunks), 1)
        self._df: dict[str, int] = {}
        for chunk in index.chunks:
            for token in set(chunk.tokens):
                self._df[token] = self._df.get(token, 0) + 1
        # Years the reports speak of (2021年, 2022-02-24), not numbers that look like years (超2000个).
        # "Does the report say X anywhere" is a substring test over all reports (megabytes for a hundred of them):
        # remember the answer per word.
        self._in_corpus = lru_cache(maxsize=1 << 16)(index.corpus_text.__contains__)
        self._issue_years = {d.key: d.issue_year for d in index.documents}
        self.corpus_years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|-\d)", index.corpus_text)}

    def _issue_year(self, doc_key: str) -> int | None:
        return self._issue_years.get(doc_key)

    def _asked_years(self, query: Query) -> set[int]:
        """Every year the question asks about, 去年/今年 read against each report's own date."""
        years: set[int] = set()
        for issue_year in self._issue_years.values():
            years |= query.resolved_years(issue_year)
        return years

    # ---- question weights -------------------------------------------------------------------------------------
    def _idf(self, token: str) -> float:
        df = self._df.get(token, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def topic_weights(self, query: Query) -> Topic:
        """Words that say what the question is about and occur in the report, with IDF weights (the question's own
        words in full, the earlier question's at half weight). Absent words are judged by missing_share instead."""
        weights = Topic()
        for tokens, factor in ((query.tokens, 1.0), (query.context_tokens, 0.5)):
            for token in tokens:
                if token in UNIT_WORDS or token in textmod.QUESTION_WORDS or re.fullmatch(r"(19|20)\d{2}", token):
                    continue
                if (len(token) < 2 and not token.isdigit()) or token not in self._df:
                    continue
                weights[token] = max(weights.get(token, 0.0), factor * self._idf(token))
        # Two neighbouring words of the question that stand together in the report (厦门 + 时代 → 厦门时代) name one
        # thing: a sentence that has the pair is about it, one that has the words apart may not be.
        for first, second in zip(query.tokens, query.tokens[1:]):
            phrase = first + second
            if (first in weights and second in weights and phrase not in weights
                    and "phr:" + phrase not in weights and self._in_corpus(phrase)):
                weights["phr:" + phrase] = 0.5 * (weights[first] + weights[second])
        # When the question names a synonym (高新技术企业), its key stands for it: the pieces of the name (高新, 技术)
        # must not count against a sentence that says it the other way (高企).
        normalized_question = textmod.normalize(query.text)
        for group in textmod.SYNONYM_GROUPS:
            key = "syn:" + group[0]
            named = [m for m in group if m in normalized_question]
            if key not in weights or not named:
                continue
            weights.named[key] = named
            pieces = [t for t in weights if not t.startswith("syn:") and any(t in m for m in named)]
            if pieces:
                weights[key] = max([weights[key]] + [weights[t] for t in pieces])
                for t in pieces:
                    del weights[t]
        # A word and the longer word that contains it (数字 / 数字经济) would count the same fact twice.
        for token in list(weights):
            if any(token != other and token in other and not other.startswith(("syn:", "phr:")) for other in weights):
                weights[token] *= 0.5
        return weights

    def _mentioned(self, word: str) -> bool:
        """The report mentions a word itself, a synonym of it, or every part of it (工业产值 in 工业总产值)."""
        if self._in_corpus(word) or any(self._in_corpus(member) for member in textmod.synonyms_of(word)):
            return True
        parts = [p for p in textmod.sub_words(word) if len(p) >= 2 and p != word]
        return bool(parts) and all(self._in_corpus(p) for p in parts)

    def missing_share(self, query: Query, weights: dict[str, float]) -> tuple[float, list[str]]:
        """Share of the question's topic, by weight, that the report never mentions (nouns such as GDP, 主任, 人口)."""
        missing = [w for w in textmod.topic_nouns(query.text) if not self._mentioned(w)]
        present = sum(v for t, v in weights.items() if t in query.tokens)
        missing_weight = len(set(missing)) * math.log(1 + (self.n_docs + 0.5) / 0.5)
        total = present + missing_weight
        return (missing_weight / total if total else 0.0), sorted(set(missing))

    # ---- sentence choice --------------------------------------------------------------------------------------
    def _coverage(self, text: str, heading: str, weights: dict[str, float]) -> tuple[float, frozenset[str]]:
        normalized = textmod.normalize(text)
        heading_normalized = textmod.normalize(heading)
        keys = set(textmod.synonym_keys(normalized))
        heading_keys = set(textmod.synonym_keys(heading_normalized))
        total = sum(weights.values()) or 1.0
        got = 0.0
        matched = set()
        for token, weight in weights.items():
            if token.startswith("syn:") and token in keys:
                # The question's own word beats a synonym of it (IPO over 上市) when both are there.
                same_word = any(m in normalized for m in getattr(weights, "named", {}).get(token, []))
                got += weight if same_word else SYNONYM_MATCH_WEIGHT * weight
                matched.add(token)
            elif not token.startswith("syn:") and token.removeprefix("phr:") in normalized:
                got += weight
                matched.add(token)
            elif (token.startswith("syn:") and token in heading_keys) or token.removeprefix("phr:") in heading_normalized:
                got += 0.5 * weight
        return got / total, frozenset(matched)

    def _kind_fit(self, query: Query, text: str) -> float:
        """+1 when the sentence holds the kind of figure asked (家 for 多少家, % for 比例), -1 when it holds none."""
        asked_unit, asked_kind = self.asked(query)
        if not asked_unit and not asked_kind:
            return 0.0
        figures = [f for f in find_figures(text) if f.kind != "date"]
        if asked_unit and any(f.text.endswith(unit) for unit in UNIT_EQUIVALENTS.get(asked_unit, (asked_unit,))
                              for f in figures):
            return 1.0
        if asked_kind and any(f.kind == asked_kind or (asked_kind == "any" and not asked_unit) for f in figures):
            return 1.0
        return -1.0

    @staticmethod
    def asked(query: Query) -> tuple[str, str]:
        """The unit (家, 亿元 …) and kind (percent, amount) of figure a question asks for, where it says. A follow-up
        that does not say (那2022年呢?) asks for what the earlier question asked for."""
        normalized = textmod.normalize(query.text)
        if query.context and not OWN_QUESTION_WORD.search(normalized) and not PERCENT_CUES.search(normalized):
            normalized = textmod.normalize(f"{query.context} {query.text}")
        unit_match = ASKED_UNIT.search(normalized)
        unit = (unit_match.group(1) or "") + unit_match.group(2) if unit_match else ""
        if unit.endswith("元"):
            return unit, "amount"
        if PERCENT_CUES.search(normalized):
            return unit, "percent"
        if AMOUNT_CUES.search(normalized):
            return unit, "amount"
        if ANY_FIGURE_CUES.search(normalized):
            return unit, "any"
        return unit, ""

    def candidates(self, query: Query, hits: list[Hit], weights: dict[str, float]) -> list[_Candidate]:
        found = []
        for hit in hits:
            # A sentence from the other part (plans when results were asked) must answer clearly better to win.
            p = hit.paragraph
            years = query.resolved_years(self._issue_year(p.doc))
            part_penalty = PART_MISMATCH_PENALTY * (
                (bool(years) and p.year is not None and p.year not in years)
                or (query.period is not None and p.period is not None and p.period != query.period))
            if hit.paragraph.kind != "body":
                found.append(_Candidate(hit, hit.paragraph.text, 1.0, 1.0 + 1 / (1 + hit.rank), frozenset()))
                continue
            for sentence in split_sentences(hit.paragraph.text):
                if hit.paragraph.lead and sentence.text.rstrip("。") == hit.paragraph.lead:
                    continue  # the paragraph's own sub-heading (一是打造…品牌。) answers nothing by itself
                coverage, matched = self._coverage(sentence.text, hit.paragraph.section_path, weights)
                score = (coverage + SECTION_PARAGRAPH_PRIOR / (1 + hit.rank) + KIND_BONUS * self._kind_fit(query, sentence.text)
                         - part_penalty)
                found.append(_Candidate(hit, sentence.text, coverage, score, matched))
        found.sort(key=lambda c: -c.score)
        return found

    def _own_weights(self, query: Query, weights: Topic) -> Topic:
        """For a follow-up, the words of the question as asked decide which clauses to keep (那软件业呢? keeps the
        软件 clause, not the 外资 one the earlier question was about)."""
        if not query.is_followup:
            return weights
        own_text = textmod.normalize(query.text)
        own = Topic({t: w for t, w in weights.items()
                     if t in query.tokens or t.removeprefix("phr:") in own_text})
        own.named = weights.named
        return own if own else weights

    def trim(self, sentence: str, weights: dict[str, float], query: Query) -> str:
        """Keep the clauses that match the question, contiguous. Parts split by ； are always weighed (they usually
        hold different facts: 平板显示…7.7%;计算机…15.1%); comma clauses only when the sentence is long."""
        for splitter, limit in ((CLAUSE_SPLIT, 0), (COMMA_SPLIT, MAX_QUOTE_CHARS)):
            if len(sentence) <= limit:
                break
            parts = [p for p in splitter.split(sentence) if p]
            if len(parts) < 2:
                continue
            covers = [self._coverage(p, "", weights) for p in parts]
            scored = [c[0] + KIND_BONUS * self._kind_fit(query, p) for c, p in zip(covers, parts, strict=True)]
            if re.search(r"[:：]", parts[0]):
                # "2022年预期目标:…" introduces what follows. If nothing after it matches, the whole list is the
                # answer; otherwise the matching items are, and the lead is context, not answer.
                if not any(c[0] > 0 for c in covers[1:]):
                    break
                scored[0] = -1.0
            fits = [self._kind_fit(query, p) for p in parts]
            # Trimming never cuts away the figure that was asked for: the best clause is one that holds it.
            pool = [i for i in range(len(parts)) if fits[i] > 0 and scored[i] >= 0] or range(len(parts))
            best = max(pool, key=lambda i: scored[i])
            # Another clause stays if it answers part of the question that the best one does not (a second figure
            # asked for), or answers it about as well.
            keep = [i for i, s in enumerate(scored) if i == best or (s >= TRIM_KEEP_SHARE * scored[best] > 0 and (
                covers[i][1] - covers[best][1] or s >= TRIM_SAME_SHARE * scored[best]))]
            trimmed = "".join(parts[min(keep) : max(keep) + 1]).rstrip(",，;；")
            if not re.search(r"[。！？!?]$", trimmed):
                trimmed += "。"
            if len(trimmed) < len(sentence):
                sentence = trimmed
        return sentence

    # ---- the answer -------------------------------------------------------------------------------------------
    def answer(self, query: Query, hits: list[Hit], section_hits: list[Hit] | None = None) -> Answer:
        weights = self.topic_weights(query)
        english = query.lang == "en"
        years = self._asked_years(query)
        if years and not (years & self.corpus_years):
            note = f"报告没有涉及{_years_as_asked(query)}的内容。"
            return self._refuse(query, note)
        if not hits:
            return self._refuse(query, "")
        if query.wants_meta and any(h.paragraph.kind != "body" for h in hits[:3]):
            return self._meta_answer(query, hits)
        share, missing = self.missing_share(query, weights)
        if not english and share >= MISSING_TOPIC_SHARE:
            shown = [_as_asked(word, query.text) for word in missing if not re.search(r"\d", word)]
            note = f"报告中没有出现“{'、'.join(shown)}”。" if shown else ""
            return self._refuse(query, note)
        if LIST_QUESTION.search(textmod.normalize(query.text)):
            listed = self._section_answer(query, section_hits or hits, weights)
            if listed:
                return listed
        ranked = self.candidates(query, hits, weights)
        if not ranked or ranked[0].coverage < MIN_COVERAGE:
            return self._refuse(query, "")
        chosen = [ranked[0]]
        covered = set(ranked[0].matched)
        total = sum(weights.values()) or 1.0
        first_period = (ranked[0].hit.paragraph.year, ranked[0].hit.paragraph.period)
        for cand in ranked[1:]:
            if len(chosen) > MAX_EXTRA_SENTENCES:
                break
            if (cand.hit.paragraph.year, cand.hit.paragraph.period) != first_period:
                continue  # one answer speaks of one year; a question about two years is served below
            gain = sum(weights[t] for t in cand.matched - covered) / total
            if (gain >= EXTRA_SENTENCE_GAIN and cand.coverage >= EXTRA_SENTENCE_MIN_SHARE * ranked[0].coverage
                    and cand.sentence not in {c.sentence for c in chosen}):
                chosen.append(cand)
                covered |= cand.matched
        # A question about two years (去年和今年…) gets the best sentence of each year's part.
        for year in sorted(years - {c.hit.paragraph.year for c in chosen}) if len(years) > 1 else []:
            same_year = [c for c in ranked if c.hit.paragraph.year == year and c not in chosen]
            if same_year and same_year[0].coverage >= EXTRA_SENTENCE_MIN_SHARE * ranked[0].coverage:
                chosen.append(same_year[0])
        trim_weights = self._own_weights(query, weights)
        quotes = [(c.hit, self.trim(c.sentence, trim_weights, query)) for c in chosen]
        status, note = "answered", ""
        asked_unit, asked_kind = self.asked(query)
        if (asked_unit or asked_kind) and all(self._kind_fit(query, q) < 0 for _, q in quotes):
            status = "partial"
            wanted = asked_unit or {"percent": "百分比", "amount": "金额"}.get(asked_kind, "")
            note = f"报告没有给出所问的具体数字{f'（{wanted}）' if wanted else ''}，下面是相关内容。"
        asked_years = query.resolved_years(self._issue_year(quotes[0][0].paragraph.doc))
        answer_year = quotes[0][0].paragraph.year
        if (asked_years and answer_year is not None and answer_year not in asked_years
                and not any(str(y) in q for y in asked_years for _, q in quotes)):
            status = "partial"
            note = f"报告没有给出{_years_as_asked(query)}的这项内容，下面是{answer_year}年的相关内容。"
        if PERSON_CUES.search(query.text) and not self._has_person(" ".join(q for _, q in quotes)):
            return self._refuse(query, "报告中没有出现相关人员的姓名。")
        return self._compose(query, quotes, status, note)

    def _has_person(self, text: str) -> bool:
        import jieba.posseg as pseg

        return any(flag == "nr" and len(word) >= 2 for word, flag in pseg.cut(text))

    def _compose(self, query: Query, quotes: list[tuple[Hit, str]], status: str, note: str) -> Answer:
        citations: list[Citation] = []
        parts: list[str] = []
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
            part_lead = self._lead(query, hit.paragraph) if len(parts) and hit.paragraph.part != quotes[0][0].paragraph.part else ""
            parts.append(f"{part_lead}{quote.rstrip('。')}[{n}]")
        lead = self._lead(query, quotes[0][0].paragraph)
        body = "；".join(parts) + "。"
        if query.lang == "en":
            prefix = "The report does not give the exact figure asked; related: " if status == "partial" else ""
            text = f"{prefix}{lead}{body}"
        else:
            text = f"{note}{lead}{body}" if status == "partial" else f"{lead}{body}"
        return self._finish(query, status, text, citations, note)

    def _lead(self, query: Query, paragraph: Paragraph) -> str:
        part = re.sub(r"^[一二三四五六七八九十]+、|^第[一二三四五六七八九十]+(部分|章)\s*", "", paragraph.part)
        if query.lang == "en":
            when = f" ({paragraph.year} {'plan' if paragraph.period == 'plan' else 'results'})" if paragraph.year else ""
            return f"According to the report{when}: "
        return f"{part}：" if part else ""

    def _section_answer(self, query: Query, hits: list[Hit], weights: dict[str, float]) -> Answer | None:
        """For 哪些工作/安排 questions: the items (一是…二是…) of the section the best paragraphs stand in."""
        # A section is as good as its best item plus half its second best: summing all would favour long sections.
        by_section: dict[tuple[str, str, str], list[float]] = {}
        for hit in hits:
            p = hit.paragraph
            if p.kind == "body" and p.section and _is_item(p):
                by_section.setdefault((p.doc, p.part, p.section), []).append(hit.score)
        if not by_section:
            return None
        scores = {}
        for key, values in by_section.items():
            top = sorted(values, reverse=True)
            heading_cov = self._coverage(key[2], "", weights)[0]
            scores[key] = (top[0] + 0.5 * (top[1] if len(top) > 1 else 0.0)) * (1 + heading_cov)
        doc, part, section = max(scores, key=scores.get)
        members = [c.paragraph for c in self.index.chunks
                   if c.paragraph.doc == doc and c.paragraph.part == part and c.paragraph.section == section]
        itemised = [p for p in members if _is_item(p)]
        if len(itemised) < 2:
            return None
        citations, parts = [], []
        for n, p in enumerate(itemised, 1):
            first = split_sentences(p.text)[0].text
            citations.append(Citation(n, p.id, p.section_path, p.text, first, 0.0))
            parts.append(f"{first.rstrip('。')}[{n}]")
        heading = re.sub(r"^[（(][一二三四五六七八九十]+[)）]", "", section)
        lead = self._lead(query, itemised[0])
        if query.lang == "en":
            text = f"{lead}{section}: " + "; ".join(parts) + "."
        else:
            text = f"{lead}{heading}：" + "；".join(parts) + "。"
        return self._finish(query, "answered", text, citations, "")

    def _meta_answer(self, query: Query, hits: list[Hit]) -> Answer:
        """Questions about the document itself: the best line of its header (文号, 发布机构…) or its signature block."""
        weights = Topic({t: 1.0 for t in query.tokens if t not in textmod.QUESTION_WORDS})
        wants_signature = bool(SIGNATURE_CUES.search(textmod.normalize(query.text)))
        wants_date = bool(DATE_CUES.search(textmod.normalize(query.text)))
        best, best_score = None, -1.0
        docs = {h.paragraph.doc for h in hits[:3]}
        blocks = [c.paragraph for c in self.index.chunks if c.paragraph.kind != "body" and c.paragraph.doc in docs]
        scores = {h.paragraph.id: h.score for h in hits}
        for paragraph in blocks:
            for line in paragraph.text.split("\n"):
                score = self._coverage(line, "", weights)[0] if weights else 0.0
                score += 0.5 * (paragraph.kind == "signature") * wants_signature
                score += 0.5 * wants_date * bool(DATE.search(line))
                score += 0.01 * scores.get(paragraph.id, 0.0)
                if score > best_score:
                    best, best_score = (paragraph, line), score
        paragraph, line = best
        citation = Citation(1, paragraph.id, paragraph.section_path, paragraph.text, line,
                            round(scores.get(paragraph.id, 0.0), 4))
        lead = "According to the report's header: " if query.lang == "en" else ""
        return self._finish(query, "answered", f"{lead}{line.strip()}[1]", [citation], "")

    def _refuse(self, query: Query, note: str) -> Answer:
        base = NOT_FOUND_EN if query.lang == "en" else NOT_FOUND_ZH
        return Answer(query.text, "not_found", f"{base}{note}" if query.lang != "en" else base, lang=query.lang,
                      note=note)

    def _finish(self, query: Query, status: str, text: str, citations: list[Citation], note: str) -> Answer:
        sources = [f"{c.section}\n{c.text}" for c in citations] + [query.text]
        if unsupported_numbers(text, sources):
            # Cannot happen for extractive quotes; if it ever does, saying nothing beats saying a wrong number.
            return self._refuse(query, "")
        figures = []
        for c in citations:
            for f in find_figures(c.quote):
                if f.kind != "date" and f.text in text and {"text": f.text, "n": c.n} not in figures:
                    figures.append({"text": f.text, "n": c.n})
        return Answer(query.text, status, text, citations, figures, lang=query.lang, note=note)


def _is_item(paragraph: Paragraph) -> bool:
    """A paragraph that is one item of its section: it opens with 一是/二是…"""
    return bool(paragraph.items) and paragraph.text.startswith(paragraph.items[0][:2])


def _as_asked(word: str, question: str) -> str:
    """The word as the user wrote it (GDP, not the folded gdp)."""
    match = re.search(re.escape(word), question, re.IGNORECASE)
    return match.group() if match else word


def _years_as_asked(query: Query) -> str:
    """The years a question asks about in its own words (2023年, 去年): a year worked out from 去年 is a computed
    number, which an answer must not show."""
    normalized = textmod.normalize(query.text)
    words = [f"{y}年" for y in query.years] + [w for w in RELATIVE_YEARS if w in normalized and not w.isascii()]
    if not words and query.context:
        return "所问年份"
    return "、".join(dict.fromkeys(words)) or "所问年份"
