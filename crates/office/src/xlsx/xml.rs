//! One XML part read as a stream of events, and the text inside elements, bounded as it grows.

use super::archive::io_error;
use crate::OfficeError;
use crate::error::shown;
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use std::borrow::Cow;
use std::io::BufRead;

pub(super) struct Part<R> {
    xml: Reader<R>,
    buf: Vec<u8>,
    pub name: String,
}

/// Why text could not be collected: too long for its budget, or a broken part.
pub(super) enum TextError {
    TooLong,
    Broken(OfficeError),
}

impl From<OfficeError> for TextError {
    fn from(e: OfficeError) -> TextError {
        TextError::Broken(e)
    }
}

impl<R: BufRead> Part<R> {
    pub fn new(stream: R, name: &str) -> Part<R> {
        Part {
            xml: Reader::from_reader(stream),
            buf: Vec::new(),
            name: name.to_string(),
        }
    }

    /// The next event. An event is at most as large as the part, which the archive bounds.
    pub fn next(&mut self) -> Result<Event<'_>, OfficeError> {
        self.buf.clear();
        let Part { xml, buf, name } = self;
        xml.read_event_into(buf).map_err(|e| match e {
            quick_xml::Error::Io(io) => io_error(name, &io),
            e => OfficeError::Unreadable(format!("{}: {e}", shown(name))),
        })
    }

    pub fn broken(&self, problem: &str) -> OfficeError {
        OfficeError::Unreadable(format!("{}: {problem}", shown(&self.name)))
    }

    /// Skips the rest of the element just opened.
    pub fn skip(&mut self) -> Result<(), OfficeError> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()? {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(self.broken("unexpected end")),
                _ => {}
            }
        }
        Ok(())
    }

    /// Appends all text of the element just opened (such as `<v>`) to `out`.
    pub fn plain_text(&mut self, out: &mut String, max_bytes: usize) -> Result<(), TextError> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()? {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(t) => out.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => push_reference(&r, out)
                    .map_err(|problem| TextError::Broken(self.broken(&problem)))?,
                Event::Eof => return Err(self.broken("unexpected end").into()),
                _ => {}
            }
            if out.len() > max_bytes {
                return Err(TextError::TooLong);
            }
        }
        Ok(())
    }

    /// Appends the text of a rich string just opened (`<si>`, `<is>`): its `<t>` elements,
    /// direct or in runs, but not the phonetic guides (`<rPh>`) that only show pronunciation.
    pub fn rich_text(&mut self, out: &mut String, max_bytes: usize) -> Result<(), TextError> {
        let mut depth = 1usize;
        let mut phonetic_at = None;
        // The open `<t>`: where its text starts in `out`, and whether its spaces count.
        let mut text_at: Option<(usize, bool)> = None;
        while depth > 0 {
            match self.next()? {
                Event::Start(e) => {
                    depth += 1;
                    match e.local_name().as_ref() {
                        "rPh" if phonetic_at.is_none() => phonetic_at = Some(depth),
                        "t" if phonetic_at.is_none() => {
                            text_at = Some((out.len(), preserves_space(&e)));
                        }
                        _ => {}
                    }
                }
                Event::End(e) => {
                    if phonetic_at == Some(depth) {
                        phonetic_at = None;
                    } else if e.local_name().as_ref() == "t"
                        && let Some((start, preserve)) = text_at.take()
                    {
                        finish_text(out, start, preserve);
                    }
                    depth -= 1;
                }
                Event::Text(t) if text_at.is_some() => out.push_str(&t.xml10_content()),
                Event::CData(t) if text_at.is_some() => out.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if text_at.is_some() => push_reference(&r, out)
                    .map_err(|problem| TextError::Broken(self.broken(&problem)))?,
                Event::Eof => return Err(self.broken("unexpected end").into()),
                _ => {}
            }
            if out.len() > max_bytes {
                return Err(TextError::TooLong);
            }
        }
        Ok(())
    }
}

