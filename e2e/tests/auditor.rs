//! Real-window end-to-end test of the auditor's view (issue 13, decision 0042), in the harness of
//! `common/mod.rs`.
//!
//! `sample_and_findings_match_the_cli`: an inventory file made with the CLI (two facilities, one
//! large electricity line and 24 small diesel lines), its period locked and exported as an
//! auditor's package with `scopebook export-package`; the package opened from the start screen
//! (no organisation file) in the auditor's view, verified, its lines listed and filtered; a sample
//! drawn at 2 % with a phrase and size 5, which equals `scopebook sample` with the same phrase and
//! settings (seed, lines in full, lines sampled); a sampled line followed to its factor and
//! queried with a comment, which is in the sidecar `PKG.zip.findings.json` at once; the findings
//! exported as a workbook and as a new package, which `scopebook verify` passes with the original
//! root hash and reports the finding; the opened package's bytes unchanged. Then, with the
//! organisation file open, in English and in Chinese, the header (with its "Auditor's view" button)
//! still fits the window and offers the package chooser.
//!
//! Run: `cargo test -p scopebook-e2e --test auditor -- --test-threads=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

mod common;

use std::time::Duration;

use common::{cli_ok, within, App, Harness, TempDir};
use serde_json::Value;

const TEST_LIMIT: Duration = Duration::from_secs(300);
const PHRASE: &str = "FY2023 审计 sample";

/// An inventory file with a locked 2023, exported as a package; returns the package's path.
fn make_package(dir: &std::path::Path) -> String {
    let db = dir.join("acme.scopebook").display().to_string();
    cli_ok(&["init", "--db", &db, "--name", "Acme Suzhou", "--consolidation", "operational-control"]);
    cli_ok(&["facility", "add", "--db", &db, "--code", "SZ", "--name", "Suzhou plant", "--region", "CN-JS"]);
    cli_ok(&["facility", "add", "--db", &db, "--code", "LDS", "--name", "Leeds depot", "--region", "GB"]);
    cli_ok(&["period", "add", "--db", &db, "--year", "2023"]);
    let common = ["activity", "add", "--db", &db, "--period", "2023", "--start", "2023-01-01", "--end", "2023-12-31"];
    let mut args: Vec<&str> = common.to_vec();
    args.extend(["--facility", "SZ", "--activity", "grid_electricity", "--quantity", "1862400", "--unit", "kWh"]);
    args.extend(["--evidence", "SGCC-JS-2023-12"]);
    cli_ok(&args);
    for i in 0..24 {
        let quantity = format!("{}", 200 + 37 * i);
        let evidence = format!("FUEL-{i:02}");
        let mut args: Vec<&str> = common.to_vec();
        args.extend(["--facility", "LDS", "--activity", "diesel", "--quantity", &quantity, "--unit", "L"]);
        args.extend(["--factor", "desnz2024.diesel.l", "--evidence", &evidence]);
        cli_ok(&args);
    }
    cli_ok(&["period", "lock", "--db", &db, "--year", "2023"]);
    let package = dir.join("acme-2023.zip").display().to_string();
    cli_ok(&["export-package", "--db", &db, "--period", "2023", "--out", &package]);
    package
}

fn records(list: &Value) -> Vec<u64> {
    list.as_array().unwrap().iter().map(|d| d["record"].as_u64().unwrap()).collect()
}

async fn drawn(app: &App, how: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for el in app.all("aud-drawn").await {
        if app.cmd("data-how", el.attr("data-how")).await.as_deref() == Some(how) {
            out.push(app.cmd("data-record", el.attr("data-record")).await.unwrap().parse().unwrap());
        }
    }
    out
}

