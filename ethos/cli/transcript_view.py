"""What ``ethos runs show`` prints of a sample: its transcript as a person
reads it, and a run's failed samples.

A conversation is resent whole on every model call; printing it whole each
time would bury each turn's news, so a call shows only the messages that
its predecessor did not already send, then what the model answered.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from ethos.db.store import Sample, Store, TranscriptEvent

FAILED_SHOWN = 20
TEXT_SHOWN = 2000  # characters of one message; the JSON view has all of it


async def sample_scores(store: Store, sample_pk: int) -> list[dict[str, Any]]:
    """A sample's scores (scorer, value, explanation), by scorer name."""
    from sqlalchemy import select

    from ethos.db.tables import ScoreRow

    query = (
        select(ScoreRow.scorer, ScoreRow.value, ScoreRow.explanation)
        .where(ScoreRow.sample_pk == sample_pk)
        .order_by(ScoreRow.scorer)
    )
    async with store.engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(query)]


async def failed_samples(
    store: Store, run_id: str, limit: int = FAILED_SHOWN
) -> tuple[list[Sample], int]:
    """Up to ``limit`` failed samples of a run, and how many failed in all."""
    from sqlalchemy import func, select

    from ethos.db.store import Sample
    from ethos.db.tables import SampleRow

    failed = (SampleRow.run_id == run_id, SampleRow.status == "failed")
    async with store.engine.connect() as conn:
        total = (
            await conn.execute(select(func.count()).select_from(SampleRow).where(*failed))
        ).scalar_one()
        rows = (
            await conn.execute(select(SampleRow).where(*failed).order_by(SampleRow.id).limit(limit))
        ).all()
    return [Sample.model_validate(r._mapping) for r in rows], total


def print_failures(console: Console, failed: Sequence[Sample], total: int) -> None:
    if not total:
        return
    console.print(f"\n[bold red]{total} failed sample(s)[/]")
    for s in failed:
        first = (s.error or "").strip().splitlines()[0] if s.error else "(no error recorded)"
        console.print(f"  {escape(s.sample_id)}  epoch {s.epoch}  arm {s.arm!r}: {escape(first)}")
    if total > len(failed):
        console.print(f"  ... and {total - len(failed)} more")


def print_transcript(
    console: Console,
    sample: Sample,
    events: Sequence[TranscriptEvent],
    scores: Sequence[dict[str, Any]],
) -> None:
    error = f": {sample.error.splitlines()[0]}" if sample.error else ""
    console.print(
        f"[bold]sample {escape(sample.sample_id)}[/] epoch {sample.epoch} arm {sample.arm!r} "
        f"{sample.status}{escape(error)}"
    )
    if not events:
        console.print("(no transcript events recorded)")
    sent: list[Any] = []
    for event in events:
        if event.kind == "model_call":
            sent = _print_model_call(console, event.data, sent)
        elif event.kind == "tool_call":
            _print_tool_call(console, event.data)
        elif event.kind == "node":
            mark = "->" if event.data.get("phase") == "start" else "<-"
            console.print(f"[dim]{mark} node {escape(str(event.data.get('node')))}[/]")
        else:
            console.print(f"[magenta]{escape(event.kind)}[/] {escape(_json(event.data))}")
    console.print("\n[bold]scores[/]" if scores else "\n(no scores)")
    for score in scores:
        why = f" - {score['explanation']}" if score.get("explanation") else ""
        console.print(f"  {escape(score['scorer'])}: {escape(_json(score['value']))}{escape(why)}")


def _print_model_call(console: Console, data: dict[str, Any], sent: list[Any]) -> list[Any]:
    messages = data.get("messages") or []
    shared = 0
    while shared < min(len(sent), len(messages)) and _same(sent[shared], messages[shared]):
        shared += 1
    label = " (scripted)" if data.get("scripted") else ""
    tools = data.get("tools") or []
    offered = f", {len(tools)} tool(s) offered" if tools else ""
    console.print(f"\n[bold cyan]model call {escape(str(data.get('model')))}{label}{offered}[/]")
    if shared:
        console.print(f"[dim]  ({shared} earlier message(s) sent again)[/]")
    for message in messages[shared:]:
        _print_message(console, message)
    output = data.get("output")
    if data.get("error"):
        console.print(f"  [red]error:[/] {escape(data['error'])}")
    if not output:
        return messages
    answer = {
        "role": "assistant",
        "content": output.get("text"),
        "tool_calls": [
            {"function": {"name": c["name"], "arguments": c["arguments"]}}
            for c in output.get("tool_calls") or []
        ],
    }
    _print_message(console, answer, answer=True)
    if output.get("choice") is not None:
        odds = output.get("choice_logprobs")
        shown = f" (log-probs {_json(odds)})" if odds else ""
        console.print(f"  chose {escape(output['choice'])!r}{escape(shown)}")
    return [*messages, answer]  # a next call that continues resends the answer too


def _same(a: Any, b: Any) -> bool:
    """The same turn, however it was spelled: a reply that only called tools
    is '' in the answer and None when resent, with ids added to its calls."""
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return a == b

    def calls(m: dict[str, Any]) -> list[tuple[Any, Any]]:
        return [
            ((c.get("function") or {}).get("name"), (c.get("function") or {}).get("arguments"))
            for c in m.get("tool_calls") or []
        ]

    return (
        a.get("role") == b.get("role")
        and (a.get("content") or "") == (b.get("content") or "")
        and calls(a) == calls(b)
        and a.get("tool_call_id") == b.get("tool_call_id")
    )


def _print_message(console: Console, message: dict[str, Any], answer: bool = False) -> None:
    role = str(message.get("role"))
    style = (
        "green"
        if answer
        else {"system": "dim", "user": "blue", "tool": "yellow"}.get(role, "white")
    )
    content = message.get("content")
    if isinstance(content, list):  # parts: show their text
        content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    if content:
        text = content if len(content) <= TEXT_SHOWN else content[:TEXT_SHOWN] + " ..."
        console.print(f"  [{style}]{role}:[/] {escape(text)}")
    for call in message.get("tool_calls") or []:
        fn = call.get("function") or {}
        console.print(
            f"  [{style}]{role} calls[/] {escape(str(fn.get('name')))}"
            f"({escape(str(fn.get('arguments')))})"
        )


def _print_tool_call(console: Console, data: dict[str, Any]) -> None:
    outcome = f"error: {data['error']}" if data.get("error") else _json(data.get("result"))
    console.print(
        f"  [yellow]tool {escape(str(data.get('tool')))}[/]"
        f"({escape(_json(data.get('arguments')))}) -> {escape(outcome)}"
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
