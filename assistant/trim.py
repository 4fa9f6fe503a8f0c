"""Cutting a chosen sentence down to the clauses that answer: a short answer quotes what was asked, not the whole
sentence around it. A cut never drops the figure that was asked for, and the quote stays contiguous text of the source.

Not for choosing the sentence (answer.py).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .asked import Asked, holds_answer
from .figures import find_figures
from .match import Topic, TopicMatcher
from .settings import Settings, default_settings

CLAUSE_SPLIT = re.compile(r"(?<=[;；])")
COMMA_SPLIT = re.compile(r"(?<=[,，;；])")
MAX_QUOTE_CHARS = 90  # comma clauses are weighed only in sentences longer than this


def _fit(asked: Asked, text: str, anchors: tuple[str, ...]) -> float:
    holds = holds_answer(asked, text, anchors)
    return 0.0 if holds is None else (1.0 if holds else -1.0)


def _parts(sentence: str, splitter: re.Pattern) -> list[str]:
    parts = [p for p in splitter.split(sentence) if p]
    # "今年发展主要预期目标是：国内生产总值增长6%以上；…": the lead before the colon is a part of its own.
    lead = re.match(r"^[^:：]+[:：]", parts[0]) if parts else None
    if lead and lead.end() < len(parts[0]):
        parts[:1] = [parts[0][: lead.end()], parts[0][lead.end() :]]
    return parts


def trim(sentence: str, weights: Topic, asked: Asked, matcher: TopicMatcher,
         similarity: dict[str, float] | None = None, anchors: tuple[str, ...] = (), settings: Settings | None = None,
         several: bool = False, units: str = "") -> str:
    """Keep the clauses that match the question, contiguous. Parts split by ； are always weighed (they usually hold
    different facts: 平板显示…7.7%;计算机…15.1%); comma clauses only when the sentence is long. `similarity` gives
    the vector similarity to the question of the clauses that have vectors (the ；-parts of long sentences). A
    question that asks `several` figures (GDP总量和人均GDP各是多少) keeps every clause that holds a figure of the
    asked kind and matches it well enough: the clause of 人均地区生产总值 holds all the words the one of 地区生产总值
    does, and still answers only one of the two. `units`: the measure words the question asks its count in (多少栋
    → 栋)."""
    similarity = similarity or {}
    settings = settings or default_settings()
    for splitter, limit in ((CLAUSE_SPLIT, 0), (COMMA_SPLIT, MAX_QUOTE_CHARS)):
        if len(sentence) <= limit:
            break
        parts = _parts(sentence, splitter)
        if len(parts) < 2:
            continue
        covers = [matcher.coverage(p, "", weights) for p in parts]
        fits = [_fit(asked, p, anchors) for p in parts]
        if several:
            # Each figure asked has its own words: a clause about one of them need not hold the other's (人均), nor be per head.
            loose = replace(asked, per=())
            fits = [f if f > 0 or c[0] <= 0 else _fit(loose, p, ()) for f, c, p in zip(fits, covers, parts, strict=True)]
        scored = [c[0] + settings.clause_kind_bonus * f for c, f in zip(covers, fits, strict=True)]
        sims = [similarity.get(p) for p in parts]
        if sum(s is not None for s in sims) >= 2:
            top = max(s for s in sims if s is not None)
            scored = [x + settings.clause_dense_weight * (s - top) if s is not None else x for x, s in zip(scored, sims, strict=True)]
        if re.search(r"[:：]", parts[0]):
            # "2022年预期目标:…" introduces what follows. If nothing after it matches, the whole list is the answer;
            # otherwise the matching items are, and the lead is context, not answer.
            if not any(c[0] > 0 for c in covers[1:]):
                break
            scored[0] = -1.0
        # Trimming never cuts away the figure that was asked for: the best clause is one that holds it.
        pool = [i for i in range(len(parts)) if fits[i] > 0 and scored[i] >= 0]
        subject = None
        if not pool and units and anchors and holds_answer(asked, sentence, anchors):
            # The sentence names what it is about once, up front, and gives the figure clauses later (雄安新区日新月异，…，
            # 5300多栋楼宇拔地而起): the clause with a figure in the unit the question asks (多少栋), from the one that
            # names the subject.
            pool = [i for i in range(len(parts)) if any(f.text[-1] in units for f in find_figures(parts[i]))]
            named = [i for i in range(min(pool, default=0)) if covers[i][0] > 0]
            subject = max(named, key=lambda i: covers[i][0]) if named else None
        pool = pool or range(len(parts))
        best = max(pool, key=lambda i: scored[i])
        # Another clause stays if it answers part of the question that the best one does not (a second figure asked
        # for), or answers it about as well.
        keep = [i for i, s in enumerate(scored) if i == best or (s >= settings.keep_share * scored[best] > 0 and (
            covers[i][1] - covers[best][1] or s >= settings.same_share * scored[best] or several and fits[i] > 0))
                # one of several figures asked, named by a word the best clause lacks (生产总值增长5.6% beside 规上工业
                # 增加值增长8.4%: the longer name weighs more, and is only the other half of the question)
                or several and fits[i] > 0 and s > 0 and (covers[i][1] - covers[best][1]) & set(anchors)]
        if subject is not None and subject < best:
            keep.append(subject)
        trimmed = "".join(parts[min(keep) : max(keep) + 1]).rstrip(",，;；")
        if not re.search(r"[。！？!?]$", trimmed):
            trimmed += "。"
        if len(trimmed) < len(sentence):
            sentence = trimmed
    return sentence
