"""The native transport for OpenAI-compatible endpoints (issue 19): litellm
imported only where a model needs it, the same requests, prices and
transcripts as through litellm, one clear error from an endpoint that does
not speak chat completions, and a short backoff after a quick 5xx."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from ethos.models import acomplete
from ethos.models.args import ModelArgs
from ethos.models.errors import ModelConfigError, ProviderError
from ethos.models.gateway import _backoff
from ethos.models.openai_transport import client_for, transport_of
from ethos.models.pricing import call_cost, model_entry
from ethos.recording import run_scope
from tests.support.openai_server import FakeOpenAI
from tests.test_cli import ethos, one_error

ROOT = Path(__file__).resolve().parents[1]
FAST = {"backoff_base": 0.01, "backoff_max": 0.05}
TRANSPORTS = ["openai", "litellm"]


async def _first_stream_fails_then_counts(
    server: FakeOpenAI,
    fail: Callable[[web.Request, web.StreamResponse], Awaitable[None]],
    model_args: dict[str, Any],
) -> None:
    """The first streamed answer sends 'one ' and then ``fail``s; the call
    must be retried once, and on_token must see 'one two three ' only once."""
    original = server._answer
    failed = []

    async def fail_first(request: web.Request, body: dict[str, Any], fault: Any) -> Any:
        if failed:
            return await original(request, body, fault)
        failed.append(1)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        chunk = {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "fake",
            "choices": [{"index": 0, "delta": {"content": "one "}, "finish_reason": None}],
        }
        await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
        await fail(request, response)
        return response

    server._answer = fail_first  # type: ignore[method-assign]
    server.reply = lambda body: "one two three"
    pieces: list[str] = []
    answer = await acomplete(
        "openai/fake",
        "count",
        model_args={"api_base": server.base_url, **FAST, **model_args},
        on_token=pieces.append,
    )
    assert answer.text == "one two three " and answer.attempts == 2
    assert "".join(pieces) == "one two three "


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=ROOT,
    )


# -- litellm only where it is needed -----------------------------------------------------


def test_a_run_of_openai_compatible_and_scripted_models_never_imports_litellm(
    tmp_path: Path,
) -> None:
    done = run_python(
        f"""
        import asyncio, sys
        from ethos.db.store import Store
        from ethos.evals.run import EvalConfig, run_eval
        from ethos.evals.task import Arm, Sample, Score, Task, scorer
        from ethos.models import acomplete
        from ethos.settings import load_settings
        from tests.support.openai_server import FakeOpenAI

        @scorer("same")
        def same(sample, output, ctx):
            return Score(value=output == sample.target)

        async def solve(sample, ctx):
            hosted = (await ctx.complete(str(sample.input))).text
            scripted = (await acomplete("script/echo", hosted)).text
            return scripted

        async def main():
            store = await Store.open("sqlite:///{tmp_path / "run.db"}")
            with FakeOpenAI() as server:
                for model in ("openai/fake", "hosted_vllm/fake"):
                    arm = Arm(name="a", model=model, options={{"api_base": server.base_url}})
                    task = Task(
                        name="t-" + model.split("/")[0],
                        samples=[Sample(id=f"s{{i}}", input=f"n{{i}}", target=f"n{{i}}")
                                 for i in range(3)],
                        solver=solve,
                        scorers=[same],
                    )
                    result = await run_eval(
                        EvalConfig(task=task.name, arms=[arm]), store=store, task=task,
                        progress=False, settings=load_settings(),
                    )
                    print(model, result.succeeded)
            await store.close()
            print("litellm loaded:", sorted(m for m in sys.modules if m.startswith("litellm"))[:3])

        asyncio.run(main())
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines == ["openai/fake 3", "hosted_vllm/fake 3", "litellm loaded: []"]


