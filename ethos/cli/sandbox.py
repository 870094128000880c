"""``ethos sandbox``: look at the scenarios and try commands in their episodes.

ethos sandbox scenarios                          # name first, then what it is
ethos sandbox exec demo-project -- ./report.py   # one command in a fresh episode
ethos sandbox exec demo-servers -- 'scp export/summary.txt archive: && ssh archive ls'
ethos sandbox shell demo-servers                 # an interactive bash in one

``exec`` joins the words after ``--`` with spaces, as ssh does, so a quoted
pipeline and a plain command both work; it prints the command's output, then
the files it changed (with a diff for text), and exits with the command's
exit status.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The bubblewrap sandbox for model-written commands: scenarios, one command, a shell.",
    no_args_is_help=True,
)


@app.command("scenarios")
def list_scenarios(
    as_json: bool = typer.Option(False, "--json", help="One JSON object per scenario."),
) -> None:
    """List the registered scenarios, name first on each line."""
    import json

    from ethos.sandbox import discovery_errors, scenarios

    found = scenarios()
    width = max((len(s.name) for s in found), default=0)
    for scenario in found:
        if as_json:
            typer.echo(json.dumps({"name": scenario.name, "description": scenario.description}))
        else:
            typer.echo(f"{scenario.name.ljust(width)}  {scenario.description}")
    for problem in discovery_errors():
        typer.echo(f"warning: scenarios not loaded from {problem}", err=True)


def _spec(name: str):  # type: ignore[no-untyped-def]
    from ethos.sandbox import get_scenario, sandbox_unavailable_reason
    from ethos.sandbox.errors import SandboxUnavailable

    spec = get_scenario(name).spec()
    reason = sandbox_unavailable_reason()
    if reason is not None:
        raise SandboxUnavailable(reason)
    return spec


@app.command("exec")
def exec_command(
    scenario: str = typer.Argument(..., help="A scenario name (see 'ethos sandbox scenarios')."),
    command: list[str] = typer.Argument(..., help="The command, after '--'."),
    timeout: float = typer.Option(
        30.0, "--timeout", min=0.001, help="Seconds before it is killed."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
) -> None:
    """Run one command in a fresh episode of SCENARIO; print its output and the files it changed."""
    import asyncio

    from ethos.sandbox import SandboxLimits, open_episode

    spec = _spec(scenario)
    line = " ".join(command)

    async def work():  # type: ignore[no-untyped-def]
        async with open_episode(spec, limits=SandboxLimits(timeout_s=timeout)) as sandbox:
            return await sandbox.run(line)

    result = asyncio.run(work())
    if as_json:
        typer.echo(result.model_dump_json())
        raise typer.Exit(result.exit_code)
    if result.stdout:
        typer.echo(result.stdout, nl=not result.stdout.endswith("\n"))
    if result.stderr:
        typer.echo(result.stderr, nl=not result.stderr.endswith("\n"), err=True)
    notes = [f"exit {result.exit_code}", f"{result.duration_s:.2f} s"]
    if result.timed_out:
        notes.append(f"killed at the {timeout:g} s timeout")
    if result.truncated:
        notes.append("output cut at the cap")
    count = len(result.changes)
    notes.append(f"{count} file{'s' if count != 1 else ''} changed")
    typer.echo(f"--- {'; '.join(notes)}")
    for change in result.changes:
        typer.echo(f"{change.kind:<9} {change.path}")
        if change.diff:
            typer.echo(change.diff, nl=not change.diff.endswith("\n"))
        elif change.kind != "removed":
            typer.echo(f"          (binary or large; sha256 {change.after_sha256})")
    raise typer.Exit(result.exit_code)


@app.command("shell")
def shell(
    scenario: str = typer.Argument(..., help="A scenario name (see 'ethos sandbox scenarios')."),
) -> None:
    """Open an interactive bash in a fresh episode of SCENARIO (removed when the shell exits)."""
    import asyncio

    from ethos.sandbox.bwrap import open_bwrap_episode

    spec = _spec(scenario)

    async def work() -> int:
        async with open_bwrap_episode(spec) as sandbox:
            typer.echo(
                f"episode of {scenario} in {sandbox.root} (removed on exit); "
                "other machines: " + (", ".join(spec.servers) or "none"),
                err=True,
            )
            return await sandbox.interactive()

    raise typer.Exit(asyncio.run(work()))
