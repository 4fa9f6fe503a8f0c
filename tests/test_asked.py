"""What a question asks for (asked.py) and how a question of several parts is cut (retrieve.split_question)."""
from dataclasses import replace

import pytest

from assistant.answer import _base_years
from assistant.asked import (
    SECTION_CUES,
    SPAN_CUES,
    asks_several,
    counted_things,
    figure_fits,
    fitting_figures,
    holds_answer,
    numbered_part,
    read_question,
)
from assistant.retrieve import is_followup, split_question


def test_count_questions_name_their_unit_and_what_they_count():
    asked = read_question("疫情期间高新区帮多少家企业办了特别通行证?")
    assert (asked.kind, asked.unit, asked.counted) == ("count", "家", ("企业",))
    assert read_question("高新区有几所大学?").counted == ("大学",)


def test_kinds_of_figure_are_read_off_the_wording():
    assert read_question("平板显示产业去年的产值同比增长了多少?").kind == "percent"
    assert read_question("厦门时代项目总投资多少亿元?").kind == "amount"
    assert read_question("同翔高新城规划面积多少平方公里？").kind == "area"
    assert read_question("刚脱贫的县还能享受多久的过渡期？").kind == "duration"
    assert read_question("厦门时代项目什么时候投产?").kind == "date"
    # A rate (失业率, 城镇化率) is a percentage, however the question words it in between (实际是多少, 打算控制在什么水平).
    assert read_question("今年失业率打算控制在什么水平？").kind == "percent"
    assert read_question("去年全省城镇调查失业率实际是多少").kind == "percent"
    assert read_question("2021年高新区规上工业产值一共有多少?").kind == "amount"
    assert read_question("中国的首都是哪里？").kind == "place"
    assert read_question("What was the gross industrial output above designated size in 2021?").kind == "amount"
    assert read_question("What share of the gross industrial output did high-tech industries account for?").kind == "percent"


def test_a_name_is_asked_for_by_a_post_not_by_every_who():
    assert read_question("厦门火炬高新区管委会主任是谁?").kind == "person"
    assert read_question("这份政府工作报告是哪位总理作的？").kind == "person"
    assert read_question("新冠病人的治疗费用是谁出的").kind != "person"


def test_reason_questions_want_a_sentence_that_gives_a_reason():
    asked = read_question("为啥只定这个数，不定高一点？")
    assert asked.kind == "reason"
    assert holds_answer(asked, "经济增速预期目标的设定，主要考虑稳就业保民生防风险的需要。")
    assert not holds_answer(asked, "国内生产总值增长5.5%左右。")


def test_list_questions_and_the_number_of_items_they_name():
    asked = read_question("今年生态环保这块主要抓哪两方面？")
    assert asked.wants_list and asked.count == 2
    assert read_question("2021年扩大内需方面，报告分成哪几块来部署？").wants_list
    assert read_question("搞创新、稳实体经济，今年报告是分几点讲的？").wants_list
    # names asked for, not blocks of work
    assert not read_question("引进来设金砖总部的有哪些项目？").wants_list
    assert not read_question("2022年打算重点建设哪些领域的专业孵化器?").wants_list


def test_a_count_figure_must_count_what_was_asked():
    asked = read_question("高新区有几所大学?")
    text = "与海洋学院、软件学院在全省首批试点共建同翔高新城、软件园三期2个省级职业技能提升中心。"
    assert fitting_figures(asked, text) == []
    assert [f.text for f in fitting_figures(read_question("新增了多少家孵化器?"), "新增各级孵化器、众创空间12家。")] == ["12家"]
    # a bare number counts what follows it
    assert [f.text for f in fitting_figures(read_question("脱贫了多少人？"), "5575万农村贫困人口实现脱贫。")] == ["5575万"]


def test_a_figure_must_be_about_a_main_word_of_the_question():
    asked = read_question("同翔高新城规划面积多少平方公里？")
    assert holds_answer(asked, "天马6代项目近65万平方米的主厂房不到一年实现建设封顶。", ("同翔", "新城")) is False
    assert holds_answer(asked, "天马6代项目近65万平方米的主厂房不到一年实现建设封顶。") is True
    growth = read_question("去年经济涨了多少？")
    assert holds_answer(growth, "经济恢复好于预期，全年国内生产总值增长2.3%。", ("经济",))


