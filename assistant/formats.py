"""Turning a report file (.txt, .html/.htm, .docx, text-layer .pdf) into the plain text that document.parse_text reads.

Every reader returns the layout of a report pasted into a text file: the metadata header first ("索引号: X" lines, one
pair a line, and the title), then one paragraph a line, headings on lines of their own. Nothing here knows how a report
is organised (parts, sections, items, the signature): that stays in document.py, so every format gives the same
Document. Not for: parsing a report, recognising one site's page template, or OCR of scanned PDFs.

Parsers, and why:
- HTML: beautifulsoup4 over lxml's parser. BeautifulSoup gives a tree that is easy to walk and score; lxml (already
  required by python-docx) recovers from the broken markup of old CMS pages much as a browser does.
- DOCX: python-docx, the maintained reader of Word's XML; it yields paragraphs and tables in body order.
- PDF: pdfminer.six. It gives every character with its position, which a plain-text dump (pypdf) does not, and the
  position is what tells an indented first line (a new paragraph) from a line wrapped at the right margin (the same
  paragraph), and a running header or page number from the text.
They are imported when a file of their format is read, so a folder of .txt reports does not pay ~0.3 s to load them.
"""

from __future__ import annotations

import codecs
import io
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = (".txt", ".html", ".htm", ".docx", ".pdf")
SKIPPED_PREFIXES = (".", "~")  # hidden files, Word's lock files (~$report.docx), editors' temporary copies
RESAVE_HINTS = {
    ".doc": "an old Word .doc: open it in Word or WPS and save it as .docx",
    ".wps": "a WPS file: open it in WPS and save it as .docx",
    ".rtf": "open it in Word or WPS and save it as .docx",
    ".odt": "open it in LibreOffice or Word and save it as .docx",
    ".mht": "a web archive: open it in the browser and save it as 'Webpage, HTML only' (.html)",
    ".mhtml": "a web archive: open it in the browser and save it as 'Webpage, HTML only' (.html)",
}
DEFAULT_HINT = "save it as .txt, .html, .docx or .pdf"

# Labels of the metadata block of a government information-disclosure page (政府信息公开) or of a file's cover table.
METADATA_LABELS = ("索引号", "文号", "发文字号", "发布机构", "发文机关", "发文日期", "成文日期", "发布日期", "发布时间",
                   "名称", "标题", "主题分类", "主题词", "内容概述", "公文种类", "有效性", "来源")
DATE_LABELS = ("发文日期", "成文日期", "发布日期", "发布时间")
_LABELS = "|".join(sorted(METADATA_LABELS, key=len, reverse=True))
LABEL_ALONE = re.compile(rf"^({_LABELS})\s*[:：]?$")
LABEL_START = re.compile(rf"^\s*(?:{_LABELS})\s*(?:[:：]|$)")
# A value runs until the next "label:" of any name (字体大小: on a page's toolbar ends 发布时间's value too).
LABEL_PAIR = re.compile(rf"({_LABELS})\s*[:：]\s*(.*?)(?=\s*[\u4e00-\u9fff]{{2,6}}\s*[:：]|$)")
MAX_META_VALUE_CHARS = 200  # longer than any 索引号/名称/内容概述: a longer "value" is the article, not metadata
MAX_LABEL_CLIMB = 3  # a label's text sits in a <b> in a <td>: its value is in the next cell, up to 3 levels up
MAX_META_TABLE_CHARS = 1000  # a metadata table is short; a longer table holding labels is the page layout around it

CJK = re.compile(r"[\u4e00-\u9fff]")
CJK_OR_PUNCT = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
SOURCE_LINE_BREAK = re.compile(rf"(?<={CJK_OR_PUNCT})[ \t]*[\r\n][ \t\r\n]*(?={CJK_OR_PUNCT})")
ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.IGNORECASE)
# GBK text read as UTF-8 fails on nearly every Chinese character; a UTF-8 file with a few damaged bytes keeps them as
# U+FFFD rather than turning into GB18030 mojibake.
UTF8_DAMAGE_SHARE = 0.001
GB_CHARSETS = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}  # GB18030 is a superset of all of them

