//! PDF documents, shared by the pages and the API: the font (found once, from the machine's
//! Chinese font packages), the address a document's QR code points to, the certificate of an
//! award and tables as printed reports, each built on a blocking thread.

use axum::http::{HeaderMap, header};
use axum::response::Response;
use ingot_documents::{DocumentError, DocumentFont};
use ingot_domain::AppError;
use std::sync::OnceLock;

static FONT: OnceLock<Result<DocumentFont, DocumentError>> = OnceLock::new();

/// The font documents are drawn in, or why there is none.
fn font() -> Result<DocumentFont, AppError> {
    match FONT.get_or_init(|| DocumentFont::find(None)) {
        Ok(font) => Ok(font.clone()),
        Err(DocumentError::NoFont) => Err(AppError::conflict("pdf_font_missing")),
        Err(e) => Err(AppError::internal(e.to_string())),
    }
}

/// Where this server is reached from outside: the configured public address, or else the
/// address the request was sent to.
pub fn public_base(public_url: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(url) = public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The PDF that `draw` makes with the document font, as a download named `file`.
pub async fn pdf(
    file: &str,
    draw: impl FnOnce(&DocumentFont) -> Result<Vec<u8>, DocumentError> + Send + 'static,
) -> Result<Response, AppError> {
    let font = font()?;
    let bytes = tokio::task::spawn_blocking(move || draw(&font))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(crate::pages::records::file_response(
        file,
        "application/pdf",
        bytes,
    ))
}

/// An award's certificate in `lang`, its QR code holding the award's public page under `base`.
pub fn certificate(
    catalogs: &crate::i18n::Catalogs,
    lang: ingot_domain::Lang,
    base: &str,
    (c, d, tier): &(
        ingot_store::campaigns::Campaign,
        ingot_store::campaigns::Declaration,
        ingot_domain::campaign::Tier,
    ),
) -> ingot_documents::Certificate {
    let holder = match &d.first_completer_name {
        Some(p) => format!("{} · {p}", d.unit_name),
        None => d.unit_name.clone(),
    };
    let notice = [
        c.notice_number.clone(),
        c.announced_on.map(|d| d.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    ingot_documents::Certificate {
        heading: catalogs.t(lang, "campaigns.certificate").to_string(),
        title: d.title.clone(),
        holder,
        text: catalogs.t_with(
            lang,
            "campaigns.certificate_text",
            &[("campaign", c.title.clone())],
        ),
        tier: catalogs
            .t(lang, &format!("tier.{}", tier.as_str()))
            .to_string(),
        issuer: c.org_name.clone(),
        notice,
        verify_url: format!("{base}/certificates/{}", d.id),
        verify_caption: catalogs.t(lang, "campaigns.scan_to_verify").to_string(),
    }
}

/// A report as a file: its table as CSV or XLSX, or printed as a PDF under its title.
pub struct ReportFile {
    /// The file's name without extension, and the sheet's name.
    pub stem: String,
    pub sheet: String,
    pub title: String,
    pub subtitle: Vec<String>,
    /// Printed at the foot of every page, before the page number.
    pub footer: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The columns holding figures (aligned right when printed).
    pub numeric: Vec<bool>,
}

/// The format a report's `format` asks for: `xlsx` (the default), `csv` or `pdf`.
pub fn report_format(raw: Option<&str>) -> Result<&'static str, AppError> {
    match raw.unwrap_or("xlsx") {
        "xlsx" => Ok("xlsx"),
        "csv" => Ok("csv"),
        "pdf" => Ok("pdf"),
        _ => Err(AppError::Validation(vec![
            ingot_domain::FieldError::new("format", "unknown_option")
                .with("allowed", "csv, xlsx, pdf"),
        ])),
    }
}

pub async fn report_response(format: &str, r: ReportFile) -> Result<Response, AppError> {
    if format != "pdf" && format != "docx" {
        let headers: Vec<&str> = r.headers.iter().map(String::as_str).collect();
        return crate::pages::orgs::spreadsheet_response(
            format, &r.stem, &r.sheet, &headers, r.rows,
        )
        .await;
    }
    let file = format!("{}.{format}", r.stem);
    let doc = ingot_documents::TableDocument {
        title: r.title,
        subtitle: r.subtitle,
        headers: r.headers,
        rows: r.rows,
        numeric: r.numeric,
        footer: r.footer,
    };
    if format == "docx" {
        return word(&file, doc).await;
    }
    pdf(&file, move |font| ingot_documents::table_pdf(font, &doc)).await
}

/// `doc` as a Word document named `file`, to download.
async fn word(file: &str, doc: ingot_documents::TableDocument) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || ingot_documents::table_docx(&doc))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(crate::pages::records::file_response(
        file,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        bytes,
    ))
}

