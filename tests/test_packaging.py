"""The wheel holds one namespace, ``ethos``, with every domain folder in it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = {
    "ethos": "ethos",
    "models": "ethos/models",
    "agents": "ethos/agents",
    "graphs": "ethos/graphs",
    "handbook": "ethos/handbook",
    "evals": "ethos/evals",
}


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=out,
        timeout=300,
    )
    (wheel,) = out.glob("ethos-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


@pytest.mark.slow
def test_wheel_contains_only_the_ethos_namespace(wheel_files: set[str]) -> None:
    tops = {name.split("/")[0] for name in wheel_files}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"ethos"}


@pytest.mark.slow
def test_every_source_module_is_in_the_wheel(wheel_files: set[str]) -> None:
    """A new sub-package missing from pyproject's list fails here, not on a
    user's machine."""
    for folder, target in DOMAINS.items():
        for source in (ROOT / folder).rglob("*.py"):
            inside = source.relative_to(ROOT / folder).as_posix()
            assert f"{target}/{inside}" in wheel_files, f"{folder}/{inside} is not packaged"
    assert "ethos/db/migrations/versions/0001_initial_schema.py" in wheel_files
    assert "ethos/db/migrations/script.py.mako" in wheel_files
    assert "ethos/py.typed" in wheel_files
