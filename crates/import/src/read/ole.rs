//! A structural check of an OLE2 (`.xls`) container before calamine opens it.
//!
//! Calamine's CFB reader trusts the header and directory: a damaged file can make it allocate a
//! size taken from the file (an allocation failure aborts the process, which `catch_unwind`
//! cannot stop) or follow a sector chain that loops forever. Found by fuzzing (decision 0012).
//! This check bounds every length by the file's size and walks every chain calamine will follow,
//! refusing cycles.

use super::{ReadError, ReadErrorCode};

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

/// What calamine's `Sectors::get` does with a sector id.
enum Get {
    Bytes(Vec<u8>),
    /// `SectorBeyondEof`: calamine returns an error.
    CalamineErrs,
    /// A slice whose start lies past its end: calamine panics.
    CalaminePanics,
}

/// Calamine's sector buffer, simulated: the bytes after the header, read in order, and a
/// buffer that calamine grows with zeros past the end of the file.
struct Sectors<'a> {
    body: &'a [u8],
    /// The length of calamine's buffer (`data.len()`), which may pass the end of `body`.
    data_len: usize,
    size: usize,
    maxid: u32,
}

impl Sectors<'_> {
    fn byte(&self, i: usize) -> u8 {
        self.body.get(i).copied().unwrap_or(0)
    }

    fn get(&mut self, id: u32) -> Get {
        if self.maxid < id {
            return Get::CalamineErrs;
        }
        let Some(start) = usize::try_from(id).ok().and_then(|i| i.checked_mul(self.size)) else {
            return Get::CalaminePanics;
        };
        let end = start.saturating_add(self.size);
        if end > self.data_len {
            let len = self.data_len;
            self.data_len = end;
            // calamine reads up to the end of the file; what it read ends at `len_read`.
            let len_read = self.body.len().max(len).min(end);
            if len_read < end {
                if start > len_read {
                    return Get::CalaminePanics;
                }
                return Get::Bytes((start..len_read).map(|i| self.byte(i)).collect());
            }
        }
        Get::Bytes((start..end).map(|i| self.byte(i)).collect())
    }
}

fn damaged(name: &str, what: &str) -> ReadError {
    ReadError::new(
        name,
        ReadErrorCode::Malformed,
        format!("the xls workbook cannot be read: its container is damaged ({what})"),
    )
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([*s.first()?, *s.get(1)?, *s.get(2)?, *s.get(3)?]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32_at(b, at)?) | (u64::from(u32_at(b, at.checked_add(4)?)?) << 32))
}

