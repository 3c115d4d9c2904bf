//! The residual-mix importers on files written here in the published shapes. Every figure below
//! is MADE-UP TEST DATA, not a published AIB or Green-e value.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;
use scopebook_core::diagnostic::{Code, Severity};
use scopebook_core::factor::Method;
use scopebook_core::gas::{Gas, GwpSet, Species};
use scopebook_core::library::FactorLibrary;

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn aib(year: i32) -> Options {
    Options { publication: Publication::Aib, data_year: year, sheet: None, gwp_basis: None }
}

fn green_e(year: i32, basis: Option<GwpSet>) -> Options {
    Options { publication: Publication::GreenE, data_year: year, sheet: None, gwp_basis: basis }
}

const AIB_CSV: &str = "\
European Residual Mixes 2023 (TEST DATA: made-up figures),,,,
,,,,
Country,Renewables (%),Nuclear (%),Fossil (%),Direct CO2 emissions (g/kWh)
Germany,20.1,0,79.9,700.5
FR,10,80,10,55.250
Austria,0,0,0,0
European Attribute Mix,30,20,50,400
\"Bosnia & Herzegovina\",5,0,95,\"1,010.7\"
";

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.is_error()).collect()
}

fn figure_of(mix: &ResidualMix, region: &str) -> Vec<(RateGas, Decimal)> {
    let m = mix.regions.iter().find(|m| m.region.as_str() == region).unwrap();
    m.figures.iter().map(|f| (f.gas, f.kg_per_mwh)).collect()
}

#[test]
fn aib_csv_header_found_below_a_title_and_each_country_converted() {
    let (mix, diags) = convert("aib-2023.csv", AIB_CSV.as_bytes(), &aib(2023));
    assert!(errors(&diags).is_empty(), "{diags:?}");
    let mix = mix.unwrap();
    assert_eq!(mix.header_row, 3);
    let regions: Vec<&str> = mix.regions.iter().map(|m| m.region.as_str()).collect();
    // Sorted by code; Austria's zero and the aggregate left out.
    assert_eq!(regions, ["BA", "DE", "FR"]);
    // g/kWh = kg/MWh: the figure unchanged (trailing zeros dropped), thousands separator read.
    assert_eq!(figure_of(&mix, "DE"), [(RateGas::Co2, d("700.5"))]);
    assert_eq!(figure_of(&mix, "FR"), [(RateGas::Co2, d("55.25"))]);
    assert_eq!(figure_of(&mix, "BA"), [(RateGas::Co2, d("1010.7"))]);
    let de = mix.regions.iter().find(|m| m.region.as_str() == "DE").unwrap();
    assert_eq!((de.row, de.label.as_str(), de.figures[0].column.as_str()), (4, "Germany", "5"));
    // The zero residual mix: a warning naming the country, at its cell.
    let zero = diags.iter().find(|d| d.code == Code::NonPositiveValue).unwrap();
    assert_eq!(zero.severity, Severity::Warning);
    assert_eq!((zero.location.row, zero.location.column.as_deref()), (Some(6), Some("5")));
    assert!(zero.message.starts_with("left out: Austria (AT) has a zero residual mix"), "{}", zero.message);
    let aggregate = diags.iter().find(|d| d.code == Code::InvalidRegion).unwrap();
    assert_eq!(aggregate.severity, Severity::Warning);
    assert_eq!(aggregate.location.row, Some(7));
}

