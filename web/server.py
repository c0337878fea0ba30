"""`sporen serve`: start the what-if page on a local port (or, with a token, on the network).

The scenario's baseline is simulated before the page opens, so the first visitor sees numbers
at once and the worker processes exist before the web server starts its threads.
"""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sporen.common.errors import InputError, Problem
from sporen.jobs.whatif.evaluate import futures_for
from sporen.jobs.whatif.serve import ServeOptions, is_loopback, load_start
from sporen.jobs.whatif.upload import MAX_UPLOAD_BYTES

log = logging.getLogger("sporen.web")


def make_settings(options: ServeOptions, optimiser: dict[str, Any] | None = None, lang: str = "nl") -> Any:
    """The page's settings from the command's options (the start scenario loaded and checked)."""
    from sporen.inputs.vangnet_rules import scenario_vangnet_rules
    from sporen.web.app import Settings

    name, scenario = load_start(options)
    rules = scenario_vangnet_rules(scenario, Path(options.scenario).parent)
    return Settings(start_name=name, start_scenario=scenario, start_file=str(options.scenario), start_rules=rules,
                    futures=options.futures, seed=options.seed, workers=options.workers, optimiser=optimiser or {},
                    lang=lang)


def make_asgi(settings: Any, options: ServeOptions) -> Any:
    """The Shiny app behind the guard (token, hosts, upload size, headers)."""
    from sporen.web.app import build_app
    from sporen.web.security import Guard

    return Guard(build_app(settings), token=options.token, max_upload=MAX_UPLOAD_BYTES,
                 local_only=is_loopback(options.host))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: a free one); OSError when the address is taken."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def address(options: ServeOptions, port: int) -> str:
    host = options.host.strip("[]")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    return url + (f"?token={options.token}" if options.token else "")


def serve(options: ServeOptions, optimiser: dict[str, Any] | None = None,
          echo: Callable[[str], None] = print) -> None:
    """Load the scenario, simulate its baseline, and serve the page until Ctrl-C."""
    import multiprocessing

    import uvicorn

    # uploads are read in children of the forkserver (jobs.whatif.bounded): with the readers imported
    # there once, a child starts in milliseconds rather than a second
    multiprocessing.set_forkserver_preload(["sporen.jobs.whatif.upload", "sporen.inputs.load",
                                            "sporen.inputs.workbook"])
    settings = make_settings(options, optimiser)
    try:   # the address first: a port in use is said at once, not after the baseline
        sock = bind(options.host, options.port)
    except OSError as exc:
        raise InputError([Problem("--port", "", f"cannot listen on {options.host}:{options.port} "
                                  f"({exc.strerror or exc})", "a free port, or --port 0 for any free one")]) from None
    try:
        futures = futures_for(settings.start_scenario, futures=settings.futures, seed=settings.seed,
                              workers=settings.workers, rules=settings.start_rules)
        if not options.quiet:
            echo(f"sporen serve: simulating the baseline of {settings.start_scenario.name} on {settings.futures} "
                 "futures ...")
        futures.baseline()
        app = make_asgi(settings, options)
    except BaseException:
        sock.close()
        raise
    port = sock.getsockname()[1]
    url = address(options, port)
    if options.shared:
        echo(f"sporen serve: shared on the network at {url}")
        echo("  Anyone who has this address (with its token) can use the page; without the token it refuses.")
    else:
        echo(f"sporen serve: open {url} in a browser on this computer (Ctrl-C stops)")
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:   # Ctrl-C is how a page is stopped: not an error
        echo("sporen serve: stopped")
    finally:
        sock.close()

