"""cvat-cli: the command-line client of CVAT, compatible with the official cvat-cli 2.42 (and with
the command line and `cvat_cli.cli.CLI` of cvat-cli 2.17).

Run `cvat-cli --help`; from Python, `cvat_cli.__main__.main(["task", "ls"])` returns the exit code.
"""

import logging

from .version import VERSION as __version__

# A library leaves output to the application: without its logging set up, nothing is printed
# (not even through Python's last-resort handler). Turn it up with logging.basicConfig(level=logging.INFO).
logging.getLogger("cvat_cli").addHandler(logging.NullHandler())

__all__ = ["__version__"]
