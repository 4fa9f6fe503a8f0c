"""Fixtures for the web app tests: the real engine, the app served on loopback, and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # app.py sits at the repo root, outside the installed package

import app as webapp
from assistant import Assistant
from assistant import index as indexmod
from assistant.embed import get_embedder

SHARED = ROOT.parent / "shared"
# The reports the tests index, by name. The seed and the 2022-2024 national reports are in the repository; the 2021
# national report is in ../shared (tests that need it skip without it, and fail without it in CI).
REPORTS = {
    "seed": next((ROOT / "seeds").glob("*.txt")),
    "gov2021": SHARED / "corpora" / "2021-national-government-work-report.txt",
    "gov2022": ROOT / "tests" / "data" / "reports" / "2022-national-government-work-report.txt",
    "gov2023": ROOT / "tests" / "data" / "reports" / "2023-national-government-work-report.txt",
    "gov2024": ROOT / "tests" / "data" / "reports" / "2024-national-government-work-report.txt",
    "sichuan2026": SHARED / "corpora" / "provinces-2026" / "2026-四川省-government-work-report.txt",
    "henan2026": SHARED / "corpora" / "provinces-2026" / "2026-河南省-government-work-report.txt",
    "tianjin2026": SHARED / "corpora" / "provinces-2026" / "2026-天津市-government-work-report.txt",
    "liaoning2026": SHARED / "corpora" / "provinces-2026" / "2026-辽宁省-government-work-report.txt",
    "guangdong2026": SHARED / "corpora" / "provinces-2026" / "2026-广东省-government-work-report.txt",
    "gansu2026": SHARED / "corpora" / "provinces-2026" / "2026-甘肃省-government-work-report.txt",
    "hubei2026": SHARED / "corpora" / "provinces-2026" / "2026-湖北省-government-work-report.txt",
    "hebei2026": SHARED / "corpora" / "provinces-2026" / "2026-河北省-government-work-report.txt",
    "chongqing2026": SHARED / "corpora" / "provinces-2026" / "2026-重庆市-government-work-report.txt",
    "ningxia2026": SHARED / "corpora" / "provinces-2026" / "2026-宁夏回族自治区-government-work-report.txt",
    "xizang2026": SHARED / "corpora" / "provinces-2026" / "2026-西藏自治区-government-work-report.txt",
    "qinghai2026": SHARED / "corpora" / "provinces-2026" / "2026-青海省-government-work-report.txt",
    "guangxi2026": SHARED / "corpora" / "provinces-2026" / "2026-广西壮族自治区-government-work-report.txt",
    "heilongjiang2026": SHARED / "corpora" / "provinces-2026" / "2026-黑龙江省-government-work-report.txt",
    "jilin2026": SHARED / "corpora" / "provinces-2026" / "2026-吉林省-government-work-report.txt",
    "xinjiang2026": SHARED / "corpora" / "provinces-2026" / "2026-新疆维吾尔自治区-government-work-report.txt",
    "anhui2026": SHARED / "corpora" / "provinces-2026" / "2026-安徽省-government-work-report.txt",
    "hunan2026": SHARED / "corpora" / "provinces-2026" / "2026-湖南省-government-work-report.txt",
    "shandong2026": SHARED / "corpora" / "provinces-2026" / "2026-山东省-government-work-report.txt",
    "shaanxi2026": SHARED / "corpora" / "provinces-2026" / "2026-陕西省-government-work-report.txt",
    "jiangsu2026": SHARED / "corpora" / "provinces-2026" / "2026-江苏省-government-work-report.txt",
    "yunnan2026": SHARED / "corpora" / "provinces-2026" / "2026-云南省-government-work-report.txt",
    "neimenggu2026": SHARED / "corpora" / "provinces-2026" / "2026-内蒙古自治区-government-work-report.txt",
    "shanxi2026": SHARED / "corpora" / "provinces-2026" / "2026-山西省-government-work-report.txt",
    "fujian2026": SHARED / "corpora" / "provinces-2026" / "2026-福建省-government-work-report.txt",
    "beijing2026": SHARED / "corpora" / "provinces-2026" / "2026-北京市-government-work-report.txt",
    "hainan2026": SHARED / "corpora" / "provinces-2026" / "2026-海南省-government-work-report.txt",
    "guizhou2026": SHARED / "corpora" / "provinces-2026" / "2026-贵州省-government-work-report.txt",
    "jiangxi2026": SHARED / "corpora" / "provinces-2026" / "2026-江西省-government-work-report.txt",
}
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None)
DOCS = ROOT / "docs"
ARTIFACTS = ROOT / "test-artifacts"  # git-ignored
# Screenshots go to test-artifacts/; with UPDATE_DOCS_SCREENSHOTS=1 they refresh the README's pictures in docs/:
#   UPDATE_DOCS_SCREENSHOTS=1 python -m pytest tests/test_browser.py
UPDATE_DOCS_ENV = "UPDATE_DOCS_SCREENSHOTS"
STAFF_TOKEN = "staff-token-for-tests"


def free_port() -> int:
    """A port nothing listens on now (Gradio 6.31 cannot pick one itself with server_port=0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(demo):
    """Launch a demo on a free loopback port; returns its URL."""
    _, url, _ = webapp.launch(demo, "127.0.0.1", free_port(), prevent_thread_lock=True, quiet=True)
    return url


def need(path: Path) -> Path:
    """A file from ../shared: skipped in a checkout that has no ../shared (a fresh clone elsewhere); in CI, where
    ../shared is there, a missing file is a failure."""
    if not path.exists():
        if SHARED.exists() and os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{path} is missing")
        pytest.skip(f"{path.name} lives in ../shared, which this checkout does not have")
    return path


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """built_index("seed", "gov2022") → (seeds folder, index folder) of those reports, built once per session with the
    real model, taking every vector it can from the committed index and the indexes built before it."""
    made: dict[tuple[str, ...], tuple[Path, Path]] = {}

    def build(*names: str) -> tuple[Path, Path]:
        if names not in made:
            sources = [need(REPORTS[name]) for name in names]
            label = "-".join(names)
            seeds, where = tmp_path_factory.mktemp(f"seeds-{label}"), tmp_path_factory.mktemp(f"index-{label}")
            for source in sources:
                (seeds / source.name).write_bytes(source.read_bytes())
            indexmod.build(seeds, where, get_embedder(), reuse_from=(ROOT / "index", *(i for _, i in made.values())))
            made[names] = (seeds, where)
        return made[names]

    return build


@pytest.fixture(scope="session")
def bot() -> Assistant:
    return Assistant.load()


@pytest.fixture(scope="session")
def multi_bot(built_index) -> Assistant:
    """The seed and the 2022 national report in one index (both in the repository)."""
    return Assistant.load(*built_index("seed", "gov2022"), build=False)


@pytest.fixture(scope="session")
def feedback_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("feedback") / "feedback.jsonl"


@pytest.fixture(scope="session")
def app_url(bot, feedback_file):
    """The app as `python app.py` serves it, on a free loopback port, for the whole session."""
    demo = webapp.build_demo(bot, feedback_file)
    url = serve(demo)
    yield url
    demo.close()


@pytest.fixture(scope="session")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


class GatedBot:
    """The real engine behind a gate: every answer waits until the test opens it, so a queue fills predictably."""

    def __init__(self, bot: Assistant):
        self._bot = bot
        self.gate = threading.Event()
        self.started = threading.Event()

    def __getattr__(self, name):
        return getattr(self._bot, name)

    def ask(self, question, history=None):
        self.started.set()
        self.gate.wait(timeout=30)
        return self._bot.ask(question, history=history)


@pytest.fixture
def gated_app(bot, tmp_path):
    """An app answering one question at a time with room for one more in its queue, its engine held at a gate."""
    gated = GatedBot(bot)
    demo = webapp.build_demo(gated, tmp_path / "feedback.jsonl", concurrency=1, max_queue=1)
    url = serve(demo)
    yield url, gated
    gated.gate.set()
    demo.close()


# ---- the browser (pytest-playwright's fixtures, pointed at Debian's Chromium) ---------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        message = "Chromium not found at /usr/lib/chromium/chromium or /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(message)  # in CI a skipped browser test would prove nothing
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--disable-gpu", "--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def watched_page(page, app_url):
    """The app's page, failing the test if any script runs a dialog (alert) or throws."""
    yield from watch(page, app_url)


def watch(page, url):
    """Open the app at url; after the test, fail if a script opened a dialog or threw."""
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(15_000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    yield page
    assert not dialogs, f"a script opened a dialog: {dialogs}"
    assert not errors, f"page errors: {errors}"


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where the browser tests save their screenshots: test-artifacts/, or docs/ when asked to refresh those."""
    folder = DOCS if os.environ.get(UPDATE_DOCS_ENV, "") in ("1", "true", "yes") else ARTIFACTS
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def staff_app_url(bot, tmp_path_factory):
    """The app with staff actions on (STAFF_TOKEN), its votes in a file of its own."""
    demo = webapp.build_demo(bot, tmp_path_factory.mktemp("feedback-staff") / "feedback.db", staff_token=STAFF_TOKEN)
    url = serve(demo)
    yield url
    demo.close()


@pytest.fixture(scope="session")
def multi_app_url(multi_bot, tmp_path_factory):
    """The app over the seed and the 2022 national report."""
    demo = webapp.build_demo(multi_bot, tmp_path_factory.mktemp("feedback-multi") / "feedback.db")
    url = serve(demo)
    yield url
    demo.close()


@pytest.fixture
def growing_app(built_index, tmp_path):
    """The app over the seed alone, its seeds/ folder returned too: a test drops a report in and reloads. Reloading
    builds for real, taking the vectors it can from the indexes built before (so the test does not wait on the
    model)."""
    from assistant.service import Library

    _, multi_index = built_index("seed", "gov2022")
    seeds, where = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    (seeds / REPORTS["seed"].name).write_bytes(REPORTS["seed"].read_bytes())
    indexmod.build(seeds, where, get_embedder(), reuse_from=(ROOT / "index",))

    def load(build: bool) -> Assistant:
        if build:
            indexmod.build(seeds, where, get_embedder(), reuse_from=(ROOT / "index", multi_index))
        return Assistant.load(seeds, where, build=False)

    demo = webapp.build_demo(Library(load(False), loader=load), tmp_path / "feedback.db", staff_token=STAFF_TOKEN)
    url = serve(demo)
    yield url, seeds
    demo.close()
