"""Question sets through the real engine, with floors: a change that makes answers worse fails here.

- ../shared/eval: the dev sets (dev.jsonl on the seed, dev-gov2021.jsonl on the 2021 national report). They live
  outside the repository: without ../shared these tests skip and say so; in CI (CI=true), with ../shared there, a
  missing file fails.
- tests/data/tune: sets the engine was tuned on (written apart from the code, then read where they failed and fixed
  against; benchmarks/tune.py fits the settings on them): regression floors.
- tests/data/heldout: sets written by helpers before this version of the engine, scored at first contact and never
  read item by item (first-contact scores in docs/quality.md); the floors keep later changes from losing what they
  reached. A set whose items are read moves to tests/data/tune.
Each report gets an index of its own, built once per test session.
"""

import pytest

from assistant import Assistant
from assistant.evaluate import evaluate, load_items

from .conftest import REPORTS, ROOT, SHARED, need

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bots(built_index):
    made: dict[tuple[str, ...], Assistant] = {}

    def bot(*reports: str) -> Assistant:
        if reports not in made:
            made[reports] = Assistant.load() if reports == ("seed",) else Assistant.load(*built_index(*reports))
        return made[reports]

    return bot


def test_dev_set_floors(bots):
    s = evaluate(bots("seed"), load_items(need(SHARED / "eval" / "dev.jsonl")))
    assert s["overall"] >= 0.95
    assert s["recall@3"] >= 0.95
    assert s["concise"] >= 0.9
    assert s["unanswerable_handled"] >= 3
    assert s["false_refusals"] <= 1
    assert s["unsupported_number_answers"] == 0
    assert s["english_ok"] == s["english_total"]


def test_national_report_dev_set_meets_the_issue_bar(bots):
    """The bar of the issue that brought learned matching: overall ≥ 0.90, ≤ 2 false refusals, ≥ 6/7 unanswerable
    handled, ≥ 6/7 English, ≥ 3/4 section questions, no unsupported number."""
    s = evaluate(bots("gov2021"), load_items(need(SHARED / "eval" / "dev-gov2021.jsonl")))
    assert s["overall"] >= 0.90
    assert s["false_refusals"] <= 2
    assert s["unanswerable_handled"] >= 6
    assert s["english_ok"] >= 6
    assert s["by_type"]["section"]["ok"] >= 3
    assert s["unsupported_number_answers"] == 0


