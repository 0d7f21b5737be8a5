"""Entities and repositories: one module per resource, built on generated typed skeletons."""
