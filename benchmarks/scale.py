"""Scale: the generated corpus (corpus.py) at N reports on the local store and on Milvus Lite.

    python -m benchmarks.run --only scale --scale-sizes 100,1000
    python -m benchmarks.scale build|sync|query|replica ...   # the processes that command starts; JSON on the last line

For each size: the build (index files, then the sync into a new Milvus Lite file), query latency of the dev questions
on each store (a fresh process a store: every question new to it), RSS (client; and the server's when the store is
`milvus-lite server`), disk; and the throughput of 1, 2 and 4 replica processes, each answering questions through
Assistant.ask, against one `milvus-lite server`.

Vectors: embedding 1,000 reports for real would take ~5 hours on this machine (~16 texts a second on 2 cores).
SeedVectorEmbedder gives every paragraph, unit and heading of report i the real vector of the same text in report 0
(a variant differs only by names, figures, synonyms and the order of its sections, see corpus.py); questions are
embedded by the real model. Rows, vectors and searches have their real sizes, so the table measures the system's
scale, not retrieval quality. Not for answer quality: the eval sets are.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from . import corpus
from .probe import cpu_seconds, peak_rss_mb, rss_mb
from .webapp import CLOSINGS, OPENINGS, free_port

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
CORPORA = ROOT / "benchmarks" / "corpora"
PLOT = ROOT / "docs" / "bench-scale.png"
TABLE = OUT / "scale.md"
STORES = ("local", "milvus file", "milvus server")
REPLICAS = (1, 2, 4)
WARM_QUESTION = "高新区的主要经济指标怎么样?"
MEMORY_SHARE = 0.8  # replicas are started only while their expected RSS stays under this share of available memory
PROBE_TIMEOUT_S = 4 * 3600
# The local store's bars in issue 17 ("Done when"): (reports, what, limit, unit); a value passes when at most the limit.
BARS = ((1_000, "query p95", 150, "ms"), (10_000, "query p95", 300, "ms"), (1_000, "load", 5, "s"),
        (10_000, "build peak RSS", 4096, "MB"))
# What a variant changes (corpus.py): figures and years, section numbers, and one word of each synonym pair.
NUMBER = re.compile(r"\d+(?:\.\d+)?")
SECTION_NUMBER = re.compile(r"[一二三四五六七八九十]+(?=[）)、])")
SYNONYM_OF = {**{w: w for w in corpus.SYNONYMS}, **{v: k for k, v in corpus.SYNONYMS.items()}}
SYNONYM = re.compile("|".join(map(re.escape, sorted(SYNONYM_OF, key=len, reverse=True))))


def shape(text: str) -> str:
    """A text with what corpus.variant changes besides names taken out: the same for report 0 and its variants."""
    return NUMBER.sub("#", SECTION_NUMBER.sub("#", SYNONYM.sub(lambda m: SYNONYM_OF[m.group()], text)))


def embedded_texts(index) -> tuple[list[str], np.ndarray]:
    """The texts an index has vectors for (units, then headings) and their vectors."""
    texts = [index.chunks[u.chunk].paragraph.text[u.start:u.end] for u in index.units] + [h.text for h in index.headings]
    vectors = np.vstack([index.store.unit_vectors(np.arange(len(index.units))), index.heading_vectors])
    return texts, vectors.astype(np.float32)


class SeedVectorEmbedder:
    """Benchmark only: a passage gets the real vector of the same text in `real_index` when there is one (real
    reports put in the corpus, built there with the real model; counted in `real`), else of its counterpart in report
    0 (found by shape(), with the place names of each variant put in); a question gets the real model's vector. A
    passage with neither gets the vector of a report-0 text picked by its hash (a real vector still), and is counted
    in `missed`; `matched` counts the others."""

    def __init__(self, seed_index: str | Path, real_index: str | Path | None = None):
        from assistant import index as indexmod
        from assistant.embed import get_embedder

        texts, self._vectors = embedded_texts(indexmod.load(seed_index))
        self._by_text: dict[str, np.ndarray] = {}
        if real_index is not None:
            real_texts, real_vectors = embedded_texts(indexmod.load(real_index))
            self._by_text = dict(zip(real_texts, real_vectors))
        self._by_shape: dict[str, np.ndarray] = {}
        for place in [None, *corpus.PLACES]:
            for text, vector in zip(texts, self._vectors):
                named = text if place is None else corpus._rename_places(text, *place[:4])
                self._by_shape.setdefault(shape(named), vector)
        self.real = get_embedder()
        self.id, self.dim = f"seed-vectors+{self.real.id}", self.real.dim
        self.matched = self.missed = self.real = 0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        vectors = []
        for text in texts:
            vector = self._by_text.get(text)
            if vector is not None:
                self.real += 1
            else:
                vector = self._by_shape.get(shape(text))
            if vector is None:
                self.missed += 1
                vector = self._vectors[int(hashlib.sha256(text.encode()).hexdigest(), 16) % len(self._vectors)]
            else:
                self.matched += 1
            vectors.append(vector)
        return np.stack(vectors) if vectors else np.zeros((0, self.dim), np.float32)


# ---- the processes ----------------------------------------------------------------------------------------------
def build(corpus_dir: str, index: str, seed_index: str, real_index: str | None = None) -> dict:
    from assistant import index as indexmod

    embedder = SeedVectorEmbedder(seed_index, real_index)
    started = time.perf_counter()
    stats = indexmod.build(corpus_dir, index, embedder)
    return {"build_s": time.perf_counter() - started, "stats": stats, "peak_rss_mb": peak_rss_mb(),
            "vectors_matched": embedder.matched, "vectors_missed": embedder.missed, "vectors_real": embedder.real}


def sync(index: str, store: str) -> dict:
    from assistant import index as indexmod

    started = time.perf_counter()
    loaded = indexmod.load(index, store=store)
    return {"sync_s": time.perf_counter() - started, "sync": getattr(loaded.store, "sync_stats", None),  # local: none
            "peak_rss_mb": peak_rss_mb()}


def _load_bot(corpus_dir: str, index: str, store: str):
    """The engine on the index as built (never rebuilt), questions embedded by the real model."""
    from assistant import Assistant
    from assistant import index as indexmod
    from assistant.embed import get_embedder

    return Assistant(indexmod.load(index, store=store), get_embedder(), Path(corpus_dir), Path(index))


def query(corpus_dir: str, index: str, store: str, questions: str) -> dict:
    """Load, warm up with one question, then ask every question once (each new to this process)."""
    from assistant.evaluate import contains_figure, load_items

    started = time.perf_counter()
    bot = _load_bot(corpus_dir, index, store)
    load_s, rss_loaded = time.perf_counter() - started, rss_mb()
    bot.ask(WARM_QUESTION)
    rows = []
    for item in load_items(questions):
        t0, calls = time.perf_counter(), bot.index.store.calls
        answer = bot.ask(item["question"], item.get("history", []))
        expected = list(item.get("figures", [])) + list(item.get("keywords", []))
        correct = (all(contains_figure(answer.answer, f) for f in expected) if item.get("type") != "unanswerable"
                   else answer.status != "answered")
        rows.append({"id": item.get("id", ""), "ms": (time.perf_counter() - t0) * 1e3, "correct": correct,
                     "answer": answer.answer, "cited": [c.id for c in answer.citations],
                     "cited_reports": sorted({c.report for c in answer.citations}), "report": item.get("report"),
                     "round_trips": bot.index.store.calls - calls})
    return {"load_s": load_s, "rss_loaded_mb": rss_loaded, "rss_end_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(),
            "reports": len(bot.documents), "paragraphs": len(bot.index.chunks), "units": len(bot.index.units),
            "rows": rows}


def varied(questions: list[str], n: int) -> str:
    """The n-th question of an endless stream: the questions again and again, each time with other opening and closing
    words (as benchmarks/webapp.py asks them), so that the query-embedding cache does not answer them."""
    q, form = questions[n % len(questions)], n // len(questions)
    opening, closing = OPENINGS[form % len(OPENINGS)], CLOSINGS[(form // len(OPENINGS)) % len(CLOSINGS)]
    return f"{opening}{q.rstrip('?？')}{closing}" if closing else f"{opening}{q}"


def replica(corpus_dir: str, index: str, store: str, questions: str, first: int, step: int, duration: float) -> dict:
    """Load, warm up, say READY, wait for GO on stdin, then answer questions first, first+step, … for `duration` s."""
    from assistant.evaluate import load_items

    bot = _load_bot(corpus_dir, index, store)
    asked = [item["question"] for item in load_items(questions) if not item.get("history")]
    bot.ask(WARM_QUESTION)
    print("READY", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    latencies, n = [], first
    while time.perf_counter() - started < duration:
        t0 = time.perf_counter()
        bot.ask(varied(asked, n))
        latencies.append((time.perf_counter() - t0) * 1e3)
        n += step
    return {"seconds": time.perf_counter() - started, "latencies_ms": latencies, "peak_rss_mb": peak_rss_mb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument("what", choices=("build", "sync", "query", "replica"))
    parser.add_argument("--corpus")
    parser.add_argument("--index", required=True)
    parser.add_argument("--seed-index")
    parser.add_argument("--real-index", help="build: an index of the real reports in the corpus (their real vectors)")
    parser.add_argument("--store", default="local")
    parser.add_argument("--questions")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--step", type=int, default=1)
    parser.add_argument("--duration", type=float, default=60.0)
    args = parser.parse_args(argv)
    if args.what == "build":
        result = build(args.corpus, args.index, args.seed_index, args.real_index)
    elif args.what == "sync":
        result = sync(args.index, args.store)
    elif args.what == "query":
        result = query(args.corpus, args.index, args.store, args.questions)
    else:
        result = replica(args.corpus, args.index, args.store, args.questions, args.first, args.step, args.duration)
    print(json.dumps(result, ensure_ascii=False))
    return 0


# ---- the section of benchmarks/run.py ---------------------------------------------------------------------------
def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _argv(what: str, **options) -> list[str]:
    return [sys.executable, "-m", "benchmarks.scale", what,
            *[x for k, v in options.items() if v is not None for x in (f"--{k.replace('_', '-')}", str(v))]]


def _probe(what: str, **options) -> dict:
    done = subprocess.run(_argv(what, **options), cwd=ROOT, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmarks.scale {what} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _latency(rows: list[dict]) -> dict:
    from assistant.evaluate import percentile

    ms, trips = [r["ms"] for r in rows], [r.get("round_trips", 0) for r in rows]
    return {"p50": percentile(ms, 0.5), "p95": percentile(ms, 0.95), "max": max(ms, default=0.0), "n": len(ms),
            "correct": sum(r["correct"] for r in rows), "round_trips_p50": percentile(trips, 0.5),
            "round_trips_max": max(trips, default=0)}


def _replicas(count: int, corpus_dir: Path, index: Path, uri: str, questions: Path, duration: float,
              server_pid: int) -> dict:
    """`count` replica processes against the server: started, loaded and warm, then let go at once."""
    children = [subprocess.Popen(_argv("replica", corpus=corpus_dir, index=index, store=f"milvus:{uri}",
                                       questions=questions, first=i, step=count, duration=duration),
                                 cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True) for i in range(count)]
    try:
        for child in children:
            if child.stdout.readline().strip() != "READY":
                raise RuntimeError(f"a replica ended before it was ready ({child.wait()})")
        server_cpu, started = cpu_seconds(server_pid), time.perf_counter()
        for child in children:
            child.stdin.write("GO\n")
            child.stdin.flush()
        results = [json.loads(child.stdout.read().strip().splitlines()[-1]) for child in children]
        for child in children:
            child.wait(timeout=60)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    seconds = time.perf_counter() - started
    latencies = [ms for r in results for ms in r["latencies_ms"]]
    from assistant.evaluate import percentile

    return {"replicas": count, "answered": len(latencies), "seconds": seconds, "per_s": len(latencies) / seconds,
            "p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95),
            "server_cpu_s": cpu_seconds(server_pid) - server_cpu, "replica_peak_rss_mb": [r["peak_rss_mb"] for r in results],
            "server_rss_mb": rss_mb(server_pid)}


def run_scale(sizes: list[int], seed_report: Path, seed_index: Path, questions: Path, duration: float, log,
              milvus_up_to: int = 1_000, real_reports: tuple[Path, ...] = (), real_index: Path | None = None,
              named_questions: Path | None = None, replicas: tuple[int, ...] = REPLICAS,
              work_dir: Path | None = None) -> dict:
    """Every size in turn: corpus (n generated reports, plus `real_reports` as they are), local build, queries on the
    local store (and `named_questions`, each naming the real report it is about); up to `milvus_up_to` reports also
    the Milvus sync, queries on Milvus Lite in the process and on a server, and replicas against the server.
    Corpora and indexes go under `work_dir` (default benchmarks/corpora and benchmarks/out)."""
    from assistant.milvus_store import start_lite_server

    corpora, out = (CORPORA, OUT) if work_dir is None else (work_dir / "corpora", work_dir)
    points = []
    for n in sorted(sizes):
        folder, index, db = corpora / str(n), out / f"scale-index-{n}", out / f"scale-milvus-{n}.db"
        corpus.write_corpus(seed_report, n, folder, extra=tuple(real_reports))
        shutil.rmtree(index, ignore_errors=True)
        shutil.rmtree(db, ignore_errors=True)
        log(f"scale: {n} + {len(real_reports)} reports, building the index (vectors from report 0"
            + (f" and {real_index})" if real_index else ")"))
        built = _probe("build", corpus=folder, index=index, seed_index=seed_index, real_index=real_index)
        log(f"scale: {n} reports, {built['stats']['chunks']} paragraphs in {built['build_s']:.0f} s")
        # The first load writes the local store's cache (BM25 matrices, the vector index) into the index folder;
        # every later start, the one measured, reads it.
        cached = _probe("sync", index=index, store="local")
        point = {"reports": n, "real_reports": len(real_reports), "paragraphs": built["stats"]["chunks"],
                 "build": built, "first_load": cached, "stores": {}}
        log(f"scale: first load (writes the cache) {cached['sync_s']:.0f} s; queries, local store")
        point["stores"]["local"] = _probe("query", corpus=folder, index=index, store="local", questions=questions)
        if named_questions is not None:
            log("scale: questions that name a real report, local store")
            named = _probe("query", corpus=folder, index=index, store="local", questions=named_questions)
            point["named"] = {**_latency(named["rows"]), "load_s": named["load_s"], "rows": named["rows"],
                              "only_named_report": sum(r["cited_reports"] == [r["report"]] for r in named["rows"]),
                              "other_report": sum(any(c != r["report"] for c in r["cited_reports"])
                                                  for r in named["rows"])}
        point["index_mb"] = tree_bytes(index) / 2**20
        if n > milvus_up_to:
            _finish_point(point, n, log)
            points.append(point)
            continue
        log("scale: Milvus Lite sync")
        synced = _probe("sync", index=index, store=f"milvus:{db}")
        point.update({"sync": synced, "milvus_mb": tree_bytes(db) / 2**20})
        log(f"scale: synced in {synced['sync_s']:.0f} s; queries, Milvus Lite file (in-process)")
        point["stores"]["milvus file"] = _probe("query", corpus=folder, index=index, store=f"milvus:{db}",
                                                questions=questions)
        port = free_port()
        started = time.perf_counter()
        server = start_lite_server(db, port, out / f"scale-server-{n}.log")
        try:
            uri = f"http://127.0.0.1:{port}"
            point["server_start_s"] = time.perf_counter() - started
            log("scale: queries, milvus-lite server")
            served = _probe("query", corpus=folder, index=index, store=f"milvus:{uri}", questions=questions)
            served["server_rss_mb"], served["server_peak_rss_mb"] = rss_mb(server.pid), rss_mb(server.pid, "VmHWM")
            point["stores"]["milvus server"] = served
            point["replicas"] = []
            for count in replicas:
                needed = count * served["peak_rss_mb"]
                if needed > MEMORY_SHARE * available_mb():
                    point["replicas"].append({"replicas": count, "skipped": f"needs ~{needed:.0f} MB, "
                                              f"{available_mb():.0f} MB available"})
                    log(f"scale: {count} replicas skipped ({point['replicas'][-1]['skipped']})")
                    continue
                log(f"scale: {count} replica(s) for {duration:.0f} s")
                point["replicas"].append(_replicas(count, folder, index, uri, questions, duration, server.pid))
            point["server_peak_rss_mb"] = rss_mb(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=60)
        _finish_point(point, n, log)
        points.append(point)
    return {"points": points, "duration_s": duration}


def _finish_point(point: dict, n: int, log) -> None:
    local_rows = point["stores"]["local"]["rows"]
    for name, measured in point["stores"].items():
        rows = measured.pop("rows")
        measured["latency"] = _latency(rows)
        measured["same_as_local"] = sum((a["answer"], a["cited"]) == (b["answer"], b["cited"])
                                        for a, b in zip(rows, local_rows))
        log(f"scale: {n} reports, {name}: p50 {measured['latency']['p50']:.0f} ms, "
            f"p95 {measured['latency']['p95']:.0f} ms, load {measured['load_s']:.1f} s")
    if "named" in point:
        named = point["named"]
        log(f"scale: {n} reports, questions naming a real report: {named['only_named_report']}/{named['n']} cite only "
            f"it, {named['other_report']} another, p50 {named['p50']:.0f} ms, p95 {named['p95']:.0f} ms")


def table(scale: dict) -> str:
    """The scale results as Markdown (printed by run.py, written to benchmarks/out/scale.md, pasted in the README)."""
    lines = [("| reports | paragraphs + units | store | build s | query p50 ms | query p95 ms | round trips p50/max | "
              "dev right (same as local) | load s | client RSS MB (peak) | server RSS MB (peak) | disk MB |"),
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for p in scale["points"]:
        rows = p["paragraphs"] + p["stores"]["local"]["units"]
        reports = f"{p['reports']:,}" + (f" + {p['real_reports']} real" if p.get("real_reports") else "")
        for name, s in p["stores"].items():
            build_s = p["build"]["build_s"] + (p["sync"]["sync_s"] if name != "local" else 0.0)
            built = (f"{build_s:.0f} (peak RSS {p['build']['peak_rss_mb']:.0f} MB)" if name == "local"
                     else f"{build_s:.0f} ({p['sync']['sync_s']:.0f} sync)")
            disk = p["index_mb"] + (p["milvus_mb"] if name != "local" else 0.0)
            server = (f"{s['server_rss_mb']:.0f} ({s['server_peak_rss_mb']:.0f})" if "server_rss_mb" in s else "—")
            lat = s["latency"]
            trips = (f"{lat['round_trips_p50']:.0f}/{lat['round_trips_max']}"
                     if "round_trips_max" in lat and name != "local" else "—")  # the local store makes none
            lines.append(f"| {reports} | {rows:,} | {name} | {built} | {lat['p50']:.0f} | {lat['p95']:.0f} | "
                         f"{trips} | {lat['correct']}/{lat['n']} ({s['same_as_local']}) | {s['load_s']:.1f} | {s['rss_loaded_mb']:.0f} "
                         f"({s['peak_rss_mb']:.0f}) | {server} | {disk:.0f} |")
    lines += ["", (f"Replicas against one `milvus-lite server` ({scale['duration_s']:.0f} s a level, each replica a "
              "process answering question after question through Assistant.ask):"), "",
              "| reports | replicas | answers/s | p50 ms | p95 ms | server CPU s | server RSS MB |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for p in scale["points"]:
        for r in p.get("replicas", []):
            if "skipped" in r:
                lines.append(f"| {p['reports']:,} | {r['replicas']} | skipped: {r['skipped']} | | | | |")
            else:
                lines.append(f"| {p['reports']:,} | {r['replicas']} | {r['per_s']:.2f} | {r['p50_ms']:.0f} | "
                             f"{r['p95_ms']:.0f} | {r['server_cpu_s']:.0f} | {r['server_rss_mb']:.0f} |")
    named = [p for p in scale["points"] if "named" in p]
    if named:
        lines += ["", "Questions that name one of the real reports (local store, a fresh process, each question new to it):",
                  "", ("| reports | questions | cited only the named report | cited another report | figures right | "
                       "p50 ms | p95 ms | max ms |"), "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {p['reports']:,} | {p['named']['n']} | {p['named']['only_named_report']} | "
                  f"{p['named']['other_report']} | {p['named']['correct']} | "
                  f"{p['named']['p50']:.0f} | {p['named']['p95']:.0f} | {p['named']['max']:.0f} |" for p in named]
    lines += ["", "Issue 17's bars for the local store:", "", "| bar | measured | verdict |", "| --- | --- | --- |"]
    for reports, what, limit, unit in BARS:
        value = bar_value(scale, reports, what)
        lines.append(f"| {what} ≤ {limit:,} {unit} at {reports:,} reports | "
                     + ("not measured | |" if value is None else
                        f"{value:,.1f} {unit} | {'PASS' if value <= limit else 'FAIL'} |"))
    missed = sum(p["build"]["vectors_missed"] for p in scale["points"])
    matched = sum(p["build"]["vectors_matched"] for p in scale["points"])
    real = sum(p["build"].get("vectors_real", 0) for p in scale["points"])
    real_vectors = (", and every text of a real report its own vector from an index of the real reports built with "
                    "the real model") if real else ""
    lines += ["", (f"Vectors: every text of report i has the vector of its counterpart in report 0{real_vectors} "
                   f"({matched:,} texts matched, {real:,} of them real; {missed:,} without either given another "
                   "report-0 vector; benchmarks/scale.py SeedVectorEmbedder); questions are embedded by the real "
                   "model. The table measures the system's "
                   "scale, not retrieval quality. Build: index files, plus the sync into a new Milvus Lite file for "
                   "the Milvus rows. Disk: index folder, plus the Milvus data. Milvus file: Milvus Lite in the "
                   "engine's process; server: `milvus-lite server` on 127.0.0.1, its RSS measured after the queries.")]
    return "\n".join(lines)


def bar_value(scale: dict, reports: int, what: str) -> float | None:
    """The local store's measured value for one of BARS, or None when that size was not measured."""
    point = next((p for p in scale["points"] if p["reports"] == reports), None)
    if point is None:
        return None
    local = point["stores"]["local"]
    return {"query p95": local["latency"]["p95"], "load": local["load_s"],
            "build peak RSS": point["build"]["peak_rss_mb"]}[what]


