"""`cvat_sdk.api_client.exceptions`: the cvat-api exceptions."""

from cvat_api.exceptions import *  # noqa: F403
from cvat_api.exceptions import __all__ as __all__
