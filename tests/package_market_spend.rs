//! The auditor's package recomputes what the lines alone do not give (decision 0047): a
//! spend-based Scope 3 line converted at its exchange rate and deflated with its price index to
//! its dataset's price year, in `scopebook verify` and in `verify.py` alike, and market-based
//! Scope 2 under contractual instruments and the residual mix, from the package's own copy of
//! the period's instruments. The golden cases 12 and 17 are typed into a store as
//! tests/instruments_store.rs types them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;
use scopebook_package::{archive, export, seal, verify, ExportOptions, Verification};
use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewOrganisation, NewPeriod, Scope3Cells, Store};

const ORG: &str = "Golden";

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

/// The case's records with every column its activity file gives, Scope 3 columns included.
fn records(case: &Path) -> Vec<ActivityInput> {
    let text = std::fs::read_to_string(case.join("activities.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let at = |k: &str| header.iter().position(|h| h == k).and_then(|i| r.get(i)).map(str::to_string);
            let opt = |k: &str| at(k).filter(|c| !c.is_empty());
            let mut scope3 = Scope3Cells::default();
            for c in scopebook_core::activity::SCOPE3_COLUMNS {
                *scope3.cell_mut(c).unwrap() = opt(c);
            }
            ActivityInput {
                facility: at("facility").unwrap(),
                start: at("period_start").unwrap(),
                end: at("period_end").unwrap(),
                activity: at("activity").unwrap(),
                quantity: at("quantity").unwrap(),
                unit: at("unit").unwrap(),
                factor: opt("factor"),
                region: opt("region"),
                scope3_category: opt("scope3_category"),
                evidence: opt("evidence"),
                note: opt("note"),
                scope3,
                ..ActivityInput::default()
            }
        })
        .collect()
}

/// The case typed into a store under the shipped library with the case's own `factors.csv`
/// beside it, its instruments and statuses imported, the period locked. Returns the package of
/// the period (the case's factor file in it) and the year.
fn package_of_case(name: &str, dir: &Path) -> (Vec<u8>, i32) {
    let case = golden(name);
    let mut lib = FactorLibrary::shipped().0;
    let own = std::fs::read(case.join("factors.csv")).ok();
    if let Some(bytes) = &own {
        // A user dataset folder (a bare factor file cannot name a folder of the package).
        let meta = format!(
            "id = \"golden-own\"\nedition = \"1\"\ntitle = \"The case's own factors\"\npublisher = \"test\"\nregion = \"GLOBAL\"\nlicence = \"test\"\nsource_url = \"https://example.org\"\nevidence = \"golden case\"\n[files]\nfactors = \"factors.csv\"\nsha256 = \"{}\"\n",
            scopebook_core::dataset::sha256_hex(bytes)
        );
        let found = lib.add_user_dataset("own", &meta, &|_: &str| Ok(bytes.clone()));
        assert!(found.is_empty(), "{found:?}");
    }
    let org = NewOrganisation { name: ORG.into(), consolidation: Consolidation::OperationalControl };
    let db = dir.join("org.db");
    let mut s = Store::create(&db, &org, "test").unwrap();
    let records = records(&case);
    let mut codes: Vec<(String, String)> = Vec::new();
    for r in &records {
        if !codes.iter().any(|(c, _)| *c == r.facility) {
            codes.push((r.facility.clone(), r.region.clone().unwrap_or_else(|| "CN".into())));
        }
    }
    for (code, region) in &codes {
        s.add_facility(&NewFacility::new(code, code, region)).unwrap();
    }
    let year: i32 = records[0].start[..4].parse().unwrap();
    s.add_period(&lib, &NewPeriod::year(year)).unwrap();
    s.add_activities(&lib, year, &records).unwrap();
    if case.join("instruments.csv").is_file() {
        s.import_instruments(year, "instruments.csv", &std::fs::read(case.join("instruments.csv")).unwrap()).unwrap();
    }
    if case.join("scope3-status.csv").is_file() {
        s.import_scope3_status(year, "scope3-status.csv", &std::fs::read(case.join("scope3-status.csv")).unwrap())
            .unwrap();
    }
    s.lock_period(&lib, year).unwrap();
    drop(s);
    let s = Store::open(&db, "auditor").unwrap();
    let read = |name: &str| if name == "own/factors.csv" { own.clone() } else { None };
    let opts = ExportOptions { user_file: Some(&read) };
    (export(&s, &lib, year, &opts).unwrap().bytes, year)
}

