"""The heading tree (outline.py) and the answers built from it: list questions, questions of several parts."""

import pytest

from assistant import Assistant
from assistant import index as indexmod
from assistant.outline import build_outline

from .fakes import FakeEmbedder

REPORT = """名称: 测试高新区2021年工作总结和2022年工作要点
发文日期: 2022-03-01

一、2021年工作总结

主要指标平稳增长。完成规上工业总产值120.5亿元,同比增长8.1%。实际利用外资3亿元。

(一)招商引资成效明显

一是产业链招商。落地招商项目150个,总投资80亿元。

二是基金招商。设立产业基金5支,规模20亿元。

在肯定成绩的同时,还存在一些问题:一是龙头企业不多。二是用地紧张。

二、2022年工作要点

(一)生态环保

继续加大污染治理力度。细颗粒物浓度下降5%。

扎实做好碳达峰碳中和工作。单位产值能耗降低3%。

(二)招商引资

一是精准招商。力争落地项目160个。

二是以商引商。引进总部企业10家。

测试高新区管委会
2022年2月28日
"""


@pytest.fixture()
def bot(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "test.txt").write_text(REPORT, encoding="utf-8")
    monkeypatch.setattr("assistant.get_embedder", lambda spec=None: FakeEmbedder())
    return Assistant.load(seeds, tmp_path / "index")


def test_outline_has_sections_with_numbered_and_led_items_inline_lists_and_parts_of_sections(tmp_path, bot):
    nodes = {node.heading: [item.title for item in node.items] for node in build_outline(bot.index)}
    assert nodes["(一)招商引资成效明显"] == ["一是产业链招商", "二是基金招商"]
    assert nodes["(一)生态环保"] == ["继续加大污染治理力度", "扎实做好碳达峰碳中和工作"]
    assert nodes["在肯定成绩的同时,还存在一些问题"] == ["一是龙头企业不多", "二是用地紧张"]
    assert nodes["二、2022年工作要点"] == ["(一)生态环保", "(二)招商引资"]


def test_a_list_question_gets_every_item_of_its_section(bot):
    answer = bot.ask("2022年生态环保主要抓哪两方面？").to_dict()
    assert answer["status"] == "answered"
    assert "继续加大污染治理力度" in answer["answer"] and "扎实做好碳达峰碳中和工作" in answer["answer"]
    assert [c["quote"] for c in answer["citations"]] == ["继续加大污染治理力度", "扎实做好碳达峰碳中和工作"]


def test_a_question_of_several_parts_gets_each_part_answered_and_citations_shared(bot):
    answer = bot.ask("2021年落地招商项目多少个？设立产业基金几支？").to_dict()
    assert "150个" in answer["answer"] and "5支" in answer["answer"]
    ids = [c["id"] for c in answer["citations"]]
    assert len(ids) == len(set(ids))
    numbers = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer["answer"])}
    assert numbers == {c["n"] for c in answer["citations"]}


def test_a_part_that_names_nothing_leans_on_the_part_before(bot):
    answer = bot.ask("招商项目2022年力争落地多少个？2021年实际呢？").to_dict()
    assert "160个" in answer["answer"] and "150个" in answer["answer"]


def test_index_keeps_heading_vectors_for_the_outline(tmp_path):
    seeds = tmp_path / "s"
    seeds.mkdir()
    (seeds / "test.txt").write_text(REPORT, encoding="utf-8")
    indexmod.build(seeds, tmp_path / "i", FakeEmbedder())
    index = indexmod.load(tmp_path / "i")
    assert [h.text for h in index.headings][:2] == ["一、2021年工作总结", "二、2022年工作要点"]
    assert index.heading_vectors.shape == (len(index.headings), FakeEmbedder.dim)


def test_parallel_sentences_are_a_list_and_a_lead_in_inside_the_first_one_names_it():
    from assistant.outline import parallel_runs

    text = "实际工作中，要把握不变与变化，积极应变；要兼顾质量与速度，追求实效；要统筹发展与安全，守住底线。"
    [(_, lead_in, items)] = parallel_runs(text)
    assert lead_in == "实际工作中"
    assert [item for _, item in items] == ["要把握不变与变化，积极应变", "要兼顾质量与速度，追求实效", "要统筹发展与安全，守住底线"]
    assert [text[at : at + 3] for at, _ in items] == ["要把握", "要兼顾", "要统筹"]
    # two sentences that open alike are no list, nor sentences that open differently
    assert parallel_runs("开展甲行动，稳定消费。开展乙行动，提升品质。创新举办大会。") == []


