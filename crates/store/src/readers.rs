//! More connections to the inventory file, one for each thread of the pool, each in a read
//! transaction that sees what the caller's connection sees: a period's records are then read
//! on every core at once, each thread reading and calculating its own spans of ids, instead of
//! on one thread that the others wait for (decision 0060).
//!
//! "Sees what the caller sees" is checked, not assumed: every change to the records, their
//! facilities or their period is written with an entry of the audit log in the same
//! transaction (`write::Tx`), so two read transactions that find the same last entry (its
//! sequence number and hash) see the same records. When another program committed a change
//! between the caller's transaction and one of these, they differ, and the caller reads on its
//! own connection alone. A program that changes the file without the store (and so without an
//! audit entry) is outside this check, as it is outside the audit log's.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, TransactionState, MAIN_DB};

use crate::audit::Head;
use crate::connection::connect;
use crate::error::Fail;
use crate::export::{span, Records, Span, Split};

/// Connections to one file, each in a read transaction on the same view of it (at least one).
pub(crate) struct Readers {
    first: Mutex<Connection>,
    rest: Vec<Mutex<Connection>>,
}

impl Readers {
    /// `n` connections to `c`'s file, each in a read transaction that sees what `c`'s open
    /// transaction sees. `None` when `c` is in no transaction (nothing fixes what it sees), in
    /// a write transaction (the others would not see what it has not committed), has no file (a
    /// database in memory), or the file changed since `c`'s transaction began.
    pub(crate) fn open(c: &Connection, n: usize) -> Result<Option<Readers>, Fail> {
        if c.is_autocommit() || c.transaction_state(Some(MAIN_DB))? == TransactionState::Write {
            return Ok(None);
        }
        let Some(path) = c.path().filter(|p| !p.is_empty()) else { return Ok(None) };
        let head = Head::load(c)?;
        let mut opened = Vec::with_capacity(n);
        for _ in 0..n {
            let r = connect(Path::new(path), false)?;
            r.pragma_update(None, "query_only", true)?;
            // A deferred transaction takes its view of the file at its first read: the head.
            r.execute_batch("BEGIN DEFERRED")?;
            let seen = Head::load(&r)?;
            if seen.seq != head.seq || seen.hash != head.hash {
                return Ok(None);
            }
            opened.push(Mutex::new(r));
        }
        let mut opened = opened.into_iter();
        Ok(opened.next().map(|first| Readers { first, rest: opened.collect() }))
    }

