"""An ethos eval run as Inspect AI logs: ``ethos eval export RUN -o FILE``.

Inspect's viewer (``inspect view``) and its ``read_eval_log`` are what many
users reach for to read an evaluation; writing their log format lets them
read ours without ethos. The ``.json`` log format (version 2) is written
directly from the database, so the export does not import inspect_ai.

One log per arm. An Inspect log is one task evaluated on one model, and its
headline metrics are that model's: folding arms into one log would average
a steered model with its baseline. So a run with one arm writes FILE, and a
run with several writes ``FILE-stem.<arm>.json`` beside it, all sharing the
ethos run id as Inspect's ``run_id`` (Inspect's own grouping of the logs of
one ``eval()`` call over several models). Every sample also carries its arm
in ``metadata["ethos"]``. Given a directory instead of FILE, the logs are
named as Inspect names its own (``<created>_<task>_<arm>_<run>.json``):
``inspect view`` lists only ``.json`` logs whose names start with a
timestamp, so ``inspect view --log-dir DIR`` shows these.

What goes where:
- ``eval``: task, task args, the arm's model and options, the model roles,
  epochs; ``tags`` and ``metadata["scripted"]`` label scripted models (test
  doubles, not model behaviour).
- each sample: its id, epoch (Inspect counts from 1, ethos from 0), input,
  target, the solver's output as the answer, scores (value, explanation,
  metadata; an unscored value is NaN with reason ``scoring_failed``), the
  error of a failed sample, token usage and cost per model (every call that
  was paid for, earlier attempts included), and from its transcript: the
  messages (every conversation the sample's model calls carried, in order,
  each message once) and the events (one ModelEvent per model call, a
  ToolEvent per tool call, graph nodes as spans, suite events as
  InfoEvents, then one ScoreEvent per score).
- ``results``: per scorer (per key of a dict-valued score) the mean and
  standard error over the arm's scored samples, each sample's epochs
  reduced to their mean first (Inspect's default reducer);
  ``ethos eval report`` has the paired intervals against the baseline.

A run stored with transcripts off still exports: its samples have scores,
usage and output but no messages or events, and the log says so in
``metadata["transcripts"]``.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ethos.db.store import Run, Sample, Store
from ethos.errors import EthosError

LOG_VERSION = 2
STATUS = {"succeeded": "success", "failed": "error", "cancelled": "cancelled"}
STOP_REASON = {
    "stop": "stop",
    "length": "max_tokens",
    "max_tokens": "max_tokens",
    "tool_calls": "tool_calls",
    "content_filter": "content_filter",
}
SCRIPTED_TAG = "scripted models: test doubles, not model behaviour"


# -- the export ----------------------------------------------------------------


async def export_run(store: Store, run_id: str, path: str | os.PathLike[str]) -> list[Path]:
    """Write the eval run ``run_id`` as Inspect ``.json`` logs (one per arm,
    see the module docstring); returns the files written."""
    target = check_destination(path)
    run = await store.get_run(run_id)
    if run.kind != "eval":
        raise EthosError(
            f"run {run.id} is a {run.kind} run, not an eval",
            "export an eval run (`ethos runs list --kind eval` lists them)",
        )
    samples = await _all_samples(store, run.id)
    scores = await _scores(store, run.id)
    usage = await _usage(store, run.id)
    keeps_transcripts = run.metadata.get("transcripts") is not False
    exported: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sample in samples:
        events = []
        if keeps_transcripts:
            events = await _events(store, sample.id)
        exported[sample.arm].append(
            inspect_sample(run, sample, scores.get(sample.id, []), usage.get(sample.id, {}), events)
        )
    arms = _arms(run, exported)
    if target.is_dir():
        files = distinct([target / inspect_name(run, name) for name, _ in arms])
    else:
        files = destinations(target, [name for name, _ in arms])
    for (name, model), file in zip(arms, files, strict=True):
        write_json(file, eval_log(run, name, model, exported.get(name, []), len(arms)))
    return files


def check_destination(path: str | os.PathLike[str]) -> Path:
    """The ``-o`` file (or directory), refused before any work when it
    cannot be written. A path written with a trailing separator
    (``logs/``) names a directory, created when it does not exist."""
    file = Path(path).expanduser()
    if str(path).endswith(("/", os.sep)) and not file.exists():
        if not file.parent.is_dir():
            raise EthosError(
                f"cannot create {file}: {file.parent} is not a directory", "create it first"
            )
        file.mkdir()
    if file.is_dir():
        if not os.access(file, os.W_OK):
            raise EthosError(f"cannot write into {file}: not writable", "pick another -o")
        return file
    if file.suffix != ".json":
        raise EthosError(
            f"{file} does not end in .json: the export writes Inspect's .json log format",
            f"name the file {file.with_suffix('.json').name}",
        )
    folder = file.parent.resolve()
    if not folder.is_dir():
        raise EthosError(f"cannot write {file}: {folder} is not a directory", "create it first")
    if not os.access(folder, os.W_OK):
        raise EthosError(f"cannot write {file}: {folder} is not writable", "pick another -o")
    return file


def destinations(target: Path, arms: Sequence[str]) -> list[Path]:
    """FILE for a run with one arm; ``FILE-stem.<arm>.json`` for each of several."""
    if len(arms) == 1:
        return [target]
    return distinct([target.with_name(f"{target.stem}.{_file_safe(arm)}.json") for arm in arms])


def distinct(files: Sequence[Path]) -> list[Path]:
    """``files`` with a repeated name numbered (``-2``, ``-3``...): arms whose
    names differ only in characters a file name cannot hold (``a b``,
    ``a/b``), or only in case, must not overwrite each other's log."""
    seen: set[str] = set()
    out = []
    for file in files:
        candidate, n = file, 2
        while str(candidate).casefold() in seen:
            candidate = file.with_name(f"{file.stem}-{n}{file.suffix}")
            n += 1
        seen.add(str(candidate).casefold())
        out.append(candidate)
    return out


