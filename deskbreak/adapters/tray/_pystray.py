"""Everything deskbreak uses of pystray's private internals, in one place.

Tested against pystray 0.19.5 (the range pinned in pyproject.toml: >=0.19.5,<0.20). pystray
has no public API for what is done here, so a newer release may rename or rework any of it;
`check_internals()` names every private attribute relied on, and tests/adapters/
test_tray_pystray_internals.py fails loudly, listing them, if one has gone.

What is done, and why:
- `load_backend(name)` imports pystray's package without running its `__init__`, which picks a
  backend while it is imported from the process-wide PYSTRAY_BACKEND variable. The package
  module is made by hand (its __path__ set, nothing executed), the chosen backend module is
  imported, and the names `__init__` would have set (Icon, Menu, MenuItem) are filled in from
  that backend, so code that later does `import pystray` sees the same thing.
- `clickable_xorg_icon(module)` subclasses the xorg backend's Icon: it receives clicks (upstream
  issue #151), is safely updated from any thread, is never re-docked on an icon update (upstream
  sends SYSTEM_TRAY_REQUEST_DOCK on every update; trayer then re-embeds the window and it can
  end up 1 px wide), keeps the size it asked for, draws the icon for the pixel size the tray
  gives, and shows a small tooltip window while the pointer is over it (the xorg backend has
  none, and XEmbed hosts such as trayer show none either).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import queue
import sys
import threading
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import PIL.Image

log = logging.getLogger(__name__)

#: The pystray releases the code below is tested against (pyproject.toml pins the same range).
TESTED_VERSIONS = ">=0.19.5,<0.20"
#: How long another thread waits for the xorg loop to carry out an icon update.
XORG_CALL_TIMEOUT = 5.0
#: The size the icon window asks the tray for (XEmbed trays honour the minimum size hint).
XORG_ICON_SIZE = 24
#: The tooltip's pale yellow (a 24-bit TrueColor pixel value, as on Xvfb and every X desktop).
TOOLTIP_BACKGROUND = 0xFFFFE1
#: Private methods of pystray's xorg Icon that are overridden or called; checked by
#: `check_internals` (they must still be defined, under these names).
XORG_METHODS = ("_create_window", "_assert_icon_data", "_on_button_press", "_on_expose",
                "_undock_window", "_rewrite_implementation", "_run", "_mark_ready",
                "_mainloop", "_update_icon", "_draw", "_assert_docked", "_show",
                "_dock_window", "_stop")
#: Private attributes of pystray's xorg Icon read or written here.
XORG_ATTRIBUTES = ("_message_handlers", "_display", "_window", "_systray_manager",
                   "_icon_data", "_icon_valid", "_thread", "_title", "_gc")
#: Private names of pystray's base Icon relied on (all backends).
BASE_METHODS = ("_mark_ready",)
BASE_ATTRIBUTES = ("_icon", "_running", "_menu", "_icon_valid")


def _package_dir() -> Path:
    loaded = sys.modules.get("pystray")
    if loaded is not None and getattr(loaded, "__path__", None):
        return Path(list(loaded.__path__)[0])
    spec = importlib.util.find_spec("pystray")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pystray is not installed (pip install pystray)")
    return Path(list(spec.submodule_search_locations)[0])


def load_backend(name: str) -> types.ModuleType:
    """The pystray backend module `pystray._<name>`, chosen without touching os.environ.

    Raises whatever importing the backend raises (ImportError, Xlib's DisplayNameError, gi's
    ValueError...): the caller collects them.
    """
    package = sys.modules.get("pystray")
    if package is None:
        spec = importlib.util.find_spec("pystray")
        if spec is None:
            raise ImportError("pystray is not installed (pip install pystray)")
        # The package's module object, made from its spec but not executed.
        package = importlib.util.module_from_spec(spec)
        sys.modules["pystray"] = package
    try:
        module = importlib.import_module(f"pystray._{name}")
    except BaseException:
        if not hasattr(package, "Icon"):
            # Leave no half-made package behind: a plain `import pystray` must work later.
            _forget_stub()
        raise
    if not hasattr(package, "Icon"):
        base = importlib.import_module("pystray._base")
        package.Icon = module.Icon  # type: ignore[attr-defined]
        package.Menu = base.Menu  # type: ignore[attr-defined]
        package.MenuItem = base.MenuItem  # type: ignore[attr-defined]
    return module


def _forget_stub() -> None:
    for key in [k for k in sys.modules if k == "pystray" or k.startswith("pystray.")]:
        module = sys.modules[key]
        if key == "pystray" and hasattr(module, "Icon"):
            continue
        del sys.modules[key]


def menu_types() -> tuple[Any, Any]:
    """pystray's (Menu, MenuItem), public names that live in its private `_base`."""
    base = importlib.import_module("pystray._base")
    return base.Menu, base.MenuItem


