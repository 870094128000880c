"""``ethos serve`` as users meet it: a real process on loopback, spoken to by
the official openai client and by litellm (through the gateway)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ethos.models import Steer, acomplete

pytestmark = [pytest.mark.local_model, pytest.mark.slow]
ARCH = "qwen3_moe"
HIDDEN = 64


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """An ``ethos serve`` subprocess and where to reach it."""

    def __init__(self, checkpoint: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.name = checkpoint.name
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ethos",
                "serve",
                "--model",
                f"local/{checkpoint}",
                "--port",
                str(self.port),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ethos serve exited: {self.proc.stdout.read()}")
            try:
                self.health()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("ethos serve did not answer /health within 120 s")

    def health(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/health", timeout=2) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def checkpoint(tiny_checkpoints) -> Path:
    return tiny_checkpoints(ARCH)


@pytest.fixture(scope="module")
def served(checkpoint: Path) -> Iterator[Served]:
    server = Served(checkpoint)
    try:
        yield server
    finally:
        server.stop()


def client(served: Served, **kw: object):
    from openai import OpenAI

    return OpenAI(base_url=f"{served.url}/v1", api_key="unused", max_retries=0, **kw)


MESSAGES = [{"role": "user", "content": "Shall we cooperate this round?"}]
STEER = {"type": "steer", "layer": 0, "vector": [0.5] * HIDDEN, "alpha": 4.0}


# -- the openai client ---------------------------------------------------------------


def test_openai_client_plain_and_models(served: Served) -> None:
    api = client(served)
    assert [m.id for m in api.models.list().data] == [served.name]
    answer = api.chat.completions.create(model=served.name, messages=MESSAGES, max_tokens=8)
    assert answer.choices[0].finish_reason in {"stop", "length"}
    assert answer.usage.completion_tokens <= 8
    assert answer.usage.prompt_tokens > 0
    again = api.chat.completions.create(model=served.name, messages=MESSAGES, max_tokens=8)
    assert again.choices[0].message.content == answer.choices[0].message.content  # greedy


def test_openai_client_streaming_equals_plain(served: Served) -> None:
    api = client(served)
    plain = api.chat.completions.create(model=served.name, messages=MESSAGES, max_tokens=10)
    chunks = list(
        api.chat.completions.create(
            model=served.name,
            messages=MESSAGES,
            max_tokens=10,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    assert chunks[-1].usage.completion_tokens == plain.usage.completion_tokens


def test_openai_client_with_an_intervention(served: Served) -> None:
    api = client(served)
    raw = api.chat.completions.with_raw_response.create(
        model=served.name,
        messages=MESSAGES,
        max_tokens=8,
        extra_body={"ethos": {"interventions": [STEER]}},
    )
    assert raw.headers["x-ethos-interventions"] == "1"
    assert raw.parse().choices[0].message.content is not None


# -- litellm, through the gateway ------------------------------------------------------


@pytest.mark.parametrize("provider", ["openai", "hosted_vllm"])
async def test_gateway_reaches_ethos_serve(served: Served, provider: str) -> None:
    args = {"api_base": f"{served.url}/v1"}
    plain = await acomplete(f"{provider}/{served.name}", MESSAGES, max_tokens=8, model_args=args)
    assert plain.usage.output_tokens <= 8 and not plain.scripted
    steered = await acomplete(
        f"{provider}/{served.name}",
        MESSAGES,
        max_tokens=8,
        interventions=[Steer(layer=0, vector=(0.5,) * HIDDEN, alpha=4.0)],
        model_args={**args, "accepts_interventions": True},
    )
    assert steered.text is not None


async def test_litellm_streams_from_ethos_serve(served: Served) -> None:
    from ethos.models.providers import load_litellm

    litellm = load_litellm()
    common = {
        "model": f"openai/{served.name}",
        "messages": MESSAGES,
        "max_tokens": 10,
        "api_base": f"{served.url}/v1",
        "api_key": "unused",
    }
    plain = await litellm.acompletion(**common)
    pieces = [
        c.choices[0].delta.content or ""
        async for c in await litellm.acompletion(**common, stream=True)
    ]
    assert "".join(pieces) == plain.choices[0].message.content


async def test_gateway_rejects_what_the_server_refuses(served: Served) -> None:
    bad = Steer(layer=0, vector=(1.0, 2.0), alpha=1.0)
    with pytest.raises(Exception, match="hidden size is 64"):
        await acomplete(
            f"openai/{served.name}",
            MESSAGES,
            interventions=[bad],
            model_args={"api_base": f"{served.url}/v1", "accepts_interventions": True},
        )


# -- bad requests ----------------------------------------------------------------------


def post(served: Served, body: bytes | dict, token: str | None = None) -> tuple[int, dict, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{served.url}/v1/chat/completions", data=data, headers={"Content-Type": "application/json"}
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read())


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"[1, 2]", 400, "must be a JSON object"),
        ({"model": "x", "messages": MESSAGES}, 404, "is not served here"),
        ({"messages": MESSAGES}, 400, "invalid field 'model'"),
        ({"model": "M", "messages": []}, 400, "invalid field 'messages'"),
        ({"model": "M", "messages": MESSAGES, "n": 2}, 400, "invalid field 'n'"),
        (
            {"model": "M", "messages": MESSAGES, "ethos": {"interventions": [{"type": "nope"}]}},
            400,
            "invalid field 'ethos.interventions",
        ),
        (
            {
                "model": "M",
                "messages": MESSAGES,
                "ethos": {"interventions": [{"type": "expert_mask", "layer": 0, "experts": [99]}]},
            },
            400,
            "names expert 99",
        ),
        (
            {
                "model": "M",
                "messages": MESSAGES,
                "ethos": {"interventions": [{**STEER, "layer": 99}]},
            },
            400,
            "layer 99",
        ),
        ({"model": "M", "messages": MESSAGES, "seed": 10**20}, 400, "invalid field 'seed'"),
        (
            {
                "model": "M",
                "messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}],
            },
            400,
            "invalid field 'messages",
        ),
        (
            {"model": "M", "messages": MESSAGES, "tools": [{"type": "function"}]},
            400,
            "'tools' is not supported",
        ),
        (
            {"model": "M", "messages": MESSAGES, "response_format": {"type": "json_object"}},
            400,
            "'response_format' is not supported",
        ),
        ({"model": "M", "messages": [{"role": "user", "content": "word " * 5000}]}, 400, "context"),
    ],
)
def test_bad_requests_get_openai_style_errors(
    served: Served, body: bytes | dict, status: int, says: str
) -> None:
    if isinstance(body, dict) and body.get("model") == "M":
        body = {**body, "model": served.name}
    code, _, payload = post(served, body)
    assert code == status
    assert says in payload["error"]["message"]
    assert payload["error"]["type"] in {"invalid_request_error"}


# -- a token, a full queue, a graceful stop -------------------------------------------


def test_bearer_token_and_queue_limit_and_graceful_shutdown(checkpoint: Path) -> None:
    server = Served(checkpoint, "--token", "s3cret", "--max-queue", "1")
    try:
        body = {"model": server.name, "messages": MESSAGES, "max_tokens": 8}
        assert post(server, body)[0] == 401
        assert post(server, body, token="wrong")[0] == 401
        assert post(server, body, token="s3cret")[0] == 200

        long = {**body, "max_tokens": 400, "messages": [{"role": "user", "content": "go on"}]}
        results: list[tuple[int, dict, dict]] = []
        first = threading.Thread(target=lambda: results.append(post(server, long, "s3cret")))
        first.start()
        while server.health()["in_flight"] == 0:
            time.sleep(0.01)
        status, headers, payload = post(server, body, token="s3cret")
        assert status == 503
        assert headers["Retry-After"] == "1"
        assert payload["error"]["code"] == "overloaded"

        server.proc.send_signal(signal.SIGTERM)  # while the long request is in flight
        first.join(timeout=120)
        assert results and results[0][0] == 200
        assert results[0][2]["usage"]["completion_tokens"] > 0
        assert server.proc.wait(timeout=60) == 0
    finally:
        server.stop()


def test_serve_refuses_a_hosted_model() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ethos", "serve", "--model", "openai/gpt-4o"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "ethos serve hosts local models" in result.stderr


def test_serve_reports_a_missing_checkpoint(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ethos",
            "serve",
            "--model",
            f"local/{tmp_path}/nothing-here",
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ethos models build-tiny" in result.stdout + result.stderr


async def test_health_answers_while_generating(served: Served) -> None:
    api_body = {"model": served.name, "messages": MESSAGES, "max_tokens": 200}
    task = asyncio.create_task(asyncio.to_thread(post, served, api_body))
    answered = 0
    while not task.done():
        await asyncio.to_thread(served.health)
        answered += 1
    assert (await task)[0] == 200
    assert answered >= 2


def test_nulls_are_accepted_like_openai_does(served: Served) -> None:
    body = {
        "model": served.name,
        "messages": MESSAGES,
        "max_tokens": 4,
        "temperature": None,
        "top_p": None,
        "n": None,
        "stream": None,
        "seed": None,
        "ethos": None,
    }
    status, _, payload = post(served, body)
    assert status == 200, payload


def test_a_client_that_hangs_up_frees_its_slot(served: Served) -> None:
    before = served.health()["abandoned"]
    body = json.dumps({"model": served.name, "messages": MESSAGES, "max_tokens": 400}).encode()
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", served.port)) as sock:
            sock.sendall(
                b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            time.sleep(0.05)
    deadline = time.monotonic() + 30
    while served.health()["in_flight"] and time.monotonic() < deadline:
        time.sleep(0.05)
    health = served.health()
    assert health["in_flight"] == 0
    assert health["abandoned"] - before == 3  # stopped, not run to the end
