//! Finding the parts of a workbook by following its relationships, as the package format
//! defines, rather than guessing file names: the first sheet, its shared strings and styles.

use super::archive::Archive;
use super::xml::{Part, attribute};
use crate::OfficeError;
use quick_xml::events::Event;

#[derive(Debug, PartialEq, Eq)]
pub(super) struct WorkbookParts {
    pub sheet: String,
    pub shared_strings: Option<String>,
    pub styles: Option<String>,
    /// Dates count from 1904 rather than 1900 (old Mac workbooks).
    pub date1904: bool,
}

const CONTENT_TYPES: &str = "[Content_Types].xml";

/// A workbook with a VBA project, which we refuse rather than store and pass on.
pub(super) fn has_macros(archive: &mut Archive<'_>) -> Result<bool, OfficeError> {
    if archive.names().any(|n| n.ends_with("vbaproject.bin")) {
        return Ok(true);
    }
    let Some(stream) = archive.open_part(CONTENT_TYPES)? else {
        return Ok(false);
    };
    let mut part = Part::new(stream, CONTENT_TYPES);
    loop {
        match part.next()? {
            Event::Start(e) | Event::Empty(e) => {
                let macro_type = attribute(&e, "ContentType")
                    .is_some_and(|t| t.to_ascii_lowercase().contains("macroenabled"));
                if macro_type {
                    return Ok(true);
                }
            }
            Event::Eof => return Ok(false),
            _ => {}
        }
    }
}

pub(super) fn locate(archive: &mut Archive<'_>) -> Result<WorkbookParts, OfficeError> {
    let mut workbook = None;
    relationships(archive, "", "_rels/.rels", |_, kind, path| {
        if kind.ends_with("/officeDocument") && workbook.is_none() {
            workbook = Some(path);
        }
    })?;
    // Another kind of package (a document, a presentation) or another archive is no workbook.
    let workbook = workbook
        .filter(|path| path.to_ascii_lowercase().ends_with(".xml") && archive.contains(path))
        .ok_or(OfficeError::UnsupportedFormat)?;
    let (sheet_id, date1904) = first_sheet(archive, &workbook)?;
    let (dir, file) = workbook.rsplit_once('/').unwrap_or(("", &workbook));
    let rels = match dir {
        "" => format!("_rels/{file}.rels"),
        dir => format!("{dir}/_rels/{file}.rels"),
    };
    let mut parts = WorkbookParts {
        sheet: String::new(),
        shared_strings: None,
        styles: None,
        date1904,
    };
    relationships(archive, dir, &rels, |id, kind, path| {
        if id == sheet_id && parts.sheet.is_empty() {
            parts.sheet = path;
        } else if kind.ends_with("/sharedStrings") && parts.shared_strings.is_none() {
            parts.shared_strings = Some(path);
        } else if kind.ends_with("/styles") && parts.styles.is_none() {
            parts.styles = Some(path);
        }
    })?;
    if parts.sheet.is_empty() {
        return Err(OfficeError::Unreadable("the workbook has no sheet".into()));
    }
    Ok(parts)
}

/// The relationship id of the workbook's first sheet, and its date system.
fn first_sheet(archive: &mut Archive<'_>, workbook: &str) -> Result<(String, bool), OfficeError> {
    let Some(stream) = archive.open_part(workbook)? else {
        return Err(OfficeError::UnsupportedFormat);
    };
    let mut part = Part::new(stream, workbook);
    let mut date1904 = false;
    let mut root_seen = false;
    loop {
        match part.next()? {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                if !root_seen {
                    if name.as_ref() != "workbook" {
                        return Err(OfficeError::UnsupportedFormat);
                    }
                    root_seen = true;
                }
                match name.as_ref() {
                    "workbookPr" => {
                        date1904 = attribute(&e, "date1904")
                            .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
                    }
                    "sheet" => {
                        let id = attribute(&e, "id");
                        return id
                            .map(|id| (id, date1904))
                            .ok_or_else(|| part.broken("a sheet without id"));
                    }
                    _ => {}
                }
            }
            Event::Eof => return Err(OfficeError::Unreadable("the workbook has no sheet".into())),
            _ => {}
        }
    }
}

/// Calls `visit(id, type, part name)` for each internal relationship in `rels`, keeping none.
fn relationships(
    archive: &mut Archive<'_>,
    dir: &str,
    rels: &str,
    mut visit: impl FnMut(&str, &str, String),
) -> Result<(), OfficeError> {
    let Some(stream) = archive.open_part(rels)? else {
        return Ok(());
    };
    let mut part = Part::new(stream, rels);
    loop {
        match part.next()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let external = attribute(&e, "TargetMode").is_some_and(|m| m == "External");
                let fields = (
                    attribute(&e, "Id"),
                    attribute(&e, "Type"),
                    attribute(&e, "Target"),
                );
                if let (false, (Some(id), Some(kind), Some(target))) = (external, fields) {
                    visit(&id, &kind, resolve(dir, &target));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// A relationship target as a part name: absolute (`/xl/…`) or relative to the source's folder.
fn resolve(dir: &str, target: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None if dir.is_empty() => target.to_string(),
        None => format!("{dir}/{target}"),
    };
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(
            resolve("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl", "/xl/sharedStrings.xml"),
            "xl/sharedStrings.xml"
        );
        assert_eq!(resolve("xl/sub", "../styles.xml"), "xl/styles.xml");
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(resolve("xl", "../../../x.xml"), "x.xml");
    }
}
