"""How well a sentence matches a question: the question's topic words (IDF-weighted, with synonyms and phrases) found in
the sentence and its heading path, and the similarity of their vectors.

Not for deciding what to answer (answer.py) or for cutting sentences (trim.py).
"""

from __future__ import annotations

import itertools
import math
import re
from functools import lru_cache
from pathlib import Path

from . import text as textmod
from .asked import GENERIC_LIST_PHRASE
from .index import Index
from .retrieve import Query
from .settings import Settings, default_settings

REFERS_BACK = re.compile(r"这个|这项|这一|这些|该项|该|其|它|这方面|这块|上述|this|that|it\b")
# Units and their pieces as jieba cuts them (平方公里 → 平方, 公里): they say what kind of figure is asked, not what about.
UNIT_WORDS = frozenset(["亿元", "万元", "元", "家", "个", "项", "名", "人", "例", "所", "笔", "亩", "次", "天", "平方米",
                        "万平方米", "平方公里", "平方", "公里", "公顷", "米", "吨", "万吨", "公斤", "斤", "千瓦", "家次", "人次",
                        "年", "月", "日", "万", "亿", "千", "百", "百分", "百分点", "个百分点", "倍", "套", "辆", "台", "美元", "欧元",
                        "港元", "人民币"])


JURISDICTION = re.compile(r"(?:全|我|本|咱)(?:省|市|区|县|州|国|盟|旗|自治区)|全社会|全年")
# The report's own jurisdiction as its speaker says it (我省, 本市, 咱区): the report itself, not what is asked about; a
# sentence need not say it (确保粮食种植面积… answers 我省粮食面积).
SELF_REFERENCE = re.compile(r"(?:我|本|咱)(?:省|市|区|县|州|国|盟|旗|自治区)")
# Words that say how a figure is framed (a target, a rise) rather than what it measures: a sentence of targets holds
# 目标 and 增长 whatever the measure asked, so these are no anchor either.
FRAME_WORDS = re.compile(r"syn:增长|syn:下降|目标|预期|计划|任务|指标|实际|同比|比上年|"
                         # ...and the time frame (这五年, 十四五 and jieba's pieces of it, 年均): when, not what about
                         r"(?:近|过去|这)?[两三四五六七八九十]年(?:来|间)?|过去|十?[一二三四五六]五|十[一二三四五六]|年均|每年|平均")

HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")  # the Chinese words of a file name
MAX_GROUP_TERMS = 4  # the report words of one English word or phrase tried together as a phrase of the reports
MAX_PHRASE_FORMS = 8  # ways of writing a run of question words tried against the reports (synonyms multiply them)


class Topic(dict):
    """Topic words of a question → weight; `named` keeps, per synonym key, the words the question itself used."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.named: dict[str, list[str]] = {}
        # Words that are senses of one English word of the question (增长, 发展 for grow): together they weigh as the
        # heaviest of them, and a text that has one of them has the word.
        self.senses: list[frozenset[str]] = []
        # The earlier question's word that a follow-up asks in contrast to, and that holds the follow-up's own word
        # (进出口 for 那单看出口呢): the word written only inside it is not written.
        self.contrast = ""
        # A phrase's other ways of writing it, short or long (规上工业企业: 规模以上工业企业), each one written in the
        # reports: a text that has any of them has the phrase.
        self.phrases: dict[str, tuple[str, ...]] = {}

    @property
    def total(self) -> float:
        return (sum(self.values()) - sum(self._surplus(group) for group in self.senses)) or 1.0

    def _surplus(self, tokens) -> float:
        """What the senses among tokens weigh beyond the heaviest of them."""
        weights = [self[t] for t in tokens if t in self]
        return sum(weights) - max(weights) if weights else 0.0

    def counted_once(self, got: float, matched) -> float:
        """A weight found for the tokens matched, each English word's senses counted once."""
        return got - sum(self._surplus(group & matched) for group in self.senses)


def paragraph_frequencies(chunks) -> dict[str, int]:
    """How many paragraphs hold each token."""
    df: dict[str, int] = {}
    for chunk in chunks:
        for token in set(chunk.tokens):
            df[token] = df.get(token, 0) + 1
    return df


