//! Reading a PDF as any reader would, with Poppler's tools (Debian's poppler-utils): its words
//! (`pdftotext`), its fonts (`pdffonts`), its first page as pixels (`pdftoppm`), whose QR codes
//! `rqrr` decodes.

use std::path::Path;
use std::process::Command;

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (Debian's poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The QR codes on the first page of the PDF at `pdf`, decoded.
pub fn qr_codes(pdf: &Path) -> Vec<String> {
    let stem = pdf.with_extension("");
    let stem = stem.to_str().unwrap();
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            pdf.to_str().unwrap(),
            stem,
        ],
    );
    let pgm = std::fs::read_dir(pdf.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pgm"))
        .expect("pdftoppm wrote the page");
    let bytes = std::fs::read(pgm).unwrap();
    let (width, height, pixels) = parse_pgm(&bytes);
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    image
        .detect_grids()
        .into_iter()
        .map(|g| g.decode().expect("a readable QR code").1)
        .collect()
}

/// A binary greyscale netpbm image (P5, 8 bits): width, height, pixels.
fn parse_pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    assert_eq!(fields[3], "255");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, &bytes[at + 1..at + 1 + w * h])
}

/// The words of the PDF at `pdf`, spaces and line breaks taken out (a line may break anywhere
/// in Chinese).
pub fn words(pdf: &Path) -> String {
    run("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The lines of the PDF at `pdf` as laid out on the page (a table's row is a line), each with
/// its spaces taken out.
pub fn laid_out_lines(pdf: &Path) -> Vec<String> {
    run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
        .lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect())
        .collect()
}

/// Asserts that the PDF at `pdf` embeds a Chinese font, as a subset of the characters it uses.
pub fn embedded_chinese_font(pdf: &Path) {
    let fonts = run("pdffonts", &[pdf.to_str().unwrap()]);
    let line = fonts
        .lines()
        .find(|l| l.contains("WenQuanYi") || l.contains("NotoSansCJK"))
        .unwrap_or_else(|| panic!("no Chinese font in {fonts}"));
    // Columns: name, type, encoding, emb, sub, uni, object ID.
    let columns: Vec<&str> = line.split_whitespace().collect();
    let n = columns.len();
    assert_eq!(
        (columns[n - 5], columns[n - 4]),
        ("yes", "yes"),
        "embedded, as a subset: {fonts}"
    );
}

/// `path` fetched in Chinese, with `token` if given: status, content type, body.
pub async fn fetch_zh(
    app: &super::TestApp,
    path: &str,
    token: Option<&str>,
) -> (reqwest::StatusCode, String, Vec<u8>) {
    let mut request = super::TestApp::client()
        .get(app.url(path))
        .header("accept-language", "zh-CN");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    super::file_of(request.send().await.unwrap()).await
}

/// The PDF at `path`, fetched in Chinese and saved in a new scratch directory of its own.
pub async fn fetch_pdf(
    app: &super::TestApp,
    path: &str,
    token: Option<&str>,
) -> std::path::PathBuf {
    let (status, content_type, bytes) = fetch_zh(app, path, token).await;
    assert_eq!(
        status,
        reqwest::StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(content_type, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let file = super::scratch_dir("pdf").join("document.pdf");
    std::fs::write(&file, bytes).unwrap();
    file
}

/// The text of a Word document: what the text runs of its body hold, one a line.
pub fn docx_text(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml_text(&xml)
}

/// The text of a Word document's XML: what its text runs hold, one after another.
fn xml_text(xml: &str) -> String {
    let mut text = String::new();
    for part in xml.split("<w:t").skip(1) {
        let start = part.find('>').map_or(0, |i| i + 1);
        let end = part.find("</w:t>").unwrap_or(start);
        text.push_str(&part[start..end]);
        text.push('\n');
    }
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}
