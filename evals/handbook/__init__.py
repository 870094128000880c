"""The handbook suite: ``handbook/reuse`` measures behaviour reuse (Didolkar et al., 2025)."""
