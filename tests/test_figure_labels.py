"""Figure labels read off the seed report: 30 of its figures, each with the words a reader of the text gives its measure.

The expectations were written from the text before the labelling rule: a label must hold the measure's own words and
none of another clause's (13.9% in 完成规上工业总产值3453.8亿元,约占全市42%,同比增长13.9% is the growth of
规上工业总产值, not of 全市).
"""

from __future__ import annotations

import pytest

from assistant.document import split_sentences
from assistant.figures import find_figures

from .conftest import REPORTS

SEED_TEXT = REPORTS["seed"].read_text(encoding="utf-8")

# (where the figure stands, in words of the seed; the figure; words its label holds; words it must not hold)
LABELS = [
    ("完成规上工业总产值3453.8亿元", "3453.8亿元", ["规上工业总产值"], ["完成"]),
    ("约占全市42%", "42%", ["规上工业总产值", "全市"], ["约"]),
    ("约占全市42%,同比增长13.9%", "13.9%", ["规上工业总产值", "增长"], ["全市"]),
    ("833.02亿元,同比增长10.6%", "10.6%", ["规上工业增加值", "增长"], ["总产值"]),
    ("固定资产投资完成332.5亿元", "332.5亿元", ["固定资产投资"], ["完成"]),
    ("332.5亿元,同比增长21.3%", "21.3%", ["固定资产投资", "增长"], ["完成"]),
    ("同比增长16.7%", "16.7%", ["实际利用外资", "增长"], ["35"]),
    ("企业数量增长39.6%", "39.6%", ["企业数量增长"], ["新净增", "4148"]),
    ("国家级高企超1200家", "1200家", ["国家级高企"], ["超"]),
    ("高技术产业产值占比规上工业总产值达78.9%", "78.9%", ["高技术产业产值", "占比"], ["达", "高企"]),
    ("19.9亿元,同比增长80.7%", "80.7%", ["区级一般公共预算收入", "增长"], ["总收入"]),
    ("新增各级孵化器、众创空间12家", "12家", ["孵化器", "众创空间"], ["新增"]),
    ("国家级工业设计中心各新增1家", "1家", ["国家级企业技术中心", "国家级工业设计中心"], ["各新增"]),
    ("10家省级新型研发机构", "10家", ["省级新型研发机构"], ["市级", "企业技术中心"]),
    ("2家市级新型研发机构", "2家", ["市级新型研发机构"], ["省级"]),
    ("“重点研发机构”11家", "11家", ["市首批", "重点研发机构"], []),
    ("服务金额超2000万元", "2000万元", ["火炬创新券", "服务金额"], ["其中", "超"]),
    ("融资规模较去年增长近七成", "七成", ["知识产权质押融资规模", "增长"], ["近"]),
    ("重点企业增资179亿元", "179亿元", ["重点企业增资"], ["推动"]),
    ("1006.6亿元,同比增长15.1%", "15.1%", ["计算机与通讯设备产业", "增长"], ["平板"]),
    ("主导产业增速均超过两位数", "两位数", ["半导体和集成电路", "主导产业增速"], ["均", "超过"]),
    ("企业10条专项扶持政策", "10条", ["专项扶持政策"], []),
    ("总数达29家", "29家", ["专精特新“小巨人”企业", "总数"], ["达"]),
    ("完成年度计划115.88%", "115.88%", ["市重点项目", "年度计划"], ["省重点项目"]),
    ("16名机关企事业干部", "16名", ["机关企事业干部"], ["委领导"]),
    ("事故起数、死亡人数均同比下降100%", "100%", ["事故起数", "死亡人数", "下降"], []),
    ("固定资产投资额增长两位数以上", "两位数", ["规上工业增加值增速和固定资产投资额增长"], ["其中"]),
    ("实际利用外资增长8%以上", "8%", ["实际利用外资增长"], ["软件"]),
    ("争取全年建成200名", "200名", ["师资库"], ["争取"]),
    ("1500亩工业用地", "1500亩", ["工业用地"], ["审批"]),
]


def label_of(context: str, figure: str) -> str:
    """The label of `figure` where it stands inside `context`, found as the figure desk finds it: in its sentence."""
    at = SEED_TEXT.index(context) + context.index(figure)
    line_start = SEED_TEXT.rfind("\n", 0, at) + 1
    line = SEED_TEXT[line_start : SEED_TEXT.find("\n", at)]
    for sentence in split_sentences(line):
        offset = at - line_start - sentence.start
        if 0 <= offset < len(sentence.text):
            found = [f for f in find_figures(sentence.text) if f.start == offset and f.text == figure]
            assert found, (figure, sentence.text)
            return found[0].measure
    raise AssertionError(f"{context} is not in the seed")


def test_the_contexts_are_the_seeds_own_words_each_once():
    assert len(LABELS) == 30
    assert all(SEED_TEXT.count(context) == 1 for context, *_ in LABELS)


@pytest.mark.parametrize(("context", "figure", "holds", "lacks"), LABELS, ids=[c for c, *_ in LABELS])
def test_a_figure_is_labelled_with_its_own_measure(context, figure, holds, lacks):
    label = label_of(context, figure)
    assert all(word in label for word in holds), label
    assert not any(word in label for word in lacks), label