CHROME_TAGS = ["script", "style", "noscript", "template", "iframe", "svg", "canvas", "object", "embed", "button",
               "select", "textarea", "input", "nav", "aside", "footer"]
BLOCK_TAGS = {"address", "article", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption", "figure", "form",
              "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "table",
              "tbody", "thead", "tfoot", "tr", "ul"}
CELL_TAGS = {"td", "th"}
GROUP_TAGS = ("table", "dl", "ul", "ol")
MIN_PROSE_CJK = 10  # a block with fewer Chinese characters (a menu item, a heading, a button) is not prose
SIBLING_SHARE = 0.2  # Word's HTML splits a body into Section1, Section2…: a sibling with this share of the text joins
TITLE_SEPARATORS = re.compile(r"\s*[_|｜]\s*|\s+[-—–]\s+")  # "报告标题_厦门市人民政府" in <title>

# PDF layout tolerances, in units of the line's font size (one Chinese character's width).
INDENT_SLACK = 0.5  # a line starting further right than this from the left margin is indented: a new paragraph
END_SLACK = 1.5  # a line ending within this of the right margin was wrapped: the paragraph goes on
MAX_FIRST_INDENT = 4  # a line starting further right than this is centred or right-aligned, never wrapped
WORD_GAP = 0.25  # a gap this wide between two Latin letters is a space the PDF drew by moving, not with a glyph
PARAGRAPH_GAP = 1.3  # a baseline step this many times the usual one is paragraph spacing
SIZE_CHANGE = 0.1  # a font size 10% larger or smaller is another kind of text: a title, a note
SAME_BASELINE = 0.5
FURNITURE_BAND = 2  # running headers and page numbers are among the first or last 2 lines of a page
REPEAT_SHARE = 0.5  # a band line that repeats (digits aside) on half the pages is furniture
SCANNED_CHARS_PER_PAGE = 10  # fewer visible characters than this per page: images of text, no text layer
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*页?\s*(?:(?:[/／]|of|共)\s*\d{1,4}\s*页?)?[-—–\s]*$", re.IGNORECASE)
NUMBERED_LINE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+[章部节])")
SENTENCE_END = re.compile(r"[。！？；：!?;:]$")
LATIN_END = re.compile(r"[A-Za-z0-9]$")
LATIN_START = re.compile(r"^[A-Za-z0-9]")
WORD_CHAR = re.compile(r"[A-Za-z0-9.,%+-]")  # characters of a Latin word or a number (3,453.8%), never split


class UnreadableReport(ValueError):
    """A report file that cannot be turned into text; the message names the file and what to do about it."""


def report_files(folder: str | Path) -> list[Path]:
    """Every report in a folder that this module reads, sorted by file name; hidden and temporary files are skipped."""
    return sorted(
        p for p in Path(folder).glob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith(SKIPPED_PREFIXES)
    )


def read_report(path: str | Path) -> str:
    """The report in `path` as plain text for document.parse_text. Raises UnreadableReport with the fix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        kind = f"'{suffix}'" if suffix else "a file without an extension"
        raise UnreadableReport(f"{path}: {kind} is not a report format this reads ({', '.join(SUPPORTED)}); "
                               f"{RESAVE_HINTS.get(suffix, DEFAULT_HINT)}")
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableReport(f"{path} is empty: put the report in it, or remove it from the folder")
    if suffix == ".txt":
        return _decode(data, path)
    reader = {".html": _html_lines, ".htm": _html_lines, ".docx": _docx_lines, ".pdf": _pdf_lines}[suffix]
    lines = [line for line in reader(data, path) if line.strip()]
    if not lines:
        raise UnreadableReport(f"{path} has no text: check it opens with the report in it, or save it as .txt")
    return "\n".join(lines)


def _decode(data: bytes, path: Path, declared: str | None = None) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with BOM; else the declared charset, else GB18030 (GBK/GB2312 text)."""
    data = data.removeprefix(codecs.BOM_UTF8)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("utf-8", errors="replace")
        if text.count("\ufffd") > UTF8_DAMAGE_SHARE * len(text):
            # Many U+FFFD after a lenient decode: either bytes that are not UTF-8 (GB18030 text), or valid UTF-8 that
            # holds the character itself (a web page cut inside a character, kept as �): try strict UTF-8 first.
            text = _strict_decode(data, ("utf-8", declared, "gb18030"))
        if text is None:
            raise UnreadableReport(f"{path} is neither UTF-8 nor GB18030 text: save it as UTF-8 text")
    if "\x00" in text:
        raise UnreadableReport(f"{path} is binary, not text: save the report as .txt, .html, .docx or .pdf")
    return text


