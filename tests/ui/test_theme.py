"""Light or dark from the desktop's preference, an override, and a readable minimum font."""

from __future__ import annotations

from deskbreak.ui import theme


def test_the_override_wins_over_the_desktop_preference() -> None:
    assert theme.choose_scheme({"DESKBREAK_THEME": "dark"}, 2) == "dark"
    assert theme.choose_scheme({"DESKBREAK_THEME": "Light"}, 1) == "light"


def test_the_portal_preference_is_followed_and_no_preference_means_light() -> None:
    assert theme.choose_scheme({}, 1) == "dark"
    assert theme.choose_scheme({}, 2) == "light"
    assert theme.choose_scheme({}, 0) == "light"
    assert theme.choose_scheme({"DESKBREAK_THEME": "auto"}, 1) == "dark"
    assert theme.choose_scheme({}, None) == "light"
    assert theme.choose_scheme({}, True) == "light"  # a bool is not a colour-scheme value


def test_without_a_session_bus_the_portal_is_unknown_not_an_error() -> None:
    import os

    saved = os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
    try:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/bus"
        assert theme.read_portal_color_scheme() is None
    finally:
        if saved is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = saved


def test_no_font_is_smaller_than_the_readable_minimum() -> None:
    assert theme.point_size(8) == theme.MIN_POINT_SIZE
    assert theme.point_size(18) == 18


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_text_colour_reads_on_its_background_in_both_schemes() -> None:
    for palette in (theme.LIGHT, theme.DARK):
        for colour in (palette.foreground, palette.muted, palette.caution):
            assert _contrast(colour, palette.background) >= 4.5, (palette.name, colour)
        assert _contrast(palette.foreground, palette.button) >= 4.5
