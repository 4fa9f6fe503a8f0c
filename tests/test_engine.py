"""End to end through the real bundled model and the committed index: every question type, bad input, the CLI."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.figures import unsupported_numbers

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bot():
    return Assistant.load()


def ask(bot, question, history=()):
    return bot.ask(question, history=list(history)).to_dict()


def test_figure_question_quotes_the_exact_figure_and_cites_its_paragraph(bot):
    a = ask(bot, "去年高新区规上工业产值多少?")
    assert a["status"] == "answered"
    assert "3453.8亿元" in a["answer"] and "[1]" in a["answer"]
    cited = a["citations"][0]
    assert cited["text"].startswith("主要经济指标平稳增长。完成规上工业总产值3453.8亿元")
    assert cited["section"].startswith("一、2021年工作总结")
    assert cited["quote"] in cited["text"]
    assert {"text": "3453.8亿元", "n": 1} in a["figures"]
    assert set(a["timings_ms"]) >= {"retrieve", "answer", "total"}


def test_citation_text_is_the_paragraph_verbatim_from_the_source(bot):
    source = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    for question in ["2021年实际利用外资多少?", "2022年打算新增多少家各级研发机构?"]:
        for c in ask(bot, question)["citations"]:
            assert c["text"] in source


def test_year_disambiguation_keeps_2021_results_and_2022_plans_apart(bot):
    plan = ask(bot, "2022年高新区固定资产投资的增长目标是多少?")
    assert "两位数" in plan["answer"] and "21.3%" not in plan["answer"]
    assert plan["citations"][0]["section"].startswith("二、2022年工作要点")
    result = ask(bot, "2021年固定资产投资完成了多少?")
    assert "332.5亿元" in result["answer"]
    assert result["citations"][0]["section"].startswith("一、2021年工作总结")


def test_multi_figure_question_gets_every_figure(bot):
    a = ask(bot, "2021年全年落地了多少个招商项目?总投资多少?其中高能级项目有几个?")
    for figure in ["1751个", "1583.5亿元", "46个"]:
        assert figure in a["answer"]


def test_follow_up_uses_the_earlier_question(bot):
    a = ask(bot, "那计算机与通讯设备产业呢?", ["2021年平板显示产业的产值是多少?"])
    assert "1006.6亿元" in a["answer"]
    b = ask(bot, "那2022年在这方面定了什么目标?", ["2021年火炬创新券的服务金额有多少?"])
    assert "20家" in b["answer"] and b["citations"][0]["section"].startswith("二、2022年工作要点")


def test_list_question_lists_the_items_of_the_section(bot):
    a = ask(bot, "2022年在安全园区建设方面有哪些安排?")
    assert "织牢疫情防控网" in a["answer"] and "绷紧安全生产弦" in a["answer"]
    assert len(a["citations"]) == 2


def test_english_question_gets_english_lead_in_and_figures_as_written(bot):
    a = ask(bot, "How much fixed-asset investment did the Torch High-tech Zone complete in 2021, and what was the growth rate?")
    assert a["status"] == "answered" and a["lang"] == "en"
    assert a["answer"].startswith("According to the report")
    assert "332.5亿元" in a["answer"] and "21.3%" in a["answer"]


@pytest.mark.parametrize("question", ["2023年高新区计划落地多少个招商项目?", "厦门市2021年全市GDP是多少?",
                                      "厦门火炬高新区管委会主任是谁?"])
def test_unanswerable_questions_are_refused(bot, question):
    a = ask(bot, question)
    assert a["status"] == "not_found"
    assert a["citations"] == []
    assert "没有" in a["answer"]


def test_a_province_the_report_never_names_is_not_answered_with_its_own_figures(bot):
    a = ask(bot, "浙江2021年规上工业总产值多少？")  # the seed's own figure is 3453.8亿元, of the zone, not of 浙江
    assert a["status"] == "not_found" and "浙江" in a["answer"] and "3453.8" not in a["answer"]
    assert ask(bot, "2021年规上工业总产值多少？")["status"] == "answered"


def test_related_but_not_asked_figure_is_partial(bot):
    a = ask(bot, "2021年高新区数字经济产值具体是多少亿元?")
    assert a["status"] == "partial"
    assert "92%" in a["answer"] and "没有给出" in a["answer"]


def test_questions_about_the_document_itself(bot):
    assert "厦高工委〔2022〕10号" in ask(bot, "这份文件的文号是什么?")["answer"]
    assert "2022年2月17日" in ask(bot, "报告落款日期是哪天?")["answer"]


def test_traditional_chinese_and_full_width_digits(bot):
    assert "3453.8亿元" in ask(bot, "規上工業總產值是多少?")["answer"]
    assert "21.3%" in ask(bot, "２０２１年固定资产投资增长了多少?")["answer"]


@pytest.mark.parametrize("question", ["", "   ", "？？？", "\x00\x01", None, b"\xff\xfe"])
def test_bad_input_gets_a_clear_message(bot, question):
    a = bot.ask(question).to_dict()
    assert a["status"] == "invalid"
    assert "请输入" in a["answer"] or "问题" in a["answer"]


def test_overlong_question_is_cut_and_says_so(bot):
    a = bot.ask("规上工业总产值是多少?" + "很长" * 5000).to_dict()
    assert a["status"] in ("answered", "partial", "not_found")
    assert "问题太长" in a["answer"]


def test_every_answer_passes_the_number_guard(bot):
    questions = ["2021年规上工业增加值是多少?", "2022年外资增长目标是多少?", "新增了多少家省科技小巨人领军企业?",
                 "What share of output came from high-tech industries?", "高新区目前存在哪些问题?"]
    for q in questions:
        a = ask(bot, q)
        sources = [f"{c['report_name']}\n{c['section']}\n{c['text']}" for c in a["citations"]] + [q]
        assert unsupported_numbers(a["answer"], sources) == []


def run_cli(*args, stdin=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, env=env, timeout=120, check=False)


def test_cli_ask_json_is_the_answer_contract():
    out = run_cli("ask", "--json", "2021年实际利用外资多少?")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"question", "status", "answer", "citations", "figures", "timings_ms"}
    assert "35亿元" in data["answer"]
    assert set(data["citations"][0]) == {"n", "id", "section", "text", "quote", "score", "report", "report_name"}


def test_cli_ask_with_history_and_plain_rendering():
    out = run_cli("ask", "那计算机与通讯设备产业呢?", "--history", "2021年平板显示产业的产值是多少?")
    assert out.returncode == 0 and "1006.6亿元" in out.stdout and "[1]" in out.stdout


@pytest.mark.parametrize("question", ["", "   ", "x" * 10000])
def test_cli_bad_input_is_a_message_not_a_traceback(question):
    out = run_cli("ask", question)
    assert "Traceback" not in out.stderr
    if question.strip():
        assert out.returncode == 0 and "问题太长" in out.stdout
    else:
        assert out.returncode == 2 and "请输入" in out.stderr


def test_cli_figures_lists_figure_sentence_section_and_id():
    out = run_cli("figures", "外资")
    assert out.returncode == 0
    line = next(x for x in out.stdout.splitlines() if x.startswith("35亿元"))
    assert "实际利用外资" in line and ":1.0.2" in line


def _layout_bot(tmp_path_factory, name: str) -> Assistant:
    """The assistant over one report of tests/data/layouts, indexed in a folder of its own."""
    root = tmp_path_factory.mktemp("layout")
    seeds = root / "seeds"
    seeds.mkdir()
    source = Path(__file__).parent / "data" / "layouts" / name
    (seeds / source.name).write_bytes(source.read_bytes())
    return Assistant.load(seeds, root / "index")


@pytest.fixture(scope="module")
def five_year_review(tmp_path_factory):
    """A report in the layout of a changeover year: one part reviews the past year and the past five years."""
    return _layout_bot(tmp_path_factory, "review-of-one-and-five-years.txt")


@pytest.mark.parametrize("question, figure, not_figure", [
    ("去年城镇新增就业多少人？", "12.6万人", "13.4万人"),
    ("去年CPI涨了几个点？", "2%", "2.4%"),
    ("22年规上工业增加值增长多少？", "5.1%", ""),
    ("过去五年城镇新增就业年均多少？", "13.4万人", "12.6万人"),
    ("这五年居民消费价格年均涨了多少？", "2.4%", ""),
    ("今年城镇新增就业的目标是多少？", "12万人", "12.6万人"),
])
def test_one_year_and_five_year_figures_of_one_part_are_kept_apart(five_year_review, question, figure, not_figure):
    answer = five_year_review.ask(question)
    assert answer.status == "answered" and figure in answer.answer
    assert not not_figure or not_figure not in answer.answer


def test_a_speech_says_who_gave_it_and_where(five_year_review):
    answer = five_year_review.ask("这份报告是谁作的，在哪个会上讲的？")
    assert "王小明" in answer.answer and "第十六届人民代表大会" in answer.answer


def test_the_sections_of_this_year_s_plan_are_listed_whole(five_year_review):
    answer = five_year_review.ask("今年政府工作的重点有哪几项？")
    assert all(item in answer.answer for item in ("着力扩大有效需求", "现代化产业体系", "保障和改善民生"))


def test_words_of_the_report_s_title_and_of_time_are_no_anchors(bot):
    """火炬 names the zone every sentence is about, and 前一年 says when: an answer need not repeat them."""
    from assistant.retrieve import understand

    matcher = bot.answerer.matcher
    query = understand("火炬高新区的安全事故比前一年少了多少?", [], bot.index.english)
    anchors = matcher.anchors(query, matcher.topic(query))
    assert anchors and "火炬" not in anchors and "一年" not in anchors


def test_the_speaker_s_own_jurisdiction_is_not_a_topic_word(built_index):
    """我国 / 我省 is the report itself: a sentence need not say it (确保粮食种植面积… answers 我省粮食面积). The 2022
    national report writes 我国 nine times, so it would weigh as a word of the report."""
    from assistant.retrieve import understand

    national = Assistant.load(*built_index("gov2022"))
    matcher = national.answerer.matcher
    query = understand("我国今年粮食产量要稳定在多少？", [], national.index.english)
    weights = matcher.topic(query)
    assert "粮食" in weights and "我国" not in weights


def test_a_noun_the_reports_never_use_is_not_paraphrased_by_vectors_alone():
    """A sentence sharing no word of the question answers on its vector alone (a paraphrase) only when the reports use
    every noun of the question: 规上工业总产值 asked of a report that never writes 总产值 is not answered by its
    国内生产总值 sentence, however close the vectors (the 0.90 cosine was a coin toss between numpy builds)."""
    from types import SimpleNamespace

    from assistant.answer import Answerer, Candidate
    from assistant.settings import default_settings

    settings = default_settings()
    judge = SimpleNamespace(dense_calibrated=True, settings=settings, matcher=SimpleNamespace(in_titles=lambda w: False))
    query = SimpleNamespace(lang="zh", text="2021年规上工业总产值是多少?")
    close = Candidate(hit=None, sentence="国内生产总值达到114万亿元，增长8.1%。", coverage=0.0,
                      dense=settings.paraphrase_dense + 0.02, fit=0.0, year_fit=0.0, period_fit=0.0, matched=frozenset())
    assert Answerer.convincing(judge, query, close, 0.2, []) is True  # every noun used: a paraphrase answers
    assert Answerer.convincing(judge, query, close, 0.2, ["总产值"]) is False
    worded = Candidate(hit=None, sentence=close.sentence, coverage=settings.min_coverage, dense=0.5, fit=0.0,
                       year_fit=0.0, period_fit=0.0, matched=frozenset({"工业"}))
    assert Answerer.convincing(judge, query, worded, 0.2, ["总产值"]) is True  # the words still decide


@pytest.mark.parametrize(("question", "heading"), [
    ("对台合作的内容在报告哪一块", "深化对台机制化合作"),  # 哪一块, and 对台: a word the report writes only inside a longer cut
    ("国企回购土地是在讲啥的部分", "重大片区加快成型成势"),  # 讲啥的部分
])
def test_which_part_asked_in_everyday_words_names_the_heading_path(bot, question, heading):
    a = ask(bot, question)
    assert a["status"] == "answered"
    assert "见「" in a["answer"] and heading in a["citations"][0]["section"]


@pytest.mark.parametrize("question", ["成都高新区去年规上工业产值多少", "深圳南山区去年高企有多少家"])
def test_a_place_the_report_never_names_is_refused_not_answered_with_the_zone_s_figure(bot, question):
    a = ask(bot, question)
    assert a["status"] == "not_found" and "3453.8" not in a["answer"] and "1200" not in a["answer"]


@pytest.mark.parametrize(("question", "items"), [
    ("今年园区建设都有啥安排", ["抓实重点项目建设", "全力保障用地需求", "加快完善公共配套", "扎实推进绿色园区试点"]),
    ("金砖创新基地去年干了些啥", ["建设金砖特色载体", "布局金砖交流平台", "引进金砖合作项目"]),
])
def test_what_a_block_of_work_did_or_plans_asked_with_sha_gets_every_item(bot, question, items):
    a = ask(bot, question)
    assert a["status"] == "answered" and all(item in a["answer"] for item in items)


def test_everyday_sha_asks_as_shenme_does(bot):
    """啥 is everyday 什么: 叫啥 asks for a name (the report gives none), 怎么弄 for the plan's block of work."""
    name = ask(bot, "火炬高新区管委会主任叫啥")
    assert name["status"] == "not_found"
    plan = ask(bot, "今年招商准备怎么弄")
    assert all(item in plan["answer"] for item in ("优势联动", "龙头带动", "增资推动", "基金撬动"))


