//! A deterministic `.tar.gz`: names sorted, fixed modes, times and owners, gzip without a
//! timestamp, and deflate "stored" blocks (no compression, so no compressor version can change
//! a byte). Any tar reads it; the samples' inspections unpack it with `tar xzf`.

/// One entry: a folder (`contents` None, name ending in `/`) or a file.
pub struct Entry<'a> {
    pub name: &'a str,
    pub contents: Option<&'a [u8]>,
}

/// Every sample's files carry this modification time (2026-01-01T00:00:00Z).
pub const MTIME: u64 = 1_767_225_600;

fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(text.as_bytes());
    field[digits] = 0;
}

fn header(name: &str, size: u64, folder: bool) -> [u8; 512] {
    let mut block = [0u8; 512];
    assert!(name.len() <= 100, "sample names are short");
    block[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut block[100..108], if folder { 0o755 } else { 0o644 });
    octal(&mut block[108..116], 0);
    octal(&mut block[116..124], 0);
    octal(&mut block[124..136], size);
    octal(&mut block[136..148], MTIME);
    block[156] = if folder { b'5' } else { b'0' };
    block[257..263].copy_from_slice(b"ustar\0");
    block[263..265].copy_from_slice(b"00");
    block[265..269].copy_from_slice(b"root");
    block[297..301].copy_from_slice(b"root");
    // The checksum is summed with its own field read as spaces.
    block[148..156].copy_from_slice(b"        ");
    let sum: u32 = block.iter().map(|&b| u32::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    block[148..156].copy_from_slice(text.as_bytes());
    block
}

/// A POSIX ustar archive of `entries`, sorted by name, padded to tar's 10 KiB records.
pub fn tar(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut sorted: Vec<&Entry<'_>> = entries.iter().collect();
    sorted.sort_by_key(|e| e.name);
    let mut out = Vec::new();
    for entry in sorted {
        let contents = entry.contents.unwrap_or_default();
        out.extend_from_slice(&header(
            entry.name,
            contents.len() as u64,
            entry.contents.is_none(),
        ));
        out.extend_from_slice(contents);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out.resize(out.len().div_ceil(10_240) * 10_240, 0);
    out
}

/// CRC-32 (IEEE), as gzip's trailer has it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

/// gzip of `data` with stored deflate blocks, no name and no time in the header.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(65_535).collect()
    };
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_the_ieee_one() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn the_archive_is_well_formed_ustar() {
        let archive = tar(&[
            Entry {
                name: "p/b.txt",
                contents: Some(b"bee\n"),
            },
            Entry {
                name: "p/",
                contents: None,
            },
        ]);
        assert_eq!(archive.len(), 10_240);
        assert_eq!(&archive[..2], b"p/", "sorted: the folder comes first");
        assert_eq!(&archive[512..519], b"p/b.txt");
        assert_eq!(&archive[1024..1028], b"bee\n");
        // Each header's checksum matches its bytes.
        for start in [0, 512] {
            let block = &archive[start..start + 512];
            let stored =
                u32::from_str_radix(std::str::from_utf8(&block[148..154]).unwrap(), 8).unwrap();
            let sum: u32 = block
                .iter()
                .enumerate()
                .map(|(i, &b)| {
                    if (148..156).contains(&i) {
                        32
                    } else {
                        u32::from(b)
                    }
                })
                .sum();
            assert_eq!(stored, sum);
        }
    }

    #[test]
    fn gzip_wraps_the_data_unchanged_in_stored_blocks() {
        let data: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
        let packed = gzip(&data);
        assert_eq!(&packed[..4], &[0x1f, 0x8b, 8, 0]);
        assert_eq!(packed[10], 0, "the first block is not the last");
        assert_eq!(&packed[11..13], &65_535u16.to_le_bytes());
        assert_eq!(&packed[15..15 + 65_535], &data[..65_535]);
        let tail = &packed[packed.len() - 8..];
        assert_eq!(&tail[..4], &crc32(&data).to_le_bytes());
        assert_eq!(&tail[4..], &70_000u32.to_le_bytes());
        assert_eq!(packed.len(), 10 + 2 * 5 + data.len() + 8);
    }
}
