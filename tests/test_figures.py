"""Finding figures with their units, and the number guard."""

from assistant.figures import contains_number, find_figures, unsupported_numbers


def texts(sentence):
    return [f.text for f in find_figures(sentence) if f.kind != "date"]


def test_figures_with_units_as_written():
    sentence = "完成规上工业总产值3453.8亿元,约占全市42%,同比增长13.9%。厦门时代项目1500亩工业用地仅42天就完成全过程审批"
    assert texts(sentence) == ["3453.8亿元", "42%", "13.9%", "1500亩", "42天"]


def test_compound_units_and_chinese_numerals():
    assert texts("天马6代项目近65万平方米的主厂房") == ["6", "65万平方米"]
    assert texts("国家级高企超1200家,全年服务企业近2万家次") == ["1200家", "2万家次"]
    assert texts("增长两位数以上,规模较去年增长近七成,第三次获得表彰") == ["两位数", "七成", "第三次"]
    assert texts("学员覆盖100多家规上企业") == ["100多家"]
    # energy, volume and size units: a figure is not cut before them (1116亿千瓦 + 时, a bare 8 before 英寸)
    assert texts("外送电量1116亿千瓦时，弗迪12吉瓦时动力电池，8英寸半导体，补水135亿立方米") == [
        "1116亿千瓦时", "12吉瓦时", "8英寸", "135亿立方米"]


def test_dates_are_marked_as_dates():
    found = find_figures("2022年2月17日印发,2021年完成")
    assert [(f.text, f.kind) for f in found] == [("2022年2月17日", "date"), ("2021年", "date")]


def test_measure_is_read_off_the_clause():
    found = {f.text: f.measure for f in find_figures("完成规上工业总产值3453.8亿元,同比增长13.9%。")}
    assert found["3453.8亿元"] == "规上工业总产值"
    assert found["13.9%"].startswith("规上工业总产值")


def test_whole_number_matching():
    assert not contains_number("新净增企业4148家", "14")
    assert not contains_number("利润同比增长96.8%", "8")
    assert contains_number("增长8%以上", "8")
    assert contains_number("总产值3453.8亿元", "3453.8")
    assert not contains_number("总产值3453.8亿元", "3453")


def test_number_guard_ignores_citation_marks_and_catches_invented_numbers():
    source = ["完成规上工业总产值3453.8亿元,同比增长13.9%。"]
    assert unsupported_numbers("总产值3453.8亿元[1],增长13.9%[1]。", source) == []
    assert unsupported_numbers("总产值约3454亿元[1]", source) == ["3454"]
    assert unsupported_numbers("增长14%[2]", source) == ["14"]


def labels(text):
    return {f.text: f.measure for f in find_figures(text) if f.kind != "date"}


def test_a_bare_growth_or_share_clause_measures_the_subject_before_it():
    found = labels("完成规上工业总产值3453.8亿元,约占全市42%,同比增长13.9%。")
    assert found == {"3453.8亿元": "规上工业总产值", "42%": "规上工业总产值 占全市", "13.9%": "规上工业总产值 同比增长"}
    assert labels("新增国家级专精特新“小巨人”企业9家,总数达29家")["29家"] == "国家级专精特新“小巨人”企业 总数"


def test_the_subject_is_not_carried_into_the_next_sentence():
    assert labels("完成规上工业总产值3453.8亿元。同比增长13.9%。")["13.9%"] == "同比增长"


def test_each_item_of_a_list_is_labelled_with_its_own_noun():
    found = labels("新增8家省级企业技术中心、10家省级新型研发机构和2家市级新型研发机构")
    assert found == {"8家": "省级企业技术中心", "10家": "省级新型研发机构", "2家": "市级新型研发机构"}
    found = labels("新认定火炬创新研究院2家、火炬域外研发中心4家")
    assert found["4家"] == "火炬域外研发中心" and "火炬创新研究院" in found["2家"]


def test_quantity_predicates_go_and_words_stay_whole():
    assert labels("固定资产投资完成332.5亿元")["332.5亿元"] == "固定资产投资"
    assert labels("城镇调查失业率平均为5.1%")["5.1%"] == "城镇调查失业率平均"
    assert labels("国家级高企超1200家")["1200家"] == "国家级高企"
    label = labels("其中规上工业增加值增速和固定资产投资额增长两位数以上")["两位数"]
    assert label == "规上工业增加值增速和固定资产投资额增长"


def test_measure_words_of_trains_ships_and_planes_are_units():
    # 开行6037列 counts trains: a count of 人次 it is not.
    assert texts("中欧班列（西安）开行6037列、增长21.1%") == ["6037列", "21.1%"]
    assert texts("新开通国际客货运航线15条，起降12万架次") == ["15条", "12万架次"]


def test_a_full_width_percent_sign_is_a_percentage_as_written():
    figure = find_figures("生产总值增长5％左右")[0]
    assert (figure.text, figure.kind) == ("5％", "percent")


def test_a_number_that_names_a_line_or_a_document_is_no_figure():
    assert find_figures("西安地铁15号线通车运营。") == []
    assert [f.text for f in find_figures("地铁运营里程达到422公里，15号线通车。")] == ["422公里"]