def _strict_decode(data: bytes, encodings) -> str | None:
    for encoding in filter(None, encodings):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


# --- HTML -----------------------------------------------------------------------------------------------------------

def _html_lines(data: bytes, path: Path) -> list[str]:
    from bs4 import BeautifulSoup

    declared = CHARSET.search(data[:4096])
    charset = declared.group(1).decode("ascii").lower() if declared else None
    soup = BeautifulSoup(_decode(data, path, "gb18030" if charset in GB_CHARSETS else charset), "lxml")
    for tag in soup.find_all(CHROME_TAGS):
        tag.decompose()
    order = {id(node): i for i, node in enumerate(soup.descendants)}
    body = _article_body(soup)
    if not body:
        raise UnreadableReport(
            f"{path}: no article text found in the page. If the site loads its text with JavaScript, save the page "
            "from the browser after it has loaded ('Webpage, complete'), or copy the text into a .txt file")
    inside = {id(node) for block in body for node in [block, *block.descendants]}
    header = _html_metadata(soup, inside, order) + _html_title(soup, inside, order)
    header.sort(key=lambda entry: entry[0])
    return [line for _, line in header] + [line for block in body for line in _block_lines(block)]


def _is_text(node) -> bool:
    from bs4.element import NavigableString, PreformattedString

    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)  # not comments, doctype


def _is_tag(node) -> bool:
    return bool(getattr(node, "name", None))  # strings and comments have no tag name


def _squash(text: str) -> str:
    return ASCII_SPACE.sub(" ", SOURCE_LINE_BREAK.sub("", text)).strip()


def _nearest(node, names) -> object | None:
    return next((parent for parent in node.parents if parent.name in names), None)


def _article_body(soup) -> list:
    """The element holding the article's paragraphs, with any sibling that carries on its text.

    Decision rule: Chinese characters outside links are counted per line container (a <p>, <div>, <li>, cell…); a
    container with enough of them is prose, and its characters score the element that lays it out: its parent (the
    <div> of <p>s), or the container itself when it breaks its own lines with <br>. The best score wins. Menus and link
    lists score nothing (their text is in links), footers score little; no class name or id is consulted.
    """
    prose: Counter = Counter()
    tags: dict[int, object] = {}
    for string in soup.find_all(string=True):
        count = len(CJK.findall(string)) if _is_text(string) else 0
        block, in_link = _line_container(string)
        if count and block is not None and not in_link:
            prose[id(block)] += count
            tags[id(block)] = block
    breaks_lines = {id(_line_container(br)[0]) for br in soup.find_all("br")}
    scores: Counter = Counter()
    for key, count in prose.items():
        if count >= MIN_PROSE_CJK:
            owner = tags[key] if key in breaks_lines or tags[key].parent is None else tags[key].parent
            scores[id(owner)] += count
            tags[id(owner)] = owner
    if not scores:
        return []
    best_key, best_score = scores.most_common(1)[0]
    best = tags[best_key]
    if best.parent is None:
        return [best]

    def text_within(element) -> int:
        return sum(prose[id(node)] for node in [element, *element.find_all(True)] if prose[id(node)] >= MIN_PROSE_CJK)

    return [child for child in best.parent.find_all(True, recursive=False)
            if child is best or text_within(child) >= SIBLING_SHARE * best_score]


def _line_container(node) -> tuple[object | None, bool]:
    """The nearest block or cell around a node, and whether the node is link text on the way up to it."""
    in_link = False
    for parent in node.parents:
        in_link = in_link or parent.name == "a"
        if parent.name in BLOCK_TAGS or parent.name in CELL_TAGS:
            return parent, in_link
    return None, in_link


