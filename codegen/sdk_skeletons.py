"""Typed entity and repository skeletons for cvat-sdk, from the same schema run.

For each resource, the entity base exposes every field of the resource's read model as a typed,
read-only property, and both bases record which CRUD operations the API has and how to call
them. Hand-written proxies in cvat_sdk.core.proxies subclass these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import exprs
from .ir import CodegenError, OperationDef, SchemaIR

SDK_GENERATED = Path("packages/cvat-sdk/src/cvat_sdk/core/proxies/_generated")
CRUD = ("create", "list", "retrieve", "partial_update", "destroy")
# Entity members the hand-written proxies define: a field of the same name gets no property.
RESERVED = frozenset({"api", "fetch", "update", "remove", "client"})


@dataclass(frozen=True)
class SdkCall:
    """An operation the hand-written SDK calls whose parameter names or API class differ between
    server versions, found by HTTP method and the path under the object's path; each skeleton
    gets a typed static method `_call_<name>` that makes it with this build's names."""

    name: str
    method: str
    subpath: str
    args: tuple[str, ...] = ()  # required query parameters, passed through by name
    body: bool = True  # takes `data`, and returns nothing (the answer is read and dropped)


SDK_CALLS = (
    SdkCall("put_annotations", "PUT", "/annotations/"),
    SdkCall("patch_annotations", "PATCH", "/annotations/", ("action",)),
    SdkCall("patch_data_meta", "PATCH", "/data/meta"),
    SdkCall("get_status", "GET", "/status", body=False),  # cloud storages; not in every schema
)


@dataclass(frozen=True)
class Resource:
    """A resource: its entity and repository classes, API tag, module of the skeleton (and the
    Client property), and the hand-written module under cvat_sdk.core.proxies defining them."""

    entity: str
    repo: str
    tag: str
    module: str
    impl: str = ""  # default: `module`

    @property
    def impl_module(self) -> str:
        return self.impl or self.module


RESOURCES = (
    Resource("Task", "TasksRepo", "tasks", "tasks"),
    Resource("Project", "ProjectsRepo", "projects", "projects"),
    Resource("Job", "JobsRepo", "jobs", "jobs"),
    Resource("Issue", "IssuesRepo", "issues", "issues"),
    Resource("Comment", "CommentsRepo", "comments", "comments", impl="issues"),
    Resource("Organization", "OrganizationsRepo", "organizations", "organizations"),
    Resource("User", "UsersRepo", "users", "users"),
    Resource("Label", "LabelsRepo", "labels", "labels"),
    Resource("Membership", "MembershipsRepo", "memberships", "memberships"),
    Resource("Invitation", "InvitationsRepo", "invitations", "invitations", impl="memberships"),
    Resource("CloudStorage", "CloudStoragesRepo", "cloudstorages", "cloud_storages"),
    Resource("Webhook", "WebhooksRepo", "webhooks", "webhooks"),
    Resource("Request", "RequestsRepo", "requests", "requests"),
)
# Repositories of the Client with no generated skeleton (hand-written over their own API)
# -> the Client property's docstring.
EXTRA_REPOS = {
    Resource("AccessToken", "AccessTokensRepo", "", "access_tokens"): (
        "Personal access tokens of the current user (CVAT 2.48 and newer)."
    ),
}


def _context(ir: SchemaIR, res: Resource) -> dict[str, Any] | None:
    api = next((a for a in ir.apis if a.tag == res.tag), None)
    if api is None:
        return None
    ops: dict[str, OperationDef] = {o.method_name: o for o in api.operations if o.method_name in CRUD}
    retrieve = ops.get("retrieve")
    if retrieve is None:
        raise CodegenError(f"{res.tag}: no retrieve operation, cannot build the {res.entity} skeleton")
    read = next((r.model for r in retrieve.responses if r.status == 200 and r.kind == "model"), None)
    model = next((m for m in ir.models if m.name == read), None)
    if model is None or len(retrieve.path_params) != 1:
        raise CodegenError(f"{retrieve.operation_id}: expected one path parameter and a model response")
    id_param = retrieve.path_params[0]
    fields = []
    for f in model.fields:
        if f.attr in RESERVED or f.attr.startswith("_"):
            continue
        ann = exprs.annotation(f.type)
        fields.append({"attr": f.attr, "ann": ann, "required": f.required})
    imports = set()
    for f in model.fields:
        imports |= exprs.referenced_names(f.type)
    imports.add(model.name)
    by_name = {m.name: m.module for m in ir.models} | {e.name: e.module for e in ir.enums}
    update = ops.get("partial_update")
    create = ops.get("create")
    by_route = {(o.http_method, o.path): (a, o) for a in ir.apis for o in a.operations}
    calls = []
    for call in SDK_CALLS:
        found = by_route.get((call.method, retrieve.path + call.subpath))
        if found is None:
            continue
        owner, op = found
        query = [p.attr for p in op.params if p.required and p.location == "query"]
        if (op.body is not None) != call.body or query != list(call.args):
            raise CodegenError(f"{op.operation_id}: not the shape SDK call {call.name} expects")
        calls.append({"call": call, "api": owner, "op": op, "id_name": op.path_params[0].attr})
    return {
        "res": res,
        "api": api,
        "model": model,
        "fields": fields,
        "needs_datetime": any(exprs.uses_datetime(f.type) for f in model.fields),
        "needs_any": any(re.search(r"\bAny\b", str(f["ann"])) for f in fields),
        "type_imports": sorted((by_name[n], n) for n in imports),
        "id_attr": id_param.wire,
        "id_ann": exprs.annotation(id_param.type),
        "capabilities": tuple(sorted(ops)),
        "update_arg": update.body.attr if update and update.body else None,
        "create_arg": create.body.attr if create and create.body else None,
        "calls": calls,
    }


def render_sdk_skeletons(env: jinja2.Environment, ir: SchemaIR, head: str) -> dict[Path, str]:
    """Files of cvat_sdk/core/proxies/_generated: one module per resource, and the package init."""
    tpl = env.get_template("cvat_sdk/skeleton.py.j2")
    files: dict[Path, str] = {}
    done = []
    for res in RESOURCES:
        ctx = _context(ir, res)
        if ctx is None:
            continue
        files[SDK_GENERATED / f"{res.module}.py"] = tpl.render(header=head, **ctx)
        done.append(res)
    files[SDK_GENERATED / "__init__.py"] = env.get_template("cvat_sdk/skeletons_init.py.j2").render(
        header=head, resources=done
    )
    repos = [(r, f"{r.entity}s on the server (``{r.repo}``).") for r in RESOURCES] + list(EXTRA_REPOS.items())
    files[SDK_GENERATED / "repositories.py"] = env.get_template("cvat_sdk/repositories.py.j2").render(
        header=head, repos=sorted(repos, key=lambda item: item[0].module)
    )
    return files
