"""One command for every benchmark: prints a table, writes benchmarks/out/results.json and docs/bench-growth.png.

    .venv/bin/python -m benchmarks.run                      # everything; growth at 1, 10 and 30 reports
    .venv/bin/python -m benchmarks.run --sizes 1,10,30,100  # growth up to 100 reports (~6,100 paragraphs)
    .venv/bin/python -m benchmarks.run --only single,build  # some sections; the others keep their last results

Sections: single (warm latency of the default report, per stage, peak RSS), startup (CLI to printed answer; app.py to
first HTTP 200 and first answered chat), build (from scratch, then one changed paragraph), web (1/4/16/32 concurrent
users of the app on 127.0.0.1), growth (corpora of N reports derived from the default one: build time, index size,
RSS, query latency), scale (only when asked: --only scale; corpora of 100 and 1,000 reports on the local store and on
Milvus Lite, see benchmarks/scale.py). Measurements that need a clean process run in one (benchmarks/probe.py).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from assistant.evaluate import load_items, percentile

from . import corpus, scale, webapp
from .probe import cpu_jiffies, cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
CORPORA = ROOT / "benchmarks" / "corpora"
PLOT = ROOT / "docs" / "bench-growth.png"
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev.jsonl"
CHECK_QUESTION = "2021年规上工业总产值是多少?"
SECTIONS = ("single", "startup", "build", "web", "growth", "scale")
ON_REQUEST = ("scale",)  # sections left out of a run without --only: hours at 1,000 reports
STAGES = ("understand", "bm25", "embed", "dense", "fusion", "retrieve", "answer", "total")
MACHINE_MEMORY_MB = 24 * 1024
QUIET_BUSY = 0.15  # a section starts when the machine is at most this busy (or after --wait-quiet seconds)
TARGETS = {  # name: (limit, unit) — a measured value passes when it is at most the limit
    "warm p50": (30, "ms"), "warm p95": (80, "ms"), "CLI cold answer": (3, "s"), "app ready": (8, "s"),
    "16 users p95": (1000, "ms"), "16 users errors": (0, ""), "32 users errors": (0, ""),
    "100 reports query p95": (100, "ms"), "100 reports RSS": (1536, "MB"),
    # a digit changed in one sentence: that paragraph's vector and that sentence's, nothing else
    "one-paragraph change re-embeds": (2, ""),
    "warm p50 / peer recipe p50": (1.2, "×"), "50 KB report build, one core": (60, "s"),
}
FIFTY_KB_REPORT = ROOT / "tests" / "data" / "reports" / "2022-national-government-work-report.txt"


class Context:
    def __init__(self, args):
        self.seeds = Path(args.seeds).resolve()
        self.questions = Path(args.questions).resolve()
        self.args = args
        self.index = ROOT / "index"
        self.notes: list[str] = []
        OUT.mkdir(parents=True, exist_ok=True)

    def python(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, *argv], check=False, cwd=ROOT, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:3])} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
        return done

    def probe(self, *argv: str) -> dict:
        return json.loads(self.python("-m", "benchmarks.probe", *argv).stdout.strip().splitlines()[-1])

    def quiet_probe(self, *argv: str) -> dict:
        """A query probe, repeated (in a fresh process, so with a cold query cache) while other processes used more
        than QUIET_BUSY of the machine during it; the quietest attempt is kept."""
        best = None
        for _ in range(1 + self.args.retries):
            result = self.probe(*argv)
            if best is None or result["others_busy"] < best["others_busy"]:
                best = result
            if best["others_busy"] <= QUIET_BUSY:
                break
            log(f"other processes took {result['others_busy']:.0%} of the CPU during the questions; measuring again")
            wait_for_quiet(self.args.wait_quiet)
        if best["others_busy"] > QUIET_BUSY:
            self.notes.append(f"latency measured while other processes used {best['others_busy']:.0%} of the CPU")
        return best

    def pooled_probe(self, *argv: str) -> dict:
        """--repeats query probes, each a fresh process (so every question misses the query cache), pooled: one
        pass of 40 questions puts p95 on the 38th value, which one hiccup can move by tens of milliseconds."""
        runs = [self.quiet_probe(*argv) for _ in range(self.args.repeats)]
        pooled = {**runs[0], "rows": [r for run in runs for r in run["rows"]],
                  "repeat_ms": [ms for run in runs for ms in run["repeat_ms"]],
                  "others_busy": max(run["others_busy"] for run in runs), "runs": len(runs)}
        for key in ("load_s", "rss_loaded_mb"):
            pooled[key] = statistics.median(run[key] for run in runs)
        pooled["peak_rss_mb"] = max(run["peak_rss_mb"] for run in runs)
        return pooled


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def summary(values: list[float]) -> dict:
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "max": max(values, default=0.0),
            "n": len(values)}


def machine_busy(interval_s: float = 1.0) -> float:
    """Share of the machine's CPU time spent busy over interval_s (other people's processes included)."""
    busy0, total0 = cpu_jiffies()
    time.sleep(interval_s)
    busy1, total1 = cpu_jiffies()
    return (busy1 - busy0) / max(total1 - total0, 1)


def wait_for_quiet(max_wait_s: float) -> float:
    """Wait (up to max_wait_s) until the machine is mostly idle; return how busy it was when we went on."""
    deadline = time.perf_counter() + max_wait_s
    busy = machine_busy()
    while busy > QUIET_BUSY and time.perf_counter() < deadline:
        log(f"machine {busy:.0%} busy with other processes; waiting for it to quiet down")
        time.sleep(4)
        busy = machine_busy()
    return busy


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


# ---- preparation -------------------------------------------------------------------------------------------------
def prepare_default_index(ctx: Context) -> None:
    """Use the committed index/ when it is fresh for seeds/; else a rebuilt copy (vectors reused), and say so."""
    check = ctx.python("-m", "assistant", "ask", "--no-build", "--seeds", str(ctx.seeds), "--index", str(ctx.index),
                       CHECK_QUESTION, check=False)
    if check.returncode == 0:
        return
    copy = OUT / "index-default"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(ctx.index, copy)
    stats = ctx.probe("build", "--seeds", str(ctx.seeds), "--index", str(copy))["stats"]
    ctx.index = copy
    ctx.notes.append(f"committed index/ is stale for seeds/ ({check.stderr.strip()[:160]}); measured on a rebuilt "
                     f"copy in {copy.relative_to(ROOT)} ({stats['embedded']} paragraphs re-embedded)")
    log(ctx.notes[-1])


# ---- 1. single user ------------------------------------------------------------------------------------------------
def latency_summary(probe: dict) -> dict:
    rows, runs = probe["rows"], probe.get("runs", 1)
    first_run = rows[: len(rows) // runs]  # answers are the same in every run: count them once
    return {
        "questions": len(first_run), "runs": runs,
        "wall_ms": summary([r["ms"] for r in rows]),
        "peer_ms": summary([r["peer_ms"] for r in rows if "peer_ms" in r]),
        "cpu_ms": summary([r["cpu_ms"] for r in rows]),
        "stages_ms": {s: summary([r["timings"].get(s, 0.0) for r in rows]) for s in STAGES},
        "repeat_ms": summary(probe["repeat_ms"]),
        "correct": sum(r["correct"] for r in first_run), "cites_seed": sum(r["cites_seed"] for r in first_run),
        "load_s": probe["load_s"], "rss_loaded_mb": probe["rss_loaded_mb"], "peak_rss_mb": probe["peak_rss_mb"],
        "chunks": probe["chunks"], "reports": probe["reports"], "others_busy": probe["others_busy"],
    }


def run_single(ctx: Context) -> dict:
    log("single user: dev questions against the default report")
    argv = ["query", "--seeds", str(ctx.seeds), "--index", str(ctx.index), "--questions", str(ctx.questions)]
    if ctx.args.profile:
        argv += ["--profile", str(OUT / "profile-default.txt")]
    return latency_summary(ctx.pooled_probe(*argv))


# ---- 2. start-up ---------------------------------------------------------------------------------------------------
def run_startup(ctx: Context) -> dict:
    log(f"start-up: CLI x{ctx.args.runs}")
    cli = []
    for _ in range(ctx.args.runs):
        wait_for_quiet(ctx.args.wait_quiet)
        t0 = time.perf_counter()
        ctx.python("-m", "assistant", "ask", "--no-build", "--seeds", str(ctx.seeds), "--index", str(ctx.index),
                   CHECK_QUESTION)
        cli.append(time.perf_counter() - t0)
    result = {"cli_s": cli}
    if not (ROOT / "app.py").exists():
        result["app"] = "skipped: app.py does not exist yet"
        log(result["app"])
        return result
    log(f"start-up: app.py x{ctx.args.runs}")
    ready, first_answer = [], []
    for _ in range(ctx.args.runs):
        wait_for_quiet(ctx.args.wait_quiet)
        with webapp.App(ROOT, webapp.app_env(ctx.seeds, ctx.index, OUT / "feedback.jsonl"), OUT / "app.log") as app:
            ready.append(app.wait_ready())
            caller = webapp.Caller(app.url)
            caller.ask(CHECK_QUESTION)
            first_answer.append(time.perf_counter() - app.started)
            caller.close()
    result.update({"app_http_200_s": ready, "app_first_answer_s": first_answer})
    return result


# ---- 3. build ------------------------------------------------------------------------------------------------------
def change_one_paragraph(seeds: Path) -> str:
    """Change one digit in the last sentence of the first body paragraph of several sentences; return the change."""
    path = min(seeds.glob("*.txt"))
    lines = path.read_text(encoding="utf-8").split("\n")
    for n, line in enumerate(lines):
        sentences = [s for s in line.split("。") if s.strip()]
        if len(sentences) >= 3 and any(ch.isdigit() for ch in sentences[-1]):
            last = max(i for i, ch in enumerate(line) if ch.isdigit())
            lines[n] = f"{line[:last]}{(int(line[last]) + 1) % 10}{line[last + 1:]}"
            path.write_text("\n".join(lines), encoding="utf-8")
            before, after = line[max(0, last - 12) : last + 2], lines[n][max(0, last - 12) : last + 2]
            return f"{path.name} line {n + 1}: …{before.strip()}… → …{after.strip()}…"
    raise RuntimeError("no paragraph to change")


def run_build(ctx: Context) -> dict:
    log("build: default report from scratch, then one changed paragraph")
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        seeds, index = Path(tmp) / "seeds", Path(tmp) / "index"
        shutil.copytree(ctx.seeds, seeds)
        t0 = time.perf_counter()
        scratch = ctx.probe("build", "--seeds", str(seeds), "--index", str(index))
        scratch["process_s"] = time.perf_counter() - t0
        change = change_one_paragraph(seeds)
        t0 = time.perf_counter()
        again = ctx.probe("build", "--seeds", str(seeds), "--index", str(index))
        again["process_s"] = time.perf_counter() - t0
        log(f"build: {FIFTY_KB_REPORT.name} ({FIFTY_KB_REPORT.stat().st_size // 1024} KB) on one core")
        fifty_seeds, fifty_index = Path(tmp) / "fifty", Path(tmp) / "fifty-index"
        fifty_seeds.mkdir()
        shutil.copy(FIFTY_KB_REPORT, fifty_seeds)
        fifty = ctx.probe("build", "--seeds", str(fifty_seeds), "--index", str(fifty_index), "--one-core")
        fifty["kb"] = FIFTY_KB_REPORT.stat().st_size / 1024
    return {"scratch": scratch, "one_paragraph": again, "change": change, "fifty_kb": fifty,
            "embed_s_per_paragraph": scratch["build_s"] / max(scratch["stats"]["embedded"], 1)}


# ---- 4. concurrent web users ---------------------------------------------------------------------------------------
def run_web(ctx: Context) -> dict:
    if not (ROOT / "app.py").exists():
        log("web: skipped, app.py does not exist yet")
        return {"skipped": "app.py does not exist yet"}
    questions = [item["question"] for item in load_items(ctx.questions) if not item.get("history")]
    counter = itertools.count()
    levels = []
    with webapp.App(ROOT, webapp.app_env(ctx.seeds, ctx.index, OUT / "feedback.jsonl"), OUT / "app.log") as app:
        app.wait_ready()
        warm = webapp.Caller(app.url)
        warm.ask(CHECK_QUESTION)
        endpoint = warm.endpoint
        warm.close()
        for users in ctx.args.users:
            wait_for_quiet(ctx.args.wait_quiet)
            log(f"web: {users} users for {ctx.args.duration} s")
            server_cpu, own_cpu, machine = cpu_seconds(app.process.pid), time.process_time(), cpu_jiffies()
            result = webapp.load_test(app.url, questions, users, ctx.args.duration, counter, endpoint)
            server_cpu, own_cpu = cpu_seconds(app.process.pid) - server_cpu, time.process_time() - own_cpu
            machine_busy_s = (cpu_jiffies()[0] - machine[0]) / os.sysconf("SC_CLK_TCK")
            levels.append({
                "users": users, "requests": result.requests, "seconds": result.seconds,
                "throughput_rps": result.requests / result.seconds if result.seconds else 0.0,
                "latency_ms": summary(result.latencies_ms), "errors": len(result.errors),
                "error_examples": sorted(set(result.errors))[:3], "unique_questions": result.unique_questions,
                "server_cpu_s": server_cpu, "client_cpu_s": own_cpu,
                "others_cpu_s": max(0.0, machine_busy_s - server_cpu - own_cpu),
            })
            time.sleep(1)
    return {"endpoint": endpoint, "duration_s": ctx.args.duration, "levels": levels}


# ---- 5. growth -----------------------------------------------------------------------------------------------------
def run_growth(ctx: Context, embed_rate: float | None) -> dict:
    seed = min(ctx.seeds.glob("*.txt"))
    points, previous_index = [], None
    for n in sorted(ctx.args.sizes):
        folder, index = CORPORA / str(n), OUT / f"index-{n}"
        corpus.write_corpus(seed, n, folder)
        if not (index / "manifest.json").exists() and previous_index is not None:
            # Reports 0..m-1 of the corpus of m are the first reports of this one: their vectors carry over.
            shutil.rmtree(index, ignore_errors=True)
            shutil.copytree(previous_index, index)
        log(f"growth: {n} reports, build")
        built = ctx.probe("build", "--seeds", str(folder), "--index", str(index))
        log(f"growth: {n} reports, {built['stats']['chunks']} paragraphs, {built['stats']['embedded']} embedded in "
            f"{built['build_s']:.1f} s; queries")
        argv = ["query", "--seeds", str(folder), "--index", str(index), "--questions", str(ctx.questions)]
        if ctx.args.profile and n == max(ctx.args.sizes):
            argv += ["--profile", str(OUT / f"profile-growth-{n}.txt")]
        measured = latency_summary(ctx.pooled_probe(*argv))
        stats = built["stats"]
        if stats["embedded"] >= stats["chunks"] * 0.9 or not embed_rate:
            cold, estimated = built["build_s"], stats["embedded"] < stats["chunks"]
        else:  # vectors were reused: add what embedding the reused ones would have cost
            cold, estimated = built["build_s"] + stats["reused"] * embed_rate, True
        points.append({"reports": n, "paragraphs": stats["chunks"], "build_s": built["build_s"],
                       "embedded": stats["embedded"], "reused": stats["reused"], "cold_build_s": cold,
                       "cold_build_estimated": estimated, "build_peak_rss_mb": built["peak_rss_mb"],
                       "index_mb": dir_bytes(index) / 2**20, **measured})
        previous_index = index
    return {"points": points, "embed_s_per_paragraph": embed_rate, "fits": growth_fits(points)}


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares intercept and slope (slope 0 from a single point)."""
    if len(xs) < 2:
        return (ys[0] if ys else 0.0), 0.0
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sum((x - mx) ** 2 for x in xs) or 1.0)
    return my - slope * mx, slope


