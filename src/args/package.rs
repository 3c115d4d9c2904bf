//! Arguments of `scopebook export-package` and `scopebook verify` (the auditor's package).

use std::path::PathBuf;

use super::StoreFormat;

#[derive(clap::Args)]
pub struct ExportPackageArgs {
    /// The organisation's inventory file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The reporting period (its year).
    #[arg(long, value_name = "YEAR")]
    pub period: i32,
    /// The package to write (a .zip file; it must not exist).
    #[arg(long, value_name = "PKG.zip")]
    pub out: PathBuf,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The auditor's package (.zip) to check, from the package alone.
    #[arg(value_name = "PKG.zip")]
    pub package: PathBuf,
    /// `table` (default) or `json`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: StoreFormat,
}
