"""Results: each round decided by the core with its frozen inputs; reports and certificates."""
