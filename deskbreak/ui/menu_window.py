"""The tray menu as a small window of its own, for tray backends that have no menu (pystray xorg).

    python -m deskbreak.ui.menu_window < request.json

Request (one JSON object on stdin): {"x": int, "y": int, "items": [{"label": str,
"command": str, "enabled": bool} | {"separator": true}, ...]} where x, y is the pointer position
(root coordinates) of the click on the tray icon. Prints the chosen item's command on one line
and exits 0; Escape, a click outside it or `DISMISS_AFTER_MS` without a choice close
it with nothing printed.

Unlike the break prompt, this window is opened by the user's own click, so taking the keyboard
focus is expected (arrow keys and Enter work). Like a native menu it is an
undecorated override-redirect window next to the pointer that grabs pointer and keyboard while
open (a click outside closes it); the grab ends with the process, at the latest after
`DISMISS_AFTER_MS`.

Threading: a single-threaded Tk process.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tkinter as tk

log = logging.getLogger(__name__)

TITLE = "deskbreak: menu"
#: Close on our own if the user walks away from an open menu.
DISMISS_AFTER_MS = 30_000
#: The grab fails while the click that opened us is still held: retry this often, this often.
GRAB_RETRY_MS = 50
GRAB_ATTEMPTS = 20


def run(request: dict[str, Any]) -> str | None:
    """Show the menu; return the chosen command, or None when dismissed."""
    import tkinter as tk

    chosen: list[str] = []
    root = tk.Tk(className="deskbreak")
    root.withdraw()
    root.title(TITLE)
    root.overrideredirect(True)
    try:
        root.wm_attributes("-type", "popup_menu")
    except tk.TclError:
        pass  # not X11
    root.wm_attributes("-topmost", True)
    from deskbreak.ui import theme

    palette = theme.apply(root)
    font = theme.font(root, 11)
    frame = tk.Frame(root, borderwidth=1, relief="solid", background=palette.background)
    frame.pack(fill="both", expand=True)

    def choose(command: str) -> None:
        chosen.append(command)
        root.destroy()

    buttons: list[tk.Label] = []
    for item in request.get("items", []):
        if item.get("separator"):
            tk.Frame(frame, height=1, background=palette.disabled).pack(fill="x", padx=4,
                                                                        pady=3)
            continue
        enabled = bool(item.get("enabled", True))
        label = tk.Label(frame, text=str(item.get("label", "")), font=font, anchor="w",
                         padx=14, pady=3, background=palette.background,
                         foreground=palette.foreground if enabled else palette.disabled)
        label.pack(fill="x")
        if enabled and item.get("command"):
            command = str(item["command"])

            def on_choose(_e: object, c: str = command) -> None:
                choose(c)

            def on_enter(_e: object, w: tk.Label = label) -> None:
                highlight(w)

            label.bind("<ButtonRelease-1>", on_choose)
            label.bind("<Enter>", on_enter)
            label.bind("<Return>", on_choose)
            buttons.append(label)

    def highlight(widget: tk.Label) -> None:
        for other in buttons:
            other.configure(background=palette.highlight if other is widget
                            else palette.background)
        widget.focus_set()

    def move(step: int) -> None:
        if not buttons:
            return
        current = root.focus_get()
        index = buttons.index(current) if current in buttons else -step if step > 0 else 0
        highlight(buttons[(index + step) % len(buttons)])

    root.bind("<Escape>", lambda _e: root.destroy())
    root.bind("<Down>", lambda _e: move(1))
    root.bind("<Up>", lambda _e: move(-1))

    def on_press(event: tk.Event[tk.Misc]) -> None:
        # Under the grab, a press outside the menu is reported to us: that dismisses it.
        inside = (root.winfo_rootx() <= event.x_root < root.winfo_rootx() + root.winfo_width()
                  and root.winfo_rooty() <= event.y_root < root.winfo_rooty()
                  + root.winfo_height())
        if not inside:
            root.destroy()

    root.bind("<ButtonPress>", on_press)
    root.update_idletasks()
    width, height = root.winfo_reqwidth(), root.winfo_reqheight()
    x, y = _place(int(request.get("x", 0)), int(request.get("y", 0)), width, height,
                  root.winfo_screenwidth(), root.winfo_screenheight())
    root.geometry(f"+{x}+{y}")
    root.deiconify()
    root.lift()
    root.bind("<Map>", lambda _e: _grab(root, GRAB_ATTEMPTS), add="+")
    root.after(DISMISS_AFTER_MS, root.destroy)
    root.mainloop()
    return chosen[0] if chosen else None


def _grab(root: tk.Tk, attempts: int) -> None:
    """Take the pointer and keyboard, as menus do, so a click elsewhere or Escape closes it."""
    import tkinter as tk

    # typeshed leaves Misc.grab_current unannotated; it returns a widget or None.
    if root.grab_current() is not None:  # type: ignore[no-untyped-call]
        return
    try:
        root.grab_set_global()
        root.focus_force()
    except tk.TclError:
        # Someone else holds a grab (e.g. the click that opened us is still held down).
        if attempts > 1:
            root.after(GRAB_RETRY_MS, lambda: _grab(root, attempts - 1))
        else:
            # The menu still works by clicking an item, and closes after DISMISS_AFTER_MS.
            log.warning("could not grab the pointer; click an item or wait to close the menu")


def _place(x: int, y: int, width: int, height: int, screen_w: int,
           screen_h: int) -> tuple[int, int]:
    """Top-left corner for a menu opened at pointer (x, y): below it if it fits, else above."""
    left = min(max(0, x - width // 2), max(0, screen_w - width))
    top = y + 8 if y + 8 + height <= screen_h else max(0, y - 8 - height)
    return left, top


def main() -> int:
    """Read the request, show the menu, print the choice; the exit status."""
    logging.basicConfig(level=logging.WARNING, format="menu_window: %(message)s")
    try:
        request = json.loads(sys.stdin.read())
    except ValueError as error:
        print(f"menu_window: cannot read the request: {error}", file=sys.stderr)
        return 2
    if not isinstance(request, dict):
        print("menu_window: the request must be a JSON object", file=sys.stderr)
        return 2
    command = run(request)
    if command is not None:
        print(command, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