def test_a_post_s_name_must_stand_next_to_the_post(bot):
    """管委会 and a name-like word elsewhere in a sentence do not name the 管委会主任: the report names no one."""
    for question in ("高新区管委会主任叫啥", "管委会的主任叫什么名字"):
        assert ask(bot, question)["status"] == "not_found"


@pytest.mark.parametrize("question, first, last", [
    ("2022年工作要点的第五部分主要讲啥？", "一是抓实重点项目建设", "四是扎实推进绿色园区试点"),
    ("报告第二部分讲什么", "以强化党建引领凝聚发展合力", "以建设安全园区保障安全发展"),
    ("去年工作总结第八块说了什么", "一是积极组织疫情防控", "三是积极落实安全生产责任"),
])
def test_a_part_named_by_its_number_is_listed_whole(bot, question, first, last):
    # The report numbers its parts 一、二、 and the sections of a part (一)(二): 第五部分 of the plan is its (五).
    a = ask(bot, question)
    assert a["status"] == "answered" and first in a["answer"] and last in a["answer"]


def test_a_number_the_report_does_not_have_is_said_to_be_missing(bot):
    a = ask(bot, "第九部分讲什么")
    assert a["status"] == "not_found" and "没有第九部分" in a["answer"]
    b = ask(bot, "2022年工作要点的第十部分")
    assert b["status"] == "not_found" and "没有第十项" in b["answer"]