/// The package's files changed by `edit`, the manifest resealed as a forger would.
fn tampered(bytes: &[u8], year: i32, edit: impl FnOnce(&mut BTreeMap<String, Vec<u8>>)) -> Vec<u8> {
    let mut files = archive::read(bytes).unwrap();
    edit(&mut files);
    seal(&mut files, ORG, year);
    archive::write(&files).unwrap()
}

fn replace(files: &mut BTreeMap<String, Vec<u8>>, path: &str, from: &str, to: &str) {
    let text = String::from_utf8(files[path].clone()).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}:\n{text}");
    files.insert(path.into(), text.replacen(from, to, 1).into_bytes());
}

fn errors(v: &Verification) -> Vec<String> {
    v.findings.iter().filter(|d| d.is_error()).map(ToString::to_string).collect()
}

/// `python3 verify.py` in the unzipped package, or `None` (with a note) when python3 is missing.
fn python(bytes: &[u8], dir: &Path) -> Option<Output> {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, so verify.py was not run");
        return None;
    }
    let out = dir.join("unzipped");
    let _ = std::fs::remove_dir_all(&out);
    for (path, b) in archive::read(bytes).unwrap() {
        let p = out.join(&path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b).unwrap();
    }
    Some(Command::new("python3").arg(out.join("verify.py")).output().unwrap())
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn a_spend_line_with_a_price_index_verifies_in_both_and_a_changed_exchange_rate_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, year) = package_of_case("17-scope3-spend-flight-investment", dir.path());
    let files = archive::read(&pkg).unwrap();
    let meta = String::from_utf8(files["factors/epa-useeio-supply-chain/1.3.0/dataset.json"].clone()).unwrap();
    assert!(meta.contains("\"price_year\": 2022"), "the dataset's price year travels with it:\n{meta}");

    let v = verify("pkg.zip", &pkg);
    assert!(v.verified, "{:#?}", v.findings);
    // Both spend lines (CNY at 7.189 CNY/USD, and USD, each of 2024 deflated by 1.0719 to 2022
    // dollars), the flight and the investee's 25 % share.
    assert_eq!((v.lines, v.recomputed, v.withheld), (4, 4, 0), "{:#?}", v.line_checks);
    assert!(v.totals.iter().all(|t| t.status == "ok"), "{:#?}", v.totals);
    if let Some(o) = python(&pkg, dir.path()) {
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("lines: 4 recomputed to the same figures"), "{}", text(&o));
    }

    // The CNY line's exchange rate changed (the records' own copies left as they were): the
    // recomputed line differs from the stated one, in both.
    let bad = tampered(&pkg, year, |f| replace(f, "data/activities.csv", ",7.189,", ",7.2,"));
    let v = verify("pkg.zip", &bad);
    assert!(!v.verified);
    assert!(
        v.findings.iter().any(|d| d.code == Code::FigureMismatch
            && d.to_string().contains("spend.naics.334111")
            && d.to_string().contains("recomputed")),
        "{:#?}",
        errors(&v)
    );
    if let Some(o) = python(&bad, dir.path()) {
        assert!(!o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("spend.naics.334111: co2e_kg"), "{}", text(&o));
    }
}