class TopicMatcher:
    """Knows the reports' vocabulary: IDF of every token, and whether the reports mention a word at all."""

    def __init__(self, index: Index, settings: Settings | None = None):
        self.index = index
        self.settings = settings or default_settings()
        self.n_docs = max(len(index.chunks), 1)
        frequencies = getattr(getattr(index, "store", None), "paragraph_frequencies", None)
        self._df: dict[str, int] = frequencies() if frequencies else paragraph_frequencies(index.chunks)
        # "Does the report say X anywhere" is a substring test over all reports (megabytes for a hundred of them):
        # remember the answer per word.
        self.in_corpus = lru_cache(maxsize=1 << 16)(index.corpus_text.__contains__)
        self._written_count = lru_cache(maxsize=1 << 12)(index.corpus_text.count)
        self._in_report = lru_cache(maxsize=1 << 16)(lambda word, doc: word in index.doc_text.get(doc, ""))
        # ...and whether it writes a word's pieces apart (a regex over the text in scope)
        self._written_apart = lru_cache(maxsize=1 << 12)(self._scan_written_apart)
        # A report's name is its title and the Chinese words of its file name (2026-青海省-government-work-report: a
        # report titled only 政府工作报告 is still about 青海).
        titles = [textmod.normalize(" ".join([d.title, *HAN_RUN.findall(Path(d.path).stem)])) for d in index.documents]
        self._abbreviations: dict[str, str] | None = None  # built on first use (expansion)
        self.in_titles = lru_cache(maxsize=1 << 12)(lambda word: any(word in t for t in titles) and not word.startswith("syn:"))

    def in_scope(self, word: str, scope: frozenset[str] | None = None) -> bool:
        """Does any report in scope (all when None) say the word?"""
        if scope is None:
            return self.in_corpus(word)
        return any(self._in_report(word, doc) for doc in scope)

    def document_frequency(self, token: str) -> int:
        """The number of paragraphs whose tokens hold this one."""
        return self._df.get(token, 0)

    def idf(self, token: str, df: int | None = None) -> float:
        """IDF of a token over the paragraphs, or of a given paragraph count `df`."""
        df = self._df.get(token, 0) if df is None else df
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def topic(self, query: Query, scope: frozenset[str] | None = None) -> Topic:
        """Words that say what the question is about and occur in the reports, with IDF weights (the question's own
        words in full, the earlier question's at its context weight). Absent words are judged by missing_share instead."""
        weights = Topic()
        weights.contrast = query.contrast
        for tokens, factor in ((query.tokens, 1.0), (query.context_tokens, query.context_weight)):
            # (a magnitude and the 级 after it name a class of things: 千亿级 in 千亿级的那几个呢)
            tokens = [t for t, _ in textmod.with_class_words([(t, "") for t in tokens])]
            for token in tokens:
                if (token in UNIT_WORDS or token in textmod.QUESTION_WORDS or re.fullmatch(r"(19|20)\d{2}", token)
                        or SELF_REFERENCE.fullmatch(token)):
                    continue
                if token[:1] in "万亿千百" and (token[1:] in UNIT_WORDS or not token.strip("万亿千百")):
                    continue  # 多少万人, 几亿元, 万亿: a magnitude (and a unit) says what kind of figure, not what it is about
                if len(token) < 2 and not token.isdigit():
                    continue
                if query.asks_section and GENERIC_LIST_PHRASE.fullmatch(token):
                    continue  # 写…那些内容的是哪一节: what a part holds is asked, 内容 is not what it is about
                if token in self._df:
                    idf = self.idf(token)
                elif not token.isdigit() and (textmod.known_word(token) or textmod.CLASS_WORD.fullmatch(token)) \
                        and self.in_scope(token, scope):
                    # A word the reports write only inside longer cuts (对台 in 深化对台机制化合作, cut 对|台机|制化):
                    # the text says it, so it says what the question is about. Each time it is written counts as a
                    # paragraph holding it (an overcount, so it weighs a little less than a token as frequent).
                    idf = self.idf(token, min(self._written_count(token), self.n_docs))
                elif (full := self.expansion(token, scope)):
                    # An abbreviation the reports write out (环保 for 环境保护): the full word is what is asked about.
                    token, idf = full, self.idf(full)
                else:
                    continue
                weights[token] = max(weights.get(token, 0.0), factor * idf)
        # Two neighbouring words of the question that stand together in the reports (厦门 + 时代 → 厦门时代) name one
        # thing: a sentence that has the pair is about it, one that has the words apart may not be.
        # A word the question says by a synonym stands in the phrase as the reports write it (规上 + 工业 → 规模以上工业),
        # and three neighbours that stand together (规模以上工业增加值) say more than any two of them: 对规模以上工业增长
        # 贡献率 beside 非烟非能工业增加值 has both pairs, and is not the figure asked.
        # (Not for an English question: its tokens are the dictionary's words for its words, side by side by chance.)
        forms = [self._phrase_forms(token, weights) if query.lang == "zh" else [(token, token)] * (token in weights)
                 for token in query.tokens]
        for size in (2, 3) if query.lang == "zh" else (2,):
            for start in range(len(forms) - size + 1):
                run = forms[start : start + size]
                if not all(run):
                    continue
                written = []
                for combo in itertools.islice(itertools.product(*run), MAX_PHRASE_FORMS):
                    phrase = "".join(form for form, _ in combo)
                    if not written and (phrase in weights or "phr:" + phrase in weights):
                        break
                    if self.in_scope(phrase, scope):
                        written.append((phrase, combo))
                if written:
                    (phrase, combo), *others = written
                    weights["phr:" + phrase] = sum(weights[key] for _, key in combo) / size
                    if others:
                        weights.phrases["phr:" + phrase] = tuple(other for other, _ in others)
        # The report words the dictionary gives for one English phrase (average life expectancy: 人均, 寿命, 预期) that
        # the reports write together, in whatever order (人均预期寿命), name one thing as the phrase does.
        for group in query.english_groups if query.lang == "en" else ():
            terms = [t for t in dict.fromkeys(group) if t in weights][:MAX_GROUP_TERMS]
            for size in (2, 3):
                for combo in itertools.permutations(terms, size):
                    phrase = "".join(combo)
                    if "phr:" + phrase not in weights and self.in_scope(phrase, scope):
                        weights["phr:" + phrase] = sum(weights[t] for t in combo) / size
        # When the question names a synonym (高新技术企业), its key stands for it: the pieces of the name (高新, 技术)
        # must not count against a sentence that says it the other way (高企).
        # A follow-up's earlier question names its synonyms the same way (今年GDP增长目标 before 去年呢).
        normalized_question = textmod.normalize(f"{query.text} {query.context}".strip())
        for group in textmod.SYNONYM_GROUPS:
            key = "syn:" + group[0]
            named = [m for m in group if m in normalized_question]
            if key not in weights or not named:
                continue
            weights.named[key] = named
            # The pieces of the name as the question writes it (高新, 技术), and of the group's other names where the
            # question does not write them itself (国内, 生产, 总值 from the dictionary's reading of GDP).
            pieces = [t for t in weights if not t.startswith(("syn:", "phr:")) and (
                any(t in m for m in named)
                or (query.lang == "zh" and t not in normalized_question and any(t in m for m in group)))]
            if pieces:
                weights[key] = max([weights[key]] + [weights[t] for t in pieces])
                for t in pieces:
                    del weights[t]
        # An English phrase the dictionary reads as a synonym's name and its pieces (high-tech enterprises: 高企, and
        # 高新, 技术, 企业 of 高新技术企业, which the report writes only inside longer words) is that one name.
        for group in query.english_groups if query.lang == "en" else ():
            for key in dict.fromkeys(k for t in group for k in textmod.SYNONYM_KEYS_OF.get(t, ())):
                members = textmod.SYNONYM_MEMBERS[key]
                if key not in weights:
                    continue
                pieces = [t for t in group if t in weights and t not in members and any(t in m for m in members)]
                if pieces:
                    weights[key] = max([weights[key]] + [weights[t] for t in pieces])
                    for t in pieces:
                        del weights[t]
        # A word and the longer word that contains it (数字 / 数字经济) would count the same fact twice.
        for token in list(weights):
            if any(token != other and token in other and not other.startswith(("syn:", "phr:")) for other in weights):
                weights[token] *= 0.5
        # The senses of one English word (land → 土地, 落地) are one word of an English question. (A Latin word in a
        # Chinese question is a name, CPI, whose words are the pieces of one term, all of them asked.)
        for group in query.english_groups if query.lang == "en" else ():
            senses = frozenset(t for term in group for t in (term, "syn:" + term) if t in weights)
            if len(senses) >= 2:
                weights.senses.append(senses)
        return weights

    @staticmethod
    def _phrase_forms(token: str, weights: Topic) -> list[tuple[str, str]]:
        """How a question word may stand in a phrase of the reports, with the weight key it counts by: itself when
        the reports write it, else the members of its synonym group when the question's weights hold the group (规上,
        which the report writes 规模以上; not 问题 for 薄弱环节: a word the report has is not asked another way)."""
        if token in weights:
            if token.startswith("syn:"):
                return []
            # ...and a word the reports write too stands as well in the other way of writing it short or long (规上
            # and 规模以上 are one word; 问题 and 薄弱环节 are two).
            return [(token, token)] + [(m, token) for key in textmod.SYNONYM_KEYS_OF.get(token, ())
                                       for m in textmod.SYNONYM_MEMBERS[key]
                                       if m != token and HAN_RUN.fullmatch(m) and textmod.abbreviates(token, m)]
        forms = []
        for key in textmod.SYNONYM_KEYS_OF.get(token, ()):
            if key in weights:
                forms += [(m, key) for m in textmod.SYNONYM_MEMBERS[key] if m != token and HAN_RUN.fullmatch(m)]
        return forms

    def own_topic(self, query: Query, weights: Topic) -> Topic:
        """For a follow-up that names its own topic, the words of the question as asked (那软件业呢? keeps the 软件
        clause, not the 外资 one the earlier question was about); for any other question, all of them."""
        if not query.is_followup or REFERS_BACK.search(textmod.normalize(query.text)):
            return weights  # 这个指标/该项/其: the question's topic is the earlier question's
        own_text = textmod.normalize(query.text)
        own = Topic({t: w for t, w in weights.items() if t in query.tokens or t.removeprefix("phr:") in own_text})
        own.named, own.contrast, own.phrases = weights.named, weights.contrast, weights.phrases
        own.senses = [group & own.keys() for group in weights.senses if len(group & own.keys()) >= 2]
        return own if own else weights

    def anchors(self, query: Query, weights: Topic) -> tuple[str, ...]:
        """The main words of the question, with a follow-up's earlier question at its weight (its topic words of at
        least anchor_share of the top weight): an answer's figure must be about one of them. None for English
        questions, whose words come from a dictionary."""
        if query.lang == "en":
            return ()
        # Words of the reports' own titles (火炬, 高新区, 政府) name what every sentence is about: no anchor.
        # Nor do the words for the whole jurisdiction (全省, 全市, 全国): every figure of the report is about it.
        main = {t: w for t, w in weights.items()
                if not t.startswith("phr:") and not self.in_titles(t) and not JURISDICTION.fullmatch(t)
                and not FRAME_WORDS.fullmatch(t)}
        if not main:
            return ()
        top = max(main.values())
        return tuple(sorted(t for t, w in main.items() if w >= self.settings.anchor_share * top))

    def coverage(self, text: str, heading: str, weights: Topic) -> tuple[float, frozenset[str]]:
        """Share of the topic's weight found in the text (a word only in the heading path counts half), and the topic
        words found in the text itself."""
        normalized = textmod.normalize(text)
        if weights.contrast:
            normalized = normalized.replace(weights.contrast, "|")
        heading_normalized = textmod.normalize(heading)
        keys = set(textmod.synonym_keys(normalized))
        heading_keys = set(textmod.synonym_keys(heading_normalized))
        got = 0.0
        matched = set()
        phrases = weights.phrases
        for token, weight in weights.items():
            if token.startswith("syn:") and token in keys:
                # The question's own word beats a synonym of it (IPO over 上市) when both are there.
                same_word = any(m in normalized for m in weights.named.get(token, []))
                got += weight if same_word else self.settings.synonym_match_weight * weight
                matched.add(token)
            elif not token.startswith("syn:") and (token.removeprefix("phr:") in normalized or (
                    token in phrases and any(form in normalized for form in phrases[token]))):
                got += weight
                matched.add(token)
            elif (token.startswith("syn:") and token in heading_keys) or (not token.startswith("syn:") and (
                    token.removeprefix("phr:") in heading_normalized
                    or (token in phrases and any(form in heading_normalized for form in phrases[token])))):
                got += self.settings.heading_match_weight * weight
        if weights.senses:
            got = weights.counted_once(got, matched)
        return got / weights.total, frozenset(matched)

    def expansion(self, word: str, scope: frozenset[str] | None = None) -> str | None:
        """The word of the reports that a two-character dictionary word abbreviates the usual way, by the first
        character of each half (环保 → 环境保护, 民企 → 民营企业, 社保 → 社会保障): the most frequent, if any."""
        if len(word) != 2 or not textmod.known_word(word) or not all("\u4e00" <= c <= "\u9fff" for c in word):
            return None
        if self._abbreviations is None:
            by_initials: dict[str, tuple[int, str]] = {}
            for token, df in self._df.items():
                if len(token) == 4 and all("\u4e00" <= c <= "\u9fff" for c in token) and textmod.known_word(token):
                    key = token[0] + token[2]
                    by_initials[key] = max(by_initials.get(key, (0, "")), (df, token))
            self._abbreviations = {key: token for key, (_, token) in by_initials.items()}
        full = self._abbreviations.get(word)
        return full if full and self.in_scope(full, scope) else None

    def mentioned(self, word: str, scope: frozenset[str] | None = None) -> bool:
        """The reports (in scope) mention a word itself, a synonym of it, every part of it (工业产值 in 工业总产值), or
        write out its abbreviation (环保)."""
        if self.in_scope(word, scope) or any(self.in_scope(member, scope) for member in textmod.synonyms_of(word)):
            return True
        if self.expansion(word, scope):
            return True
        parts = [p for p in textmod.sub_words(word) if len(p) >= 2 and p != word]
        if parts and all(self.in_scope(p, scope) for p in parts):
            return True
        return self._written_apart(word, tuple(parts), scope)

    def _scan_written_apart(self, word: str, parts: tuple[str, ...], scope: frozenset[str] | None) -> bool:
        """Its pieces with a few characters between them (地铁线 in 地铁8号线, 新能源车 in 新能源汽车): the pieces that
        do not overlap (地铁, not 铁线 too) in order, each character of the word left over in its place."""
        pieces, taken = [], set()
        for piece in sorted(parts, key=len, reverse=True):
            span = set(range(word.find(piece), word.find(piece) + len(piece)))
            if not span & taken:
                pieces.append(piece)
                taken |= span
        if not pieces or len(word) - len(taken) > 1:
            return False
        gap = r"[^，。；、,;\s]{0,4}"
        units, at = [], 0
        for piece in sorted(pieces, key=word.find):
            units += list(word[at : word.find(piece)]) + [piece]
            at = word.find(piece) + len(piece)
        units += list(word[at:])
        pattern = re.compile(gap.join(map(re.escape, units)))
        texts = [self.index.corpus_text] if scope is None else [self.index.doc_text.get(d, "") for d in scope]
        return any(pattern.search(t) for t in texts)

    def missing(self, query: Query, weights: Topic, scope: frozenset[str] | None = None,
                generic: re.Pattern | None = None) -> tuple[float, list[str]]:
        """Share of the question's topic, by weight, that the reports in scope never mention (nouns such as GDP,
        主任, 人口), and those words; not the words `generic` matches whole (这些内容: a word for "the things asked",
        no topic). English questions are judged by their dictionary terms and vectors instead."""
        if query.lang == "en":
            return 0.0, []
        missing = sorted({w for w in textmod.topic_nouns(query.text) if not self.mentioned(w, scope)
                          and not (generic and generic.fullmatch(w))})
        if any(query.english_terms) and missing:
            missing = [w for w in missing if not re.fullmatch(r"[a-z0-9&\-]+", w)]  # looked up in the dictionary
        present = sum(v for t, v in weights.items() if t in query.tokens)
        missing_weight = len(missing) * math.log(1 + (self.n_docs + 0.5) / 0.5)
        total = present + missing_weight
        return (missing_weight / total if total else 0.0), missing
