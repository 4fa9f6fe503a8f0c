"""Every weight and threshold of retrieval and answering, in one place, and where each value comes from.

The values in use are `assistant/settings.json`, written by `python -m benchmarks.tune --write`, which refits them on
the question sets in tests/data and ../shared/eval and prints, for each value, the sets, the metric and the score with
one report left out at a time (fitted on the other reports, scored on it). A value missing from the file keeps the
default below. Not for vocabularies (the cue words are in asked.py, text.py and retrieve.py) nor for limits of size
(candidates, cache sizes), which are not fitted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

SETTINGS_FILE = Path(__file__).with_name("settings.json")


@dataclass(frozen=True)
class Settings:
    # ---- retrieval (retrieve.py): reciprocal-rank fusion of paragraph BM25, sentence BM25 and sentence vectors, then
    # priors for the asked year and kind of part (results or plans).
    rrf_k: float = 20.0
    bm25_weight: float = 1.0
    sentence_weight: float = 1.0
    dense_weight: float = 1.0
    year_match_boost: float = 1.35
    year_mismatch_penalty: float = 0.55
    period_match_boost: float = 1.15
    period_mismatch_penalty: float = 0.8

    # ---- topic words (match.py)
    synonym_match_weight: float = 0.85  # a synonym of the question's word (上市 for IPO) counts a little less
    heading_match_weight: float = 0.5  # a topic word found only in the heading path counts half
    anchor_share: float = 0.5  # an anchor (what a figure must be about) carries this share of the top weight

    # ---- choosing a sentence (answer.py): the share of the question's topic words it holds, plus its vector against
    # the closest sentence in standard deviations of the candidates (any embedder's scale fits), the asked kind of
    # figure held (+) or not (-), the part of the asked year and kind, its paragraph's retrieval rank.
    sentence_dense_weight: float = 0.3
    min_spread: float = 0.005  # floor of the standard deviation, for candidates that are all alike
    rank_prior: float = 0.12  # rank_prior / (1 + rank)
    kind_bonus: float = 0.3
    year_weight: float = 0.6
    period_weight: float = 0.25

    # ---- refusing (answer.py): nothing answers when the best sentence holds less than min_coverage of the topic
    # words, unless its vector is at least paraphrase_dense; when nouns carrying missing_topic_share of the question are
    # absent from the reports, the rest must match strongly (strong_coverage and strong_dense). English questions go
    # by a dictionary word in the sentence and the vector (min_dense_en: e5 sets two languages further apart).
    min_coverage: float = 0.25
    paraphrase_dense: float = 0.90
    missing_topic_share: float = 0.3
    strong_coverage: float = 0.5
    strong_dense: float = 0.85
    min_dense_en: float = 0.74
    min_coverage_en: float = 0.0  # share of the topic an English question's sentence must hold (0: any dictionary word)

    # ---- comparing reports (answer.py): a confidence on one scale for every report; a partial answer counts less;
    # another report's answer is given too within report_margin of the best.
    confidence_dense_weight: float = 16.0
    partial_penalty: float = 0.5
    report_margin: float = 0.6

    # ---- further sentences (answer.py): they join the first only when they cover a part of the question it does not.
    max_extra_sentences: int = 2
    extra_sentence_gain: float = 0.2
    extra_sentence_min_share: float = 0.5
    main_word_share: float = 0.75  # ...or, in a question of several parts, hold a word of this share of the top weight

    # ---- list questions (answer.py): a block scores by the topic words of its heading, title_share of its best
    # item's, the retrieval score of its best retrieved item, its heading vector, the part and the count (两方面) it
    # fits; it answers from min_node_score up.
    title_share: float = 0.5
    support_weight: float = 0.3
    node_dense_weight: float = 0.22  # per standard deviation
    node_part_weight: float = 0.25
    count_bonus: float = 0.15
    min_node_score: float = 0.1

    # ---- trimming a quote to its clauses (trim.py)
    keep_share: float = 0.5  # a clause scoring this share of the best stays if it adds a topic word the best lacks
    same_share: float = 0.9  # ...or if it scores nearly as well
    clause_kind_bonus: float = 0.12  # a clause holding the asked kind of figure gains this much
    clause_dense_weight: float = 4.0  # per unit of cosine below the closest clause: words decide, vectors break ties

    def to_dict(self) -> dict:
        return asdict(self)

    def with_values(self, values: dict) -> Settings:
        known = {f.name: f.type for f in fields(self)}
        return replace(self, **{k: (int(v) if known[k] == "int" else float(v)) for k, v in values.items() if k in known})


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    """The committed settings: the defaults above with the fitted values of settings.json."""
    if SETTINGS_FILE.exists():
        return Settings().with_values(json.loads(SETTINGS_FILE.read_text(encoding="utf-8")).get("values", {}))
    return Settings()
