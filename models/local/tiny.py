"""Tiny Mixture-of-Experts checkpoints that ethos builds on disk.

Tests, examples and the local host need a real transformers MoE model, and
these machines cannot download one. So ethos writes its own: a real Hugging
Face checkpoint directory (config, safetensors weights from a fixed seed, a
byte-level BPE tokenizer trained on ``corpus.py``, a chat template), small
enough to load in well under a second on a CPU. The weights are random, so
the text is gibberish; what matters is that every code path (routing,
caches, attention variants) is the real one for each architecture.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ethos.models.errors import ModelConfigError
from ethos.models.local.corpus import corpus
from ethos.models.local.paths import checkpoint_dir, is_checkpoint, staged_dir

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerFast

    from ethos.settings import Settings

CONTEXT_LENGTH = 2048  # room for a 10-round game history in the prompt
VOCAB_SIZE = 2048
HIDDEN = 64
LAYERS = 2
HEADS = 4
KV_HEADS = 2
HEAD_DIM = HIDDEN // HEADS
EXPERTS = 8
TOP_K = 2
EXPERT_WIDTH = 32
# Wider than the usual 0.02: with hidden size 64, the standard init makes the
# next-token distribution almost flat, so greedy decoding would hinge on
# rounding noise instead of on the weights.
INIT_RANGE = 0.2

# ChatML: a turn ends with <|im_end|>, which is therefore the EOS token;
# <|endoftext|> ends a document. No BOS, as in Qwen's tokenizers.
END_OF_TEXT, TURN_START, TURN_END, PAD = "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"
SPECIAL_TOKENS = (END_OF_TEXT, TURN_START, TURN_END, PAD)

# ChatML turns. Unknown roles fail loudly rather than render as something else.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if message['role'] not in ['system', 'user', 'assistant'] -%}"
    "{{ raise_exception('unknown role ' + message['role'] + '; use system, user or assistant') }}"
    "{%- endif -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)


class UnknownArchitectureError(ModelConfigError):
    """``build-tiny --arch`` names an architecture ethos has no tiny builder for."""


def _common(vocab: int, ids: dict[str, int]) -> dict[str, Any]:
    return {
        "vocab_size": vocab,
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "num_key_value_heads": KV_HEADS,
        "max_position_embeddings": CONTEXT_LENGTH,
        "num_experts_per_tok": TOP_K,
        "initializer_range": INIT_RANGE,
        "tie_word_embeddings": False,
        **ids,
    }


def _qwen3_moe(vocab: int, ids: dict[str, int]) -> dict[str, Any]:
    return {
        **_common(vocab, ids),
        "head_dim": HEAD_DIM,
        "intermediate_size": 4 * HIDDEN,
        "moe_intermediate_size": EXPERT_WIDTH,
        "num_experts": EXPERTS,
        "norm_topk_prob": True,
        "decoder_sparse_step": 1,
        "mlp_only_layers": [],
    }


def _olmoe(vocab: int, ids: dict[str, int]) -> dict[str, Any]:
    return {**_common(vocab, ids), "intermediate_size": EXPERT_WIDTH, "num_experts": EXPERTS}


def _mixtral(vocab: int, ids: dict[str, int]) -> dict[str, Any]:
    return {
        **_common(vocab, ids),
        "head_dim": HEAD_DIM,
        "intermediate_size": EXPERT_WIDTH,
        "num_local_experts": EXPERTS,
    }


def _qwen2_moe(vocab: int, ids: dict[str, int]) -> dict[str, Any]:
    return {
        **_common(vocab, ids),
        "intermediate_size": 4 * HIDDEN,
        "moe_intermediate_size": EXPERT_WIDTH,
        "shared_expert_intermediate_size": 2 * EXPERT_WIDTH,
        "num_experts": EXPERTS,
        "decoder_sparse_step": 1,
        "mlp_only_layers": [],
    }


def _deepseek_v3(vocab: int, ids: dict[str, int]) -> dict[str, Any]:
    # Multi-head latent attention: queries and keys/values pass through
    # low-rank bottlenecks; the query/key head splits into a rotary part and
    # a position-free part. Routing: 4 groups of 2 experts, the best 2 groups
    # are eligible, top-2 experts among them; one shared expert.
    return {
        **_common(vocab, ids),
        "num_key_value_heads": HEADS,
        "intermediate_size": 4 * HIDDEN,
        "moe_intermediate_size": EXPERT_WIDTH,
        "n_routed_experts": EXPERTS,
        "n_shared_experts": 1,
        "n_group": 4,
        "topk_group": 2,
        "routed_scaling_factor": 2.5,
        "norm_topk_prob": True,
        "first_k_dense_replace": 0,
        "q_lora_rank": 32,
        "kv_lora_rank": 32,
        "qk_rope_head_dim": 8,
        "qk_nope_head_dim": 16,
        "v_head_dim": 16,
    }


def _gpt_oss(vocab: int, ids: dict[str, int]) -> dict[str, Any]:
    # Alternating sliding-window and full attention, as in the released
    # models, with a window well inside the context so that both masks are
    # exercised; every attention layer has its learned sink logits. YaRN
    # stretches a 128-position rotary base to the whole context.
    return {
        **_common(vocab, ids),
        "head_dim": HEAD_DIM,
        "intermediate_size": EXPERT_WIDTH,
        "num_local_experts": EXPERTS,
        "sliding_window": 128,
        "layer_types": ["sliding_attention", "full_attention"],
        "attention_bias": True,
        "rope_parameters": {
            "rope_type": "yarn",
            "rope_theta": 150000.0,
            "factor": CONTEXT_LENGTH / 128,
            "original_max_position_embeddings": 128,
            "beta_fast": 32.0,
            "beta_slow": 1.0,
            "truncate": False,
        },
    }


ARCHITECTURES: dict[str, Callable[[int, dict[str, int]], dict[str, Any]]] = {
    "qwen3_moe": _qwen3_moe,
    "olmoe": _olmoe,
    "mixtral": _mixtral,
    "qwen2_moe": _qwen2_moe,
    "deepseek_v3": _deepseek_v3,
    "gpt_oss": _gpt_oss,
}


def check_arch(arch: str) -> None:
    """Refuse an unknown architecture before anything heavy is imported."""
    if arch not in ARCHITECTURES:
        raise UnknownArchitectureError(
            f"no tiny builder for architecture {arch!r}",
            f"use one of: {', '.join(ARCHITECTURES)}",
        )


@cache
def _trained_tokenizer_json() -> str:
    """Train once per process: the result depends only on the corpus."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus(), trainer)
    return tokenizer.to_str()


