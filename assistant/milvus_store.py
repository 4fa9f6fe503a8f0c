"""The Milvus store: the searches of store.py answered by Milvus (a Milvus Lite file, or a server at http://host:port).

Two collections hold the index's rows, and a third the fingerprint of the index they were synced from:
  assistant_paragraphs  one row a paragraph: id (the paragraph id), report, kind, year, period, section path, text,
                        its vector (dense), and its BM25 weights (lexical)
  assistant_units       one row a unit (a sentence, or a ；-clause of a long sentence): id (paragraph id@start-end),
                        paragraph, report, kind, year, period, text, vector; a sentence row also carries the sentence's
                        BM25 weights
  assistant_meta        layout (schema version, dimension) and fingerprint (the index's data files) of the rows
The lexical vectors are ours, not Milvus's BM25 function: token ids from the index's vocabulary, weights idf × tf part
(bm25s "lucene", k1 and b of store.py) computed over the whole index, so that the inner product with the query's token
counts is exactly the local store's BM25 (Milvus's function keeps statistics per segment and tokenises its own way).
Primary keys are derived from the index (paragraph ids, unit offsets), so a hit maps back to the index's own rows in
any process.

Opening the store syncs it: an unchanged collection (same fingerprint) is opened as it is; otherwise rows whose
content hash changed are upserted in batches, rows the index no longer has are deleted, and the fingerprint is written
last, so a sync killed half-way leaves a usable collection that the next open finishes (rows already there are kept).
Not for deciding what to search for or how to fuse: retrieve.py does that, whatever the store.
"""

from __future__ import annotations

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

SCHEMA_VERSION = 1
PARAGRAPHS, UNITS, META = "assistant_paragraphs", "assistant_units", "assistant_meta"
UPSERT_BATCH = 1000
READ_BATCH = 10_000
TOPK_MAX = 16_384  # Milvus answers at most this many hits a search
# A lexical search returns its best LEXICAL_HITS rows, not every row with a word of the query: Milvus Lite spends
# ~40 µs a returned hit (1,000 generated reports: 635 ms for the 13,612 paragraphs with a word of 2021年规上工业总产值
# 是多少, 64 ms for the best 200), and a row ranked past 1,000 would get an RRF vote (RRF_K = 20) under 1/48 of the top
# one's. Where fewer rows match, as in one or a few reports, every match comes back and the scores are the local store's.
LEXICAL_HITS = 1_000
NO_WORDS = 0  # the one sparse dimension of clause rows (Milvus wants a nonzero weight a row); no query has it
# VARCHAR lengths are UTF-8 bytes in Milvus (characters in Milvus Lite). Text and section are clipped to them: they are
# for people and filters reading the collection, answers come from the index. Keys are never clipped (a longer one is
# refused).
TEXT_BYTES = 65_535
SECTION_BYTES = 1_024
KEY_BYTES = 1_024
# Lexical searches remembered: a question searched again in each of the reports it compares asks the same tokens
# (up to 4 searches a question: its tokens and the earlier question's, over paragraphs and sentences); a few questions'
# worth, so that this does not turn into a cache of popular questions.
CACHE_SIZE = 16
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
    """Token → sparse dimension, from 1 up (NO_WORDS is 0), in sorted order: the same tokens give the same ids."""
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