@pytest.mark.slow  # a fresh process imports litellm: seconds
def test_a_call_to_another_provider_imports_litellm_once(tmp_path: Path) -> None:
    done = run_python(
        """
        import asyncio, sys
        from ethos.models import acomplete
        from ethos.models.errors import ModelError
        from tests.support.openai_server import FakeOpenAI

        async def main():
            with FakeOpenAI(always=500) as server:
                args = {"api_base": server.base_url, "max_retries": 0}
                await acomplete("openai/fake", "x", model_args={**args, "max_retries": 1,
                                                            "backoff_base": 0.01})
                print("after openai:", "litellm" in sys.modules)
        try:
            asyncio.run(main())
        except ModelError as exc:
            print("after openai:", "litellm" in sys.modules, type(exc).__name__)

        import ethos.models.providers as providers

        async def anthropic():
            for _ in range(2):
                try:
                    await acomplete("anthropic/claude-3-5-haiku-20241022", "x",
                                    model_args={"api_base": "http://127.0.0.1:9/v1",
                                                "api_key_env": "PATH", "max_retries": 0})
                except ModelError:
                    pass
                print("after anthropic:", "litellm" in sys.modules, id(providers._litellm))
        asyncio.run(anthropic())
        import litellm
        ours = [p["provider"] for p in litellm.custom_provider_map]
        print("script handlers:", ours.count("script"))
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "after openai: False ProviderError"
    first, second = lines[1], lines[2]
    assert first.startswith("after anthropic: True") and first == second  # one module, once
    assert lines[3] == "script handlers: 1"


# -- bad input ---------------------------------------------------------------------------


def test_an_unknown_transport_is_one_line_and_exit_2(server: FakeOpenAI) -> None:
    done = ethos(
        "models",
        "call",
        "openai/fake",
        "hi",
        "-M",
        f"api_base={server.base_url}",
        "-M",
        "transport=carrier-pigeon",
    )
    message = one_error(done)
    assert done.stdout == ""
    assert "'transport'" in message and "'auto', 'openai' or 'litellm'" in message
    assert server.requests == []


def test_an_api_base_without_its_scheme_is_one_line_and_exit_2() -> None:
    """'127.0.0.1:8000/v1' reached httpx as a connection fault: retried five
    times, then 'retry later' (exit 1), never naming the missing http://."""
    done = ethos("models", "call", "openai/fake", "hi", "-M", "api_base=127.0.0.1:9/v1")
    message = one_error(done)
    assert "'api_base'" in message and "'127.0.0.1:9/v1'" in message
    assert "does not start with http:// or https://" in message


async def test_transport_openai_for_a_provider_that_is_not_openai_compatible() -> None:
    with pytest.raises(ModelConfigError, match="not an OpenAI-compatible model") as info:
        await acomplete(
            "anthropic/claude-3-5-haiku-20241022", "x", model_args={"transport": "openai"}
        )
    assert "transport=litellm" in str(info.value)


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("html", "it answered text/html"),
        ("no-choices", "its answer has no choices: status, detail"),
        ("wrong-path", "HTTP 404"),
    ],
)
async def test_an_endpoint_that_does_not_speak_chat_completions_fails_once(
    server: FakeOpenAI, kind: str, said: str
) -> None:
    async def not_chat(request: web.Request, body: dict[str, Any], fault: Any) -> web.Response:
        if kind == "html":
            return web.Response(text="<html><body>Welcome</body></html>", content_type="text/html")
        return web.json_response({"status": "ok", "detail": "this is a health endpoint"})

    server._answer = not_chat  # type: ignore[method-assign]
    base = server.base_url.removesuffix("/v1") + "/nowhere" if kind == "wrong-path" else None
    with pytest.raises(ProviderError, match="does not speak the chat completions API") as info:
        await acomplete(
            "openai/fake", "x", model_args={"api_base": base or server.base_url, **FAST}
        )
    assert said in str(info.value) and "api_base" in str(info.value)
    assert info.value.attempts == 1
    assert len(server.requests) == (0 if kind == "wrong-path" else 1)


async def test_a_missing_openai_key_is_named_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_BASE", raising=False)
    with pytest.raises(ProviderError, match=r"\$OPENAI_API_KEY is not set") as info:
        await acomplete("openai/gpt-4o-mini", "x")
    assert info.value.attempts == 1


