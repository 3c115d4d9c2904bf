//! The fonts the PDF reports use, loaded at run time from a folder (decision 0025): Noto Sans
//! (Latin, with the ₂ and ‰ that CJK fonts lack) and Noto Sans SC, regular and bold, all SIL
//! OFL 1.1. They are not in git (about 10 MB each): `npm ci --prefix fonts` installs them
//! from the npm registry (`fonts/package.json`), and a folder that holds the four files (at
//! any depth up to five, as the npm packages lay them out) is enough.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;

use crate::ReportError;

/// The font files a report needs, by file name, in fallback order: Latin first, CJK second.
pub const FONT_FILES: [&str; 4] =
    ["NotoSans_400Regular.ttf", "NotoSans_700Bold.ttf", "NotoSansSC_400Regular.ttf", "NotoSansSC_700Bold.ttf"];

/// The family names the template asks for, in the same order of fallback.
pub const FAMILIES: [&str; 2] = ["Noto Sans", "Noto Sans SC"];

/// Loaded font files.
#[derive(Clone)]
pub struct Fonts {
    files: Vec<Bytes>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fonts({} files)", self.files.len())
    }
}

impl Fonts {
    /// Fonts from the bytes of font files (TrueType, OpenType or collections).
    pub fn from_bytes(files: Vec<Vec<u8>>) -> Fonts {
        Fonts { files: files.into_iter().map(Bytes::new).collect() }
    }

    /// Every face in the files, in the order given.
    pub(crate) fn typst_fonts(&self) -> Vec<Font> {
        self.files.iter().flat_map(|b| Font::iter(b.clone())).collect()
    }

    /// The folders searched when none is named: `$SCOPEBOOK_FONTS`, `fonts/` beside the
    /// executable, and the source tree's `fonts/` (a development build or CI).
    pub fn default_dirs() -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        if let Some(d) = std::env::var_os("SCOPEBOOK_FONTS") {
            dirs.push(PathBuf::from(d));
        }
        if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
            dirs.push(exe_dir.join("fonts"));
        }
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fonts"));
        dirs
    }

    /// Load the four font files from the first of `dirs` that holds them all.
    pub fn load(dirs: &[PathBuf]) -> Result<Fonts, ReportError> {
        let mut missing: Vec<&str> = FONT_FILES.to_vec();
        for dir in dirs {
            let found: Vec<Option<PathBuf>> = FONT_FILES.iter().map(|f| find(dir, f, 5)).collect();
            if found.iter().all(Option::is_some) {
                let mut files = Vec::new();
                for path in found.into_iter().flatten() {
                    let bytes = std::fs::read(&path)
                        .map_err(|e| ReportError::Fonts(format!("cannot read {}: {e}", path.display())))?;
                    files.push(bytes);
                }
                return Ok(Fonts::from_bytes(files));
            }
            let here: Vec<&str> = FONT_FILES.iter().zip(&found).filter(|(_, p)| p.is_none()).map(|(f, _)| *f).collect();
            if here.len() < missing.len() {
                missing = here;
            }
        }
        let searched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        Err(ReportError::Fonts(format!(
            "the report fonts are missing ({}); searched {}. Install them with `npm ci --prefix fonts` in the source tree (fonts/package.json), or set SCOPEBOOK_FONTS to a folder that holds them",
            missing.join(", "),
            searched.join(", ")
        )))
    }
}

/// The first file named `name` under `dir`, at most `depth` folders down (sorted, so the same
/// tree gives the same file).
fn find(dir: &Path, name: &str, depth: u32) -> Option<PathBuf> {
    let direct = dir.join(name);
    if direct.is_file() {
        return Some(direct);
    }
    if depth == 0 {
        return None;
    }
    let mut subdirs: Vec<PathBuf> =
        std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    subdirs.sort();
    subdirs.into_iter().find_map(|d| find(&d, name, depth - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fonts_are_named_with_the_folders_searched_and_the_way_to_install_them() {
        let dir = std::env::temp_dir().join("scopebook-report-no-fonts");
        let _ = std::fs::create_dir_all(&dir);
        let Err(ReportError::Fonts(msg)) = Fonts::load(std::slice::from_ref(&dir)) else { panic!("fonts found") };
        assert!(msg.contains("NotoSansSC_400Regular.ttf"), "{msg}");
        assert!(msg.contains(&dir.display().to_string()), "{msg}");
        assert!(msg.contains("npm ci --prefix fonts"), "{msg}");
    }
}
