"""Deterministic corpora of N distinct reports derived from one seed report, for the growth benchmark.

Report 0 is the seed exactly as it is, so the dev questions still have their answers in every corpus. Report i > 0 is
the seed as another zone in another year would have written it: every year shifted by the same offset, the city, its
districts and the zone's name replaced, every other figure scaled by its own random factor (decimals kept), common
verbs swapped for their synonyms, and the sections inside each part shuffled and renumbered. The same (seed text, i)
always gives the same report, and no two reports share their text.

Not for realistic content: for the size and the shape (parts, sections, items, figures) of a real corpus.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from assistant.document import PART_HEADING, SECTION_HEADING

SEED_CITY, SEED_ABBR, SEED_ZONE = "厦门", "厦", "火炬"
SEED_DISTRICTS = ("思明", "湖里", "集美", "海沧", "同安", "翔安")
# (city, one-character abbreviation, zone name, six districts in the order of SEED_DISTRICTS, ascii name for files)
PLACES = (
    ("苏州", "苏", "金鸡湖", ("姑苏", "吴中", "相城", "吴江", "虎丘", "昆山"), "suzhou"),
    ("杭州", "杭", "滨江", ("上城", "拱墅", "西湖", "萧山", "余杭", "临平"), "hangzhou"),
    ("成都", "蓉", "天府", ("锦江", "青羊", "金牛", "武侯", "成华", "双流"), "chengdu"),
    ("武汉", "汉", "东湖", ("江岸", "江汉", "硚口", "汉阳", "武昌", "洪山"), "wuhan"),
    ("广州", "穗", "黄埔", ("越秀", "海珠", "荔湾", "天河", "白云", "番禺"), "guangzhou"),
    ("南京", "宁", "江北", ("玄武", "秦淮", "建邺", "鼓楼", "浦口", "栖霞"), "nanjing"),
    ("宁波", "甬", "甬江", ("海曙", "江北", "北仑", "镇海", "鄞州", "奉化"), "ningbo"),
    ("福州", "榕", "闽江", ("鼓楼", "台江", "仓山", "马尾", "晋安", "长乐"), "fuzhou"),
    ("济南", "济", "齐鲁", ("历下", "市中", "槐荫", "天桥", "历城", "长清"), "jinan"),
    ("郑州", "郑", "中原", ("中原", "二七", "管城", "金水", "上街", "惠济"), "zhengzhou"),
    ("无锡", "锡", "太湖", ("梁溪", "锡山", "惠山", "滨湖", "新吴", "江阴"), "wuxi"),
    ("珠海", "珠", "唐家湾", ("香洲", "斗门", "金湾", "横琴", "高栏", "万山"), "zhuhai"),
)
# One way only, and none that is part of a longer word here (加速器 must not become 加快器).
SYNONYMS = {"加快": "加速", "推进": "推动", "持续": "不断", "大力": "全力", "深入": "扎实", "提升": "提高",
            "积极": "主动", "完善": "健全", "打造": "建设", "显著": "明显", "聚焦": "围绕"}
SYNONYM_SWAP_CHANCE = 0.5
FIGURE_SCALE = (0.7, 1.4)  # each figure of a variant is the seed's figure times a factor drawn from this range
# A four-digit number is a year unless a unit or a decimal follows it (2021年, 2022-02-24, 〔2022〕, 2021首届 are
# years; 超2000万元, 近2000家 are not).
YEAR = re.compile(r"(?<![\d.])(19[5-9]\d|20[0-4]\d)(?![\d.%％])(?!\s*[多余家个万亿元名亩项人台件户吨次平米千百])")
DATE = re.compile(r"(?<!\d)(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})")  # kept whole: a scaled day is no date
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
CN_DIGITS = "零一二三四五六七八九"
MAX_CLOSING_CHARS = 40


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (enough for section numbers)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[ones] if ones else ''}"


def variant(seed_text: str, i: int) -> str:
    """The i-th report derived from seed_text; variant(text, 0) is text itself."""
    if i == 0:
        return seed_text
    rng = random.Random(f"report-{i}")
    city, abbr, zone, districts, _ = PLACES[(i - 1) % len(PLACES)]
    year_shift = -((i - 1) // len(PLACES))
    lines = seed_text.replace("\r\n", "\n").split("\n")
    lines = _shuffle_sections(lines, rng)
    text = "\n".join(lines)
    text = _shift_years(text, year_shift)
    text, kept = _protect(text, re.compile(f"{DATE.pattern}|{YEAR.pattern}"))  # the figure pass must not touch them
    text = _scale_figures(text, rng)
    text = _unprotect(text, kept)
    text = _rename_places(text, city, abbr, zone, districts)
    return _swap_synonyms(text, rng)


def file_name(seed_name: str, i: int) -> str:
    place = "seed" if i == 0 else PLACES[(i - 1) % len(PLACES)][4]
    return f"{i:03d}-{place}-{Path(seed_name).stem}.txt"


def write_corpus(seed_path: str | Path, n_reports: int, out_dir: str | Path, extra: tuple[Path, ...] = ()) -> list[Path]:
    """Write reports 0..n_reports-1 derived from seed_path into out_dir, and a copy of each `extra` report as it is
    (real reports next to the generated ones); files that are already right are left alone, so a rerun keeps their
    fingerprints (and the index built over them) valid."""
    seed_path, out_dir = Path(seed_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    seed_text = seed_path.read_text(encoding="utf-8")
    wanted = {file_name(seed_path.name, i): variant(seed_text, i).encode("utf-8") for i in range(n_reports)}
    for path in map(Path, extra):
        if path.name in wanted:
            raise ValueError(f"{path.name} is also the name of a generated report")
        wanted[path.name] = path.read_bytes()
    for old in out_dir.glob("*.txt"):
        if old.name not in wanted:
            old.unlink()
    paths = []
    for name, data in wanted.items():
        path = out_dir / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths


def _shuffle_sections(lines: list[str], rng: random.Random) -> list[str]:
    """Shuffle the (一)… sections inside each part and renumber their headings; the header, the text of a part
    before its first section, and the closing signature block stay where they are."""
    tail = len(lines)
    while tail > 0 and (not lines[tail - 1].strip() or _is_closing(lines[tail - 1])):
        tail -= 1
    body, closing = lines[:tail], lines[tail:]
    out: list[str] = []
    part_lines: list[str] = []

    def flush() -> None:
        prologue, sections = [], []
        for line in part_lines:
            if SECTION_HEADING.match(line.strip().strip("\u3000")):
                sections.append([line])
            elif sections:
                sections[-1].append(line)
            else:
                prologue.append(line)
        rng.shuffle(sections)
        out.extend(prologue)
        for n, section in enumerate(sections, 1):
            out.append(_renumber(section[0], n))
            out.extend(section[1:])
        part_lines.clear()

    for line in body:
        if PART_HEADING.match(line.strip().strip("\u3000")):
            flush()
            out.append(line)
        else:
            part_lines.append(line)
    flush()
    return out + closing


def _renumber(heading_line: str, n: int) -> str:
    indent = heading_line[: len(heading_line) - len(heading_line.lstrip(" \u3000"))]
    rest = heading_line[len(indent):]
    match = SECTION_HEADING.match(rest)
    return f"{indent}{rest[0]}{chinese_numeral(n)}{match.group()[-1]}{rest[match.end():]}"


def _is_closing(line: str) -> bool:
    line = line.strip().strip("\u3000")
    return len(line) <= MAX_CLOSING_CHARS and not re.search(r"[。；;!！?？]$", line) and not PART_HEADING.match(line)


def _shift_years(text: str, shift: int) -> str:
    return YEAR.sub(lambda m: str(int(m.group()) + shift), text)


def _protect(text: str, pattern: re.Pattern) -> tuple[str, list[str]]:
    """Hide the matches of pattern behind placeholders without digits, so a later pass cannot touch them."""
    kept: list[str] = []

    def hide(match: re.Match) -> str:
        kept.append(match.group())
        return f"\uE000{chr(0xE100 + len(kept) - 1)}"

    return pattern.sub(hide, text), kept


def _unprotect(text: str, kept: list[str]) -> str:
    return re.sub("\uE000(.)", lambda m: kept[ord(m.group(1)) - 0xE100], text)


def _scale_figures(text: str, rng: random.Random) -> str:
    def scale(match: re.Match) -> str:
        written = match.group()
        value = float(written) * rng.uniform(*FIGURE_SCALE)
        is_percent = text[match.end() : match.end() + 1] in "%％"
        if is_percent and float(written) <= 100:
            value = min(value, 100.0)
        if "." in written:
            decimals = len(written.split(".")[1])
            return f"{value:.{decimals}f}"
        scaled = str(max(1, round(value)))
        return scaled.zfill(len(written)) if written.startswith("0") else scaled

    return NUMBER.sub(scale, text)


def _rename_places(text: str, city: str, abbr: str, zone: str, districts: tuple[str, ...]) -> str:
    names = {SEED_CITY: city, SEED_ZONE: zone, **dict(zip(SEED_DISTRICTS, districts))}
    # 同翔高新城 is named after two districts by their first characters.
    names["同翔"] = districts[4][0] + districts[5][0]
    pattern = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)) + f"|{SEED_ABBR}")
    return pattern.sub(lambda m: names.get(m.group(), abbr), text)


def _swap_synonyms(text: str, rng: random.Random) -> str:
    pattern = re.compile("|".join(map(re.escape, sorted(SYNONYMS, key=len, reverse=True))))
    return pattern.sub(lambda m: SYNONYMS[m.group()] if rng.random() < SYNONYM_SWAP_CHANCE else m.group(), text)
