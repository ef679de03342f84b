//! `ingot`: the command line. Each subcommand parses its arguments and calls the crates.

mod directory;
mod generate;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use ingot_app::throttle::{Limit, ThrottlePolicy};
use ingot_app::{Caller, account, demo, users};
use ingot_domain::audit::RequestOrigin;
use ingot_domain::time::Date;
use ingot_domain::{AppError, Role, Timestamp};
use ingot_store::{Db, DbOptions, orgs as org_store, users as user_store};
use ingot_web::{AppState, Config, Limits, SecureCookies, TrustedProxies};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

// A request allocates and frees about a thousand small blocks (rows, strings, boxed futures);
// under callgrind glibc's malloc and free were a fifth of a proposal page's instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "ingot",
    version,
    about = "Workplace technological-innovation programmes"
)]
struct Cli {
    /// `sqlite://FILE` (the default, created on first use) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://ingot.db",
        global = true,
        hide_env_values = true
    )]
    database_url: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web application and its JSON API.
    Serve(Box<ServeArgs>),
    /// Load the demo data set (idempotent).
    Demo {
        /// Give every demo account a new password (printed).
        #[arg(long)]
        reset_passwords: bool,
    },
    /// Fill the database with a generated country of organisations, people and proposals, for
    /// benchmarks and sizing (resumable; running it again adds nothing).
    Generate(generate::GenerateArgs),
    /// Bring the database schema up to date (also done by every other command).
    Migrate,
    /// Manage people.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent copy of the live database to FILE.
    Backup { file: PathBuf },
    /// Expert assignment from CSV files.
    Assign {
        #[command(subcommand)]
        command: AssignCommand,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Make the daily notification digests of a day (yesterday by default). Servers also do
    /// this by themselves every hour; running it again changes nothing.
    Digest {
        /// YYYY-MM-DD
        #[arg(long)]
        day: Option<String>,
        #[arg(
            long,
            env = "INGOT_UTC_OFFSET_MINUTES",
            default_value_t = 480,
            allow_negative_numbers = true
        )]
        utc_offset_minutes: i32,
        /// With an SMTP server configured, the digests made are e-mailed (by the servers).
        #[arg(long, env = "INGOT_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
    },
    /// The file store.
    Files {
        #[command(subcommand)]
        command: FilesCommand,
    },
    /// Recompute every proposal's duplicate-check signature from the database and make every
    /// running server rebuild its full-text index.
    Reindex {
        #[arg(
            long,
            env = "INGOT_UTC_OFFSET_MINUTES",
            default_value_t = 480,
            allow_negative_numbers = true
        )]
        utc_offset_minutes: i32,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    #[arg(long, env = "INGOT_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Load the demo data before starting.
    #[arg(long)]
    demo: bool,
    /// Reverse proxies in front of Ingot, as addresses or CIDR blocks separated by commas
    /// (e.g. `127.0.0.1,10.0.0.0/8`). The client is the right-most X-Forwarded-For address that
    /// is not one of them; with none, the peer's address (X-Forwarded-For is ignored).
    #[arg(long, env = "INGOT_TRUSTED_PROXIES", default_value = "", value_parser = ingot_web::parse_trusted_proxies)]
    trusted_proxies: TrustedProxies,
    /// The address people use, e.g. https://ingot.example.cn/. When it starts with https://,
    /// the session cookie is `__Host-ingot_session` with Secure, and HSTS is sent.
    #[arg(long, env = "INGOT_PUBLIC_URL")]
    public_url: Option<String>,
    /// TLS for cookies and HSTS: from the public URL (auto), or forced on or off.
    #[arg(long, env = "INGOT_SECURE_COOKIES", value_enum, default_value = "auto")]
    secure_cookies: SecureCookiesArg,
    /// Sign-in attempts per client address, as COUNT/SECONDS (`off` for none).
    #[arg(long, env = "INGOT_SIGN_IN_LIMIT_PER_ADDRESS", default_value = "60/600", value_parser = Limit::parse)]
    sign_in_limit_per_address: Limit,
    /// Sign-in attempts per username, as COUNT/SECONDS.
    #[arg(long, env = "INGOT_SIGN_IN_LIMIT_PER_ACCOUNT", default_value = "20/600", value_parser = Limit::parse)]
    sign_in_limit_per_account: Limit,
    /// Token-authenticated API requests per client address, as COUNT/SECONDS.
    #[arg(long, env = "INGOT_API_LIMIT_PER_ADDRESS", default_value = "1200/60", value_parser = Limit::parse)]
    api_limit_per_address: Limit,
    /// Token-authenticated API requests per account, as COUNT/SECONDS.
    #[arg(long, env = "INGOT_API_LIMIT_PER_ACCOUNT", default_value = "600/60", value_parser = Limit::parse)]
    api_limit_per_account: Limit,
    /// Public objections per client address, as COUNT/SECONDS.
    #[arg(long, env = "INGOT_OBJECTION_LIMIT_PER_ADDRESS", default_value = "10/3600", value_parser = Limit::parse)]
    objection_limit_per_address: Limit,
    /// The deployment's time zone, minutes east of UTC (China Standard Time: 480).
    #[arg(
        long,
        env = "INGOT_UTC_OFFSET_MINUTES",
        default_value_t = 480,
        allow_negative_numbers = true
    )]
    utc_offset_minutes: i32,
    /// Database connections per process.
    #[arg(long, env = "INGOT_DB_CONNECTIONS", default_value_t = 8)]
    db_connections: u32,
    /// Directory of uploaded files (shared by all servers); by default next to a SQLite
    /// database file, or ./ingot-files.
    #[arg(long, env = "INGOT_FILES_DIR")]
    files_dir: Option<PathBuf>,
    /// Requests handled at once; more are refused at once with 503 and Retry-After
    /// (`/healthz` is exempt).
    #[arg(long, env = "INGOT_MAX_IN_FLIGHT", default_value_t = Limits::default().max_in_flight)]
    max_in_flight: usize,
    /// Seconds a client has to send a request's headers; also how long a kept-alive
    /// connection may sit idle.
    #[arg(long, env = "INGOT_HEADER_TIMEOUT_SECS", default_value_t = Limits::default().header_read_timeout.as_secs())]
    header_timeout_secs: u64,
    /// Seconds a client has to send a request's whole body.
    #[arg(long, env = "INGOT_BODY_TIMEOUT_SECS", default_value_t = Limits::default().body_read_timeout.as_secs())]
    body_timeout_secs: u64,
    /// Seconds a request may take from its headers to its response.
    #[arg(long, env = "INGOT_REQUEST_TIMEOUT_SECS", default_value_t = Limits::default().request_timeout.as_secs())]
    request_timeout_secs: u64,
    /// Tell each response's number of database statements in `X-Ingot-Queries` (benchmarks).
    #[arg(long, env = "INGOT_COUNT_QUERIES")]
    count_queries: bool,
    /// On PostgreSQL, keep the search index in this server's memory instead of the database's:
    /// faster for a small deployment; memory and start-up time grow with the corpus.
    #[arg(long, env = "INGOT_SEARCH_IN_MEMORY")]
    search_in_memory: bool,
    /// The SMTP server for e-mail: smtp://mail.example.cn:25,
    /// smtp://user:password@host:587?tls=required (STARTTLS) or smtps://host:465. Without it
    /// Ingot sends no e-mail.
    #[arg(long, env = "INGOT_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of Ingot's e-mail.
    #[arg(
        long,
        env = "INGOT_MAIL_FROM",
        default_value = "Ingot <ingot@localhost>"
    )]
    mail_from: String,
    /// How often this server looks for e-mail and webhook posts to send, in seconds.
    #[arg(long, env = "INGOT_OUTBOX_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    outbox_secs: u64,
    // --- Directory sign-in (src/directory.rs) ---
    #[command(flatten)]
    directory: Box<directory::DirectoryArgs>,
}

