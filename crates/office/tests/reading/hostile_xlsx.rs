//! Workbooks built to exhaust a reader: each is refused with its own code, quickly.

use crate::support::*;
use ingot_office::{Limits, OfficeError, SheetFormat, read_table, read_table_with};
use rust_xlsxwriter::Workbook;
use std::io::{Cursor, Write};

fn too_large(cell: &str, max_rows: usize) -> OfficeError {
    OfficeError::SheetTooLarge {
        cell: cell.into(),
        max_rows,
        max_columns: 256,
    }
}

fn sheet_part(bytes: &[u8]) -> String {
    let (_, sheet) = entries(bytes)
        .into_iter()
        .find(|(n, _)| n == SHEET)
        .unwrap();
    String::from_utf8(sheet).unwrap()
}

#[test]
fn the_last_cell_of_the_largest_sheet_is_refused_by_its_reference() {
    // A1 and XFD1048576, as Excel's writer saves them: 5 KB that a dense reader turns into a
    // request for 512 GiB, aborting the process.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "code").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() < 8_000, "{} bytes", bytes.len());
    assert!(sheet_part(&bytes).contains(r#"<dimension ref="A1:XFD1048576"/>"#));
    let refused = assert_refused(&bytes, 20_000, "sheet_too_large");
    assert_eq!(refused, too_large("XFD1048576", 20_001));
    assert_eq!(refused.params()[0], ("cell", "XFD1048576".to_string()));

    // Without the dimension that announces it, the cell itself is refused where it is met.
    let undeclared = repack(&bytes, |parts| {
        let sheet = &mut parts.iter_mut().find(|(n, _)| n == SHEET).unwrap().1;
        let text = String::from_utf8(sheet.clone()).unwrap();
        let start = text.find("<dimension").unwrap();
        let end = start + text[start..].find("/>").unwrap() + 2;
        *sheet = format!("{}{}", &text[..start], &text[end..]).into_bytes();
    });
    assert!(!sheet_part(&undeclared).contains("<dimension"));
    assert_eq!(
        assert_refused(&undeclared, 20_000, "sheet_too_large"),
        too_large("XFD1048576", 20_001)
    );
}

#[test]
fn every_cell_reference_is_held_to_the_row_and_column_budget() {
    // The far corner of the budget is accepted...
    let table = read_table(&inline_workbook(&[("A1", "code"), ("IV101", "far")]), 100).unwrap();
    assert_eq!(table.rows[0].number, 101);
    assert_eq!(table.rows[0].get(255), "far");
    // ...one column or one row further is not.
    let wide = inline_workbook(&[("A1", "code"), ("IW1", "x")]);
    assert_eq!(
        assert_refused(&wide, 100, "sheet_too_large"),
        too_large("IW1", 101)
    );
    let long = inline_workbook(&[("A1", "code"), ("A102", "x")]);
    assert_eq!(
        assert_refused(&long, 100, "sheet_too_large"),
        too_large("A102", 101)
    );
    // A cell without reference takes its row's: that row is checked too.
    let unreferenced = workbook(
        &sheet_xml(
            r#"<row r="1"><c t="inlineStr"><is><t>code</t></is></c></row><row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>"#,
        ),
        "<sst/>",
    );
    assert_eq!(
        assert_refused(&unreferenced, 100, "sheet_too_large"),
        too_large("A1048576", 101)
    );
    // Even a styled cell without a value: nothing in the sheet lies outside the budget.
    let styled = workbook(
        &sheet_xml(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c><c r="XFD1" s="0"/></row>"#,
        ),
        "<sst/>",
    );
    assert_eq!(
        assert_refused(&styled, 100, "sheet_too_large"),
        too_large("XFD1", 101)
    );
    // A reference of a thousand letters saturates rather than overflowing.
    let absurd = format!("{}1", "Z".repeat(1000));
    let bytes = inline_workbook(&[("A1", "code"), (&absurd, "x")]);
    let refused = assert_refused(&bytes, 100, "sheet_too_large");
    assert!(matches!(refused, OfficeError::SheetTooLarge { cell, .. } if cell.len() < 20));
}

#[test]
fn a_deflate_bomb_is_refused_from_the_central_directory() {
    // 256 MiB of spaces deflate to about 260 KB.
    let bomb = padded_workbook(256 << 20);
    assert!(bomb.len() < 400_000, "{} bytes", bomb.len());
    let bombed = OfficeError::ArchiveBomb {
        entry: SHEET.into(),
    };
    assert_eq!(assert_refused(&bomb, 20_000, "archive_bomb"), bombed);
    // Within the size budget, the ratio gives it away.
    let squeezed = padded_workbook(20 << 20);
    assert_eq!(assert_refused(&squeezed, 20_000, "archive_bomb"), bombed);
    // A small part may compress as well as it likes.
    let small = padded_workbook(512 << 10);
    assert_eq!(read_table(&small, 10).unwrap().headers, vec!["code"]);
}

#[test]
fn an_entry_inflating_beyond_its_declared_size_is_stopped_there() {
    let mut liar = padded_workbook(64 << 20);
    declare_size(&mut liar, SHEET, 4096);
    assert_eq!(
        assert_refused(&liar, 20_000, "archive_bomb"),
        OfficeError::ArchiveBomb {
            entry: SHEET.into()
        }
    );
    // A small lie is caught too (once reading reaches it); the truth reads.
    let honest = inline_workbook(&[("A1", "code")]);
    let size = sheet_part(&honest).len() as u32;
    let mut short = honest.clone();
    declare_size(&mut short, SHEET, size / 2);
    assert_eq!(read_table(&short, 10).unwrap_err().code(), "archive_bomb");
    let mut exact = honest.clone();
    declare_size(&mut exact, SHEET, size);
    assert_eq!(read_table(&exact, 10).unwrap().headers, vec!["code"]);
}

#[test]
fn the_archive_as_a_whole_is_bounded() {
    let limits = Limits {
        max_archive_bytes: 1 << 20,
        ..Limits::default()
    };
    let sheet = sheet_xml(r#"<row><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>"#);
    let media = incompressible_text(600_000, 7);
    let mut parts = workbook_parts(sheet.as_bytes(), b"<sst/>");
    parts.push(("xl/media/image1.png", media.as_bytes()));
    assert!(read_table_with(&zip_of(&parts), &limits).is_ok());
    parts.push(("xl/media/image2.png", media.as_bytes()));
    assert_eq!(
        read_table_with(&zip_of(&parts), &limits),
        Err(OfficeError::ArchiveBomb {
            entry: "xl/media/image2.png".into()
        })
    );
}

fn shared_cells(rows: usize, columns: usize) -> String {
    let row: String = (0..columns).map(|_| r#"<c t="s"><v>0</v></c>"#).collect();
    sheet_xml(&format!("<row>{row}</row>").repeat(rows))
}

#[test]
fn the_shared_strings_table_is_bounded_in_count_and_bytes() {
    let limits = Limits {
        max_shared_strings: 1000,
        max_shared_string_bytes: 100_000,
        ..Limits::default()
    };
    let refused = Err(OfficeError::SharedStringsTooLarge {
        max_strings: 1000,
        max_mb: 0,
    });
    let sheet = shared_cells(1, 1);
    let many = |n: usize| {
        (0..n)
            .map(|i| format!("<si><t>{i}</t></si>"))
            .collect::<String>()
    };
    let fits = workbook(&sheet, &format!("<sst>{}</sst>", many(1000)));
    assert!(read_table_with(&fits, &limits).is_ok());
    let counted = workbook(&sheet, &format!("<sst>{}</sst>", many(1001)));
    assert_eq!(read_table_with(&counted, &limits), refused);
    let long = incompressible_text(100_001, 3);
    let weighed = workbook(&sheet, &format!("<sst><si><t>{long}</t></si></sst>"));
    assert_eq!(read_table_with(&weighed, &limits), refused);
    // Ten million empty strings (50 MB of XML, 100 KB zipped) never reach the table.
    let empties = workbook(
        &sheet,
        &format!("<sst>{}</sst>", "<si/>".repeat(10_000_000)),
    );
    assert_eq!(
        assert_refused(&empties, 100, "archive_bomb"),
        OfficeError::ArchiveBomb {
            entry: SHARED_STRINGS.into()
        }
    );
}

#[test]
fn a_long_shared_string_repeated_in_every_cell_exhausts_the_table_budget() {
    // 30,000 cells naming one 30,000-character string: 900 MB once copied into the table.
    let long = incompressible_text(30_000, 5);
    let bytes = workbook(
        &shared_cells(3000, 10),
        &format!("<sst><si><t>{long}</t></si></sst>"),
    );
    assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
    assert_eq!(
        assert_refused(&bytes, 20_000, "table_too_large"),
        OfficeError::TableTooLarge { max_mb: 64 }
    );
    // A few of them are fine.
    let few = workbook(
        &shared_cells(3, 10),
        &format!("<sst><si><t>{long}</t></si></sst>"),
    );
    assert_eq!(read_table(&few, 10).unwrap().rows.len(), 2);
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused() {
    let long = "长".repeat(32_768);
    let inline = inline_workbook(&[("A1", "code"), ("B1", &long)]);
    let refused = OfficeError::CellTooLong {
        cell: "B1".into(),
        max_chars: 32_767,
    };
    assert_eq!(assert_refused(&inline, 10, "cell_too_long"), refused);
    let shared = workbook(
        &sheet_xml(r#"<row><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#),
        &format!("<sst><si><t>code</t></si><si><t>{long}</t></si></sst>"),
    );
    assert_eq!(assert_refused(&shared, 10, "cell_too_long"), refused);
    let fits = inline_workbook(&[("A1", "code"), ("B1", &long[3..])]);
    assert_eq!(
        read_table(&fits, 10).unwrap().headers[1].chars().count(),
        32_767
    );
}

fn compound_file(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (name, content) in streams {
        if let Some((storage, _)) = name.rsplit_once('/').filter(|(s, _)| !s.is_empty()) {
            file.create_storage_all(storage).unwrap();
        }
        file.create_stream(name)
            .unwrap()
            .write_all(content)
            .unwrap();
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

#[test]
fn a_password_protected_workbook_is_named_as_such() {
    // Excel wraps an encrypted workbook in an OLE container with these two streams.
    let encrypted = compound_file(&[
        ("/EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0]),
        (
            "/EncryptedPackage",
            &incompressible_text(4096, 9).into_bytes(),
        ),
    ]);
    assert_eq!(
        assert_refused(&encrypted, 10, "workbook_encrypted"),
        OfficeError::WorkbookEncrypted
    );
    // The upload check, which only detects the format, says the same.
    assert_eq!(
        SheetFormat::detect(&encrypted),
        Err(OfficeError::WorkbookEncrypted)
    );
    // An old binary workbook is an OLE container too, but merely unsupported.
    let xls = compound_file(&[("/Workbook", b"BIFF8 records")]);
    assert_eq!(
        assert_refused(&xls, 10, "file_type_unsupported"),
        OfficeError::UnsupportedFormat
    );
}

#[test]
fn a_workbook_with_macros_is_refused() {
    let project = std::env::temp_dir().join(format!("ingot-vba-{}.bin", std::process::id()));
    std::fs::write(&project, compound_file(&[("/VBA/dir", b"attribute")])).unwrap();
    let mut book = Workbook::new();
    book.add_worksheet().write_string(0, 0, "code").unwrap();
    book.add_vba_project(&project).unwrap();
    let xlsm = book.save_to_buffer().unwrap();
    std::fs::remove_file(&project).unwrap();
    assert!(entries(&xlsm).iter().any(|(n, _)| n == "xl/vbaProject.bin"));
    assert_eq!(
        assert_refused(&xlsm, 10, "workbook_macro_enabled"),
        OfficeError::WorkbookMacroEnabled
    );
    // Its content type alone gives it away, and so does the project alone.
    let typed_only = repack(&xlsm, |parts| {
        parts.retain(|(n, _)| n != "xl/vbaProject.bin")
    });
    assert_refused(&typed_only, 10, "workbook_macro_enabled");
    let mut plain = Workbook::new();
    plain.add_worksheet().write_string(0, 0, "code").unwrap();
    let plain = plain.save_to_buffer().unwrap();
    assert_eq!(read_table(&plain, 10).unwrap().headers, vec!["code"]);
    let project_only = repack(&plain, |parts| {
        parts.push(("xl/vbaProject.bin".into(), b"\xD0\xCF\x11\xE0".to_vec()))
    });
    assert_refused(&project_only, 10, "workbook_macro_enabled");
}

#[test]
fn other_files_renamed_xlsx_are_unsupported_or_unreadable() {
    let rels = |target: &str| {
        format!(
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/></Relationships>"#
        )
    };
    let docx_rels = rels("word/document.xml");
    let docx = zip_of(&[
        ("_rels/.rels", docx_rels.as_bytes()),
        (
            "word/document.xml",
            br#"<w:document xmlns:w="urn:w"><w:body/></w:document>"#,
        ),
    ]);
    let xlsb_rels = rels("xl/workbook.bin");
    let xlsb = zip_of(&[
        ("_rels/.rels", xlsb_rels.as_bytes()),
        ("xl/workbook.bin", b"\x83\x01\x00"),
    ]);
    let ods = zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", b"<office:document-content/>"),
    ]);
    // A document whose relationship names a workbook part that is not one.
    let disguised = zip_of(&[
        ("_rels/.rels", rels("xl/workbook.xml").as_bytes()),
        ("xl/workbook.xml", br#"<w:document xmlns:w="urn:w"/>"#),
    ]);
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n";
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    for (name, bytes) in [
        ("docx", &docx[..]),
        ("xlsb", &xlsb),
        ("ods", &ods),
        ("disguised", &disguised),
        ("pdf", pdf),
        ("png", png),
    ] {
        assert_eq!(
            read_table(bytes, 10),
            Err(OfficeError::UnsupportedFormat),
            "{name}"
        );
    }
    // A damaged archive and a workbook without sheets cannot be read.
    assert_refused(
        b"PK\x03\x04 and then nothing of a zip",
        10,
        "file_unreadable",
    );
    let sheetless = repack(&inline_workbook(&[("A1", "code")]), |parts| {
        for (name, content) in parts.iter_mut() {
            if name == "xl/workbook.xml" {
                *content = br#"<workbook xmlns="urn:x"><sheets/></workbook>"#.to_vec();
            }
        }
    });
    assert_refused(&sheetless, 10, "file_unreadable");
}

#[test]
fn an_empty_file_is_named_empty() {
    assert_eq!(read_table(b"", 10), Err(OfficeError::Empty));
    assert_eq!(SheetFormat::detect(b""), Err(OfficeError::Empty));
    let blank_sheet = workbook(&sheet_xml(""), "<sst/>");
    assert_eq!(read_table(&blank_sheet, 10), Err(OfficeError::NoHeader));
}