def test_which_part_and_what_it_says_gets_the_part_and_its_items(bot):
    a = ask(bot, "2021年总结里金砖创新基地的内容在哪一部分？讲了哪些？")
    assert all(item in a["answer"] for item in ("建设金砖特色载体", "布局金砖交流平台", "引进金砖合作项目"))


def test_partners_asked_as_units_are_content_not_the_issuer(bot):
    # 哪些单位 asks for the issuer only with 发布/印发; 跟哪些单位合作 is about what the report says.
    a = ask(bot, "RISC-V开源芯片生态是跟哪些单位合作搞的？")
    assert "中科院计算所" in a["answer"] and not any(c["id"].endswith(":meta") for c in a["citations"])
    b = ask(bot, "这份报告是哪个单位发布的")
    assert "厦门火炬高新区" in b["answer"]


def test_the_approach_to_a_kind_of_work_is_its_block_of_items(bot):
    a = ask(bot, "2022年招商引资的思路是什么？")
    assert all(w in a["answer"] for w in ("优势联动", "龙头带动", "增资推动", "基金撬动"))


def test_an_abbreviation_the_report_writes_out_is_its_full_word(bot):
    """知产 shortens 知识产权 the usual way (as 环保 does 环境保护), by the first character of each half; the seed writes
    only the full word, so the question is about it, and 知产 is not a word the report lacks."""
    from assistant.retrieve import understand

    matcher = bot.answerer.matcher
    assert matcher.expansion("知产") == "知识产权" and matcher.mentioned("知产")
    assert matcher.expansion("天气") is None  # no such word written out: still a word the report lacks
    weights = matcher.topic(understand("高新区知产方面做了什么", [], bot.index.english))
    assert "知识产权" in weights
    assert "知识产权" in bot.ask("去年知产质押融资规模涨了多少").answer