def test_a_list_of_parallel_sentences_and_a_colon_list_of_clauses_answer_list_questions(tmp_path, monkeypatch):
    report = REPORT.replace("继续加大污染治理力度。", "打好蓝天保卫战。开展甲治理行动，减少排放。开展乙治理行动，控制扬尘。开展丙治理行动，治理臭氧。"
                            "同时还面临一些困难，主要是：用地紧张，人才不足，配套薄弱。")
    bot = _bot_over(report, tmp_path, monkeypatch)
    headings = {node.heading: [item.title for item in node.items] for node in build_outline(bot.index)}
    assert headings["打好蓝天保卫战"] == ["开展甲治理行动", "开展乙治理行动", "开展丙治理行动"]
    assert headings["同时还面临一些困难，主要是"] == ["用地紧张", "人才不足", "配套薄弱"]
    answer = bot.ask("打好蓝天保卫战要开展哪些行动？")
    assert all(f"开展{x}治理行动" in answer.answer for x in "甲乙丙"), answer.answer
    answer = bot.ask("面临哪些困难？")
    assert all(x in answer.answer for x in ("用地紧张", "人才不足", "配套薄弱")), answer.answer


def test_a_figure_of_now_is_not_answered_by_a_target(bot):
    target = bot.ask("细颗粒物浓度现在是多少？")
    assert target.status == "partial" and "目标" in target.note and "5%" in target.answer
    reached = bot.ask("规上工业总产值现在是多少？")
    assert reached.status == "answered" and "120.5亿元" in reached.answer


NEAR_MISS_REPORT = """名称: 测试省2026年政府工作报告
发文日期: 2026-01-20

一、2025年工作回顾

经济运行稳中向好。社会消费品零售总额突破1.5万亿元。对外开放迈出新步伐，进出口总值增长10%。

财政收入总额增长3%。投资总额增长5%。贷款余额总额增长8%。

二、2026年主要工作

稳定和扩大消费。开展消费品质提升行动。
"""


def test_a_figure_about_a_lesser_word_of_the_question_is_a_near_miss(tmp_path, monkeypatch):
    bot = _bot_over(NEAR_MISS_REPORT, tmp_path, monkeypatch)
    # 1.5万亿元 is an amount of a 总额, but of retail sales: the trade figure asked for is not in the report
    near = bot.ask("进出口总额是多少亿元？")
    assert near.status == "partial" and "进出口" in near.note
    assert bot.ask("社会消费品零售总额是多少亿元？").status == "answered"


YEAR_IN_REVIEW_REPORT = """名称: 测试省2026年政府工作报告
发文日期: 2026-01-20

一、“十四五”时期经济社会发展回顾

过去五年，全省经济总量迈上新台阶，社会消费品零售总额年均增长6%。

刚刚过去的2025年，我们顶住压力、迎难而上，千方百计稳增长。全省生产总值增长5.6%。固定资产投资增长3%，一般公共预算收入增长2%，社会消费品零售总额增长5.4%，进出口增长1%。

二、2026年主要工作

扩大消费。社会消费品零售总额增长5%左右。
"""


def test_a_paragraph_of_a_five_year_review_that_opens_on_the_year_answers_for_that_year(tmp_path, monkeypatch):
    bot = _bot_over(YEAR_IN_REVIEW_REPORT, tmp_path, monkeypatch)
    answer = bot.ask("2025年社零增速")
    assert answer.status == "answered" and "5.4%" in answer.answer, answer.answer


def _bot_over(report: str, tmp_path, monkeypatch) -> Assistant:
    """The engine over one report text (fake vectors: these rules read words, not vectors)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "report.txt").write_text(report, encoding="utf-8")
    monkeypatch.setattr("assistant.get_embedder", lambda spec=None: FakeEmbedder())
    return Assistant.load(seeds, tmp_path / "index")


ASKING_REPORT = """关于冬奥会的资料

2022北京冬奥会开幕式总导演是谁? ——张艺谋担任2022年冬奥会开闭幕式总导演。

冬奥会开幕式于2022年2月4日晚在国家体育场举行。
"""


def test_a_sentence_that_asks_is_never_the_answer(tmp_path, monkeypatch):
    answer = _bot_over(ASKING_REPORT, tmp_path, monkeypatch).ask("2022年冬奥会开幕式总导演是谁")
    assert "是谁?" not in answer.answer and "张艺谋" in answer.answer, answer.answer


LISTS_REPORT = """政府工作报告

一、2025年工作回顾

过去一年，全省经济稳中有进。地区生产总值增长5%，城镇新增就业6万人。

我们也清醒地认识到，全省经济社会发展还存在不少老问题、新挑战。基础设施建设相对滞后。产业发展基础还很薄弱。生态优势有待进一步挖掘。一些领域腐败问题时有发生。

二、2026年重点工作任务

今年经济主要预期目标是：地区生产总值增长5%左右，力争取得更好结果。一产、二产、三产增加值分别增长5%左右、5%以上、5%左右。规模以上工业增加值增长6%左右，固定资产投资增长5%左右，社会消费品零售总额增长3%左右，地方一般公共预算收入增长3%左右，城镇调查失业率控制在5.5%左右，居民消费价格涨幅2%左右。

