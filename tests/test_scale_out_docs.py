"""docs/scale-out.md cannot drift from the command line: every `ethos ...`
line in its bash blocks names commands that exist and flags those commands
take, and every `[models."..."]` table in its TOML blocks holds only
per-model arguments the gateway knows. A renamed flag fails here, not in a
reader's terminal."""

from __future__ import annotations

import re
import shlex
import tomllib
from functools import cache
from pathlib import Path

from tests.test_cli import ethos

DOC = Path(__file__).resolve().parents[1] / "docs" / "scale-out.md"
GLOBAL_WITH_VALUE = {"--db", "--config"}


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.S)


def ethos_lines() -> list[list[str]]:
    """Each `ethos` invocation of the bash blocks as tokens (continuation
    lines joined, comments dropped)."""
    found = []
    for block in blocks("bash"):
        for line in block.replace("\\\n", " ").splitlines():
            tokens = shlex.split(line, comments=True)
            if tokens and tokens[0] == "ethos":
                found.append(tokens[1:])
    return found


@cache
def help_text(*path: str) -> str:
    done = ethos(*path, "--help", timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def subcommands(*path: str) -> set[str]:
    """The names listed in the Commands panel of `ethos PATH --help`."""
    text = help_text(*path)
    if "Commands" not in text:
        return set()
    panel = text.split("Commands", 1)[1]
    return set(re.findall(r"^│ (\w[\w-]*) ", panel, flags=re.M))


def split_command(tokens: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(global flags, command path, the rest) of one invocation."""
    flags, i = [], 0
    while i < len(tokens) and tokens[i].startswith("-"):
        flags.append(tokens[i].split("=", 1)[0])
        i += 1 if "=" in tokens[i] or tokens[i] not in GLOBAL_WITH_VALUE else 2
    path: list[str] = []
    while i < len(tokens) and tokens[i] in subcommands(*path):
        path.append(tokens[i])
        i += 1
    return flags, path, tokens[i:]


def takes(flag: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text) is not None


def test_every_ethos_command_and_flag_in_the_doc_exists() -> None:
    lines = ethos_lines()
    seen: set[str] = set()
    for tokens in lines:
        flags, path, rest = split_command(tokens)
        assert path and not subcommands(*path), f"`ethos {' '.join(tokens)}`: not a command"
        for flag in flags:
            assert takes(flag, help_text()), f"`ethos {flag}` is not a global option"
        for token in rest:
            if re.fullmatch(r"-{1,2}[A-Za-z][\w-]*(=.*)?", token):
                flag = token.split("=", 1)[0]
                assert takes(flag, help_text(*path)), (
                    f"`ethos {' '.join(path)}` has no {flag} (docs/scale-out.md)"
                )
                seen.add(flag)
    # The doc shows each way it describes: not a vacuous pass.
    assert {"--executor", "--address", "--workers", "--lease", "--max-connections", "-M"} <= seen
    assert len(lines) >= 4


def test_the_docs_model_tables_hold_known_model_arguments() -> None:
    from ethos.models.args import ModelArgs

    tables = [
        (name, args)
        for block in blocks("toml")
        for name, args in tomllib.loads(block).get("models", {}).items()
    ]
    assert tables, "docs/scale-out.md shows an ethos.toml model table"
    for name, args in tables:
        ModelArgs.model_validate(args)  # unknown keys are refused (extra="forbid")
        assert name.startswith("hosted_vllm/") and args["api_base"].endswith("/v1")


def test_a_flag_the_command_lacks_is_caught() -> None:
    """The check itself: a made-up flag, or a prefix of a real one, is not
    taken for a flag the command has."""
    assert not takes("--no-such-flag", help_text("eval", "run"))
    assert not takes("--max", help_text("eval", "run"))
    assert takes("--max-connections", help_text("eval", "run"))