/// An announced campaign's announcement as `format` (`pdf` printed, `docx` for the clerks to
/// edit): its notice, then the winners by tier (tier, record, unit, first completer), in `lang`.
pub async fn announcement(
    state: &crate::AppState,
    (lang, format): (ingot_domain::Lang, &str),
    id: ingot_domain::CampaignId,
    today: ingot_domain::time::Date,
) -> Result<Response, AppError> {
    use ingot_domain::campaign::Stage;
    let mut tx = state.db.read().await?;
    let d = ingot_app::campaigns::detail(&mut tx, None, id, today).await?;
    drop(tx);
    if d.stage != Stage::Announced {
        return Err(AppError::not_found("campaign"));
    }
    let c = &d.campaign;
    let t = |key: &str| state.catalogs.t(lang, key).to_string();
    let mut winners: Vec<_> = d.declarations.iter().filter(|x| x.tier.is_some()).collect();
    winners.sort_by_key(|x| (x.tier, x.number));
    let rows = winners
        .iter()
        .map(|x| {
            vec![
                x.tier
                    .map(|tier| t(&format!("tier.{}", tier.as_str())))
                    .unwrap_or_default(),
                x.title.clone(),
                x.unit_name.clone(),
                x.first_completer_name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let notice = [
        Some(c.org_name.clone()),
        c.notice_number.clone(),
        c.announced_on.map(|on| on.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let title = state.catalogs.t_with(
        lang,
        "campaigns.announcement_of",
        &[("title", c.title.clone())],
    );
    let file = ReportFile {
        stem: format!("announcement-{}", c.id),
        sheet: t("campaigns.announcement"),
        footer: c.notice_number.clone().unwrap_or_else(|| title.clone()),
        title,
        subtitle: vec![notice],
        headers: vec![
            t("campaigns.tier"),
            t("records.col.title"),
            t("records.col.unit"),
            t("records.col.first_completer"),
        ],
        rows,
        numeric: vec![false; 4],
    };
    report_response(format, file).await
}

/// A naming notice as `format` (`pdf` printed, `docx` for the clerks to edit): who issued it,
/// its number and day, then every studio it named (studio, unit, lead, level), in `lang`.
pub async fn naming_notice(
    state: &crate::AppState,
    (lang, format): (ingot_domain::Lang, &str),
    id: i64,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let d = ingot_app::studios::notice_detail(&mut tx, id).await?;
    drop(tx);
    let t = |key: &str| state.catalogs.t(lang, key).to_string();
    let english = |zh: &str, en: &Option<String>| match (lang, en) {
        (ingot_domain::Lang::En, Some(en)) => en.clone(),
        _ => zh.to_string(),
    };
    let n = &d.notice;
    let rows = d
        .entries
        .iter()
        .map(|e| {
            let mut level = t(&format!("level.{}", e.level.as_str()));
            if e.status == ingot_domain::studio::NamingStatus::Lost {
                level = format!("{level} ({})", t("studios.title_lost"));
            }
            vec![
                e.studio_name.clone(),
                english(&e.unit_name, &e.unit_name_en),
                e.lead_name.clone(),
                level,
            ]
        })
        .collect();
    let title = if n.title.trim().is_empty() {
        format!("{} {}", t("studios.notice"), n.number)
    } else {
        n.title.clone()
    };
    let issued = [
        english(&n.org_name, &n.org_name_en),
        n.number.clone(),
        n.issued_on.to_string(),
    ];
    let file = ReportFile {
        stem: format!("naming-notice-{}", n.id),
        sheet: t("studios.notice"),
        footer: n.number.clone(),
        title,
        subtitle: vec![issued.join(" · ")],
        headers: vec![
            t("records.col.studio_name"),
            t("records.col.unit"),
            t("studios.lead"),
            t("records.col.named_level"),
        ],
        rows,
        numeric: vec![false; 4],
    };
    report_response(format, file).await
}
