"""The README's examples run, and show what they say.

Every ```python block runs as a file (one fresh interpreter runs them one
after another, each as ``__main__`` in its own namespace: top-level await
fails), against a data directory holding ``local/tiny`` built by the
README's command; the gateway block also reaches a real ``ethos serve`` over
loopback. Every ``ethos ...`` command in a ```sh block is parsed by the real
command line (the command exists, every option is known, every argument
fits); the cheap ones run in-process through the same command line, with
local/tiny and scripted models, and every figure the comments quote (the
arm example's rates and Delta, the expert mask's log-probabilities) is
compared with the one measured. The ```toml
blocks load (the ethos.toml through the settings loader, which refuses
unknown keys). Each checker is shown to fail on a deliberately broken copy.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ETHOS = str(Path(sys.executable).with_name("ethos"))


def blocks(text: str, lang: str) -> list[str]:
    """The fenced code blocks of one language, in order."""
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.M | re.S)


def commands(text: str) -> list[list[str]]:
    """Every ``ethos ...`` command of the sh blocks, continuation lines
    joined, comments dropped, as argv after ``ethos``."""
    found = []
    for block in blocks(text, "sh"):
        joined = re.sub(r"\\\n\s*", " ", block).replace("[--", "--").replace("]", "")
        for line in joined.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "ethos":
                found.append(words[1:])
    return found


class UsageProblem(ValueError):
    """A README command the command line refuses, with click's message."""


def parse(argv: list[str]) -> Any:
    """Parse ``argv`` with the real command line down to its command, without
    running it; raises UsageProblem for an unknown command, option or value.
    (typer carries its own copy of click, so its classes are not click's.)"""
    import typer.main

    from ethos.cli.app import app

    command = typer.main.get_command(app)
    name, args, parent = "ethos", list(argv), None
    while True:
        try:
            ctx = command.make_context(name, args, parent=parent)
        except Exception as exc:
            if type(exc).__name__ == "Exit":  # --help
                return command
            if hasattr(exc, "format_message"):
                raise UsageProblem(exc.format_message()) from exc
            raise
        if not hasattr(command, "resolve_command"):  # a command, not a group
            return command
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not rest:
            return command
        name, found, args = command.resolve_command(ctx, rest)
        assert found is not None, argv
        command, parent = found, ctx


def environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ETHOS_", "ANTHROPIC_"))}
    env.update(ETHOS_DATA_DIR=str(data), HF_HUB_OFFLINE="1", LITELLM_LOCAL_MODEL_COST_MAP="True")
    return env


def ethos_here(*argv: str) -> Any:
    """Run one command through the real command line in this process (the
    interpreter, torch and a loaded local model are reused: a subprocess per
    command cost the README test minutes). Returns click's Result."""
    from typer.testing import CliRunner

    from ethos.cli.app import app

    return CliRunner().invoke(app, list(argv))


# Every block as its own file, run as __main__ one after another in one fresh
# interpreter (each in a namespace of its own): top-level await or a missing
# import still fails, and the interpreter starts once.
DRIVER = """
import contextlib, io, json, runpy, sys, traceback
found = {}
for path in sys.argv[1:]:
    out, err, code = io.StringIO(), io.StringIO(), 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        err.write(traceback.format_exc())
        code = 1
    found[path] = {"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
print(json.dumps(found))
"""


def run_files(codes: dict[str, str], folder: Path, env: dict[str, str]) -> dict[str, Any]:
    """Each code written to ``folder/<name>.py`` and run by DRIVER; name ->
    CompletedProcess-like (returncode, stdout, stderr)."""
    paths = {}
    for name, code in codes.items():
        paths[name] = folder / f"{name}.py"
        paths[name].write_text(code, encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, "-c", DRIVER, *map(str, paths.values())],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout.splitlines()[-1])
    return {
        name: subprocess.CompletedProcess([], **found[str(path)]) for name, path in paths.items()
    }


@pytest.fixture(scope="module")
def text() -> str:
    return README.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tiny_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with local/tiny, built by the README's own command."""
    data = tmp_path_factory.mktemp("readme-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ETHOS_DATA_DIR", str(data))
        built = ethos_here("models", "build-tiny", "tiny", "--arch", "qwen3_moe")
    assert built.exit_code == 0, built.output
    return data


