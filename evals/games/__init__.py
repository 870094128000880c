"""The games suite: repeated 2x2 games after Akata et al. (2025), scored by
the metrics in :mod:`ethos.evals.games.metrics`."""
