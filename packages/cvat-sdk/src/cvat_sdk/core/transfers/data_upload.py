"""DataUploader: many local files into a task's data endpoint, in parallel, streamed from disk.

Upload-Start, then the jobs of `planning.plan_jobs` on up to `max_workers` threads (small files
in Upload-Multiple groups, big ones over TUS, all between the one Start/Finish pair), then
Upload-Finish with the data parameters as JSON.

Resending a group: CVAT appends each received file to the stored one and records it in a table
that refuses duplicates (a second copy of a stored group is answered 500 and changes nothing).
So a group is resent as it is only when the server cannot have acted on it (see
`cvat_api.Verdict`). When it may have (the answer was lost), each of its files is checked with
a TUS create request: the server answers 409 for a file it has, otherwise the file is sent by
TUS. Nothing is stored twice either way.
"""

from __future__ import annotations

import enum
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import cvat_api
from cvat_api import Verdict
from cvat_api.exceptions import TransportError

from ..progress import ProgressReporter
from .bodies import FilePart, MultipartBody
from .dialect import UPLOAD_MULTIPLE, finish_upload, start_upload
from .parallel import run_ordered
from .planning import Group, Job, LocalFile, Single, check_files, plan_jobs
from .reporting import SharedProgress
from .transport import TransferComponent, Transport
from .tus import TusUpload

DEFAULT_IMAGE_QUALITY = 70


class DataUploader(TransferComponent):
    """Uploads local files as a task's data (`/api/tasks/<id>/data/`)."""

    def upload_files(
        self,
        url: str,
        files: Sequence[str | os.PathLike[str]],
        *,
        data_params: Mapping[str, Any],
        pbar: ProgressReporter | None = None,
    ) -> cvat_api.ApiResponse:
        """Upload-Start, groups/TUS in parallel, Upload-Finish with `data_params` as JSON.

        Returns the finish answer (202, `{"rq_id": ...}`). `url` is the task's data endpoint,
        host-relative (`/api/tasks/5/data/`) or absolute. With `sorting_method="predefined"`,
        `upload_file_order` (the basenames in the given order) is added unless given. Missing
        files or files with the same name are reported before anything is sent.
        """
        local = check_files(files)
        params = dict(data_params)
        if _is_predefined(params.get("sorting_method")):
            params.setdefault("upload_file_order", [f.name for f in local])
        quality = params.get("image_quality", DEFAULT_IMAGE_QUALITY)
        jobs = plan_jobs(local, self.settings)
        transport = Transport(self.api_client, self.settings, self.logger, threading.Event())
        progress = SharedProgress(pbar)
        names = [str(f.path) for f in local]
        self.logger.debug(
            "Uploading %d files (%d bytes) to %s: %d requests on %d workers",
            len(local),
            sum(f.size for f in local),
            url,
            len(jobs),
            transport.max_workers,
        )

        def run(job: Job) -> None:
            if isinstance(job, Single):
                _send_by_tus(transport, progress, url, job.file)
            else:
                _send_group(transport, progress, url, job, quality)

        with progress.reporter.task(
            total=sum(f.size for f in local),
            desc=f"Uploading {len(local)} file{'s' if len(local) != 1 else ''}",
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
        ):
            start_upload(transport, url, filenames=names)
            run_ordered(run, jobs, max_workers=transport.max_workers, cancel=transport.cancel)
            return finish_upload(transport, url, fields=params, filenames=names)


def _is_predefined(sorting_method: Any) -> bool:
    value = sorting_method.value if isinstance(sorting_method, enum.Enum) else sorting_method
    return str(value).lower() == "predefined"


def _send_by_tus(
    transport: Transport, progress: SharedProgress, url: str, f: LocalFile, *, recheck: bool = False
) -> None:
    TusUpload(
        transport,
        url,
        f.path,
        f.size,
        name=f.name,
        account=progress.account(),
        existing_ok=recheck,
        names_unique=True,
    ).run()


def _send_group(transport: Transport, progress: SharedProgress, url: str, group: Group, quality: Any) -> None:
    """One Upload-Multiple request (resent while the server cannot have acted on it)."""
    what = f"Uploading {_describe(group)}"
    retrier = transport.retrier(what, [str(f.path) for f in group.files])
    account = progress.account()
    parts = [FilePart(f"client_files[{i}]", f.path, f.size, f.name) for i, f in enumerate(group.files)]
    while True:
        account.reset()
        body = MultipartBody({"image_quality": str(quality)}, parts, on_read=account.add, cancel=transport.cancel)
        headers = {UPLOAD_MULTIPLE: "", "Content-Type": body.content_type}
        try:
            response = transport.send("POST", url, headers=headers, body=body)
        except TransportError as e:
            failure = transport.failure_from_exception(e, body_sent=body.fully_read, local_error=body.local_error)
        else:
            if 200 <= response.status < 300:
                response.close()
                account.set_to(group.size)
                return
            failure = transport.failure_from_response(response)
        finally:
            body.close()
        if failure.verdict is Verdict.AMBIGUOUS:
            transport.logger.warning(
                "%s: no answer (%s); the server may have stored the files, checking them one by one",
                what,
                failure.error,
            )
            account.reset()
            for f in group.files:
                _send_by_tus(transport, progress, url, f, recheck=True)
            return
        retrier.retry_or_raise(failure)


def _describe(group: Group) -> str:
    names = ", ".join(str(f.path) for f in group.files[:3])
    more = f" and {len(group.files) - 3} more" if len(group.files) > 3 else ""
    return f"{len(group.files)} file{'s' if len(group.files) != 1 else ''} ({names}{more})"