@pytest.fixture(scope="module")
def served(tiny_home: Path) -> Iterator[str]:
    """``ethos serve --model local/tiny`` on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [ETHOS, "serve", "--model", "local/tiny", "--port", str(port)],
        env=environment(tiny_home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a poll of the health endpoint, not a sleep for a guess
            if server.poll() is not None:
                pytest.fail(f"ethos serve exited: {server.stderr.read() if server.stderr else ''}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield f"{url}/v1"
    finally:
        server.terminate()
        server.wait(timeout=30)


# -- the python blocks ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.local_model
def test_every_python_block_runs_as_a_file(
    text: str, tiny_home: Path, served: str, tmp_path: Path
) -> None:
    found = blocks(text, "python")
    assert len(found) == 5
    handbook, gateway, store, graph, service = found
    env = {**environment(tiny_home), "ETHOS_SERVE_URL": served}
    # "continuing the example above": the service block after the graph's
    results = run_files(
        {
            "handbook": handbook,
            "gateway": gateway,
            "store": store,
            "graph": graph,
            "service": graph + "\n" + service,
        },
        tmp_path,
        env,
    )

    ran = results["handbook"]
    assert ran.returncode == 0, ran.stderr
    assert "What is 2/7 + 1/3?" in ran.stdout  # an empty handbook leaves the prompt as it was

    ran = results["gateway"]
    assert ran.returncode == 0, ran.stderr
    lines = {line.split(" ", 1)[0]: line for line in ran.stdout.splitlines()}
    plain, masked = (lines[k].split(" ", 2) for k in ("plain", "masked"))
    # The mask's claim: it changes the log-probabilities, here enough to flip the choice.
    assert plain[1] == "C" and masked[1] == "D", ran.stdout
    plain_lp = ast.literal_eval(plain[2])  # the dict the block printed
    masked_lp = ast.literal_eval(masked[2])
    # the figures the block's comments quote
    assert plain_lp == pytest.approx({"C": -9.19, "D": -11.72}, abs=0.01)
    assert masked_lp == pytest.approx({"C": -8.98, "D": -8.64}, abs=0.01)
    assert "# plain C {'C': -9.19, 'D': -11.72}" in gateway
    assert "# masked D {'C': -8.98, 'D': -8.64}" in gateway
    assert lines["scripted"] == "scripted C" and lines["served"].startswith("served '")

    ran = results["store"]
    assert ran.returncode == 0, ran.stderr
    assert "events=11" in ran.stdout, ran.stdout

    ran = results["graph"]
    assert ran.returncode == 0, ran.stderr
    assert "{'city': 'Paris', 'population': 2102650}" in ran.stdout
    assert "tool_call" in ran.stdout

    assert results["service"].returncode == 0, results["service"].stderr


# -- the commands ------------------------------------------------------------------


def test_every_command_parses(text: str) -> None:
    # every fenced block is one of the kinds these tests run (a ```bash block would be missed)
    assert set(re.findall(r"^```(\w*)$", text, flags=re.M)) == {"python", "sh", "toml", ""}
    found = commands(text)
    assert len(found) >= 45
    for argv in found:
        try:
            parse(argv)
        except UsageProblem as exc:
            pytest.fail(f"README: ethos {shlex.join(argv)}: {exc}")


@pytest.mark.slow
@pytest.mark.local_model
def test_the_cheap_commands_run_and_the_arm_example_measures(
    text: str, tiny_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in os.environ:
        if name.startswith(("ETHOS_", "ANTHROPIC_")):
            monkeypatch.delenv(name)
    for name, value in environment(tiny_home).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    found = commands(text)
    cheap = (["--help"], ["models", "list"], ["eval", "list"], ["db", "upgrade"], ["db", "current"])
    for argv in cheap:
        assert argv in found
        ran = ethos_here(*argv)
        assert ran.exit_code == 0, (argv, ran.output)
    call = next(a for a in found if a[:3] == ["models", "call", "local/tiny"])
    ran = ethos_here(*call)
    assert ran.exit_code == 0 and "cooperate" in ran.stdout and "defect" in ran.stdout

    # the arm example: greedy against sampled at 0.7, and the figures its comment quotes
    (arms,) = [a for a in found if "sampled=local/tiny,temperature=0.7" in " ".join(a)]
    ran = ethos_here(*arms, "--display", "plain")
    assert ran.exit_code == 0, ran.output
    run_id = ran.stdout.split("report: ethos eval report ")[1].split()[0]
    page = tmp_path / "report.html"
    report = ethos_here("eval", "report", run_id, "--json", "--html", str(page))
    assert report.exit_code == 0, report.output
    shown = json.loads(report.stdout)
    rates = {m["arm"]: m["mean"] for m in shown["metrics"] if m["name"] == "game.option_0_rate"}
    (rate,) = [
        d for d in shown["deltas"] if d["arm"] == "sampled" and d["name"] == "game.option_0_rate"
    ]
    measured = "game.option_0_rate from {:.3f} to {:.3f}, Delta {:+.3f} [{:+.3f}, {:+.3f}]".format(
        rates["greedy"], rates["sampled"], rate["mean"], rate["ci_low"], rate["ci_high"]
    )
    quoted = re.search(r"game\.option_0_rate from \S+ to \S+, Delta \S+ \[\S+, \S+\]", text)
    assert quoted, "the README no longer quotes the arm example's Delta"
    # the README writes a negative number with its minus sign and no plus
    assert quoted.group(0) == measured.replace("+", ""), measured
    assert rate["ci_high"] < 0  # what "sampling moves" claims: the interval excludes 0
    assert "Delta to the baseline arm (greedy)" in page.read_text(encoding="utf-8")

    # the commands that read a run, on this one (placeholders filled in)
    ids = {"01a2f3": run_id[:12], "RUN_ID": run_id, "RUN_A": run_id, "RUN_B": run_id}
    readers = [
        [ids.get(word, word) for word in argv]
        for argv in found
        if argv[:2] in (["runs", "list"], ["runs", "show"], ["eval", "compare"], ["eval", "export"])
        and "--sample" not in argv
    ]
    assert len(readers) == 4
    for argv in readers:
        ran = ethos_here(*argv)
        assert ran.exit_code == 0, (argv, ran.output)
    logs = list((tmp_path / "logs").iterdir())  # one Inspect log per arm
    assert len([p for p in logs if p.suffix == ".json"]) == 2, logs


# -- the toml blocks ---------------------------------------------------------------


def check_toml(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry-point table parses; an ethos.toml loads through the settings."""
    data = tomllib.loads(block)
    if "project" in data:
        assert data["project"]["entry-points"]["ethos.suites"]
        return
    from ethos.settings import load_settings

    path = tmp_path / "ethos.toml"
    path.write_text(block, encoding="utf-8")
    monkeypatch.setenv("ETHOS_CONFIG", str(path))
    settings = load_settings()
    assert settings.roles == {"planner": "openai/gpt-4o", "player": "local/tiny-moe"}


