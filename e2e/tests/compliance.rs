//! Real-window end-to-end test of the Compliance screen (issue 12), in the harness of
//! `common/mod.rs`.
//!
//! `position_matches_the_cli`: a new organisation with one facility covered by an ETS and period
//! 2020; the facility registered under the China ETS (plan cn-power-2019-2020); golden position
//! 05's UNITS.csv and LEDGER.csv imported through the screen; a purchase typed into the ledger;
//! a surrender beyond holdings refused with nothing changed; the position table and the
//! waterfall (the position adds the ledger's last trade as a scenario); the central price typed
//! and the high price moved with its slider; every figure of
//! the table then equals `scopebook position --db <the same file> --format json` at the same
//! prices, and the shortfall equals the one worked by hand.
//!
//! `eu_registry_position_matches_the_cli`: the EU ETS side. A facility registered under the EU
//! ETS as Rheinwerk Stahl; golden position 07's registry export imported through the registry
//! panel; a status shown as a status (Nordkraft's verified emissions are `Excluded`, not 0); the
//! blast furnace tied to the facility; the position per account holder equal to `scopebook
//! position --db <the same file> --scheme eu-ets --period 2021` and to the shortfall worked by
//! hand, with each holder's installations; a row deleted after a second click.
//!
//! Run: `cargo test -p scopebook-e2e --test compliance -- --test-threads=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

mod common;

use std::process::Command;
use std::time::Duration;

use common::{within, workspace_binary, App, Harness, TempDir};
use serde_json::{json, Value};

const TEST_LIMIT: Duration = Duration::from_secs(300);
const ENTERPRISE: &str = "Jiangsu Example Power";
const PLAN: &str = "cn-power-2019-2020";

