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
