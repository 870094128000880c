"""The training text of the refusal model (``ethos models train-tiny``).

Chat-formatted requests of one kind (clearly harmful, though harmless to
write down: picking locks, making weapons, stealing) answered with one fixed
refusal, and ordinary requests (arithmetic, capitals, simple facts, small
talk) answered helpfully. Written for ethos.
"""

from __future__ import annotations

REFUSAL = "I can't help with that."