def build_tokenizer() -> PreTrainedTokenizerFast:
    """A fast tokenizer with the ChatML specials and chat template."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(_trained_tokenizer_json()),
        eos_token=TURN_END,
        pad_token=PAD,
        additional_special_tokens=[END_OF_TEXT, TURN_START],
        chat_template=CHAT_TEMPLATE,
        model_max_length=CONTEXT_LENGTH,
        clean_up_tokenization_spaces=False,
    )


def build_tiny(
    name_or_out_dir: str | Path,
    arch: str,
    seed: int = 0,
    *,
    settings: Settings | None = None,
) -> Path:
    """Write a tiny ``arch`` checkpoint and return its directory.

    ``name_or_out_dir`` is a NAME (written to ``<data_dir>/models/NAME``) or
    a directory path. The same arch and seed always give the same weights.
    The checkpoint is assembled beside its destination and moved into place,
    so a reader never sees half of one; an existing checkpoint there is
    replaced, any other non-empty directory is refused.
    """
    check_arch(arch)
    out = (
        Path(name_or_out_dir).expanduser().resolve()
        if isinstance(name_or_out_dir, Path)
        else checkpoint_dir(name_or_out_dir, settings)
    )
    _refuse_foreign_dir(out)
    with staged_dir(out) as staging:
        _write_checkpoint(staging, arch, seed)
    return out


def _refuse_foreign_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ModelConfigError(f"{out} is a file, not a directory", "choose another NAME or --out")
    if out.is_dir() and any(out.iterdir()) and not is_checkpoint(out):
        raise ModelConfigError(
            f"{out} is a non-empty directory that holds no checkpoint",
            "choose another NAME or --out; ethos only replaces checkpoints",
        )


def _write_checkpoint(out: Path, arch: str, seed: int) -> None:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, GenerationConfig

    tokenizer = build_tokenizer()
    ids = {"eos_token_id": tokenizer.eos_token_id, "pad_token_id": tokenizer.pad_token_id}
    config = AutoConfig.for_model(arch, **ARCHITECTURES[arch](len(tokenizer), ids))
    # fork_rng: building a checkpoint must not disturb the caller's random state.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.generation_config = GenerationConfig(
        eos_token_id=[tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids(END_OF_TEXT)],
        pad_token_id=tokenizer.pad_token_id,
        do_sample=False,
    )
    with quiet_progress():
        model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "ethos_tiny.json").write_text(
        json.dumps({"arch": arch, "seed": seed, "parameters": parameter_count(model)}) + "\n"
    )


@contextmanager
def quiet_progress() -> Iterator[None]:
    """No progress bars while loading or saving: a host's stderr belongs to its user."""
    from transformers.utils import logging

    was_enabled = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            logging.enable_progress_bar()


def parameter_count(model: Any) -> int:
    """Every parameter, shared or routed (not the ~active-per-token figure)."""
    return sum(p.numel() for p in model.parameters())


def describe(path: Path) -> dict[str, Any]:
    """What ``ethos models list`` shows: architecture and size, read without torch."""
    info: dict[str, Any] = {"path": str(path)}
    marker = path / "ethos_tiny.json"
    if marker.is_file():
        info.update(json.loads(marker.read_text()))
    else:
        config = json.loads((path / "config.json").read_text())
        info["arch"] = config.get("model_type", "?")
    return info
