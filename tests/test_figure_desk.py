"""The figure desk in the engine: one filter for the web app and the CLI, sections filled, the CLI's header and its
exit status, and the measures offered for comparison."""

from __future__ import annotations

import pytest

import app as webapp
from assistant import compare_figures, figures_matching, measure_key, recurring_measures
from assistant.__main__ import FIGURE_HEADER, main

SEED_PARAGRAPH = "xiamen-torch-hitech-zone-2021-summary-2022-plan:1.0.2"  # 主要经济指标平稳增长。完成规上工业总产值…


def cli_figures(capsys, *args: str) -> tuple[int, list[list[str]], str]:
    status = main(["figures", *args, "--no-build"])
    captured = capsys.readouterr()
    return status, [line.split("\t") for line in captured.out.splitlines()], captured.err


@pytest.mark.parametrize("keyword", ["外资", "增长 2022", "高企", "实际利用外资 同比增长", "１６.７%", ""])
def test_the_app_and_the_cli_list_the_same_rows(bot, capsys, keyword):
    status, lines, _ = cli_figures(capsys, keyword)
    shown = webapp.filter_figures(bot.figure_rows(), keyword, webapp.ALL_PARTS)
    assert status == 0 and lines[0] == list(FIGURE_HEADER)
    assert [(cells[0], cells[-1]) for cells in lines[1:]] == [(r.figure, r.paragraph_id) for r in shown]
    assert shown == figures_matching(bot.figure_rows(), keyword)


def test_foreign_investment_is_the_clauses_that_name_it_in_the_app_and_the_cli(bot, capsys):
    _, lines, _ = cli_figures(capsys, "外资")
    assert sorted(cells[0] for cells in lines[1:]) == ["16.7%", "35亿元", "35亿元", "8%"]
    assert all("外资" in cells[1] for cells in lines[1:])


def test_the_cli_says_when_nothing_matches_and_exits_1(capsys):
    status, lines, err = cli_figures(capsys, "没有这个词")
    assert status == 1 and lines == []
    assert "没有" in err and "No figure matches" in err


def test_a_part_and_a_report_narrow_the_rows(bot):
    rows = bot.figure_rows()
    plan = figures_matching(rows, "外资", part="二、2022年工作要点")
    assert [r.figure for r in plan] == ["8%"]
    key = rows[0].report
    assert figures_matching(rows, reports=[key]) == rows == figures_matching(rows, reports=rows[0].report_name)
    assert figures_matching(rows, reports=["another-report"]) == []


def test_a_paragraph_led_by_its_own_heading_fills_the_section(bot):
    rows = [r for r in bot.figure_rows() if r.paragraph_id == SEED_PARAGRAPH]
    assert rows and {r.section for r in rows} == {"主要经济指标平稳增长"}
    target = next(r for r in bot.figure_rows() if r.figure == "165家")
    assert target.section == "2022年预期目标"


def test_with_one_report_the_measures_offered_recur_in_its_two_years(bot):
    rows = bot.figure_rows()
    offered = recurring_measures(rows)
    assert "实际利用外资增长" in offered and "国家级高企" in offered
    assert "企业" not in offered  # once it held 新增“三高”企业179家, 10条专项扶持政策 and 50家 alike
    for measure in offered:
        found = compare_figures(rows, measure)
        assert len({r.year for r in found}) > 1, measure
        assert len({measure_key(r.measure) for r in found}) == 1, measure
    growth = compare_figures(rows, "实际利用外资增长")
    assert [(r.figure, r.year, r.role) for r in growth] == [("16.7%", "2021", "结果"), ("8%", "2022", "目标")]


def test_a_measure_typed_by_hand_finds_the_labels_that_hold_it(bot):
    found = compare_figures(bot.figure_rows(), "外资")
    assert {r.figure for r in found} == {"35亿元", "16.7%", "8%"}
    assert compare_figures(bot.figure_rows(), "  ") == []


def test_growth_labels_compare_as_one_measure():
    assert measure_key("实际利用外资 同比增长") == measure_key("实际利用外资增长") == measure_key("实际利用外资增速")
    assert measure_key("全年城镇新增就业") == "城镇新增就业"
    assert measure_key("国家级高企") != measure_key("国家级高企 总数")
