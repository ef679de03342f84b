//! Per-request facts resolved once, at the edge: who is asking (session or token), in which
//! language, with which CSRF token, from where. Handlers read them from the extensions.

use crate::AppState;
use crate::cookies;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ingot_app::auth::{self, SessionAuth};
use ingot_app::throttle::Count;
use ingot_domain::audit::RequestOrigin;
use ingot_domain::{Actor, AppError, Lang};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The session cookie over plain HTTP (local use), and over TLS (see `Config::session_cookie`).
pub const SESSION_COOKIE: &str = "ingot_session";
pub const SECURE_SESSION_COOKIE: &str = "__Host-ingot_session";
pub const LANG_COOKIE: &str = "ingot_lang";
/// Before signing in there is no session to bind a CSRF token to; a random cookie is used
/// instead (double submit), besides the Origin checks.
pub const PRE_SESSION_CSRF_COOKIE: &str = "ingot_csrf";
pub const SECURE_PRE_SESSION_CSRF_COOKIE: &str = "__Host-ingot_csrf";
pub const FLASH_COOKIE: &str = "ingot_flash";

#[derive(Clone)]
pub enum Auth {
    Anonymous,
    /// A session cookie that has expired (or whose user was disabled).
    Expired,
    Session(Arc<SessionAuth>),
    Token(Arc<Actor>),
}

#[derive(Clone)]
pub struct RequestState {
    pub auth: Auth,
    pub lang: Lang,
    pub csrf_token: String,
    pub origin: RequestOrigin,
    pub secure: bool,
    pub flash: Option<String>,
}

impl RequestState {
    pub fn actor(&self) -> Option<&Actor> {
        match &self.auth {
            Auth::Session(s) => Some(&s.actor),
            Auth::Token(a) => Some(a),
            Auth::Anonymous | Auth::Expired => None,
        }
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn request_id(headers: &HeaderMap) -> String {
    let given = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    given
        .map(str::to_string)
        .unwrap_or_else(|| ingot_app::secrets::random_token("")[..16].to_string())
}

/// The client's address: the peer, unless the peer is a trusted proxy; then the right-most
/// address in `X-Forwarded-For` that is not a trusted proxy. Entries to the left of that one
/// were written by the client and prove nothing.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer.to_canonical();
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded_for.iter().flat_map(|h| h.split(',')).rev() {
        let entry = entry.trim();
        let parsed = entry
            .parse::<IpAddr>()
            .ok()
            .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()));
        // Garbage where a trusted proxy should have written an address: stop at the last
        // address that is known.
        let Some(ip) = parsed.map(|ip| ip.to_canonical()) else {
            return client;
        };
        client = ip;
        if !is_trusted(&ip) {
            return ip;
        }
    }
    client
}

fn client_ip(state: &AppState, req: &Request) -> Option<String> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    Some(client_address(peer, &forwarded, &state.config.trusted_proxies).to_string())
}

async fn throttle_api(
    state: &AppState,
    origin: &RequestOrigin,
    actor: Option<&Actor>,
) -> Result<(), AppError> {
    let limits = &state.config.throttle;
    let address = origin.ip.as_deref().unwrap_or("unknown");
    let mut counts = vec![Count::new("api:address", address, &limits.api_per_address)];
    let account = actor.map(|a| a.user_id.0.to_string());
    if let Some(account) = &account {
        counts.push(Count::new("api:account", account, &limits.api_per_account));
    }
    state.api_throttle.check(&state.db, &counts).await
}

/// Counts a public objection against its client address (pages and API share the count).
pub async fn throttle_objections(state: &AppState, origin: &RequestOrigin) -> Result<(), AppError> {
    let address = origin.ip.as_deref().unwrap_or("unknown");
    let limit = &state.config.throttle.objections_per_address;
    ingot_app::throttle::check(
        &state.db,
        &[Count::new("objection:address", address, limit)],
    )
    .await
}

