"""The personality suite: the Big Five measured, changed three ways and priced (issue 16)."""
