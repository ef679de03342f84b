//! `ingot generate`: a seeded, deterministic country for benchmarks and sizing. The same seed
//! and size make the same organisations, people and proposals on either database. Work is done
//! in parts (the tree, people a few thousand enterprises at a time, proposals twenty thousand at
//! a time), each one transaction that also records the part as finished, so a stopped run
//! resumes where it stopped and a repeated run adds nothing.

mod names;
mod people;
mod proposals;
mod records;
pub mod scale;
mod texts;
mod tree;

pub use people::admin_username;
pub use scale::{Scale, Sizes};

use ingot_domain::audit::RequestOrigin;
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use ingot_domain::{AppError, Timestamp};
use ingot_store::audit::{self, AuditRecord};
use ingot_store::{Db, Result, Tx, changes, generated};
use people::{Batch, Staff};
use proposals::{Enterprise, PartSpec};
use rand::{RngExt, SeedableRng};
use rand_xorshift::XorShiftRng;
use std::time::Instant;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub sizes: Sizes,
    pub first_year: i32,
    /// The hash every generated account signs in with (hashed once by the caller).
    pub password_hash: String,
    /// Whether to write duplicate-check signatures (56 band rows per proposal).
    pub signatures: bool,
    pub proposals_per_part: usize,
}

/// Told what is being done, for a progress bar.
pub trait Progress: Sync {
    fn stage(&self, name: &str, total: u64);
    fn advance(&self, done: u64);
}

/// Progress nobody watches.
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub organisations: usize,
    pub people_written: i64,
    pub proposals_written: u64,
    pub studios_written: i64,
    pub achievements_written: i64,
    pub patents_written: i64,
    pub parts_written: usize,
    pub parts_already_done: usize,
}

/// Enterprises per people part.
const ENTERPRISES_PER_PART: usize = 2_000;

/// Codes of generated organisations start with this; usernames with its lower case.
pub fn namespace(seed: u64) -> String {
    format!("G{seed}")
}

struct Run<'a> {
    db: &'a Db,
    options: &'a Options,
    ns: String,
    report: Report,
}

impl Run<'_> {
    fn part(&self, name: &str) -> String {
        format!("{}/{name}", self.ns)
    }

    /// Runs `write` in one transaction with the part's marker, unless the part is finished.
    async fn once<F>(&mut self, name: &str, write: F) -> Result<bool>
    where
        F: AsyncFnOnce(&mut Tx) -> Result<i64>,
    {
        let part = self.part(name);
        let mut tx = self.db.begin().await?;
        if generated::finished(&mut tx, &part).await?.is_some() {
            tx.rollback().await?;
            self.report.parts_already_done += 1;
            return Ok(false);
        }
        let rows = write(&mut tx).await?;
        generated::finish(
            &mut tx,
            &part,
            self.options.seed as i64,
            rows,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        self.report.parts_written += 1;
        Ok(true)
    }
}

