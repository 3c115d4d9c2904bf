//! Typst as a library: one embedded template, the document's data as a JSON file the template
//! reads, the fonts the caller loaded, and nothing else. The world has no file system, no
//! package downloads and no clock: a document is dated by the caller, so the same data gives
//! the same bytes.

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::fonts::Fonts;
use crate::ReportError;

/// The path the template reads its data from (`json("/data.json")`).
const DATA_PATH: &str = "/data.json";
/// The path of the attached file, when there is one (PDF/A-3b): the template attaches it with
/// `pdf.attach` and reads it through the world like the data.
pub const ATTACHMENT_PATH: &str = "/inventory.json";
const MAIN_PATH: &str = "/main.typ";

/// A date and time in UTC, to the second: the document's date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl DocumentDate {
    /// An RFC 3339 time such as the store writes (`2026-12-04T16:42:22.123456Z`); `None` when
    /// it is not one.
    pub fn parse_rfc3339(text: &str) -> Option<DocumentDate> {
        let t = chrono::DateTime::parse_from_rfc3339(text).ok()?.naive_utc();
        Self::from_naive(t)
    }

    /// Midnight UTC of an ISO date (`2023-12-31`).
    pub fn parse_date(text: &str) -> Option<DocumentDate> {
        let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        Self::from_naive(d.and_hms_opt(0, 0, 0)?)
    }

    fn from_naive(t: chrono::NaiveDateTime) -> Option<DocumentDate> {
        use chrono::{Datelike, Timelike};
        Some(DocumentDate {
            year: t.year(),
            month: u8::try_from(t.month()).ok()?,
            day: u8::try_from(t.day()).ok()?,
            hour: u8::try_from(t.hour()).ok()?,
            minute: u8::try_from(t.minute()).ok()?,
            second: u8::try_from(t.second()).ok()?,
        })
    }

    fn typst(self) -> Option<Datetime> {
        Datetime::from_ymd_hms(self.year, self.month, self.day, self.hour, self.minute, self.second)
    }
}

/// What one PDF needs: the template's source, its data (JSON), the fonts, the date, and a
/// stable identifier for the PDF's document id.
pub struct PdfJob<'a> {
    pub template: &'a str,
    pub data_json: String,
    pub fonts: &'a Fonts,
    pub date: DocumentDate,
    pub ident: String,
    /// A file attached to the PDF (the inventory as `calc --format json` gives it); the PDF is
    /// then PDF/A-3b, else PDF/A-2b (which allows no attachment).
    pub attachment: Option<Vec<u8>>,
}

struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data_id: FileId,
    data: Bytes,
    attachment: Option<(FileId, Bytes)>,
    today: Option<Datetime>,
}

fn project_file(path: &str) -> Result<FileId, ReportError> {
    let vpath = VirtualPath::new(path).map_err(|e| ReportError::Template(format!("{path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if let Some((_, bytes)) = self.attachment.as_ref().filter(|(a, _)| *a == id) {
            Ok(bytes.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

fn messages(diags: &[SourceDiagnostic]) -> String {
    diags.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")
}

/// Compile the template with its data into a PDF/A-2b document (tagged), or PDF/A-3b with
/// the job's attachment.
pub fn render(job: &PdfJob<'_>) -> Result<Vec<u8>, ReportError> {
    let main_id = project_file(MAIN_PATH)?;
    let data_id = project_file(DATA_PATH)?;
    let date =
        job.date.typst().ok_or_else(|| ReportError::Template(format!("invalid document date {:?}", job.date)))?;
    let fonts = job.fonts.typst_fonts();
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(main_id, job.template.to_string()),
        data_id,
        data: Bytes::from_string(job.data_json.clone()),
        attachment: match &job.attachment {
            Some(bytes) => Some((project_file(ATTACHMENT_PATH)?, Bytes::new(bytes.clone()))),
            None => None,
        },
        today: Some(date),
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled.output.map_err(|e| ReportError::Template(messages(&e)))?;
    let standard = if job.attachment.is_some() { PdfStandard::A_3b } else { PdfStandard::A_2b };
    let standards = PdfStandards::new(&[standard]).map_err(|e| ReportError::Template(e.message().to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(job.ident.clone()),
        creator: Smart::Custom(Some(format!("Scopebook {}", scopebook_core::ENGINE_VERSION))),
        timestamp: Some(Timestamp::new_utc(date)),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|e| ReportError::Template(messages(&e)));
    // Typst memoises layout across compiles of the process; the app is a long-lived process, so
    // the caches are dropped after each report (every render costs what the CLI's does, and the
    // app's memory does not grow with each report).
    typst::comemo::evict(0);
    pdf
}
