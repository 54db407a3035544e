"""The commands that are not the run: `new`, `check`, `bulletin`, `diff` and the run's summary lines."""
