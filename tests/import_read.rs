//! The import readers (issue 6, decision 0012) against the corpus in `tests/import-corpus/`.
//!
//! Golden: for every corpus file, `tests/import-corpus/expected/NAME.txt` holds the exact outcome
//! (the table with each cell and its normalised number / date, or the error's code and Display).
//! Regenerate after an intended change with `UPDATE_IMPORT_CORPUS=1 cargo test --test import_read`
//! and review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use scopebook_import::read::{
    date_text, number_text, read, read_bytes, sheets, Cell, Format, ReadErrorCode, ReadOptions, Table,
};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import-corpus")
}

fn cell_text(cell: &Cell) -> String {
    let mut s = match cell {
        Cell::Empty => "Empty".to_owned(),
        Cell::Text(t) => format!("Text({t:?})"),
        Cell::Number(t) => format!("Number({t:?})"),
        Cell::Date(t) => format!("Date({t:?})"),
        Cell::Bool(b) => format!("Bool({b})"),
        Cell::Error(t) => format!("Error({t:?})"),
    };
    if !cell.is_empty() {
        if let Ok(n) = number_text(cell) {
            let _ = write!(s, " =n {n}");
        }
        if let Ok(d) = date_text(cell) {
            let _ = write!(s, " =d {d}");
        }
    }
    s
}

fn describe(table: &Table) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "format: {}", table.format);
    if let Some(sheet) = &table.sheet {
        let _ = writeln!(out, "sheet: {sheet} (of {})", table.sheets.join(", "));
    }
    if let Some(enc) = &table.encoding {
        let _ = writeln!(out, "encoding: {enc}");
    }
    if let Some(d) = table.delimiter {
        let _ = writeln!(out, "delimiter: {:?}", char::from(d));
    }
    let _ = writeln!(out, "header row: {}", table.header_row);
    let _ = writeln!(out, "headers: {}", table.headers.join(" | "));
    for row in &table.rows {
        let _ = writeln!(out, "row {}:", row.line);
        for (h, cell) in table.headers.iter().zip(&row.cells) {
            let _ = writeln!(out, "  {h}: {}", cell_text(cell));
        }
    }
    out
}

fn outcome(path: &Path) -> String {
    match read(path, &ReadOptions::default()) {
        Ok(table) => {
            assert_eq!(table.rows.iter().map(|r| r.cells.len()).max(), Some(table.headers.len()));
            describe(&table)
        }
        Err(e) => format!("error {}: {e}\n", e.code.as_str()),
    }
}

