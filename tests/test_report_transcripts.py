"""The HTML report's sample browser shows each sample's transcript, read
from the database: the messages with their roles (a resent conversation
shown once), tool calls and results, the options that shaped each call, and
the scores with their explanations; long texts are clipped. Models are
scripts (script/...): test doubles."""

from __future__ import annotations

import pytest

from ethos.db.store import Store
from ethos.evals.report import build_report, render_html
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, Sample, Score, SolverContext, Task
from ethos.models.script import (
    register_script,
)
from tests.support.trip_agent import three_turns, trip_task


async def run_trip(store: Store, name: str) -> str:
    model = register_script(name, three_turns())
    config = EvalConfig(task="trip", arms=[Arm(name="main", model=model)], seed=3)
    result = await run_eval(
        config, store=store, task=trip_task(name="trip", ids="trip"), progress=False
    )
    assert result.status == "succeeded"
    return result.run_id


async def test_the_browser_shows_each_samples_transcript(store: Store) -> None:
    run_id = await run_trip(store, "report-trip")
    report = await build_report(store, run_id)
    (view,) = report.samples.shown if report.samples else []
    assert [e.kind for e in view.transcript] == [
        "model_call",
        "tool_call",
        "model_call",
        "tool_call",
        "model_call",
    ]
    page = render_html(report)
    assert "transcript (5 events)" in page
    assert page.count("model call · script/report-trip · scripted test double") == 3
    # The conversation is resent each turn and shown once.
    assert page.count("You advise travellers to Oslo.") == 1
    assert page.count("earlier messages, as in the calls above") == 2
    for role in ("system", "user", "tool"):
        assert f'<span class="role role-{role}">{role}</span>' in page
    assert page.count('<span class="role role-assistant">answer</span>') == 3
    # arguments and results as fields, not JSON; the options as one line
    assert "tool population by guide" in page and "<dt>city</dt><dd><pre>Bergen</pre>" in page
    assert "result <code>290000</code>" in page and "tools offered: population" in page
    assert "→ tool call population({&#34;city&#34;: &#34;Bergen&#34;})" in page
    assert "options: seed " in page and " · output Plan</p>" in page
    assert "{&#34;advice&#34;: &#34;990000 people in both&#34;}" in page
    # the score, with its explanation
    assert (
        '<b>exact</b>: true <span class="note">advice &#39;990000 people in both&#39;</span>'
        in page
    )


async def test_a_run_without_transcripts_says_so(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETHOS_TRANSCRIPTS", "false")
    run_id = await run_trip(store, "report-trip-off")
    report = await build_report(store, run_id)
    (view,) = report.samples.shown if report.samples else []
    assert (
        view.transcript == [] and view.transcript_note == "this run was stored without transcripts"
    )
    assert "this run was stored without transcripts" in render_html(report)


async def test_long_texts_are_clipped_and_the_page_stays_bounded(store: Store) -> None:
    async def shout(sample: Sample, ctx: SolverContext) -> str:
        return (await ctx.complete([{"role": "user", "content": sample.input}])).text

    long = "word " * 20_000  # 100,000 characters, sent and echoed back
    task = Task(
        name="long",
        samples=[Sample(id="long", input=long)],
        solver=shout,
        scorers=[lambda sample, output, ctx: Score(value=len(output))],
    )
    config = EvalConfig(task="long", arms=[Arm(name="main", model="script/echo")])
    result = await run_eval(config, store=store, task=task, progress=False)
    report = await build_report(store, result.run_id)
    page = render_html(report)
    assert "(96,000 more characters)" in page
    assert len(page) < 60_000  # input, output, message and answer: each clipped to 4,000
