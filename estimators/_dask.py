"""Connecting to a Dask scheduler, shared by the benchmark's cells and the pairwise MI
(:mod:`estimators._pairs`): a probe that fails within :data:`CONNECT_TIMEOUT` seconds where
``distributed.Client`` alone could wait forever."""

from __future__ import annotations

#: seconds to wait for a Dask scheduler's handshake
CONNECT_TIMEOUT = 5.0


def check_scheduler(address: str) -> None:
    """Fail within :data:`CONNECT_TIMEOUT` unless ``address`` answers Dask's handshake.

    ``Client(timeout=...)`` alone waits forever on a peer that accepts the connection and
    stays silent (another service's port). The probe runs its own event loop in a thread,
    so it also works under a running loop (Jupyter). In-process addresses are left to the
    Client.
    """
    if address.startswith("inproc://"):
        return
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    async def handshake() -> None:
        # distributed's own timeout (with its message) first; ours for a silent peer
        comm = await asyncio.wait_for(
            connect(address, timeout=CONNECT_TIMEOUT), CONNECT_TIMEOUT + 1
        )
        await comm.close()

    try:
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, handshake()).result()
    except ValueError as error:
        raise ValueError(f"bad Dask scheduler address {address!r}: {error}") from None
    except OSError as error:  # TimeoutError included
        reason = str(error) or f"no answer within {CONNECT_TIMEOUT + 1:g} s"
        raise ConnectionError(
            f"cannot connect to the Dask scheduler at {address!r}: {reason}"
        ) from None
