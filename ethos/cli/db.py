"""``ethos db``: the schema of the configured database."""

from __future__ import annotations

import typer

from ethos.cli.context import cli_context

app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Create the database if needed and migrate it to the newest schema."""
    from rich import print as rprint

    async def work(store):
        return store.url, *await store.upgrade()

    url, start, head = cli_context(ctx).with_store(work, upgrade=False)
    if start == head:
        rprint(f"{url}: already at revision {head}")
    else:
        rprint(f"{url}: upgraded from {start or 'an empty database'} to revision {head}")


@app.command()
def current(ctx: typer.Context) -> None:
    """Show the database in use and its schema revision."""
    from rich import print as rprint

    from ethos.db.migrate import HEAD

    async def work(store):
        return store.url, store.backend, await store.revision()

    url, backend, revision = cli_context(ctx).with_store(work, upgrade=False, create=False)
    state = {
        HEAD: "current",
        None: "empty (run `ethos db upgrade`, or just use it: first use migrates)",
    }.get(revision, f"behind (newest is {HEAD}); run `ethos db upgrade`")
    rprint(f"database: {url} ({backend})")
    rprint(f"revision: {revision or '-'} ({state})")
