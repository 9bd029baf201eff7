"""The engine behind `hwgen sweep`, `hwgen calibrate` and `hwgen compare`: independent jobs run
as Ray tasks, on a local Ray by default or on a running cluster.

Local (no address): Ray starts on this machine with its cores, on the loopback address only
(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 is set before it starts, or Ray takes the interface
address as its node IP), with no dashboard and no job server. With an address Ray connects
to that cluster; `ray://HOST:PORT` (Ray Client) starts nothing that listens here, a
`HOST:PORT` address must be this machine's (its head node). Ray has no authentication of its
own beyond its token: a cluster must be on a trusted network (CVE-2023-48022).

A job's result is data (a dict, picklable), never a path into a shared filesystem. A job that
raises is recorded with its one-line message; one that runs past `timeout` is cancelled and
recorded; the others complete. Results of jobs with a cache key are kept in `cache_dir` and
served from there next time.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hwgen.cluster import LOOPBACK, check_address, start_ray  # noqa: F401  (the engine's API)
from hwgen.errors import HwgenError


@dataclass
class Job:
    """One task: `fn(*args)` in a worker; `label` names it in progress and errors; `key` (a
    content hash) caches its result."""

    label: str
    fn: Callable
    args: tuple
    key: str | None = None


def _run_job(fn, args):
    """In the worker: the job's result, or its error as one line (a traceback stays there)."""
    t0 = time.perf_counter()
    try:
        return {"ok": True, "result": fn(*args), "seconds": time.perf_counter() - t0}
    except HwgenError as e:
        return {"ok": False, "error": str(e), "seconds": time.perf_counter() - t0}
    except Exception as e:  # a tool crash or a bug: named, so the sweep can go on
        return {
            "ok": False,
            "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
            "seconds": time.perf_counter() - t0,
        }


def run_jobs(
    jobs: list[Job],
    address: str | None = None,
    cache_dir: Path | None = None,
    timeout: float | None = None,
    progress=None,
    on_result=None,
) -> list[dict]:
    """Run every job; returns per job {"label", "ok", "result" or "error", "seconds",
    "cached"} in the jobs' order. `progress(done, total, label)` is called as jobs finish, and
    `on_result(that job's entry)` too (cached ones first)."""
    results: list[dict | None] = [None] * len(jobs)
    todo = []
    for k, job in enumerate(jobs):
        hit = _cache_get(cache_dir, job.key)
        if hit is not None:
            results[k] = {
                "label": job.label,
                "ok": True,
                "result": hit,
                "seconds": 0.0,
                "cached": True,
            }
            if on_result:
                on_result(results[k])
        else:
            todo.append(k)
    done = len(jobs) - len(todo)
    if progress:
        progress(done, len(jobs), "cached" if done else "starting Ray")
    if todo:
        ray = start_ray(address)
        remote = ray.remote(num_cpus=1, max_retries=0)(_run_job)
        refs = {remote.remote(jobs[k].fn, jobs[k].args): k for k in todo}
        started = {ref: time.monotonic() for ref in refs}
        while refs:
            ready, _ = ray.wait(list(refs), num_returns=1, timeout=1.0)
            for ref in ready:
                k = refs.pop(ref)
                try:
                    out = ray.get(ref)
                except Exception as e:  # the worker itself died (killed, out of memory)
                    out = {
                        "ok": False,
                        "error": f"worker failed: {str(e).splitlines()[0]}",
                        "seconds": 0.0,
                    }
                results[k] = {"label": jobs[k].label, "cached": False, **out}
                if out["ok"]:
                    _cache_put(cache_dir, jobs[k].key, out["result"])
                done += 1
                if on_result:
                    on_result(results[k])
                if progress:
                    progress(done, len(jobs), jobs[k].label)
            if timeout:
                for ref in [r for r in refs if time.monotonic() - started[r] > timeout]:
                    k = refs.pop(ref)
                    ray.cancel(ref, force=True)
                    results[k] = {
                        "label": jobs[k].label,
                        "ok": False,
                        "cached": False,
                        "seconds": timeout,
                        "error": f"timed out after {timeout:g} s (cancelled)",
                    }
                    done += 1
                    if on_result:
                        on_result(results[k])
                    if progress:
                        progress(done, len(jobs), jobs[k].label)
    return results


def every_result(results: list[dict], what: str) -> list:
    """The jobs' results, for a command that needs all of them (calibrate, compare): the
    first failed job is one error naming it."""
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise HwgenError(f"{what}: {failed[0]['label']} failed: {failed[0]['error']}")
    return [r["result"] for r in results]


def _cache_get(cache_dir: Path | None, key: str | None):
    if cache_dir is None or key is None:
        return None
    f = Path(cache_dir) / f"{key}.json"
    try:
        return json.loads(f.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def _cache_put(cache_dir: Path | None, key: str | None, result) -> None:
    """Results are JSON: a cached point is exactly what a worker returned (binary pieces,
    such as a build archive, are written by the caller, not kept here)."""
    if cache_dir is None or key is None:
        return
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    tmp = Path(cache_dir) / f".{key}.tmp"
    tmp.write_text(json.dumps(result))
    os.replace(tmp, Path(cache_dir) / f"{key}.json")
