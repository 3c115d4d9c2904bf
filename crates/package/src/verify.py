#!/usr/bin/env python3
"""Check a Scopebook auditor's package without Scopebook: Python 3.8+, standard library only.

    python3 verify.py            # the folder this file is in (the package, unzipped)
    python3 verify.py PKG.zip    # or a package as a ZIP file

It checks every file against manifest.json and SHA256SUMS (and prints the root hash; an auditor's
findings/ folder is checked apart against findings/manifest.json), walks the
audit log's hash chain, checks each record against its hash and its last audit entry (or, for a
record an import created and nothing changed since, the import entry's records_sha256), then
recomputes every line from data/activities.csv, the factor files in factors/, the GWP table in
gwp/ and the unit sizes in data/units.csv with exact decimals, applies each facility's share
from inventory/boundary.json, recomputes every total, and compares all of it with
results/report.json. Exit status 0 only when everything matches.
"""

import csv
import hashlib
import io
import json
import os
import sys
import zipfile
from decimal import Decimal, InvalidOperation, ROUND_HALF_EVEN, getcontext

getcontext().prec = 100  # wide enough that every product and sum here is exact
MASS = Decimal("0.000000001")  # line masses are held to 9 decimal places of kg, half-even
HUNDRED = Decimal(100)
problems = []


def problem(where, message):
    problems.append("%s: %s" % (where, message))


def load(argv):
    files = {}
    if len(argv) > 1 and os.path.isfile(argv[1]):
        with zipfile.ZipFile(argv[1]) as z:
            for info in z.infolist():
                name = info.filename
                if name.startswith("/") or "\\" in name or ".." in name.split("/") or info.is_dir():
                    sys.exit("refused: unsafe entry %r in the package" % name)
                if info.file_size > (1 << 30):
                    sys.exit("refused: entry %r is over 1 GiB" % name)
                files[name] = z.read(info)
        return files
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for folder, _, names in os.walk(root):
        for n in names:
            path = os.path.join(folder, n)
            if os.path.islink(path):
                continue
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            with open(path, "rb") as f:
                files[rel] = f.read()
    return files


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def dec(text):
    text = (text or "").strip()
    if text == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("'%s' is not a decimal" % text)


def rows(files, path):
    return list(csv.DictReader(io.StringIO(files[path].decode("utf-8"))))


FINDINGS = "findings/"


def check_findings(files, root):
    """An auditor's findings folder: every file against findings/manifest.json, about this root hash."""
    present = sorted(p for p in files if p.startswith(FINDINGS))
    if not present:
        return None
    if FINDINGS + "manifest.json" not in files:
        problem(FINDINGS + "manifest.json", "the findings folder has no findings manifest")
        return "findings: NOT INTACT"
    before = len(problems)
    fm = json.loads(files[FINDINGS + "manifest.json"])
    if fm.get("package_root_hash") != root:
        problem(FINDINGS + "manifest.json", "the findings refer to root hash %s, not this package's" % fm.get("package_root_hash"))
    for path, want in sorted(fm.get("files", {}).items()):
        if path not in files:
            problem(path, "listed in the findings manifest but missing")
        elif sha256(files[path]) != want:
            problem(path, "SHA-256 %s, the findings manifest records %s" % (sha256(files[path]), want))
    for path in present:
        if path != FINDINGS + "manifest.json" and path not in fm.get("files", {}):
            problem(path, "not listed in the findings manifest")
    marks = json.loads(files[FINDINGS + "findings.json"]).get("marks", []) if FINDINGS + "findings.json" in files else []
    state = "intact" if len(problems) == before else "NOT INTACT"
    return "auditor's findings: %d file(s), %d mark(s), %s" % (len(present), len(marks), state)


def check_hashes(files):
    manifest = json.loads(files["manifest.json"])
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    for path, want in sorted(listed.items()):
        if path not in files:
            problem(path, "listed in manifest.json but missing")
        elif sha256(files[path]) != want:
            problem(path, "SHA-256 %s, manifest.json records %s" % (sha256(files[path]), want))
    for path in sorted(files):
        # An auditor's findings folder is outside the package's own manifest (decision 0042).
        if path not in listed and path not in ("manifest.json", "SHA256SUMS") and not path.startswith(FINDINGS):
            problem(path, "not listed in manifest.json")
    sums = "".join("%s  %s\n" % (listed[p], p) for p in sorted(listed, key=lambda p: p.encode("utf-8")))
    root = sha256(sums.encode("utf-8"))
    if root != manifest["root_hash"]:
        problem("manifest.json", "root_hash is %s, the file list hashes to %s" % (manifest["root_hash"], root))
    if files.get("SHA256SUMS", b"").decode("utf-8") != sums:
        problem("SHA256SUMS", "does not list the files of manifest.json")
    return manifest, root


