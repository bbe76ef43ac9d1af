"""Choosing a monitor and a position on it: the pure maths behind window placement."""

from __future__ import annotations

import pytest

from deskbreak.adapters.monitors import (
    EDGE_MARGIN,
    PANEL_ALLOWANCE,
    Rect,
    corner_position,
    fit_size,
    monitor_at,
)

LEFT, RIGHT = Rect(0, 0, 1920, 1080), Rect(1920, 0, 1280, 1024)


def test_the_monitor_under_the_pointer_is_chosen() -> None:
    assert monitor_at([LEFT, RIGHT], (2000, 500)) == RIGHT
    assert monitor_at([LEFT, RIGHT], (10, 10)) == LEFT


def test_a_pointer_in_the_dead_zone_below_the_shorter_monitor_picks_the_nearest() -> None:
    assert monitor_at([LEFT, RIGHT], (2500, 1060)) == RIGHT


def test_without_a_pointer_the_first_monitor_is_used_and_none_at_all_is_an_error() -> None:
    assert monitor_at([RIGHT, LEFT], None) == RIGHT
    with pytest.raises(ValueError):
        monitor_at([], (0, 0))


@pytest.mark.parametrize("corner", ["bottom-right", "bottom-left", "top-right", "top-left",
                                    "center"])
def test_every_corner_keeps_the_window_inside_the_monitor(corner: str) -> None:
    x, y = corner_position(RIGHT, 400, 300, corner)
    assert RIGHT.x <= x and x + 400 <= RIGHT.x + RIGHT.width
    assert RIGHT.y <= y and y + 300 <= RIGHT.y + RIGHT.height


def test_bottom_right_sits_at_the_margin_above_the_panel_allowance() -> None:
    x, y = corner_position(RIGHT, 400, 300, "bottom-right")
    assert x == RIGHT.x + RIGHT.width - 400 - EDGE_MARGIN
    assert y == RIGHT.height - 300 - EDGE_MARGIN - PANEL_ALLOWANCE


def test_a_window_taller_than_a_small_monitor_is_shrunk_to_fit() -> None:
    small = Rect(1920, 0, 800, 600)
    width, height = fit_size(small, 680, 900)
    assert width == 680 and height == 600 - 2 * EDGE_MARGIN - PANEL_ALLOWANCE
    x, y = corner_position(small, width, height, "bottom-right")
    assert small.y <= y and y + height <= small.y + small.height
