"""Test doubles shared by the unit tests (no model, no network)."""

import hashlib
import itertools

import numpy as np


class FakeEmbedder:
    """Deterministic vectors from character bigrams: similar texts get similar vectors, no model needed."""

    id = "fake:bigram-64"
    dim = 64

    def _vector(self, text):
        v = np.zeros(self.dim, dtype=np.float32)
        for a, b in itertools.pairwise(text):
            v[int(hashlib.md5((a + b).encode()).hexdigest(), 16) % self.dim] += 1.0
        return v / max(np.linalg.norm(v), 1e-9)

    def embed_queries(self, texts):
        return np.stack([self._vector(t) for t in texts])

    def embed_passages(self, texts):
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
