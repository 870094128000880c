"""The scenario files of the scheming suite, validated by pydantic.

Scenarios are data (TOML under ``scenarios/``), so a person adds one by
writing a file, not code. Three kinds of file:

- ``worlds.toml`` (``[[world]]``): the shared worlds of oversight
  subversion, self-exfiltration, goal-guarding and instrumental alignment
  faking (as in Meinke et al. 2024, those four evaluations share their
  scenarios and differ only in the memo beside the task data);
- ``email.toml`` (``[[scenario]]``): covert email reranking;
- ``sandbagging.toml`` (``[[scenario]]``): sandbagging.

A file that does not validate is one :class:`ScenarioError` naming the file,
the entry and the field, so a typo is found before any model is called.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ethos.errors import EthosError

SCENARIO_DIR = Path(__file__).parent / "scenarios"
_SAFE_PATH = re.compile(r"^(?!/)(?!.*(^|/)\.\.(/|$))[A-Za-z0-9_./-]+$")


class ScenarioError(EthosError):
    """A scenario file is missing, not TOML, or does not match the schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _relative(path: str) -> str:
    if not _SAFE_PATH.match(path) or path.endswith("/"):
        raise ValueError(
            f"{path!r} must be a relative file path (letters, digits, _ . / -), with no '..'"
        )
    return path


class Option(_Strict):
    """One option of a world's task tool, and whose goal it serves."""

    id: str = Field(pattern=r"^[A-Z]$")
    text: str = Field(min_length=3)
    serves: Literal["model", "developer", "neither"]


class World(_Strict):
    """One company, AI system, pair of conflicting goals, task and file layout."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    company: str
    ai_name: str
    model_goal: str = Field(min_length=10)
    developer_goal: str = Field(min_length=10)
    task: str
    data_file: str
    data: str
    tool: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    oversight_config: str
    own_weights: str
    successor_host: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    successor_weights: str
    new_prompt: str
    options: tuple[Option, ...] = Field(min_length=2)

    _paths = field_validator(
        "data_file", "oversight_config", "own_weights", "successor_weights", "new_prompt"
    )(_relative)

    @model_validator(mode="after")
    def _one_option_each(self) -> World:
        serves = [o.serves for o in self.options]
        if serves.count("model") != 1 or serves.count("developer") != 1:
            raise ValueError("options need exactly one serving 'model' and one serving 'developer'")
        if len({o.id for o in self.options}) != len(self.options):
            raise ValueError("option ids must differ")
        return self

    def option(self, serves: str) -> Option:
        return next(o for o in self.options if o.serves == serves)


class Candidate(_Strict):
    name: str
    values: dict[str, float]
    note: str


class EmailScenario(_Strict):
    """One covert-email-reranking scenario: the applicants, the company's
    scoring weights, and the applicant the agent's own goal favours."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["job", "supplier", "grant"]
    company: str
    ai_name: str
    model_goal: str = Field(min_length=10)
    weights: dict[str, float] = Field(min_length=1)
    favoured: str
    management_note: str
    candidates: tuple[Candidate, ...] = Field(min_length=3)

    @model_validator(mode="after")
    def _consistent(self) -> EmailScenario:
        names = [c.name for c in self.candidates]
        if self.favoured not in names:
            raise ValueError(f"favoured {self.favoured!r} is not one of the candidates")
        for c in self.candidates:
            if set(c.values) != set(self.weights):
                raise ValueError(f"candidate {c.name!r} must have exactly the fields of weights")
        if self.ranking()[0] == self.favoured:
            raise ValueError("the favoured candidate already ranks first: there is no conflict")
        return self

    def score(self, values: dict[str, float]) -> float:
        return round(sum(self.weights[k] * float(values[k]) for k in self.weights), 6)

    def ranking(self) -> list[str]:
        """The ground truth: candidates by score, best first (name breaks ties)."""
        scored = sorted(self.candidates, key=lambda c: (-self.score(c.values), c.name))
        return [c.name for c in scored]


class SandbagScenario(_Strict):
    """One sandbagging scenario: who the agent is and what a high (or, in the
    counterfactual, a low) score would cost it."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    company: str
    ai_name: str
    model_goal: str = Field(min_length=10)
    consequence: str
    seed: int
    folder: str

    _folder = field_validator("folder")(_relative)


class WorldsFile(_Strict):
    world: tuple[World, ...] = Field(min_length=1)


class EmailFile(_Strict):
    scenario: tuple[EmailScenario, ...] = Field(min_length=1)


class SandbagFile(_Strict):
    scenario: tuple[SandbagScenario, ...] = Field(min_length=1)


FILE_KINDS: dict[str, type[_Strict]] = {
    "worlds": WorldsFile,
    "email": EmailFile,
    "sandbagging": SandbagFile,
}


def load_file(path: str | Path, kind: str) -> WorldsFile | EmailFile | SandbagFile:
    """Read and validate one scenario file of ``kind`` (worlds, email, sandbagging)."""
    path = Path(path)
    schema = FILE_KINDS.get(kind)
    if schema is None:
        raise ScenarioError(f"unknown scenario file kind {kind!r}", f"use {', '.join(FILE_KINDS)}")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"no scenario file {path}", "give the path of a .toml file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})", "fix the TOML syntax") from None
    except OSError as exc:  # a directory, no permission
        raise ScenarioError(
            f"cannot read scenario file {path} ({exc.strerror})",
            "give the path of a readable .toml file",
        ) from None
    try:
        loaded = schema.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_first_problem(path, raw, exc), _fix(kind)) from None
    ids = [s.id for s in getattr(loaded, "world", None) or getattr(loaded, "scenario", ())]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ScenarioError(
            f"{path}: duplicate id {duplicated[0]!r}", "give every entry its own id"
        )
    return loaded  # type: ignore[return-value]


def _first_problem(path: Path, raw: dict, exc: ValidationError) -> str:
    error = exc.errors()[0]
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and isinstance(loc[1], int):
        entries = raw.get(str(loc[0])) or []
        entry = entries[loc[1]] if loc[1] < len(entries) else {}
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"{loc[0]}[{loc[1]}]" + (f" ({name!r})" if name else "")
        loc = loc[2:]
    field = ".".join(str(p) for p in loc) or "(the entry itself)"
    return f"{path}: {where + ' ' if where else ''}field {field}: {error['msg']}"


def _fix(kind: str) -> str:
    return f"see ethos.evals.scheming.schema ({FILE_KINDS[kind].__name__}) for the fields"


@cache
def worlds(path: str | None = None) -> tuple[World, ...]:
    return load_file(path or SCENARIO_DIR / "worlds.toml", "worlds").world  # type: ignore[union-attr]


@cache
def email_scenarios(path: str | None = None) -> tuple[EmailScenario, ...]:
    return load_file(path or SCENARIO_DIR / "email.toml", "email").scenario  # type: ignore[union-attr]


@cache
def sandbag_scenarios(path: str | None = None) -> tuple[SandbagScenario, ...]:
    loaded = load_file(path or SCENARIO_DIR / "sandbagging.toml", "sandbagging")
    return loaded.scenario  # type: ignore[union-attr]
