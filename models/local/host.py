"""The local Mixture-of-Experts host: a transformers checkpoint served in-process.

``local/<ref>`` model strings end here. A checkpoint is loaded once per
process and device; all its compute runs on one worker thread
(``engine.py``), so callers on any event loop await results without the loop
ever blocking on torch. Everything that can be refused is refused here,
before a request reaches the worker: prompts that do not fit the context,
interventions the model cannot honour, nonsensical sampling settings.
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

# Before transformers (and huggingface_hub) are imported anywhere below:
# a local model never touches the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch

from ethos.models.errors import (
    ContextLengthError,
    ModelConfigError,
    UnsupportedInterventionError,
)
from ethos.models.interventions import ExpertMask, Steer, parse_interventions
from ethos.models.local.engine import Engine, ExclusiveJob, ForwardJob, GenerateJob, Sampling
from ethos.models.local.paths import resolve_checkpoint
from ethos.models.local.tiny import quiet_progress

if TYPE_CHECKING:
    from ethos.settings import Settings

Messages = Sequence[dict[str, Any]]
Interventions = Sequence[ExpertMask | Steer | dict[str, Any]]

T = TypeVar("T")
DEFAULT_BATCH_WINDOW_S = 0.005
DEFAULT_MAX_BATCH_SIZE = 16


@dataclass
class Generation:
    """A finished completion. ``finish_reason`` is "length" when the token
    budget (or the context) ran out, "stop" on EOS or a stop string."""

    text: str
    input_tokens: int
    output_tokens: int
    finish_reason: Literal["stop", "length"]


@dataclass
class StreamDelta:
    """New text of a streamed completion; the last one has the finish reason and usage."""

    text: str
    finish_reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0


def default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


_loaded: dict[tuple[Path, str], Future[LocalModel]] = {}
_loaded_lock = threading.Lock()


async def get_local_model(
    ref: str, *, settings: Settings | None = None, device: str | None = None
) -> LocalModel:
    """The process-wide LocalModel for ``ref`` on ``device`` (default: CUDA if
    available), loaded on first use in a thread.

    The cache holds futures behind a thread lock rather than an asyncio
    lock, so concurrent callers on different event loops still share one
    load; a failed load is forgotten, so the next call tries again.
    """
    path = resolve_checkpoint(ref, settings=settings)
    key = (path, device or default_device())
    with _loaded_lock:
        future = _loaded.get(key)
        if future is None:
            future = _loaded[key] = Future()
            threading.Thread(target=_load_into, args=(future, key), daemon=True).start()
    # shield: one caller giving up must not cancel the load the others wait for.
    return await asyncio.shield(asyncio.wrap_future(future))


def _load_into(future: Future[LocalModel], key: tuple[Path, str]) -> None:
    try:
        future.set_result(LocalModel.load(key[0], device=key[1]))
    except BaseException as exc:
        with _loaded_lock:
            _loaded.pop(key, None)
        future.set_exception(exc)


class LocalModel:
    """A loaded checkpoint with its tokenizer and worker thread.

    Prefer ``get_local_model``; construct one with ``LocalModel.load`` for a
    private instance (tests use it to set the batching window).
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        path: Path,
        device: str,
        batch_window_s: float = DEFAULT_BATCH_WINDOW_S,
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
    ) -> None:
        config = model.config
        self.name: str = path.name
        self.path: Path = path
        self.device: str = device
        self.context_length: int = int(config.max_position_embeddings)
        self.hidden_size: int = int(config.hidden_size)
        self.num_layers: int = int(config.num_hidden_layers)
        self.tokenizer = tokenizer
        self.hf_model = model
        # No token decodes to more characters than this: a prompt's text of
        # n characters has at least n / max_token_chars tokens, which refuses
        # a prompt far over the context without tokenising it.
        self.max_token_chars: int = _max_token_chars(tokenizer)
        # A steering delta past the model dtype's largest finite value is
        # infinity the moment it is added.
        self.max_delta: float = float(torch.finfo(next(model.parameters()).dtype).max)
        self._engine = Engine(
            model,
            tokenizer.backend_tokenizer,
            name=self.name,
            device=device,
            pad_id=_pad_id(tokenizer),
            eos_ids=_eos_ids(model, tokenizer),
            batch_window_s=batch_window_s,
            max_batch_size=max_batch_size,
        )

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        device: str | None = None,
        batch_window_s: float = DEFAULT_BATCH_WINDOW_S,
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
    ) -> LocalModel:
        """Load from disk (blocking): bf16 on CUDA, fp32 on CPU."""
        from transformers import AutoModelForCausalLM, AutoTokenizer

        device = device or default_device()
        dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
        with quiet_progress():
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, local_files_only=True)
        if not getattr(tokenizer, "chat_template", None):
            raise ModelConfigError(
                f"the tokenizer in {path} has no chat template",
                "use a chat checkpoint, or add a chat_template.jinja beside tokenizer.json",
            )
        model.to(device).eval()
        return cls(
            model,
            tokenizer,
            path=path,
            device=device,
            batch_window_s=batch_window_s,
            max_batch_size=max_batch_size,
        )

    @property
    def batch_sizes(self) -> Counter[int]:
        """How many batches ran with each number of requests in them."""
        # dict.copy is one C call, atomic against the worker's updates.
        return Counter(dict.copy(self._engine.batch_sizes))

    @property
    def pad_id(self) -> int:
        """The token id batches are left-padded with."""
        return self._engine.pad_id

    async def run_exclusive(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (blocking work on ``hf_model``: hooks, forwards) on the
        model's worker thread with the model to itself, between batches, so
        it never races a request being served. Cancelling the caller before
        it starts skips it."""
        job = ExclusiveJob(fn)
        self._engine.submit(job)
        return await asyncio.wrap_future(job.future)

    def count_tokens(self, messages: Messages) -> int:
        """Tokens of the chat-templated prompt, generation prompt included."""
        return len(self.encode_chat(messages))

    async def generate(
        self,
        messages: Messages,
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        top_p: float = 1.0,
        seed: int | None = None,
        stop: str | Sequence[str] | None = None,
        interventions: Interventions = (),
    ) -> Generation:
        """Continue the conversation as the assistant. ``max_tokens`` is
        clamped to what fits the context (finish_reason "length")."""
        # Templating, tokenising and checking off the event loop when the
        # prompt is long: it never holds up other requests or /health.
        request = await self.prepare(
            messages,
            self._request,
            messages,
            max_tokens,
            temperature,
            top_p,
            seed,
            stop,
            interventions,
        )
        deltas = self._run(*request, incremental=False)
        try:
            done = await anext(deltas)  # not incremental: the only delta is the final one
        finally:
            await deltas.aclose()
        return Generation(
            text=done.text,
            input_tokens=done.input_tokens,
            output_tokens=done.output_tokens,
            finish_reason="length" if done.finish_reason == "length" else "stop",
        )

    def stream(
        self,
        messages: Messages,
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        top_p: float = 1.0,
        seed: int | None = None,
        stop: str | Sequence[str] | None = None,
        interventions: Interventions = (),
    ) -> AsyncIterator[StreamDelta]:
        """Text deltas as tokens decode. Bad input raises here, at the call;
        the request is queued when iteration starts and abandoned (its row
        leaves the batch) when the iterator is closed early."""
        request = self._request(messages, max_tokens, temperature, top_p, seed, stop, interventions)
        return self._run(*request, incremental=True)

    async def astream(
        self,
        messages: Messages,
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        top_p: float = 1.0,
        seed: int | None = None,
        stop: str | Sequence[str] | None = None,
        interventions: Interventions = (),
    ) -> AsyncIterator[StreamDelta]:
        """``stream`` for servers: the request is templated, tokenised and
        checked (a long prompt on a thread), and bad input raises at this await."""
        request = await self.prepare(
            messages,
            self._request,
            messages,
            max_tokens,
            temperature,
            top_p,
            seed,
            stop,
            interventions,
        )
        return self._run(*request, incremental=True)

    async def prepare(self, messages: Messages, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)``: the templating and tokenising of ``messages``. On a
        thread when their text is long, so it never holds up the event loop;
        in place when short, where it costs about what the hop to a thread
        does (~0.1 ms each on the tiny model; a one-forward request ~2.4 ms)."""
        if _short(messages):
            return fn(*args)
        return await asyncio.to_thread(fn, *args)

    def _request(
        self,
        messages: Messages,
        max_tokens: int,
        temperature: float,
        top_p: float,
        seed: int | None,
        stop: str | Sequence[str] | None,
        interventions: Interventions,
    ) -> tuple[list[int], Sampling, tuple[Steer, ...], tuple[ExpertMask, ...]]:
        """Validate a generation request completely, before it is queued."""
        _check_sampling(max_tokens, temperature, top_p, seed)
        prompt = self.encode_chat(messages)
        self.check_fits(len(prompt))
        sampling = Sampling(
            max_new_tokens=min(max_tokens, self.context_length - len(prompt)),
            temperature=temperature,
            top_p=top_p,
            seed=seed,
            stop=_stop_strings(stop),
        )
        return prompt, sampling, *self._check_interventions(interventions)

    async def _run(
        self,
        prompt: list[int],
        sampling: Sampling,
        steers: tuple[Steer, ...],
        masks: tuple[ExpertMask, ...],
        *,
        incremental: bool,
    ) -> AsyncIterator[StreamDelta]:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[StreamDelta | BaseException] = asyncio.Queue()

        def post(item: StreamDelta | BaseException) -> None:
            try:
                loop.call_soon_threadsafe(inbox.put_nowait, item)
            except RuntimeError:  # the caller's loop is gone: stop decoding for it
                job.cancelled = True

        def on_delta(text: str, finish_reason: str | None, output_tokens: int) -> None:
            post(StreamDelta(text, finish_reason, len(prompt), output_tokens))

        job = GenerateJob(
            prompt, sampling, steers, on_delta, post, incremental=incremental, masks=masks
        )
        self._engine.submit(job)
        try:
            while True:
                item = await inbox.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                if item.finish_reason is not None:
                    return
        finally:
            job.cancelled = True

    async def score_choices(
        self, messages: Messages, choices: Sequence[str], *, interventions: Interventions = ()
    ) -> list[float]:
        """For each option, the summed log-probability of its tokens as the
        assistant's reply. All options go through the model in one batch; when
        each is one token, one forward of the prompt scores them all."""
        if not choices:
            raise ModelConfigError("score_choices got no choices", "pass at least one option")
        prompt = await self.prepare(messages, self.encode_chat, messages)
        encode = self.tokenizer.backend_tokenizer.encode
        endings = [encode(choice, add_special_tokens=False).ids for choice in choices]
        for i, ending in enumerate(endings):
            if not ending:
                raise ModelConfigError(f"choice {i} is empty", "every option needs some text")
            self.check_fits(len(prompt) + len(ending), what=f"the prompt with choice {i}", room=0)
        steers, masks = self._check_interventions(interventions)
        if all(len(ending) == 1 for ending in endings):
            # One token each (a game's J/F, A/B...): the prompt's next-token
            # distribution scores them all, one row instead of one per option.
            job = ForwardJob([prompt], None, steers, masks=masks)
            self._engine.submit(job)
            logprobs = torch.log_softmax(await asyncio.wrap_future(job.future), dim=-1)
            return [float(logprobs[ending[0]]) for ending in endings]
        job = ForwardJob(
            [prompt + ending for ending in endings],
            [len(ending) for ending in endings],
            steers,
            masks=masks,
        )
        self._engine.submit(job)
        return await asyncio.wrap_future(job.future)

    async def next_token_logits(
        self, messages: Messages, *, interventions: Interventions = ()
    ) -> torch.Tensor:
        """fp32 logits (on the CPU) of the token after the templated prompt."""
        prompt = await self.prepare(messages, self.encode_chat, messages)
        self.check_fits(len(prompt))
        steers, masks = self._check_interventions(interventions)
        job = ForwardJob([prompt], None, steers, masks=masks)
        self._engine.submit(job)
        return await asyncio.wrap_future(job.future)

    async def aclose(self) -> None:
        """Finish queued work, stop the worker, and forget this model in the cache."""
        await asyncio.to_thread(self.close)

    def close(self) -> None:
        """``aclose`` for code without an event loop (blocks until queued work is done)."""
        with _loaded_lock:
            for key, future in list(_loaded.items()):
                if future.done() and not future.exception() and future.result() is self:
                    del _loaded[key]
        self._engine.close()

    def encode_chat(self, messages: Messages) -> list[int]:
        try:
            text = self.tokenizer.apply_chat_template(
                list(messages), tokenize=False, add_generation_prompt=True
            )
        except Exception as exc:  # jinja's errors carry the template's own message
            raise ModelConfigError(
                f"{self.name}'s chat template rejected the messages: {exc}",
                "pass a list of {'role': 'system'|'user'|'assistant', 'content': str} dicts",
            ) from exc
        at_least = -(-len(text) // self.max_token_chars)
        if at_least + 1 > self.context_length:  # counted cheaply: not tokenised at all
            raise ContextLengthError(
                f"the prompt has at least {at_least} tokens ({len(text)} characters; no token "
                f"of {self.name} spans more than {self.max_token_chars}); its context holds "
                f"{self.context_length}",
                "shorten the messages (drop old turns or long documents) or use a model "
                "with a longer context",
            )
        # The Rust tokenizer directly: its encode is safe from any thread.
        return self.tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids

    def check_fits(self, tokens: int, *, what: str = "the prompt", room: int = 1) -> None:
        """``room``: tokens that must still fit after these (one to generate)."""
        if tokens + room > self.context_length:
            raise ContextLengthError(
                f"{what} has {tokens} tokens; {self.name}'s context holds "
                f"{self.context_length}, so at most {self.context_length - room} fit here",
                "shorten the messages (drop old turns or long documents) or use a model "
                "with a longer context",
            )

    def _check_interventions(
        self, interventions: Interventions
    ) -> tuple[tuple[Steer, ...], tuple[ExpertMask, ...]]:
        """Refuse what cannot be honoured, before any compute; drop no-op steers."""
        steers = []
        masks = []
        for spec in parse_interventions(list(interventions)):
            if isinstance(spec, ExpertMask):
                masks.append(spec)
                continue
            if spec.layer >= self.num_layers:
                raise UnsupportedInterventionError(
                    f"Steer layer {spec.layer} is out of range: {self.name} has "
                    f"{self.num_layers} decoder layers (0..{self.num_layers - 1})",
                    f"pick a layer below {self.num_layers}",
                )
            if len(spec.vector) != self.hidden_size:
                raise UnsupportedInterventionError(
                    f"Steer vector has width {len(spec.vector)}; {self.name}'s hidden size "
                    f"is {self.hidden_size}",
                    f"pass a vector of {self.hidden_size} floats",
                )
            # Finite alpha and entries are the spec's own check (a Steer made
            # with model_construct skips it): checked again here, with the size.
            largest = abs(spec.alpha) * max(abs(v) for v in spec.vector)
            if not math.isfinite(largest) or largest > self.max_delta:
                raise UnsupportedInterventionError(
                    f"Steer at layer {spec.layer} adds up to {largest:g} to an activation, "
                    f"which {self.name}'s dtype cannot hold (largest finite: {self.max_delta:g})",
                    "use a finite alpha and vector, and a smaller alpha",
                )
            if spec.alpha != 0:
                steers.append(spec)
        self._engine.routing.check(masks, self.name)
        return tuple(steers), tuple(masks)


MAX_SEED = 2**63 - 1  # torch.Generator.manual_seed takes a signed 64-bit integer


def _check_sampling(max_tokens: int, temperature: float, top_p: float, seed: int | None) -> None:
    if max_tokens < 1:
        raise ModelConfigError(f"max_tokens is {max_tokens}", "ask for at least 1 token")
    if temperature < 0:
        raise ModelConfigError(f"temperature is {temperature}", "use 0 (greedy) or more")
    if not 0 < top_p <= 1:
        raise ModelConfigError(f"top_p is {top_p}", "use a value in (0, 1]")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise ModelConfigError(f"seed is {seed}", f"use an integer from 0 to {MAX_SEED}")


def _stop_strings(stop: str | Sequence[str] | None) -> tuple[str, ...]:
    if stop is None:
        return ()
    return tuple(s for s in ([stop] if isinstance(stop, str) else stop) if s)


# Messages whose text is at most this many characters are templated and
# tokenised on the event loop (well under a millisecond).
INLINE_CHARS = 4096


def _short(messages: Any) -> bool:
    """Whether ``messages`` is a list of dicts with str contents of at most
    INLINE_CHARS characters in all (anything else goes to a thread, where
    ``_request`` refuses what is malformed)."""
    if not isinstance(messages, list):
        return False
    total = 0
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            return False
        total += len(content)
    return total <= INLINE_CHARS


def _max_token_chars(tokenizer: Any) -> int:
    """The most characters any one token (special ones included) decodes to."""
    backend = tokenizer.backend_tokenizer
    size = backend.get_vocab_size(with_added_tokens=True)
    texts = backend.decode_batch([[i] for i in range(size)], skip_special_tokens=False)
    # +1: a decoder that drops a word-start marker's space when a token stands
    # alone (SentencePiece's metaspace) shows one character fewer than it covers.
    return max(0, *(len(text) for text in texts)) + 1


def _pad_id(tokenizer: Any) -> int:
    # Padding is masked out, so any real id serves when a tokenizer has no pad token.
    for candidate in (tokenizer.pad_token_id, tokenizer.eos_token_id, 0):
        if candidate is not None:
            return int(candidate)
    return 0


def _eos_ids(model: Any, tokenizer: Any) -> frozenset[int]:
    ids = model.generation_config.eos_token_id
    ids = [] if ids is None else [ids] if isinstance(ids, int) else list(ids)
    if tokenizer.eos_token_id is not None:
        ids.append(tokenizer.eos_token_id)
    return frozenset(int(i) for i in ids)
