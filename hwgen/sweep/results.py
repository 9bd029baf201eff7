"""A sweep's results as files: `sweep.json` (every point, failed ones with their error),
`sweep.csv` (one row a point), and `sweep.png` (frames/s against LUTs, the Pareto front of
the points that fit, the board's LUT capacity marked)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from hwgen.report import pareto

COLUMNS = [
    "label",
    "status",
    "board",
    "pe",
    "simd",
    "target_fps",
    "cycles",
    "fps",
    "lut",
    "ff",
    "bram",
    "fits",
    "lut_syn",
    "ff_syn",
    "bram_syn",
    "fmax_mhz",
    "fps_at_fmax",
    "sim_frames",
    "sim_cycles_per_frame",
    "seconds",
    "cached",
    "error",
]


def rows(results: list[dict]) -> list[dict]:
    """One flat row per point (engine results: ok with figures, or an error)."""
    out = []
    for r in results:
        fig = r.get("result") or {}
        row = {k: fig.get(k) for k in COLUMNS}
        row.update(
            label=r["label"],
            status="ok" if r["ok"] else "failed",
            seconds=round(r.get("seconds", 0.0), 2),
            cached=r.get("cached", False),
            error=r.get("error"),
        )
        out.append(row)
    return out


def write_results(out: Path, table: list[dict], meta: dict, board: dict) -> dict[str, Path]:
    """sweep.json, sweep.csv and sweep.png in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    files = {"json": out / "sweep.json", "csv": out / "sweep.csv", "png": out / "sweep.png"}
    files["json"].write_text(json.dumps({**meta, "points": table}, indent=1) + "\n")
    with open(files["csv"], "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(table)
    _plot(table, board, meta, files["png"])
    return files


def _plot(table: list[dict], board: dict, meta: dict, path: Path) -> None:
    # deferred: matplotlib is slow to import
    import matplotlib

    matplotlib.use("Agg")  # files only
    # deferred: matplotlib is slow to import
    import matplotlib.pyplot as plt

    ok = [r for r in table if r["status"] == "ok"]
    use_syn = bool(ok) and all(r.get("lut_syn") is not None for r in ok)
    xkey = "lut_syn" if use_syn else "lut"
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    if ok:
        pts = [{"lut": r[xkey], "fps": r["fps"], "label": r["label"]} for r in ok]
        fitting = [p for p, r in zip(pts, ok) if r.get("fits")]
        ax.scatter(
            [p["lut"] for p in pts], [p["fps"] for p in pts], s=18, color="0.6", label="points"
        )
        front = pareto(fitting)
        if front:
            ax.plot(
                [p["lut"] for p in front],
                [p["fps"] for p in front],
                "o-",
                color="C3",
                label="Pareto front (points that fit)",
            )
    if board.get("luts"):
        ax.axvline(
            board["luts"],
            color="C0",
            linestyle="--",
            label=f"{board['name']} capacity ({board['luts']:,} LUTs)",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("LUTs (Yosys)" if use_syn else "LUTs (estimate)")
    ax.set_ylabel(f"frames/s at {board['clock_mhz']} MHz")
    failed = len(table) - len(ok)
    ax.set_title(
        f"{meta['model']} on {board['name']}: {len(ok)} points"
        + (f", {failed} failed" if failed else "")
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
