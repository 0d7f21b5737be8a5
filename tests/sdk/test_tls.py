"""TLS safety nets against a local HTTPS server with a certificate from a throw-away CA: verification
is on by default, a CA bundle makes it pass, a certificate failure is never retried and never a
reason to fall back to plain HTTP."""

from __future__ import annotations

import logging
import ssl

import pytest
from cvat_api.exceptions import TransportError
from cvat_sdk import Client, Config
from cvat_sdk.core.exceptions import InvalidHostException

trustme = pytest.importorskip("trustme")  # a dev dependency (pyproject.toml): always there under `make test`

ABOUT = {"name": "CVAT", "description": "", "version": "2.42.0", "logo_url": "", "subtitle": ""}


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_server(ca, scripted_factory):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = scripted_factory(ssl_context=context)
    server.always(json=ABOUT)
    return server


@pytest.fixture
def ca_file(ca, tmp_path):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def test_verification_is_on_by_default_and_not_retried(https_server, caplog):
    with caplog.at_level(logging.WARNING), pytest.raises(TransportError, match="certificate") as e:
        Client(https_server.url)
    assert "CERTIFICATE_VERIFY_FAILED" in str(e.value)
    assert "retry" not in caplog.text  # a certificate that does not verify will not verify on a retry
    assert https_server.requests == []


def test_a_ca_bundle_makes_verification_pass(https_server, ca_file):
    client = Client(https_server.url, config=Config(ssl_ca_cert=ca_file))
    assert str(client.get_server_version()) == "2.42.0"
    assert client.api_client.configuration.verify_ssl is True


def test_verification_can_be_turned_off(https_server):
    client = Client(https_server.url, config=Config(verify_ssl=False))
    assert client.api_client.configuration.verify_ssl is False
    assert str(client.get_server_version()) == "2.42.0"


def test_no_fallback_to_http_when_the_https_certificate_fails(https_server, scripted_factory):
    """Without a scheme the client tries https first; a bad certificate is an error, not a reason to
    send the password over http (here, an http server on another port must never be asked)."""
    host = https_server.url.removeprefix("https://")
    with pytest.raises(InvalidHostException, match="certificate") as e:
        Client(host)
    assert "not falling back" in str(e.value)
    assert https_server.requests == []


def test_schemeless_https_with_a_trusted_ca_is_used(https_server, ca_file):
    client = Client(https_server.url.removeprefix("https://"), config=Config(ssl_ca_cert=ca_file))
    assert client.api_map.host == https_server.url
