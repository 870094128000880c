"""What a run measures, as two fingerprints: its configuration and samples,
and the code of its task.

The same command run again finds its unfinished run by the first and
continues it. The second tells whether the task's code changed meanwhile: a
run that went on silently would mix the scores of two versions of a scorer,
so a changed task is refused unless the user asks for a new run or resumes
the old one on purpose.

Transport model arguments (where and how a model is reached: ``api_base``,
timeouts, retries, connections, headers, the key's variable) change nothing
a run measures; they are left out, so a server that came back on another
port does not orphan a run.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

TRANSPORT_ARGS = frozenset(
    {
        "api_base",
        "api_key_env",
        "extra_headers",
        "timeout",
        "max_retries",
        "retry_max_time",
        "backoff_base",
        "backoff_max",
        "max_connections",
    }
)


def without_transport(args: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k not in TRANSPORT_ARGS}


def measured(config: Mapping[str, Any]) -> dict[str, Any]:
    """An EvalConfig's dump without transport arguments (in ``-M`` and in
    every arm's options, flat or under ``model_args``)."""
    out = dict(config)
    out["model_args"] = without_transport(config.get("model_args") or {})
    arms = []
    for arm in config.get("arms") or []:
        options = without_transport(arm.get("options") or {})
        if isinstance(options.get("model_args"), Mapping):
            options["model_args"] = without_transport(options["model_args"])
        arms.append({**arm, "options": options})
    out["arms"] = arms
    return out


def config_fingerprint(config: Mapping[str, Any], samples: Sequence[Any]) -> str:
    data = measured(config)
    data["samples"] = [[s.id, s.input, s.target] for s in samples]
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def code_files(task: Any, task_spec: str, factory: Any = None) -> list[Path]:
    """The source files that define a task's behaviour: the task file (or the
    factory's module), and the modules of its solver (a graph's nodes) and of
    each scorer. Only the defining modules, not what they import: cheap, and
    it catches the edit that matters (a scorer, a prompt, a solver)."""
    nodes = _graph_nodes(task.solver)  # a graph's code is its nodes, not LangGraph's
    objects: list[Any] = [factory, *task.scorers, *(nodes or [task.solver])]
    files: set[Path] = set()
    if "@" in task_spec:
        files.add(Path(task_spec.rpartition("@")[0]))
    for obj in objects:
        found = _source_file(obj)
        if found is not None:
            files.add(found)
    return sorted(files)


def code_digests(files: Iterable[Path]) -> dict[str, str]:
    """Each readable file's SHA-256 (first 16 hex digits), by path."""
    digests = {}
    for file in files:
        try:
            digests[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
        except OSError:
            continue
    return digests


def code_fingerprint(digests: Mapping[str, str]) -> str:
    """The files' contents, wherever they live (a moved checkout is the same code)."""
    text = json.dumps(sorted(digests.values()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _source_file(obj: Any) -> Path | None:
    if obj is None:
        return None
    while isinstance(obj, functools.partial):
        obj = obj.func
    obj = inspect.unwrap(obj) if callable(obj) else obj
    if not (inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isclass(obj)):
        obj = type(obj)
    try:
        name = inspect.getsourcefile(obj)
    except TypeError:  # built-in
        return None
    return Path(name).resolve() if name else None


def _graph_nodes(solver: Any) -> list[Any]:
    """The functions of a LangGraph builder's (or compiled graph's) nodes."""
    builder = getattr(solver, "builder", solver)
    nodes = getattr(builder, "nodes", None)
    if not isinstance(nodes, Mapping):
        return []
    found = []
    for spec in nodes.values():
        runnable = getattr(spec, "runnable", spec)
        for attr in ("afunc", "func"):
            fn = getattr(runnable, attr, None)
            if callable(fn):
                found.append(fn)
    return found
