//! The shared strings table: cells of type `s` hold an index into it. Kept as one text buffer
//! and the end offset of each string, and bounded in count and bytes as it is read.

use super::xml::{Part, TextError};
use crate::limits::megabytes;
use crate::{Limits, OfficeError};
use quick_xml::events::Event;
use std::io::BufRead;

#[derive(Debug, Default)]
pub(super) struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i]);
        Some(&self.text[start..end])
    }

    pub fn read<R: BufRead>(mut part: Part<R>, limits: &Limits) -> Result<Self, OfficeError> {
        let too_large = || OfficeError::SharedStringsTooLarge {
            max_strings: limits.max_shared_strings,
            max_mb: megabytes(limits.max_shared_string_bytes),
        };
        let mut table = SharedStrings::default();
        loop {
            let opened = match part.next()? {
                Event::Start(e) if e.local_name().as_ref() == "si" => true,
                Event::Empty(e) if e.local_name().as_ref() == "si" => false,
                Event::Eof => return Ok(table),
                _ => continue,
            };
            if table.ends.len() >= limits.max_shared_strings {
                return Err(too_large());
            }
            if opened {
                match part.rich_text(&mut table.text, limits.max_shared_string_bytes) {
                    Ok(()) => {}
                    Err(TextError::TooLong) => return Err(too_large()),
                    Err(TextError::Broken(e)) => return Err(e),
                }
            }
            table.ends.push(table.text.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str, limits: &Limits) -> Result<SharedStrings, OfficeError> {
        SharedStrings::read(Part::new(xml.as_bytes(), "sharedStrings.xml"), limits)
    }

    #[test]
    fn strings_are_found_by_index() {
        let table = read(
            "<sst><si><t>编码</t></si><si/><si><r><t>a</t></r><r><t>b</t></r></si></sst>",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(table.get(0), Some("编码"));
        assert_eq!(table.get(1), Some(""));
        assert_eq!(table.get(2), Some("ab"));
        assert_eq!(table.get(3), None);
    }

    #[test]
    fn the_table_is_bounded_in_count_and_bytes() {
        let limits = Limits {
            max_shared_strings: 2,
            max_shared_string_bytes: 10,
            ..Limits::default()
        };
        let too_large = Err(OfficeError::SharedStringsTooLarge {
            max_strings: 2,
            max_mb: 0,
        });
        assert!(read("<sst><si/><si/></sst>", &limits).is_ok());
        assert_eq!(
            read("<sst><si/><si/><si/></sst>", &limits).map(|_| ()),
            too_large
        );
        assert_eq!(
            read("<sst><si><t>0123456789x</t></si></sst>", &limits).map(|_| ()),
            too_large
        );
    }
}
