"""The official low-level package's modules and attributes work here (issue: drop-in for CVAT's own
suites): the transport every request passes through, the loggers it routes to, the module layout,
call_api's official argument forms, async_req, and strict keyword checking."""

from __future__ import annotations

import io
import logging
import multiprocessing.pool

import cvat_api
import pytest
from cvat_api import Configuration


def _about() -> dict[str, str]:
    return {
        "name": "Computer Vision Annotation Tool",
        "description": "",
        "version": "2.42.0",
        "logo_url": "",
        "subtitle": "",
    }


# --- RESTClientObject: the one place requests pass ---------------------------------------------------
def test_every_low_level_request_passes_through_rest_client_request(scripted, client, monkeypatch):
    from cvat_sdk.api_client.rest import RESTClientObject

    seen: list[tuple[str, str]] = []
    original = RESTClientObject.request

    def spy(self, method, url, *args, **kwargs):
        seen.append((method, url))
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(RESTClientObject, "request", spy)
    scripted.always(json=_about())
    client.server_api.retrieve_about()
    client.call_api("/api/server/about", "GET")
    client.request("GET", "/api/server/about")
    assert seen == [("GET", f"{scripted.url}/api/server/about")] * 3
    assert len(scripted.requests) == 3


def test_blocking_rest_client_request_blocks_the_request(scripted, client, monkeypatch):
    from cvat_sdk.api_client.rest import RESTClientObject

    def blocked(self, method, url, *args, **kwargs):
        raise RuntimeError("Disallowed!")

    monkeypatch.setattr(RESTClientObject, "request", blocked)
    with pytest.raises(RuntimeError, match="Disallowed"):
        client.server_api.retrieve_about()
    assert scripted.requests == []


def test_rest_client_is_built_on_a_urllib3_pool(client):
    import urllib3

    assert isinstance(client.rest_client.pool_manager, urllib3.PoolManager)
    assert client.session is client.rest_client.session


def test_rest_client_checks_status_and_reads_official_bodies(scripted, client):
    scripted.reply(404, json={"detail": "Not found."})
    with pytest.raises(cvat_api.exceptions.NotFoundException):
        client.rest_client.GET(f"{scripted.url}/api/tasks/1")
    scripted.reply(201, json={"id": 1})
    response = client.rest_client.POST(f"{scripted.url}/api/tasks", body={"name": "t"})
    assert response.status == 201
    assert scripted.requests[-1].json() == {"name": "t"}
    assert scripted.requests[-1].header("Content-Type") == "application/json"


# --- configuration.logger ------------------------------------------------------------------------------
def test_configuration_logger_routes_this_layers_messages(scripted, client):
    stream = io.StringIO()
    logger = logging.getLogger("test.retarget")
    logger.addHandler(logging.StreamHandler(stream))
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    for key in client.configuration.logger:
        client.configuration.logger[key] = logger
    scripted.reply(503)
    scripted.reply(200, json=_about())
    client.server_api.retrieve_about()
    text = stream.getvalue()
    assert "GET /api/server/about answered 503; retry 1/3" in text
    assert "HTTP GET" in text and "-> 200" in text  # the DEBUG line of the answered request


def test_configuration_has_the_official_logging_attributes(tmp_path):
    cfg = cvat_api.Configuration()
    assert set(cfg.logger) == {"package_logger", "urllib3_logger"}
    assert cfg.logger["urllib3_logger"] is logging.getLogger("urllib3")
    log_file = tmp_path / "api.log"
    cfg.logger_file = str(log_file)
    cfg.logger["package_logger"].warning("to the file")
    cfg.logger_file = None  # removes (and closes) the handler
    cfg.logger["package_logger"].warning("not to the file")
    assert log_file.read_text().count("to the file") == 1
    cfg.debug = True
    try:
        assert cfg.logger["package_logger"].level == logging.DEBUG
    finally:
        cfg.debug = False
    assert cfg.logger["package_logger"].level == logging.WARNING


def test_the_sdk_clients_low_level_logger_is_cvat_sdk_api_client(scripted):
    from cvat_sdk import Client

    scripted.always(json=_about())
    client = Client(scripted.url)
    assert client.api_client.configuration.logger["package_logger"].name == "cvat_sdk.api_client"


def test_configuration_rejects_unknown_keywords():
    with pytest.raises(TypeError, match="verfy_ssl"):
        cvat_api.Configuration(verfy_ssl=False)  # type: ignore[call-arg]


def test_configuration_copies_share_loggers_and_keep_settings():
    import copy

    cfg = cvat_api.Configuration(host="http://h:1", verify_ssl=False)
    dup = copy.deepcopy(cfg)
    assert dup.host == "http://h:1" and dup.verify_ssl is False
    assert dup.logger["package_logger"] is cfg.logger["package_logger"]


