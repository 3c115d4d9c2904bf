//! Real-window end-to-end tests: the built `scopebook-app` under Xvfb, driven through
//! WebKitWebDriver (see `common/mod.rs` for the harness and when these tests skip).
//!
//! `inventory_matches_the_cli`: guided setup (with its validation), activity entry (good rows, a
//! malformed number and a unit mismatch), the dashboard's totals compared with `scopebook calc` on
//! the same rows, a factor's detail from a dashboard line, and the factor search.
//! `language_is_switched_and_remembered`: English to Chinese on the dashboard, then a restart
//! with the same data folder comes back in Chinese.
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

/// Guided setup: the name, year, consolidation, GWP set and language, then submit; waits for
/// the main screens' navigation.
async fn complete_setup(app: &App) {
    app.fill("setup-name", ORGANISATION).await;
    app.fill("setup-year", "2023").await;
    app.fill("setup-consolidation", "operational-control").await;
    app.fill("setup-gwp", "AR5").await;
    app.fill("setup-language", "en").await;
    app.click("setup-submit").await;
    app.el("nav-activities").await;
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
        let app = env.launch("setup-name").await;

        // Setup: the Rust side's validation is shown at the fields.
        app.screenshot("01-setup").await;
        app.fill("setup-name", "").await;
        app.fill("setup-year", "1800").await;
        app.click("setup-submit").await;
        app.wait_text("err-name", "to show a message", |t| !t.trim().is_empty()).await;
        let year_error = app.wait_text("err-reporting_year", "to show a message", |t| !t.trim().is_empty()).await;
        assert!(year_error.contains("1800"), "the year error does not name the year: {year_error:?}");
        assert!(app.maybe("nav-activities").await.is_none(), "an invalid setup was accepted");
        complete_setup(&app).await;

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

        // A line's factor link opens the factor's detail.
        let lines = app.all("dash-line").await;
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
        let app = env.launch("setup-name").await;
        complete_setup(&app).await;
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

        // A restart with the same data folder comes back in the remembered language. While the
        // workbook lives in memory the first screen is the setup again (in Chinese); once it is
        // stored, it is the activities screen.
        let app = env.launch("page-title").await;
        let title = app.wait_text("page-title", "to be Chinese after a restart", has_cjk).await;
        assert_ne!(title, title_en);
        assert_eq!(app.value("lang-select").await, "zh", "the language select after a restart");
        if app.maybe("setup-name").await.is_some() {
            assert_eq!(app.value("setup-language").await, "zh", "the setup's language after a restart");
        }
        app.screenshot("06-zh-after-restart").await;
        app.close().await;
    })
    .await;
}
