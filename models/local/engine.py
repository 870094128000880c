"""The worker that owns a local model's compute: batching, prefill and decoding.

One thread per model runs every forward pass, so the event loop never waits
on torch and requests never race for the model. Requests queue up; those
arriving within a short window share one left-padded batch. Each row keeps
its own sampling settings, random generator, stop strings and token budget;
a finished row leaves the batch (its cache rows are dropped) while the
others go on. Steering vectors are added, and expert masks applied
(``routing.py``), per row by hooks that live for one batch only.
"""

from __future__ import annotations

import inspect
import math
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch

from ethos.models.errors import ModelError, NonFiniteOutputError
from ethos.models.interventions import ExpertMask, Steer
from ethos.models.local.routing import Routing, RoutingTable

if TYPE_CHECKING:
    from tokenizers import Tokenizer

# A replacement character at the end of decoded text means the last token
# ended inside a multi-byte character: wait for the next token.
_INCOMPLETE = "\ufffd"


@dataclass(frozen=True)
class Sampling:
    """How one row picks tokens. ``temperature == 0`` is greedy."""

    max_new_tokens: int
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None
    stop: tuple[str, ...] = ()


# on_delta(text, finish_reason, output_tokens); finish_reason None until the last call.
DeltaSink = Callable[[str, str | None, int], None]


@dataclass(eq=False)
class GenerateJob:
    """A prompt to continue; text comes back through ``on_delta`` as it decodes,
    or all at once at the end when not ``incremental`` (one cross-thread wake-up
    per request instead of one per token)."""

    prompt: list[int]
    sampling: Sampling
    steers: tuple[Steer, ...]
    on_delta: DeltaSink
    on_error: Callable[[BaseException], None]
    incremental: bool = True
    cancelled: bool = False
    masks: tuple[ExpertMask, ...] = ()
    # For isolating a failed batch: a job that sent text cannot be run again,
    # and a settled one (finished or failed) needs nothing more.
    emitted: bool = False
    settled: bool = False

    @property
    def rows(self) -> list[list[int]]:
        return [self.prompt]

    def fail(self, exc: BaseException) -> None:
        if not self.settled:
            self.settled = True
            self.on_error(exc)