def test_questions_of_several_parts_are_cut_where_each_asks_something():
    assert split_question("去年经济到底涨了多少？城里新增了多少就业岗位？") == ["去年经济到底涨了多少", "城里新增了多少就业岗位"]
    assert split_question("疫情那年国家给企业减了多少负担，银行那边又让了多少利？") == [
        "疫情那年国家给企业减了多少负担", "银行那边又让了多少利"]
    assert split_question("单位GDP能耗，十四五五年要降多少？今年一年呢？") == ["单位GDP能耗，十四五五年要降多少", "今年一年呢"]
    assert split_question("2021年规上工业总产值是多少?") == ["2021年规上工业总产值是多少?"]
    assert split_question("为缓解大城市住房难，今年要重点增加哪两类房子的供给？") == [
        "为缓解大城市住房难，今年要重点增加哪两类房子的供给？"]
    # a piece that only says when opens a follow-up; one that only asks how many counts the list just asked for
    assert split_question("今年呢，目标是几条") == ["今年呢，目标是几条"]
    assert split_question("去年GDP涨了多少，今年呢") == ["去年GDP涨了多少", "今年呢"]
    assert split_question("今年政府工作的重点有哪些？一共几条") == ["今年政府工作的重点有哪些？一共几条"]
    assert is_followup("今年呢，目标是几条", ["去年全省千亿级产业链有几条？"])
    assert asks_several("今年专项债和中央预算内投资各安排多少？")
    assert not asks_several("去年规上工业产值多少?")


def test_points_and_spans_of_years_are_not_counts_or_durations():
    assert read_question("去年CPI涨了几个点？").kind == "percent"
    assert read_question("GDP增速比上年高了几个百分点？").kind == "percent"
    assert read_question("疾控这块这几年新成立了什么机构？").kind == ""  # 这几年 frames the question, asks no duration
    assert read_question("过渡期要持续几年？").kind == "duration"


def test_a_measure_word_counts_only_when_it_is_a_word_of_its_own():
    asked = read_question("去年底有多少个体户？")  # 个体户 is one word: no count of 个
    assert (asked.kind, asked.unit) == ("any", "")
    assert read_question("今年会有多少大学生毕业？").counted[:1] == ("大学生",)
    assert not fitting_figures(read_question("今年会有多少大学生毕业？"), "建设288个基础学科拔尖学生培养基地。")


def test_a_person_answers_only_next_to_the_post_asked():
    asked = read_question("高新区工委书记是谁")
    assert (asked.kind, asked.post) == ("person", "工委书记")
    assert not holds_answer(asked, "深入学习习近平总书记重要讲话精神。")
    assert holds_answer(read_question("国务院总理是谁？"), "政府工作报告\n国务院总理　李克强")
    assert not holds_answer(read_question("火炬大学堂的校长是谁?"), "建立第一家国家高新区“平台型产业大学”——火炬大学堂。")
    assert read_question("首届高校新星挑战大赛叫什么名字？").kind != "person"
    assert read_question("管委会主任叫什么名字？").kind == "person"


def test_list_questions_in_everyday_wording():
    assert read_question("2022年优化营商环境打算做哪些事?").wants_list
    assert read_question("今年稳外贸外资具体抓哪几样？").wants_list
    assert read_question("对外开放主要有哪些方面的安排？").wants_list  # 方面的安排: still the blocks of a plan
    assert not read_question("有哪些领域的孵化器？").wants_list  # 领域的孵化器: incubators are asked for
    assert not read_question("发生了什么事故？").wants_list


def test_which_several_of_a_named_term_asks_for_its_items():
    assert read_question("政府自身建设提了哪几个“坚守”？").wants_list
    assert read_question("城市更新六大提升行动具体是哪六个？").wants_list
    assert not read_question("今年要加快落地的是哪几个项目?").wants_list  # a sentence names the projects


