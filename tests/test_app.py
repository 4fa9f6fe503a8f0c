"""The web app without a browser: its API through gradio_client, its HTML, the feedback log and load shedding."""

from __future__ import annotations

import csv
import html
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from gradio_client.utils import QueueError

import app as webapp
from assistant import service
from assistant.answer import Answer, Citation

from .conftest import serve

QUESTION = "2021年规上工业总产值是多少?"
FIGURE = "3453.8亿元"
PARAGRAPH = "xiamen-torch-hitech-zone-2021-summary-2022-plan:1.0.2"
FOLLOW_UP = ("2021年平板显示产业的产值是多少?", "那计算机与通讯设备产业呢?", "1006.6亿元")
BAD_INPUTS = {
    "empty": "",
    "whitespace": "  \n\t　 ",
    "10000 chars": "问" * 10_000,
    "NUL chars": "2021年\x00规上工业总产值\x00是多少?",
    "script tag": "<script>alert(1)</script>",
    "markdown link": "[点我](javascript:alert(1))",
}


# ---- the API --------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_vote_through_the_api_lands_in_the_feedback_store(client, feedback_file):
    assert client.predict("问", "答3453.8亿元", "up", ["p:1"], api_name="/feedback") == "ok"
    assert client.predict("问", "答", "sideways", [], api_name="/feedback") == "vote must be up or down"
    records = service.open_feedback(feedback_file).records()
    assert any(r["answer"] == "答3453.8亿元" and r["vote"] == "up" and r["citations"] == ["p:1"] for r in records)


def test_only_chat_ask_and_feedback_are_public_endpoints(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/chat", "/ask",
                                                                                              "/feedback"}


def test_ask_takes_a_report_and_names_it(client):
    answer = client.predict(QUESTION, [], "厦门火炬高新区", api_name="/ask")
    assert FIGURE in answer["answer"] and answer["citations"][0]["report"].startswith("xiamen")
    assert client.predict(QUESTION, [], "没有这份报告", api_name="/ask")["status"] == "invalid"


def test_a_client_over_its_rate_is_told_to_wait(bot, tmp_path):
    import gradio_client

    demo = webapp.build_demo(bot, tmp_path / "feedback.db", rate=6, burst=2)
    url = serve(demo)
    try:
        client = gradio_client.Client(url, verbose=False)
        statuses = [client.predict(QUESTION, [], api_name="/ask")["status"] for _ in range(4)]
        assert statuses[:2] == ["answered", "answered"] and "busy" in statuses[2:]
        assert webapp.BUSY_TEXT in client.predict(QUESTION, [], api_name="/chat")
    finally:
        demo.close()


def test_a_request_far_too_long_is_refused_unread(client):
    reply = client.predict("问" * (webapp.MAX_REQUEST_CHARS + 1), [], api_name="/ask")
    assert reply["status"] == "invalid" and reply["answer"] == webapp.TOO_LONG_TEXT


@pytest.mark.slow
def test_chat_replies_with_the_exact_figure_and_its_citation(client):
    reply = client.predict(QUESTION, [], api_name="/chat")
    assert FIGURE in reply
    assert "[1]" in reply and PARAGRAPH in reply


@pytest.mark.slow
def test_ask_returns_the_answer_json_with_citations(client):
    result = client.predict(QUESTION, [], api_name="/ask")
    assert result["status"] == "answered"
    assert FIGURE in result["answer"]
    assert {"text": FIGURE, "n": 1} in result["figures"]
    cited = result["citations"][0]
    assert cited["id"] == PARAGRAPH and FIGURE in cited["quote"] and cited["quote"].rstrip("。") in cited["text"]
    assert set(result["timings_ms"]) >= {"retrieve", "answer", "total"}


@pytest.mark.slow
def test_follow_ups_use_the_earlier_questions(client):
    first, follow_up, figure = FOLLOW_UP
    assert figure in client.predict(follow_up, [first], api_name="/ask")["answer"]
    messages = [{"role": "user", "content": first}, {"role": "assistant", "content": "…"}]
    assert figure in client.predict(follow_up, messages, api_name="/chat")
    parts = [{"role": "user", "content": [{"type": "text", "text": first}]}]  # Gradio 6's own message format
    assert figure in client.predict(follow_up, parts, api_name="/chat")


