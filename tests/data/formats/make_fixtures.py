"""Build the format fixtures from the seed report: the same report as a saved government web page, a Word file and a
text-layer PDF, plus a scanned-like PDF (a picture of a page, no text layer).

Run from the repository root when the seed changes:  python tests/data/formats/make_fixtures.py
Needs python-docx, reportlab and Pillow (the test extras) and Debian's fonts-wqy-microhei. The outputs are committed,
so the tests need none of this. Each file is laid out the way such files come in the wild (a page with menus, a
metadata table and a footer; a Word file with heading styles and a cover table; a PDF with first-line indents,
justified lines, a running header and page numbers), so the readers meet the layout problems, not a clean dump.
Not for: testing anything itself.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from assistant.document import META_FIELD, PART_HEADING, SECTION_HEADING, parse_file

SEED = min((ROOT / "seeds").glob("*.txt"))
FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
WEB_ONLY_FIELDS = ("发布时间",)  # shown under the page title, not in the page's metadata table
INDENT = "\u3000\u3000"  # two full-width spaces: how Chinese web editors indent a paragraph

PAGE_WIDTH, PAGE_HEIGHT = 595.27, 841.89  # A4 in points
MARGIN = 72
BODY_SIZE = 15
HEADER_SIZE = 10.5
TITLE_SIZE = 18
LEADING = 1.7
NO_LINE_START = set("，。、；：？！）》」』”’〕】%,.;:?!)")
NO_LINE_END = set("（《「『“‘〔【(")
TOKEN = re.compile(r"[0-9A-Za-z.%+\-/]+|.")  # Latin words and numbers are never split across lines


def seed_layout():
    """The seed's header lines, its metadata rows (pairs as the seed groups them), title, and body lines by kind."""
    doc = parse_file(SEED)
    header = doc.paragraphs[0].text.split("\n")
    rows = [[(name, value.strip()) for name, value in META_FIELD.findall(line) if value.strip(" |")] for line in header]
    rows = [row for row in rows if row]
    lines = [line.strip().strip("\u3000").strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    body = [line for line in lines if line][len(header):]
    signature = next(p for p in doc.paragraphs if p.kind == "signature").text.split("\n")
    kinds = []
    for i, line in enumerate(body):
        if i >= len(body) - len(signature):
            kinds.append(("signature", line))
        elif PART_HEADING.match(line):
            kinds.append(("part", line))
        elif SECTION_HEADING.match(line) and len(line) <= 40:
            kinds.append(("section", line))
        else:
            kinds.append(("paragraph", line))
    return header, rows, doc.title, kinds


def make_html(rows, title, body) -> str:
    esc = html.escape
    table_rows = []
    for row in rows:
        if any(name in WEB_ONLY_FIELDS for name, _ in row):
            continue
        cells = "".join(f'<td class="label">{esc(name)}：</td><td>{esc(value)}</td>' for name, value in row)
        if len(row) == 1:
            cells = cells.replace("<td>", '<td colspan="3">')
        table_rows.append(f"      <tr>{cells}</tr>")
    info = " ".join(f"<span>{esc(name)}：{esc(value)}</span>" for row in rows for name, value in row
                    if name in WEB_ONLY_FIELDS)
    paragraphs = []
    for kind, line in body:
        text = esc(line).replace("\xa0", "&nbsp;")
        if kind in ("part", "section"):
            paragraphs.append(f'        <p style="text-indent:2em"><strong>{INDENT}{text}</strong></p>')
        elif kind == "signature" and not line.startswith(("(", "（")):
            paragraphs.append(f'        <p style="text-align:right">{text}</p>')
        else:
            paragraphs.append(f"        <p>{INDENT}{text}</p>")
    menu = "".join(f'<li><a href="/{i}/">{name}</a></li>' for i, name in
                   enumerate(["首页", "新闻中心", "政务公开", "政务服务", "投资高新", "园区概况", "互动交流"]))
    newline = "\n"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{esc(title)}_计划总结_厦门火炬高新区管委会</title>
<meta name="SiteName" content="厦门火炬高新区管委会">
<meta name="ColumnName" content="计划总结">
<meta name="ArticleTitle" content="{esc(title)}">
<link rel="stylesheet" href="../../css/common.css">
<style>.xxgk-table td {{ border: 1px solid #d7d7d7; padding: 6px; }} .label {{ width: 90px; }}</style>
<script>var _hmt = _hmt || []; (function () {{ var hm = document.createElement("script"); }})();</script>
</head>
<body>
<div class="top-bar"><a href="/">首页</a> | <a href="/wza/">无障碍浏览</a> | <a href="/en/">English</a></div>
<div class="header">
  <div class="logo"><img src="../../images/logo.png" alt="厦门火炬高新区管委会"></div>
  <form class="search" action="/search"><input type="text" name="q" placeholder="请输入关键字"><button>搜索</button></form>
</div>
<ul class="menu">{menu}</ul>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/zwgk/jhzj/">计划总结</a></div>
<div class="main">
  <div class="xxgk-box">
    <table class="xxgk-table">
{newline.join(table_rows)}
    </table>
  </div>
  <div class="article">
    <h1>{esc(title)}</h1>
    <div class="info">{info} <span>字体大小：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
    <div class="TRS_Editor" id="zoom">
{newline.join(paragraphs)}
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
    <div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
  </div>
  <div class="related">
    <h3>相关链接</h3>
    <ul><li><a href="#">厦门火炬高新区2020年度工作总结和2021年度工作要点</a></li>
        <li><a href="#">厦门火炬高新区2019年度工作总结和2020年度工作要点</a></li></ul>
  </div>
</div>
<div class="footer">
  <p>主办单位：厦门火炬高新区管委会　承办单位：厦门火炬高新区信息中心</p>
  <p>网站标识码：0000000000　（本页为测试样例，页脚信息为示意）</p>
</div>
<script>document.getElementById("zoom").style.fontSize = "16px";</script>
</body>
</html>
"""


def make_docx(rows, title, body, out: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.title = title
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for i, (name, value) in enumerate(row):  # bare labels, no colon: the reader pairs a label cell with the next
            cells[2 * i].text = name
            cells[2 * i + 1].text = value
        if len(row) == 1:
            cells[1].merge(cells[3]).text = row[0][1]
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold, run.font.size = True, Pt(22)
    for kind, line in body:
        if kind == "part":
            document.add_heading(line, level=1)
            continue
        paragraph = document.add_paragraph()
        if kind == "section":
            paragraph.add_run(line).bold = True
        else:
            paragraph.add_run(line)
        if kind == "signature" and not line.startswith(("(", "（")):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.paragraph_format.first_line_indent = Pt(32)
    document.sections[0].footer.paragraphs[0].text = "厦门火炬高新区管委会"
    document.save(out)


def wrap(text: str, first_width: float, width: float, measure) -> list[tuple[str, bool]]:
    """Lines of a paragraph as a typesetter breaks them, each with whether it is full (to be justified)."""
    lines, line, available = [], [], first_width
    for token in TOKEN.findall(text):
        if line and measure("".join(line) + token) > available:
            carried = []
            if token[0] in NO_LINE_START:  # no line starts with a closing mark: take the last character down with it
                carried.append(line.pop())
            while line and line[-1][-1] in NO_LINE_END:
                carried.insert(0, line.pop())
            lines.append(("".join(line), True))
            line, available = carried, width
        line.append(token)
    lines.append(("".join(line), False))
    return lines


def make_pdf(header, title, body, out: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", FONT_FILE, subfontIndex=0))
    pdf = canvas.Canvas(str(out), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    pdf.setTitle(title)
    text_width = PAGE_WIDTH - 2 * MARGIN
    state = {"page": 1, "y": PAGE_HEIGHT - MARGIN}

    def page_furniture() -> None:
        pdf.setFont("WQY", 10)
        pdf.drawCentredString(PAGE_WIDTH / 2, MARGIN / 2, f"- {state['page']} -")
        if state["page"] > 1:
            pdf.setFont("WQY", 9)
            pdf.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - MARGIN / 2, title)

    def draw(text: str, x: float, size: float, char_space: float = 0.0) -> None:
        if state["y"] < MARGIN:
            page_furniture()
            pdf.showPage()
            state["page"] += 1
            state["y"] = PAGE_HEIGHT - MARGIN
        line = pdf.beginText(x, state["y"])
        line.setFont("WQY", size)
        if char_space:
            # Justify by placing each character (Td), as word processors do with TJ offsets: pdfminer drops the
            # character spacing (Tc) at every switch between reportlab's 256-glyph font subsets.
            for char in text:
                line.textOut(char)
                line.moveCursor(pdfmetrics.stringWidth(char, "WQY", size) + char_space, 0)
        else:
            line.textOut(text)
        pdf.drawText(line)
        state["y"] -= size * LEADING

    for line in header:
        if line == title:
            draw(line, (PAGE_WIDTH - pdfmetrics.stringWidth(line, "WQY", TITLE_SIZE)) / 2, TITLE_SIZE)
        else:
            draw(line, MARGIN, HEADER_SIZE)
    state["y"] -= BODY_SIZE

    def measure(text: str) -> float:
        return pdfmetrics.stringWidth(text, "WQY", BODY_SIZE)

    indent = 2 * BODY_SIZE
    for kind, text in body:
        if kind == "signature" and not text.startswith(("(", "（")):
            draw(text, PAGE_WIDTH - MARGIN - measure(text), BODY_SIZE)
            continue
        for i, (line, full) in enumerate(wrap(text, text_width - indent, text_width, measure)):
            x = MARGIN + (indent if i == 0 else 0)
            spare = (MARGIN + text_width) - x - measure(line)
            draw(line, x, BODY_SIZE, spare / (len(line) - 1) if full and len(line) > 1 else 0.0)
    page_furniture()
    pdf.save()


def make_scanned_pdf(title, body, out: Path) -> None:
    """A page as a scanner makes it: a greyscale picture of printed text, and no text layer at all."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    dpi = 72
    image = Image.new("L", (int(PAGE_WIDTH * dpi / 72), int(PAGE_HEIGHT * dpi / 72)), 250)
    pen = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT_FILE, 15)
    pen.text((150, 80), title, font=font, fill=20)
    text = "".join(line for kind, line in body if kind == "paragraph")[:600]
    for row in range(20):
        pen.text((72, 130 + row * 26), text[row * 30 : (row + 1) * 30], font=font, fill=30)
    pdf = canvas.Canvas(str(out), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
    pdf.save()


def main() -> None:
    header, rows, title, body = seed_layout()
    (HERE / f"{SEED.stem}.html").write_text(make_html(rows, title, body), encoding="utf-8")
    make_docx(rows, title, body, HERE / f"{SEED.stem}.docx")
    make_pdf(header, title, body, HERE / f"{SEED.stem}.pdf")
    make_scanned_pdf(title, body, HERE / "scanned.pdf")
    for path in sorted(HERE.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
