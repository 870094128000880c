"""Visible failures: a run whose every sample failed still gets a report
(terminal, JSON, HTML) with its errors grouped by class; a task file that
does not import, and a factory that raises, are one clear error naming the
file and line, and an argument error is told apart from a bug."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ethos.evals.task import TaskError, resolve_task
from tests.test_cli import one_error

FAILING = """
from ethos.evals.task import Sample, Score, Task


def unreachable():
    return Task(
        name="unreachable",
        samples=[Sample(id=f"s{i}", input=i) for i in range(3)],
        solver=solve,
        scorers=[lambda sample, output, ctx: Score(value=1.0)],
    )


async def solve(sample, ctx):
    if sample.id == "s2":
        raise TimeoutError("no answer in 5 s")
    raise ConnectionError(f"the service is down (sample {sample.id})")
"""


def ethos(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ethos", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )


def test_an_all_failed_run_reports_its_errors_everywhere(tmp_path: Path) -> None:
    tasks = tmp_path / "failing.py"
    tasks.write_text(FAILING)
    ran = ethos("eval", "run", f"{tasks}@unreachable", "--model", "script/echo")
    assert "0 of 3 samples succeeded, 3 failed" in ran.stdout, ran.stderr
    assert "failures (3 sample rows)" in ran.stdout
    assert "ConnectionError" in ran.stdout and "the service is down (sample s0)" in ran.stdout
    run_id = ran.stdout.split("report: ethos eval report ")[1].split()[0]

    page = tmp_path / "report.html"
    shown = ethos("eval", "report", run_id, "--json", "--html", str(page))
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["metrics"] == []
    assert report["failures"] == [
        {
            "error_class": "ConnectionError",
            "count": 2,
            "first_message": "ConnectionError: the service is down (sample s0)",
            "sample_ids": ["s0", "s1"],
        },
        {
            "error_class": "TimeoutError",
            "count": 1,
            "first_message": "TimeoutError: no answer in 5 s",
            "sample_ids": ["s2"],
        },
    ]
    html = page.read_text()
    assert "<h2>Failures (3 sample rows)</h2>" in html
    assert "the service is down (sample s0)" in html and "no answer in 5 s" in html
    # the sample browser shows each failed sample's own error
    assert html.count('<pre class="error">') == 3

    table = ethos("eval", "report", run_id)
    assert table.returncode == 0, table.stderr
    assert "no scores" in table.stdout and "TimeoutError" in table.stdout


def test_a_task_file_with_a_syntax_error_is_one_line(tmp_path: Path) -> None:
    tasks = tmp_path / "broken.py"
    tasks.write_text("from ethos.evals.task import Task\n\ndef make(:\n    pass\n")
    line = one_error(ethos("eval", "run", f"{tasks}@make", "--model", "script/echo"))
    assert f"task file {tasks} has a syntax error at line 3" in line
    assert f"fix line 3 of {tasks}" in line


def test_a_task_file_that_does_not_import_names_file_and_line(tmp_path: Path) -> None:
    tasks = tmp_path / "needs.py"
    tasks.write_text("import json\nimport ethos_no_such_module_here\n")
    with pytest.raises(TaskError) as raised:
        resolve_task(f"{tasks}@make")
    assert raised.value.problem == (
        f"task file {tasks} does not import: ModuleNotFoundError: No module named "
        f"'ethos_no_such_module_here' at {tasks}:2 (in <module>)"
    )
    assert raised.value.fix is not None and "install the missing module" in raised.value.fix
    # fixed, the same file imports on the next try in the same process
    tasks.write_text(FAILING)
    assert resolve_task(f"{tasks}@unreachable").name == "unreachable"


FACTORIES = """
from ethos.evals.task import Sample, Task


def checked(n: int = 2):
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    return Task(name="checked", samples=[Sample(id="a")], solver=None, scorers=[])


def weights(n):
    return {"a": 1}[f"w{n}"]


def buggy(n: int = 2):
    w = weights(n)
    return Task(name="buggy", samples=[Sample(id="a")], solver=None, scorers=[w])
"""


def test_a_factory_argument_error_is_told_apart_from_a_bug(tmp_path: Path) -> None:
    tasks = tmp_path / "factories.py"
    tasks.write_text(FACTORIES)
    with pytest.raises(TaskError) as argument:
        resolve_task(f"{tasks}@checked", {"n": 0})
    assert argument.value.problem.startswith(
        f"task '{tasks}@checked' rejected its arguments: ValueError: n must be at least 1, not 0"
    )
    assert f"(raised at {tasks}:7 (in checked))" in argument.value.problem
    assert argument.value.fix == "check the -T values"

    with pytest.raises(TaskError) as bug:
        resolve_task(f"{tasks}@buggy")
    assert bug.value.problem == (
        f"task '{tasks}@buggy' failed while being built: KeyError: 'w2' at {tasks}:12 (in weights)"
    )
    assert bug.value.fix is not None and "not in its -T values" in bug.value.fix
    assert "check the -T values" not in str(bug.value)

    line = one_error(ethos("eval", "run", f"{tasks}@buggy", "--model", "script/echo"))
    assert f"KeyError: 'w2' at {tasks}:12 (in weights)" in line


def test_a_task_argument_of_the_wrong_type_is_one_error_naming_it() -> None:
    # Checked against the factory's annotations before it runs: not a "bug in
    # the task" from deep inside it, nor 30 samples failing one by one.
    with pytest.raises(TaskError) as word:
        resolve_task("games/prisoners_dilemma", {"rounds": "abc"})
    assert word.value.problem.startswith(
        "task 'games/prisoners_dilemma': -T rounds='abc' is not a valid int"
    )
    assert word.value.fix == "give rounds a value of type int"
    with pytest.raises(TaskError) as fraction:
        resolve_task("games/prisoners_dilemma", {"rounds": 2.5})
    assert "-T rounds=2.5 is not a valid int" in fraction.value.problem
    assert resolve_task("games/prisoners_dilemma", {"rounds": 3}).samples

    line = one_error(
        ethos("eval", "run", "games/prisoners_dilemma", "-m", "script/x", "-T", "rounds=abc")
    )
    assert "-T rounds='abc' is not a valid int" in line