def _html_metadata(soup, inside: set[int], order: dict[int, int]) -> list[tuple[int, str]]:
    """(position, "label: value") for each metadata pair of the page.

    Outside the article an inline pair (<span>发布时间：2022-02-24</span>) counts; a bare label cell (<td>索引号</td>)
    counts only in a table or list holding two labels or more, so a file list headed 名称 is not taken for a title.
    Inside the article only such a metadata table counts, when it is short (not the layout table around the whole
    article), and it is taken out of the article's text.
    """
    found = []
    for string in soup.find_all(string=LABEL_START):
        if not _is_text(string) or string.find_parent("a"):
            continue
        text = _squash(string)
        alone = LABEL_ALONE.match(text)
        pairs = [(alone.group(1), _value_after(string))] if alone else LABEL_PAIR.findall(text)
        found.append((string, bool(alone), _nearest(string, GROUP_TAGS), pairs))
    labels_in_group = Counter(id(group) for _, _, group, _ in found if group is not None)
    lines, seen, tables_in_article = [], set(), {}
    for string, alone, group, pairs in found:
        in_table = group is not None and labels_in_group[id(group)] >= 2
        if id(string) in inside:
            if not in_table or len(_squash(group.get_text(" "))) > MAX_META_TABLE_CHARS:
                continue
            tables_in_article[id(group)] = group
        elif alone and not in_table:
            continue
        for label, value in pairs:
            value = _squash(value)
            if value and len(value) <= MAX_META_VALUE_CHARS and (label, value) not in seen:
                seen.add((label, value))
                lines.append((order.get(id(string), 0), f"{label}: {value}"))
    for table in tables_in_article.values():
        table.decompose()
    if not any(line.split(":")[0] in DATE_LABELS for _, line in lines):
        # 《政府网站发展指引》 asks every article page for <meta name="PubDate">: the date when the page shows none.
        published = soup.find("meta", attrs={"name": re.compile(r"^PubDate$", re.IGNORECASE)})
        if published and re.match(r"\d{4}", published.get("content", "")):
            lines.append((-1, f"发布日期: {published['content'][:10]}"))
    return lines


def _value_after(string) -> str:
    """The text that follows a bare label: the next cell, <dd> or <span>, never past the label's row."""
    node = string
    for _ in range(MAX_LABEL_CLIMB):
        for sibling in node.next_siblings:
            if _is_tag(sibling):
                text = _squash(sibling.get_text(" "))
            else:
                text = _squash(sibling) if _is_text(sibling) else ""
            if text:
                return "" if LABEL_START.match(text) else text
        node = node.parent
        if node is None or node.name in ("tr", "li", *GROUP_TAGS, "body"):
            break
    return ""


def _html_title(soup, inside: set[int], order: dict[int, int]) -> list[tuple[int, str]]:
    """The page's <h1>: the one in the article, else the last before it (a logo may be an <h1> too); else the title
    the page declares."""
    article_start = min((order[key] for key in inside if key in order), default=0)
    headings = [h for h in soup.find_all("h1") if _squash(h.get_text())]
    if headings:
        in_article = [h for h in headings if id(h) in inside]
        before = [h for h in headings if order.get(id(h), 0) <= article_start]
        heading = in_article[0] if in_article else before[-1] if before else headings[0]
        position, text = order.get(id(heading), 0), _squash(heading.get_text(" "))
        if id(heading) in inside:
            heading.decompose()  # the title is a header line, not the article's first paragraph
        return [(position, text)]
    declared = soup.find("meta", attrs={"name": re.compile(r"^ArticleTitle$", re.IGNORECASE)})
    if declared and declared.get("content", "").strip():
        return [(-1, _squash(declared["content"]))]
    if soup.title and soup.title.string and soup.title.string.strip():
        return [(-1, TITLE_SEPARATORS.split(_squash(soup.title.string))[0])]
    return []


