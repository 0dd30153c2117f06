#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! Runs ScubaGear's own test cases (shared/conformance/scubagear-aad) for every
//! policy id the default baseline implements. Portcullis' verdict `pass` must
//! equal `requirement_met: true`; `fail` and `not_applicable` mean false.
//! `error` is accepted only for `false` cases whose input lacks a section the
//! requirement declares (ScubaGear also fails those, e.g. no licence data).

mod support;

use std::collections::BTreeMap;

use portcullis_posture::{Baseline, PostureConfig, Snapshot, Status, evaluate};

#[derive(Default)]
struct Tally {
    ran: usize,
    passed: usize,
    missing_section: usize,
}

fn run(file: &str) -> (BTreeMap<String, Tally>, Vec<String>) {
    let baseline = Baseline::default_partner().unwrap();
    let implemented: Vec<String> = baseline
        .requirements()
        .filter_map(|r| r.policy_id.clone())
        .collect();
    let text = std::fs::read_to_string(support::conformance_dir().join(file)).unwrap();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let policy_id = case["policy_id"].as_str().unwrap().to_owned();
        if !implemented.contains(&policy_id) {
            continue;
        }
        let expected = case["requirement_met"].as_bool().unwrap();
        let name = format!(
            "{} ({})",
            case["name"].as_str().unwrap(),
            case["file"].as_str().unwrap()
        );
        let tally = tallies.entry(policy_id.clone()).or_default();
        tally.ran += 1;
        let bytes = serde_json::to_vec(&case["input"]).unwrap();
        let snapshot = match Snapshot::parse(&bytes) {
            Ok(s) => s.with_taken_at(support::NOW),
            Err(e) => {
                failures.push(format!("{policy_id} {name}: snapshot rejected: {e}"));
                continue;
            }
        };
        let report = evaluate(
            &baseline,
            &snapshot,
            support::NOW,
            &PostureConfig::default(),
        );
        let result = report
            .results
            .iter()
            .find(|r| r.policy_id.as_deref() == Some(&policy_id))
            .unwrap();
        let ok = match result.status {
            Status::Pass => expected,
            Status::Fail | Status::NotApplicable => !expected,
            Status::Error if !expected && result.details.starts_with("the snapshot has no ") => {
                tally.missing_section += 1;
                true
            }
            Status::Error => false,
        };
        if ok {
            tally.passed += 1;
        } else {
            failures.push(format!(
                "{policy_id} {name}: expected requirement_met={expected}, got {:?}: {}",
                result.status, result.details
            ));
        }
    }
    for (policy_id, t) in &tallies {
        println!(
            "{file} {policy_id}: {} ran, {} passed ({} by a missing section)",
            t.ran, t.passed, t.missing_section
        );
    }
    (tallies, failures)
}

#[test]
fn every_scubagear_case_of_every_implemented_policy_gets_the_expected_verdict() {
    let (tallies, failures) = run("cases.jsonl");
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Thirteen ScubaGear policies are implemented, and each has cases.
    assert_eq!(
        tallies.len(),
        13,
        "policies with cases: {:?}",
        tallies.keys().collect::<Vec<_>>()
    );
    let ran: usize = tallies.values().map(|t| t.ran).sum();
    println!("cases.jsonl: {ran} cases ran, all passed");
}

#[test]
fn cases_that_regorus_cannot_run_under_scubagear_rego_pass_under_ours() {
    // Both set `AllowedCombinations` to null, which stops ScubaGear's own Rego
    // under regorus; ours treats null as "no strength" and fails the policy.
    let (tallies, failures) = run("cases-opa-only.jsonl");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(tallies.values().map(|t| t.ran).sum::<usize>(), 2);
}
