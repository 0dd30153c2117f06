//! The parser's tree, its errors and its limits.

use portcullis_intel::{
    ComparisonExpr, Literal, MAX_NESTING, MAX_PATTERN_BYTES, ObservationExpr, Operator, PathStep,
    Pattern, Qualifier,
};

fn single_test(pattern: &str) -> portcullis_intel::Comparison {
    match Pattern::parse(pattern).unwrap().expression() {
        ObservationExpr::Observation {
            comparison: ComparisonExpr::Test(test),
            ..
        } => test.clone(),
        other => panic!("not a single test: {other:?}"),
    }
}

#[test]
fn a_simple_comparison_becomes_one_test() {
    let test = single_test("[ ipv4-addr:value = '10.0.0.0' ]");
    assert_eq!(test.path.to_string(), "ipv4-addr:value");
    assert_eq!(test.operator, Operator::Equal);
    assert!(!test.negated);
    assert_eq!(test.value, Literal::String("10.0.0.0".into()));
}

#[test]
fn string_escapes_are_resolved() {
    let test = single_test(r"[file:name = 'it\'s C:\\dir']");
    assert_eq!(test.value, Literal::String(r"it's C:\dir".into()));
}

#[test]
fn a_backslash_before_another_character_is_refused() {
    assert!(Pattern::parse(r"[file:name = 'C:\dir']").is_err());
}

#[test]
fn path_steps_keep_quoted_keys_and_indexes() {
    let test = single_test("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]");
    assert_eq!(
        test.path.steps,
        vec![
            PathStep::Key("extensions".into()),
            PathStep::Key("windows-pebinary-ext".into()),
            PathStep::Key("sections".into()),
            PathStep::AnyIndex,
            PathStep::Key("entropy".into()),
        ]
    );
    assert_eq!(test.operator, Operator::Greater);
    assert_eq!(test.value, Literal::Float(7.0));
    let indexed = single_test("[x:list[-2] = 1]");
    assert_eq!(indexed.path.steps[1], PathStep::Index(-2));
}

#[test]
fn every_literal_kind_is_read() {
    let cases = [
        ("[x:y = 12]", Literal::Int(12)),
        ("[x:y = -3]", Literal::Int(-3)),
        ("[x:y = +.5]", Literal::Float(0.5)),
        ("[x:y = true]", Literal::Bool(true)),
        ("[x:y = h'ffd8']", Literal::Hex("ffd8".into())),
        ("[x:y = b'dGVzdA==']", Literal::Binary("dGVzdA==".into())),
        (
            "[x:y = t'2016-06-01T01:30:00.123Z']",
            Literal::Timestamp("2016-06-01T01:30:00.123Z".into()),
        ),
    ];
    for (pattern, literal) in cases {
        assert_eq!(single_test(pattern).value, literal, "{pattern}");
    }
    let set = single_test("[x:y NOT IN ('a', 2, false)]");
    assert!(set.negated);
    assert_eq!(
        set.value,
        Literal::Set(vec![
            Literal::String("a".into()),
            Literal::Int(2),
            Literal::Bool(false)
        ])
    );
}

#[test]
fn boolean_structure_and_qualifiers_are_kept() {
    let pattern = Pattern::parse(
        "([a:b = 1] AND [c:d = 2] OR [e:f = 3]) FOLLOWEDBY [g:h = 4 OR g:h = 5 AND g:i = 6] \
         REPEATS 2 TIMES WITHIN 1.5 SECONDS",
    )
    .unwrap();
    let ObservationExpr::FollowedBy(parts) = pattern.expression() else {
        panic!("{:?}", pattern.expression());
    };
    let ObservationExpr::Group { inner, qualifiers } = &parts[0] else {
        panic!("{:?}", parts[0]);
    };
    assert!(qualifiers.is_empty());
    assert!(
        matches!(&**inner, ObservationExpr::Or(or) if matches!(or[0], ObservationExpr::And(_)))
    );
    let ObservationExpr::Observation {
        comparison,
        qualifiers,
    } = &parts[1]
    else {
        panic!("{:?}", parts[1]);
    };
    assert_eq!(
        qualifiers,
        &vec![
            Qualifier::Repeats { times: 2 },
            Qualifier::Within { seconds: 1.5 }
        ]
    );
    assert!(
        matches!(comparison, ComparisonExpr::Or(or) if matches!(or[1], ComparisonExpr::And(_)))
    );
}

#[test]
fn comments_and_any_whitespace_separate_tokens() {
    let pattern = "/* c2 */ [ ipv4-addr : value\n= '1.2.3.4' ] // trailing";
    assert!(Pattern::parse(pattern).is_ok());
}