def _block_lines(element) -> list[str]:
    """The element's text as the browser lays it out: a line per block and per <br>, a row's cells on one line."""
    pieces: list[str] = []

    def walk(node) -> None:
        for child in node.children:
            if _is_text(child):
                pieces.append(ASCII_SPACE.sub(" ", SOURCE_LINE_BREAK.sub("", child)))
            elif not _is_tag(child):
                continue
            elif child.name == "br":
                pieces.append("\n")
            elif child.name in CELL_TAGS:
                pieces.append(" ")
                walk(child)
            elif child.name in BLOCK_TAGS:
                pieces.append("\n")
                walk(child)
                pieces.append("\n")
            else:
                walk(child)

    walk(element)
    return [line.strip() for line in "".join(pieces).split("\n") if line.strip()]


# --- DOCX -----------------------------------------------------------------------------------------------------------

def _docx_lines(data: bytes, path: Path) -> list[str]:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_row_line(cells) for cells in _table_rows(block))
            else:
                lines.extend(block.text.split("\n"))
    except Exception as exc:  # a damaged or renamed file fails deep in zipfile/lxml: say which file and what to do
        raise UnreadableReport(f"{path} is not a readable Word .docx file ({type(exc).__name__}: {exc}): open it in "
                               "Word or WPS and save it again as .docx") from exc
    return [line.strip() for line in lines]


def _table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:  # a merged cell is repeated once per grid column it spans
                seen.add(id(cell._tc))
                cells.append(" ".join(cell.text.split()))
        rows.append(cells)
    return rows


def _row_line(cells: list[str]) -> str:
    """A table row as one line; a bare label cell and the cell after it become "label: value" for the header."""
    out, i = [], 0
    while i < len(cells):
        label = LABEL_ALONE.match(cells[i])
        if label and i + 1 < len(cells) and not LABEL_START.match(cells[i + 1]):
            if cells[i + 1]:
                out.append(f"{label.group(1)}: {cells[i + 1]}")
            i += 2
            continue
        if cells[i] and not label:
            out.append(cells[i])
        i += 1
    return " ".join(out)


# --- PDF ------------------------------------------------------------------------------------------------------------

@dataclass
class _Line:
    text: str
    x0: float  # left edge of the first visible character
    x1: float  # right edge of the last visible character
    y: float  # baseline
    size: float  # font size: the unit of every tolerance
    first_word: float = 0.0  # width of the Latin word or number the line starts with: a wrap may push it down whole


def _pdf_lines(data: bytes, path: Path) -> list[str]:
    pages = _pdf_pages(data, path)
    visible = sum(len(line.text.replace(" ", "")) for page in pages for line in page)
    if visible < SCANNED_CHARS_PER_PAGE * max(len(pages), 1):
        raise UnreadableReport(f"{path} looks like a scanned PDF with no text layer: run OCR first (for example "
                               "`ocrmypdf -l chi_sim in.pdf out.pdf`), or use the report's .docx, web page or text")
    text = "".join(line.text for page in pages for line in page)
    if text.count("(cid:") * 6 > len(text) / 2:
        raise UnreadableReport(f"{path}: the PDF's fonts have no map to Unicode, so its text comes out as glyph "
                               "numbers: run OCR on it, or use the report's .docx, web page or text")
    return _pdf_paragraphs(_drop_page_furniture(pages))


def _pdf_pages(data: bytes, path: Path) -> list[list[_Line]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextLine
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    def text_lines(item):
        if isinstance(item, LTTextLine):
            yield item
        elif hasattr(item, "__iter__"):
            for child in item:
                yield from text_lines(child)

    pages = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams(all_texts=True)):
            lines = []
            for line in text_lines(page):
                chars = [c for c in line if isinstance(c, LTChar)]
                shown = [c for c in chars if c.get_text().strip()]
                if shown:
                    size = statistics.median(c.size for c in shown)
                    word = list(itertools.takewhile(lambda c: WORD_CHAR.fullmatch(c.get_text()), shown))
                    first_word = word[-1].x1 - word[0].x0 if word else 0.0
                    lines.append(_Line(_chars_text(chars), shown[0].x0, shown[-1].x1, line.y0, size, first_word))
            pages.append(_merge_baselines(sorted(lines, key=lambda ln: (-round(ln.y, 1), ln.x0))))
    except PDFPasswordIncorrect as exc:
        raise UnreadableReport(f"{path} is password-protected: save a copy without the password") from exc
    except Exception as exc:  # a damaged file fails deep inside pdfminer's parser: name the file and the fix instead
        raise UnreadableReport(f"{path} is not a readable PDF ({type(exc).__name__}: {exc}): export it again from "
                               "the program that made it, or use the report's .docx, web page or text") from exc
    return pages


