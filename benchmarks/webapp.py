"""The web app under test: start `python app.py` on a loopback port, time its start-up, and load it with users.

Traffic goes to 127.0.0.1 only, every loop is bounded in time, and every app started here is stopped here (by the
process group of the process this module started).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

HOST = "127.0.0.1"
READY_TIMEOUT_S = 120
REQUEST_TIMEOUT_S = 30
POLL_S = 0.05
ENDPOINTS = ("/chat", "/ask")  # the chat event first: it is what a person in the browser triggers
# Polite openings and closings make each request a question the server has not seen yet, so that its query-embedding
# cache does not turn a load test into a cache test; the question itself is unchanged.
OPENINGS = ("", "请问", "请问一下，", "我想知道", "麻烦问下：", "想了解一下，", "请帮我查一下：", "你好，")
CLOSINGS = ("", "谢谢", "，谢谢！", "？", "。", "呀")
CLIENT_ENV = {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "GRADIO_SERVER_NAME": HOST}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_env(seeds: Path, index: Path, feedback_log: Path) -> dict[str, str]:
    return {**os.environ, **CLIENT_ENV, "ASSISTANT_SEEDS": str(seeds), "ASSISTANT_INDEX": str(index),
            "ASSISTANT_FEEDBACK_LOG": str(feedback_log)}


class App:
    """`python app.py --host 127.0.0.1 --port P --rate 0` as a child process in a session of its own."""

    def __init__(self, root: Path, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}/"
        self.log = log
        self.started = time.perf_counter()
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                # --rate 0: the load comes from one address; a per-client limit would answer most of it with "wait"
                [sys.executable, "app.py", "--host", HOST, "--port", str(self.port), "--rate", "0"], cwd=root, env=env,
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self) -> float:
        """Seconds from start to the first HTTP 200 on /."""
        deadline = self.started + READY_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.process.returncode} before serving (see {self.log})")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(POLL_S)
        raise TimeoutError(f"app.py did not answer 200 on {self.url} within {READY_TIMEOUT_S} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def endpoint_arguments(params: list[dict], question: str) -> list:
    """Positional arguments for an endpoint from the app's API description: the first text parameter gets the
    question, parameters with defaults keep them, list parameters (a chat history) get an empty list."""
    values, asked = [], False
    for p in params:
        kind = str(p.get("python_type", {}).get("type", "")).lower()
        if not asked and kind.startswith("str"):
            values.append(question)
            asked = True
        elif p.get("parameter_has_default"):
            values.append(p.get("parameter_default"))
        else:
            values.append([] if ("list" in kind or "tuple" in kind) else None)
    return values


def pick_endpoint(named_endpoints: dict) -> str:
    endpoint = next((e for e in ENDPOINTS if e in named_endpoints), None)
    if endpoint is None:
        raise RuntimeError(f"the app offers none of {ENDPOINTS}; it has {sorted(named_endpoints)}")
    return endpoint


class Caller:
    """A visitor through gradio_client, as the README tells API users to do (used for the first answer)."""

    def __init__(self, url: str):
        os.environ.update(CLIENT_ENV)
        from gradio_client import Client

        self.client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        api = self.client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        self.endpoint = pick_endpoint(api)
        self.params = api[self.endpoint]["parameters"]

    def ask(self, question: str, timeout: float = REQUEST_TIMEOUT_S):
        args = endpoint_arguments(self.params, question)
        return self.client.submit(*args, api_name=self.endpoint).result(timeout=timeout)

    def close(self) -> None:
        self.client.close()


class HttpCaller:
    """A visitor through Gradio's plain HTTP API (POST /gradio_api/call/NAME, then read its event stream).

    The load test uses this rather than gradio_client: the client costs ~1 ms of CPU a request instead of ~50, so on
    a 2-core machine the load generator does not eat the server's CPU."""

    def __init__(self, url: str, endpoint: str | None = None):
        with urllib.request.urlopen(f"{url}gradio_api/info", timeout=REQUEST_TIMEOUT_S) as response:
            api = json.load(response)["named_endpoints"]
        self.endpoint = endpoint or pick_endpoint(api)
        self.params = api[self.endpoint]["parameters"]
        self.call_url = f"{url}gradio_api/call/{self.endpoint.lstrip('/')}"

    def ask(self, question: str, timeout: float = REQUEST_TIMEOUT_S):
        body = json.dumps({"data": endpoint_arguments(self.params, question)}).encode()
        request = urllib.request.Request(self.call_url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            event_id = json.load(response)["event_id"]
        with urllib.request.urlopen(f"{self.call_url}/{event_id}", timeout=timeout) as response:
            stream = response.read().decode("utf-8")
        event = ""
        for line in stream.splitlines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = json.loads(line[5:].strip() or "null")
                if event == "error":
                    raise RuntimeError(f"app error: {str(data)[:120]}")
                return data
        raise RuntimeError(f"no result in the event stream: {stream[:120]!r}")

    def close(self) -> None:
        pass


def answered(result) -> bool:
    """A chat reply holds the bot's message, an ask reply the Answer; an empty reply, or one telling the client to
    wait (the rate limit, status busy), is no answer."""
    text = str(result)
    return bool(result) and bool(text.strip()) and "请求太频繁" not in text and "'status': 'busy'" not in text


@dataclass
class LoadResult:
    users: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unique_questions: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)


def load_test(url: str, questions: list[str], users: int, duration_s: float, counter: itertools.count,
              endpoint: str | None = None) -> LoadResult:
    """`users` clients, each asking question after question until duration_s has passed; the requests already under
    way then finish (within REQUEST_TIMEOUT_S). Latency is counted for successful requests, failures as errors."""
    callers = [HttpCaller(url, endpoint) for _ in range(users)]
    lock = threading.Lock()
    result = LoadResult(users, 0.0)
    seen: set[str] = set()
    barrier = threading.Barrier(users + 1)

    def next_question() -> str:
        with lock:
            n = next(counter)
        q = questions[n % len(questions)]
        form = n // len(questions)
        opening, closing = OPENINGS[form % len(OPENINGS)], CLOSINGS[(form // len(OPENINGS)) % len(CLOSINGS)]
        return f"{opening}{q.rstrip('?？')}{closing}" if closing else f"{opening}{q}"

    def user(caller: HttpCaller) -> None:
        barrier.wait()
        while time.perf_counter() < deadline:
            question = next_question()
            t0 = time.perf_counter()
            try:
                reply = caller.ask(question)
                ok, error = answered(reply), f"empty reply: {str(reply)[:80]}"
            except Exception as exc:  # noqa: BLE001 - any failure of a request is an error of the load test
                ok, error = False, f"{type(exc).__name__}: {str(exc)[:120]}"
            elapsed = (time.perf_counter() - t0) * 1e3
            with lock:
                seen.add(question)
                if ok:
                    result.latencies_ms.append(elapsed)
                else:
                    result.errors.append(error)

    threads = [threading.Thread(target=user, args=(c,), daemon=True) for c in callers]
    for t in threads:
        t.start()
    started = time.perf_counter()
    deadline = started + duration_s
    barrier.wait()
    for t in threads:
        t.join(duration_s + REQUEST_TIMEOUT_S + 5)
    result.seconds = time.perf_counter() - started
    result.unique_questions = len(seen)
    for c in callers:
        c.close()
    return result
