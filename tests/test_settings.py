"""Settings from the environment, ethos.toml and overrides; and database URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ethos.db.url import normalize_url, safe_url
from ethos.errors import ConfigError, DatabaseURLError
from ethos.settings import load_settings


def test_defaults_put_the_database_in_the_data_dir(ethos_env: Path) -> None:
    settings = load_settings()
    assert settings.data_dir == ethos_env
    assert settings.resolved_database_url == f"sqlite:///{ethos_env / 'ethos.db'}"


def test_roles_and_models_from_ethos_toml(tmp_path: Path) -> None:
    (tmp_path / "ethos.toml").write_text(
        '[roles]\nplanner = "openai/gpt-4o"\nplayer = "local/tiny-moe"\n\n'
        '[models."hosted_vllm/qwen"]\napi_base = "http://127.0.0.1:8000/v1"\n'
    )
    settings = load_settings()
    assert settings.role("planner") == "openai/gpt-4o"
    assert settings.models["hosted_vllm/qwen"]["api_base"] == "http://127.0.0.1:8000/v1"
    assert settings.config_file == tmp_path / "ethos.toml"


def test_precedence_is_override_then_environment_then_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ethos.toml").write_text('database_url = "sqlite:///from-file.db"\n')
    assert load_settings().database_url == "sqlite:///from-file.db"
    monkeypatch.setenv("ETHOS_DATABASE_URL", "sqlite:///from-env.db")
    assert load_settings().database_url == "sqlite:///from-env.db"
    assert load_settings(database_url="sqlite:///flag.db").database_url == "sqlite:///flag.db"


def test_config_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "conf" / "team.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('[roles]\njudge = "anthropic/claude-x"\n')
    monkeypatch.setenv("ETHOS_CONFIG", str(elsewhere))
    assert load_settings().role("judge") == "anthropic/claude-x"


def test_unknown_key_in_the_file_names_it_and_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "ethos.toml").write_text('[rolez]\nplanner = "openai/gpt-4o"\n')
    with pytest.raises(ConfigError, match=r"unknown key 'rolez' in .*ethos.toml; known keys"):
        load_settings()


def test_unknown_override_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown setting 'databse_url'"):
        load_settings(databse_url="x")


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "ethos.toml").write_text("[roles\nplanner = 1\n")
    with pytest.raises(ConfigError, match=r"ethos\.toml is not valid TOML"):
        load_settings()


def test_wrong_type_names_the_setting(tmp_path: Path) -> None:
    (tmp_path / "ethos.toml").write_text('roles = "openai/gpt-4o"\n')
    with pytest.raises(ConfigError, match="invalid setting 'roles'"):
        load_settings()


def test_missing_config_file_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETHOS_CONFIG", "/nowhere/ethos.toml")
    with pytest.raises(ConfigError, match=r"ETHOS_CONFIG points at /nowhere/ethos\.toml"):
        load_settings()


def test_missing_role_says_where_to_set_it() -> None:
    with pytest.raises(ConfigError, match=r"\[roles\] critic = "):
        load_settings().role("critic")


@pytest.mark.parametrize(
    ("raw", "driver"),
    [
        ("sqlite:///runs.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///runs.db", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h:5433/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
    ],
)
def test_urls_users_write_get_the_async_driver(raw: str, driver: str) -> None:
    assert normalize_url(raw).drivername == driver


def test_a_bare_path_is_a_sqlite_file(tmp_path: Path) -> None:
    url = normalize_url("runs/ethos.db")
    assert url.drivername == "sqlite+aiosqlite"
    assert url.database == str(tmp_path / "runs" / "ethos.db")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "the database URL is empty"),
        ("postgresql://", "names no database"),
        ("mysql://root@localhost/test", "unsupported database 'mysql'"),
        ("sqlite://", "in-memory SQLite database"),
        ("sqlite:///:memory:", "in-memory SQLite database"),
        ("postgres:/oops", "malformed database URL"),
        ("://nothing", "malformed database URL"),
    ],
)
def test_bad_urls_are_refused_with_the_forms_that_work(raw: str, message: str) -> None:
    with pytest.raises(DatabaseURLError, match=message):
        normalize_url(raw)


def test_passwords_never_show() -> None:
    url = normalize_url("postgresql://alice:s3cret-pw@db.example:5432/ethos")
    assert "s3cret-pw" not in safe_url(url)
    assert safe_url(url) == "postgresql://alice:***@db.example:5432/ethos"


@given(st.text(min_size=1, max_size=60))
def test_any_string_either_normalizes_or_raises_a_url_error(raw: str) -> None:
    try:
        url = normalize_url(raw)
    except DatabaseURLError as exc:
        assert exc.fix
    else:
        assert url.drivername in {"sqlite+aiosqlite", "postgresql+psycopg"}


def test_a_malformed_url_never_shows_its_password() -> None:
    with pytest.raises(DatabaseURLError) as info:
        normalize_url("postgresql://alice:s3cret-pw@db:notaport/ethos")
    assert "s3cret-pw" not in str(info.value)
