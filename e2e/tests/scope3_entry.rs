//! Real-window end-to-end test of the record form's "Work out the quantity…" panel (issue 14,
//! decision 0057), in the harness of `common/mod.rs`.
//!
//! `a_flight_leg_worked_out_in_the_form_is_stored_as_pkm`: an organisation file made with the
//! CLI (facility SZ, period 2024). On the Activities screen the record's Scope 3 section is
//! opened by hand and "Work out the quantity…" with it; the flight-leg calculator first refuses
//! zero passengers at its own cell (nothing filled), then works out an 8,000 km long-haul economy
//! one-way leg for 1 passenger without radiative forcing: the form's activity, quantity, unit,
//! category and method are filled and the note holds the working. Saved, `scopebook activity
//! list --db` shows the stored record: travel.air.long_haul.economy, 8000 pkm, category 6,
//! distance-based, the working in its note.
//!
//! `an_investment_worked_out_in_the_form_stores_its_attribution_and_pcaf_score`: the same kind of
//! file, period 2024 keeping a category-15 pass-through factor file (`investee_scope1_2`, 1000 kg
//! CO2e per t reported, as golden cases 17 and 21; none ships). The investment calculator first
//! refuses outstanding 4,000,000 above EVIC 3,000,000 at its own cell (nothing filled), then
//! works out outstanding 1,000,000 ÷ EVIC 3,000,000 of Example Co's 4,800 t with PCAF score 2:
//! the form's activity, quantity, unit, category, method, attribution (1 ÷ 3 held at 28 decimal
//! places) and PCAF score are filled, the note holds the working. Saved, `scopebook activity list
//! --db` shows the attribution and score as filled, and `scopebook calc --db` gives the period's
//! Scope 3 as 1,600 t (the engine's 9-place hold of kg, decision 0002).
//!
//! Run: `cargo test -p scopebook-e2e --test scope3_entry -- --test-threads=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

mod common;

use std::time::Duration;

use common::{cli_ok, within, Harness, TempDir};
use serde_json::Value;

const TEST_LIMIT: Duration = Duration::from_secs(300);
const WORKING: &str = "Flight leg: 8000 km × 1 passenger one way = 8000 pkm; long_haul, economy, without radiative forcing → travel.air.long_haul.economy";

