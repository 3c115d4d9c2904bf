//! The file itself: creating an organisation file, opening one safely (its identity is checked
//! before anything is written; an older schema is migrated in one transaction), the connection's
//! settings, the organisation record, and SQLite's integrity check (decision 0011).

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use scopebook_core::diagnostic::Code;

use crate::audit;
use crate::error::{refuse, Fail, StoreError, UnknownStored};
use crate::model::{Consolidation, Organisation};
use crate::schema;
use crate::text::non_empty;
use crate::write::{now, Tx};
use crate::Store;

/// How long a write waits for another program's write to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A new organisation file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrganisation {
    pub name: String,
    pub consolidation: Consolidation,
}

/// The user name for the audit log when none is given: `USER`, else `USERNAME`, else
/// `unknown`.
pub fn default_user() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

pub(crate) fn connect(path: &Path, create: bool) -> Result<Connection, Fail> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// WAL, full fsync at commit, foreign keys, and write transactions that take the write lock
/// at once (so a transaction never fails half-way for want of it).
pub(crate) fn configure(conn: &mut Connection) -> Result<(), Fail> {
    let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    Ok(())
}

/// Refuse a file that is not a Scopebook database, or is newer than this build.
pub(crate) fn check_identity(conn: &Connection) -> Result<i32, Fail> {
    let (app, version) = schema::identity(conn)?;
    if app != schema::APPLICATION_ID {
        let what = if app == 0 && schema::is_blank(conn)? {
            "it is an empty file; create an organisation with `scopebook init`".to_string()
        } else if app == 0 {
            "it is an SQLite database of another program (it has no Scopebook application id); nothing was changed"
                .to_string()
        } else {
            format!("it is an SQLite database of another program (application id {app:#010x}); nothing was changed")
        };
        return Err(refuse(Code::NotAScopebookDatabase, format!("the file is not a Scopebook database: {what}")));
    }
    if version > schema::SCHEMA_VERSION {
        return Err(refuse(
            Code::NewerSchema,
            format!(
                "the database has schema version {version}, but this Scopebook ({}) understands versions up to {}; open it with a newer Scopebook (the file was not changed)",
                scopebook_core::ENGINE_VERSION,
                schema::SCHEMA_VERSION
            ),
        ));
    }
    Ok(version)
}

