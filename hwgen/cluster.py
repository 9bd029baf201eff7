"""Ray for hwgen's jobs (sweeps, calibration, comparisons, RTL shards): local by default, on the
loopback address only, or a running cluster.

Local (no address): Ray starts on this machine with its cores, on the loopback address only
(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 is set before it starts, or Ray takes the interface
address as its node IP), with no dashboard and no job server. With an address Ray connects
to that cluster; `ray://HOST:PORT` (Ray Client) starts nothing that listens here, a
`HOST:PORT` address must be this machine's (its head node). Ray has no authentication of its
own beyond its token: a cluster must be on a trusted network (CVE-2023-48022).
"""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path

from hwgen.errors import HwgenError

LOOPBACK = "127.0.0.1"


def check_address(address: str) -> None:
    """Only Ray Client (`ray://`), `auto` or a head on this machine: connecting a driver to a
    remote HOST:PORT would start a worker here that listens on the network."""
    if address in ("auto", "local") or address.startswith("ray://"):
        return
    host = address.rsplit(":", 1)[0].strip("[]")
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise HwgenError(
            f"--address {address}: a HOST:PORT address must be a Ray head on this machine "
            "(127.0.0.1:PORT); for a remote cluster use Ray Client, ray://HOST:10001, on a "
            "trusted network, or run hwgen on its head node with --address auto"
        )


def start_ray(address: str | None = None):
    """Start (or join) Ray as described in the module docstring; returns the ray module."""
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    address = address or os.environ.get("RAY_ADDRESS") or None
    joining = address is not None and not address.startswith("ray://")
    if joining and (Path.home() / ".ray" / "auth_token").is_file():
        # Ray 2.60: a head started by `ray start` requires the token in ~/.ray/auth_token once
        # one exists, but a driver joining it presents it only in token mode, read at import
        os.environ.setdefault("RAY_AUTH_MODE", "token")
    try:
        # deferred: Ray is heavy
        import ray
    except ImportError:
        raise HwgenError("ray is not installed: pip install ray==2.60.0 (make venv does)") from None
    if ray.is_initialized():
        return ray
    logging.getLogger("ray").setLevel(
        logging.ERROR
    )  # its start-up notes say nothing to a sweep's user
    common = dict(log_to_driver=False, configure_logging=False, include_dashboard=False)
    if address is None:
        ray.init(num_cpus=os.cpu_count() or 1, _node_ip_address=LOOPBACK, **common)
    else:
        check_address(address)
        extra = {} if address.startswith("ray://") else {"_node_ip_address": LOOPBACK}
        try:
            ray.init(address=address, **common, **extra)
        except Exception as e:  # ConnectionError and Ray's own: one line, not a traceback
            raise HwgenError(
                f"--address {address}: cannot connect to a Ray cluster ({str(e).splitlines()[0]})"
            ) from None
    return ray
