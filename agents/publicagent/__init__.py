"""PublicAgent: intent clarification, dataset discovery, analysis and report
agents answering questions over open data (Montazeri et al., 2025)."""
