"""Saying where a task went wrong: a task file that does not import, and a
task factory that raises.

A user who passes a bad ``-T`` value must hear "check the -T values"; a user
whose factory has a bug must hear the file and line of the bug, not advice
about arguments. The two are told apart by where the error was raised: a
``TypeError``/``ValueError`` raised in the factory's own frame (its argument
checks, or a library refusing a value it passed on) is about the
arguments; anything raised deeper in the code, or of another class, is a
bug, reported at the innermost frame of code the user wrote (not the
standard library's or an installed library's).
"""

from __future__ import annotations

import inspect
import sysconfig
from pathlib import Path
from types import TracebackType
from typing import Any

from ethos.errors import EthosError

_LIBRARY_DIRS = tuple(
    str(Path(p).resolve())
    for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (p := sysconfig.get_paths().get(key))
)


class TaskError(EthosError):
    """A task cannot be found, built, or given these arguments."""


def _frames(tb: TracebackType | None) -> list[tuple[str, int, str, Any]]:
    out = []
    while tb is not None:
        code = tb.tb_frame.f_code
        out.append((code.co_filename, tb.tb_lineno, code.co_name, code))
        tb = tb.tb_next
    return out


def _is_own(filename: str) -> bool:
    if filename.startswith("<"):  # <frozen importlib._bootstrap>, <string>
        return False
    resolved = str(Path(filename).resolve())
    return not any(resolved.startswith(d + "/") or resolved == d for d in _LIBRARY_DIRS)


def origin(exc: BaseException) -> tuple[str, int, str, Any] | None:
    """The innermost frame of code outside the standard and installed
    libraries that ``exc`` passed through (else its innermost frame)."""
    frames = _frames(exc.__traceback__)
    own = [f for f in frames if _is_own(f[0])]
    if own:
        return own[-1]
    return frames[-1] if frames else None


def _where(frame: tuple[str, int, str, Any] | None) -> str:
    if frame is None:
        return "an unknown place"
    file, line, name, _ = frame
    return f"{file}:{line} (in {name})"


def _message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def factory_failure(spec: str, factory: Any, exc: Exception) -> EthosError:
    """The one error to show for a factory that raised ``exc``."""
    if isinstance(exc, EthosError):
        return exc
    frame = origin(exc)
    own_code = getattr(inspect.unwrap(factory), "__code__", None)
    if isinstance(exc, TypeError | ValueError) and frame is not None and frame[3] is own_code:
        return TaskError(
            f"task {spec!r} rejected its arguments: {_message(exc)} (raised at {_where(frame)})",
            "check the -T values",
        )
    return TaskError(
        f"task {spec!r} failed while being built: {_message(exc)} at {_where(frame)}",
        "this is a bug in the task's code, not in its -T values: fix it at that line",
    )


def import_failure(path: Path, exc: BaseException) -> TaskError:
    """The one error to show for a task file that does not import."""
    if isinstance(exc, SyntaxError):
        where = Path(exc.filename).resolve() if exc.filename else path
        in_file = "" if where == path else f" (in {where}, which it imports)"
        return TaskError(
            f"task file {path} has a syntax error at line {exc.lineno}: {exc.msg}{in_file}",
            f"fix line {exc.lineno} of {where}",
        )
    fix = "fix the file at that line"
    if isinstance(exc, ImportError):
        fix = "install the missing module in this environment, or fix the import at that line"
    return TaskError(
        f"task file {path} does not import: {_message(exc)} at {_where(origin(exc))}", fix
    )
