"""End-to-end fixtures: one real headless desktop (tests/desktop.py) for the whole test session.

A test that takes the `desktop` fixture is marked `desktop` automatically and runs with the
desktop's DISPLAY, D-Bus addresses and XDG dirs set in os.environ (restored afterwards), so code
under test that reads the environment finds the private desktop, never the real one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# tests/desktop.py is a plain module next to the tests, not part of the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from desktop import DesktopError, DesktopSession

from .fixture_parts import started


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "desktop" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.desktop)


@pytest.fixture(scope="session")
def desktop() -> Iterator[DesktopSession]:
    """A started desktop shared by every e2e test; a missing package fails (never skips)."""
    with started(DesktopSession(), DesktopError) as session:
        yield session


@pytest.fixture(autouse=True)
def _desktop_environment(request: pytest.FixtureRequest,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Point os.environ at the desktop for tests that use it."""
    if "desktop" not in request.fixturenames:
        return
    session: DesktopSession = request.getfixturevalue("desktop")
    for key, value in session.env.items():
        monkeypatch.setenv(key, value)


# The running-service fixtures, for every e2e test module.
from .service_harness import service, typist  # noqa: E402, F401
