//! Writing a package: one period of an inventory file, read in one view of the file.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use scopebook_core::boundary::{Boundary, Holding};
use scopebook_core::dataset::{self, sha256_hex};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::{DatasetInfo, FactorLibrary};
use scopebook_core::unit::{MoneyScale, Unit};
use scopebook_store::{audit, ActivityRecord, Store, StoreError};
use serde_json::{json, Value};

use crate::layout::{self, dataset_dir};
use crate::{archive, export_inputs, manifest, readme};

/// Reads a user dataset's factor file by the name the library loaded it under.
pub type ReadUserFile<'a> = &'a dyn Fn(&str) -> Option<Vec<u8>>;

/// What the exporter needs besides the store and the library.
#[derive(Default)]
pub struct ExportOptions<'a> {
    /// The bytes of a user dataset's factor file, by the name the library loaded it under
    /// (shipped files are compiled in). A user dataset whose file is not given goes in as its
    /// reference and SHA-256 only, as a withheld one does.
    pub user_file: Option<ReadUserFile<'a>>,
}

/// A written package.
#[derive(Clone, Debug)]
pub struct Exported {
    pub bytes: Vec<u8>,
    pub root_hash: String,
    /// Files in the package, the manifest and `SHA256SUMS` included.
    pub files: usize,
    pub records: usize,
    pub lines: usize,
    /// Lines whose factor file is not in the package (its licence forbids it, or it was not
    /// available), with the datasets concerned.
    pub withheld_lines: usize,
    pub withheld_datasets: Vec<String>,
}

fn failure(message: impl Into<String>) -> StoreError {
    StoreError { diagnostics: vec![Diagnostic::error(Code::DatabaseError, Location::file("package"), message)] }
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}

pub(crate) fn csv_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>, StoreError> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(header).map_err(|e| failure(e.to_string()))?;
    for r in rows {
        w.write_record(&r).map_err(|e| failure(e.to_string()))?;
    }
    w.into_inner().map_err(|e| failure(e.to_string()))
}

fn canonical(store: &Store, table: &str, id: i64) -> Result<String, StoreError> {
    audit::read_row(store.connection(), table, id)
        .map_err(|e| failure(format!("cannot read {table} {id}: {e}")))?
        .ok_or_else(|| failure(format!("{table} {id} is missing")))
}

/// The size of one `unit` in its dimension's base unit (exact).
pub(crate) fn to_base(unit: Unit) -> Decimal {
    match unit {
        Unit::Physical(u) => u.to_base(),
        Unit::Money(c, _) => {
            unit.convert(Decimal::ONE, Unit::Money(c, MoneyScale::One)).map_or(Decimal::ZERO, |c| c.value)
        }
    }
}

/// Write the package of `year`. The reads share one read transaction, so the package is one
/// state of the file whatever another program writes meanwhile.
pub fn export(store: &Store, lib: &FactorLibrary, year: i32, opts: &ExportOptions<'_>) -> Result<Exported, StoreError> {
    let conn = store.connection();
    let began = conn.is_autocommit();
    if began {
        conn.execute_batch("BEGIN DEFERRED").map_err(|e| failure(e.to_string()))?;
    }
    let result = gather(store, lib, year, opts);
    if began {
        let _ = conn.execute_batch("ROLLBACK");
    }
    let (mut files, summary) = result?;
    let org = store.organisation()?.name;
    let root_hash = manifest::seal(&mut files, &org, year);
    let bytes = archive::write(&files).map_err(failure)?;
    Ok(Exported { bytes, root_hash, files: files.len(), ..summary })
}