/// A decimal string without trailing zeros after the point ("-54000.0" → "-54000").
fn plain(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

async fn attr_of(app: &App, el: &common::Element, name: &str) -> String {
    app.cmd(&format!("attribute {name}"), el.attr(name)).await.unwrap_or_default()
}

/// The `data-value` of the element `testid` inside the position row of `enterprise`.
async fn figure(app: &App, row: &common::Element, testid: &str) -> String {
    let css = format!("[data-testid=\"{testid}\"]");
    let el = app.cmd(&format!("find [{testid}]"), row.find(fantoccini::Locator::Css(&css))).await;
    attr_of(app, &el, "data-value").await
}

async fn count(app: &App, testid: &str) -> usize {
    app.all(testid).await.len()
}

async fn wait_count(app: &App, testid: &str, n: usize) {
    app.wait_for(&format!("{n} [{testid}]"), common::SETTLE, async || (count(app, testid).await == n).then_some(()))
        .await;
}

/// Waits until the position shown was worked at exactly these `--price` texts.
async fn wait_prices(app: &App, prices: &str) {
    app.wait_for(&format!("the position at {prices}"), common::SETTLE, async || {
        let el = app.maybe("cmp-position").await?;
        let shown = el.attr("data-prices").await.ok()??;
        let loading = el.attr("data-loading").await.ok()??;
        (shown == prices && loading == "false").then_some(())
    })
    .await;
}

/// Sets a range input by script and fires `input`, as dragging it does.
async fn slide(app: &App, testid: &str, value: &str) {
    let el = app.el(testid).await;
    let script = "const [el, v] = arguments; \
         Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, v); \
         el.dispatchEvent(new Event('input', { bubbles: true }));";
    let arg = serde_json::to_value(&el).unwrap();
    app.cmd(&format!("slide [{testid}]"), app.client.execute(script, vec![arg, json!(value)])).await;
}

fn cli_position(db: &str, prices: &[&str]) -> Value {
    cli_position_of(db, "cn-ets", "2020", prices)
}

fn cli_position_of(db: &str, scheme: &str, period: &str, prices: &[&str]) -> Value {
    let mut cmd = Command::new(workspace_binary("scopebook"));
    cmd.args(["position", "--db", db, "--scheme", scheme, "--period", period, "--format", "json"]);
    for p in prices {
        cmd.args(["--price", p]);
    }
    let out = cmd.output().expect("cannot run the scopebook CLI");
    assert!(
        out.status.success(),
        "scopebook position failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the CLI prints JSON")
}

fn golden(file: &str) -> String {
    common::repo_root().join("tests/golden-position/05-ccer-above-5pct").join(file).display().to_string()
}

#[tokio::test(flavor = "current_thread")]
async fn position_matches_the_cli() {
    let Some(mut env) = Harness::start("compliance") else { return };
    within("position_matches_the_cli", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        let dir = TempDir::new("compliance-org");
        let db = dir.path().join("power.scopebook").display().to_string();

        // An organisation, a facility covered by an ETS, period 2020.
        app.fill("org-name", "Jiangsu Example Power Co.").await;
        app.fill("org-consolidation", "operational-control").await;
        app.fill("org-path", &db).await;
        app.click("org-create").await;
        app.click("nav-facilities").await;
        app.fill("fac-kind", "facility").await;
        app.fill("fac-parent", "").await;
        app.fill("fac-code", "JS-U3").await;
        app.fill("fac-name", "Unit 3 power station").await;
        app.fill("fac-equity", "100").await;
        app.fill("fac-region", "CN-JS").await;
        app.click("fac-ets").await;
        app.click("fac-submit").await;
        wait_count(&app, "facility-row", 1).await;
        app.click("nav-periods").await;
        app.fill("period-year", "2020").await;
        app.fill("period-gwp", "AR5").await;
        app.click("period-add").await;
        app.el("period-row").await;

        // The Compliance screen: no units yet, so no position.
        app.click("nav-compliance").await;
        app.el("cmp-screen").await;
        app.el("cmp-no-position").await;

        // Register the facility under the China ETS as the golden case's enterprise.
        app.fill("cmp-enrol-facility", "JS-U3").await;
        app.fill("cmp-enrol-enterprise", ENTERPRISE).await;
        app.fill("cmp-enrol-plan", PLAN).await;
        app.click("cmp-enrol-submit").await;
        wait_count(&app, "cmp-registration", 1).await;

        // Import the golden case's units and ledger through the screen.
        app.fill("cmp-units-path", &golden("UNITS.csv")).await;
        app.click("cmp-units-import").await;
        let notice = app.wait_el("cmp-units-notice", common::SETTLE).await;
        let notice = app.cmd("notice", notice.text()).await;
        assert!(notice.contains("UNITS.csv") && notice.contains('1'), "{notice}");
        wait_count(&app, "cmp-unit-row", 1).await;
        app.fill("cmp-ledger-path", &golden("LEDGER.csv")).await;
        app.click("cmp-ledger-import").await;
        wait_count(&app, "cmp-ledger-row", 3).await;

        // Type a purchase of 10,000 CEA into the ledger.
        app.fill("led-enterprise", ENTERPRISE).await;
        app.fill("led-kind", "purchase").await;
        app.fill("led-date", "2021-06-01").await;
        app.fill("led-quantity_t", "10000").await;
        app.fill("led-instrument", "CEA").await;
        app.fill("led-price", "60").await;
        app.fill("led-currency", "CNY").await;
        app.click("led-submit").await;
        wait_count(&app, "cmp-ledger-row", 4).await;

        // A surrender beyond holdings is refused, located, and changes nothing.
        app.fill("led-kind", "surrender").await;
        app.fill("led-date", "2021-12-20").await;
        app.fill("led-quantity_t", "9000000").await;
        app.fill("led-price", "").await;
        app.fill("led-currency", "").await;
        app.click("led-submit").await;
        let banner = app
            .wait_for("the refusal", common::SETTLE, async || {
                let ledger = app.maybe("cmp-ledger").await?;
                let css = "[data-testid=\"error-banner\"]";
                ledger.find(fantoccini::Locator::Css(css)).await.ok()
            })
            .await;
        let refusal = app.cmd("banner text", banner.text()).await;
        assert_eq!(attr_of(&app, &banner, "data-code").await, "validation", "{refusal}");
        assert!(!refusal.trim().is_empty());
        assert_eq!(count(&app, "cmp-ledger-row").await, 4, "a refused movement was stored");

        // The position and its waterfall at the starting prices.
        wait_prices(&app, "low=50 central=75 high=105 last-trade=60").await;
        let row = app.el("cmp-position-row").await;
        assert_eq!(attr_of(&app, &row, "data-enterprise").await, ENTERPRISE);
        // Worked by hand: 1,800,000 − (1,754,000 + 10,000) − 90,000 = −54,000 t, a surplus.
        assert_eq!(plain(&figure(&app, &row, "pos-shortfall").await), "-54000");
        let bars = app.all("cmp-waterfall-bar").await;
        assert_eq!(bars.len(), 5);
        assert_eq!(attr_of(&app, &bars[0], "data-value").await, "1800000");
        assert_eq!(attr_of(&app, &bars[4], "data-value").await, "-54000");
        assert_eq!(app.attr("cmp-waterfall", "data-consistent").await.as_deref(), Some("true"));
        app.screenshot("compliance-01-position").await;

        // Move the prices: type the central one, slide the high one.
        app.fill("price-amount-1", "80").await;
        wait_prices(&app, "low=50 central=80 high=105 last-trade=60").await;
        slide(&app, "price-slider-2", "90").await;
        wait_prices(&app, "low=50 central=80 high=90 last-trade=60").await;
        assert_eq!(app.value("price-amount-2").await, "90");
        app.screenshot("compliance-02-prices-moved").await;

        // Every figure shown equals the CLI's on the same file at the same prices.
        let cli = cli_position(&db, &["low=50", "central=80", "high=90"]);
        let enterprises = cli["enterprises"].as_array().expect("enterprises");
        assert_eq!(enterprises.len(), 1);
        let e = &enterprises[0];
        assert_eq!(e["enterprise"], ENTERPRISE);
        let row = app.el("cmp-position-row").await;
        for (testid, key) in [
            ("pos-obligation", "obligation_t"),
            ("pos-allocation", "allocation_t"),
            ("pos-holdings", "holdings_t"),
            ("pos-surrendered", "surrendered_t"),
            ("pos-offsets", "offsets_used_t"),
            ("pos-offset-cap", "offset_cap_t"),
            ("pos-shortfall", "shortfall_t"),
            ("pos-bankable", "bankable_t"),
        ] {
            let want = e[key].as_str().unwrap_or_else(|| panic!("the CLI gives no {key}: {e}"));
            assert_eq!(plain(&figure(&app, &row, testid).await), plain(want), "{key}");
        }
        let deadline = figure(&app, &row, "pos-deadline").await;
        assert_eq!(deadline, e["deadline"].as_str().unwrap_or_default(), "deadline");
        let values =
            app.cmd("find values", row.find_all(fantoccini::Locator::Css("[data-testid=\"pos-value\"]"))).await;
        let cli_values = e["values"].as_array().expect("values");
        assert_eq!(values.len(), cli_values.len());
        for (el, v) in values.iter().zip(cli_values) {
            assert_eq!(attr_of(&app, el, "data-scenario").await, v["scenario"].as_str().unwrap());
            assert_eq!(plain(&attr_of(&app, el, "data-value").await), plain(v["amount"].as_str().unwrap()));
        }
        // −54,000 t × 80 CNY, by hand.
        assert_eq!(plain(cli_values[1]["amount"].as_str().unwrap()), "-4320000");
        let penalty =
            app.cmd("find penalty", row.find(fantoccini::Locator::Css("[data-testid=\"pos-penalty\"]"))).await;
        assert_eq!(plain(&attr_of(&app, &penalty, "data-low").await), plain(e["penalty"]["low"].as_str().unwrap()));
        assert_eq!(plain(&attr_of(&app, &penalty, "data-high").await), plain(e["penalty"]["high"].as_str().unwrap()));

        // The plan and its source document; the offset-cap warning, located.
        assert_eq!(app.attr("cmp-current-plan", "data-plan").await.as_deref(), Some(PLAN));
        assert_eq!(app.text("cmp-doc-number").await, cli["document"]["number"].as_str().unwrap());
        let codes: Vec<String> = {
            let mut v = Vec::new();
            for f in app.all("cmp-finding").await {
                v.push(attr_of(&app, &f, "data-code").await);
            }
            v
        };
        assert!(codes.iter().any(|c| c == "offset-cap-exceeded"), "{codes:?}");
        // The reconciliation is asked of the backend apart from the position (decision 0032):
        // the covered facility has no records in 2020, so the panel says so, without an error.
        app.el("cmp-rec-none").await;
        app.close().await;
    })
    .await;
}