def test_a_follow_up_in_contrast_does_not_find_its_word_inside_the_earlier_one(bot):
    """那单看出口呢 after a question on 进出口总额: 出口 written only inside 进出口 is not written."""
    from assistant.retrieve import understand

    matcher = bot.answerer.matcher
    weights = matcher.topic(understand("那单看出口呢", ["去年进出口总额增长多少？"], bot.index.english))
    assert weights.contrast == "进出口" and "出口" in weights
    assert "出口" not in matcher.coverage("进出口总额增长17.3%", "", weights)[1]
    assert "出口" in matcher.coverage("出口逆势增长17.8%", "", weights)[1]


def test_a_year_a_change_is_measured_against_is_not_the_year_asked():
    from assistant.retrieve import _relative_years

    assert _relative_years("比前年增长了多少") == []
    assert _relative_years("去年比上年增长多少") == [-1]
    assert _relative_years("普惠托位占比今年要提到多少") == [0]  # 占比 is no comparison


def test_a_place_written_the_short_way_is_a_word_of_its_own():
    from assistant.answer import _short_form

    assert _short_form("城镇", "城乡居民人均可支配收入增长5%")
    assert _short_form("欧洲", "中欧班列开行1.9万列")
    assert not _short_form("长春", "地区生产总值增长5%")  # 长 of 增长 is no place



