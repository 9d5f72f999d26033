"""The `egregora` command: a thin layer over the same assets the Dagster UI runs.

Input and settings are checked before Dagster is imported, so bad input answers at once."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from ..core.models import BadExport
from ..core.posix import UNSUPPORTED
from ..core.settings import BadSettings, Settings, load_settings
from ..core.text import printable
from .serve import service_commands

err = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if UNSUPPORTED:
        print(f"egregora: {UNSUPPORTED}", file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except (BadExport, BadSettings) as error:  # names and first lines come from the file: made printable
        print(f"egregora: {printable(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("egregora: interrupted; run the same command again to resume", file=sys.stderr)
        return 1
    except Exception as error:  # one line for the user; details with EGREGORA_DEBUG=1
        if os.environ.get("EGREGORA_DEBUG"):
            raise
        print(f"egregora: failed: {printable(_first_line(error))}", file=sys.stderr)
        return 1


def _first_line(error: BaseException) -> str:
    text = (str(error).strip().splitlines() or [""])[0][:500]
    return text if isinstance(error, RuntimeError) and text else f"{type(error).__name__}: {text}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="egregora", description="Turn a WhatsApp group export into a private blog.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for name, run, arguments, about in (
        ("demo", _demo, _home_and_json, "run the whole graph on the bundled demo export"),
        ("write", _write, _write_arguments, "run the whole graph for one export (.zip or .txt)"),
        ("parse", _parse, _parse_arguments, "print the messages of an export as JSON lines"),
        ("ask", _ask, _ask_arguments, "ask a question about the group's history"),
        ("rank", _rank, _rank_arguments, "order each group's posts by pairwise comparison (Elo ratings)"),
        ("audit", _audit, _home_and_json, "audit everything stored and published for real names, numbers, e-mails"),
        ("ui", _ui, _ui_arguments, "start the Dagster UI (and its daemon: sensors, automation) on this home"),
    ):
        command = sub.add_parser(name, help=about)
        arguments(command)
        command.set_defaults(run=run)
    service_commands(sub, _home_option)
    return parser


def _home_and_json(command: argparse.ArgumentParser) -> None:
    _home_option(command)
    _json_option(command)


def _write_arguments(write: argparse.ArgumentParser) -> None:
    write.add_argument("path", type=Path)
    _home_option(write)
    write.add_argument("--group", help="group slug (default: from the chat's name)")
    write.add_argument("--timezone", help="the group's timezone, e.g. America/Sao_Paulo")
    write.add_argument(
        "--dry-run",
        action="store_true",
        help="stage, write and send nothing: print the days, windows, LLM requests, tokens and cost a write would take",
    )
    _json_option(write)


def _parse_arguments(parse: argparse.ArgumentParser) -> None:
    parse.add_argument("path", type=Path)
    _home_option(parse)
    parse.add_argument("--raw", action="store_true", help="real names, for the owner's own debugging")
    parse.add_argument("--summary", action="store_true", help="one JSON object describing the export")
    parse.add_argument("--day-first", choices=["yes", "no"], help="override the day/month decision")


def _ask_arguments(ask: argparse.ArgumentParser) -> None:
    ask.add_argument("question")
    _home_option(ask)
    ask.add_argument("--group", help="only this group")
    ask.add_argument("--raw", action="store_true", help="print only the retrieved passages as JSON")
    ask.add_argument("--json", action="store_true", help="print the answer and passages as JSON")


def _rank_arguments(rank: argparse.ArgumentParser) -> None:
    _home_option(rank)
    rank.add_argument("--group", help="only this group (default: every group of the home)")
    _json_option(rank)


def _ui_arguments(ui: argparse.ArgumentParser) -> None:
    _home_option(ui)
    ui.add_argument("--port", type=int, default=3000)


def _home_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home", type=Path, help="where everything is written (default: $EGREGORA_HOME or ~/.egregora)"
    )


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")


def _export_path(path: Path) -> Path:
    """The export the user named, or BadExport saying why it cannot be one."""
    if not path.exists():
        raise BadExport(f"{path}: no such file")
    if path.is_dir():
        raise BadExport(f"{path}: is a directory; give the exported file (.zip, .txt, .json or a feed)")
    if path.stat().st_size == 0:
        raise BadExport(f"{path.name}: not an export: the file is empty (0 bytes)")
    return path


def _writable(settings: Settings) -> Settings:
    """The settings, once their home (or the folder it will be made in) is known to be writable."""
    folder = settings.home
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise BadSettings(f"home {settings.home}: {folder} is not a writable folder")
    return settings


def _demo(args) -> int:
    from ..demo import DEMO_EXPORT

    args.path, args.group, args.timezone = DEMO_EXPORT, None, "America/Sao_Paulo"
    return _write(args)


def _write(args) -> int:
    from ..core.settings import _timezone
    from .write import write

    path = _export_path(args.path)
    try:
        _timezone(args.timezone)
    except ValueError as error:
        raise BadSettings(f"--timezone: {error}") from None
    settings = load_settings(args.home)
    if getattr(args, "dry_run", False):
        from .write import dry_run

        return dry_run(settings, path, group=args.group, timezone=args.timezone, as_json=args.json, console=err)
    settings = _writable(settings)  # bad settings or input leave the home untouched
    return write(settings, path, group=args.group, timezone=args.timezone, as_json=args.json, console=err)


def _parse(args) -> int:
    from .parse import print_messages, print_summary

    path = _export_path(args.path)
    day_first = None if args.day_first is None else args.day_first == "yes"
    if args.summary:
        return print_summary(path, day_first)
    return print_messages(path, day_first, raw=args.raw, settings=None if args.raw else load_settings(args.home))


def _ask(args) -> int:
    from .ask import ask

    return ask(load_settings(args.home), args.question, group=args.group, raw=args.raw, as_json=args.json)


def _rank(args) -> int:
    from .rank import rank

    return rank(_writable(load_settings(args.home)), group=args.group, as_json=args.json, console=err)


def _audit(args) -> int:
    from .audit import full_audit

    return full_audit(load_settings(args.home), as_json=args.json, console=err)


def _ui(args) -> int:
    from .ui import serve

    settings = _writable(load_settings(args.home))
    (settings.home / "inbox").mkdir(parents=True, exist_ok=True)
    err.print(
        f"Dagster UI on http://127.0.0.1:{args.port} for {settings.home}; drop exports in {settings.home / 'inbox'}"
    )
    serve(settings, args.port)
    return 0
