"""The web app: 问答 (chat for the public), 数据速查 (every figure, and one measure across reports), 原文 (the reports;
#p=<paragraph id> opens one), a staff box (adding and reloading reports, timings, the votes) when a staff token is set,
and the API.

    python app.py [--host 127.0.0.1] [--port 7860] [--feedback data/feedback.db] [--rate 30] [--watch 10]
                  [--staff-token TOKEN]

API (gradio_client): `/chat` (message, history, report) -> reply text; `/ask` (question, history, report) -> the
Answer JSON; `report` (optional) is a report's key or title; `/feedback` (question, answer, vote, citations) records a
vote where the page's thumbs do. With a staff token: `/reload` and `/feedback_export`, the token in the X-Staff-Token
header (`Client(url, headers={"X-Staff-Token": token})`); without it they are refused.
Everything shown is escaped here: visitor and document text are text, never HTML or Markdown (the Chatbot renders
raw HTML, so its Markdown is off and every message is built from escaped pieces). The app holds no retrieval logic:
it formats the engine's Answers and FigureRows.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import functools
import hashlib
import hmac
import html
import io
import logging
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import gradio as gr
import pandas as pd

from assistant import MAX_QUESTION_CHARS, Assistant, FigureRow, compare_figures, figures_matching, measure_key
from assistant import recurring_measures as measures
from assistant.answer import Answer
from assistant.formats import SUPPORTED
from assistant.scope import resolve
from assistant.service import FeedbackLog, Library, RateLimiter, default_library, feedback_target, open_feedback

log = logging.getLogger("app")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
__all__ = ["FeedbackLog", "build_demo", "launch", "main"]
# Answers take tens of milliseconds on one core, so two at a time and a short queue keep waits under a second;
# beyond the queue a visitor is told the app is busy instead of waiting minutes.
DEFAULT_CONCURRENCY = 2
DEFAULT_MAX_QUEUE = 32
ANSWER_GROUP = "answer"  # UI chat, /chat and /ask share one concurrency limit
# A public deployment: each client (IP, or X-Forwarded-For's first address behind a trusted proxy) may ask RATE
# questions a minute on average, BURST at once; a request longer than MAX_REQUEST_CHARS is refused unread (a question
# between MAX_QUESTION_CHARS and it is cut, and the answer says so).
DEFAULT_RATE = 30
DEFAULT_BURST = 10
MAX_REQUEST_CHARS = 4000
BUSY_TEXT = "请求太频繁，请稍等片刻再问。Too many questions at once; please wait a moment."
TOO_LONG_TEXT = f"问题太长（超过 {MAX_REQUEST_CHARS} 个字），请只输入问题本身。The question is too long."
ALL_REPORTS = "全部报告"
# Staff: whoever gives the token (`--staff-token` or $GOV_ASSISTANT_STAFF_TOKEN) in the page's staff box, or in this
# header of an API call, may reload the reports, see timings and export the votes. No token configured: no staff.
STAFF_TOKEN_ENV = "GOV_ASSISTANT_STAFF_TOKEN"
STAFF_HEADER = "x-staff-token"
STAFF_ATTEMPTS_PER_MINUTE = 10  # token checks a client may make: enough for staff, far too few to guess one
STAFF_ATTEMPTS_BURST = 10
STAFF_ONLY_TEXT = ("这是工作人员的操作，需要工作人员令牌（试错太多时请一分钟后再试）。"
                   "Staff only: a staff token is required (after many wrong tries, wait a minute).")

STATUS_HEAD = {  # how an answer that is not a plain answer announces itself, by the question's language
    "zh": {"partial": "部分回答：报告中没有所问的确切内容，下面是报告中相关的信息", "not_found": "报告中没有这方面的内容",
           "invalid": "请换个问法", "error": "出错了", "busy": "请稍候"},
    "en": {"partial": "Partial answer: the report does not give exactly this; related information below",
           "not_found": "Not in the report", "invalid": "Please rephrase", "error": "Something went wrong",
           "busy": "Please wait"},
}
SCOPE_HEADINGS = 5  # headings named under a refusal, per report
GROWTH_WORDS = re.compile("增长|增速|增幅|下降|提高|占比|比重|率")  # a measure of change, not an amount to ask for
ERROR_TEXT = "抱歉，处理这个问题时出错了。请换个问法，或稍后再试。"
STAGE_NAMES = {"understand": "理解问题", "bm25": "关键词检索", "embed": "向量化", "dense": "向量检索",
               "fusion": "融合排序", "retrieve": "检索合计", "answer": "组织答案", "total": "总计"}
FIGURE_COLUMNS = ["数字", "所在分句", "指标", "报告", "部分", "小节", "段落编号"]
# Pixels, not shares: on a phone the table scrolls sideways instead of squeezing to a character per line.
FIGURE_COLUMN_WIDTHS = ["90px", "290px", "140px", "150px", "130px", "160px", "220px"]
COMPARE_COLUMNS = ["指标", "报告", "年份", "类型", "数字", "所在分句", "段落编号"]
COMPARE_COLUMN_WIDTHS = ["140px", "150px", "80px", "60px", "90px", "290px", "220px"]
ALL_PARTS = "全部"
CSV_FORMULA_START = ("=", "+", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula

# After a reply: the newest question at the top of the chat, so it and the start of its answer are in view (the
# Chatbot's own autoscroll would show the end of the last cited paragraph). The page itself scrolls only when the
# question would be off screen, as on a phone.
SHOW_LAST_QUESTION = """() => {
  const show = (tries) => {
    const asked = document.querySelectorAll('#chat [data-testid="user"]');
    const last = asked[asked.length - 1];
    if (!last) { if (tries > 0) setTimeout(() => show(tries - 1), 50); return; }
    let box = last.parentElement;
    while (box && box !== document.body && !(box.scrollHeight > box.clientHeight + 1 &&
           ['auto', 'scroll'].includes(getComputedStyle(box).overflowY))) box = box.parentElement;
    if (box && box !== document.body) {
      box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 36;  // below the Chatbot's own clear icon
    }
    const top = last.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.6) window.scrollBy(0, top - 8);
  };
  setTimeout(() => show(20), 30);
}"""

# Paragraph links: #p=<paragraph id> (from a [n] mark, a citation header, or a shared address) opens 原文 with that
# paragraph scrolled to and highlighted. Ids are looked up with getElementById inside #report, never as selectors.
PAGE_JS = """() => {
  const open = (id, tries) => {
    const tab = [...document.querySelectorAll('button[role="tab"]')].find(b => b.textContent.trim() === '原文');
    if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
    const target = document.getElementById(id);
    if (!target || !target.closest('#report') || target.offsetParent === null) {
      if (tries > 0) setTimeout(() => open(id, tries - 1), 100);
      return;
    }
    document.querySelectorAll('#report .linked').forEach(e => e.classList.remove('linked'));
    target.classList.add('linked');
    target.scrollIntoView({block: 'center'});
  };
  const fromAddress = () => {
    const found = location.hash.match(/^#p=(.+)$/);
    if (!found) return;
    let id;
    try { id = decodeURIComponent(found[1]); } catch (error) { return; }
    open(id, 100);
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#p="]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const address = link.getAttribute('href');
    if (location.hash !== address) history.pushState(null, '', address);
    fromAddress();
  }, true);
  window.addEventListener('hashchange', fromAddress);
  fromAddress();
}"""

# Status icons drawn from inline SVG masks in the text's colour: no emoji font needed.
_ICONS = {
    "partial": "<path d='M8 1 15.5 14.5H.5z M7.1 5.5v5h1.8v-5z M7.1 11.5v1.8h1.8v-1.8z' fill-rule='evenodd'/>",
    "not_found": "<path d='M8 .8a7.2 7.2 0 1 1 0 14.4A7.2 7.2 0 0 1 8 .8zm0 1.8a5.4 5.4 0 1 0 0 10.8A5.4 5.4 0 0 0 8 "
                 "2.6z' fill-rule='evenodd'/><rect x='7.1' y='1.6' width='1.8' height='12.8' "
                 "transform='rotate(45 8 8)'/>",
    "invalid": "<path d='M11.3 1.2 14.8 4.7 5.2 14.3H1.7v-3.5z'/>",
    "error": "<path d='M8 .8a7.2 7.2 0 1 1 0 14.4A7.2 7.2 0 0 1 8 .8zm0 1.8a5.4 5.4 0 1 0 0 10.8A5.4 5.4 0 0 0 8 "
             "2.6z' fill-rule='evenodd'/><rect x='7.1' y='3.5' width='1.8' height='9' transform='rotate(45 8 8)'/>"
             "<rect x='7.1' y='3.5' width='1.8' height='9' transform='rotate(-45 8 8)'/>",
    "busy": "<path d='M3 1h10v2.5c0 2-2 3.3-3.3 4.5C11 9.2 13 10.5 13 12.5V15H3v-2.5c0-2 2-3.3 3.3-4.5C5 6.8 3 5.5 3 "
            "3.5z'/>",
    "timings": "<path d='M8 .8a7.2 7.2 0 1 1 0 14.4A7.2 7.2 0 0 1 8 .8zm0 1.8a5.4 5.4 0 1 0 0 10.8A5.4 5.4 0 0 0 8 "
               "2.6z' fill-rule='evenodd'/><path d='M7.1 4h1.8v3.6l2.6 2.6-1.3 1.3-3.1-3.1z'/>",
}


def _icon_css() -> str:
    rules = []
    for name, shape in _ICONS.items():
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>{shape}</svg>"
        where = "details.timings summary" if name == "timings" else f"#chat .ans-{name} .ans-head"
        rules.append(f'{where}::before {{ --icon: url("data:image/svg+xml,{svg}"); }}')
    return "\n".join(rules)


CSS = """
.gradio-container { max-width: min(1100px, 100vw) !important; margin: 0 auto; }
/* Gradio scopes rules inside @media to its content, so the page margin shrinks with the screen out here */
.gradio-container .main { padding-left: min(32px, 3vw) !important; padding-right: min(32px, 3vw) !important; }
#chat .ans-head { font-weight: 600; margin-bottom: .35em; }
#chat .ans-partial { border-left: 4px solid #d97706; padding-left: .6em; }
#chat .ans-partial .ans-head { color: #b45309; }
#chat .ans-not_found, #chat .ans-invalid, #chat .ans-error { border-left: 4px solid #9ca3af; padding-left: .6em; }
#chat .ans-not_found .ans-head, #chat .ans-error .ans-head { color: #b91c1c; }
#chat .ans-invalid .ans-head { color: #4b5563; }
#chat .ans-head::before, details.timings summary::before { content: ""; display: inline-block; width: 1em;
  height: 1em; margin-right: .35em; vertical-align: -.15em; background-color: currentColor;
  -webkit-mask: var(--icon) center / contain no-repeat; mask: var(--icon) center / contain no-repeat; }
