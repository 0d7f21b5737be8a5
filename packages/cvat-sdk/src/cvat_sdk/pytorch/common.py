"""The target half of a PyTorch sample."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ..datasets.common import FrameAnnotations


@attrs.frozen
class Target:
    """The non-image part of a sample."""

    annotations: FrameAnnotations
    """The annotations of the sample's frame."""

    label_id_to_index: Mapping[int, int]
    """Label ids (as in `label_id` of tags and shapes) to class indexes; the same for every sample of a task."""
