"""Parsing a Chinese government report into metadata, parts, sections and paragraphs with stable ids.

It reads the layout shared by the family (a metadata header, `一、` parts, `(一)`/`（一）` sections, `一是…` items and
lead sentences inside paragraphs, a signature block), not any one file: nothing here names a line or a string of a
particular report. Paragraph text is kept exactly as in the source (only the line's indentation is removed).
Files in other formats reach parse_text as text through formats.read_report; nothing here reads HTML, Word or PDF.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .formats import read_report, report_files

CN_NUMERALS = "一二三四五六七八九十"
PART_HEADING = re.compile(rf"^(?:[{CN_NUMERALS}]+、|第[{CN_NUMERALS}]+(?:部分|章)\s*)")
SECTION_HEADING = re.compile(rf"^[（(][{CN_NUMERALS}]+[)）]")
ITEM = re.compile(rf"(?:^|(?<=[。；;:：]))\s*([{CN_NUMERALS}]+是)([^。；;]*)")
META_FIELD = re.compile(r"([\u4e00-\u9fff]{2,6})\s*[:：]\s*(.*?)(?=\s+[\u4e00-\u9fff]{2,6}\s*[:：]|$)")
DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?<![\dA-Za-z-])\d{4}-\d{1,2}-\d{1,2}(?![\d-])")
YEAR = re.compile(r"(\d{4})\s*年")
SENTENCE_END = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』)）]*|$)")
MAX_HEADING_CHARS = 40
ISSUE_DATE_FIELDS = ("发文日期", "发布日期", "成文日期", "发布时间", "日期")
MAX_LEAD_CHARS = 24
REVIEW_WORDS = ("总结", "回顾", "完成情况", "成就", "成绩", "进展")
PLAN_WORDS = ("要点", "计划", "重点工作", "目标", "任务", "安排", "思路", "打算", "建议")  # 对今年政府工作的建议
# Within a part that names no single year (一、过去一年和五年工作回顾), a paragraph that opens on a time frame sets it
# for itself and the paragraphs after it, up to the next such opening or the end of the part: 过去一年 / 去年 /
# 2022年是… → that year; 过去五年 / 五年来 / 近十年 → the span of years before the report's year.
# The address to the deputies may come first (各位代表，刚刚过去的2025年，…), or the dash of a list (——这五年，…).
_OPENING_ADDRESS = r"(?:各位代表[，,！!：:]?)?(?:——)?(?:刚刚|刚)?(?:过去的)?"
# The year may open a sentence of its own (刚刚过去的2025年很不平凡。 2025年在贵州发展进程中极不平凡。).
ONE_YEAR_OPENING = re.compile(rf"^{_OPENING_ADDRESS}(?:过去一年|过去的一年|一年来|去年|(?P<year>(?:19|20)\d{{2}})年(?:是|，|,|以来|[^\d，,。]{{0,6}}?[，,]|[^\d，,。]{{0,16}}?。))")
SPAN_OPENING = re.compile(rf"^{_OPENING_ADDRESS}(?:回望|回顾|回首)?(?:(?:过去的?|近|这)(?P<n>[两二三四五六七八九十])年(?:来|间|里|中)?|(?P<m>[两二三四五六七八九十])年(?:来|间))")
# “十四五”时期是…的五年 / “十四五”以来 opens the review of a five-year plan as a whole: that plan and its years.
PLAN_OPENING = re.compile(rf"^{_OPENING_ADDRESS}[“\"]?(?P<plan>十[一二三四五六]五)[”\"]?(?:时期|期间|以来|这五年|的五年|五年)")
CN_NUMBERS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def cn_number(written: str) -> int | None:
    """五 → 5, 十二 → 12, 二十一 → 21, 21 → 21: a number as headings, lists and questions write it (up to 99)."""
    if written.isdigit():
        return int(written)
    digits = {"一": 1, **CN_NUMBERS}
    tens, _, ones = written.rpartition("十")
    if "十" not in written:
        return digits.get(written)
    return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
# A part heading that says 今年 (对今年政府工作的建议) is about the year of the report; 去年 the one before.
RELATIVE_PART_YEAR = {"今年": 0, "本年": 0, "去年": -1, "上年": -1}
# China's five-year plans by the names every government report uses for them, and the years they cover: a part about
# “十三五”时期 speaks of 2016–2020 as a whole, not of any one year.
FIVE_YEAR_PLANS = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025),
                   "十五五": (2026, 2030), "十六五": (2031, 2035)}
SALUTATION = re.compile(r"^[^:：]{2,12}[:：]$")  # 各位代表： opens a speech; it is not a title


class DuplicateReport(ValueError):
    """Two report files in one folder that would get the same document key."""


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """One chunk: a paragraph of the source with the headings it stands under."""

    id: str
    doc: str
    kind: str  # "body", "meta" (the header block) or "signature" (the closing block)
    part: str
    section: str
    lead: str
    text: str
    year: int | None = None
    period: str | None = None  # "review", "plan" or None
    items: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()  # five-year plans its headings name (十三五, 十四五)
    span: tuple[int, int] | None = None  # the years a multi-year frame covers (过去五年 in a 2023 report: 2018–2022)
    # its year is set by a paragraph that opens on it (刚刚过去的2025年…) in a part on a year and a plan together
    year_framed: bool = False

    @property
    def section_path(self) -> str:
        heads = [h for h in (self.part, self.section) if h]
        if self.lead and self.lead != self.section:
            heads.append(self.lead)
        return " > ".join(heads) if heads else self.part

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return split_sentences(self.text)


@dataclass
class Document:
    key: str
    path: str
    title: str
    meta: dict[str, str]
    paragraphs: list[Paragraph]
    date: str | None = None
    sha256: str = ""
    parts: list[str] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)

    @property
    def issue_year(self) -> int | None:
        """The year the report was issued: 今年 in the report means this year, 去年 the one before. From its date, else
        its title, else its file name, else the year its plans are for (the last year a part heading names: a work
        report plans the year it is given in)."""
        for value in [*(self.meta.get(k, "") for k in ISSUE_DATE_FIELDS), self.date or ""]:
            match = re.search(r"(\d{4})", value)
            if match:
                return int(match.group(1))
        for text in (self.title, Path(self.path).stem):
            years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
            if years:
                return int(years[-1])
        years = [int(y) for part in self.parts for y in YEAR.findall(part)]
        return max(years) if years else None


@lru_cache(maxsize=1 << 14)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences ending in 。！？ (closing quotes stay with their sentence); offsets point into `text`. Cached: the
    same paragraphs are split for every question."""
    return tuple(Sentence(m.group(), m.start(), m.end()) for m in SENTENCE_END.finditer(text) if m.group().strip())


