"""The command line's help, stdin, excerpts and logs: the real `python -m assistant` in a subprocess (on the committed
index), and the excerpt and logging helpers on their own."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.__main__ import EXCERPT_CHARS, excerpt, quote_span
from assistant.logs import setup_logging

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"ask": "ask a question", "build": "build the index", "figures": "list every figure",
            "eval": "metrics over a JSONL question set"}
HAN = re.compile(r"[\u4e00-\u9fff]")
# A figure whose quote stands past the first 200 characters of its paragraph (the seed's 主要经济指标 paragraph).
LATE_QUESTION = "2021年高技术企业利润增长多少?"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, env=env, timeout=120, check=False)


# ---- help ---------------------------------------------------------------------------------------------------------
def test_program_help_names_every_command_in_chinese_and_english():
    out = run_cli("--help")
    assert out.returncode == 0, out.stderr
    for command, english in COMMANDS.items():
        line = next(x for x in out.stdout.splitlines() if x.strip().startswith(command + " "))
        assert english in out.stdout and HAN.search(line), line
    assert "显示本帮助" in out.stdout and "show this help" in out.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_s_help_is_in_chinese_and_english(command):
    out = run_cli(command, "--help")
    assert out.returncode == 0, out.stderr
    assert "显示本帮助" in out.stdout and "选项 / options" in out.stdout
    assert "报告文件夹 / folder of reports" in out.stdout  # the options every command shares


def test_ask_help_explains_the_question_and_reading_it_from_stdin():
    out = run_cli("ask", "--help")
    block = out.stdout[out.stdout.index("参数 / arguments"):out.stdout.index("选项 / options")]
    assert "question" in block and "问题" in block
    assert "-" in block and "stdin" in block and "标准输入" in block
    assert "--full" in out.stdout and "whole cited paragraphs" in out.stdout


# ---- stdin --------------------------------------------------------------------------------------------------------
def test_ask_dash_reads_the_question_from_stdin():
    out = run_cli("ask", "-", "--json", stdin="2021年实际利用外资多少?\n")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["question"] == "2021年实际利用外资多少?" and "35亿元" in answer["answer"]


def test_ask_dash_with_nothing_on_stdin_is_a_message():
    out = run_cli("ask", "-", stdin="")
    assert out.returncode == 2 and "请输入" in out.stderr and "Traceback" not in out.stderr


# ---- whole paragraphs or a window around the quote ----------------------------------------------------------------
@pytest.fixture(scope="module")
def late_quote():
    """The same answer as JSON, as plain text and as plain text with --full."""
    as_json, plain, full = (run_cli("ask", *flags, LATE_QUESTION) for flags in (["--json"], [], ["--full"]))
    for out in (as_json, plain, full):
        assert out.returncode == 0, out.stderr
    return json.loads(as_json.stdout), plain.stdout, full.stdout


def _paragraph_lines(printed: str) -> list[str]:
    return [line[4:] for line in printed.splitlines() if line.startswith("    ")]


def test_without_full_the_printed_excerpt_holds_the_quote(late_quote):
    answer, plain, _ = late_quote
    citation = answer["citations"][0]
    start, _end = quote_span(citation["text"], citation["quote"])
    assert start > EXCERPT_CHARS  # cut at the first 200 characters, the quote would not be printed
    shown = _paragraph_lines(plain)[0]
    assert citation["quote"] in shown
    assert shown.startswith("…") and len(shown) < len(citation["text"])


def test_full_prints_every_cited_paragraph_whole(late_quote):
    answer, _, full = late_quote
    assert _paragraph_lines(full) == [c["text"] for c in answer["citations"]]


PARAGRAPH = "".join(f"第{i}句说的是第{i}件事情，数字为{i}亿元。" for i in range(1, 30))  # ~600 characters


@pytest.mark.parametrize("quote", ["第1句说的是第1件事情，数字为1亿元。", "第15句说的是第15件事情，数字为15亿元。",
                                   "第29句说的是第29件事情，数字为29亿元。"])
def test_an_excerpt_is_about_200_characters_around_the_quote(quote):
    shown = excerpt(PARAGRAPH, quote)
    assert quote in shown
    assert len(shown.strip("…")) == EXCERPT_CHARS
    assert shown.startswith("…") == (not PARAGRAPH.startswith(shown.strip("…")))
    assert shown.endswith("…") == (not PARAGRAPH.endswith(shown.strip("…")))


def test_an_excerpt_holds_a_long_quote_whole_and_a_quote_of_sentences_apart():
    long_quote = PARAGRAPH[100:450]
    assert long_quote in excerpt(PARAGRAPH, long_quote)
    apart = "第3句说的是第3件事情，数字为3亿元。第9句说的是第9件事情，数字为9亿元。"  # as answer.py joins two sentences
    shown = excerpt(PARAGRAPH, apart)
    assert "数字为3亿元" in shown and "数字为9亿元" in shown


def test_an_excerpt_of_a_short_paragraph_or_an_unknown_quote():
    assert excerpt("短段落。", "别处的话。") == "短段落。"
    assert excerpt(PARAGRAPH, "别处的话。") == PARAGRAPH[:EXCERPT_CHARS] + "…"


# ---- logs ---------------------------------------------------------------------------------------------------------
@pytest.fixture
def root_logger():
    """The root logger's handlers and level, put back after the test (pytest's capture handlers live there)."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield root
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_logs_hold_our_info_lines_and_no_library_debug_or_info(root_logger):
    stream = io.StringIO()
    setup_logging(logging.INFO, stream)
    logging.getLogger("bm25s").setLevel(logging.DEBUG)  # as bm25s does on import
    logging.getLogger("bm25s").debug("Building index from tokens")
    logging.getLogger("httpx").info("HTTP Request: GET http://127.0.0.1/ 200 OK")
    logging.getLogger("assistant.cli").info("loaded 1 report")
    logging.getLogger("app").info("listening on 127.0.0.1:7860")
    logging.getLogger("httpx").warning("a library's warning")
    logging.getLogger("assistant.cli").debug("our own debug line")
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 3)[3] for line in lines] == [
        "assistant.cli: loaded 1 report", "app: listening on 127.0.0.1:7860", "httpx: a library's warning"]


def test_logs_at_warning_are_quiet(root_logger):
    stream = io.StringIO()
    setup_logging(logging.WARNING, stream)
    logging.getLogger("assistant.cli").info("loaded 1 report")
    assert stream.getvalue() == ""


def test_cli_ask_is_quiet_and_log_shows_only_our_lines():
    quiet = run_cli("ask", "2021年实际利用外资多少?")
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    logged = run_cli("--log", "ask", "2021年实际利用外资多少?")
    assert logged.returncode == 0 and logged.stdout == quiet.stdout
    lines = logged.stderr.splitlines()
    assert any("INFO assistant.cli: loaded 1 report(s), 61 paragraphs" in line for line in lines), lines
    assert all(" INFO assistant." in line for line in lines), lines
