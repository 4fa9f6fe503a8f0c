"""The web app in a real browser (Debian's Chromium through Playwright): what a visitor and a staff member see.

Screenshots of the main views are written to test-artifacts/ (git-ignored); `UPDATE_DOCS_SCREENSHOTS=1 python -m pytest
tests/test_browser.py` writes them to docs/ instead, where they are the README's pictures.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPORTS, STAFF_TOKEN, watch

pytestmark = [pytest.mark.slow, pytest.mark.browser]
# An assertion waits as long as a page action may (uploads and answers take seconds more when the machine is busy):
# Playwright's default of 5 s made the upload check fail while another test run shared the two cores.
expect.set_options(timeout=60_000)

QUESTION = "2021年规上工业总产值是多少?"
FIGURE = "3453.8亿元"
PARAGRAPH = "xiamen-torch-hitech-zone-2021-summary-2022-plan:1.0.2"
UNANSWERABLE = "2023年高新区计划落地多少个招商项目?"
LONG_ANSWER = "2022年工作要点有哪些安排？"  # a list with many cited paragraphs, taller than the chat box
EMOJI = re.compile("[\u2300-\u23ff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# Whether an element's first line is on screen: inside the window and inside every box around it that scrolls.
IN_VIEW = """element => {
  const r = element.getBoundingClientRect();
  for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
    if (!['auto', 'scroll'].includes(getComputedStyle(box).overflowY)) continue;
    const b = box.getBoundingClientRect();
    if (r.top < b.top - 1 || r.top + 16 > b.bottom) return false;
  }
  return r.top >= 0 && r.top + 16 <= window.innerHeight;
}"""
INJECTION = "<img src=x onerror=alert(1)> [点我](javascript:alert(1))"


def ask(page: Page, question: str):
    """Type a question, send it with Enter, and return the answer's bubble once it is there."""
    bubbles = page.locator('#chat [data-testid="bot"]')
    before = bubbles.count()
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    expect(bubbles).to_have_count(before + 1)
    return bubbles.last


def show_from(bubble) -> None:
    """Scroll the chat so that this message stands at the top (for screenshots)."""
    bubble.evaluate("element => { element.scrollIntoView({block: 'start'}); window.scrollTo(0, 0); }")


def in_view(locator) -> bool:
    return locator.evaluate(IN_VIEW)


def expect_in_view(locator) -> None:
    """The element's first line comes to be on screen (the page scrolls just after the reply arrives)."""
    deadline = time.monotonic() + 3
    while not in_view(locator):
        assert time.monotonic() < deadline, "not in view"
        locator.page.wait_for_timeout(50)
    locator.page.wait_for_timeout(300)
    assert in_view(locator), "scrolled out of view again"


def expect_linked(page: Page, paragraph_id: str) -> None:
    """原文 is open with that paragraph, and only it, highlighted and on screen."""
    expect(page.get_by_role("tab", name="原文")).to_have_attribute("aria-selected", "true")
    linked = page.locator("#report .linked")
    expect(linked).to_have_count(1)
    expect(linked).to_have_attribute("id", paragraph_id)
    expect_in_view(linked)


def test_a_figure_question_shows_the_figure_and_the_cited_paragraph(watched_page):
    answer = ask(watched_page, QUESTION)
    expect(answer.locator(".ans-text strong", has_text=FIGURE)).to_be_visible()
    cite = answer.locator(".cite").first
    expect(cite.locator(".pid")).to_have_text(PARAGRAPH)
    expect(cite).to_contain_text("一、2021年工作总结")
    expect(cite.locator("mark", has_text=FIGURE)).to_be_visible()
    expect(answer.locator("details.timings")).to_have_count(0)  # timings are for staff


@pytest.mark.parametrize("size", [{"width": 1280, "height": 900}, PHONE["viewport"]], ids=["desktop", "phone"])
def test_after_a_reply_the_question_and_the_first_line_of_the_answer_are_in_view(browser, app_url, size,
                                                                                  screenshot_dir):
    context = browser.new_context(**(PHONE if size["width"] < 500 else {"viewport": size}))
    try:
        page = context.new_page()
        page.goto(app_url)
        page.wait_for_selector("#question textarea")
        for question in (QUESTION, LONG_ANSWER, QUESTION, LONG_ANSWER):
            answer = ask(page, question)
            expect_in_view(page.locator('#chat [data-testid="user"]').last)
            expect_in_view(answer.locator(".ans-text"))
        assert not in_view(answer.locator(".cite").last), "the answer is short enough to need no scrolling"
        name = "phone" if size["width"] < 500 else "chat"
        page.screenshot(path=screenshot_dir / f"screenshot-{name}-after-reply.png")
    finally:
        context.close()


