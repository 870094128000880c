"""The command line as a user runs it: a real subprocess, real output."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ethos(
    *args: str, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 120
):
    return subprocess.run(
        [sys.executable, "-m", "ethos", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        input=input,
        timeout=timeout,
    )


def test_help_imports_neither_torch_nor_litellm() -> None:
    probe = (
        "import sys\n"
        "from ethos.cli.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ['torch', 'litellm', 'transformers', 'sqlalchemy', 'langgraph', 'ray']\n"
        "print('LOADED', [m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert "Usage: ethos" in out.stdout
    assert "LOADED []" in out.stdout


def test_version_and_module_entry_point() -> None:
    result = ethos("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("ethos ")


@pytest.mark.slow
@pytest.mark.local_model
def test_demo_prints_a_stored_run_that_the_runs_commands_find(
    ethos_env: Path, refusal_model: Path, smollm2_checkpoint: Path
) -> None:
    # The model make demo trains on first use, trained once for the whole test run.
    shutil.copytree(refusal_model, ethos_env / "models" / "tiny-refusal")
    # The games player make demo imports on first use, imported once and cached.
    (ethos_env / "models" / "smollm2").symlink_to(smollm2_checkpoint)
    demo = ethos("demo", timeout=600)
    assert demo.returncode == 0, demo.stderr
    assert "recorded runs in sqlite:///" in demo.stdout
    assert str(ethos_env / "ethos.db") in demo.stdout
    out = " ".join(demo.stdout.split())
    # 5 events of the store round trip + the 3 model calls in the sample's transcript
    assert "2 samples, 8 events, 3 model calls, 1 score, 1 artifact" in out
    assert "trained on this CPU to refuse" in out and '-> "I can\'t help with that."' in out
    assert "experts behind the refusals" in out and "random1" in out
    assert "games tournament" in out and "tit_for_tat" in out
    assert "played by local/smollm2: SmolLM2-135M-Instruct, a real chat model of 134.5M" in out
    assert "game.normalised_score" in out
    assert "PublicAgent" in out and "## Results" not in out and "Data set links" in out
    assert "answered by script/publicagent-rules (scripted" in out
    # the handbook step: behaviours learned from a run, listed, one cited in an answer
    assert "behaviour handbook" in out and "behavior_common_denominator_then_reduce" in out
    assert "cited: behavior_common_denominator_then_reduce; right" in out

    listed = [json.loads(line) for line in ethos("runs", "list", "--json").stdout.splitlines()]
    assert {r["kind"] for r in listed} == {
        "demo",
        "eval",
        "moe-profile",
        "publicagent",
        "handbook",
    }
    assert {r["status"] for r in listed} == {"succeeded"}
    (run,) = [r for r in listed if r["kind"] == "demo"]
    (games,) = [r for r in listed if r["name"].startswith("games/")]

    html = ethos_env / "reports" / f"{games['id']}.html"
    assert f"HTML report: {html}" in demo.stdout.replace("\n", "")
    assert "Prisoner" in html.read_text() and "<img" in html.read_text()
    shown_games = json.loads(ethos("runs", "show", games["id"], "--json").stdout)
    assert shown_games["counts"]["samples"] == 6 and shown_games["counts"]["scores"] == 6

    shown = json.loads(ethos("runs", "show", run["id"][:14], "--json").stdout)
    assert shown["counts"]["events"] == 8 and shown["counts"]["model_calls"] == 3
    # What the model saw and said, from the gateway's record of the sample.
    seen = ethos("runs", "show", run["id"], "--sample", "local-model")
    assert seen.returncode == 0, seen.stderr
    assert "I can't help with that." in seen.stdout and "cooperate" in seen.stdout
    assert [e["kind"] for e in shown["events"]][:2] == ["state", "message"]
    artifact = ethos_env / "artifacts" / run["id"] / "summary.json"
    assert json.loads(artifact.read_text())["identical"] is True

    table = ethos("runs", "list")
    assert run["id"][:16] in table.stdout

    refused = ethos("runs", "delete", run["id"], input="n\n")
    assert refused.returncode != 0
    assert len(ethos("runs", "list", "--json").stdout.splitlines()) == len(listed)

    deleted = ethos("runs", "delete", run["id"], "--yes")
    assert deleted.returncode == 0
    assert "deleted run" in deleted.stdout
    assert len(ethos("runs", "list", "--json").stdout.splitlines()) == len(listed) - 1


def test_db_commands_report_and_migrate(tmp_path: Path) -> None:
    db = str(tmp_path / "fresh.db")
    # db current only reads: it names the missing file and creates nothing.
    assert f"no database at {db}" in one_error(ethos("--db", db, "db", "current"))
    assert not (tmp_path / "fresh.db").exists()
    upgraded = ethos("--db", db, "db", "upgrade")
    assert "upgraded from an empty database to revision" in upgraded.stdout
    assert "already at revision" in ethos("--db", db, "db", "upgrade").stdout
    assert "(current)" in ethos("--db", db, "db", "current").stdout


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    """The process failed with status 2 and one line on stderr, no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--db", "mysql://root@localhost/x"], {}, "unsupported database 'mysql'"),
        (["--db", "postgres:/x"], {}, "malformed database URL"),
        (
            ["--db", "postgresql://postgres@127.0.0.1:1/test"],
            {},
            "cannot connect to PostgreSQL at postgresql://postgres@127.0.0.1:1/test",
        ),
        ([], {"ETHOS_CONFIG": "/no/such/ethos.toml"}, "ETHOS_CONFIG points at"),
    ],
)
def test_bad_input_gets_one_clear_error(args: list[str], env: dict[str, str], says: str) -> None:
    line = one_error(ethos(*args, "runs", "list", env=env))
    assert says in line


