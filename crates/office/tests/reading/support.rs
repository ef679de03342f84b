//! Real files assembled byte by byte: a minimal workbook, re-packed archives, patched headers.

use ingot_office::{OfficeError, Table};
use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub const SHEET: &str = "xl/worksheets/sheet1.xml";
pub const SHARED_STRINGS: &str = "xl/sharedStrings.xml";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A worksheet part around the given `<row>` elements.
pub fn sheet_xml(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// The parts of the smallest workbook Excel opens: one sheet, its shared strings, no styles.
pub fn workbook_parts<'a>(sheet: &'a [u8], shared_strings: &'a [u8]) -> Vec<(&'a str, &'a [u8])> {
    vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        (SHEET, sheet),
        (SHARED_STRINGS, shared_strings),
    ]
}

pub fn workbook(sheet: &str, shared_strings: &str) -> Vec<u8> {
    zip_of(&workbook_parts(sheet.as_bytes(), shared_strings.as_bytes()))
}

/// A workbook whose sheet holds one cell (A1 = "code") and then `padding` spaces, which XML
/// ignores and deflate squeezes about a thousand to one. Written in chunks: a bomb of
/// hundreds of megabytes never sits in memory whole.
pub fn padded_workbook(padding: usize) -> Vec<u8> {
    let head = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>"#;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in workbook_parts(b"", b"<sst/>") {
        zip.start_file(name, options).unwrap();
        if name != SHEET {
            zip.write_all(bytes).unwrap();
            continue;
        }
        zip.write_all(head.as_bytes()).unwrap();
        let chunk = vec![b' '; 1 << 20];
        let mut left = padding;
        while left > 0 {
            let n = left.min(chunk.len());
            zip.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        zip.write_all(b"</sheetData></worksheet>").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Text that deflate cannot squeeze much (a xorshift generator over letters).
pub fn incompressible_text(len: usize, seed: u64) -> String {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'a' + (state % 26) as u8)
        })
        .collect()
}

/// A workbook whose cells are inline strings, given as (reference, text).
pub fn inline_workbook(cells: &[(&str, &str)]) -> Vec<u8> {
    let cells: String = cells
        .iter()
        .map(|(r, text)| format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#))
        .collect();
    workbook(&sheet_xml(&format!("<row>{cells}</row>")), "<sst/>")
}

pub fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(false);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The entries of an archive, in order.
pub fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().unwrap().to_string(), content)
        })
        .collect()
}

/// The archive again, with `change` applied to the list of its entries.
pub fn repack(bytes: &[u8], change: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut parts = entries(bytes);
    change(&mut parts);
    let parts: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&parts)
}

/// Makes the archive declare `size` as the entry's uncompressed size, in its local header
/// and in the central directory, as a forged file would.
pub fn declare_size(bytes: &mut [u8], entry: &str, size: u32) {
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let (size_at, name_len_at, name_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" => (at + 22, at + 26, at + 30),
            b"PK\x01\x02" => (at + 24, at + 28, at + 46),
            _ => continue,
        };
        let name_len = u16::from_le_bytes([bytes[name_len_at], bytes[name_len_at + 1]]) as usize;
        if bytes.get(name_at..name_at + name_len) == Some(entry.as_bytes()) {
            bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local header and central directory of {entry}");
}

/// The result's code and how long the read took.
pub fn timed_read(bytes: &[u8], max_rows: usize) -> (Result<Table, OfficeError>, Duration) {
    let started = Instant::now();
    let result = ingot_office::read_table(bytes, max_rows);
    (result, started.elapsed())
}

/// Refused promptly with this code: without the bounds, these files take seconds, gigabytes
/// or abort the process.
pub fn assert_refused(bytes: &[u8], max_rows: usize, code: &str) -> OfficeError {
    let (result, took) = timed_read(bytes, max_rows);
    let error = result.expect_err("the file must be refused");
    assert_eq!(error.code(), code, "{error}");
    assert!(took < Duration::from_millis(500), "took {took:?}: {error}");
    error
}
