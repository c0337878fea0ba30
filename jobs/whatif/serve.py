"""`sporen serve`: the options of the what-if page, checked like every command's.

The page itself is a presentation layer (`sporen.web`, like cli.py); what it simulates goes
through `jobs.whatif`. Here: which scenarios are bundled, and the rules for where the page
listens -- on localhost unless told otherwise, and never on the network without an access token.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field, ValidationInfo, field_validator

from sporen.common.errors import InputError, Problem
from sporen.inputs.schema import Scenario
from sporen.jobs.options import JobOptions, replications_field, seed_field
from sporen.jobs.plan import BUNDLED_SCENARIO
from sporen.jobs.whatif.evaluate import DEFAULT_FUTURES, DEFAULT_SEED

SCENARIOS_FOLDER = BUNDLED_SCENARIO.parent
DEFAULT_PORT = 8050
MIN_TOKEN_LENGTH = 12


def is_loopback(host: str) -> bool:
    """127.x.x.x, ::1 or localhost."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServeOptions(JobOptions):
    """What `sporen serve` asks for."""

    scenario: Path = BUNDLED_SCENARIO
    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    token: str | None = Field(default=None, validate_default=True)
    futures: int = replications_field(DEFAULT_FUTURES, minimum=2)
    seed: int = seed_field(DEFAULT_SEED)
    workers: int | None = Field(default=None, ge=1, le=1024)
    quiet: bool = False

    @field_validator("token")
    @classmethod
    def _network_needs_token(cls, token: str | None, info: ValidationInfo) -> str | None:
        token = token or None
        host = str(info.data.get("host", "127.0.0.1"))
        if not is_loopback(host) and token is None:
            raise ValueError(f"--host {host} shares the page on the network, so it needs an access token: "
                             "add --token SECRET (or set SPOREN_TOKEN), or leave --host out to use the page on "
                             "this computer only")
        if token is not None and len(token) < MIN_TOKEN_LENGTH:
            raise ValueError(f"the token has {len(token)} characters: at least {MIN_TOKEN_LENGTH}, "
                             "e.g. from `python -c 'import secrets; print(secrets.token_urlsafe())'`")
        return token

    @property
    def shared(self) -> bool:
        return not is_loopback(self.host)


def bundled_scenarios() -> dict[str, Path]:
    """The bundled scenarios and policy variants, by the name shown on the page (file stem)."""
    found = {p.stem: p for p in sorted(SCENARIOS_FOLDER.glob("*.yaml"))}
    found.update({p.stem: p for p in sorted((SCENARIOS_FOLDER / "variants").glob("*.yaml"))})
    return found


def load_bundled(name: str) -> Scenario:
    """A bundled scenario or variant by its name (never a path from the browser)."""
    from sporen.inputs.load import load_scenario

    scenarios = bundled_scenarios()
    if name not in scenarios:
        raise InputError([Problem("scenario", "", f"'{name}' is not a bundled scenario", ", ".join(scenarios))])
    return load_scenario(scenarios[name])


def load_start(options: ServeOptions) -> tuple[str, Scenario]:
    """The scenario the page opens with, and its name in the list (the file's stem)."""
    from sporen.inputs.load import load_scenario

    scenario = load_scenario(options.scenario)
    return Path(options.scenario).stem, scenario
