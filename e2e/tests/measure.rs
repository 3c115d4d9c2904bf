//! Start-up time and memory of the app (for `docs/measurements.md`). Ignored by default: run
//! `cargo test -p scopebook-e2e --test measure -- --ignored --nocapture --test-threads=1`
//! after `cargo build --workspace` (and, for the release figures, with `--release`).
//!
//! Two measures of time to first paint:
//! - `webdriver`: from the WebDriver new-session request (WebKitWebDriver then spawns the app)
//!   until the first screen's `page-title` element is found. Includes the automation hand-shake.
//! - `screen`: the app started directly (no automation) under the same Xvfb; the screen is
//!   captured with ImageMagick `import` until the header bar's colour (#15202b) appears at a
//!   point of the window. Captures are 100 ms apart (each takes ~40 ms), so the figure is late
//!   by up to ~150 ms.
//!
//! Memory: VmRSS of the `scopebook-app` process and of its WebKit children (WebKitWebProcess,
//! WebKitNetworkProcess), read from /proc a few seconds after the first screen appeared.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::float_arithmetic)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{children, rss_kb, within, Harness, Proc};

const RUNS: usize = 5;
const IDLE: Duration = Duration::from_secs(5);

/// "VmRSS (anon / file / shmem), Pss" of a process, in kB.
fn breakdown(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |text: &str, name: &str| {
        text.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).unwrap_or("?").to_string()
    };
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    format!(
        "VmRSS {} kB (anon {}, file {}, shmem {}), Pss {} kB",
        field(&status, "VmRSS:"),
        field(&status, "RssAnon:"),
        field(&status, "RssFile:"),
        field(&status, "RssShmem:"),
        field(&rollup, "Pss:")
    )
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "a measurement, not a test: run with --ignored --nocapture"]
async fn startup_and_memory() {
    let Some(mut env) = Harness::start("measure") else { return };
    within("startup_and_memory", Duration::from_secs(600), async {
        println!("profile: {}", common::profile_dir().display());
        println!("== webdriver: session request -> page-title found ({RUNS} runs)");
        for run in 1..=RUNS {
            let app = env.launch("page-title").await;
            tokio::time::sleep(IDLE).await;
            let pid = app.pid().expect("the app process");
            let app_kb = rss_kb(pid).unwrap_or(0);
            let kids = children(pid);
            let kids_kb: u64 = kids.iter().filter_map(|(p, _)| rss_kb(*p)).sum();
            let names: Vec<String> = kids.iter().map(|(p, c)| format!("{c}: {}", breakdown(*p))).collect();
            println!(
                "run {run}: session {} ms, page-title {} ms; idle RSS after {}s: app {app_kb} kB, WebKit children {kids_kb} kB",
                ms(app.session_at),
                ms(app.ready_at.unwrap_or_default()),
                IDLE.as_secs(),
            );
            println!("    scopebook-app: {}", breakdown(pid));
            for n in names {
                println!("    {n}");
            }
            app.close().await;
        }

        if Command::new("import").arg("-version").stdout(Stdio::null()).status().is_err() {
            println!("== screen: skipped (ImageMagick `import` not found)");
            return;
        }
        println!("== screen: spawn -> header colour on screen ({RUNS} runs)");
        for run in 1..=RUNS {
            let start = Instant::now();
            let app = Proc::spawn(
                "scopebook-app",
                env.app_command().stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()),
                true,
            );
            let mut captures = 0;
            let painted = loop {
                // A point in the header bar of the (top-left placed) 1280x800 window.
                let out = Command::new("import")
                    .args(["-display", &env.display, "-window", "root", "-crop", "1x1+400+20", "txt:-"])
                    .output()
                    .expect("import runs");
                captures += 1;
                let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
                if text.contains("srgb(21,32,43)") {
                    break Some(start.elapsed());
                }
                if start.elapsed() > Duration::from_secs(60) {
                    break None;
                }
                // Capturing back to back takes CPU from the app being measured (2 cores here).
                std::thread::sleep(Duration::from_millis(100));
            };
            match painted {
                Some(t) => println!("run {run}: header painted after {} ms ({captures} captures)", ms(t)),
                None => println!("run {run}: header colour not seen within 60 s"),
            }
            drop(app);
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
    .await;
}
