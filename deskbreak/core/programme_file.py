"""Reading a programme file: safe YAML, every problem reported at once with its line and column.

`parse_programme(text, filename, library)` returns a `Programme` or raises `ProgrammeInvalid`
listing every problem as `FILE:LINE:COL: path: message`. No I/O: the caller reads the files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, time
from types import MappingProxyType
from typing import Any

import yaml

from deskbreak.core.programme import (
    DAY_NAMES,
    DEFAULT_SECONDS_PER_REP,
    Break,
    BreakChange,
    BreakKind,
    Checkins,
    Exercise,
    Phase,
    Programme,
    Settings,
    Snooze,
    WorkingHours,
)
from deskbreak.core.schema import (
    LIBRARY_EXERCISE,
    MICRO_DURATION_RANGE,
    MOVEMENT_DURATION_RANGE,
    PROGRAMME,
    Spec,
)
from deskbreak.core.units import format_duration, parse_clock_time, parse_duration
from deskbreak.errors import DeskbreakError

#: Programme files are a page or two; anything bigger is a mistake or an attack.
MAX_FILE_BYTES = 256 * 1024
#: Deeper nesting than any programme needs is refused before it is composed.
MAX_NESTING = 24
#: Most items in one list, or keys in one mapping (a break's exercises, the programme's own
#: exercises, phases, steps). Real programmes use tens; the bound is checked while parsing,
#: before anything is built, so a file of one name listed 128,000 times costs milliseconds.
MAX_ITEMS = 200
LIBRARY_PREFIX = "library/"

try:  # libyaml is several times faster and keeps the marks we need
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, at a 1-based line and column."""

    line: int
    column: int
    path: str
    message: str

    def format(self, filename: str) -> str:
        """One line, `FILE:LINE:COL: path: message`, safe to print to a terminal: control and
        line-break characters from the file (a key with a newline or an escape sequence) are
        shown escaped, never sent raw."""
        return printable(f"{filename}:{self.line}:{self.column}: {self.path or '(file)'}: "
                         f"{self.message}")


#: Characters never printed raw: C0/C1 controls (ESC starts terminal escape sequences) and every
#: character YAML or a terminal may take as a line break.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with control, line-break and direction-override characters escaped (\\n, \\x1b,
    \\u2028), so a message is always one honest line."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


#: Characters YAML counts as line breaks but editors (and `splitlines` on "\n") mostly do not:
#: accepting them would make every later line number point past where the reader looks.
_ODD_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character `index`, counting lines the way editors do."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


class ProgrammeInvalid(DeskbreakError):
    """A programme (or library) file has problems; `lines()` gives one line per problem."""

    def __init__(self, filename: str, problems: Iterable[Problem]) -> None:
        self.filename = filename
        self.problems = sorted(set(problems))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [p.format(self.filename) for p in self.problems]


class _Collector:
    """Problems (errors) and warnings found so far, plus where each validated path sits."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.marks: dict[str, tuple[int, int]] = {}

    def warn_at(self, path: str, message: str) -> None:
        """A warning: worth the physio's attention, but the programme still works."""
        before = len(self.problems)
        self.add_at(path, message)
        self.warnings.append(self.problems.pop(before))

    def add(self, node_or_mark: Any, path: str, message: str) -> None:
        line, column = _position(node_or_mark)
        self.problems.append(Problem(line, column, path, message))

    def add_at(self, path: str, message: str, fallback: str = "") -> None:
        """Report at the position recorded for `path` (or its nearest recorded parent)."""
        probe = path
        while probe and probe not in self.marks:
            probe = _parent(probe)
        line, column = self.marks.get(probe, self.marks.get(fallback, (1, 1)))
        self.problems.append(Problem(line, column, path, message))


def _position(node_or_mark: Any) -> tuple[int, int]:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rpartition(".")[0]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def content_hash(text: str) -> str:
    """A short, stable identifier of a file's exact text (recorded with every prompt)."""
    # hashlib loads OpenSSL, 3.6 MB resident in the all-day service, for one hash of a small
    # file; CPython's built-in SHA-256 gives the same digest.
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # CPython 3.12+
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found]  # 3.10, 3.11
        except ImportError:  # another Python: the standard way
            from hashlib import sha256
    return str(sha256(text.encode("utf-8")).hexdigest()[:16])


# -- safe YAML ----------------------------------------------------------------------------------


