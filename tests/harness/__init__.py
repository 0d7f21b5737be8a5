"""The real-server test harness: replay cassettes (default), run live, or re-record. See README, Testing."""
