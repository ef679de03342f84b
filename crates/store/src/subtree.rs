//! What the tallies kept per organisation subtree share (the audit tally, the organisation
//! tally): an organisation's rows count its whole subtree, so when a subtree moves or goes,
//! what its root counts leaves the organisations above its old place and joins those above its
//! new one. Those above both keep it.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::{OrgId, OrgPath};

/// Moves what `org` counts from the organisations above `old` to those above `new` (`None`:
/// it is gone). `shift` is the tally's statement that adds `$2` times organisation `$3`'s rows
/// to organisation `$1`'s.
pub async fn move_counted(
    tx: &mut Tx,
    shift: &'static str,
    org: OrgId,
    old: &OrgPath,
    new: Option<&OrgPath>,
) -> Result<()> {
    let before = old.ids();
    let after = new.map(OrgPath::ids).unwrap_or_default();
    let leaving = before.iter().filter(|h| **h != org && !after.contains(h));
    let joining = after.iter().filter(|h| **h != org && !before.contains(h));
    for (holder, sign) in leaving.map(|h| (h, -1i64)).chain(joining.map(|h| (h, 1))) {
        tx.execute(Sql::new(shift).bind(*holder).bind(sign).bind(org))
            .await?;
    }
    Ok(())
}
