"""Passages that may not hold the answer: the Chinese part of the RGB benchmark, run without an LLM.

    python -m benchmarks.passages                          # noise 0.4 and 1.0 on benchmarks/data/rgb-zh-sample.jsonl
    python -m benchmarks.passages --noise 0.4 --n 10 -v    # one noise rate, the first 10 items, each miss printed

RGB (Chen et al., "Benchmarking Large Language Models in Retrieval-Augmented Generation", chen700564/RGB) gives each
question a few passages that hold the answer (positive) and some that do not (negative). For a noise rate r, five
passages are drawn as its evalue.py draws them (processdata): ceil(5·r) negatives and the rest positives, the first
ones of each list, shuffled with random.seed(2333). Here the five passages become one plain-text report, one passage
a paragraph, in a temporary folder; the assistant is built over it with the bundled embedding model and asked the
query. Scoring follows evalue.py: an answer is right when it is not a refusal and contains every element of the gold
answer (an element that is a list is satisfied by any of its alternatives; case and spaces ignored, as RGB ignores
them for Chinese); at noise 1.0 what counts is a refusal (status not_found; RGB looks for 信息不足). The peer recipe
(assistant/peer.py) is asked over the same index and scored by the same rules; it never refuses.

Not a tuning set: the engine is never changed to pass an item of it.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant import Assistant
from assistant import index as indexmod
from assistant.embed import get_embedder
from assistant.evaluate import load_items
from assistant.formats import UnreadableReport
from assistant.peer import PeerRecipe

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "benchmarks" / "data" / "rgb-zh-sample.jsonl"
PASSAGE_NUM = 5  # evalue.py --passage_num default, the setting of the paper's noise and rejection tables
SEED = 2333  # evalue.py seeds random with 2333 before drawing each item's passages
DEFAULT_NOISE = (0.4, 1.0)  # the two rates of issue 15's bar
# The parser reads a leading short line without a full stop as the report's title (document.parse_text), so a short
# first passage would become the title and never be searched; a title line of its own keeps every passage a paragraph.
TITLE = "参考资料"
REPORT_NAME = "passages.txt"
LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")  # a passage's own line breaks (web pages' \r) would split it in two
SHOWN_CHARS = 80


@dataclass(frozen=True)
class Outcome:
    """One item at one noise rate, for one answerer."""

    item_id: int
    status: str
    right: bool  # not refused, and holds every gold element (evalue.checkanswer)
    refused: bool  # status not_found
    answer: str
    note: str = ""
    quotes: tuple[str, ...] = ()  # the cited sentences, first citation first
    holds_gold: bool = False  # a cited paragraph holds every gold element (the answer may still quote another)


def draw_passages(item: dict, noise: float, passage_num: int = PASSAGE_NUM, seed: int = SEED) -> list[str]:
    """The passages evalue.processdata gives an item of the plain (not _int, not _fact) set: ceil(n·noise) negatives,
    the rest positives, fewer of one kind when the item has too few (the other kind fills up), shuffled."""
    negatives_wanted = math.ceil(passage_num * noise)
    positives_wanted = passage_num - negatives_wanted
    positive, negative = item["positive"], item["negative"]
    if noise == 1:
        negatives_wanted, positives_wanted = passage_num, 0
    elif negatives_wanted > len(negative):
        negatives_wanted = len(negative)
        positives_wanted = passage_num - negatives_wanted
    elif positives_wanted > len(positive):
        positives_wanted = len(positive)
        negatives_wanted = passage_num - positives_wanted
    docs = positive[:positives_wanted] + negative[:negatives_wanted]
    random.Random(seed).shuffle(docs)  # = random.seed(seed); random.shuffle(docs), as evalue.py does
    return docs


def gold_labels(prediction: str, ground_truth) -> list[int]:
    """evalue.checkanswer: 1 for each gold element the prediction holds (a list element: any of its alternatives).
    Case is ignored; for Chinese RGB removes the spaces of the prediction, so they are removed here too."""
    text = prediction.replace(" ", "").lower()
    elements = ground_truth if isinstance(ground_truth, list) else [ground_truth]
    labels = []
    for element in elements:
        alternatives = element if isinstance(element, list) else [element]
        labels.append(int(any(a.lower() in text for a in alternatives)))
    return labels


def score(item_id: int, answer, gold) -> Outcome:
    """Right and refused for one Answer (anything with .status and .answer)."""
    refused = answer.status == "not_found"
    labels = gold_labels(answer.answer, gold)
    right = not refused and bool(labels) and all(labels)
    cited = gold_labels(" ".join(c.text for c in answer.citations), gold)
    return Outcome(item_id, answer.status, right, refused, answer.answer, answer.note,
                   tuple(c.quote for c in answer.citations), bool(cited) and all(cited))


def one_line(passage: str) -> str:
    return LINE_BREAKS.sub(" ", passage).strip()


def report_text(passages: list[str]) -> str:
    """One plain-text report: the title line, then one passage a paragraph (its own line breaks become spaces)."""
    return "\n\n".join([TITLE, *(one_line(p) for p in passages)]) + "\n"


def lost_passages(passages: list[str], documents) -> int:
    """How many passages the parser did not keep as body paragraphs: a short line without a full stop next to the
    title is read as part of the header, and short lines at the end as a signature block; neither is searched."""
    body = {p.text for d in documents for p in d.paragraphs if p.kind == "body"}
    return sum(one_line(p) not in body for p in passages)


def run_item(item: dict, noise: float, embedder, workdir: Path) -> tuple[Outcome, Outcome, int]:
    """Build the assistant over one item's passages and ask its query; the engine's outcome, the peer's, and how many
    of the passages the parser did not keep as body paragraphs. A report the engine cannot read counts for both
    as status "unreadable": neither right nor refused."""
    passages = draw_passages(item, noise)
    seeds, where = workdir / f"{item['id']}-{noise}" / "seeds", workdir / f"{item['id']}-{noise}" / "index"
    seeds.mkdir(parents=True)
    (seeds / REPORT_NAME).write_text(report_text(passages), encoding="utf-8")
    try:
        indexmod.build(seeds, where, embedder, workers=1)
    except UnreadableReport as exc:
        unreadable = Outcome(item["id"], "unreadable", False, False, str(exc))
        return unreadable, unreadable, len(passages)
    bot = Assistant(indexmod.load(where, seeds, embedder.id, embedder.dim), embedder, seeds, where)
    lost = lost_passages(passages, bot.documents)
    engine = score(item["id"], bot.ask(item["query"]), item["answer"])
    peer = score(item["id"], PeerRecipe(bot.index, embedder).ask(item["query"]), item["answer"])
    return engine, peer, lost


def summary_line(label: str, outcomes: list[Outcome]) -> str:
    n = len(outcomes)
    right = sum(o.right for o in outcomes)
    refused = sum(o.refused for o in outcomes)
    partial = sum(o.status == "partial" for o in outcomes)
    # partial answers that open by saying the passages do not give what was asked (报告没有给出…), then quote what
    # they do give: a refusal to RGB's reader (its check looks for 信息不足), not one to the refusal count above
    not_given = sum(o.status == "partial" and "没有" in o.note for o in outcomes)
    unreadable = sum(o.status == "unreadable" for o in outcomes)
    return (f"  {label:<12} items {n:>3}   right {right:>3} ({right / n:.2f})   "
            f"refused {refused:>3} ({refused / n:.2f})   partial {partial:>3} (saying the passages do not give it: "
            f"{not_given})"
            + (f"   unreadable {unreadable}" if unreadable else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--noise", type=float, action="append",
                        help="share of the 5 passages that do not hold the answer (repeatable; default 0.4 and 1.0)")
    parser.add_argument("--n", type=int, default=None, help="only the first N items")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="RGB-format JSONL (id, query, answer, positive, "
                                                                  "negative)")
    parser.add_argument("--rows", help="also write every outcome (engine and peer, each noise rate) as JSONL here")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every item the engine misses (not right below noise 1, not refused at 1)")
    args = parser.parse_args(argv)
    items = load_items(args.data)[: args.n]
    embedder = get_embedder()
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="rgb-passages-") as tmp:
        for noise in args.noise or DEFAULT_NOISE:
            engine, peer, lost = [], [], 0
            for item in items:
                e, p, missing = run_item(item, noise, embedder, Path(tmp))
                engine.append(e)
                peer.append(p)
                lost += missing
                rows += [{"noise": noise, "answerer": name, "query": item["query"], "gold": item["answer"],
                          **asdict(o)} for name, o in (("engine", e), ("peer", p))]
                missed = (not e.refused) if noise == 1 else (not e.right)
                if args.verbose and missed:
                    print(f"    id {e.item_id:>3} {e.status:<9} gold {item['answer']}  "
                          f"{item['query']}  → {e.answer[:SHOWN_CHARS]!r}")
            print(f"noise {noise:.1f} ({math.ceil(PASSAGE_NUM * noise)} of {PASSAGE_NUM} passages without the answer;"
                  f" passages the parser did not keep as paragraphs: {lost})")
            print(summary_line("engine", engine))
            print(summary_line("peer recipe", peer))
    if args.rows:
        Path(args.rows).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"({len(items)} items, {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