# -- the same call, either way -----------------------------------------------------------


class Verdict(BaseModel):
    guilty: bool
    reason: str


async def both_ways(server: FakeOpenAI, model: str, prompt: str, **kw: Any) -> dict[str, Any]:
    """The answer and the request body the server saw, per transport."""
    out = {}
    for transport in TRANSPORTS:
        answer = await acomplete(
            model,
            prompt,
            model_args={"api_base": server.base_url, "transport": transport, **FAST},
            **kw,
        )
        out[transport] = (answer, server.requests[-1])
    return out


async def test_both_transports_send_the_same_request_and_read_the_same_answer(
    server: FakeOpenAI,
) -> None:
    server.reply = lambda body: '{"guilty": false, "reason": "no evidence"}'
    got = await both_ways(
        server, "openai/gpt-4o-mini", "judge", output=Verdict, temperature=0.2, seed=3
    )
    (ours, sent), (theirs, sent_litellm) = got["openai"], got["litellm"]
    assert ours.parsed == theirs.parsed == Verdict(guilty=False, reason="no evidence")
    assert sent["response_format"] == sent_litellm["response_format"]
    assert sent["response_format"]["json_schema"]["name"] == "Verdict"
    for key in ("model", "messages", "temperature", "seed"):
        assert sent[key] == sent_litellm[key]
    assert (ours.usage, ours.finish_reason) == (theirs.usage, theirs.finish_reason)
    # gpt-4o-mini is priced from litellm's table, read without litellm.
    assert ours.cost_usd == pytest.approx(theirs.cost_usd, rel=1e-12)
    assert ours.cost_usd == pytest.approx(
        ours.usage.input_tokens * 1.5e-07 + ours.usage.output_tokens * 6e-07
    )


async def test_a_model_the_table_does_not_list_has_no_price_either_way(
    server: FakeOpenAI,
) -> None:
    got = await both_ways(server, "hosted_vllm/my-own-model", "hello")
    assert got["openai"][0].cost_usd is None and got["litellm"][0].cost_usd is None
    priced = await acomplete(
        "hosted_vllm/my-own-model",
        "hello",
        model_args={
            "api_base": server.base_url,
            "input_cost_per_token": 1e-6,
            "output_cost_per_token": 2e-6,
        },
    )
    assert priced.cost_usd == pytest.approx(1 * 1e-6 + 1 * 2e-6)


@pytest.mark.parametrize("model", ["openai/gpt-4o-mini", "openai/o3-mini", "gpt-4o"])
def test_the_price_table_agrees_with_litellm(model: str) -> None:
    from ethos.models.providers import load_litellm

    litellm = load_litellm()
    response = litellm.ModelResponse(
        model=model, usage={"prompt_tokens": 1234, "completion_tokens": 567, "total_tokens": 1801}
    )
    expected = litellm.completion_cost(completion_response=response, model=model)
    assert call_cost(model, 1234, 567) == pytest.approx(expected, rel=1e-9)
    assert model_entry("hosted_vllm/gpt-4o-mini") is None  # litellm does not price it either