@pytest.fixture(scope="module")
def inline_lists(tmp_path_factory):
    """A report whose lists are written inside sentences: 、-runs of items ending alike, sentences opening alike."""
    return _layout_bot(tmp_path_factory, "lists-written-inline.txt")


@pytest.mark.parametrize("question, items", [
    # a quoted word each item of a 、-run ends on, with or without the count
    ("十五五要建哪几个“强省”", ["农业强省", "制造强省", "科教强省", "交通强省"]),
    ("新一轮“3个100万”到底是哪三个100万", ["中心城市新增人口100万", "县城新增人口100万", "新增旅居人口100万"]),
    # a quoted word the items open with, each a sentence of its own with others between them
    ("政府自身建设方面提了哪几个“加强”", ["政治建设", "法治建设", "廉政建设"]),
    # two figures asked: the clause of the shorter name stays beside the longer one
    ("去年GDP和规上工业增加值分别增长了多少", ["5.2%", "7.9%"]),
])
def test_lists_and_figures_written_inside_sentences_are_given_whole(inline_lists, question, items):
    answer = inline_lists.ask(question)
    assert answer.status == "answered" and all(item in answer.answer for item in items), answer.answer


def _candidates(*paragraphs: str) -> list:
    """Candidates as the answer stage ranks them, one per sentence, for the list finders that read only text."""
    from types import SimpleNamespace

    from assistant.answer import Candidate

    out = []
    for n, text in enumerate(paragraphs):
        sentences = [SimpleNamespace(text=s) for s in re.findall(r"[^。]+。", text)]
        hit = SimpleNamespace(paragraph=SimpleNamespace(id=f"p{n}", sentences=sentences))
        out += [Candidate(hit, s.text, 0.5, 0.8, 0.0, 0.0, 0.0, frozenset()) for s in sentences]
    return out


def test_items_ending_on_a_quoted_word_need_three_of_them_in_one_run():
    from assistant.answer import Answerer

    ranked = _candidates("经济年均增长5%左右，农业强省、制造强省、科教强省建设取得实质性进展。", "建设制造强省、交通强省。")
    assert Answerer._counted_listing(ranked, None, "强省").sentence.startswith("经济年均增长")
    assert Answerer._counted_listing(ranked[1:], None, "强省") is None  # two are no list of the kind


