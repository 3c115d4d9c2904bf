//! Duplicate detection for an import: a row repeats a current record of the period, or an
//! earlier row of the same import, when facility, activity and evidence reference are the same
//! (decision 0015).

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rusqlite::Connection;

use super::Duplicate;
use crate::error::Fail;

/// The keys of the period's current records and of the rows seen so far. A key is the facility
/// id, the activity's number (activity names repeat: each is numbered once) and the evidence
/// text, in one allocation: about 80 bytes a row at a million rows.
#[derive(Default)]
pub(super) struct DupKeys {
    activities: HashMap<String, u32, Quick>,
    existing: HashMap<Box<[u8]>, i64, Quick>,
    seen: HashMap<Box<[u8]>, u64, Quick>,
    key: Vec<u8>,
}

impl DupKeys {
    /// The keys of period `period_id`'s current records, room for `rows` more.
    pub(super) fn load(c: &Connection, period_id: i64, rows: u64) -> Result<DupKeys, Fail> {
        let mut keys = DupKeys::default();
        keys.seen.reserve(usize::try_from(rows).unwrap_or(0).min(1 << 24));
        let mut stmt = c.prepare_cached(
            "SELECT facility_id, activity, evidence, id FROM activity
             WHERE period_id = ?1 AND status = 'current' AND evidence IS NOT NULL",
        )?;
        let mut rows = stmt.query([period_id])?;
        while let Some(r) = rows.next()? {
            let (facility, activity, evidence): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            keys.make_key(facility, &activity, &evidence);
            keys.existing.entry(keys.key.clone().into_boxed_slice()).or_insert(r.get(3)?);
        }
        Ok(keys)
    }

    fn make_key(&mut self, facility: i64, activity: &str, evidence: &str) {
        let n = match self.activities.get(activity) {
            Some(n) => *n,
            None => {
                // Activity names number a few hundred at most; u32::MAX would only be shared
                // beyond four billion distinct names.
                let n = u32::try_from(self.activities.len()).unwrap_or(u32::MAX);
                self.activities.insert(activity.to_string(), n);
                n
            }
        };
        self.key.clear();
        self.key.extend_from_slice(&facility.to_le_bytes());
        self.key.extend_from_slice(&n.to_le_bytes());
        self.key.extend_from_slice(evidence.as_bytes());
    }

    /// What a row repeats, or `None` (the row is then remembered as the first of its key).
    pub(super) fn repeats(&mut self, facility: i64, activity: &str, evidence: &str, row: u64) -> Option<Duplicate> {
        self.make_key(facility, activity, evidence);
        if let Some(id) = self.existing.get(self.key.as_slice()) {
            return Some(Duplicate::Record(*id));
        }
        match self.seen.entry(self.key.as_slice().into()) {
            Entry::Occupied(first) => Some(Duplicate::Row(*first.get())),
            Entry::Vacant(v) => {
                v.insert(row);
                None
            }
        }
    }
}

/// A fast hash for the keys (rustc's Fx hash, with a finaliser): the keys are the user's own data
/// in a local file, so the standard hasher's resistance to crafted collisions buys nothing here.
type Quick = BuildHasherDefault<Fx>;

#[derive(Default)]
struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's finaliser: the table takes its bucket from the low bits, which the
        // multiplications above leave poorly mixed for keys that differ only near their ends.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_key_repeats_only_with_the_same_facility_activity_and_evidence() {
        let mut k = DupKeys::default();
        assert_eq!(k.repeats(1, "electricity", "INV-1", 2), None);
        assert_eq!(k.repeats(2, "electricity", "INV-1", 3), None);
        assert_eq!(k.repeats(1, "natural_gas", "INV-1", 4), None);
        assert_eq!(k.repeats(1, "electricity", "INV-10", 5), None);
        assert_eq!(k.repeats(1, "electricity", "INV-1", 6), Some(Duplicate::Row(2)));
        assert_eq!(k.repeats(2, "electricity", "INV-1", 8), Some(Duplicate::Row(3)));
    }
}
