"""Property tests (hypothesis): on any string at all, the parser, the figure finder, the tokenizer and Assistant.ask
never raise, and the number guard holds on every answer.

"Any string" includes control characters (NUL, ESC, DEL, C1), format characters (zero-width, bidi, BOM), lone
surrogates (valid in a Python str, not encodable as UTF-8), private-use and unassigned code points, full-width digits,
CRLF/CR line ends, and the report's own characters and lines, so that generated text also looks like a report or a
question about it. Examples are kept modest (a reply takes ~20-30 ms) and the database is off, so nothing is written
into the repo.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant import MAX_QUESTION_CHARS, Assistant, validate_question
from assistant.document import parse_file, parse_text
from assistant.figures import find_figures, unsupported_numbers
from assistant.formats import SUPPORTED, UnreadableReport
from assistant.text import normalize, tokenize

ROOT = Path(__file__).resolve().parent.parent
REPORT = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
REPORT_LINES = [line.strip() for line in REPORT.splitlines() if line.strip()]
REPORT_SENTENCES = [s + "。" for line in REPORT_LINES for s in line.split("。") if len(s) >= 4]
SOURCE = REPORT.replace("\r\n", "\n")
KINDS = {"amount", "percent", "count", "date", "ordinal", "ratio"}
STATUSES = {"answered", "partial", "not_found", "invalid"}

QUICK = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
ASK = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

ANY_CHAR = st.one_of(
    st.characters(),  # any code point except lone surrogates
    st.characters(categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"]),  # control, format, surrogates, ...
    st.sampled_from(sorted(set(REPORT))),  # the report's own characters
    st.sampled_from(list("０１２３４５６７８９0123456789.．%％亿万元个家项名是（）()、一二三十。；;：:，,\n\r\u3000\ufeff")),
)
ANY_TEXT = st.text(ANY_CHAR, max_size=200)
HEADINGS = ["一、2021年工作总结", "二、2022年工作要点", "（一）创新平台建设", "(二)招商引资", "第一部分 总体要求",
            "一是加强党建。二是推进改革。", "索引号: X-1 文号: 测〔2022〕1号", "发文日期: 2022-02-17", "名称：测试报告",
            "2022年2月17日", "厦门火炬高新区管委会", "——推动高质量发展。", "　　全角缩进的段落。"]
REPORT_LIKE = st.tuples(
    st.lists(st.one_of(st.sampled_from(REPORT_LINES), st.sampled_from(HEADINGS), ANY_TEXT), max_size=25),
    st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n \n"]),
).map(lambda parts: parts[1].join(parts[0]))


@st.composite
def report_questions(draw) -> str:
    """Questions made of the report's own words (so that many are answered), with years, figures and endings."""
    sentence = draw(st.sampled_from(REPORT_SENTENCES))
    start = draw(st.integers(0, max(len(sentence) - 2, 0)))
    fragment = sentence[start : start + draw(st.integers(2, 24))]
    year = draw(st.sampled_from(["", "2021年", "2022年", "去年", "今年", "2023年", "２０２１年"]))
    figure = draw(st.sampled_from(["", "3999.9亿元", "12%", "100家", "一成"]))
    ending = draw(st.sampled_from(["是多少?", "增长了多少?", "有哪些安排?", "呢?", "吗?", "", "?", " how much?"]))
    noise = draw(st.sampled_from(["", "\x00", "😀", "\u200b", " ", "\ud800"]))
    return f"{noise}{year}{fragment}{figure}{ending}"


# ---- the parser -------------------------------------------------------------------------------------------------
@QUICK
@given(st.one_of(ANY_TEXT, REPORT_LIKE))
def test_parse_text_never_raises_and_keeps_paragraphs_verbatim(text):
    doc = parse_text(text, key="k")
    raw = text.replace("\r\n", "\n").replace("\r", "\n")
    ids = [p.id for p in doc.paragraphs]
    assert len(ids) == len(set(ids))  # stable ids are unique
    for p in doc.paragraphs:
        if p.kind == "body":
            assert p.text and p.text in raw  # the paragraph exactly as in the source
        for s in p.sentences:
            assert p.text[s.start : s.end] == s.text
        assert isinstance(p.section_path, str)
    assert doc.issue_year is None or isinstance(doc.issue_year, int)


