"""Reports as users get them: the seed saved as a web page, a Word file and a PDF parses like the seed's text, and a
file that cannot be read is refused with a message that names it and the fix.

The fixtures in tests/data/formats are built from the seed by make_fixtures.py there (rerun it when the seed changes).
"""

from pathlib import Path

import pytest

from assistant.document import Document, DuplicateReport, load_folder, parse_file
from assistant.formats import SUPPORTED, UnreadableReport, read_report, report_files

ROOT = Path(__file__).resolve().parent.parent
SEED = min((ROOT / "seeds").glob("*.txt"))
FIXTURES = ROOT / "tests" / "data" / "formats"


@pytest.fixture(scope="module")
def seed() -> Document:
    return parse_file(SEED)


def fixture(suffix: str) -> Path:
    return FIXTURES / f"{SEED.stem}{suffix}"


def paragraph_records(doc: Document, no_break_space_as_space: bool = False) -> list[tuple]:
    """Everything a paragraph carries except the header block, whose line layout is the format's own."""
    records = []
    for p in doc.paragraphs:
        if p.kind == "meta":
            continue
        text = p.text.replace("\xa0", " ") if no_break_space_as_space else p.text
        records.append((p.id, p.kind, p.part, p.section, p.lead, text, p.year, p.period, p.items))
    return records


def assert_same_report(doc: Document, seed: Document, no_break_space_as_space: bool = False) -> None:
    assert doc.key == seed.key
    assert paragraph_records(doc, no_break_space_as_space) == paragraph_records(seed, no_break_space_as_space)
    assert len(doc.paragraphs) == len(seed.paragraphs)
    assert doc.parts == seed.parts and doc.sections == seed.sections
    assert doc.meta == seed.meta
    assert (doc.title, doc.date, doc.issue_year) == (seed.title, seed.date, seed.issue_year)
    header = doc.paragraphs[0]
    assert header.kind == "meta" and seed.title in header.text.split("\n")


def test_web_page_gives_the_seeds_paragraphs_and_metadata(seed):
    doc = parse_file(fixture(".html"))
    assert_same_report(doc, seed)
    everything = "\n".join(p.text for p in doc.paragraphs)
    for chrome in ("首页", "当前位置", "分享到", "打印本页", "相关链接", "主办单位", "_hmt", "字体大小"):
        assert chrome not in everything


def test_word_file_gives_the_seeds_paragraphs_and_metadata(seed):
    assert_same_report(parse_file(fixture(".docx")), seed)


def test_pdf_gives_the_seeds_paragraphs_without_page_numbers_or_running_header(seed):
    # The one difference: a PDF's text layer gives no-break spaces (U+00A0, in the header and between the two
    # signatures) back as plain spaces.
    doc = parse_file(fixture(".pdf"))
    assert_same_report(doc, seed, no_break_space_as_space=True)
    assert doc.paragraphs[0].text == seed.paragraphs[0].text.replace("\xa0", " ")  # printed as the .txt has it
    assert not any(p.text.startswith("- ") for p in doc.paragraphs)


def test_scanned_pdf_is_refused_with_advice_to_run_ocr():
    with pytest.raises(UnreadableReport, match=r"scanned\.pdf looks like a scanned PDF with no text layer: run OCR"):
        read_report(FIXTURES / "scanned.pdf")


@pytest.mark.parametrize("name", ["empty.txt", "empty.html", "empty.docx", "empty.pdf"])
def test_empty_file_is_refused(tmp_path, name):
    (tmp_path / name).write_bytes(b"  \n")
    with pytest.raises(UnreadableReport, match=rf"{name} is empty"):
        parse_file(tmp_path / name)