pub(super) fn check(name: &str, bytes: &[u8]) -> Result<(), ReadError> {
    let len = bytes.len();
    let header = |at| u32_at(bytes, at).ok_or_else(|| damaged(name, "short header"));
    let size: usize = match u16_at(bytes, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err(damaged(name, "sector size")),
    };
    let sectors = len / size + 1;
    let count = |v: u32| usize::try_from(v).unwrap_or(usize::MAX);
    let (dir_len, fat_len, dir_start) = (count(header(40)?), count(header(44)?), header(48)?);
    let (mini_fat_start, mini_fat_len) = (header(60)?, count(header(64)?));
    let (difat_start, difat_len) = (header(68)?, count(header(72)?));
    if [dir_len, fat_len, mini_fat_len, difat_len].iter().any(|&n| n > sectors) {
        return Err(damaged(name, "a header count exceeds the file"));
    }
    // From here on this mirrors calamine's own reading (calamine 0.32, `cfb.rs`) step by step,
    // on a simulated sector buffer, so that the FAT and every chain are exactly the ones
    // calamine will follow; each loop is bounded where calamine's is not.
    let header_len = if size == 4096 { 4096 } else { 512 };
    let body = bytes.get(header_len..).unwrap_or(&[]);
    let mut sim = Sectors { body, data_len: 0, size, maxid: u32::try_from(len / size).unwrap_or(u32::MAX) };
    let to_u32 = |b: &[u8]| -> Vec<u32> { b.chunks_exact(4).filter_map(|c| u32_at(c, 0)).collect() };
    // Calamine stops with an error (not a crash) at its first unreadable sector: so do we,
    // accepting the file, since calamine will refuse it cleanly.
    macro_rules! get_or_done {
        ($id:expr) => {
            match sim.get($id) {
                Get::Bytes(b) => b,
                Get::CalamineErrs => return Ok(()),
                Get::CalaminePanics => return Err(damaged(name, "a sector lies past the end of the file")),
            }
        };
    }
    let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 76 + 4 * i)).collect();
    let mut next = difat_start;
    let mut steps = 0usize;
    while next < RESERVED {
        steps += 1;
        if steps > sectors {
            return Err(damaged(name, "the DIFAT chain loops"));
        }
        let b = get_or_done!(next);
        if b.len() % 4 != 0 {
            // calamine asserts whole u32s here (a panic)
            return Err(damaged(name, "a DIFAT sector is cut short"));
        }
        difat.extend(to_u32(&b));
        next = match difat.pop() {
            Some(n) => n,
            None => return Err(damaged(name, "empty DIFAT")),
        };
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFSECT) {
        let b = get_or_done!(id);
        if b.len() % 4 != 0 {
            return Err(damaged(name, "a FAT sector is cut short"));
        }
        fat.extend(to_u32(&b));
    }
    // A chain as calamine's `get_chain` reads it; `None` when calamine would fail cleanly.
    let chain = |sim: &mut Sectors<'_>, start: u32, table: &[u32]| -> Result<Option<Vec<u8>>, ReadError> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > sectors.saturating_mul(size / 64).saturating_add(1) {
                return Err(damaged(name, "a sector chain loops"));
            }
            match sim.get(id) {
                Get::Bytes(b) => out.extend_from_slice(&b),
                Get::CalamineErrs => return Ok(None),
                Get::CalaminePanics => return Err(damaged(name, "a sector lies past the end of the file")),
            }
            if out.len() > len.saturating_mul(2) {
                return Err(damaged(name, "a sector chain is longer than the file"));
            }
            id = *table.get(count(id)).ok_or_else(|| damaged(name, "a sector chain leaves the FAT"))?;
        }
        Ok(Some(out))
    };
    let Some(mut dirs) = chain(&mut sim, dir_start, &fat)? else { return Ok(()) };
    if dir_len > 0 {
        dirs.truncate(dir_len.saturating_mul(size));
    }
    let max_len = u64::try_from(len).unwrap_or(u64::MAX);
    let mut entries = Vec::new();
    for entry in dirs.chunks(128) {
        if entry.len() < 128 {
            return Err(damaged(name, "a directory entry is cut short"));
        }
        let stream_len = if size == 512 { u32_at(entry, 120).map(u64::from) } else { u64_at(entry, 120) };
        let stream_len = stream_len.unwrap_or(0);
        if stream_len > max_len {
            return Err(damaged(name, "a stream is larger than the file"));
        }
        // The entry's name: UTF-16LE, up to the first NUL (as calamine reads it).
        let units: Vec<u16> = entry.get(..64).unwrap_or(&[]).chunks_exact(2).filter_map(|c| u16_at(c, 0)).collect();
        let name16: String =
            char::decode_utf16(units.into_iter().take_while(|&u| u != 0)).map(|c| c.unwrap_or('\u{FFFD}')).collect();
        entries.push((u32_at(entry, 116).unwrap_or(ENDOFCHAIN), stream_len, name16));
    }
    let Some(&(root_start, _, _)) = entries.first() else { return Ok(()) };
    let mut mini_fat: Vec<u32> = Vec::new();
    let mut mini_stream: Vec<u8> = Vec::new();
    if mini_fat_len > 0 {
        let Some(ms) = chain(&mut sim, root_start, &fat)? else { return Ok(()) };
        let Some(mut mf) = chain(&mut sim, mini_fat_start, &fat)? else { return Ok(()) };
        mf.truncate(mini_fat_len.saturating_mul(size));
        if mf.len() % 4 != 0 {
            return Err(damaged(name, "the mini FAT is cut short"));
        }
        mini_stream = ms;
        mini_fat = to_u32(&mf);
    }
    // Every stream calamine may read: small ones from the mini stream, the others from the file.
    let mut mini = Sectors {
        body: &mini_stream,
        data_len: mini_stream.len(),
        size: 64,
        maxid: u32::try_from((len / size) * 8).unwrap_or(u32::MAX),
    };
    let mut workbook: Option<Vec<u8>> = None;
    let mut book: Option<Vec<u8>> = None;
    for (start, stream_len, entry_name) in entries.into_iter().skip(1) {
        let read = if stream_len < 4096 { chain(&mut mini, start, &mini_fat)? } else { chain(&mut sim, start, &fat)? };
        let Some(mut stream) = read else { continue };
        if stream_len > 0 {
            stream.truncate(usize::try_from(stream_len).unwrap_or(usize::MAX));
        }
        // calamine reads the first entry of each name.
        match entry_name.as_str() {
            "Workbook" if workbook.is_none() => workbook = Some(stream),
            "Book" if book.is_none() => book = Some(stream),
            _ => {}
        }
    }
    match workbook.or(book) {
        Some(stream) => biff_sheets(name, &stream),
        None => Ok(()),
    }
}

