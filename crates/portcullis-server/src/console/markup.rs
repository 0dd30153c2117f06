//! Just enough of HTML to read the console's own pages back: their tags
//! with attributes and byte positions, and the escaping the templates use.
//!
//! The console's templates are well formed (every attribute value in
//! double quotes, every text escaped by askama, no inline script or
//! style), so a page reads as a flat list of tags; this is not a parser
//! for HTML from elsewhere.

/// One tag of a page: `<name attr="value">` or `</name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Byte offset of its `<`.
    pub start: usize,
    /// Byte offset just past its `>`.
    pub end: usize,
    /// Lowercase element name.
    pub name: String,
    pub closing: bool,
    /// Attributes in order: name (lowercase) and value as written (still
    /// escaped), `None` for a bare attribute such as `checked`.
    pub attrs: Vec<(String, Option<String>)>,
}

impl Tag {
    /// The unescaped value of attribute `name`, if present with a value.
    pub fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
            .map(unescape)
    }

    /// The tag written again with `edits` made to its attributes (the
    /// others kept as written).
    pub fn rewritten(&self, edits: &[(&str, Edit)]) -> String {
        let mut out = format!("<{}", self.name);
        for (name, value) in &self.attrs {
            if edits.iter().any(|(n, _)| n == name) {
                continue;
            }
            push_attr(&mut out, name, value.as_deref());
        }
        for (name, edit) in edits {
            match edit {
                Edit::Set(value) => push_attr(&mut out, name, Some(value.as_str())),
                Edit::Bare => push_attr(&mut out, name, None),
                Edit::Remove => {}
            }
        }
        out.push('>');
        out
    }
}

/// A change to one attribute of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Set to this raw (escaped) value.
    Set(String),
    /// Present without a value (`checked`).
    Bare,
    /// Absent.
    Remove,
}

fn push_attr(out: &mut String, name: &str, raw: Option<&str>) {
    out.push(' ');
    out.push_str(name);
    if let Some(raw) = raw {
        out.push_str("=\"");
        // A raw value is escaped already; a stray quote cannot end it.
        out.push_str(&raw.replace('"', "&#34;"));
        out.push('"');
    }
}

/// Every tag of `html`, in order (comments and the doctype left out).
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(offset) = html.get(at..).and_then(|rest| rest.find('<')) {
        let start = at + offset;
        if html.get(start..).is_some_and(|r| r.starts_with("<!--")) {
            at = html
                .get(start..)
                .and_then(|r| r.find("-->"))
                .map_or(html.len(), |end| start + end + 3);
            continue;
        }
        match tag_at(html, bytes, start) {
            Some(tag) => {
                at = tag.end;
                out.push(tag);
            }
            None => at = start + 1,
        }
    }
    out
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':'
}

fn tag_at(html: &str, bytes: &[u8], start: usize) -> Option<Tag> {
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while bytes.get(i).copied().is_some_and(is_name_byte) {
        i += 1;
    }
    if i == name_start {
        // `<!doctype …>` or a stray `<`: skip to its end if it is a declaration.
        return None;
    }
    let name = html.get(name_start..i)?.to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => break,
            b'/' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let attr_start = i;
        while bytes
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
        {
            i += 1;
        }
        let attr = html.get(attr_start..i)?.to_ascii_lowercase();
        if attr.is_empty() {
            i += 1;
            continue;
        }
        if bytes.get(i) != Some(&b'=') {
            attrs.push((attr, None));
            continue;
        }
        i += 1;
        let value = match bytes.get(i)? {
            quote @ (b'"' | b'\'') => {
                let open = i + 1;
                let close = open + html.get(open..)?.find(char::from(*quote))?;
                i = close + 1;
                html.get(open..close)?
            }
            _ => {
                let open = i;
                while bytes
                    .get(i)
                    .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                {
                    i += 1;
                }
                html.get(open..i)?
            }
        };
        attrs.push((attr, Some(value.to_owned())));
    }
    Some(Tag {
        start,
        end: i + 1,
        name,
        closing,
        attrs,
    })
}

/// `text` escaped for an attribute value or element content, as askama
/// escapes it.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text read back: numeric references and the five named ones.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let decoded = after.find(';').filter(|semi| *semi <= 10).and_then(|semi| {
            let entity = after.get(..semi)?;
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let number = entity.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = after.get(semi + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text between byte offsets, with tags left out and references read.
pub fn text_between(html: &str, from: usize, to: usize) -> String {
    let inner = html.get(from..to).unwrap_or_default();
    let mut text = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_with_their_attributes_and_places() {
        let html = r#"<!doctype html><!-- <form> --><form method="post" action="/a?x=1&#38;y=2"><input type="checkbox" name="role" checked><textarea name="r">a &#60;b&#62;</textarea></form>"#;
        let found = tags(html);
        let names: Vec<_> = found.iter().map(|t| (t.name.as_str(), t.closing)).collect();
        assert_eq!(
            names,
            [
                ("form", false),
                ("input", false),
                ("textarea", false),
                ("textarea", true),
                ("form", true)
            ]
        );
        let form = &found[0];
        assert_eq!(form.attr("action").as_deref(), Some("/a?x=1&y=2"));
        assert!(
            found[1]
                .attrs
                .iter()
                .any(|(n, v)| n == "checked" && v.is_none())
        );
        assert_eq!(found[1].attr("checked"), None);
        assert_eq!(&html[form.start..form.end], &html[30..form.end]);
        assert_eq!(text_between(html, found[2].end, found[3].start), "a <b>");
    }

    #[test]
    fn escaping_round_trips_and_stays_inert() {
        let payload = r#""><script>alert('x')</script>&amp;"#;
        let escaped = escape(payload);
        assert!(!escaped.contains('<') && !escaped.contains('"') && !escaped.contains('\''));
        assert_eq!(unescape(&escaped), payload);
        assert_eq!(unescape("a &amp; b &#x41; &bogus; &"), "a & b A &bogus; &");
    }

    #[test]
    fn a_rewritten_tag_keeps_what_was_not_edited() {
        let tag = &tags(r#"<input id="x" name="n" value="old" required>"#)[0];
        let out = tag.rewritten(&[
            ("value", Edit::Set(escape("new \"one\""))),
            ("required", Edit::Remove),
            ("aria-invalid", Edit::Set("true".to_owned())),
        ]);
        assert_eq!(
            out,
            r#"<input id="x" name="n" value="new &#34;one&#34;" aria-invalid="true">"#
        );
    }
}
