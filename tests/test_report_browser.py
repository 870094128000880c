"""The HTML report's sample browser, opened in a real headless browser.

Debian's chromium, driven by Playwright (never Playwright's own browser
download): a run of 60 samples x 2 arms x 2 epochs (240 rows, more than the
200 the browser used to hold) is reported to one file, and the test filters
by arm, epoch, error class and score, searches text, sorts by a score
column, pages to the last row and opens a sample's transcript as a
conversation. Models are scripts (script/...): test doubles.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ethos import open_store
from ethos.evals.report import build_report, render_html, write_html
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, Sample, Score, SolverContext, Task
from ethos.models.script import Script, ScriptAnswer, ScriptRequest, register_script
from tests.support.trip_agent import Trip, agent, three_turns

CHROMIUM = shutil.which("chromium")  # Debian's: /usr/bin/chromium
NO_CHROMIUM = "no chromium: `apt-get install -y chromium` (make test installs it when root)"

SAMPLES, ARMS, EPOCHS = 60, ("plain", "careful"), 2
CITIES = ["Oslo", "Bergen", "Tromsø", "Bodø", "Ålesund"]


def question(i: int) -> str:
    return f"How far is {CITIES[i % 5]} from the coast? (question {i:03d})"


def script() -> Script:
    """Tool turns for the trip sample (three_turns), an echo for the rest."""
    trip = three_turns()

    def respond(request: ScriptRequest) -> ScriptAnswer:
        if request.tools:
            return trip.respond(request)
        asked = str(request.messages[-1]["content"])
        return ScriptAnswer(f"About {len(asked) % 7} km: {asked.split('(')[0].strip()}")

    return Script(respond)


async def solve(sample: Sample, ctx: SolverContext) -> Any:
    if sample.id == "trip":
        from ethos.agents import AgentContext

        plan = await agent().run(Trip(city="Oslo"), AgentContext(model=ctx.model, seed=ctx.seed))
        return plan.advice
    i = int(sample.id[1:])
    if ctx.arm.name == "careful" and i % 11 == 5:
        raise RuntimeError(f"tool budget exhausted on {sample.id}")
    return (await ctx.complete([{"role": "user", "content": sample.input}])).text


def grade(sample: Sample, output: Any, ctx: SolverContext) -> Score:
    words = len(str(output).split())
    return Score(value=words, explanation=f"{words} words in the answer")


def coastal(sample: Sample, output: Any, ctx: SolverContext) -> Score:
    ok = "Oslo" in str(output) or "people" in str(output)
    return Score(value=ok, explanation="names Oslo" if ok else "no Oslo")


def task() -> Task:
    samples = [Sample(id=f"s{i:03d}", input=question(i)) for i in range(SAMPLES - 1)]
    samples.append(Sample(id="trip", input="Oslo and Bergen together?"))
    return Task(name="browser", samples=samples, solver=solve, scorers=[grade, coastal])


@pytest.fixture
async def report_page(tmp_path: Path) -> Path:
    model = register_script("browser-trip", script())
    config = EvalConfig(
        task="browser",
        arms=[Arm(name=name, model=model) for name in ARMS],
        epochs=EPOCHS,
        seed=5,
        fail_on_error=0.5,  # tolerate the 10 failures: the run finishes
    )
    async with await open_store(str(tmp_path / "browser.db")) as store:
        result = await run_eval(config, store=store, task=task(), progress=False)
        report = await build_report(store, result.run_id, browse=10_000)
    assert report.samples and len(report.samples.shown) == 240  # every row, past the old 200
    return write_html(report, tmp_path / "report.html")


def one_file_with_every_row(path: Path) -> bool:
    """The page's checks that need no browser; whether chromium is there."""
    text = path.read_text(encoding="utf-8")
    # one file, nothing fetched when opened, every row in it
    assert [p.name for p in path.parent.glob("*.html")] == ["report.html"]
    assert "<script src" not in text and "<link" not in text and "//cdn" not in text
    assert text.count("<template id=") == 240 and "showing all 240 sample rows" in text
    # stored values read as text and fields, not one JSON number a line
    assert json.dumps([1, 2], indent=1) not in text
    return CHROMIUM is not None