#[test]
fn the_factor_file_reads_back_in_the_core_exactly() {
    let (mix, _) = convert("aib-2023.csv", AIB_CSV.as_bytes(), &aib(2023));
    let mix = mix.unwrap();
    let bytes = mix.factor_csv();
    // Deterministic: the same bytes from the same file.
    assert_eq!(bytes, convert("aib-2023.csv", AIB_CSV.as_bytes(), &aib(2023)).0.unwrap().factor_csv());
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("id,activity,scope,category,unit,co2_kg,ch4_kg,n2o_kg,co2e_kg,gwp_basis,source,name,region,valid_from,valid_to,verified\naib-residual-mix.2023.BA,residual_mix_electricity,2,electricity,MWh,1010.7,"), "{text}");
    assert!(!text.contains('\r'));
    let (mut lib, shipped) = FactorLibrary::shipped();
    assert!(shipped.is_empty());
    let found = lib.add_user_file("rm.csv", &bytes);
    assert!(found.is_empty(), "{found:?}");
    let de = lib.by_id("aib-residual-mix.2023.DE").unwrap();
    assert_eq!(de.activity, ACTIVITY);
    assert_eq!(de.region.as_str(), "DE");
    assert_eq!(de.valid_from.unwrap().to_string(), "2023-01-01");
    assert_eq!(de.valid_to.unwrap().to_string(), "2023-12-31");
    assert_eq!(de.method, Method::PerGas { gases: vec![(Species::Gas(Gas::Co2), d("700.5"))], carbon: None });
    assert!(de.verified);
    let sha = sha256_hex(AIB_CSV.as_bytes());
    assert_eq!(
        de.source,
        format!("Association of Issuing Bodies (AIB), AIB European Residual Mixes 2023: aib-2023.csv (SHA-256 {sha}), row 4: 'Germany', column 5 'Direct CO2 emissions (g/kWh)' = 700.5 g CO2/kWh (= kg/MWh); converted by scopebook residual-mix import (decision 0048); not redistributable: the user's own copy")
    );
}

#[test]
fn the_dataset_folder_loads_as_the_named_dataset_and_edition() {
    let (mix, _) = convert("aib-2023.csv", AIB_CSV.as_bytes(), &aib(2023));
    let mix = mix.unwrap();
    let factors = mix.factor_csv();
    let toml = mix.dataset_toml("factors.csv", &factors);
    let (mut lib, _) = FactorLibrary::shipped();
    let read = |name: &str| if name == "factors.csv" { Ok(factors.clone()) } else { Err("no such file".to_owned()) };
    let found = lib.add_user_dataset("aib-2023", &toml, &read);
    assert!(found.is_empty(), "{found:?}\n{toml}");
    let info = lib.datasets().last().unwrap();
    assert_eq!((info.reference.id.as_str(), info.reference.edition.as_str()), ("aib-residual-mix", "2023"));
    let meta = info.meta.as_ref().unwrap();
    assert_eq!(meta.redistributable, Some(false));
    assert_eq!(meta.licence, LICENCE);
    assert_eq!(meta.publisher, "Association of Issuing Bodies (AIB)");
    assert!(meta.evidence.as_deref().unwrap().contains(&sha256_hex(AIB_CSV.as_bytes())));
}

#[test]
fn a_bad_cell_is_refused_at_its_row_and_column_and_nothing_is_converted() {
    let csv = "Country,CO2 (g/kWh)\nGermany,700.5\nFrance,about 50\nAtlantis,12\nGermany,1\n";
    let (mix, diags) = convert("bad.csv", csv.as_bytes(), &aib(2023));
    assert!(mix.is_none());
    let e = errors(&diags);
    let at: Vec<(Code, Option<u64>, Option<&str>)> =
        e.iter().map(|d| (d.code, d.location.row, d.location.column.as_deref())).collect();
    assert_eq!(
        at,
        [
            (Code::MalformedNumber, Some(3), Some("2")),
            (Code::InvalidRegion, Some(4), Some("1")),
            (Code::DuplicateId, Some(5), Some("1")),
        ]
    );
    assert_eq!(e[0].location.file, "bad.csv");
    assert!(e[0].message.starts_with("France's CO2 figure 'about 50' is not a number"), "{}", e[0].message);
    assert!(e[1].message.starts_with("'Atlantis' is not a country"), "{}", e[1].message);
    assert_eq!(e[2].message, "DE ('Germany') is already given on row 2: one figure a region");
}

