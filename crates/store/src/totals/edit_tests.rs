//! Kept totals after records are edited or deleted (decision 0041): the block of ids a changed
//! record is in is calculated again, the others kept, and the totals shown are always those of
//! a fresh calculation, byte for byte (`check`, `check_any`: the stored form with every scale,
//! and `calc --db`'s report). In these tests a block holds four ids ([`super::kept::BLOCK`]).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;

use super::kept::BLOCK;
use super::merge_tests::{record, Rng};
use super::tests_support::{check, check_any};
use crate::model::{ActivityInput, NewPeriod};
use crate::testing::{electricity, lib, store, TempDir};
use crate::Store;

fn gas(q: &str) -> ActivityInput {
    ActivityInput { activity: "natural_gas".into(), unit: "10^4 Nm3".into(), ..electricity(q) }
}

fn widgets(q: &str) -> ActivityInput {
    ActivityInput { activity: "widgets".into(), unit: "kg".into(), ..electricity(q) }
}

/// Electricity of `facility` in `month` of 2023.
fn month(facility: &str, month: u32, kwh: &str) -> ActivityInput {
    ActivityInput {
        facility: facility.into(),
        start: format!("2023-{month:02}-01"),
        end: format!("2023-{month:02}-28"),
        ..electricity(kwh)
    }
}

/// Ten records (ids 1 to 10: blocks of 1–4, 5–8, 9–10), their totals kept.
fn ten(dir: &TempDir) -> (Store, Vec<i64>) {
    assert_eq!(BLOCK, 4);
    let mut s = store(dir);
    let inputs: Vec<ActivityInput> = (1..=10)
        .map(|i| match i % 3 {
            0 => gas(&format!("{i}.5")),
            1 => month("SZ", i, &format!("{}", 1000 * i)),
            _ => month("BJ", i, &format!("{}.25", 100 * i)),
        })
        .collect();
    let ids = s.add_activities(lib(), 2023, &inputs).unwrap();
    assert_eq!(ids, (1..=10).collect::<Vec<i64>>());
    let t = check(&s, lib(), 2023, false, "first");
    assert_eq!((t.records, t.calculated), (10, 10));
    check(&s, lib(), 2023, true, "kept");
    (s, ids)
}

#[test]
fn an_edit_calculates_its_block_again() {
    let dir = TempDir::new("edit-one");
    let (mut s, ids) = ten(&dir);
    let before = check(&s, lib(), 2023, true, "before");
    s.update_activity(lib(), ids[5], &gas("77.125"), Some("the meter was read again")).unwrap();
    let t = check(&s, lib(), 2023, false, "record 6 edited");
    assert_eq!((t.records, t.calculated), (10, 4), "records 5 to 8 calculated again, the rest kept");
    assert_ne!(t.totals, before.totals);
    check(&s, lib(), 2023, true, "kept again");
    // The same record edited back: the same totals as at first, byte for byte.
    s.update_activity(lib(), ids[5], &gas("6.5"), None).unwrap();
    let back = check(&s, lib(), 2023, false, "edited back");
    assert_eq!(super::tests_support::serialized(&back), super::tests_support::serialized(&before));
}

#[test]
fn an_electricity_edit_changes_market_based_scope2() {
    let dir = TempDir::new("edit-electricity");
    let (mut s, ids) = ten(&dir);
    let before = check(&s, lib(), 2023, true, "before");
    // Record 1 (SZ, January) becomes a half year's MWh in another region: a new electricity
    // use (facility, region, period) where the record was, before those first met after it.
    let input = ActivityInput {
        unit: "MWh".into(),
        region: Some("CN-GD".into()),
        start: "2023-01-01".into(),
        end: "2023-06-30".into(),
        ..month("SZ", 1, "12.5")
    };
    s.update_activity(lib(), ids[0], &input, None).unwrap();
    let t = check(&s, lib(), 2023, false, "an electricity record edited");
    assert_eq!(t.calculated, 4);
    assert_ne!(t.totals.scope2_market, before.totals.scope2_market);
    assert_ne!(t.totals.scope2_location, before.totals.scope2_location);
    // Electricity edited into natural gas: its use disappears.
    s.update_activity(lib(), ids[3], &gas("1"), None).unwrap();
    let t = check(&s, lib(), 2023, false, "electricity edited into gas");
    assert_eq!(t.calculated, 4);
}