def test_a_figure_per_month_or_per_person_is_answered_only_by_one_stated_so():
    monthly = read_question("最低工资标准现在每月是多少钱？")
    assert not holds_answer(monthly, "最低工资标准增长近30%，全体居民人均可支配收入达到41580元")
    assert holds_answer(monthly, "城市低保人均保障标准从796元/月提高至842元/月")
    assert holds_answer(monthly, "育儿家庭每月多了300元补贴")
    per_person = read_question("失能老人的养老服务补贴每人补多少钱？")
    assert not holds_answer(per_person, "高龄津贴惠及130万老年人，补贴资金5亿元")
    assert holds_answer(read_question("人均预期寿命多少岁？"), "人均预期寿命达到79.72岁")
    assert read_question("全年GDP是多少？").per == ()


def test_a_word_glued_to_a_question_word_is_no_topic_noun():
    from assistant.text import topic_nouns

    assert "大规模" not in topic_nouns("今年它的师资库准备建多大规模？")  # 多|大规模: how big a scale
    assert "师资" in topic_nouns("今年它的师资库准备建多大规模？")
    assert "大规模" in topic_nouns("大规模设备更新安排了多少资金？")


def test_an_increment_is_not_answered_by_a_stock():
    new = read_question("2021年新增了多少家国家级高新技术企业？")
    assert new.increment
    assert not holds_answer(new, "国家级高企超1200家,高技术产业产值占比规上工业总产值达78.9%")
    assert holds_answer(new, "新增国家级专精特新“小巨人”企业9家,总数达29家")
    assert holds_answer(new, "新增8家省级企业技术中心、10家国家级研发机构")  # 新增 stands before the list
    assert not read_question("国家级高新技术企业有多少家？").increment


def test_a_level_is_not_answered_by_its_change():
    level = read_question("咱们现在最低工资标准每个月是多少钱？")
    assert level.level
    assert not holds_answer(level, "最低工资标准每月提高183元")  # how much it rose, not what it is
    assert holds_answer(level, "最低工资标准每月提高到2100元")  # 提高到 gives the level
    assert not read_question("最低工资标准每月提高了多少钱？").level  # a change asked is answered by one


def test_there_are_which_n_things_asks_for_a_list_but_which_two_did_asks_for_names():
    assert read_question("去年宁夏有哪十个突出亮点？").wants_list
    assert read_question("今年要坚定实施的“五大战略”是哪五个？").wants_list
    assert not read_question("“十四五”期间哪两个县撤县设市了？").wants_list  # a sentence names the two


def test_which_part_of_the_report_is_its_own_kind_and_not_a_list_or_a_place():
    for question in ("报告哪一部分讲了火炬大学堂？", "金砖创新基地在报告的哪个部分", "软件园三期在哪一节提到",
                     "独角兽企业在报告哪部分", "Which section mentions the Brics innovation base?"):
        assert read_question(question).kind == "section", question
    assert read_question("大会在什么地方召开？").kind == "place"
    assert read_question("2022年工作分哪几部分").wants_list
    assert read_question("2022年工作分哪几部分").kind != "section"


def test_a_bare_how_many_without_a_rate_word_is_not_answered_by_a_percentage():
    from assistant.asked import fitting_figures

    population = read_question("咱们省常住人口现在有多少？")
    assert population.bare and not population.level
    assert not fitting_figures(population, "常住人口城镇化率由52.23%提高到58.08%")
    assert fitting_figures(population, "年末常住人口4700万人")
    assert not fitting_figures(population, "常住人口增长0.5%")  # a change is not a level
    # of a year the report plans, a change is what a plan sets (2022年实际利用外资呢? 实际利用外资增长8%以上)
    planned = replace(read_question("那2022年呢?", "2021年实际利用外资多少?"), target=True)
    assert fitting_figures(planned, "实际利用外资增长8%以上")
    assert not fitting_figures(planned, "常住人口城镇化率58.08%")
    # a rate, a target or a change named in the question (or in the question it follows) still takes a percentage
    for question, context in [("森林覆盖率有多少？", ""), ("今年GDP目标是多少？", ""), ("人均预期寿命要再长几岁？", ""),
                              ("原来是多少？", "科技型中小企业加计扣除比例提高到多少？")]:
        assert not read_question(question, context).bare, question


