"""Every misuse of the command line is one line on stderr and exit status 2,
never a traceback: a table of known misuses, and hypothesis over random
argument lists for ``ethos`` and every sub-command.

The CLI runs in this process (``ethos.cli.app.main`` with captured output),
so hundreds of invocations take seconds; ``test_cli.py`` runs the real
process for the paths where that matters.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ethos.cli.app import app, main
from ethos.db.store import Store


@contextlib.contextmanager
def environment_kept() -> Iterator[None]:
    """Each in-process run starts from the same environment, whatever a
    command set (``--config`` restoring ETHOS_CONFIG is tested on its own)."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    """``ethos ARGS`` in this process: (exit status, stdout, stderr). Any
    exception other than SystemExit propagates: that is a traceback a user
    would have seen."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    code: Any = 0
    try:
        with environment_kept(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(args)
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old_stdin
    status = code if isinstance(code, int) else 0 if code is None else 1
    return status, out.getvalue(), err.getvalue()


def one_line(code: int, out: str, err: str) -> str:
    assert code == 2, (code, out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


RUN = ["eval", "run", "games/prisoners_dilemma", "--model", "script/x"]
SERVE = ["serve", "--model", "local/x"]

MISUSES: list[tuple[list[str], str]] = [
    (["--bogus"], "No such option: --bogus"),
    (["nosuch"], "No such command 'nosuch'"),
    (["--db"], "Option '--db' requires an argument"),
    (["--config"], "Option '--config' requires an argument"),
    (["db", "nosuch"], "No such command 'nosuch'"),
    (["runs", "show"], "Missing argument 'run_id'"),
    (["runs", "delete"], "Missing argument 'run_id'"),
    (["runs", "list", "--limit", "0"], "Invalid value for '--limit'"),
    (["runs", "list", "--limit", "abc"], "Invalid value for '--limit'"),
    (["runs", "list", "extra"], "unexpected extra argument"),
    (["runs", "list", "--db", "/no/such/x.db"], "No such option: --db"),
    (["runs", "show", "abcd", "--events", "-1"], "Invalid value for '--events'"),
    (["runs", "show", "abcd", "--epoch", "0"], "--epoch and --arm pick among"),
    ([*RUN, "--epochs", "0"], "Invalid value for '--epochs'"),
    ([*RUN, "--epochs", "abc"], "Invalid value for '--epochs'"),
    ([*RUN, "--max-connections", "0"], "Invalid value for '--max-connections'"),
    ([*RUN, "--limit", "0"], "Invalid value for '--limit'"),
    ([*RUN, "--lease", "0"], "Invalid value for '--lease'"),
    ([*RUN, "--arm", "nomodel"], "is not name=model"),
    ([*RUN, "-T", "noequals"], "is not key=value"),
    ([*RUN, "-M", "api_bas=x"], "unknown model argument 'api_bas'"),
    (["eval", "run"], "Missing argument 'task'"),
    (["eval", "report"], "Missing argument 'run_id'"),
    (["eval", "compare", "abcd"], "Missing argument 'run_b'"),
    (["eval", "export", "abcd"], "Missing option '--out'"),
    (["runs", "show", "abcd", "--sample"], "Option '--sample' requires an argument"),
    ([*SERVE, "--port", "70000"], "Invalid value for '--port'"),
    ([*SERVE, "--port", "-1"], "Invalid value for '--port'"),
    (["serve"], "Missing option '--model'"),
    (["serve", "--model", "openai/gpt-4o"], "ethos serve hosts local models"),
    (["models", "build-tiny", "x"], "Missing option '--arch'"),
    (["models", "build-tiny", "x", "--arch", "nope"], "no tiny builder for architecture 'nope'"),
    (["models", "call"], "Missing argument 'model'"),
    (["models", "call", "script/x", "hi", "--max-tokens", "0"], "Invalid value for '--max-tokens'"),
    (["models", "train-tiny", "x", "--steps", "0"], "Invalid value for '--steps'"),
    (["moe", "profile"], "Missing option '--model'"),
    (["moe", "prune", "--model", "local/x"], "Missing option '--demos'"),
    (["catalog", "search"], "Missing argument 'query'"),
    (["catalog", "search", "q", "-k", "0"], "Invalid value for '-k'"),
    (["ask"], "the question is empty"),
    (["ask", "q", "--ablate", "everything"], "unknown ablation 'everything'"),
    (["ask", "q", "--model-role", "nobody=script/x"], "is not one of PublicAgent's agents"),
    (["--config", "/no/such/ethos.toml", "runs", "list"], "ETHOS_CONFIG points at"),
    (["--db", "mysql://x/y", "runs", "list"], "unsupported database 'mysql'"),
    (["--db", "/no/such/dir/x.db", "runs", "list"], "no database at /no/such/dir/x.db"),
    (["--db", "/", "runs", "list"], "is a directory, not a SQLite file"),
]


@pytest.mark.parametrize(("args", "says"), MISUSES, ids=[" ".join(a) for a, _ in MISUSES])
def test_a_misuse_is_one_line_and_exit_2(args: list[str], says: str) -> None:
    assert says in one_line(*run(args))


def test_the_table_covers_at_least_25_misuses() -> None:
    assert len(MISUSES) >= 25


def test_a_declined_confirmation_is_one_line_and_deletes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"

    async def create() -> str:
        async with await Store.open(f"sqlite:///{db}") as store:
            return (await store.create_run("demo", name="keep me")).id

    async def count() -> int:
        async with await Store.open(f"sqlite:///{db}") as store:
            return len(await store.list_runs())

    run_id = asyncio.run(create())
    line = one_line(*run(["--db", str(db), "runs", "delete", run_id], stdin="n\n"))
    assert "aborted: a prompt was declined or got no answer" in line
    assert asyncio.run(count()) == 1
    # No answer at all (stdin closed) is no consent either.
    assert "aborted" in one_line(*run(["--db", str(db), "runs", "delete", run_id]))
    assert asyncio.run(count()) == 1


def test_read_only_commands_create_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    for args in (
        ["runs", "list"],
        ["runs", "show", "abcd"],
        ["runs", "delete", "abcd", "--yes"],
        ["eval", "report", "abcd"],
        ["eval", "compare", "abcd", "efgh"],
        ["eval", "export", "abcd", "-o", str(tmp_path / "out.json")],
        ["db", "current"],
        ["catalog", "search", "fuel economy"],
    ):
        line = one_line(*run(["--db", str(missing), *args]))
        assert f"no database at {missing} (the directory {tmp_path / 'no'} does not exist)" in line
    # --db belongs before the command: after it, it is a usage error, and still creates nothing.
    assert "No such option: --db" in one_line(*run(["runs", "list", "--db", str(missing)]))
    assert not (tmp_path / "no").exists()
    assert not (tmp_path / "out.json").exists()


# -- hypothesis: random argument lists ------------------------------------------------

# The commands that run for real: they only read, so a random --db or -o
# creates nothing anywhere. The others (long work: training, serving,
# ingesting, loading models; the network; writing where a random path says)
# have their arguments parsed and checked by click and typer as always, and
# their body replaced.
RUNS_FOR_REAL = {
    ("db", "current"),
    ("runs", "list"),
    ("runs", "show"),
    ("runs", "delete"),
    ("eval", "list"),
    ("eval", "report"),
    ("eval", "compare"),
    ("models", "list"),
}
# Typer's shell-completion installers would edit the user's shell files.
NEVER = {"--install-completion", "--show-completion"}


def command_tree() -> dict[tuple[str, ...], list[str]]:
    """Every command path (the root and groups included) with its option names."""
    tree: dict[tuple[str, ...], list[str]] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        tree[path] = sorted(
            {o for p in command.params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")}
            - NEVER
        )
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return tree


TREE = command_tree()
PATHS = sorted(TREE)
ALL_OPTIONS = sorted({o for options in TREE.values() for o in options})
ODD_VALUES = [
    "0", "-1", "1", "abc", "70000", "1e9", "nan", "inf", "", " ", "-", "--", "x=y", "=",
    "a,b", "k=", "/no/such/x.db", "/", ".", "..", "script/x", "local/", "hosted_vllm/",
    "openai/", "games/prisoners_dilemma", "[", "{}", "'", '"', "\\", "é", "🙂",
]  # fmt: skip


def stubbed_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the bodies of the commands not in RUNS_FOR_REAL (the signature
    stays, so typer parses and converts their arguments as always)."""

    def stub_of(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def stub(*args: Any, **kwargs: Any) -> None:
            return None

        return stub

    def visit(typer_app: typer.Typer, path: tuple[str, ...]) -> None:
        for info in typer_app.registered_commands:
            name = info.name or info.callback.__name__.replace("_", "-")
            if (*path, name) not in RUNS_FOR_REAL:
                monkeypatch.setattr(info, "callback", stub_of(info.callback))
        for group in typer_app.registered_groups:
            visit(group.typer_instance, (*path, group.name))

    visit(app, ())


def arguments() -> st.SearchStrategy[list[str]]:
    """A command path, then pieces: one of its options with an odd value, an
    option alone, an odd value, random text, or any command's option."""
    value = st.one_of(
        st.sampled_from(ODD_VALUES),
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=8,
        ),
    )

    @st.composite
    def build(draw: st.DrawFn) -> list[str]:
        path = draw(st.sampled_from(PATHS))
        own = st.sampled_from(TREE[path] or ALL_OPTIONS)
        piece = st.one_of(
            st.tuples(own, value),
            st.tuples(own),
            st.tuples(value),
            st.tuples(st.sampled_from(ALL_OPTIONS)),
        )
        pieces = draw(st.lists(piece, max_size=4))
        return [*path, *(word for p in pieces for word in p)]

    return build()


@pytest.mark.slow
def test_random_arguments_never_show_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    stubbed_commands(monkeypatch)

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,  # the same lists each run: a failure reproduces
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(arguments())
    def check(args: list[str]) -> None:
        code, out, err = run(args)
        assert "Traceback" not in out + err, (args, err)
        assert code in (0, 2), (args, code, out, err)
        if err.startswith("error: "):  # an error is one line; help (no arguments) is help
            assert len(err.strip().splitlines()) == 1, (args, err)
        elif code == 2:
            assert "Usage" in out + err, (args, out, err)

    check()


def test_a_read_only_command_leaves_an_empty_database_empty(db_url: str, tmp_path: Path) -> None:
    if db_url.startswith("sqlite"):
        Path(db_url.removeprefix("sqlite:///")).touch()  # there, but no ethos tables
    line = one_line(*run(["--db", db_url, "runs", "list"]))
    assert "holds no ethos database yet (no tables)" in line

    async def revision() -> str | None:
        async with await Store.open(db_url, upgrade=False) as store:
            return await store.revision()

    assert asyncio.run(revision()) is None  # not migrated behind the user's back


def test_config_given_to_one_invocation_does_not_leak_into_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --config reaches the command's own load_settings() calls through
    # ETHOS_CONFIG; an in-process caller (tests, a notebook) runs the next
    # command without it, not with the last one's file.
    monkeypatch.delenv("ETHOS_CONFIG", raising=False)
    config = tmp_path / "ethos.toml"
    config.write_text("")
    missing = tmp_path / "none.db"
    with pytest.raises(SystemExit) as exited:
        main(["--config", str(config), "--db", str(missing), "runs", "list"])
    assert exited.value.code == 2  # it read the settings, then found no database
    assert "ETHOS_CONFIG" not in os.environ
    callers = tmp_path / "callers.toml"
    callers.write_text("")
    monkeypatch.setenv("ETHOS_CONFIG", str(callers))  # one the caller set is kept
    with pytest.raises(SystemExit):
        main(["--config", str(config), "--db", str(missing), "runs", "list"])
    assert os.environ["ETHOS_CONFIG"] == str(callers)
    assert not missing.exists()
