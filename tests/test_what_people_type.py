"""What people type into a public chat, through the real engine and the committed index: input that is not a question
about the report is never answered with one of its sentences, and the ordinary ways of asking for a whole list get
every item of it."""

import pytest

pytestmark = pytest.mark.slow

NOT_QUESTIONS = [
    # greetings and thanks
    "hello", "Hi!", "你好！", "您好", "谢谢", "thanks",
    # code
    "'; DROP TABLE reports; --", "SELECT * FROM figures WHERE 1=1", "<script>alert(1)</script>", "{{7*7}}",
    # random text and lone words
    "lorem ipsum", "asdfgh", "qwertyuiop", "asdf qwer zxcv", "test", "啊啊啊啊",
    # off-topic and general knowledge
    "1+1等于几", "讲个笑话", "今天天气怎么样", "谁是美国总统", "地球有多大", "如何做红烧肉", "Python怎么安装",
    "北京到上海多远", "What is the capital of France?", "Who won the world cup?",
    # a stray English word in front of a question the report cannot answer (the seed has no GDP)
    "alert 2021年GDP？",
]

# Measures the seed never gives, asked about the place or the zone it does name (a sentence about 厦门创新创业园 or
# 火炬大学堂 is not an answer to how many people live there).
ABSENT_MEASURES = ["厦门人口有多少", "厦门的常住人口是多少？", "火炬高新区人口多少", "厦门有多少常住人口", "高新区常住人口多少人"]

# Near misses: the seed gives the output of two of its industries, not of 半导体和集成电路
# (only that they grew by double digits); 国家级高企, not how many 国家级高新区 there are.
NEAR_MISSES = [
    ("半导体和集成电路产业去年产值多少", "集成电路"),
    ("全国一共有多少个国家级高新区", ""),
]

# The seed's 2022 work plan has eight sections, (一) to (八).
PLAN_QUESTIONS = [
    "2022年重点做哪几方面工作", "2022年主要抓哪几个方面", "2022年的工作任务有哪些", "今年有哪些工作安排", "2022年工作要点有哪些",
    "2022年计划做哪些工作", "2022年高新区的工作重点是什么", "22年打算干哪几件大事", "2022年的主要任务是什么",
    "2022年工作分几大块",
]
# ...and its review names four problems, 一是… to 四是….
PROBLEM_QUESTIONS = [
    "高新区的主要问题有哪些", "高新区存在哪些不足", "高新区还有什么短板", "目前面临哪些困难和问题", "存在的问题是什么",
    "高新区有哪些不足之处",
]


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_what_is_not_a_question_about_the_report_is_not_answered_from_it(bot, text):
    answer = bot.ask(text)
    assert answer.status in ("not_found", "invalid"), (answer.status, answer.answer)
    assert not answer.citations


@pytest.mark.parametrize("question", ABSENT_MEASURES)
def test_a_measure_the_report_never_gives_is_not_answered_with_a_sentence_about_the_place(bot, question):
    answer = bot.ask(question)
    assert answer.status == "not_found", (answer.status, answer.answer)
    assert not answer.citations


@pytest.mark.parametrize(("question", "named"), NEAR_MISSES)
def test_a_figure_of_another_measure_or_thing_is_not_given_as_the_answer(bot, question, named):
    answer = bot.ask(question)
    assert answer.status in ("partial", "not_found"), (answer.status, answer.answer)
    assert named in answer.note, answer.note


@pytest.mark.parametrize("question", PLAN_QUESTIONS)
def test_ordinary_ways_to_ask_for_the_plan_get_all_its_sections(bot, question):
    answer = bot.ask(question)
    assert answer.status == "answered", answer.answer
    assert all(f"({n})" in answer.answer for n in "一二三四五六七八"), answer.answer
    assert len(answer.citations) == 8


@pytest.mark.parametrize("question", [q for q in PLAN_QUESTIONS if any(y in q for y in ("2022年", "今年", "22年"))])
def test_asking_for_the_plan_later_in_a_chat_is_not_read_as_a_follow_up_of_the_last_figure(bot, question):
    # Found in the browser: after a question about 规上工业产值, "2022年主要抓哪几个方面" was answered with the one
    # plan sentence about 规上工业 (the earlier topic carried over as if the question leaned on it).
    answer = bot.ask(question, ["去年高新区规上工业产值一共多少？"])
    assert all(f"({n})" in answer.answer for n in "一二三四五六七八"), answer.answer
    assert len(answer.citations) == 8


@pytest.mark.parametrize("question", PROBLEM_QUESTIONS)
def test_ordinary_ways_to_ask_for_the_problems_get_all_four(bot, question):
    answer = bot.ask(question)
    assert answer.status == "answered", answer.answer
    for item in ("产业集群竞争力不够强", "创新要素集聚不足", "产业用地保障问题显现", "干部队伍能力作风有待进一步提升"):
        assert item in answer.answer


def test_a_list_that_does_not_have_the_number_of_items_asked_for_is_partial(bot):
    answer = bot.ask("2022年工作要点的三个方面是什么")
    assert answer.status == "partial" and "可能不是所问的完整清单" in answer.answer


# "Which part of the report says X", asked the ways people ask it: the answer gives the passage under its whole
# heading path, down to the numbered item (the seed's 一是/二是 sub-headings).
SECTION_QUESTIONS = [
    ("报告哪一部分讲了火炬大学堂？", "激发奋进动力"),
    ("软件园三期配套在哪一节提到", "加快完善公共配套"),
    ("独角兽企业在报告哪部分", "独角兽"),
    ("金砖交流平台在报告的什么地方", "布局金砖交流平台"),
    ("Which section mentions the Brics innovation base?", "金砖创新基地"),
]


@pytest.mark.parametrize(("question", "heading"), SECTION_QUESTIONS)
def test_which_part_of_the_report_is_answered_with_the_heading_path(bot, question, heading):
    answer = bot.ask(question)
    assert answer.status == "answered", answer.answer
    shown = answer.answer.split("：" if answer.lang == "zh" else ": ", 1)[0]
    assert heading in shown, answer.answer
    assert any(heading in c.section for c in answer.citations)


def test_a_topic_in_two_parts_is_shown_under_both_headings(bot):
    answer = bot.ask("火炬创新券在报告的哪个部分")
    assert "2021年工作总结" in answer.answer and "2022年工作要点" in answer.answer, answer.answer
    assert len({c.section for c in answer.citations}) == 2
