use crate::ctx::PageCtx;
use askama::Template;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub title: String,
    pub message: String,
    pub fields: Vec<String>,
    pub status: u16,
}