def inspect_name(run: Run, arm: str) -> str:
    """A file name as Inspect gives its logs: ``{timestamp}_{task}_{model}_{id}``
    (the arm in the model's place), so that its viewer lists the file."""
    stamp = run.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H-%M-%S+00-00")
    task = str(run.config.get("task", run.name)).rpartition("@")[2] or run.name
    return f"{stamp}_{_slug(task)}_{_slug(arm)}_{run.id[:12]}.json"


def write_json(file: Path, log: Mapping[str, Any]) -> None:
    """Write whole or not at all: a failed export leaves no half-written log."""
    text = json.dumps(log, indent=2, allow_nan=True, default=str)
    fd, temp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, file)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# -- the log -------------------------------------------------------------------


def eval_log(
    run: Run, arm: str, model: str, samples: list[dict[str, Any]], arm_count: int
) -> dict[str, Any]:
    """One arm's EvalLog."""
    config = run.config
    scripted = bool(run.metadata.get("scripted"))
    arm_spec = next((a for a in config.get("arms", []) if a.get("name") == arm), {})
    sample_ids = sorted({s["id"] for s in samples})
    task = config.get("task", run.name)
    task_file, _, _ = task.rpartition("@") if "@" in task else (None, "", "")
    spec = {
        "eval_id": f"{run.id}-{arm}" if arm_count > 1 else run.id,
        "run_id": run.id,
        "created": _time(run.created_at),
        "task": task,
        "task_id": run.metadata.get("fingerprint") or run.id,
        "task_version": 0,
        "task_file": task_file,
        "task_args": config.get("task_args", {}),
        "task_args_passed": config.get("task_args", {}),
        "dataset": {"name": task, "samples": len(sample_ids), "sample_ids": sample_ids},
        "model": model,
        "model_args": {**config.get("model_args", {}), **arm_spec.get("options", {})},
        "model_roles": {r: {"model": m} for r, m in config.get("model_roles", {}).items()} or None,
        "config": {
            "epochs": config.get("epochs"),
            "limit": config.get("limit"),
            "fail_on_error": config.get("fail_on_error"),
            "max_samples": config.get("max_connections"),
        },
        "packages": {"ethos": _ethos_version()},
        "tags": ["ethos", SCRIPTED_TAG] if scripted else ["ethos"],
        "metadata": {
            "ethos_run_id": run.id,
            "arm": arm,
            "arm_options": arm_spec.get("options", {}),
            "baseline": config.get("baseline") or _first_arm(config),
            "scripted": scripted,
            "transcripts": run.metadata.get("transcripts") is not False,
            "seed": config.get("seed"),
        },
    }
    log: dict[str, Any] = {
        "version": LOG_VERSION,
        "status": STATUS.get(run.status, "started"),
        "eval": spec,
        "plan": {"name": "plan", "steps": [{"solver": task, "params": {}}]},
        "results": {
            "total_samples": len(samples),
            "completed_samples": sum(1 for s in samples if s["error"] is None),
            "scores": result_scores(samples),
        },
        "stats": {
            "started_at": _time(run.created_at),
            "completed_at": _time(run.finished_at) if run.finished_at else "",
            "model_usage": _sum_usage(s["model_usage"] for s in samples),
        },
        "tags": spec["tags"],
        "metadata": spec["metadata"],
        "samples": samples,
    }
    if run.status == "failed" and run.error:
        log["error"] = _error(run.error)
    return log


