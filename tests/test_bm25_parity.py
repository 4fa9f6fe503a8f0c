"""Parity: bm25s (what the index searches with) against rank-bm25's BM25Okapi (the reference), on the report's tokens.

The mapping, exact up to float32 rounding:

    bm25s.BM25(method="robertson", k1=K1, b=B).get_scores(q) * (K1 + 1)
        == rank_bm25.BM25Okapi(corpus, k1=K1, b=B, epsilon=0).get_scores(q)

- idf: both use Robertson's log((N - df + 0.5) / (df + 0.5)), which is negative for a token in more than half the
  documents. BM25Okapi replaces a negative idf by epsilon * (mean idf over the vocabulary), a positive floor
  (epsilon=0.25 by default); bm25s's robertson clips it to log(1) = 0. epsilon=0 makes BM25Okapi clip to 0 as well.
  The difference matters here: 13 tokens of this report (年, 2021, 2022, 工作, 产业, 企业 …) are in more than half of
  its paragraphs, and with the default epsilon the top-5 of most dev questions changes (checked below).
- term frequency: bm25s's robertson factor is tf / (tf + k1 (1 - b + b dl/avgdl)); BM25Okapi multiplies it by (k1 + 1),
  a constant: the ranking is the same and the scores match after scaling.
- Both count a repeated query token once per occurrence, ignore tokens outside the vocabulary, and use the mean
  document length over all documents. bm25s scores in float32, BM25Okapi in float64.
- Ties: a top-5 orders documents by score rounded to 1e-4 (the two libraries differ by ~1e-6), then by position, and
  leaves out zero scores (the retriever drops zero-score BM25 hits before fusing too).

The production index uses bm25s's default method="lucene" (assistant/index.py BM25_K1, BM25_B): the same tf factor,
but idf log(1 + (N - df + 0.5) / (df + 0.5)), which is always positive; rank-bm25 has no such variant.
"""

import json
from pathlib import Path

import bm25s
import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from assistant import index as indexmod
from assistant.text import tokenize

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
K1, B = indexmod.BM25_K1, indexmod.BM25_B
TOP_K = 5
SCORE_DECIMALS = 4


def top_ids(scores, k: int = TOP_K) -> list[int]:
    rounded = np.round(np.asarray(scores, dtype=np.float64), SCORE_DECIMALS)
    order = sorted(range(len(rounded)), key=lambda i: (-rounded[i], i))
    return [i for i in order[:k] if rounded[i] > 0]


def bm25s_robertson(corpus: list[list[str]], k1: float = K1, b: float = B) -> bm25s.BM25:
    model = bm25s.BM25(method="robertson", k1=k1, b=b)
    model.index(corpus, show_progress=False)
    return model


@pytest.fixture(scope="module")
def report():
    """The committed index's chunks (loading it also teaches jieba the report's domain terms) and dev questions."""
    if not DEV.exists():
        pytest.skip(f"{DEV} is not here (it sits in shared/ beside the repository)")
    chunks = indexmod.load(ROOT / "index").chunks
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries = [tokens for tokens in (tokenize(q, drop_question_words=True) for q in questions) if tokens]
    assert len(queries) >= 30
    return chunks, queries


def corpora(chunks) -> dict[str, list[list[str]]]:
    # Empty token lists become [""], as the index does.
    return {
        "paragraphs": [c.tokens or [""] for c in chunks],
        "sentences": [t or [""] for c in chunks for t in c.sentence_tokens] or [[""]],
    }


@pytest.mark.parametrize("level", ["paragraphs", "sentences"])
def test_bm25s_robertson_matches_bm25okapi_without_epsilon_floor(report, level):
    chunks, queries = report
    corpus = corpora(chunks)[level]
    reference = BM25Okapi(corpus, k1=K1, b=B, epsilon=0)
    candidate = bm25s_robertson(corpus)
    matched = 0
    for query in queries:
        expected = reference.get_scores(query)
        got = candidate.get_scores(query) * (K1 + 1)
        assert top_ids(got) == top_ids(expected), query
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4, err_msg=str(query))
        matched += bool(top_ids(expected))
    assert matched >= 30  # the comparison is about real hits, not empty lists


def test_default_epsilon_floor_changes_rankings_on_this_report(report):
    """The comparison above can fail: BM25Okapi's default floor for negative idf gives other top-5 lists."""
    chunks, queries = report
    corpus = corpora(chunks)["paragraphs"]
    floored = BM25Okapi(corpus, k1=K1, b=B)  # epsilon=0.25
    candidate = bm25s_robertson(corpus)
    differing = [q for q in queries if top_ids(floored.get_scores(q)) != top_ids(candidate.get_scores(q) * (K1 + 1))]
    assert len(differing) >= 5
    other_k1 = bm25s_robertson(corpus, k1=K1 + 0.6)
    reference = BM25Okapi(corpus, k1=K1, b=B, epsilon=0)
    assert any(top_ids(other_k1.get_scores(q)) != top_ids(reference.get_scores(q)) for q in queries)


def test_negative_idf_is_clipped_to_zero_by_bm25s_and_floored_by_bm25okapi():
    corpus = [["高新区", "产值"], ["高新区", "外资"], ["高新区", "孵化器"], ["人才"]]  # 高新区: 3 of 4, idf < 0
    assert np.array_equal(bm25s_robertson(corpus).get_scores(["高新区"]), np.zeros(4, np.float32))
    assert np.array_equal(BM25Okapi(corpus, epsilon=0).get_scores(["高新区"]), np.zeros(4))
    assert top_ids(BM25Okapi(corpus).get_scores(["高新区"])) == [0, 1, 2]
    scores = bm25s_robertson(corpus).get_scores(["外资", "外资", "不在词表"]) * (K1 + 1)
    np.testing.assert_allclose(scores, BM25Okapi(corpus, k1=K1, b=B, epsilon=0).get_scores(["外资", "外资"]), rtol=1e-6)
    assert top_ids(scores) == [1]
