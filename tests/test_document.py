"""The parser on the real report and on a second report of the same family laid out differently."""

from pathlib import Path

import pytest

from assistant.document import parse_file, parse_text, split_sentences

ROOT = Path(__file__).resolve().parent.parent
REPORT = next((ROOT / "seeds").glob("*.txt"))
NATIONAL = ROOT.parent / "shared" / "corpora" / "2021-national-government-work-report.txt"


@pytest.fixture(scope="module")
def doc():
    return parse_file(REPORT)


def test_metadata_header_fields(doc):
    assert doc.meta["文号"] == "厦高工委〔2022〕10号"
    assert doc.meta["发布机构"] == "厦门火炬高新区"
    assert doc.meta["发文日期"] == "2022-02-24"
    assert doc.meta["索引号"] == "XM00203-03-02-2022-001"
    assert doc.title == "厦门火炬高新区2021年度工作总结和2022年度工作要点"
    assert doc.issue_year == 2022


def test_parts_sections_and_paragraph_counts(doc):
    assert doc.parts == ["一、2021年工作总结", "二、2022年工作要点"]
    assert len(doc.sections) == 16
    assert [s for p, s in doc.sections if p.startswith("一")][2] == "(三)招商引资主力军作用更加凸显"
    body = [p for p in doc.paragraphs if p.kind == "body"]
    assert len(body) == 59
    assert sum(p.kind == "meta" for p in doc.paragraphs) == 1
    assert sum(p.kind == "signature" for p in doc.paragraphs) == 1


def test_headings_are_not_chunks_of_their_own(doc):
    texts = {p.text for p in doc.paragraphs}
    assert "一、2021年工作总结" not in texts
    assert "(三)招商引资主力军作用更加凸显" not in texts
    assert all(len(p.text) > 40 for p in doc.paragraphs if p.kind == "body")


def test_every_paragraph_is_verbatim_in_the_source(doc):
    source = REPORT.read_text(encoding="utf-8")
    for p in doc.paragraphs:
        for line in p.text.split("\n"):
            assert line in source


def test_heading_path_year_and_period_travel_with_paragraphs(doc):
    lead = next(p for p in doc.paragraphs if p.text.startswith("主要经济指标平稳增长"))
    assert lead.lead == "主要经济指标平稳增长"
    assert lead.year == 2021 and lead.period == "review"
    assert lead.section_path == "一、2021年工作总结 > 主要经济指标平稳增长"
    plan = next(p for p in doc.paragraphs if "力争新增各级研发机构15家" in p.text)
    assert plan.year == 2022 and plan.period == "plan"
    assert plan.section_path.startswith("二、2022年工作要点 > (二)以优化创新生态激发内生动力 > 二是建设创新平台")


def test_items_inside_paragraphs(doc):
    problems = next(p for p in doc.paragraphs if p.text.startswith("在肯定成绩的同时"))
    assert [i[:2] for i in problems.items] == ["一是", "二是", "三是", "四是"]
    assert problems.items[0].startswith("一是产业集群竞争力不够强")


def test_signature_block_and_date(doc):
    sign = next(p for p in doc.paragraphs if p.kind == "signature")
    assert "厦门火炬高新区管委会" in sign.text
    assert doc.date == "2022年2月17日"


def test_ids_are_stable_across_parses(doc):
    again = parse_file(REPORT)
    assert [p.id for p in again.paragraphs] == [p.id for p in doc.paragraphs]
    assert len({p.id for p in doc.paragraphs}) == len(doc.paragraphs)


def test_sentences_keep_offsets_and_closing_quotes():
    text = "他说“好。”然后走了。最后一句没有句号"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["他说“好。”", "然后走了。", "最后一句没有句号"]
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.skipif(not NATIONAL.exists(), reason="the second report lives in ../shared/corpora")
def test_second_report_of_the_family_parses():
    doc = parse_file(NATIONAL)
    assert doc.parts[0] == "一、2020年工作回顾"
    assert doc.parts[-1] == "三、2021年重点工作"
    assert len(doc.sections) == 8
    assert doc.issue_year == 2021
    first_section = next(p for p in doc.paragraphs if p.section.startswith("（一）"))
    assert first_section.section == "（一）保持宏观政策连续性稳定性可持续性，促进经济运行在合理区间"
    assert first_section.text.startswith("（一）保持宏观政策")  # heading and body share a line: the text keeps both
    assert all("\r" not in p.text for p in doc.paragraphs)


def test_odd_input_never_raises():
    for text in ["", "\n\n", "一、", "（一）", "：：：", "\x00\x01", "a" * 5000, "一是。二是。"]:
        parse_text(text)


LAYOUTS = ROOT / "tests" / "data" / "layouts"


def test_a_review_of_one_year_and_of_five_gives_each_paragraph_its_frame():
    """A part that names no year (过去一年和五年工作回顾): 2022年是…/过去一年 set 2022, 过去五年 the span 2018–2022, until
    the next opening; a part about 今年 is the report's year, read off the date under the title."""
    doc = parse_file(LAYOUTS / "review-of-one-and-five-years.txt")
    assert doc.date == "2023年1月10日" and doc.issue_year == 2023
    frames = [(p.year, p.span, p.text[:5]) for p in doc.paragraphs if p.kind == "body" and p.part.startswith("一")]
    assert frames == [(2022, None, "2022年"), (2022, None, "过去一年，"), (None, (2018, 2022), "过去五年，"),
                      (None, (2018, 2022), "——经济实"), (None, (2018, 2022), "——民生福")]
    plans = [p for p in doc.paragraphs if p.part.startswith("二")]
    assert plans and all(p.year == 2023 and p.period == "plan" for p in plans)
    assert [s for _, s in doc.sections] == ["（一）着力扩大有效需求", "（二）加快建设现代化产业体系", "（三）持续保障和改善民生"]