def result_scores(samples: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Mean and standard error of each scorer's numeric values (each key of a
    dict-valued score on its own), over the samples it scored: as Inspect's
    default reducer does, a sample's epochs are first reduced to their mean,
    so ``scored_samples`` counts samples and the standard error is not
    narrowed by counting a sample's epochs as independent observations."""
    values: dict[tuple[str, str], dict[Any, list[float]]] = defaultdict(lambda: defaultdict(list))
    for sample in samples:
        for scorer, score in (sample["scores"] or {}).items():
            value = score["value"]
            if isinstance(value, Mapping):
                for key, item in value.items():
                    if _numeric(item):
                        values[(f"{scorer}.{key}", scorer)][sample["id"]].append(float(item))
            elif _numeric(value):
                values[(scorer, scorer)][sample["id"]].append(float(value))
    scores = []
    for (name, scorer), by_sample in values.items():
        numbers = [sum(epochs) / len(epochs) for epochs in by_sample.values()]
        mean = sum(numbers) / len(numbers)
        metrics = {"mean": {"name": "mean", "value": mean}}
        if len(numbers) > 1:
            variance = sum((x - mean) ** 2 for x in numbers) / (len(numbers) - 1)
            stderr = math.sqrt(variance / len(numbers))
            metrics["stderr"] = {"name": "stderr", "value": stderr}
        scores.append(
            {"name": name, "scorer": scorer, "scored_samples": len(numbers), "metrics": metrics}
        )
    return scores


# -- a sample ------------------------------------------------------------------


