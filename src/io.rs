//! The CLI's edges: reading a named file, writing stdout and stderr, and the exit status
//! (0 success, 1 data errors or a refusal, 2 usage errors).

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use scopebook_core::diagnostic::Diagnostic;
use scopebook_store::StoreError;

/// The bytes of a file named on the command line; a failure is an `unreadable-file` diagnostic.
pub fn read(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    scopebook_store::read_path(path)
}

/// Diagnostics to stderr, one a line.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
}

/// Write `text` to stdout: status 0, or 1 if it cannot be written.
pub fn out(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scopebook: cannot write output: {e}");
            ExitCode::from(1)
        }
    }
}

/// A usage error found after parsing: `scopebook: MESSAGE`, status 2.
pub fn usage(message: &str) -> ExitCode {
    eprintln!("scopebook: {message}");
    ExitCode::from(2)
}

/// Diagnostics of a refusal: status 1.
pub fn refuse(diags: &[Diagnostic]) -> ExitCode {
    print_diagnostics(diags);
    ExitCode::from(1)
}

/// Print a store error's diagnostics; status 1.
pub fn fail(e: &StoreError) -> ExitCode {
    refuse(&e.diagnostics)
}

/// A store action's message on stdout, or its error's diagnostics.
pub fn done(result: Result<String, StoreError>) -> ExitCode {
    match result {
        Ok(text) => out(&text),
        Err(e) => fail(&e),
    }
}
