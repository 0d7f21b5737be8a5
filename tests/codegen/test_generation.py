"""The generator: reproducible output, every pinned schema, counts and naming rules."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
import yaml

from codegen.__main__ import main as codegen_main
from codegen.ir import CodegenError, build_ir, py_name, snake
from codegen.source import SchemaSourceError, load_external, load_manifest, load_pinned, pinned_schema_path
from tests.conftest import REPO_ROOT, require_file

MANIFEST = load_manifest()
VERSIONS = sorted(MANIFEST["versions"])
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _schema(version: str) -> dict:
    require_file(pinned_schema_path(version))
    return load_pinned(version).document


def test_committed_code_equals_regeneration() -> None:
    require_file(pinned_schema_path(MANIFEST["main"]))
    assert codegen_main(["--check"]) == 0, "generated code differs from `make regen` output (see stderr)"


@pytest.mark.parametrize("version", VERSIONS)
def test_generation_is_byte_for_byte_reproducible(version, tmp_path) -> None:
    """Every pinned schema (the main one is also compared with the committed code above)."""
    require_file(pinned_schema_path(version))
    assert codegen_main(["--version", version, "--out", str(tmp_path / "a")]) == 0
    assert codegen_main(["--version", version, "--out", str(tmp_path / "b")]) == 0
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b and len(a) > 200


@pytest.mark.parametrize("version", VERSIONS)
def test_every_pinned_schema_generates_importable_code(version, tmp_path) -> None:
    doc = _schema(version)
    ir = build_ir(doc, version)
    ops = sum(1 for item in doc["paths"].values() for m in item if m in HTTP_METHODS)
    assert ir.operation_count == ops
    tags = {item[m]["tags"][0] for item in doc["paths"].values() for m in item if m in HTTP_METHODS}
    assert {a.tag for a in ir.apis} == tags
    assert codegen_main(["--version", version, "--out", str(tmp_path)]) == 0
    # every generated module compiles and the package imports from the temp tree
    src = tmp_path / "packages/cvat-api/src"
    runtime = REPO_ROOT / "packages/cvat-api/src/cvat_api/_runtime"
    (src / "cvat_api/_runtime").symlink_to(runtime, target_is_directory=True)
    (src / "cvat_api/__init__.py").write_text((REPO_ROOT / "packages/cvat-api/src/cvat_api/__init__.py").read_text())
    code = (
        "import cvat_api, cvat_api.models as m, cvat_api.apis as a, importlib\n"
        f"assert cvat_api.SCHEMA_VERSION == {version!r}\n"
        "for n in m.__all__: getattr(m, n)\n"
        "for n in a.__all__: getattr(a, n)\n"
        "print(len(m.__all__), len(a.__all__))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(src)}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    n_models, n_apis = map(int, out.stdout.split())
    assert n_models == 2 * (len(ir.models) + len(ir.enums)) + len(ir.aliases)  # I<Name> beside each
    assert n_apis == len(ir.apis)


def test_main_schema_counts() -> None:
    doc = _schema(MANIFEST["main"])
    ir = build_ir(doc, "main")
    assert (len(ir.apis), ir.operation_count) == (22, 149)
    components = doc["components"]["schemas"]
    # every object/enum component is generated (NullEnum as the official's enum of "null"); the pure
    # oneOf helper DataResponse is handled at use sites and named as an alias of the model it wraps
    generated = {m.name for m in ir.models} | {e.name for e in ir.enums}
    assert set(components) - generated == {"DataResponse"}
    assert {a.name: a.target for a in ir.aliases}["DataResponse"] == "RqId"
    # the official generator's names of inline wrappers (15 in 2.42 with NullEnum), each the class it wraps
    assert len(ir.aliases) == 14
    assert {a.name: a.target for a in ir.aliases}["JobReadAssignee"] == "BasicUser"


def test_naming_follows_the_official_low_level_convention() -> None:
    ir = build_ir(_schema(MANIFEST["main"]), "main")
    apis = {a.attr_name: a for a in ir.apis}
    assert {"tasks_api", "jobs_api", "projects_api", "server_api", "lambda_api", "requests_api"} <= set(apis)
    tasks = {o.method_name: o for o in apis["tasks_api"].operations}
    pu = tasks["partial_update"]
    assert (pu.http_method, pu.path, pu.body.attr) == ("PATCH", "/api/tasks/{id}", "patched_task_write_request")
    export = tasks["create_dataset_export"]
    assert [p.attr for p in export.params if p.required] == ["format", "id"]  # official positional order
    listing = {p.attr for p in tasks["list"].params}
    assert {"page", "page_size", "filter", "search", "sort", "org", "org_id", "x_organization"} <= listing
    data = tasks["retrieve_data"]
    assert {p.attr for p in data.params} >= {"type", "number", "quality"}  # not type_/filter_
    events = {o.method_name: o for o in apis["events_api"].operations}
    assert "_from" in {p.attr for p in events["list"].params}
    assert tasks["create_data"].body.content_types == ("application/json", "multipart/form-data")


def test_response_kinds_come_from_the_schema() -> None:
    ir = build_ir(_schema(MANIFEST["main"]), "main")
    ops = {o.operation_id: o for a in ir.apis for o in a.operations}
    kinds = lambda op: {r.status: (r.kind, r.model) for r in ops[op].responses}  # noqa: E731
    assert kinds("tasks_retrieve")[200] == ("model", "TaskRead")
    assert kinds("jobs_retrieve_data")[200] == ("binary", None)
    assert kinds("tasks_create_data")[202] == ("json_or_binary", "RqId")
    assert kinds("server_list_share")[200] == ("list", "FileInfo")
    assert kinds("users_retrieve_self")[200] == ("model", "MetaUser")
    assert kinds("tasks_retrieve_preview")[200] == ("none", None)


def test_name_helpers() -> None:
    assert snake("PatchedTaskWriteRequest") == "patched_task_write_request"
    assert snake("X-Organization") == "x_organization"
    assert snake("RqId") == "rq_id"
    assert py_name("from") == "_from"
    assert py_name("type") == "type"


def test_sha_mismatch_and_missing_file_fail_clearly(tmp_path, monkeypatch) -> None:
    require_file(pinned_schema_path(MANIFEST["main"]))
    bad = dict(MANIFEST)
    bad["versions"] = {k: dict(v) for k, v in MANIFEST["versions"].items()}
    bad["versions"][MANIFEST["main"]]["sha256"] = "0" * 64
    monkeypatch.setattr("codegen.source.load_manifest", lambda: bad)
    with pytest.raises(SchemaSourceError, match="sha256 mismatch"):
        load_pinned(MANIFEST["main"])
    bad["versions"][MANIFEST["main"]]["file"] = "nope.yml"
    with pytest.raises(SchemaSourceError, match="not found"):
        load_pinned(MANIFEST["main"])
    with pytest.raises(SchemaSourceError, match="not pinned"):
        load_pinned("9.9.9")


def test_external_schema_source_and_unknown_constructs(tmp_path) -> None:
    doc = _schema(MANIFEST["main"])
    path = tmp_path / "s.yml"
    path.write_text(yaml.safe_dump(doc))
    src = load_external(str(path))
    assert src.version == MANIFEST["main"] and len(src.sha256) == 64
    with pytest.raises(SchemaSourceError, match="not found"):
        load_external(str(tmp_path / "missing.yml"))
    # a construct the generator does not understand fails loudly instead of emitting wrong code
    weird = yaml.safe_load(yaml.safe_dump(doc))
    weird["components"]["schemas"]["About"]["properties"]["odd"] = {"oneOf": [{"type": "integer"}, {"type": "string"}]}
    with pytest.raises(CodegenError, match="About.odd"):
        build_ir(weird, "weird")


def test_generated_files_carry_the_header() -> None:
    require_file(pinned_schema_path(MANIFEST["main"]))
    sha = MANIFEST["versions"][MANIFEST["main"]]["sha256"]
    roots = [REPO_ROOT / "packages/cvat-api/src/cvat_api" / d for d in ("models", "apis", "_generated")]
    files = [p for r in roots for p in r.rglob("*.py")]
    first_lines = Counter(p.read_text().split("\n", 1)[0] for p in files)
    assert len(first_lines) == 1
    (line,) = first_lines
    assert line.startswith("# Generated by cvat-codegen") and sha in line
