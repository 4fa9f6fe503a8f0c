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

import hashlib
import itertools
import json
import logging
import os
import shutil
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import bm25s
import faiss
import numpy as np

BM25_K1 = 1.2
BM25_B = 0.75
STORE_ENV = "ASSISTANT_STORE"
# Above this many units the unscoped vector search is approximate (IVF, 8-bit), below it exact. 200,000 units is ~700
# reports like the seed; an exact search over them takes ~20 ms on one core, and grows with the archive.
IVF_MIN_UNITS = 200_000
IVF_LISTS_PER_SQRT = 4  # lists = 4·sqrt(units): ~2,000 at 250,000 units, ~6,300 at 2.5 million
IVF_PROBE = 32  # lists searched per question
IVF_ADD_BATCH = 65_536
# A search limited to some reports scores their units exactly up to this many units (~70 reports like the seed, a few
# ms); a wider scope (a level or a year over thousands of reports) is searched in the vector index with the scope as a
# filter, since copying and scoring hundreds of thousands of rows per question is what made p95 grow with the archive.
SCOPED_EXACT_MAX_UNITS = 20_000
# An approximate (IVF) search with a filter probes more lists: a scope holding a fraction f of the units needs about
# 1/f times the lists to meet as many of its own units as an unfiltered search meets; this many times that again.
IVF_SCOPED_MARGIN = 2
SCORE_MEMORY = 8  # BM25 score arrays kept per store: a question scores the same words several times (parts, retries)
SCOPE_MEMORY = 16  # scope filters kept (a bitmap of the units in scope)
log = logging.getLogger(__name__)


class Store(Protocol):
    name: str

    def paragraph_scores(self, tokens: list[str]) -> np.ndarray: ...

    def sentence_scores(self, tokens: list[str]) -> np.ndarray: ...

    def nearest_units(self, vector: np.ndarray, k: int, docs: frozenset[str] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]: ...

    def unit_vectors(self, rows) -> np.ndarray: ...

    def prefetch(self, token_lists: list[list[str]] | None = None, vector: np.ndarray | None = None, k: int = 0,
                 scopes=(), lexical_scope: frozenset[str] | None = None) -> None: ...

    @property
    def calls(self) -> int: ...