/// A BIFF record as calamine's `RecordIter` reads it: type and data; `CONTINUE` records after
/// it are skipped. `None` at the end of the stream or where calamine stops with an error.
fn biff_records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = usize::from(u16_at(rest, 2)?);
        let data = rest.get(4..4 + len)?;
        rest = rest.get(4 + len..)?;
        while rest.len() > 4 && u16_at(rest, 0) == Some(0x003C) {
            let l = usize::from(u16_at(rest, 2)?);
            rest = rest.get(4 + l..)?;
        }
        Some((typ, data))
    })
}

/// The sheets of a BIFF workbook stream, checked where calamine would allocate from them:
/// a sheet's DIMENSIONS record (calamine reserves rows × columns cells) and the span of its
/// cells (calamine allocates the rectangle from the first to the last).
fn biff_sheets(name: &str, stream: &[u8]) -> Result<(), ReadError> {
    let limit = super::sniff::MAX_SPAN_CELLS;
    let mut positions = Vec::new();
    for (typ, data) in biff_records(stream) {
        match typ {
            0x000A => break,
            0x0085 => positions.extend(u32_at(data, 0).and_then(|p| usize::try_from(p).ok())),
            _ => {}
        }
    }
    for pos in positions {
        let sheet = stream.get(pos..).ok_or_else(|| damaged(name, "a sheet starts past the end of the workbook"))?;
        let mut rows: Option<(u32, u32)> = None;
        let mut cols: Option<(u32, u32)> = None;
        let widen = |r: &mut Option<(u32, u32)>, v: u32| {
            *r = Some(match *r {
                None => (v, v),
                Some((lo, hi)) => (lo.min(v), hi.max(v)),
            });
        };
        for (typ, data) in biff_records(sheet) {
            let at = |i: usize| u16_at(data, i).map(u32::from);
            match typ {
                0x000A => break,
                0x0200 => {
                    let (rf, rl, cf, cl) = match data.len() {
                        10 => (at(0), at(2), at(4), at(6)),
                        14 => (u32_at(data, 0), u32_at(data, 4), at(8), at(10)),
                        _ => continue,
                    };
                    let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) else { continue };
                    if 0xFF < cf || cl < cf {
                        cf = 0;
                    }
                    let end = if 1 <= rl && 1 <= cl { (rl - 1, cl - 1) } else { (rf, cf) };
                    if end.0 < rf || end.1 < cf {
                        return Err(damaged(name, "a sheet's dimensions end before they start"));
                    }
                    let cells = u64::from(end.0 - rf + 1).saturating_mul(u64::from(end.1 - cf + 1));
                    if cells > limit {
                        return Err(damaged(name, "a sheet's dimensions are implausibly large"));
                    }
                }
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(r), Some(c)) = (at(0), at(2)) {
                        widen(&mut rows, r);
                        widen(&mut cols, c);
                    }
                }
                0x00BD => {
                    let last = data.len().checked_sub(2).and_then(at);
                    if let (Some(r), Some(first), Some(last)) = (at(0), at(2), last) {
                        if last < first {
                            return Err(damaged(name, "a multiple-cell record ends before it starts"));
                        }
                        widen(&mut rows, r);
                        widen(&mut cols, first);
                        widen(&mut cols, last);
                    }
                }
                _ => {}
            }
        }
        if let (Some((r0, r1)), Some((c0, c1))) = (rows, cols) {
            if u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1)) > limit {
                return Err(damaged(name, "a sheet's cells span an implausibly large area"));
            }
        }
    }
    Ok(())
}
