//! The organisation tree: a national federation, provinces, cities, districts, enterprises and
//! each enterprise's two workshops or departments. The plan is a pure function of the sizes;
//! ids come from the database when the tree is written, and from the codes when a later run
//! resumes.

use crate::names;
use crate::scale::Sizes;
use ingot_domain::{OrgKind, OrgPath, Timestamp};
use ingot_store::bulk::{self, Rows};
use ingot_store::org_tally::{self, Delta};
use ingot_store::{Arg, Result, Tx, generated};
use std::collections::HashMap;

/// Branches per enterprise.
pub const BRANCHES: usize = 2;

#[derive(Debug, Clone)]
pub struct PlannedOrg {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// Index of the parent in the plan.
    pub parent: Option<usize>,
}

/// The plan, parents before children, and where each enterprise and its branches stand in it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub orgs: Vec<PlannedOrg>,
    /// Per enterprise: its own index, then its branches'.
    pub enterprises: Vec<[usize; 1 + BRANCHES]>,
}

/// Spreads `count` children over `parents` in contiguous blocks: child `i`'s parent.
fn block(i: usize, count: usize, parents: usize) -> usize {
    i * parents / count
}

pub fn plan(ns: &str, sizes: &Sizes) -> Plan {
    let mut orgs = vec![PlannedOrg {
        code: ns.to_string(),
        name: format!("全国总工会（生成数据 {ns}）"),
        kind: OrgKind::National,
        parent: None,
    }];
    let mut push = |code: String, name: String, kind, parent| {
        orgs.push(PlannedOrg {
            code,
            name,
            kind,
            parent: Some(parent),
        });
        orgs.len() - 1
    };
    let provinces: Vec<usize> = (0..sizes.provinces)
        .map(|p| {
            push(
                format!("{ns}.P{p}"),
                names::province(p),
                OrgKind::Province,
                0,
            )
        })
        .collect();
    let cities: Vec<usize> = (0..sizes.cities)
        .map(|c| {
            let parent = provinces[block(c, sizes.cities, sizes.provinces)];
            push(format!("{ns}.C{c}"), names::city(c), OrgKind::City, parent)
        })
        .collect();
    let districts: Vec<usize> = (0..sizes.districts)
        .map(|d| {
            let parent = cities[block(d, sizes.districts, sizes.cities)];
            push(
                format!("{ns}.D{d}"),
                names::district(d),
                OrgKind::District,
                parent,
            )
        })
        .collect();
    let mut enterprises = Vec::with_capacity(sizes.enterprises);
    let mut first_in_district = HashMap::new();
    for e in 0..sizes.enterprises {
        let d = block(e, sizes.enterprises, sizes.districts);
        let sibling = e - *first_in_district.entry(d).or_insert(e);
        let code = format!("{ns}.E{e}");
        let own = push(
            code.clone(),
            names::enterprise(sibling, d),
            OrgKind::Enterprise,
            districts[d],
        );
        let mut entry = [own; 1 + BRANCHES];
        for (b, slot) in entry.iter_mut().skip(1).enumerate() {
            let name = names::BRANCHES[(e + b * 3) % names::BRANCHES.len()].to_string();
            *slot = push(format!("{code}.B{b}"), name, OrgKind::Branch, own);
        }
        enterprises.push(entry);
    }
    Plan { orgs, enterprises }
}

/// Writes the plan's organisations with ids of their own and returns them, by plan index.
pub async fn write(tx: &mut Tx, plan: &Plan, at: Timestamp) -> Result<Vec<i64>> {
    const COLUMNS: &[&str] = &[
        "id",
        "parent_id",
        "code",
        "name",
        "name_en",
        "kind",
        "path",
        "archived_at",
        "created_at",
        "updated_at",
    ];
    let first = bulk::next_id(tx, "organisations").await?;
    let ids: Vec<i64> = (0..plan.orgs.len() as i64).map(|i| first + i).collect();
    let mut paths: Vec<String> = Vec::with_capacity(plan.orgs.len());
    let mut rows = Rows::new("organisations", COLUMNS);
    for (i, o) in plan.orgs.iter().enumerate() {
        let path = match o.parent {
            Some(p) => format!("{}{}/", paths[p], ids[i]),
            None => format!("/{}/", ids[i]),
        };
        rows.push([
            ids[i].into(),
            o.parent.map(|p| ids[p]).into(),
            o.code.as_str().into(),
            o.name.as_str().into(),
            Arg::Text(None),
            o.kind.into(),
            path.as_str().into(),
            Arg::Int(None),
            at.into(),
            at.into(),
        ]);
        paths.push(path);
    }
    bulk::write(tx, &rows).await?;
    bulk::sync_identity(tx, "organisations").await?;
    let paths: Vec<OrgPath> = paths.into_iter().map(OrgPath::from_stored).collect();
    let deltas: Vec<Delta<'_>> = plan
        .orgs
        .iter()
        .zip(&paths)
        .map(|(o, path)| Delta {
            path,
            metric: o.kind.as_str(),
            by: 1,
        })
        .collect();
    org_tally::apply(tx, &deltas).await?;
    Ok(ids)
}

/// The ids of a plan written by an earlier run, found by code.
pub async fn ids(tx: &mut Tx, ns: &str, plan: &Plan) -> Result<Vec<i64>> {
    let by_code: HashMap<String, i64> = generated::orgs_by_code(tx, ns)
        .await?
        .into_iter()
        .map(|(id, code, _)| (code, id))
        .collect();
    plan.orgs
        .iter()
        .map(|o| {
            by_code.get(&o.code).copied().ok_or_else(|| {
                ingot_domain::AppError::internal(format!(
                    "generated organisation {} is missing; its part was recorded as finished",
                    o.code
                ))
            })
        })
        .collect()
}
