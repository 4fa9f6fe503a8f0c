"""Which reports a question is about, when several are indexed.

A user may pick reports (by key or title). Otherwise the question's own words decide when they can: the places and
bodies a report's title, issuer and signature name (厦门, 火炬, 国务院, 李克强), and the level of government its text
speaks for, read off the words every Chinese government report uses for its own jurisdiction (全国/我国 for the
national one, 全省, 全市, 高新区/园区 for a zone). A question that names neither is answered from the reports whose
answers are best (the Assistant compares them). Not for years: 去年/今年 are read against each report's own date by
retrieve.py and answer.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import places
from . import text as textmod
from .document import Document
from .places import ADMIN_SUFFIXES, PROVINCES
from .store import write_cache
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
# A place the question names that no report's name holds (a city, a capital) points at the report that mentions it
# most, when that report holds at least this share of the archive's mentions and mentions it at least MIN_MENTIONS
# times; a place many reports mention (长江, 黄河) points at none.
MENTION_SHARE = 0.6
MIN_MENTIONS = 2
_SHORT_NAMES = {short: full for full, short, _ in PROVINCES}
_ENGLISH_NAMES = re.compile(r"\b(" + "|".join(re.escape(english) for _, _, english in PROVINCES) + r")\b",
                            re.IGNORECASE)
_FULL_NAME_OF_ENGLISH = {english.lower(): full for full, _, english in PROVINCES}


class UnknownReport(ValueError):
    """A pick that names no indexed report; the message lists the reports there are."""


@dataclass(frozen=True)
class ReportProfile:
    key: str
    name: str
    level: str | None
    names: frozenset[str]  # places, bodies and people its title, issuer, file name and signature name
    short: frozenset[str] = frozenset()  # one-character names of its province (苏 for 江苏省)


def short_name(doc: Document) -> str:
    """A report's name as answers show it: its title when short, else the issuer part of it and the year."""
    title = doc.title.strip()
    if len(title) <= 16:
        return title
    issuer = re.split(r"(?:19|20)\d{2}", title, maxsplit=1)[0].strip() or title[:12]
    return f"{issuer}（{doc.issue_year}）" if doc.issue_year else issuer


# The level of government an issuer's name says: 江苏省/广西壮族自治区 a province, 厦门市 a city, 火炬高新区 a zone.
NAME_LEVELS: tuple[tuple[str, str], ...] = (("高新区", "zone"), ("开发区", "zone"), ("园区", "zone"), ("管委会", "zone"),
                                           ("自治区", "province"), ("省", "province"), ("市", "city"))


def _level(doc: Document, names: set[str] | None = None) -> str | None:
    """The level its own name says (江苏省 → province; the longest name decides), else the one whose cues are at
    least LEVEL_SHARE of all level cues in its text."""
    for name in sorted(names or (), key=len, reverse=True):
        if _without_suffix(name) is None:
            continue
        level = next((level for suffix, level in NAME_LEVELS if name.endswith(suffix)), None)
        if level:
            return level
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
    # The file name often says whose report it is when the title does not (首页, 政府工作报告).
    file_words = " ".join(re.findall(r"[\u4e00-\u9fff]+", f"{doc.key} {Path(doc.path).stem}"))
    names.update(word for word, flag in pseg.lcut(file_words) if flag in _NAME_FLAGS and len(word) >= 2)
    names.update(stem for name in list(names) if (stem := _without_suffix(name)))
    short = frozenset(s for full, s, _ in PROVINCES if full in names or _without_suffix(full) in names)
    issuer_names = {w for w in names if w in normalize(f"{doc.title} {doc.key} {Path(doc.path).stem}")}
    return ReportProfile(doc.key, short_name(doc), _level(doc, issuer_names), frozenset(names), short)


