//! Harness for the real-window end-to-end tests of the desktop app (`tests/*.rs`).
//!
//! Each test gets its own X display (a private `Xvfb` unless `DISPLAY` is set), its own D-Bus
//! session bus (so nothing is auto-launched that outlives the test), its own `WebKitWebDriver`
//! on a free port and its own fresh data folder (`SCOPEBOOK_DATA_DIR`). The driver launches the
//! real `scopebook-app` binary (capability `webkitgtk:browserOptions`) with
//! `TAURI_WEBVIEW_AUTOMATION=true`. Every child process is killed when its guard is dropped, and
//! every WebDriver call has a timeout.
//!
//! The tests skip (with a message) when `WebKitWebDriver` or `Xvfb` is missing, unless
//! `SCOPEBOOK_E2E_REQUIRED` is set (`scripts/test.sh` sets it), in which case they fail.
//! Screenshots go to `e2e-artifacts/` at the repository root, with each test's driver and app
//! log; a failing step also saves `FAILED-<test>.png` and `.html` there.

// A test harness: a failed step is a panic with a message, by design. Each test file uses a
// part of it.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, dead_code)]

use std::fmt::Debug;
use std::future::Future;
use std::io::{BufRead, BufReader, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// How long one WebDriver command may take.
pub const STEP: Duration = Duration::from_secs(15);
/// How long the UI may take to reach an expected state (an element appears, a text changes).
pub const SETTLE: Duration = Duration::from_secs(10);
/// How long the app may take from launch to its first screen.
pub const LAUNCH: Duration = Duration::from_secs(60);

/// The repository root (the workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("e2e/ has a parent").to_path_buf()
}

/// The folder cargo put this test binary's sibling binaries in (`target/debug` for
/// `target/debug/deps/<test>`), so `CARGO_TARGET_DIR` and `--release` are followed.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let deps = exe.parent().expect("the test binary is in a folder");
    deps.parent().expect("deps/ has a parent").to_path_buf()
}

