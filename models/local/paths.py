"""Where local checkpoints live, without importing torch.

``local/<ref>`` names either a checkpoint under ``<data_dir>/models`` or a
directory on disk. The command line lists and builds checkpoints through
these functions, so it stays light.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ethos.models.errors import CheckpointNotFoundError

if TYPE_CHECKING:
    from ethos.settings import Settings


def models_dir(settings: Settings | None = None) -> Path:
    """``<data_dir>/models``: the home of checkpoints named by a bare NAME."""
    if settings is None:
        from ethos.settings import load_settings

        settings = load_settings()
    return Path(settings.data_dir) / "models"


def is_path_ref(ref: str) -> bool:
    """A reference with a path separator, or starting with ``~`` or ``.``, is a path;
    anything else is a NAME under ``models_dir()``."""
    separators = {os.sep, "/"} | ({os.altsep} if os.altsep else set())
    return ref.startswith(("~", ".")) or any(sep in ref for sep in separators)


def checkpoint_dir(ref: str, settings: Settings | None = None) -> Path:
    """The directory ``ref`` points at, whether or not it exists."""
    if is_path_ref(ref):
        return Path(ref).expanduser().resolve()
    return models_dir(settings) / ref


def is_checkpoint(path: Path) -> bool:
    """A directory with a ``config.json`` (what ``from_pretrained`` needs
    first), or a LoRA adapter's (``adapter_config.json``, naming its base;
    see ethos.models.local.adapters)."""
    return (path / "config.json").is_file() or (path / "adapter_config.json").is_file()


def resolve_checkpoint(ref: str, *, settings: Settings | None = None) -> Path:
    """The checkpoint directory ``local/<ref>`` names, or a CheckpointNotFoundError
    that names the place looked at and the command that builds one there."""
    path = checkpoint_dir(ref, settings)
    if is_checkpoint(path):
        return path
    if is_path_ref(ref):
        how = f"`ethos models build-tiny {path.name} --arch qwen3_moe --out {path}`"
    else:
        how = f"`ethos models build-tiny {ref} --arch qwen3_moe`"
    what = "holds no config.json" if path.is_dir() else "does not exist"
    raise CheckpointNotFoundError(
        f"no local checkpoint for local/{ref}: {path} {what}",
        f"build a tiny one with {how}, or point local/ at a transformers checkpoint directory",
    )


@contextmanager
def staged_dir(out: Path) -> Iterator[Path]:
    """A fresh folder beside ``out`` to write a checkpoint into, moved into
    place whole when the block ends: a reader never sees half a checkpoint,
    and a failure leaves ``out`` as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp's 0o700 would make a shared models folder private
    try:
        yield staging
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
