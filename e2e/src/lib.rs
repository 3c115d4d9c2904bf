//! Real-window end-to-end tests of the Scopebook desktop app. Everything is in `tests/`: the
//! harness in `tests/common/mod.rs`, the scenarios in `tests/app.rs`, the start-up and memory
//! measurement in `tests/measure.rs`. This library is empty on purpose: the test dependencies are
//! dev-dependencies, so `cargo build --workspace` builds the app exactly as without this crate.