/// Resolves the request's `RequestState`, runs the handler, then adjusts cookies.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Static files and health checks need no session: spare them the database.
    if req.uri().path().starts_with("/assets/") || req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let headers = req.headers().clone();
    let jar = cookies::parse(&headers);
    let is_api = req.uri().path().starts_with("/api/");
    let secure = state.config.tls();
    let origin = RequestOrigin {
        ip: client_ip(&state, &req),
        user_agent: header_str(&headers, &header::USER_AGENT)
            .map(|s| s.chars().take(300).collect()),
        request_id: Some(request_id(&headers)),
        channel: if is_api { "api" } else { "web" },
        utc_offset_ms: state.config.utc_offset_ms(),
    };

    let browser_lang = jar
        .get(LANG_COOKIE)
        .and_then(|l| Lang::parse(l))
        .or_else(|| {
            header_str(&headers, &header::ACCEPT_LANGUAGE).and_then(Lang::from_accept_language)
        });
    let mut auth = Auth::Anonymous;
    if let Some(value) = header_str(&headers, &header::AUTHORIZATION) {
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "));
        let result = match token {
            Some(token) => auth::resolve_api_token(&state.db, token).await,
            None => Err(AppError::Unauthenticated {
                code: "token_invalid",
            }),
        };
        // Token-authenticated requests are counted per client address (wrong tokens too) and
        // per account; one write for both.
        let result = match result {
            Ok(actor) => throttle_api(&state, &origin, Some(&actor))
                .await
                .map(|()| actor),
            Err(e) => Err(throttle_api(&state, &origin, None).await.err().unwrap_or(e)),
        };
        match result {
            Ok(actor) => auth = Auth::Token(Arc::new(actor)),
            Err(e) => {
                // A wrong token is an error, never a silent fall-back to anonymous.
                let rs = RequestState {
                    auth: Auth::Anonymous,
                    lang: browser_lang.unwrap_or_default(),
                    csrf_token: String::new(),
                    origin,
                    secure,
                    flash: None,
                };
                let mut response = crate::error::Failure(e).into_response();
                response.extensions_mut().insert(rs);
                return response;
            }
        }
    } else if let Some(token) = jar.get(state.config.session_cookie()) {
        match auth::resolve_session(&state.db, token, state.config.session).await {
            Ok(Some(session)) => auth = Auth::Session(Arc::new(session)),
            Ok(None) => {}
            Err(AppError::Unauthenticated { .. }) => auth = Auth::Expired,
            Err(e) => {
                tracing::error!("session lookup failed: {e}");
                return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }

    let lang = match &auth {
        Auth::Session(s) => s.lang,
        _ => None,
    }
    .or(browser_lang)
    .unwrap_or_default();

    let mut new_pre_session_token = None;
    let csrf_token = match &auth {
        Auth::Session(s) => s.csrf_token.clone(),
        // Only a token this deployment made counts: one the visitor (or an attacker planting
        // the cookie) chose would otherwise pass the double-submit check.
        _ => match jar
            .get(state.config.pre_session_csrf_cookie())
            .filter(|t| ingot_app::secrets::is_signed(&state.csrf_key, t))
        {
            Some(t) => t.to_string(),
            None => {
                let t = ingot_app::secrets::signed_token(&state.csrf_key);
                new_pre_session_token = Some(t.clone());
                t
            }
        },
    };
    let flash = jar.get(FLASH_COOKIE).cloned();
    let expired = matches!(auth, Auth::Expired);
    let rs = RequestState {
        auth,
        lang,
        csrf_token,
        origin,
        secure,
        flash: flash.clone(),
    };
    if let Some(parameter) = req
        .uri()
        .query()
        .and_then(crate::nul::query_parameter_with_nul)
    {
        let mut response =
            crate::error::Failure(AppError::Validation(vec![ingot_domain::FieldError::new(
                parameter,
                "invalid_characters",
            )]))
            .into_response();
        response.extensions_mut().insert(rs);
        return response;
    }
    req.extensions_mut().insert(rs.clone());

    let mut response = next.run(req).await;
    // The outer layers (error rendering, headers) read the request's state from the response.
    response.extensions_mut().insert(rs);
    let is_redirect = response.status().is_redirection();
    let out = response.headers_mut();
    if let Some(t) = new_pre_session_token {
        let name = state.config.pre_session_csrf_cookie();
        cookies::set(out, name, &t, secure, None, "Strict");
    }
    if expired {
        cookies::clear(out, state.config.session_cookie(), secure);
    }
    // A flash message is shown once: clear it on the first page that is not itself a redirect.
    if flash.is_some() && !is_redirect {
        cookies::clear(out, FLASH_COOKIE, secure);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use crate::config::parse_trusted_proxies;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn client(peer: &str, forwarded: &[&str], trusted: &str) -> IpAddr {
        let trusted = parse_trusted_proxies(trusted).unwrap().0;
        client_address(ip(peer), forwarded, &trusted)
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        assert_eq!(client("203.0.113.9", &["1.2.3.4"], ""), ip("203.0.113.9"));
        assert_eq!(
            client("203.0.113.9", &["1.2.3.4"], "10.0.0.0/8"),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_address_is_the_client() {
        let trusted = "127.0.0.1, 10.0.0.0/8";
        // The client wrote 198.51.100.1 itself; the outer proxy added 203.0.113.9.
        assert_eq!(
            client("127.0.0.1", &["198.51.100.1, 203.0.113.9"], trusted),
            ip("203.0.113.9")
        );
        // Two proxies: the inner one (10.1.2.3) is skipped as trusted.
        assert_eq!(
            client(
                "127.0.0.1",
                &["198.51.100.1, 203.0.113.9, 10.1.2.3"],
                trusted
            ),
            ip("203.0.113.9")
        );
        // Several headers count as one list, in order.
        assert_eq!(
            client("10.0.0.1", &["198.51.100.1", "203.0.113.9"], trusted),
            ip("203.0.113.9")
        );
        // No header: the proxy itself.
        assert_eq!(client("127.0.0.1", &[], trusted), ip("127.0.0.1"));
        // Every entry trusted: the left-most.
        assert_eq!(
            client("127.0.0.1", &["10.0.0.7, 10.0.0.8"], trusted),
            ip("10.0.0.7")
        );
    }

    #[test]
    fn ports_ipv6_and_garbage() {
        let trusted = "127.0.0.1, ::1";
        assert_eq!(
            client("::1", &["[2001:db8::7]:4711"], trusted),
            ip("2001:db8::7")
        );
        assert_eq!(
            client("127.0.0.1", &["203.0.113.9:5000"], trusted),
            ip("203.0.113.9")
        );
        // An IPv4 peer seen through an IPv6 socket is still the IPv4 address.
        assert_eq!(
            client("::ffff:127.0.0.1", &["203.0.113.9"], "127.0.0.1"),
            ip("203.0.113.9")
        );
        // Garbage where a proxy should have written an address: the last known address.
        assert_eq!(
            client("127.0.0.1", &["203.0.113.9, not-an-address"], trusted),
            ip("127.0.0.1")
        );
        assert_eq!(
            client("127.0.0.1", &["not-an-address, 203.0.113.9"], trusted),
            ip("203.0.113.9")
        );
    }
}
