"""The competitor recipe we measure ourselves against, built from our own parts (../shared/ANCHORS.md, RAGFlow-like).

Weighted BM25 + dense over title-prefixed paragraphs (score = 0.05 × BM25 / max BM25 + 0.95 × cosine, as RAGFlow
weighs token and vector similarity), and the top paragraph as the answer; it never refuses and has no synonyms, no
sentence choice and no year awareness. `python -m assistant eval FILE --peer` scores it with the same code and the
same index as the engine, so the two columns of that report differ only by what the engine adds.
Not used to answer anyone.
"""

from __future__ import annotations

import time

import numpy as np

from . import text as textmod
from .answer import Answer, Citation
from .index import EMBED_BATCH, Index

TEXT_WEIGHT = 0.05
VECTOR_WEIGHT = 0.95
CITED = 5  # the top paragraphs shown as sources, best first


class PeerRecipe:
    """Answers with the best paragraph of a weighted hybrid search; `ask` has the engine's signature."""

    def __init__(self, index: Index, embedder):
        self.index = index
        self.embedder = embedder
        # The recipe matches whole (title-prefixed) paragraphs. The index keeps no paragraph vectors (the engine reads
        # sentence, clause and heading vectors only), so the recipe embeds its paragraphs once, here: seconds for the
        # one or few reports an evaluation asks about.
        texts = [c.embed_text for c in index.chunks]
        self.vectors = np.concatenate([embedder.embed_passages(texts[i : i + EMBED_BATCH])
                                       for i in range(0, len(texts), EMBED_BATCH)] or [np.zeros((0, index.dim))])

    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        started = time.perf_counter()
        # Conversation: the previous question is sent along with the new one (as "history to the model" does).
        asked = " ".join([*(history or [])[-1:], question])
        tokens = [t for t in textmod.tokenize(asked) if not t.startswith("syn:")]
        n = len(self.index.chunks)
        bm25 = self.index.store.paragraph_scores(tokens) if tokens else np.zeros(n, dtype=np.float32)
        bm25 = bm25 / bm25.max() if bm25.max() > 0 else bm25
        vector = self.embedder.embed_queries([asked])[0]
        dense = self.vectors @ vector
        body = np.array([c.paragraph.kind == "body" for c in self.index.chunks])
        score = np.where(body, TEXT_WEIGHT * bm25 + VECTOR_WEIGHT * dense, -np.inf)
        order = np.argsort(-score, kind="stable")[:CITED]
        citations = []
        for n_, i in enumerate(order, 1):
            p = self.index.chunks[i].paragraph
            citations.append(Citation(n_, p.id, p.section_path, p.text, p.text, round(float(score[i]), 4), report=p.doc))
        answer = f"{citations[0].text}[1]" if citations else ""
        return Answer(question, "answered", answer, citations,
                      timings_ms={"total": (time.perf_counter() - started) * 1e3})
