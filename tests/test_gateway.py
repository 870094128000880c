"""The model gateway: scripted models, hosted models over loopback HTTP with
injected faults, structured output, choices, limits and recording.

Every test against the loopback server runs through both transports of an
OpenAI-compatible model: the native one (the openai SDK) and litellm
(``-M transport=litellm``); they must behave alike."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from pydantic import BaseModel

from ethos.models import (
    ExpertMask,
    Steer,
    acomplete,
    complete,
    function,
    policy,
    register_script,
    replies,
)
from ethos.models.args import parse_cli_args
from ethos.models.errors import (
    ModelConfigError,
    ModelError,
    OutputValidationError,
    ProviderError,
    UnknownProviderError,
    UnsupportedInterventionError,
)
from ethos.recording import run_scope
from tests.support.openai_server import FakeOpenAI

_names = count()
FAST = {"backoff_base": 0.01, "backoff_max": 0.05}


def script(*texts: str) -> str:
    return register_script(f"t{next(_names)}", replies(*texts))


class Move(BaseModel):
    action: str
    confidence: float


@pytest.fixture(params=["openai", "litellm"])
def server(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        fake.transport = request.param  # type: ignore[attr-defined]
        yield fake


def hosted(server: FakeOpenAI, **extra: object) -> dict[str, object]:
    transport = server.transport  # type: ignore[attr-defined]
    return {"api_base": server.base_url, **FAST, "transport": transport, **extra}


# -- scripted models ---------------------------------------------------------------


async def test_script_replies_in_order_and_is_labelled() -> None:
    model = script("first", "second")
    a = await acomplete(model, "hi")
    b = await acomplete(model, [{"role": "user", "content": "again"}])
    assert (a.text, b.text) == ("first", "second")
    assert a.scripted and a.model == model and a.cost_usd == 0.0
    with pytest.raises(ModelError, match="ran out of replies"):
        await acomplete(model, "third?")


async def test_script_function_sees_the_messages() -> None:
    model = register_script("shout", function(lambda msgs: msgs[-1]["content"].upper()))
    assert (await acomplete(model, "cooperate")).text == "COOPERATE"
    assert (await acomplete("script/echo", "same words back")).text == "same words back"


async def test_policy_picks_among_choices_with_logprobs() -> None:
    model = register_script("p70", policy(lambda msgs, options: {"C": 0.7, "D": 0.3}))
    answer = await acomplete(model, "Your move?", choices=["C", "D"])
    assert answer.choice == "C"
    assert answer.choice_logprobs is not None
    assert answer.choice_logprobs["D"] == pytest.approx(-1.2039728, abs=1e-6)


async def test_provider_colon_model_is_accepted() -> None:
    assert (await acomplete("script:echo", "x")).model == "script/echo"


async def test_sync_twin_and_its_misuse() -> None:
    model = script("from sync")
    assert await asyncio.to_thread(complete, model, "x") is not None
    with pytest.raises(ModelError, match="use `await acomplete"):
        complete("script/echo", "inside a loop")


# -- structured output -----------------------------------------------------------


async def test_structured_output_valid_first_time() -> None:
    answer = await acomplete(script('{"action": "C", "confidence": 0.9}'), "move", output=Move)
    assert answer.parsed == Move(action="C", confidence=0.9)
    assert answer.attempts == 1


async def test_structured_output_repaired_once() -> None:
    seen: list[list[dict]] = []

    def respond(msgs: list[dict]) -> str:
        seen.append(msgs)
        return '```json\n{"action": "D", "confidence": 1}\n```' if len(seen) > 1 else "D!"

    model = register_script(f"fix{next(_names)}", function(respond))
    answer = await acomplete(model, "move", output=Move)
    assert answer.parsed == Move(action="D", confidence=1.0)
    assert answer.attempts == 2
    assert "does not match the required JSON schema" in seen[1][-1]["content"]
    assert '"confidence"' in seen[0][-1]["content"]  # the schema was in the prompt


async def test_structured_output_fails_with_a_typed_error() -> None:
    model = script('{"action": "C"}', "no idea")
    with pytest.raises(OutputValidationError) as info:
        await acomplete(model, "move", output=Move)
    message = str(info.value)
    assert model in message and "Move" in message and "'no idea'" in message
    assert info.value.text == "no idea"


async def test_output_and_choices_together_are_refused() -> None:
    with pytest.raises(ModelError, match="not both"):
        await acomplete("script/echo", "x", output=Move, choices=["a", "b"])


# -- hosted models over loopback HTTP ----------------------------------------------


async def test_openai_compatible_server_through_litellm(server: FakeOpenAI) -> None:
    answer = await acomplete(
        "openai/fake-model",
        "hello server",
        model_args=hosted(server),
        temperature=0.3,
        max_tokens=20,
        seed=7,
    )
    assert answer.text == "hello server"
    assert not answer.scripted
    assert answer.usage.input_tokens == 2 and answer.usage.output_tokens == 2
    body = server.requests[0]
    assert body["model"] == "fake-model"
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.3, 20, 7)


async def test_choices_on_a_hosted_model_are_parsed_then_repaired(server: FakeOpenAI) -> None:
    texts = iter(["I would say D.", "Probably C or D", "C"])
    server.reply = lambda body: next(texts)
    first = await acomplete("openai/fake", "move", choices=["C", "D"], model_args=hosted(server))
    assert first.choice == "D" and first.choice_logprobs is None
    second = await acomplete("openai/fake", "move", choices=["C", "D"], model_args=hosted(server))
    assert second.choice == "C" and second.attempts == 2


async def test_transient_faults_are_retried_within_the_bound(server: FakeOpenAI) -> None:
    server.plan = [429, 500, 503, "ok"]
    answer = await acomplete("openai/fake", "persist", model_args=hosted(server))
    assert answer.text == "persist"
    assert answer.attempts == 4
    assert len(server.requests) == 4


async def test_retry_after_is_honoured(server: FakeOpenAI) -> None:
    server.plan = [("429", 0.3), "ok"]
    await acomplete("openai/fake", "wait", model_args=hosted(server, backoff_max=1.0))
    assert server.arrivals[1] - server.arrivals[0] >= 0.3


async def test_persistent_faults_fail_with_a_typed_error(server: FakeOpenAI) -> None:
    server.always = 500
    with pytest.raises(ProviderError, match="failed 3 times; last: HTTP 500") as info:
        await acomplete("openai/fake", "x", model_args=hosted(server, max_retries=2))
    assert info.value.attempts == 3 and info.value.status == 500
    assert len(server.requests) == 3


async def test_total_retry_time_is_bounded(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    import ethos.models.gateway as gateway

    monkeypatch.setattr(gateway, "_jitter", random.Random(3))  # the backoff's jitter, seeded
    server.always = 503
    args = hosted(server, max_retries=20, backoff_base=0.2, backoff_max=0.2, retry_max_time=0.5)
    with pytest.raises(ProviderError, match=r"still failing after 0\.5s"):
        await acomplete("openai/fake", "x", model_args=args)
    # The time bound stopped it, not the 21 tries allowed: a quick 503's waits
    # are drawn from zero to its answer time (20 ms at least), the ceiling
    # doubling to 0.2 s: about 8 fit in 0.5 s (fewer when the first call also
    # pays the SDK import).
    assert 1 <= len(server.requests) < 14


async def test_stalls_time_out_and_are_retried(server: FakeOpenAI) -> None:
    server.plan = ["stall"]
    answer = await acomplete("openai/fake", "after stall", timeout=0.5, model_args=hosted(server))
    assert answer.text == "after stall" and answer.attempts == 2


async def test_malformed_body_and_disconnect_end_in_a_typed_error(server: FakeOpenAI) -> None:
    server.always = "malformed"
    with pytest.raises(ProviderError):
        await acomplete("openai/fake", "x", model_args=hosted(server, max_retries=1))
    server.always = "disconnect"
    with pytest.raises(ProviderError):
        await acomplete("openai/fake", "x", model_args=hosted(server, max_retries=1))


async def test_bad_credentials_are_not_retried_and_keys_never_show(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-ethos-test-secret-value-42"
    monkeypatch.setenv("FAKE_KEY", secret)
    server.always = 401
    server.reply = lambda body: secret
    with pytest.raises(ProviderError, match=r"refused the credentials.*\$FAKE_KEY") as info:
        await acomplete("openai/fake", "x", model_args=hosted(server, api_key_env="FAKE_KEY"))
    assert secret not in str(info.value)
    assert len(server.requests) == 1
    assert server.headers[0]["Authorization"] == f"Bearer {secret}"


async def test_missing_key_variable_is_named() -> None:
    with pytest.raises(ProviderError, match=r"\$NOT_SET_ANYWHERE, which is not set"):
        await acomplete("openai/x", "x", model_args={"api_key_env": "NOT_SET_ANYWHERE"})


async def test_one_concurrency_limit_per_model(server: FakeOpenAI) -> None:
    server.latency_s = 0.1
    args = hosted(server, max_connections=2)
    await asyncio.gather(*(acomplete("openai/limited", f"m{i}", model_args=args) for i in range(6)))
    assert server.max_in_flight == 2


async def test_model_arguments_from_ethos_toml(server: FakeOpenAI, tmp_path: Path) -> None:
    (tmp_path / "ethos.toml").write_text(
        f'[models."hosted_vllm/tiny"]\napi_base = "{server.base_url}"\nmax_tokens = 9\n'
        f'extra_headers = {{ "X-Team" = "ethos" }}\n'
    )
    args = {**FAST, "transport": server.transport}  # type: ignore[attr-defined]
    answer = await acomplete("hosted_vllm/tiny", "configured", model_args=args)
    assert answer.text == "configured"
    assert server.requests[0]["max_tokens"] == 9
    assert server.headers[0]["X-Team"] == "ethos"


async def test_a_header_named_in_any_case_replaces_the_clients_own(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Header names are case-insensitive, as the openai SDK merges them: a
    proxy's token given as 'authorization' (in extra_headers, or in the SDK's
    $OPENAI_CUSTOM_HEADERS) replaces the key's header instead of travelling
    beside it, where a server reads the first of the two and refuses."""
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "x-from-env: on\nauthorization: Bearer env-token")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-ethos")
    headers = {"user-agent": "ethos-test", "x-team": "ethos"}
    await acomplete("openai/fake", "a", model_args=hosted(server, extra_headers=headers))
    sent = server.headers[-1]
    assert sent.getall("Authorization") == ["Bearer env-token"]
    assert (sent.getall("User-Agent"), sent["X-From-Env"]) == (["ethos-test"], "on")
    assert sent["OpenAI-Organization"] == "org-ethos" and sent["X-Team"] == "ethos"
    headers["authorization"] = "Bearer proxy-token"
    await acomplete("openai/fake", "b", model_args=hosted(server, extra_headers=headers))
    assert server.headers[-1].getall("Authorization") == ["Bearer proxy-token"]


