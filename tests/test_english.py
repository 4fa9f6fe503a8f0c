"""The English lookup (english.py): CC-CEDICT read backwards, kept to the words of the reports."""

from assistant.english import OFFICIAL_TERMS, EnglishTerms, build_dictionary, phrase_key, stem

VOCABULARY = {"外资", "赤字", "孵化器", "企业", "居民", "消费", "价格", "指数", "规模以上", "工业总产值", "森林", "新增"}


def test_stemming_meets_plural_and_past_forms():
    assert stem("incubators") == stem("incubator")
    assert stem("relocated") == stem("relocate")
    assert stem("policies") == "policy"
    assert stem("business") == "business"


def test_english_words_find_the_reports_words_and_nothing_outside_them():
    terms = EnglishTerms(build_dictionary(VOCABULARY))
    assert "外资" in terms.lookup("How much foreign investment did the zone attract?")
    assert "赤字" in terms.lookup("What deficit ratio is planned?")
    assert "孵化器" in terms.lookup("How many incubators were added?")
    assert set(terms.lookup("What was the gross industrial output above designated size?")) >= {"工业总产值", "规模以上"}
    looked_up = terms.lookup("How many enterprises and incubators, and what about the forest?")
    assert set(looked_up) <= VOCABULARY


def test_an_acronym_reaches_the_pieces_of_a_compound_the_report_never_writes_whole():
    # CC-CEDICT: 居民消费价格指数 /consumer price index CPI/; the vocabulary has its pieces, not the whole word
    assert {"居民", "消费", "价格"} <= set(EnglishTerms(build_dictionary(VOCABULARY)).lookup("CPI"))


def test_question_words_alone_find_nothing():
    assert EnglishTerms(build_dictionary(VOCABULARY)).lookup("how many of them were there this year") == ()


def test_official_terms_are_general_statistical_vocabulary():
    for phrase, words in OFFICIAL_TERMS.items():
        assert phrase == phrase.lower() and words
        assert all(len(w) >= 2 for w in words)


def test_a_phrase_is_the_same_in_either_order_but_a_verb_keeps_its_particle():
    assert phrase_key(["fishing", "ban"]) == phrase_key(["ban", "on", "fishing"])
    assert phrase_key(["growth", "rate"]) == phrase_key(["rate", "of", "growth"])
    assert phrase_key(["take", "in"]) != phrase_key(["take"])
    # CC-CEDICT: 禁渔 /ban on fishing/, 长江 /Yangtze River, or Chang Jiang/
    terms = EnglishTerms(build_dictionary({"禁渔", "长江", "收入"}))
    assert set(terms.lookup("How long is the fishing ban on the Yangtze River?")) == {"禁渔", "长江"}
    # a phrase begins and ends with a content word: "what deficit to" does not swallow "deficit" before its ratio
    assert "赤字率" in EnglishTerms(build_dictionary({"赤字率", "赤字"})).lookup("What deficit-to-GDP ratio is planned?")


def test_an_official_term_the_report_writes_in_pieces_stands_for_its_pieces():
    # 赤字率 is cut 赤字|率 in a report's tokens: the official "deficit ratio" still reaches 赤字
    assert build_dictionary({"赤字", "国内"})[phrase_key(["deficit", "ratio"])] == ["赤字"]


def test_two_words_of_one_gloss_said_apart_find_it_unless_a_phrase_took_them():
    # CC-CEDICT: 植树 /to plant trees/, 发电 /to generate electricity/: the question says them apart
    terms = EnglishTerms(build_dictionary({"植树", "发电", "植物", "就业", "新增"}))
    assert "植树" in terms.lookup("how many trees are people supposed to plant this year")
    assert "发电" in terms.lookup("how much electricity should it generate")
    assert "植树" not in terms.lookup("how many trees and how much else did the plant make in ten long years since")
    # "new urban jobs" is one phrase: its words are not looked up again in pairs
    groups = EnglishTerms(build_dictionary({"就业", "新增", "城镇新增就业"})).lookup_groups("How many new urban jobs?")
    assert len(groups) == len(set(groups))


def test_irregular_past_forms_meet_their_glosses():
    assert stem("went") == stem("go") and stem("grew") == stem("grow")
    terms = EnglishTerms(build_dictionary({"上市", "企业"}))
    assert "上市" in terms.lookup("which companies went public")


def test_a_five_year_plan_named_in_english_is_the_plan_of_its_years():
    from assistant.retrieve import understand

    assert understand("What urbanization rate does the region aim for by the end of the 15th Five-Year Plan?").plans == ("十五五",)
    assert understand("How much did GDP grow during the 14th five-year plan?").plans == ("十四五",)
    assert understand("What is the GDP target for 2026?").plans == ()


def test_r_and_d_alone_is_the_reports_yanfa(bot):
    """R&D on its own (R&D institutions, R&D centres), not only in R&D spending, reaches the reports' 研发."""
    from assistant.retrieve import understand

    assert "研发" in understand("How many new R&D institutions are planned for 2022?", [], bot.index.english).english_terms
    answer = bot.ask("How many new R&D institutions are planned for 2022?")
    assert answer.status == "answered" and "15家" in answer.answer


