"""Connect to a CVAT server with the settings in environment variables.

The other examples call `client_from_env()` when run as scripts. It reads:

* `CVAT_HOST`: the server, e.g. `http://localhost:8080` (required);
* `CVAT_USER` and `CVAT_PASSWORD`: a user name and password, or
  `CVAT_ACCESS_TOKEN`: a personal access token (CVAT 2.48 and newer) instead;
* `CVAT_ORG`: the short name (slug) of an organization to work in (optional;
  without it the client works in your personal workspace).

Run it on its own to check the settings: `python examples/connection.py`.
"""

from __future__ import annotations

import os

from cvat_sdk import Client, make_client


def client_from_env() -> Client:
    """A logged-in client for the server and user named by the environment variables above."""
    host = os.environ.get("CVAT_HOST")
    if not host:
        raise SystemExit("Set CVAT_HOST to the address of your CVAT server, e.g. http://localhost:8080")

    user = os.environ.get("CVAT_USER")
    if user:
        password = os.environ.get("CVAT_PASSWORD")
        if not password:
            raise SystemExit(f"CVAT_USER is set to {user!r}: set CVAT_PASSWORD to that user's password too")
        client = make_client(host, credentials=(user, password))
    elif os.environ.get("CVAT_ACCESS_TOKEN"):
        client = make_client(host, access_token=os.environ["CVAT_ACCESS_TOKEN"])
    else:
        raise SystemExit("Set CVAT_USER and CVAT_PASSWORD, or CVAT_ACCESS_TOKEN, to log in to CVAT")

    # An organization's slug makes new objects belong to it and narrows what lists show.
    client.organization_slug = os.environ.get("CVAT_ORG") or None
    return client


def main(client: Client) -> str:
    """Who we are logged in as."""
    return str(client.users.retrieve_current_user().username)


if __name__ == "__main__":
    with client_from_env() as client:
        print(f"Logged in to {client.api_client.configuration.host} as {main(client)}")
