"""The heading tree of the reports (parts, sections, and the items under them) for questions about a block of work:
"2022年招商分哪几块?", "生态环保主要抓哪两方面?".

An item is a paragraph that opens with 一是/二是…, a paragraph led by a short heading sentence (稳定和扩大消费。…) or a
—— bullet, an 一是…二是… list inside one paragraph, or a section of a part. A node is a part or section with two or
more items; it is
matched against a question by its heading and its items' headings (vectors and words), and answered with every item.
Not for single facts (answer.py).
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass

import numpy as np

from .asked import PROBLEMS_ANNOUNCED
from .document import Paragraph, cn_number
from .index import Index

_ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+[，,、]|[（(]\d{1,2}[)）]|\d{1,2}[.．、](?!\d)|[①-⑳])")
# The ways a report numbers the items of a list inside one paragraph, each a pattern whose group 1 is the marker and
# whose `n` is the item's number: 一是/二是 (or 一要/二要), 第一，/第二，, （1）/（2）, 1./2., ①/②. A list must count 1, 2, 3… in order.
_CN = "一二三四五六七八九十"
_INLINE_MARKERS = (
    (re.compile(rf"(?:^|(?<=[。；;:：，,]))\s*(([{_CN}]{{1,2}})[是要])"), lambda m: cn_number(m.group(2))),
    (re.compile(rf"(?:^|(?<=[。；;:：]))\s*(第([{_CN}]{{1,2}})[，,、：:])"), lambda m: cn_number(m.group(2))),
    (re.compile(r"(?:^|(?<=[。；;:：，,]))\s*([（(](\d{1,2})[)）])"), lambda m: int(m.group(2))),
    (re.compile(r"(?:^|(?<=[。；;:：]))\s*((\d{1,2})[.．、])(?!\d)"), lambda m: int(m.group(2))),
    (re.compile(r"(([①-⑳]))"), lambda m: ord(m.group(2)) - ord("①") + 1),
)
# A colon followed by a 、-list of short items (坚持“六保”：保居民就业、保基本民生、保市场主体…), or by clauses
# separated by ； (主要预期目标是：生产总值增长5%左右；城镇新增就业…；…).
_ENUMERATIONS = (
    (re.compile(r"([^。；;：:]{2,40})[：:]((?:[^、。；;：:]{2,16}、){2,}[^、。；;：:，,]{2,16})(?=[。；;，,]|$)"), "、"),
    (re.compile(r"([^。；;：:]{2,40})[：:]((?:[^。；;：:]{2,60}[；;]){2,}[^。；;：:]{2,60})(?=[。]|$)"), "；"),
    # or by comma clauses that each give a figure (主要预期目标是：经济增长5%左右，规上工业增加值增长6.5%左右，…)
    (re.compile(r"([^。；;：:，,]{2,40})[：:]((?:[^。；;：:，,]{2,40}[，,]){2,}[^。；;：:，,]{2,40})(?=[。]|$)"), "，"),
)
MIN_ENUMERATION = 3
MAX_LEAD_IN = 60  # a sentence that announces a list is short
MAX_SENTENCE_ITEM = 80  # ...and so are the sentences of a list, each an item
# ...and says that several things follow (仍然不少, 存在一些问题): any other sentence before a ；-sentence is prose.
# 目标: a report's targets are announced so (主要预期目标是：…).
ANNOUNCES = re.compile(r"一些|不少|以下|如下|几个|几方面|诸多|许多|问题|不足|短板|困难|挑战|差距|目标")
# A sentence that answers the list before it (对这些问题，我们将高度重视…; 对此, 针对上述…) rather than adding to it.
RESPONDS = re.compile(r"(?:对|针对|面对|对于)(?:这些|此|上述|以上)")


def _before_response(items: list, text_of) -> list:
    """The items of a list up to the sentence that turns back to them (RESPONDS), which closes it and is no item."""
    closing = next((n for n, item in enumerate(items) if n and RESPONDS.match(text_of(item))), None)
    return items[:closing] if closing else items
# Sentences or ；-clauses of a paragraph, each with its offset: the units a parallel list (排比) is made of.
_SEGMENT = re.compile(r"[^。；;！!？?]+")


def inline_items(text: str) -> list[tuple[int, str]]:
    """The items of a numbered list written inside one paragraph, as (offset, title): the first marker kind that
    counts 1, 2, 3… at least twice in a row, its items running to the next 。 or ；. Empty when there is none."""
    for pattern, number in _INLINE_MARKERS:
        found = [(m.start(1), m.end(1), number(m)) for m in pattern.finditer(text)]
        run: list[tuple[int, int, int]] = []
        for start, end, n in found:
            if n == len(run) + 1:
                run.append((start, end, n))
        if len(run) >= 2:
            items = []
            for i, (start, end, _) in enumerate(run):
                stop = run[i + 1][0] if i + 1 < len(run) else len(text)
                title = re.split(r"[。；;]", text[start:stop], maxsplit=1)[0].strip().rstrip("，,：:")
                items.append((start, title))
            return items
    return []


def enumerations(text: str) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """Each colon followed by a 、-list of at least MIN_ENUMERATION short items: (offset, lead-in, [(offset, item)])."""
    found = []
    for pattern, separator in _ENUMERATIONS:
        for m in pattern.finditer(text):
            if any(m.start(1) == start for start, _, _ in found):
                continue
            pieces, at = [], m.start(2)
            for piece in re.split({"；": "[；;]", "，": "[，,]"}.get(separator, separator), m.group(2)):
                pieces.append((at, piece.strip()))
                at += len(piece) + 1
            if separator == "，" and sum(bool(re.search(r"\d", piece)) for _, piece in pieces) < MIN_ENUMERATION:
                continue  # commas join any clauses; only a run of figures (targets) is a list
            if len(pieces) >= MIN_ENUMERATION:
                found.append((m.start(1), m.group(1).strip().lstrip("，,"), pieces))
    return found


def _first_word(segment: str) -> str:
    """The word a sentence opens with (要|坚守…, 实施|城市…, 开展|大宗…): jieba's first word, Chinese only."""
    import jieba

    words = jieba.lcut(segment[:12])
    return words[0] if words and re.fullmatch(r"[\u4e00-\u9fff]+", words[0]) else ""


