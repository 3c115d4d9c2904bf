//! Real-window end-to-end test of the Dashboard's Scope 2 and Scope 3 tabs (issue 14, decision
//! 0046), in the harness of `common/mod.rs`.
//!
//! `scope2_and_scope3_match_the_cli`: an organisation file made with the CLI: facility SZ in CN,
//! period 2023, 10,000 MWh of grid electricity and a spend-based purchase (category 1, with data
//! quality scores), category 8 excluded with its reason. Opened in the app: on the Scope 2 tab, a
//! bad instruments file is refused with its line and nothing imported; then the 3,000 MWh
//! of China GEC imported by typed path. Location-based 5,306 t and market-based 4,267.2 t side by
//! side, the GEC's applied MWh and its grade on each criterion, and the coverage equal to
//! `scopebook calc --db <the same file> --format json`. On the Scope 3 tab category 14 is set not
//! applicable through its form (an exclusion without a reason cannot be saved); every category's
//! status, the excluded reason, t CO2e and the data-quality score then equal the CLI's JSON.
//! Switched to Chinese, the tabs, a status and a grade with its reason are in Chinese.
//!
//! `a_spend_record_entered_in_the_form_shows_on_the_scope3_tab` (decision 0051): the same spend
//! purchase typed into the Activities screen's record form instead: its Scope 3 section opens for
//! the spend activity; a negative exchange rate is refused at its own field and nothing stored;
//! then method spend-based, five scores and the money cells are saved, the list shows the method,
//! editing the record opens the section with its values (cancelling collapses it), and the Scope 3
//! tab's category 1 shows the method mix, t CO2e and data quality 3.2 of `calc --db`.
//!
//! Run: `cargo test -p scopebook-e2e --test scope23 -- --test-threads=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

mod common;

use std::path::Path;
use std::time::Duration;

use common::{cli_ok, within, App, Harness, TempDir};
use fantoccini::Locator;
use serde_json::Value;

const TEST_LIMIT: Duration = Duration::from_secs(300);
/// One calculation of the period in a debug build.
const CALC: Duration = Duration::from_secs(60);
const EXCLUDED: &str = "no leased assets: every site is owned";
const GEC: &str = "facility,instrument,mwh,emission_rate_kg_per_mwh,generation_start,generation_end,market,registry,serial_from,serial_to,retired_on,beneficiary,evidence\n\
    SZ,gec,3000,0,2023-01-01,2023-06-30,CN,China GEC,GEC-2023-000001,GEC-2023-003000,2024-02-15,Acme Suzhou Ltd,gec.pdf\n";

/// An organisation file `name`.scopebook made with the CLI: facility SZ in CN, period 2023.
fn bare_organisation(dir: &Path, name: &str) -> String {
    let db = dir.join(format!("{name}.scopebook")).display().to_string();
    cli_ok(&["init", "--db", &db, "--name", "Suzhou Scope Test Co.", "--consolidation", "operational-control"]);
    cli_ok(&["facility", "add", "--db", &db, "--code", "SZ", "--name", "Suzhou plant", "--region", "CN"]);
    cli_ok(&["period", "add", "--db", &db, "--year", "2023"]);
    db
}

/// The organisation file of the case, made with the CLI (no instruments yet).
fn organisation(dir: &Path) -> String {
    let db = bare_organisation(dir, "scope23");
    let year = ["--start", "2023-01-01", "--end", "2023-12-31"];
    let base = ["activity", "add", "--db", &db, "--period", "2023", "--facility", "SZ"];
    let power = ["--activity", "grid_electricity", "--quantity", "10000", "--unit", "MWh"];
    cli_ok(&[&base[..], &power, &year].concat());
    let spend = [
        "--activity",
        "spend.naics.334111",
        "--quantity",
        "1000000",
        "--unit",
        "CNY",
        "--factor",
        "epa-useeio.1.3.0.334111",
        "--method",
        "spend-based",
        "--dq-technology",
        "4",
        "--dq-time",
        "3",
        "--dq-geography",
        "4",
        "--dq-completeness",
        "2",
        "--dq-reliability",
        "3",
        "--currency-year",
        "2023",
        "--exchange-rate",
        "7.0467",
        "--price-index",
        "1",
    ];
    cli_ok(&[&base[..], &spend, &year].concat());
    let status = ["scope3", "status", "set", "--db", &db, "--period", "2023", "--category", "8"];
    cli_ok(&[&status[..], &["--status", "excluded", "--reason", EXCLUDED]].concat());
    db
}

