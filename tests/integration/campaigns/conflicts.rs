//! Conflicts of interest in a campaign, worked out from the database's rows: the test's oracle
//! for the assignment, written without the application's rules.

use crate::support::TestApp;
use ingot_store::Sql;
use std::collections::{HashMap, HashSet};

/// Conflicts of interest in a campaign, worked out from the organisation tree, the records'
/// completers and the recorded conflicts, independently of the application's own rules.
pub struct Conflicts {
    parent: HashMap<i64, Option<i64>>,
    enterprise: HashSet<i64>,
    unit_of_user: HashMap<i64, i64>,
    /// Per declaration: its unit, the people who completed its record, its first completer.
    declarations: HashMap<i64, (i64, HashSet<i64>, Option<i64>)>,
    /// Per achievement, its completers.
    teams: Vec<HashSet<i64>>,
    recorded: HashSet<(i64, i64)>,
    /// How many (panel expert, accepted declaration) pairs conflict.
    pub pairs: usize,
}

impl Conflicts {
    pub async fn of(app: &TestApp, campaign: i64) -> Conflicts {
        let mut tx = app.db.read().await.unwrap();
        let orgs: Vec<(i64, Option<i64>, String)> = tx
            .fetch_all(Sql::new("SELECT id, parent_id, kind FROM organisations"))
            .await
            .unwrap();
        let users: Vec<(i64, i64)> = tx
            .fetch_all(Sql::new("SELECT id, org_id FROM users"))
            .await
            .unwrap();
        let completers: Vec<(i64, i64)> = tx
            .fetch_all(Sql::new(
                "SELECT achievement_id, user_id FROM achievement_completers",
            ))
            .await
            .unwrap();
        let declarations: Vec<(i64, String, i64, i64, Option<i64>)> = tx
            .fetch_all(
                Sql::new(
                    "SELECT id, record_type, record_id, unit_id, first_completer_id FROM declarations
                     WHERE campaign_id = $1 AND status = 'accepted'",
                )
                .bind(campaign),
            )
            .await
            .unwrap();
        let recorded: Vec<(i64, i64)> = tx
            .fetch_all(
                Sql::new(
                    "SELECT user_id, declaration_id FROM expert_conflicts WHERE campaign_id = $1",
                )
                .bind(campaign),
            )
            .await
            .unwrap();
        let panel: Vec<(i64,)> = tx
            .fetch_all(
                Sql::new("SELECT user_id FROM campaign_experts WHERE campaign_id = $1")
                    .bind(campaign),
            )
            .await
            .unwrap();
        let mut teams: HashMap<i64, HashSet<i64>> = HashMap::new();
        for (achievement, user) in completers {
            teams.entry(achievement).or_default().insert(user);
        }
        let mut this = Conflicts {
            parent: orgs.iter().map(|o| (o.0, o.1)).collect(),
            enterprise: orgs
                .iter()
                .filter(|o| o.2 == "enterprise")
                .map(|o| o.0)
                .collect(),
            unit_of_user: users.into_iter().collect(),
            declarations: declarations
                .into_iter()
                .map(|(id, kind, record, unit, first)| {
                    let team = match kind.as_str() {
                        "achievement" => teams.get(&record).cloned().unwrap_or_default(),
                        _ => first.into_iter().collect(),
                    };
                    (id, (unit, team, first))
                })
                .collect(),
            teams: teams.into_values().collect(),
            recorded: recorded.into_iter().collect(),
            pairs: 0,
        };
        this.pairs = panel
            .iter()
            .flat_map(|(e,)| this.declarations.keys().map(move |d| (*e, *d)))
            .filter(|(e, d)| this.between(*e, *d).is_some())
            .count();
        this
    }

    /// The unit and every unit above it, nearest first.
    fn chain(&self, unit: i64) -> Vec<i64> {
        let mut chain = vec![unit];
        while let Some(Some(up)) = self.parent.get(chain.last().unwrap()) {
            chain.push(*up);
        }
        chain
    }

    /// The enterprise group: the topmost enterprise at or above the unit.
    fn group(&self, unit: i64) -> Option<i64> {
        self.chain(unit)
            .into_iter()
            .rev()
            .find(|o| self.enterprise.contains(o))
    }

    pub fn between(&self, expert: i64, declaration: i64) -> Option<&'static str> {
        let (unit, team, first) = &self.declarations[&declaration];
        let home = self.unit_of_user[&expert];
        if self.chain(*unit).contains(&home) || self.chain(home).contains(unit) {
            return Some("same unit");
        }
        if self.group(home).is_some() && self.group(home) == self.group(*unit) {
            return Some("same enterprise group");
        }
        if team.contains(&expert) {
            return Some("completer");
        }
        if first.is_some_and(|f| {
            self.teams
                .iter()
                .any(|t| t.contains(&f) && t.contains(&expert))
        }) {
            return Some("worked with the first completer");
        }
        if self.recorded.contains(&(expert, declaration)) {
            return Some("recorded");
        }
        None
    }
}