#[test]
fn corpus_matches_expected_outcomes() {
    let dir = corpus();
    let expected_dir = dir.join("expected");
    let update = std::env::var_os("UPDATE_IMPORT_CORPUS").is_some();
    if update {
        std::fs::create_dir_all(&expected_dir).unwrap();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("py" | "md")))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "corpus has {} files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let got = outcome(path);
        let expected_path = expected_dir.join(format!("{name}.txt"));
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!("{name}:\n--- expected\n{want}--- got\n{got}")),
            Err(_) => failures.push(format!("{name}: no expected file {}", expected_path.display())),
        }
    }
    // Every expected file belongs to a corpus file.
    if !update {
        for e in std::fs::read_dir(&expected_dir).unwrap() {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            let stem = n.strip_suffix(".txt").unwrap_or(&n);
            if !dir.join(stem).is_file() {
                failures.push(format!("expected/{n} has no corpus file"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus outcome(s) changed (UPDATE_IMPORT_CORPUS=1 to accept):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn format_comes_from_content_not_extension() {
    let t = read(&corpus().join("xlsx-named.csv"), &ReadOptions::default()).unwrap();
    assert_eq!(t.format, Format::Xlsx);
    let t = read(&corpus().join("csv-named.xlsx"), &ReadOptions::default()).unwrap();
    assert_eq!(t.format, Format::Csv);
    let e = read(&corpus().join("png-named.csv"), &ReadOptions::default()).unwrap_err();
    assert_eq!(e.code, ReadErrorCode::NotThisFormat);
    assert!(e.to_string().contains("PNG image"), "{e}");
}

#[test]
fn sheet_option_and_listing() {
    let path = corpus().join("second-sheet.xlsx");
    assert_eq!(sheets(&path).unwrap(), vec!["cover".to_owned(), "data".to_owned()]);
    let opts = ReadOptions { sheet: Some("DATA".into()), ..ReadOptions::default() };
    assert_eq!(read(&path, &opts).unwrap().sheet.as_deref(), Some("data"));
    let opts = ReadOptions { sheet: Some("nope".into()), ..ReadOptions::default() };
    let e = read(&path, &opts).unwrap_err();
    assert_eq!(e.code, ReadErrorCode::SheetNotFound);
    assert_eq!(e.to_string(), "second-sheet.xlsx: there is no sheet \"nope\"; the sheets are \"cover\", \"data\"");
    assert!(sheets(&corpus().join("utf8.csv")).unwrap().is_empty());
}

#[test]
fn header_row_option() {
    let path = corpus().join("title-rows.csv");
    let opts = ReadOptions { header_row: Some(3), ..ReadOptions::default() };
    let t = read(&path, &opts).unwrap();
    assert_eq!(t.header_row, 3);
    assert_eq!(t.headers.first().map(String::as_str), Some("设施"));
    let opts = ReadOptions { header_row: Some(2), ..ReadOptions::default() };
    let e = read(&path, &opts).unwrap_err();
    assert_eq!(e.code, ReadErrorCode::HeaderNotFound);
    assert_eq!(e.row, Some(2));
}

#[test]
fn encoding_and_delimiter_options() {
    let bytes = std::fs::read(corpus().join("gbk.csv")).unwrap();
    let opts = ReadOptions { encoding: Some("gbk".into()), ..ReadOptions::default() };
    let t = read_bytes("gbk.csv", &bytes, &opts).unwrap();
    assert_eq!(t.headers.first().map(String::as_str), Some("设施"));
    let opts = ReadOptions { encoding: Some("utf-8".into()), ..ReadOptions::default() };
    let e = read_bytes("gbk.csv", &bytes, &opts).unwrap_err();
    assert_eq!(e.code, ReadErrorCode::Encoding);
    assert_eq!(e.row, Some(1));
    let opts = ReadOptions { encoding: Some("klingon".into()), ..ReadOptions::default() };
    assert_eq!(read_bytes("gbk.csv", &bytes, &opts).unwrap_err().code, ReadErrorCode::Encoding);

    let opts = ReadOptions { delimiter: Some(b';'), ..ReadOptions::default() };
    let t = read_bytes("x.csv", b"a;b,c\n1;2,3\n", &opts).unwrap();
    assert_eq!(t.headers, vec!["a".to_owned(), "b,c".to_owned()]);
}

#[test]
fn size_limit_is_checked_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    std::fs::write(&path, "a,b\n1,2\n".repeat(1000)).unwrap();
    let opts = ReadOptions { max_bytes: 1024, ..ReadOptions::default() };
    let e = read(&path, &opts).unwrap_err();
    assert_eq!(e.code, ReadErrorCode::TooLarge);
    assert_eq!(
        e.to_string(),
        "big.csv: the file is 7.8 KiB (8000 bytes) but the import limit is 1.0 KiB (1024 bytes); \
         split it into smaller files or raise the limit"
    );
    let e = read_bytes("big.csv", &std::fs::read(&path).unwrap(), &opts).unwrap_err();
    assert_eq!(e.code, ReadErrorCode::TooLarge);
}

/// A ZIP whose sheet inflates from about 1 MiB to 1 GiB+: refused before calamine sees it.
#[test]
fn zip_bomb_is_refused() {
    let good = std::fs::read(corpus().join("utf8.csv")).unwrap();
    let _ = good;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(b"<Types/>").unwrap();
        zip.start_file("xl/workbook.xml", opts).unwrap();
        zip.write_all(b"<workbook/>").unwrap();
        zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let bytes = buf.into_inner();
    assert!(bytes.len() < 1 << 20, "bomb is {} bytes", bytes.len());
    let e = read_bytes("bomb.xlsx", &bytes, &ReadOptions::default()).unwrap_err();
    assert_eq!(e.code, ReadErrorCode::ZipBomb, "{e}");
    assert!(e.to_string().contains("xl/worksheets/sheet1.xml"), "{e}");
}

/// The same bomb, but lying: its directory declares a small size. The inflation check catches it.
#[test]
fn zip_bomb_with_lying_sizes_is_refused() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/workbook.xml", opts).unwrap();
        zip.write_all(b"<workbook/>").unwrap();
        zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        zip.write_all(&vec![b' '; 4 << 20]).unwrap();
        zip.finish().unwrap();
    }
    let mut bytes = buf.into_inner();
    // Patch the declared uncompressed size of the sheet (4 MiB) to 1000 in both headers.
    let four_mib = (4u32 << 20).to_le_bytes();
    let mut patched = 0;
    let mut i = 0;
    while i + 4 <= bytes.len() {
        if bytes[i..i + 4] == four_mib {
            bytes[i..i + 4].copy_from_slice(&1000u32.to_le_bytes());
            patched += 1;
        }
        i += 1;
    }
    assert!(patched >= 2, "patched {patched}");
    let e = read_bytes("liar.xlsx", &bytes, &ReadOptions::default()).unwrap_err();
    assert!(matches!(e.code, ReadErrorCode::ZipBomb | ReadErrorCode::Malformed), "{e}");
}

/// A 200 MB CSV (within the 256 MiB default) is read; slow in debug builds, hence ignored.
/// `cargo test --release --test import_read -- --ignored --nocapture` measures it too.
#[test]
#[ignore = "writes and reads 200 MB; run with --release -- --ignored"]
fn csv_of_200_mb_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let rows = write_big_csv(&path, 200_000_000);
    let start = std::time::Instant::now();
    let t = read(&path, &ReadOptions::default()).unwrap();
    eprintln!("200 MB, {rows} rows: read in {:?}", start.elapsed());
    assert_eq!(t.rows.len(), rows);
    // Over the limit: refused before reading, with the size in the message.
    let opts = ReadOptions { max_bytes: 100_000_000, ..ReadOptions::default() };
    let e = read(&path, &opts).unwrap_err();
    assert_eq!(e.code, ReadErrorCode::TooLarge);
}

/// Reading speed: 1,000,000 rows (~80 MB). `cargo test --release --test import_read -- --ignored`.
#[test]
#[ignore = "performance; run with --release -- --ignored --nocapture"]
fn csv_of_a_million_rows_reads_fast() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.csv");
    write_rows(&path, 1_000_000);
    let size = std::fs::metadata(&path).unwrap().len();
    let start = std::time::Instant::now();
    let t = read(&path, &ReadOptions::default()).unwrap();
    let elapsed = start.elapsed();
    eprintln!("1,000,000 rows, {size} bytes: read in {elapsed:?}");
    assert_eq!(t.rows.len(), 1_000_000);
}

