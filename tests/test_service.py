"""Serving (assistant/service.py): the rate limit, the feedback store on a PostgreSQL server, and the Library that
swaps the engine when the reports change (or keeps the old one when the change is broken)."""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from assistant import Assistant
from assistant import index as indexmod
from assistant.service import Library, RateLimiter, open_feedback

from .fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent
REPORT = """名称: 测试高新区2021年工作总结和2022年工作要点
发文日期: 2022-03-01

一、2021年工作总结

主要指标平稳增长。完成规上工业总产值120.5亿元,同比增长8.1%。

二、2022年工作要点

力争规上工业总产值增长10%。
"""


def test_each_client_gets_its_own_bucket_and_tokens_come_back():
    limiter = RateLimiter(rate_per_minute=60, burst=2)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")  # another client is not held back by the first
    time.sleep(1.1)  # one token a second
    assert limiter.allow("a")
    assert all(RateLimiter(0, 1).allow("a") for _ in range(100))  # rate 0: no limit


@pytest.fixture
def tiny_library(tmp_path, monkeypatch):
    seeds, where = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    (seeds / "a.txt").write_text(REPORT, encoding="utf-8")
    monkeypatch.setattr("assistant.get_embedder", lambda spec=None: FakeEmbedder())
    return seeds, where, Library(Assistant.load(seeds, where))


def test_a_broken_new_report_keeps_the_old_engine_serving(tiny_library):
    seeds, _, library = tiny_library
    before = library.bot
    (seeds / "b.docx").write_bytes(b"not a word file")
    message = library.reload()
    assert "失败" in message and library.bot is before
    assert "120.5亿元" in library.bot.ask("2021年规上工业总产值是多少?").answer


def test_a_replica_follows_an_index_rebuilt_by_another_process(tiny_library):
    seeds, where, library = tiny_library
    library.watch(0.2)
    (seeds / "b.txt").write_text(REPORT.replace("测试高新区", "另一高新区").replace("120.5", "99.9"), encoding="utf-8")
    time.sleep(0.5)
    assert len(library.bot.documents) == 1  # the reports changed, the index did not: nothing to follow yet
    indexmod.build(seeds, where, FakeEmbedder())  # what `python -m assistant build` does in another process
    deadline = time.monotonic() + 10
    while len(library.bot.documents) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(library.bot.documents) == 2 and library.generation == 2


# ---- PostgreSQL ---------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server from Debian's packages, on a free loopback port (CI installs them)."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not binaries or shutil.which("runuser") is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("PostgreSQL binaries are missing (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql)")
    pytest.importorskip("psycopg", reason="the postgres extra is not installed (pip install -e '.[postgres]')")
    bindir = Path(binaries[-1]).parent
    # Its own folder in /tmp, owned by the postgres user (pytest's temporary folders are closed to other users).
    home = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    shutil.chown(home, "postgres")
    data, port = home / "data", _free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres"], check=True,
                   capture_output=True)
    subprocess.run([*as_postgres, bindir / "pg_ctl", "-D", data, "-l", home / "log", "-w", "-o",
                    f"-p {port} -k {home} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    subprocess.run([*as_postgres, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"], check=False,
                   capture_output=True)
    shutil.rmtree(home, ignore_errors=True)


WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from assistant.service import open_feedback
store = open_feedback(sys.argv[1])
for i in range(40):
    store.append({"writer": sys.argv[3], "i": i, "vote": "up"})
"""


def test_votes_of_replicas_on_several_machines_land_in_one_postgres_table(postgres):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, postgres, str(ROOT), f"replica{n}"]) for n in range(3)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    records = open_feedback(postgres).records()
    assert sorted((r["writer"], r["i"]) for r in records) == [(f"replica{n}", i) for n in range(3) for i in range(40)]