@dataclass(eq=False)
class ForwardJob:
    """One forward pass, no decoding.

    ``scored`` is None for the next-token logits of the single row; otherwise
    it gives, per row, how many trailing tokens to score, and the result is
    each row's summed log-probability of those tokens.
    """

    rows: list[list[int]]
    scored: list[int] | None
    steers: tuple[Steer, ...]
    future: Future[Any] = field(default_factory=Future)
    masks: tuple[ExpertMask, ...] = ()

    def fail(self, exc: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(exc)


@dataclass(eq=False)
class ExclusiveJob:
    """Work that needs the model to itself (profiling, steering vectors,
    expert scores: they hook layers of the shared module): run alone on the
    worker thread between batches, so no request is served while its hooks
    are in place."""

    fn: Callable[[], Any]
    future: Future[Any] = field(default_factory=Future)

    @property
    def rows(self) -> list[list[int]]:
        return []  # takes no room in a batch: it never joins one

    def fail(self, exc: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(exc)

    def run(self) -> None:
        if not self.future.set_running_or_notify_cancel():
            return  # its caller gave up before it started
        try:
            result = self.fn()
        except BaseException as exc:
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)


Job = GenerateJob | ForwardJob | ExclusiveJob


class Detokenizer:
    """Turns a growing list of token ids into text deltas, holding back what
    might still change: a character split across tokens, or the start of a
    stop string. Only a few trailing tokens are decoded per step."""

    def __init__(self, tokenizer: Tokenizer, stop: tuple[str, ...]) -> None:
        self._tokenizer = tokenizer
        self._stop = stop
        self._ids: list[int] = []
        self._prefix_offset = 0
        self._read_offset = 0
        self._text = ""
        self._sent = 0
        self.stopped = False

    def add(self, token: int) -> str:
        self._ids.append(token)
        prefix, full = self._window()
        if len(full) > len(prefix) and not full.endswith(_INCOMPLETE):
            self._text += full[len(prefix) :]
            self._prefix_offset, self._read_offset = self._read_offset, len(self._ids)
        return self._release(final=False)

    def finish(self) -> str:
        """Everything not yet sent, undecodable bytes included."""
        prefix, full = self._window()
        self._text += full[len(prefix) :]
        self._prefix_offset = self._read_offset = len(self._ids)
        return self._release(final=True)

    def _window(self) -> tuple[str, str]:
        decode = self._tokenizer.decode
        settled = self._ids[self._prefix_offset : self._read_offset]
        window = self._ids[self._prefix_offset :]
        return decode(settled, skip_special_tokens=True), decode(window, skip_special_tokens=True)

    def _release(self, *, final: bool) -> str:
        cut = self._find_stop()
        if cut is not None:
            self._text, self.stopped, final = self._text[:cut], True, True
        end = len(self._text) if final else len(self._text) - self._held_back()
        delta, self._sent = self._text[self._sent : end], end
        return delta

    def _find_stop(self) -> int | None:
        # Text already sent holds no stop string and ends with no stop prefix
        # (that part is held back), so a match can only start after it.
        hits = [i for s in self._stop if (i := self._text.find(s, self._sent)) >= 0]
        return min(hits) if hits else None

    def _held_back(self) -> int:
        longest = 0
        for s in self._stop:
            for k in range(min(len(s) - 1, len(self._text) - self._sent), longest, -1):
                if self._text.endswith(s[:k]):
                    longest = k
                    break
        return longest


class _Row:
    """The decoding state of one generation request inside a batch."""

    def __init__(self, job: GenerateJob, tokenizer: Tokenizer, eos: frozenset[int], device: str):
        self.job = job
        self.sampling = job.sampling
        self.detok = Detokenizer(tokenizer, job.sampling.stop)
        self.eos = eos
        self.generated = 0
        self._unsent: list[str] = []
        self.generator: torch.Generator | None = None
        if job.sampling.temperature > 0:
            self.generator = torch.Generator(device)
            if job.sampling.seed is None:
                self.generator.seed()
            else:
                self.generator.manual_seed(job.sampling.seed)

    def push(self, token: int) -> bool:
        """Take the next token; emit its text; return True once the row is done."""
        self.generated += 1
        if token in self.eos:
            return self._finish("stop")
        text = self.detok.add(token)
        if self.detok.stopped:
            return self._finish("stop", text)
        if self.generated >= self.sampling.max_new_tokens:
            return self._finish("length", text)
        if self.job.cancelled:
            return True
        if text and self.job.incremental:
            self.job.emitted = True
            self.job.on_delta(text, None, self.generated)
        elif text:
            self._unsent.append(text)
        return False

    def _finish(self, reason: str, text: str = "") -> bool:
        self._unsent += [text, self.detok.finish()]
        self.job.settled = True
        self.job.on_delta("".join(self._unsent), reason, self.generated)
        return True

    def sample(self, logits: torch.Tensor) -> int:
        probs = torch.softmax(logits.float() / self.sampling.temperature, dim=-1)
        if self.sampling.top_p < 1.0:
            sorted_probs, order = probs.sort(descending=True)
            # Keep the smallest head whose mass reaches top_p (the first token always stays).
            outside = sorted_probs.cumsum(-1) - sorted_probs > self.sampling.top_p
            sorted_probs = sorted_probs.masked_fill(outside, 0.0)
            pick = torch.multinomial(sorted_probs, 1, generator=self.generator)
            return int(order[pick])
        return int(torch.multinomial(probs, 1, generator=self.generator))


class _Steering:
    """Per-row additions to decoder layers' outputs for one batch.

    Rows without a Steer get zeros, so they are untouched bit for bit
    (x + 0 == x). ``select`` follows the batch as finished rows leave it.
    """

    def __init__(self, layers: torch.nn.ModuleList, per_row: Sequence[tuple[Steer, ...]]):
        self._layers = layers
        self._handles: list[Any] = []
        self.deltas: dict[int, torch.Tensor] = {}
        for row, steers in enumerate(per_row):
            for steer in steers:
                delta = self.deltas.get(steer.layer)
                if delta is None:
                    delta = self.deltas[steer.layer] = torch.zeros(len(per_row), len(steer.vector))
                delta[row] += steer.alpha * torch.tensor(steer.vector)

    def __enter__(self) -> _Steering:
        for index in self.deltas:
            layer = self._layers[index]
            self.deltas[index] = self.deltas[index].to(_param(layer).device).unsqueeze(1)
            self._handles.append(layer.register_forward_hook(self._hook(index)))
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles:
            handle.remove()

    def select(self, index: torch.Tensor) -> None:
        self.deltas = {k: v[index.to(v.device)] for k, v in self.deltas.items()}

    def _hook(self, index: int) -> Callable[..., Any]:
        def add(_module: torch.nn.Module, _args: Any, output: Any) -> Any:
            hidden = output[0] if isinstance(output, tuple) else output
            steered = hidden + self.deltas[index].to(hidden.dtype)
            return (steered, *output[1:]) if isinstance(output, tuple) else steered

        return add


def _param(module: torch.nn.Module) -> torch.Tensor:
    return next(module.parameters())


class Engine:
    """The compute thread of one loaded model (see the module docstring)."""

    def __init__(
        self,
        model: Any,
        tokenizer: Tokenizer,
        *,
        name: str,
        device: str,
        pad_id: int,
        eos_ids: frozenset[int],
        batch_window_s: float,
        max_batch_size: int,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.pad_id = pad_id
        self.eos_ids = eos_ids
        self.batch_window_s = batch_window_s
        self.max_batch_size = max_batch_size
        self.layers: torch.nn.ModuleList = model.get_decoder().layers
        self.routing = RoutingTable.of(model)
        # transformers 5.24 renamed past_key_values to cache (the old name warns).
        forward_params = inspect.signature(model.forward).parameters
        self._cache_kw = "cache" if "cache" in forward_params else "past_key_values"
        # Jobs per batch -> how many batches had that many; read by tests and stats.
        self.batch_sizes: Counter[int] = Counter()
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._held: Job | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name=f"ethos-local-{name}", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        if self._closed:
            raise ModelError("the local model was closed", "load it again with get_local_model")
        if threading.current_thread() is self._thread:
            # Work running on the worker (run_exclusive) would wait forever on itself.
            raise ModelError(
                "work running on the local model's worker asked the same model for more work",
                "call hf_model directly inside run_exclusive, not the LocalModel's methods",
            )
        self._queue.put(job)

    def close(self) -> None:
        """Finish what is queued, then stop the thread (blocking)."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def _serve(self) -> None:
        with torch.inference_mode():
            stopping = False
            while not stopping:
                first = self._held or self._queue.get()
                self._held = None
                if first is None:
                    break
                if isinstance(first, ExclusiveJob):
                    first.run()
                    continue
                jobs, stopping = self._collect(first)
                if jobs:
                    self.batch_sizes[len(jobs)] += 1
                    self._execute(jobs)
        self._drain()

    def _drain(self) -> None:
        # Jobs that slipped in while closing: fail them rather than leave callers waiting.
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.fail(ModelError("the local model was closed", "load it again"))

    def _collect(self, first: Job) -> tuple[list[Job], bool]:
        """Gather jobs arriving within the window, up to max_batch_size rows."""
        jobs = [job for job in (first,) if self._accept(job)]
        rows = len(first.rows)
        deadline = time.monotonic() + self.batch_window_s
        while rows < self.max_batch_size:
            try:
                job = self._queue.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                break
            if job is None:
                return jobs, True
            if isinstance(job, ExclusiveJob) or rows + len(job.rows) > self.max_batch_size:
                self._held = job
                break
            if self._accept(job):
                jobs.append(job)
                rows += len(job.rows)
        return jobs, False

    @staticmethod
    def _accept(job: Job) -> bool:
        # A forward whose caller already gave up is skipped, not computed.
        return not isinstance(job, ForwardJob) or job.future.set_running_or_notify_cancel()

    def _execute(self, jobs: list[Job]) -> None:
        rows = [(job, ids) for job in jobs for ids in job.rows]
        try:
            with (
                _Steering(self.layers, [job.steers for job, _ in rows]) as steering,
                Routing(self.routing, [job.masks for job, _ in rows]) as routing,
            ):
                generating = [i for i, (job, _) in enumerate(rows) if isinstance(job, GenerateJob)]
                logits, cache, attention, positions = self._prefill(rows, bool(generating))
                self._answer_forwards(jobs, logits)
                if generating:
                    self._decode(
                        rows, generating, logits, cache, attention, positions, (steering, routing)
                    )
        except Exception as exc:
            self._isolate(jobs, exc)

    def _isolate(self, jobs: list[Job], exc: Exception) -> None:
        """A batch raised: run again, each alone, the jobs that are neither
        settled nor have sent text, so one bad row fails alone and the
        others are answered; a job that already sent text fails with it."""
        pending = [job for job in jobs if not _settled(job)]
        if len(jobs) == 1:
            for job in pending:
                job.fail(exc)
            return
        for job in pending:
            if isinstance(job, GenerateJob) and (job.emitted or job.cancelled):
                job.fail(exc)
                continue
            self.batch_sizes[1] += 1
            self._execute([job])

    def _prefill(
        self, rows: list[tuple[Job, list[int]]], use_cache: bool
    ) -> tuple[torch.Tensor, Any, torch.Tensor, torch.Tensor]:
        """One forward over all rows, left-padded to the longest."""
        width = max(len(ids) for _, ids in rows)
        input_ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        attention = torch.zeros((len(rows), width), dtype=torch.long)
        for r, (_, ids) in enumerate(rows):
            input_ids[r, width - len(ids) :] = torch.tensor(ids)
            attention[r, width - len(ids) :] = 1
        # Positions count real tokens only, so padding does not shift a row's rotary phases.
        positions = (attention.cumsum(-1) - 1).clamp(min=0)
        input_ids, attention, positions = (
            t.to(self.device) for t in (input_ids, attention, positions)
        )
        cache = self._new_cache() if use_cache else None
        out = self.model(
            input_ids=input_ids,
            attention_mask=attention,
            position_ids=positions,
            use_cache=use_cache,
            logits_to_keep=self._logits_to_keep(rows),
            **{self._cache_kw: cache},
        )
        return out.logits, cache, attention, positions[:, -1]

    def _new_cache(self) -> Any:
        from transformers import DynamicCache

        return DynamicCache(config=self.model.config)

    @staticmethod
    def _logits_to_keep(rows: list[tuple[Job, list[int]]]) -> int:
        # Scoring k tokens needs the logits at the k positions before them.
        scored = [n for job, _ in rows if isinstance(job, ForwardJob) for n in job.scored or ()]
        return max(scored, default=0) + 1

    def _answer_forwards(self, jobs: list[Job], logits: torch.Tensor) -> None:
        first = 0
        for job in jobs:
            if isinstance(job, ForwardJob):
                mine = logits[first : first + len(job.rows)].float()
                if bool(torch.isfinite(mine).all()):
                    job.future.set_result(_forward_result(job, mine))
                else:  # this job's rows only: the batch's other jobs are answered
                    job.fail(NonFiniteOutputError(_NON_FINITE, _NON_FINITE_FIX))
            first += len(job.rows)

    def _decode(
        self,
        rows: list[tuple[Job, list[int]]],
        generating: list[int],
        logits: torch.Tensor,
        cache: Any,
        attention: torch.Tensor,
        positions: torch.Tensor,
        hooks: tuple[_Steering, Routing],
    ) -> None:
        """Sample, emit, drop finished rows, step: until every row is done."""
        states = [_Row(rows[i][0], self.tokenizer, self.eos_ids, self.device) for i in generating]  # type: ignore[arg-type]
        if len(generating) < len(rows):
            self._select(cache, hooks, generating)
            attention, positions = attention[generating], positions[generating]
        step_logits = logits[generating, -1]
        while True:
            tokens = self._sample(step_logits, states)
            # A row whose logits are not finite (or whose sampling raised) fails
            # alone and leaves the batch; the others go on.
            done = [
                row.push(token) if isinstance(token, int) else _fail_row(row, token)
                for row, token in zip(states, tokens, strict=True)
            ]
            keep = [i for i, finished in enumerate(done) if not finished]
            if not keep:
                return
            if len(keep) < len(states):
                self._select(cache, hooks, keep)
                states, tokens = [states[i] for i in keep], [tokens[i] for i in keep]
                attention, positions = attention[keep], positions[keep]
            attention = torch.cat([attention, attention.new_ones((len(keep), 1))], dim=1)
            positions = positions + 1
            out = self.model(
                input_ids=torch.tensor(tokens, device=self.device).unsqueeze(1),
                attention_mask=attention,
                position_ids=positions.unsqueeze(1),
                use_cache=True,
                logits_to_keep=1,
                **{self._cache_kw: cache},
            )
            step_logits = out.logits[:, -1]

    def _select(self, cache: Any, hooks: tuple[_Steering, Routing], keep: list[int]) -> None:
        index = torch.tensor(keep, device=self.device)
        cache.batch_select_indices(index)
        for hook in hooks:
            hook.select(index)

    @staticmethod
    def _sample(logits: torch.Tensor, states: list[_Row]) -> list[int | Exception]:
        """Each row's next token, or the error that row alone fails with."""
        # The largest logit is NaN when any is, +inf when any is, -inf when
        # all are: one reduction gives the greedy pick and tells a broken row
        # (an -inf among finite logits is a masked token, not a broken row).
        # Scanning the logits again with isfinite().all() cost up to 3x this
        # reduction per decode step.
        picks, values = _best(logits, one_copy=logits.device.type != "cpu")
        tokens: list[int | Exception] = list(picks)
        for i, row in enumerate(states):
            if not math.isfinite(values[i]):
                tokens[i] = NonFiniteOutputError(
                    f"{_NON_FINITE} after {row.generated} generated tokens", _NON_FINITE_FIX
                )
            elif row.generator is not None:
                try:
                    tokens[i] = row.sample(logits[i])
                except RuntimeError as exc:  # torch's sampling errors name no row
                    tokens[i] = exc
        return tokens


def _best(logits: torch.Tensor, *, one_copy: bool) -> tuple[list[int], list[float]]:
    """Each row's largest logit's index and value, as Python numbers."""
    best, picks = logits.max(dim=-1)
    if not one_copy:  # on the CPU there is no copy to make: the fewest ops
        return picks.tolist(), best.tolist()
    # One device-to-host copy (each .tolist() is a sync on CUDA); float32
    # holds any vocabulary index exactly (< 2**24).
    indices, values = torch.stack([picks.float(), best.float()]).tolist()
    return [int(i) for i in indices], values


_NON_FINITE = "the model's logits for this request were not finite (NaN or infinity)"
_NON_FINITE_FIX = "a steering vector this strong breaks the model: lower alpha or the vector's norm"


def _settled(job: Job) -> bool:
    if isinstance(job, GenerateJob):
        return job.settled
    return job.future.done()


def _fail_row(row: _Row, exc: Exception) -> bool:
    row.job.fail(exc)
    return True


def _forward_result(job: ForwardJob, logits: torch.Tensor) -> Any:
    if job.scored is None:
        return logits[0, -1].cpu()
    scores = []
    for row, (ids, n) in enumerate(zip(job.rows, job.scored, strict=True)):
        logprobs = torch.log_softmax(logits[row, -(n + 1) : -1], dim=-1)
        target = torch.tensor(ids[len(ids) - n :], device=logprobs.device)
        scores.append(float(logprobs.gather(1, target.unsqueeze(1)).sum()))
    return scores
