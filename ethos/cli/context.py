"""What every command shares: the global options and how to open the store.

Kept free of heavy imports: this module loads for ``ethos --help``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from ethos.db.store import Store
    from ethos.settings import Settings

T = TypeVar("T")


@dataclass
class CliContext:
    """The root options (``--db``, ``--config``), resolved lazily."""

    db: str | None = None
    config: Path | None = None
    _settings: Settings | None = None
    # ETHOS_CONFIG as it was before --config set it: restored by ``close``.
    _saved_config_env: tuple[str | None] | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            import os

            from ethos.settings import CONFIG_ENV, load_settings

            if self.config is not None:
                # Through the environment, so the command's own load_settings()
                # calls (the gateway, the SQL workers it starts) read it too.
                if self._saved_config_env is None:
                    self._saved_config_env = (os.environ.get(CONFIG_ENV),)
                os.environ[CONFIG_ENV] = str(self.config)
            self._settings = load_settings(database_url=self.db)
        return self._settings

    def close(self) -> None:
        """At the end of the command: ETHOS_CONFIG back as it was, so an
        in-process caller's next command does not read this one's file."""
        if self._saved_config_env is not None:
            import os

            from ethos.settings import CONFIG_ENV

            (before,) = self._saved_config_env
            self._saved_config_env = None
            if before is None:
                os.environ.pop(CONFIG_ENV, None)
            else:
                os.environ[CONFIG_ENV] = before

    async def open_store(self, *, upgrade: bool = True, create: bool = True) -> Store:
        from ethos.db.store import Store

        return await Store.open(settings=self.settings(), upgrade=upgrade, create=create)

    def with_store(
        self,
        work: Callable[[Store], Awaitable[T]],
        *,
        upgrade: bool = True,
        create: bool = True,
    ) -> T:
        """Open the store, run ``work`` with it, close it: one event loop per command.
        Commands that only read pass ``create=False``: a database that is not
        there is an error naming the path, never a new empty one."""

        async def go() -> T:
            store = await self.open_store(upgrade=upgrade, create=create)
            try:
                return await work(store)
            finally:
                await store.close()

        return asyncio.run(go())


def cli_context(ctx: typer.Context) -> CliContext:
    obj: Any = ctx.find_root().obj
    return obj if isinstance(obj, CliContext) else CliContext()
