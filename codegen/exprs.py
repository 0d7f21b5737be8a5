"""Python source fragments for a TypeRef: annotations, JSON->Python and Python->JSON expressions.

Generated models convert values with straight-line code built here (no runtime reflection).
Model and enum classes are reached through the lazily loading `models` package, imported as `_m`.
"""

from __future__ import annotations

from .ir import CodegenError, TypeRef

_SCALARS = {"str": "str", "int": "int", "float": "float", "bool": "bool", "any": "Any", "none": "None"}


def annotation(t: TypeRef, *, accept_input: bool = False) -> str:
    """The annotation of a value of this type; `accept_input` widens models to mappings and enums to str."""
    if t.kind in _SCALARS:
        return _SCALARS[t.kind]
    if t.kind == "datetime":
        return "datetime.datetime | str" if accept_input else "datetime.datetime"
    if t.kind == "date":
        return "datetime.date | str" if accept_input else "datetime.date"
    if t.kind == "file":
        return "FileInput"
    if t.kind == "model":
        return f"{t.name} | Mapping[str, Any]" if accept_input else str(t.name)
    if t.kind == "enum":
        return f"{t.name} | str" if accept_input else str(t.name)
    if t.kind == "list":
        assert t.inner
        inner = annotation(t.inner, accept_input=accept_input)
        return f"Sequence[{inner}]" if accept_input else f"list[{inner}]"
    if t.kind == "dict":
        assert t.inner
        return f"dict[str, {annotation(t.inner, accept_input=accept_input)}]"
    if t.kind == "nullable":
        assert t.inner
        return f"{annotation(t.inner, accept_input=accept_input)} | None"
    raise CodegenError(f"no annotation for {t}")


def referenced_names(t: TypeRef) -> set[str]:
    """Model and enum class names a type mentions (for TYPE_CHECKING imports)."""
    if t.kind in ("model", "enum") and t.name:
        return {t.name}
    return referenced_names(t.inner) if t.inner else set()


def uses_datetime(t: TypeRef) -> bool:
    return t.kind in ("datetime", "date") or (t.inner is not None and uses_datetime(t.inner))


def uses_models(t: TypeRef) -> bool:
    return t.kind in ("model", "enum") or (t.inner is not None and uses_models(t.inner))


_CHECKED = ("str", "int", "float", "bool")


def parse_expr(t: TypeRef, var: str, depth: int = 0, *, coerce: bool = False, where: str = "") -> str:
    """An expression turning the decoded-JSON value in `var` into the Python value of type `t`.

    With `coerce`, the value may already be of type `t` (constructor arguments): models pass
    through unchanged, mappings become models, sequences become lists, and scalars are
    type-checked (`where` names the field in the error).
    """
    if coerce and t.kind in _CHECKED:
        return f"_check_scalar({var}, {t.kind}, {where!r})"
    if t.kind in _SCALARS or t.kind == "file":
        return var
    if t.kind == "datetime":
        return f"_parse_datetime({var})"
    if t.kind == "date":
        return f"_parse_date({var})"
    if t.kind == "enum":
        return f"_m.{t.name}({var})"
    if t.kind == "model":
        return f"_m.{t.name}.{'coerce' if coerce else 'from_dict'}({var})"
    assert t.inner is not None
    item = f"i{depth}"
    inner = parse_expr(t.inner, item, depth + 1, coerce=coerce, where=where)
    if t.kind == "list":
        if inner == item:
            return f"list({var})" if coerce else var
        return f"[{inner} for {item} in {var}]"
    if t.kind == "dict":
        if inner == item:
            return f"dict({var})" if coerce else var
        return f"{{k{depth}: {inner} for k{depth}, {item} in {var}.items()}}"
    if t.kind == "nullable":
        inner = parse_expr(t.inner, var, depth, coerce=coerce, where=where)
        return var if inner == var else f"None if {var} is None else {inner}"
    raise CodegenError(f"no parse expression for {t}")


def dump_expr(t: TypeRef, var: str, depth: int = 0) -> str:
    """An expression turning the Python value in `var` (or a plain JSON-like value) into JSON data."""
    if t.kind in _SCALARS or t.kind in ("file", "enum"):
        return var  # enums are str/int subclasses: JSON encoders write their value
    if t.kind in ("datetime", "date"):
        return f"_dump_temporal({var})"
    if t.kind == "model":
        return f"_dump_model({var})"
    assert t.inner is not None
    item = f"i{depth}"
    inner = dump_expr(t.inner, item, depth + 1)
    if t.kind == "list":
        return var if inner == item else f"[{inner} for {item} in {var}]"
    if t.kind == "dict":
        return var if inner == item else f"{{k{depth}: {inner} for k{depth}, {item} in {var}.items()}}"
    if t.kind == "nullable":
        inner = dump_expr(t.inner, var, depth)
        return var if inner == var else f"None if {var} is None else {inner}"
    raise CodegenError(f"no dump expression for {t}")


def response_annotation(kind: str, model: str | None) -> str:
    return {
        "none": "None",
        "model": str(model),
        "list": f"list[{model}]",
        "json": "Any",
        "auto": "Any",
        "binary": "bytes",
        "json_or_binary": f"{model} | bytes",
    }[kind]
