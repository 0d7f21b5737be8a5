"""The command line of the official cvat-cli 2.17 (commands without a resource level), accepted
as it was: every command with every option of 2.17's parser, with the meaning 2.17 gave it, runs
the matching `task` command; and the 2.17 module layout (`cvat_cli.cli.CLI`). No server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cvat_cli._internal.parser import build_parser

# (2.17 command line, what it means, the `task` command it runs); written from 2.17's parser
LEGACY_217: list[tuple[list[str], dict[str, Any], str]] = [
    (
        [
            "create", "my task", "LOCAL", "a.png", "b.png", "--annotation_path", "ann.xml",
            "--annotation_format", "COCO 1.0", "--bug_tracker", "http://bugs/1", "--chunk_size", "8",
            "--completion_verification_period", "0.5", "--copy_data", "--frame_step", "2", "--image_quality", "50",
            "--labels", '[{"name": "car"}]', "--project_id", "3", "--overlap", "1", "--segment_size", "4",
            "--sorting-method", "natural", "--start_frame", "1", "--stop_frame", "5", "--use_cache",
            "--use_zip_chunks", "--cloud_storage_id", "7", "--filename_pattern", "*.png",
        ],
        {
            "name": "my task", "resource_type": "local", "resources": ["a.png", "b.png"], "annotation_path": "ann.xml",
            "annotation_format": "COCO 1.0", "bug_tracker": "http://bugs/1", "chunk_size": 8,
            "status_check_period": 0.5, "copy_data": True, "frame_step": 2, "image_quality": 50,
            "labels": [{"name": "car"}], "project_id": 3, "overlap": 1, "segment_size": 4, "sorting_method": "natural",
            "start_frame": 1, "stop_frame": 5, "use_cache": True, "use_zip_chunks": True, "cloud_storage_id": 7,
            "filename_pattern": "*.png",
        },
        "create",
    ),
    (["create", "t", "share", "x/", "--bug", "http://b"], {"resource_type": "share", "bug_tracker": "http://b"}, "create"),
    (["delete", "1", "2"], {"ids": [1, 2]}, "delete"),
    (["ls"], {"output": "ids"}, "ls"),
    (["ls", "--json"], {"output": "json"}, "ls"),
    (
        ["frames", "5", "0", "1", "--outdir", "out", "--quality", "compressed"],
        {"task_id": 5, "frame_ids": [0, 1], "outdir": "out", "quality": "compressed"},
        "frames",
    ),
    (["frames", "5", "0"], {"outdir": "", "quality": "original"}, "frames"),
    (
        ["dump", "5", "d.zip", "--format", "COCO 1.0", "--completion_verification_period", "1", "--with-images", "yes"],
        {"task_id": 5, "filename": "d.zip", "fileformat": "COCO 1.0", "status_check_period": 1.0, "include_images": True},
        "export-dataset",
    ),
    (["dump", "5", "d.zip"], {"fileformat": "CVAT for images 1.1", "include_images": False}, "export-dataset"),
    (
        ["upload", "5", "a.zip", "--format", "COCO 1.0"],
        {"task_id": 5, "filename": "a.zip", "fileformat": "COCO 1.0"},
        "import-dataset",
    ),
    (["upload", "5", "a.xml"], {"fileformat": "CVAT 1.1"}, "import-dataset"),
    (
        ["export", "5", "b.zip", "--completion_verification_period", "3"],
        {"task_id": 5, "filename": "b.zip", "status_check_period": 3.0},
        "backup",
    ),
    (["import", "b.zip", "--completion_verification_period", "3"], {"filename": "b.zip", "status_check_period": 3.0}, "create-from-backup"),  # fmt: skip
    (
        [
            "auto-annotate", "5", "--function-module", "pkg.fn", "-p", "s=str:x", "--function-parameter", "n=int:2",
            "--clear-existing", "--allow-unmatched-labels",
        ],
        {
            "task_id": 5, "function_module": "pkg.fn", "function_file": None, "function_parameters": {"s": "x", "n": 2},
            "clear_existing": True, "allow_unmatched_labels": True,
        },
        "auto-annotate",
    ),
    (["auto-annotate", "5", "--function-file", "f.py"], {"function_file": Path("f.py"), "function_parameters": {}}, "auto-annotate"),  # fmt: skip
]  # fmt: skip
GLOBAL_217 = [
    "--auth", "alice:secret", "--server-host", "http://cvat.local", "--server-port", "8080", "--organization", "org",
    "--insecure", "--debug",
]  # fmt: skip


@pytest.mark.parametrize(("argv", "meaning", "target"), LEGACY_217, ids=[" ".join(c[0][:2]) for c in LEGACY_217])
def test_the_217_command_line_means_what_it_meant(argv: list[str], meaning: dict[str, Any], target: str) -> None:
    parsed = build_parser().parse_args([*GLOBAL_217, *argv])
    assert {k: getattr(parsed, k) for k in meaning} == meaning
    assert (parsed.auth, parsed.server_host, parsed.server_port) == (("alice", "secret"), "http://cvat.local", 8080)
    assert (parsed.organization, parsed.insecure, parsed.debug) == ("org", True, True)
    # it runs the `task` command, and says it once
    task = build_parser().parse_args(["task", target, *argv[1:]])
    assert parsed.handler is task.handler and parsed.deprecated_alias_of == f"task {target}"


def test_the_217_org_option_and_module_layout() -> None:
    assert build_parser().parse_args(["--org", "", "ls"]).organization == ""
    from cvat_cli.__main__ import main
    from cvat_cli.cli import CLI

    assert callable(main)
    for method in ("list", "create", "delete", "frames", "dump", "upload", "export", "import", "auto_annotate"):
        assert callable(getattr(CLI, f"tasks_{method}"))
