"""The web app in a real browser (Debian's Chromium through Playwright): what a visitor and a staff member see.

Screenshots of the main views are written to docs/ (they are the README's pictures).
"""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPORTS, watch

pytestmark = [pytest.mark.slow, pytest.mark.browser]

QUESTION = "2021年规上工业总产值是多少?"
FIGURE = "3453.8亿元"
PARAGRAPH = "xiamen-torch-hitech-zone-2021-summary-2022-plan:1.0.2"
UNANSWERABLE = "2023年高新区计划落地多少个招商项目?"
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
    bubble.page.wait_for_timeout(300)  # let the Chatbot's own scroll to the newest message finish first
    bubble.evaluate("element => { element.scrollIntoView({block: 'start'}); window.scrollTo(0, 0); }")


def test_a_figure_question_shows_the_figure_and_the_cited_paragraph(watched_page):
    answer = ask(watched_page, QUESTION)
    expect(answer.locator(".ans-text strong", has_text=FIGURE)).to_be_visible()
    cite = answer.locator(".cite").first
    expect(cite.locator(".pid")).to_have_text(PARAGRAPH)
    expect(cite).to_contain_text("一、2021年工作总结")
    expect(cite.locator("mark", has_text=FIGURE)).to_be_visible()
    answer.locator("details.timings summary").click()
    expect(answer.locator("details.timings")).to_contain_text("总计")


def test_a_follow_up_uses_the_conversation(watched_page, docs_dir):
    ask(watched_page, "2021年平板显示产业的产值是多少?")
    answer = ask(watched_page, "那计算机与通讯设备产业呢?")
    expect(answer.locator(".ans-text")).to_contain_text("1006.6亿元")
    expect(answer.locator(".cite").first).to_contain_text("计算机与通讯设备产业实现产值1006.6亿元")
    ask(watched_page, "2021年软件业营收多少亿元?")
    show_from(watched_page.locator('#chat [data-testid="user"]').nth(1))
    watched_page.screenshot(path=docs_dir / "screenshot-chat.png")


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
    deadline = time.monotonic() + 10
    records = []
    while time.monotonic() < deadline and not records:
        if feedback_file.exists():
            records = [r for r in map(json.loads, feedback_file.read_text("utf-8").splitlines())
                       if r["question"] == QUESTION and r["vote"] == "up"]
        time.sleep(0.1)
    assert records, "no feedback line written"
    assert FIGURE in records[-1]["answer"] and records[-1]["citations"] == [PARAGRAPH]


def test_the_figure_desk_filters_as_you_type_and_shows_the_paragraph(watched_page, docs_dir):
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
    page.screenshot(path=docs_dir / "screenshot-figures.png")


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


def test_the_page_fits_a_phone(browser, app_url, docs_dir):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    try:
        page = context.new_page()
        page.goto(app_url)
        answer = ask(page, QUESTION)
        expect(answer).to_contain_text(FIGURE)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        show_from(page.locator('#chat [data-testid="user"]').last)
        page.screenshot(path=docs_dir / "screenshot-phone.png")
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


def test_with_several_reports_the_picker_scopes_answers_and_answers_name_their_report(multi_page, docs_dir):
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
    page.screenshot(path=docs_dir / "screenshot-reports.png")


def test_the_comparison_shows_one_measure_across_reports_and_years(multi_page, docs_dir):
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
    page.screenshot(path=docs_dir / "screenshot-compare.png")


def test_staff_reload_a_new_report_without_restarting(page, growing_app):
    url, seeds = growing_app
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    expect(page.locator("#chat-report")).to_be_hidden()  # one report: nothing to pick
    (seeds / REPORTS["gov2022"].name).write_bytes(REPORTS["gov2022"].read_bytes())
    page.get_by_role("tab", name="原文").click()
    page.locator("#reload").click()
    expect(page.locator("#reload-status")).to_contain_text("已载入 2 份报告")
    expect(page.locator("#report")).to_contain_text("2022年政府工作报告")
    page.get_by_role("tab", name="问答").click()
    expect(page.locator("#chat-report")).to_be_visible()
    answer = ask(page, "今年GDP增长目标是多少？")
    expect(answer.locator(".ans-text")).to_contain_text("《2022年政府工作报告》")