def parallel_runs(text: str) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """Parallel sentences (排比): at least MIN_ENUMERATION sentences or ；-clauses in a row that open with the same
    word (要坚守…。要坚守…。要坚守…。 / 实施…提升行动，…。实施…提升行动，…。), each an item. The first item may follow
    a short lead-in inside its own sentence (实际工作中，要把握…；要兼顾…；要联动…). Returns (offset of the lead-in or
    -1, lead-in, [(offset, item)])."""
    segments = [(m.start(), m.group().strip()) for m in _SEGMENT.finditer(text) if m.group().strip()]
    openings = [_first_word(segment) for _, segment in segments]
    runs, i = [], 0
    while i < len(segments):
        j = i
        while j + 1 < len(segments) and openings[i] and openings[j + 1] == openings[i]:
            j += 1
        run = [(at, segment) for at, segment in segments[i : j + 1]]
        lead_at, lead_in = -1, ""
        if i > 0 and openings[i]:
            before_at, before = segments[i - 1]
            inner = before.rfind(f"，{openings[i]}")
            if inner > 0 and _first_word(before[inner + 1 :]) == openings[i]:
                run.insert(0, (before_at + inner + 1, before[inner + 1 :]))
                lead_at, lead_in = before_at, before[:inner]
        if len(run) >= MIN_ENUMERATION:
            runs.append((lead_at, lead_in, run))
        i = j + 1
    return runs


@dataclass(frozen=True)
class Item:
    paragraph: Paragraph  # where the item stands (a section's first paragraph, for a section of a part)
    title: str  # the item's own heading: 一是把牢政治方向 / 稳定和扩大消费 / （四）坚持扩大内需…
    vector: np.ndarray  # the vector of the sentence (or heading) that carries the title


