"""Two app processes (replicas) serving one index from one `milvus-lite server`: 16 clients at once get answers and
no errors, and the votes sent to either replica all land in the one feedback store they share.

Needs the `milvus` extra: without it the test skips and says so; in CI (CI=true) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from assistant import index as indexmod
from assistant.service import open_feedback

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
QUESTIONS = ["2021年规上工业总产值是多少?", "2022年实际利用外资的目标是多少?", "去年新增了多少家孵化器?",
             "2023年高新区计划落地多少个招商项目?", "What was the industrial output in 2021?"]
CLIENTS, ASKS, VOTES = 16, 3, 2
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"replica exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up")


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    try:
        import milvus_lite  # noqa: F401
        import pymilvus  # noqa: F401
    except ImportError as exc:
        if IN_CI:
            pytest.fail(f"the milvus extra is not installed ({exc})")
        pytest.skip(f"the milvus extra is not installed ({exc}): pip install -e '.[milvus]'")
    from assistant.milvus_store import start_lite_server

    home = tmp_path_factory.mktemp("replicas")
    seeds, where = home / "seeds", home / "index"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copytree(ROOT / "index", where)
    port = _free_port()
    server = start_lite_server(home / "milvus", port, home / "milvus.log")
    store = f"milvus:http://127.0.0.1:{port}"
    indexmod.load(where, store=store)  # fills the server's collections from the index, once, before the replicas
    feedback = home / "feedback.db"
    env = {**os.environ, "ASSISTANT_SEEDS": str(seeds), "ASSISTANT_INDEX": str(where), "OMP_NUM_THREADS": "1"}
    apps, urls = [], []
    try:
        for _ in range(2):
            app_port = _free_port()
            log = open(home / f"app-{app_port}.log", "wb")  # noqa: SIM115 -- closed with the process below
            apps.append((subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(app_port), "--store",
                                           store, "--feedback", str(feedback), "--rate", "0", "--max-queue", "64"],
                                          cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
            urls.append(f"http://127.0.0.1:{app_port}/")
        for (process, _), url in zip(apps, urls):
            _wait_up(url, process)
        yield urls, feedback
    finally:
        for process, log in apps:
            process.terminate()
            process.wait(timeout=30)
            log.close()
        server.terminate()
        server.wait(timeout=30)


def test_sixteen_clients_on_two_replicas_get_answers_and_every_vote_lands_once(replicas):
    from gradio_client import Client

    urls, feedback = replicas
    errors, answers, lock = [], [], threading.Lock()

    def client(n: int) -> None:
        try:
            api = Client(urls[n % 2], verbose=False)
            for i in range(ASKS):
                reply = api.predict(QUESTIONS[(n + i) % len(QUESTIONS)], [], api_name="/ask")
                with lock:
                    answers.append(reply)
            for i in range(VOTES):
                assert api.predict(f"client {n} vote {i}", reply["answer"], "up", [c["id"] for c in reply["citations"]],
                                   api_name="/feedback") == "ok"
        except Exception as exc:  # noqa: BLE001 -- every failure is what the test counts
            with lock:
                errors.append(f"client {n}: {exc!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:3]
    assert len(answers) == CLIENTS * ASKS
    assert all(a["status"] in ("answered", "partial", "not_found") for a in answers)
    assert any("3453.8亿元" in a["answer"] for a in answers)
    votes = [r["question"] for r in open_feedback(feedback).records()]
    assert sorted(votes) == sorted(f"client {n} vote {i}" for n in range(CLIENTS) for i in range(VOTES))
