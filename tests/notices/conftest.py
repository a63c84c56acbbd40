"""The notices' tests live in the ledger's 2019 world (its clock and periods)."""

from ..ledger.conftest import frozen_clock, period, periods  # noqa: F401
