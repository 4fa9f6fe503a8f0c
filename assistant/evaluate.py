"""Metrics of an answerer over a JSONL question set (the format of ../shared/eval/dev.jsonl).

Each line: question, type, evidence (substrings of the source paragraph), figures/keywords (strings a correct answer
must contain), optional history; type "unanswerable" means the report does not say. Any object with
`ask(question, history) -> Answer` can be measured, so a competing recipe is scored by the same code.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from pathlib import Path

from .figures import unsupported_numbers
from .text import normalize

CONCISE_FACTOR = 3
CONCISE_MIN_CHARS = 160
K_VALUES = (1, 3, 5)


def load_items(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def contains_figure(answer: str, figure: str) -> bool:
    """Boundary-aware: 7家 is not in 17家, 8% is not in 96.8%."""
    a, f = normalize(answer), normalize(figure)
    prefix = r"(?<![\d.])" if f[:1].isdigit() else ""
    return re.search(prefix + re.escape(f), a) is not None


def evidence_found(evidence: list[str], citations: list[dict], k: int) -> bool:
    """All evidence strings occur in the first k cited paragraphs (heading path included, as the user sees it)."""
    shown = normalize(" ".join(f"{c['section']}\n{c['text']}" for c in citations[:k]))
    return all(normalize(e) in shown for e in evidence)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def evaluate(answerer, items: list[dict], warmup: bool = True, **ask_options) -> dict:
    """Run every item through answerer.ask (with ask_options, e.g. report=…) and compute the metrics. Returns a dict
    of numbers and per-item rows."""
    if warmup and items:
        answerer.ask(items[0]["question"], items[0].get("history", []), **ask_options)
    rows = []
    for item in items:
        started = time.perf_counter()
        result = answerer.ask(item["question"], item.get("history", []), **ask_options)
        elapsed = (time.perf_counter() - started) * 1e3
        answer = result.to_dict()
        expected = list(item.get("figures", [])) + list(item.get("keywords", []))
        answerable = item["type"] != "unanswerable"
        row = {
            "id": item.get("id", ""), "type": item["type"], "lang": item.get("lang", ""), "question": item["question"],
            "status": answer["status"], "answer": answer["answer"], "ms": elapsed,
            "answerable": answerable,
            "figures_ok": all(contains_figure(answer["answer"], f) for f in expected) if answerable else None,
            "missing": [f for f in expected if not contains_figure(answer["answer"], f)] if answerable else [],
            "concise": len(answer["answer"]) <= max(CONCISE_FACTOR * len(item.get("answer", "")), CONCISE_MIN_CHARS),
            "unsupported": unsupported_numbers(answer["answer"], [f"{c.get('report_name', '')}\n{c['section']}\n{c['text']}"
                                                                  for c in answer["citations"]] + [item["question"]]),
            "cited": [c["id"] for c in answer["citations"]],
            "cited_reports": [c.get("report", "") for c in answer["citations"]],
        }
        # Right: an answerable question answered (or partly) with every gold figure and keyword; an unanswerable one
        # not answered as if the report said it.
        row["ok"] = (row["figures_ok"] and answer["status"] != "not_found") if answerable else answer["status"] != "answered"
        # An item about one report of several (its `report`: the report's key, the file name without extension) is
        # right only when every citation comes from that report.
        row["wrong_report"] = sum(r != item["report"] for r in row["cited_reports"]) if item.get("report") else 0
        row["ok"] = row["ok"] and not row["wrong_report"]
        for k in K_VALUES:
            row[f"recall@{k}"] = evidence_found(item.get("evidence", []), answer["citations"], k) if answerable and item.get("evidence") else None
        rows.append(row)
    return summarise(rows)


def summarise(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    with_evidence = [r for r in answerable if r["recall@1"] is not None]
    english = [r for r in rows if r["lang"] == "en" or r["type"] == "english"]
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0
    summary = {
        "items": len(rows),
        "overall": mean([r["ok"] for r in rows]),
        "figures_in_answer": mean([r["figures_ok"] for r in answerable]),
        **{f"recall@{k}": mean([r[f"recall@{k}"] for r in with_evidence]) for k in K_VALUES},
        "concise": mean([r["concise"] for r in answerable]),
        "false_refusals": sum(r["status"] == "not_found" for r in answerable),
        "unanswerable_handled": sum(r["status"] in ("not_found", "partial") for r in unanswerable),
        "unanswerable_total": len(unanswerable),
        "unsupported_number_answers": sum(bool(r["unsupported"]) for r in rows),
        "wrong_report_answers": sum(bool(r.get("wrong_report")) for r in rows),
        "english_ok": sum(bool(r["figures_ok"]) and r["status"] == "answered" for r in english if r["answerable"]),
        "english_total": sum(r["answerable"] for r in english),
        "p50_ms": percentile([r["ms"] for r in rows], 0.5),
        "p95_ms": percentile([r["ms"] for r in rows], 0.95),
        "max_ms": max((r["ms"] for r in rows), default=0.0),
    }
    by_type = defaultdict(list)
    for r in rows:
        by_type[r["type"]].append(r)
    summary["by_type"] = {
        t: {"n": len(rs), "ok": sum(r["ok"] for r in rs),
            "figures_in_answer": mean([r["figures_ok"] for r in rs if r["answerable"]]) if any(r["answerable"] for r in rs) else None,
            "recall@3": mean([r["recall@3"] for r in rs if r["recall@3"] is not None]) if any(r["recall@3"] is not None for r in rs) else None,
            "handled": sum(r["status"] in ("not_found", "partial") for r in rs) if not rs[0]["answerable"] else None}
        for t, rs in sorted(by_type.items())
    }
    cited = [r for row in rows for r in row["cited_reports"]]
    summary["cited_reports"] = {r: cited.count(r) for r in sorted(set(cited))}
    summary["rows"] = rows
    return summary


def format_report(summary: dict, verbose: bool = False, peer: dict | None = None) -> str:
    """The metrics as a table; with `peer`, the competitor recipe's numbers in a second column."""
    lines = []
    if verbose:
        for r in summary["rows"]:
            flag = "ok " if r["ok"] else "XX "
            lines.append(f"{flag}{r['id']:>5} {r['type']:<20} {r['status']:<9} {r['ms']:6.1f}ms  {r['question'][:40]}")
            lines.append(f"      → {r['answer'][:160]}")
            if r["missing"]:
                lines.append(f"      missing: {r['missing']}   cited: {r['cited']}")
        lines.append("")
    columns = [summary] + ([peer] if peer else [])
    width = 24

    def row(label: str, cell, note: str = "") -> None:
        cells = "".join(f"{cell(s):<{width}}" for s in columns)
        lines.append(f"{label:<29}{cells}{note}".rstrip())

    if peer:
        row("", lambda s: "engine" if s is summary else "peer recipe")
    row("items", lambda s: str(s["items"]))
    row("overall", lambda s: f"{s['overall']:.3f}", "(right answer, or rightly not answered)")
    row("figures in answer", lambda s: f"{s['figures_in_answer']:.3f}", "(answerable items with every gold figure/keyword)")
    row("evidence recall@1/3/5", lambda s: f"{s['recall@1']:.3f} / {s['recall@3']:.3f} / {s['recall@5']:.3f}")
    row("concise", lambda s: f"{s['concise']:.3f}", f"(answer <= {CONCISE_FACTOR}x reference or {CONCISE_MIN_CHARS} chars)")
    row("false refusals", lambda s: str(s["false_refusals"]))
    row("unanswerable handled", lambda s: f"{s['unanswerable_handled']} / {s['unanswerable_total']}")
    row("unsupported-number answers", lambda s: str(s["unsupported_number_answers"]))
    if any(r.get("wrong_report") for s in columns for r in s["rows"]):
        row("answers citing another report", lambda s: str(s["wrong_report_answers"]),
            "(items naming their report: a citation from any other)")
    row("english answered", lambda s: f"{s['english_ok']} / {s['english_total']}")
    row("latency p50 / p95 / max", lambda s: f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f} / {s['max_ms']:.1f} ms",
        "(warm, in-process)")
    if len(summary.get("cited_reports", {})) > 1 or summary.get("scope"):
        shares = ", ".join(f"{r} {n}" for r, n in summary["cited_reports"].items())
        row("citations by report", lambda s: "", f"({shares})")
    if summary.get("scope"):
        row("citations from the pick", lambda s: f"{summary['in_scope']:.3f}" if s is summary else "",
            f"(picked: {', '.join(summary['scope'])})")
    lines.append("by type (right / n):")
    for t, v in summary["by_type"].items():
        cells = [f"{s['by_type'][t]['ok']}/{v['n']}" for s in columns if t in s["by_type"]]
        detail = []
        if v["recall@3"] is not None:
            detail.append(f"recall@3 {v['recall@3']:.2f}")
        lines.append(f"  {t:<27}" + "".join(f"{c:<{width}}" for c in cells) + "  ".join(detail))
    return "\n".join(lines)
