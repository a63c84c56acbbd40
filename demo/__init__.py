"""Invented data: the 2019–2020 demo ledger and the province-scale dataset for benchmarks.

Both write through the same services as real users; neither runs in production."""
