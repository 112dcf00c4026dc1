"""Replications of a scenario: seeds, executors, KPIs from records, warm-up and precision."""
