"""The toy suite's report section: how many samples its runs hold."""

from sqlalchemy import func, select

from ethos.db.tables import SampleRow
from ethos.evals.report import ReportSection, SuiteSection


class ToySection(SuiteSection):
    suite: str = "toy"
    rows: int = 0


async def collect(store, run, confidence) -> ToySection:
    async with store.engine.connect() as conn:
        query = select(func.count()).where(SampleRow.run_id == run.id)
        rows = (await conn.execute(query)).scalar_one()
    return ToySection(rows=rows, notes=[f"toy section: {rows} sample rows"])


SECTION = ReportSection(collect=collect)
