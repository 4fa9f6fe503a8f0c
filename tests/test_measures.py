"""The measure a figure question asks, the year it asks it of, and the parts and lists people ask for, on real
provincial reports of 2026 (each indexed once per test session, shared with test_dev_regression)."""

import pytest

from assistant import Assistant
from assistant.asked import enumerated_kind, read_question
from assistant.retrieve import understand

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(built_index):
    made: dict[str, Assistant] = {}

    def bot(name: str) -> Assistant:
        if name not in made:
            made[name] = Assistant.load(*built_index(name))
        return made[name]

    return bot


@pytest.mark.parametrize("name, question, said, instead", [
    # 工业 is nowhere in the quote, and the figure's name holds another noun in its place
    ("beijing2026", "去年北京规上工业增加值增长多少", "工业", "数字经济增加值增长8.7%"),
    ("jiangsu2026", "去年规上服务业企业利润增长了多少", "服务业", "规上工业企业利润增长6%"),
    ("hunan2026", "城镇居民人均可支配收入去年是多少", "城镇居民", "全体居民人均可支配收入达39545元"),
    # 全省PM2.5平均浓度27.4微克/立方米，…，鄱阳湖总磷浓度稳步下降: the clause naming the lake gives no figure of it
    ("jiangxi2026", "鄱阳湖总磷浓度现在具体是多少毫克每升", "总磷", "27.4微克/立方米"),
    # 全国 asked of a provincial report is the country, not the province
    ("jiangsu2026", "全国去年GDP增长多少", "全国", "5.3%"),
])
def test_a_figure_of_another_measure_or_place_than_the_one_asked_is_partial(report, question, name, said, instead):
    answer = report(name).ask(question)
    assert answer.status == "partial" and f"“{said}”" in answer.answer and instead in answer.answer


@pytest.mark.parametrize("name, question, figure", [
    ("jiangsu2026", "去年规上工业企业利润增长了多少", "规上工业企业利润增长6%"),
    ("jiangsu2026", "江苏去年GDP增长多少", "5.3%"),
    ("hebei2026", "今年规上工业增加值的增长目标是多少", "5.5%左右"),
])
def test_the_thing_asked_said_as_the_report_says_it_is_answered(report, name, question, figure):
    answer = report(name).ask(question)
    assert answer.status == "answered" and figure in answer.answer


def test_a_year_s_figure_is_not_an_average_of_five_years_in_the_same_sentence(report):
    """河北: 全省生产总值…增长到2025年的4.93万亿元…规上工业增加值年均增长6.5% gives one figure of 2025 and the asked
    one only as a five-year average; 刚刚过去的2025年…规上工业增加值增长7.9% is the year's."""
    answer = report("hebei2026").ask("2025年规上工业增加值涨了多少啊？")
    assert answer.status == "answered" and "7.9%" in answer.answer and "6.5%" not in answer.answer


def test_a_target_the_report_does_not_set_is_not_answered_with_a_result(report):
    answer = report("hebei2026").ask("今年全省粮食产量的目标定了多少")
    assert answer.status == "partial" and "目标" in answer.answer


def test_a_count_in_the_unit_asked_is_kept_with_the_clause_that_names_its_subject(report):
    answer = report("hebei2026").ask("雄安新区这些年盖起来多少栋楼")
    assert answer.status == "answered" and "5300多栋" in answer.answer and "雄安新区" in answer.answer


def test_which_things_of_a_kind_are_the_items_listed_after_the_kind(report):
    assert enumerated_kind("江苏要培育哪些未来产业，都列出来") == (None, "未来产业")
    assert enumerated_kind("今年要建设哪些项目") is None  # too general a word to name a kind an inline list ends on
    answer = report("jiangsu2026").ask("江苏要培育哪些未来产业，都列出来")
    assert all(item in answer.answer for item in ("量子科技", "生物制造", "氢能", "脑机接口", "具身智能"))
    fujian = report("fujian2026").ask("福建今年要发展哪些未来产业")
    assert all(item in fujian.answer for item in ("新型电池", "生物制造", "绿色氢能", "具身智能"))


def test_a_part_pointed_at_by_what_its_opening_says_is_listed_whole(report):
    assert read_question("政府加强自身建设那部分，一共提了哪几条要求？").wants_list
    answer = report("fujian2026").ask("政府加强自身建设那部分，一共提了哪几条要求？")
    assert all(item in answer.answer for item in ("忠诚作为为政之魂", "为民作为奋斗之责", "干净作为修身之基",
                                                  "担当作为成事之要", "高效作为服务之道"))


def test_the_title_of_a_part_asked_is_its_heading_not_the_report_s(report):
    query = understand("报告里专门讲政府作风建设的是第几部分 标题叫啥")
    assert query.asks_section and not query.asks_field
    answer = report("fujian2026").ask("报告里专门讲政府作风建设的是第几部分 标题叫啥")
    assert "一以贯之转作风，努力建设人民满意的服务型政府" in answer.answer


def test_where_a_thing_belongs_is_asked_of_the_thing_just_named():
    from assistant.retrieve import split_question

    question = "螺蛳粉产业园那段在讲啥主题，属于哪部分"
    assert split_question(question) == [question]


def test_a_list_of_measures_with_du_asks_each_of_them():
    from assistant.asked import asks_several

    assert asks_several("去年空气和水质咋样？PM2.5浓度、优良天数比例、国考断面水质优良比例都说下")
    assert not asks_several("PM2.5浓度现在多少")