#[test]
fn market_based_scope2_under_gec_certificates_is_recomputed_and_a_changed_instrument_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, year) = package_of_case("12-scope2-certificates", dir.path());
    let files = archive::read(&pkg).unwrap();
    // The instruments file the calculation read, by the SHA-256 the report records for it.
    let report: serde_json::Value = serde_json::from_slice(&files["results/report.json"]).unwrap();
    let listed = report["inputs"]["factor_files"].as_array().unwrap();
    let instruments = listed.iter().find(|f| f["file"] == format!("instruments {year}")).unwrap();
    assert_eq!(
        instruments["sha256"].as_str().unwrap(),
        scopebook_core::dataset::sha256_hex(&files["inputs/instruments.csv"])
    );
    let manifest = String::from_utf8(files["manifest.json"].clone()).unwrap();
    for f in ["inputs/instruments.csv", "inputs/residual-mix.csv"] {
        assert!(manifest.contains(&format!("\"{f}\"")), "{f} is not in the manifest");
    }
    let residual = String::from_utf8(files["inputs/residual-mix.csv"].clone()).unwrap();
    assert!(residual.contains("SZ-PLANT,CN,2023-01-01,2023-12-31,"), "{residual}");

    let v = verify("pkg.zip", &pkg);
    assert!(v.verified, "{:#?}", v.findings);
    let m = v.market.clone().unwrap();
    assert!(m.recomputed && m.instruments == 1 && m.residual_mix_facilities == 1, "{m:?}");
    let market = v.totals.iter().find(|t| t.total == "totals.scope2_market").unwrap();
    assert_eq!((market.stated.as_str(), market.recomputed.as_str(), market.status), ("4267.2", "4267.2", "ok"));
    assert!(v.totals.iter().all(|t| t.status == "ok"), "{:#?}", v.totals);
    assert!(v.to_table().contains("market-based Scope 2 recomputed from inputs/instruments.csv"), "{}", v.to_table());
    if let Some(o) = python(&pkg, dir.path()) {
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("(market-based Scope 2 recomputed:"), "{}", text(&o));
    }

    // The certificate's MWh changed from 3000 to 2000 and the manifest resealed: the file is
    // not the one the calculation read, and its allocation is not the report's.
    let bad = tampered(&pkg, year, |f| replace(f, "inputs/instruments.csv", ",3000,0,", ",2000,0,"));
    let v = verify("pkg.zip", &bad);
    assert!(!v.verified);
    let found = errors(&v);
    assert!(
        found.iter().any(|e| e.contains("inputs/instruments.csv") && e.contains("inputs.factor_files")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|e| e.contains("instrument gec GEC-2023-000001..GEC-2023-003000 of facility SZ-PLANT")
            && e.contains("applied_mwh is 3000 in the package, recomputed 2000")),
        "{found:#?}"
    );
    assert!(found.iter().any(|e| e.contains("total totals.scope2_market is 4267.2")), "{found:#?}");
    if let Some(o) = python(&bad, dir.path()) {
        assert!(!o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("inputs/instruments.csv: its SHA-256"), "{}", text(&o));
        assert!(
            text(&o).contains("instrument gec GEC-2023-000001..GEC-2023-003000 of facility SZ-PLANT: applied_mwh 3000 in the package, recomputed 2000"),
            "{}",
            text(&o)
        );
        assert!(text(&o).contains("total scope2_market is 4267.2"), "{}", text(&o));
    }
}

#[test]
fn market_based_scope2_at_the_residual_mix_alone_is_recomputed_in_both() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, _) = package_of_case("13-scope2-residual-mix", dir.path());
    let v = verify("pkg.zip", &pkg);
    assert!(v.verified, "{:#?}", v.findings);
    let m = v.market.clone().unwrap();
    assert!(m.recomputed && m.instruments == 0 && m.residual_mix_facilities == 1, "{m:?}");
    let market = v.totals.iter().find(|t| t.total == "totals.scope2_market").unwrap();
    assert_eq!((market.stated.as_str(), market.recomputed.as_str(), market.status), ("6096", "6096", "ok"));
    if let Some(o) = python(&pkg, dir.path()) {
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("(market-based Scope 2 recomputed:"), "{}", text(&o));
    }
}

#[test]
fn heat_at_a_suppliers_rate_is_recomputed_by_verify_and_named_by_verify_py() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, year) = package_of_case("23-scope2-heat-supplier-rate", dir.path());
    let files = archive::read(&pkg).unwrap();
    let instruments = String::from_utf8(files["inputs/instruments.csv"].clone()).unwrap();
    assert!(instruments.contains(",energy,gj\n") && instruments.contains(",heat,3600\n"), "{instruments}");
    let v = verify("pkg.zip", &pkg);
    assert!(v.verified, "{:#?}", v.findings);
    let m = v.market.clone().unwrap();
    assert!(m.recomputed && m.instruments == 2 && m.residual_mix_facilities == 0, "{m:?}");
    let market = v.totals.iter().find(|t| t.total == "totals.scope2_market").unwrap();
    assert_eq!((market.stated.as_str(), market.recomputed.as_str(), market.status), ("323.825", "323.825", "ok"));
    if let Some(o) = python(&pkg, dir.path()) {
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("heat, steam or cooling at a supplier's rate"), "{}", text(&o));
    }

    // LDN's heat rate halved and the manifest resealed: the allocation is the same, the total is not.
    let bad = tampered(&pkg, year, |f| {
        replace(f, "inputs/instruments.csv", "LDN,supplier-rate,1500,120,", "LDN,supplier-rate,1500,60,")
    });
    let v = verify("pkg.zip", &bad);
    assert!(!v.verified);
    let found = errors(&v);
    assert!(found.iter().any(|e| e.contains("total totals.scope2_market is 323.825")), "{found:#?}");
}