@pytest.mark.skipif(not NATIONAL.exists(), reason="needs ../shared/corpora (the 2021 national report)")
def test_a_part_about_named_five_year_plans_keeps_its_own_frame():
    doc = parse_file(NATIONAL)
    plan_part = [p for p in doc.paragraphs if p.plans]
    assert plan_part and all(p.span is None and p.year is None for p in plan_part)


def test_a_sentence_a_web_copy_broke_into_lines_is_one_paragraph_again():
    text = ("2026年政府工作报告\n一、2025年工作回顾\n过去一年，全省生产总值增长5%。\n二、2026年工作安排\n"
            "今年经济社会发展的\n主要预期目标\n是：地区生产总值增长4.5%—5%；地方一般公共预算收入增长3%左右。\n"
            "市场化和机制化服务疏解扎实承接首都各类资源，\n协和天津基地建设顺利推进。\n")
    bodies = [p.text for p in parse_text(text).paragraphs if p.kind == "body"]
    assert "今年经济社会发展的主要预期目标是：地区生产总值增长4.5%—5%；地方一般公共预算收入增长3%左右。" in bodies
    assert "市场化和机制化服务疏解扎实承接首都各类资源，协和天津基地建设顺利推进。" in bodies
    assert "过去一年，全省生产总值增长5%。" in bodies


def test_a_paragraph_that_opens_on_the_year_after_the_address_to_the_deputies_frames_the_ones_after_it():
    text = ("2026年政府工作报告\n一、“十四五”时期和2025年工作回顾\n过去五年，全省生产总值年均增长5.7%。\n"
            "各位代表，刚刚过去的2025年，全省上下砥砺奋进。\n——“向优”的质效稳步提升。空气优良天数比率达83.8%。\n")
    body = [p for p in parse_text(text, path="2026.txt").paragraphs if p.kind == "body"]
    assert [(p.year, p.span) for p in body] == [(None, (2021, 2025)), (2025, None), (2025, None)]


def test_a_part_named_after_a_plan_alone_is_about_the_year_its_paragraph_opens_on():
    text = ("2026年政府工作报告\n一、一年接着一年干，新进展新成效\n2025年是收官之年。全省生产总值增长5.4%。\n"
            "二、一鼓作气勇争先，全力推动“十五五”开好局、起好步\n“十五五”时期要实现新突破。\n"
            "2026年是“十五五”开局之年。今年主要预期目标是：生产总值增长5%左右。\n（一）壮大实体经济\n做强制造业。\n")
    body = [p for p in parse_text(text, path="2026.txt").paragraphs if p.kind == "body"]
    assert [p.year for p in body] == [2025, None, 2026, 2026]


def test_headings_without_numbers_above_the_numbered_parts_head_a_review_and_a_plan():
    text = """2026年政府工作报告

现在，我代表省人民政府，向大会报告政府工作，请予审议。

“十四五”时期发展成就和2025年工作回顾

过去一年，地区生产总值增长5%。

“十五五”时期主要目标和2026年重点工作

今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。

一、加快建设现代化产业体系

（一）壮大实体经济。推进产业升级。

二、持续深化改革

（一）优化营商环境。推进改革攻坚。
"""
    doc = parse_text(text, "r")
    by_text = {p.text[:8]: p for p in doc.paragraphs if p.kind == "body"}
    review, target = by_text["过去一年，地区生"], by_text["今年经济社会发展"]
    assert (review.part, review.year, review.period) == ("“十四五”时期发展成就和2025年工作回顾", 2025, "review")
    assert (target.part, target.year, target.period) == ("“十五五”时期主要目标和2026年重点工作", 2026, "plan")
    # the numbered parts below the plan's heading are parts of that year's plan
    reform = next(p for p in doc.paragraphs if p.part.startswith("二、"))
    assert (reform.year, reform.period) == (2026, "plan")


def test_a_review_of_five_years_and_of_the_last_year_in_one_part_frames_each_list():
    text = ("2026年政府工作报告\n一、2025年和“十四五”时期工作回顾\n2025年在本省发展进程中极不平凡。全年经济稳中有进。\n"
            "——经济保持平稳增长。生产总值增长5%。\n"
            "各位代表！2025年主要目标任务的完成，标志着“十四五”规划顺利收官。回望过去五年，我们攻坚克难。\n"
            "（一）全面转向高质量发展新阶段。五年办成大事。\n"
            "二、2026年工作安排\n一是坚定实施扩大内需战略，在加快推动消费投资增长上实现新突破。坚持扩大内需。\n")
    body = [p for p in parse_text(text, path="2026.txt").paragraphs if p.kind == "body"]
    by_text = {p.text[:4]: p for p in body}
    assert by_text["——经济"].year == 2025 and by_text["——经济"].year_framed
    assert by_text["（一）全"].span == (2021, 2025) and by_text["（一）全"].year is None  # after 回望过去五年
    # an item's heading in two clauses is the paragraph's lead
    assert by_text["一是坚定"].lead == "一是坚定实施扩大内需战略，在加快推动消费投资增长上实现新突破"
