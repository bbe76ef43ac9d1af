"""The one domain error type. Only the CLI turns it into an exit code and a line of text."""

from __future__ import annotations


class DeskbreakError(Exception):
    """A problem the user can act on; `str(error)` is the whole message, no traceback needed."""

    exit_code = 1
    #: The CLI prints "deskbreak: " before the message, unless the message already starts with
    #: its own location (FILE:LINE: ...), as editors and compilers print it.
    prefixed = True


class UsageError(DeskbreakError):
    """The command line itself is wrong."""

    exit_code = 2
