//! Helpers shared by the integration tests that `mod common;` them.

pub mod golden_store;
