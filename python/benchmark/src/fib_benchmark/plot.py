"""The plot: time per call against n, log-log, one line per (environment, implementation)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from fib_benchmark.report import fmt_time
from fib_benchmark.results import Results

#: Colour per implementation: Python blue, Rust orange, GMP black; the loop light, doubling dark.
COLORS = {
    "python-loop": "#6baed6",
    "python-doubling": "#08519c",
    "rust-loop": "#fd8d3c",
    "rust-doubling": "#a63603",
    "gmp": "#252525",
}
#: Line style and marker per environment, in the order of the run (native first).
STYLES: list[tuple[Literal["-", "--", ":", "-."], str]] = [
    ("-", "o"),
    ("--", "s"),
    (":", "^"),
    ("-.", "D"),
]


def write_plot(results: Results, paths: Sequence[Path], subtitle: str) -> None:
    """Writes the plot to each path (the format follows the suffix: .png, .svg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    # Reproducible SVG: fixed ids, text kept as text, no date.
    matplotlib.rcParams["svg.hashsalt"] = "fib-benchmark"
    matplotlib.rcParams["svg.fonttype"] = "none"

    fig, ax = plt.subplots(figsize=(10, 6.5), layout="constrained")
    env_styles = {}
    for i, env in enumerate(results.environments):
        env_styles[env.id] = STYLES[i % len(STYLES)]
        linestyle, marker = env_styles[env.id]
        for impl in results.impls(env.id):
            points = [
                c
                for c in results.cells
                if c["env"] == env.id
                and c["impl"] == impl
                and c.get("status") == "ok"
                and c["n"] > 0
                and c["median_s"] > 0
            ]
            if not points:
                continue
            points.sort(key=lambda c: c["n"])
            ns = [c["n"] for c in points]
            color = COLORS.get(impl, "gray")
            ax.plot(
                ns,
                [c["median_s"] for c in points],
                linestyle=linestyle,
                marker=marker,
                color=color,
                markersize=4,
                linewidth=1.6,
            )
            ax.fill_between(
                ns,
                [c["min_s"] for c in points],
                [c["max_s"] for c in points],
                color=color,
                alpha=0.12,
                linewidth=0,
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda y, _pos: re.sub(r"\.0+ ", " ", fmt_time(y)))  # 1.00 ms -> 1 ms
    )
    ax.set_xlabel("n")
    ax.set_ylabel("time per call (median; band: min to max)")
    ax.grid(True, which="major", alpha=0.35)
    ax.grid(True, which="minor", alpha=0.1)
    fig.suptitle("Computing F(n): Python vs Rust (and GMP), native and in Pyodide", fontsize=13)
    ax.set_title(subtitle, fontsize=8, color="#444444")

    impls_present = [
        k for k in COLORS if any(k in results.impls(e.id) for e in results.environments)
    ]
    impl_handles = [
        Line2D([], [], color=COLORS[k], linewidth=2.5, label=results.label(k))
        for k in impls_present
    ]
    env_handles = [
        Line2D(
            [],
            [],
            color="black",
            linestyle=env_styles[e.id][0],
            marker=env_styles[e.id][1],
            markersize=4,
            label=e.label,
        )
        for e in results.environments
    ]
    first = ax.legend(
        handles=impl_handles, title="implementation", loc="upper left", fontsize=8, title_fontsize=8
    )
    ax.add_artist(first)
    ax.legend(handles=env_handles, title="where", loc="lower right", fontsize=8, title_fontsize=8)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".svg":
            fig.savefig(path, metadata={"Date": None})
        else:
            fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