@pytest.mark.parametrize(("question", "section"), [
    ("这属于报告哪一块", True), ("在哪块讲的", True), ("国企回购那块是在讲啥的部分", True), ("在报告什么章节", True),
    ("哪块地出让了", False), ("今年重点做哪几块", False), ("报告分为什么部分", False), ("报告有什么部分", False),
])
def test_which_part_of_the_report_is_asked_in_everyday_words(question, section):
    assert bool(SECTION_CUES.search(question)) is section


@pytest.mark.parametrize(("question", "number"), [
    ("2022年工作要点的第五部分主要讲啥？", 5), ("报告第二部分讲什么", 2), ("第十二章", 12), ("第3块说了什么", 3),
    ("第二十一部分", 21), ("第一产业增加值多少", None), ("第三方评估怎么做", None),
])
def test_a_part_is_named_by_its_number_not_by_an_ordinal_of_something_else(question, number):
    assert numbered_part(question) == number


def test_a_year_s_mean_concentration_is_not_a_span_of_years():
    assert not SPAN_CUES.search("天津去年PM2.5年均浓度是多少") and SPAN_CUES.search("这五年GDP年均增长多少")
    assert _base_years("PM2.5年均浓度较“十三五”末改善16.5%") == [2020]
    assert _base_years("较2020年下降25%，比上年增长5%") == [2020]


def test_which_n_things_names_the_things_counted():
    assert counted_things("优化营商环境要打造哪五个环境？") == (5, "环境")
    assert counted_things("有哪些环境方面的安排") is None
    # unnamed, in digits: so many things are asked for (at least three; 哪两个 names too little to go on)
    assert counted_things("“十五五”任务分了13个领域，是哪13个？") == (13, "")
    assert counted_things("是哪两个？") is None
    # a figure each item ends on: 新一轮“3个100万”是哪三个100万 (县城新增人口100万、…)
    assert counted_things("新一轮“3个100万”到底是哪三个100万") == (3, "100万")
    # the quoted term that counts them, wherever it stands
    assert counted_things("十五五规划纲要里讲的“九个坚持”原则都是哪九个") == (9, "坚持")


def test_how_many_alone_is_a_count_but_of_the_parts_of_the_work_a_list():
    assert not read_question("千亿级产业链目标是几条").wants_list
    assert read_question("今年的重点工作有几条？").wants_list
    assert read_question("报告列的几条都说说").wants_list


def test_a_share_is_not_a_change_and_not_a_share_of_another_whole():
    asked = read_question("吉林粮食产量占全国的比重是多少？")
    assert asked.share and asked.share_of == "全国"
    assert not fitting_figures(asked, "粮食产量增长近15%。")  # a change, not a share
    assert not fitting_figures(asked, "新能源装机1.69亿千瓦、占全疆装机64%。")  # a share of the region, not the country
    assert [f.text for f in fitting_figures(asked, "棉花产量占全国比重达92.8%。")] == ["92.8%"]
    # 全世界 and 全球 are one whole; a share asked with a change in it (增加值占比) is not read as a share
    assert fitting_figures(read_question("新能源车产销量占全世界多大比例？"), "新能源汽车产销量占全球比重超过60%。")
    assert not read_question("占比今年要提高多少").share


def test_which_two_people_asks_for_names():
    assert read_question("去年新当选的两院院士是哪两位？").kind == "person"
    assert read_question("Who is the Party Secretary of Guangxi?").kind == "person"
    assert read_question("居全国第几位").kind == "ordinal"  # a rank is no person


def test_an_english_target_or_amount_asked_after_a_possessive_asks_for_a_figure():
    assert read_question("What is Xiamen Torch Hi-tech Zone's 2022 target for new national high-tech enterprises?").wants_figure
    assert read_question("What was the zone's fixed-asset investment?").kind == "amount"


