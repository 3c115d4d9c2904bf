//! `scopebook verify`'s table.

use std::fmt::Write as _;

use crate::verify::Verification;

pub fn table(v: &Verification) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "package: {}", v.package);
    if !v.organisation.is_empty() {
        let period = v.period.map_or_else(String::new, |p| format!(", period {p}"));
        let _ = writeln!(o, "organisation: {}{period}", v.organisation);
    }
    if !v.root_hash.is_empty() {
        let _ = writeln!(o, "root hash: {}", v.root_hash);
        let _ = writeln!(o, "files: {} checked against manifest.json", v.files);
    }
    if v.audit_entries > 0 {
        let _ = writeln!(o, "audit log: {} entries, head {}", v.audit_entries, v.audit_head);
    }
    let _ = writeln!(
        o,
        "records: {}; lines: {}, of which {} recomputed to the same figures, {} withheld",
        v.records, v.lines, v.recomputed, v.withheld
    );
    if !v.line_checks.is_empty() {
        let _ = writeln!(
            o,
            "\n{:>8}  {:<12} {:<28} {:>22} {:>22}  status",
            "record", "facility", "activity", "package co2e_kg", "recomputed"
        );
        for l in &v.line_checks {
            let _ = writeln!(
                o,
                "{:>8}  {:<12} {:<28} {:>22} {:>22}  {}",
                l.record,
                l.facility,
                l.activity,
                l.stated_co2e_kg,
                l.recomputed_co2e_kg.as_deref().unwrap_or("-"),
                l.status
            );
        }
    }
    let shown: Vec<_> = v.totals.iter().filter(|t| t.total.starts_with("totals.") || t.status == "differs").collect();
    if !shown.is_empty() {
        let _ = writeln!(o, "\n{:<40} {:>24} {:>24}", "total (t)", "package", "recomputed");
        for t in shown {
            let _ = writeln!(o, "{:<40} {:>24} {:>24}  {}", t.total, t.stated, t.recomputed, t.status);
        }
        let others = v.totals.iter().filter(|t| !t.total.starts_with("totals.") && t.status == "ok").count();
        let _ = writeln!(o, "({others} breakdowns by category, gas and facility also match)");
        if let Some(m) = v.market.as_ref().filter(|m| m.recomputed) {
            let _ = writeln!(
                o,
                "(market-based Scope 2 recomputed from {}: {} instrument(s) allocated, capped at each facility's consumption, then the residual mix ({} facility(ies)), then the grid average; each instrument's applied MWh and each facility's basis compared with the report)",
                crate::layout::INSTRUMENTS,
                m.instruments,
                m.residual_mix_facilities
            );
        }
        if let Some(m) = v.market.as_ref().filter(|m| !m.recomputed) {
            let _ = writeln!(o, "(market-based Scope 2 is not recomputed: {})", m.note);
        } else if v.totals.iter().any(|t| t.status == "not recomputed") {
            let _ = writeln!(
                o,
                "(market-based Scope 2 is not recomputed: it allocates contractual instruments and residual mixes per facility, which the lines do not carry)"
            );
        }
    }
    if let Some(f) = &v.auditor_findings {
        let _ = writeln!(
            o,
            "\nauditor's findings: {} file(s), {} mark(s) ({} checked, {} queried), sample of {} + {} in full; {}",
            f.files,
            f.marks,
            f.checked,
            f.queried,
            f.sampled,
            f.in_full,
            if f.intact { "intact, about this package's root hash" } else { "NOT INTACT (listed on stderr)" }
        );
    }
    let errors = v.findings.iter().filter(|d| d.is_error()).count();
    if v.verified && v.withheld > 0 {
        let _ = writeln!(
            o,
            "\nverified, except {} withheld line(s) that were not recomputed: every hash, the audit chain, every other line and every total match",
            v.withheld
        );
    } else if v.verified {
        let _ = writeln!(o, "\nverified: every hash, the audit chain, every line and every total match");
    } else {
        let _ = writeln!(o, "\nNOT VERIFIED: {errors} problem(s), listed on stderr");
    }
    o
}
