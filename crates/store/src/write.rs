//! Every user action is one transaction: [`Store::write`] runs an action in one SQLite
//! transaction with its audit entries ([`Tx`]), committed when it succeeds and rolled back,
//! leaving nothing, when it fails. [`Store::read`] runs a query and locates its failure.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use crate::audit;
use crate::error::{Fail, StoreError};
use crate::Store;

/// The time now, RFC 3339 in UTC with microseconds.
pub(crate) fn now() -> String {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(secs, d.subsec_nanos())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_else(|| "1970-01-01T00:00:00.000000Z".to_string())
}

/// A write in progress: the transaction's connection, its time and user, and the chain's head.
pub(crate) struct Tx<'c> {
    pub(crate) conn: &'c Connection,
    pub(crate) user: &'c str,
    pub(crate) at: String,
    pub(crate) head: audit::Head,
}

impl Tx<'_> {
    /// Append an audit entry for `table` `id`, whose value before the change was `old`; its
    /// value now is read back from the table.
    pub(crate) fn log(
        &mut self,
        action: &str,
        table: &str,
        id: i64,
        old: Option<&str>,
        reason: Option<&str>,
    ) -> Result<Option<String>, Fail> {
        let new = audit::read_row(self.conn, table, id)?;
        self.head.append(self.conn, &self.at, self.user, action, table, id, old, new.as_deref(), reason)?;
        Ok(new)
    }

    /// Mark current row `id` of `table` superseded in its restatement column `status_column`
    /// (all its other values kept), audited as `restate` with `reason`: the first half of every
    /// restatement (records, ETS rows, instruments, Scope 3 statuses).
    pub(crate) fn supersede(&mut self, table: &str, status_column: &str, id: i64, reason: &str) -> Result<(), Fail> {
        let old = self.row(table, id)?;
        self.conn.execute(&format!("UPDATE {table} SET {status_column} = 'superseded' WHERE id = ?1"), [id])?;
        self.log("restate", table, id, old.as_deref(), Some(reason))?;
        Ok(())
    }

    /// A record's value now (canonical JSON), or `None` when there is no such record.
    pub(crate) fn row(&self, table: &str, id: i64) -> Result<Option<String>, Fail> {
        Ok(audit::read_row(self.conn, table, id)?)
    }
}

impl Store {
    pub(crate) fn err(&self, e: Fail) -> StoreError {
        e.into_error(&self.name)
    }

    /// Run a query; its failure is located in this database.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, Fail>) -> Result<T, StoreError> {
        f(&self.conn).map_err(|e| self.err(e))
    }

    /// Run `f` as one transaction: committed when it succeeds, rolled back (leaving nothing)
    /// when it fails.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, Fail>) -> Result<T, StoreError> {
        let run = || -> Result<T, Fail> {
            let tx = self.conn.unchecked_transaction()?;
            let mut w = Tx { conn: &tx, user: &self.user, at: now(), head: audit::Head::load(&tx)? };
            let out = f(&mut w)?;
            tx.commit()?;
            Ok(out)
        };
        run().map_err(|e| self.err(e))
    }
}
