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
    # The service in process (no display, no scheduler); each tick notices the edit, as the
    # running service's tick would.
    from deskbreak.core.commands import Command, Verb
    from deskbreak.presenters import ConsolePresenter
    from deskbreak.service import RunOptions, Sensors, Service
    from deskbreak.service.engine_thread import EngineThread

    programme_path = tmp_path / "programme.yaml"
    good = GENERAL.read_bytes()
    programme_path.write_bytes(good)
    paths = user_paths()
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    store = MemoryStore()
    service = Service(options=RunOptions(programme_path=programme_path), paths=paths,
                      clock=clock, programme=load_programme(programme_path),
                      engine_thread=EngineThread(), open_store=lambda: store,
                      presenter=ConsolePresenter(open(os.devnull, "w")), sensors=Sensors(),
                      load_programme=load_programme, schedule_ticks=False)
    service.start_background()
    try:
        def problems() -> list[str]:
            data = service.run(Command(Verb.STATUS)).data
            return list(data["programme_problems"])

        programme_path.write_bytes(good.replace(b"every:", b"evry:", 1))
        os.utime(programme_path, ns=(1, 1))  # a different stat, as an editor's save gives
        service.tick_now()
        assert problems()
        state = json.loads(paths.service_state.read_text())
        assert state["programme_problems"]

        programme_path.write_bytes(good)
        os.utime(programme_path, ns=(2, 2))
        service.tick_now()
        assert problems() == []
        assert json.loads(paths.service_state.read_text())["programme_problems"] == []
    finally:
        service.shutdown()