def test_what_a_named_part_says_asks_for_its_items_and_which_pieces_is_not_money():
    # 那部分都写了啥 / 这块讲了什么: what the part the question names says, item by item.
    assert read_question("今年优化营商环境那部分都写了啥").wants_list
    assert read_question("民生这块讲了什么？").wants_list
    assert not read_question("报告里说了什么时候开工？").wants_list
    # 哪几块 asks which pieces; 几块钱 asks for money.
    asked = read_question("报告里今年民生那部分都讲了哪几块")
    assert asked.wants_list and asked.unit != "元"
    assert read_question("一张票几块钱").unit == "元"


def test_search_style_questions_ask_for_what_their_last_word_says():
    # A question that ends on 时间 asks a date; 多长时间 a duration.
    assert read_question("第七届立法会议员宣誓仪式的时间").kind == "date"
    assert read_question("《我们的冬奥》的上映时间？").kind == "date"
    assert read_question("这个项目用了多长时间").kind == "duration"
    # 谁 as the subject or the end of a question asks a name; 费用是谁出的 asks a payer.
    assert read_question("开幕式总导演是谁").kind == "person"
    assert read_question("今年要推动几家企业IPO？都有谁").kind != "person"
    assert read_question("谁是第一棒火炬手").kind == "person"
    assert read_question("托育的费用是谁出的").kind != "person"
    # A search typed without a question word, ending on a word of measure, asks that figure.
    assert read_question("2021年宝马全球销量？").kind == "any"
    assert read_question("澳大利亚运动员数量").kind == "any"
    assert read_question("高新区的定位").kind == ""
    # 第几部分 asks which part says it, not an ordinal.
    assert read_question("零基预算这些要求在报告第几部分说的").kind == "section"


def test_an_order_of_magnitude_asked_must_be_the_figures():
    asked = read_question("重庆去年常住人口有多少万人")
    assert asked.magnitude == "万"
    assert not fitting_figures(asked, "每万城镇常住人口拥有社区工作者达到19.2人。")
    assert fitting_figures(asked, "年末常住人口3190.47万人。")
    assert fitting_figures(read_question("营收多少亿元"), "营业收入1.2万亿元。")


def test_what_a_count_counts_is_its_last_noun():
    asked = read_question("全国一共有多少个国家级高新区")
    assert asked.counted[-1] == "高新区"
    assert not fitting_figures(asked, "国家级高企超1200家。")
    assert fitting_figures(asked, "全国共有国家级高新区178个。")


def test_a_short_year_after_a_verb_of_lasting_is_a_length_of_time():
    from assistant.retrieve import _years

    assert _years("土地承包到期后再延长30年的试点") == []
    assert _years("坚持20年") == []
    assert _years("到30年要达到多少") == [2030]
    assert _years("22年高新区产值") == [2022]


def test_which_several_things_is_one_list_question():
    from assistant.asked import several_things

    assert several_things("要建哪几个枢纽") == "枢纽"
    assert several_things("融入全国统一大市场说要建几个枢纽？分别是啥") == "枢纽"
    assert several_things("2022年GDP多少") == ""
    # a quoted piece that each item ends on (优势联动、龙头带动、…)
    assert several_things("今年招商工作那几个“动”分别是啥") == "“动”"


def test_which_n_things_may_leave_out_the_measure_word():
    assert counted_things("报告老提“五化”进程，到底是哪五化") == (5, "化")
    assert counted_things("今年的十件民生实事都是哪十件") == (10, "")
    asked = read_question("今年的十件民生实事都是哪十件")
    assert asked.wants_list and asked.count == 10
    assert read_question("中老铁路搞“一地两检”是放在今年哪块工作里说的？").kind == "section"


def test_a_change_asked_is_not_answered_by_a_share():
    asked = read_question("去年固定资产投资增长了多少")
    assert asked.change
    assert not fitting_figures(asked, "工业投资占固定资产投资比重从17.9%提升到35.5%。")
    assert fitting_figures(asked, "固定资产投资增长5.1%。")
    assert not read_question("高技术产业占比提高了多少").change


