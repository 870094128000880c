"""Suites as plug-ins: how ethos finds tasks and report sections it does not ship.

A suite is a package of tasks and, optionally, its own section in the
reports of their runs. It declares itself with one entry point in the group
``ethos.suites`` that names a :class:`Suite`, the way a pytest plug-in
names its module in ``pytest11``::

    [project.entry-points."ethos.suites"]
    mysuite = "my_package.suite:SUITE"

    # my_package/suite.py
    SUITE = Suite(
        name="mysuite",
        tasks=("my_package.tasks",),          # modules whose @task functions are its tasks
        report="my_package.report:SECTION",   # a ReportSection, imported only for its runs
    )

ethos' own suites (games, moe, publicagent) are declared the same way in its
pyproject, so a plug-in is a peer of the built-ins, not a special case.

Loading is forgiving and loud: a plug-in whose entry point or task module
fails to import is recorded as one line naming it (:func:`problems`) and
left out; the other suites still load, so one broken package never hides
the rest from ``ethos eval list``.

A run records its suite when it starts (``runs.metadata["suite"]``, from
:func:`suite_of_task`), and its report takes the section of that suite, so a
task file that returns a games task gets the games section.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

ENTRY_POINT_GROUP = "ethos.suites"


@dataclass(frozen=True)
class Suite:
    """A suite's declaration: its name, the modules that register its tasks
    when imported, and where its report section lives.

    ``report`` is a ``"module:attribute"`` string naming a
    :class:`ethos.evals.report.ReportSection` (imported only when a run of
    the suite is reported, so listing tasks never loads plotting code), or
    the object itself.
    """

    name: str
    tasks: tuple[str, ...] = ()
    report: str | Any | None = None
    description: str = ""

    def owns(self, module: str | None) -> bool:
        """Whether ``module`` is one of the suite's task modules or inside one."""
        if not module:
            return False
        return any(module == m or module.startswith(m + ".") for m in self.tasks)

    def report_section(self) -> Any | None:
        """The suite's report section, imported on first use."""
        if not isinstance(self.report, str):
            return self.report
        module, _, attribute = self.report.partition(":")
        return getattr(importlib.import_module(module), attribute)


@dataclass
class _Loaded:
    suites: dict[str, Suite] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    tasks_loaded: bool = False


@cache
def _loaded() -> _Loaded:
    loaded = _Loaded()
    found = _entry_points()
    if not any(_distribution(ep) == "ethos" for ep in found):
        loaded.problems.append(
            "ethos' own suites are not registered: the installed ethos metadata has no "
            f"{ENTRY_POINT_GROUP!r} entry points (an install older than the plug-in suites); "
            "reinstall ethos (pip install -e . in a checkout)"
        )
    for ep in sorted(found, key=lambda ep: (_distribution(ep) != "ethos", ep.name)):
        where = f"suite plug-in {ep.name!r} ({ep.value}, from {_distribution(ep) or 'unknown'})"
        try:
            suite = ep.load()
        except Exception as exc:  # a plug-in's bug must not hide the other suites
            loaded.problems.append(f"{where} cannot be loaded: {_one_line(exc)}")
            continue
        if not isinstance(suite, Suite):
            loaded.problems.append(
                f"{where} names a {type(suite).__name__}, not an ethos Suite; "
                "point the entry point at a Suite(...)"
            )
            continue
        if suite.name in loaded.suites:
            loaded.problems.append(f"{where} declares suite {suite.name!r} again; ignored")
            continue
        loaded.suites[suite.name] = suite
    return loaded


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    """Every distribution's entry points in the group. Not
    ``entry_points(group=...)``, which keeps only the first distribution of
    a name on sys.path: a stale ``ethos.egg-info`` in a checkout (from a
    build there) would hide the installed metadata's suites."""
    found: dict[tuple[str, str], importlib.metadata.EntryPoint] = {}
    for dist in importlib.metadata.distributions():
        for ep in dist.entry_points:
            if ep.group == ENTRY_POINT_GROUP:
                found.setdefault((ep.name, ep.value), ep)
    return list(found.values())


def _distribution(ep: importlib.metadata.EntryPoint) -> str | None:
    dist = getattr(ep, "dist", None)
    return dist.metadata["Name"] if dist is not None else None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def suites() -> dict[str, Suite]:
    """Every suite that loaded, by name."""
    return dict(_loaded().suites)


def problems() -> list[str]:
    """One line per plug-in that failed to load (entry point or task module)."""
    load_tasks()
    return list(_loaded().problems)


def load_tasks() -> None:
    """Import every suite's task modules once, so their ``@task`` functions
    register; a module that fails is recorded in :func:`problems`."""
    loaded = _loaded()
    if loaded.tasks_loaded:
        return
    loaded.tasks_loaded = True
    for suite in loaded.suites.values():
        for module in suite.tasks:
            try:
                importlib.import_module(module)
            except Exception as exc:
                loaded.problems.append(
                    f"suite {suite.name!r} cannot import its tasks module {module!r}: "
                    f"{_one_line(exc)}"
                )


def reload() -> None:
    """Forget what was loaded (after installing a plug-in in this process)."""
    _loaded.cache_clear()


def suite_named(name: str | None) -> Suite | None:
    return _loaded().suites.get(name) if name else None


def suite_of_modules(modules: Iterable[str | None]) -> str | None:
    """The suite owning the first of ``modules`` that a suite owns."""
    known = _loaded().suites.values()
    for module in modules:
        for suite in known:
            if suite.owns(module):
                return suite.name
    return None


def suite_of_task(task: Any) -> str | None:
    """The suite a built Task belongs to: ``Task.metadata["suite"]`` when the
    factory set it, else the suite whose task modules define its solver or
    scorers (so a task file that returns a suite's task keeps its suite)."""
    declared = task.metadata.get("suite")
    if declared:
        return str(declared)
    parts = [task.solver, *task.scorers]
    return suite_of_modules(getattr(part, "__module__", None) for part in parts)
