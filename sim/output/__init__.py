"""Results on disk: the only code that creates, replaces and reads output folders."""
