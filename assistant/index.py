"""The on-disk index of a folder of reports: build, save atomically, load, validate.

Layout of an index folder:
  manifest.json            format version, embedder id, source file hashes, names and sha256 of the data files, the
                           section headings, and the English→Chinese dictionary kept to the reports' words
  chunks-<hash>.jsonl      one paragraph a line, with its BM25 tokens (whole and per sentence), its units (sentences,
                           and the ；-clauses of long ones, as offsets) and the hashes of the texts that were embedded
  vectors-<hash>.npy       float32 matrix of L2-normalised rows: one a paragraph (heading path + text), then one a
                           unit, then one a section heading
Data files are content-named and written before the manifest, and the manifest is replaced atomically, so a build that
dies half-way leaves the previous manifest pointing at the previous, complete files.
Not for searching: see retrieve.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import text as textmod
from .document import Document, Paragraph, load_folder
from .embed import Embedder
from .english import LICENCE, EnglishTerms, build_dictionary, dictionary_id
from .formats import SUPPORTED, report_files
from .store import BM25_B, BM25_K1, open_store, store_spec

FORMAT_VERSION = 5
MANIFEST = "manifest.json"
EMBED_BATCH = 16
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


class Index:
    """A loaded index: paragraphs with their units and headings, the dictionary, and the store that answers searches
    (store.py: in memory by default, or Milvus)."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray, documents: list[Document], manifest: dict,
                 unit_vectors: np.ndarray | None = None, headings: list[Heading] | None = None,
                 heading_vectors: np.ndarray | None = None, store: str | None = None,
                 folder: str | Path | None = None):
        self.chunks = chunks
        self.vectors = vectors
        self.documents = documents
        self.manifest = manifest
        textmod.add_terms(manifest.get("domain_terms", []))
        self.dim = vectors.shape[1] if vectors.ndim == 2 else int(manifest.get("dim", 0))
        self.units = [Unit(i, start, end) for i, c in enumerate(chunks) for start, end in c.units]
        self.unit_owner = np.array([u.chunk for u in self.units], dtype=np.int64)
        self.sentence_owner = np.array([i for i, c in enumerate(chunks) for _ in c.sentence_tokens], dtype=np.int64)
        self.headings = headings or []
        self.heading_vectors = heading_vectors if heading_vectors is not None else np.zeros((0, self.dim), np.float32)
        self.english = EnglishTerms(manifest.get("english", {}))
        self._by_id = {c.paragraph.id: c.paragraph for c in chunks}
        # Every normalised paragraph, joined (all reports, and each): "does a report mention X" is a substring test.
        self.corpus_text = "\n".join(textmod.normalize(searchable_text(c.paragraph)) for c in chunks)
        by_doc: dict[str, list[str]] = {}
        for c in chunks:
            by_doc.setdefault(c.paragraph.doc, []).append(textmod.normalize(searchable_text(c.paragraph)))
        self.doc_text = {doc: "\n".join(texts) for doc, texts in by_doc.items()}
        unit_vectors = unit_vectors if unit_vectors is not None else np.zeros((0, self.dim), np.float32)
        # The store may keep what it derives from the index (BM25 matrices, a vector index) in the folder's cache/.
        self.store = open_store(store, self, unit_vectors, Path(folder) / "cache" if folder else None)

    @property
    def embedder_id(self) -> str:
        return self.manifest["embedder"]

    def paragraph(self, pid: str) -> Paragraph:
        """The paragraph with this id (KeyError if there is none)."""
        return self._by_id[pid]


def _embed_missing(texts: dict[str, str], cached: dict[str, np.ndarray], embedder: Embedder, progress=None) -> int:
    """Embed the texts (hash → text) whose hash is not cached yet, in batches; returns how many were embedded."""
    # Texts of similar length share a batch (sentence-transformers pads a batch to its longest text).
    missing = sorted(((h, t) for h, t in texts.items() if h not in cached), key=lambda ht: (len(ht[1]), ht[0]))
    for i in range(0, len(missing), EMBED_BATCH):
        batch = missing[i : i + EMBED_BATCH]
        for (h, _), vector in zip(batch, embedder.embed_passages([t for _, t in batch])):
            cached[h] = vector
        if progress:
            progress(min(i + EMBED_BATCH, len(missing)), len(missing))
    return len(missing)


