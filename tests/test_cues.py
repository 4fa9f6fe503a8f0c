"""The cue audit: which families of the question stage's language knowledge fire on which questions."""

import subprocess
import sys

from assistant.cues import count_cues, families

from .conftest import ROOT


def test_every_cue_family_is_counted_once_with_an_example():
    counts = {c.family: c for c in count_cues(["2022年主要抓哪几个方面?", "去年规上工业总产值是多少?", "hello"])}
    assert set(counts) == set(families())
    assert counts["asked.LIST_CUES"].fired == 1 and counts["asked.LIST_CUES"].example.startswith("2022年主要抓哪几个方面")
    assert counts["asked.ANY_FIGURE_CUES"].fired == 1
    assert counts["text.GREETING"].fired == 1
    assert counts["text.CODE_LIKE"].fired == 0 and counts["text.CODE_LIKE"].example == ""


def test_the_cues_command_prints_a_table_for_question_files():
    out = subprocess.run([sys.executable, "-m", "assistant", "cues", str(ROOT / "tests" / "data" / "heldout" / "seed5.jsonl")],
                         capture_output=True, text=True, check=False, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    head, columns, *rows = out.stdout.splitlines()
    assert head.startswith("50 questions") and "questions" in columns
    assert any(row.startswith("asked.ANY_FIGURE_CUES") for row in rows)
