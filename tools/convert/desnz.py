#!/usr/bin/env python3
"""Convert the UK DESNZ GHG conversion factors (flat file, editions 2024 and 2025) into
Scopebook's dataset format.

    python tools/convert/desnz.py /work/shared/datasets/desnz-ghg-conversion-factors

writes emission-factors/desnz-ghg-conversion-factors/2024/ and /2025/ (dataset.toml and
factors.csv, with the SHA-256 of factors.csv computed here). The format is specified in
emission-factors/README.md.

Inputs (see SOURCE.md in the source folder):
  2025: ghg-conversion-factors-2025-flat-format.csv (text, the figures as published). When
        ghg-conversion-factors-2025-flat-file.xlsx is present too, every figure used is checked
        against it cell by cell and the run stops on any difference.
  2024: ghg-conversion-factors-2024-FlatFormat_v1_1.xlsx, sheet 'Factors by Category' only (a
        third-party copy with two sheets added; the layout is checked before use).

No arithmetic is done on the figures: each is copied as text (the xlsx cell shown with its own
number format, as the CSV is) and normalised (trailing zeros dropped, no exponent).

Standard library only, plus openpyxl for the xlsx (python3 -m venv .venv-tools &&
.venv-tools/bin/pip install openpyxl). The script refuses input files whose SHA-256 is not the
one recorded in SOURCE.md, so its output is reproducible byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DATASET_ID = "desnz-ghg-conversion-factors"
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "emission-factors" / DATASET_ID

FILES = {
    2025: "ghg-conversion-factors-2025-flat-format.csv",
    2024: "ghg-conversion-factors-2024-FlatFormat_v1_1.xlsx",
}
XLSX_2025 = "ghg-conversion-factors-2025-flat-file.xlsx"
SHA256 = {  # as recorded in SOURCE.md
    "ghg-conversion-factors-2025-flat-format.csv": "902d6b849ad879801f4e34fa1a4a25deb4e6493c539d575ff29fb62a77823452",
    "ghg-conversion-factors-2025-flat-file.xlsx": "8bfdb45b81ec4a88e3bdf4584637330f62e6bd09ce1940e654c5d7b7f736de94",
    "ghg-conversion-factors-2024-FlatFormat_v1_1.xlsx": "db8cb915af241b389add753402fb225f1850c583ac331994a71b2f281c484320",
}
HEADER = ["ID", "Scope", "Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM", "GHG/Unit"]
EXPECTED_ROWS = 8740

# Categories of WTT factors. Fuel, bioenergy, electricity and heat WTT is the upstream part of
# energy the reporting company itself consumes: GHG Protocol Scope 3 category 3. WTT of the fuel
# burnt by carriers in business travel and freight is part of those services' footprint
# (categories 6 and 4), not of fuel the company consumes, so those rows follow their parent.
WTT_TRAVEL_CATEGORY = "6"
WTT_FREIGHT_CATEGORY = "4"

FACTOR_COLUMNS = [
    "id", "activity", "scope", "category", "unit", "co2_kg", "ch4_kg", "n2o_kg", "co2e_kg",
    "biogenic_co2_kg", "other_gas", "other_gas_kg", "ncv_gj_per_unit", "carbon_t_per_gj",
    "oxidation", "source", "name", "region", "valid_from", "valid_to", "gwp_basis", "verified",
]

# DESNZ UOM -> (Scopebook unit, id slug, dimension). UOMs not here have no Scopebook unit.
UNITS = {
    "tonnes": ("t", "t", "mass"),
    "kg": ("kg", "kg", "mass"),
    "litres": ("L", "l", "volume"),
    "cubic metres": ("m3", "m3", "volume"),
    "kWh (Gross CV)": ("kWh", "kwh", "energy"),
    "kWh (Net CV)": ("kWh", "kwh", "energy"),
    "kWh": ("kWh", "kwh", "energy"),
    "GJ": ("GJ", "gj", "energy"),
    "km": ("km", "km", "distance"),
    "miles": ("mile", "mile", "distance"),
    "passenger.km": ("pkm", "pkm", "passenger distance"),
    "tonne.km": ("tkm", "tkm", "freight distance"),
    "Room per night": ("room-night", "room_night", "room nights"),
}

FUELS = {  # Fuels and Bioenergy, Level 3 -> activity
    # gaseous
    "Butane": "butane",
    "CNG": "cng",
    "LNG": "lng",
    "LPG": "lpg",
    "Natural gas": "natural_gas",
    "Natural gas (100% mineral blend)": "natural_gas_100pct_mineral",
    "Other petroleum gas": "other_petroleum_gas",
    "Propane": "propane",
    # liquid
    "Aviation spirit": "aviation_spirit",
    "Aviation turbine fuel": "aviation_turbine_fuel",
    "Burning oil": "burning_oil",
    "Diesel (average biofuel blend)": "diesel",
    "Diesel (100% mineral diesel)": "diesel_100pct_mineral",
    "Fuel oil": "fuel_oil",
    "Gas oil": "gas_oil",
    "Lubricants": "lubricants",
    "Naphtha": "naphtha",
    "Petrol (average biofuel blend)": "petrol",
    "Petrol (100% mineral petrol)": "petrol_100pct_mineral",
    "Processed fuel oils - residual oil": "processed_fuel_oil_residual",
    "Processed fuel oils - distillate oil": "processed_fuel_oil_distillate",
    "Refinery miscellaneous": "refinery_miscellaneous",
    "Waste oils": "waste_oils",
    "Marine gas oil": "marine_gas_oil",
    "Marine fuel oil": "marine_fuel_oil",
    # solid
    "Coal (industrial)": "coal_industrial",
    "Coal (electricity generation)": "coal_electricity_generation",
    "Coal (domestic)": "coal_domestic",
    "Coking coal": "coking_coal",
    "Petroleum coke": "petroleum_coke",
    "Coal (electricity generation - home produced coal only)": "coal_electricity_generation_home_produced",
    # bioenergy
    "Bioethanol": "bioethanol",
    "Biodiesel ME": "biodiesel_me",
    "Biomethane (compressed)": "biomethane_compressed",
    "Biodiesel ME (from used cooking oil)": "biodiesel_me_used_cooking_oil",
    "Biodiesel ME (from tallow)": "biodiesel_me_tallow",
    "Biodiesel HVO": "biodiesel_hvo",
    "Biopropane": "biopropane",
    "Development diesel": "development_diesel",
    "Development petrol": "development_petrol",
    "Off road biodiesel": "off_road_biodiesel",
    "Biomethane (liquified)": "biomethane_liquefied",
    "Methanol (bio)": "bio_methanol",
    "Avtur (renewable)": "avtur_renewable",
    "Wood logs": "wood_logs",
    "Wood chips": "wood_chips",
    "Wood pellets": "wood_pellets",
    "Grass/straw": "grass_straw",
    "Biogas": "biogas",
    "Landfill gas": "landfill_gas",
}

FUELS_LOWER = {k.lower(): v for k, v in FUELS.items()}

HOTELS = {  # Level 3 -> (activity suffix, ISO 3166-1 alpha-2)
    "UK": ("united_kingdom", "GB"),
    "UK (London)": ("united_kingdom.london", "GB"),
    "Argentina": ("argentina", "AR"),
    "Australia": ("australia", "AU"),
    "Austria": ("austria", "AT"),
    "Belgium": ("belgium", "BE"),
    "Brazil": ("brazil", "BR"),
    "Canada": ("canada", "CA"),
    "Chile": ("chile", "CL"),
    "China": ("china", "CN"),
    "Colombia": ("colombia", "CO"),
    "Costa Rica": ("costa_rica", "CR"),
    "Czech Republic": ("czech_republic", "CZ"),
    "Egypt": ("egypt", "EG"),
    "Fiji": ("fiji", "FJ"),
    "Finland": ("finland", "FI"),
    "France": ("france", "FR"),
    "Germany": ("germany", "DE"),
    "Greece": ("greece", "GR"),
    "Hong Kong, China": ("hong_kong", "HK"),
    "India": ("india", "IN"),
    "Indonesia": ("indonesia", "ID"),
    "Ireland": ("ireland", "IE"),
    "Israel": ("israel", "IL"),
    "Italy": ("italy", "IT"),
    "Japan": ("japan", "JP"),
    "Jordan": ("jordan", "JO"),
    "Kazakhstan": ("kazakhstan", "KZ"),
    "Korea": ("south_korea", "KR"),
    "Macau, China": ("macau", "MO"),
    "Malaysia": ("malaysia", "MY"),
    "Maldives": ("maldives", "MV"),
    "Mexico": ("mexico", "MX"),
    "Netherlands": ("netherlands", "NL"),
    "New Zealand": ("new_zealand", "NZ"),
    "Oman": ("oman", "OM"),
    "Panama": ("panama", "PA"),
    "Peru": ("peru", "PE"),
    "Philippines": ("philippines", "PH"),
    "Poland": ("poland", "PL"),
    "Portugal": ("portugal", "PT"),
    "Qatar": ("qatar", "QA"),
    "Romania": ("romania", "RO"),
    "Russian Federation": ("russia", "RU"),
    "Saudi Arabia": ("saudi_arabia", "SA"),
    "Singapore": ("singapore", "SG"),
    "South Africa": ("south_africa", "ZA"),
    "Spain": ("spain", "ES"),
    "Switzerland": ("switzerland", "CH"),
    "Taiwan, China": ("taiwan", "TW"),
    "Thailand": ("thailand", "TH"),
    "Turkey": ("turkey", "TR"),
    "United Arab Emirates": ("united_arab_emirates", "AE"),
    "United States": ("united_states", "US"),
    "Vietnam": ("vietnam", "VN"),
}

AIR_HAUL = {
    "Domestic, to/from UK": "domestic",
    "Short-haul, to/from UK": "short_haul",
    "Long-haul, to/from UK": "long_haul",
    "International, to/from non-UK": "international_non_uk",
}
AIR_CLASS = {
    "Average passenger": "",
    "Economy class": "economy",
    "Premium economy class": "premium_economy",
    "Business class": "business",
    "First class": "first",
}
RF = {"Without RF": "", "With RF": ".with_rf"}
VEHICLE_FUEL = {
    "Diesel": "diesel",
    "Petrol": "petrol",
    "Hybrid": "hybrid",
    "CNG": "cng",
    "LPG": "lpg",
    "Unknown": "unknown",
    "Plug-in Hybrid Electric Vehicle": "phev",
    "Battery Electric Vehicle": "bev",
}
CAR_SIZE = {"Small car": "small", "Medium car": "medium", "Large car": "large", "Average car": "average"}
VAN_CLASS = {
    "Class I (up to 1.305 tonnes)": "class_i",
    "Class II (1.305 to 1.74 tonnes)": "class_ii",
    "Class III (1.74 to 3.5 tonnes)": "class_iii",
    "Average (up to 3.5 tonnes)": "average",
}
HGV_SIZE = {
    "Rigid (>3.5 - 7.5 tonnes)": "rigid_3_5_to_7_5t",
    "Rigid (>7.5 tonnes-17 tonnes)": "rigid_7_5_to_17t",
    "Rigid (>17 tonnes)": "rigid_over_17t",
    "All rigids": "all_rigids",
    "Articulated (>3.5 - 33t)": "artic_3_5_to_33t",
    "Articulated (>33t)": "artic_over_33t",
    "All artics": "all_artics",
    "All HGVs": "",
}
LADEN = {"0% Laden": "laden_0pct", "50% Laden": "laden_50pct", "100% Laden": "laden_100pct", "Average laden": "average_laden"}
MOTORBIKE = {"Small": "small", "Medium": "medium", "Large": "large", "Average": ""}
TAXI = {"Regular taxi": "regular", "Black cab": "black_cab"}
BUS = {
    "Local bus (not London)": "local.not_london",
    "Local London bus": "local.london",
    "Average local bus": "local",
    "Coach": "coach",
}
RAIL = {
    "National rail": "national",
    "International rail": "international",
    "Light rail and tram": "light_rail_tram",
    "London Underground": "london_underground",
}
FERRY = {"Foot passenger": ".foot_passenger", "Car passenger": ".car_passenger", "Average (all passenger)": ""}
MATERIAL_SOURCE = {
    "Primary material production": "primary",
    "Re-used": "reused",
    "Open-loop source": "open_loop",
    "Closed-loop source": "closed_loop",
}
WASTE_METHOD = {
    "Re-use": "reuse",
    "Open-loop": "open_loop",
    "Closed-loop": "closed_loop",
    "Combustion": "combustion",  # 2024 label
    "Incineration with Energy Recovery": "combustion",  # 2025 label, same IDs
    "Composting": "composting",
    "Landfill": "landfill",
    "Anaerobic digestion": "anaerobic_digestion",
}

# Level 1 groups this conversion leaves out, and why (they are counted in the notes).
OUT_OF_COVERAGE = {
    "Refrigerant & other": "refrigerants and other gases (kg CO2e per kg, i.e. GWPs): Scopebook takes these from its GWP tables (emission-factors/gwp)",
    "Passenger vehicles": "company-owned cars and motorbikes by distance (Scope 1): outside the coverage of this conversion",
    "Delivery vehicles": "company-owned vans and HGVs by distance (Scope 1): outside the coverage of this conversion",
    "UK electricity for EVs": "electricity for company EVs by distance (Scope 2): outside the coverage of this conversion",
    "UK electricity T&D for EVs": "T&D losses for company EVs by distance (Scope 3): outside the coverage of this conversion",
    "Managed assets- vehicles": "managed (leased) vehicles: outside the coverage of this conversion",
    "Managed assets- electricity": "managed assets electricity (same figure as UK electricity): outside the coverage of this conversion",
    "Homeworking": "homeworking per FTE working hour: no Scopebook unit, outside the coverage of this conversion",
}
SECR = {"SECR kWh pass & delivery vehs", "SECR kWh UK electricity for EVs"}


@dataclass
class Row:
    id: str
    scope: str
    l1: str
    l2: str
    l3: str
    l4: str
    ct: str
    uom: str
    ghg: str
    value: str | None  # normalised decimal text, None for a blank cell
    where: str  # "line N" / "row N"


@dataclass
class Edition:
    year: int
    file: str
    sheet_note: str
    rows: list[Row]
    verified: bool
    checks: list[str] = field(default_factory=list)


def fail(msg: str) -> None:
    sys.exit(f"desnz.py: {msg}")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def norm(text: str) -> str:
    """A published figure as plain decimal text: no exponent, no trailing zeros."""
    d = Decimal(text.strip())
    if d.is_zero():
        return "0"
    s = format(d.normalize(), "f")
    return s


def cell_text(value, number_format: str) -> str | None:
    """An xlsx number as the sheet shows it (its number format's decimals), normalised."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(f"unexpected cell value {value!r}")
    if isinstance(value, int):
        return norm(str(value))
    m = re.fullmatch(r"0\.(0+)", number_format)
    if not m:
        fail(f"unexpected number format {number_format!r}")
    exact = Decimal(repr(value))
    shown = exact.quantize(Decimal(1).scaleb(-len(m.group(1))))
    return norm(str(shown))


def read_csv_2025(path: Path) -> list[Row]:
    text = path.read_bytes().decode("utf-8-sig")
    rdr = csv.reader(io.StringIO(text, newline=""))
    header = next(rdr)
    if header != HEADER + ["GHG Conversion Factor 2025"]:
        fail(f"{path.name}: unexpected header {header}")
    rows = []
    for line, rec in enumerate(rdr, start=2):
        if len(rec) != 10:
            fail(f"{path.name} line {line}: {len(rec)} fields")
        v = rec[9].strip()
        rows.append(Row(*rec[:9], value=norm(v) if v else None, where=f"line {line}"))
    return rows


def read_xlsx(path: Path, year: int) -> tuple[list[Row], dict]:
    try:
        import openpyxl  # noqa: PLC0415
    except ImportError:
        fail("openpyxl is needed for the xlsx: python3 -m venv .venv-tools && .venv-tools/bin/pip install openpyxl")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    front = [[c for c in r if c is not None] for r in wb["Front page"].iter_rows(values_only=True)]
    front = [r for r in front if r]
    ws = wb["Factors by Category"]
    rows = []
    ended = False
    blank_after = 0
    for n, cells in enumerate(ws.iter_rows(min_row=1, max_col=10), start=1):
        vals = [c.value for c in cells]
        if n < 6:
            continue
        if n == 6:
            if vals != HEADER + [f"GHG Conversion Factor {year}"]:
                fail(f"{path.name}: row 6 is not the expected header: {vals}")
            continue
        if vals[0] is None and vals[1] == "END":
            ended = True
            break
        if all(v is None for v in vals):
            blank_after = blank_after or n
            continue
        if vals[0] is None or blank_after:
            fail(f"{path.name} row {n}: empty ID, or data after the blank row {blank_after}")
        text = ["" if v is None else str(v) for v in vals[:9]]
        fmt = getattr(cells[9], "number_format", None)
        rows.append(Row(*text, value=cell_text(vals[9], fmt), where=f"row {n}"))
    if not ended:
        fail(f"{path.name}: no END footer after the factor rows")
    wb.close()
    return rows, {"front": front, "sheets": wb.sheetnames}


# ---------------------------------------------------------------------------------------------
# Mapping one DESNZ row to a Scopebook activity


def slug(text: str) -> str:
    s = text.lower().replace("&", " and ").replace("%", "pct")
    s = re.sub(r"(?<=\d),(?=\d)", "", s)
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s


def ship_size(text: str) -> str:
    """'200,000+ dwt' -> dwt_200000_plus, '0–9999 dwt' -> dwt_0_9999, 'Average' -> ''."""
    t = text.strip()
    if t == "Average":
        return ""
    if t == "All dwt":
        return "all_dwt"
    parts = []
    for lo, plus, hi, unit in re.findall(r"([\d,]+)(\+)?(?:–([\d,]+))?\s*(dwt|TEU|m3|LM|CEU)", t):
        lo, hi = lo.replace(",", ""), hi.replace(",", "")
        parts.append(f"{unit.lower()}_{lo}_plus" if plus else f"{unit.lower()}_{lo}_{hi}")
    if not parts:
        fail(f"cannot read ship size {text!r}")
    return "_".join(parts)


def join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def pick(table: dict, key: str, what: str) -> str:
    if key not in table:
        fail(f"unknown {what} {key!r}")
    return table[key]


def travel_activity(l2: str, l3: str, l4: str, ct: str) -> str:
    """Business travel (air, sea, land); Level 2 without any 'WTT- ' prefix."""
    l2 = l2.lower()
    if l2 == "flights":
        return join("travel.air", pick(AIR_HAUL, l3, "haul"), pick(AIR_CLASS, l4, "class")) + pick(RF, ct, "RF")
    if l2 == "ferry":
        return "travel.ferry" + pick(FERRY, l3, "ferry")
    if l2 == "cars (by market segment)":
        return join("travel.car", slug(l3), pick(VEHICLE_FUEL, ct, "fuel"))
    if l2 == "cars (by size)":
        return join("travel.car", pick(CAR_SIZE, l3, "car size"), pick(VEHICLE_FUEL, ct, "fuel"))
    if l2 == "motorbike":
        return join("travel.motorbike", pick(MOTORBIKE, l3, "motorbike"))
    if l2 == "taxis":
        return join("travel.taxi", pick(TAXI, l3, "taxi"))
    if l2 == "bus":
        return join("travel.bus", pick(BUS, l3, "bus"))
    if l2 == "rail":
        return join("travel.rail", pick(RAIL, l3, "rail"))
    fail(f"unknown travel group {l2!r}")
    return ""


def freight_activity(l2: str, l3: str, l4: str, ct: str) -> str:
    """Freighting goods; Level 2 without any 'WTT- ' prefix."""
    key = l2.lower()
    if key == "vans":
        return join("freight.van", pick(VAN_CLASS, l3, "van class"), pick(VEHICLE_FUEL, ct, "fuel"))
    if key == "hgv (all diesel)":
        return join("freight.hgv.all_diesel", pick(HGV_SIZE, l3, "HGV size"), pick(LADEN, ct, "laden"))
    if key in ("hgv refrigerated (all diesel)", "hgvs refrigerated (all diesel)"):
        return join("freight.hgv_refrigerated.all_diesel", pick(HGV_SIZE, l3, "HGV size"), pick(LADEN, ct, "laden"))
    if key == "freight flights":
        return join("freight.air", pick(AIR_HAUL, l3, "haul")) + pick(RF, ct, "RF")
    if key == "rail":
        if l3 != "Freight train":
            fail(f"unknown freight rail {l3!r}")
        return "freight.rail"
    if key in ("sea tanker", "cargo ship"):
        return join("freight.sea", slug(l3), ship_size(l4))
    fail(f"unknown freight group {l2!r}")
    return ""


def fuel_activity(l3: str, uom: str) -> str:
    base = FUELS_LOWER.get(l3.lower())  # 'Biodiesel ME (from Tallow)' in some groups
    if base is None:
        fail(f"unknown fuel {l3!r}")
    if uom == "kWh (Gross CV)":
        return base + ".gcv"
    if uom == "kWh (Net CV)":
        return base + ".ncv"
    return base


def strip_wtt(l2: str) -> str:
    return l2[len("WTT- "):] if l2.startswith("WTT- ") else l2


@dataclass
class Mapped:
    activity: str
    scope: str
    category: str
    region: str = "GB"


def map_row(r: Row) -> Mapped | str:
    """The Scopebook activity of a DESNZ total-CO2e row, or the reason it is skipped."""
    l1 = r.l1
    if l1 in SECR:
        return "SECR kWh-per-distance rows (energy use, not emissions; all their rows)"
    if l1 in OUT_OF_COVERAGE:
        return OUT_OF_COVERAGE[l1]
    if l1 == "Fuels":
        return Mapped(fuel_activity(r.l3, r.uom), "1", "stationary")
    if l1 == "Bioenergy":
        return Mapped(fuel_activity(r.l3, r.uom), "1", "stationary")
    if l1 == "UK electricity":
        return Mapped("grid_electricity", "2", "electricity")
    if l1 == "Heat and steam":
        which = {"Onsite heat and steam": "onsite", "District heat and steam": "district"}
        return Mapped("heat_and_steam." + pick(which, r.l3, "heat"), "2", "heat")
    if l1 == "Transmission and distribution":
        if r.l2 == "T&D- UK electricity":
            return Mapped("grid_electricity_td_losses", "3", "3")
        if r.l2 == "Distribution - district heat & steam":
            return Mapped("district_heat_and_steam_td_losses", "3", "3")
    if l1 == "Water supply":
        return Mapped("water.supply", "3", "1")
    if l1 == "Water treatment":
        return Mapped("water.treatment", "3", "5")
    if l1 == "Material use":
        return Mapped(join("material", slug(r.l3), pick(MATERIAL_SOURCE, r.ct, "material source")), "3", "1")
    if l1 == "Waste disposal":
        return Mapped(join("waste", slug(r.l3), pick(WASTE_METHOD, r.ct, "waste method")), "3", "5")
    if l1 in ("Business travel- air", "Business travel- sea", "Business travel- land"):
        return Mapped(travel_activity(r.l2, r.l3, r.l4, r.ct), "3", "6")
    if l1 == "Hotel stay":
        suffix, iso = pick(HOTELS, r.l3, "hotel country")
        return Mapped("hotel_stay." + suffix, "3", "6", iso)
    if l1 == "Freighting goods":
        return Mapped(freight_activity(r.l2, r.l3, r.l4, r.ct), "3", "4")
    # Well-to-tank
    if l1 in ("WTT- fuels", "WTT- bioenergy"):
        return Mapped("wtt." + fuel_activity(r.l3, r.uom), "3", "3")
    if l1 == "WTT- UK electricity":
        which = {"WTT- UK electricity (generation)": "grid_electricity", "WTT- UK electricity (T&D)": "grid_electricity_td_losses"}
        return Mapped("wtt." + pick(which, r.l2, "WTT electricity"), "3", "3")
    if l1 == "WTT- heat and steam":
        if r.l2 == "WTT- heat and steam":
            which = {"Onsite heat and steam": "heat_and_steam.onsite", "District heat and steam": "heat_and_steam.district"}
            return Mapped("wtt." + pick(which, r.l3, "WTT heat"), "3", "3")
        if r.l2 == "WTT- district heat & steam distribution":
            return Mapped("wtt.district_heat_and_steam_td_losses", "3", "3")
    if l1 in ("WTT- business travel- air", "WTT- business travel- sea", "WTT- pass vehs & travel- land"):
        return Mapped("wtt." + travel_activity(strip_wtt(r.l2), r.l3, r.l4, r.ct), "3", WTT_TRAVEL_CATEGORY)
    if l1 == "WTT- delivery vehs & freight":
        return Mapped("wtt." + freight_activity(strip_wtt(r.l2), r.l3, r.l4, r.ct), "3", WTT_FREIGHT_CATEGORY)
    fail(f"{r.id}: no mapping for Level 1 {l1!r} / Level 2 {r.l2!r}")
    return ""


EXPECTED_SCOPE = {"1": "Scope 1", "2": "Scope 2", "3": "Scope 3"}

# ---------------------------------------------------------------------------------------------


def describe(r: Row) -> str:
    levels = " > ".join(x for x in (r.l1, r.l2, r.l3, r.l4) if x)
    return ", ".join(x for x in (levels, r.ct, r.uom) if x)


def convert(ed: Edition) -> tuple[list[dict], OrderedDict, list[str]]:
    rows = ed.rows
    by_id = {r.id: r for r in rows}
    if len(rows) != EXPECTED_ROWS or len(by_id) != EXPECTED_ROWS:
        fail(f"{ed.file}: {len(rows)} rows, {len(by_id)} distinct IDs; expected {EXPECTED_ROWS}")

    # Biogenic CO2 ("Outside of scopes", kg CO2e of CO2 per unit), joined by name and unit to
    # the Scope 1 row of the same fuel, or to UK electricity.
    outside_target = {
        "Biofuel": "Bioenergy", "Biomass": "Bioenergy", "Biogas": "Bioenergy",
        "Forecourt fuels containing biofuel": "Fuels",
        "Electricity generated": "UK electricity",
    }
    totals = {}
    for r in rows:
        if r.ghg == "kg CO2e" and r.l1 in ("Bioenergy", "Fuels", "UK electricity"):
            totals[(r.l1, r.l3.lower(), r.uom)] = r
    biogenic: dict[str, Row] = {}
    unattached: list[Row] = []
    for r in rows:
        if r.scope != "Outside of Scopes":
            continue
        if r.ghg != "kg CO2e of CO2 per unit":
            fail(f"{r.id}: unexpected outside-of-scopes unit {r.ghg!r}")
        target = totals.get((outside_target.get(r.l2, "?"), r.l3.lower(), r.uom))
        if r.value is None:
            continue
        if target is None or target.value is None:
            unattached.append(r)
            continue
        if target.id in biogenic:
            fail(f"{target.id}: two biogenic rows")
        biogenic[target.id] = r

    skipped: OrderedDict[str, list[str]] = OrderedDict()
    out = []
    seen_keys = {}
    seen_ids = set()
    for r in rows:
        if r.scope == "Outside of Scopes":
            continue  # attached above, or listed as unattached
        if r.ghg != "kg CO2e":
            if r.l1 in SECR:
                skipped.setdefault("SECR kWh-per-distance rows (energy use, not emissions; all their rows)", []).append(r.id)
            elif not re.fullmatch(r"kg CO2e of (CO2|CH4|N2O) per unit", r.ghg):
                fail(f"{r.id}: unexpected GHG/Unit {r.ghg!r}")
            continue  # per-gas CO2e rows: quoted in the source text of their total row
        m = map_row(r)
        if isinstance(m, str):
            skipped.setdefault(m, []).append(r.id)
            continue
        if EXPECTED_SCOPE[m.scope] != r.scope:
            fail(f"{r.id}: DESNZ scope {r.scope!r}, mapped to scope {m.scope}")
        if r.value is None:
            skipped.setdefault("blank factor (no figure published)", []).append(r.id)
            continue
        if r.uom not in UNITS:
            skipped.setdefault(f"UOM '{r.uom}' has no Scopebook unit", []).append(r.id)
            continue
        unit, unit_slug, dim = UNITS[r.uom]
        if unit == "mile":
            parts = r.id.split("_")
            km_twin = by_id.get("_".join(parts[:3] + ["4"] + parts[4:]))
            if km_twin is None or km_twin.uom != "km" or km_twin.value is None or (km_twin.l1, km_twin.l2, km_twin.l3, km_twin.l4, km_twin.ct) != (r.l1, r.l2, r.l3, r.l4, r.ct):
                fail(f"{r.id}: per-mile row without a published per-km twin")
            skipped.setdefault("per-mile rows: the same factor per km is converted (Scopebook converts miles exactly)", []).append(r.id)
            continue
        key = (m.activity, m.region, dim)
        if key in seen_keys:
            fail(f"collision: {r.id} and {seen_keys[key]} share activity {m.activity}, region {m.region}, dimension {dim}")
        seen_keys[key] = r.id
        fid = f"desnz{ed.year}.{m.activity}.{unit_slug}"
        if fid in seen_ids:
            fail(f"duplicate id {fid}")
        seen_ids.add(fid)

        source = f"DESNZ GHG conversion factors {ed.year} flat file, ID {r.id}, {describe(r)}"
        base = r.id.rsplit("_", 1)[0]
        gases = [by_id.get(f"{base}_{n}") for n in (2, 3, 4)]
        if all(g is not None and g.value is not None for g in gases):
            names = ("CO2", "CH4", "N2O")
            for g, n in zip(gases, names):
                if g.ghg != f"kg CO2e of {n} per unit":
                    fail(f"{g.id}: expected kg CO2e of {n}")
            source += "; of which kg CO2e of " + ", ".join(f"{n} {g.value}" for n, g in zip(names, gases))
        bio = biogenic.get(r.id)
        if bio is not None:
            source += f"; biogenic CO2 (outside of scopes) ID {bio.id}"
        name_parts = [x for x in (r.l3, r.l4 if r.l4 != r.uom else "", r.ct) if x]
        if r.l1.startswith("WTT"):
            name_parts.insert(0, "Well-to-tank")
        out.append({
            "id": fid,
            "activity": m.activity,
            "scope": m.scope,
            "category": m.category,
            "unit": unit,
            "co2e_kg": r.value,
            "biogenic_co2_kg": bio.value if bio is not None else "",
            "source": source,
            "name": f"{', '.join(name_parts)}, per {unit} (DESNZ {ed.year})",
            "region": m.region,
            "valid_from": f"{ed.year}-01-01",
            "valid_to": f"{ed.year}-12-31",
            "gwp_basis": "AR5",
            "verified": "true" if ed.verified else "false",
            "_desnz_id": r.id,
        })
    for r in unattached:
        skipped.setdefault("outside-of-scopes (biogenic CO2) row with no converted Scope 1 row of the same fuel and unit", []).append(r.id)
    return out, skipped, [r.id for r in unattached]


def gwp_evidence(rows: list[Row]) -> str:
    """The file's own kg CO2e per kg of the Kyoto gases: the GWP set it uses."""
    want = {"Methane": "28", "Nitrous oxide": "265", "HFC-134a": "1300", "Sulphur hexafluoride (SF6)": "23500"}
    found = {}
    for r in rows:
        if (r.l1 == "Refrigerant & other" and r.l2 == "Kyoto protocol products" and r.l3 in want
                and r.ct == "Emissions including only Kyoto products"):
            found[r.l3] = r
    for gas, v in want.items():
        if gas not in found or found[gas].value != v:
            fail(f"GWP check: {gas} is {found.get(gas) and found[gas].value}, expected the AR5 value {v}")
    return ", ".join(f"{g} {found[g].value} (ID {found[g].id})" for g in want)


def write_csv(factors: list[dict]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=FACTOR_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for f in factors:
        w.writerow({c: f.get(c, "") for c in FACTOR_COLUMNS})
    return buf.getvalue().encode("utf-8")


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def notes_for(ed: Edition, factors, skipped, gwp) -> str:
    total_rows = sum(1 for r in ed.rows if r.ghg == "kg CO2e")
    parts = [
        f"Converted by tools/convert/desnz.py from {ed.file} ({ed.sheet_note}). "
        f"{len(factors)} factors from the {total_rows} total-CO2e rows ('GHG/Unit' = 'kg CO2e') of the flat file's {EXPECTED_ROWS} rows. "
        "Each co2e_kg is the published kg CO2e per unit, copied as text (an xlsx cell as the sheet shows it, with its own number format; trailing zeros dropped, e.g. 3029.26000 -> 3029.26; a published 0.00000 is written 0). "
        "The per-gas rows ('kg CO2e of CO2/CH4/N2O per unit', which are CO2e, not gas masses) are not separate factors: their figures are quoted in each factor's source text. "
        "No figure is computed.",
        f"GWP basis AR5 (gwp_basis=AR5). The flat file states no GWP set in words (its Front page and the xlsx metadata were searched), but its own 'Refrigerant & other > Kyoto protocol products' rows give kg CO2e per kg of each gas, i.e. the GWP-100 it applies: {gwp}. These are the IPCC AR5 values (AR4: 25, 298, 1430, 22800; AR6: 27.9/29.8, 273, 1530, 25200).",
        "Biogenic CO2: the 'Outside of Scopes' rows (kg CO2 from biomass burnt, reported outside the scopes) are attached as biogenic_co2_kg to the Scope 1 row of the same fuel and unit (Bioenergy biofuels, biomass and biogas; forecourt diesel and petrol (average biofuel blend) per tonne and per litre) and to UK grid electricity (Outside of scopes > Electricity generated > Electricity: UK, kWh). "
        "Scope 1 co2e_kg of bioenergy rows is CH4 and N2O only, as DESNZ publishes it.",
        "Activity ids. Fuels: the plain fuel name per tonne, litre or m3 (natural_gas, diesel, lpg, ...); per kWh the heating-value basis is appended: .gcv for 'kWh (Gross CV)', .ncv for 'kWh (Net CV)'. "
        "diesel and petrol are DESNZ's forecourt 'average biofuel blend'; the '100% mineral' fuels are diesel_100pct_mineral and petrol_100pct_mineral. "
        "Bioenergy rows per GJ or kWh keep the plain fuel name: the flat file does not say whether these are on a gross or net basis. "
        "Fuels are Scope 1 stationary: the flat file does not separate mobile from stationary use of a fuel. "
        "Electricity: grid_electricity (Scope 2, location-based UK average), grid_electricity_td_losses (Scope 3 cat. 3). Heat and steam: heat_and_steam.onsite and heat_and_steam.district (Scope 2 category heat; DESNZ gives one figure for heat and steam), district_heat_and_steam_td_losses (cat. 3). "
        "Well-to-tank: 'wtt.' + the activity the WTT row belongs to (wtt.natural_gas.gcv, wtt.grid_electricity, wtt.travel.air.long_haul.business); fuel, bioenergy, electricity and heat WTT is Scope 3 category 3, WTT of business travel is category 6 and WTT of freighting category 4 (upstream fuel of the carriers, part of those services). "
        "Business travel (category 6): travel.air.<domestic|short_haul|long_haul|international_non_uk>[.<economy|premium_economy|business|first>] per pkm, the average passenger without a class suffix; the default is without radiative forcing (RF), the 'With RF' figure is the same id + .with_rf. "
        "travel.car.<small|medium|large|average or market segment>.<diesel|petrol|hybrid|cng|lpg|unknown|phev|bev> per km (vehicle km), travel.motorbike[.<size>], travel.taxi.<regular|black_cab> (per pkm and per vehicle km), travel.bus.*, travel.rail.*, travel.ferry[.*] per pkm. "
        "Hotel stays (category 6): hotel_stay.<country> per room-night, region = the ISO 3166-1 code of the country (UK and UK (London): GB, the London figure is hotel_stay.united_kingdom.london). "
        "Freighting goods (category 4): freight.van.<class>.<fuel> and freight.hgv[_refrigerated].all_diesel[.<size>].<laden_0pct|laden_50pct|laden_100pct|average_laden> per tkm and per vehicle km ('All HGVs' has no size part), freight.air.<haul>[.with_rf], freight.rail, freight.sea.<ship type>[.<size>] per tkm (the ship type's average has no size part). "
        "Water: water.supply (category 1) and water.treatment (category 5, wastewater), per m3. Material use: material.<material>.<primary|reused|open_loop|closed_loop> (category 1). Waste: waste.<material>.<reuse|open_loop|closed_loop|combustion|composting|landfill|anaerobic_digestion> (category 5); 'combustion' is the column DESNZ labels 'Combustion' in 2024 and 'Incineration with Energy Recovery' in 2025 (same IDs).",
        "Regions: every factor is region GB (a UK-defined factor), except hotel stays (the country of the hotel). International air travel to/from non-UK airports and all freight and sea factors stay GB: they are UK-published averages, and a factor for another region would be picked up by activities in that region.",
        "Units: tonnes -> t, litres -> L, cubic metres -> m3 (geometric volume; the flat file does not state the reference conditions of gas volumes), kWh (Gross CV)/(Net CV) -> kWh, passenger.km -> pkm, tonne.km -> tkm, Room per night -> room-night. "
        "Each factor is valid for the edition's calendar year.",
    ]
    lines = []
    for reason, ids in skipped.items():
        lines.append(f"{reason}: {len(ids)}")
    parts.append("Rows not converted (counted among the total-CO2e rows unless said otherwise), by reason: " + "; ".join(lines) + ". "
                 "Also not separate factors: the per-gas rows (CO2, CH4, N2O) of converted rows (quoted in the source text) and of skipped rows.")
    parts.extend(ed.checks)
    return "\n\n".join(parts)


def write_edition(ed: Edition) -> None:
    factors, skipped, _ = convert(ed)
    gwp = gwp_evidence(ed.rows)
    data = write_csv(factors)
    digest = hashlib.sha256(data).hexdigest()
    folder = OUT / str(ed.year)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "factors.csv").write_bytes(data)
    ver = "version 1.1, updated 2024-10-18" if ed.year == 2024 else "version 1, updated 2025-06-10"
    producer = ("Ricardo Energy & Environment for DESNZ and Defra" if ed.year == 2024
                else "Ricardo Energy & Environment and Aether Ltd for DESNZ")
    refs = [
        f"UK Government GHG Conversion Factors for Company Reporting {ed.year}, flat file format ({ver}; Front page: produced by {producer})",
        f"Source file: {ed.file} (SHA-256 {SHA256[ed.file]}); provenance in /work/shared/datasets/desnz-ghg-conversion-factors/SOURCE.md",
        "Flat-file columns used: ID, Scope, Level 1-4, Column Text, UOM, GHG/Unit, GHG Conversion Factor; each factor's source names its row by ID and levels",
    ]
    toml = "\n".join([
        f"id = {toml_str(DATASET_ID)}",
        f"edition = {toml_str(str(ed.year))}",
        f"title = {toml_str(f'UK Government GHG Conversion Factors for Company Reporting {ed.year} (flat file format)')}",
        f"publisher = {toml_str(f'Department for Energy Security and Net Zero (DESNZ), UK; produced by {producer}')}",
        'region = "GB"',
        f"licence = {toml_str('Open Government Licence v3.0 (contains public sector information licensed under the Open Government Licence v3.0)')}",
        f"source_url = {toml_str(f'https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-{ed.year}')}",
        "references = [",
        *[f"  {toml_str(x)}," for x in refs],
        "]",
        f"notes = {toml_str(notes_for(ed, factors, skipped, gwp))}",
        "",
        "[files]",
        'factors = "factors.csv"',
        f'sha256 = "{digest}"',
        "",
    ])
    (folder / "dataset.toml").write_text(toml, encoding="utf-8")
    print(f"{ed.year}: {len(factors)} factors -> {folder.relative_to(REPO)} (sha256 {digest})")
    for reason, ids in skipped.items():
        print(f"  skipped {len(ids):5d}  {reason}")


def check_2025_against_xlsx(src: Path, rows: list[Row]) -> str:
    path = src / XLSX_2025
    if not path.exists():
        return "The 2025 CSV was not compared with the 2025 xlsx (not present when converted)."
    verify_sha(path)
    xrows, _ = read_xlsx(path, 2025)
    xl = {r.id: r for r in xrows}
    for r in rows:
        x = xl.get(r.id)
        if x is None or (x.scope, x.l1, x.l2, x.l3, x.l4, x.ct, x.uom, x.ghg, x.value) != (
                r.scope, r.l1, r.l2, r.l3, r.l4, r.ct, r.uom, r.ghg, r.value):
            fail(f"2025 CSV and xlsx differ at {r.id}: {r} / {x}")
    return (f"Fidelity: the 2025 CSV (a third-party copy) was compared by this converter with {XLSX_2025} (SHA-256 {SHA256[XLSX_2025]}), "
            "which appears to be the unmodified DESNZ workbook (creator DESNZ, last saved 2025-06-03): all 8740 rows agree in every text column and in every figure as the sheet shows it. "
            "Hence verified=true.")


def verify_sha(path: Path) -> None:
    want = SHA256.get(path.name)
    got = sha256_file(path)
    if want != got:
        fail(f"{path.name}: SHA-256 {got}, SOURCE.md records {want}; refusing an unknown input")


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        fail("usage: python tools/convert/desnz.py <folder with the DESNZ flat files>")
    src = Path(argv[1])
    for f in FILES.values():
        verify_sha(src / f)

    rows25 = read_csv_2025(src / FILES[2025])
    check25 = check_2025_against_xlsx(src, rows25)
    rows24, meta24 = read_xlsx(src / FILES[2024], 2024)

    # The 2024 file is a third-party copy with two sheets added: check its factor sheet against
    # the 2025 layout before use.
    ids25 = {r.id: r for r in rows25}
    if {r.id for r in rows24} != set(ids25):
        fail("2024 and 2025 flat files do not hold the same IDs")
    text_diff = Counter()
    for r in rows24:
        o = ids25[r.id]
        for name in ("scope", "l1", "l2", "l3", "l4", "ct", "uom", "ghg"):
            if getattr(r, name) != getattr(o, name):
                text_diff[(name, getattr(r, name), getattr(o, name))] += 1
    allowed = {("ct", "Combustion", "Incineration with Energy Recovery")}
    if set(text_diff) - allowed:
        fail(f"2024 layout differs from 2025: {dict(text_diff)}")
    front = " | ".join(" ".join(str(c).strip() for c in r) for r in meta24["front"])
    if "Version: 1.1" not in front or "2024-10-18" not in front:
        fail(f"2024 Front page does not say version 1.1: {front}")
    changed = sum(1 for r in rows24 if r.value != ids25[r.id].value)
    check24 = (
        "Fidelity: the 2024 file is a third-party copy (SWASTIKA3011/Carbon-Lens) that its owner modified: it has two extra sheets (Sheet1, Sheet2) and was last saved by the repo owner on 2025-04-23. "
        "Only the sheet 'Factors by Category' is read. The converter checked that it has the 2025 layout (same header, 8740 rows with the same IDs, END footer; the text columns agree with 2025 except the waste column renamed from 'Combustion' to 'Incineration with Energy Recovery' "
        f"in {text_diff[('ct', 'Combustion', 'Incineration with Energy Recovery')]} rows), and that its Front page reads version 1.1, updated 2024-10-18. "
        f"{changed} of 8740 figures differ from 2025, as expected of a new edition. "
        "Where Sheet1 (the owner's car list) holds figures that differ from this sheet, this sheet's cell is blank, i.e. the owner's values were not written into it; "
        "and, in a manual check made when the converter was written (not repeated by it), 22 of 22 Scope 1 fuel factors per litre in an independent third-party transcription of the 2024 figures (a Streamlit calculator in a public GitHub repository) equalled this sheet's (12 of them differ from 2025). "
        "These checks cover the structure and a sample, not every figure. "
        # The figure-by-figure comparison with the official full set was made later, outside
        # this converter (tools/convert/verification.py, docs/decisions/0019).
        "Verification: every 2024 factor is verified=true: an independent check (verification.csv in this folder; docs/decisions/0019) matched each factor, by structure and not by value, to one cell of the official full set v1.1 "
        "(ghg-conversion-factors-2024-full_set__for_advanced_users__v1_1.xlsx, SHA-256 558116ed06b5d84c41f5eff9b24714e4eb5ce41eb8ac0619ffe946e8d87da859, last saved by DESNZ on 2024-10-30, the v1.1 publication date), "
        "and all 1242 co2e_kg and 54 biogenic_co2_kg figures agree (high confidence), as do the 1353 per-gas figures quoted in the source texts "
        "(50 CH4 figures there quote the sheet's displayed value, e.g. 0.000005 for a stored 0.0000046368: explanatory text only, never used in calculation)."
    )
    editions = [
        Edition(2024, FILES[2024], "sheet 'Factors by Category' of the workbook", rows24, verified=True, checks=[check24]),
        Edition(2025, FILES[2025], "the flat file in CSV form", rows25, verified=True, checks=[check25]),
    ]
    for ed in editions:
        write_edition(ed)


if __name__ == "__main__":
    main(sys.argv)