#[tokio::test(flavor = "current_thread")]
async fn a_flight_leg_worked_out_in_the_form_is_stored_as_pkm() {
    let Some(mut env) = Harness::start("scope3_entry") else { return };
    let dir = TempDir::new("scope3-entry-org");
    let db = dir.path().join("travel.scopebook").display().to_string();
    cli_ok(&["init", "--db", &db, "--name", "Suzhou Travel Test Co.", "--consolidation", "operational-control"]);
    cli_ok(&["facility", "add", "--db", &db, "--code", "SZ", "--name", "Suzhou plant", "--region", "CN"]);
    cli_ok(&["period", "add", "--db", &db, "--year", "2024"]);

    within("a_flight_leg_worked_out_in_the_form_is_stored_as_pkm", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        app.fill("open-path", &db).await;
        app.click("open-submit").await;
        app.wait_gone("open-path").await;
        app.click("nav-activities").await;
        app.wait_for("the activities of period 2024", common::SETTLE, async || {
            let el = app.maybe("act-period").await?;
            (el.attr("data-year").await.ok()?? == "2024").then_some(())
        })
        .await;
        app.fill("act-facility", "SZ").await;
        app.fill("act-period-start", "2024-03-04").await;
        app.fill("act-period-end", "2024-03-04").await;
        app.fill("act-region", "GB").await;

        // The Scope 3 section, opened by hand, starts with the panel.
        assert_eq!(app.attr("act-scope3", "data-open").await.as_deref(), Some("false"));
        app.click("act-scope3-toggle").await;
        app.click("qty-open").await;
        app.fill("qty-calculator", "flight").await;
        app.fill("qty-distance_km", "8000").await;
        app.fill("qty-passengers", "0").await;
        app.fill("qty-trip", "one_way").await;
        app.fill("qty-haul", "long_haul").await;
        app.fill("qty-cabin", "economy").await;
        app.fill("qty-radiative_forcing", "without").await;

        // Zero passengers: refused at its cell, nothing filled.
        app.click("qty-fill").await;
        app.wait_text("qty-err-passengers", "the passengers' error", |t| !t.trim().is_empty()).await;
        assert_eq!(app.attr("qty-err-passengers", "data-code").await.as_deref(), Some("non-positive-value"));
        assert_eq!(app.value("act-quantity").await, "", "a refused calculation filled the quantity");
        assert_eq!(app.value("act-activity").await, "");

        app.fill("qty-passengers", "1").await;
        app.click("qty-fill").await;
        app.wait_for("the form to be filled", common::SETTLE, async || {
            (app.value("act-quantity").await == "8000").then_some(())
        })
        .await;
        app.screenshot("scope3-entry-flight").await;
        assert!(app.maybe("qty-err-passengers").await.is_none(), "the old error is still shown");
        assert_eq!(app.value("act-activity").await, "travel.air.long_haul.economy");
        assert_eq!(app.value("act-unit").await, "pkm");
        assert_eq!(app.value("act-scope3-category").await, "6");
        assert_eq!(app.value("act-method").await, "distance-based");
        assert_eq!(app.value("act-note").await, WORKING);
        assert!(app.text("qty-working").await.contains(WORKING));

        app.click("act-add").await;
        app.wait_for("the flight record to be stored", common::SETTLE, async || {
            (app.all("activity-row").await.len() == 1).then_some(())
        })
        .await;
        app.close().await;
    })
    .await;

    let list: Value =
        serde_json::from_str(&cli_ok(&["activity", "list", "--db", &db, "--period", "2024", "--format", "json"]))
            .expect("JSON");
    let records = list.as_array().or_else(|| list["records"].as_array()).expect("a list of records");
    assert_eq!(records.len(), 1, "{list}");
    let r = &records[0];
    let field =
        |name: &str| r[name].as_str().map(str::to_string).or_else(|| r["draft"][name].as_str().map(str::to_string));
    assert_eq!(field("activity").as_deref(), Some("travel.air.long_haul.economy"), "{r}");
    assert_eq!(field("quantity").as_deref(), Some("8000"), "{r}");
    assert_eq!(field("unit").as_deref(), Some("pkm"), "{r}");
    assert_eq!(field("note").as_deref(), Some(WORKING), "{r}");
}

const THIRD: &str = "0.3333333333333333333333333333";
const HOLDING: &str = "Investment: outstanding 1000000 ÷ EVIC 3000000 = 0.3333333333333333333333333333 (does not terminate: held at 28 decimal places) of Example Co's 4800 t Scope 1+2; PCAF score 2 (listed equity and corporate bonds) → investee_scope1_2";