def test_a_citation_mark_and_header_open_the_paragraph_in_the_report(watched_page):
    page = watched_page
    answer = ask(page, LONG_ANSWER)
    cited = [answer.locator(".cite .pid").nth(i).inner_text() for i in range(2)]
    answer.locator(".ans-text a.ref-link", has_text="[2]").click()
    expect_linked(page, cited[1])
    assert page.evaluate("location.hash") == "#p=" + quote(cited[1], safe="")
    page.get_by_role("tab", name="问答").click()
    answer.locator(".cite-head a").first.click()
    expect_linked(page, cited[0])


def test_a_paragraph_address_opens_that_paragraph(page, app_url, bot):
    last = [p for p in bot.documents[0].paragraphs if p.kind == "body"][-1]  # far down: the page must scroll to it
    page.goto(f"{app_url}#p={quote(last.id, safe='')}")
    expect_linked(page, last.id)
    expect(page.locator("#report .linked")).to_contain_text(last.text[:20])
    page.goto(f"{app_url}#p={quote(PARAGRAPH, safe='')}")  # an address typed over another: the hash changes
    expect_linked(page, PARAGRAPH)


def test_the_public_page_has_no_staff_controls_no_footer_and_no_emoji(watched_page):
    page = watched_page
    expect(page.locator("#reload")).to_have_count(0)
    expect(page.locator("#staff-box")).to_have_count(0)  # no token configured: no staff actions at all
    expect(page.locator("footer")).to_have_count(0)
    for text in ("使用 Gradio 构建", "Built with Gradio", "通过 API 使用", "Use via API"):
        expect(page.get_by_text(text)).to_have_count(0)
    for question in (UNANSWERABLE, "2021年软件业营收多少亿元?"):
        head = ask(page, question).locator(".ans-head")
        assert not EMOJI.search(head.inner_text())
        icon = head.evaluate("element => getComputedStyle(element, '::before').maskImage || "
                             "getComputedStyle(element, '::before').webkitMaskImage")
        assert "data:image/svg+xml" in icon
        assert head.evaluate("element => element.getBoundingClientRect().height") > 0
    assert not EMOJI.search(page.locator("#chat").inner_text())


def test_an_empty_send_does_nothing(watched_page):
    page = watched_page
    for text in ("", "   "):
        page.fill("#question textarea", text)
        page.press("#question textarea", "Enter")
        page.locator("#send").click()
    page.wait_for_timeout(1000)
    expect(page.locator('#chat [data-testid="user"]')).to_have_count(0)
    expect(page.locator('#chat [data-testid="bot"]')).to_have_count(0)


def test_the_examples_come_from_the_report(watched_page, bot):
    examples = watched_page.locator("#examples")
    for part in bot.documents[0].parts[1:]:
        expect(examples).to_contain_text(part.split("、", 1)[-1])
    examples.get_by_text("有哪些安排").first.click()
    expect(watched_page.locator("#question textarea")).to_have_value(re.compile("有哪些安排"))


def test_staff_log_in_with_the_token_to_reload_see_timings_and_export_votes(page, staff_app_url):
    page.set_default_timeout(30_000)
    page.goto(staff_app_url)
    page.wait_for_selector("#question textarea")
    expect(page.locator("#reload")).to_be_hidden()
    page.locator("#staff-box").get_by_text("工作人员").first.click()
    page.fill("#staff-token input", "wrong")
    page.locator("#staff-login").click()
    expect(page.locator("#staff-status")).to_contain_text("令牌不对")
    expect(page.locator("#reload")).to_be_hidden()
    page.fill("#staff-token input", STAFF_TOKEN)
    page.locator("#staff-login").click()
    expect(page.locator("#reload")).to_be_visible()
    answer = ask(page, QUESTION)
    answer.locator("details.timings summary").click()
    expect(answer.locator("details.timings")).to_contain_text("总计")
    answer.page.locator('#chat button[aria-label="Like"]').last.click()
    page.locator("#feedback-export").click()
    expect(page.locator("#feedback-file")).to_contain_text(".csv")
    page.locator("#reload").click()
    expect(page.locator("#reload-status")).to_contain_text("已载入 1 份报告")
    page.locator("#staff-logout").click()
    expect(page.locator("#reload")).to_be_hidden()


def test_a_follow_up_uses_the_conversation(watched_page, screenshot_dir):
    ask(watched_page, "2021年平板显示产业的产值是多少?")
    answer = ask(watched_page, "那计算机与通讯设备产业呢?")
    expect(answer.locator(".ans-text")).to_contain_text("1006.6亿元")
    expect(answer.locator(".cite").first).to_contain_text("计算机与通讯设备产业实现产值1006.6亿元")
    ask(watched_page, "2021年软件业营收多少亿元?")
    show_from(watched_page.locator('#chat [data-testid="user"]').nth(1))
    watched_page.screenshot(path=screenshot_dir / "screenshot-chat.png")