async def visible(page: Any, column: int) -> list[str]:
    """The text of one column in the rows the browser shows now."""
    return await page.eval_on_selector_all(
        "#b-rows tr:not([hidden])", f"rows => rows.map(r => r.cells[{column}].textContent)"
    )


@pytest.mark.slow
async def test_filter_sort_search_page_and_open_a_transcript(report_page: Path) -> None:
    if not one_file_with_every_row(report_page):
        pytest.skip(NO_CHROMIUM)
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(report_page.as_uri())
        count = page.locator("#b-count")
        assert await count.text_content() == "240 of 240 sample rows match"
        assert await page.locator("#page").text_content() == "page 1 of 5"

        # every row reachable: page to the end, where the last rows are
        for _ in range(4):
            await page.click("#b-next")
        assert await page.locator("#page").text_content() == "page 5 of 5"
        last = await page.eval_on_selector_all(
            "#b-rows tr:not([hidden])", "rows => rows.map(r => r.dataset.id)"
        )
        assert len(last) == 40 and "trip" in last

        # arm and epoch
        await page.select_option("#f-arm", "careful")
        assert await count.text_content() == "120 of 240 sample rows match"
        await page.select_option("#f-epoch", "1")
        assert await count.text_content() == "60 of 240 sample rows match"
        assert await page.locator("#page").text_content() == "page 1 of 2"
        arms = await page.eval_on_selector_all(
            "#b-rows tr:not([hidden])", "rows => rows.map(r => r.dataset.arm + r.dataset.epoch)"
        )
        assert set(arms) == {"careful1"}

        # error class: the careful arm fails samples 5, 16, 27, 38, 49 in each epoch
        await page.select_option("#f-status", "error:RuntimeError")
        assert await count.text_content() == "5 of 240 sample rows match"
        assert await visible(page, 0) == [
            "s005",
            "s016",
            "s027",
            "s038",
            "s049",
        ]
        await page.select_option("#f-status", "")
        await page.select_option("#f-arm", "")
        await page.select_option("#f-epoch", "")

        # a score and its value: the boolean scorer, true only for the trip sample
        await page.select_option("#f-metric", "coastal")
        options = await page.eval_on_selector_all(
            "#f-value option", "opts => opts.map(o => o.textContent)"
        )
        assert options == ["any value", "false", "true"]
        await page.select_option("#f-value", "true")
        # Oslo's questions (i % 5 == 0, s005 failed in the careful arm) and the trip
        assert await count.text_content() == "50 of 240 sample rows match"
        ids = set(await visible(page, 0))
        assert ids == {f"s{i:03d}" for i in range(0, 59, 5)} | {"trip"}
        await page.select_option("#f-metric", "")

        # text search over the inputs, outputs and transcripts
        await page.fill("#f-search", "question 042")
        assert await count.text_content() == "4 of 240 sample rows match"
        assert set(await visible(page, 0)) == {"s042"}
        await page.fill("#f-search", "tromsø question")
        assert await count.text_content() == f"{4 * 12} of 240 sample rows match"
        await page.fill("#f-search", "")

        # sort by a score column, ascending then descending; rows without it last
        header = page.locator('#b-table th[data-sort="m:grade"]')
        column = 4 + sorted(["grade", "coastal"]).index("grade")
        await header.click()
        up = await visible(page, column)
        assert await header.get_attribute("aria-sort") == "ascending"
        numbers = [float(v) for v in up if v != "-"]
        assert numbers == sorted(numbers) and len(set(numbers)) > 1
        await header.click()
        down = [float(v) for v in await visible(page, column) if v != "-"]
        assert down == sorted(down, reverse=True) and down[0] == max(numbers)

        # open the trip sample: its transcript as a conversation
        await page.fill("#f-search", "together")
        await page.select_option("#f-arm", "plain")
        await page.select_option("#f-epoch", "0")
        assert await count.text_content() == "1 of 240 sample rows match"
        await page.click("#b-rows tr:not([hidden])")
        detail = page.locator("#b-detail")
        assert await detail.locator("h4").text_content() == (
            "trip · epoch 0 · arm plain · succeeded"
        )
        transcript = detail.locator("details", has_text="transcript (5 events)")
        assert await transcript.is_visible()
        roles = await detail.locator(".transcript .role").all_text_contents()
        assert roles[:3] == ["system", "user", "answer"] and roles.count("tool") == 2
        assert await detail.get_by_text("→ tool call population").count() == 2
        assert await detail.get_by_text("tool population by guide").count() == 2
        scores = await detail.locator("ul li").all_text_contents()
        assert "coastal: true names Oslo" in scores
        assert any(s.startswith("grade: 4 4 words") for s in scores), scores
        assert errors == []
        await browser.close()


