"""The high-level API: Client, entities and repositories, transfers, progress."""
