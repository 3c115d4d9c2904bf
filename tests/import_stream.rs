//! Streamed CSV imports (issue 10, decision 0028): a CSV read a block at a time
//! (`read::open`, `pipeline::run_blocks`) gives the preview, records and lineage that the file
//! read whole gives (`read::read`, `pipeline::run`), whatever the block size; and it stays all
//! or nothing: a bad row, or a row too long for the header, after the first block leaves the
//! store exactly as it was.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::Connection;
use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;
use scopebook_import::pipeline::{self, ImportError, ImportOptions, Mode, Outcome, Preview, Quiet};
use scopebook_import::read::{self, ReadErrorCode, ReadOptions};
use scopebook_store::{Consolidation, NewFacility, NewOrganisation, NewPeriod, Store};

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| {
        let (lib, diags) = FactorLibrary::shipped();
        assert!(diags.is_empty(), "{diags:?}");
        lib
    })
}

/// A fresh organisation file with facilities F0–F2 and the open period 2023.
fn store(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.scopebook"));
    let org = NewOrganisation { name: "Stream Test".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&path, &org, "ann").unwrap();
    for f in 0..3 {
        s.add_facility(&NewFacility::new(&format!("F{f}"), &format!("Plant {f}"), "CN-JS")).unwrap();
    }
    s.add_period(lib(), &NewPeriod::year(2023)).unwrap();
    path
}

const KINDS: [(&str, &str); 3] = [("电力", "kWh"), ("天然气", "万立方米"), ("柴油", "吨")];

