"""Help text shown as written: rich markup escaped before typer renders it.

The command line renders help with rich markup (``rich_markup_mode="rich"``),
so any ``[word]`` in a help string was read as a style tag and vanished:
"default: [roles] in ethos.toml" printed as "default:  in ethos.toml". No
help text here means markup, so every command's, group's and option's help
is escaped once, before the first command is built.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer

_seen: set[int] = set()


def escape_help(app: typer.Typer) -> None:
    """Escape the help of ``app``, its commands, groups and parameters, in
    place; calling it again changes nothing."""
    from rich.markup import escape

    _walk(app, escape)


def _once(obj: Any) -> bool:
    if id(obj) in _seen:
        return False
    _seen.add(id(obj))
    return True


def _walk(app: typer.Typer, escape: Any) -> None:
    info = app.info
    if isinstance(info.help, str) and _once(info):
        info.help = escape(info.help)
    for holder in (info, getattr(app, "registered_callback", None)):
        if holder is not None and callable(holder.callback):
            _params(holder.callback, escape)
    for command in app.registered_commands:
        if command.callback is None:
            continue
        if _once(command):
            doc = command.help if command.help is not None else inspect.getdoc(command.callback)
            if doc:
                command.help = escape(inspect.cleandoc(doc))
        _params(command.callback, escape)
    for group in app.registered_groups:
        if isinstance(group.help, str) and _once(group):
            group.help = escape(group.help)
        if group.typer_instance is not None:
            _walk(group.typer_instance, escape)


def _params(callback: Any, escape: Any) -> None:
    from typer.models import ParameterInfo

    for parameter in inspect.signature(callback).parameters.values():
        default = parameter.default
        if isinstance(default, ParameterInfo) and isinstance(default.help, str):
            if _once(default):
                default.help = escape(default.help)
