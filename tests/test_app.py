"""The web app without a browser: its API through gradio_client, its HTML, the feedback log and load shedding."""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
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

from .conftest import REPORTS, ROOT, STAFF_TOKEN, free_port, serve

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


@pytest.fixture(scope="module")
def staff_demo(bot, tmp_path_factory):
    """An app with staff actions on; its reload swaps in the same engine (fast, and the index is left alone)."""
    library = service.Library(bot, loader=lambda build: bot)
    demo = webapp.build_demo(library, tmp_path_factory.mktemp("staff") / "feedback.db", staff_token=STAFF_TOKEN)
    url = serve(demo)
    yield url, library
    demo.close()


def test_the_api_refuses_a_reload_without_the_staff_token_and_accepts_it_with_the_token(staff_demo):
    from gradio_client import Client

    url, library = staff_demo
    before = library.generation
    for headers in ({}, {"X-Staff-Token": "wrong"}, {"X-Staff-Token": STAFF_TOKEN[:-1]}):
        with pytest.raises(Exception, match="staff token"):
            Client(url, verbose=False, headers=headers).predict(api_name="/reload")
        with pytest.raises(Exception, match="staff token"):
            Client(url, verbose=False, headers=headers).predict(api_name="/feedback_export")
    assert library.generation == before
    staff = Client(url, verbose=False, headers={"X-Staff-Token": STAFF_TOKEN})
    assert "已载入 1 份报告" in staff.predict(api_name="/reload")
    assert library.generation == before + 1
    assert staff.predict("问", "答", "up", [], api_name="/feedback") == "ok"
    assert [r["vote"] for r in staff.predict(api_name="/feedback_export")] == ["up"]


