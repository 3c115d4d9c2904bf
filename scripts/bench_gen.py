#!/usr/bin/env python3
"""Deterministic data generator for the `scopebook calc` benchmark (stdlib only).

Writes, into OUT_DIR (default ./bench-out):
  factors.csv     ~12 synthetic factors in Scopebook's factor format
  activities.csv  N activity rows (default 1,000,000), ~80 bytes each
  meta.json       row count, seed and a hash of this script, so that
                  `--if-needed` can skip regeneration when nothing changed

Usage: python scripts/bench_gen.py [N] [--out DIR] [--seed S] [--if-needed]

The factors are synthetic (IPCC-2006-like magnitudes, not for real accounting).
They keep the maths a plain join x multiply x GWP: no carbon_t_per_gj/oxidation,
no regions other than GLOBAL, no validity dates, one factor per activity.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import hashlib
import json
import os
import random
import sys

FACTOR_HEADER = [
    "id", "activity", "scope", "category", "unit",
    "co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "biogenic_co2_kg",
    "other_gas", "other_gas_kg", "ncv_gj_per_unit", "carbon_t_per_gj", "oxidation",
    "source", "name", "region", "valid_from", "valid_to", "gwp_basis", "verified",
]

ACTIVITY_HEADER = [
    "facility", "period_start", "period_end", "activity", "quantity", "unit",
    "factor", "region", "scope3_category", "evidence", "note",
]

SOURCE = "synthetic benchmark factor - not for reporting"

# Each factor: the columns that are given (all others empty), plus the range of
# quantities (in the factor's unit) the generator draws from, as (min, max).
# Numbers are written exactly as given here (strings), so the file is stable.
FACTORS = [
    # Scope 1 stationary, per-gas, kg per GJ with NCV (unit t)
    (dict(id="bench.coal", activity="bench_coal", scope="1", category="stationary", unit="t",
          co2_kg="94.6", ch4_kg="0.01", n2o_kg="0.0015", ncv_gj_per_unit="19.57",
          name="Bench coal per t (NCV 19.57 GJ/t)"), (0.5, 800.0)),
    (dict(id="bench.lpg", activity="bench_lpg", scope="1", category="stationary", unit="t",
          co2_kg="63.1", ch4_kg="0.005", n2o_kg="0.0001", ncv_gj_per_unit="47.3",
          name="Bench LPG per t (NCV 47.3 GJ/t)"), (0.1, 60.0)),
    # Scope 1 stationary, per-gas, kg per GJ of energy (unit GJ)
    (dict(id="bench.natural_gas", activity="bench_natural_gas", scope="1", category="stationary",
          unit="GJ", co2_kg="56.1", ch4_kg="0.005", n2o_kg="0.0001",
          name="Bench natural gas (per GJ)"), (1.0, 40000.0)),
    (dict(id="bench.fuel_oil", activity="bench_fuel_oil", scope="1", category="stationary",
          unit="GJ", co2_kg="77.4", ch4_kg="0.01", n2o_kg="0.0006",
          name="Bench residual fuel oil (per GJ)"), (1.0, 15000.0)),
    # Scope 1 mobile, per-gas, kg per GJ with NCV (unit t)
    (dict(id="bench.diesel_mobile", activity="bench_diesel_mobile", scope="1", category="mobile",
          unit="t", co2_kg="74.1", ch4_kg="0.0039", n2o_kg="0.0039", ncv_gj_per_unit="43",
          name="Bench road diesel per t (NCV 43.0 GJ/t)"), (0.05, 120.0)),
    (dict(id="bench.gasoline_mobile", activity="bench_gasoline_mobile", scope="1",
          category="mobile", unit="t", co2_kg="69.3", ch4_kg="0.033", n2o_kg="0.0032",
          ncv_gj_per_unit="44.3", name="Bench motor gasoline per t (NCV 44.3 GJ/t)"),
     (0.05, 60.0)),
    # Scope 1 fugitive refrigerant
    (dict(id="bench.r134a", activity="bench_refrigerant_r134a", scope="1", category="fugitive",
          unit="kg", other_gas="HFC-134a", other_gas_kg="1",
          name="Bench HFC-134a top-up (per kg)"), (0.1, 40.0)),
    # Scope 2
    (dict(id="bench.grid_electricity", activity="bench_grid_electricity", scope="2",
          category="electricity", unit="kWh", co2_kg="0.5306",
          name="Bench grid electricity (per kWh)"), (100.0, 2000000.0)),
    (dict(id="bench.purchased_heat", activity="bench_purchased_heat", scope="2",
          category="heat", unit="GJ", co2_kg="110",
          name="Bench purchased heat (per GJ)"), (1.0, 5000.0)),
    # Scope 3, CO2e-only factors published with AR5 GWPs
    (dict(id="bench.spend_steel", activity="bench_spend_steel", scope="3", category="1",
          unit="USD", co2e_kg="0.85", gwp_basis="AR5",
          name="Bench spend: steel products (per USD)"), (10.0, 500000.0)),
    (dict(id="bench.spend_services", activity="bench_spend_services", scope="3", category="1",
          unit="USD", co2e_kg="0.12", gwp_basis="AR5",
          name="Bench spend: professional services (per USD)"), (10.0, 250000.0)),
    (dict(id="bench.air_travel", activity="bench_air_travel", scope="3", category="6",
          unit="pkm", co2e_kg="0.1513", gwp_basis="AR5",
          name="Bench business air travel (per passenger-km)"), (50.0, 40000.0)),
]

N_FACILITIES = 50
YEAR = 2023
DEFAULT_SEED = 20230101


def script_hash() -> str:
    with open(os.path.abspath(__file__), "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def fmt_qty(milli: int) -> str:
    """Decimal text with up to 3 decimals, trailing zeros dropped (1234.5, 17, 0.125)."""
    whole, frac = divmod(milli, 1000)
    if frac == 0:
        return str(whole)
    return f"{whole}.{frac:03d}".rstrip("0")


def write_factors(path: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(FACTOR_HEADER)
        for spec, _rng in FACTORS:
            row = {k: "" for k in FACTOR_HEADER}
            row.update(spec)
            row.update(source=SOURCE, region="GLOBAL", verified="true")
            w.writerow([row[k] for k in FACTOR_HEADER])


def write_activities(path: str, n: int, seed: int) -> None:
    rnd = random.Random(seed)
    facilities = [f"F{i:03d}" for i in range(1, N_FACILITIES + 1)]
    periods = [
        f"{YEAR}-{m:02d}-01,{YEAR}-{m:02d}-{calendar.monthrange(YEAR, m)[1]:02d}"
        for m in range(1, 13)
    ]
    # Per activity: fixed text "activity,", the quantity range in thousandths,
    # and the text between quantity and evidence: ",unit,,," (factor, region, scope3_category empty).
    acts = [
        (spec["activity"], int(lo * 1000), int(hi * 1000), f",{spec['unit']},,,,")
        for spec, (lo, hi) in FACTORS
    ]
    randrange = rnd.randrange
    n_fac, n_per, n_act = len(facilities), len(periods), len(acts)
    chunk = 50_000
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write(",".join(ACTIVITY_HEADER) + "\n")
        done = 0
        while done < n:
            m = min(chunk, n - done)
            lines = []
            append = lines.append
            for i in range(done + 1, done + m + 1):
                act, lo, hi, mid = acts[randrange(n_act)]
                append(
                    f"{facilities[randrange(n_fac)]},{periods[randrange(n_per)]},{act},"
                    f"{fmt_qty(randrange(lo, hi + 1))}{mid}INV-{i:07d},\n"
                )
            fh.write("".join(lines))
            done += m


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rows", nargs="?", type=int, default=1_000_000, help="activity rows (default 1000000)")
    ap.add_argument("--out", default="bench-out", help="output folder (default bench-out)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--if-needed", action="store_true",
                    help="do nothing if OUT/meta.json matches rows, seed and this script")
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error("rows must be >= 1")

    os.makedirs(args.out, exist_ok=True)
    meta_path = os.path.join(args.out, "meta.json")
    factors_path = os.path.join(args.out, "factors.csv")
    acts_path = os.path.join(args.out, "activities.csv")
    want = {"rows": args.rows, "seed": args.seed, "generator_sha256": script_hash()}

    if args.if_needed and os.path.exists(factors_path) and os.path.exists(acts_path):
        try:
            with open(meta_path, encoding="utf-8") as fh:
                have = json.load(fh)
        except (OSError, ValueError):
            have = {}
        if all(have.get(k) == v for k, v in want.items()):
            print(f"bench_gen: {acts_path} is current ({args.rows} rows), not regenerating")
            return 0

    # Remove stale meta first so an interrupted run is never taken as current.
    if os.path.exists(meta_path):
        os.remove(meta_path)
    write_factors(factors_path)
    write_activities(acts_path, args.rows, args.seed)
    size = os.path.getsize(acts_path)
    want["activities_bytes"] = size
    with open(meta_path, "w", encoding="utf-8") as fh:
        json.dump(want, fh, indent=2)
        fh.write("\n")
    print(f"bench_gen: wrote {factors_path} ({len(FACTORS)} factors) and {acts_path} "
          f"({args.rows} rows, {size / 1e6:.1f} MB, {size / args.rows:.1f} B/row)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
