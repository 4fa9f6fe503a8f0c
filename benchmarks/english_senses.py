"""Fit english.SENSES: how many of an English word's dictionary senses a question keeps (the ones the reports use
most), scored on the English questions of every tuning set, one report left out at a time.

    python -m benchmarks.english_senses        # prints, per value, the right answers on each report and in all, and
                                               # the left-out score of the value fitted on the other reports

The dictionary gives every sense of a word (grow → 增长, 发展, 成长, 生育); the rare ones weigh most in BM25 and in the
answer stage's topic, so a question about growth is pulled to 生育. Each value is scored with the indexes that
benchmarks.tune builds (benchmarks/out/tune-index-*).
"""

from __future__ import annotations

import sys

from assistant import english
from assistant.evaluate import evaluate

from .tune import load_bot, question_sets

GRID = [1, 2, 3, None]  # None: every sense


def main() -> None:
    sets = {report: [item for item in items if item.get("lang") == "en"] for report, items in question_sets().items()}
    sets = {report: items for report, items in sets.items() if items}
    right: dict[object, dict[str, int]] = {value: {} for value in GRID}
    for report, items in sets.items():
        bot = load_bot(report)
        for value in GRID:
            bot.index.english.use_frequencies(bot.answerer.matcher.document_frequency, value)
            right[value][report] = sum(bool(row["ok"]) for row in evaluate(bot, items, warmup=False)["rows"])
        print(report, len(items), {str(v): right[v][report] for v in GRID}, flush=True)
    total = sum(len(items) for items in sets.values())
    for value in GRID:
        print(f"senses={value}: {sum(right[value].values())} of {total}")
    left_out = 0
    for report in sets:
        fitted = max(GRID, key=lambda v: (sum(n for r, n in right[v].items() if r != report), v == english.SENSES))
        left_out += right[fitted][report]
        print(f"  without {report}: fitted {fitted}, scores {right[fitted][report]} of {len(sets[report])}")
    print(f"leave-one-report-out: {left_out} of {total}; committed SENSES = {english.SENSES}")


if __name__ == "__main__":
    sys.exit(main())
