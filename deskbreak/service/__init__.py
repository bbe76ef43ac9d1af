"""The running service, as parts with one job each (docs/architecture.md draws them):

- `lifecycle`: the Service: start and stop in order, and every surface's way in;
- `engine_thread`: the thread that owns the engine and the store; post/call/deliver, and the
  latest-only hand-off to the tray;
- `app`: one tick, recording every event, acting on it;
- `dispatch`: commands become replies, window lines become answers (the one place for both);
- `programme_watch`: the programme file (reload, last good) and the state kept over restarts;
- `ports`: the collaborators' typed interfaces;
- `runtime`: private JSON files, the service log, signals, the report in a browser.

The pure helpers the surfaces share (`status_line`, `pause_until`) live in deskbreak.core.status.
"""

from deskbreak.core.status import pause_until, status_line
from deskbreak.service.app import RunOptions, Sensors
from deskbreak.service.lifecycle import Service

__all__ = ["RunOptions", "Sensors", "Service", "pause_until", "status_line"]