async fn wait_attr(app: &App, testid: &str, name: &str, want: &str) {
    app.wait_for(&format!("[{testid}] {name}={want}"), common::SETTLE, async || {
        let el = app.maybe(testid).await?;
        (el.attr(name).await.ok()?? == want).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn sample_and_findings_match_the_cli() {
    let Some(mut env) = Harness::start("auditor") else { return };
    within("sample_and_findings_match_the_cli", TEST_LIMIT, async {
        let dir = TempDir::new("auditor-package");
        let package = make_package(dir.path());
        let original = std::fs::read(&package).unwrap();
        let verified: Value = serde_json::from_str(&cli_ok(&["verify", &package, "--format", "json"])).unwrap();
        let root = verified["root_hash"].as_str().unwrap().to_string();

        // The start screen (no organisation file): open the package in the auditor's view.
        let app = env.launch("aud-open-path").await;
        app.fill("aud-open-path", &package).await;
        app.click("aud-open").await;
        app.wait_el("aud-verified", common::LAUNCH).await;
        assert_eq!(app.attr("aud-root-hash", "data-value").await.unwrap(), root);
        wait_attr(&app, "aud-matching", "data-value", "25").await;
        app.wait_el("aud-line", common::SETTLE).await;
        app.fill("aud-filter-facility", "SZ").await;
        wait_attr(&app, "aud-matching", "data-value", "1").await;
        app.fill("aud-filter-facility", "").await;
        wait_attr(&app, "aud-matching", "data-value", "25").await;

        // The sample: 2 %, size 5, the phrase; the same as `scopebook sample`.
        app.fill("aud-auditor", "Li Na 李娜").await;
        app.fill("aud-phrase", PHRASE).await;
        app.fill("aud-materiality", "2").await;
        app.fill("aud-size", "5").await;
        app.click("aud-draw").await;
        app.wait_el("aud-seed", common::SETTLE).await;
        let seed = app.attr("aud-seed", "data-value").await.unwrap();
        let out =
            cli_ok(&["sample", &package, "--phrase", PHRASE, "--materiality", "2", "--size", "5", "--format", "json"]);
        let expected: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(seed, expected["seed"].as_str().unwrap());
        assert_eq!(drawn(&app, "in-full").await, records(&expected["in_full"]));
        let sampled = drawn(&app, "sampled").await;
        assert_eq!(sampled, records(&expected["sampled"]));
        assert_eq!(sampled.len(), 5);
        assert_eq!(records(&expected["in_full"]).len(), 1, "only the electricity line is ≥ 2 %");
        app.screenshot("auditor-sample").await;

        // Follow a sampled line to its factor and query it.
        let target = sampled[0];
        for el in app.all("aud-drawn").await {
            if app.cmd("data-record", el.attr("data-record")).await == Some(target.to_string()) {
                app.cmd("click a drawn line", el.click()).await;
                break;
            }
        }
        wait_attr(&app, "aud-detail", "data-record", &target.to_string()).await;
        wait_attr(&app, "aud-detail-factor", "data-dataset", "desnz-ghg-conversion-factors").await;
        assert_eq!(app.attr("aud-detail-factor", "data-edition").await.unwrap(), "2024");
        assert!(app.text("aud-detail-licence").await.contains("Open Government Licence"));
        app.click("aud-mark-queried").await;
        app.fill("aud-mark-comment", "fuel card statement missing").await;
        app.click("aud-mark-save").await;
        wait_attr(&app, "aud-mark-status", "data-status", "queried").await;

        // Saved beside the package at once.
        let sidecar: Value =
            serde_json::from_slice(&std::fs::read(format!("{package}.findings.json")).unwrap()).unwrap();
        assert_eq!(sidecar["package_root_hash"], root.as_str());
        assert_eq!(sidecar["marks"][0]["record"].as_u64(), Some(target));
        assert_eq!(sidecar["marks"][0]["status"], "queried");
        assert_eq!(sidecar["marks"][0]["auditor"], "Li Na 李娜");
        assert_eq!(sidecar["marks"][0]["comment"], "fuel card statement missing");
        assert_eq!(sidecar["sample"]["seed"], seed.as_str());

        // Export: the workbook, then a new package with the findings, which verifies.
        let xlsx = dir.path().join("findings.xlsx").display().to_string();
        app.fill("aud-xlsx-path", &xlsx).await;
        app.click("aud-xlsx-export").await;
        wait_attr(&app, "aud-exported", "data-path", &xlsx).await;
        assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
        let with = dir.path().join("acme-2023-with-findings.zip").display().to_string();
        app.fill("aud-package-path", &with).await;
        app.click("aud-package-export").await;
        wait_attr(&app, "aud-exported", "data-path", &with).await;
        app.screenshot("auditor-findings").await;
        let verified = cli_ok(&["verify", &with]);
        assert!(verified.contains(&format!("root hash: {root}")), "{verified}");
        assert!(verified.contains("auditor's findings: 3 file(s), 1 mark(s) (0 checked, 1 queried)"), "{verified}");
        let checked: Value = serde_json::from_str(&cli_ok(&["verify", &with, "--format", "json"])).unwrap();
        assert_eq!(checked["verified"], true);
        assert_eq!(checked["root_hash"], root.as_str());
        assert_eq!(checked["auditor_findings"]["intact"], true);
        assert_eq!(checked["auditor_findings"]["queried"], 1);
        assert_eq!(checked["auditor_findings"]["sampled"], 5);
        assert_eq!(std::fs::read(&package).unwrap(), original, "the opened package is never written");

        app.click("aud-close").await;
        app.wait_el("aud-open-path", common::SETTLE).await;

        // From the header, with an organisation file open, in English and Chinese: the header
        // still fits the window, and its button offers the package chooser.
        let db = dir.path().join("acme.scopebook").display().to_string();
        app.fill("open-path", &db).await;
        app.click("open-submit").await;
        app.el("nav-activities").await;
        let script = "const h = document.querySelector('header.topbar'); \
             return h.scrollWidth <= h.clientWidth && document.documentElement.scrollWidth <= window.innerWidth;";
        for lang in ["en", "zh"] {
            app.fill("lang-select", lang).await;
            let fits = app.cmd("header width", app.client.execute(script, vec![])).await;
            app.screenshot(&format!("auditor-header-{lang}")).await;
            let sizes = "const h = document.querySelector('header.topbar'); \
                 return [h.scrollWidth, h.clientWidth, ...[...h.querySelectorAll('nav, .right > *, .brand')].map((e) => e.className + ':' + e.getBoundingClientRect().width)].join(' ');";
            let widths = app.cmd("header widths", app.client.execute(sizes, vec![])).await;
            assert_eq!(fits, Value::Bool(true), "the header overflows the window ({lang}): {widths}");
        }
        app.click("nav-auditor").await;
        app.el("aud-open-card").await;
        app.click("nav-activities").await;
        app.wait_gone("aud-open-card").await;
        app.close().await;
    })
    .await;
}
