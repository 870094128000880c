"""PublicAgent's own evaluation (Montazeri et al., 2025): ``ethos eval run publicagent``."""
