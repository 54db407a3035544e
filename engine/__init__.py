"""jdlspec: declarative Justice Data Lab style re-offending impact reports."""

import os

__version__ = "0.1.0"

# numpy asks the kernel for transparent huge pages for every large array; where the kernel then
# compacts memory synchronously (THP defrag "madvise"), a million-record run spent over a second
# more CPU (seconds of wall time on a busy machine) filling its design matrix. Set before numpy is
# imported; NUMPY_MADVISE_HUGEPAGE=1 in the environment keeps numpy's default.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
