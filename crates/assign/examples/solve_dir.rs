//! Solves one CSV instance directory without building the whole `ingot` binary.
fn main() {
    let dir = std::env::args().nth(1).expect("usage: solve_dir DIR");
    match ingot_assign::report::solve_dir(std::path::Path::new(&dir), None) {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
