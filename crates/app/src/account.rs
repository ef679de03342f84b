//! What people do to their own account: language, password, API tokens.

use crate::audit::{Change, record};
use crate::{Caller, Result, passwords, secrets};
use ingot_domain::org::Organisation;
use ingot_domain::user::{User, validate_password};
use ingot_domain::validate::Validator;
use ingot_domain::{Actor, AppError, FieldError, Lang, SessionId, Timestamp, TokenId, UserId};
use ingot_store::grants::GrantView;
use ingot_store::tokens::{self, TokenRow};
use ingot_store::{Db, Tx, sessions, users};
use std::time::Duration;

/// Who the signed-in person is: their account, their organisation and their roles.
pub struct Profile {
    pub user: User,
    pub org: Organisation,
    pub grants: Vec<GrantView>,
}

pub async fn profile(tx: &mut Tx, user: UserId) -> Result<Profile> {
    let user = users::get(tx, user).await?.ok_or_else(users::not_found)?;
    let org = ingot_store::orgs::get(tx, user.org_id)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    let grants = ingot_store::grants::views_of_user(tx, user.id).await?;
    Ok(Profile { user, org, grants })
}

/// One's interface language.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LangBody)]
pub struct LangInput {
    /// `zh`, `en`, or null to follow the browser.
    #[serde(default)]
    pub lang: Option<Lang>,
}

pub async fn set_lang(
    tx: &mut Tx,
    caller: &Caller<'_>,
    actor: &Actor,
    lang: Option<Lang>,
) -> Result<()> {
    users::set_lang(tx, actor.user_id, lang, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("user.set_language", "user", actor.user_id.0)
            .label(&actor.username)
            .org(actor.org_id)
            .after(&serde_json::json!({ "lang": lang })),
    )
    .await
}

/// One's own new password, with the current one.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PasswordChangeBody)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
    /// The new password typed again (forms); left out, the new password stands alone.
    #[serde(default)]
    pub confirm_password: Option<String>,
}

/// A new API token of one's own.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateTokenBody)]
pub struct TokenInput {
    pub name: String,
    /// Days until the token expires, 1 to 365 (90 when left out).
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// Changes one's own password after checking the current one; every other session ends and
/// every API token is revoked (a thief's session or token must not outlive the change).
pub async fn change_password(
    db: &Db,
    caller: &Caller<'_>,
    actor: &Actor,
    keep: Option<SessionId>,
    input: &PasswordChangeInput,
) -> Result<()> {
    let (current, new) = (input.current_password.as_str(), input.new_password.as_str());
    let confirm = input.confirm_password.as_deref().unwrap_or(new);
    let mut v = Validator::new();
    validate_password(&mut v, "new_password", new, &actor.username);
    if new != confirm {
        v.add(FieldError::new("confirm_password", "passwords_differ"));
    }
    if current == new {
        v.add(FieldError::new("new_password", "password_unchanged"));
    }
    v.finish()?;
    let stored = {
        let mut tx = db.read().await?;
        users::password_hash(&mut tx, actor.user_id).await?
    };
    if !passwords::verify(current.to_string(), stored).await? {
        let mut tx = db.begin().await?;
        record(
            &mut tx,
            caller,
            Change::new("user.change_password_failed", "user", actor.user_id.0)
                .label(&actor.username)
                .org(actor.org_id),
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::field("current_password", "wrong_password"));
    }
    let hash = passwords::hash(new.to_string()).await?;
    let mut tx = db.begin().await?;
    let now = Timestamp::now();
    users::set_password(&mut tx, actor.user_id, &hash, now).await?;
    let ended = sessions::delete_for_user(&mut tx, actor.user_id, keep).await?;
    let revoked = tokens::revoke_all_of_user(&mut tx, actor.user_id, now).await?;
    record(
        &mut tx,
        caller,
        Change::new("user.change_password", "user", actor.user_id.0)
            .label(&actor.username)
            .org(actor.org_id)
            .after(
                &serde_json::json!({ "other_sessions_ended": ended, "tokens_revoked": revoked }),
            ),
    )
    .await?;
    tx.commit().await
}

/// How long an API token lives unless its maker says otherwise, and at most.
pub const TOKEN_DEFAULT_DAYS: i64 = 90;
pub const TOKEN_MAX_DAYS: i64 = 365;

/// A new token with the default lifetime; the secret is returned once and only its digest is
/// kept.
pub async fn create_token(
    tx: &mut Tx,
    caller: &Caller<'_>,
    owner: UserId,
    name: &str,
) -> Result<(TokenRow, String)> {
    let input = TokenInput {
        name: name.to_string(),
        expires_in_days: None,
    };
    create_token_expiring(tx, caller, owner, &input).await
}

/// A new token that expires after `expires_in_days` (1 to 365; 90 when not given).
pub async fn create_token_expiring(
    tx: &mut Tx,
    caller: &Caller<'_>,
    owner: UserId,
    input: &TokenInput,
) -> Result<(TokenRow, String)> {
    let (name, expires_in_days) = (input.name.as_str(), input.expires_in_days);
    if let Some(actor) = caller.actor()
        && actor.user_id != owner
    {
        return Err(AppError::forbidden());
    }
    let mut v = Validator::new();
    let name = v.required_text("name", name, 100);
    let days = expires_in_days.unwrap_or(TOKEN_DEFAULT_DAYS);
    if !(1..=TOKEN_MAX_DAYS).contains(&days) {
        v.add(
            FieldError::new("expires_in_days", "number_out_of_range")
                .with("min", 1)
                .with("max", TOKEN_MAX_DAYS),
        );
    }
    v.finish()?;
    let user = users::get(tx, owner).await?.ok_or_else(users::not_found)?;
    let secret = secrets::random_token("ingot_");
    let prefix: String = secret.chars().take(12).collect();
    let now = Timestamp::now();
    let expires_at = now.plus(Duration::from_secs(days as u64 * 24 * 3600));
    let id = tokens::insert(
        tx,
        &tokens::NewToken {
            user: owner,
            name: &name,
            hash: &secrets::digest(&secret),
            prefix: &prefix,
            expires_at,
        },
        now,
    )
    .await?;
    let row = tokens::get(tx, id)
        .await?
        .ok_or_else(|| AppError::internal("inserted token vanished"))?;
    record(
        tx,
        caller,
        Change::new("token.create", "api_token", id.0)
            .label(&name)
            .org(user.org_id)
            .after(&serde_json::json!({
                "name": name, "prefix": prefix, "user_id": owner, "expires_at": expires_at,
            })),
    )
    .await?;
    Ok((row, secret))
}

pub async fn list_tokens(tx: &mut Tx, owner: UserId) -> Result<Vec<TokenRow>> {
    tokens::of_user(tx, owner).await
}

/// Revokes one's own token.
pub async fn revoke_token(
    tx: &mut Tx,
    caller: &Caller<'_>,
    owner: UserId,
    id: TokenId,
) -> Result<()> {
    let row = tokens::get(tx, id)
        .await?
        .filter(|t| t.user_id == owner.0)
        .ok_or_else(|| AppError::not_found("api_token"))?;
    if row.revoked_at.is_some() {
        return Err(AppError::conflict("token_already_revoked"));
    }
    let user = users::get(tx, owner).await?.ok_or_else(users::not_found)?;
    tokens::revoke(tx, id, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("token.revoke", "api_token", id.0)
            .label(&row.name)
            .org(user.org_id)
            .before(&serde_json::json!({
                "name": row.name, "prefix": row.prefix, "user_id": owner,
            })),
    )
    .await
}
