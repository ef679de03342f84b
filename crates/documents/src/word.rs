//! A notice as a Word document (.docx), for the clerks who edit it before it is stamped: the
//! same heading, lines and table as its PDF, in editable paragraphs and a table.

use crate::{DocumentError, TableDocument};
use docx_rs::{AlignmentType, Docx, Paragraph, Run, Table, TableCell, TableRow};

fn line(text: &str, size: usize, bold: bool) -> Paragraph {
    let mut run = Run::new().add_text(text).size(size);
    if bold {
        run = run.bold();
    }
    Paragraph::new().add_run(run)
}

fn row(cells: &[String], bold: bool) -> TableRow {
    TableRow::new(
        cells
            .iter()
            .map(|c| TableCell::new().add_paragraph(line(c, 21, bold)))
            .collect(),
    )
}

/// `doc` as a .docx: its title and lines centred, then its table with a bold header row.
pub fn table_docx(doc: &TableDocument) -> Result<Vec<u8>, DocumentError> {
    // Sizes are in half points: 16 pt for the title, 12 pt for the lines, 10.5 pt (五号) in
    // the table, as Chinese official documents set them.
    let mut docx =
        Docx::new().add_paragraph(line(&doc.title, 32, true).align(AlignmentType::Center));
    for l in &doc.subtitle {
        docx = docx.add_paragraph(line(l, 24, false).align(AlignmentType::Center));
    }
    let mut rows = vec![row(&doc.headers, true)];
    rows.extend(doc.rows.iter().map(|r| row(r, false)));
    docx = docx.add_table(Table::new(rows));
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| DocumentError::Write(e.to_string()))?;
    Ok(out.into_inner())
}
