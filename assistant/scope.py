"""Which reports a question is about, when several are indexed.

A user may pick reports (by key or title). Otherwise the question's own words decide when they can: the places and
bodies a report's title, issuer and signature name (厦门, 火炬, 国务院, 李克强), and the level of government its text
speaks for, read off the words every Chinese government report uses for its own jurisdiction (全国/我国 for the
national one, 全省, 全市, 高新区/园区 for a zone). A question that names neither is answered from the reports whose
answers are best (the Assistant compares them). Not for years: 去年/今年 are read against each report's own date by
retrieve.py and answer.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .document import Document
from .text import normalize

# The words a report uses for its own jurisdiction, by level of government. General vocabulary of government reports:
# a national report says 全国/我国 on every page, a zone's report 高新区/园区/管委会, and so on.
LEVEL_CUES: dict[str, tuple[str, ...]] = {
    "national": ("全国", "我国", "国务院", "党中央", "中央财政"),
    "province": ("全省", "省委", "省政府", "我省"),
    "city": ("全市", "市委", "市政府", "我市"),
    "zone": ("高新区", "开发区", "园区", "管委会", "新区"),
}
LEVEL_SHARE = 0.5  # a level is a report's when its cues are at least half of all level cues in its text
_NAME_FLAGS = frozenset(["ns", "nt", "nz", "nr", "nrt", "nrfg"])


class UnknownReport(ValueError):
    """A pick that names no indexed report; the message lists the reports there are."""


@dataclass(frozen=True)
class ReportProfile:
    key: str
    name: str
    level: str | None
    names: frozenset[str]  # places, bodies and people its title, issuer and signature name


def short_name(doc: Document) -> str:
    """A report's name as answers show it: its title when short, else the issuer part of it and the year."""
    title = doc.title.strip()
    if len(title) <= 16:
        return title
    issuer = re.split(r"(?:19|20)\d{2}", title, maxsplit=1)[0].strip() or title[:12]
    return f"{issuer}（{doc.issue_year}）" if doc.issue_year else issuer


def _level(doc: Document) -> str | None:
    text = "\n".join(p.text for p in doc.paragraphs)
    counts = {level: sum(text.count(cue) for cue in cues) for level, cues in LEVEL_CUES.items()}
    total = sum(counts.values())
    level = max(counts, key=counts.get)
    return level if total and counts[level] >= LEVEL_SHARE * total else None


def profile(doc: Document) -> ReportProfile:
    """Names: proper nouns (places, bodies, people) of the title, issuer and signature, and every word of the issuer
    part of the title (厦门火炬高新区 → 厦门, 火炬, 高新区)."""
    import jieba
    import jieba.posseg as pseg

    signature = "\n".join(p.text for p in doc.paragraphs if p.kind == "signature")
    header = [line for p in doc.paragraphs if p.kind == "meta" for line in p.text.split("\n") if ":" not in line
              and "：" not in line]
    sources = " ".join([doc.title, doc.meta.get("发布机构", ""), doc.meta.get("名称", ""), signature, *header])
    names = {word for word, flag in pseg.lcut(normalize(sources)) if flag in _NAME_FLAGS and len(word) >= 2}
    issuer = re.split(r"(?:19|20)\d{2}", normalize(doc.title), maxsplit=1)[0]
    if issuer != normalize(doc.title):
        names.update(w for w in jieba.lcut_for_search(issuer) if len(w) >= 2)
    return ReportProfile(doc.key, short_name(doc), _level(doc), frozenset(names))


@lru_cache(maxsize=4096)
def _question_words(question: str) -> frozenset[str]:
    import jieba

    return frozenset(w for w in jieba.lcut_for_search(normalize(question)) if len(w) >= 2)


def named_reports(question: str, profiles: list[ReportProfile]) -> frozenset[str] | None:
    """The reports a question names by a place, body or person of theirs, or by their level of government; None when
    it names none of them, or every one."""
    words = _question_words(question)
    normalized = normalize(question)
    by_name = {p.key for p in profiles if p.names & words}
    levels = {level for level, cues in LEVEL_CUES.items() if any(cue in normalized for cue in cues)}
    by_level = {p.key for p in profiles if p.level in levels}
    named = by_name | by_level
    if not named or len(named) == len(profiles):
        return None
    return frozenset(named)


def resolve(picked, documents: list[Document]) -> frozenset[str]:
    """The document keys for a user's pick: a key, a title, a short name, or a list of them. ValueError, naming the
    reports there are (UnknownReport), for a pick that matches none."""
    wanted = [picked] if isinstance(picked, str) else list(picked or [])
    keys = set()
    for item in wanted:
        item = str(item).strip()
        found = [d.key for d in documents if item in (d.key, d.title, short_name(d), d.path)]
        found = found or [d.key for d in documents if item and (item in d.title or item in d.key)]
        if not found:
            names = "、".join(f"{short_name(d)}（{d.key}）" for d in documents)
            raise UnknownReport(f"没有名为“{item}”的报告。可选：{names}")
        keys.update(found)
    return frozenset(keys)