@dataclass(frozen=True)
class Node:
    doc: str
    part: str
    section: str
    heading: str  # what names the block: the section (or part) heading, or the lead-in of an inline list
    items: tuple[Item, ...]
    vector: np.ndarray  # the heading's vector
    # The heading is borrowed from around the list (the paragraph's sub-heading, the sentence before a run of parallel
    # sentences): it names the paragraph, so the list itself is asked for only when its items match the question.
    borrowed: bool = False


# A paragraph that turns to the audience (各位代表！/ 各位代表，踏上新征程…): the speech moves on from the list before it,
# so it is no item of it, whatever its first sentence looks like.
ADDRESS = re.compile(r"^(?:各位代表|各位委员|同志们|代表们)[！!，,：:]")


# 90% of the 1,030 lead sentences of the 29 provincial reports of 2026 (稳定和扩大消费。…, not 一是…) have at most 16
# characters: a sentence inside a paragraph that is longer is no heading.
MAX_RUN_IN_HEAD = 16


def run_in_heads(p: Paragraph) -> list[tuple[int, str]]:
    """A paragraph that holds several blocks of work, each opened by a short heading sentence of its own (深化有组织
    聚力攻坚机制。立足…。优化创新平台能级。积极融入…。突出企业创新主体地位。…): those sentences, with their offsets,
    the paragraph's lead first. A heading sentence is as short as a lead, has no comma, figure or quote, and a longer
    sentence follows it. Empty unless the paragraph has at least two."""
    if not p.lead or _colon_lead(p) or p.lead in p.section:
        return []  # a paragraph that opens with its section's heading ((二)全力以赴做好强产业文章。…) has no heads of its own
    heads = [(0, p.lead), *_later_heads(p)]
    return heads if len(heads) >= 2 else []


def _later_heads(p: Paragraph) -> list[tuple[int, str]]:
    """The heading sentences after a paragraph's first (see run_in_heads), with their offsets."""
    sentences = p.sentences
    heads = []
    for k in range(1, len(sentences) - 1):
        title = sentences[k].text.rstrip("。")
        if (sentences[k].text.endswith("。") and 4 <= len(title) <= MAX_RUN_IN_HEAD
                and not re.search(r"[，,；;、：:\d“”\"（(]", title) and len(sentences[k + 1].text) > len(sentences[k].text)):
            heads.append((sentences[k].start, title))
    return heads


def block_head(p: Paragraph, at: int) -> str:
    """The heading sentence of the block of work that the text at offset `at` of the paragraph is in, when the
    paragraph holds several such blocks (（八）更加注重以文化赋能经济社会发展。…繁荣发展文化事业。…持续壮大文旅产业。…打响
    “水韵江苏”…: 持续壮大文旅产业), else ""."""
    heads = _later_heads(p)
    if len(heads) < 2:
        return ""
    return next((title for start, title in reversed(heads) if start <= at), "")


def _ends_on_colon(p: Paragraph) -> bool:
    return p.text.rstrip().endswith((":", "："))


def _colon_close(p: Paragraph) -> tuple[int, str] | None:
    """The sentence that closes a paragraph on a colon and announces what follows (…。政府工作中，我们要重点把握好5个方面：),
    with its offset; None when the paragraph does not end on a colon or the sentence is too long to be a lead-in."""
    if not _ends_on_colon(p):
        return None
    start = max(p.text.rstrip().rstrip(":：").rfind(x) for x in "。！？!?") + 1
    lead_in = p.text[start:].strip().rstrip(":：")
    return (start, lead_in) if lead_in and len(lead_in) <= MAX_LEAD_IN else None


def _colon_lead(p: Paragraph) -> bool:
    """2022年预期目标:… introduces figures, not an item of work."""
    return p.text[len(p.lead) : len(p.lead) + 1] in (":", "：")


def _title(p: Paragraph) -> str:
    """An item's heading: its lead sentence, else its first sentence (一是…，… / ——…，…)."""
    if p.lead:
        return p.lead
    first = p.sentences[0].text if p.sentences else p.text
    return first.lstrip("—").rstrip("。；;")