fn calc(db: &str) -> Value {
    serde_json::from_str(&cli_ok(&["calc", "--db", db, "--period", "2023", "--format", "json"])).expect("JSON")
}

async fn attr_of(app: &App, el: &common::Element, name: &str) -> Option<String> {
    app.cmd(&format!("attribute {name}"), el.attr(name)).await
}

/// The elements `testid` inside `el`.
async fn inside(app: &App, el: &common::Element, testid: &str) -> Vec<common::Element> {
    let css = format!("[data-testid=\"{testid}\"]");
    app.cmd(&format!("find [{testid}]"), el.find_all(Locator::Css(&css))).await
}

/// Waits until the tab `testid` (scope2 or scope3) has finished calculating.
async fn wait_loaded(app: &App, testid: &str) {
    app.wait_for(&format!("[{testid}] calculated"), CALC, async || {
        (app.attr(testid, "data-loading").await.as_deref() == Some("false")).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn scope2_and_scope3_match_the_cli() {
    let Some(mut env) = Harness::start("scope23") else { return };
    let dir = TempDir::new("scope23-org");
    let db = organisation(dir.path());
    let bad = dir.path().join("bad-instruments.csv");
    std::fs::write(&bad, format!("{GEC}SZ,nope,10,0,2023-01-01,2023-02-01,CN,,,,,,\n")).unwrap();
    let good = dir.path().join("INSTR.csv");
    std::fs::write(&good, GEC).unwrap();
    within("scope2_and_scope3_match_the_cli", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        app.fill("open-path", &db).await;
        app.click("open-submit").await;
        app.wait_gone("open-path").await;
        app.click("nav-dashboard").await;
        app.click("dash-tab-scope2").await;
        app.wait_el("scope2", CALC).await;
        wait_loaded(&app, "scope2").await;
        app.el("s2-none").await;

        // A bad file: refused at its line, nothing imported.
        app.fill("s2-import-path", &bad.display().to_string()).await;
        app.click("s2-import").await;
        let banner = app.wait_el("error-banner", CALC).await;
        let said = app.cmd("banner text", banner.text()).await;
        assert!(said.contains("line 3"), "the refusal names the line: {said}");
        assert!(app.maybe("s2-instrument").await.is_none(), "a refused file imported rows");

        // The GEC file: imported; the tab calculates again.
        app.fill("s2-import-path", &good.display().to_string()).await;
        app.click("s2-import").await;
        app.wait_el("s2-notice", CALC).await;
        app.wait_el("s2-instrument", CALC).await;
        wait_loaded(&app, "scope2").await;
        app.screenshot("scope2").await;

        let json = calc(&db);
        let location = app.attr("s2-location", "data-value").await.unwrap();
        let market = app.attr("s2-market", "data-value").await.unwrap();
        assert_eq!((location.as_str(), market.as_str()), ("5306", "4267.2"));
        assert_eq!(location, json["totals"]["scope2_location"].as_str().unwrap());
        assert_eq!(market, json["totals"]["scope2_market"].as_str().unwrap());
        let rows = app.all("s2-instrument").await;
        assert_eq!(rows.len(), 1);
        let gec = &json["instruments"][0];
        assert_eq!(attr_of(&app, &rows[0], "data-kind").await.as_deref(), gec["instrument"].as_str());
        let applied = inside(&app, &rows[0], "s2-applied").await;
        assert_eq!(attr_of(&app, &applied[0], "data-value").await.as_deref(), gec["applied_mwh"].as_str());
        let grades = inside(&app, &rows[0], "s2-grade").await;
        assert_eq!(grades.len(), 5);
        for g in &grades {
            let criterion = attr_of(&app, g, "data-criterion").await.unwrap();
            let grade = attr_of(&app, g, "data-grade").await.unwrap();
            assert_eq!(Some(grade.as_str()), gec["quality"][&criterion].as_str(), "{criterion}");
        }
        let shares = app.all("s2-share").await;
        let mut seen = Vec::new();
        for s in &shares {
            let by = attr_of(&app, s, "data-by").await.unwrap();
            seen.push((
                by,
                attr_of(&app, s, "data-mwh").await.unwrap(),
                attr_of(&app, s, "data-percent").await.unwrap(),
            ));
        }
        let expect = [("gec", "3000", "30.00"), ("residual-mix", "7000", "70.00"), ("grid-average", "0", "0.00")];
        let seen: Vec<(&str, &str, &str)> = seen.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        assert_eq!(seen, expect);
        assert_eq!(
            app.attr("s2-facility", "data-basis").await.as_deref(),
            json["by_facility"][0]["scope2_market_basis"].as_str()
        );
        assert!(!app.text("s2-residual-factor").await.trim().is_empty(), "the residual-mix factor is named");

        // Scope 3: category 14 set not applicable; an exclusion needs its reason.
        app.click("dash-tab-scope3").await;
        app.wait_el("scope3", CALC).await;
        wait_loaded(&app, "scope3").await;
        let edits = app.all("s3-edit").await;
        assert_eq!(edits.len(), 15);
        app.cmd("edit category 14", edits[13].clone().click()).await;
        app.fill("s3-status", "excluded").await;
        assert_eq!(app.attr("s3-save", "disabled").await.as_deref(), Some("true"), "an exclusion without a reason");
        app.fill("s3-status", "not-applicable").await;
        app.click("s3-save").await;
        app.wait_el("s3-notice", CALC).await;
        wait_loaded(&app, "scope3").await;
        // Category 8 (excluded) estimated at 120 t: the coverage of Scope 3 is shown (decision 0054).
        let edits = app.all("s3-edit").await;
        app.cmd("edit category 8", edits[7].clone().click()).await;
        app.fill("s3-estimate-input", "-3").await;
        assert_eq!(app.attr("s3-save", "disabled").await.as_deref(), Some("true"), "a negative estimate");
        app.fill("s3-estimate-input", "120").await;
        app.click("s3-save").await;
        app.wait_el("s3-coverage", CALC).await;
        wait_loaded(&app, "scope3").await;
        app.screenshot("scope3").await;

        let json = calc(&db);
        assert_eq!(app.attr("s3-coverage", "data-value").await.as_deref(), json["scope3_coverage"]["percent"].as_str());
        assert_eq!(json["scope3_coverage"]["estimated_categories"], serde_json::json!([8]));
        assert_eq!(app.attr("s3-estimate", "data-value").await.as_deref(), Some("120"));
        let cats = json["scope3_categories"].as_array().unwrap();
        let rows = app.all("s3-category").await;
        assert_eq!(rows.len(), 15);
        for (row, c) in rows.iter().zip(cats) {
            let n = c["category"].as_u64().unwrap().to_string();
            assert_eq!(attr_of(&app, row, "data-category").await.as_deref(), Some(n.as_str()));
            assert_eq!(attr_of(&app, row, "data-status").await.as_deref(), c["status"].as_str(), "category {n}");
            let co2e = inside(&app, row, "s3-co2e").await;
            assert_eq!(attr_of(&app, &co2e[0], "data-value").await.as_deref(), c["co2e_t"].as_str(), "category {n}");
            let reason = inside(&app, row, "s3-reason").await;
            let shown = match reason.first() {
                Some(r) => Some(app.cmd("reason", r.text()).await),
                None => None,
            };
            assert_eq!(shown.as_deref(), c["reason"].as_str(), "category {n}");
            let dq = inside(&app, row, "s3-dq").await;
            let score = match dq.first() {
                Some(d) => attr_of(&app, d, "data-value").await,
                None => None,
            };
            assert_eq!(score.as_deref(), c["data_quality"]["overall"].as_str(), "category {n}");
        }
        assert_eq!(cats[7]["reason"].as_str(), Some(EXCLUDED));
        assert_eq!(cats[13]["status"].as_str(), Some("not-applicable"));
        assert_eq!(cats[0]["data_quality"]["overall"].as_str(), Some("3.2"));

        // In Chinese: the tabs, a status and a grade's reason are worded in Chinese.
        app.fill("lang-select", "zh").await;
        app.wait_text("dash-tab-scope3", "the Scope 3 tab in Chinese", |t| t == "范围三").await;
        let excluded = &app.all("s3-category").await[7];
        let said = app.cmd("category 8's status", excluded.text()).await;
        assert!(said.contains("排除"), "category 8 in Chinese: {said}");
        app.screenshot("scope3-zh").await;
        app.click("dash-tab-scope2").await;
        app.wait_el("s2-instrument", CALC).await;
        wait_loaded(&app, "scope2").await;
        let grade = app.text("s2-grade").await;
        assert!(grade.contains("通过") && grade.contains("在报告期内发电"), "a grade in Chinese: {grade}");
        app.screenshot("scope2-zh").await;
        app.close().await;
    })
    .await;
}

/// Issue 14 / decision 0051: a Scope 3 record entered in the app's record form.
#[tokio::test(flavor = "current_thread")]
async fn a_spend_record_entered_in_the_form_shows_on_the_scope3_tab() {
    let Some(mut env) = Harness::start("scope23-form") else { return };
    let dir = TempDir::new("scope23-form-org");
    let db = bare_organisation(dir.path(), "scope23-form");
    within("a_spend_record_entered_in_the_form_shows_on_the_scope3_tab", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        app.fill("open-path", &db).await;
        app.click("open-submit").await;
        app.wait_gone("open-path").await;
        app.click("nav-activities").await;
        app.wait_for("the activities of period 2023", common::SETTLE, async || {
            let el = app.maybe("act-period").await?;
            (el.attr("data-year").await.ok()?? == "2023").then_some(())
        })
        .await;
        assert_eq!(app.attr("act-scope3", "data-open").await.as_deref(), Some("false"), "collapsed for an empty row");

        app.fill("act-facility", "SZ").await;
        app.fill("act-period-start", "2023-01-01").await;
        app.fill("act-period-end", "2023-12-31").await;
        app.fill("act-activity", "spend.naics.334111").await;
        app.fill("act-quantity", "1000000").await;
        app.fill("act-unit", "CNY").await;
        app.fill("act-factor", "epa-useeio.1.3.0.334111").await;
        // A Scope 3 activity type: the section opens by itself.
        app.wait_for("the Scope 3 section to open", common::SETTLE, async || {
            (app.attr("act-scope3", "data-open").await.as_deref() == Some("true")).then_some(())
        })
        .await;
        app.fill("act-method", "spend-based").await;
        for (field, score) in [
            ("act-dq_technology", "4"),
            ("act-dq_time", "3"),
            ("act-dq_geography", "4"),
            ("act-dq_completeness", "2"),
            ("act-dq_reliability", "3"),
        ] {
            app.fill(field, score).await;
        }
        app.fill("act-currency-year", "2023").await;
        app.fill("act-price-index", "1").await;

        // A negative exchange rate: refused at its own field, nothing stored.
        app.fill("act-exchange-rate", "-7").await;
        app.click("act-add").await;
        let said = app.wait_text("err-exchange_rate", "the exchange rate's error", |t| !t.trim().is_empty()).await;
        app.screenshot("scope3-form-refused").await;
        assert!(said.contains("exchange_rate"), "the error names its column: {said}");
        assert_eq!(app.attr("err-exchange_rate", "data-code").await.as_deref(), Some("non-positive-value"));
        assert!(app.maybe("err-row").await.is_none(), "the error is at its field, not the row");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(app.all("activity-row").await.is_empty(), "a refused record was stored");

        app.fill("act-exchange-rate", "7.0467").await;
        app.click("act-add").await;
        app.wait_for("the spend record to be stored", common::SETTLE, async || {
            (app.all("activity-row").await.len() == 1).then_some(())
        })
        .await;
        app.screenshot("scope3-form").await;
        assert_eq!(app.attr("activity-method", "data-method").await.as_deref(), Some("spend-based"));
        assert!(app.maybe("activity-pcaf").await.is_none(), "no PCAF score given, none shown");

        // Edited, the record shows its Scope 3 cells in the open section; cancelled, it collapses.
        app.click("activity-edit").await;
        app.wait_for("the record's Scope 3 section to open", common::SETTLE, async || {
            (app.attr("act-scope3", "data-open").await.as_deref() == Some("true")).then_some(())
        })
        .await;
        assert_eq!(app.value("act-method").await, "spend-based");
        assert_eq!(app.value("act-dq_time").await, "3");
        assert_eq!(app.value("act-exchange-rate").await, "7.0467");
        assert!(app.maybe("act-attribution").await.is_none(), "no category-15 cells on a spend line");
        app.click("act-cancel-edit").await;
        app.wait_for("the section to collapse for a new row", common::SETTLE, async || {
            (app.attr("act-scope3", "data-open").await.as_deref() == Some("false")).then_some(())
        })
        .await;

        app.click("nav-dashboard").await;
        app.click("dash-tab-scope3").await;
        app.wait_el("scope3", CALC).await;
        wait_loaded(&app, "scope3").await;
        app.screenshot("scope3-form-tab").await;
        let json = calc(&db);
        let c1 = &json["scope3_categories"][0];
        assert_eq!(c1["data_quality"]["overall"].as_str(), Some("3.2"));
        let row = &app.all("s3-category").await[0];
        assert_eq!(attr_of(&app, row, "data-category").await.as_deref(), Some("1"));
        let methods = inside(&app, row, "s3-method").await;
        assert_eq!(methods.len(), 1, "one method in category 1's mix");
        assert_eq!(attr_of(&app, &methods[0], "data-method").await.as_deref(), Some("spend-based"));
        assert_eq!(attr_of(&app, &methods[0], "data-value").await.as_deref(), c1["method_mix"]["spend-based"].as_str());
        let dq = inside(&app, row, "s3-dq").await;
        assert_eq!(attr_of(&app, &dq[0], "data-value").await.as_deref(), Some("3.2"));
        let co2e = inside(&app, row, "s3-co2e").await;
        assert_eq!(attr_of(&app, &co2e[0], "data-value").await.as_deref(), c1["co2e_t"].as_str());
        app.close().await;
    })
    .await;
}

/// Decision 0058 in a real window: a locked period with 1,000,000 kWh of district heat (3,600
/// GJ), 900 GJ of it at the network's rate, and category 8 excluded. The Scope 2 tab shows the
/// heat instrument's energy and GJ and heat's share (25.00 %); the heat instrument is restated
/// to 1,800 GJ from a one-row file with its reason, and the share becomes 50.00 % with the
/// market-based total `calc --db`'s. On the Scope 3 tab category 8 is restated relevant with 30 t
/// estimated, as `calc --db` then says.
#[tokio::test(flavor = "current_thread")]
async fn a_locked_periods_heat_instrument_and_category_status_are_restated() {
    let Some(mut env) = Harness::start("scope23-restate") else { return };
    let dir = TempDir::new("scope23-restate-org");
    let db = bare_organisation(dir.path(), "restate");
    let base = [
        "activity",
        "add",
        "--db",
        &db,
        "--period",
        "2023",
        "--facility",
        "SZ",
        "--start",
        "2023-01-01",
        "--end",
        "2023-12-31",
    ];
    let heat = [
        "--activity",
        "heat_and_steam.district",
        "--quantity",
        "1000000",
        "--unit",
        "kWh",
        "--factor",
        "desnz2024.heat_and_steam.district.kwh",
    ];
    cli_ok(&[&base[..], &heat].concat());
    let head = "facility,instrument,mwh,gj,energy,emission_rate_kg_per_mwh,generation_start,generation_end,market\n";
    let first = dir.path().join("heat.csv");
    std::fs::write(&first, format!("{head}SZ,supplier-rate,,900,heat,54,2023-01-01,2023-12-31,CN\n")).unwrap();
    cli_ok(&["instrument", "import", "--db", &db, "--period", "2023", &first.display().to_string()]);
    let status = ["scope3", "status", "set", "--db", &db, "--period", "2023", "--category", "8"];
    cli_ok(&[&status[..], &["--status", "excluded", "--reason", EXCLUDED]].concat());
    cli_ok(&["period", "lock", "--db", &db, "--year", "2023"]);
    let fix = dir.path().join("heat-fix.csv");
    std::fs::write(&fix, format!("{head}SZ,supplier-rate,,1800,heat,54,2023-01-01,2023-12-31,CN\n")).unwrap();
    within("a_locked_periods_heat_instrument_and_category_status_are_restated", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        app.fill("open-path", &db).await;
        app.click("open-submit").await;
        app.wait_gone("open-path").await;
        app.click("nav-dashboard").await;
        app.click("dash-tab-scope2").await;
        app.wait_el("scope2", CALC).await;
        wait_loaded(&app, "scope2").await;
        app.el("s2-locked").await;
        assert!(app.maybe("s2-delete").await.is_none(), "a locked period's instrument offered for deletion");
        assert_eq!(app.attr("s2-mwh", "data-value").await.as_deref(), Some("900"));
        assert!(!app.text("s2-energy").await.trim().is_empty(), "the heat instrument names its energy");
        let share = |by: &'static str| {
            let app = &app;
            async move {
                for s in app.all("s2-heat-share").await {
                    if attr_of(app, &s, "data-by").await.as_deref() == Some(by) {
                        return attr_of(app, &s, "data-percent").await;
                    }
                }
                None
            }
        };
        assert_eq!(share("supplier-rate").await.as_deref(), Some("25.00"));

        // Restated from the corrected one-row file, with its reason.
        app.click("s2-restate").await;
        app.fill("s2-restate-path", &fix.display().to_string()).await;
        assert_eq!(app.attr("s2-restate-save", "disabled").await.as_deref(), Some("true"), "no reason yet");
        app.fill("s2-restate-reason", "the network's statement shows 1,800 GJ").await;
        app.click("s2-restate-save").await;
        app.wait_el("s2-notice", CALC).await;
        wait_loaded(&app, "scope2").await;
        app.wait_for("the restated instrument", CALC, async || {
            (app.attr("s2-mwh", "data-value").await.as_deref() == Some("1800")).then_some(())
        })
        .await;
        assert_eq!(share("supplier-rate").await.as_deref(), Some("50.00"));
        let json = calc(&db);
        assert_eq!(app.attr("s2-market", "data-value").await.as_deref(), json["totals"]["scope2_market"].as_str());
        app.screenshot("scope2-restated").await;

        // Scope 3: category 8 restated relevant, estimated at 30 t.
        app.click("dash-tab-scope3").await;
        app.wait_el("scope3", CALC).await;
        wait_loaded(&app, "scope3").await;
        app.el("s3-locked").await;
        let restate = app.all("s3-restate").await;
        assert_eq!(restate.len(), 1, "only the category with a status can be restated");
        app.cmd("restate category 8", restate[0].clone().click()).await;
        app.fill("s3-status", "relevant").await;
        app.fill("s3-estimate-input", "30").await;
        assert_eq!(app.attr("s3-save", "disabled").await.as_deref(), Some("true"), "no reason yet");
        app.fill("s3-why-input", "leased warehouses found in the audit").await;
        app.click("s3-save").await;
        app.wait_el("s3-notice", CALC).await;
        wait_loaded(&app, "scope3").await;
        let json = calc(&db);
        assert_eq!(json["scope3_categories"][7]["status"], "relevant");
        let row = &app.all("s3-category").await[7];
        assert_eq!(attr_of(&app, row, "data-status").await.as_deref(), Some("relevant"));
        app.screenshot("scope3-restated").await;
        app.close().await;
    })
    .await;
    let log = cli_ok(&["audit", "log", "--db", &db]);
    assert!(log.contains("1,800 GJ") && log.contains("leased warehouses"), "{log}");
}
