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
//!
//! `against_bare_tauri`: Scopebook and a bare Tauri 2 window (`src-tauri/examples/bare`: the
//! same Tauri and WebKitGTK, the same window size, a one-line page with the header's colour),
//! launched alternately the same way (directly, no automation, a fresh data folder each time):
//! first paint by the screen method, then idle Pss of the app and all its descendants (the WebKit
//! processes) 5 s after that paint. For the app's builds also "start screen": until the start
//! screen's Create button (#0f6e63) is on screen too, i.e. the whole first screen, not only the
//! header bar (index.html paints the bar before the app's script runs, decision 0059). Prints
//! each run and a table of medians with the ratios. `SCOPEBOOK_MEASURE_RUNS=N` sets the number of
//! launches of each (default 5): on a loaded machine the paint times spread widely.
//! `SCOPEBOOK_MEASURE_BASELINE=PATH` adds another build of the app (e.g. one from before a change,
//! copied aside), launched in turn with the others; several paths separated by ':' add several
//! builds, each named by its file name. Pss shares each shared page among all the processes that
//! map it, so a run warns when WebKit processes of other apps are running.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::float_arithmetic)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{children, rss_kb, within, Harness, Proc, TempDir};

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

/// Builds the bare Tauri window (`src-tauri/examples/bare`) into the target folder and profile of
/// this test binary, as `common::build_binaries` builds the app (and, as it does, uses the one
/// already built when `SCOPEBOOK_E2E_NO_BUILD` is set). Returns its path.
fn bare_binary() -> std::path::PathBuf {
    let profile = common::profile_dir();
    if std::env::var_os("SCOPEBOOK_E2E_NO_BUILD").is_some_and(|v| !v.is_empty() && v != "0") {
        return profile.join("examples").join("bare");
    }
    let target = profile.parent().expect("the profile folder is in the target folder");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--workspace", "--example", "bare", "--locked", "--target-dir"])
        .arg(target)
        .current_dir(common::repo_root());
    match profile.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    let out = cmd.output().expect("cargo runs");
    assert!(out.status.success(), "cargo build --example bare failed:\n{}", String::from_utf8_lossy(&out.stderr));
    profile.join("examples").join("bare")
}

/// A command for `program` with the environment `template` sets (display, bus, no automation).
fn same_env(template: &Command, program: &std::path::Path) -> Command {
    let mut cmd = Command::new(program);
    for (key, value) in template.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    cmd
}

/// Every descendant of `pid` (children, their children, ...) as `(pid, comm)`.
fn descendants(pid: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        for (child, comm) in children(p) {
            todo.push(child);
            out.push((child, comm));
        }
    }
    out
}

