"""`python -m codegen`: generate cvat-api (and the cvat-sdk skeletons) from a CVAT schema."""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

from .ir import CodegenError, build_ir
from .render import GENERATED_DIRS, render
from .source import REPO_ROOT, SchemaSourceError, load_external, load_manifest, load_pinned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("--version", help="a pinned server version from schema/manifest.json (default: the main one)")
    parser.add_argument("--schema", help="generate from this file or http(s) URL instead of a pinned version")
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT, help="root to write packages/... under (default: the repo)"
    )
    parser.add_argument("--check", action="store_true", help="compare with the tree under --out instead of writing")
    args = parser.parse_args(argv)
    try:
        source = load_external(args.schema) if args.schema else load_pinned(args.version or load_manifest()["main"])
        ir = build_ir(source.document, source.origin)
        output = render(ir, source)
    except (SchemaSourceError, CodegenError) as e:
        print(f"codegen: error: {e}", file=sys.stderr)
        return 2
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            output.write(Path(tmp))
            diffs = _diff_trees(Path(tmp), args.out)
        for d in diffs:
            print(f"codegen: differs: {d}", file=sys.stderr)
        return 1 if diffs else 0
    output.write(args.out)
    print(
        f"codegen: CVAT {source.version} ({source.origin}, sha256 {source.sha256[:12]}…): "
        f"{len(ir.models)} models, {len(ir.enums)} enums, {len(ir.apis)} APIs, "
        f"{ir.operation_count} operations -> {len(output.files)} files"
    )
    return 0


def _diff_trees(new_root: Path, old_root: Path) -> list[str]:
    diffs = []
    for d in GENERATED_DIRS:
        new_files = {p.relative_to(new_root) for p in (new_root / d).rglob("*") if p.is_file()}
        old_files = {p.relative_to(old_root) for p in (old_root / d).rglob("*.py") if p.is_file()}
        for rel in sorted(new_files | old_files):
            a, b = new_root / rel, old_root / rel
            if not a.exists() or not b.exists() or not filecmp.cmp(a, b, shallow=False):
                diffs.append(str(rel))
    return diffs


if __name__ == "__main__":
    sys.exit(main())
