//! A period's own factor files (schema 10, decision 0053): factor files in the user format, or
//! dataset folders (`dataset.toml` and the factor file it names), kept in the inventory file and
//! loaded into the period's library for every calculation of the period — `calc --db`, the
//! dashboard, the lock snapshot, the reports and the auditor's package — as `calc --factors`
//! loads them for an activity file. A residual mix converted from the AIB or Green-e file the
//! user downloaded (`scopebook residual-mix import`, decision 0048) is one.
//!
//! A file is added all or nothing: it is loaded into a copy of the period's library first, and
//! any error of the file (a bad row, a factor id the library already has) refuses it, located
//! as `calc --factors` locates it. Each file is audited (its text in the log, as every stored
//! value); a locked period's files never change. A file is stored as given; the period's library
//! is the pinned library with the period's files added in the order stored.

use std::borrow::Cow;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use scopebook_core::dataset::{sha256_hex, DatasetMeta};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use serde::Serialize;

use crate::error::{locked, refuse_at, Fail, StoreError};
use crate::instruments::open_period;
use crate::model::{PeriodStatus, ReportingPeriod};
use crate::periods::{period_by_year, period_from_row, pinned, records_still_read, PERIOD_SELECT};
use crate::Store;

/// One stored factor file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactorFileRow {
    pub id: i64,
    pub year: i32,
    /// The name it was added under (a file name, or a dataset folder's name).
    pub name: String,
    /// The SHA-256 of the factor file's bytes.
    pub sha256: String,
    /// The dataset's id and edition when it came with `dataset.toml`; else `user:NAME`, `-`.
    pub dataset: String,
    pub edition: String,
    /// Factors it adds.
    pub factors: u64,
}

/// A factor file to add: its name, the factor file's bytes, and `dataset.toml`'s text when it
/// is a dataset folder.
pub struct NewFactorFile<'a> {
    pub name: &'a str,
    pub contents: &'a [u8],
    pub meta: Option<&'a str>,
}

/// A factor file read from a path, owned: a file in the user format, or a dataset folder
/// (`dataset.toml` and the factor file its `[files]` names). `scopebook factors add` and the
/// app's Periods screen read a path through it, so both add the same thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactorFileSource {
    pub name: String,
    pub contents: Vec<u8>,
    pub meta: Option<String>,
}

impl FactorFileSource {
    /// Read `path`: a folder is a dataset folder, anything else a factor file. The name is the
    /// file's or the folder's name. A file that cannot be read, a `dataset.toml` that does not
    /// parse, or one that names no factor file, is a diagnostic located at it.
    pub fn read(path: &Path) -> Result<Self, Diagnostic> {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        if !path.is_dir() {
            return Ok(Self { name, contents: read_path(path)?, meta: None });
        }
        let meta = String::from_utf8_lossy(&read_path(&path.join("dataset.toml"))?).into_owned();
        let file =
            DatasetMeta::parse(&format!("{name}/dataset.toml"), &meta)?.files.get("factors").cloned().ok_or_else(
                || {
                    Diagnostic::error(
                        Code::InvalidMetadata,
                        Location::file(format!("{}/dataset.toml", path.display())),
                        "[files] needs 'factors': the factor file the dataset is made of",
                    )
                },
            )?;
        Ok(Self { name, contents: read_path(&path.join(file))?, meta: Some(meta) })
    }

    /// The file as `Store::add_factor_file` takes it.
    pub fn as_new(&self) -> NewFactorFile<'_> {
        NewFactorFile { name: &self.name, contents: &self.contents, meta: self.meta.as_deref() }
    }
}

/// The bytes of the file at `path`; a failure is an `unreadable-file` diagnostic located at it
/// (the CLI reads every file it is named through this).
pub fn read_path(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "it does not exist".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        Diagnostic::error(
            Code::UnreadableFile,
            Location::file(path.display().to_string()),
            format!("cannot read the file: {reason}"),
        )
    })
}