def js(s):
    return json.dumps(s, ensure_ascii=False)


def check_chain(files):
    prev = "0" * 64
    last = {}
    n = 0
    for line_no, text in enumerate(files["audit/log.jsonl"].decode("utf-8").splitlines(), 1):
        e = json.loads(text)
        n += 1
        where = "audit/log.jsonl:%d" % line_no
        if e["seq"] != n or e["prev_hash"] != prev:
            problem(where, "entry %s is out of sequence or does not follow its predecessor" % e["seq"])
            return last, n, prev
        entry = '{"action":%s,"at":%s,"new":%s,"old":%s,"reason":%s,"record":%d,"seq":%d,"table":%s,"user":%s}' % (
            js(e["action"]), js(e["at"]), e["new_value"] or "null", e["old_value"] or "null",
            "null" if e["reason"] is None else js(e["reason"]), e["record"], e["seq"], js(e["table"]), js(e["user"]))
        if sha256((prev + "\n" + entry).encode("utf-8")) != e["hash"]:
            problem(where, "audit entry %d does not match its hash" % e["seq"])
            return last, n, prev
        last[(e["table"], e["record"])] = e["new_value"]
        prev = e["hash"]
    return last, n, prev


def runs(ids):
    """Ids as runs: 2-5, 7."""
    out, i = [], 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        out.append(str(ids[i]) if i == j else "%d-%d" % (ids[i], ids[j]))
        i = j + 1
    return ", ".join(out)


def check_imports(files, stored, period_id):
    """The ids of records that an import of the period created and whose records_sha256 the
    package gives: one line per record, in id order, "id<TAB>source_row<TAB>sha256 of its value at
    the import" (the old value of the first later entry that touches it, else its value now)."""
    entries = [json.loads(t) for t in files["audit/log.jsonl"].decode("utf-8").splitlines()]
    imports = []
    for e in entries:
        if e["action"] == "import" and e["table"] == "import_batch" and e["new_value"]:
            b = json.loads(e["new_value"])
            if b.get("first_activity") is not None and b.get("last_activity") is not None:
                imports.append((e["seq"], b))
    at_import = {}
    for e in entries:
        if e["table"] != "activity" or e["record"] in at_import:
            continue
        for seq, b in imports:
            if b["first_activity"] <= e["record"] <= b["last_activity"] and e["seq"] > seq:
                at_import[e["record"]] = e["old_value"]
    sources = {}
    for line_no, r in enumerate(rows(files, "audit/imports.csv") if "audit/imports.csv" in files else [], 2):
        try:
            sources.setdefault(int(r["import"]), []).append((int(r["activity"]), int(r["source_row"])))
        except (KeyError, TypeError, ValueError):
            problem("audit/imports.csv:%d" % line_no, "not a row of three whole numbers")
    known = set(b["id"] for _, b in imports)
    for i in sorted(set(sources) - known):
        problem("audit/imports.csv", "it lists records of import %d, which no entry of the audit log records" % i)
    vouched = set()
    for seq, b in imports:
        if b["period_id"] != period_id:
            continue
        first, last_id = b["first_activity"], b["last_activity"]
        where = "audit/imports.csv"
        name = "import %d (audit entry %d, activity %d-%d)" % (b["id"], seq, first, last_id)
        lines, why = [], None
        listed = sorted(sources.get(b["id"], []))
        if len(listed) != last_id - first + 1:
            why = "the import created %d records but audit/imports.csv lists %d" % (last_id - first + 1, len(listed))
        for rid, row in listed if why is None else []:
            value = at_import[rid] if rid in at_import else stored.get(rid)
            if not first <= rid <= last_id:
                why = "activity %d is listed but the import did not create it" % rid
            elif value is None:
                why = ("activity %d is neither in data/records.json nor changed by a later audit entry: "
                       "it was removed from the package" % rid)
            if why:
                break
            lines.append("%d\t%d\t%s\n" % (rid, row, sha256(value.encode("utf-8"))))
        if why is None and sha256("".join(lines).encode("utf-8")) != b["records_sha256"]:
            why = ("its records in the package, with their source rows, do not give the records_sha256 the entry "
                   "recorded: a record or a source row was changed, added or removed")
        if why:
            problem(where, "%s: %s" % (name, why))
        else:
            vouched.update(rid for rid, _ in listed)
    return vouched