# -- bad input -------------------------------------------------------------------


async def test_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(UnknownProviderError) as info:
        await acomplete("nosuchprovider/model", "x")
    message = str(info.value)
    assert "unknown provider 'nosuchprovider'" in message
    for provider in ("local", "script", "openai", "anthropic", "hosted_vllm", "ollama"):
        assert provider in message


async def test_unknown_script_and_bad_arguments() -> None:
    with pytest.raises(UnknownProviderError, match="no script named 'ghost'"):
        await acomplete("script/ghost", "x")
    with pytest.raises(ModelConfigError, match="unknown model argument 'api_bas'"):
        await acomplete("script/echo", "x", model_args={"api_bas": "http://x"})
    with pytest.raises(ModelConfigError, match="invalid model argument 'max_connections'"):
        await acomplete("script/echo", "x", model_args={"max_connections": 0})
    with pytest.raises(ModelError, match="role 'robot'"):
        await acomplete("script/echo", [{"role": "robot", "content": "x"}])


def test_cli_model_arguments_parse_as_json_or_text() -> None:
    parsed = parse_cli_args(
        [
            "api_base=http://127.0.0.1:8000/v1",
            "max_connections=4",
            "accepts_interventions=true",
            'extra_headers={"A": "b"}',
        ]
    )
    assert parsed == {
        "api_base": "http://127.0.0.1:8000/v1",
        "max_connections": 4,
        "accepts_interventions": True,
        "extra_headers": {"A": "b"},
    }
    with pytest.raises(ModelConfigError, match="is not key=value"):
        parse_cli_args(["api_base"])