#[tokio::test(flavor = "current_thread")]
async fn an_investment_worked_out_in_the_form_stores_its_attribution_and_pcaf_score() {
    let Some(mut env) = Harness::start("scope3_entry_investment") else { return };
    let dir = TempDir::new("scope3-entry-investment");
    let db = dir.path().join("holding.scopebook").display().to_string();
    let factors = dir.path().join("investees.csv");
    std::fs::write(
        &factors,
        "id,activity,scope,category,unit,co2e_kg,source,name,region,gwp_basis,verified\n\
         t.investee,investee_scope1_2,3,15,t,1000,test pass-through of the investee's reported t CO2e,Investee,GLOBAL,AR5,true\n",
    )
    .expect("the factor file");
    cli_ok(&["init", "--db", &db, "--name", "Suzhou Holding Test Co.", "--consolidation", "operational-control"]);
    cli_ok(&["facility", "add", "--db", &db, "--code", "SZ", "--name", "Suzhou office", "--region", "CN"]);
    cli_ok(&["period", "add", "--db", &db, "--year", "2024"]);
    cli_ok(&["factors", "add", "--db", &db, "--period", "2024", &factors.display().to_string()]);

    within("an_investment_worked_out_in_the_form_stores_its_attribution_and_pcaf_score", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        app.fill("open-path", &db).await;
        app.click("open-submit").await;
        app.wait_gone("open-path").await;
        app.click("nav-activities").await;
        app.wait_for("the activities of period 2024", common::SETTLE, async || {
            let el = app.maybe("act-period").await?;
            (el.attr("data-year").await.ok()?? == "2024").then_some(())
        })
        .await;
        app.fill("act-facility", "SZ").await;
        app.fill("act-period-start", "2024-01-01").await;
        app.fill("act-period-end", "2024-12-31").await;

        app.click("act-scope3-toggle").await;
        app.click("qty-open").await;
        app.fill("qty-calculator", "investment").await;
        app.fill("qty-investee", "Example Co").await;
        app.fill("qty-investee_emissions_t", "4800").await;
        // The amounts appear once the basis is chosen; the score starts unchosen.
        assert!(app.maybe("qty-outstanding").await.is_none(), "an amount cell before the basis");
        assert_eq!(app.value("qty-pcaf_score").await, "");
        app.fill("qty-basis", "listed_equity_bonds").await;
        app.fill("qty-outstanding", "4000000").await;
        app.fill("qty-investee_value", "3000000").await;
        app.fill("qty-pcaf_score", "2").await;

        // Outstanding above EVIC: refused at its cell, nothing filled.
        app.click("qty-fill").await;
        app.wait_text("qty-err-outstanding", "the outstanding's error", |t| !t.trim().is_empty()).await;
        assert_eq!(app.attr("qty-err-outstanding", "data-code").await.as_deref(), Some("out-of-range"));
        assert_eq!(app.value("act-quantity").await, "", "a refused calculation filled the quantity");

        app.fill("qty-outstanding", "1000000").await;
        app.click("qty-fill").await;
        app.wait_for("the form to be filled", common::SETTLE, async || {
            (app.value("act-quantity").await == "4800").then_some(())
        })
        .await;
        assert!(app.maybe("qty-err-outstanding").await.is_none(), "the old error is still shown");
        assert_eq!(app.value("act-activity").await, "investee_scope1_2");
        assert_eq!(app.value("act-unit").await, "t");
        assert_eq!(app.value("act-scope3-category").await, "15");
        assert_eq!(app.value("act-method").await, "investment-specific");
        assert_eq!(app.value("act-attribution").await, THIRD);
        assert_eq!(app.value("act-pcaf-score").await, "2");
        assert_eq!(app.value("act-note").await, HOLDING);
        app.screenshot("scope3-entry-investment").await;

        app.click("act-add").await;
        app.wait_for("the investment record to be stored", common::SETTLE, async || {
            (app.all("activity-row").await.len() == 1).then_some(())
        })
        .await;
        app.close().await;
    })
    .await;

    let list: Value =
        serde_json::from_str(&cli_ok(&["activity", "list", "--db", &db, "--period", "2024", "--format", "json"]))
            .expect("JSON");
    let records = list.as_array().expect("a list of records");
    assert_eq!(records.len(), 1, "{list}");
    let r = &records[0];
    assert_eq!(r["activity"].as_str(), Some("investee_scope1_2"), "{r}");
    assert_eq!((r["quantity"].as_str(), r["unit"].as_str()), (Some("4800"), Some("t")), "{r}");
    assert_eq!(r["scope3_category"].as_u64(), Some(15), "{r}");
    assert_eq!(r["method"].as_str(), Some("investment-specific"), "{r}");
    assert_eq!(r["attribution"].as_str(), Some(THIRD), "{r}");
    assert_eq!(r["pcaf_score"].as_str(), Some("2"), "{r}");
    assert_eq!(r["note"].as_str(), Some(HOLDING), "{r}");
    // 4,800 t × 0.333…3 = 1,599.999…9998 t, held at 9 places of kg: 1,600 t.
    let calc = cli_ok(&["calc", "--db", &db, "--period", "2024", "--format", "json"]);
    let json: Value = serde_json::from_str(&calc).expect("JSON");
    assert_eq!(json["totals"]["scope3"].as_str(), Some("1600"), "{calc}");
}