（一）聚焦扩大内需，更好融入国内市场

实施提振消费专项行动。

（二）聚焦创新驱动，培育壮大新动能

加快建设科技创新平台。

加强盐湖资源综合开发利用。

实施钾盐高效利用、锂盐量质提升、镁盐创新突破、稀散元素高值化利用工程，市场化法治化推进资源整合和企业重组，大力发展“盐湖+”产业。

（三）聚焦民心所系，加大保障和改善民生力度

着力稳就业促增收，在发展中保障和改善民生，推进基本公共服务均等化，扩大优质教育资源供给，健全社会保障体系，完善养老育幼服务，提高医疗卫生服务能力。
"""


def test_the_lists_a_provincial_report_writes_answer_its_list_questions(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # titled only 政府工作报告: the province is named by the file
    (seeds / "2026-青海省-government-work-report.txt").write_text(LISTS_REPORT, encoding="utf-8")
    monkeypatch.setattr("assistant.get_embedder", lambda spec=None: FakeEmbedder())
    bot = Assistant.load(seeds, tmp_path / "index")
    headings = {node.heading: [item.title for item in node.items] for node in build_outline(bot.index)}
    # sentences announced by one that says several problems follow
    assert headings["我们也清醒地认识到，全省经济社会发展还存在不少老问题、新挑战"][0] == "基础设施建设相对滞后"
    # a colon list of targets whose sentences are too long to be items: its clauses are
    targets = headings["今年经济主要预期目标是"]
    assert "规模以上工业增加值增长6%左右" in targets and "居民消费价格涨幅2%左右" in targets
    answer = bot.ask("青海2026年主要预期目标有哪些？")
    assert answer.status == "answered", answer.answer  # 青海 is the report's own name, not a place it leaves out
    assert all(x in answer.answer for x in ("地区生产总值增长5%左右", "城镇调查失业率", "居民消费价格")), answer.answer
    answer = bot.ask("报告里说咱们还存在哪些问题？")
    assert all(x in answer.answer for x in ("基础设施", "产业发展基础", "生态优势", "腐败")), answer.answer
    # a line that only names the work is followed by the paragraph that does it
    answer = bot.ask("盐湖资源综合开发利用要实施哪几项工程？")
    assert all(x in answer.answer for x in ("钾盐", "锂盐", "镁盐", "稀散元素")), answer.answer
    # 重点任务 is made of words for "the parts of the work" only: the part's sections are asked for
    answer = bot.ask("今年政府重点任务分哪几大块？")
    assert all(x in answer.answer for x in ("扩大内需", "创新驱动", "民心所系")), answer.answer


NEWS_REPORT = """参考资料

2022年12月以来，各地优化疫情防控措施，医疗机构扩充床位。

全国在院新冠病毒感染者于2023年1月5日达到峰值162.5万人，随后持续下降，1月30日下降至14.4万人。
"""


def test_a_sentence_outside_any_years_part_is_of_the_year_it_writes(tmp_path, monkeypatch):
    bot = _bot_over(NEWS_REPORT, tmp_path, monkeypatch)
    other = bot.ask("2022年1月5日全国在院感染者有多少人？")
    assert other.status == "partial" and "2023年" in other.note, (other.status, other.answer)
    assert bot.ask("2023年1月5日全国在院感染者有多少人？").status == "answered"


ADDRESS_REPORT = """测试省2026年政府工作报告

一、2026年主要工作

（一）切实增进百姓福祉

稳定和扩大就业。城镇新增就业50万人。

提高社会保障水平。城乡居民基础养老金月最低标准提高20元。

各位代表！实干托举梦想，拼搏铸就辉煌。让我们更加紧密地团结在一起，奋力谱写新篇章。
"""


def test_a_paragraph_that_turns_to_the_audience_is_no_item_and_doing_well_names_no_block(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "2026-测试省-government-work-report.txt").write_text(ADDRESS_REPORT, encoding="utf-8")
    monkeypatch.setattr("assistant.get_embedder", lambda spec=None: FakeEmbedder())
    bot = Assistant.load(seeds, tmp_path / "index")
    headings = {node.heading: [item.title for item in node.items] for node in build_outline(bot.index)}
    # 各位代表！… speaks to the congress after the last item: the speech moves on
    assert headings["（一）切实增进百姓福祉"] == ["稳定和扩大就业", "提高社会保障水平"]
    # 要做好哪几方面工作: 做好 is how a list question asks, not a word of a block's heading
    from assistant.asked import GENERIC_LIST_PHRASE

    assert GENERIC_LIST_PHRASE.fullmatch("做好") and GENERIC_LIST_PHRASE.fullmatch("抓好")


RUN_IN_REPORT = """2026年测试省政府工作报告

一、工作回顾

2025年是“十四五”收官之年。全年地区生产总值增长5%。生产安全事故起数下降15.1%。