def test_without_a_staff_token_there_are_no_staff_endpoints(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert not names & {"/reload", "/feedback_export"}


def test_the_staff_token_is_compared_whole():
    assert webapp.token_matches("abc", "abc")
    assert not webapp.token_matches("ab", "abc") and not webapp.token_matches("abcd", "abc")
    assert not webapp.token_matches("", "") and not webapp.token_matches(None, "abc")
    assert not webapp.token_matches("abc", None)  # no token configured: nobody is staff


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


def test_a_refusal_through_the_chat_api_says_what_the_report_covers(client):
    reply = client.predict("2023年高新区计划落地多少个招商项目?", [], api_name="/chat")
    assert reply.count("报告中没有") == 1 and "2022年工作要点" in reply


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
    assert "<img" not in rendered and "<script" not in rendered and "<b>" not in rendered
    assert re.findall(r"<a [^>]*>", rendered) == ['<a class="ref-link" href="#p=p%3A1">', '<a class="cite-link" href="#p=p%3A1">']


def test_an_answer_shows_figures_bold_citations_and_the_quote_highlighted(bot):
    rendered = webapp.answer_html(bot.ask(QUESTION))
    assert f"<strong>{FIGURE}</strong>" in rendered
    link = f'href="#p={PARAGRAPH.replace(":", "%3A")}"'
    assert f'<sup class="ref"><a class="ref-link" {link}>[1]</a></sup>' in rendered  # the mark in the answer
    assert f'<a class="cite-link" {link}>' in rendered  # the citation's header
    assert PARAGRAPH in rendered and "一、2021年工作总结" in rendered
    assert f"<mark><strong>{FIGURE}</strong></mark>" in rendered
    assert "timings" not in rendered  # for staff only
    assert '<details class="timings">' in webapp.answer_html(bot.ask(QUESTION), timings=True)


def test_paragraph_links_escape_the_id():
    assert webapp.paragraph_link('a:1.0.2"<x>&y z') == "#p=a%3A1.0.2%22%3Cx%3E%26y%20z"
    answer = Answer("q", "answered", "甲[1]乙[2]", [Citation(1, 'p:"1"', "s", "甲", "甲", 1.0)])
    rendered = webapp.answer_html(answer)
    assert rendered.count("<a ") == 2 and 'href="#p=p%3A%221%22"' in rendered
    assert "[2]</sup>" in rendered  # a mark with no citation stays a plain mark


def test_no_status_line_uses_an_emoji():
    heads = [head for language in webapp.STATUS_HEAD.values() for head in language.values()]
    rendered = webapp.answer_html(Answer("q", "answered", "答[1]", [Citation(1, "p:1", "s", "答", "答", 1.0)],
                                         timings_ms={"total": 5.0}), timings=True)
    for text in [*heads, rendered]:
        assert not re.search("[\u2300-\u23ff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]", text), text


def test_partial_and_not_found_answers_look_different(bot):
    partial = webapp.answer_html(bot.ask("2021年软件业营收多少亿元?"))
    refusal = bot.ask("2023年高新区计划落地多少个招商项目?")
    refused = webapp.answer_html(refusal, webapp.report_scope(bot))
    assert 'class="ans ans-partial"' in partial and "部分回答" in partial
    assert 'class="ans ans-not_found"' in refused and "2023年" in refused  # the note: which year the report lacks
    assert "2021年工作总结" in refused and "2022年工作要点" in refused  # says what the report does contain
    for shown in (refused, webapp.answer_text(refusal)):
        assert shown.count("报告中没有") == 1, shown  # the refusal speaks once


def test_examples_are_made_from_the_loaded_report_and_answered(bot):
    examples = webapp.example_questions(bot)
    assert 1 <= len(examples) <= 2 * len(bot.documents)
    assert any(part.split("、", 1)[-1] in q for q in examples for part in bot.documents[0].parts)  # a heading
    for question in examples:
        answer = bot.ask(question)
        assert answer.status == "answered" and answer.citations, (question, answer.answer)


@pytest.mark.slow
def test_with_several_reports_examples_come_from_each_and_a_refusal_names_the_report_that_answers(multi_bot):
    examples = webapp.example_questions(multi_bot)
    for doc in multi_bot.documents:
        answered = [multi_bot.ask(q, report=doc.key) for q in examples]
        assert any(a.status == "answered" for a in answered), doc.key
    picked = frozenset({"2022-national-government-work-report"})
    assert multi_bot.ask(QUESTION, report="2022-national-government-work-report").status == "not_found"
    said = webapp.report_scope(multi_bot, picked) + webapp.elsewhere(multi_bot, QUESTION, [], picked)
    assert "2021年工作回顾" in said and "2022年工作要点" not in said  # only the picked report's headings
    assert "《厦门火炬高新区（2022）》中有相关内容" in said
    assert webapp.elsewhere(multi_bot, QUESTION, [], None) == ""  # nothing picked: nothing to suggest


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
    assert webapp.feedback_path(args.feedback) == "data/feedback.db"  # data/ is git-ignored
    assert (args.rate, args.watch, args.trust_proxy) == (webapp.DEFAULT_RATE, 0, False)
    monkeypatch.setenv(service.FEEDBACK_ENV, "/tmp/elsewhere.db")
    assert webapp.feedback_path(None) == "/tmp/elsewhere.db"
    assert webapp.feedback_path("given.jsonl") == "given.jsonl"
    assert webapp.parse_args(["--feedback-log", "old.jsonl"]).feedback == "old.jsonl"  # the earlier flag still works
    monkeypatch.delenv(webapp.STAFF_TOKEN_ENV, raising=False)
    assert webapp.parse_args([]).staff_token is None  # no token: no staff actions
    monkeypatch.setenv(webapp.STAFF_TOKEN_ENV, "from-env")
    assert webapp.parse_args([]).staff_token == "from-env"
    assert webapp.parse_args(["--staff-token", "given"]).staff_token == "given"


def test_the_feedback_export_defuses_formulas(tmp_path):
    records = [{"time": "t", "vote": "up", "question": "=1+1", "answer": "答", "citations": ["p:1", "p:2"]}]
    with open(webapp.feedback_csv(records, tmp_path), encoding="utf-8-sig", newline="") as f:
        header, row = list(csv.reader(f))
    assert header == webapp.FEEDBACK_COLUMNS
    assert row[:3] == ["t", "up", "'=1+1"] and row[header.index("citations")] == "p:1；p:2"


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


# ---- staff adding a report ------------------------------------------------------------------------------------
class _Engine:
    """What Library.add_report touches of an engine: its seeds folder and its documents (the loader's list)."""

    def __init__(self, seeds):
        self.seeds_dir = seeds
        self.documents = [type("Doc", (), {"key": p.stem})() for p in sorted(seeds.glob("*.txt"))]


@pytest.fixture
def seeds_library(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("甲报告\n一、总结\n完成产值10亿元。", encoding="utf-8")
    return seeds, service.Library(_Engine(seeds), loader=lambda build: _Engine(seeds))


def test_staff_add_a_report_file_and_it_is_loaded(seeds_library, tmp_path):
    seeds, library = seeds_library
    upload = tmp_path / "upload" / "new report.txt"
    upload.parent.mkdir()
    upload.write_bytes(REPORTS["gov2022"].read_bytes())
    message = library.add_report(upload, "../../new report.txt")  # a path in the name is dropped
    assert message.startswith("已添加 new_report.txt。") and "已载入 2 份报告" in message
    assert sorted(p.name for p in seeds.iterdir()) == ["a.txt", "new_report.txt"]  # nothing half-written left
    assert (seeds / "new_report.txt").read_bytes() == upload.read_bytes()


@pytest.mark.parametrize(("name", "content", "said"), [
    ("report.exe", "报告", "只能添加"),
    ("empty.txt", "", "文件为空"),
    ("a.html", "<p>甲报告</p>", "已是同一份报告"),  # the same key as a.txt: one report in two formats
])
def test_a_file_that_is_not_a_new_report_is_refused_and_seeds_left_alone(seeds_library, tmp_path, name, content,
                                                                          said):
    seeds, library = seeds_library
    upload = tmp_path / name
    upload.write_text(content, encoding="utf-8")
    assert said in library.add_report(upload, name)
    assert [p.name for p in seeds.iterdir()] == ["a.txt"] and library.generation == 1


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


# ---- a clean checkout and a quiet console ---------------------------------------------------------------------
def _checkout_copy(where) -> None:
    """The files git tracks here, as they are in the working tree, committed to a new repository at `where`."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree is not copied
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, where / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "copy"]):
        subprocess.run([*git, *command], cwd=where, check=True)


@pytest.mark.slow
def test_serving_a_question_leaves_the_checkout_clean_and_the_console_ours(tmp_path):
    from gradio_client import Client

    checkout = tmp_path / "checkout"
    _checkout_copy(checkout)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", webapp.STAFF_TOKEN_ENV))}
    port = free_port()
    process = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=checkout, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not any(f"listening on {url}" in line for line in lines):
            assert process.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        client = Client(url, verbose=False)
        assert FIGURE in client.predict(QUESTION, [], api_name="/chat")
        assert client.predict(QUESTION, FIGURE, "up", [PARAGRAPH], api_name="/feedback") == "ok"
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)
    assert (checkout / "data" / "feedback.db").exists()  # the vote went to the ignored data folder
    status = subprocess.run(["git", "status", "--porcelain"], cwd=checkout, capture_output=True, text=True, check=True)
    assert status.stdout == ""
    console = "".join(lines)
    assert "loaded 1 report(s)" in console and "staff actions off" in console
    for noise in ("DEBUG", "HTTP Request", "share=True", "Running on local URL"):
        assert noise not in console, console
