//! CSRF protection for every state-changing request made with ambient credentials (a session
//! cookie, or the pre-session cookie on the sign-in and language forms):
//! 1. cross-site requests are refused outright (`Sec-Fetch-Site`, `Origin` against `Host`);
//! 2. the request must carry the session's token, as the `X-CSRF-Token` header (htmx, API) or
//!    a `_csrf` form field (plain forms, including multipart uploads).
//!
//! Requests authenticated by a bearer token are exempt: browsers never attach those by themselves.

use crate::AppState;
use crate::error::Failure;
use crate::request::{Auth, RequestState};
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ingot_app::secrets::constant_time_eq;
use ingot_domain::AppError;

pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";

fn refused() -> Response {
    Failure(AppError::Forbidden {
        code: "csrf_failed",
    })
    .into_response()
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site == "cross-site"
    {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        host,
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            origin_host != host
        }
        _ => false,
    }
}

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(rs) = req.extensions().get::<RequestState>().cloned() else {
        return refused();
    };
    let is_api = req.uri().path().starts_with("/api/");
    match rs.auth {
        Auth::Token(_) => return next.run(req).await,
        // An anonymous API call carries no ambient authority; it will be refused as such.
        Auth::Anonymous if is_api => return next.run(req).await,
        _ => {}
    }
    if is_cross_site(req.headers()) {
        return refused();
    }
    if let Some(given) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(given, &rs.csrf_token) {
            next.run(req).await
        } else {
            refused()
        };
    }
    if is_api {
        return refused();
    }
    // A plain form: read the body (within the upload limit), find the field, pass the body on.
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (parts, body) = req.into_parts();
    if let Ok(boundary) = multer::parse_boundary(&content_type) {
        // An upload is not held in memory to find the token: only the beginning of the body
        // is read, up to the token's part (our forms send it first), then passed on with the
        // rest still streaming.
        return match multipart_prefix_token(body, boundary).await {
            Ok((Some(token), body)) if constant_time_eq(&token, &rs.csrf_token) => {
                next.run(Request::from_parts(parts, body)).await
            }
            Ok(_) => refused(),
            Err(()) => Failure(crate::forms::file_too_large()).into_response(),
        };
    }
    // A urlencoded form holds no file: small, and read whole.
    let Ok(bytes) = to_bytes(body, state.config.max_upload_bytes + 64 * 1024).await else {
        return Failure(crate::forms::file_too_large()).into_response();
    };
    let given = if content_type.starts_with("application/x-www-form-urlencoded") {
        form_field(&bytes)
    } else {
        None
    };
    match given {
        Some(token) if constant_time_eq(&token, &rs.csrf_token) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refused(),
    }
}

/// How far into an upload the token's part may lie: the fields a form sends before its file.
const TOKEN_WITHIN_BYTES: usize = 64 * 1024;

/// Reads an upload until the token's part is complete (or `TOKEN_WITHIN_BYTES` are read, or
/// the body ends), and gives back the token found and the whole body: what was read, followed
/// by the rest of the stream. `Err` when the body could not be read.
async fn multipart_prefix_token(
    body: Body,
    boundary: String,
) -> Result<(Option<String>, Body), ()> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut prefix = Vec::new();
    let mut ended = false;
    let token = loop {
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(()),
            None => ended = true,
        }
        let found = multipart_field(Bytes::from(prefix.clone()), boundary.clone()).await;
        if found.is_some() || ended || prefix.len() >= TOKEN_WITHIN_BYTES {
            break found;
        }
    };
    let head =
        futures_util::stream::once(async move { Ok::<Bytes, axum::Error>(Bytes::from(prefix)) });
    let body = if ended {
        Body::from_stream(head)
    } else {
        Body::from_stream(head.chain(stream))
    };
    Ok((token, body))
}