#[test]
fn keywords_are_upper_case_only() {
    assert!(Pattern::parse("[a:b = 1] and [a:b = 2]").is_err());
    assert!(Pattern::parse("[a:b = 1] AND [a:b = 2]").is_ok());
    assert!(Pattern::parse("[a:b = TRUE]").is_err());
}

#[test]
fn a_keyword_cannot_be_a_property_name() {
    let error = Pattern::parse("[a:IN = 1]").unwrap_err();
    assert_eq!(error.column, 4);
}

#[test]
fn a_syntax_error_names_position_expectation_and_what_was_found() {
    let error = Pattern::parse("[file:size = ]").unwrap_err();
    assert_eq!((error.line, error.column, error.offset), (1, 14, 13));
    assert_eq!(error.message, "expected a literal, found `]`");
    assert_eq!(
        error.to_string(),
        "expected a literal, found `]` at line 1, column 14"
    );
    let error = Pattern::parse("[a:b = 'x'\n] WITHIN 5 HOURS").unwrap_err();
    assert_eq!((error.line, error.column), (2, 12));
    assert_eq!(error.message, "expected `SECONDS`, found `HOURS`");
    let error = Pattern::parse("[a:b = 'x'").unwrap_err();
    assert_eq!(
        error.message,
        "expected `AND`, `OR` or `]`, found end of input"
    );
}

#[test]
fn an_impossible_timestamp_is_a_malformed_literal() {
    let error = Pattern::parse("[x:created = t'2024-13-01T12:00:00Z']").unwrap_err();
    assert_eq!(error.message, "malformed timestamp literal");
    assert_eq!(error.column, 14);
}

#[test]
fn a_repeated_qualifier_is_refused_on_an_observation_but_allowed_on_a_group() {
    let error = Pattern::parse("[a:b = 1] REPEATS 2 TIMES REPEATS 3 TIMES").unwrap_err();
    assert_eq!(error.message, "duplicate qualifier type: `REPEATS`");
    assert_eq!(error.column, 27);
    assert!(Pattern::parse("([a:b = 1]) REPEATS 2 TIMES REPEATS 3 TIMES").is_ok());
}

#[test]
fn a_hash_of_the_wrong_form_is_refused_and_the_algorithm_name_is_case_blind() {
    let error = Pattern::parse("[file:hashes.'SHA-256' = 'f00']").unwrap_err();
    assert_eq!(error.message, "`f00` is not a valid SHA-256 hash");
    assert!(Pattern::parse("[file:hashes.md5 = 'cead3f77f6cda6ec00f57d76c9a6879f']").is_ok());
    assert!(Pattern::parse("[file:hashes.md5 = 'zzad3f77f6cda6ec00f57d76c9a6879f']").is_err());
    assert!(Pattern::parse("[file:hashes.'x-custom' = 'anything']").is_ok());
}

#[test]
fn nesting_beyond_the_limit_is_refused_without_exhausting_the_stack() {
    let deep = format!("{}[a:b = 1]{}", "(".repeat(30_000), ")".repeat(30_000));
    let error = Pattern::parse(&deep).unwrap_err();
    assert_eq!(
        error.message,
        format!("nesting deeper than {MAX_NESTING} levels")
    );
    let ok = format!(
        "{}[a:b = 1]{}",
        "(".repeat(MAX_NESTING - 1),
        ")".repeat(MAX_NESTING - 1)
    );
    assert!(Pattern::parse(&ok).is_ok());
    let in_string = format!("[a:b = '{}']", "(".repeat(1000));
    assert!(Pattern::parse(&in_string).is_ok());
}

#[test]
fn a_pattern_over_the_size_limit_is_refused() {
    let long = format!("[a:b = '{}']", "x".repeat(MAX_PATTERN_BYTES));
    let error = Pattern::parse(&long).unwrap_err();
    assert!(error.message.contains("longer than"), "{error}");
}

#[test]
fn out_of_range_numbers_are_refused() {
    let error = Pattern::parse("[a:b = 99999999999999999999]").unwrap_err();
    assert_eq!(
        error.message,
        "integer `99999999999999999999` is out of range"
    );
    assert!(Pattern::parse("[a:b = 1] REPEATS 99999999999999999999 TIMES").is_err());
}

#[test]
fn object_types_and_network_only_are_reported() {
    let pattern =
        Pattern::parse("[domain-name:value = 'a.example' OR ipv4-addr:value = '1.2.3.4']").unwrap();
    assert_eq!(pattern.object_types(), vec!["domain-name", "ipv4-addr"]);
    assert!(pattern.is_network_only());
    let file = Pattern::parse("[file:name = 'x.exe' OR ipv4-addr:value = '1.2.3.4']").unwrap();
    assert!(!file.is_network_only());
    let resolves = Pattern::parse("[domain-name:resolves_to_refs[*].value = '1.2.3.4']").unwrap();
    assert!(!resolves.is_network_only());
}