@pytest.mark.slow
@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_a_clear_message_not_an_error(client, text):
    result = client.predict(text, [], api_name="/ask")
    assert result["status"] in {"answered", "partial", "not_found", "invalid"}
    assert result["answer"].strip() and "\x00" not in result["answer"]
    reply = client.predict(text, [], api_name="/chat")
    assert reply.strip() and webapp.ERROR_TEXT not in reply


@pytest.mark.slow
def test_empty_and_overlong_questions_say_what_is_wrong(client):
    assert "请输入" in client.predict("   ", [], api_name="/ask")["answer"]
    assert "问题太长" in client.predict("问" * 10_000, [], api_name="/ask")["answer"]


@pytest.mark.slow
@pytest.mark.parametrize("history", [None, [], [None, 3, {"role": "user"}, ["", ""]], [{"x": 1}]])
def test_odd_histories_are_ignored_not_fatal(client, history):
    assert client.predict(QUESTION, history, api_name="/ask")["status"] == "answered"


def test_an_engine_failure_becomes_a_friendly_message():
    class Broken:
        def ask(self, question, history=None):
            raise RuntimeError("boom")

    answer = webapp.safe_ask(Broken(), QUESTION, [])
    assert answer.status == "error" and answer.answer == webapp.ERROR_TEXT
    assert "boom" not in webapp.answer_html(answer)


# ---- what the chat shows --------------------------------------------------------------------------------------
def test_chat_renders_no_markdown_and_no_latex(bot, tmp_path):
    demo = webapp.build_demo(bot, tmp_path / "feedback.jsonl")
    chat = next(block for block in demo.blocks.values() if getattr(block, "elem_id", None) == "chat")
    assert chat.render_markdown is False and chat.latex_delimiters == []


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
                                  "[x](javascript:alert(1))", "a & b \" ' <b>"])
def test_visitor_text_is_escaped(text):
    shown = webapp.question_html(text)
    assert "<" not in shown and html.unescape(shown) == text
    answer = Answer(text, "answered", f"{text}[1]", [Citation(1, "p:1", text, f"前文{text}后文", text, 1.0)],
                    [{"text": text, "n": 1}])
    rendered = webapp.answer_html(answer)
    assert "<img" not in rendered and "<script" not in rendered and "<b>" not in rendered and "<a " not in rendered


def test_an_answer_shows_figures_bold_citations_and_the_quote_highlighted(bot):
    rendered = webapp.answer_html(bot.ask(QUESTION))
    assert f"<strong>{FIGURE}</strong>" in rendered
    assert '<sup class="ref">[1]</sup>' in rendered
    assert PARAGRAPH in rendered and "一、2021年工作总结" in rendered
    assert f"<mark><strong>{FIGURE}</strong></mark>" in rendered
    assert '<details class="timings">' in rendered


def test_partial_and_not_found_answers_look_different(bot):
    partial = webapp.answer_html(bot.ask("2021年软件业营收多少亿元?"))
    refused = webapp.answer_html(bot.ask("2023年高新区计划落地多少个招商项目?"), webapp.report_scope(bot.documents))
    assert 'class="ans ans-partial"' in partial and "部分回答" in partial
    assert 'class="ans ans-not_found"' in refused and "报告中没有" in refused
    assert "2021年工作总结" in refused  # says what the report does contain


def test_quotes_are_found_in_pieces():
    paragraph = "甲。完成产值10亿元,增长5%,居全市第一。乙。"
    spans = webapp.quote_spans(paragraph, "完成产值10亿元,增长5%。")  # trimmed by the engine, full stop added
    assert [paragraph[a:b] for a, b in spans] == ["完成产值10亿元,增长5%"]


def test_figures_are_bolded_whole_only():
    text = "投资335亿元,外资35亿元"
    assert webapp.figure_spans(text, ["35亿元"]) == [(text.rindex("35亿元"), len(text))]


