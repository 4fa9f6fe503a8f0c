"""The growth benchmark's corpus generator: deterministic, distinct reports that still parse like the seed."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of the repository, not an installed package

from assistant.document import parse_text
from benchmarks.corpus import chinese_numeral, file_name, variant, write_corpus

SEED = next((ROOT / "seeds").glob("*.txt"))
SEED_TEXT = SEED.read_text(encoding="utf-8")
SAMPLE = (0, 1, 2, 12, 13, 25, 99)


def test_variant_zero_is_the_seed_itself():
    assert variant(SEED_TEXT, 0) == SEED_TEXT


def test_variants_are_deterministic():
    assert [variant(SEED_TEXT, i) for i in SAMPLE] == [variant(SEED_TEXT, i) for i in SAMPLE]


def test_no_two_reports_share_their_text_or_file_name():
    texts = [variant(SEED_TEXT, i) for i in range(40)]
    assert len(set(texts)) == len(texts)
    assert len({file_name(SEED.name, i) for i in range(100)}) == 100


def test_variants_parse_into_the_same_shape_with_other_paragraphs():
    seed = parse_text(SEED_TEXT, "seed")
    seed_texts = {p.text for p in seed.paragraphs if p.kind == "body"}
    for i in SAMPLE[1:]:
        doc = parse_text(variant(SEED_TEXT, i), f"r{i}")
        assert len(doc.parts) == len(seed.parts)
        assert len(doc.sections) == len(seed.sections)
        assert len(doc.paragraphs) == len(seed.paragraphs)
        assert [p.kind for p in doc.paragraphs].count("signature") == 1
        assert doc.issue_year is not None
        body = [p.text for p in doc.paragraphs if p.kind == "body"]
        assert sum(text not in seed_texts for text in body) >= 0.8 * len(body)


def test_sections_are_shuffled_and_renumbered_in_order():
    doc = parse_text(variant(SEED_TEXT, 5), "r5")
    seed = parse_text(SEED_TEXT, "seed")
    for part in doc.parts:
        numbers = [re.match(r"^[（(]([一二三四五六七八九十]+)", s).group(1) for p, s in doc.sections if p == part]
        assert numbers == [chinese_numeral(n) for n in range(1, len(numbers) + 1)]
    assert [s for _, s in doc.sections] != [s for _, s in seed.sections]


def test_years_shift_together_and_figures_change():
    text = variant(SEED_TEXT, 13)  # the 13th variant is a year earlier than the seed
    assert "2020年工作总结" in text and "2021年工作要点" in text
    assert "3453.8亿元" not in text
    assert re.search(r"规上工业总产值\d+\.\d亿元", text)


def test_write_corpus_keeps_files_that_are_already_right(tmp_path):
    paths = write_corpus(SEED, 3, tmp_path)
    assert [p.name for p in paths] == [file_name(SEED.name, i) for i in range(3)]
    stamps = [p.stat().st_mtime_ns for p in paths]
    write_corpus(SEED, 2, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == [file_name(SEED.name, i) for i in range(2)]
    assert [p.stat().st_mtime_ns for p in paths[:2]] == stamps[:2]


def test_write_corpus_copies_extra_reports_byte_for_byte(tmp_path):
    real = tmp_path / "real" / "2026-某省-report.txt"
    real.parent.mkdir()
    real.write_bytes("一、总结\r\n\u3000\u3000全省生产总值增长5.2%。\r\n".encode())
    paths = write_corpus(SEED, 2, tmp_path / "corpus", extra=(real,))
    assert [p.name for p in paths] == [file_name(SEED.name, 0), file_name(SEED.name, 1), real.name]
    assert paths[-1].read_bytes() == real.read_bytes()