#[test]
fn an_empty_file_and_a_file_without_the_header_are_refused_saying_what_was_looked_for() {
    let (mix, diags) = convert("empty.csv", b"", &aib(2023));
    assert!(mix.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::EmptyFile);
    assert_eq!(diags[0].to_string(), "error[empty-file] empty.csv: the file is empty (0 bytes)");

    let (mix, diags) = convert("other.csv", b"facility,quantity\nA,1\n", &aib(2023));
    assert!(mix.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::MissingColumn);
    assert_eq!(
        diags[0].message,
        "no header row of an AIB residual-mix table found in the first 40 lines of the file: looked for a country column (a header containing \"country\" or \"domain\") and a rate column in g/kWh or kg/MWh (a header such as \"CO2 (g/kWh)\", \"gCO2/kWh\" or \"Direct CO2 emissions g/kWh\")"
    );
    // kg/kWh is a thousand times g/kWh: not taken for it.
    let (_, diags) = convert("kg.csv", b"Country,CO2 (kg/kWh)\nGermany,0.7\n", &aib(2023));
    assert_eq!(diags[0].code, Code::MissingColumn);
    // A header with nothing under it.
    let (_, diags) = convert("head.csv", b"Country,CO2 (g/kWh)\nNotes,\n", &aib(2023));
    let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::MissingValue, Code::NoDataRows]);
}

#[test]
fn green_e_co2e_in_pounds_is_converted_exactly_and_needs_its_gwp_set() {
    let csv = "\
2023 Green-e Residual Mix Emissions Rates (2021 Data) - TEST DATA: made-up figures,,
eGRID Subregion Acronym,eGRID Subregion Name,Residual Mix Emissions Rate (lbs CO2e/MWh)
CAMX,WECC California,1000
ERCT,ERCOT All,\"1,234.567\"
NWPP,WECC Northwest,n/a
";
    let (mix, diags) = convert("green-e.csv", csv.as_bytes(), &green_e(2021, None));
    assert!(mix.is_none());
    assert_eq!(diags[0].code, Code::MissingGwpBasis);
    assert_eq!((diags[0].location.row, diags[0].location.column.as_deref()), (Some(2), Some("3")));

    let (mix, diags) = convert("green-e.csv", csv.as_bytes(), &green_e(2021, Some(GwpSet::AR5)));
    assert!(errors(&diags).is_empty(), "{diags:?}");
    let mix = mix.unwrap();
    // 1000 lb × 0.45359237 kg/lb = 453.59237 kg; 1234.567 × 0.45359237 = 559.99017145379 (exact).
    assert_eq!(figure_of(&mix, "US-EGRID-CAMX"), [(RateGas::Co2e, d("453.59237"))]);
    assert_eq!(figure_of(&mix, "US-EGRID-ERCT"), [(RateGas::Co2e, d("559.99017145379"))]);
    // Not published: left out with a warning, never zero.
    assert_eq!(mix.regions.len(), 2);
    assert!(diags.iter().any(|d| d.code == Code::MissingValue && d.location.row == Some(5)));
    let bytes = mix.factor_csv();
    let (mut lib, _) = FactorLibrary::shipped();
    assert!(lib.add_user_file("g.csv", &bytes).is_empty());
    let camx = lib.by_id("green-e-residual-mix.2021.US-EGRID-CAMX").unwrap();
    assert_eq!(camx.method, Method::Co2e { kg_per_unit: d("453.59237"), basis: GwpSet::AR5 });
    assert!(camx.source.contains("column 3 'Residual Mix Emissions Rate (lbs CO2e/MWh)' = 1000 lb CO2e/MWh × 0.45359237 kg/lb = 453.59237 kg/MWh"), "{}", camx.source);

    // The title's "(2021 Data)" against another --data-year: refused, saying which year it is.
    let (mix, diags) = convert("green-e.csv", csv.as_bytes(), &green_e(2023, Some(GwpSet::AR5)));
    assert!(mix.is_none());
    assert_eq!(diags[0].code, Code::InvalidValue);
    assert_eq!(diags[0].location.row, Some(1));
    assert!(diags[0].message.contains("is for data year 2021, but --data-year is 2023 (Green-e's \"2023 … (2021 Data)\" edition has data year 2021)"), "{}", diags[0].message);
}

