"""Tiny local checkpoints for tests: one per architecture, built once per run.

Enable with ``pytest_plugins = ["tests.support.checkpoints"]`` (or
``-p tests.support.checkpoints``). Building the first one imports torch and
transformers (a few seconds); each further one takes a fraction of a second.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``tiny_checkpoints(arch, seed=0)`` -> the directory of a tiny checkpoint,
    built on first request into this run's temporary folder and reused after."""
    from ethos.models.local.tiny import build_tiny

    root = tmp_path_factory.mktemp("tiny-checkpoints")
    built: dict[tuple[str, int], Path] = {}

    def checkpoint(arch: str, seed: int = 0) -> Path:
        key = (arch, seed)
        if key not in built:
            built[key] = build_tiny(root / f"{arch}-seed{seed}", arch, seed)
        return built[key]

    return checkpoint


@pytest.fixture(scope="session")
def refusal_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The refusal-trained tiny MoE of ``ethos models train-tiny`` (what
    ``make demo`` trains on first use), trained once per test run."""
    from ethos.models.local.train import train_tiny

    out = tmp_path_factory.mktemp("refusal-model") / "tiny-refusal"
    train_tiny(out, max_seconds=240)
    return out