pub async fn generate(db: &Db, options: &Options, progress: &dyn Progress) -> Result<Report> {
    let started = Instant::now();
    let ns = namespace(options.seed);
    let user_ns = ns.to_ascii_lowercase();
    let mut run = Run {
        db,
        options,
        ns: ns.clone(),
        report: Report::default(),
    };
    let at = Date {
        year: options.first_year,
        month: 1,
        day: 1,
    }
    .start(CHINA_STANDARD_OFFSET_MS);
    let plan = tree::plan(&ns, &options.sizes);
    let weights = enterprise_weights(options.seed, plan.enterprises.len());
    run.report.organisations = plan.orgs.len();

    progress.stage("organisations", plan.orgs.len() as u64);
    let planned = plan.orgs.len() as i64;
    run.once("orgs", async |tx| {
        tree::write(tx, &plan, at).await?;
        Ok(planned)
    })
    .await?;
    let mut tx = db.read().await?;
    let recorded = generated::finished(&mut tx, &run.part("orgs")).await?;
    let ids = tree::ids(&mut tx, &ns, &plan).await;
    tx.rollback().await?;
    let ids = ids.map_err(|_| {
        AppError::internal(format!(
            "seed {} was generated before at another size (recorded: {recorded:?}); choose another --seed",
            options.seed
        ))
    })?;
    progress.advance(plan.orgs.len() as u64);

    progress.stage("people", plan.enterprises.len() as u64);
    let hash = options.password_hash.as_str();
    let mut federation_admins = 0;
    run.once("people/federations", async |tx| {
        let mut batch = Batch::open(tx, hash, at).await?;
        people::federations(&mut batch, &plan, &ids, &user_ns);
        federation_admins = batch.write(tx).await?;
        Ok(federation_admins)
    })
    .await?;
    run.report.people_written += federation_admins;
    for (k, block) in plan.enterprises.chunks(ENTERPRISES_PER_PART).enumerate() {
        let first = k * ENTERPRISES_PER_PART;
        let mut written = 0;
        run.once(&format!("people/{k}"), async |tx| {
            let mut batch = Batch::open(tx, hash, at).await?;
            for (i, slots) in block.iter().enumerate() {
                let e = first + i;
                people::enterprise_staff(&mut batch, (e, slots, weights[e]), &ids, &user_ns);
            }
            written = batch.write(tx).await?;
            Ok(written)
        })
        .await?;
        run.report.people_written += written;
        progress.advance(block.len() as u64);
    }

    let enterprises = load_enterprises(db, &plan, &ids, &user_ns).await?;
    let mut cumulative = Vec::with_capacity(weights.len());
    let mut sum = 0u64;
    for w in &weights {
        sum += u64::from(*w);
        cumulative.push(sum);
    }
    let total = options.sizes.proposals();
    progress.stage("proposals", total);
    let per_part = options.proposals_per_part.max(1);
    for y in 0..options.sizes.years {
        let year = options.first_year + y as i32;
        let parts = (options.sizes.proposals_a_year as usize).div_ceil(per_part);
        for p in 0..parts {
            let count = per_part.min(options.sizes.proposals_a_year as usize - p * per_part);
            let spec = PartSpec {
                year,
                seed: part_seed(options.seed, year, p),
                count,
            };
            let wrote = run
                .once(&format!("proposals/{year}/{p}"), async |tx| {
                    let n = proposals::write_part(
                        tx,
                        &spec,
                        &enterprises,
                        &cumulative,
                        options.signatures,
                    )
                    .await?;
                    Ok(n as i64)
                })
                .await?;
            if wrote {
                run.report.proposals_written += count as u64;
            }
            progress.advance(count as u64);
        }
    }
    write_studios_and_records(&mut run, &plan, &ids, &enterprises, progress).await?;
    if run.report.parts_written > 0 {
        let mut tx = db.begin().await?;
        // Running servers rebuild their full-text index from the database when they see this.
        changes::record(
            &mut tx,
            changes::REBUILD_MARKER,
            0,
            "upsert",
            Timestamp::now(),
        )
        .await?;
        let after = serde_json::json!({
            "seed": options.seed,
            "proposals_a_year": options.sizes.proposals_a_year,
            "years": options.sizes.years,
            "first_year": options.first_year,
            "parts_written": run.report.parts_written,
            "proposals_written": run.report.proposals_written,
            "seconds": started.elapsed().as_secs(),
        });
        audit::append(
            &mut tx,
            &AuditRecord {
                at: Timestamp::now(),
                actor: None,
                actor_label: "ingot generate",
                origin: &RequestOrigin::cli(),
                action: "generate",
                object_type: "generated_data",
                object_id: None,
                object_label: Some(&ns),
                org_id: ids.first().copied().map(ingot_domain::OrgId),
                before: None,
                after: Some(after.to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        ingot_store::bulk::refresh_statistics(db).await?;
    }
    Ok(run.report)
}

/// Studios and records, a block of enterprises at a time: the studios of a block in one part,
/// its records of each year in another, so that adding a year adds only that year's records.
async fn write_studios_and_records(
    run: &mut Run<'_>,
    plan: &tree::Plan,
    ids: &[i64],
    enterprises: &[Enterprise],
    progress: &dyn Progress,
) -> Result<()> {
    let namers = records::namers(plan, ids);
    let names: Vec<String> = plan
        .enterprises
        .iter()
        .map(|slots| plan.orgs[slots[0]].name.clone())
        .collect();
    let (seed, first_year, years) = (
        run.options.seed,
        run.options.first_year,
        run.options.sizes.years,
    );
    progress.stage("studios and records", enterprises.len() as u64);
    for (k, chunk) in enterprises.chunks(ENTERPRISES_PER_PART).enumerate() {
        let first = k * ENTERPRISES_PER_PART;
        let block = records::Block {
            first,
            enterprises: chunk,
            namers: &namers[first..first + chunk.len()],
            names: &names[first..first + chunk.len()],
        };
        let mut studios = 0;
        run.once(&format!("studios/{k}"), async |tx| {
            studios = records::write_studios(tx, &block, seed, first_year).await?;
            Ok(studios)
        })
        .await?;
        run.report.studios_written += studios;
        for y in 0..years {
            let year = first_year + y as i32;
            let mut written = records::RecordsWritten::default();
            run.once(&format!("records/{year}/{k}"), async |tx| {
                written = records::write_records(tx, &block, seed, year).await?;
                Ok(written.achievements + written.patents)
            })
            .await?;
            run.report.achievements_written += written.achievements;
            run.report.patents_written += written.patents;
        }
        progress.advance(chunk.len() as u64);
    }
    Ok(())
}

/// Each enterprise's weight, 1 to 4: how many staff it has and how much it proposes.
fn enterprise_weights(seed: u64, count: usize) -> Vec<u32> {
    let mut rng = XorShiftRng::seed_from_u64(seed ^ 0x5745_4947_4854);
    (0..count).map(|_| rng.random_range(1..=4)).collect()
}

fn part_seed(seed: u64, year: i32, part: usize) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ ((year as u64) << 32) ^ part as u64
}

/// The enterprises with their staff, read back from the database.
async fn load_enterprises(
    db: &Db,
    plan: &tree::Plan,
    ids: &[i64],
    user_ns: &str,
) -> Result<Vec<Enterprise>> {
    let mut staff: Vec<Vec<(usize, Staff)>> = vec![Vec::new(); plan.enterprises.len()];
    let mut tx = db.read().await?;
    let rows = generated::users_by_name(&mut tx, &format!("{user_ns}.e")).await?;
    tx.rollback().await?;
    for (user_id, org_id, username) in rows {
        if let Some((e, k)) = people::parse_staff(user_ns, &username)
            && e < staff.len()
        {
            staff[e].push((
                k,
                Staff {
                    user_id,
                    unit_id: org_id,
                },
            ));
        }
    }
    plan.enterprises
        .iter()
        .zip(staff)
        .map(|(slots, mut people)| {
            people.sort_by_key(|(k, _)| *k);
            let org = &plan.orgs[slots[0]];
            if people.len() < 3 {
                return Err(AppError::internal(format!(
                    "generated enterprise {} has {} staff",
                    org.code,
                    people.len()
                )));
            }
            Ok(Enterprise {
                id: ids[slots[0]],
                code: org.code.clone(),
                staff: people.into_iter().map(|(_, s)| s).collect(),
                branch_names: slots[1..]
                    .iter()
                    .map(|b| plan.orgs[*b].name.clone())
                    .collect(),
            })
        })
        .collect()
}
