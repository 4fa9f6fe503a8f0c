"""An archive of reports of one kind (provinces of one year): which report a question names, by its place (江苏,
江苏省, 苏, a city of the province, an English name), and what a question that names none gets (each report's answer,
named, and `partial`, asking which)."""

import shutil
from types import SimpleNamespace

import pytest

from assistant import scope
from assistant.document import load_folder
from assistant.scope import named_reports, names_a_report, profile
from assistant.text import normalize

from .conftest import SHARED, need

PROVINCES = SHARED / "corpora" / "provinces-2026"
PICK = ("北京市", "江苏省", "安徽省", "四川省", "广西壮族自治区", "湖北省")


def key(name: str) -> str:
    return f"2026-{name}-government-work-report"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("provinces")
    for name in PICK:
        shutil.copy(need(PROVINCES / f"{key(name)}.txt"), folder)
    documents = load_folder(folder)
    texts = {d.key: normalize("\n".join(p.text for p in d.paragraphs)) for d in documents}
    return [profile(d) for d in documents], texts


def test_profiles_are_made_once_per_index_files_and_read_back_from_its_cache(tmp_path, monkeypatch):
    folder = tmp_path / "provinces"
    folder.mkdir()
    for name in PICK[:3]:
        shutil.copy(need(PROVINCES / f"{key(name)}.txt"), folder)
    documents = load_folder(folder)
    index = SimpleNamespace(documents=documents, manifest={"files": {"chunks": {"sha256": "a"}}},
                            cache_dir=tmp_path / "cache")
    made = scope.profiles(index)
    assert made == [profile(d) for d in documents]
    assert len(list((tmp_path / "cache").glob("profiles-*.json"))) == 1

    def no_tagging(doc):
        raise AssertionError("profile() called although the cache holds the profiles")

    monkeypatch.setattr(scope, "profile", no_tagging)
    assert scope.profiles(index) == made
    # Other index files: the cache does not apply, the profiles are made again (and replace the stale entry).
    index.manifest = {"files": {"chunks": {"sha256": "b"}}}
    with pytest.raises(AssertionError, match="cache holds"):
        scope.profiles(index)


def test_a_report_is_known_by_its_place_with_and_without_its_suffix_and_by_its_short_name(archive):
    profiles, _ = archive
    by_key = {p.key: p for p in profiles}
    assert {"江苏省", "江苏"} <= by_key[key("江苏省")].names and by_key[key("江苏省")].short == {"苏"}
    assert {"广西壮族自治区", "广西"} <= by_key[key("广西壮族自治区")].names
    assert "北京" in by_key[key("北京市")].names
    assert by_key[key("江苏省")].level == "province" and by_key[key("广西壮族自治区")].level == "province"
    assert by_key[key("北京市")].level == "city"


@pytest.mark.parametrize(("question", "expected"), [
    ("北京2025年GDP是多少", "北京市"),
    ("咱们江苏的经济总量多少了", "江苏省"),
    ("江苏省今年的目标", "江苏省"),
    ("皖2025年地区生产总值", "安徽省"),
    ("广西去年外贸怎么样", "广西壮族自治区"),
    ("成都今年有什么新举措", "四川省"),  # a city: the report that mentions it far more than the others
])
def test_the_question_s_place_names_its_report(archive, question, expected):
    profiles, texts = archive
    assert named_reports(question, profiles, texts) == frozenset({key(expected)})


@pytest.mark.parametrize("question", ["新增就业多少人", "长江经济带有什么部署", "今年GDP增长目标是多少", "港口吞吐量"])
def test_words_that_only_look_like_places_name_no_report(archive, question):
    profiles, texts = archive
    assert named_reports(question, profiles, texts) is None
    assert not names_a_report(question, profiles)


def test_a_level_is_not_a_name(archive):
    profiles, texts = archive
    provinces = named_reports("全省GDP增长目标", profiles, texts)
    assert provinces is not None and key("北京市") not in provinces and len(provinces) == len(PICK) - 1
    assert not names_a_report("全省GDP增长目标", profiles)


@pytest.mark.slow
def test_in_an_archive_a_named_province_is_answered_from_its_report_only_and_an_unnamed_one_asks(built_index):
    from assistant import Assistant

    bot = Assistant.load(*built_index("hubei2026", "sichuan2026", "tianjin2026"), build=False)
    for question, province in (("湖北2025年地区生产总值是多少？", "湖北省"), ("四川省今年GDP增长目标是多少", "四川省"),
                               ("津2025年GDP增长了多少", "天津市")):
        answer = bot.ask(question).to_dict()
        assert answer["status"] == "answered", (question, answer)
        assert {c["report"] for c in answer["citations"]} == {key(province)}, (question, answer["citations"])
    unnamed = bot.ask("今年全省地区生产总值增长目标是多少？").to_dict()
    assert unnamed["status"] == "partial"
    assert "哪份报告" in unnamed["answer"]
    assert {c["report"] for c in unnamed["citations"]} == {key("湖北省"), key("四川省")}
