"""Normalisation and tokens: figures whole, synonyms both ways, traditional and full-width folded."""

from assistant import text as textmod
from assistant.text import is_english, normalize, synonym_keys, tokenize, topic_nouns


def test_figures_are_kept_whole():
    tokens = tokenize("完成规上工业总产值3453.8亿元,同比增长13.9%")
    assert "3453.8" in tokens and "13.9%" in tokens
    assert "3453" not in tokens and "13" not in tokens


def test_abbreviations_meet_full_terms():
    assert "syn:高新技术企业" in tokenize("国家级高企超1200家")
    assert "syn:高新技术企业" in tokenize("国家高新技术企业")
    assert "syn:规模以上" in tokenize("规上工业") and "syn:规模以上" in tokenize("规模以上工业")
    assert "syn:实际利用外资" in tokenize("外资目标")


def test_width_script_and_case_are_folded_for_matching():
    assert normalize("２０２１年，規上工業總產值") == "2021年,规上工业总产值"
    assert normalize("GDP") == "gdp"
    assert synonym_keys(normalize("GDP")) == ("syn:地区生产总值",)
    assert synonym_keys(normalize("国内生产总值")) == synonym_keys(normalize("地区生产总值"))


def test_question_words_are_dropped_with_their_pieces():
    tokens = tokenize("高新区有多少家企业?", drop_question_words=True)
    assert "多少" not in tokens and "高新" not in tokens and "企业" in tokens


def test_english_detection():
    assert is_english("How much fixed-asset investment was completed?")
    assert not is_english("2021年GDP是多少")


def test_topic_nouns_leave_out_guessed_words_question_words_and_the_follow_up_frame():
    assert "gdp" in topic_nouns("厦门市2021年全市GDP是多少?")
    assert "代线" not in topic_nouns("天马6代线项目的主厂房面积有多大?")
    assert not {"百分之几", "多少钱"} & set(topic_nouns("去年外贸进出口涨了百分之几,多少钱"))
    assert "那大" not in topic_nouns("那大行呢？")


def test_a_latin_synonym_counts_only_as_a_word_of_its_own():
    assert "syn:人工智能" in synonym_keys(normalize("AI产业产值多少"))
    assert "syn:人工智能" not in synonym_keys(normalize("what rate is the government aiming for"))


def test_years_as_people_type_them():
    from assistant.retrieve import SPAN_CUES, _years, understand

    assert _years("22年最后实际增长多少") == [2022]
    assert _years("连续22年保持增长") == [] and _years("22年来") == []
    assert SPAN_CUES.search("过去五年城镇新增就业年均多少") and not SPAN_CUES.search("去年城镇新增就业多少")
    assert understand("这份报告是谁作的，在哪个会上讲的？").asks_field
    assert understand("22年最后实际跑出来多少？", ["今年经济增速目标是多少？"]).is_followup


def test_a_target_year_at_the_end_of_a_plan_asks_about_the_plan():
    from assistant.retrieve import _plans

    assert _plans("到2025年，单位gdp能耗要降多少？") == ("十四五",)
    assert _plans("2023年gdp增长多少") == ()


def test_a_subscript_written_as_markup_is_the_plain_figure_name():
    # PM₂.₅ (NFKC), PM_2.5 (markup lost from a web page) and PM2.5 are one measure to a question about it
    assert normalize("PM_2.5浓度") == normalize("PM₂.₅浓度") == normalize("PM2.5浓度") == "pm2.5浓度"
    assert tokenize("PM_2.5浓度为25.9微克") == tokenize("PM2.5浓度为25.9微克")
    assert normalize("CO_2排放") == "co2排放" and normalize("a_b") == "a_b"


def test_pm25_is_fine_particulate_matter_and_a_noun_whole():
    assert "syn:细颗粒物" in tokenize("今年PM2.5年均浓度要控制在多少") and "syn:细颗粒物" in tokenize("细颗粒物年均浓度")
    assert "pm2.5" in topic_nouns("今年PM2.5年均浓度要控制在多少？")
    assert "syn:细颗粒物" not in tokenize("pm2增长5%")


def test_an_index_is_cut_the_same_whatever_terms_the_process_added_before():
    # Every added term raises jieba's total and so weighs every cut: after 400 terms (another report's, loaded
    # earlier in the same process) 制发 became one word, and a build gave another index than in a fresh process.
    from assistant import text as t

    sentence = "制发厦门火炬高新区进一步推进企业提质增效的若干措施"
    with t.kept_terms():
        t.only_terms(["火炬高新区"])
        alone = t.tokenize(sentence)
        t.add_terms([f"测试词{i:03d}" for i in range(400)])
        assert t.tokenize(sentence) != alone  # the effect this guards against
        t.only_terms(["火炬高新区"])
        assert t.tokenize(sentence) == alone
    assert "测试词000" not in t._registered_terms  # the process's terms are given back exactly


def test_a_dictionary_word_or_its_start_is_known_a_guessed_piece_is_not():
    assert textmod.known_word("对台") and textmod.known_word("欧洲")
    assert not textmod.known_word("年全")  # the HMM's cut of 2025年全社会


def test_a_city_jieba_tags_as_a_common_noun_is_a_place_by_its_name_with_shi():
    # jieba tags 合肥 n and 宝鸡 n alone, but 合肥市 / 宝鸡市 ns: the city is a place either way.
    assert textmod.place_names("合肥去年GDP多少") == ("合肥",)
    assert textmod.place_names("宝鸡的粮食产量") == ("宝鸡",)
    assert textmod.place_names("芜湖去年GDP多少") == ("芜湖",)
    # words that say which or how many are not names, whatever the dictionary lists with 市 after them
    assert textmod.place_names("各省GDP") == () and textmod.place_names("外省送电") == ()
    assert textmod.place_names("2025年全省粮食产量") == ()


def test_a_clause_that_only_asks_how_to_be_told_is_left_out():
    from assistant.text import without_asides

    assert without_asides("今年省政府主要打算干哪几块大事？用大白话给我捋一捋") == "今年省政府主要打算干哪几块大事？"
    assert without_asides("用大白话说说，今年GDP目标是多少") == "今年GDP目标是多少"
    assert without_asides("今年GDP多少，简单说说吧") == "今年GDP多少"
    # ...or run into the question it opens, when the telling verb is said twice or with 一下
    assert without_asides("简单说说今年政府要干的那几件大事") == "今年政府要干的那几件大事"
    assert without_asides("帮我总结一下今年的目标") == "今年的目标"
    # a question that is nothing else stays whole
    assert without_asides("总结一下") == "总结一下"
    assert without_asides("介绍一下高新区") == "介绍一下高新区"
    assert without_asides("去年GDP多少？火星基地呢") == "去年GDP多少？火星基地呢"


def test_a_word_written_short_is_the_same_word_and_a_synonym_is_not():
    from assistant.text import abbreviates

    assert abbreviates("规上", "规模以上") and abbreviates("外商投资", "外资") and abbreviates("高企", "高新技术企业")
    assert not abbreviates("问题", "薄弱环节") and not abbreviates("规上", "规上")


def test_a_magnitude_and_ji_name_a_class_of_things():
    from assistant.text import with_class_words

    pairs = [("千亿", "m"), ("级", "q"), ("的", "uj"), ("那", "r"), ("几个", "m")]
    assert with_class_words(pairs)[0] == ("千亿级", "n")
    assert with_class_words([("级", "q")]) == [("级", "q")]
