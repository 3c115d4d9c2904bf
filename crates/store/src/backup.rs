//! Backup and restore with SQLite's online backup API.
//!
//! A backup is written to a temporary file beside the destination, checked, and only then
//! renamed into place, so a failed or interrupted backup never leaves a half-written file under
//! the destination's name. A restore checks the backup completely before it touches the
//! target; the copy into the target is one SQLite transaction (one backup step of all pages),
//! so the target is either wholly replaced or left as it was.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;

use scopebook_core::diagnostic::Code;

use crate::connection::{check_identity, configure, connect, integrity_check};
use crate::error::{refuse, Fail, StoreError};
use crate::{audit, schema, Store};

impl Store {
    /// Copy the database to a new file `to` with SQLite's online backup, then check the copy.
    pub fn backup(&self, to: &Path) -> Result<(), StoreError> {
        backup(&self.conn, &self.name, to)
    }

    /// Replace the database at `to` (or create it) with the backup `from`, after checking the
    /// backup: its application id, schema version, `integrity_check` and audit chain. A backup
    /// that fails is refused and `to` is left untouched.
    pub fn restore(from: &Path, to: &Path, user: &str) -> Result<Store, StoreError> {
        restore(from, to, user)
    }
}

/// Check a database file completely: Scopebook's application id, a schema version this build
/// understands, `integrity_check`, and the audit chain with its replay.
fn check_file(conn: &Connection) -> Result<(), Fail> {
    check_identity(conn)?;
    integrity_check(conn)?;
    match audit::verify(conn)? {
        Ok(_) => Ok(()),
        Err(b) => Err(refuse(b.code, format!("the audit log does not verify: {}", b.message))),
    }
}

fn temp_beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".partial-{}", std::process::id()));
    path.with_file_name(name)
}

fn remove_quietly(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Copy every page of `src` into `dst` in one step (one transaction on `dst`).
fn copy(src: &Connection, dst: &mut Connection) -> Result<(), Fail> {
    let b = Backup::new(src, dst)?;
    match b.step(-1)? {
        StepResult::Done => Ok(()),
        StepResult::Busy | StepResult::Locked => Err(refuse(
            Code::DatabaseError,
            "the database is busy: another program is writing to it; try again when it has finished",
        )),
        // step(-1) copies everything; anything else means it did not finish.
        _ => Err(refuse(Code::DatabaseError, "the backup did not complete")),
    }
}

fn backup(conn: &Connection, name: &str, to: &Path) -> Result<(), StoreError> {
    let shown = to.display().to_string();
    if to.exists() {
        return Err(StoreError::one(
            Code::DatabaseExists,
            &shown,
            "the backup file already exists; choose a new name (a backup never overwrites a file)",
        ));
    }
    let tmp = temp_beside(to);
    let run = || -> Result<(), Fail> {
        let mut dst = connect(&tmp, true)?;
        copy(conn, &mut dst)?;
        // A self-contained single file: no -wal beside it.
        let _: String = dst.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        check_file(&dst)?;
        drop(dst);
        std::fs::rename(&tmp, to)
            .map_err(|e| refuse(Code::DatabaseError, format!("cannot move the backup into place: {e}")))?;
        Ok(())
    };
    run().map_err(|e| {
        remove_quietly(&tmp);
        // A failure here is of the source database, except for the file operations.
        let file = if matches!(e, Fail::Sql(_)) { name } else { shown.as_str() };
        e.into_error(file)
    })
}

fn restore(from: &Path, to: &Path, user: &str) -> Result<Store, StoreError> {
    let source = from.display().to_string();
    let target = to.display().to_string();
    if !from.exists() {
        return Err(StoreError::one(Code::UnreadableFile, &source, "the backup file does not exist"));
    }
    // 1. The backup must pass every check before anything else happens.
    let src = (|| -> Result<Connection, Fail> {
        let src = connect(from, false)?;
        check_file(&src)?;
        Ok(src)
    })()
    .map_err(|e| e.into_error(&source))?;
    // 2. The target must be a Scopebook database (or not exist yet): never overwrite another
    //    program's file.
    let mut dst = (|| -> Result<Connection, Fail> {
        if to.exists() {
            let conn = connect(to, false)?;
            let (app, _) = schema::identity(&conn)?;
            if !(app == 0 && schema::is_blank(&conn)?) {
                check_identity(&conn).map_err(|e| match e {
                    Fail::Refused { code: Code::NotAScopebookDatabase, .. } => refuse(
                        Code::NotAScopebookDatabase,
                        "the restore target is not a Scopebook database; refusing to overwrite it (nothing was changed)",
                    ),
                    other => other,
                })?;
            }
            let mut conn = conn;
            configure(&mut conn)?;
            Ok(conn)
        } else {
            let mut conn = connect(to, true)?;
            configure(&mut conn)?;
            Ok(conn)
        }
    })()
    .map_err(|e| e.into_error(&target))?;
    // 3. One step: the target is replaced in a single transaction.
    copy(&src, &mut dst).map_err(|e| e.into_error(&target))?;
    drop(dst);
    drop(src);
    // 4. Open it as usual (this migrates an older backup) and check the result.
    let store = Store::open(to, user)?;
    store.integrity_check()?;
    store.verify()?;
    Ok(store)
}
