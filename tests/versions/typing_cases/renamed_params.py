"""Low-level calls whose parameter names differ between pinned schemas: the type-check of each build
must flag the builds marked `# E <versions>` on a line, and only those."""

from __future__ import annotations

from cvat_api import ApiClient


def calls(api_client: ApiClient) -> None:
    api_client.tasks_api.update_annotations(1, labeled_data_request={})  # E 2.17.0
    api_client.tasks_api.update_annotations(1, task_annotations_update_request={})  # E 2.42.0 2.64.0 2.72.0
    api_client.jobs_api.partial_update_data_meta(1, patched_job_data_meta_write_request={})  # E 2.17.0
    api_client.tasks_api.jobs_partial_update_data_meta(1, patched_data_meta_write_request={})  # E 2.42.0 2.64.0 2.72.0
    api_client.tasks_api.retrieve(1, no_such_parameter=1)  # E 2.17.0 2.42.0 2.64.0 2.72.0
    api_client.cloudstorages_api.retrieve_status(1)  # E 2.72.0