fn gather(
    store: &Store,
    lib: &FactorLibrary,
    year: i32,
    opts: &ExportOptions<'_>,
) -> Result<(BTreeMap<String, Vec<u8>>, Exported), StoreError> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let org = store.organisation()?;
    let period = store.period(year)?;
    let calc = store.calculate(lib, year, true)?;
    let report_json = calc.run.report(true).to_json();
    let report: Value = serde_json::from_str(&report_json).map_err(|e| failure(e.to_string()))?;
    let (activities, ids) = store.export(year)?;
    let records: BTreeMap<i64, ActivityRecord> =
        store.activities(year, false)?.into_iter().map(|r| (r.id, r)).collect();

    // The organisation, the period and the boundary, each with its stored canonical record.
    files.insert(
        layout::ORGANISATION.into(),
        pretty(&json!({
            "name": org.name,
            "consolidation": org.consolidation.as_str(),
            "created_at": org.created_at,
            "stored": canonical(store, "organisation", 1)?,
        })),
    );
    files.insert(
        layout::PERIOD.into(),
        pretty(&json!({
            "year": period.year,
            "start": period.start,
            "end": period.end,
            "status": period.status.as_str(),
            "base_year": period.base_year,
            "gwp_set": period.gwp_set.to_string(),
            "pins": period.pins,
            "stored": canonical(store, "period", period.id)?,
        })),
    );
    let facilities = store.facilities()?;
    // The boundary every calculation of the file applies: the organisation's approach over the
    // facility tree (as the store hands it to the core).
    let mut tree = Vec::with_capacity(facilities.len());
    for f in &facilities {
        let equity_share = scopebook_core::number::parse_decimal(&f.equity_share).map_err(|_| {
            failure(format!("facility {} has a stored equity share '{}' that is not a number", f.code, f.equity_share))
        })?;
        tree.push(Holding {
            code: f.code.clone(),
            parent: f.parent.clone(),
            equity_share,
            operational_control: f.operational_control,
            financial_control: f.financial_control,
        });
    }
    let boundary = Boundary::from_holdings(org.consolidation, &tree)
        .map_err(|e| failure(format!("the organisation's facility tree gives no boundary: {e}")))?;
    let mut holdings = Vec::new();
    let mut boundary_rows = Vec::new();
    for f in &facilities {
        let share = boundary.share(&f.code);
        holdings.push(json!({
            "id": f.id,
            "code": f.code,
            "name": f.name,
            "kind": f.kind.as_str(),
            "parent": f.parent,
            "equity_share": f.equity_share,
            "operational_control": f.operational_control,
            "financial_control": f.financial_control,
            "region": f.region,
            "share_applied": share.to_string(),
            "stored": canonical(store, "facility", f.id)?,
        }));
        boundary_rows.push(vec![
            f.code.clone(),
            f.name.clone(),
            f.kind.as_str().to_string(),
            f.parent.clone().unwrap_or_default(),
            f.equity_share.clone(),
            f.operational_control.to_string(),
            f.financial_control.to_string(),
            f.region.clone(),
            share.to_string(),
        ]);
    }
    files.insert(
        layout::BOUNDARY.into(),
        pretty(&json!({ "consolidation": org.consolidation.as_str(), "holdings": holdings })),
    );
    files.insert(
        layout::BOUNDARY_CSV.into(),
        csv_bytes(
            &[
                "code",
                "name",
                "kind",
                "parent",
                "equity_share",
                "operational_control",
                "financial_control",
                "region",
                "share_applied",
            ],
            boundary_rows,
        )?,
    );

    // The records: the activity file that was calculated, and each record's stored value.
    let mut record_entries = Vec::with_capacity(ids.len());
    let mut record_rows = Vec::with_capacity(ids.len());
    let mut evidence: BTreeMap<(String, String, String), Vec<i64>> = BTreeMap::new();
    let mut unit_texts: BTreeSet<String> = BTreeSet::new();
    for id in &ids {
        let stored = canonical(store, "activity", *id)?;
        let sha = sha256_hex(stored.as_bytes());
        let r = records.get(id).ok_or_else(|| failure(format!("record {id} is missing")))?;
        unit_texts.insert(r.unit.trim().to_string());
        let (file, file_sha) =
            r.evidence_file.as_ref().map_or((String::new(), String::new()), |f| (f.name.clone(), f.sha256.clone()));
        if r.evidence.is_some() || !file.is_empty() {
            evidence
                .entry((r.evidence.clone().unwrap_or_default(), file.clone(), file_sha.clone()))
                .or_default()
                .push(*id);
        }
        record_rows.push(vec![
            id.to_string(),
            r.facility.clone(),
            r.activity.clone(),
            r.quantity.clone(),
            r.unit.clone(),
            r.start.clone(),
            r.end.clone(),
            r.evidence.clone().unwrap_or_default(),
            file,
            file_sha,
            r.data_quality.clone().unwrap_or_default(),
            r.entered_by.clone(),
            r.created_at.clone(),
            sha.clone(),
        ]);
        record_entries.push(json!({ "id": id, "sha256": sha, "stored": stored }));
    }
    files.insert(layout::ACTIVITIES.into(), activities);
    files.insert(layout::RECORDS.into(), pretty(&Value::Array(record_entries)));
    files.insert(
        layout::RECORDS_CSV.into(),
        csv_bytes(
            &[
                "id",
                "facility",
                "activity",
                "quantity",
                "unit",
                "start",
                "end",
                "evidence",
                "evidence_file",
                "evidence_file_sha256",
                "data_quality",
                "entered_by",
                "created_at",
                "sha256",
            ],
            record_rows,
        )?,
    );
    let evidence_rows = evidence.into_iter().map(|((reference, file, sha), ids)| {
        let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
        vec![reference, file, sha, ids.len().to_string(), ids.join(" ")]
    });
    files.insert(
        layout::EVIDENCE_INDEX.into(),
        csv_bytes(&["evidence", "file", "file_sha256", "record_count", "records"], evidence_rows)?,
    );

    // The results, with the factors and GWP values the lines used.
    let no_lines = Vec::new();
    let lines = report.get("lines").and_then(Value::as_array).unwrap_or(&no_lines);
    let mut used: BTreeMap<String, (String, String, String, String, u64)> = BTreeMap::new();
    let mut gwp_used: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut line_rows = Vec::with_capacity(lines.len());
    let s =
        |v: &Value, p: &str| v.pointer(p).map_or(String::new(), |x| x.as_str().map_or(x.to_string(), str::to_string));
    for l in lines {
        let id = s(l, "/factor/id");
        let e = used.entry(id.clone()).or_insert_with(|| {
            (
                s(l, "/factor/dataset"),
                s(l, "/factor/edition"),
                s(l, "/factor/dataset_sha256"),
                s(l, "/factor/source"),
                0,
            )
        });
        e.4 += 1;
        for step in l.get("steps").and_then(Value::as_array).into_iter().flatten() {
            if step.get("step").and_then(Value::as_str) == Some("gwp") {
                gwp_used.insert((s(l, "/gwp_set"), s(step, "/gas"), s(step, "/gwp")));
            }
        }
        line_rows.push(vec![
            s(l, "/activity/row"),
            s(l, "/activity/facility"),
            s(l, "/activity/activity"),
            s(l, "/activity/quantity"),
            s(l, "/activity/unit"),
            id,
            s(l, "/factor/dataset"),
            s(l, "/factor/edition"),
            s(l, "/classification/scope"),
            s(l, "/classification/category"),
            s(l, "/emission/co2e_kg"),
            s(l, "/emission/biogenic_co2_kg"),
            s(l, "/share_applied"),
        ]);
    }
    files.insert(
        layout::LINES_CSV.into(),
        csv_bytes(
            &[
                "record",
                "facility",
                "activity",
                "quantity",
                "unit",
                "factor",
                "dataset",
                "edition",
                "scope",
                "category",
                "co2e_kg",
                "biogenic_co2_kg",
                "share_applied",
            ],
            line_rows,
        )?,
    );
    let totals = report.get("totals").and_then(Value::as_object).cloned().unwrap_or_default();
    files.insert(
        layout::TOTALS_CSV.into(),
        csv_bytes(
            &["total", "t"],
            totals.iter().map(|(k, v)| vec![k.clone(), v.as_str().unwrap_or_default().to_string()]),
        )?,
    );
    files.insert(layout::REPORT.into(), report_json.into_bytes());

    // Dataset editions: metadata always; the factor file unless its licence forbids it.
    let mut editions: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (id, (ds, ed, _, _, _)) in &used {
        editions.entry((ds.clone(), ed.clone())).or_default().push(id.clone());
    }
    // The instruments, statuses and residual mixes of market-based Scope 2 (decision 0047).
    // The period's library: its pinned editions and its own factor files (decision 0053).
    let period_lib = store.period_library(lib, year)?;
    let uses = calc.run.inventory.energy_uses();
    for (key, ids) in export_inputs::add(store, &period_lib, year, period.gwp_set, &report, uses, &mut files)? {
        editions.entry(key).or_default().extend(ids);
    }
    let mut withheld: BTreeSet<(String, String)> = BTreeSet::new();
    let mut licences: BTreeMap<(String, String), String> = BTreeMap::new();
    // A user factor file: the caller's, else the period's own (a dataset folder is stored under
    // its folder's name, its factor file loaded as "FOLDER/FILE").
    let stored = |name: &str| store.factor_file_bytes(year, name).ok().flatten();
    let read_user = |name: &str| {
        opts.user_file
            .and_then(|read| read(name))
            .or_else(|| stored(name))
            .or_else(|| name.rsplit_once('/').and_then(|(folder, _)| stored(folder)))
    };
    let opts = &ExportOptions { user_file: Some(&read_user) };
    let mut folders = BTreeMap::new();
    for ((ds, ed), factor_ids) in &editions {
        let info = period_lib
            .datasets()
            .iter()
            .find(|d| &d.reference.id == ds && &d.reference.edition == ed)
            .ok_or_else(|| failure(format!("dataset {ds} edition {ed} is not loaded")))?;
        let dir = folder(ds, ed, &mut folders)?;
        let (meta_json, bytes, licence) = dataset_files(info, opts)?;
        licences.insert((ds.clone(), ed.clone()), licence);
        files.insert(format!("{dir}/{}", layout::DATASET_META), pretty(&meta_json));
        match bytes {
            Some(b) => {
                collect_units(&b, factor_ids, &mut unit_texts);
                files.insert(format!("{dir}/{}", layout::DATASET_FACTORS), b);
            }
            None => {
                withheld.insert((ds.clone(), ed.clone()));
            }
        }
    }
    let mut withheld_lines = 0;
    let used_rows: Vec<Vec<String>> = used
        .iter()
        .map(|(id, (ds, ed, sha, source, n))| {
            let held = withheld.contains(&(ds.clone(), ed.clone()));
            if held {
                withheld_lines += usize::try_from(*n).unwrap_or(usize::MAX);
            }
            vec![
                id.clone(),
                ds.clone(),
                ed.clone(),
                sha.clone(),
                source.clone(),
                licences.get(&(ds.clone(), ed.clone())).cloned().unwrap_or_default(),
                if held { "withheld" } else { "included" }.to_string(),
                n.to_string(),
            ]
        })
        .collect();
    files.insert(
        layout::FACTORS_USED.into(),
        csv_bytes(
            &["factor", "dataset", "edition", "dataset_sha256", "source", "licence", "file", "lines"],
            used_rows,
        )?,
    );

    // The GWP tables as shipped, and the values the lines used.
    for (path, name) in [
        (layout::GWP_META, "gwp/dataset.toml"),
        (layout::GWP_TABLE, "gwp/gwp100.csv"),
        (layout::GWP_BLENDS, "gwp/blends.csv"),
    ] {
        let bytes = dataset::shipped_files()
            .iter()
            .find(|(p, _)| *p == name)
            .map(|(_, b)| b.to_vec())
            .ok_or_else(|| failure(format!("the GWP file {name} is missing from this build")))?;
        files.insert(path.into(), bytes);
    }
    files.insert(
        layout::GWP_USED.into(),
        csv_bytes(&["gwp_set", "gas", "gwp"], gwp_used.into_iter().map(|(a, b, c)| vec![a, b, c]))?,
    );

    // Units: every spelling used, its canonical symbol, dimension and size in base units.
    unit_texts.insert("GJ".into());
    // verify.py brings electricity to MWh for market-based Scope 2 (decision 0047).
    unit_texts.insert("MWh".into());
    let unit_rows: Vec<Vec<String>> = unit_texts
        .iter()
        .filter_map(|t| Unit::parse(t).ok().map(|u| (t, u)))
        .map(|(t, u)| vec![t.clone(), u.to_string(), u.dimension().to_string(), to_base(u).normalize().to_string()])
        .collect();
    files.insert(layout::UNITS.into(), csv_bytes(&["text", "unit", "dimension", "to_base"], unit_rows)?);

    // The audit log, whole and as stored; the snapshot when the period is locked.
    let mut log = String::new();
    for e in store.audit_log()? {
        log.push_str(&serde_json::to_string(&e).map_err(|e| failure(e.to_string()))?);
        log.push('\n');
    }
    files.insert(layout::AUDIT_LOG.into(), log.into_bytes());
    let mut sources = Vec::new();
    for imp in store.imports()?.into_iter().filter(|i| i.period == year) {
        for (activity, row) in store.import_sources(imp.id)? {
            sources.push(vec![imp.id.to_string(), activity.to_string(), row.to_string()]);
        }
    }
    files.insert(layout::AUDIT_IMPORTS.into(), csv_bytes(&["import", "activity", "source_row"], sources)?);
    if let Some(snap) = store.snapshot(year)? {
        files.insert(
            layout::SNAPSHOT.into(),
            pretty(&json!({
                "id": snap.id,
                "taken_at": snap.taken_at,
                "engine_version": snap.engine_version,
                "input_sha256": snap.input_sha256,
                "result_sha256": snap.result_sha256,
                "stored": canonical(store, "snapshot", snap.id)?,
            })),
        );
        files.insert(layout::SNAPSHOT_REPORT.into(), snap.result_json.into_bytes());
    }

    files.insert(layout::README.into(), readme::text(&org.name, year).into_bytes());
    files.insert(layout::VERIFY_PY.into(), crate::VERIFY_PY.as_bytes().to_vec());
    let summary = Exported {
        bytes: Vec::new(),
        root_hash: String::new(),
        files: 0,
        records: ids.len(),
        lines: lines.len(),
        withheld_lines,
        withheld_datasets: withheld.iter().map(|(d, e)| format!("{d} {e}")).collect(),
    };
    Ok((files, summary))
}

