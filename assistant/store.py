"""Where the candidates of a search come from: the store interface, and the local store (bm25s + faiss, in memory).

The index (paragraphs, their units, headings, the dictionary: index.py) is the same whatever the store; a store only
answers the searches the retriever makes, so that retrieval is one code path above it:
  paragraph_scores(tokens)        BM25 of every paragraph (0 where none of the tokens is; the Milvus store returns
                                  the best 1,000 only, milvus_store.LEXICAL_HITS)
  sentence_scores(tokens)         BM25 of every sentence (in index.sentence_owner order)
  nearest_units(vector, k, docs)  the k units (sentences, clauses) nearest the vector, best first (`best_first`),
                                  in some reports
  unit_vectors(rows)              the vectors of some units (to score a paragraph's sentences)
  prefetch(token_lists, vector, k, scopes)
                                  what a question is about to search, said before it searches: a remote store fetches
                                  it in a few round trips (the local store has nothing to fetch)
  calls                           round trips this thread has made to the store's server (0 for the local store)
`open_store(spec, index, unit_vectors)` gives the store a spec names: "local" (default) or "milvus:URI"
(milvus_store.py).
"""

from __future__ import annotations

import os
from typing import Protocol

import bm25s
import faiss
import numpy as np

BM25_K1 = 1.2
BM25_B = 0.75
STORE_ENV = "ASSISTANT_STORE"


class Store(Protocol):
    name: str

    def paragraph_scores(self, tokens: list[str]) -> np.ndarray: ...

    def sentence_scores(self, tokens: list[str]) -> np.ndarray: ...

    def nearest_units(self, vector: np.ndarray, k: int, docs: frozenset[str] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]: ...

    def unit_vectors(self, rows) -> np.ndarray: ...

    def prefetch(self, token_lists: list[list[str]] | None = None, vector: np.ndarray | None = None, k: int = 0,
                 scopes=()) -> None: ...

    @property
    def calls(self) -> int: ...


class LocalStore:
    """BM25 (bm25s) over paragraph and sentence tokens and an exact inner-product index (faiss) over unit vectors,
    all in this process: nothing to start, fast up to a few hundred reports."""

    name = "local"
    calls = 0  # everything is in this process

    def __init__(self, index, unit_vectors: np.ndarray):
        self.index = index
        self._unit_vectors = unit_vectors
        self.bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        self.bm25.index([c.tokens or [""] for c in index.chunks], show_progress=False)
        # Sentences get a BM25 of their own: a long paragraph full of figures dilutes the one sentence that answers.
        self.sentence_bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        self.sentence_bm25.index([t or [""] for c in index.chunks for t in c.sentence_tokens] or [[""]],
                                 show_progress=False)
        faiss.omp_set_num_threads(1)
        # Dense search is over units (a paragraph scores by its best sentence): whole-paragraph vectors blur the one
        # sentence that answers among the others.
        self.faiss = faiss.IndexFlatIP(unit_vectors.shape[1] if unit_vectors.ndim == 2 else index.dim)
        if len(unit_vectors):
            self.faiss.add(np.ascontiguousarray(unit_vectors, dtype=np.float32))
        doc_of_unit = np.array([index.chunks[u.chunk].paragraph.doc for u in index.units], dtype=object)
        self._unit_rows_of = {doc: np.flatnonzero(doc_of_unit == doc) for doc in {d.key for d in index.documents}}

    def paragraph_scores(self, tokens: list[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(len(self.index.chunks), dtype=np.float32)
        return self.bm25.get_scores(tokens)

    def sentence_scores(self, tokens: list[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(len(self.index.sentence_owner), dtype=np.float32)
        return self.sentence_bm25.get_scores(tokens)[: len(self.index.sentence_owner)]

    def nearest_units(self, vector: np.ndarray, k: int, docs: frozenset[str] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        if not len(self._unit_vectors):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if docs is None:
            scores, rows = self.faiss.search(vector[None, :].astype(np.float32), min(k, len(self._unit_vectors)))
            return best_first(rows[0], scores[0])
        # The units of the reports asked about only: the nearest units of all reports may all be elsewhere.
        rows = np.concatenate([self._unit_rows_of.get(doc, np.zeros(0, dtype=np.int64)) for doc in docs]) \
            if docs else np.zeros(0, dtype=np.int64)
        sims = self._unit_vectors[rows] @ vector
        best = np.argsort(-sims, kind="stable")[:k]
        return best_first(rows[best], sims[best])

    def unit_vectors(self, rows) -> np.ndarray:
        return self._unit_vectors[np.asarray(rows, dtype=np.int64)]

    def prefetch(self, token_lists: list[list[str]] | None = None, vector: np.ndarray | None = None, k: int = 0,
                 scopes=()) -> None:
        """Nothing to fetch: every search is in this process."""


def best_first(rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Units by score, best first, and units of equal score (the same sentence in two paragraphs) in row order: each
    search engine orders ties its own way, and a tie decides which paragraph gets the better dense rank."""
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order]


def store_spec(spec: str | None = None) -> str:
    """The store to use: as given, else $ASSISTANT_STORE, else "local"."""
    return (spec or os.environ.get(STORE_ENV) or "local").strip()


def open_store(spec: str | None, index, unit_vectors: np.ndarray) -> Store:
    spec = store_spec(spec)
    if spec == "local":
        return LocalStore(index, unit_vectors)
    if spec.startswith("milvus:"):
        from .milvus_store import MilvusStore

        return MilvusStore(spec.removeprefix("milvus:"), index, unit_vectors)
    raise ValueError(f"unknown store {spec!r}: use 'local' or 'milvus:URI' (a file path or http://host:port)")
