"""A programme file that is broken and then restored to the very same bytes is reported fixed:
`status` and the saved state file drop the old problems without a restart. (It used to keep
them: "unchanged" was answered before the problems were cleared.)"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from conftest import REPO

from deskbreak.core.clock import FakeClock
from deskbreak.library import load_programme
from deskbreak.paths import user_paths
from deskbreak.store import MemoryStore

GENERAL = REPO / "config" / "programmes" / "desk-worker-general.yaml"


def test_restoring_the_same_bytes_clears_the_reported_problems(tmp_path: Path) -> None:
    # The service's in-process parts; the watcher is driven by hand, as its tick would.
    from deskbreak.service import RunOptions, Service  # type: ignore[attr-defined]

    programme_path = tmp_path / "programme.yaml"
    good = GENERAL.read_bytes()
    programme_path.write_bytes(good)
    paths = user_paths()
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    service = Service(RunOptions(programme_path=programme_path), paths, clock,
                      load_programme(programme_path), open_store=MemoryStore)
    service.store = MemoryStore()

    programme_path.write_bytes(good.replace(b"every:", b"evry:", 1))
    os.utime(programme_path, ns=(1, 1))  # a different stat, as an editor's save gives
    service._reload_if_changed(clock.now())
    assert service.status()["programme_problems"]
    state = json.loads(paths.service_state.read_text())
    assert state["programme_problems"]

    programme_path.write_bytes(good)
    os.utime(programme_path, ns=(2, 2))
    service._reload_if_changed(clock.now())
    assert service.status()["programme_problems"] == []
    assert json.loads(paths.service_state.read_text())["programme_problems"] == []
