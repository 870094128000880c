"""The real ``ethos`` command line with a planner that can stall, for the
CODA kill-and-resume test.

    python -m tests.support.coda_cli --db DB coda run ... --planner script/coda-logged

``script/coda-logged`` is the oracle planner of ``script/coda-rules`` that
appends the number of completed actions it was shown to $CODA_LOG on each
call; when $CODA_STALL_AT equals that number, it writes ``$CODA_LOG.stalled``
and hangs, so the parent can SIGKILL the process mid-episode.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def logged_planner():
    from ethos.agents.coda import scripted
    from ethos.models.script import Script

    def respond(request):
        user = str(request.messages[-1]["content"])
        done = re.search(r"^Completed actions: (\d+)", user, re.M)
        k = done.group(1) if done else "?"
        log = Path(os.environ["CODA_LOG"])
        with log.open("a") as f:
            f.write(k + "\n")
        if os.environ.get("CODA_STALL_AT") == k:
            Path(f"{log}.stalled").write_text(k)
            time.sleep(300)
        return scripted.respond(request)

    return Script(respond, description="logging CODA oracle")


if __name__ == "__main__":
    from ethos.cli.app import main
    from ethos.models.script import register_script

    register_script("coda-logged", logged_planner())
    main(sys.argv[1:])
