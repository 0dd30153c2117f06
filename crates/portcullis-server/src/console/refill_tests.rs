use super::*;

const PAGE: &str = r#"<main>
<div class="error-summary" role="alert" id="refusal" tabindex="-1">
  <h2>The change was refused</h2>
  <p id="refusal-message">reason: a reason is required</p>
</div>
<form method="post" action="/cases/c1/review" id="approve-form">
  <input type="hidden" name="csrf" value="TOKEN">
  <input type="hidden" name="version" value="8">
  <input type="hidden" name="decision" value="approve">
  <label for="approve-reason">Note</label>
  <input id="approve-reason" name="reason" maxlength="1000">
</form>
<form method="post" action="/cases/c1/review" id="reject-form">
  <input type="hidden" name="csrf" value="TOKEN">
  <input type="hidden" name="version" value="8">
  <input type="hidden" name="decision" value="reject">
  <label for="reject-reason">Why <em>reject</em>?</label>
  <textarea id="reject-reason" name="reason" rows="2"></textarea>
  <select id="hours" name="hours"><option value="1" selected>1</option><option value="2">2</option></select>
  <label><input type="checkbox" name="role" value="a" checked> A</label>
  <label><input type="checkbox" name="role" value="b"> B</label>
  <label><input type="radio" name="kind" value="x" checked> X</label>
  <label><input type="radio" name="kind" value="y"> Y</label>
  <input type="password" name="pass" value="">
</form>
</main>"#;

fn sent(message: &str, fields: &[(&str, &str)]) -> Carried {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    Carried::new(message, "/cases/c1/review", &fields)
}

fn reject(reason: &str) -> Carried {
    sent(
        "reason: a reason is required",
        &[
            ("csrf", "TOKEN"),
            ("version", "7"),
            ("decision", "reject"),
            ("reason", reason),
            ("hours", "2"),
            ("role", "b"),
            ("kind", "y"),
            ("pass", "hunter2"),
        ],
    )
}

#[test]
fn the_form_that_was_sent_is_filled_in_again() {
    let out = apply(PAGE, &reject("  "));
    let approve = &out[out.find("approve-form").unwrap()..out.find("reject-form").unwrap()];
    assert!(
        approve.contains(r#"<input id="approve-reason" name="reason" maxlength="1000">"#),
        "the other form with the same action is left alone: {approve}"
    );
    let reject = &out[out.find("reject-form").unwrap()..];
    assert!(
        reject.contains(r#"name="version" value="8""#),
        "hidden fields keep the page's values"
    );
    assert!(reject.contains(">  </textarea>"), "{reject}");
    assert!(
        reject.contains(r#"<option value="1">1</option><option value="2" selected>"#),
        "{reject}"
    );
    assert!(
        reject.contains(r#"name="role" value="a">"#),
        "unchecked: {reject}"
    );
    assert!(
        reject.contains(r#"name="role" value="b" checked>"#),
        "{reject}"
    );
    assert!(reject.contains(r#"name="kind" value="x">"#), "{reject}");
    assert!(
        reject.contains(r#"name="kind" value="y" checked>"#),
        "{reject}"
    );
    assert!(!out.contains("hunter2"), "a password never comes back");
}

#[test]
fn a_field_the_refusal_names_is_marked_and_linked_by_its_label() {
    let out = apply(PAGE, &reject("x"));
    assert!(
        out.contains(r#"<textarea id="reject-reason" name="reason" rows="2" aria-invalid="true" aria-describedby="refusal-message">x</textarea>"#),
        "{out}"
    );
    assert!(
        out.contains(r##"<ul class="error-list" id="refusal-fields"><li><a href="#reject-reason">Why reject?</a></li></ul>"##),
        "{out}"
    );
    // A quoted piece of what was typed names the field too.
    let quoted = sent(
        "`10.0.0.300/8` is not a network",
        &[
            ("csrf", "TOKEN"),
            ("decision", "approve"),
            ("reason", "a\n10.0.0.300/8"),
        ],
    );
    let out = apply(PAGE, &quoted);
    assert!(
        out.contains(r#"id="approve-reason" name="reason" maxlength="1000" aria-invalid="true""#),
        "{out}"
    );
    assert!(
        out.contains(r##"<a href="#approve-reason">Note</a>"##),
        "{out}"
    );
}

#[test]
fn typed_values_stay_inert() {
    let payload = r#""><script>alert(1)</script><textarea>"#;
    let out = apply(PAGE, &reject(payload));
    assert!(!out.contains("<script>"), "{out}");
    assert!(out.contains(
        "&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;textarea&#62;</textarea>"
    ));
    let approve = sent(
        "no",
        &[
            ("csrf", "TOKEN"),
            ("decision", "approve"),
            ("reason", payload),
        ],
    );
    let out = apply(PAGE, &approve);
    assert!(!out.contains("<script>"), "{out}");
    assert!(
        out.contains(r#"value="&#34;&#62;&#60;script&#62;"#),
        "{out}"
    );
}

#[test]
fn another_session_or_another_form_is_not_filled() {
    let mut stolen = reject("mine");
    stolen.tag = tag("OTHER");
    assert_eq!(apply(PAGE, &stolen), PAGE);
    let mut elsewhere = reject("mine");
    elsewhere.action = "/cases/c2/review".to_owned();
    assert_eq!(apply(PAGE, &elsewhere), PAGE);
}

#[test]
fn secrets_never_travel_and_the_cookie_stays_small() {
    let long = "y".repeat(5_000);
    let fields = [
        ("csrf".to_owned(), "c".to_owned()),
        ("api_token".to_owned(), "pcs_1".to_owned()),
        ("webhook_secret".to_owned(), "s".to_owned()),
        ("reason".to_owned(), long),
        ("note".to_owned(), "kept".to_owned()),
    ];
    let carried = Carried::new(&"m".repeat(900), "/x", &fields);
    assert_eq!(carried.fields, [("note".to_owned(), "kept".to_owned())]);
    assert_eq!(carried.message.chars().count(), 500);
    assert!(carried.encode().len() < 4_000);
    assert_eq!(Carried::decode(&carried.encode()), Some(carried));
}

#[test]
fn form_bodies_are_read_as_browsers_send_them() {
    assert_eq!(
        form_pairs(b"csrf=a%2Bb&reason=two+words%0A%3Cb%3E&role=x&role=y&empty="),
        [
            ("csrf".to_owned(), "a+b".to_owned()),
            ("reason".to_owned(), "two words\n<b>".to_owned()),
            ("role".to_owned(), "x".to_owned()),
            ("role".to_owned(), "y".to_owned()),
            ("empty".to_owned(), String::new()),
        ]
    );
}