/// An attribute's value with entities resolved; `None` when absent.
pub(super) fn attribute(e: &BytesStart<'_>, local_name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local_name)
        .map(
            |a| match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(_) => a.value.into_owned(),
            },
        )
}

fn preserves_space(e: &BytesStart<'_>) -> bool {
    e.attributes()
        .flatten()
        .any(|a| a.key.as_ref() == "xml:space" && a.value == "preserve")
}

/// `&amp;` and `&#x4E2D;` as characters; no other entity exists in a workbook's XML.
fn push_reference(r: &BytesRef<'_>, out: &mut String) -> Result<(), String> {
    if let Some(text) = quick_xml::escape::resolve_xml_entity(r) {
        out.push_str(text);
        return Ok(());
    }
    match r.resolve_char_ref() {
        Ok(Some(c)) => {
            out.push(c);
            Ok(())
        }
        _ => Err(format!("unknown entity &{};", shown(r))),
    }
}

/// Trims a `<t>`'s text unless it asked to keep its spaces (as Excel does), then decodes
/// Excel's `_xHHHH_` escapes in it.
fn finish_text(out: &mut String, start: usize, preserve: bool) {
    let mut text = out.split_off(start);
    if !preserve {
        let trimmed = text.trim_matches([' ', '\t', '\r', '\n']);
        if trimmed.len() != text.len() {
            text = trimmed.to_string();
        }
    }
    out.push_str(&unescape_excel(&text));
}

/// Excel writes characters XML cannot hold as `_xHHHH_` (a UTF-16 unit; a character beyond
/// the BMP as two), and a literal `_xHHHH_` as `_x005F_xHHHH_`.
pub(super) fn unescape_excel(text: &str) -> Cow<'_, str> {
    if !text.contains("_x") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(unit) = escaped_unit(rest) else {
            out.push_str("_x");
            rest = &rest[2..];
            continue;
        };
        rest = &rest[7..];
        let c = match unit {
            0xD800..=0xDBFF => match escaped_unit(rest) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    rest = &rest[7..];
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                }
                _ => None,
            },
            unit => char::from_u32(unit),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The unit of an `_xHHHH_` escape at the start of `text`.
fn escaped_unit(text: &str) -> Option<u32> {
    let escape = text.as_bytes().get(..7)?;
    let hex = &escape[2..6];
    if !escape.starts_with(b"_x") || escape[6] != b'_' || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_escapes_decode_to_characters() {
        assert_eq!(unescape_excel("plain"), "plain");
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDE00_"), "😀");
        assert_eq!(unescape_excel("_xD83D_x"), "\u{fffd}x");
        assert_eq!(unescape_excel("_x12_ _xZZZZ_ 中_x"), "_x12_ _xZZZZ_ 中_x");
    }

    fn rich(xml: &str, max: usize) -> Result<String, &'static str> {
        let mut part = Part::new(xml.as_bytes(), "test.xml");
        assert!(matches!(part.next(), Ok(Event::Start(_))));
        let mut out = String::new();
        match part.rich_text(&mut out, max) {
            Ok(()) => Ok(out),
            Err(TextError::TooLong) => Err("too long"),
            Err(TextError::Broken(_)) => Err("broken"),
        }
    }

    #[test]
    fn rich_text_joins_runs_and_skips_phonetic_guides() {
        let xml = r#"<si><r><t xml:space="preserve">北方 </t></r><r><t>稀土 &amp; co&#x4E2D;</t></r><rPh><t>ホッポウ</t></rPh><t>
 x </t></si>"#;
        assert_eq!(rich(xml, 100).unwrap(), "北方 稀土 & co中x");
        assert_eq!(rich(xml, 5), Err("too long"));
        assert_eq!(rich("<si><t>&bogus;</t></si>", 100), Err("broken"));
        assert_eq!(rich("<si><t>open", 100), Err("broken"));
    }
}
