"""The scenario registry: named episode starting states for suites and the CLI.

A scenario is a name, a one-line description and a factory returning an
:class:`~ethos.sandbox.spec.EpisodeSpec`. Suites above the kernel (the
scheming suite in ``ethos.evals``, CODA's files application in
``ethos.graphs``/``ethos.agents``) register theirs without the kernel
importing them: they declare a module in the ``ethos.sandbox_scenarios``
entry-point group, and the first lookup imports it::

    [project.entry-points."ethos.sandbox_scenarios"]
    scheming = "ethos.evals.scheming.scenarios"        # a module that calls register_scenario
    coda = "ethos.graphs.coda.files:sandbox_scenarios"  # or a callable returning Scenario objects

Entry points that fail to load are reported by :func:`discovery_errors` (and
by ``ethos sandbox scenarios``) instead of hiding every other scenario.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ethos.sandbox.errors import ScenarioInvalid, ScenarioNotFound
from ethos.sandbox.spec import EpisodeSpec

ENTRY_POINT_GROUP = "ethos.sandbox_scenarios"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scenario:
    """A named starting state: ``factory()`` builds a fresh spec for each episode."""

    name: str
    factory: Callable[[], EpisodeSpec]
    description: str

    def spec(self) -> EpisodeSpec:
        """A fresh :class:`EpisodeSpec` from the factory, checked."""
        try:
            spec = self.factory()
        except ScenarioInvalid:
            raise
        except Exception as exc:  # a scenario module's bug, named with the scenario
            raise ScenarioInvalid(
                f"scenario {self.name!r} could not build its episode: {type(exc).__name__}: {exc}",
                "fix the scenario's factory",
            ) from exc
        if not isinstance(spec, EpisodeSpec):
            raise ScenarioInvalid(
                f"scenario {self.name!r} returned {type(spec).__name__}, not an EpisodeSpec",
                "return ethos.sandbox.EpisodeSpec(...) from the factory",
            )
        return spec


_registry: dict[str, Scenario] = {}
_lock = threading.Lock()
_discovered = False
_discovery_errors: list[str] = []


def register_scenario(
    name: str, factory: Callable[[], EpisodeSpec], description: str, *, replace: bool = False
) -> Scenario:
    """Register ``factory`` under ``name``. Registering a second, different
    factory under a taken name is refused (two suites picking one name would
    otherwise silently swap episodes) unless ``replace`` is set."""
    if not name or any(ch.isspace() for ch in name):
        raise ValueError(f"scenario name {name!r} must be non-empty and without spaces")
    scenario = Scenario(name=name, factory=factory, description=" ".join(description.split()))
    with _lock:
        old = _registry.get(name)
        if old is not None and old.factory is not factory and not replace:
            raise ValueError(
                f"scenario {name!r} is already registered (by {_where(old.factory)}); "
                "pick another name or pass replace=True"
            )
        _registry[name] = scenario
    return scenario


def _where(factory: Callable[..., object]) -> str:
    return f"{getattr(factory, '__module__', '?')}.{getattr(factory, '__qualname__', '?')}"


def _discover() -> None:
    """Import the built-in scenarios and every ``ethos.sandbox_scenarios``
    entry point, once per process."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    from importlib.metadata import entry_points

    from ethos.sandbox import demo_scenarios

    demo_scenarios.register()

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = ep.load()
            if callable(loaded):  # a module registered itself on import
                produced = loaded()
                if produced is not None:
                    _register_all(produced, ep.value)
        except Exception as exc:  # one broken plug-in must not hide the others
            message = f"{ep.name} ({ep.value}): {type(exc).__name__}: {exc}"
            _log.warning("sandbox scenarios entry point failed: %s", message)
            _discovery_errors.append(message)


def _register_all(produced: Iterable[Scenario], source: str) -> None:
    for scenario in produced:
        if not isinstance(scenario, Scenario):
            raise TypeError(f"{source} produced {type(scenario).__name__}, not a Scenario")
        register_scenario(scenario.name, scenario.factory, scenario.description)


def scenarios() -> list[Scenario]:
    """Every registered scenario, by name."""
    _discover()
    with _lock:
        return sorted(_registry.values(), key=lambda s: s.name)


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name``; :class:`ScenarioNotFound` names the known ones."""
    _discover()
    with _lock:
        found = _registry.get(name)
        known = sorted(_registry)
    if found is None:
        import difflib

        close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise ScenarioNotFound(
            f"no sandbox scenario is called {name!r}",
            f"{hint}'ethos sandbox scenarios' lists the {len(known)} there are",
        )
    return found


def discovery_errors() -> list[str]:
    """Entry points of ``ethos.sandbox_scenarios`` that failed to load, one line each."""
    _discover()
    return list(_discovery_errors)
