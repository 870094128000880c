"""Suites as plug-ins, as a user installs one: a small package outside ethos
(tests/support/suite_plugin) is pip-installed into a folder once per test
session, and the real command line, run with that folder on PYTHONPATH,
lists its task, runs it and reports it with the suite's own section. The
same package declares a second, broken plug-in: one warning line, and every
other suite is still listed. A task file that returns a games task keeps
the games section."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ethos.db.store import Store
from ethos.errors import EthosError
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.suite import Suite, suite_of_task, suites
from ethos.evals.task import resolve_task

PLUGIN = Path(__file__).parent / "support" / "suite_plugin"


@pytest.fixture(scope="session")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy suite installed (with its entry points) into a folder of its own."""
    source = tmp_path_factory.mktemp("plugin-src") / "suite_plugin"
    shutil.copytree(PLUGIN, source)  # the build writes beside the sources: not in the repo
    target = tmp_path_factory.mktemp("plugin-site")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps"),
            *("--no-build-isolation", "--target", str(target), str(source)),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def ethos(plugin_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(plugin_path), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "ethos", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_the_built_in_suites_are_plug_ins_too() -> None:
    found = suites()
    assert {"games", "moe", "publicagent"} <= set(found)
    assert all(isinstance(suite, Suite) for suite in found.values())
    assert found["games"].owns("ethos.evals.games.tasks")


def test_an_installed_suite_is_listed_and_a_broken_one_is_one_line(plugin_path: Path) -> None:
    listed = ethos(plugin_path, "eval", "list")
    assert listed.returncode == 0, listed.stderr
    # one table row per task: name, first sentence, arguments with defaults and types
    (row,) = [line for line in listed.stdout.splitlines() if "toy/repeat" in line]
    words = ["toy/repeat", *"Ask the model to repeat each word.".split()]
    assert row.split() == [*words, "words='apple,pear'", "(str)"]
    assert "games/prisoners_dilemma " in listed.stdout and "publicagent " in listed.stdout
    assert listed.stderr.strip().splitlines() == [
        "warning: suite plug-in 'broken' (ethos_toy_suite.broken:SUITE, from ethos-toy-suite) "
        "cannot be loaded: ModuleNotFoundError: No module named "
        "'ethos_toy_suite_missing_dependency'"
    ]


def test_an_installed_suite_runs_and_reports_its_section(plugin_path: Path) -> None:
    ran = ethos(plugin_path, "eval", "run", "toy/repeat", "--model", "script/echo")
    assert ran.returncode == 0, ran.stderr
    assert "2 of 2 samples succeeded" in ran.stdout
    assert "toy section: 2 sample rows" in ran.stdout
    run_id = ran.stdout.split("report: ethos eval report ")[1].split()[0]
    shown = ethos(plugin_path, "eval", "report", run_id, "--json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["run"]["suite"] == "toy"
    assert report["section"] == {
        "suite": "toy",
        "notes": ["toy section: 2 sample rows"],
        "rows": 2,
    }
    assert [(m["name"], m["mean"]) for m in report["metrics"]] == [("repeated", 1.0)]


GAMES_FILE = """
from ethos.evals.games.tasks import prisoners_dilemma


def my_dilemma():
    return prisoners_dilemma(rounds=2, opponents="always_defect", seats="row")
"""


async def test_a_task_file_returning_a_games_task_gets_the_games_section(
    store: Store, tmp_path: Path
) -> None:
    from ethos.evals.games.report import section_rounds
    from ethos.evals.report import build_report, render_html

    path = tmp_path / "my_tasks.py"
    path.write_text(GAMES_FILE)
    spec = f"{path}@my_dilemma"
    assert suite_of_task(resolve_task(spec)) == "games"
    config = EvalConfig(task=spec, arms=[{"name": "first", "model": "script/first-choice"}])
    result = await run_eval(config, store=store, progress=False)
    assert result.status == "succeeded", result
    report = await build_report(store, result.run_id, browse=0)
    assert report.run.task == spec and report.run.suite == "games"
    rounds = section_rounds(report)
    assert [(r.who, r.round, r.share, r.n) for r in rounds] == [
        ("model", 1, 1.0, 1),
        ("model", 2, 1.0, 1),
        ("opponent", 1, 0.0, 1),
        ("opponent", 2, 0.0, 1),
    ]
    assert "Round-by-round choices" in render_html(report)


async def test_a_suite_whose_report_section_does_not_import_is_one_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ethos.evals import suite as suite_module
    from ethos.evals.report import build_report

    missing = Suite(name="lost", report="ethos_lost_suite_report:SECTION")
    monkeypatch.setitem(suite_module._loaded().suites, "lost", missing)
    run = await store.create_run(
        "eval", "lost/t", config={"task": "lost/t"}, metadata={"suite": "lost"}
    )
    with pytest.raises(EthosError) as raised:
        await build_report(store, run.id)
    assert raised.value.problem == (
        "suite 'lost' cannot load its report section 'ethos_lost_suite_report:SECTION': "
        "ModuleNotFoundError: No module named 'ethos_lost_suite_report'"
    )


async def test_a_suite_whose_report_section_is_broken_is_one_error_naming_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A section's collect or plots that raises, or a report= that names no
    ReportSection: one error naming the suite and where, not a traceback."""
    from ethos.evals import suite as suite_module
    from ethos.evals.report import ReportSection, build_report, render_html

    async def collect(store: Store, run: object, confidence: float) -> object:
        return {}["rows"]

    def plots(report: object) -> list:
        raise RuntimeError("no figure")

    async def fine(store: Store, run: object, confidence: float) -> object:
        from ethos.evals.report import SuiteSection

        return SuiteSection(suite="drawn")

    loaded = suite_module._loaded().suites
    monkeypatch.setitem(loaded, "buggy", Suite(name="buggy", report=ReportSection(collect)))
    monkeypatch.setitem(loaded, "notone", Suite(name="notone", report="os:path"))
    monkeypatch.setitem(loaded, "drawn", Suite(name="drawn", report=ReportSection(fine, plots)))
    for name, says in (
        (
            "buggy",
            f"suite 'buggy' failed to collect its report section: KeyError: 'rows' at {__file__}:",
        ),
        (
            "notone",
            "suite 'notone' names 'os:path' as its report section: a module, not a ReportSection",
        ),
    ):
        run = await store.create_run("eval", "t", config={"task": "t"}, metadata={"suite": name})
        with pytest.raises(EthosError) as raised:
            await build_report(store, run.id)
        assert raised.value.problem.startswith(says), raised.value.problem
    run = await store.create_run("eval", "t", config={"task": "t"}, metadata={"suite": "drawn"})
    report = await build_report(store, run.id)
    with pytest.raises(EthosError) as raised:
        render_html(report)
    drawn = "suite 'drawn' failed to draw its report section's plots: RuntimeError: no figure"
    assert raised.value.problem.startswith(f"{drawn} at {__file__}:")
