"""Draws docs/images/bench-growth.png from the growth rows bench/growth.ts measured: python plot-growth.py ROWS.json OUT.png"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(rows_file: str, out: str) -> None:
    rows = [r for r in json.load(open(rows_file)) if "failed" not in r]
    n = [r["appliances"] for r in rows]
    get = lambda side, *path: [_dig(r[side], path) for r in rows]  # noqa: E731
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    panels = [
        ("Worker / forwarder peak RSS (MB), idle", get("bridge", "idle", "cpu", "worker", "rssMbPeak"), get("baseline", "idle", "cpu", "forwarder", "rssMbPeak")),
        (f"CPU while idle (% of one core), polls every {rows[0]['bridge']['idle']['pollIntervalSeconds']} s", get("bridge", "idle", "cpu", "worker", "cpuPercent"), get("baseline", "idle", "cpu", "forwarder", "cpuPercent")),
        ("Alert → PagerDuty p99 (ms, log): push vs triggered poll", get("bridge", "pushLatencyMs", "p99"), get("baseline", "latencyMs", "p99")),
        (f"{rows[0]['bridge']['storm']['alerts']:,}-alert storm: alerts/s accepted (log)", get("bridge", "storm", "alertsPerSecond"), get("baseline", "storm", "alertsPerSecond")),
    ]
    for i, (ax, (title, bridge, baseline)) in enumerate(zip(axes.flat, panels)):
        if i >= 2:
            ax.set_yscale("log")
        ax.plot(n, bridge, "o-", label="bridge (worker process)")
        ax.plot(n, baseline, "s--", label="direct forwarder")
        ax.set_xscale("log")
        ax.set_xticks(n)
        ax.set_xticklabels([str(x) for x in n])
        ax.set_xlabel("appliances")
        ax.set_title(title, fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    temporal = get("bridge", "idle", "cpu", "temporal", "cpuPercent")
    axes.flat[1].plot(n, temporal, "^:", label="Temporal dev server (bridge)")
    axes.flat[1].legend(fontsize=8)
    fig.suptitle("Bridge vs direct forwarder as the fleet grows (2 cores; see BENCHMARKS.md)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def _dig(value, path):
    for key in path:
        if value is None:
            return None
        value = value.get(key)
    return value


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
