"""The README's commands work in a fresh clone, and the README stays short.

The committed HEAD is cloned into a temporary folder (outside this checkout, so with no ../shared beside it) and every
command of the README's code blocks runs there, this test's interpreter standing in for `.venv/bin/python` (the
clone's own code is imported: PYTHONPATH points at it, and that is checked). A failing command fails the test.
Not run, and why (SKIPPED below): the lines that install packages (the suite already runs in the installed venv),
`bash .ci/run` (it is the whole suite, this test included) and the lines that start `app.py` (the app is served by
test_app.py and test_browser.py); `app.py --help` is run instead, and the README's API lines are run against an
app this test starts from the clone on a free port. After the commands the clone's `git status` must be clean.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, free_port

pytestmark = pytest.mark.slow

README_LIMIT = 12 * 1024  # bytes, as `wc -c` counts them
VENV_PYTHON = ".venv/bin/python"
APP_URL = "http://127.0.0.1:7860"  # where the README's API lines expect the app
# A README shell command matching one of these is not run here, for the reason given (the first match counts).
SKIPPED = {
    r"pip install|-m venv": "installs packages: this suite already runs in the installed venv",
    r"^bash \.ci/run\b": "is the whole test suite, which this test is part of",
    r"\bapp\.py\b": "starts the web app, which test_app.py and test_browser.py serve ('app.py --help' is run instead)",
}
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
SHELL, PYTHON = {"bash", "sh", "shell", "console", ""}, {"python", "py"}
TIMEOUT = 120


def readme_commands(text: str) -> list[tuple[str, str]]:
    """(language, command) for every command of the README's code blocks: a shell block gives one per line (comments
    and blank lines left out, lines continued with a backslash joined), a Python block is one script."""
    commands = []
    for language, body in BLOCK.findall(text):
        if language in PYTHON:
            commands.append(("python", body))
        elif language in SHELL:
            for line in body.replace("\\\n", " ").splitlines():
                if line.strip() and not line.strip().startswith("#"):
                    commands.append(("bash", line.strip()))
        else:
            commands.append((language, body))  # not a command (nginx, text): reported as not run
    return commands


def skip_reason(language: str, command: str) -> str | None:
    """Why a command is not run here (None: it is run). A Python block is always run."""
    if language not in ("bash", "python"):
        return f"a {language} block is not a command"
    if language == "python":
        return None
    return next((reason for pattern, reason in SKIPPED.items() if re.search(pattern, command)), None)


def test_readme_is_at_most_12_kb():
    size = len((ROOT / "README.md").read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes; move details to docs/ (limit {README_LIMIT})"


def test_readme_links_point_at_files_of_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in t]
    assert len(targets) >= 10  # the screenshot and the docs pages
    missing = [t for t in targets if t and not (ROOT / t).exists()]
    assert missing == []


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """The committed HEAD of this checkout, cloned into a temporary folder."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    where = tmp_path_factory.mktemp("readme") / "clone"
    git = ["git", "-c", "advice.detachedHead=false"]
    subprocess.run([*git, "clone", "--quiet", "--no-checkout", str(ROOT), str(where)], check=True, timeout=TIMEOUT)
    # HEAD of this checkout (a worktree's, or a detached one), whatever the clone's default branch is
    subprocess.run([*git, "-C", str(where), "fetch", "--quiet", str(ROOT), "HEAD"], check=True, timeout=TIMEOUT)
    subprocess.run([*git, "-C", str(where), "checkout", "--quiet", "--detach", "FETCH_HEAD"], check=True,
                   timeout=TIMEOUT)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    cloned = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True)
    assert cloned.stdout == head.stdout
    return where


def clone_env(clone: Path) -> dict[str, str]:
    """This environment, with the clone's code first and none of the assistant's folder or store settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return {**env, "PYTHONPATH": str(clone), "PYTHONIOENCODING": "utf-8"}


def run(command: list[str] | str, clone: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=clone, env=clone_env(clone), input=stdin, capture_output=True, text=True,
                          timeout=TIMEOUT, shell=isinstance(command, str), executable="/bin/bash" if
                          isinstance(command, str) else None, check=False)


@pytest.fixture(scope="module")
def app_url(clone, tmp_path_factory):
    """The clone's app.py on a free port (feedback outside the clone), started on first use; stopped after."""
    started: list[subprocess.Popen] = []

    def start() -> str:
        port = free_port()
        feedback = tmp_path_factory.mktemp("readme-feedback") / "feedback.db"
        process = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--feedback", str(feedback)],
                                   cwd=clone, env=clone_env(clone), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            assert process.poll() is None, "app.py exited before it served"
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as reply:
                    if reply.status == 200:
                        return url
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"app.py did not answer on {url} within {TIMEOUT} s")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def test_every_readme_command_works_in_a_fresh_clone(clone, app_url):
    found = run([sys.executable, "-c", "import assistant; print(assistant.__file__)"], clone)
    assert found.stdout.strip() == str(clone / "assistant" / "__init__.py"), found.stdout + found.stderr

    commands = readme_commands((clone / "README.md").read_text(encoding="utf-8"))
    ran, skipped, failed = [], [], []
    url = None
    for language, command in commands:
        reason = skip_reason(language, command)
        if reason:
            skipped.append(f"{command.splitlines()[0]}  -- {reason}")
            continue
        if language == "python":
            if APP_URL in command:
                url = url or app_url()
                command = command.replace(APP_URL, url)
            out = run([sys.executable, "-"], clone, stdin=command)
        else:
            out = run(command.replace(VENV_PYTHON, shlex.quote(sys.executable)), clone)
        ran.append(command)
        if out.returncode != 0:
            failed.append(f"{command}\n  exit {out.returncode}\n  stdout: {out.stdout[-1500:]}\n"
                          f"  stderr: {out.stderr[-1500:]}")
    print("README commands not run here:", *skipped, sep="\n  ")
    assert failed == [], "\n\n".join(failed)
    assert len(ran) >= 5, ran  # the five lines to try
    assert all(reason in SKIPPED.values() for reason in (s.split("  -- ")[1] for s in skipped)), skipped

    help_out = run([sys.executable, "app.py", "--help"], clone)
    assert help_out.returncode == 0 and "--port" in help_out.stdout, help_out.stderr

    status = run(["git", "status", "--porcelain"], clone)
    assert status.stdout == "", f"the README's commands left the clone changed:\n{status.stdout}"
