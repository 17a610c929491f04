//! The spec's prose made safe for rustdoc. Descriptions are Markdown written
//! for a web page, not for doc comments: `replicationSpecs[n]` reads to
//! rustdoc as a link to an item `n`, a bare URL is not a link, stray HTML
//! (`<value>`, half an `<abbr>`) is invalid, and a code block without a
//! language is taken for Rust. Each is written so that rustdoc shows the
//! text as the spec's authors meant it, and warns about none of them.
//!
//! Code spans and fenced code blocks are kept byte for byte; everything
//! else is escaped a construct at a time:
//! - `[text]` not followed by `(url)` becomes `\[text\]`;
//! - a bare `http(s)://` URL becomes `<url>` (an autolink), trailing
//!   punctuation left outside;
//! - `<` that does not open an autolink becomes `&lt;`;
//! - a fence without a language becomes a `text` fence.

/// `text` (Markdown from the spec) escaped for a doc comment.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    // The fence that opened the code block we are in: its character and length.
    let mut fence: Option<(char, usize)> = None;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let run = fence_run(trimmed);
        match (fence, run) {
            (Some((c, n)), Some((c2, n2)))
                if indent < 4 && c == c2 && n2 >= n && trimmed[n2..].trim().is_empty() =>
            {
                fence = None;
                out.push_str(line);
            }
            (Some(_), _) => out.push_str(line),
            (None, Some((c, n))) if indent < 4 => {
                fence = Some((c, n));
                out.push_str(line);
                if trimmed[n..].trim().is_empty() {
                    out.push_str("text");
                }
            }
            (None, _) => out.push_str(&inline(line)),
        }
    }
    out
}

/// The fence a line opens or closes: three or more backticks or tildes.
fn fence_run(line: &str) -> Option<(char, usize)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|x| *x == c).count();
    // A backtick fence's info string holds no backtick.
    let info_ok = c == '~' || !line[n..].contains('`');
    (n >= 3 && info_ok).then_some((c, n))
}

/// One line outside code blocks.
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                // An escape already: kept with what it escapes.
                out.push(c);
                if let Some(next) = chars.get(i + 1) {
                    out.push(*next);
                }
                i += 2;
            }
            '`' => {
                let n = run_length(&chars, i, '`');
                match closing_run(&chars, i + n, n) {
                    Some(end) => {
                        out.extend(&chars[i..end + n]);
                        i = end + n;
                    }
                    None => {
                        out.extend(&chars[i..i + n]);
                        i += n;
                    }
                }
            }
            '[' => match bracket_end(&chars, i) {
                Some(close) if chars.get(close + 1) == Some(&'(') => {
                    // An inline link: text escaped, destination kept.
                    let dest_end = chars[close + 1..]
                        .iter()
                        .position(|x| *x == ')')
                        .map(|p| close + 1 + p);
                    match dest_end {
                        Some(end) => {
                            out.push('[');
                            out.push_str(&inline(&chars[i + 1..close].iter().collect::<String>()));
                            out.extend(&chars[close..=end]);
                            i = end + 1;
                        }
                        None => {
                            out.push_str("\\[");
                            i += 1;
                        }
                    }
                }
                Some(close) => {
                    out.push_str("\\[");
                    out.push_str(&inline(&chars[i + 1..close].iter().collect::<String>()));
                    out.push_str("\\]");
                    i = close + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            },
            '<' => match autolink_end(&chars, i) {
                Some(end) => {
                    out.extend(&chars[i..=end]);
                    i = end + 1;
                }
                None => {
                    out.push_str("&lt;");
                    i += 1;
                }
            },
            'h' if starts_url(&chars, i) && !word_before(&chars, i) => {
                let end = url_end(&chars, i);
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn run_length(chars: &[char], at: usize, c: char) -> usize {
    chars[at..].iter().take_while(|x| **x == c).count()
}

/// Where a run of exactly `n` backticks starts at or after `from`.
fn closing_run(chars: &[char], from: usize, n: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let m = run_length(chars, i, '`');
            if m == n {
                return Some(i);
            }
            i += m;
        } else {
            i += 1;
        }
    }
    None
}

/// The `]` that closes the `[` at `open`, brackets nested, on this line.
fn bracket_end(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The `>` of an autolink (`<https://…>`, `<mailto:…>`) opening at `open`.
fn autolink_end(chars: &[char], open: usize) -> Option<usize> {
    let rest: String = chars[open + 1..].iter().take(8).collect();
    if !(rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("mailto:"))
    {
        return None;
    }
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            '>' => return Some(i),
            c if c.is_whitespace() || c == '<' => return None,
            _ => i += 1,
        }
    }
    None
}

fn starts_url(chars: &[char], at: usize) -> bool {
    let rest: String = chars[at..].iter().take(8).collect();
    rest.starts_with("http://") || rest.starts_with("https://")
}

/// Whether a letter or digit runs into `at` (`xhttp://` is no URL).
fn word_before(chars: &[char], at: usize) -> bool {
    at > 0 && chars[at - 1].is_alphanumeric()
}

/// Where a bare URL starting at `at` ends: at whitespace or a character
/// no URL in prose holds, less trailing punctuation and an unmatched `)`.
fn url_end(chars: &[char], at: usize) -> usize {
    let mut end = at;
    while end < chars.len() && !chars[end].is_whitespace() && !"<>\"`".contains(chars[end]) {
        end += 1;
    }
    while let Some(last) = end.checked_sub(1).map(|i| chars[i]) {
        let opened = chars[at..end].iter().filter(|c| **c == '(').count();
        let closed = chars[at..end].iter().filter(|c| **c == ')').count();
        if ".,;:!?'*_".contains(last) || (last == ')' && closed > opened) {
            end -= 1;
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            escape("set **replicationSpecs[n].regionConfigs[m]** first"),
            r"set **replicationSpecs\[n\].regionConfigs\[m\]** first"
        );
    }

    #[test]
    fn links_code_spans_and_code_blocks_are_kept() {
        let text =
            "See [the docs](https://example.com/a_(b)) or `a[0] <b>`.\n```json\n{\"a\": [1]}\n```";
        assert_eq!(escape(text), text);
    }

    #[test]
    fn bare_urls_become_autolinks_without_their_trailing_punctuation() {
        assert_eq!(
            escape("To learn more, see: https://www.mongodb.com/docs/atlas/mfa/. Or (https://x.org/a)."),
            "To learn more, see: <https://www.mongodb.com/docs/atlas/mfa/>. Or (<https://x.org/a>)."
        );
        assert_eq!(escape("<https://x.org>"), "<https://x.org>");
    }

    #[test]
    fn stray_html_is_shown_as_text() {
        assert_eq!(
            escape("the <value> is for abbr title=\"A\">AWS</abbr>."),
            "the &lt;value> is for abbr title=\"A\">AWS&lt;/abbr>."
        );
    }

    #[test]
    fn a_fence_without_a_language_is_text() {
        assert_eq!(
            escape("Run:\n```\ncurl \\\n  -X GET\n```\nDone [n]."),
            "Run:\n```text\ncurl \\\n  -X GET\n```\nDone \\[n\\]."
        );
    }
}
