"""The Milvus store: the searches of store.py answered by Milvus (a Milvus Lite file, or a server at http://host:port).

Two collections hold the index's rows, one what is searched by words and one what is searched by vectors, and a
third the fingerprint of the index they were synced from:
  assistant_lexical     one row a paragraph and one a sentence (id: the paragraph id, or paragraph id@start-end):
                        id, report, BM25 weights (lexical), content hash
  assistant_units       one row a unit (a sentence, or a ；-clause of a long sentence, id paragraph id@start-end), in
                        UNIT_BUCKETS partitions by ranges of report keys: id, paragraph, report, kind, year, period,
                        section path, text, content hash, vector (dense)
  assistant_meta        layout (schema version, dimension, buckets), the report keys where the buckets start, and
                        fingerprint (the index's data files) of the rows
Why two collections and buckets (schema 3; schema 2 had one collection of both in two partitions): Milvus Lite 3.x
does per-row Python work on every search, so a search costs in proportion to the rows it must look at, and a hit in
proportion to the fields of its row (`MilvusStore` says how much). A lexical hit no longer carries a vector, and a
search of some reports' units looks at the partitions of their buckets only.
The lexical vectors are ours, not Milvus's BM25 function: token ids from the index's vocabulary, weights idf × tf part
(bm25s "lucene", k1 and b of store.py) computed over the whole index, so that the inner product with the query's token
counts is exactly the local store's BM25 (Milvus's function keeps statistics per segment and tokenises its own way).
A paragraph's weights sit on even dimensions (2 × token id) and a sentence's on odd ones (2 × token id + 1), so that
the searches of both, for every token list of a question, are one search call (`prefetch`): a query on the even
dimensions meets paragraph rows only.
Primary keys are derived from the index (paragraph ids, unit offsets), so a hit maps back to the index's own rows in
any process.

Round trips: a question costs at most 3 (`Assistant.ask` says what it will search before it searches): every lexical
search of the question, its parts and its follow-up context in one call; the nearest units in its scope in one; and,
when it compares several reports, the nearest units of each of them in one. Every call of the client is counted per
thread (`MilvusStore.calls`).

Opening the store syncs it: an unchanged collection (same fingerprint) is opened as it is; otherwise rows whose
content hash changed are upserted in batches, rows the index no longer has are deleted, and the fingerprint is written
last, so a sync killed half-way leaves a usable collection that the next open finishes (rows already there are kept).
Not for deciding what to search for or how to fuse: retrieve.py does that, whatever the store.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
import threading
import time
from collections import Counter, OrderedDict
from pathlib import Path

import numpy as np

from .store import BM25_B, BM25_K1, best_first

SCHEMA_VERSION = 3
LEXICAL_ROWS, UNIT_ROWS, META = "assistant_lexical", "assistant_units", "assistant_meta"
COLLECTIONS = (LEXICAL_ROWS, UNIT_ROWS)
OLD_COLLECTIONS = ("assistant_paragraphs", "assistant_rows")  # schemas 1 and 2: dropped by the first sync
# Unit partitions: the reports, in key order, cut into UNIT_BUCKETS ranges of about as many reports when the collection
# is made (the cuts are kept in META; a report added later goes to the range its key falls in), and a search limited
# to some reports names their ranges' partitions. Ranges, not a hash: Milvus Lite gives hits of equal score in the
# order of their partitions, then of their rows, so with ranges in key order (the index's order of reports) equal
# scores come in the index's row order, as from the local store's IVF index (a unit repeated in many reports is a tie).
# 16 is the partition count Milvus gives a partition key by default (and Milvus Lite's DEFAULT_NUM_PARTITIONS; Lite
# does not prune partitions by a partition-key filter, hence buckets of our own). More buckets make a search of all
# reports slower (Lite takes each segment's best k on its own, with a Python loop over them), fewer make a search of a
# few reports look at more rows.
UNIT_BUCKETS = 16
UPSERT_BATCH = 1000
READ_BATCH = 10_000
TOPK_MAX = 16_384  # Milvus answers at most this many hits a search
# A lexical search returns its best LEXICAL_HITS rows, not every row with a word of the query: Milvus Lite spends
# ~40 µs a returned hit (1,000 generated reports: 635 ms for the 13,612 paragraphs with a word of 2021年规上工业总产值
# 是多少, 64 ms for the best 200), and a row ranked past 1,000 would get an RRF vote (RRF_K = 20) under 1/48 of the top
# one's. Where fewer rows match, as in one or a few reports, every match comes back and the scores are the local store's.
LEXICAL_HITS = 1_000
PARAGRAPH_SIDE, SENTENCE_SIDE = 0, 1  # sparse dimension of token id t: 2t + side
# VARCHAR lengths are UTF-8 bytes in Milvus (characters in Milvus Lite). Text and section are clipped to them: they are
# for people and filters reading the collection, answers come from the index. Keys are never clipped (a longer one is
# refused).
TEXT_BYTES = 65_535
SECTION_BYTES = 1_024
KEY_BYTES = 1_024
# Results a thread keeps: those of its current question (Assistant.ask says it starts one, `prefetch`), so that the
# searches of its parts and of each report it compares ask Milvus nothing again. A bound, not a cache of popular
# questions: a question of many parts needs 4 a part.
MEMO_SIZE = 512
# Client calls that are no round trip (they build a request locally).
LOCAL_CALLS = frozenset({"prepare_index_params", "create_schema", "create_field_schema"})
SERVER_SCHEMES = ("http://", "https://", "tcp://")


def connect(uri: str):
    """A MilvusClient for a server URI (http://host:port) or a Milvus Lite file (a path ending in .db)."""
    try:
        from pymilvus import MilvusClient, MilvusException
    except ImportError as exc:
        raise ImportError(f"the Milvus store needs pymilvus and milvus-lite: pip install -e '.[milvus]' ({exc})") from exc
    if not uri.startswith(SERVER_SCHEMES):
        path = Path(uri).expanduser()
        if path.suffix != ".db":
            raise ValueError(f"milvus:{uri}: a Milvus Lite file name ends in .db (or give http://host:port of a server)")
        path.parent.mkdir(parents=True, exist_ok=True)
        uri = str(path)
    try:
        return MilvusClient(uri)
    except MilvusException as exc:
        raise ConnectionError(f"cannot open Milvus at {uri}: {exc.message}") from exc


def vocabulary(documents: list[list[str]]) -> dict[str, int]:
    """Token → sparse dimension, from 1 up, in sorted order: the same tokens give the same ids."""
    tokens = sorted({t for tokens in documents for t in tokens})
    return {t: i for i, t in enumerate(tokens, 1)}


def bm25_weights(documents: list[list[str]], ids: dict[str, int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(token ids, weights) of each document: bm25s "lucene" scores, w(t, d) = idf(t) · tf / (tf + k1·(1 - b +
    b·|d|/avgdl)) with idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)), computed in the same float types as bm25s so that
    the sum over a query's tokens is the local store's score. A document without tokens counts as the one token ""
    (as the local store indexes it)."""
    documents = [d or [""] for d in documents]
    n = len(documents)
    if not n:
        return []
    avg_length = np.array([len(d) for d in documents]).mean()
    frequency = Counter(t for d in documents for t in set(d))
    idf = {t: np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5))) for t, df in frequency.items()}
    counted = [Counter(d) for d in documents]
    token_ids = np.array([ids[t] for c in counted for t in c], dtype=np.int64)
    tf = np.array([f for c in counted for f in c.values()], dtype=np.float32)
    lengths = np.repeat(np.array([len(d) for d in documents]), [len(c) for c in counted])
    idfs = np.array([idf[t] for c in counted for t in c], dtype=np.float32)
    weights = (idfs * (tf / (BM25_K1 * ((1 - BM25_B) + BM25_B * lengths / avg_length) + tf))).astype(np.float32)
    bounds = np.cumsum([0] + [len(c) for c in counted])
    return [(token_ids[a:b], weights[a:b]) for a, b in itertools.pairwise(bounds)]


def unit_key(paragraph_id: str, start: int, end: int) -> str:
    return f"{paragraph_id}@{start}-{end}"


def bucket_name(number: int) -> str:
    return f"units_{number:02d}"


def bucket_cuts(reports: list[str]) -> list[str]:
    """The report keys where buckets 1 … UNIT_BUCKETS-1 start: the reports in key order cut into ranges of about as
    many reports (repeated keys when there are fewer reports than buckets: those buckets stay empty)."""
    keys = sorted(set(reports))
    return [keys[i * len(keys) // UNIT_BUCKETS] if keys else "" for i in range(1, UNIT_BUCKETS)]


def _row_hash(row: dict) -> str:
    digest = hashlib.sha256()
    for name in sorted(row):
        value = row[name]
        if isinstance(value, np.ndarray):
            digest.update(np.ascontiguousarray(value, dtype=np.float32).tobytes())
        elif isinstance(value, dict):
            digest.update(np.array(list(value.items()), dtype=np.float64).tobytes())
        else:
            digest.update(repr(value).encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


class CountedClient:
    """A MilvusClient whose calls are counted, per thread: each is a round trip to Milvus (but LOCAL_CALLS; the further
    pages of an iterator, which only the sync reads, are not counted)."""

    def __init__(self, client):
        self._client = client
        self._counts = threading.local()

    @property
    def calls(self) -> int:
        return getattr(self._counts, "n", 0)

    def __getattr__(self, name: str):
        attr = getattr(self._client, name)
        if name.startswith("_") or name in LOCAL_CALLS or not callable(attr):
            return attr

        def counted(*args, **kwargs):
            self._counts.n = self.calls + 1
            return attr(*args, **kwargs)

        return counted


class MilvusStore:
    """The store protocol of store.py over Milvus: BM25 as an inner product of our sparse vectors, nearest units by
    exact inner product (FLAT), a report filter (`report in [...]`) for searches limited to some reports, and for
    unit searches the partitions of those reports' buckets.

    What a search costs in Milvus Lite 3.2 (pure Python; 1,000 generated reports, 292,000 rows): every search builds
    a map of the newest version of each primary key over every row of the collection (sparse search) or of the
    partitions searched (dense), then a mask with a Python loop over the rows of the partitions searched
    (engine/collection.py `_search_sparse`, search/executor_indexed.py `_update_max_seqs`, `_build_local_mask`):
    about 1 µs a row. A filter (`report in [...]`) is applied through that mask and does not shorten the loops; a
    partition does. FLAT copies the vectors of the partitions searched before their inner products
    (index/brute_force.py). Each hit is then read field by field from Arrow, ~1.5 µs a field (~8 µs more for a
    384-float vector), whatever `output_fields` asks. Hence the layout: lexical rows carry no vector and no text, and
    a search of some reports' units looks at their buckets only. A search of all units still loops over all of them.

    Unit vectors for the answer stage come from the index in memory, which holds them anyway. Fetching them by key
    costs ~1 ms a call in Milvus Lite, and the answer stage asks ~12 times a dev question at one report and ~930 times
    at 1,000 generated reports (a few units each time), so it would add 12 ms to 1 s a question to save nothing.
    """

    name = "milvus"

    def __init__(self, uri: str, index, unit_vectors: np.ndarray):
        self.uri = uri
        self.index = index
        self._unit_vectors = unit_vectors
        chunks = index.chunks
        self._paragraph_tokens = [list(c.tokens) for c in chunks]
        self._sentence_tokens = [t for c in chunks for t in c.sentence_tokens]
        self._ids = vocabulary(self._paragraph_tokens + self._sentence_tokens + [[""]])
        self._paragraph_row = {c.paragraph.id: i for i, c in enumerate(chunks)}
        if len(self._paragraph_row) != len(chunks):
            raise ValueError("paragraph ids are not unique in the index: rebuild it")
        self._unit_row = {unit_key(chunks[u.chunk].paragraph.id, u.start, u.end): r for r, u in enumerate(index.units)}
        self._sentence_keys = [unit_key(c.paragraph.id, s.start, s.end) for c in chunks if c.sentence_tokens
                               for s in c.paragraph.sentences]
        if len(self._sentence_keys) != len(self._sentence_tokens) or not set(self._sentence_keys) <= self._unit_row.keys():
            raise ValueError("the index's sentences do not match its units: rebuild it")
        self._sentence_row = {k: s for s, k in enumerate(self._sentence_keys)}
        longest = max(self._unit_row.keys() | self._paragraph_row.keys(), key=lambda k: len(k.encode()), default="")
        if len(longest.encode()) > KEY_BYTES:
            raise ValueError(f"row key {longest[:80]!r}… is longer than {KEY_BYTES} bytes: give its report a shorter "
                             "file name")
        self._unit_doc = np.array([chunks[u.chunk].paragraph.doc for u in index.units], dtype=object)
        self._units_in = Counter(self._unit_doc.tolist())
        self._local = threading.local()  # this thread's memo (its current question's results)
        self._cuts: list[str] = []  # where the buckets of units start (set by the sync)
        self.client = CountedClient(connect(uri))
        self.sync_stats = self._sync()

    # ---- the store protocol -------------------------------------------------------------------------------------
    @property
    def calls(self) -> int:
        """Round trips this thread has made to Milvus so far (the sync's included): a question's are the difference."""
        return self.client.calls

    def paragraph_scores(self, tokens: list[str]) -> np.ndarray:
        return self._lexical(PARAGRAPH_SIDE, tokens)

    def sentence_scores(self, tokens: list[str]) -> np.ndarray:
        return self._lexical(SENTENCE_SIDE, tokens)

    def nearest_units(self, vector: np.ndarray, k: int, docs: frozenset[str] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        key = self._nearest_key(vector, k, docs)
        found = self._recall(key)
        return found if found is not None else self._fetch_nearest(vector, k, [docs])[key]

    def unit_vectors(self, rows) -> np.ndarray:
        return self._unit_vectors[np.asarray(rows, dtype=np.int64)]

    def prefetch(self, token_lists: list[list[str]] | None = None, vector: np.ndarray | None = None, k: int = 0,
                 scopes=(), lexical_scope: frozenset[str] | None = None) -> None:
        """Fetch what a question is about to search, in one round trip each: the paragraph and sentence BM25 of
        every token list (one search of several query vectors), and the k units nearest the vector in each scope
        (one search over the reports of all of them). Token lists (even none) start a question: what this thread
        kept of its earlier one is dropped."""
        if token_lists is not None:
            self._memo().clear()
            # The reports the question is about (None: all): its lexical searches rank within them, as the local
            # store's do, so a report's paragraphs are not crowded out of the best LEXICAL_HITS by other reports'.
            self._local.lexical_scope = None if lexical_scope is None else tuple(sorted(lexical_scope))
            keys = [self._lexical_key(side, tokens) for tokens in token_lists
                    for side in (PARAGRAPH_SIDE, SENTENCE_SIDE)]
            keys = [key for key in dict.fromkeys(keys) if key is not None]
            if keys:
                self._fetch_lexical(keys)
        if vector is not None:
            missing = [s for s in dict.fromkeys(scopes) if self._recall(self._nearest_key(vector, k, s)) is None]
            if missing:
                self._fetch_nearest(vector, k, missing)

    # ---- lexical: BM25 as an inner product --------------------------------------------------------------------
    def _lexical_key(self, side: int, tokens: list[str]) -> tuple | None:
        """What a lexical search is remembered by: the side and the tokens' counts; None when it finds nothing."""
        counts = Counter(self._ids[t] for t in tokens if t in self._ids)
        rows = len(self.index.chunks) if side == PARAGRAPH_SIDE else len(self.index.sentence_owner)
        scope = getattr(self._local, "lexical_scope", None)
        return ("lexical", side, tuple(sorted(counts.items())), scope) if counts and rows else None

    def _lexical(self, side: int, tokens: list[str]) -> np.ndarray:
        """BM25 of every paragraph or sentence (0 where none of the tokens is, or past the best LEXICAL_HITS): the
        tokens' counts as a sparse query, inner product."""
        scores = np.zeros(len(self.index.chunks) if side == PARAGRAPH_SIDE else len(self.index.sentence_owner),
                          dtype=np.float32)
        key = self._lexical_key(side, tokens)
        if key is None:
            return scores
        found = self._recall(key)
        rows, values = found if found is not None else self._fetch_lexical([key])[key]
        scores[rows] = values
        return scores

    def _fetch_lexical(self, keys: list[tuple]) -> dict[tuple, tuple[np.ndarray, np.ndarray]]:
        """Every lexical search of `keys` in one call: one query vector each, on its side's dimensions."""
        data = [{2 * token + side: float(count) for token, count in counts} for _, side, counts, _ in keys]
        limit = min(LEXICAL_HITS, max(len(self.index.chunks), len(self.index.sentence_owner)))
        scope = keys[0][3] if keys else None  # one question's keys share its scope
        where = f"report in {json.dumps(list(scope), ensure_ascii=False)}" if scope is not None else ""
        results = self.client.search(LEXICAL_ROWS, data=data, anns_field="lexical", limit=limit, filter=where,
                                     search_params={"metric_type": "IP"}, output_fields=["id"])
        found = {}
        for key, hits in zip(keys, results):
            row_of = self._paragraph_row if key[1] == PARAGRAPH_SIDE else self._sentence_row
            # A key this index does not have (another process synced the collection to a newer index) is left out
            # until this process loads that index.
            pairs = [(row_of[h["id"]], h["distance"]) for h in hits if h["id"] in row_of]
            found[key] = self._remember(key, (np.array([r for r, _ in pairs], dtype=np.int64),
                                              np.array([v for _, v in pairs], dtype=np.float32)))
        return found

    # ---- dense: the nearest units -----------------------------------------------------------------------------
    def _nearest_key(self, vector: np.ndarray, k: int, docs: frozenset[str] | None) -> tuple:
        return ("nearest", np.asarray(vector, dtype=np.float32).tobytes(), min(k, len(self.index.units), TOPK_MAX),
                None if docs is None else tuple(sorted(docs)))

    def _fetch_nearest(self, vector: np.ndarray, k: int, scopes: list) -> dict[tuple, tuple[np.ndarray, np.ndarray]]:
        """The k units nearest the vector in each scope (None: all reports). Several scopes are one call: every unit
        of their reports (exact inner products, split by report), or, past TOPK_MAX units, each report's best k
        (grouped by report)."""
        vector = np.asarray(vector, dtype=np.float32)
        limit = min(k, len(self.index.units), TOPK_MAX)
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        found: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        several = [s for s in scopes if s is not None and s and limit > 0]
        for scope in scopes:
            if limit <= 0 or (scope is not None and not scope):
                found[self._nearest_key(vector, k, scope)] = empty
            elif scope is None or len(several) == 1:
                found[self._nearest_key(vector, k, scope)] = self._search_units(vector, limit, scope)
        if len(several) > 1:
            docs = frozenset().union(*several)
            units = sum(self._units_in.get(d, 0) for d in docs)
            if units <= TOPK_MAX:
                rows, scores = self._search_units(vector, units, docs) if units else empty
            else:
                rows, scores = self._search_units(vector, limit, docs, group_by_field="report", group_size=limit)
            for scope in several:
                mine = np.isin(self._unit_doc[rows], list(scope))
                found[self._nearest_key(vector, k, scope)] = (rows[mine][:limit], scores[mine][:limit])
        return {key: self._remember(key, value) for key, value in found.items()}

    def _search_units(self, vector: np.ndarray, limit: int, docs: frozenset[str] | None, **grouping
                      ) -> tuple[np.ndarray, np.ndarray]:
        where = f"report in {json.dumps(sorted(docs), ensure_ascii=False)}" if docs is not None else ""
        partitions = sorted({self.bucket(d) for d in docs}) if docs is not None else None
        hits = self.client.search(UNIT_ROWS, data=[vector], anns_field="dense", limit=limit, filter=where,
                                  partition_names=partitions, search_params={"metric_type": "IP"},
                                  output_fields=["id"], **grouping)[0]
        found = [(self._unit_row[h["id"]], h["distance"]) for h in hits if h["id"] in self._unit_row]  # see above
        return best_first(np.array([r for r, _ in found], dtype=np.int64), np.array([s for _, s in found], np.float32))

    def bucket(self, report: str) -> str:
        """The partition of a report's units."""
        return bucket_name(bisect.bisect_right(self._cuts, report))

    # ---- this thread's memo -----------------------------------------------------------------------------------
    def _memo(self) -> OrderedDict:
        memo = getattr(self._local, "memo", None)
        if memo is None:
            memo = self._local.memo = OrderedDict()
        return memo

    def _recall(self, key: tuple):
        memo = self._memo()
        found = memo.get(key)
        if found is not None:
            memo.move_to_end(key)
        return found

    def _remember(self, key: tuple, found):
        memo = self._memo()
        memo[key] = found
        memo.move_to_end(key)
        if len(memo) > MEMO_SIZE:
            memo.popitem(last=False)
        return found

    # ---- sync -------------------------------------------------------------------------------------------------
    def fingerprint(self) -> str:
        """What the rows are made from: the index's data files (texts, tokens, units; vectors) and how rows are
        made from them."""
        files = self.index.manifest.get("files", {})
        made_of = {"schema": SCHEMA_VERSION, "buckets": UNIT_BUCKETS, "bm25": [BM25_K1, BM25_B],
                   "text_bytes": TEXT_BYTES,
                   "files": {role: entry.get("sha256") for role, entry in sorted(files.items())}}
        return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()

    def _sync(self) -> dict | None:
        """Bring the collections in line with the index; None when they already were. Returns what was done."""
        started = time.perf_counter()
        layout = json.dumps({"schema": SCHEMA_VERSION, "dim": int(self.index.dim), "buckets": UNIT_BUCKETS})
        fingerprint = self.fingerprint()
        self._ensure_meta()
        meta = self._read_meta()
        have = [name for name in (*COLLECTIONS, *OLD_COLLECTIONS) if self.client.has_collection(name)]
        if (meta.get("layout") == layout and meta.get("fingerprint") == fingerprint and have == list(COLLECTIONS)
                and _cuts_of(meta) is not None):
            self._cuts = _cuts_of(meta)
            for name in COLLECTIONS:
                self.client.load_collection(name)
            return None
        for name in have:
            if meta.get("layout") != layout or name in OLD_COLLECTIONS:
                self.client.drop_collection(name)
        # The cuts of the buckets are made with the unit collection and kept as long as it is.
        kept = _cuts_of(meta) if meta.get("layout") == layout and UNIT_ROWS in have else None
        self._cuts = kept if kept is not None else bucket_cuts([d.key for d in self.index.documents])
        # Written first: a reader that opens while this sync runs (or after it was killed) syncs too.
        self._write_meta({"layout": layout, **{_cut_key(i): cut for i, cut in enumerate(self._cuts, 1)},
                          "fingerprint": ""})
        self._create_collections()
        stats = {"upserted": 0, "deleted": 0, "unchanged": 0}
        for collection, rows in ((LEXICAL_ROWS, self._lexical_rows()), (UNIT_ROWS, self._unit_rows())):
            self.client.load_collection(collection)  # a collection of a killed sync is there but not loaded
            stored, wanted = self._stored_hashes(collection), set()
            batch, partition = [], None
            for row_partition, row in rows:
                wanted.add(row["id"])
                if stored.get(row["id"]) == row["hash"]:
                    stats["unchanged"] += 1
                    continue
                if batch and (row_partition != partition or len(batch) >= UPSERT_BATCH):
                    self._upsert(collection, batch, partition, stats)
                    batch = []
                batch.append(row)
                partition = row_partition
            if batch:
                self._upsert(collection, batch, partition, stats)
            stale = sorted(set(stored) - wanted)
            for i in range(0, len(stale), UPSERT_BATCH):
                self.client.delete(collection, ids=stale[i : i + UPSERT_BATCH])
            stats["deleted"] += len(stale)
            # Unflushed rows are re-indexed on every search (seconds a query at 10k rows in Milvus Lite).
            self.client.flush(collection)
            self.client.load_collection(collection)
        self._write_meta({"layout": layout, "fingerprint": fingerprint})
        stats["seconds"] = round(time.perf_counter() - started, 3)
        return stats

    def _upsert(self, collection: str, batch: list[dict], partition: str | None, stats: dict) -> None:
        if partition is None:
            self.client.upsert(collection, batch)
        else:
            self.client.upsert(collection, batch, partition_name=partition)
        stats["upserted"] += len(batch)

    def _lexical_rows(self):
        """(None, row) for each paragraph, then each sentence: what the lexical searches look at, and no more."""
        weights = bm25_weights(self._paragraph_tokens, self._ids)
        for i, chunk in enumerate(self.index.chunks):
            row = {"id": chunk.paragraph.id, "report": chunk.paragraph.doc,
                   "lexical": _sparse(*weights[i], PARAGRAPH_SIDE)}
            row["hash"] = _row_hash(row)
            yield None, row
        sentence_docs = [c.paragraph.doc for c in self.index.chunks for _ in c.sentence_tokens]
        for key, doc, sentence in zip(self._sentence_keys, sentence_docs,
                                      bm25_weights(self._sentence_tokens, self._ids)):
            row = {"id": key, "report": doc, "lexical": _sparse(*sentence, SENTENCE_SIDE)}
            row["hash"] = _row_hash(row)
            yield None, row

    def _unit_rows(self):
        """(partition, row) for each unit, in its report's bucket."""
        chunks = self.index.chunks
        for r, unit in enumerate(self.index.units):
            p = chunks[unit.chunk].paragraph
            key = unit_key(p.id, unit.start, unit.end)
            row = {"id": key, "paragraph": p.id, "report": p.doc,
                   "kind": "sentence" if key in self._sentence_row else "clause",
                   "year": p.year or 0, "period": p.period or "", "section": _clip(p.section_path, SECTION_BYTES),
                   "text": _clip(p.text[unit.start : unit.end], TEXT_BYTES), "dense": self._unit_vectors[r]}
            row["hash"] = _row_hash(row)
            yield self.bucket(p.doc), row

    def _stored_hashes(self, collection: str) -> dict[str, str]:
        found: dict[str, str] = {}
        iterator = self.client.query_iterator(collection, batch_size=READ_BATCH, filter="",
                                              output_fields=["id", "hash"])
        try:
            while batch := iterator.next():
                found.update((r["id"], r["hash"]) for r in batch)
        finally:
            iterator.close()
        return found

    # ---- collections ------------------------------------------------------------------------------------------
    def _create_collections(self) -> None:
        from pymilvus import DataType, MilvusClient

        if not self.client.has_collection(LEXICAL_ROWS):
            schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=KEY_BYTES)
            schema.add_field("report", DataType.VARCHAR, max_length=KEY_BYTES)
            schema.add_field("hash", DataType.VARCHAR, max_length=32)
            schema.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
            params = self.client.prepare_index_params()
            params.add_index(field_name="lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
            params.add_index(field_name="report", index_type="INVERTED")
            self.client.create_collection(LEXICAL_ROWS, schema=schema, index_params=params)
        if not self.client.has_collection(UNIT_ROWS):
            schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=KEY_BYTES)
            schema.add_field("paragraph", DataType.VARCHAR, max_length=KEY_BYTES)
            schema.add_field("report", DataType.VARCHAR, max_length=KEY_BYTES)
            schema.add_field("kind", DataType.VARCHAR, max_length=16)  # sentence | clause
            schema.add_field("year", DataType.INT64)  # 0: none
            schema.add_field("period", DataType.VARCHAR, max_length=16)  # review | plan | ""
            schema.add_field("section", DataType.VARCHAR, max_length=SECTION_BYTES)
            schema.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES)
            schema.add_field("hash", DataType.VARCHAR, max_length=32)
            schema.add_field("dense", DataType.FLOAT_VECTOR, dim=int(self.index.dim))
            params = self.client.prepare_index_params()
            params.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
            params.add_index(field_name="report", index_type="INVERTED")
            self.client.create_collection(UNIT_ROWS, schema=schema, index_params=params)
        for number in range(UNIT_BUCKETS):
            partition = bucket_name(number)
            if not self.client.has_partition(UNIT_ROWS, partition):
                self.client.create_partition(UNIT_ROWS, partition)

    def _ensure_meta(self) -> None:
        from pymilvus import DataType, MilvusClient

        if not self.client.has_collection(META):
            schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=64)
            schema.add_field("value", DataType.VARCHAR, max_length=4096)
            schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field in a collection
            params = self.client.prepare_index_params()
            params.add_index(field_name="unused", index_type="FLAT", metric_type="L2")
            self.client.create_collection(META, schema=schema, index_params=params)
        self.client.load_collection(META)

    def _read_meta(self) -> dict[str, str]:
        rows = self.client.query(META, filter='key != ""', output_fields=["key", "value"], limit=100)
        return {r["key"]: r["value"] for r in rows}

    def _write_meta(self, values: dict[str, str]) -> None:
        self.client.upsert(META, [{"key": k, "value": v, "unused": [0.0, 0.0]} for k, v in values.items()])
        self.client.flush(META)