/// `n` rows as an ERP export has them, with what moves line numbers: a title line above the
/// header, blank lines, notes quoted over two lines. `bad` replaces rows' cells: (index, column,
/// text).
fn csv(n: usize, bad: &[(usize, usize, &str)], crlf: bool) -> String {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = format!("2023年能源台账{nl}{nl}设施,能源品种,用量,单位,开始日期,结束日期,凭证号,备注{nl}");
    for i in 0..n {
        let (activity, unit) = KINDS[i % KINDS.len()];
        let month = i % 12 + 1;
        let mut cells = vec![
            format!("F{}", i % 3),
            activity.to_string(),
            format!("\"{},{:03}.5\"", i % 7 + 1, i % 1000),
            unit.to_string(),
            format!("2023-{month:02}-01"),
            format!("2023-{month:02}-28"),
            format!("INV-{i:04}"),
            if i % 17 == 5 { format!("\"first line{nl}second line\"") } else { String::new() },
        ];
        for (at, column, text) in bad {
            if *at == i {
                if *column < cells.len() {
                    cells[*column] = (*text).to_string();
                } else {
                    cells.push((*text).to_string());
                }
            }
        }
        let _ = write!(out, "{}{nl}", cells.join(","));
        if i % 23 == 11 {
            out.push_str(nl);
        }
    }
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn opts(mode: Mode) -> ImportOptions {
    ImportOptions { year: 2023, mode, ..ImportOptions::default() }
}

/// The file read whole into a table, then imported (the path before streaming).
fn whole(db: &Path, file: &Path, read: &ReadOptions, mode: Mode) -> Preview {
    let table = read::read(file, read).unwrap();
    let mut s = Store::open(db, "ann").unwrap();
    pipeline::run(&mut s, lib(), &table, &opts(mode), &Quiet).unwrap()
}

/// The file streamed `block` rows at a time.
fn streamed(db: &Path, file: &Path, read: &ReadOptions, mode: Mode, block: usize) -> Result<Preview, ImportError> {
    let mut rows = read::open(file, read).unwrap();
    assert!(matches!(rows, read::FileRows::Csv(_)), "a CSV is streamed");
    let mut s = Store::open(db, "ann").unwrap();
    pipeline::run_blocks(&mut s, lib(), &mut rows, &opts(mode), &Quiet, block)
}

/// The records, their lineage and the import's record, as the database holds them (without the
/// times, which differ from one import to the next).
fn contents(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT a.id, a.facility_id, a.activity, a.quantity, a.unit, a.start_date, a.end_date, a.evidence, a.note, s.import_id, s.source_row FROM activity a LEFT JOIN activity_source s ON s.activity_id = a.id ORDER BY a.id",
        "SELECT id, file_name, file_sha256, format, header_row, mapping, rows_read, rows_imported, rows_skipped, first_activity, last_activity FROM import_batch ORDER BY id",
    ] {
        let mut stmt = c.prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Null => "NULL".to_string(),
                        rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(cells.join("|"))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

/// The database's bytes, once its log is folded in.
fn sha(db: &Path) -> String {
    let c = Connection::open(db).unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    scopebook_core::dataset::sha256_hex(&std::fs::read(db).unwrap())
}

fn json(p: &Preview) -> serde_json::Value {
    serde_json::to_value(p).unwrap()
}

#[test]
fn a_streamed_import_gives_the_preview_records_and_lineage_of_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    for (name, crlf, gb) in [("plain.csv", false, false), ("crlf.csv", true, false), ("gbk.csv", false, true)] {
        let text = csv(300, &[], crlf);
        let bytes = if gb { encoding_rs::GB18030.encode(&text).0.into_owned() } else { text.into_bytes() };
        let file = write(dir.path(), name, &bytes);
        let read = ReadOptions::default();
        let a = store(dir.path(), &format!("{name}-whole"));
        let expected = whole(&a, &file, &read, Mode::AllOrNothing);
        assert_eq!(expected.outcome, Outcome::Imported, "{name}: {:?}", expected.problems.first());
        assert_eq!((expected.rows_read, expected.records_imported), (300, 300), "{name}");
        // Blocks smaller than the header search, of one row, across the notes and blank lines.
        for block in [1, 7, 64, 1000] {
            let b = store(dir.path(), &format!("{name}-{block}"));
            let got = streamed(&b, &file, &read, Mode::AllOrNothing, block).unwrap();
            assert_eq!(json(&got), json(&expected), "{name}, blocks of {block}");
            assert_eq!(contents(&b), contents(&a), "{name}, blocks of {block}");
            let s = Store::open(&b, "ann").unwrap();
            s.verify().unwrap();
        }
    }
}

#[test]
fn problems_duplicates_and_unknown_values_are_found_across_blocks_as_in_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    // Row 3's evidence again far below it (same facility, activity and month), an unknown activity, a quantity that is not one,
    // an empty facility, a period cell that is not a date.
    let bad = [
        (147, 6, "INV-0003"),
        (40, 1, "蒸汽X"),
        (41, 1, "蒸汽X"),
        (90, 2, "12a"),
        (200, 0, ""),
        (250, 4, "2023-13-01"),
    ];
    let file = write(dir.path(), "bad.csv", csv(260, &bad, true).as_bytes());
    let read = ReadOptions::default();
    for mode in [Mode::DryRun, Mode::AllOrNothing, Mode::ValidRowsOnly] {
        let a = store(dir.path(), &format!("whole-{mode:?}"));
        let expected = whole(&a, &file, &read, mode);
        assert_eq!(expected.rows_with_problems, 6, "{:?}", expected.problems);
        assert_eq!(expected.duplicates.len(), 1);
        assert_eq!(expected.unknown_values.len(), 1);
        assert_eq!(expected.unknown_values[0].rows, 2);
        let b = store(dir.path(), &format!("streamed-{mode:?}"));
        let got = streamed(&b, &file, &read, mode, 16).unwrap();
        assert_eq!(json(&got), json(&expected), "{mode:?}");
        assert_eq!(contents(&b), contents(&a), "{mode:?}");
        if mode == Mode::ValidRowsOnly {
            assert_eq!(got.records_imported, 254);
            // The skipped rows, picked out of the file read again, are the table's.
            let table = read::read(&file, &read).unwrap();
            let mut again = read::open(&file, &read).unwrap();
            let skipped = pipeline::skipped_rows_csv_from(&mut again, &got).unwrap();
            assert_eq!(skipped, pipeline::skipped_rows_csv(&table, &expected));
            let records =
                csv::ReaderBuilder::new().has_headers(false).from_reader(skipped.as_slice()).records().count();
            assert_eq!(records, 7, "the header and six rows (one with a note over two lines)");
        }
    }
}

