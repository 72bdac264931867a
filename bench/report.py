"""The benchmark's table: medians of the rounds, ratios library/baseline, the verdict on each
target, and the printed table and summary lines that ``bench/run.py`` ends with.

A row of a table (``TABLE`` in each benchmark module) is a tuple: label, (run, key) of the
library's figure, the baseline (a (run, key) of the same round, a fixed target, or a
function of all medians), unit, target (``<= X ...`` or ``>= X ...`` is judged; anything
else is only reported).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

Row = tuple[str, tuple[str, str], Any, str, str]


def verdict(target: str, ratio: float) -> str:
    """``yes`` or ``MISSED`` for a target written ``<= X ...`` or ``>= X ...``, compared
    with the ratio; empty for a row that is only reported."""
    bound = re.match(r"(<=|>=) *([0-9.]+)", target)
    if bound is None or math.isnan(ratio):
        return ""
    limit = float(bound[2])
    held = ratio <= limit if bound[1] == "<=" else ratio >= limit
    return "yes" if held else "MISSED"


@dataclass
class Report:
    """The rows of ``table`` that the run has figures for, judged."""

    medians: dict[str, dict[str, float]]
    ratios: dict[str, float] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def judge(runs: dict[str, list[dict[str, float]]], table: list[Row]) -> Report:
    """Medians of every run's figures, and one table line per row whose runs took place."""
    width = max(len(row[0]) for row in table)
    med = {
        name: {k: statistics.median(r[k] for r in results) for k in results[0]}
        for name, results in runs.items()
    }
    report = Report(med)
    for label, (run_name, key), baseline, unit, target in table:
        if run_name not in med or (isinstance(baseline, tuple) and baseline[0] not in med):
            continue
        value = med[run_name][key]
        if isinstance(baseline, tuple):
            base_value = med[baseline[0]][baseline[1]]
            # Library and baseline ran back to back in each round: the median of the
            # per-round ratios is steadier on a noisy machine than a ratio of medians.
            pairs = zip(runs[run_name], runs[baseline[0]], strict=True)
            ratio = statistics.median(lib[key] / base[baseline[1]] for lib, base in pairs)
        else:
            base_value = baseline(med) if callable(baseline) else float(baseline)
            ratio = value / base_value if base_value else float("nan")
        report.ratios[label] = ratio
        met = verdict(target, ratio)
        if met == "MISSED":
            report.missed.append(label.strip())
        report.lines.append(
            f"| {label:<{width}} | {value:>12.3f} | {base_value:>12.3f} | {unit:<6} "
            f"| {ratio:>8.3f} | {target:<14} | {met:<6} |"
        )
    return report


def print_table(report: Report, table: list[Row], heading: str) -> None:
    """The heading line, the table, and the line that lists the missed targets."""
    width = max(len(row[0]) for row in table)
    print()
    print(heading)
    print(
        f"| {'scenario':<{width}} | {'library':>12} | {'baseline':>12} | {'unit':<6} "
        f"| {'ratio':>8} | {'target':<14} | {'met':<6} |"
    )
    print(f"|{'-' * (width + 2)}|{'-' * 14}|{'-' * 14}|{'-' * 8}|{'-' * 10}|{'-' * 16}|{'-' * 8}|")
    for line in report.lines:
        print(line)
    missed = report.missed
    print(f"MISSED ({len(missed)}): " + "; ".join(missed) if missed else "every target met")
