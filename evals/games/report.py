"""Round-by-round choices of a games run, for its eval report.

Per arm and round t: the share of matches in which the model chose option 0
in round t (cooperate; J in Akata et al.'s Prisoner's Dilemma), and the same
for its opponent, each with a Wilson interval. A match is one succeeded
sample row (sample x epoch x arm), so each epoch counts once; n at round t
is the number of matches that lasted at least t rounds.

Read from the database alone, in one streamed pass that fetches only each
row's arm, the model's seat, the moves and the game's option labels (never
the rest of the output, its transcripts or decisions), folded into counts
per arm, side and round: memory stays flat however many matches a run has.

:data:`SECTION` is the games suite's report section
(:data:`ethos.evals.builtin_suites.GAMES` names it): a run of a games task,
or of a task file that returns one, gets it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ethos.db.tables import SampleRow
from ethos.evals.metrics import wilson_interval
from ethos.evals.report import ReportSection, SuitePlot, SuiteSection, plot_grid
from ethos.evals.report.plots import text

if TYPE_CHECKING:
    from ethos.db.store import Store
    from ethos.evals.report import EvalReport, RunFacts

WHO = ("model", "opponent")
CHOICE = 0
_ROWS_PER_FETCH = 2000
_MAX_LABELS = 5
_MAX_PANELS = 12
_COLOURS = {"model": "#4c78a8", "opponent": "#f58518"}


class RoundShare(BaseModel):
    """One round of a match: of the ``n`` succeeded sample rows of ``arm``
    that reached ``round`` (1-based), the share in which ``who`` chose
    option 0, with its Wilson interval."""

    model_config = ConfigDict(frozen=True)

    arm: str
    who: str
    round: int
    share: float
    ci_low: float
    ci_high: float
    n: int


class GamesSection(SuiteSection):
    """The games suite's part of a report: round-by-round shares."""

    suite: str = "games"
    rounds: list[RoundShare] = Field(default_factory=list)


class RoundCounts:
    """Per arm and side, per round: how many matches reached the round, and
    in how many of them the side chose option 0. Nothing else is kept but
    a few distinct labels of option 0 and how many rows could not be read."""

    def __init__(self) -> None:
        # (arm, who) -> per round (0-based): [chose option 0, matches]
        self.counts: dict[tuple[str, str], list[list[int]]] = {}
        self.labels: dict[str, None] = {}
        self.skipped = 0

    def add(self, arm: str, seat: Any, moves: Any, options: Any = None) -> bool:
        """Fold in one match; False (and counted as skipped) when its seat or
        moves are not what the games tasks write."""
        if not _is_seat(seat) or not _are_moves(moves):
            self.skipped += 1
            return False
        for who, side in zip(WHO, (seat, 1 - seat), strict=True):
            rounds = self.counts.setdefault((arm, who), [])
            rounds.extend([0, 0] for _ in range(len(moves) - len(rounds)))
            for tally, pair in zip(rounds, moves, strict=False):
                tally[0] += pair[side] == CHOICE
                tally[1] += 1
        if isinstance(options, list) and options and len(self.labels) < _MAX_LABELS:
            self.labels.setdefault(str(options[CHOICE]), None)
        return True

    def shares(self, arms: Sequence[str], confidence: float) -> list[RoundShare]:
        """Every (arm, side, round) with its share and Wilson interval: arms
        in the given order first, then any others seen, by name."""
        seen = {arm for arm, _ in self.counts}
        ordered = [a for a in dict.fromkeys(arms) if a in seen] + sorted(seen - set(arms))
        out = []
        for arm in ordered:
            for who in WHO:
                for t, (chose, n) in enumerate(self.counts.get((arm, who), []), start=1):
                    low, high = wilson_interval(chose, n, confidence)
                    out.append(
                        RoundShare(
                            arm=arm,
                            who=who,
                            round=t,
                            share=chose / n,
                            ci_low=low,
                            ci_high=high,
                            n=n,
                        )
                    )
        return out


def _is_seat(value: Any) -> bool:
    return type(value) is int and value in (0, 1)


def _are_moves(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(pair, list)
        and len(pair) == 2
        and all(type(move) is int and move in (0, 1) for move in pair)
        for pair in value
    )


