"""`task auto-annotate`: run an auto-annotation function locally on a task's frames.

Also the function loading shared with commands that take a function: `add_function_arguments`
(`--function-module` | `--function-file`, `-p NAME=TYPE:VALUE`) and `load_function`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .args import non_negative_int, parse_bool
from .common import CommandContext
from .errors import CliError

if TYPE_CHECKING:
    from cvat_sdk.auto_annotation import AutoAnnotationFunction

    from .resources import Subparsers

_PARAMETER_TYPES = ("int", "float", "str", "bool")


def parse_function_parameter(text: str) -> tuple[str, Any]:
    """`NAME=TYPE:VALUE` (TYPE: int, float, str or bool) -> (NAME, typed VALUE)."""
    name, sep, type_and_value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError("parameter value not specified")
    kind, sep, value = type_and_value.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError("parameter type not specified")
    try:
        if kind == "int":
            return name, int(value)
        if kind == "float":
            return name, float(value)
        if kind == "bool":
            return name, parse_bool(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid {kind} value {value!r} for parameter {name!r}") from None
    if kind == "str":
        return name, value
    raise argparse.ArgumentTypeError(f"unsupported parameter type {kind!r} (use one of {', '.join(_PARAMETER_TYPES)})")


def parse_threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


class _BuildDict(argparse.Action):
    """Collects repeated `-p NAME=TYPE:VALUE` into one dict (the last value of a name wins)."""

    def __init__(self, option_strings: Sequence[str], dest: str, default: Any = None, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, default=default if default is not None else {}, **kwargs)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: Any = None
    ) -> None:
        current = dict(getattr(namespace, self.dest, None) or {})
        key, value = values
        current[key] = value
        setattr(namespace, self.dest, current)


def add_function_arguments(parser: argparse.ArgumentParser) -> None:
    """`--function-module MODULE` | `--function-file PATH` (one required) and `-p NAME=TYPE:VALUE`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--function-module", metavar="MODULE", help="qualified name of a module to use as the function")
    source.add_argument(
        "--function-file", metavar="PATH", type=Path, help="path to a Python source file to use as the function"
    )
    parser.add_argument(
        "--function-parameter",
        "-p",
        metavar="NAME=TYPE:VALUE",
        type=parse_function_parameter,
        action=_BuildDict,
        dest="function_parameters",
        help="parameter for the function (TYPE: int, float, str or bool); repeat for more",
    )


def load_function(
    function_module: str | None, function_file: Path | None, parameters: Mapping[str, Any]
) -> AutoAnnotationFunction:
    """Import the module (or run the file as module `__cvat_function__`); a module with `create`
    is a factory called with the parameters, otherwise the module itself is the function."""
    from cvat_sdk.auto_annotation import BadFunctionError

    if function_module is not None:
        module: Any = importlib.import_module(function_module)
    elif function_file is not None:
        if not function_file.is_file():
            raise CliError(f"function file not found: {function_file}")
        spec = importlib.util.spec_from_file_location("__cvat_function__", function_file)
        if spec is None or spec.loader is None:
            raise CliError(f"cannot load {function_file} as a Python module")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        raise CliError("give --function-module or --function-file")

    if hasattr(module, "create"):
        try:
            function = module.create(**parameters)
        except TypeError as e:
            if not parameters:
                raise
            raise CliError(f"the function does not take these parameters ({', '.join(parameters)}): {e}") from e
    elif parameters:
        raise CliError("function takes no parameters")
    else:
        function = module
    if not hasattr(function, "spec"):
        raise BadFunctionError("function has no 'spec' attribute")
    return function  # type: ignore[no-any-return]


def register(task_subparsers: Subparsers) -> None:
    """Add `auto-annotate` to the task commands."""
    p = task_subparsers.add_parser(
        "auto-annotate",
        help="annotate a task by running a function on this machine",
        description="Automatically annotate a CVAT task by running a function on the local machine.",
    )
    p.add_argument("task_id", type=non_negative_int, help="task ID")
    add_function_arguments(p)
    p.add_argument("--clear-existing", action="store_true", help="Remove existing annotations from the task")
    p.add_argument(
        "--allow-unmatched-labels",
        action="store_true",
        help="Allow the function to declare labels/sublabels/attributes not configured in the task",
    )
    p.add_argument(
        "--conf-threshold",
        type=parse_threshold,
        default=None,
        help="Confidence threshold for filtering detections",
    )
    p.add_argument("--conv-mask-to-poly", action="store_true", help="Convert mask shapes to polygon shapes")
    p.set_defaults(handler=_run)


def _run(ctx: CommandContext, args: argparse.Namespace) -> None:
    import cvat_sdk.auto_annotation as cvataa

    # loaded before connecting: a broken function fails without any network access
    function = load_function(args.function_module, args.function_file, args.function_parameters or {})
    cvataa.annotate_task(
        ctx.client,
        args.task_id,
        function,  # type: ignore[arg-type]
        pbar=ctx.progress(),
        clear_existing=args.clear_existing,
        allow_unmatched_labels=args.allow_unmatched_labels,
        conf_threshold=args.conf_threshold,
        conv_mask_to_poly=args.conv_mask_to_poly,
    )
