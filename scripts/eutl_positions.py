#!/usr/bin/env python3
"""The plain-Python baseline for the EUTL position benchmark (docs/measurements.md).

Reads the same EU Transaction Log export files with the csv module and works, for one year, each
installation's free allocation, verified emissions, units surrendered, compliance code and
shortfall (verified - the larger of free allocation and surrendered; statuses such as NA,
Excluded and Not Reported stay statuses), then sums them per account holder. Python's Decimal
keeps it exact, like Scopebook.

    python3 scripts/eutl_positions.py [YEAR] [DIR]   # default 2021, ../shared/datasets/real-world/eutl
"""
import csv
import glob
import os
import sys
import time
from decimal import Decimal


def figure(text):
    text = text.strip()
    return Decimal(text) if any(c.isdigit() for c in text) else None


def main():
    year = sys.argv[1] if len(sys.argv) > 1 else "2021"
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "shared", "datasets", "real-world", "eutl")
    start = time.perf_counter()
    installations = []
    for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                free = figure(row["FreeAllocations_" + year])
                verified = figure(row["VerifiedEmissions_" + year])
                surrendered = figure(row["UnitsSurrendered_" + year])
                known = [v for v in (free, surrendered) if v is not None]
                covered = max(known) if known else None
                shortfall = verified - covered if verified is not None and covered is not None else None
                installations.append((row["AccountHolderName"], free, verified, surrendered, row["ComplianceCode_" + year], shortfall))
    holders = {}
    for holder, free, verified, surrendered, _code, _short in installations:
        h = holders.setdefault(holder, [Decimal(0), Decimal(0), Decimal(0), 0])
        h[0] += free or 0
        h[1] += verified or 0
        h[2] += surrendered or 0
        h[3] += 1
    elapsed = time.perf_counter() - start
    print(f"{len(installations)} installations, {len(holders)} account holders, {year}: {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