# --- module layout ---------------------------------------------------------------------------------------
def test_official_module_paths_are_the_same_objects():
    import cvat_sdk.api_client.api.tasks_api as tasks_api_module
    import cvat_sdk.api_client.model.file_info as file_info_module
    from cvat_sdk import models
    from cvat_sdk.api_client import api_client, configuration, model_utils, rest
    from cvat_sdk.api_client.model.data_meta_read import DataMetaRead

    assert file_info_module.FileInfo is models.FileInfo
    assert DataMetaRead is models.DataMetaRead
    assert tasks_api_module.TasksApi is cvat_api.apis.TasksApi
    assert api_client.ApiClient is cvat_api.ApiClient
    assert configuration.Configuration is cvat_api.Configuration
    assert rest.RESTClientObject is type(cvat_api.ApiClient().rest_client)
    assert model_utils.model_to_dict(models.About.from_dict(_about()))["version"] == "2.42.0"
    with pytest.raises(ModuleNotFoundError):
        import cvat_sdk.api_client.model.no_such_model  # noqa: F401


# --- call_api ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["official", "mapping", "pairs"])
def test_call_api_files_are_resent_whole_after_a_retry(scripted, client, tmp_path, form):
    path = tmp_path / "ann.json"
    path.write_bytes(b'{"a": 1}')
    scripted.reply(429, headers={"Retry-After": "0"})
    scripted.reply(202, json={"rq_id": "x"})
    with path.open("rb") as f:
        files = {"official": {"file": [f]}, "mapping": {"file": f}, "pairs": [("file", f)]}[form]
        data, response = client.call_api("/api/tasks/1/annotations", "POST", files=files)
    assert response.status == 202 and data == {"rq_id": "x"}
    bodies = [r.multipart() for r in scripted.requests]
    assert len(bodies) == 2
    for parts in bodies:
        assert [(name, filename, content) for name, filename, content in parts] == [("file", "ann.json", b'{"a": 1}')]


def test_call_api_response_schema_forms(scripted, client):
    from cvat_sdk import models

    scripted.always(json=_about())
    for schema in (models.About, (models.About,)):
        data, _ = client.call_api("/api/server/about", "GET", response_schema=schema)
        assert isinstance(data, models.About) and data.version == "2.42.0"


def test_call_api_rejects_unknown_keywords(client):
    with pytest.raises(TypeError, match="no_such_option"):
        client.call_api("/api/server/about", "GET", no_such_option=1)  # type: ignore[call-arg]


def test_async_req_runs_on_the_client_pool(scripted, client):
    scripted.always(json=_about())
    result = client.server_api.retrieve_about(async_req=True)
    assert isinstance(result, multiprocessing.pool.ApplyResult)
    about, response = result.get(timeout=10)
    assert about.version == "2.42.0" and response.status == 200


# --- official Configuration settings that change nothing here say so ---------------------------------

INEFFECTIVE = {
    "assert_hostname": False,
    "no_proxy": "internal.example",
    "proxy_headers": {"Proxy-Authorization": "x"},
    "socket_options": [(6, 1, 1)],
    "temp_folder_path": "/tmp/downloads",
    "safe_chars_for_path_param": "/",
    "client_side_validation": False,
    "disabled_client_side_validations": "maxLength",
    "discard_unknown_keys": True,
    "server_index": 1,
    "server_variables": {"port": "8080"},
    "server_operation_index": {"tasks_list": 1},
    "server_operation_variables": {"tasks_list": {}},
}


@pytest.mark.parametrize(("name", "value"), sorted(INEFFECTIVE.items()))
def test_an_official_setting_without_effect_warns_naming_it(name, value):
    config = Configuration(host="http://localhost:8080")
    with pytest.warns(cvat_api.exceptions.IneffectiveSettingWarning, match=rf"Configuration\.{name} has no effect"):
        setattr(config, name, value)


def test_official_defaults_and_copies_do_not_warn(recwarn):
    config = Configuration(host="http://localhost:8080")
    config.copy()
    Configuration.set_default(config)
    try:
        Configuration.get_default_copy()
    finally:
        Configuration.set_default(None)
    assert not [w for w in recwarn if issubclass(w.category, cvat_api.exceptions.IneffectiveSettingWarning)]


def test_refresh_api_key_hook_is_called_before_the_key_is_read():
    config = Configuration(host="http://localhost:8080")

    def refresh(cfg):
        cfg.api_key["tokenAuth"] = "fresh"

    config.refresh_api_key_hook = refresh
    assert config.get_api_key_with_prefix("tokenAuth") == "Token fresh"
