//! Real-window end-to-end test of a period's exports from the Periods screen (issue 13), in the
//! harness of `common/mod.rs`.
//!
//! `report_and_package_from_the_app`: an organisation file made with the CLI (one facility,
//! period 2023, three records), opened in the app; the period locked on the Periods screen; the
//! inventory report (PDF, English) and the auditor's package exported from its Export… panel, the
//! paths typed (the native save dialog is not driven). Then: the package passes `scopebook
//! verify`, and its bytes and root hash are those `scopebook export-package` writes for the same
//! file; the PDF's bytes are those `scopebook report --kind inventory` writes, and its
//! `pdftotext` holds the totals of `scopebook calc --db --format json` at the report's rounding
//! (three places, half to even, thousands grouped). A second package to the same path is refused
//! with the catalogue's `database-exists`, as the CLI refuses it. The package just exported is
//! then opened in the auditor's view (from the header), a sample drawn that equals `scopebook
//! sample`'s with the same phrase, and a sampled line marked checked with a comment, which is in
//! the sidecar `PKG.zip.findings.json` while the package keeps the CLI's bytes.
//!
//! Run: `cargo test -p scopebook-e2e --test exports -- --test-threads=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{cli, cli_ok, within, Harness, TempDir};
use serde_json::Value;

const TEST_LIMIT: Duration = Duration::from_secs(300);
const PHRASE: &str = "FY2023 审计";
/// A PDF report in a debug build takes a few seconds.
const EXPORT: Duration = Duration::from_secs(120);

/// Waits for `testid` while an export runs, tolerating WebDriver errors in between (WebKit's
/// driver has answered "Could not parse element info" while the page re-rendered); a screenshot
/// of the busy state is taken once.
async fn wait_export(app: &common::App, testid: &str) -> common::Element {
    wait_tolerant(app, testid, EXPORT).await
}

