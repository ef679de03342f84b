//! Drawing on a page: text in the document's font (placed by an estimate of its width, which is
//! exact enough for Chinese, whose characters are all one em wide), lines, boxes and QR codes.

use crate::{DocumentError, DocumentFont};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;

/// A4 in points.
pub const A4_SHORT: f32 = 595.0;
pub const A4_LONG: f32 = 842.0;

/// The width of `text` at `size`: a Chinese character (or other wide one) is one em, the rest
/// about half.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| size * em_share(c)).sum()
}

/// How much of an em a character takes in a sans-serif font: the figures' widths matter most,
/// since columns of them are aligned on their right edge.
fn em_share(c: char) -> f32 {
    match c {
        c if is_wide(c) => 1.0,
        '.' | ',' | ':' | ';' | '\'' | '|' | 'i' | 'l' | 'j' => 0.27,
        ' ' => 0.28,
        '(' | ')' | '[' | ']' | 'f' | 't' | 'r' => 0.35,
        'm' | 'w' | 'M' | 'W' => 0.85,
        c if c.is_ascii_uppercase() => 0.65,
        _ => 0.55,
    }
}

fn is_wide(c: char) -> bool {
    (c as u32) >= 0x2E80
}

/// `text` broken into lines no wider than `width` (between any two Chinese characters, and at
/// spaces in other text).
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        if c == '\n' {
            lines.push(std::mem::take(&mut line));
            continue;
        }
        line.push(c);
        if text_width(&line, size) > width {
            // Break at the last space if the line holds one, else before this character.
            let cut = line
                .rfind(' ')
                .filter(|_| !is_wide(c))
                .unwrap_or(line.len() - c.len_utf8());
            let rest = line.split_off(cut);
            lines.push(line.trim_end().to_string());
            line = rest.trim_start().to_string();
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A page being drawn, with the document's font.
pub struct Pen<'a, 'b> {
    pub surface: &'a mut Surface<'b>,
    pub font: &'a DocumentFont,
}

pub fn colour(r: u8, g: u8, b: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        ..Default::default()
    }
}

impl Pen<'_, '_> {
    /// `text` with its baseline at `y`, starting at `x`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.surface.draw_text(
            Point::from_xy(x, y),
            self.font.0.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    /// `text` centred on `x`.
    pub fn centred(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.text(x - text_width(text, size) / 2.0, y, size, text);
    }

    /// `text` ending at `x`.
    pub fn right(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.text(x - text_width(text, size), y, size, text);
    }

    pub fn fill(&mut self, fill: Fill) {
        self.surface.set_fill(Some(fill));
    }

    /// A box outlined `width` points wide in `r, g, b`.
    pub fn frame(&mut self, rect: (f32, f32, f32, f32), width: f32, (r, g, b): (u8, u8, u8)) {
        let Some(rect) = Rect::from_xywh(rect.0, rect.1, rect.2, rect.3) else {
            return;
        };
        let mut pb = PathBuilder::new();
        pb.push_rect(rect);
        let Some(path) = pb.finish() else { return };
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(r, g, b).into(),
            width,
            ..Default::default()
        }));
        self.surface.draw_path(&path);
        self.surface.set_stroke(None);
    }

    /// A line from (x1, y) to (x2, y).
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y);
        pb.line_to(x2, y);
        let Some(path) = pb.finish() else { return };
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            width,
            ..Default::default()
        }));
        self.surface.draw_path(&path);
        self.surface.set_stroke(None);
    }

    /// The QR code of `data`, `side` points square with its top left at (x, y), dark modules
    /// black on the page's white, with the quiet zone a reader needs around it.
    pub fn qr(&mut self, x: f32, y: f32, side: f32, data: &str) -> Result<(), DocumentError> {
        let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
            .map_err(|e| DocumentError::Write(e.to_string()))?;
        let modules = code.width();
        let colours = code.to_colors();
        // Four modules of quiet zone on every side.
        let cell = side / (modules + 8) as f32;
        let mut pb = PathBuilder::new();
        for (i, c) in colours.iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (mx, my) = ((i % modules) as f32, (i / modules) as f32);
                if let Some(r) =
                    Rect::from_xywh(x + (mx + 4.0) * cell, y + (my + 4.0) * cell, cell, cell)
                {
                    pb.push_rect(r);
                }
            }
        }
        if let Some(path) = pb.finish() {
            self.fill(colour(0, 0, 0));
            self.surface.draw_path(&path);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_breaks_anywhere_and_other_text_at_spaces() {
        let lines = wrap("大连市职工技术创新成果", 10.0, 40.0);
        assert_eq!(lines, vec!["大连市职", "工技术创", "新成果"]);
        // Other text breaks at spaces only, each line within the width, nothing lost.
        let text = "first prize of the year, awarded by the federation";
        let lines = wrap(text, 10.0, 60.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(
            lines.iter().all(|l| text_width(l, 10.0) <= 60.0),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("", 10.0, 40.0), vec![""]);
    }
}
