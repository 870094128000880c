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


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning: lower case, camelCase split,
    stop words out (the retrieval's list), numbers kept."""
    import re

    from ethos.agents.publicagent.retrieval import STOP_WORDS

    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return {w for w in re.findall(r"[a-z0-9]+", spaced.lower()) if w not in STOP_WORDS}


def title_overlap(question: str, title: str) -> set[str]:
    """The question's content words that a title shares: the same word, the
    same stem, or one word beginning the other (four letters or more, so
    "land" meets "landmasses"). Empty for a hard question, whose only links
    to its data set are the documentation and the column names."""
    from ethos.agents.publicagent.retrieval import stem

    def forms(word: str) -> set[str]:
        return {word, stem(word)}

    def near(a: str, b: str) -> bool:
        return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))

    title_forms = {f for w in content_words(title) for f in forms(w)}
    return {
        w for w in content_words(question) if any(near(f, t) for f in forms(w) for t in title_forms)
    }