struct Stored {
    id: i64,
    name: String,
    meta: Option<String>,
    contents: String,
}

fn stored(c: &Connection, period_id: i64) -> Result<Vec<Stored>, Fail> {
    let mut stmt =
        c.prepare_cached("SELECT id, name, meta, contents FROM factor_file WHERE period_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([period_id], |r| {
        Ok(Stored { id: r.get(0)?, name: r.get(1)?, meta: r.get(2)?, contents: r.get(3)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Add `f` to `lib`: every problem found (none when it loaded).
fn load(lib: &mut FactorLibrary, name: &str, meta: Option<&str>, contents: &[u8]) -> Vec<Diagnostic> {
    match meta {
        None => lib.add_user_file(name, contents),
        Some(meta) => {
            let wanted = DatasetMeta::parse(&format!("{name}/dataset.toml"), meta)
                .ok()
                .and_then(|m| m.files.get("factors").cloned())
                .unwrap_or_default();
            lib.add_user_dataset(name, meta, &|file| {
                if file == wanted {
                    Ok(contents.to_vec())
                } else {
                    Err(format!("the dataset stores only its factor file {wanted}"))
                }
            })
        }
    }
}

/// The library period `p` calculates with: its pinned editions (decision 0017), and its own
/// factor files added in the order stored. A stored file that no longer loads (the file was
/// changed by another program, or this build reads it otherwise) is a database error naming it.
pub(crate) fn period_library<'l>(
    c: &Connection,
    lib: &'l FactorLibrary,
    p: &ReportingPeriod,
) -> Result<Cow<'l, FactorLibrary>, Fail> {
    let base = pinned(lib, &p.pins)?;
    let files = stored(c, p.id)?;
    if files.is_empty() {
        return Ok(base);
    }
    let mut out = base.into_owned();
    for f in files {
        let problems = load(&mut out, &f.name, f.meta.as_deref(), f.contents.as_bytes());
        if let Some(d) = problems.iter().find(|d| d.is_error()) {
            return Err(crate::error::refuse(
                Code::DatabaseError,
                format!(
                    "factor file {} (id {}) of period {} no longer loads ({d}): the file was changed by another program or is damaged",
                    f.name, f.id, p.year
                ),
            ));
        }
    }
    Ok(Cow::Owned(out))
}

/// The bytes of the factor file a period's library loaded under `name`.
fn contents_by_name(c: &Connection, period_id: i64, name: &str) -> Result<Option<Vec<u8>>, Fail> {
    let found: Option<String> = c
        .query_row(
            "SELECT contents FROM factor_file WHERE period_id = ?1 AND name = ?2",
            params![period_id, name],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.map(String::into_bytes))
}

const LOCKED: &str = "its factor files cannot be added or deleted";

impl Store {
    /// Add a factor file (or a dataset folder: `f.meta` is its `dataset.toml`) to period
    /// `year`, which must be open: all or nothing. It is loaded into the period's library as it
    /// stands first; any error refuses it with every problem located, and nothing is stored.
    pub fn add_factor_file(
        &mut self,
        lib: &FactorLibrary,
        year: i32,
        f: &NewFactorFile<'_>,
    ) -> Result<FactorFileRow, StoreError> {
        let id = self.write(|w| {
            let p = open_period(w.conn, year, LOCKED)?;
            let name = f.name.trim();
            if name.is_empty() {
                return Err(refuse_at(Code::MissingValue, "name", "a factor file needs a name"));
            }
            let Ok(text) = std::str::from_utf8(f.contents) else {
                return Err(Fail::Rows(vec![Diagnostic::error(
                    Code::UnreadableFile,
                    Location::file(name),
                    "the factor file is not UTF-8 text",
                )]));
            };
            let taken: Option<i64> = w
                .conn
                .query_row("SELECT id FROM factor_file WHERE period_id = ?1 AND name = ?2", params![p.id, name], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(other) = taken {
                return Err(refuse_at(
                    Code::DuplicateId,
                    "name",
                    format!("period {year} already has a factor file named {name} (id {other}); delete it first"),
                ));
            }
            let mut candidate = period_library(w.conn, lib, &p)?.into_owned();
            let problems = load(&mut candidate, name, f.meta, f.contents);
            if problems.iter().any(Diagnostic::is_error) {
                return Err(Fail::Rows(problems.into_iter().filter(Diagnostic::is_error).collect()));
            }
            w.conn.execute(
                "INSERT INTO factor_file (period_id, name, sha256, meta, contents, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![p.id, name, sha256_hex(f.contents), f.meta, text, w.at],
            )?;
            let id = w.conn.last_insert_rowid();
            w.log("create", "factor_file", id, None, None)?;
            Ok(id)
        })?;
        self.factor_files(lib, year)?.into_iter().find(|r| r.id == id).ok_or_else(|| {
            StoreError::one(Code::DatabaseError, self.name(), format!("factor file {id} was not stored"))
        })
    }

    /// Period `year`'s factor files, in the order stored, with what each adds to its library.
    pub fn factor_files(&self, lib: &FactorLibrary, year: i32) -> Result<Vec<FactorFileRow>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            let mut out = Vec::new();
            let mut l = pinned(lib, &p.pins)?.into_owned();
            for f in stored(c, p.id)? {
                let before = l.datasets().len();
                let problems = load(&mut l, &f.name, f.meta.as_deref(), f.contents.as_bytes());
                let d = l.datasets().get(before).filter(|_| !problems.iter().any(Diagnostic::is_error));
                out.push(FactorFileRow {
                    id: f.id,
                    year,
                    sha256: sha256_hex(f.contents.as_bytes()),
                    dataset: d.map_or_else(|| format!("user:{}", f.name), |d| d.reference.id.clone()),
                    edition: d.map_or_else(|| "-".to_string(), |d| d.reference.edition.clone()),
                    factors: d.map_or(0, |d| u64::try_from(d.factor_count).unwrap_or(u64::MAX)),
                    name: f.name,
                });
            }
            Ok(out)
        })
    }

    /// The library period `year` calculates with: the pinned editions and its factor files.
    pub fn period_library(&self, lib: &FactorLibrary, year: i32) -> Result<FactorLibrary, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            Ok(period_library(c, lib, &p)?.into_owned())
        })
    }

    /// The bytes of period `year`'s factor file that its library loaded under `name` (the
    /// package carries them, decision 0053); `None` when it has no such file.
    pub fn factor_file_bytes(&self, year: i32, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            contents_by_name(c, p.id, name)
        })
    }

    /// Delete factor file `id` (audited, with the reason if given); refused in a locked period,
    /// and when a record of the period would have no factor without it (each such record named,
    /// as a change of the period's editions is refused).
    pub fn delete_factor_file(&mut self, lib: &FactorLibrary, id: i64, reason: Option<&str>) -> Result<(), StoreError> {
        let file = self.name.clone();
        self.write(|w| {
            let period_id: Option<i64> =
                w.conn.query_row("SELECT period_id FROM factor_file WHERE id = ?1", [id], |r| r.get(0)).optional()?;
            let period_id = period_id
                .ok_or_else(|| refuse_at(Code::UnknownRecord, "id", format!("there is no factor file {id}")))?;
            let p = w.conn.query_row(&format!("{PERIOD_SELECT} WHERE id = ?1"), [period_id], period_from_row)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(&p, LOCKED));
            }
            let old = w.row("factor_file", id)?;
            let name: String = w.conn.query_row("SELECT name FROM factor_file WHERE id = ?1", [id], |r| r.get(0))?;
            w.conn.execute("DELETE FROM factor_file WHERE id = ?1", [id])?;
            let plib = period_library(w.conn, lib, &p)?;
            records_still_read(w.conn, &plib, &p, &file, &format!("without factor file {name}"))?;
            w.log("delete", "factor_file", id, old.as_deref(), reason)?;
            Ok(())
        })
    }
}