def installed_version() -> str | None:
    """The installed pystray's version, or None when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pystray")
    except PackageNotFoundError:
        return None


def _class_names(module_file: Path, class_name: str = "Icon") -> tuple[set[str], set[str]]:
    """(methods defined, self.<attr> names used) of `class_name` in a pystray source file."""
    import ast

    tree = ast.parse(module_file.read_text(encoding="utf-8"))
    methods: set[str] = set()
    attributes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for inner in ast.walk(node):
                if isinstance(inner, ast.FunctionDef):
                    methods.add(inner.name)
                elif (isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name)
                      and inner.value.id == "self"):
                    attributes.add(inner.attr)
    return methods, attributes


def check_internals() -> list[str]:
    """The private pystray names this module relies on that the installed pystray lacks
    (empty: all there). Reads pystray's source, so it needs no display."""
    package = _package_dir()
    base_methods, base_attributes = _class_names(package / "_base.py")
    xorg_methods, xorg_attributes = _class_names(package / "_xorg.py")
    xorg_methods |= base_methods
    xorg_attributes |= base_attributes
    missing = [f"_base.Icon.{n}" for n in BASE_METHODS if n not in base_methods]
    missing += [f"_base.Icon.{n}" for n in BASE_ATTRIBUTES if n not in base_attributes]
    missing += [f"_xorg.Icon.{n}" for n in XORG_METHODS if n not in xorg_methods]
    missing += [f"_xorg.Icon.{n}" for n in XORG_ATTRIBUTES if n not in xorg_attributes]
    return missing


def version_tested(version: str) -> bool:
    """Whether a pystray version is inside TESTED_VERSIONS (>=0.19.5,<0.20)."""
    parts = tuple(int(p) for p in version.split(".")[:3] if p.isdigit())
    return (0, 19, 5) <= parts < (0, 20)


