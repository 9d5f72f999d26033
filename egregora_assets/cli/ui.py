"""`egregora ui`: Dagster's webserver and daemon (sensors, automation, backfills) on one home."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from ..core.home import Home
from ..core.settings import Settings
from ..package_data import WORKSPACE_YAML
from ..runs import point_dagster_home, register_home


def serve(settings: Settings, port: int) -> None:
    """Run the UI until interrupted, on the instance in `<home>/dagster` that `egregora write` uses."""
    from dagster import DagsterInstance

    # What `dg dev -w workspace.yaml` runs: `dagster dev` does the same but is superseded (it
    # warns so at start), and the dg CLI would bring dagster-cloud-cli and its tree along.
    from dagster._cli.dev import dev_command_impl
    from dagster_shared.cli import WorkspaceOpts

    point_dagster_home(settings)
    with DagsterInstance.get() as instance:
        register_home(instance, Home(settings.home))  # homes written before days were partitions
    os.environ["EGREGORA_HOME"] = str(settings.home)  # the code location reads the same home
    # Not the checkout: its dagster.yaml there is a template, and Dagster warns about a
    # dagster.yaml in the starting folder that is not $DAGSTER_HOME's. The code is installed.
    os.chdir(Home(settings.home).dagster)
    Path("workspace.yaml").write_text(WORKSPACE_YAML, encoding="utf-8")
    # Both signals stop the webserver and daemon cleanly (they end on KeyboardInterrupt), also when
    # started in the background, where SIGINT is ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    dev_command_impl(
        code_server_log_level="warning",
        log_level="info",
        log_format="colored",
        port=str(port),
        host="127.0.0.1",
        use_legacy_code_server_behavior=False,
        shutdown_pipe=None,
        verbose=False,
        workspace_opts=WorkspaceOpts(workspace=["workspace.yaml"]),
    )