“十四五”时期是测试省攻坚克难的五年。地区生产总值达到1.5万亿元、增长19.8%。东北虎豹国家公园成为全国首批5个国家公园之一。生产安全事故起数下降48.9%。

二、2026年工作安排

（一）全面提升自主创新能力，引领发展新质生产力。突出产业核心地位和发展需求。

深化有组织聚力攻坚机制。集中攻关光电信息、高端仪器等重点领域核心技术，建设一批典型应用场景。优化创新平台能级。高质量建设一批国家级中试平台，支持省实验室高效运营。强化人才支撑。深入实施长白英才计划，培养拔尖创新人才。

（二）统筹生态环境保护，厚植绿色低碳发展底色。坚持双碳引领。

深化污染防治攻坚。有组织开展秸秆资源化利用，最大限度减少粉尘污染。加强生态保护修复。统筹森林后备资源培育和森林修复，逐步恢复顶级群落。积极有效推进碳达峰。科学确定碳排放峰值，构建碳达峰足迹管控体系。

三、“十五五”时期主要目标任务

（一）加快建设现代化产业体系。推动传统产业改造升级，培育壮大新兴产业。

（二）加快经济社会发展全面绿色转型，建设美丽测试省。筑牢北方生态安全屏障。深入推进污染防治攻坚。坚持风光水核多能并举，建设新型能源体系。
"""


def test_a_five_year_review_a_section_run_on_in_one_paragraph_and_a_section_of_a_plan_part(tmp_path, monkeypatch):
    bot = _bot_over(RUN_IN_REPORT, tmp_path, monkeypatch)
    # “十四五”时期是…的五年 opens the review of the plan: its figures answer for the plan, with no refusal over the
    # year the note would name
    five = bot.ask("十四五这五年，生产安全事故起数一共降了多少？")
    assert five.status == "answered" and "48.9%" in five.answer, (five.status, five.answer)
    assert "15.1%" in bot.ask("去年生产安全事故起数降了多少？").answer
    park = bot.ask("十四五期间哪个国家公园进了全国首批国家公园？")
    assert park.status == "answered" and "东北虎豹" in park.answer, (park.status, park.answer)
    # a section written as one paragraph of blocks, each opened by a short heading sentence
    headings = {node.heading: [item.title for item in node.items] for node in build_outline(bot.index)}
    assert headings["（二）统筹生态环境保护，厚植绿色低碳发展底色"] == ["深化污染防治攻坚", "加强生态保护修复", "积极有效推进碳达峰"]
    # 环保 is how people shorten 环境保护; 工作部署是怎么说的 asks for the block
    green = bot.ask("今年生态环保方面的工作部署是怎么说的？")
    assert all(x in green.answer for x in ("深化污染防治攻坚", "加强生态保护修复", "积极有效推进碳达峰")), green.answer
    # the part on 十五五 lists its sections; the one on 绿色转型 is asked about, sentence by sentence
    plan = bot.ask("十五五规划里关于绿色转型都讲了些啥？")
    assert all(x in plan.answer for x in ("筑牢北方生态安全屏障", "风光水核多能并举")), plan.answer
    assert "现代化产业体系" not in plan.answer, plan.answer


def test_run_in_heads_need_a_lead_of_their_own_and_short_sentences_with_more_after_them():
    from assistant.document import parse_text
    from assistant.outline import run_in_heads

    doc = parse_text(RUN_IN_REPORT, key="t")
    by_lead = {p.lead: p for p in doc.paragraphs if p.lead}
    assert [t for _, t in run_in_heads(by_lead["深化有组织聚力攻坚机制"])] == ["深化有组织聚力攻坚机制", "优化创新平台能级",
                                                                     "强化人才支撑"]
    # a paragraph that opens with its own section's heading has none: its short sentences are work, not headings
    opening = next(p for p in doc.paragraphs if p.text.startswith("（二）加快经济社会发展全面绿色转型"))
    assert run_in_heads(opening) == []


PLAN_WITH_PRINCIPLES = """2026年政府工作报告

一、2025年工作回顾

“十四五”时期，全省地区生产总值突破3万亿元、达3.6万亿元，人均地区生产总值突破1万美元、达1.12万美元。

在看到成绩的同时，我们也清醒地认识到，前进道路上老问题、新挑战仍然不少。主要是：发展不平衡不充分问题仍然突出，一些企业经营困难。政府自身建设有待进一步加强，形式主义现象依然存在。对这些问题，我们将高度重视，认真加以解决。

二、2026年重点工作

今年全省经济社会发展主要预期目标是：地区生产总值增长5%左右。

——坚定信心、用好优势，不断巩固拓展经济稳中向好势头。坚持稳中求进。

——把握政策取向，稳中求进、提质增效。用好各项政策。

——树立和践行正确政绩观，为人民出政绩。牢记为民造福。

具体抓好三个方面重点工作。

