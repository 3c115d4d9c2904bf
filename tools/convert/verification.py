"""Convert the independent verification tables into the project's own verification records, and
apply the verification rule of docs/decisions/0019-verification-marks.md to the shipped factors.

    python tools/convert/verification.py <folder with the verification tables> [--apply]

The folder is a copy of the reference notes `verification/` (README.md and one CSV per dataset
edition, with the columns factor_id, field, shipped_value, source_value, match, source,
confidence). For each edition listed in EDITIONS this writes
`emission-factors/<dataset>/<edition>/verification.csv`:

    factor_id,field,source_value,confidence,source

one row per factor and figure column compared (the rows of the reference table whose `field` is a
factor column; DESNZ's `source_text_*` rows concern the explanatory source text and are left out).
`source` is the reference row's citation, shortened to the table, sheet or cell and published
figure; where the copy was read is recorded per edition in the decision record.

With --apply it also sets `verified` in each edition's factors.csv by the rule, editing only the
last column of the lines concerned (byte for byte otherwise), and records the new SHA-256 in
dataset.toml. It never changes a figure: a high- or medium-confidence row that disagrees with the
shipped figure stops the run, to be fixed by hand with the source cited.

The rule: a factor is verified when every figure column it gives has a row with confidence high or
medium whose source_value equals the shipped figure (as decimals), and no high- or
medium-confidence row for it disagrees. Low-confidence rows show agreement, not confirmation.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "emission-factors"

# Reference table -> (dataset, edition), as listed in the reference README.
EDITIONS = {
    "desnz-ghg-conversion-factors.csv": ("desnz-ghg-conversion-factors", "2024"),
    "ipcc-2006-stationary.csv": ("ipcc-2006-stationary", "2006"),
    "ipcc-2006-mobile.csv": ("ipcc-2006-mobile", "2006"),
    "cn-mee-nbs-grid.csv": ("cn-mee-nbs-grid", "2021"),
    "cn-mee-fuel-defaults.csv": ("cn-mee-fuel-defaults", "2024"),
    "cn-ndrc-power-generation.csv": ("cn-ndrc-power-generation", "2013"),
    "cn-mee-power-generation.csv": ("cn-mee-power-generation", "2022"),
    "cn-ets-grid.csv": ("cn-ets-grid", "2023"),
}

# The factor columns that hold a figure.
FIGURES = ["co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "biogenic_co2_kg", "other_gas_kg",
           "ncv_gj_per_unit", "carbon_t_per_gj", "oxidation"]
CONFIRMS = {"high", "medium"}


def fail(msg: str) -> None:
    sys.exit(f"verification.py: {msg}")


def short_source(text: str) -> str:
    """The citation without where the copy was read (kept once per edition in the decision)."""
    m = re.match(r"DESNZ GHG Conversion Factors 2024 full set v1\.1, sheet '([^']+)' cell ([A-Z]+[0-9]+) \((.*)\); read in ", text)
    if m:
        return f"DESNZ 2024 full set v1.1, '{m.group(1)}'!{m.group(2)}"
    for cut in ("; read in a copy of the IPCC PDF", "; read in the CPCD", ", as transcribed in ", "; read in "):
        i = text.find(cut)
        if i > 0:
            return text[:i]
    return text


def convert(ref_dir: Path, ref_name: str) -> list[dict[str, str]]:
    out = []
    with open(ref_dir / ref_name, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["field"] not in FIGURES:
                continue
            if r["confidence"] not in ("high", "medium", "low"):
                fail(f"{ref_name}: unknown confidence {r['confidence']!r}")
            out.append({"factor_id": r["factor_id"], "field": r["field"], "source_value": r["source_value"],
                        "confidence": r["confidence"], "source": short_source(r["source"])})
    return out


def write_records(folder: Path, rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["factor_id", "field", "source_value", "confidence", "source"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (folder / "verification.csv").write_text(buf.getvalue(), encoding="utf-8")


def decide(factors: list[dict[str, str]], checks: list[dict[str, str]], where: str) -> dict[str, bool]:
    by_key: dict[tuple[str, str], list[dict[str, str]]] = {}
    ids = {f["id"] for f in factors}
    for c in checks:
        if c["factor_id"] not in ids:
            fail(f"{where}: verification row for unknown factor {c['factor_id']}")
        by_key.setdefault((c["factor_id"], c["field"]), []).append(c)
    out = {}
    for f in factors:
        ok = True
        for col in FIGURES:
            if f[col] == "":
                continue
            rows = by_key.get((f["id"], col), [])
            strong = [c for c in rows if c["confidence"] in CONFIRMS]
            for c in strong:
                if Decimal(c["source_value"]) != Decimal(f[col]):
                    fail(f"{where}: {f['id']} {col} shipped {f[col]}, {c['confidence']} source {c['source_value']}: fix by hand, citing {c['source']}")
            if not strong:
                ok = False
        out[f["id"]] = ok
    return out


def apply(folder: Path, verdict: dict[str, bool]) -> tuple[int, int]:
    path = folder / "factors.csv"
    raw = path.read_bytes().decode("utf-8")
    lines = raw.split("\n")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    body = [l for l in lines[1:] if l]
    if len(body) != len(rows) or not lines[0].endswith(",verified"):
        fail(f"{path}: expected one line per row and `verified` last")
    before = sum(r["verified"] != "false" for r in rows)
    for i, r in enumerate(rows, start=1):
        want = "true" if verdict[r["id"]] else "false"
        if r["verified"] == "true" and want == "false":
            fail(f"{path}: {r['id']} is marked verified but the records do not confirm it")
        head, _, last = lines[i].rpartition(",")
        if last not in ("true", "false"):
            fail(f"{path}: line {i + 1} does not end in the verified column")
        lines[i] = f"{head},{want}"
    new = "\n".join(lines).encode("utf-8")
    path.write_bytes(new)
    digest = hashlib.sha256(new).hexdigest()
    toml = folder / "dataset.toml"
    text = toml.read_text(encoding="utf-8")
    text, n = re.subn(r'(?m)^sha256 = "[0-9a-f]{64}"$', f'sha256 = "{digest}"', text)
    if n != 1:
        fail(f"{toml}: expected one sha256 line")
    toml.write_text(text, encoding="utf-8")
    return before, sum(verdict.values())


def main(argv: list[str]) -> None:
    args = [a for a in argv[1:] if a != "--apply"]
    if len(args) != 1:
        fail("usage: python tools/convert/verification.py <verification folder> [--apply]")
    ref_dir = Path(args[0])
    for ref_name, (dataset, edition) in EDITIONS.items():
        folder = DATA / dataset / edition
        checks = convert(ref_dir, ref_name)
        write_records(folder, checks)
        with open(folder / "factors.csv", newline="", encoding="utf-8") as f:
            factors = list(csv.DictReader(f))
        verdict = decide(factors, checks, f"{dataset}/{edition}")
        if "--apply" in argv:
            before, after = apply(folder, verdict)
        else:
            before, after = sum(f["verified"] != "false" for f in factors), sum(verdict.values())
        print(f"{dataset}/{edition}: {len(checks)} records, {len(factors)} factors, verified {before} -> {after}")


if __name__ == "__main__":
    main(sys.argv)
