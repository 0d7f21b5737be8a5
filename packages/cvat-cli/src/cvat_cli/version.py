VERSION = "2.42.0"
__version__ = VERSION
