"""Settings: environment (``ETHOS_*``), an optional ``ethos.toml``, and overrides.

Precedence, highest first: values passed in code or on the command line, the
environment, ``ethos.toml``, defaults. The TOML file is found at
``ETHOS_CONFIG`` or ``./ethos.toml``; an unknown key in it is an error rather
than a silent no-op, because a misspelt role would otherwise fall back to a
default model without anyone noticing.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from ethos.errors import ConfigError

CONFIG_ENV = "ETHOS_CONFIG"
CONFIG_FILENAME = "ethos.toml"


def default_data_dir() -> Path:
    """The user data directory (XDG on Linux, the platform's rule elsewhere)."""
    from platformdirs import user_data_path

    return user_data_path("ethos", appauthor=False)


class Settings(BaseSettings):
    """Everything ethos reads from its environment, in one typed object."""

    model_config = SettingsConfigDict(env_prefix="ETHOS_", extra="forbid", frozen=True)

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL or SQLite file path; default: ethos.db in data_dir",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="where ethos keeps its database, models and artifacts",
    )
    roles: dict[str, str] = Field(
        default_factory=dict,
        description='model roles, e.g. planner = "openai/gpt-4o"',
    )
    models: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="per-model arguments keyed by model string (api_base, api_key_env, ...)",
    )
    transcripts: bool = Field(
        default=True,
        description="keep each sample's transcript (messages, tool calls, events); "
        "false for runs that must not keep text",
    )
    sql_memory_cap_mb: int = Field(
        default=1024,
        ge=256,
        description="address-space limit (MiB) of each process that runs analysis SQL; "
        "DuckDB itself gets half of it",
    )
    sql_workers: int = Field(
        default=2,
        ge=1,
        le=32,
        description="analysis SQL worker processes kept warm (queries beyond it wait)",
    )
    config_file: Path | None = Field(
        default=None, exclude=True, description="the ethos.toml that was read, if any"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlSource(settings_cls))

    @property
    def resolved_database_url(self) -> str:
        """The database URL to use: the configured one or the default SQLite file."""
        return self.database_url or f"sqlite:///{self.data_dir / 'ethos.db'}"

    def role(self, name: str) -> str:
        """The model string for a role, or a ConfigError that says where to set it."""
        try:
            return self.roles[name]
        except KeyError:
            where = self.config_file or CONFIG_FILENAME
            raise ConfigError(
                f"no model is configured for role '{name}'",
                f'add `[roles] {name} = "provider/model"` to {where} '
                f"or pass --model-role {name}=provider/model",
            ) from None


def find_config_file() -> Path | None:
    """``$ETHOS_CONFIG`` if set (it must exist), else ``./ethos.toml`` if present."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(
                f"{CONFIG_ENV} points at {path}, which is not a file",
                f"create it or unset {CONFIG_ENV}",
            )
        return path
    local = Path.cwd() / CONFIG_FILENAME
    return local if local.is_file() else None


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse an ethos.toml, turning syntax errors into a ConfigError naming the file."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc})", "fix the line it names") from None
    known = set(Settings.model_fields) - {"config_file"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"unknown key {', '.join(repr(k) for k in unknown)} in {path}",
            f"known keys are {', '.join(sorted(known))}",
        )
    return {**data, "config_file": path}


class TomlSource(PydanticBaseSettingsSource):
    """Reads ethos.toml; lowest precedence after defaults."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        path = find_config_file()
        self._data = read_config_file(path) if path else {}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, reporting any invalid value as one ConfigError.

    Without overrides the result is cached against what it was read from
    (the ``ETHOS_*`` environment, the working directory, the config file's
    size and modification time): the gateway asks for settings on every
    call, and reading them anew costs about a millisecond."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    if clean:
        return _build(clean)
    key = _sources_key()
    cached = _cache.get(key)
    if cached is None:
        _cache.clear()  # one entry: the sources rarely change within a process
        cached = _cache[key] = _build({})
    return cached


_cache: dict[tuple[Any, ...], Settings] = {}


def _sources_key() -> tuple[Any, ...]:
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("ETHOS_")))
    path = find_config_file()
    stamp = None
    if path is not None:
        stat = path.stat()
        stamp = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return env, os.getcwd(), stamp


def _build(clean: dict[str, Any]) -> Settings:
    try:
        return Settings(**clean)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        if first["type"] == "extra_forbidden":
            raise ConfigError(
                f"unknown setting '{where}'",
                f"known settings are {', '.join(sorted(Settings.model_fields))}",
            ) from None
        raise ConfigError(
            f"invalid setting '{where}': {first['msg']}",
            "fix it in the environment (ETHOS_*) or ethos.toml",
        ) from None