class Outline:
    """The outline of every report, each report's made the first time a question is asked of it: an archive of
    thousands loads without parsing lists it may never be asked about."""

    def __init__(self, index: Index):
        self.index = index
        self._rows: dict[str, list[int]] = {}
        for i, chunk in enumerate(index.chunks):
            self._rows.setdefault(chunk.paragraph.doc, []).append(i)
        self._heading_row = {(h.doc, h.part, h.section): i for i, h in enumerate(index.headings)}
        self._nodes: dict[str, list[Node]] = {}
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.index.chunks)

    def nodes(self, scope: frozenset[str] | None = None) -> list[Node]:
        """The nodes of the reports in scope (all when None)."""
        docs = scope if scope is not None else list(self._rows)
        return [node for doc in docs for node in self._of(doc)]

    def section(self, part_node: Node, item: Item) -> Node | None:
        """The block of one section of a part (an item of the part's node): the section's own node when it has one,
        else its sentences, each an item (a section written as one paragraph: （七）加快…绿色转型。统筹…。深入推进…。).
        None when the section has neither."""
        own = next((n for n in self._of(part_node.doc) if n.section == item.title and n.heading == item.title), None)
        if own is not None:
            return own
        items = []
        for row in self._rows.get(part_node.doc, []):
            p = self.index.chunks[row].paragraph
            if p.kind != "body" or p.part != part_node.part or p.section != item.title or ADDRESS.match(p.text):
                continue
            for sentence in p.sentences:
                title = sentence.text.rstrip("。；;")
                if title and title not in item.title:
                    items.append(Item(p, title, item.vector))
        return Node(part_node.doc, part_node.part, item.title, item.title, tuple(items), item.vector) if len(items) >= 2 else None

    def _of(self, doc: str) -> list[Node]:
        with self._lock:
            if doc not in self._nodes:
                self._nodes[doc] = build_outline(self.index, self._rows.get(doc, []), self._heading_row)
            return self._nodes[doc]