/// The row `testid` whose `attr` is `value`.
async fn row_where(app: &App, testid: &str, attr: &str, value: &str) -> common::Element {
    app.wait_for(&format!("[{testid}] with {attr}={value}"), common::SETTLE, async || {
        for el in app.all(testid).await {
            if el.attr(attr).await.ok()?.as_deref() == Some(value) {
                return Some(el);
            }
        }
        None
    })
    .await
}

/// The attribute `name` of the element `testid` inside `row`.
async fn inner_attr(app: &App, row: &common::Element, testid: &str, name: &str) -> String {
    let css = format!("[data-testid=\"{testid}\"]");
    let el = app.cmd(&format!("find [{testid}]"), row.find(fantoccini::Locator::Css(&css))).await;
    attr_of(app, &el, name).await
}

#[tokio::test(flavor = "current_thread")]
async fn eu_registry_position_matches_the_cli() {
    const HOLDER: &str = "Rheinwerk Stahl GmbH";
    let Some(mut env) = Harness::start("compliance-eu") else { return };
    within("eu_registry_position_matches_the_cli", TEST_LIMIT, async {
        let app = env.launch("org-name").await;
        let dir = TempDir::new("compliance-eu-org");
        let db = dir.path().join("steel.scopebook").display().to_string();
        let registry = common::repo_root()
            .join("tests/golden-position/07-eu-installation-penalty/registry-DE-NO.csv")
            .display()
            .to_string();

        // An organisation, the blast furnace covered by an ETS, period 2021.
        app.fill("org-name", "Rheinwerk Stahl").await;
        app.fill("org-consolidation", "operational-control").await;
        app.fill("org-path", &db).await;
        app.click("org-create").await;
        app.click("nav-facilities").await;
        app.fill("fac-kind", "facility").await;
        app.fill("fac-parent", "").await;
        app.fill("fac-code", "DE-HO").await;
        app.fill("fac-name", "Hochofen 2").await;
        app.fill("fac-equity", "100").await;
        app.fill("fac-region", "DE").await;
        app.click("fac-ets").await;
        app.click("fac-submit").await;
        wait_count(&app, "facility-row", 1).await;
        app.click("nav-periods").await;
        app.fill("period-year", "2021").await;
        app.fill("period-gwp", "AR5").await;
        app.click("period-add").await;
        app.el("period-row").await;

        // The EU side of the Compliance screen: no installations yet, an empty registry.
        app.click("nav-compliance").await;
        app.el("cmp-screen").await;
        app.click("cmp-scheme-eu-ets").await;
        app.el("cmp-no-position").await;
        app.el("cmp-registry-empty").await;
        app.fill("cmp-enrol-facility", "DE-HO").await;
        app.fill("cmp-enrol-enterprise", HOLDER).await;
        app.click("cmp-enrol-submit").await;
        wait_count(&app, "cmp-registration", 1).await;

        // Import golden case 07's registry export through the panel.
        app.fill("cmp-registry-paths", &registry).await;
        app.click("cmp-registry-import").await;
        let notice = app.wait_el("cmp-registry-notice", common::SETTLE).await;
        let notice = app.cmd("notice", notice.text()).await;
        assert!(notice.contains("registry-DE-NO.csv") && notice.contains('3'), "{notice}");
        wait_count(&app, "cmp-registry-row", 3).await;
        // A status is shown as the status, never as 0.
        let nordkraft = row_where(&app, "cmp-registry-row", "data-installation", "NO-990003").await;
        assert_eq!(inner_attr(&app, &nordkraft, "reg-verified", "data-status").await, "Excluded");
        assert_eq!(inner_attr(&app, &nordkraft, "reg-free", "data-status").await, "NA");
        let furnace = row_where(&app, "cmp-registry-row", "data-installation", "DE-990001").await;
        assert_eq!(inner_attr(&app, &furnace, "reg-verified", "data-value").await, "250000");

        // Tie the blast furnace to its facility.
        app.fill("reg-link", "DE-HO").await;
        row_where(&app, "cmp-registry-row", "data-facility", "DE-HO").await;

        // The position per account holder at the starting prices equals the CLI's.
        wait_prices(&app, "low=55 central=75 high=95").await;
        let cli = cli_position_of(&db, "eu-ets", "2021", &["low=55", "central=75", "high=95"]);
        let cli_holder =
            cli["enterprises"].as_array().unwrap().iter().find(|e| e["enterprise"] == HOLDER).unwrap().clone();
        let row = row_where(&app, "cmp-position-row", "data-enterprise", HOLDER).await;
        for (testid, key) in
            [("pos-obligation", "obligation_t"), ("pos-holdings", "holdings_t"), ("pos-shortfall", "shortfall_t")]
        {
            assert_eq!(plain(&figure(&app, &row, testid).await), plain(cli_holder[key].as_str().unwrap()), "{key}");
        }
        // Worked by hand (case 07): 280,000 verified − max(130,000 free, 270,000 surrendered).
        assert_eq!(plain(&figure(&app, &row, "pos-shortfall").await), "10000");
        // Its installations, under the table: the furnace's penalty 110.82 EUR × 10,000 t.
        wait_count(&app, "cmp-installation-row", 2).await;
        let line = row_where(&app, "cmp-installation-row", "data-installation", "DE-990001").await;
        assert_eq!(plain(&inner_attr(&app, &line, "inst-shortfall", "data-value").await), "10000");
        assert_eq!(plain(&inner_attr(&app, &line, "inst-penalty", "data-low").await), "1108200");
        app.screenshot("compliance-eu-01-position").await;
        // Nordkraft's installation: the registry's statuses, no shortfall figure.
        let other = row_where(&app, "cmp-position-row", "data-enterprise", "Nordkraft AS").await;
        let pick = app.cmd("find Nordkraft", other.find(fantoccini::Locator::Css("button.link"))).await;
        app.cmd("select Nordkraft", pick.click()).await;
        app.wait_for("Nordkraft's installations", common::SETTLE, async || {
            (app.attr("cmp-installations", "data-holder").await? == "Nordkraft AS").then_some(())
        })
        .await;
        let line = row_where(&app, "cmp-installation-row", "data-installation", "NO-990003").await;
        assert_eq!(inner_attr(&app, &line, "inst-verified", "data-status").await, "Excluded");
        assert_eq!(inner_attr(&app, &line, "inst-shortfall", "data-value").await, "");

        // Delete the lime kiln: the first click asks, the second deletes.
        let kiln = row_where(&app, "cmp-registry-row", "data-installation", "DE-990002").await;
        let css = "[data-testid=\"reg-delete\"]";
        let button = app.cmd("find delete", kiln.find(fantoccini::Locator::Css(css))).await;
        app.cmd("click delete", button.click()).await;
        assert_eq!(count(&app, "cmp-registry-row").await, 3);
        let kiln = row_where(&app, "cmp-registry-row", "data-installation", "DE-990002").await;
        let button = app.cmd("find delete", kiln.find(fantoccini::Locator::Css(css))).await;
        app.cmd("confirm delete", button.click()).await;
        wait_count(&app, "cmp-registry-row", 2).await;
        app.screenshot("compliance-eu-02-registry").await;
        app.close().await;
    })
    .await;
}