# ---- the figure desk and the report ---------------------------------------------------------------------------
def test_figure_filter_matches_keyword_and_part(bot):
    rows = bot.figure_rows()
    found = webapp.filter_figures(rows, "外资", webapp.ALL_PARTS)
    assert found and all("外资" in r.clause + r.measure for r in found)
    assert "35亿元" in {r.figure for r in found}
    plan = webapp.filter_figures(rows, "外资", "二、2022年工作要点")
    assert plan and all(r.part == "二、2022年工作要点" for r in plan) and len(plan) < len(found)
    assert webapp.filter_figures(rows, "", webapp.ALL_PARTS) == rows
    assert webapp.filter_figures(rows, "没有这个词", webapp.ALL_PARTS) == []


def test_figure_csv_has_every_row_and_no_formulas(bot, tmp_path):
    rows = bot.figure_rows()
    path = webapp.write_csv(rows, tmp_path)
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0][: len(webapp.FIGURE_COLUMNS)] == webapp.FIGURE_COLUMNS
    assert len(table) == len(rows) + 1 and table[1][0] == rows[0].figure
    assert webapp._csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"


def test_a_selected_figure_shows_its_paragraph_highlighted(bot):
    row = next(r for r in bot.figure_rows() if r.figure == FIGURE)
    rendered = webapp.figure_paragraph_html(row)
    assert f'<mark class="hit"><strong>{FIGURE}</strong></mark>' in rendered and PARAGRAPH in rendered


def test_the_report_shows_metadata_and_every_paragraph_id(bot):
    rendered = webapp.report_html(bot.documents)
    doc = bot.documents[0]
    for field in ("文号", "发布机构", "发文日期"):
        assert field in rendered and webapp._escape(doc.meta[field]) in rendered
    assert all(p.id in rendered for p in doc.paragraphs if p.kind != "meta")


def test_command_line_defaults_bind_loopback_and_share_feedback_in_sqlite(monkeypatch):
    monkeypatch.delenv(service.FEEDBACK_ENV, raising=False)
    monkeypatch.delenv(service.LEGACY_FEEDBACK_ENV, raising=False)
    args = webapp.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 7860)
    assert webapp.feedback_path(args.feedback) == "feedback.db"
    assert (args.rate, args.watch, args.trust_proxy) == (webapp.DEFAULT_RATE, 0, False)
    monkeypatch.setenv(service.FEEDBACK_ENV, "/tmp/elsewhere.db")
    assert webapp.feedback_path(None) == "/tmp/elsewhere.db"
    assert webapp.feedback_path("given.jsonl") == "given.jsonl"
    assert webapp.parse_args(["--feedback-log", "old.jsonl"]).feedback == "old.jsonl"  # the earlier flag still works


# ---- the feedback log -----------------------------------------------------------------------------------------
def _lines(path) -> list[str]:
    return path.read_text("utf-8", errors="replace").splitlines()  # a torn line may end inside a character


