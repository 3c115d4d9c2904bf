//! COVERED.csv: which facilities of the activity records a scheme covers, and who holds them
//! (decision 0031).
//!
//! `facility,enterprise,installation,parameters,note`: `facility` is the activity file's
//! facility code; `enterprise` (cn-ets) names an enterprise of UNITS.csv, `installation`
//! (eu-ets) an installation id of the registry export. `parameters` says which fuel parameters
//! the scheme's figure takes: `record` (the record's own, as the inventory does; the default when
//! empty) or `default` (the factor's defaults: the monitoring plan or the verifier did not accept
//! the plant's measurements). A facility not listed is outside the scheme.

use scopebook_core::diagnostic::{Code, Diagnostic};
use serde::Serialize;

use crate::sheet::{self, Row};

pub const REQUIRED: &[&str] = &["facility"];
pub const OPTIONAL: &[&str] = &["enterprise", "installation", "parameters", "note"];

/// Which fuel parameters the scheme's figure takes for a facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Parameters {
    /// The record's own (measured, calculated) parameters, as the inventory.
    Record,
    /// The emission factor's defaults, in place of the record's own.
    Default,
}

/// One covered facility.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Covered {
    pub line: u64,
    pub facility: String,
    /// The enterprise (cn-ets) or installation (eu-ets) that holds it.
    pub holder: String,
    pub parameters: Parameters,
}

/// The covered facilities of a file; `holder_column` is `enterprise` (cn-ets) or `installation`
/// (eu-ets). Rows with a finding are left out.
pub fn read(file: &str, bytes: &[u8], holder_column: &str, diags: &mut Vec<Diagnostic>) -> Vec<Covered> {
    let Some((header, rows)) = sheet::read(file, bytes, REQUIRED, OPTIONAL, diags) else {
        return Vec::new();
    };
    let mut out: Vec<Covered> = Vec::new();
    for (line, record) in &rows {
        let row = Row { header: &header, line: *line, record };
        let before = diags.len();
        let facility = row.required("facility", diags).map(str::to_string);
        let holder = row.text(holder_column).map(str::to_string);
        if holder.is_none() {
            diags.push(Diagnostic::error(
                Code::MissingValue,
                row.at(holder_column),
                format!("'{holder_column}' is empty; a covered facility needs the {holder_column} that holds it for this scheme"),
            ));
        }
        let parameters = match row.text("parameters").map(str::to_lowercase).as_deref() {
            None | Some("record") => Some(Parameters::Record),
            Some("default") => Some(Parameters::Default),
            Some(other) => {
                diags.push(Diagnostic::error(
                    Code::InvalidValue,
                    row.at("parameters"),
                    format!("'{other}' is not a choice of parameters: record (the record's own, as the inventory) or default (the factor's defaults)"),
                ));
                None
            }
        };
        if diags[before..].iter().any(Diagnostic::is_error) {
            continue;
        }
        let (Some(facility), Some(holder), Some(parameters)) = (facility, holder, parameters) else { continue };
        if let Some(first) = out.iter().find(|c| c.facility == facility) {
            diags.push(Diagnostic::error(
                Code::DuplicateId,
                row.at("facility"),
                format!("facility '{facility}' is already given on line {}; a facility is covered once", first.line),
            ));
            continue;
        }
        out.push(Covered { line: *line, facility, holder, parameters });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_parameters_and_refusals() {
        let mut d = Vec::new();
        let text = "facility,enterprise,parameters\nP1,Acme Power,\nP2,Acme Power,default\nP3,,record\nP1,Other,\nP4,Acme,guess\n";
        let c = read("COVERED.csv", text.as_bytes(), "enterprise", &mut d);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].parameters, c[1].parameters), (Parameters::Record, Parameters::Default));
        let shown: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].starts_with("error[missing-value] COVERED.csv:4 (column enterprise)"));
        assert!(shown[1].starts_with("error[duplicate-id] COVERED.csv:5 (column facility)"));
        assert!(shown[2].starts_with("error[invalid-value] COVERED.csv:6 (column parameters)"));
    }
}