fn migrate(conn: &Connection) -> Result<(), Fail> {
    let (_, version) = schema::identity(conn)?;
    if version == schema::SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    // Another program may have migrated it while we waited for the lock.
    let version = check_identity(&tx)?;
    if version < schema::SCHEMA_VERSION {
        schema::apply(&tx, schema::MIGRATIONS, version, schema::SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(())
}

/// `PRAGMA integrity_check`: the file's structure is sound.
pub(crate) fn integrity_check(c: &Connection) -> Result<(), Fail> {
    let mut stmt = c.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(())
    } else {
        let findings: Vec<&str> = lines
            .iter()
            .flat_map(|l| l.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("***"))
            .collect();
        Err(refuse(
            Code::DatabaseError,
            format!(
                "the database file is damaged; SQLite's integrity check says: {}; use another backup, or restore this file from one",
                findings.iter().take(3).copied().collect::<Vec<_>>().join("; ")
            ),
        ))
    }
}

/// The stored consolidation approach; an unknown one is an error, never a default.
pub(crate) fn consolidation(text: &str) -> Result<Consolidation, UnknownStored> {
    Consolidation::parse(text).ok_or_else(|| {
        let known: Vec<&str> = Consolidation::ALL.iter().map(|c| c.as_str()).collect();
        UnknownStored::new("the organisation's consolidation approach", "consolidation", text, &known)
    })
}

impl Store {
    /// Create a new organisation file at `path` (which must not hold anything yet).
    pub fn create(path: &Path, org: &NewOrganisation, user: &str) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        Self::create_inner(path, org, user).map_err(|e| e.into_error(&name))
    }

    fn create_inner(path: &Path, org: &NewOrganisation, user: &str) -> Result<Store, Fail> {
        let org_name = non_empty(&org.name, "name", "the organisation's name")?;
        if path.exists() {
            let conn = connect(path, false)?;
            let (app, _) = schema::identity(&conn)?;
            if app == schema::APPLICATION_ID {
                return Err(refuse(
                    Code::DatabaseExists,
                    "the file already holds a Scopebook organisation; open it, or give `init` a new file name",
                ));
            }
            if app != 0 || !schema::is_blank(&conn)? {
                return Err(refuse(
                    Code::NotAScopebookDatabase,
                    "the file is not a Scopebook database (it is an SQLite database of another program); nothing was changed",
                ));
            }
        }
        let mut conn = connect(path, true)?;
        configure(&mut conn)?;
        let user = user.to_string();
        {
            let tx = conn.unchecked_transaction()?;
            if !schema::is_blank(&tx)? {
                return Err(refuse(Code::DatabaseExists, "another program created this file at the same moment"));
            }
            schema::apply(&tx, schema::MIGRATIONS, 0, schema::SCHEMA_VERSION)?;
            let mut w = Tx { conn: &tx, user: &user, at: now(), head: audit::Head::load(&tx)? };
            tx.execute(
                "INSERT INTO organisation (id, name, consolidation, created_at) VALUES (1, ?1, ?2, ?3)",
                params![org_name, org.consolidation.as_str(), w.at],
            )?;
            w.log("create", "organisation", 1, None, None)?;
            tx.commit()?;
        }
        Ok(Store { conn, name: path.display().to_string(), user })
    }

    /// Open an existing organisation file, migrating it to this build's schema if it is older.
    pub fn open(path: &Path, user: &str) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::one(
                Code::UnreadableFile,
                &name,
                "the database does not exist; create it with `scopebook init`",
            ));
        }
        let open = || -> Result<Connection, Fail> {
            let mut conn = connect(path, false)?;
            check_identity(&conn)?;
            configure(&mut conn)?;
            migrate(&conn)?;
            Ok(conn)
        };
        let conn = open().map_err(|e| e.into_error(&name))?;
        Ok(Store { conn, name, user: user.to_string() })
    }

    /// The name the diagnostics give this database (its path as given).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// The connection, for read-only inspection (tests, tools). Writes through it bypass the
    /// audit log, and `verify` will report them.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The organisation the file belongs to. A consolidation approach this build does not know
    /// is an error (`database-error`, column `consolidation`), never read as another one.
    pub fn organisation(&self) -> Result<Organisation, StoreError> {
        self.read(|c| {
            let (name, text, created_at): (String, String, String) = c
                .query_row("SELECT name, consolidation, created_at FROM organisation WHERE id = 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?
                .ok_or_else(|| refuse(Code::DatabaseError, "the database has no organisation record"))?;
            Ok(Organisation { name, consolidation: consolidation(&text)?, created_at })
        })
    }

    /// `PRAGMA integrity_check`: the file's structure is sound.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        self.read(integrity_check)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testing::TempDir;

    #[test]
    fn an_unknown_consolidation_approach_is_an_error_not_operational_control() {
        let dir = TempDir::new("consolidation");
        let path = dir.path().join("org.db");
        let org = NewOrganisation { name: "Acme".into(), consolidation: Consolidation::EquityShare };
        let s = Store::create(&path, &org, "alice").unwrap();
        assert_eq!(s.organisation().unwrap().consolidation, Consolidation::EquityShare);
        // Another program writes a value Scopebook does not know (past the CHECK constraint).
        s.connection()
            .execute_batch(
                "PRAGMA ignore_check_constraints = ON;
                 UPDATE organisation SET consolidation = 'joint-venture' WHERE id = 1;
                 PRAGMA ignore_check_constraints = OFF;",
            )
            .unwrap();
        let e = s.organisation().unwrap_err();
        assert_eq!(e.code(), Some(Code::DatabaseError));
        let d = &e.diagnostics[0];
        assert_eq!(d.location.file, path.display().to_string());
        assert_eq!(d.location.column.as_deref(), Some("consolidation"));
        assert!(d.message.contains("'joint-venture'"), "{}", d.message);
        assert!(d.message.contains("operational-control, financial-control, equity-share"), "{}", d.message);
        // Every known value still reads back as itself.
        for c in Consolidation::ALL {
            s.connection().execute("UPDATE organisation SET consolidation = ?1 WHERE id = 1", [c.as_str()]).unwrap();
            assert_eq!(s.organisation().unwrap().consolidation, c);
        }
    }
}