def growth_fits(points: list[dict]) -> dict:
    """Per-paragraph slopes of each figure, and where each would cross the machine's memory or the latency target."""
    xs = [p["paragraphs"] for p in points]
    fits = {}
    for name, ys in (("rss_loaded_mb", [p["rss_loaded_mb"] for p in points]),
                     ("peak_rss_mb", [p["peak_rss_mb"] for p in points]),
                     ("build_peak_rss_mb", [p["build_peak_rss_mb"] for p in points]),
                     ("index_mb", [p["index_mb"] for p in points]),
                     ("cold_build_s", [p["cold_build_s"] for p in points]),
                     ("query_p50_ms", [p["wall_ms"]["p50"] for p in points]),
                     ("query_p95_ms", [p["wall_ms"]["p95"] for p in points])):
        intercept, slope = linear_fit(xs, ys)
        fits[name] = {"intercept": intercept, "per_paragraph": slope}
    per_report = statistics.fmean(p["paragraphs"] / p["reports"] for p in points) if points else 61

    def paragraphs_at(name: str, limit: float) -> float | None:
        f = fits[name]
        return (limit - f["intercept"]) / f["per_paragraph"] if f["per_paragraph"] > 0 else None

    limits = {"memory_24gb": paragraphs_at("peak_rss_mb", MACHINE_MEMORY_MB),
              "build_memory_24gb": paragraphs_at("build_peak_rss_mb", MACHINE_MEMORY_MB),
              "query_p95_100ms": paragraphs_at("query_p95_ms", TARGETS["100 reports query p95"][0]),
              "rss_1_5gb": paragraphs_at("peak_rss_mb", TARGETS["100 reports RSS"][0])}
    fits["limits_paragraphs"] = limits
    fits["limits_reports"] = {k: (v / per_report if v else None) for k, v in limits.items()}
    fits["paragraphs_per_report"] = per_report
    return fits