/// `ingot.db` keeps its files in `ingot-files` beside it.
fn default_files_dir(url: &str) -> PathBuf {
    let file = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|f| !f.is_empty() && *f != ":memory:");
    match file {
        Some(f) => {
            let path = PathBuf::from(f);
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "ingot".into());
            path.with_file_name(format!("{stem}-files"))
        }
        None => PathBuf::from("ingot-files"),
    }
}

/// Makes yesterday's digests every hour (idempotent, so several servers may all do it), with
/// their e-mails when `mail`.
fn spawn_digest_job(db: Db, offset_ms: i64, mail: bool) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            let yesterday = Date::of(Timestamp::now(), offset_ms).plus_days(-1);
            match ingot_app::notifications::make_digests(&db, yesterday, offset_ms, mail).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("made {n} digests for {yesterday}"),
                Err(e) => tracing::warn!("digest job: {e:?}"),
            }
        }
    });
}

/// Collects unreferenced files every hour (several servers sharing the store may all do it).
fn spawn_files_gc_job(db: Db, files_dir: PathBuf) {
    tokio::spawn(async move {
        let store = ingot_app::files::FileStore::new(files_dir);
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            let grace = ingot_app::files::gc::DEFAULT_GRACE;
            match ingot_app::files::gc::collect_garbage(&db, &store, grace, false).await {
                Ok(r) if r.removed == 0 && r.restored == 0 => {}
                Ok(r) => tracing::info!("file collector: {r}"),
                Err(e) => tracing::warn!("file collector: {e:?}"),
            }
        }
    });
}