def compose_safely(text: str, filename: str) -> yaml.Node | None:
    """Compose `text` into a node tree, refusing anything a plain programme never needs.

    Refused: files over MAX_FILE_BYTES, explicit tags (`!!python/object` and friends), anchors
    and aliases (billion-laughs), nesting deeper than MAX_NESTING. Raises ProgrammeInvalid.
    """
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise ProgrammeInvalid(filename, [Problem(1, 1, "", f"file is {size} bytes; the limit "
                                                  f"is {MAX_FILE_BYTES} bytes")])
    problems: list[Problem] = []
    # Windows and old Mac line ends, as YAML and editors count them: one line each.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    odd = _ODD_LINE_BREAKS.search(text)
    if odd is not None:
        line, column = _line_column(text, odd.start())
        raise ProgrammeInvalid(filename, [Problem(line, column, "", f"the character "
                                                  f"U+{ord(odd.group()):04X} (a line separator) "
                                                  "is not allowed; delete it or use a plain "
                                                  "line break")])
    depth = 0
    # Items seen so far in each open collection (a mapping counts keys and values).
    counts: list[int] = []
    in_list: list[bool] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if counts and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent,
                                             yaml.CollectionStartEvent)):
                counts[-1] += 1
                if counts[-1] > 2 * MAX_ITEMS or (counts[-1] > MAX_ITEMS and in_list[-1]):
                    line, column = _position(event)
                    raise ProgrammeInvalid(filename, [Problem(line, column, "", f"more than "
                                                      f"{MAX_ITEMS} items in one list or "
                                                      "mapping; no programme needs that many")])
            line, column = _position(event)
            if isinstance(event, yaml.AliasEvent):
                problems.append(Problem(line, column, "", "aliases (*name) are not allowed; "
                                        "write the value out in full"))
                continue
            if getattr(event, "anchor", None):
                problems.append(Problem(line, column, "", "anchors (&name) are not allowed; "
                                        "write each value out in full"))
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                tag = event.tag
                implicit = getattr(event, "implicit", (True, True))
                explicit_scalar_tag = isinstance(event, yaml.ScalarEvent) and tag not in (
                    None, "!") and not implicit[0] and not implicit[1]
                explicit_collection_tag = isinstance(event, yaml.CollectionStartEvent) and (
                    tag is not None and not event.implicit)
                if explicit_scalar_tag or explicit_collection_tag:
                    problems.append(Problem(line, column, "", f"YAML tag {tag!r} is not "
                                            "allowed; write plain values"))
            if isinstance(event, yaml.CollectionStartEvent):
                counts.append(0)
                in_list.append(isinstance(event, yaml.SequenceStartEvent))
                depth += 1
                if depth > MAX_NESTING:
                    problems.append(Problem(line, column, "", f"nested deeper than "
                                            f"{MAX_NESTING} levels"))
                    raise ProgrammeInvalid(filename, problems)
            elif isinstance(event, yaml.CollectionEndEvent):
                counts.pop()
                in_list.pop()
                depth -= 1
        if problems:
            raise ProgrammeInvalid(filename, problems)
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        line, column = _position(error.problem_mark or error.context_mark)
        last_line = text.count("\n") + 1
        if line > last_line:
            # libyaml places "end of stream" on a line after a last line with no newline.
            line, column = last_line, len(text) - (text.rfind("\n") + 1) + 1
        message = " ".join(" ".join(p.split()) for p in (error.context, error.problem) if p)
        raise ProgrammeInvalid(filename, [Problem(line, column, "", f"not valid YAML: "
                                                  f"{message}")]) from None
    except yaml.reader.ReaderError as error:
        # libyaml gives the byte offset in the UTF-8 text, and a second line "in <unicode
        # string>, position N"; say it once, at the line and column an editor shows.
        before = text.encode("utf-8")[: error.position].decode("utf-8", "ignore")
        line, column = _line_column(before, len(before))
        what = (f"the character U+{error.character:04X} is not allowed"
                if isinstance(error.character, int) else f"{error.reason}")
        raise ProgrammeInvalid(filename, [Problem(line, column, "", f"not valid YAML: "
                                                  f"{what} ({error.reason})")]) from None
    except yaml.YAMLError as error:
        message = " ".join(str(error).split())
        raise ProgrammeInvalid(filename, [Problem(1, 1, "", f"not valid YAML: {message}")]) \
            from None
    if len(documents) > 1:
        second = documents[1]
        raise ProgrammeInvalid(filename, [Problem(*_position(second), "", "a programme file "
                                                  "holds one document; remove the second '---'")])
    return documents[0] if documents else None


# -- validation against the declared shape -------------------------------------------------------


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing (empty)"
    return repr(node.value)


