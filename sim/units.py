"""Units of simulated time, named once.

Simulated time is in days from day 0 (``run.start_date``). Work is in hours; rates per year
are converted with a year of 365 days (the model has no leap days).
"""

HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.0