fn form_field(body: &[u8]) -> Option<String> {
    form_urlencoded_pairs(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(body: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(body).into_owned()
}

async fn multipart_field(bytes: Bytes, boundary: String) -> Option<String> {
    let stream =
        futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod decoding_properties {
    //! The token is found in whatever a browser (or an attacker) posts, and nothing posted
    //! makes the search panic.

    use super::{FIELD, form_field, multipart_field};
    use crate::forms::encode;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn other_field() -> impl Strategy<Value = (String, String)> {
        let name = prop_oneof![
            "[a-z_]{1,12}",
            any::<String>(),
            Just("_csrf_".to_string()),
            Just("csrf".to_string())
        ]
        .prop_filter("not the token's field", |n| n != FIELD);
        (name, any::<String>())
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_body_is_searched_without_panicking(body in vec(any::<u8>(), 0..512)) {
            let _ = form_field(&body);
            let bytes = axum::body::Bytes::from(body);
            let _ = runtime().block_on(multipart_field(bytes, "XyZ".into()));
        }

        #[test]
        fn the_token_is_found_among_any_other_fields_of_a_form(
            before in vec(other_field(), 0..6),
            after in vec(other_field(), 0..6),
            token in "[A-Za-z0-9_-]{0,64}",
        ) {
            let pair = |(k, v): &(String, String)| format!("{}={}", encode(k), encode(v));
            let mut parts: Vec<String> = before.iter().map(pair).collect();
            parts.push(format!("{FIELD}={}", encode(&token)));
            parts.extend(after.iter().map(pair));
            prop_assert_eq!(form_field(parts.join("&").as_bytes()), Some(token));
        }

        #[test]
        fn the_token_is_found_among_any_other_fields_of_an_upload(
            before in vec(("[a-z_]{1,12}", any::<String>(), any::<bool>()), 0..4),
            file in vec(any::<u8>(), 0..256),
            token in "[A-Za-z0-9_-]{1,64}",
        ) {
            let boundary = "----ingotBoundary7MA4YWxkTrZu0gW";
            let mut body = Vec::new();
            let mut part = |headers: String, content: &[u8]| {
                body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
                body.extend_from_slice(content);
                body.extend_from_slice(b"\r\n");
            };
            for (name, value, as_file) in before.iter().filter(|(n, _, _)| n != FIELD) {
                let disposition = if *as_file {
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"a.bin\"")
                } else {
                    format!("Content-Disposition: form-data; name=\"{name}\"")
                };
                part(disposition, value.as_bytes());
            }
            part(
                "Content-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"".into(),
                &file,
            );
            part(format!("Content-Disposition: form-data; name=\"{FIELD}\""), token.as_bytes());
            body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            let found = runtime().block_on(multipart_field(body.into(), boundary.into()));
            prop_assert_eq!(found, Some(token));
        }
    }
}

#[cfg(test)]
mod streaming {
    use super::{Body, Bytes, multipart_prefix_token};
    use futures_util::StreamExt;

    /// The token is found while the file is still arriving: an upload whose rest never comes
    /// is not waited for (before, the whole body was read into memory first), and what was
    /// read is passed on unchanged ahead of the rest.
    #[tokio::test]
    async fn the_token_is_read_without_waiting_for_the_file() {
        let boundary = "b0undary";
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok-123\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\nfirst bytes"
        );
        let chunks = futures_util::stream::once({
            let head = head.clone();
            async move { Ok::<Bytes, std::io::Error>(Bytes::from(head)) }
        })
        .chain(futures_util::stream::pending());
        let found = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            multipart_prefix_token(Body::from_stream(chunks), boundary.into()),
        )
        .await
        .expect("the token is found before the body ends");
        let (token, body) = found.unwrap();
        assert_eq!(token.as_deref(), Some("tok-123"));
        let mut passed_on = body.into_data_stream();
        let first = passed_on.next().await.unwrap().unwrap();
        assert_eq!(first, Bytes::from(head));
    }

    /// A token placed after 64 KiB of file is not looked for: the upload is refused rather
    /// than held.
    #[tokio::test]
    async fn a_token_after_the_file_is_not_found() {
        let boundary = "b0undary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n"
        )
        .into_bytes();
        body.extend(std::iter::repeat_n(b'x', 100 * 1024));
        body.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok\r\n--{boundary}--\r\n").as_bytes(),
        );
        let chunks = futures_util::stream::iter(
            body.chunks(8 * 1024)
                .map(|c| Ok::<Bytes, std::io::Error>(Bytes::copy_from_slice(c)))
                .collect::<Vec<_>>(),
        );
        let (token, _) = multipart_prefix_token(Body::from_stream(chunks), boundary.into())
            .await
            .unwrap();
        assert_eq!(token, None);
    }
}