#chat .ans-answered .ans-head::before { content: none; }
#chat a.ref-link, #chat a.cite-link { color: inherit; text-decoration: none; }
#chat a.cite-link:hover, #chat a.ref-link:hover { text-decoration: underline; }
#chat a.ref-link { color: #2563eb; }
.report .linked { background: #fef9c3; box-shadow: 0 0 0 3px #facc15; border-radius: 4px; transition: background 1s; }
.ans-scope { color: #6b7280; font-size: .9em; margin-top: .4em; }
sup.ref { color: #2563eb; font-size: .75em; margin-left: 1px; }
.cites { margin-top: .6em; border-top: 1px solid #e5e7eb; padding-top: .4em; }
.cites-title { font-size: .85em; color: #6b7280; }
.cite { margin: .4em 0 .6em; }
.cite-head { font-size: .85em; color: #374151; }
.cite-text { font-size: .92em; line-height: 1.6; }
.pid { font-family: ui-monospace, monospace; font-size: .8em; color: #6b7280; background: #f3f4f6;
       padding: 0 .3em; border-radius: 3px; word-break: break-all; }
mark { background: #fef08a; color: #111827; padding: 0 1px; }
mark.hit { background: #fb923c; }
details.timings { margin-top: .4em; font-size: .8em; color: #6b7280; }
.report h2 { font-size: 1.25em; margin: .4em 0; }
.report h3 { font-size: 1.1em; margin: 1.2em 0 .4em; }
.report h4 { font-size: 1em; margin: 1em 0 .3em; }
.report p { line-height: 1.8; margin: .3em 0 .8em; }
.report .lead { font-weight: 600; }
.report .sign { text-align: right; white-space: pre-line; }
.meta-table, .meta-table th, .meta-table td { border: none !important; background: none !important; }
.meta-table { border-collapse: collapse; font-size: .9em; margin-bottom: 1em; }
.meta-table th { text-align: left; padding: 2px 12px 2px 0; color: #6b7280; font-weight: normal; white-space: nowrap; }
.meta-table td { padding: 2px 0; }
.figure-count { color: #6b7280; font-size: .9em; }
/* boxes no wider than the screen, so a wide table scrolls inside its own box, not the page */
.gradio-container .main, .gradio-container .wrap, .gradio-container .contain, .tabs, .tabitem, .column,
#figures { max-width: 100%; min-width: 0 !important; }
.figure-paragraph { padding: .6em .8em; border: 1px solid #e5e7eb; border-radius: 6px; line-height: 1.8; }
@media (max-width: 480px) {
  h1 { font-size: 1.15em !important; }
  .report p, .cite-text { font-size: .95em; }
}
""" + _icon_css()


# ---- text and HTML --------------------------------------------------------------------------------------------
def _escape(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


TAGS = {  # outermost first: a figure in bold sits inside a highlighted quote
    "mark": ("<mark>", "</mark>"),
    "hit": ('<mark class="hit">', "</mark>"),
    "b": ("<strong>", "</strong>"),
    "ref": ('<sup class="ref">', "</sup>"),
}


def marked_html(text: str, spans: dict[str, list[tuple[int, int]]]) -> str:
    """The text escaped, with TAGS around character spans ({"mark": [(0, 5)], "b": [(2, 4)]}); spans may overlap."""
    flags: list[frozenset[str]] = [frozenset()] * len(text)
    for tag, ranges in spans.items():
        for start, end in ranges:
            for i in range(max(start, 0), min(end, len(text))):
                flags[i] = flags[i] | {tag}
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and flags[j] == flags[i]:
            j += 1
        chunk = _escape(text[i:j])
        for tag in reversed(TAGS):
            if tag in flags[i]:
                chunk = f"{TAGS[tag][0]}{chunk}{TAGS[tag][1]}"
        out.append(chunk)
        i = j
    return "".join(out)


def figure_spans(text: str, figures: list[str]) -> list[tuple[int, int]]:
    """Where the figures stand in the text, longest first, whole numbers only (35亿元 is not inside 335亿元)."""
    taken: list[tuple[int, int]] = []
    for figure in sorted({f for f in figures if f}, key=len, reverse=True):
        for match in re.finditer(re.escape(figure), text):
            start, end = match.span()
            if start > 0 and (text[start - 1].isdigit() or text[start - 1] == "."):
                continue
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
    return taken


def quote_spans(paragraph: str, quote: str) -> list[tuple[int, int]]:
    """Where the quote stands in the paragraph. Quotes are trimmed or joined sentences, so each piece is sought."""
    spans, position = [], 0
    for piece in re.split(r"(?<=[。；;！？!?])", quote):
        piece = piece.strip().rstrip("。；;，,")
        if len(piece) < 2:
            continue
        at = paragraph.find(piece, position)
        if at < 0:
            at = paragraph.find(piece)
        if at >= 0:
            spans.append((at, at + len(piece)))
            position = at + len(piece)
    return spans


def text_of(content) -> str:
    """The text of a chat message's content: a string, a list of parts [{"type": "text", "text": ...}], or a dict."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return text_of(content.get("text", content.get("content", "")))
    if isinstance(content, (list, tuple)):
        texts = [part for part in content if not isinstance(part, dict) or part.get("type", "text") == "text"]
        return "".join(text_of(part) for part in texts)
    return ""


def user_questions(history) -> list[str]:
    """Earlier user questions, oldest first, from a history of messages, [user, bot] pairs or plain strings."""
    questions = []
    for item in history if isinstance(history, (list, tuple)) else []:
        if isinstance(item, str):
            questions.append(item)
        elif isinstance(item, dict) and item.get("role") == "user":
            questions.append(text_of(item.get("content")))
        elif isinstance(item, (list, tuple)) and item:
            questions.append(text_of(item[0]))
    return [q for q in questions if q and q.strip()]


# ---- answers --------------------------------------------------------------------------------------------------
def safe_ask(bot, question, history, report=None) -> Answer:
    """bot.ask that never raises: anything a visitor sends gets an Answer (status "error" when the engine failed)."""
    try:
        options = {"report": report} if report else {}
        return bot.ask(question if isinstance(question, str) else str(question or ""), history=history, **options)
    except Exception:  # a visitor must get a message; the log gets the traceback
        log.exception("the engine failed on a question")
        return Answer(str(question)[:MAX_QUESTION_CHARS], "error", ERROR_TEXT, note=ERROR_TEXT)


def paragraph_link(paragraph_id: str) -> str:
    """The page address of a paragraph in 原文 (#p=<id>), escaped for an href: opening it shows the paragraph."""
    return html.escape("#p=" + quote(paragraph_id, safe=""), quote=True)


def linked_refs(rendered: str, citations) -> str:
    """Each [n] mark of rendered answer HTML made a link to its cited paragraph. Only our own <sup class="ref"> tags
    are touched: visitor and document text arrive escaped, so they hold no tag of their own."""
    targets = {c.n: c.id for c in citations}

    def link(match: re.Match) -> str:
        n = int(match.group(1))
        if n not in targets:
            return match.group(0)
        return f'<sup class="ref"><a class="ref-link" href="{paragraph_link(targets[n])}">[{n}]</a></sup>'

    return re.sub(r'<sup class="ref">\[(\d+)\]</sup>', link, rendered)


def status_head(answer: Answer) -> str:
    return STATUS_HEAD["en" if answer.lang == "en" else "zh"].get(answer.status, "")


def answer_body(answer: Answer) -> str:
    """What an answer says below its status line. A refusal's text is the status line and then its note (which
    year or figure the report lacks), so the note alone follows the line and the refusal speaks once."""
    if answer.status == "not_found":
        return answer.note
    return answer.answer or answer.note or ERROR_TEXT


def answer_html(answer: Answer, scope: str = "", timings: bool = False) -> str:
    """One answer as a chat message: status line, answer with figures bold and [n] linked to the cited paragraphs,
    cited paragraphs, and (for staff) timings. `scope` says what the reports do cover, under a refusal."""
    figures = [f.get("text", "") for f in answer.figures]
    text = answer_body(answer)
    spans = {"b": figure_spans(text, figures), "ref": [m.span() for m in re.finditer(r"\[\d+\]", text)]}
    head = status_head(answer)
    out = [f'<div class="ans ans-{html.escape(answer.status)}">']
    if head:
        out.append(f'<div class="ans-head">{_escape(head)}</div>')
    if text:
        out.append(f'<div class="ans-text">{linked_refs(marked_html(text, spans), answer.citations)}</div>')
    if answer.status == "not_found" and scope:
        out.append(f'<div class="ans-scope">{_escape(scope)}</div>')
    if answer.citations:
        out.append('<div class="cites"><div class="cites-title">引用原文（点击查看原文）</div>')
        for c in answer.citations:
            marks = quote_spans(c.text, c.quote)
            bold = [s for s in figure_spans(c.text, figures) if any(a <= s[0] < b for a, b in marks)]
            source = f"《{c.report_name}》" if getattr(c, "report_name", "") else ""
            out.append(
                f'<div class="cite"><div class="cite-head"><a class="cite-link" href="{paragraph_link(c.id)}">'
                f'<sup class="ref">[{c.n}]</sup> {_escape(source)}{_escape(c.section)} '
                f'<span class="pid">{_escape(c.id)}</span></a></div>'
                f'<div class="cite-text">{marked_html(c.text, {"mark": marks, "b": bold})}</div></div>'
            )
        out.append("</div>")
    if timings and answer.timings_ms:
        total = answer.timings_ms.get("total", sum(answer.timings_ms.values()))
        stages = " · ".join(f"{STAGE_NAMES.get(k, k)} {v:.1f}" for k, v in answer.timings_ms.items())
        out.append(f'<details class="timings"><summary>用时 {total:.0f} 毫秒</summary>'
                   f"{_escape(stages)}（毫秒）</details>")
    out.append("</div>")
    return "".join(out)


def answer_text(answer: Answer, scope: str = "") -> str:
    """One answer as plain text for API clients: status line, answer, what the reports cover (under a refusal), and
    the cited sentences with their ids."""
    head, body = status_head(answer), answer_body(answer)
    lines = [line for line in (head, body) if line] or [ERROR_TEXT]
    if answer.status == "not_found" and scope:
        lines.append(scope)
    for c in answer.citations:
        lines.append(f"[{c.n}] {c.section}（{c.id}）：{c.quote}")
    return "\n".join(lines)


def question_html(question: str) -> str:
    shown = question if len(question) <= MAX_QUESTION_CHARS else question[:MAX_QUESTION_CHARS] + "…"
    return _escape(shown)


# ---- what the reports cover -------------------------------------------------------------------------------------
def _heading_text(heading: str) -> str:
    """A heading without its numbering: 二、2022年工作要点 → 2022年工作要点, (一)… → …"""
    return re.sub(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])\s*", "", heading).strip()


def covered_headings(doc, limit: int = SCOPE_HEADINGS) -> list[str]:
    """A few headings that say what a report covers: its parts, or its sections when it is not divided in parts."""
    headings = [h for h in doc.parts if h and h != "正文"]
    if len(headings) < 2:
        headings += [s for s in dict.fromkeys(p.section for p in doc.paragraphs if p.section and p.kind == "body")
                     if s not in headings]
    return headings[:limit]


def report_scope(bot, picked: frozenset[str] | None = None) -> str:
    """What the reports in scope (the picked ones, else all) cover, to say under a refusal."""
    docs = [d for d in bot.documents if picked is None or d.key in picked]
    named = [f"《{bot.answerer.report_name(d.key)}》涉及：{'；'.join(covered_headings(d)) or '正文'}。" for d in docs]
    return "".join(named)


def elsewhere(bot, question: str, history: list[str], picked: frozenset[str] | None) -> str:
    """When one report was picked and did not say: the other loaded report that answers the question, if any."""
    if picked is None or len(bot.documents) < 2:
        return ""
    answer = safe_ask(bot, question, history)
    if answer.status not in ("answered", "partial"):
        return ""
    names = [c.report_name or c.report for c in answer.citations if c.report and c.report not in picked]
    if not names:
        return ""
    return f"《{names[0]}》中有相关内容：在“报告范围”中选择它，或选“{ALL_REPORTS}”再问一次。"


def example_questions(bot, per_report: int = 2) -> list[str]:
    """Questions to try, made from the loaded reports: one about a part that plans work (its heading), one about a
    measure the report states as an amount in a year, per report. Nothing is written by hand."""
    rows_by_report: dict[str, list[FigureRow]] = {}
    for r in bot.figure_rows():
        rows_by_report.setdefault(r.report, []).append(r)
    questions = []
    for doc in bot.documents:
        made = []
        amounts = [r for r in rows_by_report.get(doc.key, []) if r.kind == "amount" and re.fullmatch(r"\d{4}", r.year)]
        for r in amounts:
            key = measure_key(r.measure)
            if 3 <= len(key) <= 12 and re.fullmatch(r"[\u4e00-\u9fff]+", key) and not GROWTH_WORDS.search(key):
                made.append(f"{r.year}年{key}是多少？")
                break
        plan_parts = [p.part for p in doc.paragraphs if p.period == "plan" and p.kind == "body" and p.part]
        if plan_parts:
            part = max(dict.fromkeys(plan_parts), key=plan_parts.count)  # the part with most plan paragraphs
            made.append(f"{_heading_text(part)}有哪些安排？")
        questions.extend(made[:per_report])
    return list(dict.fromkeys(questions))


# ---- feedback -------------------------------------------------------------------------------------------------
def vote_name(liked) -> str:
    """True/False from the thumbs; an empty value when a visitor takes the vote back; else an option's label."""
    if isinstance(liked, bool):
        return "up" if liked else "down"
    return str(liked) if liked else "withdrawn"


FEEDBACK_COLUMNS = ["time", "vote", "question", "answer", "status", "report", "citations", "history", "via"]


def feedback_csv(records: list[dict], directory: Path) -> str:
    """The votes as a UTF-8 CSV for staff (spreadsheet formulas defused), named by its content."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FEEDBACK_COLUMNS)
    for record in records:
        cells = [record.get(k, "") for k in FEEDBACK_COLUMNS]
        writer.writerow([_csv_cell("；".join(map(str, v)) if isinstance(v, list) else str(v)) for v in cells])
    data = buffer.getvalue().encode("utf-8-sig")
    path = directory / f"feedback-{hashlib.sha1(data).hexdigest()[:12]}.csv"
    path.write_bytes(data)
    return str(path)


def token_matches(given, configured: str | None) -> bool:
    """Whether a token given by a visitor or an API client is the staff token (in constant time)."""
    if not configured or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), configured.encode("utf-8"))


def feedback_path(given: str | Path | None = None) -> str:
    """Where votes go: as given, else $ASSISTANT_FEEDBACK, else data/feedback.db (a SQLite file every replica shares,
    in a folder git ignores)."""
    return feedback_target(given)


def client_of(request: gr.Request | None, trust_proxy: bool) -> str:
    """Who is asking, for the rate limit: the peer address, or behind a trusted proxy the first X-Forwarded-For."""
    if request is None:
        return "local"
    if trust_proxy:
        forwarded = (request.headers or {}).get("x-forwarded-for", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"


# ---- figure desk ----------------------------------------------------------------------------------------------
def table_row(row: FigureRow) -> list[str]:
    """A figure as a row of FIGURE_COLUMNS."""
    return [row.figure, row.clause, row.measure, row.report_name, row.part, row.section, row.paragraph_id]


def figure_table(rows: list[FigureRow]) -> pd.DataFrame:
    return pd.DataFrame([table_row(r) for r in rows], columns=FIGURE_COLUMNS)


def compare_table(rows: list[FigureRow]) -> pd.DataFrame:
    return pd.DataFrame([compare_row(r) for r in rows], columns=COMPARE_COLUMNS)


def filter_figures(rows: list[FigureRow], keyword: str, part: str, report: str = ALL_REPORTS) -> list[FigureRow]:
    """The engine's figure filter (the CLI's too), the dropdowns' 全部 meaning no filter."""
    return figures_matching(rows, keyword, "" if part == ALL_PARTS else part,
                            None if report in (None, "", ALL_REPORTS) else report)


def _csv_cell(value: str) -> str:
    return "'" + value if value.startswith(CSV_FORMULA_START) else value


@functools.cache
def scratch_dir() -> Path:
    """One folder per process for generated CSV files, removed at exit (Gradio serves copies from its cache)."""
    folder = tempfile.TemporaryDirectory(prefix="figures-csv-")
    atexit.register(folder.cleanup)
    return Path(folder.name)


def write_csv(rows: list[FigureRow], directory: Path, columns: list[str] | None = None, cells=None) -> str:
    """The rows as a UTF-8 CSV (with BOM, so spreadsheet programs read the Chinese) named by its content: the figure
    desk's columns (or `columns` with `cells(row)`), then the whole sentence and the report's key."""
    columns, cells = (columns, cells) if columns else (FIGURE_COLUMNS, table_row)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*columns, "所在句子", "报告编号"])
    for r in rows:
        writer.writerow([_csv_cell(v) for v in (*cells(r), r.sentence, r.report)])
    data = buffer.getvalue().encode("utf-8-sig")
    path = directory / f"figures-{hashlib.sha1(data).hexdigest()[:12]}.csv"
    if not path.exists():
        path.write_bytes(data)
    return str(path)


# ---- one measure across reports and years ---------------------------------------------------------------------
def compare_row(row: FigureRow) -> list[str]:
    """A figure as a row of COMPARE_COLUMNS."""
    return [row.measure, row.report_name, row.year or "—", row.role or "—", row.figure, row.clause, row.paragraph_id]


def figure_paragraph_html(row: FigureRow) -> str:
    """The whole paragraph a figure stands in, its sentence highlighted and the figure marked."""
    at = row.paragraph_text.find(row.sentence)
    spans = {"mark": [(at, at + len(row.sentence))] if at >= 0 else [], "hit": [(row.start, row.end)],
             "b": [(row.start, row.end)]}
    heads = " > ".join(h for h in (f"《{row.report_name}》" if row.report_name else "", row.part, row.section) if h)
    return (f'<div class="figure-paragraph"><div class="cite-head">{_escape(heads)} '
            f'<span class="pid">{_escape(row.paragraph_id)}</span></div>'
            f'<div class="cite-text">{marked_html(row.paragraph_text, spans)}</div></div>')


def count_html(shown: int, total: int) -> str:
    text = f"共 {total} 个数字" if shown == total else f"找到 {shown} 个（共 {total} 个）"
    return f'<div class="figure-count">{_escape(text)} · 点击一行查看整段原文</div>'


# ---- the report -----------------------------------------------------------------------------------------------
META_FIELDS = ("文号", "发布机构", "发文日期", "索引号")


def report_html(documents) -> str:
    """Every report by part and section, paragraph ids visible, metadata on top."""
    out = ['<div class="report">']
    for doc in documents:
        out.append(f"<h2>{_escape(doc.title)}</h2>")
        rows = "".join(f"<tr><th>{_escape(k)}</th><td>{_escape(doc.meta.get(k) or '—')}</td></tr>" for k in META_FIELDS)
        out.append(f'<table class="meta-table">{rows}</table>')
        part = section = None
        for p in doc.paragraphs:
            if p.kind == "meta":
                continue
            if p.kind == "signature":
                out.append(f'<p class="sign" id="{_escape(p.id)}"><span class="pid">{_escape(p.id)}</span>\n'
                           f"{_escape(p.text.strip())}</p>")
                continue
            if p.part != part:
                part, section = p.part, None
                out.append(f"<h3>{_escape(part)}</h3>")
            if p.section and p.section != section:
                section = p.section
                out.append(f"<h4>{_escape(section)}</h4>")
            lead = p.lead if p.lead and p.text.startswith(p.lead) else ""
            body = (f'<span class="lead">{_escape(lead)}</span>' if lead else "") + _escape(p.text[len(lead):])
            out.append(f'<p id="{_escape(p.id)}"><span class="pid">{_escape(p.id)}</span> {body}</p>')
    out.append("</div>")
    return "".join(out)


# ---- the app --------------------------------------------------------------------------------------------------
def report_choices(bot: Assistant) -> list[str]:
    return [ALL_REPORTS, *(bot.answerer.report_name(d.key) for d in bot.documents)]


def page_title(bot: Assistant) -> str:
    """The report's title, or for several how many there are (their titles are listed in 原文)."""
    docs = bot.documents
    return docs[0].title if len(docs) == 1 else f"政府工作报告（{len(docs)} 份）" if docs else "政府工作报告"


def build_demo(engine: Assistant | Library, feedback: str | Path | None = None, *,
               concurrency: int = DEFAULT_CONCURRENCY, max_queue: int = DEFAULT_MAX_QUEUE,
               rate: float = 0, burst: int = DEFAULT_BURST, trust_proxy: bool = False,
               staff_token: str | None = None) -> gr.Blocks:
    """The whole app around a loaded engine (an Assistant, or a Library that can reload it), queue configured;
    launch it with launch(). `rate` > 0 limits each client to that many questions a minute (bursts of `burst`).
    `staff_token` turns on the staff actions (reload, timings, feedback export) for whoever gives it: in the page's
    staff box, or in the STAFF_HEADER of an API call. Without it there are no staff actions at all."""
    library = engine if isinstance(engine, Library) else Library(engine)
    votes = open_feedback(feedback)
    limiter = RateLimiter(rate, burst)
    guesses = RateLimiter(STAFF_ATTEMPTS_PER_MINUTE, STAFF_ATTEMPTS_BURST)  # token tries, per client
    csv_dir = scratch_dir()
    bot0 = library.bot
    rows0 = bot0.figure_rows()

    def checked_ask(question, history, report, request) -> Answer:
        """The answer, unless the client is over its rate or the request is too long: then a message saying so."""
        text = question if isinstance(question, str) else str(question or "")
        if len(text) > MAX_REQUEST_CHARS:
            return Answer(text[:MAX_QUESTION_CHARS], "invalid", TOO_LONG_TEXT, note=TOO_LONG_TEXT)
        if not limiter.allow(client_of(request, trust_proxy)):
            return Answer(text[:MAX_QUESTION_CHARS], "busy", BUSY_TEXT, note=BUSY_TEXT)
        picked = None if not report or report == ALL_REPORTS else report
        return safe_ask(library.bot, text, history, picked)

    def refusal_scope(question: str, history: list[str], report) -> str:
        """Under a refusal: what the reports in scope cover, and another loaded report that answers, if one does."""
        bot = library.bot
        try:
            picked = resolve(report, bot.documents) if report and report != ALL_REPORTS else None
        except ValueError:
            picked = None
        return report_scope(bot, picked) + elsewhere(bot, question, history, picked)

    def respond(message, chat_history, turns, report, staff, request: gr.Request):
        chat_history, turns = list(chat_history or []), list(turns or [])
        question = message if isinstance(message, str) else ""
        if not question.strip():
            return chat_history, turns, ""  # an empty send does nothing
        history = [t["question"] for t in turns]
        answer = checked_ask(question, history, report, request)
        scope = refusal_scope(answer.question, history, report) if answer.status == "not_found" else ""
        chat_history.append({"role": "user", "content": question_html(question)})
        chat_history.append({"role": "assistant", "content": answer_html(answer, scope, timings=bool(staff))})
        turns.append({"index": len(chat_history) - 1, "question": question, "history": history,
                      "answer": answer.answer, "status": answer.status, "citations": [c.id for c in answer.citations],
                      "report": report or ALL_REPORTS})
        return chat_history, turns, ""

    def record_vote(turns, vote: gr.LikeData):
        index = vote.index[0] if isinstance(vote.index, (list, tuple)) else vote.index
        turn = next((t for t in turns or [] if t["index"] == index), None)
        if turn is None:
            return
        record = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "question": turn["question"],
                  "history": turn["history"], "answer": turn["answer"], "status": turn["status"],
                  "citations": turn["citations"], "report": turn.get("report", ALL_REPORTS),
                  "vote": vote_name(vote.liked)}
        try:
            votes.append(record)
        except Exception:  # a locked or unreachable database must not cost the visitor the page
            log.exception("could not store feedback")
            gr.Warning("反馈没有保存成功，请稍后再试。")
            return
        gr.Info("已撤回评价。" if record["vote"] == "withdrawn" else "已记录您的评价，谢谢！", duration=3)

    def clear():
        return [], [], ""

    def show_figures(keyword, part, report):
        all_rows = library.bot.figure_rows()
        rows = filter_figures(all_rows, keyword, part, report)
        return figure_table(rows), count_html(len(rows), len(all_rows)), write_csv(rows, csv_dir)

    def show_paragraph(selected: gr.SelectData):
        """The clicked row's paragraph, found by the row's values (a visitor may have sorted the table)."""
        value = [str(v) for v in selected.row_value or []]
        row = next((r for r in library.bot.figure_rows() if table_row(r) == value or compare_row(r) == value), None)
        return figure_paragraph_html(row) if row else ""

    def show_comparison(measure):
        rows = compare_figures(library.bot.figure_rows(), measure)
        return compare_table(rows), write_csv(rows, csv_dir, COMPARE_COLUMNS, compare_row)

    def is_staff(given: str | None, request: gr.Request | None) -> bool:
        """Whether `given` is the staff token; a client is allowed a few tries a minute, so it cannot be guessed."""
        if not staff_token or not guesses.allow(client_of(request, trust_proxy)):
            return False
        return token_matches(given, staff_token)

    def staff_login(token, request: gr.Request):
        ok = is_staff(token, request)
        message = "" if ok else "令牌不对，或尝试太频繁。Wrong token, or too many tries."
        return (ok, gr.update(visible=not ok), gr.update(visible=ok), gr.update(value=""),
                f'<div class="figure-count">{_escape(message)}</div>')

    def staff_logout():
        return False, gr.update(visible=True), gr.update(visible=False), ""

    def reload_reports(staff):
        if not staff:  # the event exists in the page's config: only a session that logged in may run it
            return (f'<div class="figure-count">{_escape(STAFF_ONLY_TEXT)}</div>', *[gr.skip()] * 7)
        return reloaded(library.reload())

    def add_report(staff, upload):
        if not staff:
            return (f'<div class="figure-count">{_escape(STAFF_ONLY_TEXT)}</div>', *[gr.skip()] * 7)
        if not upload:
            return ('<div class="figure-count">请先选择报告文件。</div>', *[gr.skip()] * 7)
        return reloaded(library.add_report(upload, Path(upload).name))

    def reloaded(message: str):
        """The page brought up to date with the engine after a reload: the report, menus, measures and examples."""
        bot = library.bot
        rows = bot.figure_rows()
        choices = report_choices(bot)
        return (f'<div class="figure-count">{_escape(message)}</div>', report_html(bot.documents),
                gr.update(choices=choices, value=ALL_REPORTS, visible=len(choices) > 2),
                gr.update(choices=choices, value=ALL_REPORTS, visible=len(choices) > 2),
                gr.update(choices=[ALL_PARTS, *dict.fromkeys(r.part for r in rows)], value=ALL_PARTS),
                gr.update(choices=measures(rows), value=None),
                gr.Dataset(samples=[[q] for q in example_questions(bot)]))

    def export_feedback(staff):
        if not staff:
            return gr.update(value=None, visible=False)
        return gr.update(value=feedback_csv(votes.records(), csv_dir), visible=True)

    def reload_api(request: gr.Request = None) -> str:
        """Staff: load the reports now in seeds/ (new or changed ones are indexed). Needs the staff token in the
        X-Staff-Token header; returns what happened."""
        if not is_staff((request.headers or {}).get(STAFF_HEADER) if request else None, request):
            raise gr.Error(STAFF_ONLY_TEXT)
        return library.reload()

    def feedback_export_api(request: gr.Request = None) -> list:
        """Staff: every vote recorded, oldest first. Needs the staff token in the X-Staff-Token header."""
        if not is_staff((request.headers or {}).get(STAFF_HEADER) if request else None, request):
            raise gr.Error(STAFF_ONLY_TEXT)
        return votes.records()

    def chat_api(message: str, history: list | None = None, report: str | None = None,
                 request: gr.Request = None) -> str:
        """Answer one message in a conversation; history: earlier messages ({"role", "content"}) or questions;
        report: a report's key or title to answer from (default: all)."""
        questions = user_questions(history)
        answer = checked_ask(message, questions, report, request)
        scope = refusal_scope(answer.question, questions, report) if answer.status == "not_found" else ""
        return answer_text(answer, scope)

    def ask_api(question: str, history: list | None = None, report: str | None = None,
                request: gr.Request = None) -> dict:
        """The Answer JSON of DESIGN.md; history: earlier user questions, oldest first; report: a report's key or
        title to answer from (default: all)."""
        return checked_ask(question, user_questions(history), report, request).to_dict()

    def feedback_api(question: str, answer: str, vote: str, citations: list | None = None,
                     request: gr.Request = None) -> str:
        """Record a vote on an answer (vote: "up" or "down"); returns "ok", or what is wrong."""
        if vote not in ("up", "down"):
            return "vote must be up or down"
        if len(str(question)) + len(str(answer)) > 2 * MAX_REQUEST_CHARS:
            return TOO_LONG_TEXT
        if not limiter.allow(client_of(request, trust_proxy)):
            return BUSY_TEXT
        record = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "question": str(question),
                  "history": [], "answer": str(answer), "status": "", "report": ALL_REPORTS,
                  "citations": [str(c) for c in (citations or [])][:20], "vote": vote, "via": "api"}
        votes.append(record)
        return "ok"

    private = {"api_visibility": "private"}
    instant = {**private, "concurrency_limit": None, "show_progress": "hidden"}
    choices = report_choices(bot0)
    several = len(choices) > 2
    with gr.Blocks(title="政府工作报告问答助手", analytics_enabled=False) as demo:  # no calls home
        gr.HTML(f'<h1 style="font-size:1.4em;margin:.2em 0">{_escape(page_title(bot0))} · 问答助手</h1>'
                '<div class="figure-count">答案只摘自报告原文，数字照原文引用；报告没有的内容会直说没有。'
                "Questions in English are welcome.</div>")
        with gr.Tabs():
            with gr.Tab("问答", id="chat-tab"):
                chat_report = gr.Dropdown(choices, value=ALL_REPORTS, label="报告范围", elem_id="chat-report",
                                          visible=several, interactive=True)
                # No autoscroll to the end of a long answer: after a reply the page shows the question and the
                # start of its answer (SHOW_LAST_QUESTION).
                chatbot = gr.Chatbot(elem_id="chat", label="问答", show_label=False, height="min(62vh, 640px)",
                                     autoscroll=False, render_markdown=False, sanitize_html=True, allow_tags=False, latex_delimiters=[],
                                     buttons=[],  # a copy button would copy our HTML, not the text
                                     placeholder="问一个关于报告的问题，例如：2021年规上工业总产值是多少？")
                turns = gr.State([])
                with gr.Row(equal_height=True):
                    question = gr.Textbox(elem_id="question", show_label=False, scale=5, min_width=150,
                                          placeholder="输入问题，按回车发送（也可以用英文提问）", lines=1, max_lines=4)
                    send = gr.Button("发送", variant="primary", elem_id="send", scale=1, min_width=64)
                    clear_button = gr.Button("清空", elem_id="clear", scale=1, min_width=64)
                examples = gr.Examples(example_questions(bot0) or [""], inputs=[question],
                                       label="示例问题（点击填入）", elem_id="examples")
            with gr.Tab("数据速查", id="figures-tab"):
                with gr.Row(equal_height=True):
                    keyword = gr.Textbox(elem_id="figure-filter", label="关键词", placeholder="例如：外资、产值、高企",
                                         scale=3, min_width=160)
                    figure_report = gr.Dropdown(choices, value=ALL_REPORTS, label="报告", elem_id="figure-report",
                                                scale=2, min_width=160, visible=several)
                    part = gr.Dropdown([ALL_PARTS, *dict.fromkeys(r.part for r in rows0)], value=ALL_PARTS,
                                       label="部分", elem_id="figure-part", scale=2, min_width=160)
                    download = gr.DownloadButton("下载 CSV", value=write_csv(rows0, csv_dir), elem_id="figure-csv",
                                                 scale=1, min_width=110)
                count = gr.HTML(count_html(len(rows0), len(rows0)), elem_id="figure-count")
                table = gr.Dataframe(figure_table(rows0), elem_id="figures", interactive=False, wrap=True,
                                     max_height=520, datatype="str", column_widths=FIGURE_COLUMN_WIDTHS)
                paragraph = gr.HTML("", elem_id="figure-paragraph")
                with gr.Accordion("指标对比：同一指标在各报告、各年份的数字", open=several, elem_id="compare-box"):
                    with gr.Row(equal_height=True):
                        measure = gr.Dropdown(measures(rows0), value=None, label="指标（从数字的标签中找出）",
                                              elem_id="compare-measure", allow_custom_value=True, scale=4,
                                              min_width=200)
                        compare_download = gr.DownloadButton("下载对比 CSV", elem_id="compare-csv", scale=1,
                                                             min_width=120)
                    compare = gr.Dataframe(compare_table([]), elem_id="compare", interactive=False, wrap=True,
                                           max_height=420, datatype="str", column_widths=COMPARE_COLUMN_WIDTHS)
            with gr.Tab("原文", id="report-tab"):
                report = gr.HTML(report_html(bot0.documents), elem_id="report")
        staff = gr.State(False)  # server-side, per visitor: set only by a login with the right token
        if staff_token:
            with gr.Accordion("工作人员", open=False, elem_id="staff-box"):
                with gr.Row(equal_height=True) as login_row:
                    token_box = gr.Textbox(type="password", label="工作人员令牌", elem_id="staff-token", scale=3,
                                           min_width=160)
                    login_button = gr.Button("登录", elem_id="staff-login", scale=1, min_width=64)
                login_status = gr.HTML("", elem_id="staff-status")
                with gr.Column(visible=False, elem_id="staff-tools") as tools:
                    gr.HTML('<div class="figure-count">已登录：回答下方显示用时。</div>')
                    with gr.Row(equal_height=True):
                        reload_button = gr.Button("重新载入报告（seeds/ 中新增或修改的报告）", elem_id="reload",
                                                  scale=3)
                        export_button = gr.Button("导出反馈 CSV", elem_id="feedback-export", scale=1, min_width=110)
                        logout_button = gr.Button("退出", elem_id="staff-logout", scale=1, min_width=64)
                    with gr.Row(equal_height=True):
                        new_report = gr.File(label=f"添加报告（{' '.join(SUPPORTED)}）", file_types=list(SUPPORTED),
                                             type="filepath", elem_id="add-report-file", scale=3)
                        add_button = gr.Button("添加并载入", elem_id="add-report", scale=1, min_width=110)
                    reload_status = gr.HTML("", elem_id="reload-status")
                    feedback_file = gr.File(label="反馈记录", visible=False, interactive=False,
                                            elem_id="feedback-file")

        chat_inputs, chat_outputs = [question, chatbot, turns, chat_report, staff], [chatbot, turns, question]
        for trigger in (question.submit, send.click):
            trigger(respond, chat_inputs, chat_outputs, concurrency_id=ANSWER_GROUP, **private).then(
                None, js=SHOW_LAST_QUESTION, **private)
        clear_button.click(clear, None, [chatbot, turns, question], **instant)
        chatbot.clear(clear, None, [chatbot, turns, question], **instant)  # the Chatbot's own trash icon
        chatbot.like(record_vote, [turns], None, **instant)
        # .change, not .input: .input follows key presses and misses pasted or IME text; always_last keeps the
        # final keystroke when typing outruns the server.
        for control in (keyword, part, figure_report):
            control.change(show_figures, [keyword, part, figure_report], [table, count, download],
                           trigger_mode="always_last", **instant)
        table.select(show_paragraph, None, [paragraph], **instant)
        compare.select(show_paragraph, None, [paragraph], **instant)
        measure.change(show_comparison, [measure], [compare, compare_download], trigger_mode="always_last", **instant)
        gr.api(chat_api, api_name="chat", concurrency_id=ANSWER_GROUP)
        gr.api(ask_api, api_name="ask", concurrency_id=ANSWER_GROUP)
        gr.api(feedback_api, api_name="feedback", concurrency_limit=None)
        if staff_token:
            for trigger in (login_button.click, token_box.submit):
                trigger(staff_login, [token_box], [staff, login_row, tools, token_box, login_status], **instant)
            logout_button.click(staff_logout, None, [staff, login_row, tools, login_status], **instant)
            reloaded_outputs = [reload_status, report, chat_report, figure_report, part, measure, examples.dataset]
            reload_button.click(reload_reports, [staff], reloaded_outputs, concurrency_limit=1, **private)
            add_button.click(add_report, [staff, new_report], reloaded_outputs, concurrency_limit=1, **private)
            export_button.click(export_feedback, [staff], [feedback_file], **private)
            gr.api(reload_api, api_name="reload", concurrency_limit=1)
            gr.api(feedback_export_api, api_name="feedback_export", concurrency_limit=None)
    demo.queue(default_concurrency_limit=concurrency, max_size=max_queue)
    return demo


def launch(demo: gr.Blocks, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, **options):
    """Serve the app on host:port, never shared, serving no files beyond Gradio's own cache, with no Gradio footer."""
    settings = {"theme": gr.themes.Soft(), "css": CSS, "js": PAGE_JS, "share": False, "allowed_paths": [],
                "ssr_mode": False, "show_error": False, "footer_links": [], **options}
    return demo.launch(server_name=host, server_port=port, **settings)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve the report question-answering web app.")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"interface to bind (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--feedback", "--feedback-log", dest="feedback",
                        help="where votes go: a SQLite file (default data/feedback.db, shared by every replica on "
                             "the machine), sqlite:///PATH, postgresql://… (replicas on several machines) or a *.jsonl "
                             "file; default $ASSISTANT_FEEDBACK")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="answers computed at once")
    parser.add_argument("--max-queue", type=int, default=DEFAULT_MAX_QUEUE,
                        help="requests waiting at most; more are told the app is busy")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE,
                        help=f"questions a client may ask a minute (default {DEFAULT_RATE}; 0: no limit)")
    parser.add_argument("--burst", type=int, default=DEFAULT_BURST, help="questions a client may ask at once")
    parser.add_argument("--trust-proxy", action="store_true",
                        help="behind a reverse proxy: tell clients apart by X-Forwarded-For")
    parser.add_argument("--watch", type=float, default=0,
                        help="every N seconds, load the index when another process rebuilt it (0: only the button)")
    parser.add_argument("--store", help="local (default) or milvus:URI; default $ASSISTANT_STORE")
    parser.add_argument("--staff-token", default=os.environ.get(STAFF_TOKEN_ENV) or None,
                        help="turn on staff actions (reload, timings, feedback export) for whoever gives this token, "
                             f"in the page or in the X-Staff-Token header of API calls; default ${STAFF_TOKEN_ENV}; "
                             "none: no staff actions")
    return parser.parse_args(argv)


def quiet_libraries() -> None:
    """Our own INFO lines only: no per-request lines from httpx (Gradio's startup checks), no index-building DEBUG
    lines from bm25s (it sets its own logger to DEBUG)."""
    for name in ("httpx", "bm25s", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_libraries()
    library = default_library(store=args.store)
    docs = library.bot.documents
    log.info("loaded %d report(s) from %s: %s", len(docs), library.bot.seeds_dir, "、".join(d.title for d in docs))
    if args.watch > 0:
        library.watch(args.watch)
    demo = build_demo(library, args.feedback, concurrency=args.concurrency, max_queue=args.max_queue,
                      rate=args.rate, burst=args.burst, trust_proxy=args.trust_proxy, staff_token=args.staff_token)
    target = feedback_path(args.feedback)
    log.info("votes go to %s; staff actions %s", target.split("://")[0] + "://…" if "://" in target else target,
             "on (token required)" if args.staff_token else "off (no --staff-token)")
    _, url, _ = launch(demo, args.host, args.port, quiet=True, prevent_thread_lock=True)
    log.info("listening on %s", url)
    demo.block_thread()


if __name__ == "__main__":
    main()