#[test]
fn a_deletion_calculates_its_block_again_and_an_empty_block_goes() {
    let dir = TempDir::new("edit-delete");
    let (mut s, ids) = ten(&dir);
    s.delete_activity(ids[8], None).unwrap();
    let t = check(&s, lib(), 2023, false, "record 9 deleted");
    assert_eq!((t.records, t.calculated), (9, 1), "record 10 alone is left in its block");
    s.delete_activity(ids[9], None).unwrap();
    let t = check(&s, lib(), 2023, false, "record 10 deleted: its block is empty");
    assert_eq!((t.records, t.calculated), (8, 0));
    // Every record of the first block: the groups and electricity uses they began go too.
    for id in &ids[..4] {
        s.delete_activity(*id, None).unwrap();
    }
    let t = check(&s, lib(), 2023, false, "the first block deleted");
    assert_eq!((t.records, t.calculated), (4, 0));
    check(&s, lib(), 2023, true, "kept");
    // Records added after deletions: ids go on from 11.
    s.add_activity(lib(), 2023, &electricity("5")).unwrap();
    let t = check(&s, lib(), 2023, false, "a record added after deletions");
    assert_eq!((t.records, t.calculated), (5, 1));
}

#[test]
fn an_edit_then_records_added() {
    let dir = TempDir::new("edit-then-add");
    let (mut s, ids) = ten(&dir);
    s.update_activity(lib(), ids[1], &month("SZ", 12, "3.000"), None).unwrap();
    s.add_activities(lib(), 2023, &[gas("2"), month("BJ", 3, "0.5")]).unwrap();
    let t = check(&s, lib(), 2023, false, "an edit, then two records added");
    assert_eq!((t.records, t.calculated), (12, 6), "records 1 to 4, and 11 and 12 merged into the block of 9 and 10");
    // And the other way round: records added, then one of them and an old one edited.
    let new = s.add_activities(lib(), 2023, &[gas("3"), gas("4")]).unwrap();
    s.update_activity(lib(), new[0], &electricity("9"), None).unwrap();
    s.update_activity(lib(), ids[9], &electricity("10"), None).unwrap();
    let t = check(&s, lib(), 2023, false, "added, then edited");
    assert_eq!((t.records, t.calculated), (14, 6), "records 9 to 12 again, and 13 and 14 added");
}

#[test]
fn a_record_edited_into_an_unresolved_one_and_back() {
    let dir = TempDir::new("edit-unresolved");
    let mut s = store(&dir);
    let mut with_mine = lib().clone();
    let mine = "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\nmine.widget,widgets,3,1,kg,2.5,AR5,supplier,GLOBAL\n";
    assert!(with_mine.add_user_file("mine.csv", mine.as_bytes()).is_empty());
    // 120 unresolved records (widgets, which the shipped library cannot calculate) among others.
    let mut inputs: Vec<ActivityInput> = (0..120).map(|i| widgets(&format!("{i}"))).collect();
    inputs.insert(50, electricity("10"));
    let ids = s.add_activities(&with_mine, 2023, &inputs).unwrap();
    let first = check(&s, lib(), 2023, false, "120 unresolved");
    assert_eq!((first.unresolved_count, first.unresolved.len()), (120, 100));
    // Record 51 (electricity) becomes unresolved: it joins the first hundred at its place.
    s.update_activity(&with_mine, ids[50], &widgets("1"), None).unwrap();
    let t = check(&s, lib(), 2023, false, "edited into an unresolved record");
    assert_eq!((t.unresolved_count, t.unresolved.len(), t.calculated), (121, 100, 4));
    assert_eq!(t.unresolved[50].id, 51);
    assert_eq!(t.unresolved[99].id, 100);
    // One of the first hundred resolved: the 101st comes up.
    s.update_activity(&with_mine, ids[10], &electricity("20"), None).unwrap();
    let t = check(&s, lib(), 2023, false, "an unresolved record edited into electricity");
    assert_eq!((t.unresolved_count, t.unresolved.len(), t.calculated), (120, 100, 4));
    assert_eq!(t.unresolved[99].id, 101);
    s.update_activity(&with_mine, ids[50], &electricity("10"), None).unwrap();
    s.update_activity(&with_mine, ids[10], &widgets("10"), None).unwrap();
    let back = check(&s, lib(), 2023, false, "both back");
    assert_eq!(super::tests_support::serialized(&back), super::tests_support::serialized(&first));
}