def _check(node: yaml.Node, spec: Spec, path: str, out: _Collector) -> Any:
    """Validate `node` against `spec`; return the plain value, or None after recording problems."""
    out.marks[path] = _position(node)
    kind = spec.kind
    if kind == "map":
        return _check_map(node, spec, path, out)
    if kind == "dict":
        return _check_dict(node, spec, path, out)
    if kind == "list":
        return _check_list(node, spec, path, out)
    if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG:
        out.add(node, path, f"expected {_expected(spec)}, found {_describe(node)}")
        return None
    raw = node.value
    try:
        if kind == "text":
            if not raw.strip():
                raise ValueError("must not be empty")
            return raw.strip()
        if kind == "int":
            if node.tag != _INT_TAG:
                raise ValueError(f"expected a whole number, found {raw!r}")
            value: Any = int(raw)
        elif kind == "duration":
            if node.tag == _INT_TAG or re.fullmatch(r"\s*\d+(\.\d+)?\s*", raw):
                raise ValueError(f"{raw!r} has no unit; write {raw}s or {raw}m")
            value = parse_duration(raw)
        elif kind == "clock":
            return parse_clock_time(raw)
        elif kind == "date":
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise ValueError(f"{raw!r} is not a date; write it like 2026-11-23") from None
        elif kind == "bool":
            if node.tag != _BOOL_TAG:
                raise ValueError(f"expected true or false, found {raw!r}")
            return raw.lower() in ("true", "yes", "on", "y")
        elif kind == "enum":
            if raw not in spec.choices:
                raise ValueError(f"{raw!r} is not one of {', '.join(spec.choices)}"
                                 + _did_you_mean(raw, spec.choices))
            return raw
        elif kind == "const":
            if raw != str(spec.const):
                raise ValueError(f"this deskbreak understands format {spec.const}, not {raw!r}")
            return spec.const
        else:  # pragma: no cover - a Spec kind without a checker is a programming error
            raise TypeError(kind)
    except ValueError as error:
        out.add(node, path, str(error))
        return None
    shown = format_duration(value) if kind == "duration" else str(value)
    if spec.minimum is not None and value < spec.minimum:
        low = format_duration(spec.minimum) if kind == "duration" else str(int(spec.minimum))
        out.add(node, path, f"{shown} is too small; the least allowed is {low}")
        return None
    if spec.maximum is not None and value > spec.maximum:
        high = format_duration(spec.maximum) if kind == "duration" else str(int(spec.maximum))
        out.add(node, path, f"{shown} is too large; the most allowed is {high}")
        return None
    return value


