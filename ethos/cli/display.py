"""``--display rich|plain|none``: how a long command shows that it is working.

As in Inspect AI: ``rich`` (live bars, the default on a terminal), ``plain``
(one line at a time, the default when stderr is a pipe or a log file, so a
nine-minute ingest is not nine silent minutes) and ``none``. Progress goes
to stderr: stdout keeps only the command's result, for redirection.
Kept free of heavy imports: this module loads for ``ethos --help``.
"""

from __future__ import annotations

import sys
import time
from enum import StrEnum

import typer


class Display(StrEnum):
    rich = "rich"
    plain = "plain"
    none = "none"


DISPLAY_HELP = (
    "How to show progress on stderr: rich (live bars; the default on a terminal), "
    "plain (a line at steady intervals; the default in pipes and logs) or none."
)


def display_option() -> Display | None:
    """The ``--display`` option, the same on every command that has one."""
    return typer.Option(None, "--display", help=DISPLAY_HELP, case_sensitive=False)  # type: ignore[no-any-return]


def resolve(display: Display | str | None) -> str:
    """The mode to use: the one asked for, else rich on a terminal, plain elsewhere."""
    if display is not None:
        return display.value if isinstance(display, Display) else str(display)
    from rich.console import Console

    return "rich" if Console(stderr=True).is_terminal else "plain"


class Steps:
    """A command's steps as lines on stderr (``plain`` and ``rich``; nothing
    with ``none``), each with the seconds since the command began."""

    def __init__(self, mode: str, what: str) -> None:
        self.mode, self.what = mode, what
        self.started = time.monotonic()

    def __call__(self, text: str) -> None:
        if self.mode == "none":
            return
        elapsed = time.monotonic() - self.started
        if self.mode == "rich":
            from rich.console import Console
            from rich.markup import escape

            Console(stderr=True).print(
                f"[dim]{escape(self.what)} {elapsed:5.1f}s[/]  {escape(text)}", highlight=False
            )
        else:
            print(f"{self.what} {elapsed:.1f}s: {text}", file=sys.stderr, flush=True)


RESUME = "run the same command to resume"
_resume_hint = RESUME


def set_resume_hint(hint: str) -> None:
    """What Ctrl-C says for this command when "the same command" would not
    resume (``ask`` starts a new run unless given ``--resume RUN``)."""
    global _resume_hint
    _resume_hint = hint


def cancelled_line() -> str:
    """The line Ctrl-C ends with: the run was marked cancelled on the way
    out, and this says how to go on."""
    return f"cancelled: {_resume_hint}"


def quiet_cancellation() -> None:
    """After Ctrl-C: the coroutines and tasks the interrupted event loop left
    behind are collected without "coroutine ... was never awaited" or "Task
    was destroyed but it is pending" noise; the run itself was marked
    cancelled on the way out, and running the same command resumes it."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", message=r"coroutine .* was never awaited")
    warnings.filterwarnings("ignore", category=ResourceWarning)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