def clickable_xorg_icon(module: Any) -> type:
    """pystray's xorg Icon with clicks, any-thread updates, a fixed size and a tooltip."""
    import Xlib.display
    import Xlib.protocol.event
    import Xlib.X
    import Xlib.Xutil

    base = module.Icon

    class ClickableXorgIcon(base):  # type: ignore[misc, valid-type]
        # Any click opens our menu window, so there is a menu after all.
        HAS_MENU = True
        #: pystray's own attribute (set in its __init__): the image drawn at the tray's size.
        _icon_data: PIL.Image.Image | None

        def __init__(self, *args: Any, on_click: Callable[[int, int, int], None],
                     draw: Callable[[int], Any] | None = None, **kwargs: Any) -> None:
            # Set before super().__init__, which creates the window and rewrites the methods.
            self._on_click = on_click
            #: Draws the icon for a pixel size (None: pystray scales the one image).
            self._draw_for_size = draw
            self._call_lock = threading.Lock()
            self._call_results: queue.Queue[BaseException | None] = queue.Queue()
            #: Other threads' own X connection for waking the loop (see _wake_loop).
            self._waker: Any = None
            self._tooltip: Any = None
            #: Times the icon asked a tray to dock it (a test checks that updates add none).
            self.dock_requests = 0
            super().__init__(*args, **kwargs)

        def _create_window(self) -> Any:
            window = super()._create_window()
            # Upstream selects only Exposure and StructureNotify, so clicks never arrive; the
            # pointer's entering and leaving show and hide the tooltip.
            window.change_attributes(event_mask=Xlib.X.ExposureMask
                                     | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask
                                     | Xlib.X.EnterWindowMask | Xlib.X.LeaveWindowMask)
            # Upstream creates a 1x1 window with only a minimum size: ask for the icon's size
            # outright (base and minimum), so a tray re-reading the hints never shrinks it.
            size = XORG_ICON_SIZE
            window.configure(width=size, height=size)
            window.set_wm_normal_hints(
                flags=Xlib.Xutil.PPosition | Xlib.Xutil.PSize | Xlib.Xutil.PMinSize
                | Xlib.Xutil.PBaseSize,
                min_width=size, min_height=size, base_width=size, base_height=size)
            self._message_handlers[Xlib.X.EnterNotify] = self._on_enter
            self._message_handlers[Xlib.X.LeaveNotify] = self._on_leave
            return window

        # --- docking: once, and again only when the tray itself goes away ----------------

        def _dock_window(self) -> None:
            self.dock_requests += 1
            super()._dock_window()

        def _show(self) -> None:
            # Upstream's visible=True docks twice (once in _update_icon, once in _show).
            if self._systray_manager is None:
                super()._show()

        def _update_icon(self) -> None:
            # Upstream docks again on every update (each time a SYSTEM_TRAY_REQUEST_DOCK that
            # makes trayer re-embed the window). Dock only when not docked; otherwise redraw.
            if self._systray_manager is None:
                super()._update_icon()
                return
            self._icon_data = None
            self._draw()
            self._icon_valid = True

        def _assert_icon_data(self, width: int, height: int) -> None:
            if self._icon_data is not None and self._icon_data.size == (width, height):
                return
            if self._draw_for_size is None or width <= 1 or height <= 1:
                super()._assert_icon_data(width, height)
                return
            # Drawn for the window's real size (not a 64 px image scaled with LANCZOS, whose
            # ringing gave black fringes), centred on a background the window shares with the
            # tray; the window is RGB, so transparency is composed onto that background.
            import PIL.Image

            side = max(1, min(width, height))
            drawing = self._draw_for_size(side)
            canvas = PIL.Image.new("RGB", (width, height), self._background())
            canvas.paste(drawing, ((width - side) // 2, (height - side) // 2), drawing)
            # python-xlib calls tostring(), which Pillow no longer has.
            canvas.tostring = canvas.tobytes  # type: ignore[attr-defined]
            self._icon_data = canvas

        def _background(self) -> tuple[int, int, int]:
            """The tray's background colour behind the icon (trayer's is a light grey)."""
            return getattr(self, "background", (0xD6, 0xD6, 0xD6))

        # --- clicks and the tooltip -------------------------------------------------------

        def _on_button_press(self, event: Any) -> None:
            # Runs on pystray's X loop: an exception here would end that loop for good.
            self._hide_tooltip()
            try:
                if event.detail in (1, 3):
                    self._on_click(event.detail, event.root_x, event.root_y)
            except Exception:
                log.exception("tray click handler failed")

        def _on_enter(self, event: Any) -> None:
            try:
                self._show_tooltip(event.root_x, event.root_y)
            except Exception:  # a tooltip is never worth the loop
                log.exception("tray tooltip failed")

        def _on_leave(self, _event: Any) -> None:
            self._hide_tooltip()

        def _show_tooltip(self, x: int, y: int) -> None:
            text = self.title or ""
            if not text:
                return
            self._hide_tooltip()
            display = self._display
            screen = display.screen()
            font = display.open_font("fixed")
            extents = font.query_text_extents(text.encode("latin-1", "replace"))
            pad = 4
            width = extents.overall_width + 2 * pad
            height = extents.font_ascent + extents.font_descent + 2 * pad
            left = max(0, min(x - width // 2, screen.width_in_pixels - width))
            top = y + 20 if y + 20 + height <= screen.height_in_pixels else y - height - 8
            tip = screen.root.create_window(
                left, top, width, height, 1, screen.root_depth,
                background_pixel=TOOLTIP_BACKGROUND, border_pixel=0x000000, override_redirect=True,
                event_mask=Xlib.X.ExposureMask)
            tip.set_wm_name("deskbreak tooltip")
            tip.set_wm_class("deskbreak-tooltip", "deskbreak")
            # image_text fills behind the glyphs with the GC's background: make it the tip's.
            gc = tip.create_gc(foreground=screen.black_pixel, background=TOOLTIP_BACKGROUND,
                               font=font)
            tip.map()
            tip.image_text(gc, pad, pad + extents.font_ascent,
                           text.encode("latin-1", "replace"))
            display.flush()
            self._tooltip = (tip, gc, text, pad + extents.font_ascent)
            self._message_handlers.setdefault(Xlib.X.Expose, self._on_expose)

        def _on_expose(self, event: Any) -> None:
            if self._tooltip is not None and event.window.id == self._tooltip[0].id:
                tip, gc, text, baseline = self._tooltip
                tip.image_text(gc, 4, baseline, text.encode("latin-1", "replace"))
                return
            super()._on_expose(event)

        def _hide_tooltip(self) -> None:
            tip, self._tooltip = self._tooltip, None
            if tip is not None:
                try:
                    tip[0].destroy()
                    self._display.flush()
                except Exception:
                    log.debug("tooltip window already gone", exc_info=True)

        # --- the loop and updates from other threads --------------------------------------

        def _run(self) -> None:
            # Upstream releases the setup thread before recording which thread runs the loop,
            # so an early update from setup could run on the wrong thread. Record it first.
            self._thread = threading.current_thread()
            self._mark_ready()
            self._mainloop()

        def _rewrite_implementation(self, *methods: Callable[[], None]) -> None:
            # Upstream wakes the X loop by sending a message over the loop's own connection
            # from the calling thread; python-xlib 0.33 then deadlocks now and again (the
            # loop waits forever for a reply inside get_geometry). Here other threads send
            # the wake-up over a connection of their own, so only the loop thread ever uses
            # self._display once the loop runs.
            handlers: dict[int, Callable[[], None]] = {}
            for original in methods:
                atom = self._display.intern_atom(f"_PYSTRAY_{original.__name__.upper()}")
                handlers[atom] = original
                setattr(self, original.__name__, self._dispatcher(original, atom))

            def on_client_message(event: Any) -> None:
                handler = handlers.get(event.client_type)
                if handler is None:
                    return  # XEMBED and other messages from the tray host
                try:
                    handler()
                except Exception as error:  # handed to the waiting caller, re-raised there
                    self._call_results.put(error)
                else:
                    self._call_results.put(None)

            self._message_handlers[Xlib.X.ClientMessage] = on_client_message

        def _wake_loop(self, atom: int) -> None:
            """Send the loop a ClientMessage naming the call (caller holds _call_lock). The
            connection is kept: opening one per update cost ~20 context switches each."""
            if self._waker is None:
                self._waker = Xlib.display.Display(self._display.get_display_name())
            window = self._waker.create_resource_object("window", self._window.id)
            window.send_event(Xlib.protocol.event.ClientMessage(
                window=window, client_type=atom, data=(32, [0, 0, 0, 0, 0])),
                event_mask=Xlib.X.NoEventMask)
            self._waker.flush()

        def _close_waker(self) -> None:
            waker, self._waker = self._waker, None
            if waker is not None:
                try:
                    waker.close()
                except Exception:  # already broken: nothing to release
                    log.debug("closing the tray's wake-up connection failed", exc_info=True)

        def close_waker(self) -> None:
            """Release the wake-up connection; after stop(), from any thread but the loop's
            (pystray runs its own _stop on the loop thread while the caller holds the lock)."""
            with self._call_lock:
                self._close_waker()

        @property
        def docked(self) -> bool:
            """Whether a tray holds the icon now (read from any thread; a snapshot)."""
            return self._systray_manager is not None

        def _dispatcher(self, original: Callable[[], None], atom: int) -> Callable[[], None]:
            def call() -> None:
                loop = getattr(self, "_thread", None)
                if loop is None or loop.ident == threading.get_ident():
                    original()  # the loop is not running yet, or this is the loop
                    return
                with self._call_lock:
                    try:
                        self._wake_loop(atom)
                    except Exception:  # a broken wake-up connection: open a new one, once
                        self._close_waker()
                        self._wake_loop(atom)
                    try:
                        error = self._call_results.get(timeout=XORG_CALL_TIMEOUT)
                    except queue.Empty:
                        log.warning("tray: the X loop did not run %s in time", original.__name__)
                        return
                if error is not None:
                    raise error

            return call

    return ClickableXorgIcon
