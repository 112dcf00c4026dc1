"""Pure statistics and queueing formulas: no SimPy, no files, nothing else of sim."""