def inspect_sample(
    run: Run,
    sample: Sample,
    scores: Sequence[Mapping[str, Any]],
    usage: Mapping[str, Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """One EvalSample from the database's sample row, its scores, its usage
    per model, and its transcript events (TranscriptEvent-shaped dicts)."""
    calls = [e["data"] for e in events if e["kind"] == "model_call"]
    answer = None if sample.output is None else _text_of(sample.output)
    model = _arm_model(run, sample.arm)
    started, finished = sample.started_at, sample.finished_at
    inspected = {s["scorer"]: inspect_score(s) for s in scores}
    return {
        "id": sample.sample_id,
        "epoch": sample.epoch + 1,
        "input": _text_of(sample.input) if sample.input is not None else "",
        "target": _target(sample.target),
        "messages": [chat_message(m) for m in with_functions(conversation(calls))],
        "output": _model_output(model, answer) if answer is not None else {"model": model},
        "scores": inspected or None,
        "metadata": {
            **sample.metadata,
            "ethos": {
                "arm": sample.arm,
                "epoch": sample.epoch,
                "status": sample.status,
                "attempt": sample.attempt,
                "scripted": bool(run.metadata.get("scripted")),
            },
        },
        "store": {},
        "events": sample_events(events, started, model)
        + [_score_event(name, score, finished or started) for name, score in inspected.items()],
        "model_usage": dict(usage),
        "started_at": _time(started),
        "completed_at": _time(finished) if finished else None,
        "total_time": (finished - started).total_seconds() if finished else None,
        "error": _error(sample.error) if sample.error else None,
        "attachments": {},
    }


def inspect_score(score: Mapping[str, Any]) -> dict[str, Any]:
    """An Inspect Score from a scores row. Inspect's values are scalars, lists
    of scalars or flat mappings; None (not scored) becomes NaN with reason
    ``scoring_failed``, and any other shape its JSON text, the value as
    stored kept in ``metadata["ethos_value"]``."""
    value = score.get("value")
    metadata = dict(score.get("metadata") or {})
    out: dict[str, Any] = {"explanation": score.get("explanation")}
    if value is None:
        out |= {"value": math.nan, "reason": "scoring_failed"}
    elif _scalar(value) or (isinstance(value, list) and all(map(_scalar, value))):
        out["value"] = value
    elif isinstance(value, Mapping) and all(v is None or _scalar(v) for v in value.values()):
        out["value"] = dict(value)
    else:
        out["value"] = json.dumps(value, sort_keys=True, default=str)
        metadata["ethos_value"] = value
    out["metadata"] = metadata or None
    return out


def conversation(calls: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every message the sample's model calls carried, in order, each once
    (OpenAI-style dicts): a call that continues the previous one's
    conversation (its messages start with that call's messages and answer)
    adds its new messages and answer; any other call starts a new
    conversation, added whole."""
    messages: list[dict[str, Any]] = []
    chain: list[dict[str, Any]] = []
    for call in calls:
        sent = [dict(m) for m in call.get("messages") or []]
        keys = [_message_key(m) for m in sent]
        continues = bool(chain) and keys[: len(chain)] == [_message_key(m) for m in chain]
        new = sent[len(chain) :] if continues else sent
        answer = _answer(call)
        messages += new + ([answer] if answer else [])
        chain = sent + ([answer] if answer else [])
    return messages


def with_functions(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool results named by the tool they answer (Inspect shows ``function``)."""
    names: dict[str, str] = {}
    out = []
    for message in messages:
        for call in message.get("tool_calls") or []:
            names[call.get("id", "")] = (call.get("function") or {}).get("name", "")
        if message.get("role") == "tool" and "function" not in message:
            message = {**message, "function": names.get(message.get("tool_call_id") or "")}
        out.append(message)
    return out


def chat_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAI-style message dict as an Inspect ChatMessage."""
    role = message.get("role")
    role = "system" if role == "developer" else role
    out: dict[str, Any] = {"role": role, "content": _content(message.get("content"))}
    if role == "assistant":
        calls = [_tool_call(c) for c in message.get("tool_calls") or []]
        out["tool_calls"] = calls or None
        if message.get("model"):
            out["model"] = message["model"]
        out["source"] = "generate"
    elif role == "tool":
        out["tool_call_id"] = message.get("tool_call_id")
        out["function"] = message.get("function") or message.get("name")
    return out


def sample_events(
    events: Sequence[Mapping[str, Any]], started: datetime, model: str
) -> list[dict[str, Any]]:
    """Transcript events as Inspect events: model calls as ModelEvents, tool
    calls as ToolEvents, graph nodes as spans (the events between a node's
    start and end inside it), anything else as an InfoEvent."""
    out: list[dict[str, Any]] = []
    spans: list[tuple[str, str]] = []  # (span id, node name), innermost last
    last_calls: list[dict[str, Any]] = []  # the latest answer's tool calls, to match ids
    for event in events:
        kind, data = event["kind"], event["data"]
        at: datetime = event["created_at"]
        base = {
            "timestamp": _time(at),
            "working_start": max((at - started).total_seconds(), 0.0),
            "span_id": spans[-1][0] if spans else None,
        }
        if kind == "model_call":
            out.append(base | model_event(data))
            last_calls = list(((data.get("output") or {}).get("tool_calls")) or [])
        elif kind == "tool_call":
            out.append(base | tool_event(data, event["id"], last_calls))
        elif kind == "node" and data.get("phase") == "start":
            span = f"node-{event['id']}"
            out.append(base | {"event": "span_begin", "id": span, "name": str(data.get("node"))})
            out[-1]["type"] = "node"
            spans.append((span, str(data.get("node"))))
        elif kind == "node" and data.get("phase") == "end":
            index = next(
                (i for i in range(len(spans) - 1, -1, -1) if spans[i][1] == str(data["node"])),
                None,
            )
            if index is None:  # an end without its start: keep it as information
                out.append(base | {"event": "info", "source": "ethos.node", "data": data})
                continue
            span, _ = spans.pop(index)
            out.append(base | {"event": "span_end", "id": span})
        else:
            out.append(base | {"event": "info", "source": f"ethos.{kind}", "data": data})
    return out


def model_event(data: Mapping[str, Any]) -> dict[str, Any]:
    """A model_call transcript event as an Inspect ModelEvent."""
    options = data.get("options") or {}
    result = data.get("output")
    usage = data.get("usage") or {}
    tools = [_tool_info(t) for t in data.get("tools") or []]
    output: dict[str, Any] = {"model": data.get("model", ""), "time": data.get("latency_s")}
    if result is not None:
        message = chat_message(_answer(data) or {"role": "assistant", "content": ""})
        stop = STOP_REASON.get(result.get("finish_reason") or "", "unknown")
        output["choices"] = [{"message": message, "stop_reason": stop}]
        output["usage"] = _usage_of(usage, data.get("cost_usd"))
    if data.get("error"):
        output["error"] = data["error"]
    return {
        "event": "model",
        "model": data.get("model", ""),
        "input": [chat_message(m) for m in with_functions(list(data.get("messages") or []))],
        "tools": tools,
        "tool_choice": "auto" if tools else "none",
        "config": {
            "temperature": options.get("temperature"),
            "max_tokens": options.get("max_tokens"),
            "seed": options.get("seed"),
            "stop_seqs": options.get("stop"),
        },
        "output": output,
        "retries": max(int(data.get("attempts") or 1) - 1, 0),
        "error": data.get("error"),
        "working_time": data.get("latency_s"),
        "metadata": {
            "scripted": bool(data.get("scripted")),
            "output_type": options.get("output"),
            "choices": options.get("choices"),
            "choice": (result or {}).get("choice"),
            "choice_logprobs": (result or {}).get("choice_logprobs"),
            "parsed": (result or {}).get("parsed"),
            "interventions": options.get("interventions") or [],
            "cost_usd": data.get("cost_usd"),
        },
    }


def tool_event(
    data: Mapping[str, Any], event_id: int, answered: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """A tool_call transcript event as an Inspect ToolEvent; its id is the
    model's id for the call when the latest answer asked for it."""
    arguments = data.get("arguments") or {}
    call_id = next(
        (
            c.get("id")
            for c in answered
            if c.get("name") == data.get("tool") and _parsed(c.get("arguments")) == arguments
        ),
        None,
    )
    result = data.get("result")
    error = data.get("error")
    return {
        "event": "tool",
        "type": "function",
        "id": call_id or f"ethos-{event_id}",
        "function": str(data.get("tool")),
        "arguments": arguments,
        "result": result if isinstance(result, str) else json.dumps(result, default=str),
        "error": {"type": "unknown", "message": str(error)} if error else None,
        "agent": data.get("agent"),
        "failed": bool(error) or None,
    }


# -- reading the database ------------------------------------------------------


async def _all_samples(store: Store, run_id: str) -> list[Sample]:
    samples: list[Sample] = []
    while page := await store.samples(run_id, limit=1000, offset=len(samples)):
        samples += page
    return sorted(samples, key=lambda s: (s.arm, s.epoch, s.id))


async def _scores(store: Store, run_id: str) -> dict[int, list[dict[str, Any]]]:
    from sqlalchemy import select

    from ethos.db.tables import ScoreRow

    query = (
        select(ScoreRow.sample_pk, ScoreRow.scorer, ScoreRow.value, ScoreRow.explanation)
        .add_columns(ScoreRow.meta)
        .where(ScoreRow.run_id == run_id)
        .order_by(ScoreRow.sample_pk, ScoreRow.id)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    async with store.engine.connect() as conn:
        for pk, scorer, value, explanation, meta in await conn.execute(query):
            found[pk].append(
                {"scorer": scorer, "value": value, "explanation": explanation, "metadata": meta}
            )
    return found


async def _events(store: Store, sample_pk: int) -> list[dict[str, Any]]:
    """A sample's transcript events; none for a sample of a run resumed with
    transcripts off (metadata "partial") that ran while they were off."""
    try:
        return [
            {"id": e.id, "kind": e.kind, "data": e.data, "created_at": e.created_at}
            async for e in store.transcript(sample_pk)
        ]
    except EthosError:
        return []


async def _usage(store: Store, run_id: str) -> dict[int, dict[str, dict[str, Any]]]:
    """Tokens and cost per sample and model: every call paid for."""
    from sqlalchemy import func, select

    from ethos.db.tables import ModelCallRow

    query = (
        select(
            ModelCallRow.sample_pk,
            ModelCallRow.model,
            func.sum(ModelCallRow.input_tokens),
            func.sum(ModelCallRow.output_tokens),
            func.sum(ModelCallRow.cost_usd),
        )
        .where(ModelCallRow.run_id == run_id, ModelCallRow.sample_pk.is_not(None))
        .group_by(ModelCallRow.sample_pk, ModelCallRow.model)
    )
    found: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    async with store.engine.connect() as conn:
        for pk, model, tokens_in, tokens_out, cost in await conn.execute(query):
            found[pk][model] = _usage_of(
                {"input_tokens": tokens_in or 0, "output_tokens": tokens_out or 0}, cost
            )
    return found


# -- helpers -------------------------------------------------------------------


def _arms(run: Run, exported: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, model) of each arm: the configured ones in order, then any
    arm only the sample rows name."""
    arms = [(a["name"], a["model"]) for a in run.config.get("arms", [])]
    known = {name for name, _ in arms}
    arms += [(name, "") for name in sorted(exported) if name not in known]
    if not arms:
        raise EthosError(f"eval run {run.id} has no arms recorded", "export a run made by ethos")
    return arms


def _arm_model(run: Run, arm: str) -> str:
    return next((a["model"] for a in run.config.get("arms", []) if a.get("name") == arm), "")


def _first_arm(config: Mapping[str, Any]) -> str | None:
    arms = config.get("arms") or []
    return arms[0].get("name") if arms else None


def _answer(call: Mapping[str, Any]) -> dict[str, Any] | None:
    """The assistant message a model call returned, as the next request
    would carry it (the shape agents append)."""
    result = call.get("output")
    if result is None:
        return None
    return {
        "role": "assistant",
        "content": result.get("text") or None,
        "tool_calls": [
            {
                "id": c.get("id"),
                "type": "function",
                "function": {"name": c.get("name"), "arguments": c.get("arguments")},
            }
            for c in result.get("tool_calls") or []
        ],
        "model": call.get("model"),
    }


def _message_key(message: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two messages the same turn, whatever optional keys either
    carries (an empty tool_calls list, a model name)."""
    calls = tuple(
        (
            c.get("id"),
            (c.get("function") or {}).get("name"),
            (c.get("function") or {}).get("arguments"),
        )
        for c in message.get("tool_calls") or []
    )
    content = message.get("content")
    return (
        message.get("role"),
        json.dumps(content, sort_keys=True) if content else None,
        calls,
        message.get("tool_call_id"),
    )


def _content(content: Any) -> Any:
    """Message content as Inspect has it: text, or a list of text and image parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, Mapping) and part.get("type") == "text":
                parts.append({"type": "text", "text": str(part.get("text", ""))})
            elif isinstance(part, Mapping) and part.get("type") == "image_url":
                url = part.get("image_url")
                url = url.get("url") if isinstance(url, Mapping) else url
                parts.append({"type": "image", "image": str(url)})
            else:
                parts.append({"type": "text", "text": json.dumps(part, default=str)})
        return parts
    return json.dumps(content, default=str)


def _tool_call(call: Mapping[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    raw = function.get("arguments")
    arguments = _parsed(raw)
    out = {
        "id": str(call.get("id")),
        "function": str(function.get("name")),
        "arguments": arguments if isinstance(arguments, dict) else {},
        "type": "function",
    }
    if not isinstance(arguments, dict):
        out["parse_error"] = f"arguments are not a JSON object: {raw!r}"[:500]
    return out


def _tool_info(tool: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAI tool spec as Inspect's ToolInfo."""
    function = tool.get("function") or tool
    params = function.get("parameters") or {}
    return {
        "name": str(function.get("name")),
        "description": str(function.get("description") or ""),
        "parameters": {
            "type": "object",
            "properties": params.get("properties") or {},
            "required": params.get("required") or [],
        },
    }


def _parsed(arguments: Any) -> Any:
    if isinstance(arguments, str):
        try:
            return json.loads(arguments or "{}")
        except json.JSONDecodeError:
            return None
    return arguments


def _model_output(model: str, text: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": text, "source": "generate", "model": model}
    return {
        "model": model,
        "choices": [{"message": message, "stop_reason": "stop"}],
        "completion": text,
    }


def _score_event(scorer: str, score: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    return {"event": "score", "timestamp": _time(at), "scorer": scorer, "score": dict(score)}


def _usage_of(usage: Mapping[str, Any], cost: float | None) -> dict[str, Any]:
    tokens_in = int(usage.get("input_tokens") or 0)
    tokens_out = int(usage.get("output_tokens") or 0)
    return {
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
        "total_tokens": tokens_in + tokens_out,
        "total_cost": cost,
    }


def _sum_usage(usages: Iterable[Mapping[str, Mapping[str, Any]]]) -> dict[str, Any]:
    total: dict[str, dict[str, Any]] = {}
    for usage in usages:
        for model, used in usage.items():
            into = total.setdefault(model, _usage_of({}, None))
            for key in ("input_tokens", "output_tokens", "total_tokens"):
                into[key] += used[key]
            if used.get("total_cost") is not None:
                into["total_cost"] = (into["total_cost"] or 0.0) + used["total_cost"]
    return total


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, indent=2, default=str)


def _target(target: Any) -> str | list[str]:
    if target is None:
        return ""
    if isinstance(target, list) and all(isinstance(t, str) for t in target):
        return target
    return _text_of(target)


def _error(message: str) -> dict[str, Any]:
    return {"message": message, "traceback": "", "traceback_ansi": ""}


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _time(moment: datetime) -> str:
    return moment.isoformat()


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-") or "x"


def _file_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) or "arm"


def _ethos_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ethos")
    except PackageNotFoundError:
        return "unknown"
