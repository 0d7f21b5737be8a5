"""Which official release's behaviour this set follows, where official releases changed behaviour
that the server's schema does not show.

Each set (cvat-sdk built for CVAT X.Y) behaves as the official cvat-sdk X.Y wherever a caller could
notice the difference; `official_since("2.27")` is true in the sets for CVAT 2.27 and later.
"""

from __future__ import annotations

import functools

import cvat_api
import packaging.version as pv


@functools.cache
def official_since(release: str) -> bool:
    """Whether this set is for a CVAT release at or after `release` (e.g. "2.27")."""
    return pv.Version(cvat_api.SCHEMA_VERSION) >= pv.Version(release)