class MilvusStore:
    """The store protocol of store.py over Milvus: BM25 as an inner product of our sparse vectors, nearest units by
    exact inner product (FLAT), a report filter (`report in [...]`) for searches limited to some reports.

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
        self._paragraph_tokens = [c.tokens for c in chunks]
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
        self._cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()
        self.client = connect(uri)
        self.sync_stats = self._sync()

    # ---- the store protocol -------------------------------------------------------------------------------------
    def paragraph_scores(self, tokens: list[str]) -> np.ndarray:
        return self._lexical(PARAGRAPHS, tokens, self._paragraph_row, len(self.index.chunks))

    def sentence_scores(self, tokens: list[str]) -> np.ndarray:
        return self._lexical(UNITS, tokens, self._sentence_row, len(self.index.sentence_owner))

    def nearest_units(self, vector: np.ndarray, k: int, docs: frozenset[str] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        limit = min(k, len(self.index.units), TOPK_MAX)
        if limit <= 0 or (docs is not None and not docs):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        where = f"report in {json.dumps(sorted(docs), ensure_ascii=False)}" if docs is not None else ""
        hits = self.client.search(UNITS, data=[np.asarray(vector, dtype=np.float32)], anns_field="dense",
                                  limit=limit, filter=where, search_params={"metric_type": "IP"},
                                  output_fields=["id"])[0]
        # A key this index does not have (another process synced the collection to a newer index) is left out until
        # this process loads that index.
        found = [(self._unit_row[h["id"]], h["distance"]) for h in hits if h["id"] in self._unit_row]
        return best_first(np.array([r for r, _ in found], dtype=np.int64), np.array([s for _, s in found], np.float32))

    def unit_vectors(self, rows) -> np.ndarray:
        return self._unit_vectors[np.asarray(rows, dtype=np.int64)]

    def _lexical(self, collection: str, tokens: list[str], row_of: dict[str, int], n: int) -> np.ndarray:
        """BM25 of every row (0 where none of the tokens is, or past the best LEXICAL_HITS): the tokens' counts as a
        sparse query, inner product."""
        scores = np.zeros(n, dtype=np.float32)
        query = Counter(self._ids[t] for t in tokens if t in self._ids)
        if not query or not n:
            return scores
        key = (collection, tuple(sorted(query.items())))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is None:
            hits = self.client.search(collection, data=[{t: float(c) for t, c in query.items()}],
                                      anns_field="lexical", limit=min(n, LEXICAL_HITS),
                                      search_params={"metric_type": "IP"}, output_fields=["id"])[0]
            found = [(row_of[h["id"]], h["distance"]) for h in hits if h["id"] in row_of]  # keys: see nearest_units
            cached = (np.array([r for r, _ in found], dtype=np.int64), np.array([s for _, s in found], np.float32))
            with self._lock:
                self._cache[key] = cached
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        scores[cached[0]] = cached[1]
        return scores

    # ---- sync -------------------------------------------------------------------------------------------------
    def fingerprint(self) -> str:
        """What the rows are made from: the index's data files (texts, tokens, units; vectors) and how rows are
        made from them."""
        files = self.index.manifest.get("files", {})
        made_of = {"schema": SCHEMA_VERSION, "bm25": [BM25_K1, BM25_B], "text_bytes": TEXT_BYTES,
                   "files": {role: entry.get("sha256") for role, entry in sorted(files.items())}}
        return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()

    def _sync(self) -> dict | None:
        """Bring the collections in line with the index; None when they already were. Returns what was done."""
        started = time.perf_counter()
        layout = json.dumps({"schema": SCHEMA_VERSION, "dim": int(self.index.dim)})
        fingerprint = self.fingerprint()
        self._ensure_meta()
        meta = self._read_meta()
        have = [name for name in (PARAGRAPHS, UNITS) if self.client.has_collection(name)]
        if meta.get("layout") == layout and meta.get("fingerprint") == fingerprint and len(have) == 2:
            for name in have:
                self.client.load_collection(name)
            return None
        if meta.get("layout") != layout:
            for name in have:
                self.client.drop_collection(name)
        # Written first: a reader that opens while this sync runs (or after it was killed) syncs too.
        self._write_meta({"layout": layout, "fingerprint": ""})
        self._create_collections()
        stats = {"upserted": 0, "deleted": 0, "unchanged": 0}
        for name, rows in ((PARAGRAPHS, self._paragraph_rows()), (UNITS, self._unit_rows())):
            stored = self._stored_hashes(name)
            batch, wanted = [], set()
            for row in rows:
                wanted.add(row["id"])
                if stored.get(row["id"]) == row["hash"]:
                    stats["unchanged"] += 1
                    continue
                batch.append(row)
                if len(batch) >= UPSERT_BATCH:
                    self.client.upsert(name, batch)
                    stats["upserted"] += len(batch)
                    batch = []
            if batch:
                self.client.upsert(name, batch)
                stats["upserted"] += len(batch)
            stale = sorted(set(stored) - wanted)
            for i in range(0, len(stale), UPSERT_BATCH):
                self.client.delete(name, ids=stale[i : i + UPSERT_BATCH])
            stats["deleted"] += len(stale)
            # Unflushed rows are re-indexed on every search (seconds a query at 10k rows in Milvus Lite).
            self.client.flush(name)
            self.client.load_collection(name)
        self._write_meta({"layout": layout, "fingerprint": fingerprint})
        stats["seconds"] = round(time.perf_counter() - started, 3)
        return stats

    def _paragraph_rows(self):
        weights = bm25_weights(self._paragraph_tokens, self._ids)
        for i, chunk in enumerate(self.index.chunks):
            p = chunk.paragraph
            row = {"id": p.id, "report": p.doc, "kind": p.kind, "year": p.year or 0, "period": p.period or "",
                   "section": _clip(p.section_path, SECTION_BYTES), "text": _clip(chunk.embed_text, TEXT_BYTES),
                   "dense": self.index.vectors[i], "lexical": _sparse(*weights[i])}
            row["hash"] = _row_hash(row)
            yield row

    def _unit_rows(self):
        weights = dict(zip(self._sentence_keys, bm25_weights(self._sentence_tokens, self._ids)))
        chunks = self.index.chunks
        for r, unit in enumerate(self.index.units):
            p = chunks[unit.chunk].paragraph
            key = unit_key(p.id, unit.start, unit.end)
            sentence = weights.get(key)
            row = {"id": key, "paragraph": p.id, "report": p.doc, "kind": "sentence" if sentence else "clause",
                   "year": p.year or 0, "period": p.period or "", "text": _clip(p.text[unit.start : unit.end], TEXT_BYTES),
                   "dense": self._unit_vectors[r], "lexical": _sparse(*sentence) if sentence else {NO_WORDS: 1.0}}
            row["hash"] = _row_hash(row)
            yield row

    def _stored_hashes(self, name: str) -> dict[str, str]:
        found: dict[str, str] = {}
        iterator = self.client.query_iterator(name, batch_size=READ_BATCH, filter="", output_fields=["id", "hash"])
        try:
            while batch := iterator.next():
                found.update((r["id"], r["hash"]) for r in batch)
        finally:
            iterator.close()
        return found

    # ---- collections ------------------------------------------------------------------------------------------
    def _create_collections(self) -> None:
        from pymilvus import DataType, MilvusClient

        for name in (PARAGRAPHS, UNITS):
            if self.client.has_collection(name):
                continue
            schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=KEY_BYTES)
            if name == UNITS:
                schema.add_field("paragraph", DataType.VARCHAR, max_length=KEY_BYTES)
            schema.add_field("report", DataType.VARCHAR, max_length=KEY_BYTES)
            schema.add_field("kind", DataType.VARCHAR, max_length=16)
            schema.add_field("year", DataType.INT64)  # 0: none
            schema.add_field("period", DataType.VARCHAR, max_length=16)  # review | plan | ""
            if name == PARAGRAPHS:
                schema.add_field("section", DataType.VARCHAR, max_length=SECTION_BYTES)
            schema.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES)
            schema.add_field("hash", DataType.VARCHAR, max_length=32)
            schema.add_field("dense", DataType.FLOAT_VECTOR, dim=int(self.index.dim))
            schema.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
            params = self.client.prepare_index_params()
            params.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
            params.add_index(field_name="lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
            params.add_index(field_name="report", index_type="INVERTED")
            self.client.create_collection(name, schema=schema, index_params=params)

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


def _clip(text: str, max_bytes: int) -> str:
    """The longest start of text that is at most max_bytes in UTF-8 (whole characters)."""
    return text.encode("utf-8", "replace")[:max_bytes].decode("utf-8", "ignore")


def _sparse(token_ids: np.ndarray, weights: np.ndarray) -> dict[int, float]:
    return dict(zip(token_ids.tolist(), weights.tolist()))


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