def test_those_several_blocks_the_count_in_digits_and_a_question_said_twice():
    from assistant import split_question

    asked = read_question("今年政府要重点干的那几件大事，就是七项重点工作分别是啥")
    assert asked.wants_list and not asked.wants_figure and asked.count == 7  # 几件大事: the blocks, not how many
    assert read_question("十五五期间要重点把握的那5个方面分别是啥").count == 5
    assert read_question("去年新增了几家企业").kind == "count"
    assert split_question("今年要干的那几件大事，就是七项重点工作分别是啥") == ["今年要干的那几件大事，就是七项重点工作分别是啥"]
    # 多久 asks as 多少 does: two of them are two questions
    assert split_question("审批用了多久,海辰项目多久投产的") == ["审批用了多久", "海辰项目多久投产的"]
    assert read_question("十四五这五年GDP从多少涨到了多少？").from_to


def test_a_committee_s_post_is_asked_whole_and_a_form_in_quotes_is_a_list():
    from assistant.asked import several_things

    assert read_question("福建省委书记现在是谁？").post == "省委书记"  # not the 书记 of 习近平总书记
    assert read_question("管委会主任叫啥").post == "管委会主任"
    assert several_things("政府自身建设那块提了哪几个“始终把……作为”") == "“始终把......作为”"


def test_pairs_are_a_list_and_a_foreign_currency_is_the_unit_asked():
    from assistant.figures import find_figures

    assert read_question("报告说实际工作中要把握好哪几对关系").wants_list
    asked = read_question("去年实际使用外资多少亿美元")
    assert asked.kind == "amount" and asked.unit == "美元"
    assert not fitting_figures(asked, "完成投资1.22万亿元")
    assert fitting_figures(asked, "实际使用外资32.5亿美元")
    assert figure_fits(read_question("投资多少亿元"), find_figures("投资1.22万亿元")[0])


def test_those_years_ask_no_number_and_which_targets_is_a_list():
    asked = read_question("十五五那几年要实现哪些主要目标？大方向列一下就行")
    assert asked.wants_list and asked.kind == ""  # 那几年 points at the years: no duration asked
    assert read_question("这项工程要干几年").kind == "duration"
    assert read_question("十四五期间定了哪几项主要指标").wants_list
    assert not read_question("今年GDP增长目标是多少").wants_list


def test_a_figure_is_about_the_measure_of_its_own_stretch_of_the_sentence():
    asked = read_question("去年全省固定资产投资实际增长了多少？")
    # 17.1% is two clauses with figures of their own after the investment: that is not what 17.1% measures
    assert not fitting_figures(asked, "工业投资占固定资产投资比重从17.9%提升到35.5%，工业税收占全部税收比重从34.6%提升到49%，"
                                      "工业对经济增长贡献率从17.1%提升到35.1%。", ("syn:固定资产投资",))
    # ...while a clause that names nothing goes on with the one before it
    assert fitting_figures(asked, "固定资产投资完成5000亿元，增长10%。", ("syn:固定资产投资",))
    assert not read_question("城镇化率到多少了？").change  # 多少了 is no 少了


def test_a_count_and_its_term_name_the_things_each_item_names():
    from assistant.asked import counted_things

    assert counted_things("五大战略是哪五个") == (5, "战略")
    assert counted_things("“五大战略”具体是哪五个战略") == (5, "战略")
    assert counted_things("分了13个领域，是哪13个") == (13, "")


@pytest.mark.parametrize("question", ["今年的为民实事有哪十件啊", "为民实事是哪十件", "为民实事有哪10件"])
def test_which_n_things_at_the_end_asks_the_list(question):
    assert read_question(question).wants_list


def test_the_output_asked_plainly_is_an_amount():
    assert read_question("集成电路产业2021年产值具体多少？").kind == "amount"


def test_which_several_pieces_named_in_quotes_asks_the_list():
    assert read_question("建设国家能源和战略资源基地，今年要做好哪几篇“文章”？").wants_list


def test_trains_are_counted_by_the_train_or_by_the_trip():
    asked = read_question("西安开往欧洲的中欧班列去年一共跑了多少趟")
    assert asked.unit == "趟" and holds_answer(asked, "中欧班列（西安）开行6037列、增长21.1％。")
    asked = read_question("中欧班列成渝去年一年开了多少列")
    assert asked.unit == "列" and not holds_answer(asked, "中欧班列（成渝）覆盖欧亚120多个城市。")