# (file, report, overall floor): floors sit 0.05 under the score when the floor was set.
SETS = [
    ("tune/holdout1-seed.jsonl", "seed", 0.90),
    ("tune/holdout2-seed.jsonl", "seed", 0.88),
    ("tune/holdout3-seed.jsonl", "seed", 0.90),
    ("tune/tune-seed.jsonl", "seed", 0.87),
    ("tune/tune-gov2021.jsonl", "gov2021", 0.87),
    ("tune/tune-gov2022.jsonl", "gov2022", 0.92),
    ("tune/tune2-seed.jsonl", "seed", 0.92),
    ("tune/tune2-gov2021.jsonl", "gov2021", 0.82),
    ("tune/tune2-gov2022.jsonl", "gov2022", 0.87),
    ("tune/seed-heldout.jsonl", "seed", 0.87),
    ("tune/gov2021-heldout.jsonl", "gov2021", 0.75),
    ("tune/gov2022-heldout.jsonl", "gov2022", 0.83),
    ("tune/final-seed.jsonl", "seed", 0.90),
    ("tune/final-gov2021.jsonl", "gov2021", 0.87),
    ("tune/final-gov2022.jsonl", "gov2022", 0.85),
    ("tune/round3-seed.jsonl", "seed", 0.91),
    ("tune/round3-gov2023.jsonl", "gov2023", 0.87),
    ("tune/round4-seed.jsonl", "seed", 0.82),
    ("tune/round4-gov2024.jsonl", "gov2024", 0.87),
    ("tune/sichuan2026.jsonl", "sichuan2026", 0.91),
    ("tune/henan2026.jsonl", "henan2026", 0.89),
    ("tune/guangdong2026.jsonl", "guangdong2026", 0.85),
    ("tune/gansu2026.jsonl", "gansu2026", 0.85),
    ("heldout/seed5.jsonl", "seed", 0.85),
    ("heldout/tianjin2026.jsonl", "tianjin2026", 0.83),
    ("heldout/hubei2026.jsonl", "hubei2026", 0.81),
    ("tune/ningxia2026.jsonl", "ningxia2026", 0.79),
    ("tune/xizang2026.jsonl", "xizang2026", 0.87),
    ("tune/qinghai2026.jsonl", "qinghai2026", 0.89),
    ("heldout/guangxi2026.jsonl", "guangxi2026", 0.89),
    ("heldout/heilongjiang2026.jsonl", "heilongjiang2026", 0.91),
    ("heldout/jilin2026.jsonl", "jilin2026", 0.79),
    ("heldout/xinjiang2026.jsonl", "xinjiang2026", 0.77),
    ("heldout/anhui2026.jsonl", "anhui2026", 0.75),
    ("heldout/hunan2026.jsonl", "hunan2026", 0.87),
    ("heldout/shandong2026.jsonl", "shandong2026", 0.87),
    ("heldout/shaanxi2026.jsonl", "shaanxi2026", 0.81),
    ("tune/jiangsu2026.jsonl", "jiangsu2026", 0.75),
    ("tune/yunnan2026.jsonl", "yunnan2026", 0.75),
    ("tune/fujian2026.jsonl", "fujian2026", 0.79),
    ("tune/beijing2026.jsonl", "beijing2026", 0.77),
    ("heldout/neimenggu2026.jsonl", "neimenggu2026", 0.79),
    ("heldout/shanxi2026.jsonl", "shanxi2026", 0.87),
    ("tune/hainan2026.jsonl", "hainan2026", 0.87),
    ("tune/guizhou2026.jsonl", "guizhou2026", 0.83),
    ("heldout/shandong2026-sections.jsonl", "shandong2026", 0.75),
    ("heldout/hunan2026-sections.jsonl", "hunan2026", 0.87),
    ("heldout/jiangxi2026-sections.jsonl", "jiangxi2026", 0.75),
    ("heldout/hubei2026-b.jsonl", "hubei2026", 0.77),
    ("tune/seed10.jsonl", "seed", 0.96),
    ("tune/seed11.jsonl", "seed", 0.94),
    ("tune/liaoning2026-b.jsonl", "liaoning2026", 0.94),
    ("tune/seed12.jsonl", "seed", 0.89),
    ("tune/shaanxi2026-b.jsonl", "shaanxi2026", 0.87),
    ("tune/anhui2026-b.jsonl", "anhui2026", 0.85),
    ("tune/seed13.jsonl", "seed", 0.93),
    ("tune/xinjiang2026-b.jsonl", "xinjiang2026", 0.87),
    ("tune/jilin2026-b.jsonl", "jilin2026", 0.81),
    ("tune/guangxi2026-b.jsonl", "guangxi2026", 0.91),
    ("tune/seed14.jsonl", "seed", 0.93),
    ("tune/hunan2026-b.jsonl", "hunan2026", 0.95),
    ("tune/chongqing2026-b.jsonl", "chongqing2026", 0.89),
    ("tune/henan2026-b.jsonl", "henan2026", 0.91),
    ("tune/seed15.jsonl", "seed", 0.93),
    ("tune/yunnan2026-b.jsonl", "yunnan2026", 0.83),
    ("tune/guizhou2026-b.jsonl", "guizhou2026", 0.83),
    ("tune/ningxia2026-b.jsonl", "ningxia2026", 0.85),
    ("tune/seed16.jsonl", "seed", 0.95),
    ("tune/hubei2026-c.jsonl", "hubei2026", 0.91),
    ("tune/jiangxi2026-c.jsonl", "jiangxi2026", 0.95),
    ("tune/shandong2026-c.jsonl", "shandong2026", 0.95),
    ("tune/heilongjiang2026-c.jsonl", "heilongjiang2026", 0.89),
    ("tune/seed17.jsonl", "seed", 0.93),
    ("tune/neimenggu2026-d.jsonl", "neimenggu2026", 0.91),
    ("tune/shanxi2026-d.jsonl", "shanxi2026", 0.95),
    ("tune/tianjin2026-d.jsonl", "tianjin2026", 0.93),
    ("tune/guangdong2026-d.jsonl", "guangdong2026", 0.89),
    ("tune/seed18.jsonl", "seed", 0.95),
    ("tune/jiangsu2026-e.jsonl", "jiangsu2026", 0.93),
    ("tune/sichuan2026-e.jsonl", "sichuan2026", 0.95),
    ("tune/hebei2026-e.jsonl", "hebei2026", 0.93),
    ("tune/fujian2026-e.jsonl", "fujian2026", 0.95),
    # round 8 (first contact at 357ce00: 0.980, 0.920, 0.900, 0.960, 0.960), read and fixed
    ("tune/seed21.jsonl", "seed", 0.97),
    ("tune/yunnan2026-h.jsonl", "yunnan2026", 0.93),
    ("tune/guizhou2026-h.jsonl", "guizhou2026", 0.95),
    ("tune/ningxia2026-h.jsonl", "ningxia2026", 0.97),
    ("tune/henan2026-h.jsonl", "henan2026", 0.97),
    # round 10 (first contact at a31a1f3: 0.940, 0.900, 0.920, 0.900, 0.920), read and fixed
    ("tune/seed23.jsonl", "seed", 0.95),
    ("tune/anhui2026-j.jsonl", "anhui2026", 0.97),
    ("tune/guangdong2026-j.jsonl", "guangdong2026", 0.93),
    ("tune/jiangsu2026-j.jsonl", "jiangsu2026", 0.95),
    ("tune/sichuan2026-j.jsonl", "sichuan2026", 0.91),
    # round 11 (first contact at a27a097: 0.960, 0.940, 0.880, 0.960, 0.800), read and fixed
    ("tune/seed24.jsonl", "seed", 0.93),
    ("tune/hebei2026-k.jsonl", "hebei2026", 0.91),
    ("tune/fujian2026-k.jsonl", "fujian2026", 0.91),
    ("tune/beijing2026-k.jsonl", "beijing2026", 0.95),
    ("tune/hainan2026-k.jsonl", "hainan2026", 0.95),
    # round 13 (first contact at a8ec0f3: 0.940, 0.980, 0.960, 0.920, 0.820), read and fixed
    ("tune/seed26.jsonl", "seed", 0.91),
    ("tune/tianjin2026-m.jsonl", "tianjin2026", 0.95),
    ("tune/shanxi2026-m.jsonl", "shanxi2026", 0.95),
    ("tune/heilongjiang2026-m.jsonl", "heilongjiang2026", 0.93),
    ("tune/jilin2026-m.jsonl", "jilin2026", 0.87),
    # round 15 (first contact at 8400ab5: 1.000, 0.920, 0.940, 0.980, 0.960), read and fixed
    ("tune/seed28.jsonl", "seed", 0.97),
    ("tune/yunnan2026-o.jsonl", "yunnan2026", 0.95),
    ("tune/guizhou2026-o.jsonl", "guizhou2026", 0.97),
    ("tune/ningxia2026-o.jsonl", "ningxia2026", 0.95),
    ("tune/henan2026-o.jsonl", "henan2026", 0.97),
    # round 16 (first contact at f655068: 1.000, 0.840, 0.900, 0.940, 0.880), read and fixed
    ("tune/seed29.jsonl", "seed", 0.97),
    ("tune/shaanxi2026-p.jsonl", "shaanxi2026", 0.89),
    ("tune/hunan2026-p.jsonl", "hunan2026", 0.89),
    ("tune/chongqing2026-p.jsonl", "chongqing2026", 0.93),
    ("tune/xinjiang2026-p.jsonl", "xinjiang2026", 0.89),
    # round 19 (first contact at 2eb8e0f: 0.940, 0.940, 0.980, 0.960, 0.960), read and fixed
    ("tune/seed32.jsonl", "seed", 0.93),
    ("tune/gansu2026-s.jsonl", "gansu2026", 0.95),
    ("tune/qinghai2026-s.jsonl", "qinghai2026", 0.95),
    ("tune/shandong2026-s.jsonl", "shandong2026", 0.97),
    ("tune/guangxi2026-s.jsonl", "guangxi2026", 0.93),
    # round 21 (first contact at d02f671: 1.000, 0.940, 0.960, 0.940, 0.980), read and fixed
    ("tune/seed34.jsonl", "seed", 0.97),
    ("tune/jiangxi2026-u.jsonl", "jiangxi2026", 0.93),
    ("tune/hubei2026-u.jsonl", "hubei2026", 0.93),
    ("tune/neimenggu2026-u.jsonl", "neimenggu2026", 0.93),
    ("tune/liaoning2026-u.jsonl", "liaoning2026", 0.95),
    # round 23 (first contact at 3b7a986: 0.960, 0.940, 0.960, 0.980, 0.920), read and fixed
    ("tune/seed36.jsonl", "seed", 0.93),
    ("tune/shaanxi2026-w.jsonl", "shaanxi2026", 0.93),
    ("tune/hunan2026-w.jsonl", "hunan2026", 0.93),
    ("tune/chongqing2026-w.jsonl", "chongqing2026", 0.97),
    ("tune/xinjiang2026-w.jsonl", "xinjiang2026", 0.89),
    ("tune/seed38.jsonl", "seed", 0.93),
    ("tune/jiangsu2026-y.jsonl", "jiangsu2026", 0.91),
    ("tune/hebei2026-y.jsonl", "hebei2026", 0.91),
    ("tune/fujian2026-y.jsonl", "fujian2026", 0.95),
    ("tune/beijing2026-y.jsonl", "beijing2026", 0.95),
    ("tune/seed40.jsonl", "seed", 0.95),
    ("tune/shandong2026-aa.jsonl", "shandong2026", 0.97),
    ("tune/guangxi2026-aa.jsonl", "guangxi2026", 0.91),
    ("tune/jiangxi2026-aa.jsonl", "jiangxi2026", 0.89),
    ("tune/neimenggu2026-aa.jsonl", "neimenggu2026", 0.89),
    ("tune/seed42.jsonl", "seed", 0.93),
    ("tune/hubei2026-ac.jsonl", "hubei2026", 0.87),
    ("tune/liaoning2026-ac.jsonl", "liaoning2026", 0.85),
    ("tune/shaanxi2026-ac.jsonl", "shaanxi2026", 0.87),
    ("tune/hunan2026-ac.jsonl", "hunan2026", 0.91),
    # sealed at first contact (e2151a1), never read item by item
    ("heldout/seed19.jsonl", "seed", 0.91),
    ("heldout/beijing2026-f.jsonl", "beijing2026", 0.89),
    ("heldout/hainan2026-f.jsonl", "hainan2026", 0.83),
    ("heldout/qinghai2026-f.jsonl", "qinghai2026", 0.87),
    ("heldout/gansu2026-f.jsonl", "gansu2026", 0.93),
    # sealed at first contact (4b08d5f), never read item by item
    ("heldout/seed20.jsonl", "seed", 0.93),
    ("heldout/xizang2026-g.jsonl", "xizang2026", 0.95),
    ("heldout/guangxi2026-g.jsonl", "guangxi2026", 0.89),
    ("heldout/liaoning2026-g.jsonl", "liaoning2026", 0.93),
    ("heldout/jilin2026-g.jsonl", "jilin2026", 0.91),
    # sealed at first contact (4dfe711), never read item by item
    ("heldout/seed22.jsonl", "seed", 0.93),
    ("heldout/shaanxi2026-i.jsonl", "shaanxi2026", 0.81),
    ("heldout/hunan2026-i.jsonl", "hunan2026", 0.91),
    ("heldout/chongqing2026-i.jsonl", "chongqing2026", 0.91),
    ("heldout/xinjiang2026-i.jsonl", "xinjiang2026", 0.91),
    # sealed at first contact (7677355), never read item by item
    ("heldout/seed25.jsonl", "seed", 0.89),
    ("heldout/gansu2026-l.jsonl", "gansu2026", 0.87),
    ("heldout/qinghai2026-l.jsonl", "qinghai2026", 0.87),
    ("heldout/shandong2026-l.jsonl", "shandong2026", 0.89),
    ("heldout/guangxi2026-l.jsonl", "guangxi2026", 0.95),
    # sealed at first contact (e9b3584), never read item by item
    ("heldout/seed27.jsonl", "seed", 0.91),
    ("heldout/jiangxi2026-n.jsonl", "jiangxi2026", 0.91),
    ("heldout/hubei2026-n.jsonl", "hubei2026", 0.91),
    ("heldout/neimenggu2026-n.jsonl", "neimenggu2026", 0.85),
    ("heldout/liaoning2026-n.jsonl", "liaoning2026", 0.91),
    # sealed at first contact (6254db7), never read item by item
    ("heldout/seed30.jsonl", "seed", 0.93),
    ("heldout/xizang2026-q.jsonl", "xizang2026", 0.91),
    ("heldout/anhui2026-q.jsonl", "anhui2026", 0.91),
    ("heldout/guangdong2026-q.jsonl", "guangdong2026", 0.89),
    ("heldout/sichuan2026-q.jsonl", "sichuan2026", 0.85),
    # sealed at first contact (8af9c9e), never read item by item
    ("heldout/seed31.jsonl", "seed", 0.91),
    ("heldout/jiangsu2026-r.jsonl", "jiangsu2026", 0.93),
    ("heldout/hebei2026-r.jsonl", "hebei2026", 0.85),
    ("heldout/fujian2026-r.jsonl", "fujian2026", 0.87),
    ("heldout/beijing2026-r.jsonl", "beijing2026", 0.85),
    # round 20, sealed at first contact (6e5bfc4), never read item by item
    ("heldout/seed33.jsonl", "seed", 0.91),
    ("heldout/tianjin2026-t.jsonl", "tianjin2026", 0.91),
    ("heldout/shanxi2026-t.jsonl", "shanxi2026", 0.93),
    ("heldout/heilongjiang2026-t.jsonl", "heilongjiang2026", 0.89),
    ("heldout/jilin2026-t.jsonl", "jilin2026", 0.89),
    # round 22, sealed at first contact (3b7a986), never read item by item
    ("heldout/seed35.jsonl", "seed", 0.95),
    ("heldout/yunnan2026-v.jsonl", "yunnan2026", 0.89),
    ("heldout/guizhou2026-v.jsonl", "guizhou2026", 0.89),
    ("heldout/ningxia2026-v.jsonl", "ningxia2026", 0.89),
    ("heldout/henan2026-v.jsonl", "henan2026", 0.93),
    # round 24, sealed at first contact (5c200c5), never read item by item
    ("heldout/seed37.jsonl", "seed", 0.93),
    ("heldout/xizang2026-x.jsonl", "xizang2026", 0.97),
    ("heldout/anhui2026-x.jsonl", "anhui2026", 0.91),
    ("heldout/guangdong2026-x.jsonl", "guangdong2026", 0.87),
    ("heldout/sichuan2026-x.jsonl", "sichuan2026", 0.93),
    ("heldout/seed39.jsonl", "seed", 0.93),
    ("heldout/hainan2026-z.jsonl", "hainan2026", 0.87),
    ("heldout/guangdong2026-z.jsonl", "guangdong2026", 0.95),
    ("heldout/gansu2026-z.jsonl", "gansu2026", 0.93),
    ("heldout/qinghai2026-z.jsonl", "qinghai2026", 0.93),
    ("heldout/seed41.jsonl", "seed", 0.95),
    ("heldout/tianjin2026-ab.jsonl", "tianjin2026", 0.93),
    ("heldout/heilongjiang2026-ab.jsonl", "heilongjiang2026", 0.87),
    ("heldout/yunnan2026-ab.jsonl", "yunnan2026", 0.89),
    ("heldout/jilin2026-ab.jsonl", "jilin2026", 0.91),
    ("heldout/seed43.jsonl", "seed", 0.95),
    ("heldout/chongqing2026-ad.jsonl", "chongqing2026", 0.97),
    ("heldout/xinjiang2026-ad.jsonl", "xinjiang2026", 0.89),
    ("heldout/guizhou2026-ad.jsonl", "guizhou2026", 0.97),
    ("heldout/ningxia2026-ad.jsonl", "ningxia2026", 0.95),
    ("heldout/seed44.jsonl", "seed", 0.95),
    ("heldout/anhui2026-ae.jsonl", "anhui2026", 0.87),
    ("heldout/sichuan2026-ae.jsonl", "sichuan2026", 0.89),
    ("heldout/henan2026-ae.jsonl", "henan2026", 0.97),
    ("heldout/shanxi2026-ae.jsonl", "shanxi2026", 0.93),
]
# An archive set (29 provinces in one index at first contact, 0.917): asked here of each report alone, the report of
# every item given by its "report" field; floors from each report alone at the commit that made it a tuning set.
ARCHIVE_SET = "tune/p6b-2026.jsonl"
ARCHIVE_FLOORS = {"tianjin2026": 0.9, "hebei2026": 0.9, "liaoning2026": 0.7, "hubei2026": 0.9, "gansu2026": 0.9,
                  "chongqing2026": 0.9}


