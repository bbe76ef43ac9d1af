"""A programme file that is broken and then restored to the very same bytes is reported fixed:
`status` and the saved state file drop the old problems without a restart. (It used to keep
them: "unchanged" was answered before the problems were cleared.)"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from conftest import REPO

from deskbreak.core.clock import FakeClock
from deskbreak.core.engine import Engine
from deskbreak.library import load_programme
from deskbreak.paths import user_paths
from deskbreak.store import MemoryStore

GENERAL = REPO / "config" / "programmes" / "desk-worker-general.yaml"


class _QuietPresenter:
    """Takes every message the app would show and shows nothing."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def test_restoring_the_same_bytes_clears_the_reported_problems(tmp_path: Path) -> None:
    # The service's in-process parts; the watcher is driven by hand, as its tick would.
    from deskbreak.service.app import App, RunOptions, Sensors
    from deskbreak.service.programme_watch import ProgrammeWatcher

    programme_path = tmp_path / "programme.yaml"
    good = GENERAL.read_bytes()
    programme_path.write_bytes(good)
    paths = user_paths()
    paths.service_state.parent.mkdir(parents=True, exist_ok=True)
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    app = App(options=RunOptions(programme_path=programme_path), clock=clock,
              engine=Engine(load_programme(programme_path)), open_store=MemoryStore,
              presenter=_QuietPresenter(),  # type: ignore[arg-type]
              sensors=Sensors(), watcher=ProgrammeWatcher(programme_path, load_programme),
              state_path=paths.service_state)
    app.open_log()

    programme_path.write_bytes(good.replace(b"every:", b"evry:", 1))
    os.utime(programme_path, ns=(1, 1))  # a different stat, as an editor's save gives
    assert app.watcher.changed()
    loaded, _ = app.reload(clock.now(), forced=False)
    assert not loaded and app.watcher.problems
    state = json.loads(paths.service_state.read_text())
    assert state["programme_problems"]

    programme_path.write_bytes(good)
    os.utime(programme_path, ns=(2, 2))
    assert app.watcher.changed()
    loaded, message = app.reload(clock.now(), forced=False)
    assert loaded and message.startswith("fixed: ")
    assert app.watcher.problems == []
    assert json.loads(paths.service_state.read_text())["programme_problems"] == []