def _period(heading: str) -> str | None:
    if any(word in heading for word in PLAN_WORDS) and not any(word in heading for word in REVIEW_WORDS):
        return "plan"
    if any(word in heading for word in REVIEW_WORDS) and not any(word in heading for word in PLAN_WORDS):
        return "review"
    return None


def _heading_and_rest(line: str) -> tuple[str, bool]:
    """A heading line may carry its body ("（一）标题。正文…"): return the heading and whether a body follows."""
    first = split_sentences(line)[0].text if split_sentences(line) else line
    if len(first) < len(line) and (len(line) > MAX_HEADING_CHARS or len(first) <= MAX_LEAD_CHARS):
        return first.rstrip("。"), True
    return line.rstrip("。"), False


def _lead(text: str) -> str:
    """A short first sentence that names the paragraph (主要经济指标平稳增长。 / 一是把牢政治方向。 / 2022年预期目标:)."""
    colon = re.match(r"^([^,，。:：]{2,12})[:：]", text)
    if colon:
        return colon.group(1)
    sentences = split_sentences(text)
    if len(sentences) > 1:
        first = sentences[0].text.rstrip("。！？!?")
        short = len(first) <= MAX_LEAD_CHARS and not re.search(r"[,，;；]", first)
        if short and (not re.search(r"\d", first) or ITEM.match(first)):
            return first
        # An item's heading may be longer, in two clauses (一是坚定实施扩大内需战略，在加快推动消费投资增长上实现新突破。)
        if (ITEM.match(first) and len(first) <= MAX_HEADING_CHARS and len(re.findall(r"[,，]", first)) <= 1
                and not re.search(r"[\d;；]", first)):
            return first
    return ""


def _is_metadata_line(line: str) -> bool:
    return bool(META_FIELD.match(line)) and len(line) <= 120 and not line.endswith("。")


def _is_closing_line(line: str) -> bool:
    """Signature lines: issuing bodies, a date, a note such as (此件主动公开); short and not sentences."""
    return len(line) <= MAX_HEADING_CHARS and not re.search(r"[。；;!！?？]$", line) and not PART_HEADING.match(line)


def doc_key(path: Path) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff_-]+", "-", path.stem).strip("-") or "doc"


# A line cannot end a sentence or a heading on a particle or a comma (今年经济社会发展的), and a line that begins with
# 是： carries on the one before it: a web copy that set a phrase in bold on a line of its own
# (今年经济社会发展的 / 主要预期目标 / 是：地区生产总值增长…) is one sentence again.
_OPEN_END = re.compile(r"(?:的|、|，|,)$")
_CONTINUES = re.compile(r"^是[：:]")


