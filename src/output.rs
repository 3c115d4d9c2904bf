//! What the commands print: the plain text table, the rows of facilities, periods, activity
//! records and audit entries, a calculation's report in the chosen format, and an import's
//! summary and located problems. Formatting only: every figure comes from the library.

use std::fmt::Write as _;
use std::path::Path;

use scopebook_core::calc::Inventory;
use scopebook_core::diagnostic::{Diagnostic, Location, Severity};
use scopebook_core::report::{self, Report, Rounding};
use scopebook_import::pipeline::{MappingSource, Outcome, Preview};
use scopebook_import::values::MappedBy;
use scopebook_store::{ActivityRecord, AuditEntry, Consolidation, Facility, RecordStatus, ReportingPeriod};

use crate::args::Format;

/// Pretty JSON with a final line end.
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).map(|s| s + "\n").unwrap_or_default()
}

/// A plain text table: a header row and aligned columns.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut o = String::new();
    let line = |cells: &mut dyn Iterator<Item = &str>, o: &mut String| {
        let mut parts = Vec::new();
        for (c, w) in cells.zip(&widths) {
            let pad = w.saturating_sub(c.chars().count());
            parts.push(format!("{c}{}", " ".repeat(pad)));
        }
        o.push_str(parts.join("  ").trim_end());
        o.push('\n');
    };
    line(&mut header.iter().copied(), &mut o);
    for r in rows {
        line(&mut r.iter().map(String::as_str), &mut o);
    }
    o
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".to_string())
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

// ---- calculations ----

/// A calculation's report as `calc --format` asks.
pub fn report_text(report: &Report<'_>, inventory: &Inventory, format: Format, decimals: u32, summary: bool) -> String {
    match format {
        Format::Json => report.to_json(),
        Format::Table => report.to_table(Rounding { decimals }),
        Format::Csv => report::to_csv(report, inventory, summary),
    }
}

// ---- the inventory file ----

pub fn consolidation_text(c: Consolidation) -> &'static str {
    match c {
        Consolidation::OperationalControl => "operational control",
        Consolidation::FinancialControl => "financial control",
        Consolidation::EquityShare => "equity share",
    }
}

pub fn facilities(fs: &[Facility]) -> String {
    // The sector column appears when any facility has one.
    let sectors = fs.iter().any(|f| f.sector.is_some());
    let rows: Vec<Vec<String>> = fs
        .iter()
        .map(|f| {
            let mut row = vec![
                f.code.clone(),
                f.kind.as_str().to_string(),
                f.name.clone(),
                or_dash(&f.parent),
                f.equity_share.clone(),
                yes_no(f.operational_control),
                yes_no(f.financial_control),
                f.region.clone(),
                or_dash(&f.grid_region),
                yes_no(f.ets_covered),
            ];
            if sectors {
                row.push(or_dash(&f.sector));
            }
            row
        })
        .collect();
    let mut headers =
        vec!["code", "kind", "name", "parent", "equity %", "op. control", "fin. control", "region", "grid", "ETS"];
    if sectors {
        headers.push("sector");
    }
    table(&headers, &rows)
}

/// A period's pinned editions, `DATASET=EDITION` separated by spaces, or `-`.
pub fn pins(p: &ReportingPeriod) -> String {
    let pins: Vec<String> = p.pins.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if pins.is_empty() {
        "-".to_string()
    } else {
        pins.join(" ")
    }
}

pub fn periods(ps: &[ReportingPeriod]) -> String {
    let rows: Vec<Vec<String>> = ps
        .iter()
        .map(|p| {
            vec![
                p.year.to_string(),
                p.start.clone(),
                p.end.clone(),
                p.status.as_str().to_string(),
                yes_no(p.base_year),
                p.gwp_set.to_string(),
                pins(p),
            ]
        })
        .collect();
    table(&["year", "start", "end", "status", "base year", "GWP", "pins"], &rows)
}

/// A record's own fuel parameters in one cell: `ncv 26.7 GJ/unit, C 0.0275 t/GJ, ox 0.98
/// (measured)`, or `-`.
fn parameters(a: &ActivityRecord) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &a.ncv_gj_per_unit {
        parts.push(format!("ncv {v} GJ/unit"));
    }
    if let Some(v) = &a.carbon_t_per_gj {
        parts.push(format!("C {v} t/GJ"));
    }
    if let Some(v) = &a.oxidation {
        parts.push(format!("ox {v}"));
    }
    match (&a.parameter_source, parts.is_empty()) {
        (_, true) => "-".to_string(),
        (Some(s), false) => format!("{} ({s})", parts.join(", ")),
        (None, false) => parts.join(", "),
    }
}

pub fn activities(records: &[ActivityRecord]) -> String {
    // The sector and parameter columns appear when any record has them.
    let own = records.iter().any(|a| {
        a.sector.is_some() || a.ncv_gj_per_unit.is_some() || a.carbon_t_per_gj.is_some() || a.oxidation.is_some()
    });
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|a| {
            let mut row = vec![
                a.id.to_string(),
                a.facility.clone(),
                a.start.clone(),
                a.end.clone(),
                a.activity.clone(),
                a.quantity.clone(),
                a.unit.clone(),
                or_dash(&a.factor),
                or_dash(&a.region),
                or_dash(&a.evidence),
                match (a.status, a.supersedes) {
                    (RecordStatus::Superseded, _) => "superseded".to_string(),
                    (_, Some(o)) => format!("restates {o}"),
                    _ => "current".to_string(),
                },
            ];
            if own {
                row.push(or_dash(&a.sector));
                row.push(parameters(a));
            }
            row
        })
        .collect();
    let mut headers = vec![
        "id", "facility", "start", "end", "activity", "quantity", "unit", "factor", "region", "evidence", "status",
    ];
    if own {
        headers.extend(["sector", "parameters"]);
    }
    table(&headers, &rows)
}

