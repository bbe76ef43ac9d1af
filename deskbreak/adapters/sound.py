"""A soft sound cue, for people who want one: when a break comes, and when a hold ends (so a
person doing neck turns need not watch the countdown). Off unless the programme or the user
turns it on.

The sound comes from the desktop's sound theme (the freedesktop sound naming spec: the named
sound in $XDG_DATA_HOME and $XDG_DATA_DIRS under sounds/<theme>/stereo/, the freedesktop theme
last), played with whatever player the sound server offers: `paplay` (PulseAudio, and PipeWire
through pipewire-pulse), `pw-play` (PipeWire). Windows plays a system alias, macOS `afplay` a
system sound. Nothing is bundled.

`SoundCue.play(cue)` starts the player and returns at once; it never raises. Threading: any
thread; each call starts one short-lived child process, reaped on the next call.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

Cue = Literal["break", "hold-end"]
#: Which named theme sound each cue uses, first found wins: soft and short.
THEME_SOUNDS: dict[str, tuple[str, ...]] = {
    "break": ("message-new-instant", "message", "bell"),
    "hold-end": ("complete", "bell"),
}
SOUND_EXTENSIONS = (".oga", ".ogg", ".wav")
MACOS_SOUNDS = {"break": "/System/Library/Sounds/Glass.aiff",
                "hold-end": "/System/Library/Sounds/Tink.aiff"}
#: Linux players, best first, with how they are told which file to play.
PLAYERS = (("paplay", ()), ("pw-play", ()))


def theme_sound(names: Sequence[str], environ: Mapping[str, str],
                theme: str | None = None) -> Path | None:
    """The first of `names` found in the sound theme `theme`, then in the freedesktop theme."""
    home = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME", "~")).expanduser()
                                               / ".local" / "share")
    dirs = [home, *(environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")]
    themes = [t for t in (theme, "freedesktop") if t]
    for name in names:
        for theme_name in themes:
            for base in dirs:
                for extension in SOUND_EXTENSIONS:
                    path = Path(base) / "sounds" / theme_name / "stereo" / f"{name}{extension}"
                    if path.is_file():
                        return path
    return None


def player_command(cue: str, platform: str = sys.platform,
                   environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The command that plays `cue` here, or None when nothing can (no player, no sound)."""
    env = os.environ if environ is None else environ
    if platform == "darwin":
        return ["afplay", MACOS_SOUNDS[cue]] if shutil.which("afplay") else None
    sound = theme_sound(THEME_SOUNDS[cue], env, env.get("DESKBREAK_SOUND_THEME"))
    if sound is None:
        return None
    for player, extra in PLAYERS:
        path = shutil.which(player)
        if path:
            return [path, *extra, str(sound)]
    return None


class SoundCue:
    """Plays cues when enabled; a disabled cue costs nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._child: subprocess.Popen[bytes] | None = None

    def play(self, cue: Cue) -> bool:
        """Start playing `cue`; True if a player was started."""
        if not self.enabled:
            return False
        if self._child is not None:
            self._child.poll()  # reap the previous cue
        if sys.platform.startswith("win"):
            return _play_windows(cue)
        command = player_command(cue)
        if command is None:
            log.info("no sound cue: no player or theme sound found")
            return False
        try:
            self._child = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as error:
            log.info("sound cue failed: %s", error)
            return False
        return True

    def wait(self, timeout: float = 10.0) -> None:
        """Wait until the cue being played has ended (for tests and for a clean quit)."""
        if self._child is not None:
            try:
                self._child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()

    def describe(self) -> str:
        """One line for `deskbreak doctor`."""
        state = "on" if self.enabled else "off (settings: sound: true in the programme)"
        if sys.platform.startswith("win"):
            return f"{state}; Windows system sounds"
        command = player_command("break")
        where = (f"plays {Path(command[-1]).name} with {Path(command[0]).name}" if command
                 else "no player (paplay or pw-play) or theme sound found")
        return f"{state}; {where}"


def _play_windows(cue: str) -> bool:  # pragma: no cover - Windows only
    try:
        import winsound

        alias = "SystemAsterisk" if cue == "break" else "SystemDefault"
        winsound.PlaySound(alias, winsound.SND_ALIAS | winsound.SND_ASYNC)  # type: ignore[attr-defined]
    except Exception as error:
        log.info("sound cue failed: %s", error)
        return False
    return True


__all__ = ["Cue", "SoundCue", "player_command", "theme_sound"]
