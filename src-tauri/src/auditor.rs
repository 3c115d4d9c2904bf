//! The auditor's view (issue 13, decision 0042): an auditor's package opened read-only, its
//! lines listed a page at a time, a line followed to its record, evidence and factor, the
//! reproducible sample, the findings. Each command parses its input and calls
//! `scopebook_package` (`AuditView`, `sample`, `findings`); the one open package is kept in
//! [`AuditorState`] as the library's indexed view, never sent whole over IPC.
//!
//! Nothing here writes the package: the findings are saved in the sidecar
//! `PKG.zip.findings.json` after every change (written to a temporary file, then renamed), and
//! exports go to files the auditor names (never the opened package).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use scopebook_core::diagnostic::Diagnostic;
use scopebook_core::library;
use scopebook_package::archive::{human, MAX_PACKAGE_BYTES};
use scopebook_package::audit_view::{AuditView, FactorUsed, LineFilter, LineSummary};
use scopebook_package::findings::{self, Findings, Mark, MarkStatus};
use scopebook_package::sample::{self, Drawn, Sample, SampleSettings};
use scopebook_store::StoreError;

use crate::api::*;
use crate::commands::{field_errors, io_error};
use crate::compliance::count;
use crate::import::blocking;

type Result<T> = std::result::Result<T, AppError>;

/// The most lines one page holds.
pub const LINE_PAGE_MAX: u32 = 500;

/// The open package, its path and the findings being made.
pub struct AuditorSession {
    path: PathBuf,
    view: AuditView,
    findings: Findings,
}

/// The shell's state of the auditor's view: at most one package open.
#[derive(Default)]
pub struct AuditorState(Mutex<Option<AuditorSession>>);

fn refused(d: Diagnostic) -> AppError {
    AppError::from(StoreError { diagnostics: vec![d] })
}

fn conflict(message: &str) -> AppError {
    AppError { code: ErrorCode::Conflict, message: message.to_string(), details: vec![] }
}

fn internal(message: String) -> AppError {
    AppError { code: ErrorCode::Internal, message, details: vec![] }
}

/// `PKG.zip` → `PKG.zip.findings.json`.
pub fn sidecar_of(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(".findings.json");
    PathBuf::from(s)
}

/// Write `bytes` to `path` through a temporary file beside it, so a reader never sees half.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error(&format!("cannot write {}", path.display()), &e));
    }
    Ok(())
}