def profiles(index) -> list[ReportProfile]:
    """Every report's profile, read from the index folder's cache/ when this code made it for these index files
    (part-of-speech tagging a thousand reports' titles and signatures takes seconds of a load), else made and written
    there (store.write_cache); an index without a folder, or a read-only one, goes without."""
    cache_dir = getattr(index, "cache_dir", None)
    if cache_dir is None:
        return [profile(doc) for doc in index.documents]
    code = b"".join(Path(f).read_bytes() for f in (__file__, places.__file__, textmod.__file__))
    made_of = json.dumps({"files": index.manifest.get("files", {}), "code": hashlib.sha256(code).hexdigest()},
                         sort_keys=True)
    path = Path(cache_dir) / f"profiles-{hashlib.sha256(made_of.encode()).hexdigest()[:12]}.json"
    try:
        made = [ReportProfile(r["key"], r["name"], r["level"], frozenset(r["names"]), frozenset(r["short"]))
                for r in json.loads(path.read_text(encoding="utf-8"))]
        if [p.key for p in made] == [d.key for d in index.documents]:
            return made
    except (OSError, ValueError, KeyError, TypeError):
        pass
    made = [profile(doc) for doc in index.documents]
    rows = [{"key": p.key, "name": p.name, "level": p.level, "names": sorted(p.names), "short": sorted(p.short)}
            for p in made]
    write_cache(path, lambda tmp: tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8"))
    return made


def _without_suffix(name: str) -> str | None:
    """江苏省 → 江苏, 广西壮族自治区 → 广西: a place's name without its administrative suffix (None when nothing of
    two characters or more is left, or the name has no such suffix)."""
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@lru_cache(maxsize=4096)
def _question_words(question: str) -> frozenset[str]:
    import jieba

    return frozenset(w for w in jieba.lcut_for_search(normalize(question)) if len(w) >= 2)


@lru_cache(maxsize=4096)
def _question_tokens(question: str) -> tuple[tuple[str, str], ...]:
    import jieba.posseg as pseg

    return tuple((w, f) for w, f in pseg.lcut(normalize(question)))


def _english_names(question: str, profiles: list[ReportProfile]) -> set[str]:
    """Reports named by their province's English name (Jiangsu, Inner Mongolia)."""
    fulls = {_FULL_NAME_OF_ENGLISH[m.lower()] for m in _ENGLISH_NAMES.findall(question)}
    return {p.key for p in profiles if fulls & p.names}


def _short_names(question: str, profiles: list[ReportProfile]) -> set[str]:
    """Reports named by the one-character name of their province (皖2025年GDP多少): only where that character stands
    as a word of its own at the start of the question or after a non-Chinese character, since each of them is also
    part of common words (新增, 青年, 港口)."""
    tokens = _question_tokens(question)
    named = set()
    for i, (word, _) in enumerate(tokens):
        if word not in _SHORT_NAMES:
            continue
        before = "".join(w for w, _ in tokens[:i]).strip()
        if before and re.search(r"[\u4e00-\u9fff]$", before):
            continue
        named.update(p.key for p in profiles if word in p.short)
    return named


def names_a_report(question: str, profiles: list[ReportProfile]) -> bool:
    """Does the question name a report by a name of its own (a place, body or person; not a level like 全省)?"""
    words = _question_words(question)
    return (any(p.names & words for p in profiles) or bool(_short_names(question, profiles))
            or bool(_english_names(question, profiles)))


def place_words(question: str) -> list[str]:
    """The place names (jieba's ns) of two characters or more a question holds."""
    return [w for w, f in _question_tokens(question) if f == "ns" and len(w) >= 2]


def concentrated_in(word: str, doc_text: dict[str, str]) -> str | None:
    """The report that mentions the word most, when it holds MENTION_SHARE of all mentions (at least MIN_MENTIONS)."""
    counts = {doc: text.count(word) for doc, text in doc_text.items()}
    total = sum(counts.values())
    if not total:
        return None
    doc = max(counts, key=counts.get)
    return doc if counts[doc] >= MIN_MENTIONS and counts[doc] >= MENTION_SHARE * total else None


def named_reports(question: str, profiles: list[ReportProfile], doc_text: dict[str, str] | None = None
                  ) -> frozenset[str] | None:
    """The reports a question names by a place, body or person of theirs (or the short or English name of their
    province), else with the reports' texts by a place they mention far more than the others, else by their level of
    government (全省, 全国). None when it names none of them, or every one."""
    words = _question_words(question)
    normalized = normalize(question)
    by_name = ({p.key for p in profiles if p.names & words} or _short_names(question, profiles)
               or _english_names(question, profiles))
    if not by_name and doc_text:
        known = set().union(*(p.names for p in profiles))
        by_name = {doc for word in place_words(question) if word not in known
                   and (doc := concentrated_in(normalize(word), doc_text))}
    levels = {level for level, cues in LEVEL_CUES.items() if any(cue in normalized for cue in cues)}
    # A name is the more precise: 山东2025年全省… is Shandong's report, not every province's.
    named = by_name or {p.key for p in profiles if p.level in levels}
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