def _join_broken_lines(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        if joined and (_OPEN_END.search(joined[-1]) or _CONTINUES.match(line)):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def parse_text(text: str, key: str = "doc", path: str = "") -> Document:
    """Parse the text of one report. Never raises on odd input: unknown lines become body paragraphs."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [line.strip().strip("\u3000").strip() for line in raw.split("\n")]
    lines = _join_broken_lines([line for line in lines if line])
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    # The header runs until the first heading or the first line that reads as prose.
    header_end = 0
    for i, line in enumerate(lines):
        if PART_HEADING.match(line) or SECTION_HEADING.match(line):
            break
        if (len(line) > MAX_HEADING_CHARS or re.search(r"[。！？!?]$", line)) and not _is_metadata_line(line):
            break
        header_end = i + 1
    header = lines[:header_end]

    meta: dict[str, str] = {}
    for line in header:
        for name, value in META_FIELD.findall(line):
            value = value.strip()
            if re.search(r"[0-9A-Za-z\u4e00-\u9fff]", value):
                meta.setdefault(name, value)
    title = meta.get("名称") or meta.get("标题") or next(
        (line for line in header if not META_FIELD.match(line) and not SALUTATION.match(line)), "")
    if not title:
        title = Path(path).stem if path else (lines[0][:MAX_HEADING_CHARS] if lines else "")

    body = lines[header_end:]
    closing_start = len(body)
    while closing_start > 0 and _is_closing_line(body[closing_start - 1]):
        closing_start -= 1
    closing = body[closing_start:]
    body = body[:closing_start]

    paragraphs: list[Paragraph] = []
    parts: list[str] = []
    sections: list[tuple[str, str]] = []
    part = section = ""
    part_no = section_no = para_no = 0
    year: int | None = None
    period: str | None = None

    def add(kind: str, text_: str, pid: str, lead: str = "") -> None:
        items = tuple(f"{m.group(1)}{m.group(2)}".strip() for m in ITEM.finditer(text_))
        plans = tuple(name for name in FIVE_YEAR_PLANS if name in part or name in section)
        paragraphs.append(Paragraph(pid, key, kind, part, section, lead, text_, year, period, items, plans))

    if header:
        paragraphs.append(Paragraph(f"{key}:meta", key, "meta", "文件信息", "", "", "\n".join(header)))
    # A report whose part headings lost their numbers (a web copy: “十四五”时期工作回顾 / 2026年重点工作) has them as
    # short lines with no punctuation that name a review or a plan.
    # So may the headings above the numbered ones: a report whose numbered parts are the plan's (一、…四、) may head
    # its review and its plan with such lines before them (“十五五”时期主要目标和2026年重点工作 / …目标段… / 一、…).
    first_numbered = next((n for n, line in enumerate(body) if PART_HEADING.match(line) and len(line) <= MAX_HEADING_CHARS),
                          len(body))
    above: tuple[int | None, str | None] = (None, None)  # the year and period of the bare heading above numbered parts
    for n, line in enumerate(body):
        bare = n < first_numbered and _bare_part_heading(line)
        if (PART_HEADING.match(line) and len(line) <= MAX_HEADING_CHARS) or bare:
            part, _ = _heading_and_rest(line)
            parts.append(part)
            part_no += 1
            section, section_no, para_no = "", 0, 0
            years = [int(y) for y in YEAR.findall(part)]
            year = years[0] if len(years) == 1 else None
            period = _period(part)
            if bare:
                above = (year, period)
            elif first_numbered < len(body) and above != (None, None):
                # 一、…四、 under “十五五”时期主要目标和2026年重点工作 are parts of that year's plan.
                year, period = year if year is not None else above[0], period or above[1]
            continue
        if SECTION_HEADING.match(line):
            section, has_body = _heading_and_rest(line)
            sections.append((part, section))
            section_no += 1
            para_no = 0
            if not has_body:
                continue
        para_no += 1
        add("body", line, f"{key}:{part_no}.{section_no}.{para_no}", lead=_lead(line))
    date = None
    if closing:
        part, section, year, period = "落款", "", None, None
        add("signature", "\n".join(closing), f"{key}:sign")
        found = DATE.search("\n".join(closing))
        date = found.group() if found else None
    if date is None and header:
        # A speech's date stands under its title (——2023年3月5日在第十四届全国人民代表大会第一次会议上).
        found = DATE.search("\n".join(header))
        date = found.group() if found else None
    document = Document(key, path, title, meta, paragraphs, date, sha, parts, sections)
    document.paragraphs = _frame_years(paragraphs, document.issue_year)
    return document


def _bare_part_heading(line: str) -> bool:
    return (len(line) <= MAX_HEADING_CHARS and not re.search(r"[。！？!?：:；;，,、]", line)
            and not SECTION_HEADING.match(line) and any(word in line for word in REVIEW_WORDS + PLAN_WORDS))


def _frame_years(paragraphs: list[Paragraph], issue_year: int | None) -> list[Paragraph]:
    """Give the paragraphs of a part that names no single year the year or span their time frame sets (see
    ONE_YEAR_OPENING), and a part that says 今年/去年 the year that is."""
    framed: list[Paragraph] = []
    current_part, year, span, plans, opened = None, None, None, (), False
    for p in paragraphs:
        # A part about one year (2021年工作总结) or one five-year plan (“十三五”时期) has its own frame; one that
        # reviews a year and a plan together (2025年工作回顾和“十四五”发展主要成绩) is framed paragraph by paragraph,
        # from the part's year.
        # A part named after a plan alone (全力推动“十五五”开好局) whose paragraph opens on one year written out
        # (2026年是“十五五”开局之年) is about that year from there on.
        mixed = p.year is not None and bool(p.plans)
        plan_only = p.year is None and bool(p.plans)
        if p.kind != "body" or ((p.year is not None or p.plans) and not mixed and not plan_only):
            framed.append(p)
            continue
        if p.part != current_part:
            current_part, year, span, plans, opened = p.part, (p.year if mixed else None), None, (), False
            relative = [shift for word, shift in RELATIVE_PART_YEAR.items() if word in p.part]
            if issue_year and len(relative) == 1 and not mixed and not plan_only:
                year = issue_year + relative[0]
        one, several = ONE_YEAR_OPENING.match(p.text), SPAN_OPENING.match(p.text)
        planned = PLAN_OPENING.match(p.text)
        if plan_only:
            if one and one.group("year"):
                year = int(one.group("year"))
        elif one and (one.group("year") or issue_year):
            year, span, plans, opened = int(one.group("year") or issue_year - 1), None, (), True
        elif several and issue_year:
            year, span, plans, opened = None, _years_before(several, issue_year), (), False
        elif planned and not mixed:
            year, span, plans, opened = None, FIVE_YEAR_PLANS[planned.group("plan")], (planned.group("plan"),), False
        if year or span:
            p = replace(p, year=year, span=span, plans=tuple(dict.fromkeys(p.plans + plans)),
                        year_framed=opened and mixed)
        framed.append(p)
        # A later sentence of the paragraph may turn to several years for what follows (2025年主要目标任务的完成，标志着
        # “十四五”规划顺利收官。回望过去五年，…: the sections after it review the five years). Not to one year: a
        # review of five years may tell them year by year (2021年，…。2022年，…).
        for sentence in p.sentences[1:] if issue_year and not plan_only else ():
            several = SPAN_OPENING.match(sentence.text)
            if several:
                year, span, plans, opened = None, _years_before(several, issue_year), (), False
    return framed


def _years_before(several: re.Match, issue_year: int) -> tuple[int, int]:
    """The years a SPAN_OPENING (过去五年) covers: those before the report's own."""
    return issue_year - CN_NUMBERS[several.group("n") or several.group("m")], issue_year - 1


def parse_file(path: str | Path) -> Document:
    """Parse one report file in any format formats.py reads (UnreadableReport, with the fix, if it cannot)."""
    path = Path(path)
    return parse_text(read_report(path), key=doc_key(path), path=str(path))


def load_folder(folder: str | Path) -> list[Document]:
    """Every report in a folder (formats.SUPPORTED), in file-name order.

    Two files that give the same key (report.txt and report.html, or "a b.txt" and "a-b.txt") are refused with
    DuplicateReport rather than renamed apart: they are almost always one report in two formats, and indexing both
    would cite every paragraph twice.
    """
    files = report_files(folder)
    check_keys(files, folder)
    return [parse_file(p) for p in files]


def check_keys(files: list[Path], folder: str | Path) -> None:
    """DuplicateReport when two files give one document key (see load_folder)."""
    by_key: dict[str, Path] = {}
    for path in files:
        other = by_key.setdefault(doc_key(path), path)
        if other is not path:
            raise DuplicateReport(f"{other.name} and {path.name} in {folder} give the same document key "
                                  f"{doc_key(path)!r}: keep one of them (they look like one report in two formats) "
                                  "or rename one")
