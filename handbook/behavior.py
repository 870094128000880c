"""Behaviours as data: a named, reusable instruction and where it came from.

A behaviour is what "Metacognitive Reuse" (Didolkar et al. 2025) calls a
(name, instruction) pair: a general step that shortened a solved trace,
phrased so that it helps on other problems ("convert every quantity to one
unit before adding"), not the solution of one problem. Names are
normalised to ``behavior_<snake_case>`` so that a model asked to cite one
can write it back exactly, and so that two spellings of one name
(``Check Units``, ``behavior_check-units``) are one behaviour.

These models check what a user (or a model) hands in; the typed errors
below name the problem and its fix, so bad input from the command line is
one line, never a traceback.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ethos.errors import EthosError

PREFIX = "behavior_"
NAME_LIMIT = 128  # behaviors.name is VARCHAR(128)
INSTRUCTION_LIMIT = 600  # characters: one or two sentences, with room for a formula
# One or two sentences are asked for; a third is tolerated because splitting on
# ". " followed by a capital is approximate (abbreviations, "e.g. X").
MAX_SENTENCES = 3
TAG_LIMIT = 64

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(\"'])")


class BehaviorError(EthosError):
    """A behaviour or handbook cannot be used as given."""


class BehaviorNotFoundError(BehaviorError, LookupError):
    """No behaviour of that name in the handbook."""


class HandbookNotFoundError(BehaviorError, LookupError):
    """No handbook of that name."""


def normalize_name(raw: str) -> str:
    """``"Check Units!"`` and ``"behavior_check-units"`` both become
    ``behavior_check_units``: lower case, runs of other characters one
    underscore, the prefix added once. Raises ValueError when no word is
    left (``"behavior_"``, ``"!!"``)."""
    words = _NON_WORD.sub("_", raw.strip().lower()).strip("_")
    while words.startswith(PREFIX) or words == PREFIX.rstrip("_"):
        words = words[len(PREFIX) :].strip("_") if words.startswith(PREFIX) else ""
    if not words:
        raise ValueError(f"a behaviour name needs at least one word after {PREFIX!r}")
    name = PREFIX + words
    if len(name) > NAME_LIMIT:
        raise ValueError(f"a behaviour name has at most {NAME_LIMIT} characters ({len(name)})")
    return name


def name_words(name: str) -> str:
    """The words of a normalised name: ``behavior_check_units`` -> ``check units``."""
    return name.removeprefix(PREFIX).replace("_", " ")


def sentence_count(text: str) -> int:
    """Sentences in ``text``, counted at ., ! or ? before a capital (approximate)."""
    return len(_SENTENCE_END.findall(text.strip())) + 1 if text.strip() else 0


class Provenance(BaseModel):
    """Where a behaviour was learned: a stored run's sample (``run``), a line
    of a JSONL file (``file``), or a person (``manual``). Plain ids, not
    foreign keys: a behaviour outlives the run it came from."""

    model_config = ConfigDict(frozen=True)

    source: Literal["run", "file", "manual"]
    run_id: str | None = None
    sample_id: str | None = None
    epoch: int | None = None
    arm: str | None = None
    model: str | None = None
    path: str | None = None
    # the model whose "same" merged this source's draft into the behaviour
    # (a pair the embedding was unsure of; see ethos.handbook.judge)
    judge: str | None = None


class BehaviorDraft(BaseModel):
    """A behaviour before it is stored: what extraction (or a person) proposes."""

    model_config = ConfigDict(frozen=True)

    name: str
    instruction: str
    tags: list[str] = Field(default_factory=list)
    provenance: list[Provenance] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return normalize_name(value)

    @field_validator("instruction")
    @classmethod
    def _instruction(cls, value: str) -> str:
        text = " ".join(value.split())
        if not text:
            raise ValueError("a behaviour needs an instruction (one or two sentences)")
        if len(text) > INSTRUCTION_LIMIT:
            raise ValueError(
                f"an instruction has at most {INSTRUCTION_LIMIT} characters ({len(text)}); "
                "a behaviour is one or two sentences"
            )
        if sentence_count(text) > MAX_SENTENCES:
            raise ValueError(
                f"an instruction is one or two sentences ({sentence_count(text)} found)"
            )
        return text

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for tag in value:
            clean = _NON_WORD.sub("-", tag.strip().lower()).strip("-")[:TAG_LIMIT]
            if clean and clean not in out:
                out.append(clean)
        return out

    def search_text(self) -> str:
        """What is embedded and indexed: the name's words, then the instruction."""
        return f"{name_words(self.name)}: {self.instruction}"


class Behavior(BehaviorDraft):
    """A stored behaviour with its usage: how often retrieval returned it,
    how often an answer cited it, and the mean score of those answers
    (None until a scored answer cites it)."""

    id: int
    handbook: str
    version: int
    retrieved: int = 0
    cited: int = 0
    outcome_mean: float | None = None


def draft(
    name: str,
    instruction: str,
    *,
    tags: list[str] | None = None,
    provenance: list[Provenance] | None = None,
) -> BehaviorDraft:
    """A BehaviorDraft, with pydantic's validation error turned into one
    BehaviorError naming the field and the fix (for CLI and file input)."""
    try:
        return BehaviorDraft(
            name=name, instruction=instruction, tags=tags or [], provenance=provenance or []
        )
    except ValidationError as exc:
        raise invalid_draft(exc, name) from None


def invalid_draft(exc: ValidationError, name: object) -> BehaviorError:
    """One line for a draft pydantic refused: which field, what is wrong."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "behaviour"
    message = str(first["msg"]).removeprefix("Value error, ")
    return BehaviorError(
        f"behaviour {name!r}: {field}: {message}",
        "give it a name of words and a one- or two-sentence instruction",
    )