/// The first element `testid`, polled for up to `limit`, WebDriver errors in between ignored.
async fn wait_tolerant(app: &common::App, testid: &str, limit: Duration) -> common::Element {
    let css = format!("[data-testid=\"{testid}\"]");
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Ok(found) = app.client.find_all(fantoccini::Locator::Css(&css)).await {
            if let Some(el) = found.into_iter().next() {
                return el;
            }
        }
        if std::time::Instant::now() > deadline {
            app.fail(&format!("timed out after {limit:?} waiting for [{testid}]")).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// An organisation file with one facility and period 2023 holding three records, made with the
/// CLI.
fn organisation(dir: &Path) -> String {
    let db = dir.join("exports.scopebook").display().to_string();
    cli_ok(&["init", "--db", &db, "--name", "Suzhou Export Test Co.", "--consolidation", "operational-control"]);
    cli_ok(&["facility", "add", "--db", &db, "--code", "SZ", "--name", "Suzhou plant", "--region", "CN-JS"]);
    cli_ok(&["period", "add", "--db", &db, "--year", "2023"]);
    for (activity, quantity, unit) in
        [("grid_electricity", "1234567.5", "kWh"), ("natural_gas", "12.5", "10^4 Nm3"), ("diesel", "3.25", "t")]
    {
        cli_ok(&[
            "activity",
            "add",
            "--db",
            &db,
            "--period",
            "2023",
            "--facility",
            "SZ",
            "--activity",
            activity,
            "--quantity",
            quantity,
            "--unit",
            unit,
            "--start",
            "2023-01-01",
            "--end",
            "2023-12-31",
        ]);
    }
    db
}

/// A figure of `calc --format json` as the report shows it: three places, half to even,
/// thousands grouped with commas.
fn shown(figure: &str) -> String {
    let (sign, digits) = figure.strip_prefix('-').map_or(("", figure), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut frac: Vec<u8> = frac.bytes().map(|b| b - b'0').collect();
    frac.resize(frac.len().max(4), 0);
    let (kept, rest) = frac.split_at(3);
    let mut n: Vec<u8> = int.bytes().map(|b| b - b'0').chain(kept.iter().copied()).collect();
    let half = rest[0] > 5 || (rest[0] == 5 && (rest[1..].iter().any(|d| *d > 0) || n.last().unwrap() % 2 == 1));
    if half {
        let mut i = n.len();
        loop {
            i -= 1;
            if n[i] == 9 {
                n[i] = 0;
                if i == 0 {
                    n.insert(0, 1);
                    break;
                }
            } else {
                n[i] += 1;
                break;
            }
        }
    }
    let text: String = n.iter().map(|d| char::from(b'0' + d)).collect();
    let (int, frac) = text.split_at(text.len() - 3);
    let int = if int.is_empty() { "0" } else { int };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

#[test]
fn shown_rounds_half_to_even_and_groups() {
    assert_eq!(shown("1234.5675"), "1,234.568");
    assert_eq!(shown("1234.5665"), "1,234.566");
    assert_eq!(shown("999.9996"), "1,000.000");
    assert_eq!(shown("0.00049"), "0.000");
    assert_eq!(shown("12"), "12.000");
}

#[tokio::test(flavor = "current_thread")]
async fn report_and_package_from_the_app() {
    let Some(mut env) = Harness::start("exports") else { return };
    let dir = TempDir::new("exports-org");
    let db = organisation(dir.path());
    let pdf = dir.path().join("inventory-2023.pdf").display().to_string();
    let zip = dir.path().join("package-2023.zip").display().to_string();
    let root = within("report_and_package_from_the_app", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        app.fill("open-path", &db).await;
        app.click("open-submit").await;
        app.wait_gone("open-path").await;
        app.el("page-title").await;

        // Lock the period on the Periods screen.
        app.click("nav-periods").await;
        app.el("period-row").await;
        app.click("period-lock").await;
        app.click("lock-confirm").await;
        app.wait_for("period 2023 locked", common::SETTLE, async || {
            (app.attr("period-row", "data-status").await.as_deref() == Some("locked")).then_some(())
        })
        .await;

        // The inventory report, PDF, English, to a typed path.
        app.click("period-export").await;
        app.el("export-panel").await;
        assert!(app.maybe("export-draft").await.is_none(), "a locked period's panel says DRAFT");
        app.fill("export-kind", "inventory").await;
        app.fill("export-lang", "en").await;
        app.fill("export-report-path", &pdf).await;
        app.click("export-report-submit").await;
        let done = wait_export(&app, "export-report-done").await;
        assert_eq!(done.attr("data-path").await.unwrap().as_deref(), Some(pdf.as_str()));
        assert_eq!(done.attr("data-left-out").await.unwrap().as_deref(), Some("0"));
        let bytes: u64 = done.attr("data-bytes").await.unwrap().unwrap().parse().unwrap();
        assert_eq!(bytes, std::fs::metadata(&pdf).unwrap().len());

        // The auditor's package to a typed path; then again to the same path: refused.
        app.fill("export-package-path", &zip).await;
        app.click("export-package-submit").await;
        let done = wait_export(&app, "export-package-done").await;
        let root = done.attr("data-root-hash").await.unwrap().unwrap();
        assert_eq!(app.text("export-root-hash").await, root);
        app.screenshot("exports-done").await;
        // Clicked by script: WebKit's driver has failed a plain find right after an export.
        let button = wait_tolerant(&app, "export-package-submit", common::SETTLE).await;
        let arg = serde_json::to_value(&button).unwrap();
        app.cmd("click [export-package-submit]", app.client.execute("arguments[0].click();", vec![arg])).await;
        let banner = wait_tolerant(&app, "error-banner", common::SETTLE).await;
        assert_eq!(banner.attr("data-code").await.unwrap().as_deref(), Some("conflict"));
        let field = wait_tolerant(&app, "err-export-path", common::SETTLE).await;
        assert_eq!(field.attr("data-code").await.unwrap().as_deref(), Some("database-exists"));

        // The package just exported, opened in the auditor's view from the header: verified, the
        // sample of `scopebook sample` with the same phrase (electricity and gas are each ≥ 5 % of
        // the total and checked in full; diesel is the one line left, sampled), a line marked.
        app.click("nav-auditor").await;
        app.el("aud-open-card").await;
        assert_eq!(
            app.attr("nav-periods", "aria-current").await,
            None,
            "a screen still marked current under the auditor's view"
        );
        app.fill("aud-open-path", &zip).await;
        app.click("aud-open").await;
        wait_tolerant(&app, "aud-verified", EXPORT).await;
        assert_eq!(app.attr("aud-root-hash", "data-value").await.unwrap(), root);
        app.fill("aud-auditor", "Wang Fang 王芳").await;
        app.fill("aud-phrase", PHRASE).await;
        app.fill("aud-size", "1").await;
        app.click("aud-draw").await;
        let seed = wait_tolerant(&app, "aud-seed", common::SETTLE).await.attr("data-value").await.unwrap().unwrap();
        let sample: Value =
            serde_json::from_str(&cli_ok(&["sample", &zip, "--phrase", PHRASE, "--size", "1", "--format", "json"]))
                .unwrap();
        assert_eq!(seed, sample["seed"].as_str().unwrap());
        let mut shown_drawn = Vec::new();
        for el in app.all("aud-drawn").await {
            let how = app.cmd("data-how", el.attr("data-how")).await.unwrap();
            let record: u64 = app.cmd("data-record", el.attr("data-record")).await.unwrap().parse().unwrap();
            shown_drawn.push((how, record));
        }
        let mut want = Vec::new();
        for (how, key) in [("in-full", "in_full"), ("sampled", "sampled")] {
            for d in sample[key].as_array().unwrap() {
                want.push((how.to_string(), d["record"].as_u64().unwrap()));
            }
        }
        assert_eq!(shown_drawn, want, "the app's sample is not `scopebook sample`'s");
        assert_eq!(sample["in_full"].as_array().unwrap().len(), 2, "electricity and gas in full: {sample}");
        assert_eq!(sample["sampled"].as_array().unwrap().len(), 1, "diesel sampled: {sample}");
        let (_, target) = want[want.len() - 1];
        for el in app.all("aud-drawn").await {
            if app.cmd("data-record", el.attr("data-record")).await == Some(target.to_string()) {
                app.cmd("click the sampled line", el.click()).await;
                break;
            }
        }
        app.wait_for("the sampled line's detail", common::SETTLE, async || {
            let el = app.maybe("aud-detail").await?;
            (el.attr("data-record").await.ok()?? == target.to_string()).then_some(())
        })
        .await;
        app.click("aud-mark-checked").await;
        app.fill("aud-mark-comment", "fuel receipts agree").await;
        app.click("aud-mark-save").await;
        app.wait_for("the line marked checked", common::SETTLE, async || {
            let el = app.maybe("aud-mark-status").await?;
            (el.attr("data-status").await.ok()?? == "checked").then_some(())
        })
        .await;
        app.screenshot("exports-auditor-finding").await;
        app.close().await;
        root
    })
    .await;

    // The package verifies, and is the CLI's, byte for byte.
    let verified = cli(&["verify", &zip]);
    assert!(verified.status.success(), "scopebook verify: {}", String::from_utf8_lossy(&verified.stdout));
    let cli_zip = dir.path().join("cli-package.zip").display().to_string();
    let said = cli_ok(&["export-package", "--db", &db, "--period", "2023", "--out", &cli_zip]);
    assert!(std::fs::read(&zip).unwrap() == std::fs::read(&cli_zip).unwrap(), "the app's package is not the CLI's");
    let root_line = said.lines().find_map(|l| l.strip_prefix("root hash: ")).unwrap().trim().to_string();
    assert_eq!(root, root_line, "the root hash shown is not the CLI's");

    // The PDF is the CLI's, byte for byte, and holds the calc totals.
    let cli_pdf = dir.path().join("cli-report.pdf").display().to_string();
    cli_ok(&["report", "--db", &db, "--period", "2023", "--kind", "inventory", "--lang", "en", "--out", &cli_pdf]);
    assert!(std::fs::read(&pdf).unwrap() == std::fs::read(&cli_pdf).unwrap(), "the app's PDF is not the CLI's");
    let calc: Value =
        serde_json::from_str(&cli_ok(&["calc", "--db", &db, "--period", "2023", "--format", "json", "--summary"]))
            .unwrap();
    let text =
        Command::new("pdftotext").args([pdf.as_str(), "-"]).output().expect("pdftotext (poppler-utils) is needed");
    let flat = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    let mut figures = Vec::new();
    for key in ["scope1", "scope2_location", "scope2_market", "scope3"] {
        figures.push(shown(calc["totals"][key].as_str().unwrap()));
    }
    assert!(figures[0] != "0.000" && figures[1] != "0.000", "the test data gives Scope 1 and 2: {figures:?}");
    for f in &figures {
        assert!(flat.contains(f.as_str()), "total {f} not in the PDF's text");
    }

    // The finding is in the sidecar beside the package, the package itself untouched.
    let sidecar: Value = serde_json::from_slice(&std::fs::read(format!("{zip}.findings.json")).unwrap()).unwrap();
    assert_eq!(sidecar["package_root_hash"], root.as_str());
    assert_eq!(sidecar["marks"][0]["status"], "checked");
    assert_eq!(sidecar["marks"][0]["auditor"], "Wang Fang 王芳");
    assert_eq!(sidecar["marks"][0]["comment"], "fuel receipts agree");
}
