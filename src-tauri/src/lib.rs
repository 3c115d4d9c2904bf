//! Scopebook's desktop shell. Each command parses its input, calls the `scopebook` library, and
//! maps the outcome onto the wire types of [`api`]. No accounting happens here.

pub mod api;
pub mod auditor;
pub mod commands;
pub mod compliance;
pub mod dashboard;
pub mod exports;
pub mod factor_files;
pub mod import;
pub mod inventory;
mod library;
pub mod reconciliation;
pub mod registry;
pub mod rendering;
pub mod scope23;
pub mod scope3_entry;
#[cfg(test)]
mod testing;

pub fn run() {
    commands::run();
}

#[cfg(test)]
mod tests {
    #[test]
    fn typescript_bindings_match_the_rust_types() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
        let generated = crate::api::typescript_bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/lib/bindings.ts is out of date; run UPDATE_BINDINGS=1 cargo test -p scopebook-app"
        );
    }
}
