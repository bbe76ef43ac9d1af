"""Shared fixtures. Every test runs with DESKBREAK_HOME in a fresh temporary folder, so no test
ever reads or writes the real user's files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def deskbreak_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("deskbreak-home")
    monkeypatch.setenv("DESKBREAK_HOME", str(home))
    monkeypatch.setenv("TZ", os.environ.get("DESKBREAK_TEST_TZ", "Europe/London"))
    yield home


def run_cli(*args: str, input_text: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m deskbreak ARGS` in a subprocess, as a user would, and capture its output."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "deskbreak", *args],
        input=input_text, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=REPO,
    )


@pytest.fixture
def cli() -> object:
    return run_cli