def shares(files):
    org = json.loads(files["inventory/organisation.json"])
    holdings = {h["code"]: h for h in json.loads(files["inventory/boundary.json"])["holdings"]}
    approach = org["consolidation"]
    out = {}
    for code in holdings:
        share, node, steps = HUNDRED, holdings[code], 0
        while True:
            if approach == "equity-share":
                share = share * Decimal(node["equity_share"]) / HUNDRED
            elif approach == "operational-control" and not node["operational_control"]:
                share = Decimal(0)
            elif approach == "financial-control" and not node["financial_control"]:
                share = Decimal(0)
            if node["parent"] is None or steps > len(holdings):
                break
            node, steps = holdings[node["parent"]], steps + 1
        out[code] = share
    return out


class Library:
    def __init__(self, files):
        self.units = {r["text"]: (r["unit"], r["dimension"], Decimal(r["to_base"])) for r in rows(files, "data/units.csv")}
        self.factors = {}
        self.price_year = {}  # factor id -> its dataset's price_year (decision 0035), or None
        for path in files:
            if path.startswith("factors/") and path.endswith("/factors.csv"):
                meta_path = path[: -len("factors.csv")] + "dataset.json"
                meta = json.loads(files[meta_path]) if meta_path in files else {}
                for r in rows(files, path):
                    self.factors[r["id"].strip()] = r
                    self.price_year[r["id"].strip()] = meta.get("price_year")
        self.gwp = {r["gas"].strip().lower(): r for r in rows(files, "gwp/gwp100.csv")}
        self.blends = {}
        for r in rows(files, "gwp/blends.csv"):
            self.blends.setdefault(r["blend"].strip().lower(), []).append((r["component"].strip(), Decimal(r["mass_percent"]) / HUNDRED))

    def unit(self, text):
        if text.strip() not in self.units:
            raise ValueError("unit '%s' is not in data/units.csv" % text)
        return self.units[text.strip()]

    def convert(self, x, a, b):
        if a[0] == b[0]:
            return x
        if a[1] != b[1]:
            raise ValueError("%s cannot be converted into %s" % (a[0], b[0]))
        return x * a[2] / b[2]

    def gwp_of(self, gas, gwp_set):
        row = self.gwp.get(gas.lower())
        value = dec(row.get(gwp_set.lower(), "")) if row else None
        if value is None:
            raise ValueError("%s has no GWP in %s in gwp/gwp100.csv" % (gas, gwp_set))
        return value


def hold(x):
    return x.quantize(MASS, rounding=ROUND_HALF_EVEN)


def to_factor_money(lib, rec, f, q, u, fu):
    """A money line in its factor's currency and price year, as the core does it (decision 0035):
    divided by the line's exchange_rate (its currency per 1 of the factor's), then by its
    price_index (the price level of its currency_year relative to the dataset's price_year)."""
    if not (u[1].startswith("money (") and fu[1].startswith("money (")):
        return q, u
    currency, factor_currency = u[1][len("money ("):-1], fu[1][len("money ("):-1]
    rate, index = dec(rec.get("exchange_rate")), dec(rec.get("price_index"))
    year = (rec.get("currency_year") or "").strip()
    year = int(year) if year else None
    if currency != factor_currency:
        if rate is None:
            raise ValueError("the line is in %s but factor %s is per %s, and it gives no exchange_rate" % (currency, f["id"], factor_currency))
        q = q / rate
        u = ("%s as %s" % (u[0], factor_currency), fu[1], u[2])
    elif rate is not None:
        raise ValueError("the line is already in %s but gives an exchange_rate" % factor_currency)
    to_year = lib.price_year.get(f["id"].strip())
    if to_year is None:
        if index is not None:
            raise ValueError("factor %s has no price year (its dataset.json gives no price_year) but the line gives a price_index" % f["id"])
        return q, u
    if year is None and index is None and currency == factor_currency:
        return q, u
    if year is None:
        raise ValueError("factor %s is per %s %s and the line gives no currency_year" % (f["id"], to_year, factor_currency))
    if year == int(to_year):
        if index is not None:
            raise ValueError("the line's money is of %s, the factor's price year, yet it gives a price_index" % year)
        return q, u
    if index is None:
        raise ValueError("the line's money is of %s but factor %s is per %s %s, and it gives no price_index" % (year, f["id"], to_year, factor_currency))
    return q / index, u