def build_outline(index: Index, rows: list[int] | None = None, heading_row: dict | None = None) -> list[Node]:
    """The nodes of the paragraphs at `rows` of the index (all when None)."""
    store = index.store
    rows = list(range(len(index.chunks))) if rows is None else rows
    owners = index.unit_owner
    units_of: dict[int, list[tuple[int, int]]] = {}
    for i in rows:
        first, last = np.searchsorted(owners, i, "left"), np.searchsorted(owners, i, "right")
        units_of[i] = list(zip(index.units.start[first:last].tolist(), range(first, last)))
    chunk_of = {index.chunks[i].paragraph.id: i for i in rows}
    if heading_row is None:
        heading_row = {(h.doc, h.part, h.section): i for i, h in enumerate(index.headings)}

    def unit_at(p: Paragraph, offset: int = 0) -> int | None:
        """The row of the unit that covers this offset of the paragraph (the first unit starting at or before it)."""
        rows = [row for start, row in units_of.get(chunk_of[p.id], []) if start <= offset]
        return rows[-1] if rows else None

    groups: dict[tuple[str, str, str], list[Paragraph]] = {}
    for i in rows:
        p = index.chunks[i].paragraph
        if p.kind == "body":
            groups.setdefault((p.doc, p.part, p.section), []).append(p)
    # First the nodes with the unit rows that carry their titles, then every vector in one request (a remote store
    # answers one request for thousands of rows faster than thousands of requests).
    planned: list[tuple[tuple[str, str, str], str, list[tuple[Paragraph, str, int]], int | None]] = []
    borrowed: set[int] = set()  # the planned nodes whose heading is borrowed
    for key, paragraphs in groups.items():
        # Numbered paragraphs are items of work; a numbered line that ends on its colon (6.轨道交通“四网融合”：) is a
        # term of a glossary, defined by the paragraph after it, not an item.
        numbered = [p for p in paragraphs if (_ITEM_START.match(p.text) or p.text.startswith("——"))
                    and not p.text.rstrip().endswith((":", "："))]
        led = [p for p in paragraphs if p.lead and not _colon_lead(p) and not ADDRESS.match(p.text)]
        chosen = [(p, _title(p), row) for p in (numbered if len(numbered) >= 2 else led)
                  if (row := unit_at(p)) is not None]
        # A block named by a line of its own (促进高质量充分就业。) is an item of the section, not a sentence inside it.
        lined = any(len(p.sentences) == 1 and len(p.text) <= MAX_RUN_IN_HEAD + 1 for p in paragraphs)
        if len(numbered) < 2 and len(led) < 2 and not lined and any(run_in_heads(p) for p in led):
            # Blocks run on inside one paragraph (the whole section written as one): each heading sentence is an item.
            chosen = [(p, title, row) for p in led for at, title in (run_in_heads(p) or [(0, _title(p))])
                      if (row := unit_at(p, at)) is not None]
        if len(chosen) >= 2 and key in heading_row:
            planned.append((key, key[2] or key[1], chosen, None))
        if len(numbered) >= 2 and len(chosen) >= 2:
            # The numbered paragraphs announced by a sentence that ends the paragraph before them on a colon
            # (政府工作中，我们要重点把握好5个方面：/ 一是…。/ …/ 二是…。): that sentence names them too.
            at = paragraphs.index(numbered[0])
            before = paragraphs[at - 1] if at else None
            announced = _colon_close(before) if before is not None and before not in numbered else None
            if announced:
                start, lead_in = announced
                lead_row = unit_at(before, start)
                if lead_row is not None:
                    planned.append((key, lead_in, chosen, lead_row))
        # Blocks each named by a line of its own that opens as the others do, announced by a paragraph ending on a
        # colon (必须做到“八个聚焦”：/ 聚焦对外开放，高标准建设海南自由贸易港。/ 全面落实…。/ 聚焦高质量发展，…。/ …):
        # the lines are the items, the paragraphs between them what is done about each.
        for at, before in enumerate(paragraphs):
            announced = _colon_close(before)
            if not announced:
                continue
            after = list(itertools.takewhile(lambda q: not _ends_on_colon(q), paragraphs[at + 1 :]))
            lines = [q for q in after if len(q.sentences) == 1 and len(q.text) <= MAX_SENTENCE_ITEM]
            heads = [q for q in lines if q.text[:2] == lines[0].text[:2]]
            if len(heads) < MIN_ENUMERATION or len(heads) == len(after):
                continue
            start, lead_in = announced
            lead_row = unit_at(before, start)
            items = [(q, q.text.strip().rstrip("。；;"), unit_at(q)) for q in heads]
            if lead_row is not None and all(row is not None for _, _, row in items):
                planned.append((key, lead_in, items, lead_row))
        # A numbered list inside one paragraph that does not itself open with a number (一是…二是…, 1.…2.…): its
        # lead-in names it; and a colon followed by a 、-list (“六保”：保居民就业、保基本民生…).
        for p in paragraphs:
            inline = inline_items(p.text)
            if len(inline) >= 2 and not _ITEM_START.match(p.text):
                # its lead-in is the sentence that opens it, not all the paragraph says before it
                lead_in = re.split(r"(?<=[。！!？?])", p.text[: inline[0][0]].strip().rstrip(":：。，,"))[-1].strip()
                items = [(p, title, unit_at(p, at)) for at, title in inline]
                lead_row = unit_at(p)
                if lead_in and lead_row is not None and all(row is not None for _, _, row in items):
                    planned.append((key, lead_in, items, lead_row))
            # A sentence that announces several things (仍然不少。) and the next one listing them by ；.
            for before, listing in itertools.pairwise(p.sentences):
                clauses = [c for c in re.split(r"[；;]", listing.text.rstrip("。")) if c.strip()]
                lead_in = before.text.rstrip("。：:")
                lead_row = unit_at(p, before.start)
                if (len(clauses) >= MIN_ENUMERATION and before.text.endswith("。") and ANNOUNCES.search(lead_in)
                        and len(lead_in) <= MAX_LEAD_IN and lead_row is not None):
                    at, items = listing.start, []
                    for clause in clauses:
                        start = p.text.find(clause, at)
                        items.append((p, clause.strip(), unit_at(p, start)))
                        at = start + len(clause)
                    if all(row is not None for _, _, row in items):
                        planned.append((key, lead_in, items, lead_row))
            # ...or the clauses that follow it in its own sentence (我们也清醒认识到，A，B，C，等等。): the problems the
            # report owns to, each a clause.
            for sentence in p.sentences:
                said = PROBLEMS_ANNOUNCED.search(sentence.text)
                if not said or said.start() > MAX_LEAD_IN // 2:
                    continue
                rest = sentence.text[said.end():]
                if re.search(r"[：:]", rest):
                    continue  # …仍然不少。主要是：… or …矛盾和问题：A，B: a colon opens the list (see below)
                clauses = [(m.start(), m.group().strip()) for m in re.finditer(r"[^，,；;。]+", rest)]
                clauses = [(at, c) for at, c in clauses if c and not re.fullmatch(r"等等?|等等方面", c)]
                lead_row = unit_at(p, sentence.start)
                if (len(clauses) >= MIN_ENUMERATION and all(len(c) <= MAX_SENTENCE_ITEM for _, c in clauses)
                        and lead_row is not None):
                    base = sentence.start + said.end()
                    items = [(p, c, unit_at(p, base + at)) for at, c in clauses]
                    if all(row is not None for _, _, row in items):
                        planned.append((key, sentence.text[: said.end()].rstrip("，,：: "), items, lead_row))
            # ...or by the short sentences after it, to the end of the paragraph (还存在不少老问题。A。B。C。).
            for n, before in enumerate(p.sentences):
                rest = p.sentences[n + 1:]
                rest = _before_response(rest, lambda x: x.text)
                lead_in = before.text.rstrip("。：:")
                if not ANNOUNCES.search(lead_in):
                    continue
                # Only the first sentence that announces: a later one (重点领域风险依然不少。) is an item of a list.
                # (Problems owned to take longer sentences, each a cluster of them: 实体经济根基不牢，制造业基础薄弱，…)
                longest = 2 * MAX_SENTENCE_ITEM if PROBLEMS_ANNOUNCED.search(lead_in) else MAX_SENTENCE_ITEM
                if (len(rest) >= MIN_ENUMERATION and before.text.endswith("。") and len(lead_in) <= MAX_LEAD_IN
                        and all(len(x.text) <= longest for x in rest)):
                    items = [(p, x.text.rstrip("。"), unit_at(p, x.start)) for x in rest]
                    lead_row = unit_at(p, before.start)
                    if lead_row is not None and all(row is not None for _, _, row in items):
                        planned.append((key, lead_in, items, lead_row))
                break
            # ...or a lead-in ending on a colon whose items are the sentences after it (主要是：A。B。C。).
            for colon in re.finditer(r"[：:]", p.text):
                start = max(p.text.rfind("。", 0, colon.start()) + 1, 0)
                lead_in = p.text[start : colon.start()].strip()
                if not ANNOUNCES.search(lead_in) and start > 0:
                    # 主要是：… says no more than "namely"; the sentence before it announces the list (…老问题、新挑战
                    # 仍然不少。主要是：A。B。C。).
                    before = max(p.text.rfind("。", 0, start - 1) + 1, 0)
                    if ANNOUNCES.search(p.text[before:start]):
                        start, lead_in = before, p.text[before : colon.start()].strip()
                pieces = [(m.start(), m.group().strip().rstrip("。")) for m in re.finditer(r"[^。]+。?", p.text[colon.end():])]
                pieces = [(colon.end() + at, piece) for at, piece in pieces if piece]
                pieces = _before_response(pieces, lambda x: x[1])
                if len(pieces) < MIN_ENUMERATION and pieces:
                    # ...or the ，-clauses of the sentences after it (主要是：产业转型任务依然紧迫，创新能力不够强，…。)
                    # A later sentence goes on with the list while it is like the first, with figures (targets) or
                    # without (problems: …，作风建设还需进一步加强。); 细颗粒物浓度下降5%。 after a list of problems is
                    # the report going on to something else.
                    figured = [bool(re.search(r"\d", piece)) for _, piece in pieces]
                    kept = pieces[: next((n for n, f in enumerate(figured) if f != figured[0]), len(pieces))]
                    pieces = [(at + m.start(), m.group().strip()) for at, piece in kept
                              for m in re.finditer(r"[^，,]+", piece)]
                elif any(len(piece) > MAX_SENTENCE_ITEM for _, piece in pieces):
                    # ...or, when a sentence is too long to be one item, the ，；-clauses of them all (预期目标是：A，B。C。)
                    pieces = [(at + m.start(), m.group().strip()) for at, piece in pieces
                              for m in re.finditer(r"[^，,；;]+", piece)]
                if (len(pieces) >= MIN_ENUMERATION and ANNOUNCES.search(lead_in) and len(lead_in) <= MAX_LEAD_IN
                        and all(len(piece) <= MAX_SENTENCE_ITEM for _, piece in pieces)):
                    items = [(p, piece, unit_at(p, at)) for at, piece in pieces]
                    lead_row = unit_at(p, start)
                    if lead_row is not None and all(row is not None for _, _, row in items):
                        planned.append((key, lead_in, items, lead_row))
            # Parallel sentences opening with the same word; the lead-in is the one inside the first sentence, else
            # the paragraph's own sub-heading (促进消费扩容升级。开展…。开展…。), else the sentence before the run.
            for lead_at, lead_in, run in parallel_runs(p.text):
                own_lead = bool(lead_in)
                if not lead_in:
                    before = [s for s in p.sentences if s.start < run[0][0]]
                    if p.lead and before:
                        lead_at, lead_in = 0, p.lead
                    elif before and len(before[-1].text) <= MAX_LEAD_IN:
                        lead_at, lead_in = before[-1].start, before[-1].text.rstrip("。：:")
                lead_row = unit_at(p, lead_at) if lead_in else None
                # An item is named by its opening clause, the part the sentences share the form of (要坚守为民初心，…).
                items = [(p, re.split(r"[，,]", segment, maxsplit=1)[0], unit_at(p, at)) for at, segment in run]
                if lead_row is not None and all(row is not None for _, _, row in items):
                    if not own_lead:
                        borrowed.add(len(planned))
                    planned.append((key, lead_in, items, lead_row))
            for at, lead_in, pieces in enumerations(p.text):
                lead_row = unit_at(p, at)
                if lead_row is not None:
                    planned.append((key, lead_in, [(p, piece, lead_row) for _, piece in pieces], lead_row))
    needed = sorted({row for _, _, items, lead in planned for row in [*(r for _, _, r in items), lead] if row is not None})
    vector_of = dict(zip(needed, store.unit_vectors(needed))) if needed else {}
    nodes: list[Node] = []
    for n, ((doc, part, section), heading, items, lead_row) in enumerate(planned):
        vector = vector_of[lead_row] if lead_row is not None else index.heading_vectors[heading_row[(doc, part, section)]]
        nodes.append(Node(doc, part, section, heading, tuple(Item(p, title, vector_of[row]) for p, title, row in items),
                          vector, n in borrowed))
    # A part's sections are the items of the part: "2022年工作要点有哪几方面".
    firsts: dict[tuple[str, str], list[tuple[str, Paragraph]]] = {}
    for (doc, part, section), paragraphs in groups.items():
        if section:
            firsts.setdefault((doc, part), []).append((section, paragraphs[0]))
    for (doc, part), sections in firsts.items():
        rows = [heading_row.get((doc, part, section)) for section, _ in sections]
        if len(sections) >= 2 and (doc, part, "") in heading_row and None not in rows:
            items = tuple(Item(p, section, index.heading_vectors[r]) for (section, p), r in zip(sections, rows))
            nodes.append(Node(doc, part, "", part, items, index.heading_vectors[heading_row[(doc, part, "")]]))
    return nodes
