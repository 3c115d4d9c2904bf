//! Arguments of `scopebook export-package`, `scopebook verify` and `scopebook sample` (the
//! auditor's package; the sample: decision 0042).

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

#[derive(clap::Args)]
pub struct SampleArgs {
    /// The auditor's package (.zip) to draw the sample from.
    #[arg(value_name = "PKG.zip")]
    pub package: PathBuf,
    /// The auditor's phrase: the seed is SHA-256 of the package's root hash followed by it.
    #[arg(long, value_name = "TEXT")]
    pub phrase: String,
    /// Lines whose emissions are at least this percent of the total are checked in full: 5
    /// (default), 2, or any exact decimal percent above 0 and at most 100.
    #[arg(long, value_name = "PCT", default_value = "5")]
    pub materiality: String,
    /// How many of the other lines to sample (default 25, or all of them when fewer).
    #[arg(long, value_name = "N")]
    pub size: Option<usize>,
    /// `table` (default) or `json`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: StoreFormat,
}
