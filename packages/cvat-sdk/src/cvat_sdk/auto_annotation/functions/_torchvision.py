"""The common part of the torchvision-based functions: loading the model, its spec."""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any

import torch  # type: ignore[import-not-found,unused-ignore]
import torchvision.models  # type: ignore[import-untyped,import-not-found]

from .. import interface as cvataa
from ..exceptions import BadFunctionError


class TorchvisionFunction:
    """A detection function around a torchvision model, in eval mode on the CPU.

    `weights_name` is a member of the model's weights enum ("DEFAULT", "COCO_V1", ...), or None
    for random weights: then nothing is downloaded (the backbone is random too, unless
    `weights_backbone` is given) and the labels are those of the model's default weights.
    `kwargs` go to the model builder.
    """

    _label_type = "any"

    def __init__(self, model_name: str, weights_name: str | None = "DEFAULT", **kwargs: Any) -> None:
        weights_enum = torchvision.models.get_model_weights(model_name)
        if weights_name is None:
            self._weights = weights_enum.DEFAULT  # for the labels and the input transform only
            builder = torchvision.models.get_model_builder(model_name)
            params = inspect.signature(builder).parameters
            defaults = {"weights_backbone": None, "num_classes": len(self._weights.meta["categories"])}
            if "num_keypoints" in params and "keypoint_names" in self._weights.meta:
                defaults["num_keypoints"] = len(self._weights.meta["keypoint_names"])
            kwargs = {**{k: v for k, v in defaults.items() if k in params}, **kwargs}
            model_weights = None
        else:
            try:
                self._weights = weights_enum[weights_name]
            except KeyError:
                raise ValueError(
                    f"model {model_name!r} has no weights {weights_name!r}; it has {', '.join(weights_enum.__members__)}"
                ) from None
            model_weights = self._weights
        self._transforms = self._weights.transforms()
        self._model = torchvision.models.get_model(model_name, weights=model_weights, **kwargs)
        self._model.eval()

    @cached_property
    def spec(self) -> cvataa.DetectionFunctionSpec:
        return cvataa.DetectionFunctionSpec(
            labels=[
                cvataa.label_spec(name, index, type=self._label_type)
                for index, name in enumerate(self._weights.meta["categories"])
                if name != "N/A"
            ]
        )

    def _infer(self, image: Any) -> list[dict[str, Any]]:
        with torch.inference_mode():
            result: list[dict[str, Any]] = self._model([self._transforms(image.convert("RGB"))])
        return result

    def _objects(self, image: Any, context: cvataa.DetectionFunctionContext, fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:  # fmt: skip
        """The `fields` of each object the model finds on `image`, for those scoring at least the
        context's conf_threshold. An output without "scores" (a wrapped or stand-in model) keeps
        every object when no threshold is asked, as the official functions did before 2.23."""
        threshold = context.conf_threshold
        for result in self._infer(image):
            scores = result.get("scores")
            if scores is None:
                if threshold:
                    raise BadFunctionError("the model gives no scores, so conf_threshold cannot be applied")
                scores = [1.0] * len(result[fields[0]])
            for *values, score in zip(*(result[f] for f in fields), scores, strict=True):
                if score >= (threshold or 0):
                    yield tuple(values)
