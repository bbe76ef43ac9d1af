"""A StatusNotifierItem tray icon with a dbusmenu menu, served over D-Bus with jeepney (no gi).

The item (org.kde.StatusNotifierItem at /StatusNotifierItem) and its menu
(com.canonical.dbusmenu at /MenuBar) live on one session-bus connection under the name
org.kde.StatusNotifierItem-PID-1, registered with the org.kde.StatusNotifierWatcher (again
whenever a new watcher appears). The host (KDE's panel, GNOME's AppIndicator extension,
xfce4-panel, waybar, a standalone SNI tray) draws the icon from IconPixmap: ARGB32 in network
byte order, one pixmap per size in `PIXMAP_SIZES`, drawn by deskbreak.ui.icon for that size.
A state change emits NewIcon / NewToolTip / NewStatus; a menu change emits
ItemsPropertiesUpdated (labels, enabled) and LayoutUpdated.

Threading contract: `run` (main thread) owns the receiving side of the connection and answers
every call on it, including dbusmenu's Event, from which `on_command` is called. `update`,
`visibility` and `stop` may be called from any thread: they only send (signals, or a wake-up
call to ourselves), under a lock.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MatchRule,
    MessageType,
    message_bus,
    new_error,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.low_level import Message

from deskbreak.adapters.tray.local import LOCAL_COMMANDS, run_local
from deskbreak.adapters.tray.model import (
    ICON_NAME,
    MENU_WORDS,
    MenuEntry,
    TrayUnavailable,
    TrayView,
    menu_entries,
    tooltip,
)

log = logging.getLogger(__name__)

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
ITEM_INTERFACE = "org.kde.StatusNotifierItem"
ITEM_PATH = "/StatusNotifierItem"
MENU_INTERFACE = "com.canonical.dbusmenu"
MENU_PATH = "/MenuBar"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
#: Our own wake-up call (from stop()) to end the receive loop without polling.
WAKE_INTERFACE = "org.deskbreak.TrayLoop"
#: Pixel sizes sent in IconPixmap, each drawn for its size: hosts pick the nearest (panels
#: are 16-32 px, HiDPI twice that).
PIXMAP_SIZES = (16, 22, 24, 32, 48, 64)
#: How long start-up calls to the bus and the watcher may take.
CALL_TIMEOUT = 2.0
#: Change signals are held back after registering until the host has read the icon, then
#: SETTLE_AFTER_READ more: a host that gets NewIcon while it is still building the item from
#: our properties can drop the item (seen with the standalone gtk-sni-tray in about half the
#: starts). At most SETTLE_SECONDS when no host reads. Changes meanwhile go out in one batch.
SETTLE_SECONDS = 5.0
SETTLE_AFTER_READ = 0.5
#: dbusmenu protocol version we speak.
DBUSMENU_VERSION = 3

_ITEM_XML = """
  <interface name="org.kde.StatusNotifierItem">
    <property name="Category" type="s" access="read"/>
    <property name="Id" type="s" access="read"/>
    <property name="Title" type="s" access="read"/>
    <property name="Status" type="s" access="read"/>
    <property name="WindowId" type="i" access="read"/>
    <property name="IconName" type="s" access="read"/>
    <property name="IconPixmap" type="a(iiay)" access="read"/>
    <property name="OverlayIconName" type="s" access="read"/>
    <property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
    <property name="AttentionIconName" type="s" access="read"/>
    <property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
    <property name="AttentionMovieName" type="s" access="read"/>
    <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
    <property name="ItemIsMenu" type="b" access="read"/>
    <property name="Menu" type="o" access="read"/>
    <method name="ContextMenu"><arg name="x" type="i" direction="in"/>
      <arg name="y" type="i" direction="in"/></method>
    <method name="Activate"><arg name="x" type="i" direction="in"/>
      <arg name="y" type="i" direction="in"/></method>
    <method name="SecondaryActivate"><arg name="x" type="i" direction="in"/>
      <arg name="y" type="i" direction="in"/></method>
    <method name="Scroll"><arg name="delta" type="i" direction="in"/>
      <arg name="orientation" type="s" direction="in"/></method>
    <signal name="NewTitle"/><signal name="NewIcon"/><signal name="NewAttentionIcon"/>
    <signal name="NewOverlayIcon"/><signal name="NewToolTip"/>
    <signal name="NewStatus"><arg name="status" type="s"/></signal>
  </interface>"""

_MENU_XML = """
  <interface name="com.canonical.dbusmenu">
    <property name="Version" type="u" access="read"/>
    <property name="TextDirection" type="s" access="read"/>
    <property name="Status" type="s" access="read"/>
    <property name="IconThemePath" type="as" access="read"/>
    <method name="GetLayout"><arg type="i" name="parentId" direction="in"/>
      <arg type="i" name="recursionDepth" direction="in"/>
      <arg type="as" name="propertyNames" direction="in"/>
      <arg type="u" name="revision" direction="out"/>
      <arg type="(ia{sv}av)" name="layout" direction="out"/></method>
    <method name="GetGroupProperties"><arg type="ai" name="ids" direction="in"/>
      <arg type="as" name="propertyNames" direction="in"/>
      <arg type="a(ia{sv})" name="properties" direction="out"/></method>
    <method name="GetProperty"><arg type="i" name="id" direction="in"/>
      <arg type="s" name="name" direction="in"/>
      <arg type="v" name="value" direction="out"/></method>
    <method name="Event"><arg type="i" name="id" direction="in"/>
      <arg type="s" name="eventId" direction="in"/>
      <arg type="v" name="data" direction="in"/>
      <arg type="u" name="timestamp" direction="in"/></method>
    <method name="EventGroup"><arg type="a(isvu)" name="events" direction="in"/>
      <arg type="ai" name="idErrors" direction="out"/></method>
    <method name="AboutToShow"><arg type="i" name="id" direction="in"/>
      <arg type="b" name="needUpdate" direction="out"/></method>
    <method name="AboutToShowGroup"><arg type="ai" name="ids" direction="in"/>
      <arg type="ai" name="updatesNeeded" direction="out"/>
      <arg type="ai" name="idErrors" direction="out"/></method>
    <signal name="ItemsPropertiesUpdated"><arg type="a(ia{sv})" name="updatedProps"/>
      <arg type="a(ias)" name="removedProps"/></signal>
    <signal name="LayoutUpdated"><arg type="u" name="revision"/>
      <arg type="i" name="parent"/></signal>
    <signal name="ItemActivationRequested"><arg type="i" name="id"/>
      <arg type="u" name="timestamp"/></signal>
  </interface>"""

_INTROSPECT_HEAD = ('<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"'
                    ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n<node>'
                    '\n  <interface name="org.freedesktop.DBus.Introspectable"><method '
                    'name="Introspect"><arg type="s" direction="out"/></method></interface>'
                    '\n  <interface name="org.freedesktop.DBus.Properties"><method name="Get">'
                    '<arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" '
                    'direction="out"/></method><method name="GetAll"><arg type="s" '
                    'direction="in"/><arg type="a{sv}" direction="out"/></method></interface>')


def argb_pixmap(image: Any) -> tuple[int, int, bytes]:
    """(width, height, data) of a Pillow RGBA image as SNI wants it: ARGB32, network byte order
    (bytes A, R, G, B per pixel, rows top to bottom)."""
    from PIL import Image

    rgba = image.convert("RGBA")
    red, green, blue, alpha = rgba.split()
    # Re-labelled channels: the "RGBA" raw bytes of (A, R, G, B) are exactly ARGB32 big-endian.
    data = Image.merge("RGBA", (alpha, red, green, blue)).tobytes()
    return rgba.width, rgba.height, data


def view_pixmaps(view: TrayView, sizes: tuple[int, ...] = PIXMAP_SIZES,
                 ) -> list[tuple[int, int, bytes]]:
    """The icon for `view` drawn at every size in `sizes`, as SNI pixmaps."""
    from deskbreak.adapters.tray.pystray_tray import view_image

    return [argb_pixmap(view_image(view, size)) for size in sizes]


def _status(view: TrayView) -> str:
    """The SNI Status: NeedsAttention while a prompt waits for an answer, else Active."""
    return "NeedsAttention" if view.prompt_open and not view.paused else "Active"


def _item_properties(entry: MenuEntry) -> dict[str, tuple[str, Any]]:
    if entry.separator:
        return {"type": ("s", "separator"), "visible": ("b", True)}
    return {"label": ("s", entry.label.replace("_", "__")),  # "_" marks a mnemonic
            "enabled": ("b", entry.enabled), "visible": ("b", True)}


class SniTray:
    """A StatusNotifierItem and its dbusmenu. See the module docstring for the threading."""

    backend = "sni"

    def __init__(self, on_command: Callable[[str], None]) -> None:
        from jeepney.io.blocking import open_dbus_connection

        self._on_command = on_command
        self._lock = threading.Lock()  # guards the fields below
        self._send_lock = threading.Lock()  # one writer on the socket at a time
        self._view = TrayView(0, False, "deskbreak", "deskbreak")
        self._entries = menu_entries(self._view)
        self._revision = 1
        self._shown = False
        self._stopped = False
        self._registered = False
        #: False during the quiet time after registering (see SETTLE_SECONDS).
        self._settled = False
        self._held: set[str] = set()
        self._settle_generation = 0
        #: Replies awaited by the loop: serial -> handler (see _call_async).
        self._pending: dict[int, Callable[[Message], None]] = {}
        #: Whether the host has read IconPixmap since we registered.
        self._icon_read = False
        self._host_seen: bool | None = None
        self._reason = "registering with the StatusNotifierWatcher"
        self._images: list[Any] = []
        #: The view the host was last told about.
        self._published = self._view
        #: Drawn in run(), for the view of that moment (drawing takes a moment).
        self._pixmaps: list[tuple[int, int, bytes]] = []
        self._tooltip = tooltip(self._view)
        try:
            self._conn = open_dbus_connection(bus="SESSION")
        except (KeyError, OSError, ValueError, RuntimeError) as error:
            raise TrayUnavailable(f"no tray icon: cannot reach the session bus ({error})") \
                from error
        self.bus_name = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        try:
            reply = self._conn.send_and_get_reply(message_bus.RequestName(self.bus_name),
                                                  timeout=CALL_TIMEOUT)
            if reply.body[0] not in (1, 4):  # primary owner, or already owner
                raise TrayUnavailable(f"no tray icon: the bus name {self.bus_name} is taken")
            # New watchers (a panel restarting) get our registration again.
            rule = MatchRule(type="signal", sender=message_bus.bus_name,
                             interface=message_bus.interface, member="NameOwnerChanged",
                             path=message_bus.object_path)
            rule.add_arg_condition(0, WATCHER)
            self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT)
            # A host (a panel) that starts after us makes the icon visible.
            hosts = MatchRule(type="signal", interface=WATCHER,
                              member="StatusNotifierHostRegistered")
            self._conn.send_and_get_reply(message_bus.AddMatch(hosts), timeout=CALL_TIMEOUT)
        except (OSError, TimeoutError) as error:
            self._conn.close()
            raise TrayUnavailable(f"no tray icon: the session bus did not answer ({error})") \
                from error
        log.info("tray backend: sni (%s)", self.bus_name)

    # --- the interface ---------------------------------------------------------------------

    def run(self, setup: Callable[[], None]) -> None:
        """Register with the watcher and answer the host until `stop()`; main thread."""
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("Tray.run must be called from the main thread")
        with self._lock:
            view = self._view
        # Drawn before registering: the host asks for IconPixmap as soon as it hears of us.
        self._publish(view, initial=True)
        try:
            self._register()
        except OSError as error:
            raise TrayUnavailable(f"the sni tray could not register: {error}") from error
        with self._lock:
            self._shown = True
            self._settled = False
            latest = self._view
        if latest != view:  # updated while registering: draw it now, announce it when settled
            self._publish(latest)
        self._settle_timer()
        threading.Thread(target=setup, name="tray-setup", daemon=True).start()
        try:
            self._loop()
        finally:
            self._conn.close()
        log.info("tray loop ended")

    def update(self, view: TrayView) -> None:
        with self._lock:
            if self._stopped or view == self._view:
                self._view = view
                return
            self._view = view
            live = self._shown
        if live:
            self._publish(view)

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            shown = self._shown
        if not shown:
            self._conn.close()
            return
        # Wake our own receive loop with a call to ourselves; it sees _stopped and ends.
        wake = new_method_call(DBusAddress("/", bus_name=self._conn.unique_name,
                                           interface=WAKE_INTERFACE), "Wake")
        try:
            self._send(wake)
        except OSError:
            log.debug("tray: wake-up call failed (connection already closed)", exc_info=True)

    def visibility(self) -> tuple[bool | None, str]:
        """(shown?, why): True once the watcher took our registration and a host is there."""
        with self._lock:
            if self._stopped:
                return False, "the tray icon has been stopped"
            if not self._registered:
                return False, self._reason
            if self._host_seen is False:
                return False, ("registered with the StatusNotifierWatcher, but no tray host is "
                               "registered with it to show the icon")
            return True, "shown by a StatusNotifierItem host"

    # --- sending ----------------------------------------------------------------------------

    def _send(self, message: Message) -> None:
        with self._send_lock:
            self._conn.send(message)

    def _signal(self, path: str, interface: str, member: str, signature: str | None = None,
                body: tuple[Any, ...] = ()) -> None:
        emitter = DBusAddress(path, interface=interface)
        try:
            self._send(new_signal(emitter, member, signature, body))
        except OSError:
            log.warning("tray: could not send %s.%s", interface, member, exc_info=True)

    def _call_async(self, message: Message, on_reply: Callable[[Message], None]) -> None:
        """Send a call whose reply the loop hands to `on_reply`. Never wait for a reply here:
        jeepney's send_and_get_reply drops every other message that arrives meanwhile, such
        as the host's first Get of our icon."""
        with self._send_lock:
            serial = next(self._conn.outgoing_serial)
            with self._lock:
                self._pending[serial] = on_reply
            self._conn.send(message, serial=serial)

    def _register(self) -> None:
        """Register with the watcher, then ask whether a host is there (answers come to the
        loop)."""
        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        self._call_async(
            new_method_call(watcher, "RegisterStatusNotifierItem", "s", (self.bus_name,)),
            self._on_registered)

    def _on_registered(self, reply: Message) -> None:
        with self._lock:
            if reply.header.message_type == MessageType.error:
                self._registered = False
                self._reason = (f"the StatusNotifierWatcher refused the icon: "
                                f"{reply.header.fields.get(HeaderFields.error_name)}")
                log.warning("tray: %s", self._reason)
                return
            self._registered = True
        log.info("tray: registered %s with the StatusNotifierWatcher", self.bus_name)
        self._call_async(
            new_method_call(DBusAddress(WATCHER_PATH, bus_name=WATCHER,
                                        interface=PROPERTIES), "Get", "ss",
                            (WATCHER, "IsStatusNotifierHostRegistered")), self._on_host_reply)

    def _on_host_reply(self, reply: Message) -> None:
        if reply.header.message_type == MessageType.method_return:
            with self._lock:
                if self._host_seen is None:
                    self._host_seen = bool(reply.body[0][1])

    def _settle_timer(self, seconds: float = SETTLE_SECONDS) -> None:
        with self._lock:
            self._settle_generation += 1
            generation = self._settle_generation
        timer = threading.Timer(seconds, self._settle, args=(generation,))
        timer.daemon = True
        timer.start()

    def _settle(self, generation: int) -> None:
        """End of the quiet time after registering: announce whatever changed meanwhile."""
        with self._lock:
            if generation != self._settle_generation or self._settled:
                return  # a newer timer (the host read the icon) decides
            self._settled = True
            held, self._held = self._held, set()
            revision, entries = self._revision, self._entries
        if held and not self._stopped:
            # Which items changed meanwhile is not kept: send every item's properties.
            updated = [(i, _item_properties(e)) for i, e in enumerate(entries, 1)]
            self._emit(held, updated, revision)

    def _on_icon_read(self) -> None:
        """The host has read our icon: settle shortly after its first read."""
        with self._lock:
            first = not self._icon_read and not self._settled
            self._icon_read = True
        if first:
            self._settle_timer(SETTLE_AFTER_READ)

    def _register_later(self) -> None:
        """From the loop: register again with a new watcher."""
        with self._lock:
            self._registered = False
            self._reason = "registering with a new StatusNotifierWatcher"
            self._host_seen = None
            self._settled = False
            self._icon_read = False
        self._register()
        self._settle_timer()
        log.info("tray: registering again with a new StatusNotifierWatcher")

    def _publish(self, view: TrayView, initial: bool = False) -> None:
        """Tell the host what changed since the last view (everything when `initial`)."""
        from deskbreak.adapters.tray.pystray_tray import view_image

        images = [view_image(view, size) for size in PIXMAP_SIZES]
        entries = menu_entries(view)
        text = tooltip(view)
        with self._lock:
            status_changed = _status(view) != _status(self._published)
            self._published = view
            # The icon images are cached objects: the same objects mean the same pixels.
            icon_changed = any(a is not b for a, b in zip(images, self._images))
            if icon_changed or not self._images:
                self._images = images
                self._pixmaps = [argb_pixmap(image) for image in images]
            old_entries, self._entries = self._entries, entries
            tooltip_changed, self._tooltip = text != self._tooltip, text
            changed_items = [i for i, (old, new) in enumerate(zip(old_entries, entries), 1)
                             if old != new]
            if changed_items:
                self._revision += 1
            revision = self._revision
            changes = {name for name, changed in (("icon", icon_changed),
                                                  ("status", status_changed),
                                                  ("tooltip", tooltip_changed),
                                                  ("menu", bool(changed_items))) if changed}
            if not initial and not self._settled:
                self._held |= changes
                return
        if initial:
            return  # the host reads every property when it first sees us
        updated = [(i, _item_properties(entries[i - 1])) for i in changed_items]
        self._emit(changes, updated, revision)

    def _emit(self, changes: set[str], updated: list[Any], revision: int) -> None:
        """Send the signals for `changes` ("icon", "tooltip", "menu")."""
        if "icon" in changes:
            self._signal(ITEM_PATH, ITEM_INTERFACE, "NewIcon")
        if "status" in changes:
            with self._lock:
                status = _status(self._view)
            self._signal(ITEM_PATH, ITEM_INTERFACE, "NewStatus", "s", (status,))
        if "tooltip" in changes:
            self._signal(ITEM_PATH, ITEM_INTERFACE, "NewToolTip")
            self._signal(ITEM_PATH, ITEM_INTERFACE, "NewTitle")
        if "menu" in changes:
            if updated:
                self._signal(MENU_PATH, MENU_INTERFACE, "ItemsPropertiesUpdated",
                             "a(ia{sv})a(ias)", (updated, []))
            self._signal(MENU_PATH, MENU_INTERFACE, "LayoutUpdated", "ui", (revision, 0))

    # --- receiving --------------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._stopped:
                    return
            try:
                message = self._conn.receive()
            except (OSError, ValueError) as error:
                with self._lock:
                    stopped = self._stopped
                if not stopped:
                    log.error("tray: the session bus connection failed: %s", error)
                    with self._lock:
                        self._registered = False
                        self._reason = f"the session bus connection failed: {error}"
                return
            kind = message.header.message_type
            if kind == MessageType.method_call:
                self._answer(message)
            elif kind == MessageType.signal:
                self._on_signal(message)
            else:  # a reply to one of our own calls
                serial = message.header.fields.get(HeaderFields.reply_serial)
                with self._lock:
                    handler = self._pending.pop(serial, None)
                if handler is not None:
                    handler(message)

    def _on_signal(self, message: Message) -> None:
        fields = message.header.fields
        if fields.get(HeaderFields.member) == "StatusNotifierHostRegistered":
            with self._lock:
                self._host_seen = True
            return
        if fields.get(HeaderFields.member) == "NameOwnerChanged":
            name, _old, new = message.body
            if name == WATCHER:
                if new:
                    self._register_later()
                else:
                    with self._lock:
                        self._registered = False
                        self._reason = "the StatusNotifierWatcher went away; waiting for one"

    def _answer(self, message: Message) -> None:
        fields = message.header.fields
        interface = fields.get(HeaderFields.interface)
        member = fields.get(HeaderFields.member)
        path = fields.get(HeaderFields.path)
        if interface == WAKE_INTERFACE:
            self._send(new_method_return(message))
            return
        try:
            reply = self._handle(path, interface, member, message)
        except _CallError as error:
            reply = new_error(message, error.name, "s", (error.text,))
        except Exception as error:  # a bad request must never end the loop
            log.exception("tray: answering %s.%s failed", interface, member)
            reply = new_error(message, "org.freedesktop.DBus.Error.Failed", "s", (str(error),))
        self._send(reply)

    def _handle(self, path: str, interface: str | None, member: str,
                message: Message) -> Message:
        if interface == INTROSPECTABLE and member == "Introspect":
            return new_method_return(message, "s", (self._introspect(path),))
        if interface == PROPERTIES:
            return self._properties(path, member, message)
        if path == ITEM_PATH and interface in (ITEM_INTERFACE, None):
            if member in ("ContextMenu", "Activate", "SecondaryActivate", "Scroll"):
                # ItemIsMenu is true: hosts show the dbusmenu; a plain activation has no
                # meaning of its own here.
                return new_method_return(message)
        if path == MENU_PATH and interface in (MENU_INTERFACE, None):
            return self._menu_call(member, message)
        raise _CallError("org.freedesktop.DBus.Error.UnknownMethod",
                         f"no method {interface}.{member} at {path}")

    def _introspect(self, path: str) -> str:
        body = {ITEM_PATH: _ITEM_XML, MENU_PATH: _MENU_XML}.get(path, "")
        children = ""
        if path == "/":
            children = '\n  <node name="StatusNotifierItem"/>\n  <node name="MenuBar"/>'
        return _INTROSPECT_HEAD + body + children + "\n</node>\n"

    # --- properties ----------------------------------------------------------------------

    def _properties(self, path: str, member: str, message: Message) -> Message:
        if member == "GetAll":
            (interface,) = message.body
            if interface == ITEM_INTERFACE:
                self._on_icon_read()
            return new_method_return(message, "a{sv}", (self._all_properties(path, interface),))
        if member == "Get":
            interface, name = message.body
            values = self._all_properties(path, interface)
            if name == "IconPixmap":
                self._on_icon_read()
            if name not in values:
                raise _CallError("org.freedesktop.DBus.Error.UnknownProperty",
                                 f"no property {interface}.{name}")
            return new_method_return(message, "v", (values[name],))
        if member == "Set":
            raise _CallError("org.freedesktop.DBus.Error.PropertyReadOnly",
                             "these properties are read-only")
        raise _CallError("org.freedesktop.DBus.Error.UnknownMethod", f"no method {member}")

    def _all_properties(self, path: str, interface: str) -> dict[str, tuple[str, Any]]:
        with self._lock:
            view, pixmaps = self._view, list(self._pixmaps)
        if path == ITEM_PATH and interface == ITEM_INTERFACE:
            text = tooltip(view)
            return {
                "Category": ("s", "ApplicationStatus"),
                "Id": ("s", ICON_NAME),
                "Title": ("s", f"deskbreak: {text}"),
                # NeedsAttention while a prompt waits: hosts may highlight the icon.
                "Status": ("s", _status(view)),
                "WindowId": ("i", 0),
                "IconName": ("s", ""),
                "IconThemePath": ("s", ""),
                "IconPixmap": ("a(iiay)", pixmaps),
                "OverlayIconName": ("s", ""),
                "OverlayIconPixmap": ("a(iiay)", []),
                "AttentionIconName": ("s", ""),
                "AttentionIconPixmap": ("a(iiay)", []),
                "AttentionMovieName": ("s", ""),
                "ToolTip": ("(sa(iiay)ss)", ("", [], "deskbreak", text)),
                "ItemIsMenu": ("b", True),
                "Menu": ("o", MENU_PATH),
            }
        if path == MENU_PATH and interface == MENU_INTERFACE:
            return {"Version": ("u", DBUSMENU_VERSION), "TextDirection": ("s", "ltr"),
                    "Status": ("s", "normal"), "IconThemePath": ("as", [])}
        raise _CallError("org.freedesktop.DBus.Error.UnknownInterface",
                         f"no interface {interface} at {path}")

    # --- the menu --------------------------------------------------------------------------

    def _menu_call(self, member: str, message: Message) -> Message:
        with self._lock:
            entries, revision = self._entries, self._revision
        if member == "GetLayout":
            parent, depth, names = message.body
            return new_method_return(message, "u(ia{sv}av)",
                                     (revision, self._layout(entries, parent, depth, names)))
        if member == "GetGroupProperties":
            ids, names = message.body
            found = [(i, self._props(entries, i, names)) for i in ids
                     if 0 <= i <= len(entries)] if ids else \
                [(i, self._props(entries, i, names)) for i in range(len(entries) + 1)]
            return new_method_return(message, "a(ia{sv})", (found,))
        if member == "GetProperty":
            item, name = message.body
            props = self._props(entries, item, [name])
            if name not in props:
                raise _CallError("com.canonical.dbusmenu.Error.UnknownProperty", name)
            return new_method_return(message, "v", (props[name],))
        if member == "Event":
            item, event, _data, _timestamp = message.body
            self._on_event(entries, item, event)
            return new_method_return(message)
        if member == "EventGroup":
            (events,) = message.body
            errors = [item for item, _e, _d, _t in events if not 0 <= item <= len(entries)]
            for item, event, _data, _timestamp in events:
                self._on_event(entries, item, event)
            return new_method_return(message, "ai", (errors,))
        if member == "AboutToShow":
            return new_method_return(message, "b", (False,))
        if member == "AboutToShowGroup":
            return new_method_return(message, "aiai", ([], []))
        raise _CallError("org.freedesktop.DBus.Error.UnknownMethod", f"no method {member}")

    def _props(self, entries: tuple[MenuEntry, ...], item: int,
               names: list[str]) -> dict[str, tuple[str, Any]]:
        if item == 0:
            props = {"children-display": ("s", "submenu")}
        elif 1 <= item <= len(entries):
            props = _item_properties(entries[item - 1])
        else:
            raise _CallError("com.canonical.dbusmenu.Error.UnknownItem", f"no item {item}")
        return {k: v for k, v in props.items() if not names or k in names}

    def _layout(self, entries: tuple[MenuEntry, ...], parent: int, depth: int,
                names: list[str]) -> tuple[int, dict[str, tuple[str, Any]], list[Any]]:
        props = self._props(entries, parent, names)
        children: list[Any] = []
        if parent == 0 and depth != 0:
            children = [("(ia{sv}av)", (i, self._props(entries, i, names), []))
                        for i in range(1, len(entries) + 1)]
        return parent, props, children

    def _on_event(self, entries: tuple[MenuEntry, ...], item: int, event: str) -> None:
        if event != "clicked" or not 1 <= item <= len(entries):
            return
        entry = entries[item - 1]
        if entry.command is None or not entry.enabled or entry.command not in MENU_WORDS:
            return  # a greyed-out entry does nothing, even if a host sends the click anyway
        log.info("tray command: %s", entry.command)
        if entry.command in LOCAL_COMMANDS:
            run_local(entry.command)
            return
        try:
            self._on_command(entry.command)
        except Exception:
            # A failing handler must not take the tray's loop down with it.
            log.exception("tray command handler failed for %r", entry.command)


class _CallError(Exception):
    """A D-Bus error reply: `name` and one line of text."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name
        self.text = text
