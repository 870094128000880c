"""``ethos serve`` throughput: 16 concurrent clients against one client.

Starts a real server process on loopback with a tiny checkpoint built for
the run, then measures completion tokens per second for one client sending
requests back to back, and for 16 clients at once (the batching gain).
Goal: at least 4x on the tiny model on 2 CPU cores.

    python benchmarks/serve_throughput.py [--arch qwen3_moe] [--requests 64] [--max-tokens 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(checkpoint: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ethos",
            "serve",
            "--model",
            f"local/{checkpoint}",
            "--port",
            str(port),
            "--max-queue",
            "256",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("ethos serve did not start")


async def one(session: aiohttp.ClientSession, url: str, model: str, i: int, max_tokens: int) -> int:
    body = {
        "model": model,
        "max_tokens": max_tokens,
        "temperature": 0,
        "messages": [{"role": "user", "content": f"Round {i}: cooperate or defect?"}],
    }
    async with session.post(url, json=body) as response:
        response.raise_for_status()
        return (await response.json())["usage"]["completion_tokens"]


async def throughput(url: str, model: str, clients: int, requests: int, max_tokens: int) -> float:
    queue = list(range(requests))
    tokens = 0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal tokens
        while queue:
            # Await first: `tokens += await ...` would read tokens before the
            # await and lose the other clients' additions.
            done = await one(session, url, model, queue.pop(), max_tokens)
            tokens += done

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:
        start = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        return tokens / (time.perf_counter() - start)


async def measure(url: str, model: str, ns: argparse.Namespace) -> dict:
    await throughput(url, model, 4, 8, ns.max_tokens)  # warm up
    single = await throughput(url, model, 1, ns.requests // 4, ns.max_tokens)
    many = await throughput(url, model, 16, ns.requests, ns.max_tokens)
    return {
        "bench": "serve_throughput",
        "figure": f"completion_tokens_per_s_16_clients_{ns.arch}",
        "value": round(many, 1),
        "unit": "tokens/s",
        "anchor": "the same server, 1 client",
        "anchor_value": round(single, 1),
        "ratio": round(many / single, 2),
        "goal": ">= 4",
        "max_tokens": ns.max_tokens,
        "requests": ns.requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="qwen3_moe")
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--max-tokens", type=int, default=32)
    ns = parser.parse_args()
    from ethos.models.local.tiny import build_tiny

    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = build_tiny(Path(tmp) / f"bench-{ns.arch}", ns.arch)
        port = free_port()
        proc = start_server(checkpoint, port)
        try:
            url = f"http://127.0.0.1:{port}/v1/chat/completions"
            print(json.dumps(asyncio.run(measure(url, checkpoint.name, ns))), flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
