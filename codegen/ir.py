"""Turn openapi-python-client's parse of a CVAT schema into our own small intermediate form.

The parser gives models, enums, parameters and bodies. Response kinds (JSON model, binary,
JSON-or-binary) are read from the raw operation, since the parser only knows JSON and httpx.
Anything this module does not understand raises CodegenError: no guessed code is emitted.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
# Names a model attribute may not take: the Model base class uses them.
RESERVED_ATTRS = frozenset({"additional_properties", "to_dict", "from_dict", "get", "keys"})
OPTION_KWARGS = ("_parse_response", "_check_status", "_request_timeout", "_content_type")


class CodegenError(Exception):
    """The schema holds something the generator does not know how to render correctly."""


def snake(name: str) -> str:
    """`PatchedTaskWriteRequest` -> `patched_task_write_request`, `X-Organization` -> `x_organization`."""
    s = re.sub(r"[^0-9A-Za-z]+", "_", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"_+", "_", s).strip("_").lower()
    if not s:
        raise CodegenError(f"cannot make an identifier of {name!r}")
    if s[0].isdigit():
        s = "n" + s
    return s


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake(name).split("_"))


def py_name(wire: str) -> str:
    """The Python name of a wire name: snake_case; keywords get a leading underscore (`from` -> `_from`)."""
    s = snake(wire)
    return "_" + s if keyword.iskeyword(s) else s


@dataclass(frozen=True)
class TypeRef:
    """A value type: scalar kinds, or model/enum by name, or list/dict/nullable of an inner type."""

    kind: str
    name: str | None = None
    inner: TypeRef | None = None


@dataclass
class FieldDef:
    wire: str
    attr: str
    type: TypeRef
    required: bool


@dataclass
class ModelDef:
    name: str
    module: str
    fields: list[FieldDef]
    extra: TypeRef | None  # type of additional properties; None = none declared (kept as Any anyway)
    merged_from: tuple[str, ...] = ()  # for oneOf components rendered as one model


@dataclass
class EnumDef:
    name: str
    module: str
    members: list[tuple[str, Any]]
    value_type: str  # "str" or "int"


@dataclass
class AliasDef:
    """A name the official generator gives an inline wrapper schema (a nullable `allOf`/`oneOf` of one
    schema, e.g. `JobRead.assignee` -> `JobReadAssignee`); here it names the wrapped class itself."""

    name: str
    module: str
    target: str


@dataclass
class ParamDef:
    wire: str
    attr: str
    type: TypeRef
    required: bool
    location: str  # path, query, header


@dataclass
class BodyDef:
    attr: str
    type: TypeRef
    required: bool
    content_types: tuple[str, ...]


@dataclass
class ResponseDef:
    status: int
    kind: str  # none, model, list, json, binary, json_or_binary, auto
    model: str | None = None


@dataclass
class OperationDef:
    operation_id: str
    method_name: str
    http_method: str
    path: str
    params: list[ParamDef]
    body: BodyDef | None
    responses: list[ResponseDef]
    deprecated: bool

    @property
    def path_params(self) -> list[ParamDef]:
        return [p for p in self.params if p.location == "path"]

    @property
    def query_params(self) -> list[ParamDef]:
        return [p for p in self.params if p.location == "query"]

    @property
    def header_params(self) -> list[ParamDef]:
        return [p for p in self.params if p.location == "header"]


@dataclass
class ApiDef:
    tag: str
    class_name: str
    module: str
    attr_name: str
    operations: list[OperationDef] = field(default_factory=list)


@dataclass
class SchemaIR:
    title: str
    version: str
    models: list[ModelDef]
    enums: list[EnumDef]
    apis: list[ApiDef]
    aliases: list[AliasDef] = field(default_factory=list)

    @property
    def operation_count(self) -> int:
        return sum(len(a.operations) for a in self.apis)


def parse(document: dict[str, Any], origin: str = "schema") -> GeneratorData:
    config = Config.from_sources(ConfigFile(), MetaType("none"), Path(origin), "utf-8", True, None)
    data = GeneratorData.from_dict(document, config=config)
    if isinstance(data, GeneratorError):
        raise CodegenError(f"{data.header}: {data.detail}")
    if data.errors:
        details = "; ".join(f"{e.header}: {e.detail}" for e in data.errors[:10])
        raise CodegenError(f"the parser reported {len(data.errors)} problem(s): {details}")
    return data


class _Builder:
    def __init__(self, document: dict[str, Any], data: GeneratorData) -> None:
        self.doc = document
        self.data = data
        self.components: dict[str, Any] = document.get("components", {}).get("schemas", {})
        self.enum_names = {e.class_info.name for e in data.enums}
        # oneOf/anyOf components whose members are all object models become one merged model
        self.union_models: dict[frozenset[str], str] = {}
        for name, schema in self.components.items():
            members = schema.get("oneOf") or schema.get("anyOf") or []
            refs = [m.get("$ref", "").rsplit("/", 1)[-1] for m in members]
            if refs and all(refs) and all(self._is_object_model(r) for r in refs):
                self.union_models[frozenset(refs)] = name
        self.models_by_name: dict[str, Any] = {str(m.class_info.name): m for m in data.models}

    def _is_object_model(self, name: str) -> bool:
        s = self.components.get(name, {})
        return s.get("type") == "object" or "properties" in s

    # ---- types -------------------------------------------------------------------------
    def type_of(self, prop: Any, where: str) -> TypeRef:
        kind = type(prop).__name__
        simple = {
            "StringProperty": "str",
            "UuidProperty": "str",
            "IntProperty": "int",
            "FloatProperty": "float",
            "BooleanProperty": "bool",
            "AnyProperty": "any",
            "DateTimeProperty": "datetime",
            "DateProperty": "date",
            "FileProperty": "file",
            "NoneProperty": "none",
        }
        if kind in simple:
            return TypeRef(simple[kind])
        if kind == "EnumProperty":
            return TypeRef("enum", prop.class_info.name)
        if kind == "ModelProperty":
            name = prop.class_info.name
            free_form = self._free_form_values(name, where)
            return TypeRef("dict", inner=free_form) if free_form is not None else TypeRef("model", name)
        if kind == "ListProperty":
            return TypeRef("list", inner=self.type_of(prop.inner_property, where + "[]"))
        if kind == "UnionProperty":
            inners = [self.type_of(p, where) for p in prop.inner_properties]
            nullable = any(t.kind == "none" for t in inners)
            rest = [t for t in inners if t.kind != "none"]
            core = self._union_core(rest, where)
            return TypeRef("nullable", inner=core) if nullable else core
        raise CodegenError(f"{where}: unsupported property kind {kind}")

    def _free_form_values(self, name: str, where: str) -> TypeRef | None:
        """The value type of a model with no properties, only additional ones (`organization.contact`):
        a field of that type is a plain dict, as in the official client; None for any other model."""
        m = self.models_by_name.get(str(name))
        if m is None or m.required_properties or m.optional_properties or m.additional_properties in (None, False):
            return None
        extra = m.additional_properties
        return TypeRef("any") if extra is True else self.type_of(extra, where + "{}")

    def _union_core(self, members: list[TypeRef], where: str) -> TypeRef:
        if len(members) == 1:
            return members[0]
        if members and all(t.kind == "model" for t in members):
            names = frozenset(t.name for t in members if t.name)
            if names in self.union_models:
                return TypeRef("model", self.union_models[names])
        if members and all(t.kind == "enum" for t in members):
            # e.g. oneOf [SomeEnum, BlankEnum]: enums accept unknown values, so the first real one serves
            real = [t for t in members if t.name != "BlankEnum"] or members
            return real[0]
        raise CodegenError(f"{where}: unsupported union of {[(t.kind, t.name) for t in members]}")

    # ---- models and enums --------------------------------------------------------------
    def model_def(self, m: Any) -> ModelDef:
        name = m.class_info.name
        fields: list[FieldDef] = []
        seen: set[str] = set()
        props = list(m.required_properties) + list(m.optional_properties)
        exact = {
            p.name.get_untrusted_value()
            for p in props
            if py_name(p.name.get_untrusted_value()) == p.name.get_untrusted_value()
        }
        for prop in props:
            wire = prop.name.get_untrusted_value()
            attr = py_name(wire)
            if attr in exact and attr != wire and wire.isidentifier() and not keyword.iskeyword(wire):
                attr = wire  # e.g. deprecated `convMaskToPoly` beside `conv_mask_to_poly`
            if attr in RESERVED_ATTRS or attr in seen or not attr.isidentifier():
                raise CodegenError(f"{name}.{wire}: attribute name {attr!r} is reserved or duplicated")
            seen.add(attr)
            fields.append(FieldDef(wire, attr, self.type_of(prop, f"{name}.{wire}"), bool(prop.required)))
        fields.sort(key=lambda f: not f.required)  # stable: required first, schema order kept
        extra = m.additional_properties
        extra_t = self.type_of(extra, f"{name}.<additional>") if extra not in (None, True, False) else None
        return ModelDef(name, snake(name), fields, extra_t)

    def merged_model(self, name: str, members: frozenset[str]) -> ModelDef:
        """A oneOf of object models as one model: every member's fields, required only if required in all."""
        parts = [self.model_def(self.models_by_name[n]) for n in sorted(members)]
        by_attr: dict[str, FieldDef] = {}
        for part in parts:
            for f in part.fields:
                by_attr.setdefault(f.attr, FieldDef(f.wire, f.attr, f.type, True))
        for f in by_attr.values():
            f.required = all(any(g.attr == f.attr and g.required for g in p.fields) for p in parts)
        fields = sorted(by_attr.values(), key=lambda f: not f.required)
        return ModelDef(name, snake(name), fields, TypeRef("any"), merged_from=tuple(sorted(members)))

    def enum_def(self, e: Any) -> EnumDef:
        members = []
        for ident, value in e.values.items():
            ident = str(ident)
            if not ident.isidentifier() or keyword.iskeyword(ident):
                ident = "V_" + snake(str(value)).upper()
            members.append((ident, value))
        vt = "int" if e.value_type is int else "str"
        return EnumDef(e.class_info.name, snake(e.class_info.name), members, vt)

    def wrapper_aliases(self, known: set[str]) -> list[AliasDef]:
        """Official names of inline wrappers: a property that is an `allOf` of one model or a `oneOf` of
        one schema (besides NullEnum) with more keywords beside it (`nullable`, `readOnly`, ...), a
        `oneOf` component of one known model and non-models, and a `oneOf` component of the same models
        as another one, which is merged under that one's name (2.17's JobAnnotationsUpdateRequest)."""
        out: dict[str, str] = {}
        models = {m for m in known if m not in self.enum_names}
        seen: set[str] = set()  # like the official generator, an identical inline schema gets its first name only
        for comp, schema in self.components.items():
            for prop, ps in (schema.get("properties") or {}).items():
                refs = [m.get("$ref", "").rsplit("/", 1)[-1] for m in ps.get("allOf", []) + ps.get("oneOf", [])]
                targets = [r for r in refs if r and r != "NullEnum"]
                key = json.dumps(ps, sort_keys=True)
                wrapped = len(ps) > 1 and ("oneOf" in ps or targets[:1] == [t for t in targets[:1] if t in models])
                if wrapped and len(targets) == 1 and targets[0] in known and key not in seen:
                    seen.add(key)
                    out[comp + camel(prop)] = targets[0]
            refs = [m.get("$ref", "").rsplit("/", 1)[-1] for m in schema.get("oneOf", [])]
            members = [r for r in refs if r in known]
            merged = self.union_models.get(frozenset(refs))
            if comp not in known and merged in known:  # the same oneOf as another component
                out[comp] = str(merged)
            elif comp not in known and len(members) == 1 and len(refs) > 1:
                out[comp] = members[0]
        return [AliasDef(name, snake(name), target) for name, target in sorted(out.items()) if name not in known]

    def null_enum(self) -> list[EnumDef]:
        """`NullEnum` (`enum: [null]`), which the official generator makes an enum of the text "null"."""
        schema = self.components.get("NullEnum", {})
        if schema.get("enum") == [None] and "NullEnum" not in self.enum_names:
            return [EnumDef("NullEnum", "null_enum", [("NULL", "null")], "str")]
        return []

    # ---- operations --------------------------------------------------------------------
    def operation(self, ep: Any, tag: str) -> OperationDef:
        path = ep.path.get_untrusted_value() if hasattr(ep.path, "get_untrusted_value") else str(ep.path)
        raw_op = self.doc["paths"][path][ep.method]
        op_id = raw_op["operationId"]
        prefix = tag + "_"
        method_name = op_id[len(prefix) :] if op_id.startswith(prefix) else op_id
        method_name = py_name(method_name)
        params: list[ParamDef] = []
        for loc, props in (
            ("path", ep.path_parameters),
            ("query", ep.query_parameters),
            ("header", ep.header_parameters),
        ):
            for prop in props:
                wire = prop.name.get_untrusted_value()
                t = self.type_of(prop, f"{op_id}:{wire}")
                params.append(ParamDef(wire, py_name(wire), t, bool(prop.required) or loc == "path", loc))
        raw_params = self.doc["paths"][path].get("parameters", []) + raw_op.get("parameters", [])
        order = [(rp.get("in"), rp.get("name")) for rp in raw_params]
        params.sort(key=lambda p: order.index((p.location, p.wire)) if (p.location, p.wire) in order else len(order))
        if ep.cookie_parameters:
            raise CodegenError(f"{op_id}: cookie parameters are not supported")
        body = self.body(ep, op_id, raw_op)
        names = [p.attr for p in params] + ([body.attr] if body else [])
        if len(names) != len(set(names)) or any(n in OPTION_KWARGS or n == "self" for n in names):
            raise CodegenError(f"{op_id}: parameter names collide: {names}")
        responses = [
            self.response(op_id, status, r) for status, r in raw_op.get("responses", {}).items() if status != "default"
        ]
        return OperationDef(
            op_id, method_name, ep.method.upper(), path, params, body, responses, bool(raw_op.get("deprecated"))
        )

    def body(self, ep: Any, op_id: str, raw_op: dict[str, Any]) -> BodyDef | None:
        if not ep.bodies:
            return None
        props = {type(b.prop).__name__ for b in ep.bodies}
        first = ep.bodies[0].prop
        types = [self.type_of(b.prop, f"{op_id}:body") for b in ep.bodies]
        if len(set(types)) != 1:
            raise CodegenError(f"{op_id}: bodies of different schemas per content type: {props}")
        t = types[0]
        # named after the schema the body refers to, as the official generator does (a oneOf
        # component such as 2.17's TaskAnnotationsUpdateRequest too); an inline schema is `body`
        refs = {
            str(media.get("schema", {}).get("$ref", "")).rsplit("/", 1)[-1]
            for media in raw_op.get("requestBody", {}).get("content", {}).values()
        }
        ref = refs.pop() if len(refs) == 1 else ""
        attr = snake(ref) if ref else snake(t.name) if t.kind == "model" and t.name else "body"
        cts = tuple(b.content_type.get_untrusted_value() for b in ep.bodies)
        return BodyDef(attr, t, bool(first.required), cts)

    def response(self, op_id: str, status: str, raw: dict[str, Any]) -> ResponseDef:
        if not status.isdigit():
            raise CodegenError(f"{op_id}: unsupported response status {status!r}")
        code = int(status)
        content = raw.get("content") or {}
        if not content:
            return ResponseDef(code, "none")
        if len(content) > 1:
            return ResponseDef(code, "auto")
        ((ctype, media),) = content.items()
        schema = media.get("schema") or {}
        json_like = ctype == "application/json" or ctype.endswith("+json")
        if not json_like:
            return ResponseDef(code, "auto")
        return self._json_response(op_id, code, schema)

    def _json_response(self, op_id: str, code: int, schema: dict[str, Any]) -> ResponseDef:
        ref = schema.get("$ref", "").rsplit("/", 1)[-1]
        if ref:
            target = self.components.get(ref, {})
            members = target.get("oneOf") or target.get("anyOf")
            if members:
                refs = [m.get("$ref", "").rsplit("/", 1)[-1] for m in members]
                has_binary = any(m.get("format") == "binary" for m in members)
                models = [r for r in refs if r]
                if has_binary and len(models) == 1:
                    return ResponseDef(code, "json_or_binary", models[0])
                if frozenset(models) in self.union_models and not has_binary:
                    return ResponseDef(code, "model", ref)
                raise CodegenError(f"{op_id}: unsupported oneOf response {ref}")
            if ref in self.models_by_name:
                return ResponseDef(code, "model", ref)
            if ref in self.enum_names:
                return ResponseDef(code, "json")
            raise CodegenError(f"{op_id}: response refers to unknown schema {ref}")
        t = schema.get("type")
        if t == "string" and schema.get("format") == "binary":
            return ResponseDef(code, "binary")
        if t == "array":
            item = schema.get("items", {}).get("$ref", "").rsplit("/", 1)[-1]
            if item and item in self.models_by_name:
                return ResponseDef(code, "list", item)
            return ResponseDef(code, "json")
        if t in ("string", "object", "integer", "number", "boolean") or not schema:
            return ResponseDef(code, "json")
        raise CodegenError(f"{op_id}: unsupported response schema {schema}")

    def build(self) -> SchemaIR:
        models = [self.model_def(m) for m in sorted(self.data.models, key=lambda m: m.class_info.name)]
        taken = {m.name for m in models} | self.enum_names
        for members, name in sorted(self.union_models.items(), key=lambda kv: kv[1]):
            if name in taken:
                raise CodegenError(f"oneOf component {name} collides with a model or enum name")
            models.append(self.merged_model(name, members))
        models.sort(key=lambda m: m.name)
        enums = [self.enum_def(e) for e in sorted(self.data.enums, key=lambda e: e.class_info.name)]
        enums = sorted(enums + self.null_enum(), key=lambda e: e.name)
        aliases = self.wrapper_aliases({m.name for m in models} | {e.name for e in enums})
        modules = [m.module for m in models] + [e.module for e in enums] + [a.module for a in aliases]
        if len(modules) != len(set(modules)):
            dup = sorted({m for m in modules if modules.count(m) > 1})
            raise CodegenError(f"module name collision among models/enums: {dup}")
        apis: dict[str, ApiDef] = {}
        for tag_id, coll in self.data.endpoint_collections_by_tag.items():
            for ep in coll.endpoints:
                path = ep.path.get_untrusted_value() if hasattr(ep.path, "get_untrusted_value") else str(ep.path)
                raw_tags = self.doc["paths"][path][ep.method].get("tags") or [str(tag_id)]
                tag = str(raw_tags[0])
                api = apis.setdefault(tag, ApiDef(tag, camel(tag) + "Api", snake(tag) + "_api", snake(tag) + "_api"))
                api.operations.append(self.operation(ep, snake(tag)))
        for api in apis.values():
            api.operations.sort(key=lambda o: o.method_name)
            names = [o.method_name for o in api.operations]
            if len(names) != len(set(names)):
                raise CodegenError(f"{api.class_name}: duplicate method names {names}")
        info = self.doc.get("info", {})
        return SchemaIR(
            title=str(info.get("title", "")),
            version=str(info.get("version", "")),
            models=models,
            enums=enums,
            apis=sorted(apis.values(), key=lambda a: a.tag),
            aliases=aliases,
        )


def build_ir(document: dict[str, Any], origin: str = "schema") -> SchemaIR:
    """Parse a schema document and return the intermediate form the templates render."""
    return _Builder(document, parse(document, origin)).build()