（一）着力扩大内需，拓展增长新空间。推动消费提质升级。

（二）着力发展新质生产力，构建现代化产业体系。推进产业升级。

（三）着力保障和改善民生，增进民生福祉。办好民生实事。
"""


def test_a_plan_asked_for_by_its_blocks_gets_its_sections_and_asides_problems_and_two_figures(tmp_path, monkeypatch):
    bot = _bot_over(PLAN_WITH_PRINCIPLES, tmp_path, monkeypatch)
    # The part is asked for as a whole: its sections, not the run of ——principles before them; a clause that only
    # asks how to be told (用大白话给我捋一捋) names nothing the report lacks.
    for question in ("今年主要打算干哪几块大事？", "今年主要打算干哪几块大事？用大白话给我捋一捋", "简单说说，今年重点工作分哪几块"):
        answer = bot.ask(question)
        assert answer.status == "answered", (question, answer.answer)
        assert all(x in answer.answer for x in ("扩大内需", "新质生产力", "民生福祉")), (question, answer.answer)
        assert "坚定信心" not in answer.answer, (question, answer.answer)
    # 主要是：… says only "namely": the sentence before it announces the problems; the one that answers them is no item
    answer = bot.ask("报告里承认存在哪些问题和不足？")
    assert all(x in answer.answer for x in ("发展不平衡不充分", "一些企业经营困难", "政府自身建设", "形式主义")), answer.answer
    assert "高度重视" not in answer.answer, answer.answer
    # two figures asked of one sentence: each keeps its clause, though the second holds every word of the first
    answer = bot.ask("十四五末全省GDP总量和人均GDP各是多少")
    assert "3.6万亿元" in answer.answer and "1.12万美元" in answer.answer, answer.answer


PLAN_OF_A_PROVINCE = """2026年政府工作报告

一、2025年工作回顾

过去一年，全省地区生产总值从3.1万亿元提高到3.4万亿元，预计城市群经济总量突破15万亿元。

在肯定成绩的同时，我们也清醒认识到，我省发展不平衡不充分问题还较为突出，经济稳定运行的基础还不牢固，新旧动能转换还处在爬坡过坎阶段，等等。我们一定要直面问题挑战。

二、2026年重点工作

建成地铁8号线一期及延伸线，加快推进7号线一期北段建设。

政府工作中，我们要重点把握好3个方面：

一是聚焦经济建设这一中心工作。

以经济建设为中心是兴国之要。

二是锚定高质量发展这一首要任务。

高质量发展是硬道理。

三是践行为人民服务这一根本宗旨。

要全面加强政府自身建设：一要建设法治政府，坚持依法行政；二要建设诚信政府，说话要算数；三要建设廉洁政府，持之以恒正风肃纪。
"""


def test_the_lists_and_figures_a_province_writes_in_other_ways(tmp_path, monkeypatch):
    bot = _bot_over(PLAN_OF_A_PROVINCE, tmp_path, monkeypatch)
    # a sentence that owns to problems (我们也清醒认识到，A，B，C，等等。) lists them clause by clause
    answer = bot.ask("报告里承认存在哪些问题和不足？")
    assert all(x in answer.answer for x in ("不平衡不充分", "基础还不牢固", "爬坡过坎")), answer.answer
    # numbered paragraphs announced by a sentence ending on a colon in the paragraph before them (那3个方面)
    answer = bot.ask("政府工作要重点把握的那3个方面分别是啥")
    assert all(x in answer.answer for x in ("经济建设", "高质量发展", "为人民服务")), answer.answer
    # 一要…二要… is a numbered list, named by the sentence that opens it
    answer = bot.ask("政府自身建设要建设哪几种政府")
    assert all(x in answer.answer for x in ("法治政府", "诚信政府", "廉洁政府")), answer.answer
    # from how much to how much: the sentence that gives both
    answer = bot.ask("去年GDP从多少涨到了多少？")
    assert "3.1万亿元" in answer.answer and "3.4万亿元" in answer.answer, answer.answer
    # a word the report writes with a number inside it (地铁线 in 地铁8号线) is not missing from it
    answer = bot.ask("今年哪条地铁线能建成通车？")
    assert answer.status == "answered" and "8号线" in answer.answer, answer.answer


REGIONS_AND_FORMS = """2026年政府工作报告

一、2025年工作回顾

全省地区生产总值67665亿元，成都都市圈经济总量突破3万亿元，实际使用台资7.24亿美元。稳外资工作扎实推进，外资企业服务持续强化。

二、2026年重点工作

（一）始终把忠诚作为为政之魂。坚定拥护。

（二）始终把为民作为奋斗之责。办好实事。