#[test]
fn green_e_per_gas_rates_become_per_gas_figures() {
    let csv = "eGRID subregion acronym,CO2 (lbs/MWh),CH4 (lbs/MWh),N2O (lbs/MWh)\nSRSO,1234.567,0.1,0.012\n";
    let (mix, diags) = convert("old.csv", csv.as_bytes(), &green_e(2018, None));
    assert!(diags.is_empty(), "{diags:?}");
    let mix = mix.unwrap();
    // 0.1 × 0.45359237 = 0.045359237; 0.012 × 0.45359237 = 0.00544310844.
    assert_eq!(
        figure_of(&mix, "US-EGRID-SRSO"),
        [(RateGas::Co2, d("559.99017145379")), (RateGas::Ch4, d("0.045359237")), (RateGas::N2o, d("0.00544310844"))]
    );
    let (mut lib, _) = FactorLibrary::shipped();
    assert!(lib.add_user_file("g.csv", &mix.factor_csv()).is_empty());
    let f = lib.by_id("green-e-residual-mix.2018.US-EGRID-SRSO").unwrap();
    assert_eq!(
        f.method,
        Method::PerGas {
            gases: vec![
                (Species::Gas(Gas::Co2), d("559.99017145379")),
                (Species::Gas(Gas::Ch4), d("0.045359237")),
                (Species::Gas(Gas::N2o), d("0.00544310844")),
            ],
            carbon: None
        }
    );
    // A missing CH4 figure is not zero.
    let (mix, diags) = convert("old.csv", b"Acronym,CO2 (lb/MWh),CH4 (lb/MWh)\nSRSO,1,\n", &green_e(2018, None));
    assert!(mix.is_none());
    assert_eq!((diags[0].code, diags[0].location.column.as_deref()), (Code::MissingValue, Some("3")));
    // An unknown acronym names the known ones.
    let (_, diags) = convert("old.csv", b"Acronym,CO2 (lb/MWh)\nXXXX,1\n", &green_e(2018, None));
    assert!(
        diags[0].message.starts_with("'XXXX' is not an eGRID subregion acronym (AKGD, AKMS,"),
        "{}",
        diags[0].message
    );
}

#[test]
fn pounds_to_kilograms_is_exact() {
    assert_eq!(LB_IN_KG.to_string(), "0.45359237");
    assert_eq!(exact_mul(d("1"), LB_IN_KG), Some(d("0.45359237")));
    assert_eq!(exact_mul(d("987.65"), LB_IN_KG).map(|v| v.normalize()), Some(d("447.9905042305")));
    // 28 significant digits × 8 do not fit: refused, never rounded.
    assert_eq!(exact_mul(d("1234567890123456789.012345678"), LB_IN_KG), None);
}

