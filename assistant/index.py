"""The on-disk index of a folder of reports: build (streamed, resumable), save atomically, load, validate.

Layout of an index folder:
  manifest.json            format version, embedder id, source file hashes, names and sha256 of the data files, the
                           section headings, and the English→Chinese dictionary kept to the reports' words
  chunks-<hash>.jsonl      one paragraph a line, with its BM25 tokens (whole and per sentence), its units (sentences,
                           and the ；-clauses of long ones, as offsets) and the hashes of the texts that were embedded
  vectors-<hash>.npy       float16 matrix of L2-normalised rows: one a unit, then one a section heading (loaded
                           memory-mapped: a query reads the rows it touches)
  text-<hash>.txt          the normalised text of every paragraph (heading path + text), a line each, report after
                           report: "does a report mention X" is a substring test on it
Paragraphs get no vector of their own: retrieval and answering read unit and heading vectors only (docs/benchmarks.md
"Build" has the measurement); the competitor recipe (peer.py) embeds its paragraphs itself.

A build is streamed: the reports are taken BATCH_REPORTS at a time (parsed, tokenised, embedded, written as a part in
.parts/), so its memory is about one batch; a killed build resumes from the parts already written, and any vector whose
text did not change is reused from the previous index or a part. Data files are content-named and written before the
manifest, and the manifest is replaced atomically, so a build that dies half-way leaves the previous manifest pointing
at the previous, complete files.
Not for searching: see retrieve.py.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import orjson

from . import text as textmod
from .document import Document, Paragraph, check_keys, parse_file
from .embed import Embedder, PassagePool
from .english import LICENCE, EnglishTerms, build_dictionary, dictionary_id
from .formats import SUPPORTED, report_files
from .store import BM25_B, BM25_K1, open_store, store_spec

FORMAT_VERSION = 6
MANIFEST = "manifest.json"
DATA_FILES = ("chunks", "vectors", "text")  # the roles of the data files the manifest names and checksums
PARTS = ".parts"  # the parts of an unfinished build (removed when the build is complete)
BATCH_REPORTS = 32  # reports parsed, tokenised and embedded together: a build holds about one batch in memory
EMBED_BATCH = 16
VECTOR_DTYPE = np.float16  # on disk; search math is float32 (halves the file; eval unchanged, docs/benchmarks.md)
# A sentence longer than this is also embedded clause by clause (its ；-parts): it holds several facts, and a question
# about one of them should not have to match all of them (13 such sentences in the seed report, 18 in the national).
LONG_SENTENCE_CHARS = 90
CLAUSE_SPLIT = re.compile(r"(?<=[;；])")
class IndexError_(Exception):
    """The index cannot be used as it is; the message says why and how to fix it."""


class StaleIndex(IndexError_):
    pass


class CorruptIndex(IndexError_):
    pass


@dataclass(frozen=True)
class Unit:
    """A span of a paragraph with a vector of its own: a sentence, or a ；-clause of a long sentence."""

    chunk: int  # index of the paragraph's chunk
    start: int
    end: int


class UnitTable(Sequence):
    """Every unit of the index, in order (a paragraph's units follow its chunk), held as three integer arrays: a
    Unit object each took ~0.7 s of a 1,000-report index's load (262,000 units); one is made when it is read, and
    code that reads a run of units reads the arrays (start[a:b], end[a:b])."""

    def __init__(self, chunks: list[Chunk]):
        counts = [len(c.units) for c in chunks]
        self.owner = np.repeat(np.arange(len(chunks), dtype=np.int64), counts)
        spans = np.fromiter(itertools.chain.from_iterable(itertools.chain.from_iterable(c.units for c in chunks)),
                            dtype=np.int64, count=2 * sum(counts))
        self.start, self.end = spans[0::2], spans[1::2]

    def __len__(self) -> int:
        return len(self.owner)

    def __iter__(self):
        return map(Unit, self.owner.tolist(), self.start.tolist(), self.end.tolist())

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return Unit(int(self.owner[i]), int(self.start[i]), int(self.end[i]))


@dataclass(frozen=True)
class Heading:
    """A part or section heading of a report, with a vector of its own (list questions are matched against them)."""

    doc: str
    part: str
    section: str  # "" for a part heading

    @property
    def text(self) -> str:
        return self.section or self.part


@dataclass
class Chunk:
    """A paragraph as indexed: the paragraph, its BM25 tokens, and the text its vector was made from."""

    paragraph: Paragraph
    tokens: list[str]
    embed_text: str
    sentence_tokens: list[list[str]] = field(default_factory=list)  # one list per sentence of the paragraph
    units: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each unit in paragraph.text


def paragraph_units(paragraph: Paragraph) -> list[tuple[int, int]]:
    """Every sentence of a body paragraph, and the ；-clauses of its long sentences."""
    if paragraph.kind != "body":
        return []
    spans = []
    for sentence in paragraph.sentences:
        spans.append((sentence.start, sentence.end))
        if len(sentence.text) > LONG_SENTENCE_CHARS:
            offset = sentence.start
            parts = [part for part in CLAUSE_SPLIT.split(sentence.text) if part]
            for part in parts if len(parts) > 1 else []:
                spans.append((offset, offset + len(part)))
                offset += len(part)
    return spans


def report_headings(documents: list[Document]) -> list[Heading]:
    return [h for d in documents for h in
            [Heading(d.key, part, "") for part in d.parts] + [Heading(d.key, part, sec) for part, sec in d.sections]]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def parser_id() -> str:
    """The parser's own source and the file readers': paragraphs, ids and headings in the index come from them, so a
    change to either makes the index stale (rebuilding reuses every vector whose text did not change, so this costs
    well under a second)."""
    here = Path(__file__).parent
    return hashlib.sha256((here / "document.py").read_bytes() + (here / "formats.py").read_bytes()).hexdigest()[:16]


def source_fingerprint(seeds_dir: Path) -> list[dict]:
    return [{"name": p.name, "sha256": _sha256_file(p)} for p in report_files(seeds_dir)]


def domain_terms(documents: list[Document]) -> list[str]:
    """Words the tokenizer should keep whole: quoted names (“火炬大学堂”), heading phrases, item titles."""
    terms: set[str] = set()
    for doc in documents:
        for para in doc.paragraphs:
            terms.update(re.findall(r"[“\"《]([^”\"》]{2,12})[”\"》]", para.text))
            for item in para.items:
                terms.add(re.sub(r"^[一二三四五六七八九十]+是", "", item)[:12])
    return sorted(t for t in terms if 2 <= len(t) <= 12)


def searchable_text(paragraph: Paragraph) -> str:
    """The heading path travels with the paragraph: it tells 2021 results from 2022 plans."""
    return f"{paragraph.section_path}\n{paragraph.text}" if paragraph.kind == "body" else paragraph.text


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Float32Rows:
    """A float16 matrix (memory-mapped from the index) whose rows are handed out as float32: the stores and the
    answer stage compute in float32 (faiss and Milvus take nothing else), and only the rows read are converted."""

    dtype = np.dtype(np.float32)
    ndim = 2

    def __init__(self, rows: np.ndarray):
        self._rows = rows
        self.shape = rows.shape

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key) -> np.ndarray:
        return np.asarray(self._rows[key], dtype=np.float32)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return np.asarray(self._rows, dtype=dtype or np.float32)


class Index:
    """A loaded index: paragraphs with their units and headings, the dictionary, and the store that answers searches
    (store.py: in memory by default, or Milvus). Unit vectors stay on disk (float16, memory-mapped) and are read as
    float32 rows (Float32Rows); heading vectors, a few a report, are held as float32."""

    def __init__(self, chunks: list[Chunk], documents: list[Document], manifest: dict,
                 unit_vectors: np.ndarray | None = None, headings: list[Heading] | None = None,
                 heading_vectors: np.ndarray | None = None, store: str | None = None,
                 folder: str | Path | None = None):
        self.chunks = chunks
        self.documents = documents
        self.manifest = manifest
        textmod.add_terms(manifest.get("domain_terms", []))
        self.dim = int(manifest.get("dim", 0))
        self.units = UnitTable(chunks)
        self.unit_owner = self.units.owner
        self.sentence_owner = np.repeat(np.arange(len(chunks), dtype=np.int64), [len(c.sentence_tokens) for c in chunks])
        self.headings = headings or []
        self.heading_vectors = (np.asarray(heading_vectors, dtype=np.float32) if heading_vectors is not None
                                else np.zeros((0, self.dim), np.float32))
        self.english = EnglishTerms(manifest.get("english", {}))
        self._by_id = {c.paragraph.id: c.paragraph for c in chunks}
        self.unit_vector_rows = unit_vectors if unit_vectors is not None else np.zeros((0, self.dim), np.float32)
        # The store may keep what it derives from the index (BM25 matrices, a vector index) in the folder's cache/.
        self.cache_dir = Path(folder) / "cache" if folder else None
        self.store = open_store(store, self, self.unit_vector_rows, self.cache_dir)

    @cached_property
    def doc_text(self) -> dict[str, str]:
        """Each report's normalised paragraphs, joined: "does this report mention X" is a substring test."""
        by_doc: dict[str, list[str]] = {}
        for c in self.chunks:
            by_doc.setdefault(c.paragraph.doc, []).append(textmod.normalize(searchable_text(c.paragraph)))
        return {doc: "\n".join(texts) for doc, texts in by_doc.items()}

    @cached_property
    def corpus_text(self) -> str:
        """Every normalised paragraph of all reports, joined (load() sets it from the index's text file)."""
        return "\n".join(self.doc_text.values())

    @cached_property
    def vectors(self) -> np.ndarray:
        """A vector a paragraph: the normalised mean of its units' (zero for a paragraph without units). Not read by
        retrieval or answering; a store that keeps paragraph rows (milvus_store) needs one."""
        vectors = np.zeros((len(self.chunks), self.dim), np.float32)
        rows = np.asarray(self.unit_vector_rows, dtype=np.float32)
        if len(self.units):
            np.add.at(vectors, self.unit_owner, rows)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    @property
    def embedder_id(self) -> str:
        return self.manifest["embedder"]

    def paragraph(self, pid: str) -> Paragraph:
        """The paragraph with this id (KeyError if there is none)."""
        return self._by_id[pid]


class VectorCache:
    """Vectors already made, by text hash: those of the previous index, of other indexes, of the parts of an
    unfinished build (rows of memory-mapped files, read when used), and the ones embedded by this build."""

    def __init__(self) -> None:
        self._sources: list[np.ndarray] = []
        self._where: dict[str, tuple[int, int]] = {}
        self.fresh: dict[str, np.ndarray] = {}

    def add_rows(self, hashes: list[str], vectors: np.ndarray) -> None:
        source = len(self._sources)
        self._sources.append(vectors)
        for row, h in enumerate(hashes):
            self._where.setdefault(h, (source, row))

    def __contains__(self, text_hash: str) -> bool:
        return text_hash in self.fresh or text_hash in self._where

    def get(self, text_hash: str) -> np.ndarray:
        if text_hash in self.fresh:
            return self.fresh[text_hash]
        source, row = self._where[text_hash]
        return self._sources[source][row]


def _embed_missing(texts: dict[str, str], cache: VectorCache, embedder: Embedder, pool: PassagePool | None = None,
                   progress=None) -> int:
    """Embed the texts (hash → text) not in the cache yet; returns how many were embedded."""
    # Texts of similar length share a batch (sentence-transformers pads a batch to its longest text).
    missing = sorted(((h, t) for h, t in texts.items() if h not in cache), key=lambda ht: (len(ht[1]), ht[0]))
    if pool is not None and missing:
        vectors = pool.embed([t for _, t in missing], EMBED_BATCH, progress)
        cache.fresh.update(zip((h for h, _ in missing), vectors.astype(VECTOR_DTYPE)))
        return len(missing)
    for i in range(0, len(missing), EMBED_BATCH):
        batch = missing[i : i + EMBED_BATCH]
        vectors = embedder.embed_passages([t for _, t in batch])
        cache.fresh.update(zip((h for h, _ in batch), np.asarray(vectors).astype(VECTOR_DTYPE)))
        if progress:
            progress(min(i + EMBED_BATCH, len(missing)), len(missing))
    return len(missing)


def _part_key(embedder_id: str, terms: list[str], sources: list[dict]) -> str:
    """A part is reused only by a build of the same reports with the same embedder, parser, tokenizer and terms."""
    key = [FORMAT_VERSION, embedder_id, textmod.tokenizer_id(), parser_id(), terms, sources]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]