fn folder(ds: &str, ed: &str, taken: &mut BTreeMap<String, (String, String)>) -> Result<String, StoreError> {
    let dir = dataset_dir(ds, ed);
    match taken.insert(dir.clone(), (ds.to_string(), ed.to_string())) {
        Some((other, other_ed)) if (other.as_str(), other_ed.as_str()) != (ds, ed) => Err(failure(format!(
            "datasets '{other}' edition '{other_ed}' and '{ds}' edition '{ed}' would share the package folder {dir}; rename one"
        ))),
        _ => Ok(dir),
    }
}

/// A dataset edition's metadata (as JSON), its factor file unless withheld, and its licence.
fn dataset_files(info: &DatasetInfo, opts: &ExportOptions<'_>) -> Result<(Value, Option<Vec<u8>>, String), StoreError> {
    let r = &info.reference;
    let (mut meta, licence, redistributable, name) = match &info.meta {
        Some(m) => (
            serde_json::to_value(m).map_err(|e| failure(e.to_string()))?,
            m.licence.clone(),
            m.redistributable != Some(false),
            m.files.get("factors").cloned().unwrap_or_default(),
        ),
        // A user's factor file without metadata: its file and SHA-256 as a dataset folder's
        // metadata gives them, which `verify` checks the file against.
        None => (
            json!({ "id": r.id, "edition": r.edition, "files": { "factors": info.file, "sha256": r.sha256 } }),
            String::new(),
            true,
            String::new(),
        ),
    };
    let bytes = if !redistributable {
        None
    } else if r.shipped {
        let path = format!("{}/{}/{name}", r.id, r.edition);
        dataset::shipped_files().iter().find(|(p, _)| *p == path).map(|(_, b)| b.to_vec())
    } else {
        opts.user_file.and_then(|read| read(&info.file))
    };
    if let Some(b) = &bytes {
        if sha256_hex(b) != r.sha256 {
            return Err(failure(format!(
                "the factor file of dataset {} edition {} no longer matches the SHA-256 it was loaded with",
                r.id, r.edition
            )));
        }
    }
    if let Some(o) = meta.as_object_mut() {
        o.insert("sha256".into(), Value::String(r.sha256.clone()));
        o.insert("shipped".into(), Value::Bool(r.shipped));
        let why = match (&bytes, redistributable) {
            (Some(_), _) => None,
            (None, false) => {
                Some("its licence does not allow redistribution: the package carries its reference and SHA-256 only")
            }
            (None, true) => Some(
                "its factor file was not available to the exporter: the package carries its reference and SHA-256 only",
            ),
        };
        o.insert("withheld".into(), why.map_or(Value::Null, |w| Value::String(w.into())));
    }
    Ok((meta, bytes, licence))
}

/// Add the `unit` cells of the rows of `factor_ids` in a factor file to `units`.
fn collect_units(bytes: &[u8], factor_ids: &[String], units: &mut BTreeSet<String>) {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let Ok(headers) = r.headers().cloned() else { return };
    let col = |n: &str| headers.iter().position(|h| h.trim() == n);
    let (Some(id), Some(unit)) = (col("id"), col("unit")) else { return };
    let wanted: BTreeSet<&str> = factor_ids.iter().map(String::as_str).collect();
    for row in r.records().flatten() {
        if row.get(id).is_some_and(|i| wanted.contains(i.trim())) {
            if let Some(u) = row.get(unit) {
                units.insert(u.trim().to_string());
            }
        }
    }
}