def test_a_follow_up_reads_the_english_words_of_the_question_before_it(multi_bot):
    # 去年呢 has no word of its own; the earlier question names its measure only as CPI, which the dictionary reads as
    # 居民消费价格. Without looking the history's English words up, nothing was found.
    national = "2022-national-government-work-report"
    for followup in ("去年呢？", "那去年实际涨了多少？"):
        a = multi_bot.ask(followup, ["今年CPI涨幅目标是多少？"], report=national).to_dict()
        assert a["status"] != "not_found"
        assert "0.9%" in a["answer"]


def test_a_compound_stands_for_pieces_that_do_not_overlap():
    from assistant.english import _in_vocabulary

    # 国内生产总值 (GDP) in a report that never writes it whole: 国内 + 生产 + 总值, not the 内生 straddling two of them
    vocabulary = {"国内", "内生", "生产", "总值", "内生动力"}
    assert _in_vocabulary("国内生产总值", vocabulary) == ["国内", "生产", "总值"]
    assert _in_vocabulary("生产总值", vocabulary | {"生产总值"}) == ["生产总值"]


def test_words_that_say_when_are_not_looked_up_alone_and_a_share_is_zhanbi():
    terms = EnglishTerms(build_dictionary({"安排", "计划", "方案", "规划", "目标", "上市", "占比", "比重", "数字", "经济", "产值"}))
    assert terms.lookup("What are the IPO plans for 2022? What is the target?") == ()  # plan/target say when only
    assert {"占比", "产值"} <= set(terms.lookup("digital economy share of output"))


def test_a_derived_noun_is_looked_up_by_the_word_it_is_made_from():
    # CC-CEDICT glosses 困难 as "difficult", not "difficulty"; the plural noun still finds it, and only on a miss.
    terms = EnglishTerms(build_dictionary(VOCABULARY | {"困难"}))
    assert "困难" in terms.lookup("How many problems and difficulties were solved?")
    assert "困难" not in terms.lookup("How many problems were solved?")


def test_the_degree_word_of_how_and_words_of_relative_time_are_not_looked_up():
    # "how fast" asks for a rate and "last year" says when: looked up they were 快速 and 持续/永久, the heaviest words
    # of the question.
    terms = EnglishTerms(build_dictionary(VOCABULARY | {"快速", "持续", "永久", "增长", "粮食", "生产"}))
    assert "快速" not in terms.lookup("What was the GDP in 2025 and how fast did it grow?")
    assert not {"持续", "永久"} & set(terms.lookup("how much grain did the province produce last year"))
    assert "快速" in terms.lookup("Which industries saw fast growth?")


def test_statistical_indicators_reach_the_words_reports_write_for_them():
    terms = EnglishTerms(build_dictionary({"粮食", "产量", "地区生产总值", "生产总值", "人均", "进出口", "外资", "森林覆盖率"}))
    assert "粮食" in terms.lookup("How much grain did the province harvest?")  # CC-CEDICT's grain is 粮, never written alone
    assert "地区生产总值" in terms.lookup("What was the province's total GDP?")  # a province's GDP is 地区生产总值
    assert {"人均", "地区生产总值"} <= set(terms.lookup("what's the per capita GDP now"))
    assert "外资" in terms.lookup("How much foreign capital was used?")
    assert "森林覆盖率" in terms.lookup("What is the forest coverage rate?")


def test_a_word_keeps_the_senses_the_reports_use_most():
    dictionary = build_dictionary({"增长", "发展", "成长", "生育"})
    assert set(EnglishTerms(dictionary).lookup("grow")) >= {"增长", "成长", "生育"}  # no frequencies: every sense
    terms = EnglishTerms(dictionary)
    terms.use_frequencies({"增长": 900, "发展": 700, "成长": 3, "生育": 2}.get, senses=2)
    assert set(terms.lookup("How fast did it grow?")) == {"增长", "发展"}


def test_an_english_count_and_its_noun_are_read_as_a_chinese_which_n_question():
    from assistant.english import counted_phrase

    assert counted_phrase("Jiangxi keeps mentioning its 'five major strategies' — what are they?") == (5, "strategies")
    assert counted_phrase("What are the 3 key tasks?") == (3, "tasks")
    assert counted_phrase("How much did GDP grow in 2025?") is None


def test_now_asks_for_the_results_part_and_a_synonym_read_from_english_is_one_name():
    from assistant.retrieve import understand

    assert understand("How many airports does Xinjiang have now?").period == "review"
    assert understand("How many airports will Xinjiang build?").period != "review"


def test_an_english_phrase_read_as_a_synonym_s_name_does_not_also_count_its_pieces(bot):
    from assistant.retrieve import understand

    query = understand("Roughly how many national-level high-tech enterprises does the zone have now?", [], bot.index.english)
    weights = bot.answerer.matcher.topic(query)
    assert "syn:高新技术企业" in weights and "技术" not in weights and "高新" not in weights
