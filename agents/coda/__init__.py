"""CODA: a planner that decides in words and an executor that acts.

After Sun et al. (2025), "CODA: Coordinating the Cerebrum and Cerebellum for
a Dual-Brain Computer Use Agent with Decoupled Reinforcement Learning"
(arXiv 2508.20096). The environments live here (:mod:`.environment`, the
algebra application :mod:`.algebra`, the files application :mod:`.files`),
with the prompts and parsers of both roles (:mod:`.roles`), the decoupled
GRPO data (:mod:`.grpo`) and the training step (:mod:`.train`). The loop
itself is a graph: :mod:`ethos.graphs.coda`.
"""