fn wire(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn line_view(l: &LineSummary) -> AuditorLine {
    AuditorLine {
        record: wire(l.record),
        facility: l.facility.clone(),
        scope: l.scope.clone(),
        category: l.category.clone(),
        activity: l.activity.clone(),
        quantity: l.quantity.clone(),
        unit: l.unit.clone(),
        factor: l.factor.clone(),
        evidence: l.evidence.clone(),
        co2e_kg: l.co2e_kg.clone(),
    }
}

fn fields(pairs: &[(String, String)]) -> Vec<AuditorField> {
    pairs.iter().map(|(n, v)| AuditorField { name: n.clone(), value: v.clone() }).collect()
}

fn factor_view(f: &FactorUsed) -> AuditorFactor {
    AuditorFactor {
        id: f.id.clone(),
        dataset: f.dataset.clone(),
        edition: f.edition.clone(),
        dataset_sha256: f.dataset_sha256.clone(),
        source: f.source.clone(),
        licence: f.licence.clone(),
        file: f.file.clone(),
    }
}

fn drawn_view(d: &Drawn) -> AuditorDrawn {
    AuditorDrawn { record: wire(d.record), co2e_kg: d.co2e_kg.clone(), rank_key: d.rank_key.clone() }
}

fn sample_view(s: &Sample) -> AuditorSample {
    AuditorSample {
        phrase: s.phrase.clone(),
        seed: s.seed.clone(),
        materiality_percent: s.materiality_percent.clone(),
        total_co2e_kg: s.total_co2e_kg.clone(),
        threshold_co2e_kg: s.threshold_co2e_kg.clone(),
        size: count(s.size),
        lines: count(s.lines),
        in_full: s.in_full.iter().map(drawn_view).collect(),
        sampled: s.sampled.iter().map(drawn_view).collect(),
        rule: s.rule.clone(),
    }
}

fn mark_view(m: &Mark) -> AuditorMark {
    AuditorMark {
        record: wire(m.record),
        status: match m.status {
            MarkStatus::Checked => AuditorMarkStatus::Checked,
            MarkStatus::Queried => AuditorMarkStatus::Queried,
        },
        comment: m.comment.clone(),
        auditor: m.auditor.clone(),
        at: m.at.clone(),
    }
}

fn findings_view(f: &Findings) -> AuditorFindings {
    AuditorFindings { sample: f.sample.as_ref().map(sample_view), marks: f.marks.iter().map(mark_view).collect() }
}

fn package_view(s: &AuditorSession) -> AuditorPackage {
    let v = &s.view;
    AuditorPackage {
        path: s.path.display().to_string(),
        root_hash: v.root_hash.clone(),
        organisation: v.organisation.clone(),
        period: v.period.and_then(|p| i32::try_from(p).ok()),
        verified: v.verification.verified,
        problems: field_errors(&v.verification.findings),
        records: count(v.verification.records),
        lines: count(v.line_count()),
        recomputed: count(v.verification.recomputed),
        withheld: count(v.verification.withheld),
        facilities: v.facilities().to_vec(),
        sidecar: sidecar_of(&s.path).display().to_string(),
        package_findings: v.verification.auditor_findings.as_ref().map(|f| AuditorPackageFindings {
            files: count(f.files),
            marks: count(f.marks),
            checked: count(f.checked),
            queried: count(f.queried),
            sampled: count(f.sampled),
            in_full: count(f.in_full),
            intact: f.intact,
        }),
        findings: findings_view(&s.findings),
    }
}

/// Open the package at `path`: read it (within the package limit), verify and index it, and
/// load its sidecar findings when there are some.
pub fn open_session(path: &str) -> Result<AuditorSession> {
    let path = PathBuf::from(path.trim());
    let shown = path.display().to_string();
    let meta = std::fs::metadata(&path).map_err(|e| io_error(&format!("cannot read {shown}"), &e))?;
    if meta.len() > MAX_PACKAGE_BYTES {
        return Err(refused(Diagnostic::error(
            scopebook_core::diagnostic::Code::FileTooLarge,
            scopebook_core::diagnostic::Location::file(&shown),
            format!("the file is {}, over the limit of {} for a package", human(meta.len()), human(MAX_PACKAGE_BYTES)),
        )));
    }
    let bytes = std::fs::read(&path).map_err(|e| io_error(&format!("cannot read {shown}"), &e))?;
    let view = AuditView::open(&shown, &bytes).map_err(refused)?;
    let sidecar = sidecar_of(&path);
    let findings = match std::fs::read(&sidecar) {
        Ok(b) => Findings::from_json(&sidecar.display().to_string(), &b, &view.root_hash).map_err(refused)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Findings::new(&view),
        Err(e) => return Err(io_error(&format!("cannot read {}", sidecar.display()), &e)),
    };
    Ok(AuditorSession { path, view, findings })
}

fn save_sidecar(s: &AuditorSession) -> Result<()> {
    write_whole(&sidecar_of(&s.path), &s.findings.to_json())
}

fn with_session<T>(state: &AuditorState, f: impl FnOnce(&mut AuditorSession) -> Result<T>) -> Result<T> {
    let mut guard = state.0.lock().map_err(|_| internal("the auditor's view state is poisoned".into()))?;
    let s = guard.as_mut().ok_or_else(|| conflict("no auditor's package is open"))?;
    f(s)
}

#[tauri::command]
pub async fn auditor_open(state: tauri::State<'_, AuditorState>, path: String) -> Result<AuditorPackage> {
    let session = blocking(move || open_session(&path)).await?;
    let view = package_view(&session);
    let mut guard = state.0.lock().map_err(|_| internal("the auditor's view state is poisoned".into()))?;
    *guard = Some(session);
    Ok(view)
}

#[tauri::command]
pub fn auditor_close(state: tauri::State<'_, AuditorState>) -> Result<()> {
    let mut guard = state.0.lock().map_err(|_| internal("the auditor's view state is poisoned".into()))?;
    *guard = None;
    Ok(())
}

/// The page of lines `query` asks for.
pub fn lines_of(s: &AuditorSession, q: &AuditorLineQuery) -> AuditorLinePage {
    let some = |t: &str| (!t.trim().is_empty()).then(|| t.trim().to_string());
    let filter = LineFilter { facility: some(&q.facility), scope: some(&q.scope), text: q.text.clone() };
    let page = s.view.page(&filter, q.offset as usize, q.limit.min(LINE_PAGE_MAX) as usize);
    AuditorLinePage {
        lines: page.lines.iter().map(line_view).collect(),
        offset: q.offset,
        matching: count(page.matching),
    }
}

#[tauri::command]
pub fn auditor_lines(state: tauri::State<'_, AuditorState>, query: AuditorLineQuery) -> Result<AuditorLinePage> {
    with_session(&state, |s| Ok(lines_of(s, &query)))
}

/// The detail of record `record`'s line.
pub fn detail_of(s: &AuditorSession, record: u32) -> Result<AuditorLineDetail> {
    let d = s.view.detail(u64::from(record)).ok_or_else(|| AppError {
        code: ErrorCode::NotFound,
        message: format!("the package has no line of record {record}"),
        details: vec![],
    })?;
    let rule = library::SelectionRule::ALL.into_iter().find(|r| r.as_str() == d.selected_by).map(SelectionRule::from);
    Ok(AuditorLineDetail {
        line: line_view(&d.line),
        iso_category: d.iso_category.clone(),
        full_co2e_kg: d.full_co2e_kg.clone(),
        share_applied: d.share_applied.clone(),
        biogenic_co2_kg: d.biogenic_co2_kg.clone(),
        record_sha256: d.record_sha256.clone(),
        record_sha256_ok: d.record_sha256_ok,
        record_fields: fields(&d.record_fields),
        evidence: d.evidence.clone(),
        evidence_file: d.evidence_file.clone(),
        evidence_sha256: d.evidence_sha256.clone(),
        factor: factor_view(&d.factor),
        selected_by: rule,
        gwp_set: d.gwp_set.clone(),
        steps: d.steps.iter().map(|s| fields(s)).collect(),
        mark: s.findings.marks.iter().find(|m| m.record == u64::from(record)).map(mark_view),
    })
}

#[tauri::command]
pub fn auditor_line(state: tauri::State<'_, AuditorState>, record: u32) -> Result<AuditorLineDetail> {
    with_session(&state, |s| detail_of(s, record))
}

/// Draw the sample, keep it with the findings and save the sidecar.
pub fn draw_in(s: &mut AuditorSession, r: &AuditorSampleRequest) -> Result<AuditorFindings> {
    let materiality = sample::parse_materiality(&r.materiality).map_err(refused)?;
    let settings = SampleSettings { phrase: r.phrase.clone(), materiality, size: r.size.map(|n| n as usize) };
    let drawn = sample::draw(&s.view.root_hash, &s.view.population(), &settings).map_err(refused)?;
    let before = s.findings.sample.replace(drawn);
    if let Err(e) = save_sidecar(s) {
        s.findings.sample = before;
        return Err(e);
    }
    Ok(findings_view(&s.findings))
}

#[tauri::command]
pub fn auditor_sample(state: tauri::State<'_, AuditorState>, request: AuditorSampleRequest) -> Result<AuditorFindings> {
    with_session(&state, |s| draw_in(s, &request))
}

/// Mark a line (timed by this machine's clock) and save the sidecar; a refusal changes nothing.
pub fn mark_in(s: &mut AuditorSession, m: &AuditorMarkInput, now_secs: u64) -> Result<AuditorFindings> {
    let mark = Mark {
        record: u64::from(m.record),
        status: match m.status {
            AuditorMarkStatus::Checked => MarkStatus::Checked,
            AuditorMarkStatus::Queried => MarkStatus::Queried,
        },
        comment: m.comment.trim().to_string(),
        auditor: m.auditor.trim().to_string(),
        at: findings::utc_text(now_secs),
    };
    let before = s.findings.clone();
    s.findings.mark(&s.view, mark).map_err(refused)?;
    if let Err(e) = save_sidecar(s) {
        s.findings = before;
        return Err(e);
    }
    Ok(findings_view(&s.findings))
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[tauri::command]
pub fn auditor_mark(state: tauri::State<'_, AuditorState>, mark: AuditorMarkInput) -> Result<AuditorFindings> {
    with_session(&state, |s| mark_in(s, &mark, now_secs()))
}

#[tauri::command]
pub fn auditor_unmark(state: tauri::State<'_, AuditorState>, record: u32) -> Result<AuditorFindings> {
    with_session(&state, |s| {
        let before = s.findings.clone();
        if s.findings.unmark(u64::from(record)) {
            if let Err(e) = save_sidecar(s) {
                s.findings = before;
                return Err(e);
            }
        }
        Ok(findings_view(&s.findings))
    })
}

fn target(s: &AuditorSession, out: &str) -> Result<PathBuf> {
    let out = PathBuf::from(out.trim());
    if out.as_os_str().is_empty() {
        return Err(conflict("choose where to save"));
    }
    let same = |a: &Path, b: &Path| {
        a == b || (a.canonicalize().ok().is_some() && a.canonicalize().ok() == b.canonicalize().ok())
    };
    if same(&out, &s.path) || same(&out, &sidecar_of(&s.path)) {
        return Err(conflict(
            "the auditor's view never writes over the package or its findings file: choose another name",
        ));
    }
    Ok(out)
}

/// The findings workbook, written to `out`.
pub fn export_xlsx(s: &AuditorSession, out: &str) -> Result<AuditorExported> {
    let out = target(s, out)?;
    let xlsx = s.findings.to_xlsx(&s.view).map_err(refused)?;
    write_whole(&out, &xlsx)?;
    Ok(AuditorExported {
        path: out.display().to_string(),
        bytes: count(xlsx.len()),
        findings_sha256: scopebook_core::dataset::sha256_hex(&s.findings.to_json()),
    })
}

/// A new package at `out`: the opened package's files unchanged, with the findings folder.
pub fn export_package(s: &AuditorSession, out: &str) -> Result<AuditorExported> {
    let out = target(s, out)?;
    let original = std::fs::read(&s.path).map_err(|e| io_error(&format!("cannot read {}", s.path.display()), &e))?;
    let xlsx = s.findings.to_xlsx(&s.view).map_err(refused)?;
    let bytes = findings::into_package(&original, &s.findings, &xlsx).map_err(refused)?;
    write_whole(&out, &bytes)?;
    Ok(AuditorExported {
        path: out.display().to_string(),
        bytes: count(bytes.len()),
        findings_sha256: scopebook_core::dataset::sha256_hex(&s.findings.to_json()),
    })
}

#[tauri::command]
pub fn auditor_export_xlsx(state: tauri::State<'_, AuditorState>, path: String) -> Result<AuditorExported> {
    with_session(&state, |s| export_xlsx(s, &path))
}

#[tauri::command]
pub fn auditor_export_package(state: tauri::State<'_, AuditorState>, path: String) -> Result<AuditorExported> {
    with_session(&state, |s| export_package(s, &path))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use scopebook_core::library::FactorLibrary;
    use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewPeriod};

    /// A locked period's package written into a fresh folder: one electricity line and twelve diesel lines.
    fn package(name: &str) -> PathBuf {
        let (dir, mut s) = crate::testing::new_store("auditor", name, Consolidation::OperationalControl);
        let (lib, _) = FactorLibrary::shipped();
        s.add_facility(&NewFacility::new("SZ", "Suzhou", "CN-JS")).unwrap();
        s.add_facility(&NewFacility::new("LDS", "Leeds", "GB")).unwrap();
        s.add_period(&lib, &NewPeriod::year(2023)).unwrap();
        let mut records = vec![("SZ", "grid_electricity", "100000".to_string(), "kWh", None)];
        records.extend((0..12).map(|i| ("LDS", "diesel", format!("{}", 10 + i), "L", Some("desnz2024.diesel.l"))));
        for (facility, activity, quantity, unit, factor) in records {
            let r = ActivityInput {
                facility: facility.into(),
                activity: activity.into(),
                quantity,
                unit: unit.into(),
                start: "2023-01-01".into(),
                end: "2023-12-31".into(),
                evidence: Some(format!("EV-{activity}")),
                factor: factor.map(str::to_string),
                ..Default::default()
            };
            s.add_activity(&lib, 2023, &r).unwrap();
        }
        s.lock_period(&lib, 2023).unwrap();
        let bytes =
            scopebook_package::export(&s, &lib, 2023, &scopebook_package::ExportOptions::default()).unwrap().bytes;
        let path = dir.join("p.zip");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn query(facility: &str, text: &str, offset: u32, limit: u32) -> AuditorLineQuery {
        AuditorLineQuery { facility: facility.into(), scope: String::new(), text: text.into(), offset, limit }
    }

    #[test]
    fn a_package_is_browsed_sampled_and_marked_and_the_findings_survive_a_reopening() {
        let path = package("browse");
        let original = std::fs::read(&path).unwrap();
        let mut s = open_session(path.to_str().unwrap()).unwrap();
        let view = package_view(&s);
        assert!(view.verified, "{:?}", view.problems);
        assert_eq!((view.lines, view.facilities.clone()), (13, vec!["LDS".to_string(), "SZ".to_string()]));
        assert!(view.sidecar.ends_with("p.zip.findings.json"));

        let page = lines_of(&s, &query("LDS", "", 10, 5000));
        assert_eq!((page.matching, page.lines.len()), (12, 2));
        let sz = lines_of(&s, &query("", "grid", 0, 10)).lines;
        assert_eq!(sz.len(), 1);
        let d = detail_of(&s, sz[0].record).unwrap();
        assert_eq!(d.factor.dataset, "cn-mee-nbs-grid");
        assert_eq!(d.selected_by, Some(SelectionRule::Region));
        assert_eq!(d.evidence, "EV-grid_electricity");
        assert_eq!(detail_of(&s, 9999).unwrap_err().code, ErrorCode::NotFound);

        let request = AuditorSampleRequest { phrase: "FY2023".into(), materiality: "2".into(), size: Some(3) };
        let f = draw_in(&mut s, &request).unwrap();
        let sample = f.sample.unwrap();
        assert_eq!(sample.in_full[0].record, sz[0].record);
        assert_eq!(sample.sampled.len(), 3);
        let bad = AuditorSampleRequest { phrase: "FY2023".into(), materiality: "two".into(), size: None };
        let err = draw_in(&mut s, &bad).unwrap_err();
        assert_eq!(err.details[0].code, DiagnosticCode(scopebook_core::diagnostic::Code::MalformedNumber));

        let mark = AuditorMarkInput {
            record: sample.sampled[0].record,
            status: AuditorMarkStatus::Queried,
            comment: "invoice missing".into(),
            auditor: "Li Na".into(),
        };
        let f = mark_in(&mut s, &mark, 1_796_432_461).unwrap();
        assert_eq!(f.marks[0].at, "2026-12-05T01:01:01Z");
        let nobody = AuditorMarkInput { auditor: " ".into(), ..mark.clone() };
        assert!(mark_in(&mut s, &nobody, 0).is_err());
        assert_eq!(s.findings.marks.len(), 1, "a refused mark changes nothing");

        // The sidecar was saved; a new session (the app restarted) finds the findings again.
        let again = open_session(path.to_str().unwrap()).unwrap();
        assert_eq!(findings_view(&again.findings), findings_view(&s.findings));
        assert_eq!(std::fs::read(&path).unwrap(), original, "the package itself is never written");

        // Exports: never over the package or its sidecar; the new package verifies with its findings.
        assert_eq!(export_xlsx(&s, path.to_str().unwrap()).unwrap_err().code, ErrorCode::Conflict);
        let out = path.with_file_name("with.zip");
        let written = export_package(&s, out.to_str().unwrap()).unwrap();
        let v = scopebook_package::verify("with.zip", &std::fs::read(&out).unwrap());
        assert!(v.verified, "{:?}", v.findings);
        assert_eq!(v.auditor_findings.unwrap().queried, 1);
        let reviewed = package_view(&open_session(out.to_str().unwrap()).unwrap());
        assert_eq!(reviewed.root_hash, view.root_hash);
        let carried = reviewed.package_findings.unwrap();
        assert_eq!((carried.marks, carried.queried, carried.sampled, carried.intact), (1, 1, 3, true));
        assert!(view.package_findings.is_none());
        assert_eq!(written.findings_sha256, scopebook_core::dataset::sha256_hex(&s.findings.to_json()));
        let xlsx = path.with_file_name("f.xlsx");
        export_xlsx(&s, xlsx.to_str().unwrap()).unwrap();
        assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    }

    #[test]
    fn a_sidecar_about_another_package_is_refused_not_overwritten() {
        let path = package("foreign");
        let sidecar = sidecar_of(&path);
        let foreign = b"{\"format\":\"scopebook-auditors-findings/1\",\"package_root_hash\":\"00\",\"organisation\":\"X\",\"period\":null,\"sample\":null,\"marks\":[]}\n";
        std::fs::write(&sidecar, foreign).unwrap();
        let Err(err) = open_session(path.to_str().unwrap()) else { panic!("opened") };
        assert!(err.message.contains("not this one"), "{}", err.message);
        assert_eq!(std::fs::read(&sidecar).unwrap(), foreign);
    }
}
