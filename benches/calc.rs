//! Criterion benchmarks of the calculation core: one line's evaluation, and a whole activity
//! file read and calculated in memory. The end-to-end comparison with pandas and polars is
//! `scripts/bench-calc.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use scopebook_core::calc::{evaluate, CalcOptions};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::unit::Unit;

const FACTORS: &str = "id,activity,scope,category,unit,co2_kg,ch4_kg,n2o_kg,co2e_kg,biogenic_co2_kg,other_gas,other_gas_kg,ncv_gj_per_unit,carbon_t_per_gj,oxidation,source,gwp_basis\n\
b.coal,coal,1,stationary,t,,,,,,,,19.57,0.0261,0.93,bench,\n\
b.gas,gas,1,stationary,GJ,56.1,0.001,0.0001,,,,,,,,bench,\n\
b.power,power,2,electricity,kWh,0.5306,,,,,,,,,,bench,\n\
b.spend,spend,3,1,USD,,,,0.787,,,,,,,bench,AR5\n\
b.r410a,r410a,1,fugitive,kg,,,,,,R-410A,1,,,,bench,\n";

fn library() -> FactorLibrary {
    let (mut lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty(), "{diags:?}");
    let diags = lib.add_user_file("bench-factors.csv", FACTORS.as_bytes());
    assert!(diags.is_empty(), "{diags:?}");
    lib
}

fn activity_file(rows: usize) -> Vec<u8> {
    let mut s = String::from("facility,period_start,period_end,activity,quantity,unit,evidence\n");
    let kinds = [("coal", "t"), ("gas", "GJ"), ("power", "MWh"), ("spend", "USD"), ("r410a", "kg")];
    for i in 0..rows {
        let (activity, unit) = kinds[i % kinds.len()];
        let month = i % 12 + 1;
        let _ = writeln!(
            s,
            "F{:03},2023-{month:02}-01,2023-{month:02}-28,{activity},{}.{:03},{unit},INV-{i}",
            i % 50,
            (i * 7919) % 100_000,
            i % 1000
        );
    }
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let lib = library();
    let coal = lib.by_id("b.coal").expect("bench factor");
    let tonne = Unit::parse("t").expect("unit");
    let qty = "1234.567".parse().expect("decimal");
    c.bench_function("evaluate/carbon-chain line", |b| {
        b.iter(|| evaluate(black_box(qty), tonne, coal, None, &lib.gwp, GwpSet::AR5, None))
    });

    let mut group = c.benchmark_group("calculate_csv");
    group.sample_size(10);
    for rows in [10_000usize, 100_000] {
        let file = activity_file(rows);
        group.throughput(Throughput::Elements(rows as u64));
        for keep_lines in [false, true] {
            let name = if keep_lines { "with-lines" } else { "summary" };
            group.bench_with_input(BenchmarkId::new(name, rows), &file, |b, file| {
                b.iter(|| {
                    let opts = CalcOptions { gwp_set: GwpSet::AR5, keep_lines };
                    scopebook_core::pipeline::calculate_csv(&lib, "bench.csv", file, opts)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
