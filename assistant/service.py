"""Serving the assistant: the engine swapped whole when the reports change, the feedback store every replica shares,
and a per-client rate limit. No web framework here: app.py puts these behind the Gradio page and API.

Not for answering (the engine) or for display (app.py).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import random
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

from . import Assistant, default_paths
from . import index as indexmod
from .document import doc_key, parse_file
from .formats import SUPPORTED, UnreadableReport, report_files

log = logging.getLogger("assistant.service")

DEFAULT_FEEDBACK = "data/feedback.db"  # relative to the working directory; data/ is git-ignored
FEEDBACK_ENV = "ASSISTANT_FEEDBACK"
LEGACY_FEEDBACK_ENV = "ASSISTANT_FEEDBACK_LOG"
MAX_REPORT_BYTES = 50 * 1024 * 1024  # an added report file; the largest national report as PDF is a few MB


# ---- the engine, swapped whole ---------------------------------------------------------------------------------
class Library:
    """The Assistant the app serves. A reload builds the index for the reports now in seeds/ (only new or changed
    paragraphs are embedded; the manifest is replaced last, so the files on disk are never half-built), loads it, and
    swaps it in whole: questions in flight finish on the engine they started with, later ones get the new one.

    `watch(seconds)` makes a replica follow an index that another process (`python -m assistant build`, or another
    replica's reload) rebuilt: it loads a new complete manifest when one appears, never building itself.
    """

    def __init__(self, bot: Assistant, loader=None):
        """`loader(build)` makes a new Assistant for the same reports and index (default: Assistant.load with the
        folders the engine was loaded from, the embedder and store of the environment)."""
        self._bot = bot
        self._loader = loader or (lambda build: Assistant.load(bot.seeds_dir, bot.index_dir, build=build))
        self._reloading = threading.Lock()
        self.generation = 1
        self.message = ""

    @property
    def bot(self) -> Assistant:
        return self._bot

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (Path(self._bot.index_dir) / indexmod.MANIFEST).stat()
        except (OSError, AttributeError, TypeError):
            return None
        return stat.st_mtime_ns, stat.st_size

    def reload(self, build: bool = True) -> str:
        """Bring the engine up to date with the reports on disk; returns what happened, in words for staff."""
        if not self._reloading.acquire(blocking=False):
            return "正在重新载入，请稍候。"
        try:
            before = {d.key for d in self._bot.documents}
            started = time.perf_counter()
            try:
                fresh = self._loader(build)
            except Exception as exc:  # a bad file in seeds/, a full disk: the old engine keeps serving
                log.exception("reload failed")
                self.message = f"重新载入失败，继续使用原来的索引：{exc}"
                return self.message
            after = {d.key for d in fresh.documents}
            self._bot = fresh
            self.generation += 1
            added, removed = sorted(after - before), sorted(before - after)
            change = "；".join(x for x in (f"新增 {len(added)} 份：{'、'.join(added)}" if added else "",
                                            f"移除 {len(removed)} 份：{'、'.join(removed)}" if removed else "") if x)
            self.message = (f"已载入 {len(after)} 份报告（{change or '报告没有变化'}），用时 "
                            f"{time.perf_counter() - started:.1f} 秒。")
            return self.message
        finally:
            self._reloading.release()

    def add_report(self, source: str | Path, name: str) -> str:
        """Put a report file (an upload) into seeds/ under `name` and reload; returns what happened, in words for staff.

        The file is read first, under its own name in a scratch folder, and refused with the reason when it is not a
        report this reads or when another file in seeds/ gives the same report key; it is then written under a
        hidden name and renamed, so seeds/ never holds a half-written or unreadable report. The same name replaces
        the report (a corrected version)."""
        source = Path(source)
        clean = re.sub(r"[^\w.()（）-]+", "_", Path(str(name)).name).lstrip(".~_") or "report.txt"
        if Path(clean).suffix.lower() not in SUPPORTED:
            return f"没有添加：只能添加 {'、'.join(SUPPORTED)} 格式的报告。"
        if not source.is_file() or not 0 < source.stat().st_size <= MAX_REPORT_BYTES:
            return f"没有添加：文件为空或大于 {MAX_REPORT_BYTES // 2**20} MB。"
        seeds = Path(self._bot.seeds_dir)
        same_key = [p.name for p in report_files(seeds) if doc_key(p) == doc_key(Path(clean)) and p.name != clean]
        if same_key:
            return f"没有添加：{same_key[0]} 已是同一份报告（编号 {doc_key(Path(clean))}），请先移除它或换个文件名。"
        with tempfile.TemporaryDirectory(prefix="report-") as scratch:
            copy = Path(scratch) / clean
            shutil.copyfile(source, copy)
            try:
                document = parse_file(copy)
            except (UnreadableReport, OSError) as exc:  # say why, and leave seeds/ as it was
                return f"没有添加：{str(exc).replace(str(copy), clean)}"
            if not document.paragraphs:
                return "没有添加：文件里没有读到报告的段落。"
            hidden = seeds / f".{clean}.adding"
            shutil.copyfile(copy, hidden)
            os.replace(hidden, seeds / clean)
        log.info("report added to %s: %s", seeds, clean)
        return f"已添加 {clean}。" + self.reload()

    def watch(self, seconds: float) -> threading.Thread:
        """Follow the index on disk: every `seconds`, load it if its manifest changed and it is complete and fresh."""
        def follow():
            stamp = self._manifest_stamp()
            while True:
                time.sleep(seconds)
                now = self._manifest_stamp()
                if now and now != stamp:
                    stamp = now
                    try:
                        indexmod.load(self._bot.index_dir, self._bot.seeds_dir, self._bot.embedder.id)
                    except indexmod.IndexError_:
                        continue  # stale for the reports or being replaced: keep serving the one we have
                    log.info("index changed on disk: %s", self.reload(build=False))

        thread = threading.Thread(target=follow, name="index-watch", daemon=True)
        thread.start()
        return thread


# ---- feedback that every replica shares ------------------------------------------------------------------------
class FeedbackLog:
    """Votes as JSON lines, appended whole.

    Each line is one os.write on an O_APPEND descriptor, under a thread lock and an exclusive flock, so threads and
    processes never interleave. A writer killed mid-line can leave only its own torn tail; the next append starts
    on a fresh line, so every earlier and later line stays whole.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    line = b"\n" + line
                written = os.write(fd, line)
                while written < len(line):  # a regular file takes it all at once; this only guards the rare case
                    written += os.write(fd, line[written:])
            finally:
                os.close(fd)  # closing releases the flock

    def records(self) -> list[dict]:
        lines = self.path.read_text("utf-8", errors="replace").splitlines() if self.path.exists() else []
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # the tail a killed writer tore
        return out


_FEEDBACK_TABLE = """CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, vote TEXT NOT NULL, record TEXT NOT NULL)"""


class SQLiteFeedback:
    """Votes as rows of one SQLite file that replicas on one machine (or a shared volume) write together: each vote is
    one INSERT in its own transaction (WAL mode, a busy timeout for concurrent writers), so a vote is stored whole or
    not at all, whoever else writes or dies meanwhile."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Replicas start together. Switching a new file to WAL needs it alone, and SQLite answers "database is locked"
        # at once (no busy wait) when two processes try together, so whoever loses tries again.
        deadline = time.monotonic() + 30
        while True:
            try:
                with self._connect() as db:
                    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                        db.execute("PRAGMA journal_mode=WAL")
                    db.execute(_FEEDBACK_TABLE)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05 + random.random() * 0.1)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def append(self, record: dict) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO feedback (time, vote, record) VALUES (?, ?, ?)",
                       (record.get("time", ""), record.get("vote", ""), json.dumps(record, ensure_ascii=False)))

    def records(self) -> list[dict]:
        with self._connect() as db:
            return [json.loads(r) for (r,) in db.execute("SELECT record FROM feedback ORDER BY id")]


TABLE_LOCK = 0x6665656462  # an advisory lock key of our own ("feedb")


class PostgresFeedback:
    """Votes as rows of a PostgreSQL table, for replicas on several machines (psycopg, `pip install psycopg[binary]`)."""

    def __init__(self, url: str):
        import psycopg

        self._psycopg = psycopg
        self.url = url
        # Replicas start together: CREATE TABLE IF NOT EXISTS races in PostgreSQL, so they take turns under a lock.
        with psycopg.connect(url) as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (TABLE_LOCK,))
            db.execute(_FEEDBACK_TABLE.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"))

    def append(self, record: dict) -> None:
        with self._psycopg.connect(self.url, autocommit=True) as db:
            db.execute("INSERT INTO feedback (time, vote, record) VALUES (%s, %s, %s)",
                       (record.get("time", ""), record.get("vote", ""), json.dumps(record, ensure_ascii=False)))

    def records(self) -> list[dict]:
        with self._psycopg.connect(self.url) as db:
            return [json.loads(r) for (r,) in db.execute("SELECT record FROM feedback ORDER BY id")]


def feedback_target(given: str | Path | None = None) -> str:
    """Where votes go: as given, else $ASSISTANT_FEEDBACK (or the older $ASSISTANT_FEEDBACK_LOG), else
    data/feedback.db."""
    return str(given or os.environ.get(FEEDBACK_ENV) or os.environ.get(LEGACY_FEEDBACK_ENV) or DEFAULT_FEEDBACK)


def open_feedback(target: str | Path | None = None):
    """The feedback store a target names: postgresql://… (a server), sqlite:///path or a *.db/*.sqlite path (a
    file every process on the machine shares), or a *.jsonl path (JSON lines)."""
    target = feedback_target(target)
    if target.startswith(("postgresql://", "postgres://")):
        return PostgresFeedback(target)
    if target.startswith("sqlite:///"):
        return SQLiteFeedback(target.removeprefix("sqlite:///"))
    if target.endswith(".jsonl"):
        return FeedbackLog(target)
    return SQLiteFeedback(target)


# ---- a per-client rate limit ------------------------------------------------------------------------------------
class RateLimiter:
    """A token bucket per client: `rate` requests a minute on average, bursts of `burst`. In one process; behind
    several replicas the proxy's own limit (nginx limit_req) is the global one, this one a backstop per replica."""

    def __init__(self, rate_per_minute: float, burst: int, max_clients: int = 10_000):
        self.rate = rate_per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            tokens, seen = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - seen) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)  # the longest-idle client; it starts afresh with a full bucket
            return allowed


def default_library(seeds_dir=None, index_dir=None, store: str | None = None) -> Library:
    seeds, where = default_paths(seeds_dir, index_dir)
    return Library(Assistant.load(seeds, where, store=store),
                   loader=lambda build: Assistant.load(seeds, where, build=build, store=store))
