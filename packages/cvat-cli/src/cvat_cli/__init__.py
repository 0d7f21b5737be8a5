"""cvat-cli: the command-line client of CVAT, compatible with the official cvat-cli 2.42 (and with
the command line and `cvat_cli.cli.CLI` of cvat-cli 2.17).

Run `cvat-cli --help`; from Python, `cvat_cli.__main__.main(["task", "ls"])` returns the exit code.
"""

from .version import VERSION as __version__

__all__ = ["__version__"]
