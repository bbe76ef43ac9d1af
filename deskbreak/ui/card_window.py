"""The frame the text windows share (the welcome/About window and the safety card): a footer
with one close button and a muted hint, and above it a body that scrolls once the screen is too
small for it, centred on the monitor the person is using.

    card = CardWindow("When to get help", button="Close", hint="Also in a terminal: ...")
    card.label(card.body, "Heading", "heading")
    ...
    card.show()                 # sized to the screen, placed and mapped
    card.root.mainloop()

Enter, Escape and the window manager's Close all close it. Fonts: "title", "heading", "text"
and "button", never smaller than the theme's minimum.

Threading: a single-threaded Tk process of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deskbreak.ui import theme

if TYPE_CHECKING:
    import tkinter as tk
    from tkinter import font as tkfont

#: The window never grows past the screen less this much (panels, title bar); the body
#: scrolls instead.
SCREEN_ROOM = 110


class CardWindow:
    """A themed, withdrawn Tk root with the footer and the scrolling body in place."""

    def __init__(self, title: str, *, button: str, hint: str) -> None:
        import tkinter as tk

        self.root = tk.Tk(className="deskbreak")
        self.root.withdraw()
        self.palette = theme.apply(self.root)
        self.root.title(title)
        self.fonts: dict[str, tkfont.Font] = {
            "title": theme.font(self.root, 16, "bold"),
            "heading": theme.font(self.root, 12, "bold"),
            "text": theme.font(self.root, 11), "button": theme.font(self.root, 12, "bold")}
        # The footer first, so its button always shows however small the screen.
        self.footer = tk.Frame(self.root, padx=18, pady=12)
        self.footer.pack(side="bottom", fill="x")
        self.button = tk.Button(self.footer, text=button, font=self.fonts["button"],
                                default="active", width=8, command=self.root.destroy)
        self.button.pack(side="right")
        tk.Label(self.footer, text=hint, font=self.fonts["text"],
                 fg=self.palette.muted).pack(side="left")
        outer = tk.Frame(self.root)
        outer.pack(side="top", fill="both", expand=True)
        self._canvas = tk.Canvas(outer, highlightthickness=0, borderwidth=0,
                                 background=self.palette.background)
        self._bar = tk.Scrollbar(outer, orient="vertical", command=self._canvas.yview)
        self._canvas.configure(yscrollcommand=self._bar.set)
        self._canvas.pack(side="left", fill="both", expand=True)
        self.body = tk.Frame(self._canvas, padx=18, pady=14)
        self._canvas.create_window(0, 0, window=self.body, anchor="nw")

    def label(self, parent: tk.Misc, text: str, font: str, wrap: int, **pack: Any) -> tk.Label:
        """A left-aligned, wrapped label packed across `parent`."""
        import tkinter as tk

        widget = tk.Label(parent, text=text, font=self.fonts[font], anchor="w",
                          justify="left", wraplength=wrap)
        widget.pack(fill="x", **pack)
        return widget

    def show(self) -> None:
        """Fit the body to the screen (a scroll bar and the wheel when it does not fit), bind
        the closing keys, centre the window on the person's monitor and map it."""
        root = self.root
        root.update_idletasks()
        wanted_h = self.body.winfo_reqheight()
        room = root.winfo_screenheight() - SCREEN_ROOM - self.footer.winfo_reqheight()
        self._canvas.configure(width=self.body.winfo_reqwidth(), height=min(wanted_h, room),
                               scrollregion=(0, 0, self.body.winfo_reqwidth(), wanted_h))
        if wanted_h > room:
            self._bar.pack(side="right", fill="y")
            for sequence, step in (("<Button-4>", -1), ("<Button-5>", 1)):
                def on_wheel(_event: object, units: int = step) -> None:
                    self._canvas.yview_scroll(units, "units")

                root.bind_all(sequence, on_wheel)
        for sequence in ("<Return>", "<KP_Enter>", "<Escape>"):
            root.bind(sequence, lambda _e: root.destroy())
        root.protocol("WM_DELETE_WINDOW", root.destroy)
        root.update_idletasks()
        from deskbreak.ui.placement import place

        place(root, root.winfo_reqwidth(), root.winfo_reqheight(), "center")
        root.deiconify()
