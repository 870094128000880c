"""What EASY-EP pruning to half the experts saves: parameters, disk, memory, forward time.

Per family: build a checkpoint (the tiny one, or a wider synthetic one with
``--hidden/--experts/--width/--layers``: random weights, real architecture),
score the experts on a few demonstrations, prune to ``--keep`` (default
half), and compare the pruned checkpoint with the full one:

- ``parameter_ratio``: parameters after / before;
- ``disk_ratio``: bytes of the weight files after / before;
- ``peak_memory_ratio``: peak memory of loading the model and running one
  forward on the benchmark batch, each in a fresh interpreter: resident set
  (VmHWM less the interpreter's own after importing torch and transformers)
  on CPU, ``torch.cuda.max_memory_allocated`` on CUDA;
- ``forward_ratio``: median forward time on the same padded batch,
  repetitions interleaved (fp32 on CPU, bf16 on CUDA).

On the tiny models the embeddings dominate, so the ratios sit near 1; the
synthetic sizes show the expert-dominated case. Prints one JSON object per
family.

    python benchmarks/moe_prune.py [--arch qwen3_moe ...] [--keep N]
        [--hidden 256 --experts 16 --width 256 --layers 4] [--batch 8] [--seq 128]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from moe_hooks import batch, interleaved

from ethos.models.local.host import LocalModel, default_device
from ethos.models.local.routing import RoutingTable
from ethos.models.local.tiny import ARCHITECTURES, build_tiny, build_tokenizer, quiet_progress
from ethos.models.pruning import easy_ep_scores, prune

DEMOS = [
    "Round 1: both players cooperate and each receives three points.",
    "If the other player defected last round, defect now; otherwise cooperate.",
    "The payoff matrix rewards mutual cooperation more than mutual defection.",
    "Tit for tat starts by cooperating and then copies the last move.",
]


def build_synthetic(out: Path, arch: str, args: argparse.Namespace) -> Path:
    """A random-weight checkpoint of ``arch`` with the given widths (the tiny tokenizer)."""
    from transformers import AutoConfig, AutoModelForCausalLM

    tokenizer = build_tokenizer()
    ids = {"eos_token_id": tokenizer.eos_token_id, "pad_token_id": tokenizer.pad_token_id}
    fields = ARCHITECTURES[arch](len(tokenizer), ids)
    heads = fields["num_attention_heads"]
    fields.update(hidden_size=args.hidden, num_hidden_layers=args.layers)
    if "head_dim" in fields:
        fields["head_dim"] = args.hidden // heads
    width_key = "moe_intermediate_size" if "moe_intermediate_size" in fields else None
    if width_key:
        fields[width_key] = args.width
        fields["intermediate_size"] = 4 * args.hidden  # dense layers / shared expert
    else:
        fields["intermediate_size"] = args.width
    if "shared_expert_intermediate_size" in fields:
        fields["shared_expert_intermediate_size"] = 2 * args.width
    for key in ("num_experts", "num_local_experts", "n_routed_experts"):
        if key in fields:
            fields[key] = args.experts
    if "layer_types" in fields:
        fields["layer_types"] = [
            ("sliding_attention", "full_attention")[i % 2] for i in range(args.layers)
        ]
    config = AutoConfig.for_model(arch, **fields)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    with quiet_progress():
        model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def weight_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.glob("*.safetensors"))


def peak_memory(path: Path, args: argparse.Namespace) -> int:
    """Peak bytes of loading ``path`` and one forward, in a fresh interpreter."""
    code = f"""
import json, os, sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
os.environ["HF_HUB_OFFLINE"] = "1"
import torch, transformers
from transformers import AutoConfig, AutoModelForCausalLM
from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING
from transformers.utils import logging
logging.disable_progress_bar()
MODEL_FOR_CAUSAL_LM_MAPPING[type(AutoConfig.from_pretrained({str(path)!r}))]  # import it now
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
device = {args.device!r}
base = hwm()
dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
model = AutoModelForCausalLM.from_pretrained({str(path)!r}, dtype=dtype).to(device).eval()
from moe_hooks import batch
class Local: pass
local = Local(); local.device = device; local.hf_model = model
inputs = batch(local, {args.batch}, {args.seq})
if device.startswith("cuda"):
    torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
with torch.inference_mode():
    model(**inputs, use_cache=False, logits_to_keep=1)
if device.startswith("cuda"):
    print(json.dumps(torch.cuda.max_memory_allocated()))
else:
    print(json.dumps(hwm() - base))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1])


def measure(arch: str, root: Path, args: argparse.Namespace) -> dict:
    from transformers import AutoModelForCausalLM

    if args.hidden:
        full = build_synthetic(root / arch, arch, args)
    else:
        full = build_tiny(root / arch, arch, 0)
    local = LocalModel.load(full, device=args.device)
    try:
        scores = easy_ep_scores(local, DEMOS, chat=False)
        num_experts = next(iter(RoutingTable.of(local.hf_model).layers.values())).num_experts
    finally:
        local.close()
    keep = args.keep or num_experts // 2
    small = root / f"{arch}-pruned"
    result = prune(full, scores, small, keep=keep, clamp_top_k=True, drop_groups=True)

    dtype = torch.bfloat16 if args.device.startswith("cuda") else torch.float32
    with quiet_progress():
        models = {
            name: AutoModelForCausalLM.from_pretrained(path, dtype=dtype).to(args.device).eval()
            for name, path in (("full", full), ("pruned", small))
        }

    class Local:  # what moe_hooks.batch reads
        device = args.device
        hf_model = models["full"]

    inputs = batch(Local, args.batch, args.seq)  # type: ignore[arg-type]

    def forward(model):
        def work():
            with torch.inference_mode():
                return model(**inputs, use_cache=False, logits_to_keep=1)

        return work

    median = interleaved(
        Local,  # type: ignore[arg-type]
        {name: forward(model) for name, model in models.items()},
        args.repeats,
    )
    del models
    memory = {"full": peak_memory(full, args), "pruned": peak_memory(small, args)}
    return {
        "bench": "moe_prune",
        "arch": arch,
        "device": args.device,
        "size": (
            f"hidden {args.hidden}, {args.layers} layers, {args.experts} experts of width "
            f"{args.width}"
            if args.hidden
            else "tiny"
        ),
        "experts": num_experts,
        "keep": keep,
        "top_k": [result.top_k_before, result.top_k_after],
        "batch": args.batch,
        "seq": args.seq,
        "parameters": [result.parameters_before, result.parameters_after],
        "parameter_ratio": round(result.parameters_after / result.parameters_before, 4),
        "disk_bytes": [weight_bytes(full), weight_bytes(small)],
        "disk_ratio": round(weight_bytes(small) / weight_bytes(full), 4),
        "peak_memory_bytes": [memory["full"], memory["pruned"]],
        "peak_memory_ratio": round(memory["pruned"] / memory["full"], 4),
        "forward_s": [round(median["full"], 6), round(median["pruned"], 6)],
        "forward_ratio": round(median["pruned"] / median["full"], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", nargs="*", default=list(ARCHITECTURES), choices=ARCHITECTURES)
    parser.add_argument("--keep", type=int, default=None, help="default: half the experts")
    parser.add_argument("--hidden", type=int, default=0, help="synthetic size (0: tiny)")
    parser.add_argument("--experts", type=int, default=16)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda if present)")
    args = parser.parse_args()
    args.device = args.device or default_device()
    with tempfile.TemporaryDirectory() as tmp:
        for arch in args.arch:
            print(json.dumps(measure(arch, Path(tmp), args)), flush=True)


if __name__ == "__main__":
    main()
