//! `/search`: full-text search over what the caller may see, with facets and marked snippets.

use super::ApiCtx;
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Query, State};
use ingot_search::index::{Kind, Narrow};
use ingot_store::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words (all must match), "a phrase", and `unit:`, `year:`, `status:`, `type:` prefixes.
    q: String,
    /// Narrow to one type: proposal, person, studio, achievement or patent.
    kind: Option<String>,
    /// Narrow to one organisation (an id from the unit facet).
    org: Option<i64>,
    year: Option<i32>,
    status: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// A piece of text; `marked` pieces matched the query.
#[derive(Serialize, ToSchema)]
pub struct PieceDto {
    text: String,
    marked: bool,
}

#[derive(Serialize, ToSchema)]
pub struct HitDto {
    /// proposal, person, studio, achievement or patent
    kind: String,
    id: i64,
    title: String,
    title_pieces: Vec<PieceDto>,
    snippet: Vec<PieceDto>,
    unit: String,
    year: i32,
    status: String,
    score: f32,
}

#[derive(Serialize, ToSchema)]
pub struct CountDto {
    value: String,
    /// For units: the organisation id to narrow by.
    org_id: Option<i64>,
    count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct FacetsDto {
    kinds: Vec<CountDto>,
    units: Vec<CountDto>,
    years: Vec<CountDto>,
    statuses: Vec<CountDto>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResultsDto {
    total: usize,
    /// The total and facet counts are extrapolated from the newest matches (very common words).
    estimated: bool,
    page: i64,
    per_page: i64,
    hits: Vec<HitDto>,
    facets: FacetsDto,
    /// English words not found, with the word used instead.
    corrected: Vec<[String; 2]>,
}

fn pieces(p: Vec<(String, bool)>) -> Vec<PieceDto> {
    p.into_iter()
        .map(|(text, marked)| PieceDto { text, marked })
        .collect()
}

fn count(value: impl ToString, count: usize) -> CountDto {
    CountDto {
        value: value.to_string(),
        org_id: None,
        count,
    }
}

/// Searches proposals, people, studios, achievements and patents the caller may see. An empty or over-long query is a 422
/// naming `q`; any other text (stray quotes, unknown prefixes, markup) is searched as text.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = SearchResultsDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn search(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<SearchQuery>,
) -> Result<Json<SearchResultsDto>, Failure> {
    let caller = api.caller();
    let page = Page::new(q.page, q.per_page.map(|n| n.clamp(1, 100)), 20);
    state.search.catch_up(&state.db).await?;
    let narrow = Narrow {
        kind: q.kind.as_deref().and_then(Kind::parse),
        org_id: q.org,
        year: q.year,
        status: q.status.filter(|s| !s.is_empty()),
    };
    let r = state
        .search
        .search(
            &state.db,
            &caller,
            &q.q,
            &narrow,
            page.offset() as usize,
            page.size as usize,
        )
        .await?;
    Ok(Json(SearchResultsDto {
        total: r.total,
        estimated: r.estimated,
        page: page.number,
        per_page: page.size,
        hits: r
            .hits
            .into_iter()
            .map(|h| HitDto {
                kind: h.kind.as_str().to_string(),
                id: h.id,
                title: h.title,
                title_pieces: pieces(h.title_pieces),
                snippet: pieces(h.snippet),
                unit: h.org_name,
                year: h.year,
                status: h.status,
                score: h.score,
            })
            .collect(),
        facets: FacetsDto {
            kinds: r
                .facets
                .kinds
                .into_iter()
                .map(|(k, n)| count(k.as_str(), n))
                .collect(),
            units: r
                .facets
                .orgs
                .into_iter()
                .map(|(id, name, n)| CountDto {
                    value: name,
                    org_id: Some(id),
                    count: n,
                })
                .collect(),
            years: r
                .facets
                .years
                .into_iter()
                .map(|(y, n)| count(y, n))
                .collect(),
            statuses: r
                .facets
                .statuses
                .into_iter()
                .map(|(s, n)| count(s, n))
                .collect(),
        },
        corrected: r.corrected.into_iter().map(|(a, b)| [a, b]).collect(),
    }))
}
