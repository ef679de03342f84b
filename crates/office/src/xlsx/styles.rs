//! Which cell styles show numbers as dates: Excel stores a date as a number of days and
//! only the style's number format says it is one.

use super::xml::{Part, attribute};
use crate::OfficeError;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::BufRead;

/// Excel allows 64,000 cell styles; more are not remembered (their cells read as numbers),
/// which bounds what a hostile styles part can make the reader keep.
const MAX_STYLES: usize = 65_536;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberKind {
    Plain,
    Date,
    /// Elapsed time (`[h]:mm`): a number of days that is no date.
    Duration,
}

/// The kind of each cell style (`<c s="…">` indexes `cellXfs`).
#[derive(Debug, Default)]
pub(super) struct Styles {
    kinds: Vec<NumberKind>,
}

impl Styles {
    pub fn kind(&self, style: usize) -> NumberKind {
        self.kinds.get(style).copied().unwrap_or(NumberKind::Plain)
    }

    pub fn read<R: BufRead>(mut part: Part<R>) -> Result<Styles, OfficeError> {
        let mut custom = HashMap::new();
        let mut kinds = Vec::new();
        let mut in_cell_xfs = false;
        loop {
            match part.next()? {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "numFmt" => {
                        let id = attribute(&e, "numFmtId").and_then(|id| id.parse::<u32>().ok());
                        if let (Some(id), Some(code)) = (id, attribute(&e, "formatCode"))
                            && custom.len() < MAX_STYLES
                        {
                            custom.insert(id, custom_format_kind(&code));
                        }
                    }
                    "cellXfs" => in_cell_xfs = true,
                    "xf" if in_cell_xfs && kinds.len() < MAX_STYLES => {
                        let id = attribute(&e, "numFmtId").and_then(|id| id.parse::<u32>().ok());
                        let kind = id.map_or(NumberKind::Plain, |id| {
                            custom
                                .get(&id)
                                .copied()
                                .unwrap_or_else(|| builtin_format_kind(id))
                        });
                        kinds.push(kind);
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
                Event::Eof => return Ok(Styles { kinds }),
                _ => {}
            }
        }
    }
}

/// The built-in formats of ECMA-376 18.8.30 that show dates or times, including the East
/// Asian ones (27-36, 50-58) that Chinese Excel uses for 年月日.
fn builtin_format_kind(id: u32) -> NumberKind {
    match id {
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumberKind::Date,
        46 => NumberKind::Duration,
        _ => NumberKind::Plain,
    }
}

/// A custom format shows a date if its first section uses a date or time letter outside
/// quoted text, escapes and `[…]` tags; `[h]`, `[m]` or `[s]` make it elapsed time.
fn custom_format_kind(code: &str) -> NumberKind {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            ';' => break,
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            // The next character is shown as is (`\`), or sets a width (`_`) or a fill (`*`).
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                let tag: String = chars.by_ref().take_while(|&t| t != ']').collect();
                let lower = tag.to_ascii_lowercase();
                if !lower.is_empty() && lower.chars().all(|t| matches!(t, 'h' | 'm' | 's')) {
                    return NumberKind::Duration;
                }
            }
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return NumberKind::Date,
            _ => {}
        }
    }
    NumberKind::Plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_that_show_dates_are_recognised() {
        for date in [
            "yyyy-mm-dd",
            "yyyy\"年\"m\"月\"d\"日\"",
            "[$-F800]dddd, mmmm dd, yyyy",
            "DD/MM/YY",
            "h:mm AM/PM",
            "[Red]yyyy/m/d",
        ] {
            assert_eq!(custom_format_kind(date), NumberKind::Date, "{date}");
        }
        for plain in [
            "General",
            "0.00",
            "#,##0 \"pcs\"",
            "0.00E+00",
            "@",
            "0_);[Red](0)",
            "\\d0",
            "0;yyyy",
        ] {
            assert_eq!(custom_format_kind(plain), NumberKind::Plain, "{plain}");
        }
        assert_eq!(custom_format_kind("[h]:mm:ss"), NumberKind::Duration);
        assert_eq!(builtin_format_kind(14), NumberKind::Date);
        assert_eq!(builtin_format_kind(49), NumberKind::Plain);
    }

    #[test]
    fn cell_styles_take_their_kind_from_built_in_or_custom_formats() {
        let xml = r#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts>
            <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
            <cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="46"/></cellXfs></styleSheet>"#;
        let styles = Styles::read(Part::new(xml.as_bytes(), "styles.xml")).unwrap();
        let kinds: Vec<_> = (0..5).map(|i| styles.kind(i)).collect();
        use NumberKind::*;
        assert_eq!(kinds, vec![Plain, Date, Date, Duration, Plain]);
    }
}
