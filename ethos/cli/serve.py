"""``ethos serve``: the local model over an OpenAI-compatible HTTP API."""

from __future__ import annotations

import os

import typer


def serve(
    model: str = typer.Option(
        ..., "--model", "-m", help="The local model: local/NAME or local/PATH."
    ),
    host: str = typer.Option("127.0.0.1", help="Address to bind; loopback unless you mean it."),
    port: int = typer.Option(8000, min=0, max=65535, help="Port to bind (0 picks a free one)."),
    token: str | None = typer.Option(
        None,
        help="Require this bearer token (default: $ETHOS_SERVE_TOKEN; none when unset).",
        show_default=False,
    ),
    max_queue: int = typer.Option(64, min=1, help="Requests in flight before answering 503."),
    shutdown_timeout: float = typer.Option(
        60.0, min=0, help="Seconds that requests in flight get to finish on SIGTERM."
    ),
) -> None:
    """Serve a local model with the OpenAI chat completions API (plain and streaming)."""
    from ethos.errors import EthosError
    from ethos.models.server import serve as run_server

    if not model.startswith("local/"):
        raise EthosError(
            f"ethos serve hosts local models, not {model!r}",
            "pass --model local/NAME (see `ethos models list`) or local/PATH",
        )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    run_server(
        model,
        host=host,
        port=port,
        token=token or os.environ.get("ETHOS_SERVE_TOKEN"),
        max_queue=max_queue,
        shutdown_timeout=shutdown_timeout,
    )
