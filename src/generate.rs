//! `ingot generate`: its arguments, the progress bar, and the summary it prints.

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use ingot_generate::{Options, Progress, Scale, Sizes};
use ingot_store::Db;
use std::sync::Mutex;
use std::time::Instant;

#[derive(clap::Args)]
pub struct GenerateArgs {
    /// district, city, province or national: about 10 thousand, 100 thousand, 1 million or
    /// 10 million proposals a year, with organisations and people in proportion.
    #[arg(long, default_value = "district", value_parser = parse_scale)]
    scale: Scale,
    /// Proposals a year instead of the scale's (organisations and people follow).
    #[arg(long)]
    proposals: Option<u64>,
    #[arg(long, default_value_t = 1)]
    years: u32,
    #[arg(long, default_value_t = 2025)]
    first_year: i32,
    /// The same seed makes the same country; organisation codes start with G<seed>.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The password of every generated account (the national administrator is g<seed>.admin).
    #[arg(long, env = "INGOT_GENERATE_PASSWORD", hide_env_values = true)]
    password: String,
    /// Leave out duplicate-check signatures (faster; `ingot reindex` makes them later).
    #[arg(long)]
    no_signatures: bool,
    #[arg(long, default_value_t = 20_000)]
    proposals_per_part: usize,
}

fn parse_scale(s: &str) -> Result<Scale, String> {
    Scale::parse(s).ok_or_else(|| format!("{s}: expected district, city, province or national"))
}

/// A bar per stage on the terminal; nothing when the output is not a terminal.
struct Bar(Mutex<Option<ProgressBar>>);

impl Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        let mut slot = self.0.lock().expect("progress lock");
        if let Some(done) = slot.take() {
            done.finish();
        }
        let bar = ProgressBar::new(total).with_message(name.to_string());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>13} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        *slot = Some(bar);
    }

    fn advance(&self, done: u64) {
        if let Some(bar) = self.0.lock().expect("progress lock").as_ref() {
            bar.inc(done);
        }
    }
}

pub async fn run(db: &Db, args: GenerateArgs) -> Result<()> {
    if args.password.chars().count() < ingot_domain::user::PASSWORD_MIN {
        bail!(
            "--password: at least {} characters",
            ingot_domain::user::PASSWORD_MIN
        );
    }
    let a_year = args.proposals.unwrap_or(args.scale.proposals_a_year());
    let options = Options {
        seed: args.seed,
        sizes: Sizes::new(a_year, args.years),
        first_year: args.first_year,
        password_hash: ingot_app::passwords::hash(args.password).await?,
        signatures: !args.no_signatures,
        proposals_per_part: args.proposals_per_part,
    };
    let started = Instant::now();
    let bar = Bar(Mutex::new(None));
    let report = ingot_generate::generate(db, &options, &bar).await?;
    if let Some(done) = bar.0.lock().expect("progress lock").take() {
        done.finish();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Generated {} proposals and {} people under {} organisations, {} studios, {} achievements and {} patents in {seconds:.1} s ({:.0} proposals/s); {} parts written, {} already there.",
        report.proposals_written,
        report.people_written,
        report.organisations,
        report.studios_written,
        report.achievements_written,
        report.patents_written,
        report.proposals_written as f64 / seconds.max(0.001),
        report.parts_written,
        report.parts_already_done,
    );
    if db.backend() == ingot_store::Backend::Postgres {
        // The generator queued everything it wrote for the database's index (by the marker
        // that also tells in-memory indexes to rebuild): indexed now, with whatever else is
        // queued, before anyone measures a search.
        let started = Instant::now();
        let search = ingot_app::search::SearchService::build(db, 8 * 3_600_000).await?;
        let indexed = search.index_all_queued(db).await?;
        ingot_store::bulk::refresh_statistics(db).await?;
        println!(
            "Indexed {indexed} records for search in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "Sign in as {} with the password given.",
        ingot_generate::admin_username(&ingot_generate::namespace(args.seed).to_ascii_lowercase())
    );
    Ok(())
}
