//! Records already split into cells, as a database gives them, read as the rows of an activity
//! file are read ([`ActivityHeader::read_split`]): the same checks, activities and findings,
//! without writing the cells as CSV text and tokenising that text again (decision 0060).

use super::{Activity, ActivityHeader, Interner};
use crate::diagnostic::{Code, Diagnostic, Location};

/// Records split into cells, laid out one after another in `text`, each cell followed by one
/// separator byte (a comma, or a line break after a record's last cell): the layout of an
/// activity file's lines when no cell needs quoting.
#[derive(Clone, Copy, Debug)]
pub struct SplitRows<'a> {
    /// The cells, from the first record's first.
    pub text: &'a str,
    /// Each cell's length in bytes, `width` a record.
    pub lengths: &'a [u32],
    /// Cells a record.
    pub width: usize,
    /// Each record's row: where the findings about it, and its lines, are located.
    pub rows: &'a [u64],
}

impl<'a> SplitRows<'a> {
    /// The records in about `pieces` runs of as many records, in order (for reading them in
    /// parallel).
    pub fn split(&self, pieces: usize) -> Vec<SplitRows<'a>> {
        let n = self.rows.len();
        let width = self.width.max(1);
        let per = n.div_ceil(pieces.max(1)).max(1);
        let mut out = Vec::with_capacity(pieces);
        let (mut at, mut first) = (0usize, 0usize);
        while first < n {
            let last = (first + per).min(n);
            let lengths = self.lengths.get(first * width..last * width).unwrap_or_default();
            let bytes: usize = lengths.iter().map(|&l| l as usize + 1).sum();
            let end = (at + bytes).min(self.text.len());
            out.push(SplitRows {
                text: self.text.get(at..end).unwrap_or_default(),
                lengths,
                width: self.width,
                rows: self.rows.get(first..last).unwrap_or_default(),
            });
            (at, first) = (end, last);
        }
        out
    }
}

impl ActivityHeader {
    /// [`ActivityHeader::read_rows`] of records already split into cells: each is read, checked
    /// and located at its row exactly as the same record on a line of a file would be.
    pub fn read_split(&self, file: &str, rows: &SplitRows<'_>) -> (Vec<Activity>, Vec<Diagnostic>) {
        let mut out = Vec::with_capacity(rows.rows.len());
        let mut diags = Vec::new();
        let mut interner = Interner::default();
        let mut cells: Vec<&str> = Vec::with_capacity(rows.width);
        let mut at = 0usize;
        for (&row, lengths) in rows.rows.iter().zip(rows.lengths.chunks_exact(rows.width.max(1))) {
            cells.clear();
            let mut whole = true;
            for &len in lengths {
                let end = at + len as usize;
                match rows.text.get(at..end) {
                    Some(cell) => cells.push(cell),
                    None => whole = false,
                }
                at = end + 1;
            }
            if !whole {
                diags.push(Diagnostic::error(
                    Code::MalformedRow,
                    Location::row(file, row),
                    "the record's cells do not lie where their lengths say: the record was not read".to_string(),
                ));
                continue;
            }
            if let Some(a) = self.record(file, row, cells.as_slice(), &mut interner, &mut diags) {
                out.push(a);
            }
        }
        (out, diags)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    const HEAD: &[u8] = b"facility,period_start,period_end,activity,quantity,unit\n";

    /// The same records as lines of a file and split into cells.
    fn both(records: &[[&str; 6]]) -> (Vec<u8>, String, Vec<u32>) {
        let (mut file, mut text, mut lengths) = (HEAD.to_vec(), String::new(), Vec::new());
        for r in records {
            let line = r.join(",");
            file.extend_from_slice(line.as_bytes());
            file.push(b'\n');
            text.push_str(&line);
            text.push('\n');
            lengths.extend(r.iter().map(|c| u32::try_from(c.len()).unwrap()));
        }
        (file, text, lengths)
    }

    #[test]
    fn split_records_read_as_the_lines_of_a_file() {
        let records = [
            ["SZ", "2023-01-01", "2023-01-31", "grid_electricity", "1000", "kWh"],
            ["SZ", "2023-02-01", "2023-01-31", "grid_electricity", "x", "kWh"],
            ["", "2023-03-01", "2023-03-31", "natural_gas", "5", "10^4 Nm3"],
            ["苏州", " 2023-04-01 ", "2023-04-30", "Natural_Gas", "1.5", "GJ"],
        ];
        let (file, text, lengths) = both(&records);
        let (header, _) = ActivityHeader::read("f.csv", &file);
        let (header, start) = header.unwrap();
        let from_file = header.read_rows("f.csv", file.get(start..).unwrap(), 2);
        let rows = [2, 3, 4, 5];
        let split = SplitRows { text: &text, lengths: &lengths, width: 6, rows: &rows };
        let from_cells = header.read_split("f.csv", &split);
        assert_eq!(from_cells, from_file);
        assert!(!from_cells.1.is_empty() && !from_cells.0.is_empty(), "findings and activities both");
        // In pieces, the same records in the same order.
        for pieces in [1, 2, 3, 4, 9] {
            let parts = split.split(pieces);
            assert!(parts.len() <= pieces.max(1));
            let (mut acts, mut diags) = (Vec::new(), Vec::new());
            for part in &parts {
                let (a, d) = header.read_split("f.csv", part);
                acts.extend(a);
                diags.extend(d);
            }
            assert_eq!((acts, diags), from_file, "{pieces} pieces");
        }
    }

    #[test]
    fn a_record_of_another_width_or_whose_cells_are_not_there_is_refused_at_its_row() {
        let (file, text, lengths) = both(&[["SZ", "2023-01-01", "2023-01-31", "grid_electricity", "1", "kWh"]]);
        let (header, _) = ActivityHeader::read("f.csv", &file);
        let (header, _) = header.unwrap();
        let narrow = SplitRows { text: &text, lengths: lengths.get(..5).unwrap(), width: 5, rows: &[7] };
        let (acts, diags) = header.read_split("f.csv", &narrow);
        assert!(acts.is_empty());
        assert_eq!(diags[0].code, Code::MalformedRow);
        assert_eq!(diags[0].location.row, Some(7));
        assert!(diags[0].message.contains("5 fields but the header has 6"), "{}", diags[0].message);
        let mut long = lengths.clone();
        long[5] = 1000;
        let beyond = SplitRows { text: &text, lengths: &long, width: 6, rows: &[9] };
        let (acts, diags) = header.read_split("f.csv", &beyond);
        assert!(acts.is_empty());
        assert_eq!((diags[0].code, diags[0].location.row), (Code::MalformedRow, Some(9)));
    }
}
