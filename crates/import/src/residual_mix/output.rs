//! A converted residual mix written as a factor file (`factors.csv`, the project's factor
//! format) and as a user dataset folder's `dataset.toml`: deterministic bytes, one row a region
//! in region order, `\n` line ends.

use scopebook_core::dataset::sha256_hex;

use super::{Publication, RateGas, ResidualMix, ACTIVITY, LICENCE};

/// The factor file's columns (a subset of the format's; the others are empty).
const COLUMNS: &[&str] = &[
    "id",
    "activity",
    "scope",
    "category",
    "unit",
    "co2_kg",
    "ch4_kg",
    "n2o_kg",
    "co2e_kg",
    "gwp_basis",
    "source",
    "name",
    "region",
    "valid_from",
    "valid_to",
    "verified",
];

impl ResidualMix {
    /// The dataset edition: the data year.
    pub fn edition(&self) -> String {
        self.data_year.to_string()
    }

    /// `aib-residual-mix.2023.DE`.
    pub fn factor_id(&self, region: &str) -> String {
        format!("{}.{}.{region}", self.publication.dataset_id(), self.data_year)
    }

    fn where_(&self) -> String {
        match &self.sheet {
            Some(s) => format!("{} (SHA-256 {}), sheet '{s}'", self.file, self.sha256),
            None => format!("{} (SHA-256 {})", self.file, self.sha256),
        }
    }

    /// The factor file's bytes.
    pub fn factor_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        // Writing into a Vec cannot fail; a failure would leave the row out, which the
        // round-trip tests would show.
        let _ = w.write_record(COLUMNS);
        let year = self.data_year;
        let basis = self.gwp_basis.map(|b| b.to_string()).unwrap_or_default();
        for m in &self.regions {
            let region = m.region.as_str();
            let value = |gas: RateGas| {
                m.figures.iter().find(|f| f.gas == gas).map(|f| f.kg_per_mwh.to_string()).unwrap_or_default()
            };
            let co2e = value(RateGas::Co2e);
            let cells: Vec<String> = m
                .figures
                .iter()
                .map(|f| {
                    let unit = match self.publication {
                        Publication::Aib => format!(
                            "{} g {}/kWh (= kg/MWh)",
                            f.text,
                            if f.gas == RateGas::Co2e { "CO2e" } else { "CO2" }
                        ),
                        Publication::GreenE => {
                            format!("{} lb {}/MWh × 0.45359237 kg/lb = {} kg/MWh", f.text, f.gas.name(), f.kg_per_mwh)
                        }
                    };
                    format!("column {} '{}' = {unit}", f.column, f.header)
                })
                .collect();
            let source = format!(
                "{}, {}: {}, row {}: '{}', {}; converted by scopebook residual-mix import (decision 0048); {LICENCE}",
                self.publication.publisher(),
                self.publication.title(year),
                self.where_(),
                m.row,
                m.label,
                cells.join(", ")
            );
            let name = format!("Residual mix, {} ({}, data year {year})", m.label, self.publication.title(year));
            let record = [
                self.factor_id(region),
                ACTIVITY.to_owned(),
                "2".to_owned(),
                "electricity".to_owned(),
                "MWh".to_owned(),
                value(RateGas::Co2),
                value(RateGas::Ch4),
                value(RateGas::N2o),
                co2e.clone(),
                if co2e.is_empty() { String::new() } else { basis.clone() },
                source,
                name,
                region.to_owned(),
                format!("{year}-01-01"),
                format!("{year}-12-31"),
                "true".to_owned(),
            ];
            let _ = w.write_record(&record);
        }
        w.into_inner().unwrap_or_default()
    }

    /// `dataset.toml` of a user dataset folder holding `factors` (named `factors_file`): the
    /// dataset id and edition, the publisher, the licence, not redistributable, the user's file
    /// with its SHA-256 as evidence.
    pub fn dataset_toml(&self, factors_file: &str, factors: &[u8]) -> String {
        let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
        let p = self.publication;
        let regions: Vec<&str> = self.regions.iter().map(|m| m.region.as_str()).collect();
        let header = match &self.sheet {
            Some(s) => format!("sheet '{s}', header row {}", self.header_row),
            None => format!("header line {}", self.header_row),
        };
        let notes = format!(
            "Converted by scopebook residual-mix import (decision 0048) from the user's own copy of the publication: {} regions ({}), each valid {y}-01-01 to {y}-12-31 only (never used for another year). {}",
            regions.len(),
            regions.join(", "),
            match p {
                Publication::Aib => "AIB gives direct CO2 in g/kWh, which is kg/MWh: each figure is the cell's exact text.",
                Publication::GreenE => "Green-e gives lb/MWh; each figure is the cell's exact text × 0.45359237 kg/lb, exactly. Green-e's \"YYYY … (YYYY-2 Data)\" edition has the data year YYYY-2.",
            },
            y = self.data_year
        );
        let mut out = String::new();
        out.push_str(&format!("id = {}\n", q(p.dataset_id())));
        out.push_str(&format!("edition = {}\n", q(&self.edition())));
        out.push_str(&format!(
            "title = {}\n",
            q(&format!("{}, converted from the user's copy", p.title(self.data_year)))
        ));
        out.push_str(&format!("publisher = {}\n", q(p.publisher())));
        out.push_str(&format!("region = {}\n", q(p.dataset_region())));
        out.push_str(&format!("licence = {}\n", q(LICENCE)));
        out.push_str(&format!("source_url = {}\n", q(p.source_url())));
        out.push_str(&format!("references = [{}]\n", q(&format!("{}, {header}", self.where_()))));
        out.push_str(&format!("notes = {}\n", q(&notes)));
        out.push_str(&format!("evidence = {}\n", q(&format!("{} (SHA-256 {})", self.file, self.sha256))));
        out.push_str("redistributable = false\n\n[files]\n");
        out.push_str(&format!("factors = {}\n", q(factors_file)));
        out.push_str(&format!("sha256 = {}\n", q(&sha256_hex(factors))));
        out
    }
}
