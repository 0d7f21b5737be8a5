"""The raw-HTTP floor: the same server work done with plain `requests`, so SDK overhead is visible.

Sequential, no retries, polling every 50 ms: the least a client can do for each operation.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests


class RawSession:
    """A logged-in `requests` session with the CSRF header and Origin CVAT wants."""

    def __init__(self, host: str, user: str, password: str) -> None:
        self.host = host.rstrip("/")
        self.s = requests.Session()
        r = self.s.post(f"{self.host}/api/auth/login", json={"username": user, "password": password}, timeout=60)
        r.raise_for_status()
        self.s.headers.update({"X-CSRFToken": self.s.cookies["csrftoken"], "Origin": self.host})

    def _wait(self, rq_id: str) -> dict[str, Any]:
        while True:
            r = self.s.get(f"{self.host}/api/requests/{rq_id}", timeout=60)
            r.raise_for_status()
            body: dict[str, Any] = r.json()
            if body["status"] in ("finished", "failed"):
                return body
            time.sleep(0.05)

    def create_task(self, spec: dict[str, Any], files: list[Path]) -> float:
        t0 = time.perf_counter()
        task = self.s.post(f"{self.host}/api/tasks", json=spec, timeout=60).json()
        url = f"{self.host}/api/tasks/{task['id']}/data/"
        self.s.post(url, headers={"Upload-Start": "true"}, timeout=60).raise_for_status()
        group: list[Path] = []
        size = 0
        for f in [*files, None]:
            if f is None or (group and size + f.stat().st_size > 100 * 2**20):
                parts = [(f"client_files[{i}]", (p.name, p.read_bytes())) for i, p in enumerate(group)]
                self.s.post(
                    url, headers={"Upload-Multiple": "true"}, data={"image_quality": 70}, files=parts, timeout=600
                ).raise_for_status()
                group, size = [], 0
            if f is not None:
                group.append(f)
                size += f.stat().st_size
        rq = self.s.post(url, headers={"Upload-Finish": "true"}, json={"image_quality": 70}, timeout=60).json()
        self._wait(rq["rq_id"])
        self.s.get(f"{self.host}/api/tasks/{task['id']}", timeout=60).raise_for_status()
        seconds = time.perf_counter() - t0
        self.s.delete(f"{self.host}/api/tasks/{task['id']}", timeout=60)
        return seconds

    def download_frames(self, task_id: int, frames: int) -> float:
        t0 = time.perf_counter()
        for n in range(frames):
            r = self.s.get(
                f"{self.host}/api/tasks/{task_id}/data/",
                params={"type": "frame", "number": n, "quality": "original"},
                timeout=60,
            )
            r.raise_for_status()
            _ = r.content
        return time.perf_counter() - t0

    def list_tasks(self) -> float:
        t0 = time.perf_counter()
        self.s.get(f"{self.host}/api/tasks", params={"page_size": "all"}, timeout=120).raise_for_status()
        return time.perf_counter() - t0

    def export(self, task_id: int) -> float:
        t0 = time.perf_counter()
        r = self.s.post(
            f"{self.host}/api/tasks/{task_id}/dataset/export",
            params={"format": "CVAT for images 1.1", "save_images": "true"},
            timeout=60,
        )
        body = self._wait(r.json()["rq_id"])
        self.s.get(body["result_url"], timeout=600).raise_for_status()
        return time.perf_counter() - t0
