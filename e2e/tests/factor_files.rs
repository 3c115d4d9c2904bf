//! Real-window end-to-end test of a period's own factor files on the Periods screen (issue
//! 14/10, decision 0055), in the harness of `common/mod.rs`.
//!
//! `a_factor_file_added_in_the_app_calculates_the_period`: an organisation file made with the
//! CLI: facility BERLIN in DE, period 2023; no DE grid factor ships, so the CLI cannot add a DE
//! electricity record. Opened in the app: on the Periods screen the period's Factor files panel
//! lists none, a bad file is refused with each problem at its line and column and nothing added,
//! then `tests/residual-mix/de-grid-test.csv` is added by typed path and listed (2 factors, the
//! first 16 hex of its SHA-256 as `scopebook factors files` gives it). The CLI then adds 1,000
//! MWh at BERLIN — possible only now — and the Dashboard's Scope 2 location total is 400 t, equal
//! to `scopebook calc --db <the same file> --format json`. Removing the file (a second click) is
//! refused, naming the record that needs it; the file is still listed.
//!
//! Run: `cargo test -p scopebook-e2e --test factor_files -- --test-threads=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

mod common;

use std::time::Duration;

use common::{cli, cli_ok, repo_root, within, Harness, TempDir};
use serde_json::Value;

const TEST_LIMIT: Duration = Duration::from_secs(300);
/// One calculation of the period in a debug build.
const CALC: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "current_thread")]
async fn a_factor_file_added_in_the_app_calculates_the_period() {
    let Some(mut env) = Harness::start("factor_files") else { return };
    let dir = TempDir::new("factor-files-org");
    let db = dir.path().join("berlin.scopebook").display().to_string();
    cli_ok(&["init", "--db", &db, "--name", "Berlin Factor Test GmbH", "--consolidation", "operational-control"]);
    cli_ok(&["facility", "add", "--db", &db, "--code", "BERLIN", "--name", "Berlin office", "--region", "DE"]);
    cli_ok(&["period", "add", "--db", &db, "--year", "2023"]);
    let record = [
        "activity",
        "add",
        "--db",
        &db,
        "--period",
        "2023",
        "--facility",
        "BERLIN",
        "--activity",
        "grid_electricity",
        "--quantity",
        "1000",
        "--unit",
        "MWh",
        "--start",
        "2023-01-01",
        "--end",
        "2023-12-31",
    ];
    assert!(!cli(&record).status.success(), "a DE record was added with no DE grid factor");
    let grid = repo_root().join("tests/residual-mix/de-grid-test.csv").display().to_string();
    let bad = dir.path().join("bad-grid.csv");
    std::fs::write(
        &bad,
        "id,activity,scope,category,unit,co2_kg,source\n\
         x.ok,grid_electricity,2,electricity,MWh,1,test\n\
         x.bad,grid_electricity,2,electricity,MWh,abc,test\n",
    )
    .unwrap();

    within("a_factor_file_added_in_the_app_calculates_the_period", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        app.fill("open-path", &db).await;
        app.click("open-submit").await;
        app.wait_gone("open-path").await;
        app.click("nav-periods").await;
        app.el("period-row").await;
        app.click("period-factors").await;
        app.wait_el("factor-files-none", CALC).await;

        // A bad file: every problem at its line and column; nothing added.
        app.fill("factor-file-path", &bad.display().to_string()).await;
        app.click("factor-file-add").await;
        let banner = app.wait_el("error-banner", CALC).await;
        let said = app.cmd("banner text", banner.text()).await;
        assert!(said.contains("bad-grid.csv line 3"), "the refusal names the line: {said}");
        let problem = app.el("factor-file-problem").await;
        assert_eq!(app.cmd("problem column", problem.attr("data-column")).await.as_deref(), Some("co2_kg"));
        assert!(app.maybe("factor-file").await.is_none(), "a refused file was added");

        // The test grid file, by typed path.
        app.fill("factor-file-path", &grid).await;
        app.click("factor-file-add").await;
        app.wait_el("factor-files-notice", CALC).await;
        let row = app.wait_el("factor-file", CALC).await;
        assert_eq!(app.cmd("name", row.attr("data-name")).await.as_deref(), Some("de-grid-test.csv"));
        assert_eq!(app.cmd("factors", row.attr("data-factors")).await.as_deref(), Some("2"));
        let listed: Value =
            serde_json::from_str(&cli_ok(&["factors", "files", "--db", &db, "--period", "2023", "--format", "json"]))
                .expect("JSON");
        let sha = listed[0]["sha256"].as_str().expect("the CLI lists the file");
        let shown = app.cmd("row text", row.text()).await;
        assert!(shown.contains(&sha[..16]), "the row shows the hash's first 16 hex {}: {shown}", &sha[..16]);
        app.screenshot("factor-files").await;

        // Only now can the CLI add the DE record.
        cli_ok(&record);
        let json: Value = serde_json::from_str(&cli_ok(&["calc", "--db", &db, "--period", "2023", "--format", "json"]))
            .expect("JSON");
        let expected = json["totals"]["scope2_location"].as_str().expect("totals.scope2_location");
        let (whole, fraction) = expected.split_once('.').unwrap_or((expected, ""));
        assert!(whole == "400" && fraction.chars().all(|c| c == '0'), "calc --db gives {expected}, not 400 t");

        app.click("nav-dashboard").await;
        let location = app
            .wait_for("[total-scope2-location] data-value", CALC, async || {
                app.maybe("total-scope2-location").await?.attr("data-value").await.ok().flatten()
            })
            .await;
        assert_eq!(location, expected, "the dashboard's Scope 2 location vs calc --db");

        // Removing the file the record needs: refused, naming the record; still listed.
        app.click("nav-periods").await;
        app.el("period-row").await;
        app.click("period-factors").await;
        app.wait_el("factor-file", CALC).await;
        app.fill("factor-file-reason", "wrong file").await;
        app.click("factor-file-remove").await;
        app.wait_text("factor-file-remove", "asks to confirm", |t| t.contains("good")).await;
        app.click("factor-file-remove").await;
        let banner = app.wait_el("error-banner", CALC).await;
        let said = app.cmd("banner text", banner.text()).await;
        assert!(said.contains("record 1") && said.contains("without factor file de-grid-test.csv"), "{said}");
        assert!(app.maybe("factor-file").await.is_some(), "the file went");
        app.screenshot("factor-files-refused").await;
        app.close().await;
    })
    .await;
}