# ---- the report ----------------------------------------------------------------------------------------------------
def measured(results: dict, section: str) -> dict | None:
    """A section's results, or None when it was not run or failed."""
    value = results.get(section)
    return value if isinstance(value, dict) and "error" not in value else None


def verdicts(results: dict) -> list[tuple[str, float | None, str, str]]:
    """(target, measured value, shown value, PASS/MISS/—) for every target."""
    out = []

    def judge(name: str, value: float | None, shown: str | None = None) -> None:
        limit, unit = TARGETS[name]
        if value is None:
            out.append((name, None, shown or "not measured", "—"))
            return
        ok = value == limit if name == "one-paragraph change re-embeds" else value <= limit
        text = f"{value:.0f}" if not unit else f"{value:.1f} {unit}"
        out.append((name, value, shown or text, "PASS" if ok else "MISS"))

    single = measured(results, "single")
    judge("warm p50", single and single["wall_ms"]["p50"])
    peer_p50 = single and single.get("peer_ms", {}).get("p50")
    judge("warm p50 / peer recipe p50", peer_p50 and single["wall_ms"]["p50"] / peer_p50,
          peer_p50 and f"{single['wall_ms']['p50'] / peer_p50:.2f}× ({single['wall_ms']['p50']:.1f} / {peer_p50:.1f} ms)")
    judge("warm p95", single and single["wall_ms"]["p95"])
    startup = measured(results, "startup") or {}
    judge("CLI cold answer", startup.get("cli_s") and statistics.median(startup["cli_s"]))
    judge("app ready", startup.get("app_first_answer_s") and statistics.median(startup["app_first_answer_s"]))
    levels = {lv["users"]: lv for lv in (measured(results, "web") or {}).get("levels", [])}
    judge("16 users p95", 16 in levels and levels[16]["latency_ms"]["p95"] or None)
    judge("16 users errors", levels[16]["errors"] if 16 in levels else None, None)
    judge("32 users errors", levels[32]["errors"] if 32 in levels else None, None)
    points = {p["reports"]: p for p in (measured(results, "growth") or {}).get("points", [])}
    judge("100 reports query p95", points[100]["wall_ms"]["p95"] if 100 in points else None)
    judge("100 reports RSS", points[100]["peak_rss_mb"] if 100 in points else None)
    build = measured(results, "build")
    judge("one-paragraph change re-embeds", build and build["one_paragraph"]["stats"]["embedded"])
    judge("50 KB report build, one core", build and "fifty_kb" in build and build["fifty_kb"]["build_s"] or None)
    return out