def test_an_unanswerable_question_is_refused(watched_page):
    answer = ask(watched_page, UNANSWERABLE)
    expect(answer.locator(".ans-not_found .ans-head")).to_contain_text("报告中没有")
    expect(answer.locator(".ans-scope")).to_contain_text("2022年工作要点")
    expect(answer.locator(".cite")).to_have_count(0)


def test_markup_typed_by_a_visitor_is_shown_as_text(watched_page):
    ask(watched_page, INJECTION)
    expect(watched_page.locator('#chat [data-testid="user"]').last).to_have_text(INJECTION)
    time.sleep(0.5)  # give an injected handler the chance to run; watched_page fails the test on any dialog
    assert watched_page.locator("img[src='x']").count() == 0
    assert watched_page.locator("[onerror]").count() == 0
    assert watched_page.locator("a[href^='javascript']").count() == 0


def test_a_thumbs_up_is_logged_with_the_answer(watched_page, feedback_file):
    ask(watched_page, QUESTION)
    watched_page.locator('#chat button[aria-label="Like"]').last.click()
    expect(watched_page.get_by_text("已记录您的评价")).to_be_visible()
    deadline = time.monotonic() + 10
    records = []
    while time.monotonic() < deadline and not records:
        if feedback_file.exists():
            records = [r for r in map(json.loads, feedback_file.read_text("utf-8").splitlines())
                       if r["question"] == QUESTION and r["vote"] == "up"]
        time.sleep(0.1)
    assert records, "no feedback line written"
    assert FIGURE in records[-1]["answer"] and records[-1]["citations"] == [PARAGRAPH]


def test_the_figure_desk_filters_as_you_type_and_shows_the_paragraph(watched_page, screenshot_dir):
    page = watched_page
    page.get_by_role("tab", name="数据速查").click()
    expect(page.locator("#figure-count")).to_contain_text("共")
    page.fill("#figure-filter textarea", "外资")
    expect(page.locator("#figure-count")).to_contain_text("找到")
    rows = page.locator('#figures [role="row"][data-index]')
    assert rows.count() > 0
    for i in range(rows.count()):
        clause, measure = (page.locator(f'#figures [data-testid="cell-{i}-{c}"]').inner_text() for c in (1, 2))
        assert "外资" in clause + measure
    page.locator('#figures [role="gridcell"]', has_text="35亿元").first.click()
    expect(page.locator("#figure-paragraph mark.hit")).to_have_text("35亿元")
    expect(page.locator("#figure-paragraph")).to_contain_text("实际利用外资35亿元")
    with page.expect_download() as download:
        page.locator("#figure-csv").click()
    lines = download.value.path().read_text("utf-8-sig").splitlines()
    assert len(lines) == rows.count() + 1 and all("外资" in line for line in lines[1:])
    page.screenshot(path=screenshot_dir / "screenshot-figures.png")


def test_the_report_tab_holds_the_cited_paragraph(watched_page):
    answer = ask(watched_page, QUESTION)
    cited = answer.locator(".cite .pid").first.inner_text()
    watched_page.get_by_role("tab", name="原文").click()
    report = watched_page.locator("#report")
    expect(report.locator(".meta-table")).to_contain_text("厦高工委〔2022〕10号")
    paragraph = report.locator(f'[id="{cited}"]')
    expect(paragraph).to_be_visible()
    expect(paragraph.locator(".pid")).to_have_text(cited)
    expect(paragraph).to_contain_text(FIGURE)


def test_the_page_fits_a_phone(browser, app_url, screenshot_dir):
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(app_url)
        answer = ask(page, QUESTION)
        expect(answer).to_contain_text(FIGURE)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        show_from(page.locator('#chat [data-testid="user"]').last)
        page.screenshot(path=screenshot_dir / "screenshot-phone.png")
        for tab in ("数据速查", "原文"):  # the wide figure table scrolls in its own box
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(300)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, tab
    finally:
        context.close()


def test_a_visitor_beyond_the_queue_is_told_to_try_again(page, gated_app):
    from gradio_client import Client
    from gradio_client.utils import Status

    url, gated = gated_app
    client = Client(url, verbose=False)
    running = client.submit(QUESTION, [], api_name="/ask")
    assert gated.started.wait(10)
    waiting = client.submit(QUESTION, [], api_name="/ask")  # fills the queue of one
    deadline = time.monotonic() + 10
    while waiting.status().code != Status.IN_QUEUE and time.monotonic() < deadline:
        time.sleep(0.02)
    page.goto(url)
    page.fill("#question textarea", QUESTION)
    page.press("#question textarea", "Enter")
    expect(page.get_by_text("busy", exact=False).first).to_be_visible()
    gated.gate.set()
    assert FIGURE in running.result(timeout=20)["answer"] and FIGURE in waiting.result(timeout=20)["answer"]
    expect(ask(page, QUESTION)).to_contain_text(FIGURE)