async def test_a_constant_metric_gets_a_line_not_a_histogram(tmp_path: Path) -> None:
    config = {"task": "t", "arms": [{"name": "a", "model": "script/echo"}], "epochs": 1}
    async with await open_store(str(tmp_path / "constant.db")) as store:
        run = await store.create_run("eval", "t", config=config, metadata={"scripted": True})
        for i in range(6):
            sample = await store.record_sample(
                run.id, f"s{i}", arm="a", input={"ids": [1, 2, 3], "text": f"q{i}"}
            )
            await store.record_score(run.id, sample.id, "always", 1.0)
            await store.record_score(run.id, sample.id, "varies", float(i % 3))
        await store.finish_run(run.id)
        report = await build_report(store, run.id)
    assert {h.name for h in report.histograms} == {"always", "varies"}
    page = render_html(report)
    assert "always: 1.000 in every sample row with a value, so no histogram" in page
    assert page.count("data:image/png;base64,") == 2  # bars, and the histogram of varies
    only_constant = report.model_copy(
        update={"histograms": [h for h in report.histograms if h.name == "always"]}
    )
    assert render_html(only_constant).count("data:image/png;base64,") == 1
    # a list of numbers on one line, beside the other fields
    assert "<dt>ids</dt><dd><code>[1, 2, 3]</code></dd>" in page


async def test_a_page_keeps_its_sample_details_within_a_budget(tmp_path: Path) -> None:
    """Past the budget a row keeps its scores and error and names the command
    that shows the rest, so 10,000 long transcripts do not make a page no
    browser opens; every row stays in the table."""
    config = {"task": "t", "arms": [{"name": "a", "model": "script/echo"}], "epochs": 1}
    async with await open_store(str(tmp_path / "budget.db")) as store:
        run = await store.create_run("eval", "t", config=config, metadata={"scripted": True})
        for i in range(6):
            sample = await store.record_sample(
                run.id, f"s{i}", arm="a", input=f"question {i}: " + "long words " * 500
            )
            await store.record_score(run.id, sample.id, "words", float(i))
        await store.finish_run(run.id)
        report = await build_report(store, run.id)
    whole = render_html(report)
    assert "showing all 6 sample rows</p>" in whole and whole.count("question 5:") == 1
    page = render_html(report, detail_budget=9_000)  # room for two ~4,200-character cards
    assert page.count("<template id=") == 6 and page.count('<tr tabindex="0"') == 6
    assert "showing all 6 sample rows; the first 2 hold their input, output and transcript" in page
    assert "question 0:" in page and "question 1:" in page and "question 2:" not in page
    for i in range(2, 6):
        assert f"<code>ethos runs show {run.id[:12]} --sample s{i} --epoch 0 --arm a</code>" in page
    assert "<li><b>words</b>: 5</li>" in page  # a short card keeps its scores
    assert len(whole) - len(page) > 4 * 3_500  # each input is clipped to 4,000 characters
