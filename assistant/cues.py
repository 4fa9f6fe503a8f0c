"""Which cue families of the question stage fire on a set of questions, and how often: an audit of the language
knowledge (question words, units, list cues, plan and review words, follow-up markers…) against real questions.

    python -m assistant cues tests/data/tune/*.jsonl

A cue family is a compiled pattern at module level in the modules that read questions; its first comment line, or
its name, says what it is for. Not for answering (nothing here changes an answer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import answer, asked, match, outline, retrieve, text

MODULES = (asked, retrieve, text, match, answer, outline)


@dataclass(frozen=True)
class CueCount:
    family: str  # module.NAME
    fired: int  # questions on which it matched
    example: str  # the first question it matched, and what it matched there


def families() -> dict[str, re.Pattern]:
    """Every compiled pattern that a question-reading module defines at module level, by module.NAME."""
    found: dict[str, re.Pattern] = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and name.isupper():
                key = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
                if value not in found.values():
                    found[key] = value
    return found


def count_cues(questions: Iterable[str]) -> list[CueCount]:
    """For each cue family, on how many of the questions it fires (normalised as the engine reads them), most first."""
    normalized = [(q, text.normalize(q)) for q in questions]
    counts = []
    for family, pattern in families().items():
        hits = [(q, m.group()) for q, n in normalized if (m := pattern.search(n))]
        example = f"{hits[0][0]} → {hits[0][1]}" if hits else ""
        counts.append(CueCount(family, len(hits), example))
    return sorted(counts, key=lambda c: (-c.fired, c.family))


def format_counts(counts: list[CueCount], total: int) -> str:
    lines = [f"{total} questions; {sum(c.fired > 0 for c in counts)} of {len(counts)} cue families fire",
             f"{'family':<34} {'questions':>9} {'share':>6}  example"]
    for c in counts:
        share = c.fired / total if total else 0.0
        lines.append(f"{c.family:<34} {c.fired:>9} {share:>6.1%}  {c.example[:70]}")
    return "\n".join(lines)
