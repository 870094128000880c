"""A PublicAgent run in its own process, for the kill-and-resume tests.

    python -m tests.support.publicagent_worker DB_URL THREAD_ID LOG_FILE [STALL_STAGE]

Every model call appends its agent's name to LOG_FILE; a call made by the
agent named STALL_STAGE writes ``LOG_FILE.stalled`` and then hangs, so the
parent can kill the process at a known point between stages.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

QUESTION = "Is there a relationship between wt and mpg in the motor trend cars data?"


def logging_rules(log: Path, stall: str | None):
    from ethos.agents.publicagent import scripted
    from ethos.models.script import Script

    def respond(request):
        first = str(request.messages[0]["content"]).splitlines()[0]
        agent = next(a for a in ("intent", "discovery", "analysis", "report") if a in first)
        with log.open("a") as f:
            f.write(agent + "\n")
        if agent == stall:
            Path(f"{log}.stalled").write_text("1")
            time.sleep(120)
        return scripted.respond(request)

    return Script(respond, description="logging PublicAgent rules")


async def main(url: str, thread_id: str, log: Path, stall: str | None) -> None:
    from ethos.agents.agent import AgentContext
    from ethos.graphs.publicagent import PublicAgentDeps, build_graph, start_state
    from ethos.graphs.runtime import GraphRuntime
    from ethos.models.script import register_script

    model = register_script("publicagent-logged", logging_rules(log, stall))
    async with await GraphRuntime.open(database_url=url) as runtime:
        graph = runtime.compile(build_graph(), name="publicagent")
        ctx = AgentContext(model=model, deps=PublicAgentDeps(runtime.store))
        outcome = await runtime.run(graph, start_state(QUESTION), thread_id=thread_id, context=ctx)
        print(outcome.output["report"]["markdown"][:200])


if __name__ == "__main__":
    url, thread, log_file = sys.argv[1:4]
    stage = sys.argv[4] if len(sys.argv) > 4 else None
    asyncio.run(main(url, thread, Path(log_file), stage))