def test_every_toml_block_loads(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = blocks(text, "toml")
    assert len(found) == 2
    for block in found:
        check_toml(block, tmp_path, monkeypatch)


# -- a broken README fails ---------------------------------------------------------


def test_a_broken_copy_fails_each_check(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ethos.errors import EthosError

    broken = text.replace("--epochs 2", "--epoch 2").replace("store.counts(", "store.count(")
    broken = broken.replace('database_url = "postgresql:', 'database_uri = "postgresql:')
    failures = []
    for argv in commands(broken):
        try:
            parse(argv)
        except UsageProblem as exc:
            failures.append(str(exc))
    assert failures == ["No such option: --epoch (Possible options: --epochs)"], failures

    store_block = blocks(broken, "python")[2]
    # the README's first block once used top-level await, which fails as a file
    awaited = store_block.replace("asyncio.run(main())", "await main()")
    ran = run_files({"store": store_block, "awaited": awaited}, tmp_path, environment(tmp_path))
    assert ran["store"].returncode == 1 and "has no attribute 'count'" in ran["store"].stderr
    assert ran["awaited"].returncode == 1
    assert "SyntaxError: 'await' outside function" in ran["awaited"].stderr

    with pytest.raises(EthosError, match="database_uri"):
        check_toml(blocks(broken, "toml")[1], tmp_path, monkeypatch)


# -- the demo's MoTE sentence ------------------------------------------------------


def test_the_demo_concludes_from_the_paired_delta_in_points() -> None:
    """The numbers of issue 18: Wilson intervals that overlap, while the
    harness's paired Delta for the same arms is -0.125 [-0.250, -0.031]."""
    from ethos.cli.demo import mote_conclusion

    arm = {"experts": [], "harmful": None, "benign": None}
    found = {
        "after": {**arm, "arm": "top3"},
        "random": [{**arm, "arm": "random1"}, {**arm, "arm": "random2"}],
        "deltas": {
            "top3": {"mean": -0.125, "ci_low": -0.25, "ci_high": -0.03125, "n": 16},
            "random1": {"mean": 0.0, "ci_low": -0.0625, "ci_high": 0.0625, "n": 16},
            "random2": {"mean": -0.0625, "ci_low": -0.1875, "ci_high": 0.0, "n": 16},
        },
    }
    said = mote_conclusion(found)
    assert said.startswith(
        "switching off the top experts changed the harmful refusal rate by "
        "-12.5 pp [-25.0, -3.1] (paired Delta to the baseline over 16 held-out prompts); "
        "random experts of the same number: +0.0 pp [-6.2, +6.2]; -6.2 pp [-18.8, +0.0]."
    )
    assert "no clear sign" not in said and "does not single those experts out" in said
    for name in ("random1", "random2"):  # random sets that move nothing
        found["deltas"][name] = {"mean": 0.0, "ci_low": -0.02, "ci_high": 0.02, "n": 16}
    assert "The profiled experts carry the behaviour" in mote_conclusion(found)
    found["deltas"]["top3"] = {"mean": -0.0625, "ci_low": -0.1875, "ci_high": 0.0625, "n": 16}
    assert "The interval includes 0: no clear sign" in mote_conclusion(found)
