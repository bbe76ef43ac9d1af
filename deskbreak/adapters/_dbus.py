"""Small jeepney helpers shared by the D-Bus adapters (idle, lock, notifications).

Everything here is blocking with a timeout, and every D-Bus or socket failure comes out as
`DBusUnavailable` with a one-line reason, so callers need to catch only one thing.
Import this module lazily: jeepney exists on Linux only.
"""

from __future__ import annotations

from typing import Any

from jeepney import DBusAddress, Properties, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

#: How long one call may block the caller. D-Bus answers in about a millisecond when healthy.
CALL_TIMEOUT = 2.0


class DBusUnavailable(Exception):
    """The bus, the service or the call failed; `str()` says which, in one line."""


def connect(bus: str = "SESSION") -> DBusConnection:
    """Open a blocking connection to the "SESSION" or "SYSTEM" bus (honours the usual
    DBUS_*_BUS_ADDRESS variables)."""
    try:
        return open_dbus_connection(bus=bus)
    except KeyError as error:
        raise DBusUnavailable(f"no {bus.lower()} bus ({error.args[0]} is not set)") from error
    except (OSError, ValueError, RuntimeError) as error:
        # OSError: socket missing or refused; ValueError: a malformed address.
        raise DBusUnavailable(f"cannot connect to the {bus.lower()} bus: {error}") from error


def call(conn: DBusConnection, address: DBusAddress, method: str, signature: str | None = None,
         body: tuple[Any, ...] = (), timeout: float = CALL_TIMEOUT) -> tuple[Any, ...]:
    """Call `method` and return the reply body; raises DBusUnavailable on any failure."""
    message = new_method_call(address, method, signature, body)
    try:
        reply = conn.send_and_get_reply(message, timeout=timeout)
        result: tuple[Any, ...] = unwrap_msg(reply)
        return result
    except DBusErrorResponse as error:
        raise DBusUnavailable(f"{address.bus_name} {method}: {error.name}") from error
    except (OSError, TimeoutError, ValueError) as error:
        raise DBusUnavailable(f"{address.bus_name} {method}: {error!r}") from error


def get_property(conn: DBusConnection, address: DBusAddress, name: str,
                 timeout: float = CALL_TIMEOUT) -> Any:
    """Read one D-Bus property of `address.interface`; raises DBusUnavailable."""
    message = Properties(address).get(name)
    try:
        reply = conn.send_and_get_reply(message, timeout=timeout)
        ((_signature, value),) = unwrap_msg(reply)
    except DBusErrorResponse as error:
        raise DBusUnavailable(f"{address.bus_name} property {name}: {error.name}") from error
    except (OSError, TimeoutError, ValueError) as error:
        raise DBusUnavailable(f"{address.bus_name} property {name}: {error!r}") from error
    return value


def close_quietly(conn: DBusConnection | None) -> None:
    """Close a connection, ignoring errors: used on shutdown and after a failure."""
    if conn is None:
        return
    try:
        conn.close()
    except OSError:
        pass


__all__ = ["CALL_TIMEOUT", "DBusAddress", "DBusUnavailable", "call",
           "close_quietly", "connect", "get_property"]
