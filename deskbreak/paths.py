"""Where deskbreak keeps its files. Every path comes from here.

`DESKBREAK_HOME` redirects everything (tests, portable installs): data, state, config and the
runtime directory all live below it. Otherwise the per-OS user directories from platformdirs.
Directories are created on demand with mode 0700: health data is readable by the user only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "deskbreak"
HOME_ENV = "DESKBREAK_HOME"


@dataclass(frozen=True)
class Paths:
    """The directories deskbreak uses. Create them with `ensure`."""

    data: Path  # the compliance log
    state: Path  # the service's own log file, pause state
    config: Path  # the installed programme
    runtime: Path  # control socket, instance lock

    @property
    def database(self) -> Path:
        return self.data / "compliance.sqlite3"

    @property
    def installed_programme(self) -> Path:
        return self.config / "programme.yaml"

    @property
    def service_log(self) -> Path:
        return self.state / "deskbreak.log"

    @property
    def service_state(self) -> Path:
        return self.state / "service-state.json"

    @property
    def control_socket(self) -> Path:
        return self.runtime / "control.sock"

    @property
    def instance_lock(self) -> Path:
        return self.runtime / "instance.lock"


def user_paths() -> Paths:
    """The paths for this user, honouring DESKBREAK_HOME."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(root / "data", root / "state", root / "config", root / "run")
    import warnings

    import platformdirs

    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR platformdirs falls back to /tmp/runtime-UID and warns; the
        # folder is created 0700 by ensure_private_dir either way.
        warnings.simplefilter("ignore")
        runtime = platformdirs.user_runtime_dir(APP_NAME)
    return Paths(
        Path(platformdirs.user_data_dir(APP_NAME)),
        Path(platformdirs.user_state_dir(APP_NAME)),
        Path(platformdirs.user_config_dir(APP_NAME)),
        Path(runtime),
    )


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it readable by the user only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def shipped_dir() -> Path:
    """The shipped config folder (exercise library, example programmes, demo trace)."""
    import deskbreak.shipped as shipped  # the top-level config/ folder, installed as a package

    return Path(shipped.__file__).parent