fn row_text(i: usize) -> String {
    format!(
        "Plant {:03},diesel fuel for generators,{}.{:02},L,2023-{:02}-01,2023-{:02}-28,supplier {}\n",
        i % 500,
        1000 + i % 99_000,
        i % 100,
        1 + i % 12,
        1 + i % 12,
        i % 37
    )
}

fn write_rows(path: &Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(b"facility,activity,quantity,unit,start,end,supplier\n").unwrap();
    for i in 0..n {
        f.write_all(row_text(i).as_bytes()).unwrap();
    }
    f.flush().unwrap();
}

fn write_big_csv(path: &Path, bytes: usize) -> usize {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(b"facility,activity,quantity,unit,start,end,supplier\n").unwrap();
    let (mut written, mut rows) = (0, 0);
    while written < bytes {
        let r = row_text(rows);
        written += r.len();
        rows += 1;
        f.write_all(r.as_bytes()).unwrap();
    }
    f.flush().unwrap();
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Nothing panics on arbitrary bytes, whatever the claimed name.
    #[test]
    fn read_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ext in 0usize..4) {
        let name = ["x.csv", "x.xlsx", "x.xls", "x.ods"][ext];
        if let Ok(t) = read_bytes(name, &bytes, &ReadOptions::default()) {
            for row in &t.rows {
                prop_assert_eq!(row.cells.len(), t.headers.len());
                for cell in &row.cells {
                    let _ = number_text(cell);
                    let _ = date_text(cell);
                }
            }
        }
    }

    /// Mutated corpus workbooks: ZIP and calamine paths with almost-valid input.
    #[test]
    fn mutated_workbooks_never_panic(file in 0usize..4, flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let name = ["basic.xlsx", "basic.ods", "basic.xls", "formulas.xlsx"][file];
        let mut bytes = std::fs::read(corpus().join(name)).unwrap();
        for (at, b) in flips {
            let len = bytes.len();
            bytes[at % len] = b;
        }
        let _ = read_bytes(name, &bytes, &ReadOptions::default());
    }

    /// Text that looks like CSV: the cells come back trimmed and rows keep the header's width.
    #[test]
    fn csv_like_text_never_panics(text in "[a-c0-9,;\t|\" \n\r年.-]{0,300}") {
        let _ = read_bytes("x.csv", text.as_bytes(), &ReadOptions::default());
    }

    #[test]
    fn number_text_keeps_digits(int in "[1-9][0-9]{0,20}", frac in "[0-9]{0,10}") {
        let plain = if frac.is_empty() { int.clone() } else { format!("{int}.{frac}") };
        let got = number_text(&Cell::Text(plain.clone())).unwrap();
        prop_assert_eq!(&got, &plain);
        // With thousands separators.
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let grouped = if frac.is_empty() { grouped } else { format!("{grouped}.{frac}") };
        prop_assert_eq!(number_text(&Cell::Text(grouped)).unwrap(), plain);
    }
}

#[test]
fn delimiters_as_users_write_them() {
    use scopebook_import::read::parse_delimiter;
    assert_eq!(parse_delimiter(""), Ok(None));
    assert_eq!(parse_delimiter("tab"), Ok(Some(b'\t')));
    assert_eq!(parse_delimiter("\\t"), Ok(Some(b'\t')));
    assert_eq!(parse_delimiter(";"), Ok(Some(b';')));
    assert!(parse_delimiter(";;").unwrap_err().contains("one ASCII character"));
    assert!(parse_delimiter("，").is_err(), "a full-width comma is not one ASCII character");
}
