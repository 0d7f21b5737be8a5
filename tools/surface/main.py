"""The official low-level surface, diffed mechanically (`make surface`, also run by `make compat`).

    main.py dump --out FILE          list the surface of the installed cvat_sdk/cvat_cli (any venv)
    main.py check LISTING            compare this tree's packages with a listing; exit 1 on a
                                     difference that accepted.toml does not accept
    main.py run --version 2.42.0     install the official packages of that version into
                                     .compat/surface-<version> (once), list them into
                                     tools/surface/official-<version>.json, check this tree's set
                                     of that version (generated into a temporary tree if not main)

A listing maps each public path under `cvat_sdk` and `cvat_cli` to its kind, signature, plain value,
exception bases, declared fields or accepted keyword arguments, plus what a set of probes (misuse
the official package answers with a given exception) raises. The check compares every path of the
listing with the same path of ours: missing names, different kinds, signatures that reject a call
the official accepts, different values, and exceptions that are not the official class (or a
subclass) for the same probe.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import probes  # noqa: E402
import walk  # noqa: E402

ACCEPTED = HERE / "accepted.toml"


def listing_path(version: str) -> Path:
    return HERE / f"official-{version}.json"


def dump(out: Path) -> None:
    import cvat_sdk  # type: ignore[import-untyped,unused-ignore]

    entries, broken = walk.walk()
    data = {
        "version": getattr(cvat_sdk, "__version__", None) or _version(),
        "unimportable": broken,
        "probes": probes.run_all(),
        "entries": entries,
    }
    lines = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in sorted(entries.items()))
    head = json.dumps({k: v for k, v in data.items() if k != "entries"}, indent=1, sort_keys=True)
    out.write_text(head[:-2] + ',\n "entries": {\n' + lines + "\n }\n}\n")


def _version() -> str:
    from cvat_sdk.version import VERSION  # type: ignore[import-untyped,unused-ignore]

    return str(VERSION)


# ---- comparison -------------------------------------------------------------------------------


def signature_differences(official: list[list[Any]] | None, ours: list[list[Any]] | None) -> list[str]:
    """Ways in which a call that the official signature accepts is refused by ours (or differs)."""
    if official is None or ours is None:
        return [] if official is None else ["ours has no inspectable signature"]
    out = []
    o_params = [p for p in official if p[0] not in ("self", "cls")]
    s_params = [p for p in ours if p[0] not in ("self", "cls")]
    positional = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")
    s_pos = [p for p in s_params if p[1] in positional]
    s_names = {p[0]: p for p in s_params if p[1] in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")}
    s_varargs = any(p[1] == "VAR_POSITIONAL" for p in s_params)
    s_varkw = any(p[1] == "VAR_KEYWORD" for p in s_params)
    o_names = set()
    for i, (name, kind, _, _) in enumerate(p for p in o_params if p[1] in positional):
        if i >= len(s_pos) and not s_varargs:
            out.append(f"positional argument {i + 1} ({name}) is refused")
        elif i < len(s_pos) and s_pos[i][0] != name and kind == "POSITIONAL_OR_KEYWORD":
            out.append(f"positional argument {i + 1} is {s_pos[i][0]!r}, officially {name!r}")
    for name, kind, has_default, default in o_params:
        if kind in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY"):
            o_names.add(name)
            mine = s_names.get(name)
            if mine is None and not s_varkw:
                out.append(f"keyword {name!r} is refused")
            elif mine is not None and has_default and not mine[2]:
                out.append(f"{name!r} is required, officially optional")
            elif mine is not None and has_default and mine[2] and default != mine[3] and None not in (default, mine[3]):
                out.append(f"{name!r} defaults to {mine[3]!r}, officially {default!r}")
        elif kind == "VAR_POSITIONAL" and not s_varargs:
            out.append("*args are refused")
        elif kind == "VAR_KEYWORD" and not s_varkw:
            out.append("**kwargs are refused")
    o_varkw = any(p[1] == "VAR_KEYWORD" for p in o_params)
    for name, kind, has_default, _ in s_params:
        if (
            kind in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")
            and not has_default
            and name not in o_names
            and not o_varkw
        ):
            out.append(f"ours requires {name!r}, which the official does not take")
    return out


def compare_entry(path: str, official: dict[str, Any]) -> list[str]:
    """Differences at one path, each as 'kind of difference: detail'."""
    try:
        ours = walk.describe(path)
    except LookupError as e:
        return [f"missing: {e}"]
    except Exception as e:  # noqa: BLE001 - importing or reading it fails: as good as missing
        return [f"missing: {type(e).__name__}: {e}"]
    out = []
    o_kind, s_kind = official["kind"], ours["kind"]
    same_kind = o_kind == s_kind or {o_kind, s_kind} <= {"class", "enum"} or {o_kind, s_kind} <= {"method", "function"}
    if not same_kind:
        out.append(f"kind: official {o_kind}, ours {s_kind}")
    if "sig" in official and same_kind:
        out += [f"signature: {d}" for d in signature_differences(official["sig"], ours.get("sig"))]
    if "value" in official and "value" in ours and same_kind and not _value_matches(official["value"], ours["value"]):
        out.append(f"value: official {_short(official['value'])}, ours {_short(ours.get('value', '<not plain data>'))}")
    for base in official.get("bases", []):
        if base.startswith(("cvat_sdk.", "builtins.")):
            try:
                base_cls = walk.resolve(base)[0]
                obj = walk.resolve(path)[0]
            except LookupError:
                out.append(f"bases: no {base} here")
                continue
            if not (isinstance(obj, type) and issubclass(obj, base_cls)):
                out.append(f"bases: not a subclass of {base}")
    missing_fields = sorted(set(official.get("fields", [])) - set(ours.get("fields", [])))
    if missing_fields:
        out.append(f"fields: not declared: {', '.join(missing_fields)}")
    if "alias_of" in official:
        try:
            same = walk.resolve(official["alias_of"])[0] is walk.resolve(path)[0]
        except LookupError:
            same = True  # the defining path is compared (and reported) on its own
        if not same:
            out.append(f"alias: not the same object as {official['alias_of']}")
    for op, params in official.get("operations", {}).items():
        out += [f"operation {op}: {d}" for d in _operation_differences(path, op, params)]
    return out


def _value_matches(official: Any, ours: Any) -> bool:
    """Equal, except that a mapping of ours may hold more keys (a caller reads the official ones)."""
    if isinstance(official, dict) and isinstance(ours, dict):
        return all(k in ours and _value_matches(v, ours[k]) for k, v in official.items())
    return bool(official == ours)


def _operation_differences(path: str, op: str, params: list[str]) -> list[str]:
    try:
        method = walk.resolve(f"{path}.{op}")[0]
    except LookupError:
        return []  # reported at the method's own path
    sig = walk.signature(method) or []
    names = {p[0] for p in sig if p[1] in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")}
    # **kwargs of ours take the official `_` options; every other argument must be a named parameter
    options_ok = any(p[1] == "VAR_KEYWORD" for p in sig)
    return [f"keyword {p!r} is refused" for p in params if p not in names and not (options_ok and p.startswith("_"))]


def compare_probe(official: dict[str, Any]) -> list[str]:
    ours = probes.run_probe(official["code"])
    if "raises" in official:
        want = official["raises"]
        if "raises" not in ours:
            return [f"raises: official {want}, ours returns {_short(ours.get('returns', ours.get('returns_type')))}"]
        try:
            want_cls = walk.resolve(want)[0]
            got_cls = walk.resolve(ours["raises"])[0]
        except LookupError as e:
            return [f"raises: {e}"]
        if not issubclass(got_cls, want_cls):
            return [f"raises: official {want}, ours {ours['raises']} (not a subclass): {ours['message']}"]
        return []
    if "raises" in ours:
        return [f"raises: ours {ours['raises']}, official returns {_short(official.get('returns'))}"]
    if official.get("returns") != ours.get("returns") or official.get("returns_type") != ours.get("returns_type"):
        return [f"returns: official {_short(official.get('returns'))}, ours {_short(ours.get('returns'))}"]
    return []


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) < 120 else text[:117] + "..."


def load_accepted(version: str) -> list[tuple[str, str, str]]:
    """(path pattern, difference pattern, reason) accepted for this version."""
    out = []
    for item in tomllib.loads(ACCEPTED.read_text())["accepted"]:
        if version in item.get("versions", [version]):
            if not item.get("reason", "").strip():
                raise SystemExit(f"accepted.toml: {item['path']!r} has no reason")
            out.append((item["path"], item.get("difference", "*"), item["reason"]))
    return out


def differences(listing: dict[str, Any]) -> dict[str, list[str]]:
    """Every difference of the running packages from a listing, by path (probes as `probe:<name>`)."""
    found: dict[str, list[str]] = {}
    for path, entry in listing["entries"].items():
        if diffs := compare_entry(path, entry):
            found[path] = diffs
    for name, probe in listing["probes"].items():
        if diffs := compare_probe(probe):
            found[f"probe:{name}"] = diffs
    return found


def check(listing_file: Path, *, verbose: bool = False) -> int:
    listing = json.loads(listing_file.read_text())
    version = listing["version"]
    accepted = load_accepted(version)
    used: set[int] = set()
    unaccepted: list[str] = []
    n_accepted = 0
    for path, diffs in sorted(differences(listing).items()):
        for diff in diffs:
            hit = next(
                (
                    i
                    for i, (p, d, _) in enumerate(accepted)
                    if fnmatch.fnmatchcase(path, p) and fnmatch.fnmatchcase(diff, d)
                ),
                None,
            )
            if hit is None:
                unaccepted.append(f"{path}: {diff}")
            else:
                used.add(hit)
                n_accepted += 1
                if verbose:
                    print(f"accepted  {path}: {diff}  ({accepted[hit][2].strip().splitlines()[0]})")
    for line in unaccepted:
        print(f"DIFFERS   {line}")
    for i, (p, d, _) in enumerate(accepted):
        if i not in used:
            print(f"unused acceptance (nothing differs there any more): {p} / {d}")
    print(
        f"official {version} surface: {len(listing['entries'])} paths, {len(listing['probes'])} probes; "
        f"{n_accepted} accepted differences, {len(unaccepted)} not accepted"
    )
    return 1 if unaccepted else 0


# ---- make surface -----------------------------------------------------------------------------


def official_python(version: str, work: Path) -> Path:
    venv = work / f"surface-{version}"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"cvat-sdk=={version}", f"cvat-cli=={version}"], check=True
        )
    return python


def main_version() -> str:
    return str(json.loads((ROOT / "schema" / "manifest.json").read_text())["main"])


def run(version: str, work: Path, *, verbose: bool) -> int:
    python = official_python(version, work)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = listing_path(version)
    subprocess.run([str(python), str(HERE / "main.py"), "dump", "--out", str(out)], check=True, env=env, cwd=work)
    print(f"listed the official {version} surface into {out.relative_to(ROOT)}")
    with tempfile.TemporaryDirectory() as tmp:
        src = ours_tree(version, Path(tmp))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([*src, str(ROOT)])}
        cmd = [sys.executable, str(HERE / "main.py"), "check", str(out), *(["-v"] if verbose else [])]
        return subprocess.run(cmd, env=env, check=False).returncode


def ours_tree(version: str, tmp: Path) -> list[str]:
    """Source folders of this tree's set for `version` (this tree itself for the main version)."""
    packages = ROOT / "packages"
    if version != main_version():
        shutil.copytree(packages, tmp / "packages", ignore=shutil.ignore_patterns("__pycache__"))
        cmd = [sys.executable, "-m", "codegen", "--version", version, "--out", str(tmp)]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        packages = tmp / "packages"
    return [str(packages / p / "src") for p in ("cvat-api", "cvat-sdk", "cvat-cli")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("dump")
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("check")
    p.add_argument("listing", type=Path)
    p.add_argument("-v", "--verbose", action="store_true", help="also print the accepted differences")
    p = sub.add_parser("run")
    p.add_argument("--version", action="append", help="official version(s) [the listed ones]")
    p.add_argument("--work", type=Path, default=ROOT / ".compat")
    p.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out.resolve())
        return 0
    if args.command == "check":
        return check(args.listing, verbose=args.verbose)
    versions = args.version or sorted(p.name[len("official-") : -len(".json")] for p in HERE.glob("official-*.json"))
    args.work.mkdir(parents=True, exist_ok=True)
    return max(run(v, args.work.resolve(), verbose=args.verbose) for v in versions)


if __name__ == "__main__":
    sys.exit(main())
