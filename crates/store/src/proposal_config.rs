//! Per-enterprise proposal settings: the review workflow, own categories and reward grades.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::proposal::StepConfig;
use ingot_domain::{AppError, OrgId, Role, Timestamp};

pub async fn steps(tx: &mut Tx, enterprise: OrgId) -> Result<Vec<StepConfig>> {
    let rows: Vec<(String, String, Option<i64>, i64, bool)> = tx
        .fetch_all(
            Sql::new(
                "SELECT name, role, org_id, due_days, blind FROM review_steps
                 WHERE enterprise_id = $1 ORDER BY position",
            )
            .bind(enterprise),
        )
        .await?;
    rows.into_iter()
        .map(|(name, role, org_id, due_days, blind)| {
            Ok(StepConfig {
                name,
                role: Role::parse(&role)
                    .ok_or_else(|| AppError::internal(format!("stored role {role:?}")))?,
                org_id: org_id.map(OrgId),
                due_days,
                blind,
            })
        })
        .collect()
}

pub async fn replace_steps(tx: &mut Tx, enterprise: OrgId, steps: &[StepConfig]) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM review_steps WHERE enterprise_id = $1").bind(enterprise))
        .await?;
    for (i, s) in steps.iter().enumerate() {
        tx.execute(
            Sql::new(
                "INSERT INTO review_steps (enterprise_id, position, name, role, org_id, due_days, blind)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(enterprise)
            .bind(i as i64 + 1)
            .bind(s.name.as_str())
            .bind(s.role)
            .bind(s.org_id)
            .bind(s.due_days)
            .bind(s.blind),
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

pub async fn categories(tx: &mut Tx, enterprise: OrgId) -> Result<Vec<Category>> {
    let rows: Vec<(String, String, Option<String>)> = tx
        .fetch_all(
            Sql::new(
                "SELECT code, name, name_en FROM proposal_categories WHERE enterprise_id = $1 ORDER BY code",
            )
            .bind(enterprise),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name, name_en)| Category {
            code,
            name,
            name_en,
        })
        .collect())
}

pub async fn add_category(
    tx: &mut Tx,
    enterprise: OrgId,
    c: &Category,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO proposal_categories (enterprise_id, code, name, name_en, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(enterprise)
        .bind(c.code.as_str())
        .bind(c.name.as_str())
        .bind(c.name_en.as_deref())
        .bind(now),
    )
    .await?;
    Ok(())
}

/// The enterprise's own grade amounts, where it set any.
pub async fn grades(tx: &mut Tx, enterprise: OrgId) -> Result<Vec<(String, i64)>> {
    tx.fetch_all(
        Sql::new("SELECT grade, amount_cents FROM reward_grades WHERE enterprise_id = $1")
            .bind(enterprise),
    )
    .await
}

pub async fn set_grade(tx: &mut Tx, enterprise: OrgId, grade: &str, cents: i64) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO reward_grades (enterprise_id, grade, amount_cents) VALUES ($1, $2, $3)
             ON CONFLICT (enterprise_id, grade) DO UPDATE SET amount_cents = excluded.amount_cents",
        )
        .bind(enterprise)
        .bind(grade)
        .bind(cents),
    )
    .await?;
    Ok(())
}
