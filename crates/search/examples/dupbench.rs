//! The duplicate-check part of `ingot bench search --only duplicates`, without building the
//! whole application: `cargo run --release -p ingot-search --example dupbench -- DIR DOCS
//! [--peers]` (the corpus is generated into DIR when it holds none).

fn main() {
    let peers = std::env::args().any(|a| a == "--peers");
    let mut args = std::env::args().skip(1).filter(|a| a != "--peers");
    let dir = args
        .next()
        .unwrap_or_else(|| "target/bench-corpus/100000".into());
    let docs = args.next().and_then(|d| d.parse().ok()).unwrap_or(100_000);
    let options = ingot_search::bench::Options {
        dir: dir.into(),
        docs,
        queries: 300,
        peers,
        search: false,
        duplicates: true,
        seed: 20_240_601,
    };
    match ingot_search::bench::run(&options) {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
