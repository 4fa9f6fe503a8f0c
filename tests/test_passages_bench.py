"""benchmarks/passages.py: RGB's passage draw and answer check (no model), and three items end to end (slow)."""

import random

import pytest

from assistant.answer import Answer
from assistant.document import parse_text
from assistant.evaluate import load_items
from benchmarks import passages as bench

ITEM = {"id": 7, "query": "q", "answer": ["甲"],
        "positive": ["p1", "p2", "p3"], "negative": ["n1", "n2", "n3", "n4", "n5"]}


def test_noise_0_4_draws_three_positives_and_two_negatives_shuffled_as_rgb_does():
    drawn = bench.draw_passages(ITEM, 0.4)
    expected = ["p1", "p2", "p3", "n1", "n2"]
    random.seed(2333)  # evalue.py: random.seed(2333) before processdata, then random.shuffle(docs)
    random.shuffle(expected)
    assert drawn == expected


def test_noise_1_draws_the_first_five_negatives_only():
    assert sorted(bench.draw_passages(ITEM, 1.0)) == ["n1", "n2", "n3", "n4", "n5"]


def test_a_short_list_of_one_kind_is_filled_up_by_the_other():
    few_positives = {**ITEM, "positive": ["p1"]}
    assert sorted(bench.draw_passages(few_positives, 0.4)) == ["n1", "n2", "n3", "n4", "p1"]
    few_negatives = {**ITEM, "negative": ["n1"]}
    assert sorted(bench.draw_passages(few_negatives, 0.8)) == ["n1", "p1", "p2", "p3"]


def test_every_gold_element_must_be_held_and_a_list_element_by_any_alternative():
    assert bench.gold_labels("东盟、中国和日本", ["东盟", "中国", "韩国"]) == [1, 1, 0]
    assert bench.gold_labels("全年交付131万辆", [["1313851", "131万"]]) == [1]
    assert bench.gold_labels("新款 iPhone SE3 发布", [["se3", "SE 3"]]) == [1]  # case and spaces ignored


def test_a_refusal_is_never_right_even_when_it_repeats_the_gold_words():
    refused = bench.score(1, Answer("q", "not_found", "报告中没有12人的说法"), ["12人"])
    assert refused.refused and not refused.right
    answered = bench.score(1, Answer("q", "answered", "造成12人死亡[1]。"), ["12人"])
    assert answered.right and not answered.refused
    wrong = bench.score(1, Answer("q", "partial", "造成10人死亡[1]。"), ["12人"])
    assert not wrong.right and not wrong.refused


def test_the_report_keeps_each_passage_one_body_paragraph():
    passages = ["第一段，说了一件事。", "第二段\r \t跨了行，也很长，长过了四十个字的标题长度，所以读作正文而不是标题。"]
    document = parse_text(bench.report_text(passages), key="k")
    assert [p.text for p in document.paragraphs if p.kind == "body"] == [
        "第一段，说了一件事。", "第二段 跨了行，也很长，长过了四十个字的标题长度，所以读作正文而不是标题。"]
    assert document.title == bench.TITLE
    assert bench.lost_passages(passages, [document]) == 0


def test_a_short_passage_next_to_the_title_is_counted_as_lost_to_the_header():
    passages = ["短的一段", "第二段，是一句话。"]
    assert bench.lost_passages(passages, [parse_text(bench.report_text(passages), key="k")]) == 1


def test_the_committed_sample_has_the_rgb_fields_and_enough_passages():
    items = load_items(bench.DEFAULT_DATA)
    assert len(items) >= 50
    assert [i["id"] for i in items] == list(range(len(items)))
    for item in items:
        assert item["query"] and item["answer"]
        assert len(item["positive"]) == 3 and len(item["negative"]) == 5


@pytest.mark.slow
def test_three_items_end_to_end(tmp_path):
    from assistant.embed import get_embedder

    items = load_items(bench.DEFAULT_DATA)[:3]
    embedder = get_embedder()
    for item in items:
        engine, peer, lost = bench.run_item(item, 0.4, embedder, tmp_path)
        assert lost == 0
        assert engine.item_id == peer.item_id == item["id"]
        assert engine.status in {"answered", "partial", "not_found"}
        assert not peer.refused  # the peer recipe never refuses
        assert peer.answer  # its answer is the best paragraph