（三）始终把干净作为修身之基。严守纪律。
"""


def test_a_region_named_after_a_city_is_not_the_city_and_a_quoted_form_lists_its_items(tmp_path, monkeypatch):
    bot = _bot_over(REGIONS_AND_FORMS, tmp_path, monkeypatch)
    # 成都都市圈 is not 成都: its figure does not answer for the city
    assert bot.ask("成都市去年GDP多少亿").status != "answered"
    # a currency (亿美元) is how the figure is written, not what it is about: 台资 does not answer 外资
    answer = bot.ask("去年实际使用外资多少亿美元")
    assert answer.status != "answered" or "台资" not in answer.answer, answer.answer
    answer = bot.ask("报告提了哪几个“始终把……作为”")
    assert all(x in answer.answer for x in ("忠诚", "为民", "干净")), answer.answer



ROUND10_REPORT = """2026年测试省政府工作报告

一、2025年工作回顾

全省地区生产总值5.3万亿元、增长5.5%，进出口总额增长17.3%，城镇、农村常住居民人均可支配收入分别增长4.4%、5.9%。

积极应对外部环境冲击，出口逆势增长17.8%。国家先进制造业集群增至14个、实现设区市全覆盖。新增地铁运营里程171.7公里，广州、深圳地铁线网单日最高客运量分别达1409万、1305万人次。

二、“十五五”时期主要目标任务

加速布局量子科技、生物制造、脑机接口等三大未来产业，形成一批具有核心竞争力的产业集群。政府工作中，我们要重点把握好3个方面：

一是聚焦经济建设这一中心工作。以经济建设为中心是兴国强省之要，要始终坚持把经济工作作为带动面上各项工作的牛鼻子来抓。

二是锚定高质量发展这一首要任务。推动经济实现质的有效提升和量的合理增长，加快构建现代化产业体系。

三是践行为人民服务这一根本宗旨。坚持在发展中保障和改善民生，让人民群众的获得感成色更足。

三、2026年工作安排

（一）更加注重以文化赋能经济社会发展。高标准建设文化强省，为经济发展增动能增效益。繁荣发展文化事业。实施文艺创作提质工程，支持新大众文艺发展和群众文化活动。持续壮大文旅产业。推进文旅深度融合，进一步打响“水韵测试”等旅游品牌，推动游艇业全链条高质量发展。

（二）更好统筹发展和安全。以时时放心不下的责任感提升本质安全水平。加强重点领域风险防范和化解。推进房票安置、住房“以旧换新”，深化住房公积金制度改革。强化安全生产。深入开展安全生产治本攻坚行动，坚决遏制重特大事故发生。
"""


def test_round10_rules_lists_said_inline_follow_ups_in_contrast_places_and_counts(tmp_path, monkeypatch):
    bot = _bot_over(ROUND10_REPORT, tmp_path, monkeypatch)
    # a kind named after 等 with its count: the inline list is the answer
    answer = bot.ask("“十五五”要布局的三大未来产业分别是啥")
    assert answer.status == "answered" and all(x in answer.answer for x in ("量子科技", "生物制造", "脑机接口")), answer.answer
    # a heading that writes the count the question writes another way: the heading's figure is the report's
    answer = bot.ask("政府工作要重点把握哪三个方面")
    assert answer.status == "answered", answer.answer
    assert all(x in answer.answer for x in ("经济建设这一中心工作", "高质量发展这一首要任务", "为人民服务这一根本宗旨"))
    # 准备 says the work is meant, it names no block: the plan's sections
    answer = bot.ask("说白了今年省政府准备重点抓哪几块工作？")
    assert "以文化赋能经济社会发展" in answer.answer and "统筹发展和安全" in answer.answer, answer.answer
    # which part: down to the heading sentence of the quote's block inside the section's paragraph
    answer = bot.ask("房票安置这些房地产的事放在报告哪块讲的")
    assert "加强重点领域风险防范和化解" in answer.answer, answer.answer
    # a follow-up that names another thing in contrast asks the same about it
    answer = bot.ask("农村居民的呢", history=["去年城镇居民人均可支配收入涨了多少"])
    assert "5.9%" in answer.answer, answer.answer
    answer = bot.ask("那单看出口呢", history=["去年进出口总额增长多少？"])
    assert "17.8%" in answer.answer, answer.answer  # (出口 written inside 进出口 is not 出口: test_engine)
    # a city's GDP is not the province's; what 14个 counts stands before it
    assert bot.ask("广州市去年GDP是多少").status != "answered"
    assert bot.ask("一共有几个设区市啊").status != "answered"


def test_what_a_list_question_asks_the_items_of_and_the_follow_up_it_substitutes():
    from assistant.asked import enumerated_kind, names_any
    from assistant.retrieve import _substituted, is_followup

    assert enumerated_kind("“十五五”要布局的十大未来产业分别是啥") == (10, "未来产业")
    assert enumerated_kind("今年要抢占的战略性新兴产业都包括哪些") == (None, "战略性新兴产业")
    assert enumerated_kind("2022年工作任务有哪些") is None  # the parts of the work: the plan's sections
    assert enumerated_kind("今年的重点工作有哪些") is None
    assert _substituted("服务机构呢", "今年打算新增几家各级研发机构?")[0].endswith("服务机构?")
    assert _substituted("那单看出口呢", "去年进出口总额增长多少？") == ("去年出口总额增长多少?", "进出口")
    assert _substituted("那工业呢", "规上工业增加值增长多少") == ("规上工业增加值增长多少", "")
    assert is_followup("今年计划再培育多少家？", ["去年新增的科技型中小企业有多少家"])  # 培育多少家 is a verb
    assert names_any(("农村居民",), "城镇、农村常住居民人均可支配收入分别增长4.4%、5.9%")
    assert not names_any(("农村居民",), "农村道路和居民住房")


ROUND11_REPORT = """2026年测试省政府工作报告

