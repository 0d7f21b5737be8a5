"""Benchmarks against a live CVAT server (CVAT_TEST_SERVER); skipped when it is not set."""

from __future__ import annotations

from harness import OFFICIAL, OURS, SIDES, Context, Row, benchmark, median, spread


@benchmark("server_about", needs_server=True)
def bench_server_about(ctx: Context) -> Row:
    """Round trip of GET /api/server/about on one client (median, connection reused)."""
    assert ctx.server
    reps = ctx.reps(50, 10)
    ans = {side: ctx.child(side, "server_about", host=ctx.server, reps=reps) for side in SIDES}
    notes = [f"{side} FAILED: {a['error']}" for side, a in ans.items() if "error" in a]
    notes += [f"{side} {spread(a['times'])}" for side, a in ans.items() if "times" in a]
    return Row(
        "retrieve_about round trip",
        median(ans[OURS]["times"]) if "times" in ans[OURS] else None,
        median(ans[OFFICIAL]["times"]) if "times" in ans[OFFICIAL] else None,
        "s",
        note="; ".join(notes),
    )