async def test_interventions_where_they_cannot_apply_are_refused(server: FakeOpenAI) -> None:
    mask = ExpertMask(layer=0, experts=(1,), mode="off-drop")
    with pytest.raises(UnsupportedInterventionError, match="cannot apply interventions"):
        await acomplete("openai/fake", "x", interventions=[mask], model_args=hosted(server))
    with pytest.raises(UnsupportedInterventionError):
        await acomplete("script/echo", "x", interventions=[Steer(layer=0, vector=(1.0,))])
    assert server.requests == []


async def test_interventions_travel_to_a_server_that_accepts_them(server: FakeOpenAI) -> None:
    steer = Steer(layer=1, vector=(0.5, -0.5), alpha=2.0)
    server.honours_interventions = True
    args = hosted(server, accepts_interventions=True)
    await acomplete("openai/fake", "x", interventions=[steer], model_args=args)
    sent = server.requests[0]["ethos"]["interventions"]
    assert sent == [json.loads(steer.model_dump_json())]


async def test_a_server_that_ignores_interventions_is_caught(server: FakeOpenAI) -> None:
    steer = Steer(layer=1, vector=(0.5, -0.5), alpha=2.0)
    args = hosted(server, accepts_interventions=True)
    with pytest.raises(UnsupportedInterventionError, match="did not confirm applying 1"):
        await acomplete("openai/fake", "x", interventions=[steer], model_args=args)


