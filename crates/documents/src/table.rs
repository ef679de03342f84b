//! A table as a printed report: a heading, lines under it (the unit, the year, the notes), and
//! rows under a header repeated on every page, columns as wide as their widest cell allows.

use crate::draw::{A4_LONG, A4_SHORT, Pen, colour, text_width, wrap};
use crate::{DocumentError, DocumentFont};
use krilla::Document;
use krilla::page::PageSettings;

#[derive(Debug, Clone, Default)]
pub struct TableDocument {
    pub title: String,
    pub subtitle: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns whose figures align right.
    pub numeric: Vec<bool>,
    /// Printed at the foot of every page with its number ("page {n} of {total}" done by the
    /// caller's words: `footer` then " n / total").
    pub footer: String,
}

const MARGIN: f32 = 40.0;
const SIZE: f32 = 9.5;
const MIN_SIZE: f32 = 6.0;

/// The size the table is printed at and its column widths: each column as wide as its widest
/// cell (a heading wraps rather than widen its column past four characters), and the whole
/// table printed smaller, down to [`MIN_SIZE`], when that would not fit `width`; past that, the
/// text columns wrap.
fn layout(doc: &TableDocument, width: f32) -> (f32, Vec<f32>) {
    let natural = |size: f32| -> Vec<f32> {
        let mut w: Vec<f32> = doc
            .headers
            .iter()
            .map(|h| text_width(h, size).min(4.0 * size) + 8.0)
            .collect();
        for row in &doc.rows {
            for (c, cell) in row.iter().enumerate().take(w.len()) {
                w[c] = w[c].max(text_width(cell, size) + 8.0);
            }
        }
        w
    };
    let mut size = SIZE;
    while size > MIN_SIZE && natural(size).iter().sum::<f32>() > width {
        size -= 0.25;
    }
    let mut w = natural(size);
    let total: f32 = w.iter().sum();
    if total > width {
        // Figures keep their width; the text columns share what is left.
        let numeric = |c: usize| doc.numeric.get(c).copied().unwrap_or(false);
        let fixed: f32 = (0..w.len()).filter(|&c| numeric(c)).map(|c| w[c]).sum();
        let text: f32 = total - fixed;
        let share = ((width - fixed) / text).max(0.2);
        for (c, x) in w.iter_mut().enumerate() {
            if !numeric(c) {
                *x *= share;
            }
        }
    }
    (size, w)
}

pub fn table_pdf(font: &DocumentFont, doc: &TableDocument) -> Result<Vec<u8>, DocumentError> {
    // Landscape when the columns are many.
    let (pw, ph) = if doc.headers.len() > 6 {
        (A4_LONG, A4_SHORT)
    } else {
        (A4_SHORT, A4_LONG)
    };
    let (size, widths) = layout(doc, pw - 2.0 * MARGIN);
    let line = size * 1.4;
    // Every row's cells wrapped to their column.
    let rows: Vec<Vec<Vec<String>>> = doc
        .rows
        .iter()
        .map(|r| {
            widths
                .iter()
                .enumerate()
                .map(|(c, w)| wrap(r.get(c).map_or("", String::as_str), size, w - 6.0))
                .collect()
        })
        .collect();
    let header: Vec<Vec<String>> = widths
        .iter()
        .enumerate()
        .map(|(c, w)| wrap(&doc.headers[c], size, w - 6.0))
        .collect();
    let subtitle: Vec<String> = doc
        .subtitle
        .iter()
        .flat_map(|l| wrap(l, 10.0, pw - 2.0 * MARGIN))
        .collect();
    // Lay the rows out on pages first, so that each page can say how many there are.
    let top = MARGIN + 40.0 + subtitle.len() as f32 * 16.0;
    let height = |cells: &Vec<Vec<String>>| {
        cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 6.0
    };
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    let mut y = top + height(&header);
    for (i, r) in rows.iter().enumerate() {
        let hgt = height(r);
        if y + hgt > ph - MARGIN - 20.0 && !pages.last().is_some_and(Vec::is_empty) {
            pages.push(Vec::new());
            y = MARGIN + height(&header);
        }
        y += hgt;
        if let Some(p) = pages.last_mut() {
            p.push(i);
        }
    }
    let mut document = Document::new();
    let total = pages.len();
    for (n, on_page) in pages.iter().enumerate() {
        let settings =
            PageSettings::from_wh(pw, ph).ok_or(DocumentError::Write("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
            font,
        };
        pen.fill(colour(20, 20, 20));
        let mut y = MARGIN;
        if n == 0 {
            pen.centred(pw / 2.0, MARGIN + 16.0, 16.0, &doc.title);
            y = MARGIN + 40.0;
            for line in &subtitle {
                pen.centred(pw / 2.0, y - 4.0, 10.0, line);
                y += 16.0;
            }
        }
        let style = (size, line);
        y = draw_row(&mut pen, (y, style), &widths, &header, &doc.numeric);
        pen.rule(MARGIN, pw - MARGIN, y - 3.0, 0.8);
        for &i in on_page {
            y = draw_row(&mut pen, (y, style), &widths, &rows[i], &doc.numeric);
            pen.rule(MARGIN, pw - MARGIN, y - 3.0, 0.2);
        }
        pen.right(
            pw - MARGIN,
            ph - MARGIN + 10.0,
            8.0,
            &format!("{} {}/{}", doc.footer, n + 1, total),
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| DocumentError::Write(format!("{e:?}")))
}

/// One row's wrapped cells from `y` down at (size, line height); returns where the next row
/// starts.
fn draw_row(
    pen: &mut Pen<'_, '_>,
    (y, (size, line)): (f32, (f32, f32)),
    widths: &[f32],
    cells: &[Vec<String>],
    numeric: &[bool],
) -> f32 {
    let mut x = MARGIN;
    let mut lines = 1;
    for (c, w) in widths.iter().enumerate() {
        let right = numeric.get(c).copied().unwrap_or(false);
        for (l, text) in cells[c].iter().enumerate() {
            let baseline = y + line * (l as f32 + 1.0);
            if right {
                pen.right(x + w - 3.0, baseline, size, text);
            } else {
                pen.text(x + 3.0, baseline, size, text);
            }
        }
        lines = lines.max(cells[c].len());
        x += w;
    }
    y + lines as f32 * line + 6.0
}