def build(seeds_dir: str | Path, index_dir: str | Path, embedder: Embedder, progress=None, store: str | None = None,
          reuse_from: tuple[str | Path, ...] = ()) -> dict:
    """Parse every report in seeds_dir, tokenise and embed its paragraphs, units and headings, and write the index.
    Returns build stats; `progress(done, total)` is called after each batch of new texts is embedded.

    Vectors whose text did not change since the previous index (same embedder) are reused, so editing one paragraph
    re-embeds that paragraph and its sentences only; `reuse_from` names other index folders to take vectors from too
    (an index of the same reports elsewhere, or of some of them).
    """
    started = time.perf_counter()
    seeds_dir, index_dir = Path(seeds_dir), Path(index_dir)
    if not report_files(seeds_dir):
        raise IndexError_(f"no reports ({', '.join(SUPPORTED)}) in {seeds_dir}: put at least one report there")
    documents = load_folder(seeds_dir)
    terms = domain_terms(documents)
    textmod.add_terms(terms)
    paragraphs = [p for doc in documents for p in doc.paragraphs]
    chunks = [Chunk(p, textmod.tokenize(searchable_text(p)), searchable_text(p),
                    [textmod.tokenize(s.text) for s in p.sentences] if p.kind == "body" else [], paragraph_units(p))
              for p in paragraphs]
    headings = report_headings(documents)

    paragraph_hashes = [_text_hash(c.embed_text) for c in chunks]
    unit_texts = [[c.paragraph.text[a:b] for a, b in c.units] for c in chunks]
    unit_hashes = [[_text_hash(t) for t in texts] for texts in unit_texts]
    heading_hashes = [_text_hash(h.text) for h in headings]
    wanted = {h: c.embed_text for h, c in zip(paragraph_hashes, chunks)}
    wanted.update({h: t for hashes, texts in zip(unit_hashes, unit_texts) for h, t in zip(hashes, texts)})
    wanted.update({h: heading.text for h, heading in zip(heading_hashes, headings)})
    cached = {}
    for folder in (*reuse_from, index_dir):
        cached.update(_previous_vectors(Path(folder), embedder.id))
    embedded = _embed_missing(wanted, cached, embedder, progress)
    rows = paragraph_hashes + [h for hashes in unit_hashes for h in hashes] + heading_hashes
    vectors = (np.stack([cached[h] for h in rows]).astype(np.float32) if rows
               else np.zeros((0, embedder.dim), np.float32))
    vocabulary = {t for c in chunks for t in c.tokens} | {t for c in chunks for ts in c.sentence_tokens for t in ts}

    index_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"paragraph": asdict(c.paragraph), "tokens": c.tokens, "sentence_tokens": c.sentence_tokens,
                    "units": c.units, "embed_hash": h, "unit_hashes": uh}, ensure_ascii=False)
        for c, h, uh in zip(chunks, paragraph_hashes, unit_hashes)
    ]
    chunk_bytes = ("\n".join(lines) + "\n").encode("utf-8")
    chunk_name = f"chunks-{hashlib.sha256(chunk_bytes).hexdigest()[:12]}.jsonl"
    _atomic_write(index_dir / chunk_name, chunk_bytes)
    vector_name = f"vectors-{hashlib.sha256(vectors.tobytes()).hexdigest()[:12]}.npy"
    vector_tmp = index_dir / f".{vector_name}.tmp"
    with open(vector_tmp, "wb") as handle:
        np.save(handle, vectors)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(vector_tmp, index_dir / vector_name)

    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": embedder.id,
        "tokenizer": textmod.tokenizer_id(),
        "parser": parser_id(),
        "dim": int(vectors.shape[1]),
        "sources": source_fingerprint(seeds_dir),
        "files": {
            "chunks": {"name": chunk_name, "sha256": _sha256_file(index_dir / chunk_name)},
            "vectors": {"name": vector_name, "sha256": _sha256_file(index_dir / vector_name)},
        },
        "documents": [
            {"key": d.key, "path": Path(d.path).name, "title": d.title, "meta": d.meta, "date": d.date,
             "sha256": d.sha256, "parts": d.parts, "sections": d.sections}
            for d in documents
        ],
        "rows": {"paragraphs": len(chunks), "units": len(rows) - len(chunks) - len(headings),
                 "headings": len(headings)},
        "headings": [{"doc": h.doc, "part": h.part, "section": h.section, "hash": hh}
                     for h, hh in zip(headings, heading_hashes)],
        "domain_terms": terms,
        "bm25": {"k1": BM25_K1, "b": BM25_B, "method": "lucene"},
        "n_chunks": len(chunks),
        "english_source": LICENCE,
        "english_id": dictionary_id(),
        "english": build_dictionary(vocabulary),
    }
    _atomic_write(index_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    keep = {MANIFEST, chunk_name, vector_name}
    for stale in index_dir.iterdir():
        if stale.is_file() and stale.name not in keep and re.match(r"^(chunks-|vectors-|\.)", stale.name):
            stale.unlink(missing_ok=True)
    if store_spec(store) != "local":
        # A shared store is filled from the complete index on disk (upserts by content, so a rebuild only changes
        # what changed, and a killed push leaves the store usable): open it once to sync.
        load(index_dir, store=store)
    return {"chunks": len(chunks), "units": len(rows) - len(chunks), "embedded": embedded,
            "reused": len(set(rows)) - embedded, "seconds": round(time.perf_counter() - started, 3)}


def _previous_vectors(index_dir: Path, embedder_id: str) -> dict[str, np.ndarray]:
    """Vectors of the current index by text hash, if it was built with the same embedder and is intact."""
    try:
        manifest, records, vectors = _read(index_dir)
    except (IndexError_, OSError, ValueError, KeyError):
        return {}
    if manifest.get("embedder") != embedder_id:
        return {}
    hashes = ([r["embed_hash"] for r in records] + [h for r in records for h in r["unit_hashes"]]
              + [h["hash"] for h in manifest["headings"]])
    return dict(zip(hashes, vectors))


def _read(index_dir: Path) -> tuple[dict, list[dict], np.ndarray]:
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
        for role in ("chunks", "vectors"):
            entry = manifest["files"][role]
            path = index_dir / entry["name"]
            if not path.exists() or _sha256_file(path) != entry["sha256"]:
                raise CorruptIndex(f"index file {path} is missing or damaged (checksum): {fix}")
        records = [json.loads(line) for line in
                   (index_dir / manifest["files"]["chunks"]["name"]).read_text("utf-8").splitlines() if line]
        vectors = np.load(index_dir / manifest["files"]["vectors"]["name"], allow_pickle=False)
        rows = manifest["rows"]
        expected = (rows["paragraphs"] + rows["units"] + rows["headings"], int(manifest["dim"]))
        if rows["paragraphs"] != len(records) or rows["units"] != sum(len(r["units"]) for r in records):
            raise ValueError("row counts do not match the chunks file")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptIndex(f"index manifest {manifest_path} is incomplete ({exc!r}): {fix}") from exc
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
    for record in records:
        para = record["paragraph"]
        para["items"] = tuple(para.get("items", ()))
        para["span"] = tuple(para["span"]) if para.get("span") else None
        paragraph = Paragraph(**para)
        chunks.append(Chunk(paragraph, record["tokens"], searchable_text(paragraph), record["sentence_tokens"],
                            [tuple(u) for u in record["units"]]))
    documents = []
    for d in manifest["documents"]:
        documents.append(Document(
            key=d["key"], path=d["path"], title=d["title"], meta=d["meta"],
            paragraphs=[c.paragraph for c in chunks if c.paragraph.doc == d["key"]], date=d["date"],
            sha256=d["sha256"], parts=d["parts"], sections=[tuple(s) for s in d["sections"]],
        ))
    n_paragraphs, n_units = manifest["rows"]["paragraphs"], manifest["rows"]["units"]
    headings = [Heading(h["doc"], h["part"], h["section"]) for h in manifest["headings"]]
    return Index(chunks, vectors[:n_paragraphs], documents, manifest, vectors[n_paragraphs : n_paragraphs + n_units],
                 headings, vectors[n_paragraphs + n_units :], store, index_dir)
