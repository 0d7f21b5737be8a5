"""The CLI's implementation; not a public API."""