class LocalStore:
    """BM25 (bm25s) over paragraph and sentence tokens and an inner-product index (faiss) over unit vectors, all in
    this process: nothing to start.

    With `cache_dir` (the index folder's cache/), the BM25 matrices and the vector index are written there the first
    time and memory-mapped after, so that loading an archive costs what the queries touch. Up to IVF_MIN_UNITS units
    the vector search is exact (flat); above it, an inverted-file index with 8-bit scalar quantisation searches
    IVF_PROBE of its lists. A search limited to some reports is exact over their units up to
    SCOPED_EXACT_MAX_UNITS, and above it a search of the vector index with the scope as a filter."""

    name = "local"
    calls = 0  # everything is in this process

    def __init__(self, index, unit_vectors: np.ndarray, cache_dir: str | Path | None = None):
        self.index = index
        self._memory_lock = threading.Lock()
        self._scores: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._filters: OrderedDict[frozenset[str], tuple] = OrderedDict()
        self._unit_vectors = unit_vectors
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.bm25 = self._bm25("paragraphs", lambda: [list(c.tokens) or [""] for c in index.chunks])
        # Sentences get a BM25 of their own: a long paragraph full of figures dilutes the one sentence that answers.
        self.sentence_bm25 = self._bm25(
            "sentences", lambda: [t or [""] for c in index.chunks for t in c.sentence_tokens] or [[""]])
        faiss.omp_set_num_threads(1)
        # Dense search is over units (a paragraph scores by its best sentence): whole-paragraph vectors blur the one
        # sentence that answers among the others.
        self.faiss = self._vector_index(unit_vectors)
        # Each report's units as one run of rows (units follow their paragraphs, paragraphs their report).
        doc_number = {d.key: i for i, d in enumerate(index.documents)}
        chunk_doc = np.array([doc_number.get(c.paragraph.doc, -1) for c in index.chunks], dtype=np.int64)
        unit_doc = chunk_doc[index.unit_owner] if len(index.unit_owner) else np.zeros(0, dtype=np.int64)
        self._unit_rows_of: dict[str, np.ndarray] = {}
        bounds = np.concatenate([[0], np.flatnonzero(np.diff(unit_doc)) + 1, [len(unit_doc)]]) if len(unit_doc) else []
        keys = [d.key for d in index.documents]
        for a, b in itertools.pairwise(bounds):
            if unit_doc[a] < 0:
                continue
            key = keys[unit_doc[a]]
            rows = np.arange(a, b, dtype=np.int64)
            self._unit_rows_of[key] = np.concatenate([self._unit_rows_of[key], rows]) if key in self._unit_rows_of else rows

    def _cache_path(self, what: str) -> Path | None:
        if self.cache_dir is None:
            return None
        files = self.index.manifest.get("files", {})
        made_of = json.dumps({"what": what, "files": files, "k1": BM25_K1, "b": BM25_B,
                              "ivf": [IVF_MIN_UNITS, IVF_LISTS_PER_SQRT]}, sort_keys=True)
        return self.cache_dir / f"{what}-{hashlib.sha256(made_of.encode()).hexdigest()[:12]}"

    def _bm25(self, what: str, corpus):
        path = self._cache_path(f"bm25-{what}")
        if path is not None and path.is_dir():
            try:
                return bm25s.BM25.load(str(path), mmap=True)
            except (OSError, ValueError, KeyError) as exc:
                log.warning("cached BM25 %s unreadable (%s): rebuilding it", path, exc)
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        bm25.index(corpus(), show_progress=False)
        if path is not None:
            write_cache(path, lambda tmp: bm25.save(str(tmp)))
        return bm25

    def _vector_index(self, vectors: np.ndarray):
        dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else self.index.dim
        if len(vectors) <= IVF_MIN_UNITS:
            flat = faiss.IndexFlatIP(dim)
            if len(vectors):
                flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
            return flat
        path = self._cache_path("ivf-units")
        if path is not None and (path / "index.faiss").exists():
            try:
                ivf = faiss.read_index(str(path / "index.faiss"), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
                ivf.nprobe = IVF_PROBE
                return ivf
            except RuntimeError as exc:
                log.warning("cached vector index %s unreadable (%s): rebuilding it", path, exc)
        lists = int(IVF_LISTS_PER_SQRT * np.sqrt(len(vectors)))
        ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, lists, faiss.ScalarQuantizer.QT_8bit,
                                            faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), lists * 64), replace=False)
        ivf.train(np.ascontiguousarray(vectors[np.sort(sample)], dtype=np.float32))
        for start in range(0, len(vectors), IVF_ADD_BATCH):
            ivf.add(np.ascontiguousarray(vectors[start : start + IVF_ADD_BATCH], dtype=np.float32))
        ivf.nprobe = IVF_PROBE
        if path is not None:
            write_cache(path, lambda tmp: (tmp.mkdir(), faiss.write_index(ivf, str(tmp / "index.faiss"))))
        return ivf

    def _remembered(self, key: tuple, compute) -> np.ndarray:
        """The scores for `key`, computed once for the last SCORE_MEMORY keys (read-only: callers add them up into
        arrays of their own)."""
        with self._memory_lock:
            if key in self._scores:
                self._scores.move_to_end(key)
                return self._scores[key]
        scores = np.asarray(compute())
        scores.setflags(write=False)
        with self._memory_lock:
            self._scores[key] = scores
            while len(self._scores) > SCORE_MEMORY:
                self._scores.popitem(last=False)
        return scores

    def paragraph_frequencies(self) -> dict[str, int]:
        """How many paragraphs hold each token, read off the BM25 matrix (a token's column has an entry for each
        paragraph holding it): counting the tokens of every paragraph again took seconds at load for an archive."""
        counts = np.diff(np.asarray(self.bm25.scores["indptr"])).tolist()
        return {token: counts[column] for token, column in self.bm25.vocab_dict.items() if token and counts[column]}

    def paragraph_scores(self, tokens: list[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(len(self.index.chunks), dtype=np.float32)
        return self._remembered(("p", *tokens), lambda: self.bm25.get_scores(tokens))

    def sentence_scores(self, tokens: list[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(len(self.index.sentence_owner), dtype=np.float32)
        return self._remembered(("s", *tokens),
                                lambda: self.sentence_bm25.get_scores(tokens)[: len(self.index.sentence_owner)])

    def nearest_units(self, vector: np.ndarray, k: int, docs: frozenset[str] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        if not len(self._unit_vectors):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if docs is None:
            scores, rows = self.faiss.search(vector[None, :].astype(np.float32), min(k, len(self._unit_vectors)))
            found = rows[0] >= 0
            return best_first(rows[0][found], scores[0][found])
        # The units of the reports asked about only: the nearest units of all reports may all be elsewhere.
        count = sum(len(self._unit_rows_of.get(doc, ())) for doc in docs)
        if count > SCOPED_EXACT_MAX_UNITS:
            return self._filtered_search(vector, k, docs, count)
        rows = np.concatenate([self._unit_rows_of.get(doc, np.zeros(0, dtype=np.int64)) for doc in docs]) \
            if docs else np.zeros(0, dtype=np.int64)
        sims = np.asarray(self._unit_vectors[rows], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        best = np.argsort(-sims, kind="stable")[:k]
        return best_first(rows[best], sims[best])

    def _scope_filter(self, docs: frozenset[str]):
        """A faiss filter passing the units of these reports only (a bitmap over all units), kept for the last
        SCOPE_MEMORY scopes: the same level or year comes back question after question."""
        with self._memory_lock:
            if docs in self._filters:
                self._filters.move_to_end(docs)
                return self._filters[docs][0]
        mask = np.zeros(len(self._unit_vectors), dtype=bool)
        for doc in docs:
            mask[self._unit_rows_of.get(doc, np.zeros(0, dtype=np.int64))] = True
        bits = np.packbits(mask, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
        with self._memory_lock:
            self._filters[docs] = (selector, bits)  # the selector reads the bitmap in place: keep both alive
            while len(self._filters) > SCOPE_MEMORY:
                self._filters.popitem(last=False)
        return selector

    def _filtered_search(self, vector: np.ndarray, k: int, docs: frozenset[str], count: int
                         ) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest units among a wide scope's `count` units, searched in the vector index with the scope as a
        filter: exact when the index is flat, IVF with more lists probed (IVF_SCOPED_MARGIN) when it is not."""
        selector = self._scope_filter(docs)
        query = np.ascontiguousarray(vector[None, :], dtype=np.float32)
        if isinstance(self.faiss, faiss.IndexIVF):
            share = count / max(1, self.faiss.ntotal)
            probe = int(min(self.faiss.nlist, np.ceil(IVF_PROBE * IVF_SCOPED_MARGIN / share)))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=max(IVF_PROBE, probe))
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, rows = self.faiss.search(query, min(k, count), params=params)
        found = rows[0] >= 0
        return best_first(rows[0][found], scores[0][found])

    def unit_vectors(self, rows) -> np.ndarray:
        return self._unit_vectors[np.asarray(rows, dtype=np.int64)]

    def prefetch(self, token_lists: list[list[str]] | None = None, vector: np.ndarray | None = None, k: int = 0,
                 scopes=(), lexical_scope: frozenset[str] | None = None) -> None:
        """Nothing to fetch: every search is in this process."""


def write_cache(path: Path, write) -> None:
    """Write a cache entry (a file or a folder) under a temporary name and rename it into place (a reader sees all of
    it or none), then remove the entries it replaces (same name up to the last '-'); a read-only index folder just
    goes without."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove(tmp)
        write(tmp)
        os.replace(tmp, path)
        for stale in path.parent.glob(f"{path.name.rsplit('-', 1)[0]}-*"):
            if stale != path:
                _remove(stale)
    except OSError as exc:
        log.info("cache %s not written (%s)", path, exc)
        _remove(tmp)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def best_first(rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Units by score, best first, and units of equal score (the same sentence in two paragraphs) in row order: each
    search engine orders ties its own way, and a tie decides which paragraph gets the better dense rank."""
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order]


def store_spec(spec: str | None = None) -> str:
    """The store to use: as given, else $ASSISTANT_STORE, else "local"."""
    return (spec or os.environ.get(STORE_ENV) or "local").strip()


def open_store(spec: str | None, index, unit_vectors: np.ndarray, cache_dir: str | Path | None = None) -> Store:
    spec = store_spec(spec)
    if spec == "local":
        return LocalStore(index, unit_vectors, cache_dir)
    if spec.startswith("milvus:"):
        from .milvus_store import MilvusStore

        return MilvusStore(spec.removeprefix("milvus:"), index, unit_vectors)
    raise ValueError(f"unknown store {spec!r}: use 'local' or 'milvus:URI' (a file path or http://host:port)")