def _expected(spec: Spec) -> str:
    return {
        "text": "text",
        "int": "a whole number",
        "duration": "a duration such as 30s or 5m",
        "clock": 'a time such as "08:00"',
        "date": "a date such as 2026-11-23",
        "bool": "true or false",
        "enum": "one of " + ", ".join(spec.choices),
        "const": repr(spec.const),
        "list": "a list",
        "map": "a mapping",
        "dict": "a mapping",
    }[spec.kind]


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _mapping_items(node: yaml.Node, spec: Spec, path: str,
                   out: _Collector) -> list[tuple[yaml.ScalarNode, yaml.Node]] | None:
    if not isinstance(node, yaml.MappingNode):
        out.add(node, path, f"expected {_expected(spec)}, found {_describe(node)}")
        return None
    seen: set[str] = set()
    items: list[tuple[yaml.ScalarNode, yaml.Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            out.add(key_node, path, "keys must be plain words")
            continue
        if key_node.value in seen:
            out.add(key_node, _join(path, key_node.value), "appears twice; keep one")
            continue
        seen.add(key_node.value)
        items.append((key_node, value_node))
    return items


def _check_map(node: yaml.Node, spec: Spec, path: str, out: _Collector) -> dict[str, Any] | None:
    items = _mapping_items(node, spec, path, out)
    if items is None:
        return None
    result: dict[str, Any] = {}
    suggested: set[str] = set()
    for key_node, value_node in items:
        key = key_node.value
        child = spec.keys.get(key)
        if child is None:
            close = difflib.get_close_matches(key, list(spec.keys), n=1, cutoff=0.6)
            suggested.update(close)
            out.add(key_node, _join(path, key), f"unknown key {key!r}"
                    + (f" (did you mean {close[0]!r}?)" if close else ""))
            continue
        value = _check(value_node, child, _join(path, key), out)
        if value is not None:
            result[key] = value
    present = {k.value for k, _ in items}
    for name, child in spec.keys.items():
        # A misspelt required key is reported once, as the misspelling with its suggestion.
        if child.required and name not in present and name not in suggested:
            out.add(node, path or name, f"missing required key {name!r}")
    return result


def _check_dict(node: yaml.Node, spec: Spec, path: str, out: _Collector) -> dict[str, Any] | None:
    items = _mapping_items(node, spec, path, out)
    if items is None or spec.item is None:
        return None
    result: dict[str, Any] = {}
    for key_node, value_node in items:
        key = key_node.value
        child_path = _join(path, key)
        if spec.key_pattern and not re.match(spec.key_pattern, key):
            out.add(key_node, child_path, f"{key!r} is not a valid id; use lowercase letters, "
                    "digits and hyphens")
            continue
        out.marks[child_path + ":key"] = _position(key_node)
        value = _check(value_node, spec.item, child_path, out)
        if value is not None:
            result[key] = value
    return result


def _check_list(node: yaml.Node, spec: Spec, path: str, out: _Collector) -> list[Any] | None:
    if not isinstance(node, yaml.SequenceNode):
        out.add(node, path, f"expected {_expected(spec)}, found {_describe(node)}")
        return None
    if len(node.value) < spec.min_items:
        out.add(node, path, f"needs at least {spec.min_items} item"
                + ("" if spec.min_items == 1 else "s"))
        return None
    result: list[Any] = []
    seen: set[Any] = set()
    assert_item = spec.item
    if assert_item is None:  # pragma: no cover - every list spec names its item
        raise TypeError(path)
    for index, item_node in enumerate(node.value):
        item_path = f"{path}[{index}]"
        value = _check(item_node, assert_item, item_path, out)
        if value is None:
            continue
        if spec.unique:
            if value in seen:
                out.add(item_node, item_path, f"{value!r} is listed twice")
                continue
            seen.add(value)
        result.append(value)
    return result


# -- building the model --------------------------------------------------------------------------

_DOSE_FIELDS = {
    "reps": "reps",
    "sets": "sets",
    "hold": "hold_seconds",
    "rest": "rest_seconds",
    "sides": "sides",
    "duration": "duration_seconds",
    "per_rep": "seconds_per_rep",
}


def _exercise_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Dataclass fields from validated exercise keys (text and dose)."""
    out: dict[str, Any] = {}
    for key in ("title", "summary"):
        if key in data:
            out[key] = data[key]
    for key in ("steps", "targets", "cautions"):
        if key in data:
            out[key] = tuple(data[key])
    if "suits" in data:
        out["suits"] = tuple(BreakKind(s) for s in data["suits"])
    out.update(_dose_fields(data))
    return out


def _dose_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, field_name in _DOSE_FIELDS.items():
        if key in data:
            value = data[key]
            out[field_name] = tuple(value) if key == "sides" else value
    return out


def parse_library_exercise(text: str, filename: str, exercise_id: str) -> Exercise:
    """A built-in library exercise from its own file. Raises ProgrammeInvalid."""
    root = compose_safely(text, filename)
    out = _Collector()
    if root is None:
        raise ProgrammeInvalid(filename, [Problem(1, 1, "", "the file is empty")])
    data = _check(root, LIBRARY_EXERCISE, "", out)
    if data is not None and "title" not in data:
        out.add(root, "title", "missing required key 'title'")
    if out.problems or data is None:
        raise ProgrammeInvalid(filename, out.problems)
    return Exercise(id=exercise_id, figure=exercise_id, **_exercise_fields(data))


def parse_programme(text: str, filename: str, library: Mapping[str, Exercise],
                    resolve_image: ImageResolver | None = None) -> Programme:
    """Validate and build a programme. Raises ProgrammeInvalid listing every problem at once.

    `resolve_image` turns an exercise's `image:` (as written) into the path to keep, or raises
    ValueError saying why the file will not do; the caller does the file system part, so this
    stays pure. Without it the path is kept as written.

    Warnings (a dose that takes longer than its break) do not stop the programme; they are
    kept, formatted like problems, in `Programme.warnings`.
    """
    root = compose_safely(text, filename)
    if root is None:
        raise ProgrammeInvalid(filename, [Problem(1, 1, "", "the file is empty")])
    out = _Collector()
    data = _check(root, PROGRAMME, "", out)
    if data is None:
        raise ProgrammeInvalid(filename, out.problems)
    exercises = _build_exercises(data.get("exercises", {}), library, out)
    _attach_images(data.get("exercises", {}), exercises, resolve_image, out)
    declared = set(data.get("exercises", {}))
    breaks = _build_breaks(data.get("breaks", []), exercises, library, out, declared=declared)
    settings = _build_settings(data.get("settings", {}), out)
    phases = _build_phases(data, breaks, exercises, library, out, declared)
    # Every check below runs even when earlier ones failed, on whatever could be built, so that
    # `deskbreak programme check` lists every problem in one go.
    used: dict[str, Exercise] = {}
    for exercise_id in _ids_in_any_phase(breaks, phases):
        exercise = exercises.get(exercise_id) or library.get(exercise_id)
        if exercise is not None:
            used[exercise_id] = exercise
    for phase_index, phase in enumerate(phases):
        for exercise_id in phase.overrides:
            if breaks and exercise_id not in used:
                out.add_at(f"phases[{phase_index}].exercises.{exercise_id}",
                           f"{exercise_id!r} is not used by any break in any phase"
                           + _did_you_mean(exercise_id, used))
    _check_doses_fit(breaks, used, phases, out)
    if data.get("review") and data.get("starts") and data["review"] < data["starts"]:
        out.add_at("review", "the review is before the programme starts")
    if out.problems:
        raise ProgrammeInvalid(filename, out.problems)
    return Programme(
        title=data["title"],
        breaks=tuple(breaks),
        exercises=MappingProxyType(used),
        settings=settings,
        prescribed_by=data.get("prescribed_by", ""),
        patient=data.get("patient", ""),
        starts=data.get("starts"),
        review=data.get("review"),
        notes=data.get("notes", ""),
        phases=tuple(phases),
        content_hash=content_hash(text),
        source=filename,
        warnings=tuple(w.format(filename) for w in sorted(out.warnings)),
    )


#: Picture files a physio may name: what Tk 8.6 and every browser show without extra libraries.
IMAGE_SUFFIXES = (".png", ".gif")
ImageResolver = Callable[[str], str]


def _attach_images(raw: Mapping[str, Any], exercises: dict[str, Exercise],
                   resolve: ImageResolver | None, out: _Collector) -> None:
    """Check each `image:` and keep the path the resolver gives."""
    for exercise_id, entry in raw.items():
        written = entry.get("image") if isinstance(entry, Mapping) else None
        if written is None or exercise_id not in exercises:
            continue
        path = f"exercises.{exercise_id}.image"
        if not str(written).lower().endswith(IMAGE_SUFFIXES):
            out.add_at(path, f"the picture must be a PNG or GIF file, not {written!r}")
            continue
        try:
            kept = resolve(str(written)) if resolve is not None else str(written)
        except ValueError as error:
            out.add_at(path, str(error))
            continue
        exercises[exercise_id] = replace(exercises[exercise_id], image=kept)


def _build_exercises(raw: Mapping[str, Any], library: Mapping[str, Exercise],
                     out: _Collector) -> dict[str, Exercise]:
    exercises: dict[str, Exercise] = {}
    for exercise_id, entry in raw.items():
        path = f"exercises.{exercise_id}"
        fields = _exercise_fields(entry)
        use = entry.get("use")
        if use is not None:
            if not use.startswith(LIBRARY_PREFIX):
                out.add_at(f"{path}.use", f"write use: {LIBRARY_PREFIX}ID, not {use!r}")
                continue
            library_id = use[len(LIBRARY_PREFIX):]
            base = library.get(library_id)
            if base is None:
                out.add_at(f"{path}.use", f"no library exercise {library_id!r}"
                           + _did_you_mean(library_id, library))
                continue
            exercises[exercise_id] = replace(base, id=exercise_id, **fields)
        elif "title" not in entry:
            out.add_at(path, "needs a title, or use: library/ID to start from a built-in one")
        elif "duration" not in entry and "reps" not in entry:
            out.add_at(path, "needs a dose: reps (with hold or per_rep) or a duration")
        else:
            # An exercise of the physio's own fits whichever break they put it in, unless
            # they say otherwise; library exercises state what they suit.
            fields.setdefault("suits", (BreakKind.MICRO, BreakKind.MOVEMENT))
            exercises[exercise_id] = Exercise(id=exercise_id, **fields)
        built = exercises.get(exercise_id)
        if built is not None and not built.cautions:
            # The built-in stop rules still show (core.safety), but the physio should say
            # what is specific to this exercise.
            out.warn_at(path, f"warning: {exercise_id!r} has no cautions of its own; only "
                        "deskbreak's built-in stop rules will show. Add a 'Stop if ...' line")
    return exercises


def _build_breaks(raw: list[dict[str, Any]], exercises: Mapping[str, Exercise],
                  library: Mapping[str, Exercise], out: _Collector,
                  declared: set[str]) -> list[Break]:
    """Breaks from validated entries. `declared` are the programme's own exercise ids, built
    or not: one whose definition was refused is not reported again where a break uses it."""
    breaks: list[Break] = []
    names: set[str] = set()
    for index, entry in enumerate(raw):
        path = f"breaks[{index}]"
        kind = BreakKind(entry["kind"]) if "kind" in entry else None
        if "name" in entry:
            if entry["name"] in names:
                out.add_at(f"{path}.name", f"another break is already called {entry['name']!r}")
            names.add(entry["name"])
        if kind is not None and "duration" in entry:
            low, high = (MICRO_DURATION_RANGE if kind is BreakKind.MICRO
                         else MOVEMENT_DURATION_RANGE)
            if not low <= entry["duration"] <= high:
                out.add_at(f"{path}.duration", f"a {kind.value} break lasts "
                           f"{format_duration(low)} to {format_duration(high)}, not "
                           f"{format_duration(entry['duration'])}")
        if "duration" in entry and "every" in entry and entry["duration"] >= entry["every"]:
            out.add_at(f"{path}.duration", "the break is as long as the sitting before it")
        known = True
        for item_index, exercise_id in enumerate(entry.get("exercises", [])):
            item_path = f"{path}.exercises[{item_index}]"
            exercise = exercises.get(exercise_id) or library.get(exercise_id)
            if exercise is None and exercise_id in declared:
                known = False  # its own definition's problem is already reported
            elif exercise is None:
                known = False
                out.add_at(item_path, f"unknown exercise {exercise_id!r}: define it under "
                           "exercises or use a library id"
                           + _did_you_mean(exercise_id, [*exercises, *library]))
            elif kind is not None and kind not in exercise.suits:
                out.add_at(item_path, f"{exercise_id!r} suits "
                           f"{' or '.join(k.value for k in exercise.suits)} breaks, not "
                           f"{kind.value}")
        per_prompt = entry.get("per_prompt")
        if per_prompt is not None and "exercises" in entry and per_prompt > len(
                entry["exercises"]):
            out.add_at(f"{path}.per_prompt", f"asks for {per_prompt} exercises per prompt but "
                       f"the break lists {len(entry['exercises'])}")
        complete = {"name", "kind", "every", "duration", "exercises"} <= entry.keys()
        if not (complete and known and kind is not None):
            continue  # what is missing or wrong was reported; later checks skip this break
        snooze = entry.get("snooze", {})
        breaks.append(Break(
            name=entry["name"],
            kind=kind,
            every_seconds=entry["every"],
            duration_seconds=entry["duration"],
            exercise_ids=tuple(entry["exercises"]),
            snooze=Snooze(minutes=float(snooze.get("minutes", 5)),
                          max_count=snooze.get("max", 2)),
            per_prompt=per_prompt,
        ))
    return breaks


def _build_settings(raw: Mapping[str, Any], out: _Collector) -> Settings:
    defaults = Settings()
    hours_raw = raw.get("working_hours", {})
    hours = WorkingHours(
        days=frozenset(DAY_NAMES.index(d) for d in hours_raw["days"])
        if "days" in hours_raw else defaults.working_hours.days,
        start=hours_raw.get("from", defaults.working_hours.start),
        end=hours_raw.get("to", defaults.working_hours.end),
    )
    if hours.start >= hours.end:
        out.add_at("settings.working_hours.to", "the working day must end after it starts")
    checkins_raw = raw.get("checkins", {})
    headache_at: time | None = checkins_raw.get("headache_at")
    if headache_at is not None and not hours.start <= headache_at < hours.end:
        out.add_at("settings.checkins.headache_at", "ask within working hours")
    return Settings(
        natural_break_seconds=raw.get("natural_break", defaults.natural_break_seconds),
        respond_within_seconds=raw.get("respond_within", defaults.respond_within_seconds),
        working_hours=hours,
        max_deferral_seconds=raw.get("max_deferral", defaults.max_deferral_seconds),
        sound=raw.get("sound", defaults.sound),
        checkins=Checkins(
            neck_after_break=checkins_raw.get("neck_after_break", False),
            neck_before_break=checkins_raw.get("neck_before_break", False),
            headache_daily=checkins_raw.get("headache_daily", False),
            headache_at=headache_at,
        ),
    )


def _ids_in_any_phase(breaks: list[Break], phases: list[Phase]) -> dict[str, None]:
    """Every exercise id some break lists, as written or in some phase, in order of first use."""
    ids: dict[str, None] = {}
    for brk in breaks:
        ids.update(dict.fromkeys(brk.exercise_ids))
    for phase in phases:
        for change in phase.breaks.values():
            ids.update(dict.fromkeys(change.exercise_ids or ()))
            ids.update(dict.fromkeys(change.add))
    return ids


def _build_phases(data: Mapping[str, Any], breaks: list[Break],
                  exercises: Mapping[str, Exercise], library: Mapping[str, Exercise],
                  out: _Collector, declared: set[str]) -> list[Phase]:
    """Phases from validated entries, each checked against the breaks as written.

    Linear in the file's size: each phase is checked on its own text, and overlaps are found
    by sorting phases by their first day, never by comparing every pair.
    """
    phases: list[Phase] = []
    raw = data.get("phases", [])
    starts: date | None = data.get("starts")
    if starts is None and any("from_week" in entry for entry in raw):
        out.add_at("phases", "phases count weeks from `starts`; add starts: YYYY-MM-DD")
    by_name = {brk.name: brk for brk in breaks}
    all_names = [entry.get("name") for entry in data.get("breaks", []) if entry.get("name")]
    positions: list[int] = []
    for index, entry in enumerate(raw):
        path = f"phases[{index}]"
        has_week, has_date = "from_week" in entry, "from" in entry
        if has_week and has_date:
            out.add_at(f"{path}.from", "write from_week or from (a date), not both")
            continue
        if not has_week and not has_date:
            out.add_at(path, "needs from_week (a programme week) or from (a date)")
            continue
        if has_week and "until" in entry:
            out.add_at(f"{path}.until", "a phase from a week ends with until_week")
            continue
        if has_date and "until_week" in entry:
            out.add_at(f"{path}.until_week", "a phase from a date ends with until (a date)")
            continue
        until_week, until_date = entry.get("until_week"), entry.get("until")
        if until_week is not None and until_week < entry["from_week"]:
            out.add_at(f"{path}.until_week", "ends before it starts")
            continue
        if until_date is not None and until_date < entry["from"]:
            out.add_at(f"{path}.until", "ends before it starts")
            continue
        changes: dict[str, BreakChange] = {}
        for name, change in entry.get("breaks", {}).items():
            built = _build_break_change(f"{path}.breaks.{name}", name, change, by_name,
                                        all_names, exercises, library, out, declared)
            if built is not None:
                changes[name] = built
        when = (f"week {entry['from_week']} on" if has_week else f"from {entry['from']}")
        phase = Phase(
            name=entry.get("name", when),
            overrides=MappingProxyType(
                {k: MappingProxyType(_dose_fields(v))
                 for k, v in entry.get("exercises", {}).items()}),
            from_week=entry.get("from_week"),
            until_week=until_week,
            from_date=entry.get("from"),
            until_date=until_date,
            breaks=MappingProxyType(changes),
        )
        phases.append(phase)
        positions.append(index)
    if starts is not None or not any(p.from_week is not None for p in phases):
        _check_no_overlap(phases, positions, starts, out)
    return phases


def _build_break_change(path: str, name: str, raw: Mapping[str, Any],
                        by_name: Mapping[str, Break], all_names: list[str],
                        exercises: Mapping[str, Exercise], library: Mapping[str, Exercise],
                        out: _Collector, declared: set[str]) -> BreakChange | None:
    """One phase's changes to the break called `name`, checked against that break."""
    brk = by_name.get(name)
    if brk is None:
        if name not in all_names:  # a break that exists but has problems is reported there
            line, column = out.marks.get(f"{path}:key", out.marks.get(path, (1, 1)))
            out.problems.append(Problem(line, column, path, f"no break is called {name!r}"
                                        + _did_you_mean(name, all_names)))
        return None
    ok = True
    if "exercises" in raw and ("add" in raw or "remove" in raw):
        out.add_at(f"{path}.exercises", "write the whole list (exercises) or changes to it "
                   "(add, remove), not both")
        return None
    for key in ("exercises", "add"):
        for item_index, exercise_id in enumerate(raw.get(key, [])):
            if not _exercise_fits_kind(f"{path}.{key}[{item_index}]", exercise_id, brk.kind,
                                       exercises, library, out, declared):
                ok = False
    present = set(brk.exercise_ids)
    for item_index, exercise_id in enumerate(raw.get("add", [])):
        if exercise_id in present:
            ok = False
            out.add_at(f"{path}.add[{item_index}]", f"{exercise_id!r} is already in the break "
                       f"{name!r}")
    for item_index, exercise_id in enumerate(raw.get("remove", [])):
        if exercise_id not in present:
            ok = False
            out.add_at(f"{path}.remove[{item_index}]", f"{exercise_id!r} is not in the break "
                       f"{name!r}" + _did_you_mean(exercise_id, present))
    change = BreakChange(
        every_seconds=raw.get("every"),
        duration_seconds=raw.get("duration"),
        exercise_ids=tuple(raw["exercises"]) if "exercises" in raw else None,
        add=tuple(raw.get("add", ())),
        remove=tuple(raw.get("remove", ())),
        per_prompt=raw.get("per_prompt"),
    )
    if not ok:
        return None
    result = change.apply(brk)
    if not result.exercise_ids:
        out.add_at(f"{path}.remove", f"would leave the break {name!r} with no exercises")
        return None
    if "duration" in raw:
        low, high = (MICRO_DURATION_RANGE if brk.kind is BreakKind.MICRO
                     else MOVEMENT_DURATION_RANGE)
        if not low <= result.duration_seconds <= high:
            out.add_at(f"{path}.duration", f"a {brk.kind.value} break lasts "
                       f"{format_duration(low)} to {format_duration(high)}, not "
                       f"{format_duration(result.duration_seconds)}")
            return None
    if ("duration" in raw or "every" in raw) and result.duration_seconds >= result.every_seconds:
        out.add_at(f"{path}.{'duration' if 'duration' in raw else 'every'}",
                   "the break is as long as the sitting before it")
        return None
    if result.per_prompt is not None and result.per_prompt > len(result.exercise_ids):
        out.add_at(f"{path}.{'per_prompt' if 'per_prompt' in raw else 'remove'}",
                   f"asks for {result.per_prompt} exercises per prompt but the break lists "
                   f"{len(result.exercise_ids)} in this phase")
        return None
    return change


def _exercise_fits_kind(path: str, exercise_id: str, kind: BreakKind,
                        exercises: Mapping[str, Exercise], library: Mapping[str, Exercise],
                        out: _Collector, declared: set[str]) -> bool:
    exercise = exercises.get(exercise_id) or library.get(exercise_id)
    if exercise is None:
        if exercise_id not in declared:  # a refused definition is reported where it is
            out.add_at(path, f"unknown exercise {exercise_id!r}: define it under exercises or "
                       "use a library id" + _did_you_mean(exercise_id, [*exercises, *library]))
        return False
    if kind not in exercise.suits:
        out.add_at(path, f"{exercise_id!r} suits {' or '.join(k.value for k in exercise.suits)} "
                   f"breaks, not {kind.value}")
        return False
    return True


def _check_no_overlap(phases: list[Phase], positions: list[int], starts: date | None,
                      out: _Collector) -> None:
    """Report each phase that starts before an earlier-starting one ends (sorted, n log n)."""
    order = sorted(range(len(phases)), key=lambda i: (phases[i].first_day(starts), positions[i]))
    reach: date | None = None  # the latest last day so far; date.max for open-ended
    reach_index = -1
    for i in order:
        phase = phases[i]
        first = phase.first_day(starts)
        if reach_index >= 0 and reach is not None and first <= reach:
            other = phases[reach_index]
            key = "from_week" if phase.from_week is not None else "from"
            out.add_at(f"phases[{positions[i]}].{key}", f"overlaps "
                       f"phases[{positions[reach_index]}] ({_weeks(other)}); phases may not "
                       "overlap")
        last = phase.last_day(starts) or date.max
        if reach is None or last > reach:
            reach, reach_index = last, i


def _weeks(phase: Phase) -> str:
    if phase.from_week is not None:
        return (f"weeks {phase.from_week}-{phase.until_week}" if phase.until_week
                else f"weeks {phase.from_week}+")
    return phase.when()


def _check_doses_fit(breaks: list[Break], used: Mapping[str, Exercise], phases: list[Phase],
                     out: _Collector) -> None:
    """Every exercise's whole dose, as written and in every phase, must fit in the break.

    A hold longer than the break is an error; a whole dose longer than the break is a warning
    (the guided break runs over). Each phase is checked only where it changes something (its
    own doses, its breaks' durations and lists), and each (dose, duration) pair is judged once,
    so checking stays linear in the file's size however many phases there are.
    """
    judged: dict[tuple[Any, ...], tuple[bool, str] | None] = {}

    def judge(exercise: Exercise, override_key: Any, brk_name: str, duration: float,
              where: str, phase_note: str) -> None:
        key = (exercise.id, override_key, brk_name, duration)
        if key not in judged:
            judged[key] = _fit(exercise, brk_name, duration, phase_note)
        verdict = judged[key]
        if verdict is None:
            return
        is_error, message = verdict
        if is_error:
            hold_path = f"{where}.hold" if f"{where}.hold" in out.marks else where
            out.add_at(hold_path, message)
        else:
            out.warn_at(where, message)

    containing: dict[str, list[Break]] = {}
    for break_index, brk in enumerate(breaks):
        seen: set[str] = set()
        for item_index, exercise_id in enumerate(brk.exercise_ids):
            if exercise_id in seen or exercise_id not in used:
                continue
            seen.add(exercise_id)
            containing.setdefault(exercise_id, []).append(brk)
            where = (f"exercises.{exercise_id}" if f"exercises.{exercise_id}" in out.marks
                     else f"breaks[{break_index}].exercises[{item_index}]")
            judge(used[exercise_id], None, brk.name, brk.duration_seconds, where, "")
    dosed: dict[tuple[str, Any], Exercise] = {}  # each distinct dose change built once
    for index, phase in enumerate(phases):
        path = f"phases[{index}]"
        doses: dict[str, tuple[Any, Exercise]] = {}
        for exercise_id, override in phase.overrides.items():
            if exercise_id in used:
                frozen = _freeze(override)
                exercise = dosed.get((exercise_id, frozen))
                if exercise is None:
                    exercise = dosed[(exercise_id, frozen)] = replace(used[exercise_id],
                                                                      **override)
                doses[exercise_id] = (frozen, exercise)
        for brk in breaks:
            change = phase.breaks.get(brk.name)
            if change is None:
                continue
            now = change.apply(brk)
            change_path = f"{path}.breaks.{brk.name}"
            note = f" in {phase.name!r}"
            duration_changed = now.duration_seconds != brk.duration_seconds
            new_ids = set(change.exercise_ids or ()) | set(change.add)
            for exercise_id in dict.fromkeys(now.exercise_ids):
                if exercise_id not in used:
                    continue
                dose_key: Any
                if exercise_id in doses:
                    dose_key, exercise = doses[exercise_id]
                    where = f"{path}.exercises.{exercise_id}"
                elif duration_changed or exercise_id in new_ids:
                    dose_key, exercise = None, used[exercise_id]
                    where = (f"{change_path}.duration" if duration_changed
                             else f"{change_path}.{'add' if change.add else 'exercises'}")
                else:
                    continue
                judge(exercise, dose_key, brk.name, now.duration_seconds, where, note)
        for exercise_id, (frozen, exercise) in doses.items():
            for brk in containing.get(exercise_id, ()):
                if brk.name not in phase.breaks:
                    judge(exercise, frozen, brk.name, brk.duration_seconds,
                          f"{path}.exercises.{exercise_id}", "")


def _freeze(override: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(override.items()))


def _fit(exercise: Exercise, brk_name: str, duration: float,
         phase_note: str) -> tuple[bool, str] | None:
    """(is_error, message) when `exercise` does not fit a break of `duration`, else None."""
    break_text = f"the break {brk_name!r} ({format_duration(duration)}{phase_note})"
    if exercise.hold_seconds and exercise.hold_seconds > duration:
        return True, (f"a {format_duration(exercise.hold_seconds)} hold is longer than "
                      f"{break_text}")
    needed = exercise.estimated_seconds()
    if needed > duration:
        return False, (f"warning: {exercise.id!r} takes about {format_duration(needed)} "
                       f"({exercise.dose_text()}), longer than {break_text}; the guided break "
                       "will run over")
    return None


__all__ = [
    "DEFAULT_SECONDS_PER_REP",
    "Problem",
    "ProgrammeInvalid",
    "compose_safely",
    "content_hash",
    "parse_library_exercise",
    "parse_programme",
]