async def test_both_transports_record_the_same_transcript(store, server: FakeOpenAI) -> None:
    run = await store.create_run("test", name="transports")
    pks = await store.prepare_samples(run.id, [{"sample_id": t} for t in TRANSPORTS])
    server.reply = lambda body: "hi"
    for transport in TRANSPORTS:
        with run_scope(store, run.id, sample_pk=pks[(transport, 0, "")]):
            server.plan = [503, "ok"]
            await acomplete(
                "openai/gpt-4o-mini",
                [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
                choices=["hi", "bye"],
                max_tokens=5,
                model_args={"api_base": server.base_url, "transport": transport, **FAST},
            )
    events = {}
    for transport in TRANSPORTS:
        sample = await store.find_sample(run.id, transport)
        (event,) = [e async for e in store.transcript(sample.id)]
        events[transport] = {k: v for k, v in event.data.items() if k != "latency_s"}
    assert events["openai"] == events["litellm"]
    assert events["openai"]["attempts"] == 2 and events["openai"]["output"]["choice"] == "hi"


async def test_both_transports_send_tools_and_non_ascii_alike_and_read_tool_calls(
    server: FakeOpenAI,
) -> None:
    """The native transport writes its own JSON body (27eff3f): tools and
    non-ASCII text reach the server as through litellm and the SDK, and a
    tool call comes back the same way."""
    tools = [
        {
            "type": "function",
            "function": {
                "name": "grüßen",
                "description": "say hello — «politely»",
                "parameters": {"type": "object", "properties": {"wer": {"type": "string"}}},
            },
        }
    ]
    call = {"id": "call_1", "type": "function"}
    call["function"] = {"name": "grüßen", "arguments": '{"wer": "Zoë 日本"}'}

    async def tool_call(request: web.Request, body: dict[str, Any], fault: Any) -> web.Response:
        answer = {"role": "assistant", "content": None, "tool_calls": [call]}
        return web.json_response(
            {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "gpt-4o-mini",
                "choices": [{"index": 0, "message": answer, "finish_reason": "tool_calls"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
            }
        )

    server._answer = tool_call  # type: ignore[method-assign]
    got = await both_ways(server, "openai/gpt-4o-mini", "Grüß Zoë, 日本 ✓", tools=tools)
    (ours, sent), (theirs, sent_litellm) = got["openai"], got["litellm"]
    assert sent["tools"] == sent_litellm["tools"] == tools
    assert sent["messages"] == sent_litellm["messages"]
    assert sent["messages"][-1]["content"] == "Grüß Zoë, 日本 ✓"
    assert ours.tool_calls == theirs.tool_calls
    assert [(c.name, c.arguments) for c in ours.tool_calls] == [("grüßen", '{"wer": "Zoë 日本"}')]
    assert ours.finish_reason == theirs.finish_reason == "tool_calls"


# -- one client per endpoint, and recovery ---------------------------------------------


async def test_one_client_per_endpoint_and_key_on_a_loop() -> None:
    a = client_for("http://127.0.0.1:1/v1", "k")
    assert client_for("http://127.0.0.1:1/v1", "k") is a
    assert client_for("http://127.0.0.1:2/v1", "k") is not a
    assert client_for("http://127.0.0.1:1/v1", "other") is not a


def test_calls_share_a_client_and_its_connections(server: FakeOpenAI) -> None:
    """Many calls on one loop reuse the pool: the server sees few connections."""
    ports: set[int] = set()
    original = server._answer

    async def remember(request: web.Request, body: dict[str, Any], fault: Any) -> Any:
        ports.add(request.transport.get_extra_info("peername")[1])  # type: ignore[union-attr]
        return await original(request, body, fault)

    server._answer = remember  # type: ignore[method-assign]

    async def calls() -> None:
        args = {"api_base": server.base_url, "max_connections": 4}
        for _ in range(5):
            await asyncio.gather(
                *(acomplete("openai/pool", "x", model_args=args) for _ in range(4))
            )

    asyncio.run(calls())
    assert len(server.requests) == 20 and len(ports) <= 4


def test_transports_by_provider() -> None:
    auto, forced = ModelArgs(), ModelArgs(transport="litellm")
    assert [transport_of(p, auto) for p in ("openai", "hosted_vllm", "script", "anthropic")] == [
        "openai",
        "openai",
        "direct",
        "litellm",
    ]
    assert {transport_of(p, forced) for p in ("openai", "script", "local")} == {"litellm"}


@settings(max_examples=200, deadline=None)
@given(
    took=st.floats(0.0, 5.0),
    attempt=st.integers(1, 8),
    status=st.sampled_from([500, 502, 503, 429, 408, None]),
    base=st.floats(0.0, 2.0),
    seed=st.integers(0, 2**32),
)
def test_backoff_starts_small_after_a_quick_5xx_and_stays_bounded(
    took: float, attempt: int, status: int | None, base: float, seed: int
) -> None:
    import ethos.models.gateway as gateway

    gateway._jitter.seed(seed)
    args = ModelArgs(backoff_base=base, backoff_max=20.0)
    delay = _backoff(args, attempt, None, status, took)
    usual = min(20.0, base * 2 ** (attempt - 1))
    assert delay <= usual + 1e-9  # never longer than the usual schedule, capped by backoff_max
    if status is not None and status >= 500 and took < base and attempt <= 3:
        # The first three retries: full jitter from the failing answer's time
        # (at least 20 ms), doubling.
        ceiling = min(usual, max(0.02, took) * 2 ** (attempt - 1))
        assert 0.0 <= delay <= ceiling + 1e-9
        gateway._jitter.seed(seed)  # the same seed: the same delay
        assert _backoff(args, attempt, None, status, took) == delay
    else:
        # 429s, timeouts, slow 5xx and a fourth quick 5xx in a row keep the
        # usual schedule: half to all of it.
        assert usual / 2 - 1e-9 <= delay <= usual + 1e-9


def test_quick_5xx_backoff_is_jittered_from_the_answer_time_for_three_retries_then_usual(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import random

    import ethos.models.gateway as gateway

    args = ModelArgs(backoff_base=0.5, backoff_max=0.3, max_retries=6)
    draws: dict[int, list[float]] = {}
    for attempt in range(1, 6):
        monkeypatch.setattr(gateway, "_jitter", random.Random(attempt))  # seeded
        draws[attempt] = [_backoff(args, attempt, None, 500, 0.05) for _ in range(2000)]
    first = draws[1]
    assert 0.0 <= min(first) < 0.005 and 0.045 < max(first) <= 0.05  # uniform(0, 50 ms)
    assert len(set(first)) == len(first)  # jittered: no two retries wait alike
    assert statistics.mean(first) == pytest.approx(0.025, rel=0.05)  # half the answer time
    means = [statistics.mean(draws[a]) for a in range(1, 6)]
    # The ceiling doubles for the second and third retries (100, 200 ms) ...
    assert means[1] == pytest.approx(2 * means[0], rel=0.1)
    assert means[2] == pytest.approx(2 * means[1], rel=0.1)
    assert 0.095 < max(draws[2]) <= 0.1 and 0.19 < max(draws[3]) <= 0.2
    # ... and from the fourth on a server still failing gets the usual
    # schedule (backoff_base doubling, capped by backoff_max: 0.15 to 0.3 s).
    for attempt in (4, 5):
        assert 0.15 <= min(draws[attempt]) and max(draws[attempt]) <= 0.3
        assert means[attempt - 1] == pytest.approx(0.225, rel=0.05)
    # A server that fails instantly is not asked again at once: a 20 ms ceiling at least.
    instant = [_backoff(args, 1, None, 503, 0.0) for _ in range(500)]
    assert max(instant) <= 0.02 and statistics.mean(instant) == pytest.approx(0.01, rel=0.1)
    # A Retry-After is waited for, whatever the jitter drew.
    assert _backoff(args, 1, 0.4, 503, 0.05) == 0.4


async def test_the_retry_loop_backs_off_by_the_faults_status_and_answer_time(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ethos.models.gateway as gateway

    seen: list[tuple[int | None, float, float]] = []

    def spy(args: ModelArgs, attempt: int, hint: Any, status: Any = None, took: Any = None):
        delay = _backoff(args, attempt, hint, status, took)
        seen.append((status, took, delay))
        return delay

    monkeypatch.setattr(gateway, "_backoff", spy)
    server.plan = [500, 429, "ok"]
    answer = await acomplete(
        "openai/fake", "again", model_args={"api_base": server.base_url, "backoff_base": 0.2}
    )
    assert answer.attempts == 3
    (s1, took1, d1), (s2, _, d2) = seen
    assert (s1, s2) == (500, 429)
    # The 500: within its own answer time (the usual 0.2 s at most, were it slow).
    assert d1 <= min(0.2, max(0.02, took1)) + 1e-9
    assert 0.2 <= d2 <= 0.4  # the 429 (attempt 2): the usual 0.2 * 2, half of it at least


def test_price_table_is_read_without_importing_litellm() -> None:
    done = run_python(
        """
        import sys
        from ethos.models.pricing import call_cost, supports_response_schema
        print(call_cost("openai/gpt-4o-mini", 1000, 500), supports_response_schema("openai/gpt-4o"),
              "litellm" in sys.modules)
        """
    )
    assert done.returncode == 0, done.stderr
    cost, schema, imported = done.stdout.split()
    assert float(cost) == pytest.approx(0.00045) and schema == "True" and imported == "False"


# -- ethos serve, through both transports ----------------------------------------------


@pytest.fixture(scope="module")
def served(tiny_checkpoints) -> Iterator[Any]:
    from tests.test_serve import ARCH, Served

    server = Served(tiny_checkpoints(ARCH))
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.local_model
async def test_ethos_serve_answers_and_confirms_interventions_through_both_transports(
    served: Any,
) -> None:
    from ethos.models import Steer
    from tests.test_serve import HIDDEN, MESSAGES

    texts = {}
    for transport in TRANSPORTS:
        args = {"api_base": f"{served.url}/v1", "transport": transport}
        for provider in ("openai", "hosted_vllm"):
            plain = await acomplete(
                f"{provider}/{served.name}", MESSAGES, max_tokens=8, model_args=args
            )
            streamed: list[str] = []
            again = await acomplete(
                f"{provider}/{served.name}",
                MESSAGES,
                max_tokens=8,
                model_args=args,
                on_token=streamed.append,
            )
            assert again.text == plain.text == "".join(streamed)  # greedy, streamed or not
            assert plain.usage == again.usage and plain.usage.output_tokens <= 8
            texts[(transport, provider)] = plain.text
        steered = await acomplete(
            f"openai/{served.name}",
            MESSAGES,
            max_tokens=8,
            interventions=[Steer(layer=0, vector=(0.5,) * HIDDEN, alpha=4.0)],
            model_args={**args, "accepts_interventions": True},
        )  # raises UnsupportedInterventionError unless the server confirms it applied one
        assert steered.finish_reason in {"stop", "length"}
    assert len(set(texts.values())) == 1


async def test_a_stream_that_breaks_off_is_retried_without_repeating_text(
    server: FakeOpenAI,
) -> None:
    """Native transport: a connection lost mid-stream is a transient fault;
    the retry's text reaches on_token only beyond what was already shown."""

    async def break_off(request: web.Request, response: web.StreamResponse) -> None:
        request.transport.close()  # type: ignore[union-attr]

    await _first_stream_fails_then_counts(server, break_off, {})


async def test_a_model_named_without_its_provider_is_sent_by_its_own_name(
    server: FakeOpenAI,
) -> None:
    answer = await acomplete("gpt-4o-mini", "plain name", model_args={"api_base": server.base_url})
    assert answer.text == "plain name" and server.requests[0]["model"] == "gpt-4o-mini"


async def test_litellm_logs_a_call_only_when_someone_listens(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through litellm, its per-call success-logging task (a deep copy of the
    call, then the callbacks) is skipped while no callback is registered:
    the gateway records the call itself. A callback a user adds still fires."""
    import importlib

    from ethos.models.providers import load_litellm

    litellm = load_litellm()
    from litellm.integrations.custom_logger import CustomLogger

    # (``litellm.responses`` is also a function: the module is imported by name)
    background = importlib.import_module("litellm.responses.streaming_iterator")
    spawned: list[str] = []

    def spy(loop: Any, coroutine: Any, *, task_name: str) -> None:
        spawned.append(task_name)
        coroutine.close()

    monkeypatch.setattr(background, "spawn_logging_task", spy)
    # Nobody listens: callbacks an earlier test of this process left
    # registered on the litellm module are set aside for this test.
    for name in ("callbacks", "success_callback", "_async_success_callback", "input_callback"):
        monkeypatch.setattr(litellm, name, [])
    args = {"api_base": server.base_url, "transport": "litellm"}
    await acomplete("openai/fake", "nobody listens", model_args=args)
    assert spawned == []
    monkeypatch.setattr(litellm, "callbacks", [CustomLogger()])
    await acomplete("openai/fake", "someone listens", model_args=args)
    assert spawned == ["success callback enqueue"]


def test_the_clients_close_with_their_event_loop() -> None:
    """A pooled connection left open when asyncio.run ends is reported as an
    unclosed transport; the loop's clients are closed before it closes."""
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "always::ResourceWarning",
            "-c",
            textwrap.dedent(
                """
                import asyncio
                from ethos.models import acomplete
                from tests.support.openai_server import FakeOpenAI

                async def main(server):
                    args = {"api_base": server.base_url}
                    texts = await asyncio.gather(
                        *(acomplete("openai/fake", f"n{i}", model_args=args) for i in range(6))
                    )
                    print(len(texts), len(server.requests))

                with FakeOpenAI() as server:
                    asyncio.run(main(server))
                    asyncio.run(main(server))  # a second loop gets clients of its own
                import gc
                gc.collect()
                """
            ),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["6", "6", "6", "12"]
    # (the test server's own loop is left open by tests.support: not ours)
    assert "unclosed transport" not in done.stderr
    assert "Event loop is closed" not in done.stderr


def test_a_loop_closed_by_hand_is_not_kept_alive_by_its_clients(server: FakeOpenAI) -> None:
    """A loop closed without ``shutdown_asyncgens`` (run_until_complete, then
    close): its clients, their pool and the loop itself were held by the
    process for good, one set per such loop."""
    import gc
    import weakref

    loop = asyncio.new_event_loop()
    try:
        call = acomplete("openai/fake", "by hand", model_args={"api_base": server.base_url})
        assert loop.run_until_complete(call).text == "by hand"
    finally:
        loop.close()
    gone = weakref.ref(loop)
    del loop
    gc.collect()
    assert gone() is None


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_an_error_reported_mid_stream_is_retried(server: FakeOpenAI, transport: str) -> None:
    """A server that fails mid-generation says so in the stream (vLLM: a
    ``data: {"error": ...}`` event after a 200): retried like any transient
    fault through both transports, the text shown once."""

    async def report_error(request: web.Request, response: web.StreamResponse) -> None:
        error = {"error": {"message": "the engine died", "type": "InternalServerError"}}
        await response.write(f"data: {json.dumps(error)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")

    await _first_stream_fails_then_counts(server, report_error, {"transport": transport})


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_an_error_body_under_a_200_is_retried_and_named(
    server: FakeOpenAI, transport: str
) -> None:
    """Some proxies answer a failure with status 200 and an OpenAI-style error
    body: the server's message is what the user sees, and it is retried as a
    transient fault (not 'does not speak the chat completions API')."""
    original = server._answer

    async def error_body(request: web.Request, body: dict[str, Any], fault: Any) -> Any:
        if len(server.requests) < 3:
            return web.json_response({"error": {"message": "upstream overloaded", "code": 503}})
        return await original(request, body, fault)

    server._answer = error_body  # type: ignore[method-assign]
    args = {"api_base": server.base_url, **FAST, "transport": transport}
    answer = await acomplete("openai/fake", "third time", model_args=args)
    assert answer.text == "third time" and answer.attempts == 3
    server.requests.clear()
    with pytest.raises(ProviderError, match=r"failed 2 times; last: .*upstream overloaded"):
        await acomplete("openai/fake", "x", model_args={**args, "max_retries": 1})


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_vllm_key_from_its_variable_reaches_the_server(
    server: FakeOpenAI, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vLLM server started with --api-key: $HOSTED_VLLM_API_KEY is sent (the
    keyless placeholder went instead whenever $OPENAI_API_KEY was unset)."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("HOSTED_VLLM_API_KEY", "vllm-secret-token-0042")
    args = {"api_base": server.base_url, **FAST, "transport": transport}
    await acomplete("hosted_vllm/served", "x", model_args=args)
    assert server.headers[0]["Authorization"] == "Bearer vllm-secret-token-0042"
