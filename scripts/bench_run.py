#!/usr/bin/env python3
"""Timing harness for scripts/bench-calc.sh (stdlib only; run it with the bench venv's python
so that the pandas/polars scripts find their packages).

Runs each tool RUNS times (wall clock, time.perf_counter around subprocess.run), keeps the best,
checks that all tools give the same scope totals (rounded to 3 dp of tonnes, allowing one unit
in the last place; the max relative difference is printed too), and prints a table.

  scopebook  target/release/scopebook calc ACTS --factors FACTORS --summary --format json
  pandas     python scripts/bench_pandas.py ACTS --factors FACTORS
  polars     python scripts/bench_polars.py ACTS --factors FACTORS

Totals compared (tonnes CO2e): scopebook totals.scope1 / totals.scope2_location / totals.scope3
against pandas/polars scope1 / scope2 / scope3, and against an exact stdlib-Decimal reference
computed from the same CSVs (cached in OUT/exact-totals.json).

Exit status: 0 when every tool ran and all agree; 1 otherwise (the table is
printed either way).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

SCOPES = ["scope1", "scope2", "scope3"]
# Scopebook's JSON key for each compared total.
SCOPEBOOK_KEYS = {"scope1": "scope1", "scope2": "scope2_location", "scope3": "scope3"}
GWP_AR5 = {"CO2": Decimal(1), "CH4": Decimal(28), "N2O": Decimal(265), "HFC-134a": Decimal(1300)}
MILLI = Decimal("0.001")


# --------------------------------------------------------------------------- exact reference
def exact_totals(acts_path: str, factors_path: str) -> dict[str, Decimal]:
    """Scope totals in t CO2e, exact (Decimal, no rounding), same maths as the pandas/polars scripts."""
    per_unit: dict[str, tuple[str, Decimal]] = {}  # activity -> (scope, kg CO2e per activity unit)
    with localcontext() as ctx:
        ctx.prec = 60
        with open(factors_path, newline="", encoding="utf-8") as fh:
            for f in csv.DictReader(fh):
                def d(col: str) -> Decimal:
                    return Decimal(f[col]) if f[col] else Decimal(0)
                mult = Decimal(f["ncv_gj_per_unit"]) if f["ncv_gj_per_unit"] else Decimal(1)
                other = d("other_gas_kg") * GWP_AR5[f["other_gas"]] if f["other_gas"] else Decimal(0)
                kg = mult * (d("co2_kg") * GWP_AR5["CO2"] + d("ch4_kg") * GWP_AR5["CH4"]
                             + d("n2o_kg") * GWP_AR5["N2O"] + other + d("co2e_kg"))
                per_unit[f["activity"]] = (f["scope"], kg)
        # Sum quantities per activity (exact), then multiply once: same value as row by row.
        qty: dict[str, Decimal] = {a: Decimal(0) for a in per_unit}
        with open(acts_path, newline="", encoding="utf-8") as fh:
            r = csv.reader(fh)
            header = next(r)
            ia, iq = header.index("activity"), header.index("quantity")
            for row in r:
                qty[row[ia]] += Decimal(row[iq])
        tot = {s: Decimal(0) for s in SCOPES}
        for a, (scope, kg) in per_unit.items():
            tot["scope" + scope] += qty[a] * kg
        return {s: v / 1000 for s, v in tot.items()}


def cached_exact(out_dir: str, acts: str, factors: str) -> dict[str, Decimal]:
    cache = os.path.join(out_dir, "exact-totals.json")
    key = {p: [os.path.getsize(p), os.path.getmtime(p)] for p in (acts, factors)}
    try:
        with open(cache, encoding="utf-8") as fh:
            c = json.load(fh)
        if c.get("key") == key:
            return {s: Decimal(v) for s, v in c["totals"].items()}
    except (OSError, ValueError, KeyError):
        pass
    t0 = time.perf_counter()
    tot = exact_totals(acts, factors)
    print(f"bench_run: exact Decimal reference computed in {time.perf_counter() - t0:.1f} s")
    with open(cache, "w", encoding="utf-8") as fh:
        json.dump({"key": key, "totals": {s: str(v) for s, v in tot.items()}}, fh, indent=2)
    return tot


# --------------------------------------------------------------------------- running
def run_tool(name: str, cmd: list[str], runs: int) -> dict:
    """Run cmd up to `runs` times; stop at the first failure or unusable output."""
    res: dict = {"tool": name, "cmd": cmd, "times": [], "error": None, "stdout": ""}
    for i in range(runs):
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as e:
            res["error"] = f"cannot run: {e}"
            return res
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            tail = (p.stderr or p.stdout).strip().splitlines()[-5:]
            res["error"] = f"exit {p.returncode}: " + " | ".join(tail)
            return res
        if i == 0:
            res["stdout"] = p.stdout
            try:
                res["totals"], res["rows"] = parse_totals(name, p.stdout)
            except (ValueError, KeyError, TypeError) as e:
                res["error"] = f"bad output: {e}"
                return res
        res["times"].append(dt)
        print(f"  {name:<10} run {i + 1}/{runs}: {dt:8.3f} s", flush=True)
    return res


def parse_totals(name: str, stdout: str) -> tuple[dict[str, Decimal], int | None]:
    """-> (totals in t as Decimal, rows reported or None). Raises ValueError on bad output."""
    try:
        doc = json.loads(stdout)
    except ValueError as e:
        raise ValueError(f"output is not JSON ({e}); first bytes: {stdout[:80]!r}") from None
    if not isinstance(doc, dict):
        raise ValueError("output is not a JSON object")
    if name == "scopebook":
        t = doc.get("totals")
        if not isinstance(t, dict):
            raise ValueError('no top-level "totals" object')
        missing = [k for k in SCOPEBOOK_KEYS.values() if k not in t]
        if missing:
            raise ValueError(f"totals lacks {missing}")
        # Decimal strings expected; accept JSON numbers too (str() keeps their text).
        totals = {s: Decimal(str(t[k])) for s, k in SCOPEBOOK_KEYS.items()}
        rows = doc.get("rows") if isinstance(doc.get("rows"), int) else None
        return totals, rows
    totals = {s: Decimal(repr(float(doc[s]))) for s in SCOPES}
    return totals, int(doc["rows"])


def rel(a: Decimal, b: Decimal) -> float:
    den = max(abs(a), abs(b))
    return 0.0 if den == 0 else float(abs(a - b) / den)


def versions(py: str, scopebook: str) -> str:
    parts = [f"python {platform.python_version()}"]
    try:
        v = subprocess.run([py, "-c", "import pandas, polars; print(pandas.__version__, polars.__version__)"],
                           capture_output=True, text=True, timeout=60).stdout.split()
        if len(v) == 2:
            parts += [f"pandas {v[0]}", f"polars {v[1]}"]
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        v = subprocess.run([scopebook, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
        if v:
            parts.append(v)
    except (OSError, subprocess.SubprocessError):
        pass
    return ", ".join(parts) + f"; {os.cpu_count()} CPUs"


# --------------------------------------------------------------------------- main
def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="bench-out")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scopebook", default="target/release/scopebook")
    ap.add_argument("--scopebook-args", default=os.environ.get("SCOPEBOOK_BENCH_ARGS", ""),
                    help="extra arguments appended to the scopebook command (env SCOPEBOOK_BENCH_ARGS)")
    ap.add_argument("--python", default=sys.executable, help="python with pandas and polars")
    ap.add_argument("--atol", type=Decimal, default=MILLI,
                    help="max difference (t) allowed between totals rounded to 3 dp (default 0.001: "
                         "one unit in the last place, for float totals that sit on a rounding edge)")
    ap.add_argument("--tools", default="scopebook,pandas,polars")
    args = ap.parse_args(argv)

    acts = os.path.join(args.out, "activities.csv")
    factors = os.path.join(args.out, "factors.csv")
    with open(os.path.join(args.out, "meta.json"), encoding="utf-8") as fh:
        n_rows = int(json.load(fh)["rows"])
    here = os.path.dirname(os.path.abspath(__file__))
    cmds = {
        "scopebook": [args.scopebook, "calc", acts, "--factors", factors, "--summary", "--format", "json",
                      *shlex.split(args.scopebook_args)],
        "pandas": [args.python, os.path.join(here, "bench_pandas.py"), acts, "--factors", factors],
        "polars": [args.python, os.path.join(here, "bench_polars.py"), acts, "--factors", factors],
    }
    tools = [t for t in args.tools.split(",") if t]
    ok = True

    exact = cached_exact(args.out, acts, factors)
    print(f"bench_run: {n_rows} rows, best of {args.runs}; {versions(args.python, args.scopebook)}")
    results = {}
    for name in tools:
        r = run_tool(name, cmds[name], args.runs)
        if r["error"] is not None:
            ok = False
            print(f"  {name:<10} FAILED: {r['error']}", flush=True)
        results[name] = r

    # ---- agreement
    good = {n: r for n, r in results.items() if r["error"] is None}
    print()
    print("Totals, t CO2e, rounded to 3 dp (scopebook: totals.scope1 / scope2_location / scope3):")
    print(f"  {'tool':<10} " + " ".join(f"{s:>22}" for s in SCOPES))
    print(f"  {'exact':<10} " + " ".join(f"{exact[s].quantize(MILLI, ROUND_HALF_EVEN):>22}" for s in SCOPES))
    for n, r in good.items():
        print(f"  {n:<10} " + " ".join(f"{r['totals'][s].quantize(MILLI, ROUND_HALF_EVEN):>22}" for s in SCOPES))
    max_rel = 0.0
    worst = ""
    mismatches = []
    entries = [("exact", exact)] + [(n, r["totals"]) for n, r in good.items()]
    for i, (na, ta) in enumerate(entries):
        for nb, tb in entries[i + 1:]:
            for s in SCOPES:
                d = rel(ta[s], tb[s])
                if d > max_rel:
                    max_rel, worst = d, f"{na} vs {nb}, {s}"
                d3 = abs(ta[s].quantize(MILLI, ROUND_HALF_EVEN) - tb[s].quantize(MILLI, ROUND_HALF_EVEN))
                if d3 > args.atol:
                    mismatches.append(f"{na} vs {nb}, {s}: {d3} t")
    same_3dp = all(
        len({t[s].quantize(MILLI, ROUND_HALF_EVEN) for _, t in entries}) == 1 for s in SCOPES
    )
    print(f"  max relative difference: {max_rel:.3e}" + (f" ({worst})" if worst else "")
          + f"; identical at 3 dp: {'yes' if same_3dp else 'no'}")
    if mismatches:
        ok = False
        print(f"  MISMATCH (3-dp totals differ by more than {args.atol} t): " + "; ".join(mismatches))
    if "scopebook" in good:
        sb = good["scopebook"]["totals"]
        d = max(abs(sb[s] - exact[s]) for s in SCOPES)
        print(f"  scopebook vs exact Decimal: max abs difference {d:f} t")
    for n, r in good.items():
        if r["rows"] is not None and r["rows"] != n_rows:
            ok = False
            print(f"  ROWS: {n} reports {r['rows']} rows, expected {n_rows}")

    # ---- table
    polars_best = min(results["polars"]["times"]) if good.get("polars") else None
    print()
    print(f"{'tool':<10} {'rows':>10} {'best s':>9} {'rows/s':>13} {'vs polars':>10}   runs (s)")
    for n in tools:
        r = results[n]
        if r["error"] is not None:
            print(f"{n:<10} {n_rows:>10} {'-':>9} {'-':>13} {'-':>10}   failed")
            continue
        best = min(r["times"])
        ratio = f"{best / polars_best:.2f}x" if polars_best else "-"
        runs = " ".join(f"{t:.3f}" for t in r["times"])
        print(f"{n:<10} {n_rows:>10} {best:>9.3f} {n_rows / best:>13,.0f} {ratio:>10}   {runs}")
    print("(vs polars = best seconds / polars best seconds: below 1.00x is faster than polars)")

    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as fh:
        json.dump({
            "rows": n_rows, "runs": args.runs, "max_relative_difference": max_rel, "ok": ok,
            "exact_t": {s: str(v) for s, v in exact.items()},
            "tools": {n: {"cmd": r["cmd"], "times_s": r["times"], "error": r["error"],
                          "totals_t": {s: str(v) for s, v in r.get("totals", {}).items()}}
                      for n, r in results.items()},
        }, fh, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