@pytest.mark.parametrize(("name", "report", "floor"), SETS, ids=[s[0] for s in SETS])
def test_question_sets_keep_their_floors(bots, name, report, floor):
    s = evaluate(bots(report), load_items(ROOT / "tests" / "data" / name))
    assert s["overall"] >= floor
    assert s["unsupported_number_answers"] == 0


@pytest.mark.parametrize(("report", "floor"), ARCHIVE_FLOORS.items(), ids=list(ARCHIVE_FLOORS))
def test_archive_set_items_keep_their_floors_asked_of_their_own_report(bots, report, floor):
    name = REPORTS[report].stem
    items = [item for item in load_items(ROOT / "tests" / "data" / ARCHIVE_SET) if item["report"] == name]
    s = evaluate(bots(report), items)
    assert len(items) == 10 and s["overall"] >= floor
    assert s["unsupported_number_answers"] == 0


def test_a_sentence_of_a_five_year_review_that_gives_the_year_s_own_figure_answers_for_that_year(bots):
    """全省生产总值从2020年的3.68万亿元增长到2025年的4.93万亿元 stands in 河北's five-year review: it gives 2025's level,
    where the 2025 paragraph gives only the growth."""
    a = bots("hebei2026").ask("2025年河北生产总值总量多少").to_dict()
    assert a["status"] == "answered" and "4.93万亿元" in a["answer"]


