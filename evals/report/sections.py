"""A suite's section of a report: the protocol a suite plug-in implements.

A suite names a :class:`ReportSection` in its :class:`ethos.evals.suite.Suite`
declaration. ``collect`` reads the run's rows once while the report is
built, given the run and the report's confidence level, and returns the
suite's own :class:`SuiteSection` subclass (typed fields and notes); it must
stream and stay flat in memory. ``plots`` and ``html`` draw from the
finished report alone, so a report read back from JSON renders the same
page. The section is picked by the suite the run recorded when it started
(``RunFacts.suite``), never by the task's name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ethos.errors import EthosError
from ethos.evals.report.model import EvalReport, RunFacts, SuiteSection

if TYPE_CHECKING:
    from ethos.db.store import Store


@dataclass(frozen=True)
class SuitePlot:
    """One plot a suite adds to the HTML: a matplotlib figure, and how many
    panels it left out."""

    title: str
    figure: Any
    left_out: int = 0


def _no_plots(report: EvalReport) -> list[SuitePlot]:
    return []


@dataclass(frozen=True)
class ReportSection:
    """What a suite adds to the reports of its runs (see the module's doc)."""

    collect: Callable[[Store, RunFacts, float], Awaitable[SuiteSection]]
    plots: Callable[[EvalReport], list[SuitePlot]] = _no_plots


def section_of(run: RunFacts) -> ReportSection | None:
    """The report section of the run's suite, or None (no suite, a suite
    without a section, or one no longer installed)."""
    from ethos.evals.suite import suite_named

    suite = suite_named(run.suite)
    if suite is None:
        return None
    try:
        found = suite.report_section()
    except Exception as exc:  # a plug-in's bug: one line naming it, not a traceback
        raise EthosError(
            f"suite {suite.name!r} cannot load its report section {suite.report!r}: "
            f"{type(exc).__name__}: {exc}".splitlines()[0],
            "fix or reinstall the suite's package (ethos eval list names broken plug-ins)",
        ) from None
    if found is not None and not isinstance(found, ReportSection):
        raise EthosError(
            f"suite {suite.name!r} names {suite.report!r} as its report section: "
            f"a {type(found).__name__}, not a ReportSection",
            "point the suite's report= at a ReportSection(collect=..., plots=...)",
        )
    return found


async def collect_section(
    section: ReportSection, store: Store, run: RunFacts, confidence: float
) -> SuiteSection:
    """The section's ``collect``; a plug-in's bug is one error naming its
    suite and where it raised, not a traceback."""
    try:
        return await section.collect(store, run, confidence)
    except EthosError:
        raise
    except Exception as exc:
        raise _failure(run.suite, "collect its report section", exc) from None


def section_plots(section: ReportSection, report: EvalReport) -> list[SuitePlot]:
    """The section's ``plots``, a plug-in's bug told as in :func:`collect_section`."""
    try:
        return section.plots(report)
    except EthosError:
        raise
    except Exception as exc:
        raise _failure(report.run.suite, "draw its report section's plots", exc) from None


def _failure(suite: str | None, what: str, exc: Exception) -> EthosError:
    from ethos.evals.task_failures import origin

    frame = origin(exc)
    where = f" at {frame[0]}:{frame[1]} (in {frame[2]})" if frame else ""
    message = (str(exc).strip().splitlines() or [""])[0]
    return EthosError(
        f"suite {suite!r} failed to {what}: {type(exc).__name__}: {message}{where}",
        "this is a bug in the suite's package: fix it there, or report the run "
        "with a version of the suite that works",
    )
