"""``ethos handbook`` end to end in one process, against a real SQLite file:
extract from a JSONL file with the scripted test curator (labelled as
scripted in the output), list, search, show, merge, prune; bad input is
one line and exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ethos.cli.app import main
from tests.support import handbook_curator


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def handbook(capsys, db: str, *args: str) -> tuple[int, str, str]:
    """``ethos --db DB handbook ARGS...``: every test here talks to one file."""
    return run(capsys, "--db", db, "handbook", *args)


def extract(capsys, db: str, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """``handbook extract`` of the four test traces with the scripted curator."""
    return handbook(
        capsys, db, "extract", str(_traces(tmp_path)), "-m", "script/test-curator", *args
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    handbook_curator.register()
    return str(tmp_path / "cli.db")


def _traces(tmp_path: Path) -> Path:
    path = tmp_path / "solved.jsonl"
    lines = [
        {"id": "a", "question": "What is 1/3 + 1/4 as a fraction?", "answer": "7/12"},
        {"id": "b", "question": "What is 20% of 45?", "answer": "9"},
        {"id": "c", "question": "How many metres are 3 km?", "solution": "3 * 1000 = 3000"},
        {"id": "d", "question": "What is 2/5 + 1/10?"},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path


def test_extract_list_search_show_merge_prune(capsys, db, tmp_path) -> None:
    code, out, _ = extract(capsys, db, tmp_path, "--handbook", "maths")
    assert code == 0
    assert "4 traces, 3 used, 1 skipped; 3 behaviours added" in out
    assert "[scripted: a test double, not a model]" in out
    assert "skipped solved.jsonl:4: the trace has no answer" in out

    code, out, _ = handbook(capsys, db, "list", "-H", "maths", "--json")
    listed = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(listed) == 3
    assert {t for b in listed for t in b["tags"]} == {"fractions", "percentages", "units"}
    assert all(b["provenance"][0]["model"] == "script/test-curator" for b in listed)

    code, out, _ = handbook(capsys, db, "search", "add 2/7 and 1/3", "-H", "maths", "--json")
    hits = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and hits[0]["tags"] == ["fractions"]
    fractions = hits[0]["name"]

    code, out, _ = handbook(capsys, db, "show", fractions, "-H", "maths")
    assert code == 0
    assert out.startswith(f"{fractions} (handbook maths, version 1)")
    assert "retrieved 0, cited 0" in out  # search from the CLI is not counted as use
    assert f"{tmp_path / 'solved.jsonl'} a (curator script/test-curator)" in out

    percent = next(b["name"] for b in listed if b["tags"] == ["percentages"])
    code, out, _ = handbook(capsys, db, "merge", fractions, percent, "-H", "maths")
    assert code == 0 and out.startswith(f"merged into {fractions} (version 2): 2 source(s)")

    code, out, _ = handbook(capsys, db, "prune", "--min-retrievals", "1", "-H", "maths")
    assert code == 0 and out.startswith("pruned 0 behaviour(s)")


def test_bad_input_is_one_line_and_exit_2(capsys, db, tmp_path) -> None:
    extract(capsys, db, tmp_path)
    code, _, err = handbook(capsys, db, "show", "behavior_nothing_like_it")
    assert code == 2
    assert err.strip().splitlines() == [
        "error: handbook 'default' has no behaviour 'behavior_nothing_like_it'; "
        "list them with: ethos handbook list"
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    code, _, err = handbook(capsys, db, "extract", str(bad), "-m", "script/test-curator")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "bad.jsonl:1 is not JSON" in err
    code, _, err = handbook(capsys, db, "list", "-H", "nope")
    assert code == 2 and "no handbook named 'nope'" in err
    code, _, err = handbook(capsys, db, "prune", "--min-retrievals", "0")
    assert code == 2 and "must be at least 1" in err
    code, _, err = extract(capsys, db, tmp_path, "--format", "xml")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--format 'xml' is not a curation format" in err and "json, lines" in err


def test_extract_in_plain_lines_reports_what_it_dropped(capsys, db, tmp_path) -> None:
    """--format lines: the scripted curator (a test double that answers plain
    calls with one sentence) writes no behaviour line, and the output says
    which line was dropped and why."""
    code, out, _ = extract(capsys, db, tmp_path, "--format", "lines")
    assert code == 0
    assert "3 traces curated in the plain-line format, 3 lines dropped" in out
    assert "dropped solved.jsonl:1: not a behavior_<name>: <instruction> line: The scripted" in out
