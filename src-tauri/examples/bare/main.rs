//! The yardstick for the app's start-up time and memory (`e2e/tests/measure.rs`): a bare Tauri 2
//! window, built from this crate with the same Tauri and WebKitGTK, the same window (1280x800)
//! and a one-line page that paints a header bar of the app's colour (#15202b), so that the
//! screen method sees "first paint" at the same point. No commands, no state, no library.
//!
//! `cargo build --workspace --example bare [--release]`, then `target/<profile>/examples/bare`.

fn main() {
    let result = tauri::Builder::default().run(tauri::generate_context!("examples/bare/tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("bare: the window could not start: {e}");
        std::process::exit(1);
    }
}
