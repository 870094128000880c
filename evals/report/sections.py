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
        return suite.report_section()
    except Exception as exc:  # a plug-in's bug: one line naming it, not a traceback
        raise EthosError(
            f"suite {suite.name!r} cannot load its report section {suite.report!r}: "
            f"{type(exc).__name__}: {exc}".splitlines()[0],
            "fix or reinstall the suite's package (ethos eval list names broken plug-ins)",
        ) from None
