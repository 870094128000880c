"""No default destination for prompts: a model string must name a model, and
a self-hosted provider's model must name its server, before anything is
stored or sent."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ethos.db.store import Store
from ethos.models import acomplete
from ethos.models.args import NEEDS_API_BASE
from ethos.models.errors import ModelConfigError, UnknownProviderError
from ethos.models.gateway import resolve_model
from ethos.models.providers import load_litellm
from ethos.recording import run_scope
from tests.support.openai_server import FakeOpenAI

FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "max_retries": 0}


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def nothing_sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every request that reaches litellm or the native OpenAI-compatible
    transport, whatever its destination: a refused model must leave this empty."""
    import ethos.models.openai_transport as native

    litellm = load_litellm()
    sent: list[dict[str, Any]] = []
    real = litellm.acompletion
    real_native = native.send

    async def recording(*args: Any, **kwargs: Any) -> Any:
        sent.append(kwargs)
        return await real(*args, **kwargs)

    async def native_recording(call: Any, request: dict[str, Any]) -> Any:
        sent.append(request)
        return await real_native(call, request)

    monkeypatch.setattr(litellm, "acompletion", recording)
    monkeypatch.setattr(native, "send", native_recording)
    for names in NEEDS_API_BASE.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    return sent


@pytest.mark.parametrize(
    ("model", "says"),
    [
        ("", "the model name is empty"),
        ("   ", "the model name is empty"),
        ("hosted_vllm/", "names no model after hosted_vllm/"),
        ("hosted_vllm:", "names no model after"),
        ("openai/", "names no model after openai/"),
        ("openai/  ", "names no model after openai/"),
        ("script/", "names no model after script/"),
        ("local/", "names no model after local/"),
    ],
)
def test_a_model_string_must_name_a_model(model: str, says: str) -> None:
    with pytest.raises(UnknownProviderError, match=says) as info:
        resolve_model(model)
    assert info.value.fix  # every refusal says how to write it


@pytest.mark.parametrize("provider", sorted(NEEDS_API_BASE))
async def test_a_self_hosted_model_without_api_base_is_refused_before_sending(
    provider: str, nothing_sent: list[dict[str, Any]], db_url: str
) -> None:
    async with await Store.open(db_url) as store:
        run = await store.create_run("test", name="destination")
        with pytest.raises(ModelConfigError) as info, run_scope(store, run.id):
            await acomplete(f"{provider}/x", "a prompt nobody may read", model_args=FAST)
        counts = await store.counts(run.id)
    assert "names no server" in str(info.value)
    assert "api_base" in str(info.value.fix)
    assert nothing_sent == []
    assert counts.model_calls == 0


async def test_a_named_server_is_reached_by_argument_or_environment(
    server: FakeOpenAI, nothing_sent: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The positive side: with its server named, the same model string works,
    # and the request lands on that server.
    by_arg = await acomplete(
        "hosted_vllm/x", "by argument", model_args={**FAST, "api_base": server.base_url}
    )
    monkeypatch.setenv("HOSTED_VLLM_API_BASE", server.base_url)
    by_env = await acomplete("hosted_vllm/x", "by environment", model_args=FAST)
    assert (by_arg.text, by_env.text) == ("by argument", "by environment")
    assert [r["messages"][-1]["content"] for r in server.requests] == [
        "by argument",
        "by environment",
    ]
    assert len(nothing_sent) == 2


def cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``ethos ARGS`` in this process: (exit status, stderr)."""
    from ethos.cli.app import main

    with pytest.raises(SystemExit) as exited:
        main(list(args))
    return int(exited.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(
    "model", ["hosted_vllm/x", "hosted_vllm/", "custom_openai/gpt-4o", "ai21/j2-ultra", ""]
)
@pytest.mark.parametrize("command", ["eval", "ask"])
def test_commands_refuse_before_a_run_is_created(
    model: str,
    command: str,
    tmp_path: Path,
    nothing_sent: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "runs.db"
    if command == "eval":
        args = ["eval", "run", "games/prisoners_dilemma", "--model", model, "--limit", "1"]
    else:
        args = ["ask", "Do heavier cars get fewer miles per gallon?", "-m", model]
    status, err = cli("--db", str(db), *args, capsys=capsys)
    assert status == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("error: ")
    assert any(
        says in line
        for says in (
            "names no server",
            "names no model",
            "model name is empty",
            "no model to",
            "send it to OpenAI's public API",
        )
    )
    assert not db.exists()  # refused before the database was opened
    assert nothing_sent == []


@pytest.mark.slow
def test_every_provider_litellm_sends_to_openai_unnamed_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NEEDS_API_BASE is kept by hand: this asks litellm itself where each of
    its providers sends an unknown model given no api_base (every HTTP request
    is stopped before it leaves), and each one that lands on OpenAI's public
    API without being an OpenAI provider must be refused by ethos first."""
    import os

    import httpx

    from ethos.models.args import OPENAI_FALLBACK
    from ethos.models.gateway import check_model
    from ethos.settings import load_settings

    for name in list(os.environ):
        if name.endswith(("_API_BASE", "_BASE_URL")) or name in OPENAI_FALLBACK:
            monkeypatch.delenv(name)
    urls: list[str] = []

    class Stopped(Exception):
        pass

    def stop(self: Any, request: httpx.Request, *args: Any, **kwargs: Any) -> Any:
        urls.append(str(request.url))
        raise Stopped(str(request.url))

    async def astop(self: Any, request: httpx.Request, *args: Any, **kwargs: Any) -> Any:
        return stop(self, request)

    monkeypatch.setattr(httpx.Client, "send", stop)
    monkeypatch.setattr(httpx.AsyncClient, "send", astop)
    litellm = load_litellm()
    openai_itself = {"openai", "text-completion-openai", "chatgpt"}
    to_openai = []
    for provider in sorted(str(getattr(p, "value", p)) for p in litellm.provider_list):
        urls.clear()
        with contextlib.suppress(Exception):  # litellm's own refusals: nothing sent
            litellm.completion(
                model=f"{provider}/unknown-model",
                messages=[{"role": "user", "content": "where does this go?"}],
                api_key="sk-not-a-key",
                timeout=5,
            )
        if urls and "openai.com" in urls[0] and provider not in openai_itself:
            to_openai.append(provider)
    # The known ones first: litellm still routes them so.
    assert {"hosted_vllm", "custom_openai", "xinference", "ai21"} <= set(to_openai)
    settings = load_settings()
    allowed = [
        provider
        for provider in to_openai
        if not _refused(lambda p=provider: check_model(f"{p}/unknown-model", settings))
    ]
    assert allowed == []


def _refused(check: Any) -> bool:
    try:
        check()
    except ModelConfigError as exc:
        return "OpenAI" in str(exc) or "names no server" in str(exc)
    return False