#[test]
fn an_edit_in_another_period() {
    let dir = TempDir::new("edit-other-period");
    let mut s = store(&dir);
    s.add_period(lib(), &NewPeriod::year(2022)).unwrap();
    let in_2022 = |q: &str| ActivityInput { start: "2022-01-01".into(), end: "2022-12-31".into(), ..electricity(q) };
    let mut ids_2022 = Vec::new();
    for i in 0..6 {
        s.add_activity(lib(), 2023, &month("SZ", 1 + i, &format!("{}", 10 + i))).unwrap();
        ids_2022.push(s.add_activity(lib(), 2022, &in_2022(&format!("{}", 20 + i))).unwrap().id);
    }
    check(&s, lib(), 2023, false, "2023");
    check(&s, lib(), 2022, false, "2022");
    s.update_activity(lib(), ids_2022[4], &in_2022("99"), None).unwrap();
    // Record 10 (2022) is in the block of 9 to 12, with 2023's records 9 and 11.
    let t = check(&s, lib(), 2023, false, "2023 after an edit in 2022");
    assert_eq!((t.records, t.calculated), (6, 2));
    let t = check(&s, lib(), 2022, false, "2022 after its edit");
    assert_eq!((t.records, t.calculated), (6, 2));
    // A record moved from one period to the other by another program: both see it.
    s.connection().execute("UPDATE activity SET period_id = (SELECT id FROM period WHERE year = 2023), start_date = '2023-05-01', end_date = '2023-05-31' WHERE id = ?1", [ids_2022[0]]).unwrap();
    assert_eq!(check(&s, lib(), 2023, false, "a record moved into 2023").records, 7);
    assert_eq!(check(&s, lib(), 2022, false, "a record moved out of 2022").records, 5);
}