def _chars_text(chars) -> str:
    text, previous = "", None
    for char in chars:
        glyph = char.get_text()
        if previous is not None and LATIN_END.search(previous.get_text()) and LATIN_START.match(glyph) \
                and char.x0 - previous.x1 > WORD_GAP * char.size:
            text += " "
        text += glyph
        previous = char
    return text.strip()


def _merge_baselines(lines: list[_Line]) -> list[_Line]:
    """Pieces of one printed line that pdfminer kept apart (a signature and a date far apart on one baseline)."""
    merged: list[_Line] = []
    for line in lines:
        last = merged[-1] if merged else None
        if last and abs(last.y - line.y) < SAME_BASELINE * line.size and line.x0 >= last.x1:
            gap = " " if line.x0 - last.x1 > line.size else ""
            merged[-1] = _Line(last.text + gap + line.text, last.x0, line.x1, last.y, max(last.size, line.size),
                               last.first_word)
        else:
            merged.append(line)
    return merged


def _drop_page_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Remove running headers, footers and page numbers: lines at the top or bottom of a page that repeat (digits
    aside) on half the pages, or that are a bare page number."""
    def band(page):
        return page[:FURNITURE_BAND] + page[-FURNITURE_BAND:]

    def shape(line):
        return re.sub(r"\d+", "#", line.text.replace(" ", ""))

    counts = Counter(key for page in pages for key in {shape(line) for line in band(page)})
    repeated = {key for key, n in counts.items() if n >= max(2, REPEAT_SHARE * len(pages))}
    kept = []
    for page in pages:
        edge = {id(line) for line in band(page)}
        kept.append([line for line in page if id(line) not in edge
                     or not (shape(line) in repeated or PAGE_NUMBER.match(line.text))])
    return kept


def _pdf_paragraphs(pages: list[list[_Line]]) -> list[str]:
    """Rejoin lines wrapped at the page width into paragraphs.

    Decision rule: a line continues the paragraph above when that line ran from the left margin to the right margin
    (short of it by no more than this line's first word, when that is a Latin word or number the wrap pushed down
    whole) and this one starts at the left margin in the same font size, with no more than the usual line spacing between
    them, and does not start a numbered heading (一、 (二) 3.) after a finished sentence. Margins are the most common left edge and the 90th
    percentile right edge of all lines, so centred titles and right-aligned signatures stand alone.
    """
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
    right = statistics.quantiles([line.x1 for line in lines], n=10)[-1] if len(lines) > 1 else lines[0].x1
    steps = [a.y - b.y for page in pages for a, b in itertools.pairwise(page) if a.y > b.y]
    pitch = statistics.median(steps) if steps else 0.0
    paragraphs: list[str] = []
    previous: _Line | None = None
    for page in pages:
        same_page = False
        for line in page:
            if previous is not None and paragraphs and _continues(previous, line, left, right, pitch if same_page else 0):
                joiner = " " if LATIN_END.search(paragraphs[-1]) and LATIN_START.match(line.text) else ""
                paragraphs[-1] += joiner + line.text
            else:
                paragraphs.append(line.text)
            previous, same_page = line, True
    return paragraphs


def _continues(above: _Line, line: _Line, left: float, right: float, pitch: float) -> bool:
    full_width = above.x0 <= left + MAX_FIRST_INDENT * above.size \
        and above.x1 >= right - END_SLACK * above.size - line.first_word
    indented = line.x0 > left + INDENT_SLACK * line.size
    spaced = pitch > 0 and above.y - line.y > PARAGRAPH_GAP * pitch
    resized = abs(line.size - above.size) > SIZE_CHANGE * above.size
    heading = bool(NUMBERED_LINE.match(line.text)) and bool(SENTENCE_END.search(above.text))
    return full_width and not indented and not spaced and not resized and not heading
