"""Exceptions of the high-level SDK."""

from __future__ import annotations


class CvatSdkException(Exception):
    """Base of the exceptions raised by the high-level SDK."""


class InvalidHostException(CvatSdkException):
    """The server address is invalid or no CVAT server answers there."""


class IncompatibleVersionException(CvatSdkException):
    """The server's version is not supported by this SDK."""


class BackgroundRequestException(CvatSdkException):
    """A background request on the server (import, export, data processing) failed."""


class BackgroundRequestTimeoutError(BackgroundRequestException, TimeoutError):
    """A background request did not finish within the given timeout; `rq_id` names it."""

    def __init__(self, message: str, rq_id: str) -> None:
        super().__init__(message)
        self.rq_id = rq_id


class LoginError(CvatSdkException):
    """Login did not give usable credentials (e.g. a proxy dropped the session cookies and no token came)."""


class UnsupportedServerFeatureError(CvatSdkException):
    """The server (or the server version this SDK build is for) does not have this feature."""