/// Pss of a process from `/proc/<pid>/smaps_rollup`, in kB.
fn pss_kb(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Polls one pixel of the header bar (a point of the top-left placed window) every 100 ms
/// until it has the header's colour #15202b; the time from `start`, or `None` after 60 s.
fn wait_for_header(display: &str, start: Instant) -> Option<Duration> {
    loop {
        let out = Command::new("import")
            .args(["-display", display, "-window", "root", "-crop", "1x1+400+20", "txt:-"])
            .output()
            .expect("import runs");
        if String::from_utf8_lossy(&out.stdout).to_lowercase().contains("srgb(21,32,43)") {
            return Some(start.elapsed());
        }
        if start.elapsed() > Duration::from_secs(60) {
            return None;
        }
        // Capturing back to back takes CPU from the app being measured (2 cores here).
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Polls a column of the window (x = 300, y = 200..700, where the start screen's Create button
/// is at 1280x800) every 100 ms until it has the button's colour (#0f6e63, or #0c5a51 when the
/// pointer is over it); the time from `start`, or `None` after 60 s.
fn wait_for_start_screen(display: &str, start: Instant) -> Option<Duration> {
    loop {
        let out = Command::new("import")
            .args(["-display", display, "-window", "root", "-crop", "1x500+300+200", "txt:-"])
            .output()
            .expect("import runs");
        let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
        if text.contains("srgb(15,110,99)") || text.contains("srgb(12,90,81)") {
            return Some(start.elapsed());
        }
        if start.elapsed() > Duration::from_secs(60) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One launch: first paint (ms), the start screen (ms, the app only) and idle Pss (kB) of the
/// process and its descendants.
struct Launch {
    paint_ms: u64,
    start_screen_ms: Option<u64>,
    app_pss: u64,
    webkit_pss: u64,
}

impl Launch {
    fn total_pss(&self) -> u64 {
        self.app_pss + self.webkit_pss
    }
}

/// Starts `cmd` (in its own process group, with a fresh data folder), waits for the header's
/// colour on screen (and, with `start_screen`, the start screen's Create button), then [`IDLE`],
/// and reads the Pss of the process tree.
fn launch_once(what: &str, env: &Harness, cmd: &mut Command, start_screen: bool) -> Option<Launch> {
    let data = TempDir::new("measure-launch");
    cmd.env("SCOPEBOOK_DATA_DIR", data.path()).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let start = Instant::now();
    let app = Proc::spawn(what, cmd, true);
    let paint = wait_for_header(&env.display, start)?;
    let screen = if start_screen { Some(wait_for_start_screen(&env.display, start)?) } else { None };
    std::thread::sleep(IDLE);
    let pid = app.pid();
    let kids = descendants(pid);
    let launch = Launch {
        paint_ms: u64::try_from(paint.as_millis()).unwrap_or(u64::MAX),
        start_screen_ms: screen.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        app_pss: pss_kb(pid).unwrap_or(0),
        webkit_pss: kids.iter().filter_map(|(p, _)| pss_kb(*p)).sum(),
    };
    let parts: Vec<String> = kids.iter().map(|(p, c)| format!("{c} {} kB", pss_kb(*p).unwrap_or(0))).collect();
    // Pss divides each shared page among all the processes that map it, on the whole machine:
    // WebKit processes of other apps (another test, a leftover) make this launch look smaller.
    let mut tree: Vec<u32> = kids.iter().map(|(p, _)| *p).collect();
    tree.push(pid);
    let others = other_webkit_processes(&tree);
    println!(
        "  {what}: paint {} ms{}; Pss app {} kB + [{}] = {} kB{}",
        launch.paint_ms,
        launch.start_screen_ms.map(|ms| format!(", start screen {ms} ms")).unwrap_or_default(),
        launch.app_pss,
        parts.join(", "),
        launch.total_pss(),
        if others == 0 { String::new() } else { format!(" (WARNING: {others} other WebKit processes running)") }
    );
    drop(app);
    std::thread::sleep(Duration::from_millis(500));
    Some(launch)
}

/// WebKit web and network processes on the machine outside `tree` (the driver is not one).
fn other_webkit_processes(tree: &[u32]) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()))
        .filter(|pid| !tree.contains(pid))
        .filter(|pid| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            comm.starts_with("WebKit") && !comm.starts_with("WebKitWebDriver")
        })
        .count()
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    match v.len() {
        0 => 0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

/// Launches of each kind for `against_bare_tauri`: `SCOPEBOOK_MEASURE_RUNS`, else [`RUNS`].
fn comparison_runs() -> usize {
    std::env::var("SCOPEBOOK_MEASURE_RUNS").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(RUNS)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "a measurement, not a test: run with --ignored --nocapture"]
async fn against_bare_tauri() {
    if Command::new("import").arg("-version").stdout(Stdio::null()).status().is_err() {
        panic!("ImageMagick `import` is needed (Debian package imagemagick)");
    }
    let bare = bare_binary();
    let Some(env) = Harness::start("measure-bare") else { return };
    let runs = comparison_runs();
    // The app as built, optionally another build of it (before a change), and the bare window.
    let mut subjects: Vec<(String, Option<std::path::PathBuf>)> = vec![("Scopebook".into(), None)];
    if let Some(others) = std::env::var_os("SCOPEBOOK_MEASURE_BASELINE") {
        // One path ("baseline"), or several separated by ':' (each named by its file name).
        let paths: Vec<std::path::PathBuf> = std::env::split_paths(&others).collect();
        let one = paths.len() == 1;
        for path in paths {
            let name = match path.file_name() {
                Some(n) if !one => n.to_string_lossy().into_owned(),
                _ => "baseline".to_string(),
            };
            subjects.push((name, Some(path)));
        }
    }
    subjects.push(("bare Tauri 2 window".into(), Some(bare)));
    let limit = Duration::from_secs(30 * u64::try_from(runs * subjects.len()).unwrap_or(u64::MAX));
    within("against_bare_tauri", limit, async {
        println!("profile: {}; load average before: {}", common::profile_dir().display(), load_average());
        for (name, path) in &subjects[1..] {
            println!("{name}: {}", path.as_ref().map(|p| p.display().to_string()).unwrap_or_default());
        }
        let mut launches: Vec<Vec<Launch>> = subjects.iter().map(|_| Vec::new()).collect();
        // Alternate them, so that other load on the machine falls on each alike.
        for run in 1..=runs {
            println!("run {run} (load {})", load_average());
            for (i, ((name, path), done)) in subjects.iter().zip(launches.iter_mut()).enumerate() {
                // The last subject is the bare window: its header bar is all it paints.
                let mut cmd = match path {
                    None => env.app_command(),
                    Some(p) => same_env(&env.app_command(), p),
                };
                done.push(
                    launch_once(name, &env, &mut cmd, i + 1 < subjects.len())
                        .unwrap_or_else(|| panic!("{name} did not paint its header or its start screen")),
                );
            }
        }
        println!("load average after: {}", load_average());
        // Medians (and the range) in ms and kB; memory shown in MB (1 MB = 1024 kB). The ratios
        // are of each build's median to the bare window's (the last column of figures).
        let row = |name: &str, f: &dyn Fn(&Launch) -> u64, per: f64, unit: &str| {
            let cells: Vec<(u64, String)> = launches
                .iter()
                .map(|l| {
                    let v: Vec<u64> = l.iter().map(f).collect();
                    let (lo, hi) = (v.iter().min().copied().unwrap_or(0), v.iter().max().copied().unwrap_or(0));
                    let m = median(v);
                    (m, format!("{:.0} {unit} ({:.0}–{:.0})", m as f64 / per, lo as f64 / per, hi as f64 / per))
                })
                .collect();
            let bare = cells.last().map_or(0, |c| c.0);
            let texts: Vec<&str> = cells.iter().map(|c| c.1.as_str()).collect();
            let ratios: Vec<String> = cells[..cells.len() - 1]
                .iter()
                .map(|c| if bare == 0 { "?".into() } else { format!("{:.2}×", c.0 as f64 / bare as f64) })
                .collect();
            println!("| {name} | {} | {} |", texts.join(" | "), ratios.join(" | "));
        };
        let names: Vec<&str> = subjects.iter().map(|s| s.0.as_str()).collect();
        let ratio_heads: Vec<String> = names[..names.len() - 1].iter().map(|n| format!("{n} ÷ bare")).collect();
        println!("\nmedians (min–max) of {runs} launches each:\n");
        println!("| measure | {} | {} |", names.join(" | "), ratio_heads.join(" | "));
        println!("|{}", " --- |".repeat(1 + names.len() + ratio_heads.len()));
        row("first paint (screen)", &|l| l.paint_ms, 1.0, "ms");
        // The bare window's column here is its first paint: it has no more to show.
        row("start screen painted", &|l| l.start_screen_ms.unwrap_or(l.paint_ms), 1.0, "ms");
        row("idle Pss, app + WebKit", &|l| l.total_pss(), 1024.0, "MB");
        row("idle Pss, app process", &|l| l.app_pss, 1024.0, "MB");
        row("idle Pss, WebKit processes", &|l| l.webkit_pss, 1024.0, "MB");
    })
    .await;
}
