"""jdlspec: declarative Justice Data Lab style re-offending impact reports."""

__version__ = "0.1.0"
