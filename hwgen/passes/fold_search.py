"""Folding for a target frame rate: per MVU, the PE/SIMD that meets the cycle budget with
the fewest estimated LUTs, or packed logic cells on a family calibrated for them (iCE40,
ECP5: the device's real limit) (`--target-fps N`), or the fastest folding that fits the board
(`--target-fps max`).

The budget is clock / fps cycles per frame. Layers are independent given the budget, so
each takes its cheapest folding that meets it; among foldings within 2 % of that cost the
slowest wins, which keeps the layers balanced (none much faster than the slowest).
Candidates are divisors of MH (PE) and MW (SIMD), as FINN requires, so no lane idles.
"""

from __future__ import annotations

import copy
import math

from hwgen.errors import HwgenError
from hwgen.estimate import board_fit, estimate_graph, fits, load_calibration, price
from hwgen.estimate.features import PARTS
from hwgen.ir import Graph
from hwgen.ops import XnorMVU
from hwgen.passes.folding import apply_folding, lane_source
from hwgen.passes.memory_placement import place_weight_memories


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def layer_options(node: XnorMVU, family: str, cal: dict) -> list[tuple[int, float, int, int]]:
    """(cycles, cost, pe, simd) for every divisor folding of one MVU; the cost is estimated
    packed cells where the family's calibration has them, else LUTs."""
    cost = "lc" if "lc" in cal else "lut"
    opts = []
    trial = copy.copy(node)
    for pe in _divisors(node.mh):
        for simd in _divisors(node.mw):
            trial.pe, trial.simd = pe, simd
            trial.in_width = simd * node.in_bits
            opts.append(
                (trial.cycles, price(PARTS[type(node)](trial), family, cal)[cost], pe, simd)
            )
    return sorted(opts)


def _residual_groups(graph: Graph) -> dict[str, list]:
    """Layer name -> its group: a level-output MVU and the residual blocks that follow it
    share one PE (their beats line up); every other MVU is a group of its own."""
    groups: dict[str, list] = {}
    current: list = []
    for n in graph.hw_nodes():
        if n.pe_from_producer and current:
            current.append(n)
        elif n.foldable:
            current = [n]
        else:
            current = []
            continue
        for m in current:
            groups[m.name] = current
    _merge_add_groups(graph, groups)
    return groups


def _merge_add_groups(graph: Graph, groups: dict[str, list]) -> None:
    """Layers whose lanes meet in an add (through forks and earlier adds) join one group."""
    for add in (n for n in graph.hw_nodes() if n.joins_lanes):
        a, b = (lane_source(graph, p) for p in graph.inputs_of(add))
        ga, gb = groups[a.name], groups[b.name]
        if ga is gb:
            continue
        ga.extend(m for m in gb if m not in ga)
        for m in ga:
            groups[m.name] = ga


def _fold_group(group: list, budget: int, family: str, cal: dict) -> dict[str, dict] | None:
    """The cheapest folding of a group (one PE for all) with every member within `budget`."""
    best = None
    for pe in _divisors(group[0].mh):
        choice, total = {}, 0.0
        for n in group:
            ok = [o for o in layer_options(n, family, cal) if o[0] <= budget and o[2] == pe]
            if not ok:
                break
            cheapest = min(o[1] for o in ok)
            cyc, lut, _pe, simd = max(o for o in ok if o[1] <= 1.02 * cheapest + 1)
            choice[n.name] = {"pe": pe, "simd": simd}
            total += lut
        else:
            if best is None or total < best[0]:
                best = (total, choice)
    return None if best is None else best[1]


def _fixed_cycles(graph: Graph) -> tuple[int, str]:
    """The slowest unfolded layer (sliding windows, pooling): a floor on cycles per frame."""
    return max(
        ((n.fold_floor(), n.name) for n in graph.hw_nodes() if not n.foldable), default=(0, "")
    )


def fold_for_budget(graph: Graph, budget: int, family: str) -> dict[str, dict] | None:
    """The cheapest folding config with every layer within `budget` cycles, or None."""
    cal = load_calibration(family)
    if _fixed_cycles(graph)[0] > budget:
        return None
    config = {}
    groups = _residual_groups(graph)
    for n in graph.hw_nodes():
        if not n.foldable or n.name in config:
            continue
        if len(groups[n.name]) > 1:
            fold = _fold_group(groups[n.name], budget, family, cal)
            if fold is None:
                return None
            config.update(fold)
            continue
        ok = [o for o in layer_options(n, family, cal) if o[0] <= budget]
        if not ok:
            return None
        cheapest = min(o[1] for o in ok)
        # slowest among the near-cheapest: balanced layers, no needless speed
        cyc, _lut, pe, simd = max(o for o in ok if o[1] <= 1.02 * cheapest + 1)
        config[n.name] = {"pe": pe, "simd": simd}
    return config


