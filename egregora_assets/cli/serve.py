"""`egregora serve` and `egregora mcp`: the archive for other programs, over HTTP or on stdio."""

from __future__ import annotations

from collections.abc import Callable

from ..core.home import Home
from ..core.models import BadExport
from ..core.settings import BadSettings, Settings, load_settings


def service_commands(sub, home_option: Callable) -> None:
    """The `mcp` and `serve` subcommands."""
    mcp_command = sub.add_parser("mcp", help="serve the archive to AI assistants: an MCP server on stdio (read-only)")
    home_option(mcp_command)
    mcp_command.set_defaults(run=lambda args: mcp(load_settings(args.home)))
    serve_command = sub.add_parser("serve", help="serve the archive over HTTP: /ask, /search, /groups, /posts, /mcp")
    home_option(serve_command)
    serve_command.add_argument("--host", default="127.0.0.1", help="beyond 127.0.0.1 needs a token and origins")
    serve_command.add_argument("--port", type=int, default=8000)
    serve_command.set_defaults(run=lambda args: serve(load_settings(args.home), args.host, args.port))


def _archive(settings: Settings):
    from ..service.archive import Archive

    home = Home(settings.home)
    if not settings.warehouse.url and not home.warehouse.exists():
        raise BadExport(f"{home.root}: nothing written yet; run `egregora write EXPORT` first")
    return Archive(settings)


def serve(settings: Settings, host: str, port: int) -> int:
    """The HTTP service on host:port until interrupted; beyond this machine only with a token and origins."""
    from ..service.http import LOCAL_HOSTS, http_app

    token = settings.serve.token.get_secret_value()
    if host not in LOCAL_HOSTS and not (token and settings.serve.allowed_origins):
        raise BadSettings(
            f"--host {host}: serving beyond this machine needs a token and allowed origins "
            "(EGREGORA_SERVE__TOKEN and EGREGORA_SERVE__ALLOWED_ORIGINS, or [serve] in egregora.toml)"
        )
    import uvicorn

    app = http_app(_archive(settings), host=host, token=token, origins=settings.serve.allowed_origins)
    print(f"Serving {settings.home} on http://{host}:{port} (MCP at /mcp)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def mcp(settings: Settings) -> int:
    """The MCP server on stdin and stdout, as desktop assistants start it."""
    from ..service.mcp_tools import mcp_server

    mcp_server(_archive(settings)).run("stdio")
    return 0
