#!/usr/bin/env python3
"""Convert the US EPA Supply Chain GHG Emission Factors v1.3.0 (USEEIO) into Scopebook's format.

    python tools/convert/useeio.py /work/shared/datasets/epa-supply-chain-ghg-emission-factors [--out REPO]

Reads `SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv` (one row per 2017 NAICS
code) and writes `emission-factors/epa-useeio-supply-chain/1.3.0/{factors.csv,dataset.toml}`
under the repository root (default: the repository this script sits in). One factor per NAICS
code: activity `spend.naics.<code>`, unit USD, co2e_kg = "Supply Chain Emission Factors with
Margins" (kg CO2e per 2022 USD, purchaser price), copied as text (trailing zeros stripped).

If the by-gas file `SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv` sits next to
it, the script also checks the GWP basis: for every NAICS code it weights the published per-gas
figures by the AR4, AR5 and AR6 GWP-100 values of emission-factors/gwp/gwp100.csv and compares
the sum with the published CO2e figure, allowing for the rounding of the published figures.
The by-gas figures are not shipped (the CO2e file is the one meant for spend-based accounting).

Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

CO2E_FILE = "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv"
CO2E_SHA256 = "c7f508646ee091cb2218be65dec0e2bdb6143ba8511773d486c9e87f6df84177"
BYGHG_FILE = "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv"
BYGHG_SHA256 = "963952e5911dd5c5a4408172192b327c1583b5491a5b80c2d7cb03260411ee16"
DATASET_ID = "epa-useeio-supply-chain"
EDITION = "1.3.0"
ID_PREFIX = "epa-useeio.1.3.0."
HEADER = [
    "2017 NAICS Code", "2017 NAICS Title", "GHG", "Unit",
    "Supply Chain Emission Factors without Margins", "Margins of Supply Chain Emission Factors",
    "Supply Chain Emission Factors with Margins", "Reference USEEIO Code",
]
UNIT = "kg CO2e/2022 USD, purchaser price"
WITH_MARGINS = "Supply Chain Emission Factors with Margins"

FACTOR_COLUMNS = [
    "id", "activity", "scope", "category", "unit",
    "co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "biogenic_co2_kg", "other_gas", "other_gas_kg",
    "ncv_gj_per_unit", "carbon_t_per_gj", "oxidation",
    "source", "name", "region", "valid_from", "valid_to", "gwp_basis", "verified",
]

# byGHG gas names -> gas names of emission-factors/gwp/gwp100.csv
GAS_NAMES = {
    "Carbon dioxide": "CO2", "Methane": "CH4", "Nitrous oxide": "N2O",
    "Sulfur hexafluoride": "SF6", "Nitrogen trifluoride": "NF3",
    "Carbon tetrafluoride": "CF4", "Hexafluoroethane": "C2F6", "Perfluoropropane": "C3F8",
    "Perfluorobutane": "C4F10", "Perfluorocyclobutane": "c-C4F8", "Perfluorohexane": "C6F14",
    "HFC-23": "HFC-23", "HFC-32": "HFC-32", "HFC-125": "HFC-125", "HFC-134a": "HFC-134a",
    "HFC-143a": "HFC-143a", "HFC-236fa": "HFC-236fa",
}
UNSPECIFIED_CO2E = "HFCs and PFCs, unspecified"


def fmt(d: Decimal) -> str:
    """A Decimal as plain text: no exponent, trailing zeros stripped, zero as `0`."""
    if d.is_zero():
        return "0"
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        rdr = csv.reader(f)
        header = next(rdr)
        if header != HEADER:
            raise SystemExit(f"{path.name}: unexpected header {header}")
        return [dict(zip(header, row, strict=True)) for row in rdr]


def check_gwp_basis(byghg: Path, co2e_rows: list[dict]) -> str:
    """Which GWP set reproduces the published CO2e figures from the published per-gas ones."""
    gwp_csv = Path(__file__).resolve().parents[2] / "emission-factors" / "gwp" / "gwp100.csv"
    with open(gwp_csv, newline="", encoding="utf-8") as f:
        gwp = {r["gas"]: r for r in csv.DictReader(f)}
    by_code: dict[str, list[dict]] = {}
    for r in read_csv(byghg):
        by_code.setdefault(r["2017 NAICS Code"], []).append(r)
    published = {r["2017 NAICS Code"]: Decimal(r[WITH_MARGINS]) for r in co2e_rows}
    if set(by_code) != set(published):
        raise SystemExit("the by-gas and CO2e files list different NAICS codes")
    result = {}
    for s in ("ar4", "ar5", "ar6"):
        consistent = 0
        for code, rows in by_code.items():
            total, slack = Decimal(0), Decimal("0.0005")  # CO2e is published to 3 decimals
            for r in rows:
                v = Decimal(r[WITH_MARGINS])  # e.g. 1.72e-01: three significant digits
                if r["GHG"] == UNSPECIFIED_CO2E:
                    w = Decimal(1)
                else:
                    w = Decimal(gwp[GAS_NAMES[r["GHG"]]][s] or "0")
                total += v * w
                slack += Decimal(5).scaleb(v.as_tuple().exponent - 1) * w  # half a unit in the last place
            if abs(total - published[code]) <= slack:
                consistent += 1
        result[s.upper()] = consistent
    n = len(published)
    return (f"GWP check against {BYGHG_FILE}: the per-gas figures weighted by GWP-100 reproduce the published CO2e "
            f"(within the rounding of the published figures) for {result['AR5']} of {n} NAICS codes with AR5, "
            f"{result['AR4']} with AR4 and {result['AR6']} with AR6"), result["AR5"] == n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source_dir", type=Path, help=f"folder holding {CO2E_FILE}")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2], help="repository root to write into")
    ap.add_argument("--allow-other-file", action="store_true", help="do not insist on the SHA-256 recorded in SOURCE.md")
    a = ap.parse_args()

    path = a.source_dir / CO2E_FILE
    digest = sha256(path)
    if digest != CO2E_SHA256 and not a.allow_other_file:
        raise SystemExit(f"{path}: SHA-256 {digest}, expected {CO2E_SHA256} (SOURCE.md); pass --allow-other-file to convert it anyway")
    src_rows = read_csv(path)

    rows, skipped = [], []
    seen = set()
    for i, r in enumerate(src_rows, start=2):  # file line numbers (line 1 is the header)
        code, title = r["2017 NAICS Code"].strip(), r["2017 NAICS Title"].strip()
        problems = []
        if not (len(code) == 6 and code.isdigit()):
            problems.append(f"'{code}' is not a 6-digit NAICS code")
        if r["GHG"] != "All GHGs" or r["Unit"] != UNIT:
            problems.append(f"GHG/Unit '{r['GHG']}' / '{r['Unit']}' is not 'All GHGs' / '{UNIT}'")
        if code in seen:
            problems.append("NAICS code repeated")
        try:
            kg = Decimal(r[WITH_MARGINS].strip())
            if not kg.is_finite() or kg <= 0:
                problems.append(f"'{r[WITH_MARGINS]}' is not a positive figure")
        except ArithmeticError:
            problems.append(f"'{r[WITH_MARGINS]}' is not a number")
        if problems:
            skipped.append(f"line {i} ({code} {title}): {'; '.join(problems)}")
            continue
        seen.add(code)
        rows.append({
            "id": f"{ID_PREFIX}{code}",
            "activity": f"spend.naics.{code}",
            "scope": "3",
            "category": "1",
            "unit": "USD",
            "co2e_kg": fmt(kg),
            "source": (f"EPA Supply Chain GHG Emission Factors v1.3.0 (USEEIOv2.2.22-GHG), {CO2E_FILE}, line {i}: "
                       f"NAICS {code} {title}, 'Supply Chain Emission Factors with Margins' in kg CO2e per 2022 USD, purchaser price "
                       f"(reference USEEIO code {r['Reference USEEIO Code']}); spend must be in 2022 US dollars at purchaser price"),
            "name": title,
            "region": "US",
            "valid_from": "",
            "valid_to": "",
            "gwp_basis": "AR5",
            "verified": "true",
        })

    # Uniqueness rule: activity is unique per NAICS code; one region (US), one unit, open validity.
    if len({r["activity"] for r in rows}) != len(rows):
        raise SystemExit("two factors share an activity")

    gwp_note, ar5_all = "", False
    byghg = a.source_dir / BYGHG_FILE
    if byghg.is_file():
        if sha256(byghg) != BYGHG_SHA256 and not a.allow_other_file:
            raise SystemExit(f"{byghg}: SHA-256 differs from SOURCE.md")
        gwp_note, ar5_all = check_gwp_basis(byghg, src_rows)
        if not ar5_all:
            raise SystemExit(gwp_note + " -- AR5 does not reproduce every code; check the GWP basis before shipping")
        gwp_note += "."
    else:
        gwp_note = f"({BYGHG_FILE} not found next to the CO2e file: the GWP basis was not re-checked numerically.)"

    notes = " ".join([
        f"Converted by tools/convert/useeio.py from {CO2E_FILE} (SHA-256 {CO2E_SHA256[:16]}...): {len(rows)} factors, one per 2017 NAICS code, of {len(src_rows)} data rows.",
        "FACTOR: co2e_kg is the 'Supply Chain Emission Factors with Margins' column: cradle to point of sale, kg CO2e per US dollar at purchaser price (the producer-price figure 'without margins' plus the trade and transport margins), copied as published (three decimals, trailing zeros dropped).",
        "PRICE YEAR: the figures are per 2022 US dollar, purchaser price. Spend from another year must first be converted to 2022 dollars (deflated or inflated with a price index, e.g. BEA or CPI) and other currencies converted to USD; Scopebook converts neither. The factors carry no validity dates (open-ended): they are tied to a price year, not to an inventory period. A later edition of this dataset, valid for the same open period, would tie with this one; load or pin (--pin) one edition at a time.",
        "CATEGORY: every factor is Scope 3 category 1 (purchased goods and services). For capital goods, set scope3_category 2 on the activity row; the factor is the same.",
        f"GWP BASIS: AR5 GWP-100. The model spec USEEIOv2.2.22-GHG (USEPA/supply-chain-factors, model-specs/USEEIOv2.2.22-GHG.yml) uses the indicator 'AR5-100' (IPCC Fifth Assessment Report, 100-year GWPs); v1.3.0 is built from that spec (SOURCE.md; third-party build scripts map SEF v1.3.0 to USEEIOv2.2.22-GHG, model year 2022, matching the file's 2022 USD). {gwp_note}",
        "SCOPE: the file covers 1,016 six-digit NAICS codes; it has no code under NAICS 2211 (electric power): purchased electricity belongs in Scope 2. The per-gas file (SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv) is not shipped: the CO2e file is the one meant for spend-based accounting, and its per-gas rows lump some HFCs and PFCs as CO2e.",
        "SKIPPED: " + ("; ".join(skipped) if skipped else "no row (every NAICS code is shipped; each has its own activity, so no two factors can clash)") + ".",
        "All figures verified=true: each is the CSV cell named in its source column.",
    ])

    meta = {
        "id": DATASET_ID,
        "edition": EDITION,
        "title": "Supply Chain Greenhouse Gas Emission Factors for US Industries and Commodities, v1.3.0 (by 2017 NAICS-6, 2022 USD)",
        "publisher": "US Environmental Protection Agency (EPA), Office of Research and Development (USEEIO)",
        "region": "US",
        "licence": "Work of the US federal government, in the public domain in the United States (17 U.S.C. 105); EPA ScienceHub lists it under a US Public Domain licence (general understanding, not legal advice)",
        "source_url": "https://cfpub.epa.gov/si/si_public_record_Report.cfm?dirEntryId=349324",
        "references": [
            f"{CO2E_FILE} (SHA-256 {CO2E_SHA256}), DOI 10.23719/1531143: column 'Supply Chain Emission Factors with Margins', kg CO2e/2022 USD, purchaser price",
            "Field definitions: USEPA/supply-chain-factors, format-specs/README.md",
            "Model: USEPA/supply-chain-factors, model-specs/USEEIOv2.2.22-GHG.yml (GHG data year 2022; indicator AR5-100)",
        ],
        "notes": notes,
    }

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FACTOR_COLUMNS)
    for r in rows:
        w.writerow([r.get(c, "") for c in FACTOR_COLUMNS])
    data = buf.getvalue().encode("utf-8")
    out_dir = a.out / "emission-factors" / DATASET_ID / EDITION
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "factors.csv").write_bytes(data)
    fdigest = hashlib.sha256(data).hexdigest()
    q = lambda s: json.dumps(s, ensure_ascii=False)  # JSON escapes are valid TOML basic-string escapes
    toml = [
        f"id = {q(meta['id'])}", f"edition = {q(meta['edition'])}", f"title = {q(meta['title'])}",
        f"publisher = {q(meta['publisher'])}", f"region = {q(meta['region'])}", f"licence = {q(meta['licence'])}",
        f"source_url = {q(meta['source_url'])}",
        "references = [", *[f"  {q(x)}," for x in meta["references"]], "]",
        f"notes = {q(meta['notes'])}", "",
        "[files]", 'factors = "factors.csv"', f"sha256 = {q(fdigest)}", "",
    ]
    (out_dir / "dataset.toml").write_text("\n".join(toml), encoding="utf-8")
    print(f"wrote {len(rows)} factors to {out_dir} (factors.csv SHA-256 {fdigest})")
    print(gwp_note)
    for s in skipped:
        print("skipped:", s)


if __name__ == "__main__":
    main()
