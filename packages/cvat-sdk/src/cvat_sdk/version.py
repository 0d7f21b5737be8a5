"""This build's version: the CVAT release whose schema it is built from, and the PEP 440 local label
`+typed` that tells it from the official cvat-sdk of the same number (a pin such as
`cvat-sdk==2.42.0` still matches it)."""

VERSION = "2.42.0+typed"
__version__ = VERSION