/// Builds the workspace's binaries (the app and the CLI) once per test process, with the cargo
/// that runs the tests and into the same target folder and profile, so a test never drives a
/// stale app. Up to date, this takes about a second. `SCOPEBOOK_E2E_NO_BUILD=1` skips it.
pub fn build_binaries() {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let result = BUILT.get_or_init(|| {
        if env_set("SCOPEBOOK_E2E_NO_BUILD") {
            return Ok(());
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let profile = profile_dir();
        let target = profile.parent().expect("the profile folder is in the target folder");
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--workspace", "--bins", "--locked", "--target-dir"]).arg(target).current_dir(repo_root());
        match profile.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => {}
            Some("release") => {
                cmd.arg("--release");
            }
            Some(other) => {
                cmd.args(["--profile", other]);
            }
        }
        let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("cargo build --workspace --bins failed:\n{}", String::from_utf8_lossy(&out.stderr)))
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// `scopebook ARGS`, run to the end.
pub fn cli(args: &[&str]) -> std::process::Output {
    Command::new(workspace_binary("scopebook")).args(args).output().expect("cannot run the scopebook CLI")
}

/// `scopebook ARGS`'s standard output; the test fails (with its error output) unless it succeeds.
pub fn cli_ok(args: &[&str]) -> String {
    let out = cli(args);
    assert!(
        out.status.success(),
        "scopebook {} failed ({}):\n{}\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A workspace binary (`scopebook` or `scopebook-app`), built by [`build_binaries`].
pub fn workspace_binary(name: &str) -> PathBuf {
    build_binaries();
    let path = profile_dir().join(name);
    assert!(
        path.is_file(),
        "{} is missing: build the workspace first (cd ui && npm ci && npm run build; cargo build --workspace), \
         or run scripts/test.sh, which does both",
        path.display()
    );
    path
}

/// Where screenshots and logs go: `e2e-artifacts/` at the repository root (git-ignored).
pub fn artifacts_dir() -> PathBuf {
    let dir = repo_root().join("e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("cannot create e2e-artifacts/");
    dir
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|f| f.is_file()))
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The external programs the tests need.
pub struct Tools {
    pub webdriver: PathBuf,
    /// `None` when `DISPLAY` is set: the app then opens on that display.
    pub xvfb: Option<PathBuf>,
    /// A private session bus is started when `dbus-daemon` exists.
    pub dbus: Option<PathBuf>,
}

/// The tools, or `None` (after printing why) when the test must be skipped. With
/// `SCOPEBOOK_E2E_REQUIRED` set, a missing tool is a failure instead.
pub fn tools(test: &str) -> Option<Tools> {
    let webdriver = on_path("WebKitWebDriver");
    let use_display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty());
    let xvfb = on_path("Xvfb");
    let mut missing = Vec::new();
    if webdriver.is_none() {
        missing.push("WebKitWebDriver (Debian package webkit2gtk-driver)");
    }
    if !use_display && xvfb.is_none() {
        missing.push("Xvfb (Debian package xvfb; needed because DISPLAY is not set)");
    }
    if !missing.is_empty() {
        let what = missing.join(" and ");
        if env_set("SCOPEBOOK_E2E_REQUIRED") {
            panic!("{test}: {what} not found on PATH, and SCOPEBOOK_E2E_REQUIRED is set");
        }
        // Straight to stderr, not through eprintln!, which the test harness captures.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: {what} not found on PATH. Install it (scripts/test.sh does) or set \
             SCOPEBOOK_E2E_REQUIRED=1 to make this a failure."
        );
        return None;
    }
    Some(Tools {
        webdriver: webdriver.expect("checked above"),
        xvfb: if use_display { None } else { xvfb },
        dbus: on_path("dbus-daemon"),
    })
}

/// A child process that is killed (with its process group, when it leads one) on drop.
pub struct Proc {
    what: String,
    child: Child,
    group: bool,
}

impl Proc {
    pub fn spawn(what: &str, cmd: &mut Command, group: bool) -> Proc {
        if group {
            cmd.process_group(0);
        }
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        Proc { what: what.to_string(), child, group }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn check_running(&mut self, log: Option<&Path>) {
        if let Ok(Some(status)) = self.child.try_wait() {
            let tail = log.map(tail_of).unwrap_or_default();
            panic!("{} exited early ({status}){tail}", self.what);
        }
    }
}

fn signal(target: &str, sig: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg("--")
        .arg(target)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl Drop for Proc {
    fn drop(&mut self) {
        let pid = self.child.id();
        let target = if self.group { format!("-{pid}") } else { pid.to_string() };
        signal(&target, "TERM");
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(25)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        if self.group {
            // Anything of the group still alive (the app, WebKit's helper processes).
            signal(&target, "KILL");
        }
    }
}

fn tail_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(30);
    format!("\n--- last lines of {} ---\n{}", path.display(), lines[start..].join("\n"))
}

/// Reads the first line a child prints on stdout, within `limit`.
fn first_line(proc: &mut Proc, limit: Duration) -> String {
    let out = proc.child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(out).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(limit) {
        Ok(line) if !line.trim().is_empty() => line.trim().to_string(),
        _ => panic!("{} printed nothing within {limit:?}", proc.what),
    }
}

/// A fresh folder under the system temp folder, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("scopebook-e2e-{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("no free port")
}

/// One test's environment: display, bus, driver and data folder. Launch app instances with
/// [`Harness::launch`]; dropping the harness stops everything.
pub struct Harness {
    pub name: String,
    pub data_dir: TempDir,
    /// The X display the app opens on.
    pub display: String,
    bus_address: Option<String>,
    port: u16,
    log: PathBuf,
    app_binary: PathBuf,
    // Dropped in this order: driver (and the app), bus, display.
    driver: Proc,
    _bus: Option<Proc>,
    _xvfb: Option<Proc>,
}

impl Harness {
    /// Starts the environment, or returns `None` when the test is to be skipped.
    pub fn start(name: &str) -> Option<Harness> {
        let tools = tools(name)?;
        let app_binary = workspace_binary("scopebook-app");
        let artifacts = artifacts_dir();
        for stale in ["png", "html"] {
            let _ = std::fs::remove_file(artifacts.join(format!("FAILED-{name}.{stale}")));
        }

        let (xvfb, display) = match &tools.xvfb {
            Some(xvfb) => {
                // -displayfd: Xvfb picks a free display number itself and prints it when ready.
                // -noreset: without it the server resets when its last client (the app) quits,
                // and an app started again at that moment cannot open the display.
                let mut p = Proc::spawn(
                    "Xvfb",
                    Command::new(xvfb)
                        .args(["-displayfd", "1", "-noreset", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
                        .stdin(Stdio::null())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null()),
                    false,
                );
                let n = first_line(&mut p, Duration::from_secs(15));
                (Some(p), format!(":{n}"))
            }
            None => (None, std::env::var("DISPLAY").unwrap_or_default()),
        };

        let (bus, bus_address) = match &tools.dbus {
            Some(dbus) => {
                let mut p = Proc::spawn(
                    "dbus-daemon",
                    Command::new(dbus)
                        .args(["--session", "--nofork", "--print-address=1"])
                        .stdin(Stdio::null())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null()),
                    true,
                );
                let address = first_line(&mut p, Duration::from_secs(15));
                (Some(p), Some(address))
            }
            None => (None, None),
        };

        let data_dir = TempDir::new(name);
        let log = artifacts.join(format!("{name}.log"));
        let log_file = std::fs::File::create(&log).expect("cannot create the driver log");
        let port = free_port();
        let mut cmd = Command::new(&tools.webdriver);
        cmd.arg(format!("--port={port}"))
            .env("DISPLAY", &display)
            .env("GDK_BACKEND", "x11")
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("SCOPEBOOK_DATA_DIR", data_dir.path())
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log file handle"))
            .stderr(log_file);
        if let Some(address) = &bus_address {
            cmd.env("DBUS_SESSION_BUS_ADDRESS", address);
        }
        let mut driver = Proc::spawn("WebKitWebDriver", &mut cmd, true);

        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            driver.check_running(Some(&log));
            assert!(Instant::now() < deadline, "WebKitWebDriver did not listen on port {port} within 15 s");
            std::thread::sleep(Duration::from_millis(25));
        }
        Some(Harness {
            name: name.to_string(),
            data_dir,
            display,
            bus_address,
            port,
            log,
            app_binary,
            driver,
            _bus: bus,
            _xvfb: xvfb,
        })
    }

    /// A command that starts the app directly (no WebDriver, no automation) in this
    /// environment: same display, bus and data folder.
    pub fn app_command(&self) -> Command {
        let mut cmd = Command::new(&self.app_binary);
        cmd.env("DISPLAY", &self.display)
            .env("GDK_BACKEND", "x11")
            .env("SCOPEBOOK_DATA_DIR", self.data_dir.path())
            .env_remove("TAURI_WEBVIEW_AUTOMATION");
        if let Some(address) = &self.bus_address {
            cmd.env("DBUS_SESSION_BUS_ADDRESS", address);
        }
        cmd
    }

    /// Launches the app (a new WebDriver session) and waits until `ready` (a `data-testid`) is
    /// on screen.
    pub async fn launch(&mut self, ready: &str) -> App {
        let mut app = self.launch_session().await;
        app.wait_el(ready, LAUNCH).await;
        app.ready_at = Some(app.launched.elapsed());
        app
    }

    /// Launches the app (a new WebDriver session) without waiting for any screen.
    pub async fn launch_session(&mut self) -> App {
        self.driver.check_running(Some(&self.log));
        let caps = json!({
            "webkitgtk:browserOptions": { "binary": self.app_binary, "args": [] }
        });
        let Value::Object(caps) = caps else { unreachable!() };
        let started = Instant::now();
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(caps);
        let connect = tokio::time::timeout(LAUNCH, builder.connect(&url));
        // WebKitWebDriver waits for the browser for a long time even when it has died; notice
        // an app that started and exited before the session was created, and fail at once.
        let driver_pid = self.driver.pid();
        let died = async {
            let mut seen = None;
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let app = children(driver_pid)
                    .into_iter()
                    .find(|(pid, comm)| comm == "scopebook-app" && !is_zombie(*pid))
                    .map(|(pid, _)| pid);
                match (seen, app) {
                    (None, Some(pid)) => seen = Some(pid),
                    (Some(pid), None) => return pid,
                    _ => {}
                }
            }
        };
        let client = tokio::select! {
            result = connect => match result {
                Ok(Ok(c)) => c,
                Ok(Err(e)) => panic!("{}: cannot create a session (launch the app): {e}{}", self.name, tail_of(&self.log)),
                Err(_) => panic!("{}: the app did not start within {LAUNCH:?}{}", self.name, tail_of(&self.log)),
            },
            pid = died => {
                // Let its last words reach the log.
                tokio::time::sleep(Duration::from_millis(200)).await;
                panic!("{}: the app (pid {pid}) exited while starting{}", self.name, tail_of(&self.log))
            }
        };
        let session_at = started.elapsed();
        App {
            client,
            name: self.name.clone(),
            driver_pid: self.driver.pid(),
            launched: started,
            session_at,
            ready_at: None,
        }
    }
}