def tables(results: dict) -> str:
    """The results as Markdown tables (printed, and pasted into the README)."""
    lines = ["| target | measured | verdict |", "| --- | --- | --- |"]
    code = results.get("code")
    if code:
        lines = [(f"Commit {code['commit']}{' with uncommitted engine/app changes' if code['uncommitted'] else ''}, "
                 f"{results['machine']['cores']} cores, Python {results['machine']['python']}."), "", *lines]
    for name, _, shown, verdict in verdicts(results):
        limit, unit = TARGETS[name]
        bound = f"= {limit}" if name == "one-paragraph change re-embeds" else f"≤ {limit} {unit}".strip()
        lines.append(f"| {name} {bound} | {shown} | {verdict} |")
    single = measured(results, "single")
    if single:
        lines += ["", (f"Single user, default report ({single['chunks']} paragraphs), {single['questions']} dev questions x "
                  f"{single.get('runs', 1)} fresh warm processes, each question new to the query cache; peak RSS {single['peak_rss_mb']:.0f} MB, "
                  f"load {single['load_s']:.2f} s, dev figures right {single['correct']}/{single['questions']}:"), "",
                  "| stage | p50 ms | p95 ms | max ms |", "| --- | --- | --- | --- |"]
        for stage, s in single["stages_ms"].items():
            lines.append(f"| {stage} | {s['p50']:.1f} | {s['p95']:.1f} | {s['max']:.1f} |")
        w, r = single["wall_ms"], single["repeat_ms"]
        lines.append(f"| wall (ask call) | {w['p50']:.1f} | {w['p95']:.1f} | {w['max']:.1f} |")
        if single.get("peer_ms", {}).get("n"):
            pr = single["peer_ms"]
            lines.append(f"| peer recipe, same questions, same process | {pr['p50']:.1f} | {pr['p95']:.1f} | {pr['max']:.1f} |")
        if "cpu_ms" in single:
            c = single["cpu_ms"]
            lines.append(f"| CPU time of the ask call | {c['p50']:.1f} | {c['p95']:.1f} | {c['max']:.1f} |")
        lines.append(f"| wall, same questions again (query cache) | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} |")
    startup = measured(results, "startup")
    if startup:
        fmt = lambda xs: " / ".join(f"{x:.2f}" for x in xs)
        lines += ["", "| start-up (runs) | seconds |", "| --- | --- |",
                  f"| `python -m assistant ask` to printed answer | {fmt(startup['cli_s'])} |"]
        if "app_http_200_s" in startup:
            lines += [f"| `python app.py` to first HTTP 200 | {fmt(startup['app_http_200_s'])} |",
                      f"| `python app.py` to first answered chat (gradio_client) | {fmt(startup['app_first_answer_s'])} |"]
        else:
            lines.append(f"| `python app.py` | {startup.get('app')} |")
    build = measured(results, "build")
    if build:
        s, o = build["scratch"], build["one_paragraph"]
        lines += ["", "| build | paragraphs | texts embedded | reused | build s | whole process s |",
                  "| --- | --- | --- | --- | --- | --- |",
                  (f"| from scratch | {s['stats']['chunks']} | {s['stats']['embedded']} | {s['stats']['reused']} | "
                  f"{s['build_s']:.2f} | {s['process_s']:.2f} |"),
                  (f"| one paragraph changed | {o['stats']['chunks']} | {o['stats']['embedded']} | {o['stats']['reused']} | "
                  f"{o['build_s']:.2f} | {o['process_s']:.2f} |")]
        if "fifty_kb" in build:
            f = build["fifty_kb"]
            lines.append(f"| {f['kb']:.0f} KB report, one core | {f['stats']['chunks']} | {f['stats']['embedded']} | "
                         f"{f['stats']['reused']} | {f['build_s']:.2f} | — |")
    web = measured(results, "web")
    if web and web.get("levels"):
        lines += ["", (f"Concurrent users of the app over 127.0.0.1 ({web['endpoint']}, {web['duration_s']:.0f} s a level, "
                  "questions varied so the query cache does not answer them):"), "",
                  "| users | requests | req/s | p50 ms | p95 ms | max ms | errors | app CPU s | client CPU s | others' CPU s |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for lv in web["levels"]:
            lt = lv["latency_ms"]
            lines.append(f"| {lv['users']} | {lv['requests']} | {lv['throughput_rps']:.1f} | {lt['p50']:.0f} | "
                         f"{lt['p95']:.0f} | {lt['max']:.0f} | {lv['errors']} | {lv['server_cpu_s']:.1f} | "
                         f"{lv['client_cpu_s']:.1f} | {lv.get('others_cpu_s', 0.0):.1f} |")
    elif web:
        lines += ["", f"Concurrent users: {web.get('skipped')}"]
    growth = measured(results, "growth")
    if growth and growth.get("points"):
        lines += ["", ("| reports | paragraphs | build s (this run: embedded) | cold build s | index MB | RSS loaded MB | "
                  "peak RSS MB | query p50 ms | query p95 ms | CPU p50 ms | fusion p50 ms | dev right |"),
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for p in growth["points"]:
            cold = f"{'≈' if p['cold_build_estimated'] else ''}{p['cold_build_s']:.0f}"
            lines.append(f"| {p['reports']} | {p['paragraphs']} | {p['build_s']:.1f} ({p['embedded']}) | {cold} | "
                         f"{p['index_mb']:.1f} | {p['rss_loaded_mb']:.0f} | {p['peak_rss_mb']:.0f} | "
                         f"{p['wall_ms']['p50']:.1f} | {p['wall_ms']['p95']:.1f} | {p['cpu_ms']['p50']:.1f} | "
                         f"{p['stages_ms']['fusion']['p50']:.1f} | {p['correct']}/{p['questions']} |")
        lines += ["", *growth_sentences(growth)]
    scaled = measured(results, "scale")
    if scaled and scaled.get("points"):
        lines += ["", scale.table(scaled)]
    problems = [f"- {name}: failed: {results[name]['error']}" for name in SECTIONS
                if isinstance(results.get(name), dict) and "error" in results[name]]
    notes = results.get("notes") if isinstance(results.get("notes"), dict) else {}
    problems += [f"- {name}: {note}" for name in SECTIONS for note in notes.get(name, [])]
    if problems:
        lines += ["", "Notes:", *problems]
    return "\n".join(lines)


def growth_sentences(growth: dict) -> list[str]:
    fits, points = growth["fits"], growth["points"]
    if len(points) < 2:
        return ["(one corpus size only: no growth rates)"]
    per = fits["paragraphs_per_report"]
    f = {k: v["per_paragraph"] * per for k, v in fits.items() if isinstance(v, dict) and "per_paragraph" in v}
    lim = fits["limits_reports"]

    def at(key: str) -> str:
        return f"~{lim[key]:,.0f} reports" if lim.get(key) else "never on this trend"

    return [
        (f"Growth per added report (~{per:.0f} paragraphs), least squares over {len(points)} sizes: "
        f"peak RSS +{f['peak_rss_mb']:.1f} MB, RSS after load +{f['rss_loaded_mb']:.1f} MB, "
        f"index on disk +{f['index_mb']:.2f} MB, cold build +{f['cold_build_s']:.1f} s, "
        f"query p50 +{f['query_p50_ms']:.3f} ms and p95 +{f['query_p95_ms']:.3f} ms."),
        (f"Extrapolated: query p95 passes 100 ms at {at('query_p95_100ms')}; serving RSS passes 1.5 GB at "
        f"{at('rss_1_5gb')} and 24 GB at {at('memory_24gb')}; the build's peak RSS passes 24 GB at "
        f"{at('build_memory_24gb')}."),
    ]


def plot(results: dict) -> Path | None:
    points = (results.get("growth") or {}).get("points") or []
    if not points:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [p["reports"] for p in points]
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    ax = axes[0][0]
    ax.plot(x, [p["wall_ms"]["p50"] for p in points], "o-", label="p50")
    ax.plot(x, [p["wall_ms"]["p95"] for p in points], "s-", label="p95")
    ax.axhline(TARGETS["100 reports query p95"][0], color="grey", ls="--", lw=1, label="p95 target")
    ax.set(title="Query latency (warm, new questions)", ylabel="ms")
    ax = axes[0][1]
    ax.plot(x, [p["cold_build_s"] for p in points], "o-", label="from scratch (≈ where estimated)")
    ax.plot(x, [p["build_s"] for p in points], "s-", label="this run (unchanged vectors reused)")
    ax.set(title="Index build time", ylabel="s")
    ax = axes[1][0]
    ax.plot(x, [p["peak_rss_mb"] for p in points], "o-", label="serving: peak RSS")
    ax.plot(x, [p["rss_loaded_mb"] for p in points], "^-", label="serving: RSS after load")
    ax.plot(x, [p["build_peak_rss_mb"] for p in points], "s-", label="build: peak RSS")
    ax.axhline(TARGETS["100 reports RSS"][0], color="grey", ls="--", lw=1, label="1.5 GB target")
    ax.set(title="Memory", ylabel="MB")
    ax = axes[1][1]
    ax.plot(x, [p["index_mb"] for p in points], "o-", label="index/ on disk")
    ax.set(title="Index size", ylabel="MB")
    per_report = points[-1]["paragraphs"] / points[-1]["reports"]
    for ax in axes.flat:
        ax.set_xticks(x)
        ax.set_xlabel(f"reports in the corpus (~{per_report:.0f} paragraphs each)")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Growth: corpora of N reports derived from the default one (2 cores)")
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(PLOT, dpi=110)
    plt.close(fig)
    return PLOT


def code_version() -> dict:
    """The commit measured, and whether the engine or the app had uncommitted changes."""
    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], check=False, cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted": bool(git("status", "--porcelain", "--", "assistant", "app.py", "index"))}


def save(results: dict, path: Path) -> None:
    results["verdicts"] = [{"target": n, "value": v, "verdict": verdict} for n, v, _, verdict in verdicts(results)]
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    as_ints = lambda s: [int(x) for x in s.split(",") if x.strip()]
    parser.add_argument("--sizes", type=as_ints, default=[1, 10, 30], help="growth corpus sizes (default 1,10,30)")
    parser.add_argument("--users", type=as_ints, default=[1, 4, 16, 32], help="concurrent web users (default 1,4,16,32)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per user level (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="start-up runs of the CLI and of the app (default 3)")
    parser.add_argument("--only", default=",".join(s for s in SECTIONS if s not in ON_REQUEST),
                        help=f"comma-separated subset of {','.join(SECTIONS)} (default: all but {','.join(ON_REQUEST)})")
    parser.add_argument("--scale-sizes", type=as_ints, default=[100], help="scale corpus sizes (default 100)")
    parser.add_argument("--scale-milvus-up-to", type=int, default=1_000,
                        help="largest corpus also measured on Milvus Lite (default 1000; larger ones: local only)")
    parser.add_argument("--scale-duration", type=float, default=60.0,
                        help="seconds each replica level of the scale section answers questions (default 60)")
    parser.add_argument("--scale-replicas", type=as_ints, default=list(scale.REPLICAS),
                        help="replica processes against the Milvus server, one level after another (default 1,2,4)")
    parser.add_argument("--scale-real", help="a folder of real reports (*.txt) added as they are to every scale corpus")
    parser.add_argument("--scale-real-index",
                        help="an index of those real reports built with the real model: their texts get its vectors")
    parser.add_argument("--scale-named-questions",
                        help="JSONL questions, each naming the real report (`report`: its key) it is about; asked on "
                             "the local store at every scale size")
    parser.add_argument("--scale-dir", help="folder for the scale corpora and indexes (default benchmarks/corpora "
                                            "and benchmarks/out)")
    parser.add_argument("--seeds", default=str(ROOT / "seeds"), help="the default report's folder")
    parser.add_argument("--questions", default=str(DEFAULT_QUESTIONS), help="dev questions (JSONL)")
    parser.add_argument("--wait-quiet", type=float, default=60.0,
                        help="before each section, wait up to this many seconds for other processes to go idle")
    parser.add_argument("--repeats", type=int, default=3,
                        help="latency probes per corpus, each a fresh process, pooled (default 3)")
    parser.add_argument("--retries", type=int, default=2,
                        help="measure latency again (up to this many times) when other processes were busy")
    parser.add_argument("--profile", action="store_true", help="also write cProfile summaries to benchmarks/out/")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {','.join(SECTIONS)}")

    ctx = Context(args)
    results_path = OUT / "results.json"
    results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    results.setdefault("measured_at", {})
    results.setdefault("machine_busy_before", {})
    started = time.perf_counter()
    prepare_default_index(ctx)
    runners = {"single": run_single, "startup": run_startup, "build": run_build, "web": run_web}
    setup_notes = list(ctx.notes)
    if not isinstance(results.get("notes"), dict):
        results["notes"] = {}
    for section in SECTIONS:
        if section not in only:
            continue
        ctx.notes = list(setup_notes)
        busy = wait_for_quiet(args.wait_quiet)
        results["machine_busy_before"][section] = busy
        if busy > QUIET_BUSY:
            ctx.notes.append(f"the machine was {busy:.0%} busy with other processes when this section started")
        try:
            if section == "scale":
                optional_path = lambda value: Path(value).resolve() if value else None
                real = tuple(sorted(Path(args.scale_real).glob("*.txt"))) if args.scale_real else ()
                # Sizes not measured in this run keep their last numbers, so the sizes can be run one at a time.
                kept = [p for p in (results.get("scale") or {}).get("points", []) if p["reports"] not in args.scale_sizes]
                results["scale"] = scale.run_scale(args.scale_sizes, min(ctx.seeds.glob("*.txt")), ctx.index,
                                                   ctx.questions, args.scale_duration, log,
                                                   args.scale_milvus_up_to, real, optional_path(args.scale_real_index),
                                                   optional_path(args.scale_named_questions),
                                                   tuple(args.scale_replicas), optional_path(args.scale_dir))
                results["scale"]["points"] = sorted(kept + results["scale"]["points"], key=lambda p: p["reports"])
                scale.TABLE.write_text(scale.table(results["scale"]) + "\n", encoding="utf-8")
                log(f"scale: wrote {scale.TABLE.relative_to(ROOT)} and {scale.plot(results['scale']).relative_to(ROOT)}")
            elif section == "growth":
                rate = ((results.get("build") or {}).get("embed_s_per_paragraph")
                        or (results.get("growth") or {}).get("embed_s_per_paragraph"))
                results["growth"] = run_growth(ctx, rate)
            else:
                results[section] = runners[section](ctx)
        except Exception as exc:  # noqa: BLE001 - one failed section must not lose the others' numbers
            log(f"{section} failed: {exc}")
            results[section] = {"error": f"{type(exc).__name__}: {exc}"[:1000]}
        results["measured_at"][section] = datetime.now(UTC).isoformat(timespec="seconds")
        results["notes"][section] = ctx.notes
        save(results, results_path)
    results["machine"] = {"cores": os.cpu_count(), "python": sys.version.split()[0], "memory_mb": MACHINE_MEMORY_MB}
    results["code"] = code_version()
    save(results, results_path)
    text = tables(results)
    (OUT / "results.md").write_text(text + "\n", encoding="utf-8")
    picture = plot(results)
    print(text)
    print(f"\nwrote {results_path.relative_to(ROOT)}, {(OUT / 'results.md').relative_to(ROOT)}"
          + (f", {picture.relative_to(ROOT)}" if picture else "") + f" in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
