"""jdlspec: declarative Justice Data Lab style re-offending impact reports.

Importing it changes nothing global (no environment variable, no numpy setting): the command line's
speed devices are turned on by the `jdlspec` program alone (engine/run/speed.py).
"""

__version__ = "0.1.0"
