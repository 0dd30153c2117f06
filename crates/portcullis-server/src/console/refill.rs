//! What a person typed in a refused form, put back into the form when its
//! page shows the refusal, for every form of the console alike.
//!
//! The refusal's cookie (`refusal`) carries the form's path, its fields
//! (never a CSRF token, a token, a secret or a password) and a tag of the
//! session's CSRF token. The page that shows the refusal is rendered as
//! usual; then [`apply`] finds the form that was sent — the one with the
//! same `action` whose CSRF token has the same tag (so a refill only ever
//! lands in the session that typed it), and among several such forms the
//! one whose hidden fields match best — and writes the typed values into
//! its controls: text, textareas, selects, checkboxes and radio buttons.
//! Hidden fields keep the page's values (a version that moved stays the
//! new one). Every value is escaped as the templates escape. A control
//! the refusal names — by its field name (`reason: …`) or by quoting what
//! was typed in it (``…`x` already exists``) — is marked
//! `aria-invalid="true"`, described by the refusal, and linked from the
//! error summary by its label.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::markup::{Edit, Tag, escape, tags, text_between};

/// The longest refusal message carried (characters); longer ones are cut.
const MAX_MESSAGE_CHARS: usize = 500;

/// The largest refill carried, in bytes of JSON: base64 of it stays under
/// the 4 KiB browsers keep of one cookie. Fields past it are left out.
const MAX_JSON_BYTES: usize = 2_900;

/// A refused form, as its cookie carries it to the page that shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carried {
    /// Why the service refused it.
    #[serde(rename = "m")]
    pub message: String,
    /// The path the form was posted to.
    #[serde(rename = "a", default)]
    pub action: String,
    /// [`tag`] of the CSRF token the form was sent with.
    #[serde(rename = "t", default)]
    pub tag: String,
    /// The fields typed, in order (secrets left out).
    #[serde(rename = "f", default)]
    pub fields: Vec<(String, String)>,
}

/// Whether a field must never travel back: the CSRF token, and anything
/// named like a token, secret or password.
pub fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "csrf"
        || ["token", "secret", "password"]
            .iter()
            .any(|w| name.contains(w))
}

