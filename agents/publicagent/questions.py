"""The PublicAgent question set: questions written for ethos in the words of
non-experts, each with the catalogue ids that answer it.

Discovery is measured on them (recall@k in ``benchmarks/catalog_search.py``)
and the PublicAgent evaluation asks them end to end; the answer hint says
what computation answers each, for graders and for scripted models.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Question(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    question: str
    expected: list[str] = Field(min_length=1)
    difficulty: Literal["easy", "medium", "hard"]
    answer_hint: str


def load_questions() -> list[Question]:
    """The packaged question set (``questions.toml``), in file order."""
    text = resources.files(__package__).joinpath("questions.toml").read_text(encoding="utf-8")
    return [Question.model_validate(q) for q in tomllib.loads(text)["question"]]
