"""Several runs of ``bench/run.py`` side by side, as the Markdown table docs/performance.md
quotes: each row's ratio in each run, whether its target held in each, and the per-round
ratios of the last run.

    python bench/compare.py A=results-a.json B=results-b.json C=results-c.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import report  # noqa: E402
import run  # noqa: E402


def per_round(runs: dict[str, list[dict[str, float]]], row: report.Row) -> list[float]:
    """The row's ratio in each round (paired rows only)."""
    _, (name, key), baseline, _, _ = row
    if not isinstance(baseline, tuple) or name not in runs or baseline[0] not in runs:
        return []
    pairs = zip(runs[name], runs[baseline[0]], strict=True)
    return [lib[key] / base[baseline[1]] for lib, base in pairs]


def cell(judged: report.Report, row: report.Row, ratio: float | None) -> str:
    """A paired row's ratio; a row against a fixed figure shows its own figure too."""
    if ratio is None:
        return ""
    _, (name, key), baseline, unit, _ = row
    if isinstance(baseline, tuple):
        return f"{ratio:.2f}"
    return f"{judged.medians[name][key]:.3g} {unit} ({ratio:.2f})"


def main(arguments: list[str]) -> None:
    named = [argument.split("=", 1) for argument in arguments]
    results = {name: json.loads(Path(path).read_text()) for name, path in named}
    judged = {name: report.judge(r["runs"], run.TABLE) for name, r in results.items()}
    names = list(results)
    last = names[-1]
    print(
        "| scenario | target | "
        + " | ".join(names)
        + f" | met in | {last} per round |\n|"
        + "---|" * (len(names) + 4)
    )
    for row in run.TABLE:
        label, target = row[0].strip(), row[4]
        ratios = [judged[name].ratios.get(row[0]) for name in names]
        if all(r is None for r in ratios):
            continue
        verdicts = [report.verdict(target, r) for r in ratios if r is not None]
        met = "" if not any(verdicts) else f"{verdicts.count('yes')} of {len(verdicts)}"
        rounds = " ".join(f"{r:.2f}" for r in per_round(results[last]["runs"], row))
        shown = [cell(judged[name], row, r) for name, r in zip(names, ratios, strict=True)]
        print(f"| {label} | {target} | " + " | ".join(shown) + f" | {met} | {rounds} |")


if __name__ == "__main__":
    main(sys.argv[1:])
