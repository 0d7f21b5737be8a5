"""Connect to a CVAT server with the settings in environment variables.

The other examples call `client_from_env()` when run as scripts. It reads the variables that
`make_client()` and `cvat-cli` read too (the table in Getting started):

* `CVAT_SERVER`: the server, e.g. `http://localhost:8080` (required);
* `CVAT_USER` and `CVAT_PASSWORD`: a user name and password, or
  `CVAT_ACCESS_TOKEN`: a personal access token (CVAT 2.48 and newer) instead;
* `CVAT_ORG`: the short name (slug) of an organization to work in (optional;
  without it the client works in your personal workspace).

Run it on its own to check the settings: `python examples/connection.py`.
"""

from __future__ import annotations

from cvat_sdk import Client, make_client
from cvat_sdk.core import environment


def client_from_env() -> Client:
    """A logged-in client for the server, user and organization named by the variables above."""
    settings = environment.read()
    if not settings.server:
        raise SystemExit(
            "Set CVAT_SERVER to the address of your CVAT server, e.g. http://localhost:8080"
        )
    if not (settings.user or settings.access_token):
        raise SystemExit(
            "Set CVAT_USER and CVAT_PASSWORD, or CVAT_ACCESS_TOKEN, to log in to CVAT"
        )
    try:
        # make_client() takes the server, the credentials and CVAT_ORG from the same variables.
        return make_client()
    except ValueError as e:  # a user name without a password
        raise SystemExit(str(e)) from None


def main(client: Client) -> str:
    """Who we are logged in as."""
    return str(client.users.retrieve_current_user().username)


if __name__ == "__main__":
    with client_from_env() as client:
        print(f"Logged in to {client.api_client.configuration.host} as {main(client)}")