def _cut_key(number: int) -> str:
    """The META key of the report key where bucket `number` starts (one row a cut: a key is up to KEY_BYTES)."""
    return f"bucket_cut_{number:02d}"


def _cuts_of(meta: dict[str, str]) -> list[str] | None:
    cuts = [meta.get(_cut_key(i)) for i in range(1, UNIT_BUCKETS)]
    return None if None in cuts else cuts


def _clip(text: str, max_bytes: int) -> str:
    """The longest start of text that is at most max_bytes in UTF-8 (whole characters)."""
    return text.encode("utf-8", "replace")[:max_bytes].decode("utf-8", "ignore")


def _sparse(token_ids: np.ndarray, weights: np.ndarray, side: int) -> dict[int, float]:
    return dict(zip((2 * token_ids + side).tolist(), weights.tolist()))


def start_lite_server(data_dir: str | Path, port: int, log: str | Path | None = None, timeout: float = 120.0):
    """`milvus-lite server` for DATA_DIR on 127.0.0.1:PORT (it has no authentication: never on a public address), in
    a process of its own; returns the process once a client can talk to it. Several processes (app replicas, a
    builder) share one Milvus Lite this way; a .db file opened in-process is one process's alone."""
    import subprocess
    import sys

    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the server writes to it until it ends
    server = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                               "--host", "127.0.0.1", "--port", str(port)], stdout=output, stderr=subprocess.STDOUT)
    uri, deadline = f"http://127.0.0.1:{port}", time.monotonic() + timeout
    from pymilvus import MilvusClient

    while True:
        try:
            MilvusClient(uri, timeout=1).list_collections()
            return server
        except Exception:  # noqa: BLE001 - not listening yet
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"milvus-lite server for {data_dir} on port {port} did not start") from None
            time.sleep(0.1)