#[derive(Clone, Copy, ValueEnum)]
enum SecureCookiesArg {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum FilesCommand {
    /// Remove stored files that no row refers to and that are older than the grace period
    /// (uploads abandoned before their row was saved, files of deleted rows). Servers also do
    /// this by themselves every hour.
    Gc {
        /// Only count what would be removed.
        #[arg(long)]
        dry_run: bool,
        /// The grace period: files younger than this are kept whatever refers to them, since
        /// their upload may still be saving its row. At least 1.
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..))]
        older_than_hours: u64,
        /// The directory of uploaded files, as given to `ingot serve`.
        #[arg(long, env = "INGOT_FILES_DIR")]
        files_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a person with a role on their organisation; prints the password if generated.
    Add {
        username: String,
        /// The organisation's code.
        #[arg(long)]
        org: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AssignCommand {
    /// Solve DIR/reviewers.csv, submissions.csv and affinity.csv exactly; print the objective,
    /// CPU and wall times, peak memory and a digest of the assignment.
    Solve {
        dir: PathBuf,
        /// Write the assignment here as `submission,reviewer` rows.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Full-text search and near-duplicate detection on a generated corpus, with the peers
    /// (SQLite FTS5 trigram, Python datasketch) measured in the same run.
    Search {
        /// Documents in the corpus.
        #[arg(long, default_value_t = 100_000)]
        docs: usize,
        /// Where the corpus is generated (kept for the next run).
        #[arg(long, default_value = "target/bench-corpus")]
        dir: PathBuf,
        /// Queries of each length.
        #[arg(long, default_value_t = 300)]
        queries: usize,
        /// Skip the Python peers.
        #[arg(long)]
        no_peers: bool,
        /// Run one part only: `search` (full-text) or `duplicates`.
        #[arg(long, value_parser = ["search", "duplicates"])]
        only: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for USER; the token is the last line printed.
    Create {
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// The URL without its password, for messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn init_logging() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let filter: Targets = std::env::var("INGOT_LOG")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| "info,sqlx=warn".parse().expect("default log filter"));
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_target(false))
        .with(filter)
        .init();
}

async fn open(url: &str, connections: u32) -> Result<Db> {
    let options = DbOptions {
        max_connections: connections,
        ..Default::default()
    };
    Db::open(url, &options)
        .await
        .with_context(|| format!("opening the database at {}", redacted(url)))
}

fn print_demo(report: &demo::DemoReport) {
    println!(
        "Demo data: {} organisations, {} accounts and {} proposals created.",
        report.orgs_created, report.users_created, report.proposals_created
    );
    println!("Demo studios: {} created.", report.studios_created);
    println!(
        "Innovation records: {} created (achievements, patents, skills and methods, titles, the Dalian 2020 suggestions).",
        report.records_created
    );
    println!(
        "Award campaigns: the 2023 national exchange with {} declarations.",
        report.declarations_created
    );
    match &report.password {
        Some(password) => {
            println!("Demo accounts: {}", report.usernames.join(", "));
            println!("Sign in as the demo administrator:  username admin   password {password}");
            if report.users_created > 0 && report.users_created < report.usernames.len() {
                println!(
                    "(That password is for the accounts created now; run `ingot demo --reset-passwords` to set one for all.)"
                );
            }
        }
        None => println!(
            "Demo accounts exist already; their passwords are unchanged (`ingot demo --reset-passwords` sets a new one)."
        ),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

async fn serve(url: &str, args: ServeArgs) -> Result<()> {
    let db = open(url, args.db_connections).await?;
    if args.demo {
        print_demo(&demo::load_with_samples(&db, false).await?);
    }
    let config = Config {
        trusted_proxies: args.trusted_proxies.0,
        public_url: args.public_url,
        throttle: ThrottlePolicy {
            sign_in_per_address: args.sign_in_limit_per_address,
            sign_in_per_account: args.sign_in_limit_per_account,
            api_per_address: args.api_limit_per_address,
            api_per_account: args.api_limit_per_account,
            objections_per_address: args.objection_limit_per_address,
            ..ThrottlePolicy::default()
        },
        secure_cookies: match args.secure_cookies {
            SecureCookiesArg::Auto => SecureCookies::Auto,
            SecureCookiesArg::Always => SecureCookies::Always,
            SecureCookiesArg::Never => SecureCookies::Never,
        },
        utc_offset_minutes: args.utc_offset_minutes,
        files_dir: args.files_dir.unwrap_or_else(|| default_files_dir(url)),
        limits: Limits {
            max_in_flight: args.max_in_flight.max(1),
            header_read_timeout: Duration::from_secs(args.header_timeout_secs.max(1)),
            body_read_timeout: Duration::from_secs(args.body_timeout_secs.max(1)),
            request_timeout: Duration::from_secs(args.request_timeout_secs.max(1)),
            ..Limits::default()
        },
        count_queries: args.count_queries,
        search_in_memory: args.search_in_memory,
        mail_configured: args.smtp_url.is_some(),
        // --- Directory sign-in ---
        directory: (*args.directory)
            .config(&db)
            .await?
            .map(std::sync::Arc::new),
        ..Config::default()
    };
    let mailer = match &args.smtp_url {
        Some(url) => Some(
            ingot_outbound::Mailer::new(url, &args.mail_from)
                .map_err(|e| anyhow::anyhow!("--smtp-url / --mail-from: {e}"))?,
        ),
        None => None,
    };
    spawn_digest_job(db.clone(), config.utc_offset_ms(), mailer.is_some());
    spawn_files_gc_job(db.clone(), config.files_dir.clone());
    let outbound = ingot_outbound::Settings {
        mailer,
        public_url: config.public_url.clone(),
        utc_offset_ms: config.utc_offset_ms(),
        every: Duration::from_secs(args.outbox_secs),
    };
    let state = AppState::new(db.clone(), config).await?;
    // E-mails and bot messages speak with the pages' words.
    let catalogs = state.catalogs.clone();
    let texts = ingot_outbound::TextsFn(move |lang, key: &str, params: &[(&str, String)]| {
        catalogs.t_with(lang, key, params)
    });
    ingot_outbound::spawn(db.clone(), outbound, std::sync::Arc::new(texts));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    println!(
        "Ingot is running at http://{address}/  (database: {} {})",
        db.backend().name(),
        redacted(url)
    );
    ingot_web::serve(listener, state, shutdown_signal()).await?;
    db.close().await;
    Ok(())
}

fn read_password_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn add_user(
    db: &Db,
    username: String,
    org: String,
    role: String,
    display_name: Option<String>,
    email: Option<String>,
    password_stdin: bool,
) -> Result<()> {
    let role = Role::parse(&role).with_context(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role {role:?}; one of: {}", names.join(", "))
    })?;
    let org = {
        let mut tx = db.read().await?;
        org_store::get_by_code(&mut tx, &org)
            .await?
            .with_context(|| format!("no organisation has the code {org:?}"))?
    };
    let password = if password_stdin {
        Some(read_password_line()?)
    } else {
        None
    };
    let input = users::NewUserInput {
        org_id: Some(org.id),
        display_name: display_name.unwrap_or_else(|| username.clone()),
        username,
        email,
        password,
        role: Some(role),
        lang: None,
    };
    let origin = RequestOrigin::cli();
    let created = users::create(db, &Caller::system(&origin), &input)
        .await
        .map_err(explain)?;
    println!(
        "Created {} ({}) in {} as {}.",
        created.user.username,
        created.user.display_name,
        org.name,
        role.as_str()
    );
    if let Some(p) = created.generated_password {
        println!("Password: {p}");
    }
    Ok(())
}

async fn create_token(db: &Db, username: &str, name: &str) -> Result<()> {
    let origin = RequestOrigin::cli();
    let mut tx = db.begin().await?;
    let user = user_store::get_by_username(&mut tx, &username.trim().to_ascii_lowercase())
        .await?
        .with_context(|| format!("no user is called {username:?}"))?;
    let (_, secret) = account::create_token(&mut tx, &Caller::system(&origin), user.id, name)
        .await
        .map_err(explain)?;
    tx.commit().await?;
    println!(
        "API token for {} (send as `Authorization: Bearer TOKEN`; it is shown only now):",
        user.username
    );
    println!("{secret}");
    Ok(())
}

/// Field problems as readable lines for the terminal.
fn explain(e: AppError) -> anyhow::Error {
    let fields = e.field_errors();
    if fields.is_empty() {
        return anyhow::anyhow!("{e}");
    }
    let lines: Vec<String> = fields
        .iter()
        .map(|f| {
            let params: Vec<String> = f.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("  {}: {} {}", f.field, f.code, params.join(" "))
        })
        .collect();
    anyhow::anyhow!("{}:\n{}", e.code(), lines.join("\n"))
}

#[tokio::main]
async fn main() -> Result<()> {
    init_logging();
    let cli = Cli::parse();
    let url = cli.database_url;
    match cli.command {
        Command::Serve(args) => serve(&url, *args).await,
        Command::Demo { reset_passwords } => {
            let db = open(&url, 2).await?;
            print_demo(&demo::load_with_samples(&db, reset_passwords).await?);
            Ok(())
        }
        Command::Generate(args) => {
            let db = open(&url, 2).await?;
            generate::run(&db, args).await
        }
        Command::Migrate => {
            open(&url, 2).await?;
            println!("The database at {} is up to date.", redacted(&url));
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    org,
                    role,
                    display_name,
                    email,
                    password_stdin,
                },
        } => {
            let db = open(&url, 2).await?;
            add_user(
                &db,
                username,
                org,
                role,
                display_name,
                email,
                password_stdin,
            )
            .await
        }
        Command::Token {
            command: TokenCommand::Create { username, name },
        } => {
            let db = open(&url, 2).await?;
            create_token(&db, &username, &name).await
        }
        Command::Backup { file } => {
            let db = open(&url, 2).await?;
            if file.exists() {
                bail!("{} exists already; choose a new file name", file.display());
            }
            db.backup(&url, &file).await?;
            println!("Backup written to {}", file.display());
            Ok(())
        }
        Command::Assign {
            command: AssignCommand::Solve { dir, out },
        } => {
            let report = ingot_assign::report::solve_dir(&dir, out.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            print!("{report}");
            Ok(())
        }
        Command::Bench {
            command:
                BenchCommand::Search {
                    docs,
                    dir,
                    queries,
                    no_peers,
                    only,
                },
        } => {
            let dir = dir.join(docs.to_string());
            let options = ingot_search::bench::Options {
                dir,
                docs,
                queries,
                peers: !no_peers,
                search: only.as_deref() != Some("duplicates"),
                duplicates: only.as_deref() != Some("search"),
                seed: 20_240_601,
            };
            let report = tokio::task::spawn_blocking(move || ingot_search::bench::run(&options))
                .await?
                .map_err(anyhow::Error::msg)?;
            println!("{report}");
            Ok(())
        }
        Command::Digest {
            day,
            utc_offset_minutes,
            smtp_url,
        } => {
            let db = open(&url, 2).await?;
            let offset_ms = i64::from(utc_offset_minutes) * 60_000;
            let day = match day {
                Some(d) => {
                    Date::parse(&d).with_context(|| format!("--day {d:?} is not YYYY-MM-DD"))?
                }
                None => Date::of(Timestamp::now(), offset_ms).plus_days(-1),
            };
            let mail = smtp_url.is_some();
            let made = ingot_app::notifications::make_digests(&db, day, offset_ms, mail).await?;
            println!("{made} digests made for {day}");
            Ok(())
        }
        Command::Files {
            command:
                FilesCommand::Gc {
                    dry_run,
                    older_than_hours,
                    files_dir,
                },
        } => {
            let db = open(&url, 2).await?;
            let dir = files_dir.unwrap_or_else(|| default_files_dir(&url));
            let store = ingot_app::files::FileStore::new(&dir);
            let grace = std::time::Duration::from_secs(older_than_hours * 3600);
            let report = ingot_app::files::gc::collect_garbage(&db, &store, grace, dry_run)
                .await
                .map_err(explain)?;
            println!("{}: {report}", dir.display());
            Ok(())
        }
        Command::Reindex { utc_offset_minutes } => {
            let db = open(&url, 2).await?;
            let offset_ms = i64::from(utc_offset_minutes) * 60_000;
            let done = ingot_app::reindex::reindex(&db, offset_ms).await?;
            println!(
                "{} proposal signatures recomputed; full-text index of {} records rebuilt in {:.1} s (running servers rebuild theirs within a second)",
                done.signatures, done.documents, done.seconds
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden_in_urls() {
        assert_eq!(
            super::redacted("postgres://app:s3cret@db/ingot"),
            "postgres://app:***@db/ingot"
        );
        assert_eq!(
            super::redacted("postgres://app@db/ingot"),
            "postgres://app@db/ingot"
        );
        assert_eq!(super::redacted("sqlite://ingot.db"), "sqlite://ingot.db");
    }
}