# -- recording -----------------------------------------------------------------------


async def test_calls_are_recorded_under_the_active_run(store, server: FakeOpenAI) -> None:
    run = await store.create_run("eval")
    sample = await store.record_sample(run.id, "s1")
    with run_scope(store, run.id, sample_pk=sample.id):
        await acomplete(script("recorded"), "one two three")
        server.always = 500
        with pytest.raises(ProviderError):
            await acomplete("openai/fake", "x", model_args=hosted(server, max_retries=1))
    await acomplete("script/echo", "outside any run")

    async with store.session() as session:
        from sqlalchemy import select

        from ethos.db.tables import ModelCallRow

        rows = (await session.execute(select(ModelCallRow).order_by(ModelCallRow.id))).scalars()
        calls = list(rows)
    assert len(calls) == 2
    ok, failed = calls
    assert ok.scripted and ok.error is None and ok.sample_pk == sample.id
    assert ok.input_tokens == 3 and ok.output_tokens == 1
    assert not failed.scripted and "HTTP 500" in failed.error
    assert failed.meta["attempts"] == 2


def test_the_limit_holds_across_event_loops_and_threads(server: FakeOpenAI) -> None:
    """Callers on different loops (threads, the sync twin) share one limit."""
    import threading

    server.latency_s = 0.1
    args = hosted(server, max_connections=2)

    def loop_of_calls(tag: str) -> None:
        async def calls() -> None:
            await asyncio.gather(
                *(acomplete("openai/shared", f"{tag}{i}", model_args=args) for i in range(3))
            )

        asyncio.run(calls())

    threads = [threading.Thread(target=loop_of_calls, args=(t,)) for t in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(server.requests) == 9
    assert server.max_in_flight == 2


async def test_a_cancelled_waiter_does_not_lose_a_slot() -> None:
    from ethos.models.limits import ProcessLimit

    limit = ProcessLimit(1)
    await limit.__aenter__()
    waiter = asyncio.create_task(limit.__aenter__())
    await asyncio.sleep(0.01)
    waiter.cancel()
    limit.release()
    await asyncio.sleep(0.01)
    async with asyncio.timeout(1):
        async with limit:
            assert limit.in_use == 1
    assert limit.in_use == 0


async def test_any_provider_key_echoed_back_is_redacted(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-live-from-the-usual-variable-0042"
    monkeypatch.setenv("OPENAI_API_KEY", secret)

    async def echo_key(request, body, fault):
        from aiohttp import web

        message = f"Incorrect API key provided: {request.headers['Authorization']}"
        return web.json_response({"error": {"message": message}}, status=401)

    server._answer = echo_key  # type: ignore[method-assign]
    with pytest.raises(ProviderError) as info:
        await acomplete("openai/fake", "x", model_args=hosted(server))
    assert secret not in str(info.value) and "***" in str(info.value)


async def test_an_answer_without_choices_is_retried(server: FakeOpenAI) -> None:
    calls = []

    async def empty_then_ok(request, body, fault):
        from aiohttp import web

        from tests.support.openai_server import completion

        calls.append(1)
        payload = completion(body, "finally")
        if len(calls) == 1:
            payload["choices"] = []
        return web.json_response(payload)

    server._answer = empty_then_ok  # type: ignore[method-assign]
    answer = await acomplete("openai/fake", "x", model_args=hosted(server))
    assert answer.text == "finally" and answer.attempts == 2


async def test_a_retry_after_beyond_the_budget_fails_at_once(server: FakeOpenAI) -> None:
    server.plan = [("429", 60.0)]
    with pytest.raises(ProviderError, match="still failing after 5s"):
        await acomplete("openai/fake", "x", model_args=hosted(server, retry_max_time=5))
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("reply", "options", "expected"),
    [
        ("It is a trick question, none fit.", ["A", "B"], None),
        ("B, since a larger sample helps", ["A", "B"], "B"),
        ("I would say D.", ["C", "D"], "D"),
        ("cooperate!", ["Cooperate", "Defect"], "Cooperate"),
        ("Both C and D have merit", ["C", "D"], None),
    ],
)
def test_replies_are_read_as_the_option_they_name(
    reply: str, options: list[str], expected: str | None
) -> None:
    from ethos.models.gateway import match_choice

    assert match_choice(reply, options) == expected


async def test_a_store_failure_does_not_lose_the_answer(
    store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    run = await store.create_run("eval")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "record_model_call", broken)
    with run_scope(store, run.id):
        answer = await acomplete(script("still here"), "x")
    assert answer.text == "still here"
    assert "could not record a call" in caplog.text