@settings(max_examples=60, deadline=None, database=None)
@given(st.binary(max_size=3000), st.sampled_from(SUPPORTED))
def test_parse_file_gives_a_document_or_an_unreadable_report_on_any_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_bytes(data)
        try:
            doc = parse_file(path)
        except UnreadableReport as exc:  # empty, binary, undecodable or broken: refused, naming the file
            assert path.name in str(exc)
            return
    for p in doc.paragraphs:  # damaged UTF-8 bytes became U+FFFD: the text is always encodable
        p.text.encode("utf-8")


# ---- figures and tokens -----------------------------------------------------------------------------------------
@QUICK
@given(st.one_of(ANY_TEXT, REPORT_LIKE))
def test_find_figures_never_raises_and_spans_are_exact(text):
    figures = find_figures(text)
    assert [f.start for f in figures] == sorted(f.start for f in figures)
    for f in figures:
        assert text[f.start : f.end] == f.text and f.kind in KINDS
        assert isinstance(f.measure, str)


@QUICK
@given(ANY_TEXT)
@example("12021年")
def test_figures_do_not_overlap(text):
    figures = find_figures(text)
    for a, b in itertools.pairwise(figures):
        assert a.end <= b.start, (a, b)


@QUICK
@given(ANY_TEXT)
def test_tokenize_and_normalize_never_raise(text):
    normalized = normalize(text)
    assert isinstance(normalized, str)
    tokens = tokenize(text)
    assert all(isinstance(t, str) and t.strip() for t in tokens)
    assert isinstance(tokenize(text, drop_question_words=True), list)


@QUICK
@given(st.from_regex(r"[1-9][0-9]{0,5}(\.[0-9]{1,3})?%?", fullmatch=True), st.sampled_from(["产值", "增长", "新增", ""]),
       st.sampled_from(["亿元", "家", "", "。", "，同比"]))
def test_figures_are_single_tokens(number, before, after):
    assert number in tokenize(f"{before}{number}{after}")


# ---- Assistant.ask ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    base = tmp_path_factory.mktemp("props")
    shutil.copytree(ROOT / "seeds", base / "seeds")
    shutil.copytree(ROOT / "index", base / "index")
    return Assistant.load(base / "seeds", base / "index")  # rebuilt in the copy if stale for the current engine


def check(reply, question, history=()) -> None:
    """What every reply must satisfy, whatever was asked. A follow-up's earlier questions count as part of what was
    asked: a refusal may name the year an earlier question asked about (2023年 in "2023年…?" then "那…呢?")."""
    d = reply.to_dict()
    assert d["status"] in STATUSES
    assert isinstance(d["answer"], str) and d["answer"].strip()
    json.dumps(d, ensure_ascii=False).encode("utf-8")  # nothing unencodable (a lone surrogate) comes back
    assert len(d["question"]) <= MAX_QUESTION_CHARS
    if d["status"] == "invalid":
        assert d["note"] and not d["citations"]
    for c in d["citations"]:
        assert c["text"] in SOURCE  # cited paragraphs are the source verbatim
    # The question as the engine read it (control characters dropped) counts as what was asked.
    sources = [f"{c['report_name']}\n{c['section']}\n{c['text']}" for c in d["citations"]] + [question, d["question"]]
    sources += [h for h in history if isinstance(h, str)]
    assert unsupported_numbers(d["answer"], sources) == [], d["answer"]  # the number guard


@pytest.mark.slow
@ASK
@given(ANY_TEXT)
def test_ask_never_raises_on_any_text_and_the_number_guard_holds(bot, question):
    check(bot.ask(question), question)


@pytest.mark.slow
@ASK
@given(report_questions())
def test_number_guard_holds_on_questions_about_the_report(bot, question):
    check(bot.ask(question), question)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(report_questions(), ANY_TEXT), st.lists(st.one_of(report_questions(), ANY_TEXT, st.none()),
                                                         max_size=4))
@example("0", ["2023年索引是多少?"])
def test_ask_with_any_history_never_raises(bot, question, history):
    check(bot.ask(question, history=history), question, history)


@pytest.mark.slow
@settings(max_examples=4, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ANY_CHAR, min_size=MAX_QUESTION_CHARS + 1, max_size=2 * MAX_QUESTION_CHARS))
def test_overlong_text_is_cut_never_raises_and_the_guard_holds(bot, question):
    reply = bot.ask(question)
    check(reply, question)
    if validate_question(question)[1]:  # still too long once control characters and extra spaces are gone
        assert reply.status != "invalid" and "问题太长" in reply.answer
