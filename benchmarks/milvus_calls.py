"""Where a question's time goes on a Milvus store: each client search timed from the engine's side, per question.

    python -m benchmarks.milvus_calls --corpus DIR --index DIR --db DIR [--questions FILE]

Starts `milvus-lite server` on DB (a folder synced by `python -m benchmarks.scale sync`), asks every question once in
this process (after one warm-up question) and prints the question's p50, the p50 of the time spent in Milvus calls,
and for each call of a question (in order) its p50 time, queries, hits and limit, and how many were filtered by
report. Not a test: the numbers behind docs/scale-out.md's table of calls.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from . import scale
from .run import DEFAULT_QUESTIONS
from .webapp import free_port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.milvus_calls")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--db", required=True, help="Milvus Lite data folder, served by milvus-lite server")
    parser.add_argument("--questions", default=str(DEFAULT_QUESTIONS))
    args = parser.parse_args(argv)
    from assistant.evaluate import load_items
    from assistant.milvus_store import start_lite_server

    port = free_port()
    server = start_lite_server(args.db, port)
    try:
        bot = scale._load_bot(args.corpus, args.index, f"milvus:http://127.0.0.1:{port}")
        client, calls = bot.index.store.client._client, []
        search = client.search

        def timed(*a, **k):
            started = time.perf_counter()
            found = search(*a, **k)
            calls.append({"field": k.get("anns_field"), "ms": (time.perf_counter() - started) * 1e3,
                          "queries": len(k["data"]), "hits": sum(len(h) for h in found), "limit": k["limit"],
                          "filtered": bool(k.get("filter"))})
            return found

        client.search = timed
        bot.ask(scale.WARM_QUESTION)
        questions = []
        for item in load_items(args.questions):
            calls.clear()
            started = time.perf_counter()
            bot.ask(item["question"], item.get("history", []))
            questions.append(((time.perf_counter() - started) * 1e3, list(calls)))
    finally:
        server.terminate()
        server.wait(timeout=60)
    totals = np.array([t for t, _ in questions])
    in_calls = np.array([sum(c["ms"] for c in cs) for _, cs in questions])
    print(f"{len(questions)} questions: p50 {np.median(totals):.0f} ms, of which in Milvus calls "
          f"{np.median(in_calls):.0f} ms (p50), the rest {np.median(totals - in_calls):.0f} ms")
    by_place: dict[tuple[int, str], list[dict]] = {}
    for _, cs in questions:
        for n, c in enumerate(cs):
            by_place.setdefault((n + 1, c["field"]), []).append(c)
    for (n, field), cs in sorted(by_place.items()):
        p50 = {k: np.median([c[k] for c in cs]) for k in ("ms", "queries", "hits", "limit")}
        print(f"call {n} ({field}): {len(cs)} questions, p50 {p50['ms']:.0f} ms, max {max(c['ms'] for c in cs):.0f} "
              f"ms; queries {p50['queries']:.0f}, hits {p50['hits']:.0f}, limit {p50['limit']:.0f} (p50); "
              f"filtered by report {sum(c['filtered'] for c in cs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
