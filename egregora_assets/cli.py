"""The `egregora` command: a thin layer over the same assets the Dagster UI runs."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from rich.console import Console

from .core.models import BadExport

REPO = Path(__file__).resolve().parent.parent
err = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except BadExport as error:
        print(f"egregora: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("egregora: interrupted; run the same command again to resume", file=sys.stderr)
        return 1
    except Exception as error:  # one line for the user; details with EGREGORA_DEBUG=1
        if os.environ.get("EGREGORA_DEBUG"):
            raise
        print(f"egregora: failed: {type(error).__name__}: {_first_line(error)}", file=sys.stderr)
        return 1


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:500]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="egregora", description="Turn a WhatsApp group export into a private blog.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="run the whole graph on the bundled demo export")
    _home_option(demo)
    demo.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    demo.set_defaults(run=_demo)

    write = sub.add_parser("write", help="run the whole graph for one export (.zip or .txt)")
    write.add_argument("path", type=Path)
    _home_option(write)
    write.add_argument("--group", help="group slug (default: from the chat's name)")
    write.add_argument("--timezone", help="the group's timezone, e.g. America/Sao_Paulo")
    write.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    write.set_defaults(run=_write)

    parse = sub.add_parser("parse", help="print the messages of an export as JSON lines")
    parse.add_argument("path", type=Path)
    _home_option(parse)
    parse.add_argument("--raw", action="store_true", help="real names, for the owner's own debugging")
    parse.add_argument("--summary", action="store_true", help="one JSON object describing the export")
    parse.add_argument("--day-first", choices=["yes", "no"], help="override the day/month decision")
    parse.set_defaults(run=_parse)

    ask = sub.add_parser("ask", help="ask a question about the group's history")
    ask.add_argument("question")
    _home_option(ask)
    ask.add_argument("--group", help="only this group")
    ask.add_argument("--raw", action="store_true", help="print only the retrieved passages as JSON")
    ask.add_argument("--json", action="store_true", help="print the answer and passages as JSON")
    ask.set_defaults(run=_ask)

    ui = sub.add_parser("ui", help="start the Dagster UI (and its daemon: sensors, automation) on this home")
    _home_option(ui)
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(run=_ui)
    return parser


def _home_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", type=Path, help="where everything is written (default: $EGREGORA_HOME or ~/.egregora)")


def prepare(home: Path | None, *, instance: bool = True):
    """Settings for the home, with Dagster's instance pointed inside it."""
    from .core.settings import load_settings

    settings = load_settings(home)
    if instance:
        point_dagster_home(settings)
    return settings


def point_dagster_home(settings) -> None:
    dagster_home = settings.home / "dagster"
    dagster_home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    if not (dagster_home / "dagster.yaml").exists():
        shutil.copyfile(REPO / "dagster.yaml", dagster_home / "dagster.yaml")


def _demo(args) -> int:
    from .demo import DEMO_EXPORT

    args.path, args.group, args.timezone = DEMO_EXPORT, None, "America/Sao_Paulo"
    return _write(args)


def _write(args) -> int:
    from .core.home import Home
    from .core.raw_exports.staging import stage_export
    from .run import run_export

    if not args.path.exists():
        raise BadExport(f"{args.path}: no such file")
    settings = prepare(args.home, instance=False)  # bad input must leave the home untouched
    with err.status(f"Reading {args.path.name}…"):
        staged = stage_export(args.path, Home(settings.home), group=args.group, timezone=args.timezone)
    point_dagster_home(settings)
    if not args.json:
        err.print(f"[green]✓[/] {staged.messages} messages from {staged.first_day} to {staged.last_day} → group [bold]{staged.group}[/]")
    summary = run_export(settings, staged, console=err)
    if args.json:
        print(json.dumps(summary))
    else:
        _print_summary(summary)
    return 0


def _print_summary(summary: dict) -> None:
    err.print(
        f"[green]✓[/] {summary['partitions']} partitions computed, {summary['skipped']} unchanged; "
        f"{summary['messages']} messages, {summary['posts']} posts, {summary['llm_requests']} LLM requests"
    )
    for feed, site in zip(summary["feeds"], summary["sites"]):
        print(f"feed: {feed}\nsite: {site}")


def _parse(args) -> int:
    from .parse_command import print_messages, print_summary

    if not args.path.exists():
        raise BadExport(f"{args.path}: no such file")
    day_first = None if args.day_first is None else args.day_first == "yes"
    if args.summary:
        return print_summary(args.path, day_first)
    return print_messages(args.path, day_first, raw=args.raw, settings=None if args.raw else prepare(args.home, instance=False))


def _ask(args) -> int:
    from .ask_command import ask

    return ask(prepare(args.home), args.question, group=args.group, raw=args.raw, as_json=args.json)


def _ui(args) -> int:
    settings = prepare(args.home)
    (settings.home / "inbox").mkdir(parents=True, exist_ok=True)
    err.print(f"Dagster UI on http://127.0.0.1:{args.port} for {settings.home}; drop exports in {settings.home / 'inbox'}")
    os.chdir(REPO)  # workspace.yaml names the code location relative to the checkout
    command = [sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(args.port)]
    os.execv(sys.executable, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