def test_a_year_s_mean_concentration_is_of_that_year_and_a_change_on_an_old_base_is_not(bots):
    """PM2.5年均浓度 is one year's mean (not 年均 over years); 较2020年下降25% is a change over five years."""
    a = bots("tianjin2026").ask("2025年天津PM2.5浓度多少").to_dict()
    assert a["status"] == "answered" and "36.2微克/立方米" in a["answer"] and "较2020年" not in a["answer"]


def test_what_is_planned_about_a_topic_no_block_answers_gets_its_whole_paragraph(bots):
    """教育 has no block of its own in 贵州's plan, only a paragraph: every sentence of it is an item of the answer."""
    a = bots("guizhou2026").ask("今年贵州教育上准备怎么做").to_dict()
    assert a["status"] == "answered"
    assert all(w in a["answer"] for w in ("扩大高中阶段教育学位供给", "职普融通"))
    assert len({c["id"] for c in a["citations"]}) == 1


def test_a_line_naming_the_work_is_followed_by_all_its_paragraph_for_a_list_question(bots):
    """推进“双碳”工作。 stands on a line of its own in 海南's plan: asked what is planned about it, the answer goes on to the
    whole paragraph that does it, not only its first sentence."""
    a = bots("hainan2026").ask("今年双碳工作打算怎么推进").to_dict()
    assert a["status"] == "answered"
    assert all(w in a["answer"] for w in ("碳排放双控制度体系", "碳普惠", "蓝碳"))


