#!/usr/bin/env python3
"""polars equivalent of `scopebook calc ACTIVITIES --factors FACTORS --summary` (benchmark only).

Same maths as bench_pandas.py: join activities to factors on `activity`, kg of
each gas per row = quantity x (ncv_gj_per_unit if given else 1) x gas factor,
CO2e with AR5 GWPs (CO2e-only factors taken as they are), totals in tonnes by
scope, facility and gas. Lazy scan; the queries share one plan via collect_all.
Prints one JSON object: {"scope1", "scope2", "scope3", "rows", ...}.

Usage: python scripts/bench_polars.py bench-out/activities.csv --factors bench-out/factors.csv
"""

from __future__ import annotations

import argparse
import json
import sys

import polars as pl

# AR5 GWP-100 (IPCC AR5 WG1 Table 8.A.1, without climate-carbon feedbacks).
GWP_AR5 = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0, "HFC-134a": 1300.0}
GAS_COLUMNS = {"co2_kg": "CO2", "ch4_kg": "CH4", "n2o_kg": "N2O"}
FACTOR_NUMERIC = ["co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "other_gas_kg", "ncv_gj_per_unit", "carbon_t_per_gj"]


def load_factors(path: str) -> pl.DataFrame:
    f = pl.read_csv(
        path,
        columns=["activity", "scope", "unit", "other_gas", *FACTOR_NUMERIC],
        schema_overrides={c: pl.Float64 for c in FACTOR_NUMERIC} | {"scope": pl.Int64, "other_gas": pl.String},
    )
    if f["activity"].is_duplicated().any():
        sys.exit("bench_polars: more than one factor per activity; this bench needs one")
    if f["carbon_t_per_gj"].is_not_null().any():
        sys.exit("bench_polars: carbon_t_per_gj factors are not supported by this bench")
    unknown = set(f["other_gas"].drop_nulls()) - set(GWP_AR5)
    if unknown:
        sys.exit(f"bench_polars: no AR5 GWP for {sorted(unknown)}")
    return f.select(
        "activity",
        "scope",
        "other_gas",
        pl.col("unit").alias("factor_unit"),
        pl.col("ncv_gj_per_unit").fill_null(1.0).alias("mult"),
        pl.col("other_gas").replace_strict(GWP_AR5, default=0.0, return_dtype=pl.Float64).alias("other_gwp"),
        *(pl.col(c).fill_null(0.0) for c in ["co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "other_gas_kg"]),
    )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("activities")
    ap.add_argument("--factors", required=True)
    args = ap.parse_args(argv)

    factors = load_factors(args.factors).lazy()
    acts = pl.scan_csv(
        args.activities,
        schema_overrides={"facility": pl.String, "activity": pl.String, "unit": pl.String, "quantity": pl.Float64},
    ).select("facility", "activity", "quantity", "unit")

    q = pl.col("quantity") * pl.col("mult")
    gas_exprs = [(q * pl.col(col)).alias(gas) for col, gas in GAS_COLUMNS.items()]
    rows = (
        acts.join(factors, on="activity", how="left")
        .with_columns(
            *gas_exprs,
            (q * pl.col("other_gas_kg")).alias("other_kg"),
            (q * pl.col("co2e_kg")).alias("co2e_only_kg"),
        )
        .with_columns(
            (
                pl.sum_horizontal(pl.col(g) * GWP_AR5[g] for g in GAS_COLUMNS.values())
                + pl.col("other_kg") * pl.col("other_gwp")
                + pl.col("co2e_only_kg")
            ).alias("co2e_kg_row")
        )
    )

    checks_q = rows.select(
        pl.len().alias("rows"),
        pl.col("scope").is_null().sum().alias("unmatched"),
        (pl.col("unit") != pl.col("factor_unit")).sum().alias("unit_mismatch"),
    )
    by_scope_q = rows.group_by("scope").agg((pl.col("co2e_kg_row").sum() / 1000.0).alias("t"))
    by_facility_q = rows.group_by("facility").agg((pl.col("co2e_kg_row").sum() / 1000.0).alias("t"))
    by_gas_q = rows.select(
        *((pl.col(g).sum() / 1000.0) for g in GAS_COLUMNS.values()),
        (pl.col("co2e_only_kg").sum() / 1000.0).alias("CO2e-only factors (t CO2e)"),
    )
    by_other_q = rows.filter(pl.col("other_gas").is_not_null()).group_by("other_gas").agg(
        (pl.col("other_kg").sum() / 1000.0).alias("t")
    )
    checks, by_scope, by_facility, by_gas, by_other = pl.collect_all(
        [checks_q, by_scope_q, by_facility_q, by_gas_q, by_other_q]
    )

    if checks["unmatched"][0]:
        sys.exit(f"bench_polars: {checks['unmatched'][0]} activity rows have no factor")
    if checks["unit_mismatch"][0]:
        sys.exit("bench_polars: activity unit differs from its factor's unit")

    scope_t = dict(zip(by_scope["scope"].to_list(), by_scope["t"].to_list()))
    gas_t = by_gas.row(0, named=True)
    gas_t.update(zip(by_other["other_gas"].to_list(), by_other["t"].to_list()))
    out = {
        "scope1": float(scope_t.get(1, 0.0)),
        "scope2": float(scope_t.get(2, 0.0)),
        "scope3": float(scope_t.get(3, 0.0)),
        "rows": int(checks["rows"][0]),
        "facilities": by_facility.height,
        "by_gas_t": {k: float(v) for k, v in sorted(gas_t.items())},
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
