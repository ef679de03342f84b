//! XLSX read by our own streaming reader on `zip` and `quick-xml`. A general reader such as
//! calamine materialises the sheet as a dense range sized by its extreme cells (a 5 KB file
//! with cells A1 and XFD1048576 asks for 512 GiB) and keeps shared strings unbounded; here
//! every declared size is checked first and rows are read in memory proportional to the
//! table returned. Only what an import needs is read: the first sheet's values as text.

mod archive;
mod parts;
mod shared_strings;
mod sheet;
mod styles;
mod xml;

use crate::{Limits, OfficeError, TableRow};
use archive::Archive;
use shared_strings::SharedStrings;
use sheet::SheetContext;
use styles::Styles;
use xml::Part;

pub(crate) fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<TableRow>, OfficeError> {
    let mut archive = Archive::open(bytes, limits)?;
    if parts::has_macros(&mut archive)? {
        return Err(OfficeError::WorkbookMacroEnabled);
    }
    let book = parts::locate(&mut archive)?;
    let styles = match &book.styles {
        Some(name) => match archive.open_part(name)? {
            Some(stream) => Styles::read(Part::new(stream, name))?,
            None => Styles::default(),
        },
        None => Styles::default(),
    };
    let shared = match &book.shared_strings {
        Some(name) => match archive.open_part(name)? {
            Some(stream) => SharedStrings::read(Part::new(stream, name), limits)?,
            None => SharedStrings::default(),
        },
        None => SharedStrings::default(),
    };
    let stream = archive
        .open_part(&book.sheet)?
        .ok_or_else(|| OfficeError::Unreadable(format!("{} is missing", book.sheet)))?;
    let context = SheetContext {
        shared: &shared,
        styles: &styles,
        date1904: book.date1904,
        limits,
    };
    sheet::read_sheet(Part::new(stream, &book.sheet), &context)
}