/// Resident memory of a process, from `/proc/<pid>/status` (kB).
pub fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `(pid, comm)` of each child of `parent`.
pub fn children(parent: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return out };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
        let Some(close) = stat.rfind(')') else { continue };
        let comm = stat.get(stat.find('(').map_or(0, |i| i + 1)..close).unwrap_or_default().to_string();
        let ppid = stat[close + 1..].split_whitespace().nth(1).and_then(|s| s.parse::<u32>().ok());
        if ppid == Some(parent) {
            out.push((pid, comm));
        }
    }
    out
}

/// One running instance of the app, driven through WebDriver.
pub struct App {
    pub client: Client,
    name: String,
    driver_pid: u32,
    /// When the session was requested.
    pub launched: Instant,
    /// From the session request to the session being created (the window exists).
    pub session_at: Duration,
    /// From the session request until the first screen's element was found.
    pub ready_at: Option<Duration>,
}

fn css(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

impl App {
    /// The pid of the `scopebook-app` process.
    pub fn pid(&self) -> Option<u32> {
        children(self.driver_pid).into_iter().find(|(_, comm)| comm == "scopebook-app").map(|(pid, _)| pid)
    }

    /// Saves a screenshot, the page source, then panics.
    pub async fn fail(&self, message: &str) -> ! {
        let dir = artifacts_dir();
        if let Ok(Ok(png)) = tokio::time::timeout(STEP, self.client.screenshot()).await {
            let _ = std::fs::write(dir.join(format!("FAILED-{}.png", self.name)), png);
        }
        if let Ok(Ok(html)) = tokio::time::timeout(STEP, self.client.source()).await {
            let _ = std::fs::write(dir.join(format!("FAILED-{}.html", self.name)), html);
        }
        panic!("{}: {message} (screenshot and page source: e2e-artifacts/FAILED-{}.*)", self.name, self.name);
    }

    /// Runs one WebDriver command with a timeout; fails the test on error.
    pub async fn cmd<T, E: Debug>(&self, what: &str, fut: impl Future<Output = Result<T, E>>) -> T {
        match tokio::time::timeout(STEP, fut).await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => self.fail(&format!("{what}: {e:?}")).await,
            Err(_) => self.fail(&format!("{what}: no answer within {STEP:?}")).await,
        }
    }

    /// Polls `probe` until it returns `Some`, for at most `limit`.
    pub async fn wait_for<T>(&self, what: &str, limit: Duration, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(v) = probe().await {
                return v;
            }
            if Instant::now() > deadline {
                self.fail(&format!("timed out after {limit:?} waiting for {what}")).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// All elements with this `data-testid` now (maybe none).
    pub async fn all(&self, testid: &str) -> Vec<Element> {
        self.cmd(&format!("find [{testid}]"), self.client.find_all(Locator::Css(&css(testid)))).await
    }

    /// The first element with this `data-testid`, if there is one now.
    pub async fn maybe(&self, testid: &str) -> Option<Element> {
        self.all(testid).await.into_iter().next()
    }

    pub async fn wait_el(&self, testid: &str, limit: Duration) -> Element {
        self.wait_for(&format!("element [{testid}]"), limit, async || self.maybe(testid).await).await
    }

    /// The element with this `data-testid`, waiting for it up to [`SETTLE`].
    pub async fn el(&self, testid: &str) -> Element {
        self.wait_el(testid, SETTLE).await
    }

    pub async fn wait_gone(&self, testid: &str) {
        self.wait_for(&format!("[{testid}] to disappear"), SETTLE, async || {
            self.maybe(testid).await.is_none().then_some(())
        })
        .await
    }

    /// Clicks an element after scrolling it to the middle of the window: WebKit's WebDriver does
    /// not always hit an element at the window's edge (a button cut by the bottom edge was
    /// "clicked" with no effect).
    pub async fn click(&self, testid: &str) {
        let el = self.el(testid).await;
        let arg = serde_json::to_value(&el).expect("an element serialises");
        let script = "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });";
        self.cmd(&format!("scroll to [{testid}]"), self.client.execute(script, vec![arg])).await;
        self.cmd(&format!("click [{testid}]"), el.click()).await;
    }

    pub async fn text(&self, testid: &str) -> String {
        let el = self.el(testid).await;
        self.cmd(&format!("text of [{testid}]"), el.text()).await
    }

    pub async fn attr(&self, testid: &str, name: &str) -> Option<String> {
        let el = self.el(testid).await;
        self.cmd(&format!("attribute {name} of [{testid}]"), el.attr(name)).await
    }

    /// The current value (DOM property) of a form field.
    pub async fn value(&self, testid: &str) -> String {
        let el = self.el(testid).await;
        self.cmd(&format!("value of [{testid}]"), el.prop("value")).await.unwrap_or_default()
    }

    /// Waits until the element's text satisfies `ok`; returns the text.
    pub async fn wait_text(&self, testid: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_for(&format!("[{testid}] {what}"), SETTLE, async || {
            let el = self.maybe(testid).await?;
            let text = el.text().await.ok()?;
            ok(&text).then_some(text)
        })
        .await
    }

    /// Sets a field's value by JavaScript and fires `input` and `change`, as a user's edit does.
    async fn set_by_script(&self, testid: &str, el: &Element, value: &str) {
        let script = "const [el, v] = arguments; \
             const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype; \
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, v); \
             el.dispatchEvent(new Event('input', { bubbles: true })); \
             el.dispatchEvent(new Event('change', { bubbles: true }));";
        let arg = serde_json::to_value(el).expect("an element serialises");
        self.cmd(&format!("set [{testid}] by script"), self.client.execute(script, vec![arg, json!(value)])).await;
    }

    /// Fills a form field the way a user would: types into text inputs, picks the option of a
    /// select (waiting for it to be offered), and sets date inputs (whose typed form depends on
    /// the locale) by script. Checks the field holds `value` afterwards.
    pub async fn fill(&self, testid: &str, value: &str) {
        let el = self.el(testid).await;
        let tag = self.cmd("tag name", el.tag_name()).await.to_lowercase();
        let kind = self.cmd("type", el.attr("type")).await.unwrap_or_default().to_lowercase();
        if tag == "select" {
            let option = format!("option[value=\"{value}\"]");
            let opt = self
                .wait_for(&format!("option {value:?} in [{testid}]"), SETTLE, async || {
                    el.find_all(Locator::Css(&option)).await.ok()?.into_iter().next()
                })
                .await;
            self.cmd(&format!("select {value:?} in [{testid}]"), opt.click()).await;
            if self.value(testid).await != value {
                self.set_by_script(testid, &el, value).await;
            }
        } else if matches!(kind.as_str(), "date" | "month" | "datetime-local" | "time") {
            self.set_by_script(testid, &el, value).await;
        } else {
            self.cmd(&format!("clear [{testid}]"), el.clear()).await;
            if !value.is_empty() {
                self.cmd(&format!("type into [{testid}]"), el.send_keys(value)).await;
            }
        }
        let now = self.value(testid).await;
        if now != value {
            self.fail(&format!("[{testid}] holds {now:?} after entering {value:?}")).await;
        }
    }

    /// Saves a screenshot of the window as `e2e-artifacts/<file>.png`, after two animation
    /// frames, so that what the DOM holds now has been painted (WebKit captures the last paint).
    pub async fn screenshot(&self, file: &str) {
        let frames = "const done = arguments[arguments.length - 1]; \
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        let _ = tokio::time::timeout(Duration::from_secs(2), self.client.execute_async(frames, vec![])).await;
        let png = self.cmd("screenshot", self.client.screenshot()).await;
        let path = artifacts_dir().join(format!("{file}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// Ends the session, which closes the app, and waits until its process is gone.
    pub async fn close(self) {
        let pid = self.pid();
        let name = self.name.clone();
        match tokio::time::timeout(STEP, self.client.close()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{name}: closing the session failed: {e}"),
            Err(_) => panic!("{name}: closing the session took longer than {STEP:?}"),
        }
        if let Some(pid) = pid {
            let deadline = Instant::now() + SETTLE;
            while Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid) {
                assert!(Instant::now() < deadline, "{name}: the app (pid {pid}) did not exit after its session ended");
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        }
    }
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rfind(')').map(|i| s[i + 1..].trim_start().starts_with('Z')))
        .unwrap_or(true)
}

/// Runs a future with a timeout; `what` names the step in the failure message.
pub async fn within<T>(what: &str, limit: Duration, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, fut).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: took longer than {limit:?}"),
    }
}
