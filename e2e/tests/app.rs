//! Real-window end-to-end tests: the built `scopebook-app` under Xvfb, driven through
//! WebKitWebDriver (see `common/mod.rs` for the harness and when these tests skip).
//!
//! `inventory_matches_the_cli`: a new organisation file (with the start screen's validation),
//! facilities and a period, activity entry (good rows, a malformed number and a unit mismatch),
//! the dashboard's totals compared with `scopebook calc` on the same rows, a factor's detail from
//! a dashboard line, and the factor search.
//! `language_is_switched_and_remembered`: English to Chinese on the dashboard, then a restart
//! with the same data folder comes back in Chinese, with the organisation reopened.
//! `organisation_survives_a_restart`: an organisation with a legal entity, two facilities, a
//! period and three records; an equity share over 100 % refused at its field; the period locked;
//! an edit refused as locked with nothing changed; Verify OK; a restart finds everything intact
//! (facilities, status, records, totals), and the library verifies the file.
//! `an_import_is_previewed_then_written`: a GBK CSV with Chinese headers and one bad row through
//! the import wizard: the guessed mapping, the preview's counts and the bad row's problem; all or
//! nothing refused with nothing written; valid rows only imports three records and writes the
//! skipped row with its reason; a record's history names the file and row; the library verifies
//! the file and finds one import of three records.
//!
//! Run: `cargo test -p scopebook-e2e -- --test-threads=1` (scripts/test.sh does, with
//! `SCOPEBOOK_E2E_REQUIRED=1`). Screenshots: `e2e-artifacts/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

mod common;

use std::process::Command;
use std::time::Duration;

use common::{within, workspace_binary, App, Harness, TempDir};
use serde_json::Value;

/// The whole of one test, so that a hang anywhere fails instead of blocking CI.
const TEST_LIMIT: Duration = Duration::from_secs(300);

const ORGANISATION: &str = "Huadong Precision Components";

#[derive(Clone, Copy)]
struct Row {
    facility: &'static str,
    period_start: &'static str,
    period_end: &'static str,
    activity: &'static str,
    quantity: &'static str,
    unit: &'static str,
    region: &'static str,
    evidence: &'static str,
}

const GOOD_ROWS: &[Row] = &[
    Row {
        facility: "SZ-PLANT",
        period_start: "2023-01-01",
        period_end: "2023-12-31",
        activity: "natural_gas",
        quantity: "12.5",
        unit: "10^4 Nm3",
        region: "CN-JS",
        evidence: "SZ-GAS-2023: gas utility invoices",
    },
    Row {
        facility: "SZ-PLANT",
        period_start: "2023-01-01",
        period_end: "2023-12-31",
        activity: "grid_electricity",
        quantity: "1862400",
        unit: "kWh",
        region: "CN-JS",
        evidence: "SZ-ELE-2023: State Grid bills",
    },
    Row {
        facility: "NB-PLANT",
        period_start: "2023-01-01",
        period_end: "2023-06-30",
        activity: "grid_electricity",
        quantity: "950",
        unit: "MWh",
        region: "CN-ZJ",
        evidence: "NB-ELE-2023H1: State Grid bills",
    },
    Row {
        facility: "SZ-PLANT",
        period_start: "2023-01-01",
        period_end: "2023-12-31",
        activity: "diesel_mobile",
        quantity: "45.2",
        unit: "t",
        region: "CN-JS",
        evidence: "SZ-FLEET-2023: fuel card statements",
    },
    Row {
        facility: "NB-PLANT",
        period_start: "2023-03-01",
        period_end: "2023-03-31",
        activity: "refrigerant_topup_r_410a",
        quantity: "18.5",
        unit: "kg",
        region: "CN-ZJ",
        evidence: "NB-HVAC-2023-03: service report",
    },
];