def plot(scale: dict) -> Path | None:
    points = scale.get("points") or []
    if not points:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [p["reports"] for p in points]
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    for i, (name, marker) in enumerate(zip(STORES, "osd")):
        present = [p for p in points if name in p["stores"]]
        xs, color = [p["reports"] for p in present], f"C{i}"
        axes[0][0].plot(xs, [p["stores"][name]["latency"]["p50"] for p in present], marker + "-", color=color,
                        label=f"{name} p50")
        axes[0][0].plot(xs, [p["stores"][name]["latency"]["p95"] for p in present], marker + ":", color=color,
                        label=f"{name} p95")
        rss = [p["stores"][name]["peak_rss_mb"] + p["stores"][name].get("server_peak_rss_mb", 0.0) for p in present]
        axes[1][0].plot(xs, rss, marker + "-", color=color, label=f"{name} (client + server)")
    named = [p for p in points if "named" in p]
    if named:
        axes[0][0].plot([p["reports"] for p in named], [p["named"]["p95"] for p in named], "^:", color="C3",
                        label="local p95, questions naming a real report")
    axes[0][0].set(title="Query latency (dev questions, new to the process)", ylabel="ms", yscale="log")
    axes[1][0].plot(x, [p["build"]["peak_rss_mb"] for p in points], "^--", color="C3", label="local build")
    axes[1][0].set(title="Peak RSS", ylabel="MB")
    ax = axes[0][1]
    ax.plot(x, [p["build"]["build_s"] for p in points], "o-", label="local: index files")
    synced = [p for p in points if "sync" in p]
    ax.plot([p["reports"] for p in synced], [p["build"]["build_s"] + p["sync"]["sync_s"] for p in synced], "s-",
            label="Milvus: files + sync")
    ax.set(title="Build from scratch", ylabel="s")
    ax = axes[1][1]
    for p, marker in zip(points, "osd^"):
        done = [r for r in p.get("replicas", []) if "per_s" in r]
        if not done:
            continue
        ax.plot([r["replicas"] for r in done], [r["per_s"] for r in done], marker + "-", label=f"{p['reports']:,} reports")
    ax.set(title="Replicas against one milvus-lite server", xlabel="replica processes", ylabel="answers / s",
           xticks=list(REPLICAS))
    for ax in (axes[0][0], axes[0][1], axes[1][0]):
        ax.set_xlabel("reports in the corpus")
        ax.set_xticks(x)
    for ax in axes.flat:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    real = points[0].get("real_reports", 0)
    fig.suptitle("Scale: generated corpora" + (f" plus {real} real reports" if real else "")
                 + " on the local store and on Milvus Lite (2 cores)")
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(PLOT, dpi=110)
    plt.close(fig)
    return PLOT


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
