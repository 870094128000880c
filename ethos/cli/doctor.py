"""``ethos doctor``: what this machine can run, and with which database.

It diagnoses rather than fails: an unreachable database or a missing extra
is a line in the report, and the exit status is 0 unless the configuration
itself cannot be read.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from importlib import metadata
from typing import Any

import typer

from ethos import __version__
from ethos.cli.context import cli_context

PACKAGES = {
    "core": ["pydantic", "pydantic-settings", "sqlalchemy", "alembic", "langgraph", "litellm"],
    "local": ["torch", "transformers", "safetensors", "tokenizers"],
    "postgres": ["psycopg", "langgraph-checkpoint-postgres"],
    "data": ["duckdb", "pandas"],
}

# The environment variables litellm reads for each provider's credentials.
PROVIDER_KEYS = {
    "openai": ["OPENAI_API_KEY"],
    "anthropic": ["ANTHROPIC_API_KEY"],
    "gemini": ["GEMINI_API_KEY"],
    "vertex_ai": ["GOOGLE_APPLICATION_CREDENTIALS"],
    "azure": ["AZURE_API_KEY"],
    "bedrock": ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
    "mistral": ["MISTRAL_API_KEY"],
    "groq": ["GROQ_API_KEY"],
    "together_ai": ["TOGETHERAI_API_KEY"],
    "fireworks_ai": ["FIREWORKS_AI_API_KEY"],
    "openrouter": ["OPENROUTER_API_KEY"],
    "deepseek": ["DEEPSEEK_API_KEY"],
    "xai": ["XAI_API_KEY"],
    "cohere": ["COHERE_API_KEY"],
    "huggingface": ["HF_TOKEN"],
}


def installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def accelerator() -> str:
    """The compute torch would use; imports torch, which only doctor may do."""
    if installed("torch") is None:
        return "unknown: torch is not installed (pip install 'ethos[local]')"
    try:
        import torch
    except Exception as exc:  # a broken install is worth reporting, not crashing on
        return f"torch fails to import: {exc}"
    if torch.cuda.is_available():
        names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        return f"CUDA: {', '.join(names)}"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "Apple MPS"
    return f"CPU only ({os.cpu_count()} cores)"


def database_facts(context: Any) -> dict[str, Any]:
    from ethos.db.migrate import HEAD
    from ethos.errors import EthosError

    async def work(store):
        return {
            "url": store.url,
            "backend": store.backend,
            "revision": await store.revision(),
            "runs": await store.count_runs() if await store.revision() == HEAD else 0,
        }

    from pathlib import Path

    from ethos.db.url import backend_of, normalize_url, safe_url

    try:
        url = normalize_url(context.settings().resolved_database_url)
        if backend_of(url) == "sqlite" and not Path(url.database).exists():
            # Diagnosing must not create the file.
            return {
                "url": safe_url(url),
                "backend": "sqlite",
                "ok": True,
                "revision": None,
                "runs": 0,
                "head": HEAD,
                "note": "not created yet; first use creates it",
            }
        facts = context.with_store(work, upgrade=False)
        facts["ok"] = True
    except EthosError as exc:
        facts = {"url": context.settings().resolved_database_url, "ok": False, "error": str(exc)}
    facts["head"] = HEAD
    return facts


def gather(context: Any) -> dict[str, Any]:
    settings = context.settings()
    return {
        "ethos": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {
            extra: {name: installed(name) for name in names} for extra, names in PACKAGES.items()
        },
        "accelerator": accelerator(),
        "data_dir": str(settings.data_dir),
        "config_file": str(settings.config_file) if settings.config_file else None,
        "roles": settings.roles,
        "database": database_facts(context),
        "providers": {
            provider: all(os.environ.get(var) for var in variables)
            for provider, variables in PROVIDER_KEYS.items()
        },
    }


def doctor(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a report."),
) -> None:
    """Show what is installed, the compute and database in use, and which providers have keys."""
    facts = gather(cli_context(ctx))
    if as_json:
        typer.echo(json.dumps(facts, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("ethos", f"{facts['ethos']} on Python {facts['python']} ({facts['platform']})")
    for extra, packages in facts["packages"].items():
        shown = "  ".join(f"{n} {v}" if v else f"[dim]{n} -[/]" for n, v in packages.items())
        grid.add_row(f"  {extra}", shown)
    grid.add_row("compute", facts["accelerator"])
    db = facts["database"]
    if db["ok"]:
        state = db.get("note") or (
            "current" if db["revision"] == db["head"] else f"revision {db['revision'] or '-'}"
        )
        grid.add_row("database", f"{db['url']} ({db['backend']}, {state}, {db['runs']} runs)")
    else:
        grid.add_row("database", f"[red]{db['error']}[/]")
    grid.add_row("data dir", facts["data_dir"])
    grid.add_row("config", facts["config_file"] or "[dim]no ethos.toml[/]")
    roles = ", ".join(f"{k}={v}" for k, v in facts["roles"].items())
    grid.add_row("roles", roles or "[dim]none configured[/]")
    keyed = [p for p, ok in facts["providers"].items() if ok]
    grid.add_row(
        "providers",
        ", ".join(keyed)
        if keyed
        else "[dim]no provider keys set (local/ and script/ need none)[/]",
    )
    console.print(grid)