/// An AIB-shaped workbook: a notes sheet first, then the table under a two-row header, the
/// figures as numeric cells (calamine's f64, read back as their shortest decimal text).
fn aib_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet().set_name("Notes").unwrap();
    notes.write_string(0, 0, "TEST DATA: made-up figures, not AIB's").unwrap();
    notes.write_string(1, 0, "Residual mix tables on the next sheet").unwrap();
    let t = wb.add_worksheet().set_name("Residual Mix").unwrap();
    t.write_string(0, 0, "European Residual Mixes 2022").unwrap();
    t.write_string(2, 0, "Country").unwrap();
    t.write_string(2, 1, "Residual mix").unwrap();
    t.write_string(2, 2, "Residual mix").unwrap();
    t.write_string(3, 1, "Fossil (%)").unwrap();
    t.write_string(3, 2, "CO2 (g/kWh)").unwrap();
    let rows = [("Germany", 60.0, 612.34), ("Poland", 80.0, 789.1), ("Spain", 30.0, 250.0)];
    for (i, (c, fossil, co2)) in rows.iter().enumerate() {
        let r = u32::try_from(i).unwrap() + 4;
        t.write_string(r, 0, *c).unwrap();
        t.write_number(r, 1, *fossil).unwrap();
        t.write_number(r, 2, *co2).unwrap();
    }
    t.write_string(7, 0, "Sweden").unwrap();
    t.write_string(7, 2, "#N/A").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn aib_workbook_the_first_sheet_with_the_header_and_a_two_row_header() {
    let bytes = aib_workbook();
    let (mix, diags) = convert("aib-2022.xlsx", &bytes, &aib(2022));
    // Sweden's "#N/A" typed as text: a malformed number at its cell, in letters.
    let e = errors(&diags);
    assert_eq!(e.len(), 1, "{diags:?}");
    assert_eq!(
        (e[0].code, e[0].location.row, e[0].location.column.as_deref()),
        (Code::MalformedNumber, Some(8), Some("C"))
    );
    assert!(mix.is_none());

    // Without Sweden's row the file converts: sheet 2, header row 4 ("Residual mix CO2 (g/kWh)").
    let mut wb = Workbook::new();
    let t = wb.add_worksheet().set_name("Residual Mix").unwrap();
    t.write_string(0, 0, "Country").unwrap();
    t.write_string(0, 1, "Residual mix").unwrap();
    t.write_string(1, 1, "CO2 (g/kWh)").unwrap();
    t.write_string(0, 2, "Production mix").unwrap();
    t.write_string(1, 2, "CO2 (g/kWh)").unwrap();
    t.write_string(2, 0, "Germany").unwrap();
    t.write_number(2, 1, 612.34).unwrap();
    t.write_number(2, 2, 380.0).unwrap();
    let two = wb.save_to_buffer().unwrap();
    let (mix, diags) = convert("two.xlsx", &two, &aib(2022));
    assert!(diags.is_empty(), "{diags:?}");
    let mix = mix.unwrap();
    assert_eq!((mix.sheet.as_deref(), mix.header_row), (Some("Residual Mix"), 2));
    // Of two CO2 columns, the one whose header says "residual"; the float cell 612.34 is read
    // as its shortest decimal text, 612.34.
    assert_eq!(figure_of(&mix, "DE"), [(RateGas::Co2, d("612.34"))]);
    assert_eq!(mix.regions[0].figures[0].column, "B");

    // A named sheet that lacks the header: refused, naming the sheet searched.
    let opts = Options { sheet: Some("Notes".into()), ..aib(2022) };
    let (mix, diags) = convert("aib-2022.xlsx", &bytes, &opts);
    assert!(mix.is_none());
    assert!(diags[0].message.contains("of sheet \"Notes\": looked for"), "{}", diags[0].message);
    // The title's year against another --data-year.
    let (_, diags) = convert("aib-2022.xlsx", &bytes, &aib(2021));
    assert_eq!((diags[0].code, diags[0].location.row), (Code::InvalidValue, Some(1)));
}

#[test]
fn two_rate_columns_for_one_gas_are_not_guessed() {
    let csv = "Country,Supplier mix CO2 (g/kWh),Production CO2 (g/kWh)\nGermany,1,2\n";
    let (mix, diags) = convert("two.csv", csv.as_bytes(), &aib(2023));
    assert!(mix.is_none());
    assert_eq!(diags[0].code, Code::DuplicateColumn);
    assert!(
        diags[0]
            .message
            .starts_with("2 CO2 rate columns: 2 \"Supplier mix CO2 (g/kWh)\", 3 \"Production CO2 (g/kWh)\""),
        "{}",
        diags[0].message
    );
}
