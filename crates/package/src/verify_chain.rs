//! The package's audit log walked: each entry's sequence, its link to its predecessor and its
//! own hash, as the store computes them; the last audited value of every record kept for tying
//! the package's copies to the chain.

use std::collections::BTreeMap;

use scopebook_core::diagnostic::{Code, Location};
use serde::Deserialize;

use crate::layout;
use crate::verify::{Ctx, Verification};

#[derive(Deserialize)]
struct LogEntry {
    seq: i64,
    at: String,
    user: String,
    action: String,
    table: String,
    record: i64,
    old_value: Option<String>,
    new_value: Option<String>,
    reason: Option<String>,
    prev_hash: String,
    hash: String,
}

/// The audit chain; returns each record's last audited value, by (table, id).
pub(crate) fn check_chain(c: &mut Ctx, v: &mut Verification) -> BTreeMap<(String, i64), Option<String>> {
    let mut last = BTreeMap::new();
    let Some(bytes) = c.files.get(layout::AUDIT_LOG).cloned() else {
        c.error(Code::WrongFileType, Location::file(layout::AUDIT_LOG), "the package lacks its audit log");
        return last;
    };
    let mut prev = scopebook_store::audit::GENESIS.to_string();
    let mut n: i64 = 0;
    for (i, text) in String::from_utf8_lossy(&bytes).lines().enumerate() {
        let line = i as u64 + 1;
        let at = Location::row(layout::AUDIT_LOG, line);
        let e: LogEntry = match serde_json::from_str(text) {
            Ok(e) => e,
            Err(err) => {
                c.error(Code::AuditChainBroken, at, format!("not an audit entry: {err}"));
                return last;
            }
        };
        n += 1;
        if e.seq != n {
            c.error(
                Code::AuditChainBroken,
                at,
                format!("entry {} is where entry {n} belongs: an entry was removed, added or moved", e.seq),
            );
            return last;
        }
        if e.prev_hash != prev {
            c.error(
                Code::AuditChainBroken,
                at,
                format!(
                    "audit entry {} does not follow its predecessor: its prev_hash is not entry {}'s hash",
                    e.seq,
                    n - 1
                ),
            );
            return last;
        }
        let fields = scopebook_store::audit::EntryFields {
            seq: e.seq,
            at: &e.at,
            user: &e.user,
            action: &e.action,
            table: &e.table,
            record: e.record,
            old: e.old_value.as_deref(),
            new: e.new_value.as_deref(),
            reason: e.reason.as_deref(),
        };
        if scopebook_store::audit::entry_hash(&e.prev_hash, &fields) != e.hash {
            c.error(
                Code::AuditChainBroken,
                at,
                format!(
                    "audit entry {} has been altered: its contents ({} {} {}) no longer match its hash",
                    e.seq, e.action, e.table, e.record
                ),
            );
            return last;
        }
        last.insert((e.table.clone(), e.record), e.new_value.clone());
        prev = e.hash;
    }
    v.audit_entries = usize::try_from(n).unwrap_or(0);
    v.audit_head = prev;
    last
}
