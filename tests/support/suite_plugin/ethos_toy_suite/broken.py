"""A plug-in module that fails to import."""

import ethos_toy_suite_missing_dependency  # noqa: F401

SUITE = None