/// The dashboard's totals: (data-testid, key of `totals` in `scopebook calc --format json`).
const TOTALS: &[(&str, &str)] = &[
    ("total-scope1", "scope1"),
    ("total-scope2-location", "scope2_location"),
    ("total-scope2-market", "scope2_market"),
    ("total-scope3", "scope3"),
    ("total-biogenic", "biogenic_co2"),
];

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}'))
}

/// The start screen: a new organisation file in `dir`; waits for the main navigation.
async fn create_organisation(app: &App, dir: &TempDir) -> String {
    let path = dir.path().join("huadong.scopebook").display().to_string();
    app.fill("org-name", ORGANISATION).await;
    app.fill("org-consolidation", "operational-control").await;
    app.fill("org-path", &path).await;
    app.click("org-create").await;
    app.el("nav-facilities").await;
    path
}

struct Fac {
    kind: &'static str,
    parent: &'static str,
    code: &'static str,
    name: &'static str,
    equity: &'static str,
    region: &'static str,
}

const LEGAL_ENTITY: Fac =
    Fac { kind: "legal-entity", parent: "", code: "HD-CO", name: ORGANISATION, equity: "100", region: "CN-JS" };
const FACILITIES: &[Fac] = &[
    Fac { kind: "facility", parent: "HD-CO", code: "SZ-PLANT", name: "Suzhou plant", equity: "100", region: "CN-JS" },
    Fac { kind: "facility", parent: "HD-CO", code: "NB-PLANT", name: "Ningbo plant", equity: "60", region: "CN-ZJ" },
];

async fn fill_facility(app: &App, f: &Fac) {
    app.fill("fac-kind", f.kind).await;
    app.fill("fac-parent", f.parent).await;
    app.fill("fac-code", f.code).await;
    app.fill("fac-name", f.name).await;
    app.fill("fac-equity", f.equity).await;
    app.fill("fac-region", f.region).await;
}

/// Adds a facility on the Facilities screen; checks its row appears.
async fn add_facility(app: &App, f: &Fac) {
    app.click("nav-facilities").await;
    let before = app.all("facility-row").await.len();
    fill_facility(app, f).await;
    app.click("fac-submit").await;
    app.wait_for(&format!("facility {} to be stored", f.code), common::SETTLE, async || {
        (app.all("facility-row").await.len() == before + 1).then_some(())
    })
    .await;
}

/// Adds period `year` (AR5) on the Periods screen.
async fn add_period(app: &App, year: &str) {
    app.click("nav-periods").await;
    app.fill("period-year", year).await;
    app.fill("period-gwp", "AR5").await;
    app.click("period-add").await;
    app.wait_for(&format!("period {year}"), common::SETTLE, async || {
        for row in app.all("period-row").await {
            if row.attr("data-year").await.ok().flatten().as_deref() == Some(year) {
                return Some(());
            }
        }
        None
    })
    .await;
}

/// A new organisation with the legal entity and both facilities, and period 2023; ends on the
/// activities screen.
async fn set_up_inventory(app: &App, dir: &TempDir) -> String {
    let path = create_organisation(app, dir).await;
    add_facility(app, &LEGAL_ENTITY).await;
    for f in FACILITIES {
        add_facility(app, f).await;
    }
    add_period(app, "2023").await;
    app.click("nav-activities").await;
    app.wait_for("the activities of period 2023", common::SETTLE, async || {
        let el = app.maybe("act-period").await?;
        (el.attr("data-year").await.ok()?? == "2023").then_some(())
    })
    .await;
    path
}

async fn fill_row(app: &App, row: &Row) {
    app.fill("act-facility", row.facility).await;
    app.fill("act-period-start", row.period_start).await;
    app.fill("act-period-end", row.period_end).await;
    app.fill("act-activity", row.activity).await;
    app.fill("act-quantity", row.quantity).await;
    app.fill("act-unit", row.unit).await;
    app.fill("act-region", row.region).await;
    app.fill("act-evidence", row.evidence).await;
}