def test_concurrent_votes_all_land_as_whole_lines(tmp_path):
    path = tmp_path / "feedback.jsonl"
    logs = [webapp.FeedbackLog(path), webapp.FeedbackLog(path)]  # two logs stand for two app processes
    pad = "规上工业总产值" * 3000  # 21 k characters: far beyond what one unlocked write keeps whole

    def vote(writer: int):
        for i in range(25):
            logs[writer % 2].append({"writer": writer, "i": i, "vote": "up", "pad": pad})

    threads = [threading.Thread(target=vote, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = [json.loads(line) for line in _lines(path)]
    assert len(records) == 8 * 25 and all(r["pad"] == pad for r in records)
    assert sorted((r["writer"], r["i"]) for r in records) == [(w, i) for w in range(8) for i in range(25)]


WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
import app
log = app.FeedbackLog(sys.argv[1])
i = 0
while True:
    log.append({"writer": "child", "i": i, "pad": "数" * 4000})
    i += 1
"""

TORN_WRITER = """
import os, sys, time
with open(sys.argv[1], "ab") as f:
    f.write('{"writer": "torn", "question": "2021年'.encode()[:-1])  # cut inside a character, as a kill can
    f.flush()
    print("written", flush=True)
    time.sleep(60)
"""


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_a_writer_killed_mid_write_leaves_earlier_lines_whole(tmp_path):
    path = tmp_path / "feedback.jsonl"
    log = webapp.FeedbackLog(path)
    for i in range(20):
        log.append({"writer": "parent", "i": i})
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(webapp.Path(webapp.__file__).parent)])
    try:
        deadline = time.monotonic() + 20
        while path.stat().st_size < 400_000 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        _kill(child)
    log.append({"writer": "parent", "i": "after"})
    lines = _lines(path)
    records = [json.loads(line) for line in lines[:20]]
    assert records == [{"writer": "parent", "i": i} for i in range(20)]
    children, written = [], lines[20:-1]
    for n, line in enumerate(written):
        try:
            children.append(json.loads(line)["i"])
        except json.JSONDecodeError:
            assert n == len(written) - 1, "only the line the kill cut short may be torn"
    assert children == list(range(len(children))) and len(children) > 10
    assert json.loads(lines[-1]) == {"writer": "parent", "i": "after"}


def test_a_torn_last_line_does_not_swallow_the_next_vote(tmp_path):
    path = tmp_path / "feedback.jsonl"
    log = webapp.FeedbackLog(path)
    log.append({"writer": "parent", "i": 0})
    child = subprocess.Popen([sys.executable, "-c", TORN_WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "written"
    finally:
        _kill(child)
        child.stdout.close()
    log.append({"writer": "parent", "i": 1})
    lines = _lines(path)
    assert json.loads(lines[0]) == {"writer": "parent", "i": 0}
    assert lines[1].startswith('{"writer": "torn", "question": "2021') and len(lines) == 3
    assert json.loads(lines[2]) == {"writer": "parent", "i": 1}


# ---- load shedding --------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_burst_beyond_the_queue_is_told_busy_and_answered_afterwards(gated_app):
    from gradio_client import Client

    url, gated = gated_app
    client = Client(url, verbose=False)
    running = client.submit(QUESTION, [], api_name="/ask")
    assert gated.started.wait(10), "the first question never reached the engine"
    burst = [client.submit(QUESTION, [], api_name="/ask") for _ in range(5)]
    deadline = time.monotonic() + 10
    while sum(job.done() for job in burst) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    refused = [job for job in burst if job.done()]
    assert len(refused) == 4, "one question fits the queue; the other four must be refused at once"
    for job in refused:
        with pytest.raises(QueueError, match="try again"):
            job.result()
    gated.gate.set()
    waiting = [job for job in burst if job not in refused]
    for job in [running, *waiting]:
        assert FIGURE in job.result(timeout=20)["answer"]
    assert FIGURE in client.predict(QUESTION, [], api_name="/ask")["answer"]


# ---- the feedback store replicas share ------------------------------------------------------------------------
SQLITE_WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from assistant.service import open_feedback
store = open_feedback(sys.argv[1])
for i in range(int(sys.argv[3])):
    store.append({"writer": sys.argv[4], "i": i, "vote": "up", "pad": "数" * 2000})
print("done", flush=True)
"""


def test_votes_from_several_processes_all_land_in_one_sqlite_file(tmp_path):
    target = str(tmp_path / "feedback.db")
    root = str(webapp.Path(webapp.__file__).parent)
    writers = [subprocess.Popen([sys.executable, "-c", SQLITE_WRITER, target, root, "60", f"p{n}"]) for n in range(4)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    records = service.open_feedback(target).records()
    assert sorted((r["writer"], r["i"]) for r in records) == [(f"p{n}", i) for n in range(4) for i in range(60)]


def test_a_writer_killed_mid_vote_loses_nothing_already_stored(tmp_path):
    target = str(tmp_path / "feedback.db")
    store = service.open_feedback(target)
    for i in range(20):
        store.append({"writer": "parent", "i": i})
    child = subprocess.Popen([sys.executable, "-c", SQLITE_WRITER, target, str(webapp.Path(webapp.__file__).parent),
                              "100000", "child"])
    try:
        deadline = time.monotonic() + 20
        while len(store.records()) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        _kill(child)
    store.append({"writer": "parent", "i": "after"})
    records = store.records()
    assert [r["i"] for r in records if r["writer"] == "parent"] == [*range(20), "after"]
    children = [r["i"] for r in records if r["writer"] == "child"]
    assert children == list(range(len(children))) and len(children) >= 100  # every stored vote whole, in order
