#!/usr/bin/env python3
"""pandas equivalent of `scopebook calc ACTIVITIES --factors FACTORS --summary` (benchmark only).

Joins activities to factors on `activity`, computes kg of each gas per row
(quantity x (ncv_gj_per_unit if given else 1) x gas factor), CO2e with AR5 GWPs
(CO2e-only factors taken as they are), then totals in tonnes by scope, facility
and gas. Prints one JSON object: {"scope1", "scope2", "scope3", "rows", ...}.

Usage: python scripts/bench_pandas.py bench-out/activities.csv --factors bench-out/factors.csv
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

# AR5 GWP-100 (IPCC AR5 WG1 Table 8.A.1, without climate-carbon feedbacks).
GWP_AR5 = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0, "HFC-134a": 1300.0}
# per-gas factor column -> gas
GAS_COLUMNS = {"co2_kg": "CO2", "ch4_kg": "CH4", "n2o_kg": "N2O"}
FACTOR_NUMERIC = ["co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "other_gas_kg", "ncv_gj_per_unit"]


def load_factors(path: str) -> pd.DataFrame:
    f = pd.read_csv(
        path,
        usecols=["id", "activity", "scope", "unit", "other_gas", "carbon_t_per_gj", *FACTOR_NUMERIC],
        dtype={c: "float64" for c in [*FACTOR_NUMERIC, "carbon_t_per_gj"]} | {"scope": "int64"},
    )
    if f["activity"].duplicated().any():
        sys.exit("bench_pandas: more than one factor per activity; this bench needs one")
    if f["carbon_t_per_gj"].notna().any():
        sys.exit("bench_pandas: carbon_t_per_gj factors are not supported by this bench")
    unknown = set(f["other_gas"].dropna()) - set(GWP_AR5)
    if unknown:
        sys.exit(f"bench_pandas: no AR5 GWP for {sorted(unknown)}")
    f["mult"] = f["ncv_gj_per_unit"].fillna(1.0)
    f["other_gwp"] = f["other_gas"].map(GWP_AR5).astype("float64").fillna(0.0)
    f["other_gas"] = f["other_gas"].astype("category")
    for c in ["co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "other_gas_kg"]:
        f[c] = f[c].fillna(0.0)  # empty = not given; contributes nothing to the sums
    return f.rename(columns={"unit": "factor_unit"}).drop(columns=["id", "ncv_gj_per_unit", "carbon_t_per_gj"])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("activities")
    ap.add_argument("--factors", required=True)
    args = ap.parse_args(argv)

    factors = load_factors(args.factors)
    acts = pd.read_csv(
        args.activities,
        usecols=["facility", "activity", "quantity", "unit"],
        dtype={"facility": "category", "activity": "category", "unit": "category", "quantity": "float64"},
    )
    factors["activity"] = factors["activity"].astype(acts["activity"].dtype)

    # Checks on the distinct (activity, unit) pairs: every activity has a factor in the same unit.
    pairs = acts.groupby(["activity", "unit"], observed=True).size().reset_index()
    pairs = pairs.merge(factors[["activity", "factor_unit"]], on="activity", how="left")
    if pairs["factor_unit"].isna().any():
        missing = sorted(pairs.loc[pairs["factor_unit"].isna(), "activity"].astype(str))
        sys.exit(f"bench_pandas: no factor for activities {missing[:5]}")
    if (pairs["unit"].astype(str) != pairs["factor_unit"]).any():
        sys.exit("bench_pandas: activity unit differs from its factor's unit")

    df = acts.merge(factors.drop(columns="factor_unit"), on="activity", how="left", validate="many_to_one")

    q = df["quantity"] * df["mult"]
    gas_kg = pd.DataFrame({gas: q * df[col] for col, gas in GAS_COLUMNS.items()})
    other_kg = q * df["other_gas_kg"]
    co2e_only_kg = q * df["co2e_kg"]
    df["co2e_kg_row"] = (
        sum(gas_kg[g] * GWP_AR5[g] for g in gas_kg.columns) + other_kg * df["other_gwp"] + co2e_only_kg
    )

    by_scope = df.groupby("scope")["co2e_kg_row"].sum() / 1000.0
    by_facility = df.groupby("facility", observed=True)["co2e_kg_row"].sum() / 1000.0
    by_gas = (gas_kg.sum() / 1000.0).to_dict()
    by_gas.update((other_kg.groupby(df["other_gas"], observed=True).sum() / 1000.0).to_dict())
    by_gas["CO2e-only factors (t CO2e)"] = co2e_only_kg.sum() / 1000.0

    out = {
        "scope1": float(by_scope.get(1, 0.0)),
        "scope2": float(by_scope.get(2, 0.0)),
        "scope3": float(by_scope.get(3, 0.0)),
        "rows": int(len(df)),
        "facilities": int(len(by_facility)),
        "by_gas_t": {k: float(v) for k, v in sorted(by_gas.items())},
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
