"""The behaviour handbook: recurring reasoning turned into named behaviours
that agents retrieve, cite and learn from ("Metacognitive Reuse",
Didolkar et al. 2025; ethos' own implementation from its description).

- :mod:`~ethos.handbook.behavior`: behaviours as data (name, instruction,
  tags, provenance) and the handbook's typed errors;
- :mod:`~ethos.handbook.store`: handbooks in the database; adding with
  near-duplicate merging (:mod:`~ethos.handbook.dedup`), usage counters,
  prune and merge;
- :mod:`~ethos.handbook.retrieval`: top-k by embedding (packaged MiniLM)
  or BM25, by tag, with a threshold;
- :mod:`~ethos.handbook.curation`: reflect on solved traces (a stored run
  or a JSONL file) and extract behaviours (prompts in
  :mod:`~ethos.handbook.prompts`);
- :mod:`~ethos.handbook.conditioning`, :mod:`~ethos.handbook.self_improve`,
  :mod:`~ethos.handbook.sft`: behaviour-conditioned inference,
  behaviour-guided self-improvement, and the SFT export.

Nothing here imports torch or litellm at import time.
"""