# ---- several reports ------------------------------------------------------------------------------------------
@pytest.fixture
def multi_page(page, multi_app_url):
    yield from watch(page, multi_app_url)


def pick(page: Page, elem_id: str, option: str) -> None:
    """Choose an option of a Gradio dropdown."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_with_several_reports_the_picker_scopes_answers_and_answers_name_their_report(multi_page, screenshot_dir):
    page = multi_page
    expect(page.locator("#chat-report")).to_be_visible()
    answer = ask(page, QUESTION)
    expect(answer.locator(".ans-text")).to_contain_text("《厦门火炬高新区（2022）》")
    expect(answer.locator(".cite-head").first).to_contain_text("《厦门火炬高新区（2022）》")
    pick(page, "chat-report", "2022年政府工作报告")
    answer = ask(page, "今年GDP增长目标是多少？")
    expect(answer.locator(".ans-text strong", has_text="5.5%")).to_be_visible()
    heads = answer.locator(".cite-head")
    for i in range(heads.count()):
        expect(heads.nth(i)).to_contain_text("《2022年政府工作报告》")
    show_from(page.locator('#chat [data-testid="user"]').last)
    page.screenshot(path=screenshot_dir / "screenshot-reports.png")


def test_the_comparison_shows_one_measure_across_reports_and_years(multi_page, screenshot_dir):
    page = multi_page
    page.get_by_role("tab", name="数据速查").click()
    page.locator("#compare-measure input").fill("城镇新增就业")
    page.keyboard.press("Enter")
    rows = page.locator('#compare [role="row"][data-index]')
    expect(rows.first).to_be_visible()
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("1269万人" in t and "2021" in t and "结果" in t for t in texts), texts
    assert any("1100万人" in t and "2022" in t and "目标" in t for t in texts), texts
    with page.expect_download() as download:
        page.locator("#compare-csv").click()
    lines = download.value.path().read_text("utf-8-sig").splitlines()
    assert "报告" in lines[0] and len(lines) == len(texts) + 1
    assert all("2022年政府工作报告" in line for line in lines[1:] if "1269万人" in line)
    page.locator("#compare-box").evaluate("element => element.scrollIntoView({block: 'start'})")
    page.screenshot(path=screenshot_dir / "screenshot-compare.png")


def test_staff_reload_a_new_report_without_restarting(page, growing_app):
    url, seeds = growing_app
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    expect(page.locator("#chat-report")).to_be_hidden()  # one report: nothing to pick
    (seeds / REPORTS["gov2022"].name).write_bytes(REPORTS["gov2022"].read_bytes())
    page.locator("#staff-box").get_by_text("工作人员").first.click()
    page.fill("#staff-token input", STAFF_TOKEN)
    page.locator("#staff-login").click()
    page.locator("#reload").click()
    expect(page.locator("#reload-status")).to_contain_text("已载入 2 份报告")
    page.get_by_role("tab", name="原文").click()
    expect(page.locator("#report")).to_contain_text("2022年政府工作报告")
    page.get_by_role("tab", name="问答").click()
    expect(page.locator("#chat-report")).to_be_visible()
    expect(page.locator("#examples")).to_contain_text("政府工作任务")  # examples from the new report too
    answer = ask(page, "今年GDP增长目标是多少？")
    expect(answer.locator(".ans-text")).to_contain_text("《2022年政府工作报告》")


def test_staff_add_a_report_from_the_page(page, growing_app):
    url, seeds = growing_app
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    page.locator("#staff-box").get_by_text("工作人员").first.click()
    page.fill("#staff-token input", STAFF_TOKEN)
    page.locator("#staff-login").click()
    page.locator("#add-report-file input[type=file]").set_input_files(REPORTS["gov2022"])
    # The file row shows the chosen file; Gradio 6.31 writes its name and extension in two spans ("… .txt").
    expect(page.locator("#add-report-file")).to_contain_text(REPORTS["gov2022"].stem)
    page.locator("#add-report").click()
    expect(page.locator("#reload-status")).to_contain_text("已载入 2 份报告")
    assert (seeds / REPORTS["gov2022"].name).read_bytes() == REPORTS["gov2022"].read_bytes()
    expect(page.locator("#chat-report")).to_be_visible()
    answer = ask(page, "今年GDP增长目标是多少？")
    expect(answer.locator(".ans-text")).to_contain_text("《2022年政府工作报告》")
