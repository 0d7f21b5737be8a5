"""Fixtures of the version tests: the SDK's server-facing fixtures and the CLI runner."""

from __future__ import annotations

from tests.cli.conftest import cli, run  # noqa: F401 - fixtures
from tests.sdk.fixtures import client, client2, images  # noqa: F401 - fixtures
