"""The pieces of a dataset: samples, their annotations and media, and the policies."""

from __future__ import annotations

import abc
from enum import Enum, auto
from typing import TYPE_CHECKING

import attrs

from ..core.exceptions import CvatSdkException

if TYPE_CHECKING:
    import PIL.Image
    from cvat_api import models


class UnsupportedDatasetError(CvatSdkException):
    """The task (or the asked combination of options) cannot be represented as a dataset."""


@attrs.frozen
class FrameAnnotations:
    """The annotations of one frame."""

    tags: list[models.LabeledImage] = attrs.Factory(list)
    shapes: list[models.LabeledShape] = attrs.Factory(list)


class MediaElement(metaclass=abc.ABCMeta):
    """The media of a sample."""

    @abc.abstractmethod
    def load_image(self) -> PIL.Image.Image:
        """The frame as a PIL image. As with `PIL.Image.open`, its pixels are decoded when first
        used; the encoded frame is held in memory, so no file stays open."""


@attrs.frozen
class Sample:
    """One frame of a task."""

    frame_index: int
    """The frame's number in its task."""

    frame_name: str
    """The frame's file name in its task (for video tasks, the video's)."""

    annotations: FrameAnnotations | None
    """The frame's annotations; None when the dataset was made without annotations."""

    media: MediaElement
    """The frame's media."""


class MediaDownloadPolicy(Enum):
    """When media is downloaded."""

    PRELOAD_ALL = auto()
    """All media is downloaded into the cache when the dataset is made."""

    FETCH_FRAMES_ON_DEMAND = auto()
    """Each frame is fetched from the server when its image is loaded (nothing is cached)."""
