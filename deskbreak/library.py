"""Loading programmes and the built-in exercise library from disk (the I/O around the core)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from deskbreak.core.programme import Exercise, Programme
from deskbreak.core.programme_file import (
    MAX_FILE_BYTES,
    Problem,
    ProgrammeInvalid,
    parse_library_exercise,
    parse_programme,
)
from deskbreak.errors import DeskbreakError
from deskbreak.paths import shipped_dir


def library_dir() -> Path:
    """The folder of built-in exercises, one YAML file each, named by id."""
    return shipped_dir() / "exercises"


def programmes_dir() -> Path:
    """The shipped example programmes."""
    return shipped_dir() / "programmes"


@lru_cache(maxsize=4)
def load_library(folder: Path | None = None) -> Mapping[str, Exercise]:
    """Every built-in exercise by id. Raises ProgrammeInvalid for a broken library file."""
    folder = folder or library_dir()
    exercises: dict[str, Exercise] = {}
    for path in sorted(folder.glob("*.yaml")):
        exercise_id = path.stem
        exercises[exercise_id] = parse_library_exercise(
            path.read_text(encoding="utf-8"), str(path), exercise_id
        )
    return MappingProxyType(exercises)


def read_programme_text(path: Path) -> str:
    """The text of a programme file, refusing huge files before reading them whole."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProgrammeInvalid(str(path), [Problem(1, 1, "", f"file is {size} bytes; the "
                                                       f"limit is {MAX_FILE_BYTES} bytes")])
        with open(path, encoding="utf-8") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except UnicodeDecodeError as error:
        raise ProgrammeInvalid(str(path), [Problem(1, 1, "", f"not UTF-8 text ({error.reason})")]
                               ) from None
    except FileNotFoundError:
        raise DeskbreakError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DeskbreakError(f"{path}: is a folder, not a programme file") from None
    except PermissionError:
        raise DeskbreakError(f"{path}: permission denied") from None


def load_programme(path: Path) -> Programme:
    """Read and validate a programme file. Raises ProgrammeInvalid or DeskbreakError."""
    text = read_programme_text(path)
    return parse_programme(text, str(path), load_library(),
                           resolve_image=lambda written: resolve_image(path, written))


#: The first bytes of the picture formats a programme may name.
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


def resolve_image(programme: Path, written: str) -> str:
    """The absolute path of a programme's `image:` (relative to the programme file), checked to
    be a readable PNG or GIF; ValueError says what is wrong."""
    image = (programme.parent / written).resolve()
    try:
        with open(image, "rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise ValueError(f"no picture file {written!r} next to the programme") from None
    except IsADirectoryError:
        raise ValueError(f"{written!r} is a folder, not a picture file") from None
    except OSError as error:
        raise ValueError(f"cannot read the picture {written!r}: {error.strerror}") from None
    if not head.startswith(_IMAGE_MAGIC):
        raise ValueError(f"{written!r} is not a PNG or GIF picture")
    return str(image)


def default_programme_path() -> Path:
    """The programme `deskbreak run` uses: the installed one, else the shipped default."""
    from deskbreak.paths import user_paths

    installed = user_paths().installed_programme
    if installed.exists():
        return installed
    return shipped_default_programme()


def shipped_default_programme() -> Path:
    """General neck care for desk work, with no patient or dates: the fallback programme."""
    return shipped_dir() / "default.yaml"


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it is below it (shorter error lines)."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)