const ERROR_IDS: &[&str] = &[
    "err-facility",
    "err-period_start",
    "err-period_end",
    "err-activity",
    "err-quantity",
    "err-unit",
    "err-region",
    "err-factor",
    "err-evidence",
    "err-row",
];

/// The errors shown now, as "testid: text".
async fn shown_errors(app: &App) -> Vec<String> {
    let mut out = Vec::new();
    for id in ERROR_IDS {
        for el in app.all(id).await {
            out.push(format!("{id}: {}", el.text().await.unwrap_or_default()));
        }
    }
    out
}

/// Enters a row and adds it; checks that it was stored with no error shown.
async fn add_good_row(app: &App, row: &Row) {
    let before = app.all("activity-row").await.len();
    fill_row(app, row).await;
    app.click("act-add").await;
    let what = format!("the {} row to be stored", row.activity);
    app.wait_for(&what, common::SETTLE, async || {
        let errors = shown_errors(app).await;
        if !errors.is_empty() {
            app.fail(&format!("adding a good {} row shows errors: {errors:?}", row.activity)).await;
        }
        (app.all("activity-row").await.len() == before + 1).then_some(())
    })
    .await;
}

/// Enters a row that must be refused; returns the text of `error_id` and checks no row was added.
async fn add_bad_row(app: &App, row: &Row, error_id: &str) -> String {
    let before = app.all("activity-row").await.len();
    fill_row(app, row).await;
    app.click("act-add").await;
    let text = app.wait_text(error_id, "to show a message", |t| !t.trim().is_empty()).await;
    // Give a wrongly accepted row the time to appear before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = app.all("activity-row").await.len();
    if after != before {
        app.fail(&format!("a refused row was stored ({before} rows before, {after} after)")).await;
    }
    text
}

/// Runs `scopebook calc <csv> --format json` on the good rows; returns the JSON document.
fn cli_inventory(dir: &TempDir) -> Value {
    let mut csv = String::from("facility,period_start,period_end,activity,quantity,unit,region\n");
    for r in GOOD_ROWS {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.facility, r.period_start, r.period_end, r.activity, r.quantity, r.unit, r.region
        ));
    }
    let file = dir.path().join("activities.csv");
    std::fs::write(&file, csv).unwrap();
    let out = Command::new(workspace_binary("scopebook"))
        .arg("calc")
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .expect("cannot run the scopebook CLI");
    assert!(out.status.success(), "scopebook calc failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("the CLI prints JSON");
    assert_eq!(doc["gwp_set"], "AR5");
    assert_eq!(doc["complete"], true, "the CLI left rows out: {}", doc["unresolved"]);
    doc
}

/// How many factors `scopebook factors search <text>` finds (its last line: "N factor(s)").
fn cli_search_count(text: &str) -> usize {
    let out = Command::new(workspace_binary("scopebook"))
        .args(["factors", "search", text])
        .output()
        .expect("cannot run the scopebook CLI");
    assert!(out.status.success(), "scopebook factors search failed: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    last.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected last line of factors search: {last:?}"))
}