def test_binary_file_named_docx_is_refused_with_advice_to_save_it_again(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(UnreadableReport, match=r"report\.docx is not a readable Word \.docx file .* save it again"):
        parse_file(path)


def test_truncated_pdf_is_refused(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(fixture(".pdf").read_bytes()[:2000])
    with pytest.raises(UnreadableReport, match=r"report\.pdf is not a readable PDF"):
        parse_file(path)


def test_binary_file_named_txt_is_refused(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"\x00\x01PK\x03\x04" * 100)
    with pytest.raises(UnreadableReport, match=r"report\.txt is binary"):
        parse_file(path)


def test_unsupported_extension_names_the_formats_and_how_to_convert(tmp_path):
    with pytest.raises(UnreadableReport, match=r"report\.doc: '\.doc' .* save it as \.docx"):
        read_report(tmp_path / "report.doc")
    with pytest.raises(UnreadableReport, match=r"report\.xyz: .*\(\.txt, \.html, \.htm, \.docx, \.pdf\)"):
        read_report(tmp_path / "report.xyz")


def test_gb18030_text_decodes_like_utf8(tmp_path, seed):
    path = tmp_path / SEED.name
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    assert paragraph_records(parse_file(path)) == paragraph_records(seed)


def test_utf8_report_with_a_damaged_byte_stays_utf8(tmp_path, seed):
    data = SEED.read_bytes()
    path = tmp_path / SEED.name
    path.write_bytes(data[:-10] + b"\xff" + data[-10:])  # one stray byte in the closing note
    assert paragraph_records(parse_file(path))[:-1] == paragraph_records(seed)[:-1]


def test_short_utf8_text_holding_the_replacement_character_itself_is_read(tmp_path):
    # A web passage cut inside a character keeps a U+FFFD of its own: valid UTF-8, not a damaged or GBK file.
    path = tmp_path / "passages.txt"
    path.write_text("参考资料\n\n北京盛煜天桐文化集团有限公司、北京一品传\ufffd\n", encoding="utf-8")
    assert "北京一品传\ufffd" in read_report(path)


def test_gbk_web_page_decodes_by_its_declared_charset(tmp_path, seed):
    page = fixture(".html").read_text(encoding="utf-8").replace('<meta charset="utf-8">', '<meta charset="gbk">')
    path = tmp_path / fixture(".html").name
    path.write_bytes(page.encode("gbk"))
    assert paragraph_records(parse_file(path)) == paragraph_records(seed)


def test_web_page_without_metadata_table_takes_title_from_head_and_date_from_pubdate(tmp_path):
    # An old layout-table page: menu links, the article as <br>-separated lines in a cell, a footer; no <h1>.
    page = """<html><head><title>某区2023年政府工作报告_某区人民政府</title>
    <meta name="PubDate" content="2023-01-10 09:00"></head><body><table>
    <tr><td><a href="/">首页</a> <a href="/a">政务公开</a> <a href="/b">互动交流</a> <a href="/c">办事服务</a></td></tr>
    <tr><td><font size="3">一、2022年工作回顾<br>　　过去一年,全区地区生产总值增长5.2%,新增市场主体1200户,民生支出占比达到八成。<br>
    二、2023年工作安排<br>　　今年主要预期目标是:地区生产总值增长6%左右,城镇新增就业5000人以上。</font></td></tr>
    <tr><td>版权所有：某区人民政府办公室 联系电话：0000-0000000</td></tr></table></body></html>"""
    path = tmp_path / "district.html"
    path.write_text(page, encoding="utf-8")
    doc = parse_file(path)
    assert doc.title == "某区2023年政府工作报告"
    assert doc.meta == {"发布日期": "2023-01-10"} and doc.issue_year == 2023
    assert doc.parts == ["一、2022年工作回顾", "二、2023年工作安排"]
    assert [p.text[:4] for p in doc.paragraphs if p.kind == "body"] == ["过去一年", "今年主要"]
    assert not any("版权所有" in p.text or "首页" in p.text for p in doc.paragraphs)


def test_report_files_skips_temporary_hidden_and_other_files(tmp_path):
    for name in ("b.pdf", "a.TXT", "~$a.docx", ".hidden.html", "c.htm", "notes.md", "old.doc", "d.docx"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "folder.txt").mkdir()
    assert [p.name for p in report_files(tmp_path)] == ["a.TXT", "b.pdf", "c.htm", "d.docx"]
    assert all(Path(p).suffix.lower() in SUPPORTED for p in report_files(tmp_path))
    assert report_files(tmp_path / "missing") == []


def test_load_folder_reads_a_web_page_report(tmp_path):
    (tmp_path / "report.html").write_bytes(fixture(".html").read_bytes())
    (docs,) = load_folder(tmp_path)
    assert docs.key == "report" and docs.path.endswith("report.html")
    assert docs.title == "厦门火炬高新区2021年度工作总结和2022年度工作要点"
    assert docs.issue_year == 2022


def test_load_folder_refuses_one_report_in_two_formats(tmp_path):
    (tmp_path / "report.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "report.html").write_bytes(fixture(".html").read_bytes())
    with pytest.raises(DuplicateReport, match=r"report\.html and report\.txt .* 'report': keep one of them"):
        load_folder(tmp_path)
