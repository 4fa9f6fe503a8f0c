"""Refit the answer stage's weights and thresholds (assistant/settings.py) on the question sets, one report left out
at a time.

    python -m benchmarks.tune            # print, for each value: its grid, the score on each report, the value each
                                         # fold picks without its report, and the left-out scores
    python -m benchmarks.tune --write    # ...and write the values fitted on every report to assistant/settings.json

Every question set in tests/data/tune and ../shared/eval counts, each on the report it is about (an index per
report, built once into benchmarks/out/tune-index-*); tests/data/heldout is never fitted on. The metric is `overall` of evaluate.py: an
answerable question answered with every gold figure and keyword, an unanswerable one not answered as if the report
said it. Each value is swept over its grid with the others at their committed values; the fitted value is the one
with the most right answers over the reports (ties: the committed value, else the smaller one), kept only when it
also wins with one report left out, by at least MIN_GAIN of the questions: for each report the value is fitted on the other reports and that report is
scored with it, and the sum of those left-out scores must beat the committed value's. At the end the left-out scores
of all values at once are printed.

Retrieval is not refitted here (its fusion weights decide which paragraphs the answer stage sees): the search results
of every question are computed once and reused for every grid point, which is what makes a sweep take minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

from assistant import Assistant
from assistant.evaluate import evaluate, load_items
from assistant.retrieve import Retriever
from assistant.settings import SETTINGS_FILE, Settings, default_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "benchmarks" / "out"

# The report each question set is about, by a part of its file name, and where that report's text is.
REPORTS = {
    "seed": ROOT / "seeds" / "xiamen-torch-hitech-zone-2021-summary-2022-plan.txt",
    "gov2021": SHARED / "corpora" / "2021-national-government-work-report.txt",
    "gov2022": ROOT / "tests" / "data" / "reports" / "2022-national-government-work-report.txt",
    "gov2023": ROOT / "tests" / "data" / "reports" / "2023-national-government-work-report.txt",
    "gov2024": ROOT / "tests" / "data" / "reports" / "2024-national-government-work-report.txt",
    "sichuan2026": SHARED / "corpora" / "provinces-2026" / "2026-四川省-government-work-report.txt",
    "henan2026": SHARED / "corpora" / "provinces-2026" / "2026-河南省-government-work-report.txt",
    "guangdong2026": SHARED / "corpora" / "provinces-2026" / "2026-广东省-government-work-report.txt",
    "gansu2026": SHARED / "corpora" / "provinces-2026" / "2026-甘肃省-government-work-report.txt",
    "hebei2026": SHARED / "corpora" / "provinces-2026" / "2026-河北省-government-work-report.txt",
    "chongqing2026": SHARED / "corpora" / "provinces-2026" / "2026-重庆市-government-work-report.txt",
    "ningxia2026": SHARED / "corpora" / "provinces-2026" / "2026-宁夏回族自治区-government-work-report.txt",
    "xizang2026": SHARED / "corpora" / "provinces-2026" / "2026-西藏自治区-government-work-report.txt",
    "qinghai2026": SHARED / "corpora" / "provinces-2026" / "2026-青海省-government-work-report.txt",
    "jiangsu2026": SHARED / "corpora" / "provinces-2026" / "2026-江苏省-government-work-report.txt",
    "yunnan2026": SHARED / "corpora" / "provinces-2026" / "2026-云南省-government-work-report.txt",
    "fujian2026": SHARED / "corpora" / "provinces-2026" / "2026-福建省-government-work-report.txt",
    "beijing2026": SHARED / "corpora" / "provinces-2026" / "2026-北京市-government-work-report.txt",
    "hainan2026": SHARED / "corpora" / "provinces-2026" / "2026-海南省-government-work-report.txt",
    "guizhou2026": SHARED / "corpora" / "provinces-2026" / "2026-贵州省-government-work-report.txt",
    "anhui2026": SHARED / "corpora" / "provinces-2026" / "2026-安徽省-government-work-report.txt",
    "guangxi2026": SHARED / "corpora" / "provinces-2026" / "2026-广西壮族自治区-government-work-report.txt",
    "jilin2026": SHARED / "corpora" / "provinces-2026" / "2026-吉林省-government-work-report.txt",
    "liaoning2026": SHARED / "corpora" / "provinces-2026" / "2026-辽宁省-government-work-report.txt",
    "shaanxi2026": SHARED / "corpora" / "provinces-2026" / "2026-陕西省-government-work-report.txt",
    "xinjiang2026": SHARED / "corpora" / "provinces-2026" / "2026-新疆维吾尔自治区-government-work-report.txt",
    "hunan2026": SHARED / "corpora" / "provinces-2026" / "2026-湖南省-government-work-report.txt",
    "hubei2026": SHARED / "corpora" / "provinces-2026" / "2026-湖北省-government-work-report.txt",
    "jiangxi2026": SHARED / "corpora" / "provinces-2026" / "2026-江西省-government-work-report.txt",
    "shandong2026": SHARED / "corpora" / "provinces-2026" / "2026-山东省-government-work-report.txt",
    "heilongjiang2026": SHARED / "corpora" / "provinces-2026" / "2026-黑龙江省-government-work-report.txt",
    "neimenggu2026": SHARED / "corpora" / "provinces-2026" / "2026-内蒙古自治区-government-work-report.txt",
    "shanxi2026": SHARED / "corpora" / "provinces-2026" / "2026-山西省-government-work-report.txt",
    "tianjin2026": SHARED / "corpora" / "provinces-2026" / "2026-天津市-government-work-report.txt",
}

MIN_GAIN = 0.005  # a value moves when it gains at least this share of the questions with one report left out

# The values swept, each over a grid that holds its committed value.
GRID = {
    "sentence_dense_weight": [0.1, 0.2, 0.3, 0.4, 0.6],
    "kind_bonus": [0.1, 0.2, 0.3, 0.4, 0.5],
    "year_weight": [0.3, 0.45, 0.6, 0.8, 1.0],
    "period_weight": [0.1, 0.25, 0.4],
    "rank_prior": [0.05, 0.12, 0.2],
    "min_coverage": [0.15, 0.2, 0.25, 0.3, 0.35],
    "paraphrase_dense": [0.86, 0.88, 0.9, 0.92],
    "missing_topic_share": [0.2, 0.3, 0.4, 0.5],
    "strong_coverage": [0.4, 0.5, 0.6],
    "strong_dense": [0.82, 0.85, 0.88],
    "min_dense_en": [0.7, 0.74, 0.78],
    "min_coverage_en": [0.0, 0.05, 0.1, 0.15, 0.2],
    "extra_sentence_gain": [0.1, 0.2, 0.3],
    "min_node_score": [0.0, 0.1, 0.2, 0.3],
    "count_bonus": [0.05, 0.15, 0.3],
    "node_dense_weight": [0.1, 0.22, 0.35],
}


def report_of(path: Path) -> str | None:
    name = path.name
    if name == "dev.jsonl":
        return "seed"
    return next((key for key in REPORTS if key in name), None)


def question_sets() -> dict[str, list[dict]]:
    files = sorted((ROOT / "tests" / "data" / "tune").glob("*.jsonl")) + sorted((SHARED / "eval").glob("*.jsonl"))
    by_report: dict[str, list[dict]] = {}
    for path in files:
        report = report_of(path)
        if report and REPORTS[report].exists():
            by_report.setdefault(report, []).extend(load_items(path))
    return by_report


def load_bot(report: str) -> Assistant:
    if report == "seed":
        return Assistant.load()
    seeds, where = OUT / f"tune-seeds-{report}", OUT / f"tune-index-{report}"
    seeds.mkdir(parents=True, exist_ok=True)
    if not (seeds / REPORTS[report].name).exists():
        shutil.copy(REPORTS[report], seeds)
    return Assistant.load(seeds, where)


def remember_searches() -> None:
    """Search results depend on the question and on retrieval's own settings, none of which a sweep changes: each
    question is searched once."""
    search = Retriever.search
    memo: dict = {}

    def cached(self, query, k=8, timings=None, vector=None, scope=None):
        key = (id(self), query.text, query.context, tuple(query.tokens), tuple(query.context_tokens), query.context_weight,
               tuple(query.years), tuple(query.relative_years), query.period, tuple(query.plans), k, scope,
               None if vector is None else vector.tobytes())
        if key not in memo:
            hits = search(self, query, k, timings, vector, scope)
            memo[key] = (hits, query.vector)
        hits, query.vector = memo[key]
        return list(hits)

    Retriever.search = cached


def score(bots: dict[str, Assistant], sets: dict[str, list[dict]], settings: Settings) -> dict[str, int]:
    """Right answers per report with these settings."""
    right = {}
    for report, bot in bots.items():
        bot.answerer.settings = settings
        summary = evaluate(bot, sets[report], warmup=False)
        right[report] = sum(row["ok"] for row in summary["rows"])
    return right


def pick(values: list[float], totals: list[int], current: float) -> float:
    best = max(totals)
    tied = [v for v, t in zip(values, totals) if t == best]
    return current if current in tied else min(tied)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tune", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the values fitted on every report to settings.json")
    parser.add_argument("--only", nargs="*", help="sweep these values only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sets = question_sets()
    remember_searches()
    bots = {report: load_bot(report) for report in sets}
    reports = list(bots)
    sizes = {r: len(sets[r]) for r in reports}
    committed = default_settings()
    base = score(bots, sets, committed)
    print(f"question sets: {', '.join(f'{r} {sizes[r]}' for r in reports)} ({sum(sizes.values())} questions)")
    print("metric: overall (right answers / questions); fitted on all reports, and on all but one (left-out column)")
    print(f"committed settings: {sum(base.values())}/{sum(sizes.values())} right; "
          + ", ".join(f"{r} {base[r] / sizes[r]:.3f}" for r in reports) + "\n")
    fitted: dict[str, float] = {}
    min_gain = math.ceil(MIN_GAIN * sum(sizes.values()))
    fold_values: dict[str, dict[str, float]] = {r: {} for r in reports}
    for name, values in GRID.items():
        if args.only and name not in args.only:
            continue
        current = getattr(committed, name)
        grid = sorted(set(values) | {current})
        table = [score(bots, sets, replace(committed, **{name: type(current)(v)})) for v in grid]
        best = pick(grid, [sum(t.values()) for t in table], current)
        for r in reports:
            fold_values[r][name] = pick(grid, [sum(t[o] for o in reports if o != r) for t in table], current)
        held_out = sum(table[grid.index(fold_values[r][name])][r] for r in reports)
        at_current = sum(table[grid.index(current)].values())
        # A value moves only when choosing it without each report scores better on that report than the committed
        # value does, by MIN_GAIN of the questions: a better fit on the reports it was fitted on is not evidence, and
        # a few answers either way is what rewording one question can change.
        fitted[name] = best if held_out >= at_current + min_gain else current
        print(f"{name}: committed {current}, best on all reports {best}, left-out right answers {held_out} against "
              f"{at_current} for the committed value → {fitted[name]}")
        print("  value  " + " ".join(f"{r[:11]:>11}" for r in reports) + "   total")
        for v, t in zip(grid, table):
            mark = "*" if v == fitted[name] else " "
            print(f" {mark}{v:<6} " + " ".join(f"{t[r] / sizes[r]:>11.3f}" for r in reports) + f"   {sum(t.values()):>5}")
        held = [f"{r} {fold_values[r][name]} → {table[grid.index(fold_values[r][name])][r] / sizes[r]:.3f}"
                for r in reports]
        print("  left out (value fitted on the others → its score): " + "; ".join(held) + "\n")
    if fitted:
        joint = committed.with_values(fitted)
        together = score(bots, sets, joint)
        print(f"all fitted values together: {sum(together.values())}/{sum(sizes.values())} right; "
              + ", ".join(f"{r} {together[r] / sizes[r]:.3f}" for r in reports))
        print("leaving one report out (all values fitted on the other reports, scored on it):")
        for r in reports:
            held = score({r: bots[r]}, sets, committed.with_values(fold_values[r]))[r]
            print(f"  {r:<12} {held / sizes[r]:.3f}   (committed settings {base[r] / sizes[r]:.3f}, {sizes[r]} questions)")
        if args.write:
            values = {**json.loads(SETTINGS_FILE.read_text(encoding="utf-8")).get("values", {})} if SETTINGS_FILE.exists() else {}
            values.update({k: v for k, v in fitted.items() if v != getattr(Settings(), k)})
            SETTINGS_FILE.write_text(json.dumps({
                "command": "python -m benchmarks.tune --write",
                "questions": {r: sizes[r] for r in reports},
                "values": dict(sorted(values.items())),
            }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print(f"wrote {SETTINGS_FILE.relative_to(ROOT)}")
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