def test_a_list_is_followed_by_the_sentence_that_sums_it_up(bots):
    """辽宁's 纲要 lists five kinds of indicators (一是…五是) and sums them up: 以上共计28项指标."""
    a = bots("liaoning2026").ask("十五五规划纲要的主要指标分成哪几类").to_dict()
    assert all(w in a["answer"] for w in ("围绕经济发展", "围绕安全保障", "以上共计28项指标"))


def test_a_city_is_named_in_the_quote_that_gives_the_figure(bots):
    """沈阳 is named in 辽宁's report, but not next to a GDP figure: the province's growth does not answer for the city."""
    a = bots("liaoning2026").ask("沈阳市2025年GDP增长了多少").to_dict()
    assert a["status"] == "partial" and "沈阳" in a["answer"][:20]


def test_which_five_things_gets_the_sentence_that_lists_five_of_them(bots):
    a = bots("liaoning2026").ask("营商环境方面要打造哪五个环境").to_dict()
    assert all(w in a["answer"] for w in ("政策环境", "市场环境", "政务环境", "法治环境", "人文环境"))


def test_a_change_against_a_five_year_period_is_not_last_year_s(bots):
    """生产安全事故…分别比“十三五”时期下降44.1%、29.7% is five years against five; 2025's own fall is 9.5%, 7.1%."""
    a = bots("liaoning2026").ask("2025年生产安全事故起数和死亡人数分别下降多少").to_dict()
    assert "9.5%" in a["answer"] and "44.1%" not in a["answer"]


def test_who_gives_the_report_is_read_from_its_header(bots):
    """贵州's header names its speaker under the title (省长 李炳军); a post it does not name is not answered."""
    a = bots("guizhou2026").ask("这份政府工作报告是哪位省长作的？").to_dict()
    assert a["status"] == "answered" and "李炳军" in a["answer"]
    assert bots("guizhou2026").ask("贵州省委书记是谁").to_dict()["status"] == "not_found"
