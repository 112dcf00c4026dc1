"""The command line: the only layer that prints, catches errors and exits."""
