#!/usr/bin/env python3
"""Convert the US EPA GHG Emission Factors Hub 2025 workbook into Scopebook's dataset format.

    python tools/convert/epa_hub.py /work/shared/datasets/epa-ghg-emission-factors-hub [--out REPO]

Needs openpyxl (standard library otherwise): python3 -m venv .venv-tools &&
.venv-tools/bin/pip install openpyxl, then run it with .venv-tools/bin/python.

Reads `ghg-emission-factors-hub-2025.xlsx` (sheet `Emission Factors Hub`) with openpyxl and
writes `emission-factors/epa-ghg-emission-factors-hub/2025/{factors.csv,dataset.toml}` under
the repository root (default: the repository this script sits in). The format is the one
emission-factors/README.md specifies.

Parsing is table-aware: each table is found by its "Table N" title in column B, its header and
unit rows are checked against the text the 2025 workbook has, and every row label is looked up
in an explicit map below. A label or header the script does not know stops it: a changed
workbook needs a human to look, not a guess.

Figures: every cell is read as a Decimal. An integer or a float whose shortest repr is a short
decimal is taken as it is (e.g. 899.003, which the workbook displays as 899.0 but holds to three
decimals, as eGRID publishes it). A float with 16 or more significant digits is spreadsheet
arithmetic residue (0.022000000000000002; 0.0035205384954666674) and is taken as the workbook
displays it, i.e. rounded to the decimals of the cell's number format; such cells are listed in
the dataset notes. Conversions are exact: g -> kg and metric tons -> kg move the decimal point;
lb -> kg multiplies by 0.45359237 (the exact international pound).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

WORKBOOK = "ghg-emission-factors-hub-2025.xlsx"
WORKBOOK_SHA256 = "db9085f182e50c7fd9106a902986434fb41ef0426afc953acb40f61a495e8a76"
SHEET = "Emission Factors Hub"
DATASET_ID = "epa-ghg-emission-factors-hub"
EDITION = "2025"
ID_PREFIX = "epa-hub.2025."
PUB = "EPA GHG Emission Factors Hub 2025"
VALID_FROM, VALID_TO = "2024-01-01", "2024-12-31"
LB_KG = Decimal("0.45359237")

FACTOR_COLUMNS = [
    "id", "activity", "scope", "category", "unit",
    "co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "biogenic_co2_kg", "other_gas", "other_gas_kg",
    "ncv_gj_per_unit", "carbon_t_per_gj", "oxidation",
    "source", "name", "region", "valid_from", "valid_to", "gwp_basis", "verified",
]

# Unit dimensions as docs/units.md defines them, for the units this script writes.
UNIT_DIMENSION = {
    "short ton": "mass", "US gal": "volume", "scf": "gas volume at US standard conditions",
    "MMBtu": "energy", "MWh": "energy", "mile": "distance",
    "passenger-mile": "passenger distance", "ton-mile": "freight distance",
}

# ---------------------------------------------------------------------------------------------
# Label maps (workbook text -> Scopebook activity words). Whitespace is collapsed before lookup.

# Table 1: fuel -> activity. Biomass groups put CO2 in biogenic_co2_kg (see BIOGENIC_GROUPS).
T1_FUELS = {
    "Anthracite": "anthracite",
    "Bituminous": "bituminous_coal",
    "Sub-bituminous": "sub_bituminous_coal",
    "Lignite": "lignite",
    "Mixed (Commercial Sector)": "mixed_coal.commercial",
    "Mixed (Electric Power Sector)": "mixed_coal.electric_power",
    "Mixed (Industrial Coking)": "mixed_coal.industrial_coking",
    "Mixed (Industrial Sector)": "mixed_coal.industrial",
    "Coal Coke": "coke",
    "Municipal Solid Waste": "municipal_solid_waste",
    "Petroleum Coke (Solid)": "petroleum_coke",
    "Plastics": "plastics",
    "Tires": "tires",
    "Agricultural Byproducts": "agricultural_byproducts",
    "Peat": "peat",
    "Solid Byproducts": "solid_byproducts",
    "Wood and Wood Residuals": "wood_and_wood_residuals",
    "Natural Gas": "natural_gas",
    "Blast Furnace Gas": "blast_furnace_gas",
    "Coke Oven Gas": "coke_oven_gas",
    "Fuel Gas": "fuel_gas",
    "Propane Gas": "propane_gas",
    "Landfill Gas": "landfill_gas",
    "Other Biomass Gases": "other_biomass_gases",
    "Asphalt and Road Oil": "asphalt_and_road_oil",
    "Aviation Gasoline": "aviation_gasoline",
    "Butane": "butane",
    "Butylene": "butylene",
    "Crude Oil": "crude_oil",
    "Distillate Fuel Oil No. 1": "distillate_fuel_oil_no_1",
    "Distillate Fuel Oil No. 2": "distillate_fuel_oil_no_2",
    "Distillate Fuel Oil No. 4": "distillate_fuel_oil_no_4",
    "Ethane": "ethane",
    "Ethylene": "ethylene",
    "Heavy Gas Oils": "heavy_gas_oils",
    "Isobutane": "isobutane",
    "Isobutylene": "isobutylene",
    "Kerosene": "kerosene",
    "Kerosene-Type Jet Fuel": "jet_kerosene",
    "Liquefied Petroleum Gases (LPG)": "lpg",
    "Lubricants": "lubricants",
    "Motor Gasoline": "motor_gasoline",
    "Naphtha (<401 deg F)": "naphtha",
    "Natural Gasoline": "natural_gasoline",
    "Other Oil (>401 deg F)": "other_oil",
    "Pentanes Plus": "pentanes_plus",
    "Petrochemical Feedstocks": "petrochemical_feedstocks",
    "Propane": "propane",
    "Propylene": "propylene",
    "Residual Fuel Oil No. 5": "residual_fuel_oil_no_5",
    "Residual Fuel Oil No. 6": "residual_fuel_oil_no_6",
    "Special Naphtha": "special_naphtha",
    "Unfinished Oils": "unfinished_oils",
    "Used Oil": "used_oil",
    "Biodiesel (100%)": "biodiesel",
    "Ethanol (100%)": "ethanol",
    "Rendered Animal Fat": "rendered_animal_fat",
    "Vegetable Oil": "vegetable_oil",
    "North American Softwood": "kraft_pulping_liquor.north_american_softwood",
    "North American Hardwood": "kraft_pulping_liquor.north_american_hardwood",
    "Bagasse": "kraft_pulping_liquor.bagasse",
    "Bamboo": "kraft_pulping_liquor.bamboo",
    "Straw": "kraft_pulping_liquor.straw",
}
T1_GROUPS = {
    "Coal and Coke", "Other Fuels - Solid", "Biomass Fuels - Solid", "Natural Gas",
    "Other Fuels - Gaseous", "Biomass Fuels - Gaseous", "Petroleum Products",
    "Biomass Fuels - Liquid", "Biomass Fuels - Kraft Pulping Liquor, by Wood Furnish",
}
# The Hub lists peat under "Biomass Fuels - Solid" (as 40 CFR 98 Table C-1 does). IPCC 2006
# (Vol. 2 Ch. 1) and the GHG Protocol treat peat CO2 as fossil, so it is shipped as co2_kg.
PEAT_AS_FOSSIL = {"peat"}
T1_UNITS = {"short ton": "short ton", "scf": "scf", "gallon": "US gal"}

# Table 2: fuel -> (activity, biogenic CO2?)
T2_FUELS = {
    "Aviation Gasoline": ("aviation_gasoline_mobile", False),
    "Biodiesel (100%)": ("biodiesel_mobile", True),
    "Compressed Natural Gas (CNG)": ("cng_mobile", False),
    "Diesel Fuel": ("diesel_mobile", False),
    "Ethanol (100%)": ("ethanol_mobile", True),
    "Kerosene-Type Jet Fuel": ("jet_kerosene_mobile", False),
    "Liquefied Natural Gas (LNG)": ("lng_mobile", False),
    "Liquefied Petroleum Gases (LPG)": ("lpg_mobile", False),
    "Motor Gasoline": ("motor_gasoline_mobile", False),
    "Residual Fuel Oil": ("residual_fuel_oil_mobile", False),
}
T2_UNITS = {"gallon": "US gal", "scf": "scf"}

# Table 3: vehicle label -> (vehicle type, fuel). "(Vans, Pickup Trucks, SUVs)" continues a label.
T3_VEHICLES = {
    "Gasoline Passenger Cars": ("passenger_car", "gasoline"),
    "Gasoline Light-Duty Trucks": ("light_duty_truck", "gasoline"),
    "Gasoline Heavy-Duty Vehicles": ("heavy_duty_vehicle", "gasoline"),
    "Gasoline Motorcycles": ("motorcycle", "gasoline"),
}
T3_CONTINUATIONS = {"(Vans, Pickup Trucks, SUVs)"}

# Table 4: vehicle label -> vehicle type; fuel label -> fuel.
T4_VEHICLES = {
    "Passenger Cars": "passenger_car",
    "Light-Duty Trucks": "light_duty_truck",
    "Medium- and Heavy-Duty Vehicles": "medium_heavy_duty_vehicle",
    "Light-Duty Cars": "passenger_car",
    "Medium-Duty Trucks": "medium_duty_truck",
    "Heavy-Duty Trucks": "heavy_duty_truck",
    "Buses": "bus",
}
T4_FUELS = {"Diesel": "diesel", "Methanol": "methanol", "Ethanol": "ethanol", "CNG": "cng",
            "LPG": "lpg", "LNG": "lng", "Biodiesel": "biodiesel"}

# Table 5: vehicle label -> vehicle words; fuel label -> (Table 2 fuel label, variant words).
T5_VEHICLES = {
    "Ships and Boats": "ships_and_boats",
    "Locomotives": "locomotives",
    "Aircraft": "aircraft",
    "Agricultural EquipmentA": "agricultural_equipment",
    "Construction/Mining EquipmentB": "construction_mining_equipment",
    "Lawn and Garden Equipment": "lawn_and_garden_equipment",
    "Airport Equipment": "airport_equipment",
    "Industrial/Commercial Equipment": "industrial_commercial_equipment",
    "Logging Equipment": "logging_equipment",
    "Railroad Equipment": "railroad_equipment",
    "Recreational Equipment": "recreational_equipment",
}
T5_FUELS = {
    "Residual Fuel Oil": ("Residual Fuel Oil", None),
    "Gasoline (2 stroke)": ("Motor Gasoline", "two_stroke"),
    "Gasoline (4 stroke)": ("Motor Gasoline", "four_stroke"),
    "Gasoline": ("Motor Gasoline", None),
    "Gasoline Off-Road Trucks": ("Motor Gasoline", "off_road_trucks"),
    "Diesel": ("Diesel Fuel", None),
    "Diesel Equipment": ("Diesel Fuel", "equipment"),
    "Diesel Off-Road Trucks": ("Diesel Fuel", "off_road_trucks"),
    "Jet Fuel": ("Kerosene-Type Jet Fuel", None),
    "Aviation Gasoline": ("Aviation Gasoline", None),
    "LPG": ("Liquefied Petroleum Gases (LPG)", None),
}

# Table 8 (category 4) and Table 10 (category 6): label -> activity words; unit text -> unit.
T8_VEHICLES = {
    "Medium- and Heavy-Duty Truck": "medium_heavy_duty_truck",
    "Passenger Car A": "passenger_car",
    "Light-Duty Truck B": "light_duty_truck",
    "Medium- and Heavy-Duty TruckC": "medium_heavy_duty_truck",
    "Rail": "rail",
    "Waterborne Craft": "waterborne_craft",
    "Aircraft": "aircraft",
}
T10_MODES = {
    "Passenger Car A": "passenger_car",
    "Light-Duty Truck B": "light_duty_truck",
    "Motorcycle": "motorcycle",
    "Intercity Rail - Northeast Corridor C": "rail.intercity.northeast_corridor",
    "Intercity Rail - Other Routes C": "rail.intercity.other_routes",
    "Intercity Rail - National Average C": "rail.intercity",
    "Commuter Rail D": "rail.commuter",
    "Transit Rail (i.e. Subway, Tram) E": "rail.transit",
    "Bus": "bus",
    "Air Travel - Short Haul (< 300 miles)": "air.short_haul",
    "Air Travel - Medium Haul (>= 300 miles, < 2300 miles)": "air.medium_haul",
    "Air Travel - Long Haul (>= 2300 miles)": "air.long_haul",
}
DIST_UNITS = {"vehicle-mile": "mile", "short ton-mile": "ton-mile", "passenger-mile": "passenger-mile"}

# Table 9: method column header -> method words; material label -> material words.
T9_METHODS = {
    "RecycledA": "recycled",
    "LandfilledB": "landfilled",
    "CombustedC": "combusted",
    "CompostedD": "composted",
    "Anaerobically Digested (Dry Digestate with Curing)": "anaerobically_digested_dry",
    "Anaerobically Digested (Wet Digestate with Curing)": "anaerobically_digested_wet",
}


def slug(text: str) -> str:
    s = text.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s


def t9_material(label: str) -> str:
    return slug(label.replace("(", " ").replace(")", " "))


# ---------------------------------------------------------------------------------------------
# Numbers


def fmt(d: Decimal) -> str:
    """A Decimal as plain text: no exponent, trailing zeros stripped, zero as `0`."""
    if d.is_zero():
        return "0"
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def g_to_kg(d: Decimal) -> Decimal:
    return d.scaleb(-3)


def t_to_kg(d: Decimal) -> Decimal:
    return d.scaleb(3)


def lb_to_kg(d: Decimal) -> Decimal:
    return d * LB_KG  # exact: both operands are short decimals, well within 28 digits


def display_places(number_format: str) -> int:
    m = re.search(r"0\.(0+)", number_format)
    places = len(m.group(1)) if m else 0
    if "%" in number_format:
        places += 2
    return places


def clean(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip() if text is not None else ""


class Sheet:
    def __init__(self, ws):
        self.ws = ws
        self.residue: list[str] = []  # cells whose stored float was arithmetic residue

    def text(self, row: int, col: str) -> str:
        return clean(self.ws[f"{col}{row}"].value)

    def is_number(self, row: int, col: str) -> bool:
        v = self.ws[f"{col}{row}"].value
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    def num(self, row: int, col: str) -> Decimal:
        cell = self.ws[f"{col}{row}"]
        v = cell.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise SystemExit(f"{col}{row}: expected a number, found {v!r}")
        if isinstance(v, int):
            return Decimal(v)
        d = Decimal(repr(v))
        if len(d.normalize().as_tuple().digits) >= 16:
            places = display_places(cell.number_format)
            shown = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            self.residue.append(f"{col}{row} holds {repr(v)}, displayed and shipped as {fmt(shown)}")
            return shown
        return d


# ---------------------------------------------------------------------------------------------


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise SystemExit(f"unexpected workbook layout: {what}")


def find_tables(sh: Sheet) -> dict[int, tuple[int, int]]:
    """Table number -> (title row, last row before the next title)."""
    titles = []
    for r in range(1, sh.ws.max_row + 1):
        m = re.fullmatch(r"Table (\d+)", sh.text(r, "B"))
        if m:
            titles.append((int(m.group(1)), r))
    expect([n for n, _ in titles] == list(range(1, 13)), f"tables 1-12 in order, found {titles}")
    out = {}
    for i, (n, r) in enumerate(titles):
        end = titles[i + 1][1] - 1 if i + 1 < len(titles) else sh.ws.max_row
        out[n] = (r, end)
    return out


def src(table: int, row: int, what: str) -> str:
    return f"{PUB}, Table {table}, row {row}: {what}"


def factor(activity, scope, category, unit, source, name, region="US", **figures) -> dict:
    row = {
        "activity": activity, "scope": str(scope), "category": str(category), "unit": unit,
        "source": source, "name": name, "region": region,
        "valid_from": VALID_FROM, "valid_to": VALID_TO, "verified": "true",
    }
    for k, v in figures.items():
        if v is None:
            continue
        row[k] = v if isinstance(v, str) else fmt(v)
    return row


def convert(path: Path):
    wb = openpyxl.load_workbook(path, data_only=True)
    expect(SHEET in wb.sheetnames, f"sheet '{SHEET}'")
    sh = Sheet(wb[SHEET])
    expect(sh.text(3, "F") == "Last Modified: January 15, 2025", "A3/F3 'Last Modified: January 15, 2025'")
    tables = find_tables(sh)
    rows: list[dict] = []
    skipped: list[str] = []

    # ---------------- Table 1: stationary combustion
    t = 1
    start, end = tables[t]
    expect(sh.text(start, "C") == "Stationary Combustion", "Table 1 title")
    unit = None
    group = None
    per_mmbtu_only = []
    for r in range(start + 1, end + 1):
        c = sh.text(r, "C")
        if c == "Source:":
            break
        d = sh.text(r, "D")
        m = re.fullmatch(r"mmBtu per (short ton|scf|gallon)", d)
        if m:
            u = m.group(1)
            expect([sh.text(r, x) for x in "EFGHIJ"] == [
                "kg CO2 per mmBtu", "g CH4 per mmBtu", "g N2O per mmBtu",
                f"kg CO2 per {u}", f"g CH4 per {u}", f"g N2O per {u}"], f"Table 1 unit row {r}")
            unit = T1_UNITS[u]
            continue
        if not c or c == "Fuel Type":
            continue
        if not sh.is_number(r, "E"):
            expect(c in T1_GROUPS, f"Table 1 group heading '{c}' (row {r})")
            group = c
            continue
        expect(c in T1_FUELS, f"Table 1 fuel '{c}' (row {r})")
        act = T1_FUELS[c]
        biogenic = group.startswith("Biomass Fuels") and act not in PEAT_AS_FOSSIL
        co2_col = "biogenic_co2_kg" if biogenic else "co2_kg"
        bio_note = " CO2 is biogenic (reported outside the scopes)." if biogenic else ""
        if act in PEAT_AS_FOSSIL:
            bio_note = " Listed by the Hub under Biomass Fuels - Solid; CO2 shipped as fossil (the IPCC 2006 Guidelines count peat CO2 as fossil)."
        # per mmBtu (HHV)
        rows.append(factor(
            f"{act}.gcv", 1, "stationary", "MMBtu",
            src(t, r, f"{c} ({group}); kg CO2, g CH4 and g N2O per mmBtu HHV (columns E-G; g/1000 = kg)"),
            f"{c}, stationary combustion, per mmBtu (higher heating value).{bio_note}",
            **{co2_col: sh.num(r, "E"), "ch4_kg": g_to_kg(sh.num(r, "F")), "n2o_kg": g_to_kg(sh.num(r, "G"))},
        ))
        # per physical unit
        if sh.is_number(r, "H"):
            expect(unit is not None and sh.is_number(r, "D"), f"Table 1 row {r} unit and heat content")
            hhv = fmt(sh.num(r, "D"))
            hub_unit = {"short ton": "short ton", "scf": "scf", "US gal": "gallon"}[unit]
            rows.append(factor(
                act, 1, "stationary", unit,
                src(t, r, f"{c} ({group}); kg CO2, g CH4 and g N2O per {hub_unit} (columns H-J; g/1000 = kg)"),
                f"{c}, stationary combustion, per {hub_unit} (Hub default heat content {hhv} mmBtu HHV per {hub_unit}).{bio_note}",
                **{co2_col: sh.num(r, "H"), "ch4_kg": g_to_kg(sh.num(r, "I")), "n2o_kg": g_to_kg(sh.num(r, "J"))},
            ))
        else:
            expect(not sh.is_number(r, "D"), f"Table 1 row {r}: heat content without per-unit factors")
            per_mmbtu_only.append(f"{r} {c}")

    if per_mmbtu_only:
        skipped.append("Table 1 rows " + ", ".join(per_mmbtu_only) + " (kraft pulping liquor): the Hub gives no heat content and no per-unit factors, so only the per-mmBtu factor is shipped")

    # ---------------- Table 2: mobile combustion CO2 per unit of fuel
    t = 2
    start, end = tables[t]
    expect(sh.text(start, "C") == "Mobile Combustion CO2", "Table 2 title")
    t2 = {}
    for r in range(start + 1, end + 1):
        c = sh.text(r, "C")
        if c == "Source:":
            break
        if c == "Fuel Type":
            expect(sh.text(r, "D") == "kg CO2 per unit" and sh.text(r, "E") == "Unit", "Table 2 header")
            continue
        if not c:
            continue
        expect(c in T2_FUELS and sh.text(r, "E") in T2_UNITS, f"Table 2 row {r} '{c}'")
        act, biogenic = T2_FUELS[c]
        unit = T2_UNITS[sh.text(r, "E")]
        co2 = sh.num(r, "D")
        t2[c] = (act, unit, co2, r, biogenic)
        rows.append(factor(
            act, 1, "mobile", unit,
            src(t, r, f"{c}; kg CO2 per {sh.text(r, 'E')}"),
            f"{c}, mobile combustion, CO2 per {sh.text(r, 'E')} of fuel (CO2 only: add CH4 and N2O per vehicle-mile from the vehicle.* factors, Tables 3-4)."
            + (" CO2 is biogenic (reported outside the scopes)." if biogenic else ""),
            **{("biogenic_co2_kg" if biogenic else "co2_kg"): co2},
        ))

    # ---------------- Tables 3 and 4: CH4 and N2O per vehicle-mile
    def model_year_words(text: str) -> str:
        s = text.strip()
        if re.fullmatch(r"\d{4}", s):
            return f"my_{s}"
        m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", s)
        if m:
            return f"my_{m.group(1)}_{m.group(2)}"
        m = re.fullmatch(r"≤\s*(\d{4})", s)
        if m:
            return f"my_{m.group(1)}_and_earlier"
        raise SystemExit(f"unexpected model year '{text}'")

    def model_year_text(text: str) -> str:
        s = re.sub(r"\s+", "", text)
        return s.replace("≤", "up to ")

    t = 3
    start, end = tables[t]
    expect(sh.text(start, "C") == "Mobile Combustion CH4 and N2O for On-Road Gasoline Vehicles", "Table 3 title")
    vehicle = None
    for r in range(start + 1, end + 1):
        c = sh.text(r, "C")
        if c.startswith("Source:"):
            break
        if c == "Vehicle Type":
            expect(sh.text(r, "E") == "CH4 Factor (g CH4 / vehicle-mile)" and sh.text(r, "F") == "N2O Factor (g N2O / vehicle-mile)", "Table 3 header")
            continue
        if c and c not in T3_CONTINUATIONS:
            expect(c in T3_VEHICLES, f"Table 3 vehicle '{c}' (row {r})")
            vehicle = c
        if not sh.is_number(r, "E"):
            continue
        vtype, fuel = T3_VEHICLES[vehicle]
        my_raw = str(sh.ws[f"D{r}"].value)
        rows.append(factor(
            f"vehicle.{vtype}.{fuel}.{model_year_words(my_raw)}", 1, "mobile", "mile",
            src(t, r, f"{vehicle}, model year {model_year_text(my_raw)}; g CH4 and g N2O per vehicle-mile (g/1000 = kg)"),
            f"{vehicle}, model year {model_year_text(my_raw)}: CH4 and N2O per vehicle-mile (no CO2: take CO2 from the fuel used, {fuel if fuel != 'gasoline' else 'motor_gasoline'}_mobile)",
            ch4_kg=g_to_kg(sh.num(r, "E")), n2o_kg=g_to_kg(sh.num(r, "F")),
        ))

    t = 4
    start, end = tables[t]
    expect(sh.text(start, "C") == "Mobile Combustion CH4 and N2O for On-Road Diesel and Alternative Fuel Vehicles", "Table 4 title")
    vehicle = fuel_label = None
    fuel_co2 = {"diesel": "diesel_mobile", "cng": "cng_mobile", "lng": "lng_mobile", "lpg": "lpg_mobile",
                "ethanol": "ethanol_mobile", "biodiesel": "biodiesel_mobile", "methanol": None}
    for r in range(start + 1, end + 1):
        c = sh.text(r, "C")
        if c.startswith("Source:"):
            break
        if c == "Vehicle Type":
            expect([sh.text(r, x) for x in "DEFG"] == ["Fuel Type", "Model Year", "CH4 Factor (g CH4 / vehicle-mile)", "N2O Factor (g N2O / vehicle-mile)"], "Table 4 header")
            continue
        if c:
            expect(c in T4_VEHICLES, f"Table 4 vehicle '{c}' (row {r})")
            vehicle = c
        if sh.text(r, "D"):
            expect(sh.text(r, "D") in T4_FUELS, f"Table 4 fuel '{sh.text(r, 'D')}' (row {r})")
            fuel_label = sh.text(r, "D")
        if not sh.is_number(r, "F"):
            continue
        vtype, fuel = T4_VEHICLES[vehicle], T4_FUELS[fuel_label]
        my = sh.text(r, "E")
        act = f"vehicle.{vtype}.{fuel}" + (f".{model_year_words(my)}" if my else "")
        what = f"{vehicle}, {fuel_label}" + (f", model year {model_year_text(my)}" if my else "")
        co2_hint = fuel_co2[fuel]
        rows.append(factor(
            act, 1, "mobile", "mile",
            src(t, r, f"{what}; g CH4 and g N2O per vehicle-mile (g/1000 = kg)"),
            f"{what}: CH4 and N2O per vehicle-mile (no CO2: take CO2 from the fuel used"
            + (f", {co2_hint})" if co2_hint else "; the Hub gives no methanol CO2 factor)"),
            ch4_kg=g_to_kg(sh.num(r, "F")), n2o_kg=g_to_kg(sh.num(r, "G")),
        ))

    # ---------------- Table 5: non-road CH4 and N2O per gallon, combined with Table 2 CO2
    t = 5
    start, end = tables[t]
    expect(sh.text(start, "C") == "Mobile Combustion CH4 and N2O for Non-Road Vehicles", "Table 5 title")
    vehicle = None
    for r in range(start + 1, end + 1):
        c = sh.text(r, "C")
        if c.startswith("Source:"):
            break
        if c == "Vehicle Type":
            expect([sh.text(r, x) for x in "DEF"] == ["Fuel Type", "CH4 Factor (g CH4 / gallon)", "N2O Factor (g N2O / gallon)"], "Table 5 header")
            continue
        if c:
            expect(c in T5_VEHICLES, f"Table 5 vehicle '{c}' (row {r})")
            vehicle = c
        if not sh.is_number(r, "E"):
            continue
        f = sh.text(r, "D")
        expect(f in T5_FUELS, f"Table 5 fuel '{f}' (row {r})")
        t2_label, variant = T5_FUELS[f]
        act2, unit2, co2, r2, bio2 = t2[t2_label]
        expect(unit2 == "US gal" and not bio2, f"Table 5 row {r}: Table 2 fuel per gallon")
        act = f"{act2}.{T5_VEHICLES[vehicle]}" + (f".{variant}" if variant else "")
        vname = re.sub(r"(?<=[a-z])[AB]$", "", vehicle)  # drop footnote letters A/B
        rows.append(factor(
            act, 1, "mobile", "US gal",
            src(t, r, f"{vname}, {f}; g CH4 and g N2O per gallon (g/1000 = kg)")
            + f"; CO2 from {PUB}, Table 2, row {r2}: {t2_label}, kg CO2 per gallon",
            f"{vname}, {f}: non-road mobile combustion per gallon of fuel (CO2 of {t2_label} from Table 2; CH4 and N2O from Table 5)",
            co2_kg=co2, ch4_kg=g_to_kg(sh.num(r, "E")), n2o_kg=g_to_kg(sh.num(r, "F")),
        ))

    # ---------------- Table 6: electricity, eGRID2023 subregions
    t = 6
    start, end = tables[t]
    expect(sh.text(start, "C") == "Electricity", "Table 6 title")
    hdr = next(r for r in range(start, end) if sh.text(r, "C") == "eGRID Subregion Acronym")
    expect(sh.text(hdr - 1, "E") == "Total Output Emission Factors" and sh.text(hdr - 1, "H") == "Non-Baseload Emission Factors", "Table 6 groups")
    expect([sh.text(hdr + 1, x) for x in "EFGHIJ"] == ["(lb CO2 / MWh)", "(lb CH4 / MWh)", "(lb N2O / MWh)"] * 2, "Table 6 units")
    expect(sh.text(hdr, "K") == "Grid Gross Loss (%)", "Table 6 loss column")
    n_loss = 0
    for r in range(hdr + 2, end + 1):
        acr = sh.text(r, "C")
        if acr.startswith("Source:"):
            break
        if not sh.is_number(r, "E"):
            continue
        sub = sh.text(r, "D")
        if acr == "US Average":
            region, where = "US", "US average"
        else:
            expect(re.fullmatch(r"[A-Z]{4}", acr) is not None, f"Table 6 acronym '{acr}'")
            region, where = f"US-EGRID-{acr}", f"eGRID subregion {acr} ({sub})"
        for kind, cols, act, label in (
            ("total output", "EFG", "grid_electricity", "Total Output Emission Factors"),
            ("non-baseload", "HIJ", "grid_electricity_nonbaseload", "Non-Baseload Emission Factors"),
        ):
            lbs = [sh.num(r, x) for x in cols]
            use = ("location-based grid average for Scope 2 (the Hub's default for inventories)" if act == "grid_electricity"
                   else "for estimating the effect of changes in electricity use; the Hub says not to use it for an inventory or footprint")
            rows.append(factor(
                act, 2, "electricity", "MWh",
                src(t, r, f"{acr} {sub}, {label}, lb CO2, lb CH4 and lb N2O per MWh "
                          f"({', '.join(fmt(x) for x in lbs)}; columns {cols[0]}-{cols[-1]}; x 0.45359237 kg/lb); eGRID2023, January 2025"),
                f"Electricity, {where}, eGRID2023 {kind} emission rate: {use}",
                region=region,
                co2_kg=lb_to_kg(lbs[0]), ch4_kg=lb_to_kg(lbs[1]), n2o_kg=lb_to_kg(lbs[2]),
            ))
        if sh.is_number(r, "K"):
            n_loss += 1
        else:
            skipped.append(f"Table 6 row {r} ({acr}): no grid gross loss published")
    skipped.append(f"Table 6 column K, grid gross loss (%), {n_loss} rows: a loss rate, not an emission factor (the Hub: for Scope 3 category 3 T&D losses, not for Scope 2); not shipped")

    # ---------------- Table 7: steam and heat
    t = 7
    start, end = tables[t]
    expect(sh.text(start, "C") == "Steam and Heat", "Table 7 title")
    hdr = next(r for r in range(start, end) if sh.text(r, "D").startswith("CO2 Factor"))
    expect([sh.text(hdr, x) for x in "DEF"] == ["CO2 Factor (kg CO2 / mmBtu)", "CH4 Factor (g CH4 / mmBtu)", "N2O Factor (g N2O / mmBtu)"], "Table 7 header")
    r = hdr + 1
    expect(sh.text(r, "C") == "Steam and Heat", "Table 7 row")
    rows.append(factor(
        "heat_and_steam", 2, "heat", "MMBtu",
        src(t, r, "Steam and Heat; kg CO2, g CH4 and g N2O per mmBtu of steam or heat purchased (g/1000 = kg)"),
        "Purchased steam or heat, per mmBtu delivered (the Hub assumes natural gas at 80 percent thermal efficiency)",
        co2_kg=sh.num(r, "D"), ch4_kg=g_to_kg(sh.num(r, "E")), n2o_kg=g_to_kg(sh.num(r, "F")),
    ))

    # ---------------- Tables 8 and 10: distance-based transport, freight and travel
    def distance_table(t, title, labels, prefix, category, what):
        start, end = tables[t]
        expect(sh.text(start, "C") == title, f"Table {t} title")
        hdr = next(r for r in range(start, end) if sh.text(r, "C") == "Vehicle Type")
        expect([sh.text(hdr, x) for x in "DEFG"] == ["CO2 Factor (kg CO2 / unit)", "CH4 Factor (g CH4 / unit)", "N2O Factor (g N2O / unit)", "Units"], f"Table {t} header")
        for r in range(hdr + 1, end + 1):
            c = sh.text(r, "C")
            if c.startswith("Source:"):
                break
            if not sh.is_number(r, "D"):
                continue
            expect(c in labels and sh.text(r, "G") in DIST_UNITS, f"Table {t} row {r} '{c}'")
            hub_unit = sh.text(r, "G")
            label = re.sub(r"\s*[A-E]$", "", c) if c not in ("Rail", "Bus") else c
            label = re.sub(r"(?<=Truck)C$", "", label)
            rows.append(factor(
                f"{prefix}.{labels[c]}", 3, category, DIST_UNITS[hub_unit],
                src(t, r, f"{label}; kg CO2, g CH4 and g N2O per {hub_unit} (g/1000 = kg)"),
                f"{label}, {what}, per {hub_unit}",
                co2_kg=sh.num(r, "D"), ch4_kg=g_to_kg(sh.num(r, "E")), n2o_kg=g_to_kg(sh.num(r, "F")),
            ))

    distance_table(8, "Scope 3 Category 4: Upstream Transportation and Distribution and Category 9: Downstream Transportation and Distribution",
                   T8_VEHICLES, "freight", 4, "upstream transportation and distribution (Scope 3 category 4; set scope3_category 9 for downstream)")
    distance_table(10, "Scope 3 Category 6: Business Travel and Category 7: Employee Commuting",
                   T10_MODES, "travel", 6, "business travel (Scope 3 category 6; set scope3_category 7 for employee commuting)")

    # ---------------- Table 9: waste, metric tons CO2e per short ton (AR4 GWPs, per the table's note)
    t = 9
    start, end = tables[t]
    expect(sh.text(start, "C") == "Scope 3 Category 5: Waste Generated in Operations and Category 12: End-of-Life Treatment of Sold Products", "Table 9 title")
    hdr = next(r for r in range(start, end) if sh.text(r, "C") == "Material")
    expect(sh.text(hdr - 1, "D") == "Metric Tons CO2e / Short Ton Material", "Table 9 unit row")
    methods = {}
    for col in "DEFGHI":
        h = sh.text(hdr, col)
        expect(h in T9_METHODS, f"Table 9 method header '{h}'")
        methods[col] = (T9_METHODS[h], re.sub(r"(?<=[a-z])[A-D]$", "", h))
    notes_text = " ".join(sh.text(r, "C") for r in range(hdr, end + 1))
    expect("AR4 GWP values are used to convert all waste emission factors into CO2e" in notes_text, "Table 9 AR4 note")
    na_cells = []
    for r in range(hdr + 1, end + 1):
        c = sh.text(r, "C")
        if c.startswith("Source"):
            break
        if not c:
            continue
        for col, (mword, mlabel) in methods.items():
            v = sh.ws[f"{col}{r}"].value
            if isinstance(v, str) and v.strip() == "NA":
                na_cells.append((c, mlabel))
                continue
            t_co2e = sh.num(r, col)
            rows.append(factor(
                f"waste.{t9_material(c)}.{mword}", 3, 5, "short ton",
                src(t, r, f"{c}, {mlabel} (column {col}); metric tons CO2e per short ton (x 1000 = kg; AR4 GWPs per the table note)"),
                f"{c}, {mlabel.lower()}: waste generated in operations, per short ton of material (Scope 3 category 5; set scope3_category 12 for end-of-life treatment of sold products)",
                co2e_kg=t_to_kg(t_co2e), gwp_basis="AR4",
            ))
    from collections import Counter
    na_by_method = Counter(m for _, m in na_cells)
    skipped.append(f"Table 9: {len(na_cells)} material/method cells marked NA (the Hub gives no factor for that combination; every numeric cell is shipped): "
                   + ", ".join(f"{m} {n}" for m, n in na_by_method.items()))

    # ---------------- Tables 11 and 12: GWPs, checked against Scopebook's own GWP table
    gwp_check = check_gwps(sh, tables)
    skipped.append("Tables 11 and 12 (GWPs, blended refrigerants): not factors; Scopebook's GWP sets live in emission-factors/gwp/. " + gwp_check)

    return rows, skipped, sh.residue


def check_gwps(sh: Sheet, tables) -> str:
    gwp_csv = Path(__file__).resolve().parents[2] / "emission-factors" / "gwp" / "gwp100.csv"
    if not gwp_csv.is_file():
        return "(gwp100.csv not found; Table 11 not cross-checked)"
    ar5 = {}
    with open(gwp_csv, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ar5[r["gas"]] = r["ar5"]
            ar5.setdefault(r["formula"], r["ar5"])
    start, end = tables[11]
    agree, differ, absent = 0, [], []
    for r in range(start + 1, end + 1):
        if not sh.is_number(r, "E"):
            continue
        name, formula = sh.text(r, "C").replace("\xa0", ""), sh.text(r, "D").replace("\xa0", "").strip()
        key = next((k for k in (name, formula, name.replace("PFC-14", "CF4")) if k in ar5), None)
        if key is None:
            absent.append(name)
            continue
        if Decimal(ar5[key] or "NaN") == sh.num(r, "E"):
            agree += 1
        else:
            differ.append(f"{name} Hub {fmt(sh.num(r, 'E'))} vs gwp100.csv {ar5[key]}")
    msg = f"Table 11 AR5 GWPs agree with emission-factors/gwp/gwp100.csv for {agree} gases"
    if differ:
        msg += "; DIFFER: " + "; ".join(differ)
    if absent:
        msg += f"; not in gwp100.csv: {', '.join(absent)}"
    return msg + "."


def assign_ids(rows: list[dict]) -> None:
    from collections import Counter
    per = Counter((r["activity"], r["region"]) for r in rows)
    unit_words = {"short ton": "short_ton", "US gal": "gal", "scf": "scf", "MMBtu": "mmbtu", "MWh": "mwh",
                  "mile": "mile", "passenger-mile": "passenger_mile", "ton-mile": "ton_mile"}
    for r in rows:
        i = ID_PREFIX + r["activity"]
        if r["region"] != "US":
            i += "." + r["region"]
        if per[(r["activity"], r["region"])] > 1:
            i += "." + unit_words[r["unit"]]
        r["id"] = i


def check_unique(rows: list[dict]) -> None:
    ids = [r["id"] for r in rows]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise SystemExit(f"duplicate factor ids: {dup}")
    seen = {}
    for r in rows:  # all rows share one validity period, so these keys must be unique
        key = (r["activity"], r["region"], UNIT_DIMENSION[r["unit"]])
        if key in seen:
            raise SystemExit(f"{seen[key]} and {r['id']} share activity, region and unit dimension {key}")
        seen[key] = r["id"]


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # JSON escapes are valid TOML basic-string escapes


def write_dataset(out_dir: Path, meta: dict, rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FACTOR_COLUMNS)
    for r in rows:
        w.writerow([r.get(c, "") for c in FACTOR_COLUMNS])
    data = buf.getvalue().encode("utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "factors.csv").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    toml = [
        f"id = {toml_str(meta['id'])}",
        f"edition = {toml_str(meta['edition'])}",
        f"title = {toml_str(meta['title'])}",
        f"publisher = {toml_str(meta['publisher'])}",
        f"region = {toml_str(meta['region'])}",
        f"licence = {toml_str(meta['licence'])}",
        f"source_url = {toml_str(meta['source_url'])}",
        "references = [",
        *[f"  {toml_str(x)}," for x in meta["references"]],
        "]",
        f"notes = {toml_str(meta['notes'])}",
        "",
        "[files]",
        'factors = "factors.csv"',
        f"sha256 = {toml_str(digest)}",
        "",
    ]
    (out_dir / "dataset.toml").write_text("\n".join(toml), encoding="utf-8")
    return digest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source_dir", type=Path, help=f"folder holding {WORKBOOK}")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2], help="repository root to write into")
    ap.add_argument("--allow-other-workbook", action="store_true", help="do not insist on the SHA-256 recorded in SOURCE.md")
    a = ap.parse_args()

    path = a.source_dir / WORKBOOK
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WORKBOOK_SHA256 and not a.allow_other_workbook:
        raise SystemExit(f"{path}: SHA-256 {digest}, expected {WORKBOOK_SHA256} (SOURCE.md); pass --allow-other-workbook to convert it anyway")

    rows, skipped, residue = convert(path)
    assign_ids(rows)
    check_unique(rows)

    from collections import Counter
    by_table = Counter(re.search(r"Table (\d+)", r["source"]).group(1) for r in rows)
    counts = ", ".join(f"Table {k}: {v}" for k, v in sorted(by_table.items(), key=lambda kv: int(kv[0])))

    notes = " ".join([
        f"Converted by tools/convert/epa_hub.py from {WORKBOOK} (SHA-256 {WORKBOOK_SHA256[:16]}..., sheet '{SHEET}', 'Last Modified: January 15, 2025'); {len(rows)} factors ({counts}).",
        "VALIDITY: every row is valid 2024-01-01 to 2024-12-31. The Hub is republished each year, early in the year, for the inventories organisations then prepare, i.e. the 2025 Hub (eGRID2023 of January 2025, the US GHG Inventory 1990-2022 published in 2024, 40 CFR 98) serves calendar-year 2024 inventories compiled in 2025; the 2026 Hub will serve 2025. One year per edition keeps editions from overlapping: two editions valid for the same period would tie (ambiguous-factor) under docs/decisions/0001. Open-ended validity would make later editions tie with this one. For a 2025 activity before the 2026 Hub ships, name the factor in the activity's 'factor' column (a warning then notes the period) or supply a factor file.",
        "UNITS: Hub units map to Scopebook units exactly: short ton, scf (60 F, 14.696 psia), US gal (the Hub's 'gallon'), MMBtu (the Hub's 'mmBtu', higher heating value), MWh, mile (vehicle-mile), passenger-mile, ton-mile (short ton-mile). g becomes kg by moving the decimal point (g/1000); eGRID lb becomes kg by x 0.45359237 exactly, with no rounding; metric tons CO2e become kg x 1000.",
        "ACTIVITIES: Table 1 per physical unit is the plain fuel (anthracite, natural_gas, lpg, ...), per mmBtu HHV it is <fuel>.gcv; propane as a gas per scf is propane_gas (propane per gallon is propane) because the two have different per-mmBtu factors. Biomass fuels (agricultural byproducts, solid byproducts, wood and wood residuals, landfill gas, other biomass gases, biodiesel, ethanol, rendered animal fat, vegetable oil, kraft pulping liquor; Table 2 biodiesel and ethanol) carry their CO2 in biogenic_co2_kg, reported outside the scopes as the GHG Protocol and EPA's stationary-combustion guidance ask; CH4 and N2O count in Scope 1. Peat, which the Hub lists under Biomass Fuels - Solid, is shipped with fossil co2_kg (the IPCC 2006 Guidelines count peat CO2 as fossil). Municipal solid waste and tires are shipped as published (co2_kg) although part of their carbon is biogenic.",
        "MOBILE: Table 2 gives CO2 per gallon (or scf for CNG) as <fuel>_mobile, CO2 only. Tables 3 and 4 give on-road CH4 and N2O per vehicle-mile as vehicle.<type>.<fuel>.my_<model years> (alternative-fuel rows have no model year), CH4/N2O only: an on-road vehicle needs both its fuel's <fuel>_mobile row (CO2) and its vehicle.* row (CH4, N2O). Tables 3 and 4 stop at model year 2022; newer vehicles have no row. Table 5 gives non-road CH4 and N2O per gallon, the same unit as Table 2, so each Table 5 row is shipped combined with its fuel's Table 2 CO2 as <fuel>_mobile.<vehicle type>[.<engine or sub-type>] (e.g. diesel_mobile.locomotives); the source column names both rows.",
        "ELECTRICITY: Table 6 is eGRID2023 (January 2025). Regions: US-EGRID-<acronym> for the 27 subregions (parent US-EGRID, then US) and US for the US average; an activity in US-EGRID-CAMX takes the CAMX factor, an activity in US takes the US average. grid_electricity = total output emission rate (location-based Scope 2); grid_electricity_nonbaseload = non-baseload rate, which the Hub says is for estimating emission changes, not for inventories. The workbook displays the CO2 rates to one decimal but holds them to three, as eGRID publishes them; the three-decimal figures are used. Table 7 steam and heat is heat_and_steam, Scope 2 category heat (per mmBtu delivered).",
        "SCOPE 3: Table 8 is freight.* with category 4 (set scope3_category 9 on downstream activities); freight.medium_heavy_duty_truck exists per vehicle-mile (unit mile) and per short ton-mile (unit ton-mile), which are different unit dimensions. Table 10 is travel.* with category 6; the same factors serve employee commuting (Table 10 covers categories 6 and 7): they are shipped once and a commuting activity sets scope3_category 7. Table 9 waste is waste.<material>.<method> in co2e_kg per short ton with category 5 (set scope3_category 12 for end-of-life treatment of sold products); its CO2e figures are on AR4 GWPs, as the table's own note says ('AR4 GWP values are used to convert all waste emission factors into CO2e'), so gwp_basis is AR4, not the AR5 of Table 11; they exclude avoided emissions and include transport to the facility. All per-gas figures need no GWP; Table 11 (AR5: CH4 28, N2O 265) is the Hub's basis for its own CO2e conversions.",
        "NUMBERS: figures are the workbook's cell values, copied as text, trailing zeros dropped. Cells whose stored float is spreadsheet arithmetic residue are taken as the workbook displays them: " + ("; ".join(residue) if residue else "none") + ". The Asphalt Concrete recycling factor is therefore 0.004 t (4 kg) CO2e per short ton; the unrounded cell would give 3.52 kg.",
        "NOT SHIPPED (nothing is dropped to resolve a clash; no two rows share activity, region and unit dimension): " + " | ".join(skipped),
        "All figures verified=true: each was read from the workbook cell named in its source column.",
    ])

    meta = {
        "id": DATASET_ID,
        "edition": EDITION,
        "title": "Emission Factors for Greenhouse Gas Inventories (GHG Emission Factors Hub), 2025",
        "publisher": "US Environmental Protection Agency (EPA), Center for Corporate Climate Leadership",
        "region": "US",
        "licence": "Work of the US federal government, in the public domain in the United States (17 U.S.C. 105); the workbook states no licence (general understanding, not legal advice)",
        "source_url": "https://www.epa.gov/climateleadership/ghg-emission-factors-hub",
        "references": [
            f"{WORKBOOK}, sheet '{SHEET}', 'Last Modified: January 15, 2025' (SHA-256 {WORKBOOK_SHA256})",
            "Table 1 Stationary Combustion (rows 12-99; from 40 CFR 98 Tables C-1, C-2 and AA-1)",
            "Table 2 Mobile Combustion CO2 (rows 101-122; 40 CFR 98 Table C-1; LNG from GREET1 2024)",
            "Table 3 Mobile Combustion CH4 and N2O for On-Road Gasoline Vehicles (rows 124-244; US GHG Inventory 1990-2022 Annex Tables A-79 to A-83)",
            "Table 4 Mobile Combustion CH4 and N2O for On-Road Diesel and Alternative Fuel Vehicles (rows 246-285; Annex Tables A-84, A-85)",
            "Table 5 Mobile Combustion CH4 and N2O for Non-Road Vehicles (rows 287-332; Annex Tables A-86, A-87)",
            "Table 6 Electricity (rows 334-375; eGRID2023, January 2025, Summary Tables - Table 1, Subregion Output Emission Rates)",
            "Table 7 Steam and Heat (rows 407-413)",
            "Table 8 Scope 3 Category 4 and 9 Upstream and Downstream Transportation and Distribution (rows 419-430)",
            "Table 9 Scope 3 Category 5 and 12 Waste (rows 432-499; EPA WARM documentation, December 2023; AR4 GWPs)",
            "Table 10 Scope 3 Category 6 and 7 Business Travel and Employee Commuting (rows 501-517)",
            "Table 11 Global Warming Potential, AR5 (rows 521-556): the basis of the Hub's CO2e conversions; not converted",
        ],
        "notes": notes,
    }
    out_dir = a.out / "emission-factors" / DATASET_ID / EDITION
    digest = write_dataset(out_dir, meta, rows)
    print(f"wrote {len(rows)} factors to {out_dir} (factors.csv SHA-256 {digest})")
    print(counts)
    for s in skipped:
        print("skipped:", s[:200])
    for s in residue:
        print("residue:", s)


if __name__ == "__main__":
    main()