一、2025年和“十四五”时期工作回顾

全省接待游客突破1亿人次，接待入境游客150万人次，增长35.2%。海关高级认证企业总数达120家。博鳌乐城国际医疗旅游先行区成为汇聚全球先进药械和医疗技术的新高地，落地540款特许药械、39家医疗机构，2025年医疗旅游人次86.5万、收入83.9亿元。

我们也清醒认识到，全省经济社会发展还面临不少困难和挑战。需求偏弱尚未根本扭转，消费动能和社会投资活力不足，货物贸易受外部冲击较大，外贸企业经营压力依然较大，部分行业和领域投资意愿持续偏弱。实体经济根基不牢，制造业基础薄弱，服务业增势不够稳固，房地产业处于调整之中，区域发展不平衡，跨区域经济合作交流纵深不够，现代化基础设施还有短板。社会事业发展总体水平还不高，民生保障有待加强，群众获得感还不强。对此，我们将高度重视，切实加以解决。

二、“十五五”时期主要目标任务

（一）始终锚定机制活，持续深化改革开放，激发奋勇争先的动力活力。以改革的精神、创新的思维、开放的视野，着力打破制约高质量发展的体制机制障碍。

（二）始终锚定产业优，着力构建现代化产业体系，夯实奋勇争先的物质技术基础。坚持把发展经济的着力点放在实体经济上，推进新型工业化。

（三）始终锚定百姓富，扎实推进共同富裕，厚植奋勇争先的民生根基。坚持以人民为中心的发展思想，加强普惠性、基础性、兜底性民生建设。

实现“十五五”目标，必须做到“三个聚焦”：

聚焦对外开放，高标准建设自由贸易港。

全面落实自由贸易港建设总体方案，深入实施自由贸易港法，稳步扩大制度型开放。

聚焦高质量发展，打造具有特色和优势的现代化产业体系。

以新发展理念为引领，坚持智能化、绿色化、融合化方向，加快构建现代化产业体系。

聚焦民生福祉，增强人民群众获得感。

坚持以人民为中心的发展思想，把更多政策、资金、资源用于民生领域。

三、2026年主要工作

（一）聚力构建现代化产业体系

培育新兴产业和未来产业。

推动商业航天发射场3号、4号工位建成并具备发射能力，拓展低空应用场景，低空经济总产值超200亿元，吸引卫星研发制造、火箭总装测试、卫星数据应用等企业集聚。

（二）聚力推动城乡融合发展

打造宜居城市。

加快烂尾楼治理，依法处置闲置土地，实施安居房新政，健全商品住房、保障性住房等多元供给体系，构建房地产发展新模式，满足各类人群住房需求。
"""


def test_round11_rules_lines_that_name_blocks_quoted_forms_glosses_and_counts(tmp_path, monkeypatch):
    bot = _bot_over(ROUND11_REPORT, tmp_path, monkeypatch)
    # lines that open alike after a lead-in ending on a colon are its items, the paragraphs between them are not
    answer = bot.ask("十五五要做到的“三个聚焦”具体是哪三个")
    assert all(x in answer.answer for x in ("聚焦对外开放", "聚焦高质量发展", "聚焦民生福祉")), answer.answer
    assert "全面落实自由贸易港" not in answer.answer
    # a quoted form asked first: the sections that each open with it
    answer = bot.ask("十五五期间省里说要“始终锚定”的是哪几个方面")
    assert all(x in answer.answer for x in ("机制活", "产业优", "百姓富")), answer.answer
    # a section answer names the line that heads the quote's block; 属于哪项工作 and a trailing 在哪部分讲 ask for it
    answer = bot.ask("烂尾楼、安居房这些住房的事，属于今年哪项工作")
    assert "打造宜居城市" in answer.answer and "聚力推动城乡融合发展" in answer.answer, answer.answer
    answer = bot.ask("商业航天那块今年怎么安排的，在报告哪一部分讲？")
    assert "培育新兴产业和未来产业" in answer.answer, answer.answer
    # a Latin gloss in brackets names nothing the Chinese name does not
    assert "120家" in bot.ask("海关高级认证（AEO）企业总共有几家了？").answer
    # a count written unit first, about the subject that opens the sentence
    assert "86.5万" in bot.ask("博鳌乐城去年医疗旅游接待了多少人次？").answer
    # problems owned to in long sentences are each an item
    answer = bot.ask("报告里承认现在还存在哪些困难和问题？")
    assert all(x in answer.answer for x in ("需求偏弱", "实体经济根基不牢", "社会事业发展总体水平还不高")), answer.answer


def test_the_items_a_question_counts_and_the_plan_a_follow_up_puts_in_contrast():
    from assistant.asked import enumerated_kind, several_things
    from assistant.retrieve import _substituted, split_question
    from assistant.text import topic_nouns

    assert enumerated_kind("封关出台的那6项政策分别是什么") == (6, "政策")
    assert several_things("十五五期间省里说要“始终锚定”的是哪几个方面") == "“始终锚定”"
    assert _substituted("那十五五定的目标是多少呀", "十四五期间北京GDP年均增长多少？")[0].startswith("十五五期间")
    assert split_question("今年对台湾那块具体怎么安排的，在报告哪一部分讲？") == ["今年对台湾那块具体怎么安排的，在报告哪一部分讲？"]
    assert "aeo" not in topic_nouns("海关高级认证（AEO）企业有几家") and "aeo" in topic_nouns("AEO企业有几家")


ROUND13_REPORT = """2026年测试省政府工作报告