def _decoded(value: Any) -> Any:
    """A JSON field extracted as text (SQLite hands back numbers as they are)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


async def count_rounds(store: Store, run_id: str) -> RoundCounts:
    """One streamed pass over a run's succeeded samples, reading only the
    JSON fields the counts need, as text: decoding them here is several
    times faster than the JSON type's own round trip."""
    output = SampleRow.output
    query = (
        select(
            SampleRow.arm,
            output["seat"].as_string(),
            output[("match", "moves")].as_string(),
            output[("match", "game", "options")].as_string(),
        )
        .where(SampleRow.run_id == run_id, SampleRow.status == "succeeded")
        .order_by(SampleRow.id)
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    counts = RoundCounts()
    async with store.engine.connect() as conn:
        result = await conn.stream(query)
        async for rows in result.partitions():
            for arm, seat, moves, options in rows:
                counts.add(arm, _decoded(seat), _decoded(moves), _decoded(options))
    return counts


async def collect(store: Store, run: RunFacts, confidence: float) -> SuiteSection:
    """The report section of a games run: its round shares and how to read them."""
    counts = await count_rounds(store, run.id)
    labels = ", ".join(counts.labels)
    notes = [
        f"round by round: the share of matches in which the model, and its opponent, "
        f"chose option {CHOICE}{f' ({labels})' if labels else ''} in round t, "
        f"with Wilson {confidence:.0%} intervals; a match is one succeeded sample row "
        "(each epoch counts), and n at round t counts the matches that lasted t rounds"
    ]
    if counts.skipped:
        notes.append(
            f"{counts.skipped:,} succeeded sample rows had no readable seat and moves "
            "and are left out of the round-by-round shares"
        )
    if run.task == "games/match":
        opponents = await _opponents(store, run.id)
        notes.append(
            "two language models played each other: 'model' is the arm's, 'opponent' "
            f"the other ({', '.join(opponents) or 'none recorded'})"
        )
    rounds = counts.shares([a.name for a in run.arms], confidence)
    return GamesSection(rounds=rounds, notes=notes)


async def _opponents(store: Store, run_id: str) -> list[str]:
    """A few distinct opponents a games/match run's samples name."""
    opponent = SampleRow.output["opponent"].as_string()
    query = (
        select(opponent)
        .where(SampleRow.run_id == run_id, SampleRow.status == "succeeded")
        .group_by(opponent)
        .order_by(opponent)
        .limit(_MAX_LABELS)
    )
    async with store.engine.connect() as conn:
        # a JSON string extracted as text comes back bare on both databases
        return [str(x) for (x,) in await conn.execute(query) if x is not None]


def section_rounds(report: EvalReport) -> list[RoundShare]:
    """The round shares of a report's games section (also of a report read
    back from JSON, where the section's fields arrive untyped)."""
    if report.section is None:
        return []
    return GamesSection.model_validate(report.section.model_dump()).rounds


def plots(report: EvalReport) -> list[SuitePlot]:
    """One panel per arm: each side's share choosing option 0 by round, as
    a line with its interval shaded."""
    rounds = section_rounds(report)
    if not rounds:
        return []
    by_arm = _by_arm(rounds)
    arms = list(by_arm)[:_MAX_PANELS]
    figure, axes = plot_grid(len(arms))
    for ax, arm in zip(axes, arms, strict=True):
        for who in WHO:
            rows = [r for r in by_arm[arm] if r.who == who]
            if not rows:
                continue
            x = [r.round for r in rows]
            colour = _COLOURS[who]
            ax.fill_between(
                x, [r.ci_low for r in rows], [r.ci_high for r in rows], color=colour, alpha=0.2
            )
            ax.plot(x, [r.share for r in rows], marker="o", markersize=3, color=colour, label=who)
        last = max(r.round for r in by_arm[arm])
        ax.set_xlim(0.5, last + 0.5)
        ax.set_xticks(range(1, last + 1, max(1, math.ceil(last / 10))))
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(text(f"arm {arm or '-'}"), fontsize=9)
        ax.set_xlabel("round", fontsize=8)
        ax.set_ylabel(f"share choosing option {CHOICE}", fontsize=8)
        ax.legend(fontsize=7)
    title = (
        f"Round-by-round choices: share of matches choosing option {CHOICE}, "
        f"shaded at the {report.confidence:.0%} interval"
    )
    return [SuitePlot(title=title, figure=figure, left_out=len(by_arm) - len(arms))]


def _by_arm(rounds: Iterable[RoundShare]) -> dict[str, list[RoundShare]]:
    groups: dict[str, list[RoundShare]] = {}
    for row in rounds:
        groups.setdefault(row.arm, []).append(row)
    return groups


SECTION = ReportSection(collect=collect, plots=plots)