def test_unknown_config_key_and_missing_run(tmp_path: Path) -> None:
    (tmp_path / "ethos.toml").write_text('modle = "x"\n')
    assert "unknown key 'modle'" in one_error(ethos("runs", "list"))
    (tmp_path / "ethos.toml").unlink()
    assert ethos("db", "upgrade").returncode == 0
    assert "no run 'feedbeef'" in one_error(ethos("runs", "show", "feedbeef"))
    assert "no run 'feedbeef'" in one_error(ethos("runs", "delete", "feedbeef", "--yes"))


def test_newer_schema_via_cli_changes_nothing(tmp_path: Path) -> None:
    import sqlite3

    from ethos.db.store import Store

    db = tmp_path / "newer.db"

    async def fill() -> None:
        async with await Store.open(f"sqlite:///{db}") as store:
            run = await store.create_run("demo", name="stored before")
            await store.append_events(run.id, [("message", {"n": i}) for i in range(8)])
            await store.prepare_samples(run.id, [{"sample_id": f"s{i}"} for i in range(14)])

    asyncio.run(fill())
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zz99'")
    line = one_error(ethos("--db", str(db), "runs", "list"))
    assert "newer than this ethos" in line
    one_error(ethos("--db", str(db), "db", "upgrade"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (8,)
        assert conn.execute("SELECT count(*) FROM samples").fetchone() == (14,)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("zz99",)


def test_doctor_reports_without_leaking_keys(ethos_env: Path) -> None:
    secret = "sk-test-do-not-print-0123456789"
    result = ethos("doctor", "--json", env={"OPENAI_API_KEY": secret})
    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout + result.stderr
    facts = json.loads(result.stdout)
    assert facts["providers"]["openai"] is True
    assert facts["providers"]["anthropic"] is False
    assert facts["database"]["url"] == f"sqlite:///{ethos_env / 'ethos.db'}"
    assert not (ethos_env / "ethos.db").exists()  # diagnosing creates nothing
    assert facts["packages"]["core"]["sqlalchemy"]
    text = ethos("doctor", env={"OPENAI_API_KEY": secret})
    assert "openai" in text.stdout and secret not in text.stdout


def test_doctor_reports_an_unreachable_database_instead_of_failing() -> None:
    result = ethos("--db", "postgresql://postgres@127.0.0.1:1/test", "doctor", "--json")
    assert result.returncode == 0
    facts = json.loads(result.stdout)
    assert facts["database"]["ok"] is False
    assert "cannot connect" in facts["database"]["error"]
