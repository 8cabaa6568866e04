"""Recovery and interval coverage of toolkit.panel_draw on simulated petitions.

Simulates ``--runs`` datasets with toolkit.simulate (seeds 100, 101, ...; ``--cases`` petitions
each), estimates the panel disagreement with its interval, and compares it with the truth the
simulator records (``true_panel_disagreement``). Prints one line per run and the coverage.

    python benchmarks/panel_draw_coverage.py --runs 10 --cases 2000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import toolkit
from toolkit.simulate import write_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--panels", type=int, default=200)
    args = parser.parse_args()
    covered, errors = 0, []
    for k in range(args.runs):
        seed = 100 + k
        with tempfile.TemporaryDirectory() as tmp:
            write_demo(tmp, n_cases=args.cases, seed=seed)
            truth = json.loads(Path(tmp, "truth.json").read_text())["true_panel_disagreement"]
            data = toolkit.load(str(Path(tmp, "mapping.yaml")))
            start = time.perf_counter()
            result = toolkit.panel_draw(data, draws=args.draws, panels=args.panels, seed=seed)
            seconds = time.perf_counter() - start
        low, high = result.disagreement_ci
        hit = low <= truth <= high
        covered += hit
        errors.append(result.disagreement / truth - 1)
        print(
            f"seed {seed}: truth {truth:.4f} estimate {result.disagreement:.4f} "
            f"[{low:.4f}, {high:.4f}] {'covers' if hit else 'MISSES'}; "
            f"judge sd {result.judge_sd:.3f}; {seconds:.1f} s (model fit included)",
            flush=True,
        )
    mean_error = sum(errors) / len(errors)
    print(
        f"{args.cases} cases, {args.runs} runs: coverage {covered}/{args.runs}, "
        f"mean relative error {mean_error:+.1%}"
    )


if __name__ == "__main__":
    main()