pub fn audit_entries(entries: &[AuditEntry]) -> String {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.at.clone(),
                e.user.clone(),
                e.action.clone(),
                format!("{} {}", e.table, e.record),
                or_dash(&e.reason),
            ]
        })
        .collect();
    table(&["seq", "at", "user", "action", "record", "reason"], &rows)
}

// ---- imports ----

/// Each problem as a located diagnostic (`FILE:ROW:COLUMN`, the column by the file's header).
pub fn problem_diagnostics(p: &Preview) -> Vec<Diagnostic> {
    p.problems
        .iter()
        .map(|pr| {
            let location = Location { file: p.file.clone(), row: Some(pr.row), column: pr.column.clone() };
            let message = match &pr.value {
                Some(v) if !pr.message.contains(v.as_str()) => format!("{} (the cell holds '{v}')", pr.message),
                _ => pr.message.clone(),
            };
            match pr.severity {
                Severity::Error => Diagnostic::error(pr.code, location, message),
                Severity::Warning => Diagnostic::warning(pr.code, location, message),
            }
        })
        .collect()
}

/// The preview as JSON, with the file the skipped rows went to.
pub fn import_json(p: &Preview, skipped: Option<&Path>) -> String {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let (Some(o), Some(path)) = (v.as_object_mut(), skipped) {
        o.insert("skipped_file".into(), serde_json::Value::String(path.display().to_string()));
    }
    json(&v)
}

/// The preview as text: the file, the mapping, the values mapped, the counts, the emissions
/// the import adds, and what happened.
pub fn import_summary(p: &Preview, skipped: Option<&Path>) -> String {
    let mut o = String::new();
    let what = match (p.format.as_str(), &p.sheet) {
        (_, Some(sheet)) => format!("{} (sheet '{sheet}', header row {})", p.file, p.header_row),
        _ => format!(
            "{} ({}, {}, header line {})",
            p.file,
            p.encoding.as_deref().unwrap_or("UTF-8"),
            match p.delimiter.as_deref() {
                Some("\t") => "tab-delimited".to_string(),
                Some(d) => format!("'{d}'-delimited"),
                None => "delimited".to_string(),
            },
            p.header_row
        ),
    };
    let _ = writeln!(o, "file:     {what}");
    let source = match &p.mapping_source {
        MappingSource::Template { name } => format!("template '{name}'"),
        MappingSource::SameHeaders { name } => format!("template '{name}' (same headers)"),
        MappingSource::Guess => "guessed from the headers".to_string(),
    };
    let cols: Vec<String> = p.mapping.iter().map(|(f, h)| format!("{}={h}", f.as_str())).collect();
    let _ = writeln!(o, "mapping:  {source}: {}", cols.join(", "));
    if !p.unmapped_columns.is_empty() {
        let _ = writeln!(o, "ignored:  {}", p.unmapped_columns.join(", "));
    }
    for m in &p.mapped_values {
        let by = match m.by {
            MappedBy::User => "remembered",
            MappedBy::BuiltIn => "built-in",
        };
        let _ = writeln!(o, "value:    {} '{}' → {} ({by}, {} rows)", m.kind.as_str(), m.value, m.to, m.rows);
    }
    let _ = writeln!(
        o,
        "rows:     {} read, {} valid, {} with problems, {} duplicates",
        p.rows_read,
        p.rows_valid,
        p.rows_with_problems,
        p.duplicates.len()
    );
    for e in &p.earlier_imports {
        let _ = writeln!(
            o,
            "note:     this file (same SHA-256) was imported before: import {} by {} at {} ({} records)",
            e.id, e.imported_by, e.imported_at, e.records
        );
    }
    let _ = writeln!(
        o,
        "adds:     Scope 1 {} t, Scope 2 location {} t, Scope 2 market {} t, Scope 3 {} t CO2e (biogenic CO2 {} t)",
        p.emissions.scope1,
        p.emissions.scope2_location,
        p.emissions.scope2_market,
        p.emissions.scope3,
        p.emissions.biogenic_co2
    );
    let outcome = match p.outcome {
        Outcome::Checked => "dry run: nothing was written".to_string(),
        Outcome::Imported => format!(
            "imported {} records as import {} (records {}..{})",
            p.records_imported,
            p.import_id.unwrap_or_default(),
            p.first_record.unwrap_or_default(),
            p.last_record.unwrap_or_default()
        ),
        Outcome::Refused => {
            "refused: nothing was written; fix the rows above, or import the valid rows only with --valid-rows-only"
                .to_string()
        }
        Outcome::Cancelled => "cancelled: nothing was written".to_string(),
    };
    let _ = writeln!(o, "result:   {outcome}");
    if let Some(s) = skipped {
        let _ = writeln!(o, "skipped:  {} rows written to {} with a reason column", p.rows_with_problems, s.display());
    }
    o
}