#[test]
fn edits_and_deletions_by_another_program_are_logged_and_seen() {
    let dir = TempDir::new("edit-bypass");
    let (s, _) = ten(&dir);
    let c = s.connection();
    c.execute("UPDATE activity SET quantity = '4242' WHERE id = 7", []).unwrap();
    let t = check(&s, lib(), 2023, false, "an update without the audit log");
    assert_eq!(t.calculated, 4);
    c.execute("DELETE FROM activity WHERE id = 2", []).unwrap();
    let t = check(&s, lib(), 2023, false, "a deletion without the audit log");
    assert_eq!((t.records, t.calculated), (9, 3));
    // Deleted and inserted again under the same id, both without the audit log: its block again.
    c.execute("INSERT INTO activity (id, period_id, facility_id, activity, quantity, unit, start_date, end_date, entered_by, created_at, status)
               SELECT 2, period_id, facility_id, activity, '5', unit, start_date, end_date, entered_by, created_at, status FROM activity WHERE id = 3", []).unwrap();
    let t = check(&s, lib(), 2023, false, "a record inserted where one was deleted");
    assert_eq!(t.records, 10);
    // A superseded record marked current again: an update like any other.
    c.execute("UPDATE activity SET status = 'superseded' WHERE id = 9", []).unwrap();
    assert_eq!(check(&s, lib(), 2023, false, "superseded").records, 9);
    c.execute("UPDATE activity SET status = 'current' WHERE id = 9", []).unwrap();
    assert_eq!(check(&s, lib(), 2023, false, "current again").records, 10);
    // The log's old entries are dropped once no kept row needs them; its counter goes on.
    let (entries, counter): (i64, i64) = c
        .query_row(
            "SELECT (SELECT count(*) FROM period_totals_change), (SELECT seq FROM sqlite_sequence WHERE name = 'period_totals_change')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((entries, counter), (0, 4));
}

/// What a random step does.
#[derive(Clone, Debug)]
enum Op {
    Add(u64, u8),
    Edit(u64, u64),
    Delete(u64),
    EditBehindTheLog(u64, u32),
    DeleteBehindTheLog(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<u64>(), 1u8..5).prop_map(|(seed, n)| Op::Add(seed, n)),
        (any::<u64>(), any::<u64>()).prop_map(|(pick, seed)| Op::Edit(pick, seed)),
        (any::<u64>(), any::<u64>()).prop_map(|(pick, seed)| Op::Edit(pick, seed)),
        any::<u64>().prop_map(Op::Delete),
        (any::<u64>(), 1u32..100_000).prop_map(|(pick, q)| Op::EditBehindTheLog(pick, q)),
        any::<u64>().prop_map(Op::DeleteBehindTheLog),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Many random edits, deletions and additions, by the store and behind its log, each
    /// followed by a visit: always a fresh calculation's totals, byte for byte, and never more
    /// calculated than the blocks changed and the records added.
    #[test]
    fn random_edits_give_a_fresh_calculations_totals(seed in any::<u64>(), ops in prop::collection::vec(op(), 1..16)) {
        let dir = TempDir::new("edit-random");
        let mut s = store(&dir);
        let facilities = ["SZ", "BJ"];
        // The records are written under a library that calculates widgets; the totals are
        // those of the shipped one, where they are unresolved.
        let mut with_mine = lib().clone();
        let mine = "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\nmine.widget,widgets,3,1,kg,2.5,AR5,supplier,GLOBAL\n";
        prop_assert!(with_mine.add_user_file("mine.csv", mine.as_bytes()).is_empty());
        let mut r = Rng(seed | 1);
        let batch: Vec<ActivityInput> = (0..12).map(|_| record(&mut r, 2023, &facilities)).collect();
        s.add_activities(&with_mine, 2023, &batch).unwrap();
        check(&s, lib(), 2023, false, "first");
        for (step, op) in ops.iter().enumerate() {
            let what = format!("step {step}: {op:?}");
            let ids: Vec<i64> = s.activities(2023, false).unwrap().iter().map(|a| a.id).collect();
            let pick = |p: u64| (!ids.is_empty()).then(|| ids[usize::try_from(p % ids.len() as u64).unwrap()]);
            let mut blocks = std::collections::BTreeSet::new();
            match op {
                Op::Add(seed, n) => {
                    let mut r = Rng(seed | 1);
                    let batch: Vec<ActivityInput> = (0..*n).map(|_| record(&mut r, 2023, &facilities)).collect();
                    s.add_activities(&with_mine, 2023, &batch).unwrap();
                }
                Op::Edit(p, seed) => if let Some(id) = pick(*p) {
                    s.update_activity(&with_mine, id, &record(&mut Rng(seed | 1), 2023, &facilities), None).unwrap();
                    blocks.insert(super::kept::block_of(id));
                },
                Op::Delete(p) => if let Some(id) = pick(*p) {
                    s.delete_activity(id, None).unwrap();
                    blocks.insert(super::kept::block_of(id));
                },
                Op::EditBehindTheLog(p, q) => if let Some(id) = pick(*p) {
                    s.connection().execute("UPDATE activity SET quantity = ?1 WHERE id = ?2", rusqlite::params![format!("{q}.5"), id]).unwrap();
                    blocks.insert(super::kept::block_of(id));
                },
                Op::DeleteBehindTheLog(p) => if let Some(id) = pick(*p) {
                    s.connection().execute("DELETE FROM activity WHERE id = ?1", [id]).unwrap();
                    blocks.insert(super::kept::block_of(id));
                },
            }
            let t = check_any(&s, lib(), 2023, &what);
            let limit = u64::try_from(blocks.len()).unwrap() * u64::try_from(BLOCK).unwrap() + 4;
            prop_assert!(t.calculated <= limit, "{what}: {} calculated", t.calculated);
            check(&s, lib(), 2023, true, &format!("{what}, again"));
        }
    }
}
