"""The ``ethos`` command line: the face above every domain.

Each command group lives in its own small module under ``ethos/cli`` and
imports its domain only inside the commands, so ``ethos --help`` loads
neither SQLAlchemy nor torch nor litellm. Errors ethos knows about are
printed as one line (problem; fix) with exit status 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import typer

from ethos import __version__
from ethos.cli import ask, catalog, coda, db, demo, doctor, handbook, models, moe, runs
from ethos.cli import eval as eval_commands
from ethos.cli import sandbox as sandbox_commands
from ethos.cli.context import CliContext
from ethos.cli.serve import serve as serve_command

app = typer.Typer(
    name="ethos",
    help="ethos: multi-agent LLM systems and the measurement of how agents behave.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    # Locals can hold API keys: never print them in a traceback.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ethos {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_url: str | None = typer.Option(
        None,
        "--db",
        help="Database URL or SQLite file (default: ETHOS_DATABASE_URL, then ethos.db "
        "in the user data directory).",
        show_default=False,
    ),
    config: Path | None = typer.Option(
        None, "--config", help="An ethos.toml to read (default: ETHOS_CONFIG, then ./ethos.toml)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    ctx.obj = CliContext(db=db_url, config=config)
    ctx.call_on_close(ctx.obj.close)  # --config's ETHOS_CONFIG ends with the command


app.add_typer(db.app, name="db")
app.add_typer(runs.app, name="runs")
app.add_typer(eval_commands.app, name="eval")
app.add_typer(moe.app, name="moe")
app.add_typer(models.app, name="models")
app.add_typer(catalog.app, name="catalog")
app.add_typer(handbook.app, name="handbook")
app.add_typer(sandbox_commands.app, name="sandbox")
app.add_typer(coda.app, name="coda")
app.command("ask")(ask.ask)
app.command("doctor")(doctor.doctor)
app.command("demo")(demo.demo)
app.command("serve")(serve_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ethos`` script and ``python -m ethos``."""
    from ethos.cli.display import RESUME, set_resume_hint
    from ethos.cli.helptext import escape_help
    from ethos.errors import EthosError

    escape_help(app)  # "[roles]" in a help text is text, not a rich style tag
    set_resume_hint(RESUME)  # a command that knows better sets its own
    try:
        # Without standalone mode click returns (not raises) a command's
        # typer.Exit code; it must still become the process's exit status.
        status = app(args=argv, prog_name="ethos", standalone_mode=False)
        if status == 130:  # typer turns Ctrl-C into a returned 130, silently
            _cancelled()
        if isinstance(status, int) and status:
            sys.exit(status)
    except EthosError as exc:
        _print_error(str(exc))
        sys.exit(exc.exit_status)
    except (click.exceptions.Abort, typer.Abort):
        # A declined confirmation, or Ctrl-C/EOF at a prompt: the command
        # stopped there (runs delete deletes nothing; an ask run is kept, failed).
        _print_error("aborted: a prompt was declined or got no answer")
        sys.exit(2)
    except (click.exceptions.Exit, typer.Exit) as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # typer's Ctrl-C: Exit(130)
            _cancelled()
        sys.exit(exc.exit_code)
    except _NO_ARGS_IS_HELP as exc:  # a group named alone: its help is the answer
        exc.show()
        sys.exit(2)
    except _CLICK_ERRORS as exc:  # a usage error: a bad option or value, exit 2
        _print_error(_usage_line(exc))
        sys.exit(2)
    except KeyboardInterrupt:
        _cancelled()
        sys.exit(130)


def _cancelled() -> None:
    """Ctrl-C: the run was marked cancelled on the way out; say how to go on."""
    from ethos.cli.display import cancelled_line, quiet_cancellation

    quiet_cancellation()
    _print_error(cancelled_line())


def _click_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors, and typer's own where typer vendors click
    (typer._click: its BadParameter is not a click.ClickException)."""
    try:
        from typer._click.exceptions import ClickException
    except ImportError:
        return (click.ClickException,)
    return (click.ClickException, ClickException)


_CLICK_ERRORS = _click_errors()


def _no_args_is_help() -> tuple[type[Exception], ...]:
    classes: list[type[Exception]] = [click.exceptions.NoArgsIsHelpError]
    try:
        from typer._click.exceptions import NoArgsIsHelpError
    except ImportError:
        pass
    else:
        classes.append(NoArgsIsHelpError)
    return tuple(classes)


_NO_ARGS_IS_HELP = _no_args_is_help()


def _usage_line(exc: Exception) -> str:
    """Click's usage error as one line: the problem, then where help is (click
    itself prints the usage, a hint and the error on four lines)."""
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    message = " ".join(str(message).split())  # one line, whatever the message held
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        return f"{message} (see '{ctx.command_path} --help')"
    return message


def _print_error(message: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(message)}", highlight=False
    )