#[test]
fn a_bad_row_after_the_first_block_refuses_the_import_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path(), "acme");
    let before = sha(&db);
    // Row 180 of 200 (its line in the file is further down), read in blocks of 25: seven
    // blocks were checked and would have been written before it.
    let file = write(dir.path(), "late.csv", csv(200, &[(180, 2, "1.2.3")], false).as_bytes());
    let p = streamed(&db, &file, &ReadOptions::default(), Mode::AllOrNothing, 25).unwrap();
    assert_eq!(p.outcome, Outcome::Refused);
    assert_eq!((p.records_imported, p.rows_valid, p.rows_read), (0, 199, 200));
    let [problem] = p.problems.as_slice() else { panic!("{:?}", p.problems) };
    assert_eq!(problem.code, Code::MalformedNumber);
    assert_eq!((problem.column.as_deref(), problem.value.as_deref()), (Some("用量"), Some("1.2.3")));
    let table = read::read(&file, &ReadOptions::default()).unwrap();
    let line = table.rows[180].line as u64;
    assert!(line > 180 + 3, "the file's own line, below the title, header, notes and blank lines");
    assert_eq!(problem.row, line);
    assert_eq!(sha(&db), before, "nothing was written");

    // A value right of the header in a late row refuses the file part-way, as reading it whole
    // refuses it, and nothing is written either.
    let file = write(dir.path(), "long.csv", csv(200, &[(190, 8, "stray")], false).as_bytes());
    let whole_error = read::read(&file, &ReadOptions::default()).unwrap_err();
    assert_eq!(whole_error.code, ReadErrorCode::RowTooLong);
    let Err(ImportError::Read(e)) = streamed(&db, &file, &ReadOptions::default(), Mode::AllOrNothing, 25) else {
        panic!("the row too long refuses the import")
    };
    assert_eq!(e, whole_error);
    let Err(ImportError::Read(e)) = streamed(&db, &file, &ReadOptions::default(), Mode::ValidRowsOnly, 25) else {
        panic!("the row too long refuses the import whatever its mode")
    };
    assert_eq!(e.row, whole_error.row);
    assert_eq!(sha(&db), before, "nothing was written");
}

#[test]
fn a_file_is_refused_on_opening_as_reading_it_whole_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let good = csv(50, &[], false);
    // Not UTF-8 and not GB18030 past the first mebibyte of a large file, invalid UTF-8 after a
    // byte-order mark, a header and nothing below it, a file with no header, an empty file, an
    // encoding that does not exist.
    let mut long = good.clone().into_bytes();
    while long.len() < 1_200_000 {
        long.extend_from_slice(csv(1, &[], false).lines().last().unwrap().as_bytes());
        long.push(b'\n');
    }
    long.extend_from_slice(b"F0,\xFF\xFF\xFF,1,kWh,2023-01-01,2023-01-31,X\n");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(good.as_bytes());
    bom.extend_from_slice(b"\n\xC3\n");
    let files: [(&str, Vec<u8>, Option<&str>); 6] = [
        ("long.csv", long, None),
        ("bom.csv", bom, None),
        ("only-header.csv", "设施,能源品种,用量\n\n".into(), None),
        ("no-header.csv", "1,2,3\n4,5,6\n".into(), None),
        ("empty.csv", Vec::new(), None),
        ("unknown-encoding.csv", "设施,能源品种\nF0,电力\n".into(), Some("klingon")),
    ];
    for (name, bytes, encoding) in files {
        let file = write(dir.path(), name, &bytes);
        let read = ReadOptions { encoding: encoding.map(str::to_string), ..ReadOptions::default() };
        let expected = read::read(&file, &read).map(|_| ()).unwrap_err();
        let got = read::open(&file, &read).map(|_| ()).unwrap_err();
        assert_eq!(got, expected, "{name}");
    }
    // A header given far down is found as a whole read finds it.
    let file = write(dir.path(), "header.csv", csv(40, &[], false).as_bytes());
    let read = ReadOptions { header_row: Some(3), ..ReadOptions::default() };
    let opened = read::open(&file, &read).unwrap();
    let table = read::read(&file, &read).unwrap();
    assert_eq!(read::RowBlocks::head(&opened), &table.head());
    assert_eq!(table.head().sha256, scopebook_core::dataset::sha256_hex(&std::fs::read(&file).unwrap()));
}
