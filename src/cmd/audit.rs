//! `scopebook audit` (log, verify), `scopebook backup` and `scopebook restore`.

use std::path::Path;
use std::process::ExitCode;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_store::Store;

use crate::args::{AuditCommand, DbArgs, StoreFormat};
use crate::io::{done, fail, out, refuse};
use crate::output;

pub fn audit(command: AuditCommand) -> ExitCode {
    match command {
        AuditCommand::Log { db, format } => {
            let s = open_or_return!(db);
            done(s.audit_log().map(|es| match format {
                StoreFormat::Json => output::json(&es),
                StoreFormat::Table => output::audit_entries(&es),
            }))
        }
        AuditCommand::Verify { db, expect_head } => {
            let s = open_or_return!(db);
            let v = match s.integrity_check().and_then(|()| s.verify()) {
                Ok(v) => v,
                Err(e) => return fail(&e),
            };
            if let Some(head) = expect_head {
                match s.audit_log().map(|es| es.iter().any(|e| e.hash == head)) {
                    Ok(true) => {}
                    Ok(false) => {
                        return refuse(&[Diagnostic::error(
                            Code::AuditChainBroken,
                            Location::file(s.name()),
                            format!(
                                "the chain no longer contains the head {head} noted earlier: the log was rewritten"
                            ),
                        )]);
                    }
                    Err(e) => return fail(&e),
                }
            }
            let records: Vec<String> = v.records.iter().map(|(t, n)| format!("{n} {t}")).collect();
            out(&format!(
                "ok: {} audit entries; the hash chain is intact and replaying it gives exactly the stored data ({})\nhead: {}\n",
                v.entries,
                records.join(", "),
                v.head
            ))
        }
    }
}

pub fn backup(db: &DbArgs, to: &Path) -> ExitCode {
    let s = open_or_return!(db);
    done(s.backup(to).map(|()| format!("backed up {} to {} (checked)\n", db.db.display(), to.display())))
}

pub fn restore(from: &Path, db: &DbArgs) -> ExitCode {
    done(Store::restore(from, &db.db, &db.user()).and_then(|s| {
        let v = s.verify()?;
        Ok(format!("restored {} from {} ({} audit entries verified)\n", db.db.display(), from.display(), v.entries))
    }))
}
