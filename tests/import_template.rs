//! The blank import workbook (issue 6): written by `import::template`, read back with calamine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;
use std::sync::OnceLock;

use calamine::{Data, Reader, SheetVisible, Xlsx};
use scopebook_core::library::FactorLibrary;
use scopebook_import::mapping::{guess, Lang};
use scopebook_import::template::{sheet_names, template_activities, write_template, TEMPLATE_FIELDS};
use scopebook_import::values::{resolve_activity, resolve_unit, Resolved, ValueMap};

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| {
        let (lib, diags) = FactorLibrary::shipped();
        assert!(diags.is_empty(), "{diags:?}");
        lib
    })
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("a readable xlsx")
}

/// Column `col` of a sheet, from row 1 on, as strings (stops at the first empty cell).
fn column(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, col: usize) -> Vec<String> {
    let range = book.worksheet_range(sheet).unwrap();
    let mut out = Vec::new();
    for row in range.rows().skip(1) {
        match row.get(col) {
            Some(Data::String(s)) => out.push(s.clone()),
            _ => break,
        }
    }
    out
}

fn headers(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<String> {
    let range = book.worksheet_range(sheet).unwrap();
    let first = range.rows().next().unwrap();
    first.iter().map(|c| c.to_string()).collect()
}

#[test]
fn sheets_and_headers_in_english() {
    let bytes = write_template(lib(), Lang::En, &[], None).unwrap();
    let mut book = open(&bytes);
    assert_eq!(book.sheet_names(), ["Activities", "Instructions", "Lists"]);
    let meta = book.sheets_metadata().to_vec();
    assert_eq!(meta[2].visible, SheetVisible::Hidden, "the Lists sheet is hidden");
    assert_eq!(meta[0].visible, SheetVisible::Visible);
    let h = headers(&mut book, "Activities");
    assert_eq!(h.first().map(String::as_str), Some("Facility"));
    assert_eq!(h, TEMPLATE_FIELDS.iter().map(|f| f.label(Lang::En)).collect::<Vec<_>>());
}

#[test]
fn sheets_and_headers_in_chinese() {
    let bytes = write_template(lib(), Lang::Zh, &["GZ-01".into()], Some(2024)).unwrap();
    let mut book = open(&bytes);
    assert_eq!(book.sheet_names(), ["活动数据", "说明", "列表"]);
    assert_eq!(sheet_names(Lang::Zh), ("活动数据", "说明", "列表"));
    let h = headers(&mut book, "活动数据");
    assert_eq!(h[..6], ["设施", "开始日期", "结束日期", "活动类型", "用量", "单位"]);
    assert_eq!(h.len(), TEMPLATE_FIELDS.len());
}

#[test]
fn an_exported_template_maps_every_column_with_no_user_input() {
    for lang in [Lang::En, Lang::Zh] {
        let bytes = write_template(lib(), lang, &[], None).unwrap();
        let mut book = open(&bytes);
        let (data, _, _) = sheet_names(lang);
        let h = headers(&mut book, data);
        let g = guess(&h);
        assert!(g.unmapped.is_empty(), "{lang:?}: unmapped {:?}", g.unmapped);
        assert!(g.missing.is_empty(), "{lang:?}: missing {:?}", g.missing);
        let at = g.mapping.resolve(&h).unwrap();
        for (k, field) in TEMPLATE_FIELDS.iter().enumerate() {
            assert_eq!(at.get(field), Some(&k), "{lang:?} {field}");
        }
    }
}

#[test]
fn the_lists_sheet_holds_the_librarys_activity_types_and_units() {
    let bytes = write_template(lib(), Lang::En, &["SH-02".into(), " GZ-01 ".into(), "SH-02".into()], None).unwrap();
    let mut book = open(&bytes);
    let activities = column(&mut book, "Lists", 0);
    assert_eq!(activities, template_activities(lib()));
    for must in ["natural_gas", "diesel", "grid_electricity", "refrigerant_topup_r_410a", "lpg"] {
        assert!(activities.iter().any(|a| a == must), "{must}");
    }
    // Every entry resolves as itself.
    let user = ValueMap::new();
    for a in activities.iter().step_by(97) {
        assert_eq!(resolve_activity(lib(), &user, a), Resolved::Exact, "{a}");
    }
    let units = column(&mut book, "Lists", 1);
    for must in ["t", "kg", "kWh", "10^4 kWh", "Nm3", "10^4 Nm3", "m3", "L", "GJ", "CNY", "10^4 CNY"] {
        assert!(units.iter().any(|u| u == must), "{must}");
    }
    for u in &units {
        assert_eq!(resolve_unit(&user, u), Resolved::Exact, "{u}");
    }
    assert_eq!(column(&mut book, "Lists", 2), ["measured", "calculated", "estimated"]);
    // Facilities: trimmed, without duplicates, sorted.
    assert_eq!(column(&mut book, "Lists", 3), ["GZ-01", "SH-02"]);
    assert_eq!(
        headers(&mut book, "Lists")[..6],
        ["Activity type", "Unit", "Data quality", "Facility", "Sector", "Parameter source"]
    );
    assert_eq!(column(&mut book, "Lists", 4), ["energy", "manufacturing", "commercial", "residential"]);
    assert_eq!(column(&mut book, "Lists", 5), ["measured", "calculated", "default"]);
}

#[test]
fn without_facilities_there_is_no_facility_list() {
    let bytes = write_template(lib(), Lang::En, &[], None).unwrap();
    let mut book = open(&bytes);
    assert_eq!(headers(&mut book, "Lists"), ["Activity type", "Unit", "Data quality", "Sector", "Parameter source"]);
}

#[test]
fn the_instructions_explain_every_column() {
    for (lang, sheet, required) in [(Lang::En, "Instructions", "required"), (Lang::Zh, "说明", "必填")] {
        let bytes = write_template(lib(), lang, &[], Some(2024)).unwrap();
        let mut book = open(&bytes);
        let range = book.worksheet_range(sheet).unwrap();
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        for &field in TEMPLATE_FIELDS {
            let row = rows
                .iter()
                .find(|r| r.first().map(String::as_str) == Some(field.label(lang)))
                .unwrap_or_else(|| panic!("{lang:?}: no row for {field}"));
            assert_eq!(row[1] == required, field.required(), "{lang:?} {field}");
            assert!(row.get(2).is_some_and(|d| !d.is_empty()), "{lang:?} {field}: no description");
        }
        assert!(rows.iter().flatten().any(|c| c.contains("2024")), "{lang:?}: year not mentioned");
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let a = write_template(lib(), Lang::Zh, &["GZ-01".into()], Some(2024)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = write_template(lib(), Lang::Zh, &["GZ-01".into()], Some(2024)).unwrap();
    assert!(a == b, "two writes differ");
    let c = write_template(lib(), Lang::En, &["GZ-01".into()], Some(2024)).unwrap();
    assert!(a != c);
}