def evaluate(lib, rec, f, gwp_set):
    """The line's masses of each gas, CO2e, unspeciated CO2e and biogenic CO2, in kg."""
    q, u = dec(rec["quantity"]), lib.unit(rec["unit"])
    own = {k: dec(rec.get(k)) for k in ("ncv_gj_per_unit", "carbon_t_per_gj", "oxidation")}
    fu, fncv = lib.unit(f["unit"]), dec(f.get("ncv_gj_per_unit"))
    attribution = dec(rec.get("attribution"))
    if attribution is not None:
        q = q * attribution  # a category-15 line's share of its investee
    q, u = to_factor_money(lib, rec, f, q, u, fu)
    gj = lib.unit("GJ")
    basis_unit = gj if fncv is not None else fu
    if u[1] == fu[1] and own["ncv_gj_per_unit"] is None:
        basis = lib.convert(q, u, fu)
        if fncv is not None:
            basis = basis * fncv
    elif basis_unit[1] == gj[1] and u[1] == gj[1] and own["ncv_gj_per_unit"] is None:
        basis = lib.convert(q, u, basis_unit)
    elif own["ncv_gj_per_unit"] is not None and basis_unit[1] == gj[1]:
        basis = lib.convert(q * own["ncv_gj_per_unit"], gj, basis_unit)
    else:
        raise ValueError("%s cannot feed factor %s (per %s)" % (u[0], f["id"], fu[0]))
    masses, unspeciated = [], Decimal(0)
    co2e_factor = dec(f.get("co2e_kg"))
    if co2e_factor is not None:
        unspeciated = hold(basis * co2e_factor)
    else:
        fc, fo = dec(f.get("carbon_t_per_gj")), dec(f.get("oxidation"))
        chain = None
        if fc is not None:
            chain = (own["carbon_t_per_gj"] or fc, own["oxidation"] or fo)
        elif own["carbon_t_per_gj"] is not None and own["oxidation"] is not None:
            chain = (own["carbon_t_per_gj"], own["oxidation"])
        replaces = fc is None and chain is not None
        if chain:
            energy = basis if basis_unit[0] == gj[0] else lib.convert(basis, basis_unit, gj)
            masses.append(("CO2", hold(energy * chain[0] * chain[1] * 44000 / 12)))
        gases = [("CO2", f.get("co2_kg")), ("CH4", f.get("ch4_kg")), ("N2O", f.get("n2o_kg"))]
        if (f.get("other_gas") or "").strip():
            gases.append((f["other_gas"].strip(), f.get("other_gas_kg")))
        for gas, cell in gases:
            kg = dec(cell)
            if kg is None or (replaces and gas == "CO2"):
                continue
            mass = hold(basis * kg)
            if gas.lower() in lib.blends:
                masses.extend((g, hold(mass * frac)) for g, frac in lib.blends[gas.lower()])
            else:
                masses.append((gas, mass))
    out = {}
    for gas, mass in masses:
        key = lib.gwp[gas.lower()]["gas"] if gas.lower() in lib.gwp else gas
        m, c = out.get(key, (Decimal(0), Decimal(0)))
        out[key] = (m + mass, c + mass * lib.gwp_of(gas, gwp_set))
    co2e = unspeciated + sum((c for _, c in out.values()), Decimal(0))
    biogenic = dec(f.get("biogenic_co2_kg"))
    return out, co2e, unspeciated, hold(basis * biogenic) if biogenic is not None else Decimal(0)


def check_input(files, report, path, name):
    """A copy of an input the report names (inputs.factor_files): its bytes, or None when the
    report does not name it; a problem when it is missing or not the file the calculation read."""
    listed = [f["sha256"] for f in report["inputs"].get("factor_files", []) if f["file"] == name]
    if not listed:
        return None
    if path not in files:
        problem(path, "missing: results/report.json's inputs.factor_files names '%s'" % name)
        return None
    if sha256(files[path]) != listed[0]:
        problem(path, "its SHA-256 is not the one results/report.json's inputs.factor_files records for '%s'" % name)
    return files[path]


