"""How numbers and arm names read, the same in the terminal and the HTML."""

from __future__ import annotations


def num(value: float) -> str:
    return f"{value:,.1f}" if abs(value) >= 1000 else f"{value:.3f}"


def interval(low: float, high: float) -> str:
    return f"[{num(low)}, {num(high)}]"


def signed(value: float) -> str:
    return ("+" if value > 0 else "") + num(value)


def arm_label(arm: str) -> str:
    return arm or "-"