    /// Run `f` on the connection of the pool's thread this is called on (the first outside the
    /// pool): no two threads of the pool share one, so none waits for another.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        let k = rayon::current_thread_index().unwrap_or(0);
        let m = k.checked_sub(1).and_then(|i| self.rest.get(i)).unwrap_or(&self.first);
        f(&m.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The spans of ids that the pool's threads read at once, each on a connection of its own
/// ([`Readers`]), when `records` are more than two of `split`'s smallest pieces and the file
/// allows it; `None`: this thread reads them alone (as it does a page).
pub(crate) fn parallel_plan(
    c: &Connection,
    period_id: i64,
    records: Records,
    split: Split,
) -> Result<Option<(Readers, Vec<Span>)>, Fail> {
    let threads = rayon::current_num_threads();
    if threads < 2 || split.pieces < 2 || c.is_autocommit() || matches!(records, Records::Page { .. }) {
        return Ok(None);
    }
    let Some(whole) = span(c, period_id, records)? else { return Ok(None) };
    if whole.records < split.min_records.saturating_mul(2) {
        return Ok(None);
    }
    let block = match records {
        Records::Range { block, .. } if block > 0 => Some(block),
        _ => None,
    };
    let spans = cut(whole, split, block);
    // A connection that cannot be opened (say, no file handle left) leaves the read to this
    // thread alone: the same records and figures, read as before.
    let readers = Readers::open(c, threads.min(spans.len())).unwrap_or(None);
    Ok(readers.map(|readers| (readers, spans)))
}

/// `whole` cut into about `split.pieces` spans of as many ids, of about `split.min_records`
/// records or more, none holding ids of two blocks of `block` ids (`id - 1` divided by it).
fn cut(whole: Span, split: Split, block: Option<i64>) -> Vec<Span> {
    let ids = whole.upto.saturating_sub(whole.after).max(1);
    let by_size = whole.records / split.min_records.max(1);
    let pieces = i64::try_from(by_size.min(split.pieces as u64)).unwrap_or(1).max(1);
    let step = ids.div_euclid(pieces) + i64::from(ids.rem_euclid(pieces) != 0);
    let mut ends: Vec<i64> = (1..pieces).map(|i| whole.after.saturating_add(i.saturating_mul(step))).collect();
    if let Some(b) = block {
        // A block's last id is a multiple of `block`.
        let first = whole.after.div_euclid(b).saturating_add(1);
        let last = whole.upto.saturating_sub(1).div_euclid(b);
        ends.extend((first..=last).map(|k| k.saturating_mul(b)));
    }
    ends.retain(|&e| e > whole.after && e < whole.upto);
    ends.push(whole.upto);
    ends.sort_unstable();
    ends.dedup();
    let mut after = whole.after;
    ends.into_iter()
        .map(|upto| {
            let share = i128::from(upto - after) * i128::from(whole.records) / i128::from(ids);
            let span = Span { after, upto, records: u64::try_from(share).unwrap_or(0), by_range: whole.by_range };
            after = upto;
            span
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::calculation::read_view;
    use crate::testing::{electricity, lib, store, TempDir};
    use crate::Store;

    #[test]
    fn spans_cover_the_ids_once_and_keep_to_their_blocks() {
        let whole = Span { after: 9, upto: 1_000_000, records: 900_000, by_range: true };
        for (split, block) in [
            (Split { pieces: 16, min_records: 8192 }, None),
            (Split { pieces: 16, min_records: 8192 }, Some(65_536)),
            (Split { pieces: 3, min_records: 1 }, Some(300_000)),
            (Split { pieces: 1000, min_records: 100_000 }, None),
        ] {
            let spans = cut(whole, split, block);
            assert_eq!(spans.first().map(|s| s.after), Some(9), "{split:?}");
            assert_eq!(spans.last().map(|s| s.upto), Some(1_000_000), "{split:?}");
            assert!(spans.windows(2).all(|w| w[0].upto == w[1].after && w[0].after < w[0].upto), "{spans:?}");
            if let Some(b) = block {
                assert!(spans.iter().all(|s| (s.after) / b == (s.upto - 1) / b), "{split:?}: a span across blocks");
            } else {
                assert!(spans.len() <= split.pieces, "{split:?}: {} spans", spans.len());
            }
            assert!(spans.iter().all(|s| s.by_range));
            let records: u64 = spans.iter().map(|s| s.records).sum();
            assert!(records.abs_diff(900_000) <= spans.len() as u64, "{records}");
        }
        // At most as many spans as pieces of `min_records`.
        assert_eq!(cut(whole, Split { pieces: 1000, min_records: 100_000 }, None).len(), 9);
    }

    #[test]
    fn more_readers_only_on_the_same_view_of_the_file() {
        let dir = TempDir::new("readers");
        let s = store(&dir);
        let c = s.connection();
        assert!(Readers::open(c, 2).unwrap().is_none(), "no transaction: nothing fixes the view");
        {
            let _view = read_view(c).unwrap();
            assert!(Readers::open(c, 2).unwrap().is_some(), "nothing changed");
            // Another program's write, committed after this view was taken.
            let mut other = Store::open(&dir.path().join("acme.db"), "bob").unwrap();
            other.add_activity(lib(), 2023, &electricity("5")).unwrap();
            assert!(Readers::open(c, 2).unwrap().is_none(), "a write came between");
        }
        {
            let _view = read_view(c).unwrap();
            assert!(Readers::open(c, 2).unwrap().is_some(), "a new view sees the write");
        }
        // Within a write transaction: the others would not see what it has not committed.
        let tx = c.unchecked_transaction().unwrap();
        tx.execute("UPDATE activity SET note = 'changed' WHERE id = (SELECT max(id) FROM activity)", []).unwrap();
        assert!(Readers::open(&tx, 2).unwrap().is_none(), "a write transaction");
    }
}