def market(files, report, lib, year, uses):
    """Market-based Scope 2 of the simple cases (decision 0047): a facility whose electricity is
    one period, its instruments in file order capped at what is left of its consumption (their
    MWh x rate), then the residual mix inputs/residual-mix.csv names (uncovered MWh x its rate),
    else the grid average. Whether an instrument passes the Scope 2 Quality Criteria is taken
    from the report ('applied'), not graded here. Returns (facility -> market less location kg,
    applied MWh per instrument) or a string saying why it was not recomputed."""
    instr_bytes = check_input(files, report, "inputs/instruments.csv", "instruments %s" % year)
    check_input(files, report, "inputs/scope3-status.csv", "scope3-status %s" % year)
    if "inputs/residual-mix.csv" not in files:
        return "the package carries no inputs/residual-mix.csv (written before decision 0047)"
    instruments = list(csv.DictReader(io.StringIO(instr_bytes.decode("utf-8")))) if instr_bytes else []
    if any((row.get("energy") or "electricity") != "electricity" for row in instruments):
        return "heat, steam or cooling at a supplier's rate (decision 0058; scopebook verify recomputes it)"
    stated = report.get("instruments") or []
    if len(stated) != len(instruments):
        problem("inputs/instruments.csv", "%d instrument(s); results/report.json lists %d" % (len(instruments), len(stated)))
        return "the instruments are not the report's"
    residual = {}
    for r in rows(files, "inputs/residual-mix.csv"):
        residual.setdefault(r["facility"], []).append(r)
    for facility, list_ in uses.items():
        if len(list_["periods"]) > 1 or len(residual.get(facility, [])) > 1:
            return "facility %s has electricity of more than one period or region (scopebook verify recomputes it)" % facility
    delta, applied = {}, []
    left = {f: u["mwh"] for f, u in uses.items()}
    market_kg = {f: Decimal(0) for f in uses}
    for row, st in zip(instruments, stated):
        facility, mwh, rate = row["facility"], Decimal(row["mwh"]), Decimal(row["emission_rate_kg_per_mwh"])
        name = "instrument %s %s..%s of facility %s" % (row["instrument"], row["serial_from"], row["serial_to"], facility)
        if Decimal(st["mwh"]) != mwh or Decimal(st["emission_rate_kg_per_mwh"]) != rate or st["facility"] != facility:
            problem("inputs/instruments.csv", "%s: its mwh, rate or facility is not the report's" % name)
        take = Decimal(0)
        if st["applied"] and facility in left:
            take = min(mwh, left[facility])
            left[facility] -= take
            market_kg[facility] += take * rate
        applied.append(take)
        if Decimal(st["applied_mwh"]) != take:
            problem("results/report.json", "%s: applied_mwh %s in the package, recomputed %s" % (name, st["applied_mwh"], take))
    for facility, u in uses.items():
        rest = left[facility]
        if rest:
            rows_ = residual.get(facility, [])
            if rows_:
                f = lib.factors.get(rows_[0]["factor"])
                if f is None:
                    return "the residual mix %s is not in the package's factor files" % rows_[0]["factor"]
                rate = evaluate(lib, {"quantity": "1", "unit": "MWh"}, f, report["gwp_set"])[1]
                market_kg[facility] += rest * rate
            else:
                market_kg[facility] += u["location"] if rest == u["mwh"] else u["location"] * rest / u["mwh"]
        delta[facility] = market_kg[facility] - u["location"]
    return delta


def check_snapshot(files, last):
    """A locked period's snapshot is its audit entry's, and snapshot/report.json the report it names."""
    if "snapshot/snapshot.json" not in files:
        return
    snap = json.loads(files["snapshot/snapshot.json"])
    if last.get(("snapshot", snap["id"])) != snap["stored"]:
        problem("snapshot/snapshot.json", "snapshot %s differs from its last audit entry" % snap["id"])
        return
    row = json.loads(snap["stored"])
    if row.get("result_sha256") != sha256(files.get("snapshot/report.json", b"")):
        problem("snapshot/report.json", "it is not the report the snapshot record's result_sha256 names")


