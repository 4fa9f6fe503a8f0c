"""Why the Milvus store sends its own BM25 weights: the eval sets with Milvus's built-in BM25 function instead.

    python -m benchmarks.milvus_bm25 ../shared/eval/dev.jsonl [--seeds DIR --index DIR] [--db DIR]

Scores each question file three ways on the same index: the local store, the Milvus store as shipped (our tokens,
our weights: the local store's BM25 exactly), and BuiltinBM25Store, which lets Milvus Lite analyse the text itself
(jieba, punctuation dropped) and score it with its BM25 function (statistics per segment, no synonym keys, sentence
search over the sentence rows; paragraphs and sentences are partitions of their own, so neither's statistics count
the other's rows in Milvus Lite). The query is the question's tokens joined by spaces:
the store interface gets tokens, and jieba cuts joined words the way it cut them the first time.
Not a test and not part of the store: an experiment kept so that the choice can be checked again.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from assistant.milvus_store import (
    KEY_BYTES,
    LEXICAL_ROWS,
    PARAGRAPH_SIDE,
    TEXT_BYTES,
    MilvusStore,
    _clip,
    _row_hash,
)

PUNCTUATION = list("，。、；：？！“”‘’（）《》【】—…·,.;:?!()[]%") + [" ", "\n", "\u3000"]
ANALYZER = {"tokenizer": "jieba", "filter": [{"type": "stop", "stop_words": PUNCTUATION}]}
PARAGRAPHS, SENTENCES = "paragraphs", "sentences"  # the partitions of this store's lexical collection


class BuiltinBM25Store(MilvusStore):
    """The Milvus store with `lexical` made by Milvus's BM25 function from `text`, and searched by text."""

    def fingerprint(self) -> str:
        return "builtin-bm25:" + super().fingerprint()

    def _create_collections(self) -> None:
        from pymilvus import DataType, Function, FunctionType, MilvusClient

        if not self.client.has_collection(LEXICAL_ROWS):
            schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=KEY_BYTES)
            schema.add_field("report", DataType.VARCHAR, max_length=KEY_BYTES)
            schema.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES, enable_analyzer=True,
                             analyzer_params=ANALYZER)
            schema.add_field("hash", DataType.VARCHAR, max_length=32)
            schema.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                         input_field_names=["text"], output_field_names=["lexical"]))
            params = self.client.prepare_index_params()
            params.add_index(field_name="lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                             params={"bm25_k1": 1.2, "bm25_b": 0.75})
            params.add_index(field_name="report", index_type="INVERTED")
            self.client.create_collection(LEXICAL_ROWS, schema=schema, index_params=params)
        for partition in (PARAGRAPHS, SENTENCES):
            if not self.client.has_partition(LEXICAL_ROWS, partition):
                self.client.create_partition(LEXICAL_ROWS, partition)
        super()._create_collections()  # the unit rows, as shipped

    def _lexical_rows(self):
        """Paragraphs and sentences with their text (the function makes `lexical`; Milvus refuses it sent), each
        kind in a partition of its own: Milvus Lite keeps BM25 statistics per segment, so neither's statistics count
        the other's rows."""
        chunks = self.index.chunks
        for chunk in chunks:
            row = {"id": chunk.paragraph.id, "report": chunk.paragraph.doc,
                   "text": _clip(chunk.embed_text, TEXT_BYTES)}
            row["hash"] = _row_hash(row)
            yield PARAGRAPHS, row
        sentences = [(c.paragraph, s) for c in chunks if c.sentence_tokens for s in c.paragraph.sentences]
        for key, (paragraph, sentence) in zip(self._sentence_keys, sentences):
            row = {"id": key, "report": paragraph.doc, "text": _clip(paragraph.text[sentence.start:sentence.end],
                                                                     TEXT_BYTES)}
            row["hash"] = _row_hash(row)
            yield SENTENCES, row

    def prefetch(self, token_lists=None, vector=None, k=0, scopes=(), lexical_scope=None) -> None:
        super().prefetch(None, vector, k, scopes)  # searches by text are made one at a time (_lexical)

    def _lexical(self, side: int, tokens: list[str]) -> np.ndarray:
        paragraphs = side == PARAGRAPH_SIDE
        row_of = self._paragraph_row if paragraphs else self._sentence_row
        n = len(self.index.chunks) if paragraphs else len(self.index.sentence_owner)
        scores = np.zeros(n, dtype=np.float32)
        words = [t for t in tokens if not t.startswith("syn:")]
        if not words or not n:
            return scores
        hits = self.client.search(LEXICAL_ROWS, data=[" ".join(words)], anns_field="lexical", limit=min(n, 16_384),
                                  partition_names=[PARAGRAPHS if paragraphs else SENTENCES],
                                  search_params={"metric_type": "BM25"}, output_fields=["id"])[0]
        for hit in hits:
            if hit["id"] in row_of:
                scores[row_of[hit["id"]]] = abs(hit["distance"])  # Milvus Lite gives BM25 as -score
        return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.milvus_bm25")
    parser.add_argument("file", nargs="+")
    parser.add_argument("--seeds")
    parser.add_argument("--index")
    parser.add_argument("--db", default="benchmarks/out/milvus-bm25", help="folder for the two Milvus Lite files")
    args = parser.parse_args(argv)
    from assistant import Assistant, default_paths
    from assistant import index as indexmod
    from assistant.embed import get_embedder
    from assistant.evaluate import evaluate, load_items

    seeds, where = default_paths(args.seeds, args.index)
    embedder = get_embedder()
    Assistant.load(seeds, where)  # builds the index when it is missing or stale
    db = Path(args.db)
    bots = {}
    for name in ("local", "milvus, our BM25", "milvus, built-in BM25"):
        index = indexmod.load(where, seeds, embedder.id, store=f"milvus:{db / 'ours.db'}" if name == "milvus, our BM25"
                              else "local")
        if name == "milvus, built-in BM25":
            index.store = BuiltinBM25Store(str(db / "builtin.db"), index,
                                           index.store.unit_vectors(np.arange(len(index.units))))
        bots[name] = Assistant(index, embedder, seeds, where)
    results = {}
    for path in args.file:
        items = load_items(path)
        for name, bot in bots.items():
            s = evaluate(bot, items)
            results[f"{Path(path).name} | {name}"] = {k: s[k] for k in ("overall", "recall@1", "recall@3",
                                                                        "false_refusals", "p50_ms")}
            print(f"{Path(path).name:24} {name:24} overall {s['overall']:.3f}  recall@1/3 {s['recall@1']:.3f}/"
                  f"{s['recall@3']:.3f}  false refusals {s['false_refusals']}  p50 {s['p50_ms']:.0f} ms", flush=True)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
