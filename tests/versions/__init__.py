"""Tests of other server versions and other builds: cross-version workflows, version-only features."""
