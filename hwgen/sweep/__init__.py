"""Design-space sweeps on Ray: `sweep(model, out, points)` runs each point (compile, estimate,
optional Yosys, nextpnr and native RTL simulation) as a Ray task, locally or on a cluster,
caches finished points by content, and writes sweep.json, sweep.csv and sweep.png.
`hwgen calibrate` and `hwgen compare` use the same engine (`hwgen.sweep.engine`)."""

from __future__ import annotations

from pathlib import Path

from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.sweep.engine import Job, check_address, run_jobs, start_ray  # noqa: F401
from hwgen.sweep.points import Point, files_digest, grid, model_files, point_key, tool_versions  # noqa: F401
from hwgen.sweep.results import rows, write_results
from hwgen.sweep.worker import extract_archive, run_point


def check(points: list[Point], address: str | None = None) -> None:
    """Refuse, before anything runs, what cannot work: no points, an unknown board, --pnr off
    iCE40, an address that would make this machine listen on the network."""
    if not points:
        raise HwgenError("sweep: no points (give --pe/--simd or --target-fps)")
    for p in points:
        fam = load_board(p.board)["family"]
        if p.pnr and fam != "ice40":
            raise HwgenError(
                f"--pnr: place and route runs on iCE40 boards (nextpnr-ice40); '{p.board}' is {fam}"
            )
    if address:
        check_address(address)


def sweep(
    model: Path,
    out: Path,
    points: list[Point],
    address: str | None = None,
    timeout: float | None = None,
    progress=None,
    cache: bool = True,
    on_row=None,
) -> tuple[list[dict], dict]:
    """Run `points` of `model`; returns (one row per point, the files written). A failed point
    (tool error, timeout, infeasible fit) is a row with its error; the others complete.
    `on_row(row)` is called with each point's row as it finishes."""

    check(points, address)
    boards = {p.board for p in points}
    files = model_files(Path(model))
    digest = files_digest(files)
    tools = tool_versions()
    out = Path(out)
    jobs = [
        Job(p.label, run_point, (files, Path(model).name, p), point_key(digest, p, tools))
        for p in points
    ]
    results = run_jobs(
        jobs,
        address=address,
        cache_dir=out / "cache" if cache else None,
        timeout=timeout,
        progress=progress,
        on_result=on_row and (lambda r: on_row(rows([r])[0])),
    )
    for p, r in zip(points, results):
        data = (r.get("result") or {}).pop("archive_b64", None)
        if p.archive and data:
            extract_archive(data, out / "builds" / p.label)
    table = rows(results)
    meta = {
        "model": Path(model).name,
        "boards": sorted(boards),
        "address": address or "local",
        "points_total": len(points),
        "failed": sum(1 for r in table if r["status"] != "ok"),
        "cached": sum(1 for r in table if r["cached"]),
    }
    written = write_results(out, table, meta, load_board(points[0].board))
    return table, written
