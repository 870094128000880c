"""The toy suite's one task: the model repeats a word."""

from ethos.evals.task import Sample, Score, Task, scorer, task


@scorer("repeated")
def repeated(sample: Sample, output: str, ctx: object) -> Score:
    return Score(value=sample.input in output, explanation=f"looked for {sample.input!r}")


@task("toy/repeat")
def repeat(words: str = "apple,pear") -> Task:
    """Ask the model to repeat each word."""

    async def solve(sample: Sample, ctx) -> str:
        return (await ctx.complete([{"role": "user", "content": sample.input}])).text

    samples = [Sample(id=w, input=w) for w in words.split(",")]
    return Task(name="toy/repeat", samples=samples, solver=solve, scorers=[repeated])
