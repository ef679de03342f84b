//! Reading the CSV exchange format, and clear errors for malformed files.

use ingot_assign::csv::read_instance;
use ingot_assign::{Load, Pair};
use std::path::PathBuf;

fn dir_with(name: &str, reviewers: &str, submissions: &str, affinity: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ingot-assign-csv-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("reviewers.csv"), reviewers).unwrap();
    std::fs::write(dir.join("submissions.csv"), submissions).unwrap();
    std::fs::write(dir.join("affinity.csv"), affinity).unwrap();
    dir
}

const REVIEWERS: &str = "reviewer,min_load,max_load\n0,0,2\n1,1,2\n";
const SUBMISSIONS: &str = "submission,reviews\n0,1\n1,1\n";

#[test]
fn reads_the_three_files() {
    let dir = dir_with(
        "ok",
        REVIEWERS,
        SUBMISSIONS,
        "submission,reviewer,affinity\r\n0,0,5\r\n1,1,-7\r\n0,1,3",
    );
    let inst = read_instance(&dir).unwrap();
    assert_eq!(
        inst.loads,
        vec![Load { min: 0, max: 2 }, Load { min: 1, max: 2 }]
    );
    assert_eq!(inst.reviews, vec![1, 1]);
    let pair = |submission, reviewer, affinity| Pair {
        submission,
        reviewer,
        affinity,
    };
    assert_eq!(
        inst.pairs,
        vec![pair(0, 0, 5), pair(1, 1, -7), pair(0, 1, 3)]
    );
    let report = ingot_assign::report::solve_dir(&dir, None).unwrap();
    assert!(report.contains("objective: -2\n"), "{report}");
}

#[test]
fn names_file_line_and_column_of_a_bad_field() {
    let dir = dir_with(
        "bad-number",
        REVIEWERS,
        SUBMISSIONS,
        "submission,reviewer,affinity\n0,0,5\n1,x1,3\n",
    );
    let e = read_instance(&dir).unwrap_err();
    assert_eq!((e.line, e.column), (3, 3));
    assert!(e.file.ends_with("affinity.csv"));
    assert!(
        e.to_string()
            .ends_with("affinity.csv:3:3: expected an integer, found `x1`"),
        "{e}"
    );
}

#[test]
fn names_unknown_ids_missing_fields_headers_and_files() {
    let dir = dir_with(
        "unknown",
        REVIEWERS,
        SUBMISSIONS,
        "submission,reviewer,affinity\n0,2,5\n",
    );
    let e = read_instance(&dir).unwrap_err();
    assert_eq!((e.line, e.column), (2, 3));
    assert!(e.message.contains("unknown reviewer 2"), "{e}");

    let dir = dir_with("short", REVIEWERS, "submission,reviews\n0,1\n1\n", "");
    let e = read_instance(&dir).unwrap_err();
    assert!(e.file.ends_with("submissions.csv"));
    assert_eq!(e.line, 3);
    assert!(e.message.contains("expected 2 fields"), "{e}");

    let dir = dir_with("header", "id,min,max\n0,0,1\n", SUBMISSIONS, "");
    let e = read_instance(&dir).unwrap_err();
    assert_eq!(e.line, 1);
    assert!(e.message.contains("reviewer,min_load,max_load"), "{e}");

    let dir = dir_with(
        "order",
        "reviewer,min_load,max_load\n1,0,1\n",
        SUBMISSIONS,
        "",
    );
    assert!(
        read_instance(&dir)
            .unwrap_err()
            .message
            .contains("expected reviewer 0")
    );

    let dir = dir_with("missing", REVIEWERS, SUBMISSIONS, "");
    std::fs::remove_file(dir.join("affinity.csv")).unwrap();
    let e = read_instance(&dir).unwrap_err();
    assert_eq!(e.line, 0);
    assert!(e.to_string().contains("affinity.csv"), "{e}");
}
