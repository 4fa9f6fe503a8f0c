"""Measurements that need a process of their own, so that memory and start-up are the engine's and nothing else's.

    python -m benchmarks.probe build --seeds DIR --index DIR
    python -m benchmarks.probe query --seeds DIR --index DIR --questions FILE [--profile OUT]

Each prints one JSON object on its last line of stdout; run.py starts them and reads it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    """Resident memory of a process (this one by default) now (VmRSS), or at its peak (field="VmHWM"), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_jiffies() -> tuple[int, int]:
    """Busy and total CPU time of the whole machine so far, in clock ticks (from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(fields)
    return total - fields[3] - fields[4], total  # minus idle and iowait


def others_busy(since: tuple[int, int], own_cpu_s: float) -> float:
    """Share of the machine's CPU that other processes used since `since` (our own CPU time taken out)."""
    busy, total = cpu_jiffies()
    ticks = os.sysconf("SC_CLK_TCK")
    spent = total - since[1]
    return max(0.0, (busy - since[0]) - own_cpu_s * ticks) / spent if spent else 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def build(seeds: str, index: str, one_core: bool = False) -> dict:
    if one_core and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    started = time.perf_counter()
    from assistant import index as indexmod
    from assistant.embed import get_embedder

    embedder = get_embedder()
    model_s = time.perf_counter() - started
    t0 = time.perf_counter()
    stats = indexmod.build(seeds, index, embedder)
    return {"build_s": time.perf_counter() - t0, "model_load_s": model_s, "stats": stats, "peak_rss_mb": peak_rss_mb()}


def query(seeds: str, index: str, questions: str, profile: str | None = None) -> dict:
    """Load the index (never rebuilding it), then ask every question once in a warm process, then once more.

    The first pass is what a new question costs; the second shows the effect of the query-embedding cache.
    """
    rss_start = rss_mb()
    started = time.perf_counter()
    from assistant import Assistant
    from assistant.evaluate import contains_figure, load_items
    from assistant.peer import PeerRecipe

    bot = Assistant.load(seeds, index, build=False)
    peer = PeerRecipe(bot.index, bot.embedder)
    load_s = time.perf_counter() - started
    rss_loaded = rss_mb()
    items = load_items(questions)
    bot.ask("高新区的主要经济指标怎么样?")  # warm-up: first-call costs (jieba, model buffers) are start-up, not latency
    peer.ask("高新区的主要经济指标怎么样?")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    rows = []
    machine, own = cpu_jiffies(), time.process_time()
    for item in items:
        t0, c0 = time.perf_counter(), time.process_time()
        answer = bot.ask(item["question"], item.get("history", []))
        wall, cpu = (time.perf_counter() - t0) * 1e3, (time.process_time() - c0) * 1e3
        expected = list(item.get("figures", [])) + list(item.get("keywords", []))
        answerable = item.get("type") != "unanswerable"
        correct = (all(contains_figure(answer.answer, f) for f in expected) if answerable
                   else answer.status != "answered")
        # The competitor recipe on the same question right after, in the same process (it embeds the question itself,
        # never from the engine's cache): the two latencies are measured under the same conditions.
        t1 = time.perf_counter()
        peer.ask(item["question"], item.get("history", []))
        peer_ms = (time.perf_counter() - t1) * 1e3
        rows.append({"id": item.get("id", ""), "ms": wall, "cpu_ms": cpu, "peer_ms": peer_ms,
                     "timings": answer.timings_ms, "status": answer.status,
                     "correct": correct,
                     "cites_seed": bool(answer.citations) and answer.citations[0].id.startswith(bot.documents[0].key)})
    busy = others_busy(machine, time.process_time() - own)
    if profiler:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        Path(profile).write_text(out.getvalue(), encoding="utf-8")
    repeat = []
    for item in items:
        t0 = time.perf_counter()
        bot.ask(item["question"], item.get("history", []))
        repeat.append((time.perf_counter() - t0) * 1e3)
    return {"load_s": load_s, "rss_start_mb": rss_start, "rss_loaded_mb": rss_loaded, "rss_end_mb": rss_mb(),
            "peak_rss_mb": peak_rss_mb(), "chunks": len(bot.index.chunks), "reports": len(bot.documents),
            "rows": rows, "repeat_ms": repeat, "others_busy": busy}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probe")
    parser.add_argument("what", choices=("build", "query"))
    parser.add_argument("--seeds", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--questions")
    parser.add_argument("--profile", help="write a cProfile summary of the first question pass here")
    parser.add_argument("--one-core", action="store_true", help="build on one CPU core (sched_setaffinity)")
    args = parser.parse_args(argv)
    if args.what == "build":
        result = build(args.seeds, args.index, args.one_core)
    else:
        result = query(args.seeds, args.index, args.questions, args.profile)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
