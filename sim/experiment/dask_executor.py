"""Run tasks on a Dask distributed cluster (``--address tcp://host:port``).

Each task is one future; results come back as futures complete, with their index, so the
caller sorts them and the numbers are the same as on local processes (every task carries
its own seed). Workers need this package installed (same version) to import the task
function. ``SIM_DASK_ADDRESS`` is the environment variable the command line reads when
``--address`` is not given.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sim.errors import InputError, RunError

ADDRESS_ENV = "SIM_DASK_ADDRESS"
CONNECT_TIMEOUT_S = 10.0


class DaskExecutor:
    """Maps a function over tasks on the Dask scheduler at ``address``."""

    def __init__(self, address: str, *, timeout: float = CONNECT_TIMEOUT_S) -> None:
        if not isinstance(address, str) or not address.strip():
            raise InputError(
                "expected a scheduler address such as tcp://host:8786", key="--address"
            )
        self.address = address.strip()
        self.timeout = timeout

    def _check_reachable(self) -> None:
        """Fail fast, in one line, when the scheduler is not listening."""
        from distributed.comm import parse_address, parse_host_port

        try:
            scheme, location = parse_address(self.address)
            if scheme != "tcp":
                return
            host, port = parse_host_port(location)
        except ValueError as exc:
            raise InputError(f"{exc} (expected tcp://host:port)", key="--address") from None
        if port is None:
            raise InputError("missing port number (expected tcp://host:port)", key="--address")
        try:
            socket.create_connection((host, port), timeout=self.timeout).close()
        except OSError as exc:
            raise RunError(
                f"cannot reach the Dask scheduler at {self.address} ({exc.strerror or exc})"
            ) from None

    def map_indexed(
        self, fn: Callable[[Any], Any], tasks: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, fn(tasks[index]))`` as each task finishes on the cluster."""
        if not tasks:
            return
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise InputError(
                "--address needs Dask: pip install 'caseflow-sim[dask]'", key="--address"
            ) from None
        self._check_reachable()
        try:
            client = Client(self.address, timeout=f"{self.timeout}s", set_as_default=False)
        except ValueError as exc:
            raise InputError(str(exc), key="--address") from None
        except OSError as exc:
            raise RunError(
                f"cannot connect to the Dask scheduler at {self.address}: {exc}"
            ) from None
        futures: list[Any] = []
        try:
            # pure=False: every task is new work, never a cached result of an equal-looking one
            futures = client.map(fn, list(tasks), pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            for future, result in as_completed(futures, loop=client.loop, with_results=True):
                yield index[future.key], result
        finally:
            pending = [f for f in futures if not f.done()]
            if pending:  # interrupted: free the cluster
                client.cancel(pending)
            client.close()