#: `--target-fps max` leaves this share of a part's packed logic cells as headroom: the cell
#: estimate's worst error over the calibration sweep is 8 % (DESIGN.md), and a folding at the
#: estimate's 100 % would be one nextpnr may find does not fit
CELL_HEADROOM = 0.08


def fits_with_headroom(est, board: dict) -> bool:
    """Every resource fits, with packed logic cells also under (1 - CELL_HEADROOM) of the
    part's: what the search for the fastest folding accepts."""
    rows = board_fit(est, board)
    cells = [r for r in rows if r["resource"] == "lc"]
    return all(r["fits"] for r in rows) and all(
        r["used"] <= (1 - CELL_HEADROOM) * r["available"] for r in cells
    )


def min_cycles(graph: Graph) -> int:
    """Cycles per frame with every MVU fully parallel: the fastest any folding can go."""
    mvu = max((n.fold_floor() for n in graph.hw_nodes() if n.foldable), default=1)
    return max(mvu, _fixed_cycles(graph)[0])


def search_folding(
    graph: Graph, board: dict, target_fps: float | str, clock_mhz: float | None = None
) -> tuple[dict, dict]:
    """The folding config for `target_fps` (a number, or "max") on `board` at `clock_mhz`
    (default the board's clock), and a summary (budget, cycles, fps, estimate totals). Clear
    errors when the target cannot be reached."""
    clock = (clock_mhz or board["clock_mhz"]) * 1e6
    family = board["family"]
    fastest = min_cycles(graph)

    def realize(budget: int):
        cfg = fold_for_budget(graph, budget, family)
        if cfg is None:
            return None, None
        g = apply_folding(graph, config=cfg, fifo_depths=False)  # depths for the chosen one only
        # the memories as compile will place them: an "auto" ROM the placement puts in LUTs
        # costs its LUTs and output register, which the search must see
        return cfg, place_weight_memories(g, board)

    def fastest_fitting():
        # candidate budgets: every cycle count some layer can take; the smallest that fits
        budgets = sorted(
            {
                o[0]
                for n in graph.hw_nodes()
                if n.foldable
                for o in layer_options(n, family, load_calibration(family))
            }
            | {fastest}
        )
        budgets = [b for b in budgets if b >= fastest]
        lo, hi, best = 0, len(budgets) - 1, None
        while lo <= hi:  # resources fall as the budget grows: bisect for the first fit
            mid = (lo + hi) // 2
            cfg, g = realize(budgets[mid])
            if cfg is not None and fits_with_headroom(estimate_graph(g, family), board):
                best, hi = (cfg, g), mid - 1
            else:
                lo = mid + 1
        return best

    def reachable() -> str:
        # the rate to suggest is one that compiles: the fastest folding that fits, rounded down
        best = fastest_fitting()
        if best is None:
            return f"no folding of '{graph.name}' fits {board['name']} at all"
        cycles = estimate_graph(best[1], family).cycles
        return (
            f"the fastest folding that fits reaches {math.floor(clock / cycles):,} frames/s "
            f"({cycles} cycles/frame; --target-fps max)"
        )

    if target_fps == "max":
        best = fastest_fitting()
        if best is None:
            raise HwgenError(
                f"--target-fps max: no folding of '{graph.name}' fits {board['name']} "
                "(even the slowest exceeds its resources)"
            )
        cfg, g = best
    else:
        fps = float(target_fps)
        if not fps > 0:
            raise HwgenError(f"--target-fps must be a positive number or 'max', not {target_fps!r}")
        budget = math.floor(clock / fps)
        if budget < fastest:
            floor_cycles, floor_layer = _fixed_cycles(graph)
            why = (
                f"layer '{floor_layer}' alone takes {floor_cycles} cycles/frame"
                if floor_cycles >= fastest
                else "every MVU fully parallel"
            )
            raise HwgenError(
                f"--target-fps {fps:g}: infeasible on {board['name']} at {clock / 1e6:g} MHz "
                f"(budget {budget} cycles/frame; no folding goes below {fastest} cycles/frame, "
                f"{why}); {reachable()}"
            )
        cfg, g = realize(budget)
        est = estimate_graph(g, family)
        if not fits(est, board):
            over = ", ".join(
                f"{r['resource']} {r['used']}/{r['available']}"
                for r in board_fit(est, board)
                if not r["fits"]
            )
            raise HwgenError(
                f"--target-fps {fps:g}: the cheapest folding for it does not fit {board['name']} "
                f"({over}); {reachable()}"
            )
    est = estimate_graph(g, family)
    cycles = est.cycles
    return cfg, {
        "target_fps": target_fps,
        "cycles_per_frame": cycles,
        "fps": clock / cycles,
        "clock_mhz": clock / 1e6,
        "estimate": est.total,
    }
