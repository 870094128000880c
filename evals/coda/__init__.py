"""The CODA suite: ``coda/solve`` and its report section."""