def test_sentences_opening_on_a_quoted_word_are_its_items():
    from types import SimpleNamespace

    from assistant.answer import Answerer

    ranked = _candidates("建设人民满意的政府。要加强政治建设。持续统一思想。要加强法治建设。全面依法行政。加强监督。")
    said = Answerer._said_alike(SimpleNamespace(text="政府自身建设方面提了哪几个“加强”"), "“加强”", ranked)
    assert [s for _, s in said] == ["要加强政治建设。", "要加强法治建设。"]


def test_a_figure_of_the_thing_narrowed_yields_to_one_of_the_thing_itself(inline_lists):
    # 南疆四地州地区生产总值 is a part of the province's GDP, though it says every word of the question
    answer = inline_lists.ask("十四五期间GDP年均增长多少")
    assert "5.9%" in answer.answer and "6.8%" not in answer.answer


def test_items_opening_on_the_counted_word_after_ji():
    from assistant.answer import Answerer

    ranked = _candidates("体现了“四个坚持”重大原则，即坚持党的全面领导、坚持以人民为中心的发展思想为根本、坚持稳中求进、坚持系统观念。")
    assert Answerer._counted_listing(ranked, 4, "坚持") is not None
    assert Answerer._counted_listing(ranked, 5, "坚持") is None


def test_a_place_asked_with_its_level_is_the_place_the_report_names():
    from assistant.answer import _place_forms

    assert "喀什" in _place_forms("喀什地区") and "沈阳" in _place_forms("沈阳市") and _place_forms("西安") == ["西安"]


@pytest.mark.parametrize("question, figures", [
    ("中欧班列长安号（西安）去年开了多少列？", ["5000列"]),  # 长安号 names the train, not a place the report lacks
    ("今年防护林工程造林种草和治沙各是多少", ["50万亩", "70万亩"]),  # 治沙, which jieba tags a place: 治理沙化
])
def test_a_word_read_as_a_place_that_names_no_place_does_not_refuse(inline_lists, question, figures):
    answer = inline_lists.ask(question)
    assert answer.status != "not_found" and all(f in answer.answer for f in figures), answer.answer


def test_how_a_named_thing_is_divided_is_the_inline_list_of_its_parts():
    from assistant.asked import ASKS_DIVISION

    assert ASKS_DIVISION.search("十五五规划纲要那22项指标分成了哪几个方面").group(1) == "方面"
    assert not ASKS_DIVISION.search("今年省政府主要打算抓哪几方面的事")  # the parts of the work: the plan's sections


def test_which_part_speaks_of_a_field_no_one_sentence_says_is_found_by_its_heading(inline_lists):
    answer = inline_lists.ask("今年扩内需、提振消费这些安排在报告哪一节讲的？")
    assert answer.status == "answered" and "持续扩大内需" in answer.answer, answer.answer


def test_growth_over_several_years_written_in_digits_is_no_one_year_s():
    from assistant.answer import ANNUAL_AVERAGE

    assert ANNUAL_AVERAGE.search("一般公共预算收入累计完成3.7万亿元，5年增长18.7%")
    assert not ANNUAL_AVERAGE.search("2025年增长5.5%")  # a year, not five of them
    assert not ANNUAL_AVERAGE.search("信访总量连续3年下降")  # a fall in each of three years


def test_the_parts_of_what_was_achieved_are_the_review_s_sections(bot):
    # 成绩 and 总结 say "what was achieved" as 工作 does: no block is named by them, and their absence refuses nothing
    a = ask(bot, "去年的工作成绩是分哪几个方面总结的")
    assert a["status"] == "answered" and "干事创业方向更明氛围更浓" in a["answer"] and "科技创新主引擎" in a["answer"]


def test_percent_asked_in_words_is_how_the_figure_is_given_not_what_it_is_about(bot):
    a = ask(bot, "去年规上工业总产值增长了百分之几")
    assert a["status"] == "answered" and "13.9%" in a["answer"]


def test_what_a_part_holds_is_asked_not_the_word_content(bot):
    # 内容 and 总结 say what a part holds; a field the report names another way (校企) refuses nothing by itself
    a = ask(bot, "去年总结里写人才引进、校企合作那些内容的是哪一节")
    assert a["status"] == "answered" and "2021年工作总结" in a["answer"]
