//! An award certificate: A4 landscape, the award as the announcement names it, and the QR code
//! of the award's public verification page, so anyone holding the paper can check it stands.

use crate::draw::{A4_LONG, A4_SHORT, Pen, colour, wrap};
use crate::{DocumentError, DocumentFont};
use krilla::Document;
use krilla::page::PageSettings;

/// What a certificate says, every line in the reader's language.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// "荣誉证书".
    pub heading: String,
    /// The awarded record's title.
    pub title: String,
    /// Its unit and first completer.
    pub holder: String,
    /// "Awarded in ...".
    pub text: String,
    /// The tier, as the announcement names it.
    pub tier: String,
    /// The awarding organisation.
    pub issuer: String,
    /// The notice's number and date.
    pub notice: String,
    /// The public verification page's address, which the QR code holds.
    pub verify_url: String,
    /// The words under the QR code ("scan to verify").
    pub verify_caption: String,
}

pub fn certificate_pdf(font: &DocumentFont, c: &Certificate) -> Result<Vec<u8>, DocumentError> {
    let (w, h) = (A4_LONG, A4_SHORT);
    let mut document = Document::new();
    let settings = PageSettings::from_wh(w, h).ok_or(DocumentError::Write("page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        font,
    };
    pen.frame((24.0, 24.0, w - 48.0, h - 48.0), 3.0, (176, 32, 32));
    pen.frame((34.0, 34.0, w - 68.0, h - 68.0), 0.8, (176, 32, 32));
    pen.fill(colour(176, 32, 32));
    pen.centred(w / 2.0, 110.0, 40.0, &c.heading);
    pen.fill(colour(20, 20, 20));
    let mut y = 175.0;
    for line in wrap(&c.title, 24.0, w - 200.0) {
        pen.centred(w / 2.0, y, 24.0, &line);
        y += 32.0;
    }
    pen.centred(w / 2.0, y + 4.0, 15.0, &c.holder);
    y += 44.0;
    for line in wrap(&c.text, 15.0, w - 220.0) {
        pen.centred(w / 2.0, y, 15.0, &line);
        y += 22.0;
    }
    pen.fill(colour(176, 32, 32));
    pen.centred(w / 2.0, y + 40.0, 34.0, &c.tier);
    pen.fill(colour(20, 20, 20));
    pen.right(w - 210.0, h - 110.0, 15.0, &c.issuer);
    pen.right(w - 210.0, h - 86.0, 12.0, &c.notice);
    pen.qr(w - 180.0, h - 190.0, 120.0, &c.verify_url)?;
    pen.centred(w - 120.0, h - 62.0, 9.0, &c.verify_caption);
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| DocumentError::Write(format!("{e:?}")))
}