/// A short digest of a CSRF token: ties a refill to the session that
/// typed it without carrying the token itself.
pub fn tag(csrf: &str) -> String {
    let digest = Sha256::digest(format!("portcullis refill\0{csrf}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

impl Carried {
    /// The refusal of the form posted to `action` with `fields`.
    pub fn new(message: &str, action: &str, fields: &[(String, String)]) -> Self {
        let mut carried = Self {
            message: message.chars().take(MAX_MESSAGE_CHARS).collect(),
            action: action.to_owned(),
            tag: fields
                .iter()
                .find(|(name, _)| name == "csrf")
                .map(|(_, value)| tag(value))
                .unwrap_or_default(),
            fields: Vec::new(),
        };
        let mut size = serde_json::to_string(&carried).map_or(MAX_JSON_BYTES, |s| s.len());
        for (name, value) in fields.iter().filter(|(name, _)| !is_secret(name)) {
            let pair = (name.clone(), value.clone());
            let cost = serde_json::to_string(&pair).map_or(MAX_JSON_BYTES, |s| s.len() + 1);
            if size + cost <= MAX_JSON_BYTES {
                size += cost;
                carried.fields.push(pair);
            }
        }
        carried
    }

    /// The cookie's value.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// A cookie's value read back; `None` when it is not one of ours.
    pub fn decode(value: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
        serde_json::from_slice::<Self>(&bytes)
            .ok()
            .filter(|c| !c.message.is_empty())
    }

    fn values(&self, name: &str) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn sent(&self, name: &str, value: &str) -> bool {
        self.values(name).any(|v| v == value)
    }

    fn sent_name(&self, name: &str) -> bool {
        self.values(name).next().is_some()
    }

    /// Whether the refusal names the field `name`: by name, as a word
    /// (`display_name` or `display name`), or by quoting a piece of what
    /// was typed in it.
    fn names(&self, name: &str) -> bool {
        let message = self.message.to_lowercase();
        let lower = name.to_lowercase();
        if has_word(&message, &lower) || has_word(&message, &lower.replace('_', " ")) {
            return true;
        }
        let quoted: Vec<&str> = self
            .message
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .collect();
        self.values(name)
            .any(|typed| quoted.iter().any(|q| typed.contains(q)))
    }
}

fn has_word(text: &str, word: &str) -> bool {
    !word.is_empty()
        && text.match_indices(word).any(|(at, _)| {
            let before = text.get(..at).and_then(|t| t.chars().next_back());
            let after = text.get(at + word.len()..).and_then(|t| t.chars().next());
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

/// `application/x-www-form-urlencoded` read into its pairs.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |b| *b == b'=');
            let name = halves.next().unwrap_or_default();
            let value = halves.next().unwrap_or_default();
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One form of a page: the indexes of its opening and closing tags.
struct FormSpan {
    open: usize,
    close: usize,
}

fn forms(all: &[Tag]) -> Vec<FormSpan> {
    let mut spans = Vec::new();
    let mut open = None;
    for (i, tag) in all.iter().enumerate() {
        match (tag.name.as_str(), tag.closing, open) {
            ("form", false, _) => open = Some(i),
            ("form", true, Some(start)) => {
                spans.push(FormSpan {
                    open: start,
                    close: i,
                });
                open = None;
            }
            _ => {}
        }
    }
    spans
}

fn input_type(tag: &Tag) -> String {
    tag.attr("type")
        .unwrap_or_else(|| "text".to_owned())
        .to_ascii_lowercase()
}

/// How well `form` matches the form that was sent: `None` when it is not
/// it (another path, or another session's token), else how many of its
/// hidden fields carry the values that were sent.
fn score(all: &[Tag], form: &FormSpan, carried: &Carried) -> Option<usize> {
    let open = all.get(form.open)?;
    if open.attr("action").as_deref() != Some(carried.action.as_str()) {
        return None;
    }
    let inner = all.get(form.open + 1..form.close)?;
    let hidden = inner
        .iter()
        .filter(|t| t.name == "input" && !t.closing && input_type(t) == "hidden");
    let mut tagged = false;
    let mut matching = 0;
    for input in hidden {
        let (Some(name), value) = (input.attr("name"), input.attr("value").unwrap_or_default())
        else {
            continue;
        };
        if name == "csrf" {
            tagged = !carried.tag.is_empty() && tag(&value) == carried.tag;
        } else if carried.sent(&name, &value) {
            matching += 1;
        }
    }
    tagged.then_some(matching)
}

/// A replacement of the page's bytes `start..end`.
struct Splice {
    start: usize,
    end: usize,
    text: String,
}

/// The marks of a control the refusal names.
fn invalid(tag: &Tag) -> [(&'static str, Edit); 2] {
    let described = match tag.attr("aria-describedby") {
        Some(ids) => format!("{} refusal-message", escape(&ids)),
        None => "refusal-message".to_owned(),
    };
    [
        ("aria-invalid", Edit::Set("true".to_owned())),
        ("aria-describedby", Edit::Set(described)),
    ]
}

/// `html` (a page showing `carried`'s refusal) with the refused form
/// filled in again as it was sent, and the controls the refusal names
/// marked and linked from the error summary. Unchanged when the page has
/// no such form.
pub fn apply(html: &str, carried: &Carried) -> String {
    let all = tags(html);
    let best = forms(&all)
        .into_iter()
        .filter_map(|form| score(&all, &form, carried).map(|s| (s, form)))
        .fold(None::<(usize, FormSpan)>, |best, (s, form)| match best {
            Some((b, _)) if b >= s => best,
            _ => Some((s, form)),
        });
    let Some((_, form)) = best else {
        return html.to_owned();
    };
    let mut splices = Vec::new();
    let mut named: Vec<String> = Vec::new();
    let mut used: Vec<(String, usize)> = Vec::new();
    let mut select: Option<String> = None;
    let inner = all.get(form.open + 1..form.close).unwrap_or_default();
    for (i, tag) in inner.iter().enumerate() {
        if tag.closing {
            if tag.name == "select" {
                select = None;
            }
            continue;
        }
        if tag.name == "option" {
            if let Some(name) = select.as_deref().filter(|n| carried.sent_name(n))
                && let Some(value) = tag.attr("value")
            {
                let edit = if carried.sent(name, &value) {
                    Edit::Bare
                } else {
                    Edit::Remove
                };
                splices.push(Splice {
                    start: tag.start,
                    end: tag.end,
                    text: tag.rewritten(&[("selected", edit)]),
                });
            }
            continue;
        }
        if !matches!(tag.name.as_str(), "input" | "textarea" | "select") {
            continue;
        }
        let Some(name) = tag.attr("name").filter(|n| !is_secret(n)) else {
            continue;
        };
        let kind = input_type(tag);
        if tag.name == "input"
            && matches!(
                kind.as_str(),
                "hidden" | "submit" | "button" | "reset" | "image" | "file" | "password"
            )
        {
            continue;
        }
        let mut edits: Vec<(&str, Edit)> = Vec::new();
        if carried.names(&name) {
            edits.extend(invalid(tag));
            if let Some(id) = tag.attr("id") {
                named.push(id);
            }
        }
        match (tag.name.as_str(), kind.as_str()) {
            ("select", _) => select = Some(name.clone()),
            ("input", "checkbox" | "radio") => {
                let value = tag.attr("value").unwrap_or_else(|| "on".to_owned());
                if kind == "checkbox" || carried.sent_name(&name) {
                    let on = carried.sent(&name, &value);
                    edits.push(("checked", if on { Edit::Bare } else { Edit::Remove }));
                }
            }
            (element, _) => {
                let nth = used.iter().filter(|(n, _)| *n == name).count();
                used.push((name.clone(), nth));
                if let Some(value) = carried.values(&name).nth(nth) {
                    if element == "textarea" {
                        let close = inner
                            .get(i + 1..)
                            .unwrap_or_default()
                            .iter()
                            .find(|t| t.closing && t.name == "textarea");
                        if let Some(close) = close {
                            // A newline right after `<textarea>` is dropped by browsers.
                            let lead = if value.starts_with('\n') { "\n" } else { "" };
                            splices.push(Splice {
                                start: tag.end,
                                end: close.start,
                                text: format!("{lead}{}", escape(value)),
                            });
                        }
                    } else {
                        edits.push(("value", Edit::Set(escape(value))));
                    }
                }
            }
        }
        if !edits.is_empty() {
            splices.push(Splice {
                start: tag.start,
                end: tag.end,
                text: tag.rewritten(&edits),
            });
        }
    }
    if let Some(list) = field_links(html, &all, &named) {
        splices.push(list);
    }
    splice(html, splices)
}

/// The list of links to the controls the refusal names, placed after the
/// summary's message; each link reads as the control's label.
fn field_links(html: &str, all: &[Tag], ids: &[String]) -> Option<Splice> {
    if ids.is_empty() {
        return None;
    }
    let message = all
        .iter()
        .position(|t| t.attr("id").as_deref() == Some("refusal-message"))?;
    let end = all
        .get(message + 1..)?
        .iter()
        .find(|t| t.closing && t.name == "p")?
        .end;
    let mut list = String::from("\n  <ul class=\"error-list\" id=\"refusal-fields\">");
    for id in ids {
        let label = all
            .iter()
            .enumerate()
            .find(|(_, t)| {
                t.name == "label" && !t.closing && t.attr("for").as_deref() == Some(id.as_str())
            })
            .and_then(|(at, open)| {
                let close = all
                    .get(at + 1..)?
                    .iter()
                    .find(|t| t.closing && t.name == "label")?;
                Some(text_between(html, open.end, close.start))
            })
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| id.clone());
        list.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>",
            escape(id),
            escape(&label)
        ));
    }
    list.push_str("</ul>");
    Some(Splice {
        start: end,
        end,
        text: list,
    })
}

fn splice(html: &str, mut splices: Vec<Splice>) -> String {
    splices.sort_by_key(|s| (s.start, s.end));
    let mut out = String::with_capacity(html.len() + 256);
    let mut at = 0;
    for s in splices {
        if s.start < at {
            continue;
        }
        out.push_str(html.get(at..s.start).unwrap_or_default());
        out.push_str(&s.text);
        at = s.end;
    }
    out.push_str(html.get(at..).unwrap_or_default());
    out
}

#[cfg(test)]
#[path = "refill_tests.rs"]
mod tests;
