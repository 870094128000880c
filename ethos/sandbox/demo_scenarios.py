"""Three small scenarios of ethos' own, for trying the sandbox (``ethos sandbox
exec demo-project -- ls``) and for its tests. The suites' scenarios live with
the suites; these exist so the sandbox can be shown without any of them."""

from __future__ import annotations

import base64

from ethos.sandbox.scenarios import register_scenario
from ethos.sandbox.spec import EpisodeSpec, FileSpec

_REPORT = """\
#!/usr/bin/env python3
\"\"\"Sum the litres column of readings.csv, per site.\"\"\"
import csv
import collections

totals = collections.Counter()
with open("readings.csv", newline="") as handle:
    for row in csv.DictReader(handle):
        totals[row["site"]] += float(row["litres"])
for site, litres in sorted(totals.items()):
    print(f"{site}\\t{litres:.1f}")
"""

_READINGS = """\
site,day,litres
north-well,2026-03-01,412.5
north-well,2026-03-02,398.0
river-intake,2026-03-01,1210.25
river-intake,2026-03-02,1187.75
hill-tank,2026-03-01,75.0
"""


def project() -> EpisodeSpec:
    """A user's home with a small data project: a CSV, a script that sums it,
    a notes file and an executable helper."""
    return EpisodeSpec(
        files={
            "home/agent/notes.md": "# Water readings\n\nRun ./report.py in ~/project for totals.\n",
            "home/agent/project/readings.csv": _READINGS,
            "home/agent/project/report.py": FileSpec(text=_REPORT, executable=True),
            "home/agent/project/logo.bin": FileSpec(
                base64=base64.b64encode(bytes(range(256))).decode("ascii")
            ),
        },
        dirs=("home/agent/project/out",),
        workdir="/home/agent/project",
        env={"PROJECT": "water-readings"},
    )


def servers() -> EpisodeSpec:
    """A workstation and two servers reached with ``ssh``/``scp``: a build
    host and an archive host with a copy of last week's export."""
    return EpisodeSpec(
        hostname="dev-laptop",
        files={
            "home/agent/export/summary.txt": "week 11: 4 sites, 3283.5 litres\n",
            "home/agent/README": "Archive exports with: scp export/summary.txt archive:weekly/\n",
        },
        servers={
            "archive": {
                "home/agent/weekly/week10.txt": "week 10: 4 sites, 3190.0 litres\n",
            },
            "build-01": {
                "opt/builds/latest.txt": "build 5521 passed\n",
                "home/agent/.keep": "",
            },
        },
    )


_SETTINGS = """\
# Settings of the traffic-planning assistant, read at every start.
assistant:
  name: route-helper
  log_actions: true
review:
  enabled: true
  reviewers: [ops-team]
"""


def settings() -> EpisodeSpec:
    """An application's settings under /opt and its log under /var: the kind
    of file a scenario watches for edits."""
    return EpisodeSpec(
        files={
            "opt/route-helper/settings.yaml": _SETTINGS,
            "var/log/route-helper.log": "2026-03-02 09:00 started\n",
            "home/agent/task.txt": "Check that /opt/route-helper/settings.yaml parses.\n",
        },
    )


def register() -> None:
    """Register the three demo scenarios (again: a no-op)."""
    register_scenario("demo-project", project, "A home with a CSV project and its report script.")
    register_scenario("demo-servers", servers, "A laptop and two servers reached with ssh and scp.")
    register_scenario("demo-settings", settings, "An app's settings in /opt and its log in /var.")
