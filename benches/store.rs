//! Criterion benchmarks of the inventory file at small sizes: adding a batch of checked and
//! audited records, reading a period back as totals, and verifying the audit chain. The
//! 1,000,000-record run against a bare rusqlite loop is `scripts/bench-store.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use scopebook_core::library::FactorLibrary;
use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewOrganisation, NewPeriod, Store};

fn row(i: usize) -> ActivityInput {
    let kinds = [("grid_electricity", "kWh"), ("natural_gas", "10^4 Nm3"), ("diesel", "t")];
    let (activity, unit) = kinds[i % kinds.len()];
    let month = i % 12 + 1;
    ActivityInput {
        facility: format!("F{}", i % 4),
        activity: activity.into(),
        quantity: format!("{}.{:02}", (i * 7919) % 10_000 + 1, i % 100),
        unit: unit.into(),
        start: format!("2023-{month:02}-01"),
        end: format!("2023-{month:02}-28"),
        evidence: Some(format!("INV-{i}")),
        ..ActivityInput::default()
    }
}

fn store(dir: &std::path::Path, lib: &FactorLibrary, records: usize) -> Store {
    let org = NewOrganisation { name: "Bench".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&dir.join("bench.db"), &org, "bench").unwrap();
    for (f, region) in ["CN-JS", "CN-GD", "CN-SH", "CN-ZJ"].iter().enumerate() {
        s.add_facility(&NewFacility::new(&format!("F{f}"), "plant", region)).unwrap();
    }
    s.add_period(lib, &NewPeriod::year(2023)).unwrap();
    if records > 0 {
        let rows: Vec<ActivityInput> = (0..records).map(row).collect();
        s.add_activities(lib, 2023, &rows).unwrap();
    }
    s
}

fn bench(c: &mut Criterion) {
    let (lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty());

    let mut group = c.benchmark_group("store");
    group.sample_size(10);
    for n in [100usize, 1000] {
        let rows: Vec<ActivityInput> = (0..n).map(row).collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("add_activities (one transaction)", n), &rows, |b, rows| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().unwrap();
                    let s = store(dir.path(), &lib, 0);
                    (dir, s)
                },
                |(dir, mut s)| {
                    s.add_activities(&lib, 2023, black_box(rows)).unwrap();
                    (dir, s)
                },
                BatchSize::PerIteration,
            )
        });
    }
    for n in [1000usize, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), &lib, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("calculate period totals", n), &n, |b, _| {
            b.iter(|| s.calculate(&lib, 2023, false).unwrap().run.inventory.line_count)
        });
        group.bench_with_input(BenchmarkId::new("audit verify", n), &n, |b, _| b.iter(|| s.verify().unwrap().entries));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
