"""Starting a real part for a fixture (a desktop, a sound server, a headless compositor): a part
that cannot start fails the test with its own message (a missing Debian package is a failure,
never a skip), and a started part is always stopped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

import pytest


class Part(Protocol):
    def start(self) -> object: ...

    def stop(self) -> None: ...


P = TypeVar("P", bound=Part)


@contextmanager
def started(part: P, failure: type[Exception]) -> Iterator[P]:
    """`part` started (`failure` is the error its start raises), and stopped afterwards."""
    try:
        part.start()
    except failure as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield part
    finally:
        part.stop()
