"""`CLI`: the session object of cvat-cli 2.17, kept for code written against that release.

In cvat-cli 2.17 the commands had no resource level (`cvat-cli ls`, `create`, `dump`, ...), and
`__main__.main` ran each as a method of `CLI(client, credentials)`. Here those commands are the
`task` commands under their old names (see `_internal/parser.py`); their session is still opened
by this class, whose constructor logs in and checks the server version as 2.17's did. The
`tasks_*` methods are 2.17's, for scripts that drive the class themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._internal.auto_annotate import load_function
from ._internal.commands_tasks import split_create_params
from ._internal.output import print_listing
from ._internal.progress import make_reporter

if TYPE_CHECKING:
    from cvat_sdk import Client

__all__ = ["CLI"]


class CLI:
    """Logs `client` in with `credentials` (None: the client already authenticates, e.g. with an
    access token) and warns if the server is not a version this set supports."""

    def __init__(self, client: Client, credentials: tuple[str, str] | None) -> None:
        self.client = client
        if credentials is not None:
            self.client.login(credentials)
        self.client.check_server_version(fail_if_unsupported=False)

    def tasks_list(self, *, use_json_output: bool = False, **kwargs: Any) -> None:
        """Print the tasks' ids, one a line, or the tasks as JSON."""
        items = self.client.tasks.list(return_json=True, **kwargs)
        print_listing(items, mode="json" if use_json_output else "ids", columns=())

    def tasks_create(
        self,
        name: str,
        labels: Sequence[Mapping[str, Any]],
        resources: Sequence[str],
        *,
        resource_type: Any = "local",
        annotation_path: str = "",
        annotation_format: str = "CVAT XML 1.1",
        status_check_period: float = 2,
        **kwargs: Any,
    ) -> None:
        """Create a task with these labels from the files; other keywords are task fields
        (`bug_tracker`, `project_id`, ...) or data parameters (`image_quality`, `frame_step`, ...)."""
        from cvat_sdk.core.proxies.tasks import ResourceType

        task_params, data_params = split_create_params(kwargs)
        kind = resource_type if isinstance(resource_type, ResourceType) else ResourceType[str(resource_type).upper()]
        task = self.client.tasks.create_from_data(
            {"name": name, "labels": list(labels), **task_params},
            resources,
            resource_type=kind,
            data_params=data_params,
            annotation_path=annotation_path,
            annotation_format=annotation_format,
            status_check_period=status_check_period,
            pbar=make_reporter(enabled=True),
        )
        print("Created task id", task.id)

    def tasks_delete(self, task_ids: Sequence[int]) -> None:
        """Delete tasks; those that do not exist are skipped."""
        self.client.tasks.remove_by_ids(task_ids)

    def tasks_frames(
        self, task_id: int, frame_ids: Sequence[int], *, outdir: str = "", quality: str = "original"
    ) -> None:
        """Save frames as task_<ID>_frame_<FRAME>.<ext> in `outdir` (default: the current folder)."""
        self.client.tasks.retrieve(task_id).download_frames(
            frame_ids,
            outdir=outdir or ".",
            quality=quality,
            filename_pattern=f"task_{task_id}" + "_frame_{frame_id:06d}{frame_ext}",
        )

    def tasks_dump(
        self,
        task_id: int,
        fileformat: str,
        filename: str,
        *,
        status_check_period: float = 2,
        include_images: bool = False,
    ) -> None:
        """Export a task as a dataset in `fileformat` (e.g. 'YOLO 1.1')."""
        self.client.tasks.retrieve(task_id).export_dataset(
            fileformat,
            filename,
            include_images=include_images,
            status_check_period=status_check_period,
            pbar=make_reporter(enabled=True),
        )

    def tasks_upload(self, task_id: int, fileformat: str, filename: str, *, status_check_period: float = 2) -> None:
        """Import annotations in `fileformat` into a task."""
        self.client.tasks.retrieve(task_id).import_annotations(
            fileformat, filename, status_check_period=status_check_period, pbar=make_reporter(enabled=True)
        )

    def tasks_export(self, task_id: int, filename: str, *, status_check_period: float = 2) -> None:
        """Download a task backup."""
        self.client.tasks.retrieve(task_id).download_backup(
            filename, status_check_period=status_check_period, pbar=make_reporter(enabled=True)
        )

    def tasks_import(self, filename: str, *, status_check_period: float = 2) -> None:
        """Create a task from a backup file."""
        self.client.tasks.create_from_backup(
            filename, status_check_period=status_check_period, pbar=make_reporter(enabled=True)
        )

    def tasks_auto_annotate(
        self,
        task_id: int,
        *,
        function_module: str | None = None,
        function_file: Path | None = None,
        function_parameters: Mapping[str, Any] | None = None,
        clear_existing: bool = False,
        allow_unmatched_labels: bool = False,
    ) -> None:
        """Annotate a task with a function from a module or a file (see `task auto-annotate`)."""
        import cvat_sdk.auto_annotation as cvataa

        function = load_function(function_module, function_file, function_parameters or {})
        cvataa.annotate_task(
            self.client,
            task_id,
            function,  # type: ignore[arg-type]
            pbar=make_reporter(enabled=True),
            clear_existing=clear_existing,
            allow_unmatched_labels=allow_unmatched_labels,
        )
