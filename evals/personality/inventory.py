"""A Big Five inventory: items, keying, the five-point scale, and scoring.

An inventory is a list of statements, each measuring one of the five traits
and keyed ``+`` (agreeing shows more of the trait) or ``-`` (reverse-scored:
agreeing shows less). The respondent rates each statement on a five-point
agreement scale, answered through ``choices`` ("1".."5"): log-probabilities
on a local model, the parsed reply on a hosted one. A ``+`` item scores the
rating as given, a ``-`` item ``6 - rating``; a trait's score is the mean
over its items, so it lies in [1, 5] with 3 the scale's midpoint.

The shipped inventory (``data/inventory.csv``, 50 items, 10 per trait, half
of them reverse-keyed) was written for this project. A user's inventory,
for example one of the public-domain IPIP item pools, loads from a CSV with
the header ``text,trait,keying`` (keying ``+``/``-``, also accepted as
``plus``/``minus``, ``forward``/``reverse``); its path and sha256 are
recorded on the run as the task's arguments and the samples' metadata.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal

from ethos.evals.task import TaskError

TRAITS = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
SCALE = ("1", "2", "3", "4", "5")
SCALE_WORDS = {
    "1": "strongly disagree",
    "2": "disagree",
    "3": "neither agree nor disagree",
    "4": "agree",
    "5": "strongly agree",
}
COLUMNS = ("text", "trait", "keying")
_KEYINGS = {
    "+": "+",
    "plus": "+",
    "forward": "+",
    "-": "-",
    "minus": "-",
    "reverse": "-",
}
SHIPPED = "ethos-bfi-50 (written for this project)"

Keying = Literal["+", "-"]


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    trait: str
    keying: Keying

    def score(self, rating: int) -> int:
        """The rating as trait evidence: as given for ``+``, reversed for ``-``."""
        if rating not in range(1, 6):
            raise ValueError(f"a rating is 1..5, not {rating}")
        return rating if self.keying == "+" else 6 - rating


@dataclass(frozen=True)
class Inventory:
    items: tuple[Item, ...]
    source: str
    sha256: str

    @property
    def traits(self) -> tuple[str, ...]:
        present = {item.trait for item in self.items}
        return tuple(t for t in TRAITS if t in present)

    def ordering(self, seed: int) -> list[str]:
        """The item ids in a seeded order (administration ``seed``); seed 0
        keeps the file's order."""
        ids = [item.id for item in self.items]
        if seed:
            random.Random(seed).shuffle(ids)
        return ids

    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}


def check_trait(trait: str, where: str = "") -> str:
    """``trait`` in lower case, or one error naming the five."""
    name = trait.strip().lower()
    if name not in TRAITS:
        raise TaskError(f"unknown trait {trait!r}{where}", f"use one of {', '.join(TRAITS)}")
    return name


def shipped_inventory() -> Inventory:
    resource = files("ethos.evals.personality") / "data" / "inventory.csv"
    return _parse(resource.read_text(encoding="utf-8"), SHIPPED)


def load_inventory(path: str | Path | None) -> Inventory:
    """The inventory at ``path`` (CSV with header text,trait,keying), or the
    shipped one for None or ""; any problem is one error naming the row."""
    if not path:
        return shipped_inventory()
    file = Path(path).expanduser()
    if not file.is_file():
        raise TaskError(f"no inventory file {file}", "give the path of a CSV: text,trait,keying")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskError(f"cannot read inventory {file}: {exc}", "give a UTF-8 CSV") from None
    return _parse(text, str(file.resolve()))


def _parse(text: str, source: str) -> Inventory:
    # A stream, not splitlines(): a quoted item text may hold a line break.
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise TaskError(
            f"inventory {source} lacks column(s) {', '.join(missing)} (it has "
            f"{', '.join(header) or 'no header'})",
            "its first line must be the header text,trait,keying",
        )
    items = []
    for raw in reader:
        line = reader.line_num  # the file line the row ends on
        if None in raw or None in raw.values():  # more cells than the header, or fewer
            cells = (
                len(raw) - 1 + len(raw[None])
                if None in raw
                else sum(v is not None for v in raw.values())
            )
            raise TaskError(
                f"inventory {source} line {line} has {cells} column(s); its header has "
                f"{len(header)} ({', '.join(header)})",
                'quote an item text that holds a comma ("like, this"), one row per item',
            )
        row = {k.strip().lower(): v.strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        if not row["text"]:
            raise TaskError(
                f"inventory {source} line {line}: the item text is empty", "give it text"
            )
        trait = check_trait(row["trait"], f" in inventory {source} line {line}")
        keying = _KEYINGS.get(row["keying"].lower())
        if keying is None:
            raise TaskError(
                f"unknown keying {row['keying']!r} in inventory {source} line {line}",
                "keying is + (agreeing shows the trait) or - (reverse-scored)",
            )
        items.append(
            Item(id=f"i{len(items) + 1:03d}", text=row["text"], trait=trait, keying=keying)
        )
    if not items:
        raise TaskError(f"inventory {source} has no items", "add rows: text,trait,keying")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Inventory(items=tuple(items), source=source, sha256=digest)


def item_prompt(item: Item) -> str:
    """How one statement is put to the respondent."""
    scale = "; ".join(f"{k} = {v}" for k, v in SCALE_WORDS.items())
    return (
        "How well does this statement describe you?\n"
        f'Statement: "{item.text}"\n'
        f"Answer with one number ({scale})."
    )


def trait_scores(items: Sequence[Item], ratings: Mapping[str, int]) -> dict[str, float]:
    """Per trait, the mean keyed score of its rated items (items without a
    rating are left out; a trait with none is left out)."""
    totals: dict[str, list[int]] = {}
    for item in items:
        if item.id in ratings:
            totals.setdefault(item.trait, []).append(item.score(ratings[item.id]))
    return {t: sum(v) / len(v) for t in TRAITS if (v := totals.get(t))}


def expected_rating(logprobs: Mapping[str, float]) -> float:
    """The mean rating under the respondent's distribution over the five
    options (normalised over them): a smoother reading than the argmax."""
    import math

    weights = {k: math.exp(v) for k, v in logprobs.items() if k in SCALE and v > -math.inf}
    total = sum(weights.values())
    if not total:
        raise ValueError("no probability on any scale point")
    return sum(int(k) * w for k, w in weights.items()) / total
