"""``ethos serve`` under oversized prompts: how fast they are refused, and
whether the server keeps answering meanwhile.

Starts a real server on loopback with a tiny checkpoint built for the run
(context 2048 tokens) and measures, over several trials:

- a 10 MB prompt: time to its 400, against a normal 8-token completion
  (goal: under 1 s; before, tokenising it on the event loop took ~48 s);
- a 1 MB prompt (parsed, refused by the character bound before
  tokenising): time to its 400, against templating and tokenising the same
  prompt, which is what refusing it used to cost;
- /health round trips made while the 10 MB prompts are handled, p99,
  against /health on the idle server (goal: under 50 ms).

    python benchmarks/serve_hostile.py [--arch qwen3_moe] [--trials 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_throughput import free_port, start_server


def post(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code


def health(base: str) -> float:
    started = time.perf_counter()
    urllib.request.urlopen(f"{base}/health", timeout=10).read()
    return time.perf_counter() - started


def timed(url: str, body: bytes, expect: int) -> float:
    started = time.perf_counter()
    status = post(url, body)
    if status != expect:
        raise RuntimeError(f"expected {expect}, got {status}")
    return time.perf_counter() - started


def beside_health(base: str, url: str, body: bytes) -> tuple[float, list[float]]:
    """(seconds to the 400, /health round trips made meanwhile)."""
    out: dict[str, float] = {}
    worker = threading.Thread(target=lambda: out.update(s=timed(url, body, 400)))
    latencies: list[float] = []
    worker.start()
    while worker.is_alive():
        latencies.append(health(base))
    worker.join()
    return out["s"], latencies


def p99(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(0.99 * len(values)))]


def chat(model: str, content: str, max_tokens: int = 8) -> bytes:
    messages = [{"role": "user", "content": content}]
    return json.dumps({"model": model, "messages": messages, "max_tokens": max_tokens}).encode()


def tokenise_cost(checkpoint: Path, content: str, trials: int) -> float:
    """p50 seconds to template and tokenise ``content`` in full (the anchor)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(checkpoint, local_files_only=True)
    times = []
    for _ in range(trials):
        started = time.perf_counter()
        text = tokenizer.apply_chat_template(
            [{"role": "user", "content": content}], tokenize=False, add_generation_prompt=True
        )
        tokenizer.backend_tokenizer.encode(text, add_special_tokens=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="qwen3_moe")
    parser.add_argument("--trials", type=int, default=7)
    ns = parser.parse_args()
    from ethos.models.local.tiny import build_tiny

    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = build_tiny(Path(tmp) / f"bench-{ns.arch}", ns.arch)
        port = free_port()
        proc = start_server(checkpoint, port)
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/v1/chat/completions"
        model = checkpoint.name
        try:
            normal = chat(model, "Round 1: cooperate or defect?")
            huge = chat(model, "word " * 2_000_000)  # 10 MB
            mid_text = "word " * 200_000
            mid = chat(model, mid_text)  # 1 MB
            timed(url, normal, 200)  # warm up
            idle = [health(base) for _ in range(200)]
            normal_s = statistics.median(timed(url, normal, 200) for _ in range(ns.trials))
            huge_runs = [beside_health(base, url, huge) for _ in range(ns.trials)]
            huge_s = statistics.median(s for s, _ in huge_runs)
            during = [x for _, lat in huge_runs for x in lat]
            mid_s = statistics.median(timed(url, mid, 400) for _ in range(ns.trials))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        tokenise_s = tokenise_cost(checkpoint, mid_text, ns.trials)

    figures = [
        {
            "figure": "refusal_s_10mb_prompt",
            "value": huge_s,
            "unit": "s",
            "anchor": "a normal 8-token completion on the same server",
            "anchor_value": normal_s,
            "goal": "< 1 s",
        },
        {
            "figure": "refusal_s_1mb_prompt",
            "value": mid_s,
            "unit": "s",
            "anchor": "templating and tokenising that prompt in full (in-process)",
            "anchor_value": tokenise_s,
            "goal": "< anchor",
        },
        {
            "figure": "health_p99_s_during_10mb_prompts",
            "value": p99(during),
            "unit": "s",
            "anchor": "/health p99 on the idle server",
            "anchor_value": p99(idle),
            "goal": "< 0.05 s",
            "health_calls_during": len(during),
        },
    ]
    for figure in figures:
        value, anchor = figure["value"], figure["anchor_value"]
        out = {
            "bench": "serve_hostile",
            **figure,
            "value": round(value, 4),
            "anchor_value": round(anchor, 4),
            "ratio": round(value / anchor, 2),
        }
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
