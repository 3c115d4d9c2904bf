//! Importing activity data from CSV and spreadsheet files (issue 6).
//!
//! - [`read`]: files to a table of raw cells (encodings, delimiters, sheets, header row).
//! - [`mapping`]: the file's columns to Scopebook fields, guessed from header names.
//! - [`values`]: the file's own activity names and unit spellings to library ones.
//! - [`template`]: the blank import workbook.
//! - [`pipeline`]: one import, from a table to records in the store, with its preview.
//! - [`residual_mix`]: the AIB and Green-e residual-mix files converted into the factor format.

pub mod mapping;
pub mod pipeline;
pub mod read;
pub mod residual_mix;
pub mod template;
pub mod values;
