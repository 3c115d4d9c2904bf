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
    // Sector `id` starts after the header, which takes one sector (512 bytes in version 3).
    let sector = |id: u32| -> Option<&[u8]> {
        let start = count(id).checked_add(1)?.checked_mul(size)?;
        bytes.get(start..start.checked_add(size)?)
    };

    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
    let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 76 + 4 * i)).collect();
    let mut next = difat_start;
    let mut steps = 0usize;
    while next < RESERVED {
        steps += 1;
        if steps > sectors {
            return Err(damaged(name, "the DIFAT chain loops"));
        }
        let s = sector(next).ok_or_else(|| damaged(name, "a DIFAT sector is beyond the end"))?;
        let ids: Vec<u32> = (0..size / 4).filter_map(|i| u32_at(s, 4 * i)).collect();
        let (last, rest) = ids.split_last().ok_or_else(|| damaged(name, "empty DIFAT sector"))?;
        difat.extend_from_slice(rest);
        next = *last;
    }
    // FAT.
    let mut fat: Vec<u32> = Vec::new();
    for id in difat.into_iter().filter(|&id| id < RESERVED) {
        if let Some(s) = sector(id) {
            fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
        }
    }
    let walk = |start: u32, table: &[u32], limit: usize| -> Result<Vec<u32>, ReadError> {
        let mut ids = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && id < RESERVED {
            if ids.len() > limit {
                return Err(damaged(name, "a sector chain loops"));
            }
            ids.push(id);
            id = table.get(count(id)).copied().unwrap_or(ENDOFCHAIN);
        }
        Ok(ids)
    };
    let dir_sectors = walk(dir_start, &fat, sectors)?;
    walk(mini_fat_start, &fat, sectors)?;
    let mut mini_fat: Vec<u32> = Vec::new();
    for id in walk(mini_fat_start, &fat, sectors)? {
        if let Some(s) = sector(id) {
            mini_fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
        }
    }
    let max_len = u64::try_from(len).unwrap_or(u64::MAX);
    for id in dir_sectors {
        let Some(s) = sector(id) else { continue };
        for entry in s.chunks(128) {
            let stream_len = if size == 512 { u32_at(entry, 120).map(u64::from) } else { u64_at(entry, 120) };
            let stream_len = stream_len.unwrap_or(0);
            if stream_len > max_len {
                return Err(damaged(name, "a stream is larger than the file"));
            }
            let start = u32_at(entry, 116).unwrap_or(ENDOFCHAIN);
            // Small streams live in the mini stream and follow the mini FAT.
            if stream_len < 4096 {
                walk(start, &mini_fat, sectors.saturating_mul(size / 64))?;
            }
            walk(start, &fat, sectors)?;
        }
    }
    Ok(())
}
