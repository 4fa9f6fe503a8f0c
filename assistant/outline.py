"""The heading tree of the reports (parts, sections, and the items under them) for questions about a block of work:
"2022年招商分哪几块?", "生态环保主要抓哪两方面?".

An item is a paragraph that opens with 一是/二是…, a paragraph led by a short heading sentence (稳定和扩大消费。…) or a
—— bullet, an 一是…二是… list inside one paragraph, or a section of a part. A node is a part or section with two or
more items; it is
matched against a question by its heading and its items' headings (vectors and words), and answered with every item.
Not for single facts (answer.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .document import ITEM, Paragraph
from .index import Index

_ITEM_START = re.compile(r"^[一二三四五六七八九十]+是")


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


def _colon_lead(p: Paragraph) -> bool:
    """2022年预期目标:… introduces figures, not an item of work."""
    return p.text[len(p.lead) : len(p.lead) + 1] in (":", "：")


def _title(p: Paragraph) -> str:
    """An item's heading: its lead sentence, else its first sentence (一是…，… / ——…，…)."""
    if p.lead:
        return p.lead
    first = p.sentences[0].text if p.sentences else p.text
    return first.lstrip("—").rstrip("。；;")


def build_outline(index: Index) -> list[Node]:
    store = index.store
    units_of: dict[int, list[tuple[int, int]]] = {}
    for row, unit in enumerate(index.units):
        units_of.setdefault(unit.chunk, []).append((unit.start, row))
    chunk_of = {c.paragraph.id: i for i, c in enumerate(index.chunks)}
    heading_row = {(h.doc, h.part, h.section): i for i, h in enumerate(index.headings)}

    def unit_at(p: Paragraph, offset: int = 0) -> int | None:
        """The row of the unit that covers this offset of the paragraph (the first unit starting at or before it)."""
        rows = [row for start, row in units_of.get(chunk_of[p.id], []) if start <= offset]
        return rows[-1] if rows else None

    groups: dict[tuple[str, str, str], list[Paragraph]] = {}
    for chunk in index.chunks:
        p = chunk.paragraph
        if p.kind == "body":
            groups.setdefault((p.doc, p.part, p.section), []).append(p)
    # First the nodes with the unit rows that carry their titles, then every vector in one request (a remote store
    # answers one request for thousands of rows faster than thousands of requests).
    planned: list[tuple[tuple[str, str, str], str, list[tuple[Paragraph, str, int]], int | None]] = []
    for key, paragraphs in groups.items():
        numbered = [p for p in paragraphs if _ITEM_START.match(p.text) or p.text.startswith("——")]
        led = [p for p in paragraphs if p.lead and not _colon_lead(p)]
        chosen = [(p, _title(p), row) for p in (numbered if len(numbered) >= 2 else led)
                  if (row := unit_at(p)) is not None]
        if len(chosen) >= 2 and key in heading_row:
            planned.append((key, key[2] or key[1], chosen, None))
        # An 一是…二是… list inside one paragraph that does not itself open with 一是: its lead-in names it.
        for p in paragraphs:
            inline = list(ITEM.finditer(p.text))
            if len(inline) < 2 or _ITEM_START.match(p.text):
                continue
            lead_in = p.text[: inline[0].start()].strip().rstrip(":：。")
            items = [(p, f"{m.group(1)}{m.group(2)}".strip(), unit_at(p, m.start(1))) for m in inline]
            lead_row = unit_at(p)
            if lead_in and lead_row is not None and all(row is not None for _, _, row in items):
                planned.append((key, lead_in, items, lead_row))
    needed = sorted({row for _, _, items, lead in planned for row in [*(r for _, _, r in items), lead] if row is not None})
    vector_of = dict(zip(needed, store.unit_vectors(needed))) if needed else {}
    nodes: list[Node] = []
    for (doc, part, section), heading, items, lead_row in planned:
        vector = vector_of[lead_row] if lead_row is not None else index.heading_vectors[heading_row[(doc, part, section)]]
        nodes.append(Node(doc, part, section, heading, tuple(Item(p, title, vector_of[row]) for p, title, row in items),
                          vector))
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
