"""Fixtures shared by the estimator tests."""

import pytest


@pytest.fixture(scope="module")
def dask_cluster():
    """The address of a local Dask cluster: a scheduler on TCP and one worker of two threads
    in this process (no worker process to start: about a second). Skipped without dask."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address