def _write_part(parts_dir: Path, key: str, paths: list[Path], embedder: Embedder, cache: VectorCache,
                pool: PassagePool | None, progress) -> int:
    """Parse, tokenise and embed some reports, and write them as one part (vectors first; the chunks file, written
    last and atomically, marks the part complete). Returns how many texts were embedded."""
    documents = [parse_file(p) for p in paths]
    chunks = [Chunk(p, textmod.tokenize(searchable_text(p)), searchable_text(p),
                    [textmod.tokenize(s.text) for s in p.sentences] if p.kind == "body" else [], paragraph_units(p))
              for doc in documents for p in doc.paragraphs]
    headings = report_headings(documents)
    unit_texts = [[c.paragraph.text[a:b] for a, b in c.units] for c in chunks]
    unit_hashes = [[_text_hash(t) for t in texts] for texts in unit_texts]
    heading_hashes = [_text_hash(h.text) for h in headings]
    wanted = {h: t for hashes, texts in zip(unit_hashes, unit_texts) for h, t in zip(hashes, texts)}
    wanted.update({h: heading.text for h, heading in zip(heading_hashes, headings)})
    embedded = _embed_missing(wanted, cache, embedder, pool, progress)
    rows = [h for hashes in unit_hashes for h in hashes] + heading_hashes
    vectors = (np.stack([cache.get(h) for h in rows]).astype(VECTOR_DTYPE) if rows
               else np.zeros((0, embedder.dim), VECTOR_DTYPE))
    _atomic_write(parts_dir / f"part-{key}.npy", _npy_bytes(vectors))
    header = {
        "embedder": embedder.id,
        "hashes": rows,  # the text hash of each vector row of the part
        "documents": [{"key": d.key, "path": Path(d.path).name, "title": d.title, "meta": d.meta, "date": d.date,
                       "sha256": d.sha256, "parts": d.parts, "sections": d.sections,
                       "text": "\n".join(textmod.normalize(searchable_text(p)) for p in d.paragraphs)}
                      for d in documents],
        "headings": [{"doc": h.doc, "part": h.part, "section": h.section, "hash": hh}
                     for h, hh in zip(headings, heading_hashes)],
        "vocabulary": sorted({t for c in chunks for t in c.tokens} | {t for c in chunks for ts in c.sentence_tokens
                                                                      for t in ts}),
    }
    lines = [json.dumps(header, ensure_ascii=False)] + [
        json.dumps({"paragraph": asdict(c.paragraph), "tokens": _joined(c.tokens),
                    "sentence_tokens": [_joined(ts) for ts in c.sentence_tokens], "units": c.units, "unit_hashes": uh},
                   ensure_ascii=False)
        for c, uh in zip(chunks, unit_hashes)
    ]
    _atomic_write(parts_dir / f"part-{key}.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    return embedded


def _joined(tokens: list[str]) -> str:
    """Tokens as one string, split again at load: ten million short strings decode ~4× faster from a few long ones
    than from JSON lists. A token never holds a space (text.tokenize cuts at whitespace and drops it)."""
    return " ".join(tokens)


def _split(tokens: str) -> list[str]:
    return tokens.split(" ") if tokens else []


class TokensOnRead(Sequence):
    """A paragraph's BM25 tokens as loaded: the stored string, split the first time they are read (then kept). With
    the store's BM25 matrices cached, nothing reads them at load; splitting all of them took ~1 s of a 1,000-report
    index's load."""

    __slots__ = ("_joined", "_tokens")

    def __init__(self, joined: str):
        self._joined = joined
        self._tokens: list[str] | None = None

    def _list(self) -> list[str]:
        if self._tokens is None:
            self._tokens = _split(self._joined)
        return self._tokens

    def __len__(self) -> int:
        return len(self._list())

    def __getitem__(self, i):
        return self._list()[i]

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and self._list() == list(other)

    def __repr__(self) -> str:
        return repr(self._list())


class SplitOnRead(Sequence):
    """A paragraph's sentence tokens as loaded: the stored strings, each split when it is read. Only the store's BM25
    build (cached after the first load) and the Milvus sync read them all; splitting all of them at load took ~2 s of
    a 1,000-report index's load."""

    __slots__ = ("_joined",)

    def __init__(self, joined: list[str]):
        self._joined = joined

    def __len__(self) -> int:
        return len(self._joined)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [_split(t) for t in self._joined[i]]
        return _split(self._joined[i])

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return repr(list(self))


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _read_part(parts_dir: Path, key: str) -> tuple[dict, list[bytes], np.ndarray] | None:
    """A complete part: its header, its chunk lines (as written) and its vectors (memory-mapped); None if it is not
    there or not whole."""
    try:
        lines = (parts_dir / f"part-{key}.jsonl").read_bytes().splitlines()
        header = orjson.loads(lines[0])
        vectors = np.load(parts_dir / f"part-{key}.npy", mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, IndexError):
        return None
    return header, lines[1:], vectors


class _HashedFile:
    """A file written under a temporary name while its sha256 is computed (no second read), then content-named."""

    def __init__(self, folder: Path):
        fd, name = tempfile.mkstemp(dir=folder, prefix=".build.", suffix=".tmp")
        self.path = Path(name)
        self.handle = os.fdopen(fd, "wb")
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)

    def finish(self, folder: Path, stem: str, suffix: str) -> tuple[str, str]:
        """Close, fsync and move to stem-<hash>.suffix; returns (name, sha256)."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        sha = self.digest.hexdigest()
        name = f"{stem}-{sha[:12]}{suffix}"
        os.chmod(self.path, 0o644)
        os.replace(self.path, folder / name)
        return name, sha

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.path.unlink(missing_ok=True)


def build(seeds_dir: str | Path, index_dir: str | Path, embedder: Embedder, progress=None, store: str | None = None,
          reuse_from: tuple[str | Path, ...] = (), workers: int | None = None) -> dict:
    """Parse every report in seeds_dir, tokenise and embed its units and headings, and write the index.
    Returns build stats; `progress(done, total)` is called after each batch of new texts is embedded.

    Reports are taken BATCH_REPORTS at a time and each batch is written as a part (index_dir/.parts), so memory is
    about one batch and a build that was killed resumes from its parts. Vectors whose text did not change since the
    previous index (same embedder) are reused, so editing one paragraph re-embeds its changed sentences only;
    `reuse_from` names other index folders to take vectors from too. `workers` processes embed (default: one a core,
    embed.build_workers; an embedder that cannot be started by name in another process embeds here).
    """
    with textmod.kept_terms():
        return _build(seeds_dir, index_dir, embedder, progress, store, reuse_from, workers)


def _build(seeds_dir: str | Path, index_dir: str | Path, embedder: Embedder, progress=None, store: str | None = None,
           reuse_from: tuple[str | Path, ...] = (), workers: int | None = None) -> dict:
    started = time.perf_counter()
    seeds_dir, index_dir = Path(seeds_dir), Path(index_dir)
    files = report_files(seeds_dir)
    if not files:
        raise IndexError_(f"no reports ({', '.join(SUPPORTED)}) in {seeds_dir}: put at least one report there")
    check_keys(files, seeds_dir)
    sources = source_fingerprint(seeds_dir)
    # The tokenizer keeps every report's domain terms whole, so they are all known before the first batch is cut
    # (a first pass that parses each report and keeps only its terms: ~3 ms a report).
    terms = sorted({t for path in files for t in domain_terms([parse_file(path)])})
    textmod.only_terms(terms)
    batches = [list(range(i, min(i + BATCH_REPORTS, len(files)))) for i in range(0, len(files), BATCH_REPORTS)]
    keys = [_part_key(embedder.id, terms, [sources[i] for i in batch]) for batch in batches]

    index_dir.mkdir(parents=True, exist_ok=True)
    parts_dir = index_dir / PARTS
    parts_dir.mkdir(exist_ok=True)
    cache = VectorCache()
    for folder in (index_dir, *reuse_from):
        _previous_vectors(Path(folder), embedder.id, cache)
    for key in sorted({p.name[5:-6] for p in parts_dir.glob("part-*.jsonl")}):
        part = _read_part(parts_dir, key)
        if part is not None and part[0]["embedder"] == embedder.id:
            cache.add_rows(part[0]["hashes"], part[2])
    embedded = resumed = 0
    pool = None
    try:
        for batch, key in zip(batches, keys):
            if _read_part(parts_dir, key) is not None:
                resumed += 1
                continue
            if pool is None:
                pool = PassagePool.for_embedder(embedder, workers)
            embedded += _write_part(parts_dir, key, [files[i] for i in batch], embedder, cache, pool, progress)
            header, _, vectors = _read_part(parts_dir, key)
            cache.add_rows(header["hashes"], vectors)  # the vectors are on disk now: memory holds one batch's
            cache.fresh.clear()
    finally:
        if pool is not None:
            pool.close()
    manifest, stats = _assemble(index_dir, parts_dir, keys, embedder, sources, terms)
    _atomic_write(index_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    keep = {MANIFEST, *(entry["name"] for entry in manifest["files"].values())}
    for stale in index_dir.iterdir():
        if stale.is_file() and stale.name not in keep and re.match(r"^(chunks-|vectors-|text-|\.)", stale.name):
            stale.unlink(missing_ok=True)
    shutil.rmtree(parts_dir, ignore_errors=True)
    if store_spec(store) != "local":
        # A shared store is filled from the complete index on disk (upserts by content, so a rebuild only changes
        # what changed, and a killed push leaves the store usable): open it once to sync.
        load(index_dir, store=store)
    stats.update({"embedded": embedded, "reused": stats["distinct"] - embedded, "resumed_parts": resumed,
                  "parts": len(keys), "report_kb": round(sum(f.stat().st_size for f in files) / 1024, 1),
                  "seconds": round(time.perf_counter() - started, 3)})
    del stats["distinct"]
    return stats


def _assemble(index_dir: Path, parts_dir: Path, keys: list[str], embedder: Embedder, sources: list[dict],
              terms: list[str]) -> tuple[dict, dict]:
    """The index files from the parts, streamed (one part in memory at a time), and the manifest that names them."""
    documents, headings, vocabulary = [], [], set()
    n_chunks = n_units = 0
    distinct: set[str] = set()
    chunks_out, text_out = _HashedFile(index_dir), _HashedFile(index_dir)
    unit_parts = []
    try:
        first_text = True
        for key in keys:
            part = _read_part(parts_dir, key)
            if part is None:
                raise IndexError_(f"part {key} of the build disappeared from {parts_dir}: run the build again")
            header, lines, vectors = part
            for line in lines:
                chunks_out.write(line + b"\n")
            units = len(vectors) - len(header["headings"])
            n_chunks += len(lines)
            n_units += units
            unit_parts.append((key, units))
            for d in header["documents"]:
                text = d.pop("text")
                d["text_chars"] = len(text)
                text_out.write(text.encode("utf-8") if first_text else b"\n" + text.encode("utf-8"))
                first_text = False
                documents.append(d)
            distinct.update(header["hashes"])
            headings.extend(header["headings"])
            vocabulary.update(header["vocabulary"])
        chunk_name, chunk_sha = chunks_out.finish(index_dir, "chunks", ".jsonl")
        text_name, text_sha = text_out.finish(index_dir, "text", ".txt")
    except BaseException:
        chunks_out.discard()
        text_out.discard()
        raise
    shape = (n_units + len(headings), embedder.dim)
    vectors_out = _HashedFile(index_dir)
    try:
        header_bytes = _npy_header(shape)
        vectors_out.write(header_bytes)
        for units_first in (True, False):  # every part's units, then every part's headings
            for key, units in unit_parts:
                part = np.load(parts_dir / f"part-{key}.npy", mmap_mode="r", allow_pickle=False)
                vectors_out.write(np.ascontiguousarray(part[:units] if units_first else part[units:]).tobytes())
        vector_name, vector_sha = vectors_out.finish(index_dir, "vectors", ".npy")
    except BaseException:
        vectors_out.discard()
        raise
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": embedder.id,
        "tokenizer": textmod.tokenizer_id(),
        "parser": parser_id(),
        "dim": int(embedder.dim),
        "vector_dtype": np.dtype(VECTOR_DTYPE).name,
        "sources": sources,
        "files": {
            "chunks": {"name": chunk_name, "sha256": chunk_sha},
            "vectors": {"name": vector_name, "sha256": vector_sha},
            "text": {"name": text_name, "sha256": text_sha},
        },
        "documents": documents,
        "rows": {"units": n_units, "headings": len(headings)},
        "headings": headings,
        "domain_terms": terms,
        "bm25": {"k1": BM25_K1, "b": BM25_B, "method": "lucene"},
        "n_chunks": n_chunks,
        "english_source": LICENCE,
        "english_id": dictionary_id(),
        "english": build_dictionary(vocabulary),
    }
    return manifest, {"chunks": n_chunks, "units": n_units + len(headings), "distinct": len(distinct)}


def _npy_header(shape: tuple[int, int]) -> bytes:
    """The .npy header of a C-ordered VECTOR_DTYPE matrix of this shape (the rows follow, written part by part)."""
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": np.lib.format.dtype_to_descr(np.dtype(VECTOR_DTYPE)),
                                                  "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def _previous_vectors(index_dir: Path, embedder_id: str, cache: VectorCache) -> None:
    """Add the vectors of an index by text hash, if it was built with the same embedder and is intact."""
    try:
        manifest, records, vectors = _read(index_dir, verify=False)
    except (IndexError_, OSError, ValueError, KeyError):
        return
    if manifest.get("embedder") != embedder_id:
        return
    cache.add_rows([h for r in records for h in r["unit_hashes"]] + [h["hash"] for h in manifest["headings"]],
                   vectors)


def _read(index_dir: Path, verify: bool = True) -> tuple[dict, list[dict], np.ndarray]:
    manifest_path = index_dir / MANIFEST
    fix = "run `python -m assistant build`"
    if not manifest_path.exists():
        raise StaleIndex(f"no index in {index_dir}: {fix}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptIndex(f"index manifest {manifest_path} is unreadable ({exc}): {fix}") from exc
    if not isinstance(manifest, dict):
        raise CorruptIndex(f"index manifest {manifest_path} is not an object: {fix}")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise StaleIndex(f"index in {index_dir} has format {manifest.get('format_version')!r}, this version reads "
                         f"{FORMAT_VERSION}: {fix}")
    try:
        files = {role: index_dir / manifest["files"][role]["name"] for role in DATA_FILES}
        sums = {role: manifest["files"][role]["sha256"] for role in DATA_FILES}
    except (KeyError, TypeError) as exc:
        raise CorruptIndex(f"index manifest {manifest_path} is incomplete ({exc!r}): {fix}") from exc
    for path in files.values():
        if not path.exists():
            raise CorruptIndex(f"index file {path} is missing or damaged (checksum): {fix}")
    # The checksums are computed in threads while the chunks are parsed (hashlib lets go of the GIL): a damaged file
    # is still named as damaged, and costs the load next to nothing on two cores.
    with ThreadPoolExecutor(len(files)) as hashing:
        digests = {role: hashing.submit(_sha256_file, path) for role, path in files.items()} if verify else {}
        try:
            records = [orjson.loads(line) for line in files["chunks"].read_bytes().splitlines() if line]
            vectors = np.load(files["vectors"], mmap_mode="r", allow_pickle=False)
            rows = manifest["rows"]
            expected = (rows["units"] + rows["headings"], int(manifest["dim"]))
            if manifest["n_chunks"] != len(records) or rows["units"] != sum(len(r["units"]) for r in records):
                raise ValueError("row counts do not match the chunks file")
            unreadable = None
        except (KeyError, TypeError, ValueError, AttributeError, EOFError, OSError) as exc:
            unreadable = exc  # a damaged file is reported as damaged (checksum) before anything else
        for role, digest in digests.items():
            if digest.result() != sums[role]:
                raise CorruptIndex(f"index file {files[role]} is missing or damaged (checksum): {fix}") from unreadable
    if unreadable is not None:
        raise CorruptIndex(f"index manifest {manifest_path} is incomplete ({unreadable!r}): {fix}") from unreadable
    if vectors.ndim != 2 or vectors.shape != expected:
        raise CorruptIndex(f"index in {index_dir} has {vectors.shape} vectors, expected {expected}: {fix}")
    return manifest, records, vectors


def check_fresh(manifest: dict, seeds_dir: Path, embedder_id: str) -> None:
    """Raise StaleIndex when the reports or the embedder changed since the index was built."""
    if manifest.get("embedder") != embedder_id:
        raise StaleIndex(
            f"index was built with embedder {manifest.get('embedder')!r}, not {embedder_id!r}: "
            "run `python -m assistant build --index DIR --embedder SPEC` for the index and embedder you want"
        )
    if (manifest.get("tokenizer") != textmod.tokenizer_id() or manifest.get("parser") != parser_id()
            or manifest.get("english_id") != dictionary_id()):
        raise StaleIndex("index was built by another version of the parser, tokenizer or dictionary: "
                         "run `python -m assistant build`")
    if manifest.get("sources") != source_fingerprint(seeds_dir):
        raise StaleIndex(f"reports in {seeds_dir} changed since the index was built: run `python -m assistant build`")


def load(index_dir: str | Path, seeds_dir: str | Path | None = None, embedder_id: str | None = None,
         embedder_dim: int | None = None, store: str | None = None) -> Index:
    """Load and verify an index; with seeds_dir and embedder_id also check that it is not stale."""
    index_dir = Path(index_dir)
    manifest, records, vectors = _read(index_dir)
    if seeds_dir is not None and embedder_id is not None:
        check_fresh(manifest, Path(seeds_dir), embedder_id)
    if embedder_dim is not None and manifest["dim"] != embedder_dim:
        raise StaleIndex(f"index vectors have {manifest['dim']} dimensions, the embedder gives {embedder_dim}: "
                         "run `python -m assistant build`")
    chunks = []
    by_doc: dict[str, list[Paragraph]] = {d["key"]: [] for d in manifest["documents"]}
    for record in records:
        para = record["paragraph"]
        para["items"] = tuple(para.get("items", ()))
        para["plans"] = tuple(para.get("plans", ()))
        para["span"] = tuple(para["span"]) if para.get("span") else None
        paragraph = Paragraph(**para)
        by_doc[paragraph.doc].append(paragraph)
        # Units stay the [start, end] pairs read (read as pairs, never changed).
        chunks.append(Chunk(paragraph, TokensOnRead(record["tokens"]), searchable_text(paragraph),
                            SplitOnRead(record["sentence_tokens"]), record["units"]))
    documents = [Document(key=d["key"], path=d["path"], title=d["title"], meta=d["meta"], paragraphs=by_doc[d["key"]],
                          date=d["date"], sha256=d["sha256"], parts=d["parts"],
                          sections=[tuple(s) for s in d["sections"]])
                 for d in manifest["documents"]]
    n_units = manifest["rows"]["units"]
    headings = [Heading(h["doc"], h["part"], h["section"]) for h in manifest["headings"]]
    index = Index(chunks, documents, manifest, Float32Rows(vectors[:n_units]), headings, vectors[n_units:], store,
                  index_dir)
    # The normalised text was written at build (a report's paragraphs, a line each, reports one after another).
    text = (index_dir / manifest["files"]["text"]["name"]).read_text(encoding="utf-8")
    index.corpus_text, index.doc_text, start = text, {}, 0
    for d in manifest["documents"]:
        index.doc_text[d["key"]] = text[start : start + d["text_chars"]]
        start += d["text_chars"] + 1
    return index