def main(argv):
    files = load(argv)
    manifest, root = check_hashes(files)
    findings_line = check_findings(files, manifest["root_hash"])
    last, entries, head = check_chain(files)
    records = json.loads(files["data/records.json"])
    period_id = json.loads(json.loads(files["inventory/period.json"])["stored"])["id"]
    vouched = check_imports(files, {r["id"]: r["stored"] for r in records}, period_id)
    unvouched = []
    for r in records:
        if sha256(r["stored"].encode("utf-8")) != r["sha256"]:
            problem("data/records.json", "record %d does not hash to its sha256" % r["id"])
        if ("activity", r["id"]) in last:
            if last[("activity", r["id"])] != r["stored"]:
                problem("data/records.json", "record %d differs from its last audit entry" % r["id"])
        elif r["id"] not in vouched:
            unvouched.append(r["id"])
    if unvouched:
        problem("data/records.json", "record(s) %s have no entry of their own in the audit log, and no import "
                "whose records_sha256 the package gives covers them" % runs(unvouched))
    check_snapshot(files, last)
    report = json.loads(files["results/report.json"])
    if sha256(files["data/activities.csv"]) != report["inputs"]["activities"]["sha256"]:
        problem("results/report.json", "inputs.activities.sha256 is not the SHA-256 of data/activities.csv")
    lib = Library(files)
    share_of = shares(files)
    gwp_set = report["gwp_set"]
    activity_rows = rows(files, "data/activities.csv")
    by_id = {r["id"]: row for r, row in zip(records, activity_rows)}
    if len(activity_rows) != len(records):
        problem("data/activities.csv", "%d rows for %d records" % (len(activity_rows), len(records)))
    recomputed = withheld = 0
    groups = {}
    electricity, electricity_problem = {}, []
    for line in report.get("lines", []):
        rid = line["activity"]["row"]
        where = "results/report.json: record %s" % rid
        fid = line["factor"]["id"]
        e = line["emission"]
        share = share_of.get(line["activity"]["facility"], HUNDRED)
        if Decimal(line["share_applied"]) != share:
            problem(where, "share_applied %s, the boundary gives %s" % (line["share_applied"], share))
        stated = ({g["gas"]: (Decimal(g["mass_kg"]), Decimal(g["co2e_kg"])) for g in e["gases"]},
                  Decimal(e["co2e_kg"]), Decimal(e["unspeciated_co2e_kg"]), Decimal(e["biogenic_co2_kg"]))
        if fid not in lib.factors:
            withheld += 1
            figures = stated
        elif rid not in by_id:
            problem(where, "the record is not in data/records.json")
            continue
        else:
            try:
                figures = evaluate(lib, by_id[rid], lib.factors[fid], gwp_set)
            except (ValueError, KeyError, InvalidOperation) as err:
                problem(where, "cannot be recomputed: %s" % err)
                continue
            inexact = any(s.get("exact") is False for s in line["steps"])
            close = (lambda a, b: abs(a - b) <= Decimal("0.000001")) if inexact else (lambda a, b: a == b)
            same = (set(figures[0]) == set(stated[0])
                    and all(close(figures[0][g][0], stated[0][g][0]) and close(figures[0][g][1], stated[0][g][1]) for g in stated[0])
                    and all(close(a, b) for a, b in zip(figures[1:], stated[1:])))
            if same:
                recomputed += 1
            else:
                problem(where, "%s %s: co2e_kg %s in the package, recomputed %s" % (
                    line["activity"]["facility"], line["activity"]["activity"], e["co2e_kg"], figures[1]))
        if str(line["classification"]["scope"]) == "2" and str(line["classification"]["category"]) == "electricity":
            a = line["activity"]
            try:
                mwh = lib.convert(Decimal(a["quantity"]), lib.unit(a["unit"]), lib.unit("MWh"))
                u = electricity.setdefault(a["facility"], {"mwh": Decimal(0), "location": Decimal(0), "periods": set()})
                u["mwh"] += mwh
                u["location"] += figures[1]
                u["periods"].add((a.get("region"), a["period"]["start"], a["period"]["end"]))
            except (ValueError, KeyError) as err:
                electricity_problem.append("%s: %s" % (where, err))
        key = (line["activity"]["facility"], line["classification"]["scope"], str(line["classification"]["category"]), str(line["iso_category"]))
        g = groups.setdefault(key, {"co2e": Decimal(0), "biogenic": Decimal(0), "unspeciated": Decimal(0), "gases": {}, "share": share})
        g["co2e"] += figures[1]
        g["unspeciated"] += figures[2]
        g["biogenic"] += figures[3]
        for gas, (m, c) in figures[0].items():
            gm, gc = g["gases"].get(gas, (Decimal(0), Decimal(0)))
            g["gases"][gas] = (gm + m, gc + c)
    # Every record has its line, or is listed as unresolved (as `scopebook verify` checks).
    with_line = {line["activity"]["row"] for line in report.get("lines", [])}
    unresolved = {u.get("activity", {}).get("row") for u in report.get("unresolved", [])}
    for r in records:
        if r["id"] not in with_line and r["id"] not in unresolved:
            problem("results/report.json: record %s" % r["id"],
                    "has no line in the report and is not listed as unresolved: a line was removed")
    totals = {}

    def put(k, v):
        totals[k] = totals.get(k, Decimal(0)) + v

    for (facility, scope, category, iso), g in groups.items():
        part = lambda v: v * g["share"] / HUNDRED
        names = {"1": ["scope1"], "2": ["scope2_location", "scope2_market"]}.get(scope, ["scope3"])
        for n in names:
            put(n, part(g["co2e"]))
        put("biogenic_co2", part(g["biogenic"]))
        put("by_scope%s_category %s" % (scope, category), part(g["co2e"]))
        put("by_iso_category %s" % iso, part(g["co2e"]))
        put("unspeciated_co2e_t", part(g["unspeciated"]))
        for gas, (m, c) in g["gases"].items():
            put("by_gas %s mass_t" % gas, part(m))
            put("by_gas %s co2e_t" % gas, part(c))
    stated_totals = {k: Decimal(report["totals"][k]) for k in ("scope1", "scope2_location", "scope2_market", "scope3", "biogenic_co2")}
    stated_totals["unspeciated_co2e_t"] = Decimal(report["unspeciated_co2e_t"])
    for n in (1, 2, 3):
        for c in report["by_scope%d_category" % n]:
            stated_totals["by_scope%d_category %s" % (n, c["category"])] = Decimal(c["co2e_t"])
    for c in report["by_iso_category"]:
        stated_totals["by_iso_category %s" % c["category"]] = Decimal(c["co2e_t"])
    for c in report["by_gas"]:
        stated_totals["by_gas %s mass_t" % c["gas"]] = Decimal(c["mass_t"])
        stated_totals["by_gas %s co2e_t" % c["gas"]] = Decimal(c["co2e_t"])

    print("package: %s, period %s" % (manifest["organisation"], manifest["period"]))
    print("root hash: %s (%d files)" % (root, len(manifest["files"])))
    if findings_line:
        print(findings_line)
    print("audit log: %d entries, head %s" % (entries, head))
    print("lines: %d recomputed to the same figures, %d withheld (factor file not in the package)" % (recomputed, withheld))
    print()
    print("%-36s %26s %26s" % ("total (t)", "package", "recomputed"))
    # Market-based Scope 2 equals location-based only under grid averages; otherwise contractual
    # instruments and residual mixes are allocated per facility (decision 0047).
    if not report["scope2_market_basis"].startswith("grid-average factors"):
        why = "not every Scope 2 line was recomputed" if withheld or electricity_problem else None
        delta = why or market(files, report, lib, manifest["period"], electricity)
        if isinstance(delta, str):
            del stated_totals["scope2_market"]
            totals.pop("scope2_market", None)
            print("(market-based Scope 2 is NOT recomputed by verify.py: %s; `scopebook verify` recomputes it)" % delta)
        else:
            for facility, d in delta.items():
                share = share_of.get(facility, HUNDRED)
                totals["scope2_market"] = totals.get("scope2_market", Decimal(0)) + d * share / HUNDRED
            print("(market-based Scope 2 recomputed: instruments capped at each facility's consumption, then the residual mix, "
                  "then the grid average; the instruments' Quality Criteria grades are taken from the report)")
    for k in sorted(set(stated_totals) | set(totals)):
        a, b = stated_totals.get(k, Decimal(0)), totals.get(k, Decimal(0)) / 1000
        mark = "ok" if a == b else "DIFFERS"
        if a != b:
            problem("results/report.json", "total %s is %s, recomputed %s" % (k, a, b.normalize()))
        print("%-36s %26s %26s  %s" % (k, a, "{:f}".format(b.normalize()), mark))
    print()
    if problems:
        for p in problems:
            print("problem: " + p)
        print("NOT VERIFIED: %d problem(s)" % len(problems))
        return 1
    print("verified: every hash, the audit chain, every recomputed line and every total match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