一、2025年工作回顾

我们牢记嘱托、顶压前行，地区生产总值增长5%，一般公共预算收入增长13.3%。

二、“十五五”时期主要目标任务

到2030年，高质量发展明显进位，科技创新能力明显跃升，改革开放水平明显提高，社会文明程度明显提升。

三、2026年工作安排

（一）加快构建现代化产业体系

新医药产业聚焦生物制药与高端医疗器械两大产业，支持创新药高质量发展，加快建设生物制药研发生产基地，发展体外诊断、激光治疗等高端医疗设备。产值达到780亿元。新材料产业瞄准高端化发力，持续扩大碳纤维制品应用领域，加快碳纤维制品产业园提质升级。产值超过350亿元。

建立未来产业投入增长和风险分担机制，布局培育量子科技、生物制造、脑机接口、具身智能等未来产业。推进金融、科技、法律等生产性服务业同特色优势产业深度融合，促进生活性服务业高品质发展。

四、全面提升政府治理效能

当好创造性执行者。坚守政府执行机关定位，不折不扣贯彻落实党中央、国务院决策部署，把蓝图变为现实。

当好依法行政的示范者。坚持在法治轨道上推进政府工作，严格规范公正文明执法，自觉接受各方面监督。

当好清正廉洁的守护人。坚决扛起全面从严治党主体责任，锲而不舍落实中央八项规定精神，持续纠治“四风”。
"""


def test_round13_rules_a_figure_said_on_its_own_quoted_words_and_kinds_named_after_deng(tmp_path, monkeypatch):
    bot = _bot_over(ROUND13_REPORT, tmp_path, monkeypatch)
    # a figure said on its own after the sentence that names what it is about
    answer = bot.ask("新医药产业今年产值目标定的多少")
    assert "780亿元" in answer.answer and "350亿元" not in answer.answer, answer.answer
    # a quoted word before 哪几种, and a quoted word each clause of a sentence says
    answer = bot.ask("政府自身建设要“当好”哪几种角色")
    assert all(x in answer.answer for x in ("创造性执行者", "依法行政的示范者", "清正廉洁的守护人")), answer.answer
    answer = bot.ask("十五五到2030年要实现哪几个“明显”")
    assert all(x in answer.answer for x in ("明显进位", "明显跃升", "明显提高", "明显提升")), answer.answer
    # a list question that names the kind elsewhere gets the list named after 等; 同 joins another thing
    answer = bot.ask("未来产业这块要布局哪些方向，全部列出来")
    assert all(x in answer.answer for x in ("量子科技", "脑机接口", "具身智能")), answer.answer
    from assistant.answer import Answerer

    class C:
        def __init__(self, sentence):
            self.sentence = sentence

    assert Answerer._enumeration([C("推进金融、科技、法律等生产性服务业同特色优势产业深度融合")], None, "特色优势产业") is None
    # English: a sentence that holds most of the question's words needs no vector's word for it
    assert "5%" in bot.ask("How fast did the economy (GDP) grow last year?").answer


def test_where_in_the_report_and_the_complements_of_a_verb():
    from assistant.asked import SECTION_CUES, several_things
    from assistant.text import tokenize

    assert SECTION_CUES.search("“好房子”、老旧小区改造这些在报告哪里讲的？")
    assert several_things("政府自身建设要“当好”哪几种角色") == "“当好”"
    assert "出来" not in tokenize("全部列出来", drop_question_words=True)