#[tokio::test(flavor = "current_thread")]
async fn inventory_matches_the_cli() {
    let Some(mut env) = Harness::start("inventory") else { return };
    within("inventory_matches_the_cli", TEST_LIMIT, async {
        let app = env.launch("org-name").await;

        // The start screen: the Rust side's validation is shown at the fields.
        let dir = TempDir::new("inventory-org");
        app.screenshot("01-start").await;
        app.fill("org-name", "").await;
        app.fill("org-path", &dir.path().join("x.scopebook").display().to_string()).await;
        app.click("org-create").await;
        app.wait_text("err-name", "to show a message", |t| !t.trim().is_empty()).await;
        assert!(app.maybe("nav-activities").await.is_none(), "an organisation without a name was created");
        set_up_inventory(&app, &dir).await;

        // Activities: the good rows, then two that must be refused.
        app.click("nav-activities").await;
        for row in GOOD_ROWS {
            add_good_row(&app, row).await;
        }
        let unit_error = add_bad_row(
            &app,
            &Row { activity: "grid_electricity", quantity: "500", unit: "t", ..GOOD_ROWS[1] },
            "err-unit",
        )
        .await;
        assert!(
            unit_error.contains("kWh") || unit_error.to_lowercase().contains("unit"),
            "the unit error does not explain itself: {unit_error:?}"
        );
        let quantity_error = add_bad_row(&app, &Row { quantity: "1,000", ..GOOD_ROWS[0] }, "err-quantity").await;
        assert!(
            quantity_error.contains("thousands separator"),
            "the quantity error does not mention thousands separators: {quantity_error:?}"
        );
        app.screenshot("02-activities-error").await;
        assert_eq!(app.all("activity-row").await.len(), GOOD_ROWS.len());

        // Dashboard: the exact totals equal the CLI's on the same rows.
        let tmp = TempDir::new("inventory-cli");
        let cli = cli_inventory(&tmp);
        app.click("nav-dashboard").await;
        for (testid, key) in TOTALS {
            let expected = cli["totals"][key].as_str().unwrap_or_else(|| panic!("the CLI has no totals.{key}"));
            let shown = app
                .wait_for(&format!("[{testid}] data-value"), common::SETTLE, async || {
                    let el = app.maybe(testid).await?;
                    el.attr("data-value").await.ok().flatten()
                })
                .await;
            assert_eq!(shown, expected, "dashboard {testid} data-value vs CLI totals.{key}");
            let text = app.text(testid).await;
            assert!(!text.trim().is_empty(), "{testid} shows no number");
        }
        for chart in ["chart-scope", "chart-facility"] {
            app.el(chart).await;
        }
        app.screenshot("03-dashboard").await;

        // A line's factor link opens the factor's detail. The lines table loads its rows a page
        // at a time after the totals: wait for the first page.
        let total = app.attr("dash-lines-total", "data-total").await;
        assert_eq!(total, Some(GOOD_ROWS.len().to_string()), "the lines table counts one row per record");
        let lines = app
            .wait_for("the dashboard's lines", common::SETTLE, async || {
                let lines = app.all("dash-line").await;
                (lines.len() == GOOD_ROWS.len()).then_some(lines)
            })
            .await;
        assert_eq!(lines.len(), GOOD_ROWS.len(), "one dashboard line per row");
        let factor_ids: Vec<String> = cli["lines"]
            .as_array()
            .expect("the CLI lists its lines")
            .iter()
            .map(|l| l["factor"]["id"].as_str().unwrap_or_default().to_string())
            .collect();
        let line = &lines[0];
        let line_text = app.cmd("dash-line text", line.text()).await;
        let link = app.cmd("factor-link", line.find(fantoccini::Locator::Css("[data-testid=\"factor-link\"]"))).await;
        let link_text = app.cmd("factor-link text", link.text()).await;
        let id = factor_ids
            .iter()
            .find(|id| link_text.contains(id.as_str()) || line_text.contains(id.as_str()))
            .unwrap_or_else(|| panic!("dash-line {line_text:?} names none of the factors {factor_ids:?}"))
            .clone();
        app.cmd("click factor-link", link.click()).await;
        app.wait_text("factor-detail", &format!("to show {id}"), |t| t.contains(&id)).await;

        // Factors: a search finds what `scopebook factors search` finds.
        let expected = cli_search_count("CN-GD");
        assert!(expected > 0, "the CLI finds no CN-GD factor");
        app.click("nav-factors").await;
        app.fill("factor-search", "CN-GD").await;
        let rows = app
            .wait_for("the factor rows of CN-GD", common::SETTLE, async || {
                let total = app.maybe("factor-total").await?.attr("data-total").await.ok()??;
                let rows = app.all("factor-row").await;
                let mut texts = Vec::new();
                for r in &rows {
                    // The DOM text: WebKitWebDriver's rendered text of these grid rows holds only
                    // their last cell.
                    texts.push(r.prop("textContent").await.ok()??);
                }
                (total == expected.to_string() && !texts.is_empty() && texts.iter().all(|t| t.contains("CN-GD")))
                    .then_some(texts)
            })
            .await;
        assert_eq!(rows.len(), expected, "factor rows shown: {rows:?}");
        app.screenshot("04-factors").await;
        app.close().await;
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn language_is_switched_and_remembered() {
    let Some(mut env) = Harness::start("language") else { return };
    within("language_is_switched_and_remembered", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        let dir = TempDir::new("language-org");
        set_up_inventory(&app, &dir).await;
        add_good_row(&app, &GOOD_ROWS[0]).await;
        app.click("nav-dashboard").await;
        app.el("total-scope1").await;
        let title_en = app.text("page-title").await;
        let label_en = app.text("label-scope1").await;
        assert!(!has_cjk(&title_en) && !has_cjk(&label_en), "English screen shows CJK: {title_en:?} {label_en:?}");

        app.fill("lang-select", "zh").await;
        let title_zh = app.wait_text("page-title", "to be Chinese", has_cjk).await;
        let label_zh = app.wait_text("label-scope1", "to be Chinese", has_cjk).await;
        assert_ne!(title_zh, title_en);
        assert_ne!(label_zh, label_en);
        app.screenshot("05-dashboard-zh").await;
        app.close().await;

        // A restart with the same data folder comes back in the remembered language, with the
        // organisation file reopened on the activities screen.
        let app = env.launch("page-title").await;
        let title = app.wait_text("page-title", "to be Chinese after a restart", has_cjk).await;
        assert_ne!(title, title_en);
        assert_eq!(app.value("lang-select").await, "zh", "the language select after a restart");
        app.el("nav-activities").await;
        assert_eq!(app.all("activity-row").await.len(), 1, "the stored record after a restart");
        app.screenshot("06-zh-after-restart").await;
        app.close().await;
    })
    .await;
}

/// The three records of `organisation_survives_a_restart`.
fn restart_rows() -> [Row; 3] {
    [
        GOOD_ROWS[0],                                 // natural gas, 10^4 Nm3, SZ-PLANT
        Row { facility: "NB-PLANT", ..GOOD_ROWS[2] }, // grid electricity in Zhejiang
        GOOD_ROWS[3],                                 // diesel, t
    ]
}

/// The quantities of the records shown, in list order.
async fn shown_quantities(app: &App) -> Vec<String> {
    let mut out = Vec::new();
    for el in app.all("activity-quantity").await {
        out.push(el.attr("data-value").await.ok().flatten().unwrap_or_default());
    }
    out
}

/// The dashboard's exact totals, by test id.
async fn dashboard_totals(app: &App) -> Vec<(String, String)> {
    app.click("nav-dashboard").await;
    let mut out = Vec::new();
    for (testid, _) in TOTALS {
        let v = app
            .wait_for(&format!("[{testid}] data-value"), common::SETTLE, async || {
                app.maybe(testid).await?.attr("data-value").await.ok().flatten()
            })
            .await;
        out.push((testid.to_string(), v));
    }
    out
}

/// The codes of the facilities shown, in tree order.
async fn shown_facilities(app: &App) -> Vec<String> {
    app.click("nav-facilities").await;
    app.wait_for("the facilities", common::SETTLE, async || {
        let rows = app.all("facility-row").await;
        let mut codes = Vec::new();
        for r in rows {
            codes.push(r.attr("data-code").await.ok()??);
        }
        (codes.len() == 3).then_some(codes)
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn organisation_survives_a_restart() {
    let Some(mut env) = Harness::start("restart") else { return };
    within("organisation_survives_a_restart", TEST_LIMIT, async {
        let dir = TempDir::new("restart-org");
        let app = env.launch("org-name").await;
        let path = create_organisation(&app, &dir).await;
        add_facility(&app, &LEGAL_ENTITY).await;

        // An equity share over 100 % is refused at its field, and nothing is added.
        app.click("nav-facilities").await;
        fill_facility(&app, &Fac { equity: "150", ..FACILITIES[0] }).await;
        app.click("fac-submit").await;
        let share_error = app.wait_text("err-fac-equity_share", "to show a message", |t| !t.trim().is_empty()).await;
        assert!(share_error.contains("150"), "the equity-share error does not name the value: {share_error:?}");
        assert_eq!(app.all("facility-row").await.len(), 1, "a refused facility was stored");
        for f in FACILITIES {
            add_facility(&app, f).await;
        }
        let facilities = shown_facilities(&app).await;
        assert_eq!(facilities, ["HD-CO", "NB-PLANT", "SZ-PLANT"], "the tree: the legal entity, then its facilities");
        for row in app.all("facility-row").await.iter().skip(1) {
            assert_eq!(
                row.attr("data-depth").await.unwrap().as_deref(),
                Some("1"),
                "a facility under its legal entity"
            );
        }
        app.screenshot("07-facilities").await;

        add_period(&app, "2023").await;
        app.click("nav-activities").await;
        app.el("act-period").await;
        for row in &restart_rows() {
            add_good_row(&app, row).await;
        }
        let quantities = shown_quantities(&app).await;
        assert_eq!(quantities, ["12.5", "950", "45.2"]);
        let totals = dashboard_totals(&app).await;

        // Lock (after the confirmation) and the snapshot is shown.
        app.click("nav-periods").await;
        app.click("period-lock").await;
        app.click("lock-confirm").await;
        app.wait_for("period 2023 to be locked", common::SETTLE, async || {
            let el = app.maybe("period-status").await?;
            (el.attr("data-status").await.ok()?? == "locked").then_some(())
        })
        .await;
        app.el("period-snapshot").await;
        app.screenshot("08-period-locked").await;

        // An edit in the locked period is refused as locked, and nothing changes.
        app.click("nav-activities").await;
        app.el("act-locked-hint").await;
        app.click("activity-edit").await;
        app.fill("act-quantity", "99").await;
        app.click("act-save").await;
        let banner = app
            .wait_for("the locked error", common::SETTLE, async || {
                let el = app.maybe("error-banner").await?;
                let code = el.attr("data-code").await.ok()??;
                let text = el.text().await.ok()?;
                Some((code, text))
            })
            .await;
        assert_eq!(banner.0, "locked", "the error banner: {banner:?}");
        assert!(banner.1.contains("locked"), "the banner does not say the period is locked: {banner:?}");
        app.screenshot("09-edit-refused").await;
        app.click("act-cancel-edit").await;
        assert_eq!(shown_quantities(&app).await, quantities, "a refused edit changed a record");

        // The record's history has its creation.
        app.click("activity-history").await;
        app.el("history-panel").await;
        assert_eq!(app.all("history-entry").await.len(), 1);

        // Verify: the chain is intact.
        app.click("nav-audit").await;
        app.click("audit-verify").await;
        let ok = app
            .wait_for("the verify result", common::SETTLE, async || {
                app.maybe("audit-verify-result").await?.attr("data-ok").await.ok()?
            })
            .await;
        assert_eq!(ok, "true", "verify: {}", app.text("audit-verify-result").await);
        app.screenshot("10-audit-verified").await;
        app.close().await;

        // A restart reopens the file with everything in it.
        let app = env.launch("act-period").await;
        assert_eq!(app.attr("org-title", "data-path").await.as_deref(), Some(path.as_str()));
        assert_eq!(app.attr("act-period", "data-status").await.as_deref(), Some("locked"));
        let after = app
            .wait_for("the records after a restart", common::SETTLE, async || {
                let q = shown_quantities(&app).await;
                (q.len() == 3).then_some(q)
            })
            .await;
        assert_eq!(after, quantities, "the records after a restart");
        assert_eq!(shown_facilities(&app).await, facilities, "the facilities after a restart");
        assert_eq!(dashboard_totals(&app).await, totals, "the totals after a restart");
        app.screenshot("11-after-restart").await;
        app.close().await;

        // The library the CLI uses reads and verifies the same file.
        let store = scopebook_store::Store::open(std::path::Path::new(&path), "e2e").expect("the file opens");
        let verified = store.verify().expect("the audit chain verifies");
        assert!(verified.entries > 0);
        assert_eq!(store.facilities().unwrap().len(), 3);
        assert_eq!(store.period(2023).unwrap().status, scopebook_store::PeriodStatus::Locked);
        let records = store.activities(2023, false).unwrap();
        let stored: Vec<&str> = records.iter().map(|r| r.quantity.as_str()).collect();
        assert_eq!(stored, ["12.5", "950", "45.2"]);
    })
    .await;
}

/// The import test's file: Chinese headers, GBK, four rows; the third (line 4) has a negative
/// quantity.
const IMPORT_CSV: &str = "设施,能源品种,用量,单位,开始日期,结束日期,凭证号\n\
SZ,电力,50000,千瓦时,2023-01-01,2023-01-31,V-001\n\
SZ,柴油,2.5,吨,2023-01-01,2023-01-31,V-002\n\
SZ,电力,-20,千瓦时,2023-02-01,2023-02-28,V-003\n\
SZ,电力,48000,千瓦时,2023-02-01,2023-02-28,V-004\n";

/// The value of an element's `data-*` attribute, waiting until it equals `want`.
async fn wait_attr(app: &App, testid: &str, name: &str, want: &str) {
    app.wait_for(&format!("[{testid}] {name}={want:?}"), common::SETTLE, async || {
        (app.maybe(testid).await?.attr(name).await.ok()?? == want).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_import_is_previewed_then_written() {
    let Some(mut env) = Harness::start("import") else { return };
    within("an_import_is_previewed_then_written", TEST_LIMIT, async {
        let dir = TempDir::new("import-org");
        let app = env.launch("org-name").await;
        let path = create_organisation(&app, &dir).await;
        add_facility(
            &app,
            &Fac { kind: "facility", parent: "", code: "SZ", name: "Suzhou", equity: "100", region: "CN-JS" },
        )
        .await;
        add_period(&app, "2023").await;

        let (gbk, _, lossy) = encoding_rs::GBK.encode(IMPORT_CSV);
        assert!(!lossy, "the file is GBK");
        let file = dir.path().join("energy.csv");
        std::fs::write(&file, &gbk).unwrap();

        // (1)–(3): inspect; the encoding is found and the mapping guessed from the headers.
        app.click("nav-import").await;
        app.fill("imp-path", &file.display().to_string()).await;
        app.click("imp-inspect").await;
        app.el("imp-file-info").await;
        let encoding = app.attr("imp-file-info", "data-encoding").await.unwrap_or_default();
        assert!(encoding.starts_with("GB"), "the encoding found: {encoding:?}");
        assert_eq!(app.attr("imp-file-info", "data-rows").await.as_deref(), Some("4"));
        assert_eq!(app.all("imp-sample-row").await.len(), 4);
        assert_eq!(app.attr("imp-mapping-source", "data-kind").await.as_deref(), Some("guess"));
        for (field, header) in [
            ("facility", "设施"),
            ("activity", "能源品种"),
            ("quantity", "用量"),
            ("unit", "单位"),
            ("evidence", "凭证号"),
        ] {
            assert_eq!(app.value(&format!("imp-map-{field}")).await, header, "the guessed column of {field}");
        }
        app.screenshot("12-import-mapping").await;

        // (4) the preview: counts, and the bad row at its row and column.
        app.click("imp-preview").await;
        wait_attr(&app, "imp-count-read", "data-value", "4").await;
        assert_eq!(app.attr("imp-count-valid", "data-value").await.as_deref(), Some("3"));
        assert_eq!(app.attr("imp-count-problems", "data-value").await.as_deref(), Some("1"));
        let problems = app.all("imp-problem-row").await;
        assert_eq!(problems.len(), 1, "one problem");
        assert_eq!(problems[0].attr("data-row").await.unwrap().as_deref(), Some("4"));
        assert_eq!(problems[0].attr("data-column").await.unwrap().as_deref(), Some("用量"));
        assert_eq!(problems[0].attr("data-code").await.unwrap().as_deref(), Some("negative-quantity"));
        let scope2 = app.attr("imp-emissions-scope2_location", "data-value").await.unwrap_or_default();
        assert!(scope2 != "0" && !scope2.is_empty(), "the preview adds Scope 2 emissions: {scope2:?}");
        app.screenshot("13-import-preview").await;

        // (5) all or nothing: refused, nothing written.
        app.click("imp-run-all").await;
        wait_attr(&app, "imp-result", "data-outcome", "refused").await;
        assert_eq!(app.attr("imp-result", "data-records").await.as_deref(), Some("0"));
        app.click("nav-activities").await;
        wait_attr(&app, "activity-total", "data-total", "0").await;
        assert!(app.all("activity-row").await.is_empty(), "a refused import wrote records");

        // Valid rows only: three records, the skipped row in a CSV with a reason column.
        app.click("nav-import").await;
        app.click("imp-run-valid").await;
        wait_attr(&app, "imp-result", "data-outcome", "imported").await;
        assert_eq!(app.attr("imp-result", "data-records").await.as_deref(), Some("3"));
        let import_id = app.attr("imp-result", "data-import").await.unwrap_or_default();
        let skipped = app.attr("imp-skipped-file", "data-path").await.unwrap_or_default();
        assert_eq!(skipped, dir.path().join("energy.skipped.csv").display().to_string());
        let text = std::fs::read_to_string(&skipped).expect("the skipped-rows file exists");
        let text = text.trim_start_matches('\u{feff}');
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "the header and the one skipped row: {text}");
        assert!(lines[0].ends_with(",reason"), "a reason column: {}", lines[0]);
        assert!(lines[1].starts_with("SZ,电力,-20,") && lines[1].contains("negative"), "{}", lines[1]);
        app.screenshot("14-import-written").await;

        // The activities screen has the three records; one's history says where it came from.
        app.click("nav-activities").await;
        wait_attr(&app, "activity-total", "data-total", "3").await;
        let quantities = app
            .wait_for("the imported records", common::SETTLE, async || {
                let q = shown_quantities(&app).await;
                (q.len() == 3).then_some(q)
            })
            .await;
        assert_eq!(quantities, ["50000", "2.5", "48000"]);
        app.click("activity-history").await;
        app.el("history-lineage").await;
        assert_eq!(app.attr("history-lineage", "data-file").await.as_deref(), Some("energy.csv"));
        assert_eq!(app.attr("history-lineage", "data-row").await.as_deref(), Some("2"));
        assert_eq!(app.attr("history-lineage", "data-import").await.as_deref(), Some(import_id.as_str()));
        app.screenshot("15-import-lineage").await;
        app.close().await;

        // The library verifies the file and finds one import of three records.
        let store = scopebook_store::Store::open(std::path::Path::new(&path), "e2e").expect("the file opens");
        store.verify().expect("the audit chain verifies");
        let imports = store.imports().unwrap();
        assert_eq!(imports.len(), 1, "one import");
        assert_eq!(imports[0].rows_imported, 3);
        assert_eq!(imports[0].rows_skipped, 1);
        assert_eq!(imports[0].file_name, "energy.csv");
        assert_eq!(store.activities(2023, false).unwrap().len(), 3);
    })
    .await;
}
