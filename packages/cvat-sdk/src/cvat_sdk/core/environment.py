"""The environment variables that `make_client`, `cvat-cli` and the examples read: one set for all.

| variable | what |
| --- | --- |
| `CVAT_SERVER` | the server's URL, e.g. `http://localhost:8080` |
| `CVAT_USER`, `CVAT_PASSWORD` | a user name and its password |
| `CVAT_ACCESS_TOKEN` | a personal access token (CVAT 2.48 and newer), instead of a password |
| `CVAT_ORG` | the slug of the organization to work in |
| `PASS` | the official cvat-cli's password variable: read by the CLI after `CVAT_PASSWORD` |

Each fills in only what the code or the command line leaves out. Empty values count as unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

SERVER = "CVAT_SERVER"
USER = "CVAT_USER"
PASSWORD = "CVAT_PASSWORD"  # noqa: S105 - the variable's name
ACCESS_TOKEN = "CVAT_ACCESS_TOKEN"  # noqa: S105 - the variable's name
ORG = "CVAT_ORG"
OFFICIAL_CLI_PASSWORD = "PASS"  # noqa: S105 - the official cvat-cli's variable's name
NAMES = (SERVER, USER, PASSWORD, ACCESS_TOKEN, ORG, OFFICIAL_CLI_PASSWORD)


@dataclass(frozen=True)
class Settings:
    """What the environment says; None where a variable is unset or empty."""

    server: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    org: str | None = None


def read(environ: Mapping[str, str] | None = None, *, official_cli_password: bool = False) -> Settings:
    """The settings from `environ` (default: `os.environ`); `official_cli_password` also takes the
    password from `PASS` when `CVAT_PASSWORD` is unset (as the CLI does)."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        return env.get(name) or None

    password = get(PASSWORD) or (get(OFFICIAL_CLI_PASSWORD) if official_cli_password else None)
    return Settings(get(SERVER), get(USER), password, get(ACCESS_TOKEN), get(ORG))
