"""The real-server test harness: replay cassettes (default), run live, or re-record. See docs/development.md, Testing."""
