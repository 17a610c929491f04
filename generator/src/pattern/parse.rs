//! Parser for the regular subset of ECMA-262 patterns (no flags).
//!
//! It mirrors how `regress` reads a pattern without the `u` flag (Annex B
//! syntax: identity escapes, literal `{`/`}`/`]`, ...). Anything whose meaning
//! is not a plain regular language, or that the engine reads in its own way,
//! is reported as [`ParseFail::Unsupported`] so the caller falls back to the
//! engine instead of guessing.

use super::charset::CharSet;

/// Repetition bounds above this are left to the engine: the DFA would copy the
/// operand that many times.
const MAX_COUNTED_REPEAT: u32 = 1000;

/// Nesting deeper than this is left to the engine, keeping recursion bounded.
const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Empty,
    Set(CharSet),
    Cat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
    /// `^`: only at the start of the input (no `m` flag).
    Start,
    /// `$`: only at the very end of the input (no `m` flag).
    End,
    /// `(?!^)`: anywhere but the start.
    NotStart,
    /// `(?!$)`: anywhere but the very end.
    NotEnd,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ParseFail {
    /// Valid ECMA-262 that the DFA compiler does not handle; the reason says what.
    Unsupported(String),
    /// Malformed pattern, with the byte offset where it was noticed.
    Syntax { message: String, offset: usize },
}

pub(crate) fn parse(source: &str) -> Result<Node, ParseFail> {
    parse_with(source, false)
}

/// Parses a pattern into a language that contains the pattern's, for
/// sampling: lookarounds and word boundaries are dropped (they only ever
/// rule strings out), backreferences match any text. Samples of it must be
/// checked against the real pattern.
pub(crate) fn parse_relaxed(source: &str) -> Result<Node, ParseFail> {
    parse_with(source, true)
}

fn parse_with(source: &str, relaxed: bool) -> Result<Node, ParseFail> {
    let mut p = Parser {
        chars: source.char_indices().collect(),
        pos: 0,
        len: source.len(),
        depth: 0,
        relaxed,
    };
    let node = p.disjunction()?;
    match p.peek() {
        None => Ok(node),
        Some(')') => Err(p.syntax("unbalanced parenthesis")),
        Some(c) => Err(p.syntax(&format!("unexpected character `{c}`"))),
    }
}

struct Parser {
    chars: Vec<(usize, char)>,
    pos: usize,
    len: usize,
    depth: usize,
    /// Reading for [`parse_relaxed`].
    relaxed: bool,
}

enum ClassAtom {
    Char(u32),
    Set(CharSet),
}

fn unsupported<T>(reason: &str) -> Result<T, ParseFail> {
    Err(ParseFail::Unsupported(reason.to_string()))
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        let matches = s
            .chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c));
        if matches {
            self.pos += s.chars().count();
        }
        matches
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.len, |&(o, _)| o)
    }

    fn syntax(&self, message: &str) -> ParseFail {
        ParseFail::Syntax {
            message: message.to_string(),
            offset: self.offset(),
        }
    }

    fn disjunction(&mut self) -> Result<Node, ParseFail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return unsupported("nesting too deep for the DFA compiler");
        }
        let mut alts = vec![self.alternative()?];
        while self.eat('|') {
            alts.push(self.alternative()?);
        }
        self.depth -= 1;
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn alternative(&mut self) -> Result<Node, ParseFail> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            let atom = match c {
                ')' | '|' => break,
                '^' | '$' => {
                    self.bump();
                    // Assertions cannot be quantified.
                    if self.quantifier()?.is_some() {
                        return Err(self.syntax("nothing to repeat"));
                    }
                    items.push(if c == '^' { Node::Start } else { Node::End });
                    continue;
                }
                '\\' => {
                    self.bump();
                    self.atom_escape()?
                }
                '.' => {
                    self.bump();
                    Node::Set(CharSet::dot())
                }
                '(' => {
                    self.bump();
                    self.group()?
                }
                '[' => {
                    self.bump();
                    self.class()?
                }
                '*' | '+' | '?' => return Err(self.syntax("nothing to repeat")),
                '{' => {
                    // Annex B: a `{` that does not start a valid quantifier is
                    // a literal; one that does has nothing to repeat.
                    let save = self.pos;
                    let quantifier = self.braced_quantifier();
                    self.pos = save;
                    if quantifier.is_some() {
                        return Err(self.syntax("nothing to repeat"));
                    }
                    self.bump();
                    Node::Set(CharSet::single('{' as u32))
                }
                _ => {
                    self.bump();
                    Node::Set(CharSet::single(c as u32))
                }
            };
            let atom = match self.quantifier()? {
                Some((min, max)) => {
                    if min > MAX_COUNTED_REPEAT || max.is_some_and(|m| m > MAX_COUNTED_REPEAT) {
                        return unsupported("repetition count too large for the DFA compiler");
                    }
                    Node::Repeat {
                        node: Box::new(atom),
                        min,
                        max,
                    }
                }
                None => atom,
            };
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Cat(items),
        })
    }

    /// Parses `* + ? {n} {n,} {n,m}` with an optional lazy `?`; laziness does
    /// not change whether a match exists.
    fn quantifier(&mut self) -> Result<Option<(u32, Option<u32>)>, ParseFail> {
        let q = match self.peek() {
            Some('*') => {
                self.bump();
                Some((0, None))
            }
            Some('+') => {
                self.bump();
                Some((1, None))
            }
            Some('?') => {
                self.bump();
                Some((0, Some(1)))
            }
            Some('{') => {
                let save = self.pos;
                let q = self.braced_quantifier();
                if q.is_none() {
                    self.pos = save;
                }
                q
            }
            _ => None,
        };
        if let Some((min, Some(max))) = q {
            if min > max {
                return Err(self.syntax("numbers out of order in quantifier"));
            }
        }
        if q.is_some() {
            self.eat('?');
        }
        Ok(q)
    }

    /// Consumes `{n}`, `{n,}` or `{n,m}` if present; leaves the position
    /// wherever it stopped otherwise (callers restore it).
    fn braced_quantifier(&mut self) -> Option<(u32, Option<u32>)> {
        if !self.eat('{') {
            return None;
        }
        let min = self.decimal()?;
        let max = if self.eat(',') {
            self.decimal()
        } else {
            Some(min)
        };
        if !self.eat('}') {
            return None;
        }
        Some((min, max))
    }

    fn decimal(&mut self) -> Option<u32> {
        let mut value: u32 = 0;
        let mut any = false;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            self.bump();
            any = true;
            value = value.saturating_mul(10).saturating_add(d);
        }
        any.then_some(value)
    }

    fn group(&mut self) -> Result<Node, ParseFail> {
        // Lookarounds of a bare anchor only test the position, which the DFA
        // can do exactly (`\.(?!$)` is common in IP address patterns).
        let anchor_lookahead = match (
            self.peek(),
            self.peek_at(1),
            self.peek_at(2),
            self.peek_at(3),
        ) {
            (Some('?'), Some('='), Some('^'), Some(')')) => Some(Node::Start),
            (Some('?'), Some('='), Some('$'), Some(')')) => Some(Node::End),
            (Some('?'), Some('!'), Some('^'), Some(')')) => Some(Node::NotStart),
            (Some('?'), Some('!'), Some('$'), Some(')')) => Some(Node::NotEnd),
            _ => None,
        };
        if let Some(node) = anchor_lookahead {
            self.pos += 4;
            return Ok(node);
        }
        if self.relaxed
            && ["?=", "?!", "?<=", "?<!"]
                .iter()
                .any(|look| self.eat_str(look))
        {
            self.disjunction()?;
            if !self.eat(')') {
                return Err(self.syntax("unbalanced parenthesis"));
            }
            return Ok(Node::Empty);
        }
        if self.peek() == Some('?') {
            if self.eat_str("?=") {
                return unsupported("lookahead (?=...)");
            }
            if self.eat_str("?!") {
                return unsupported("negative lookahead (?!...)");
            }
            if self.eat_str("?<=") {
                return unsupported("lookbehind (?<=...)");
            }
            if self.eat_str("?<!") {
                return unsupported("negative lookbehind (?<!...)");
            }
            if self.eat_str("?<") {
                // Named group: the name only matters for captures.
                loop {
                    match self.bump() {
                        Some('>') => break,
                        Some(_) => {}
                        None => return Err(self.syntax("unterminated group name")),
                    }
                }
            } else if !self.eat_str("?:") {
                return unsupported("inline modifier group (?flags:...)");
            }
        }
        let inner = self.disjunction()?;
        if !self.eat(')') {
            return Err(self.syntax("unbalanced parenthesis"));
        }
        Ok(inner)
    }

    /// After a `\` outside a class.
    fn atom_escape(&mut self) -> Result<Node, ParseFail> {
        let Some(c) = self.peek() else {
            return Err(self.syntax("incomplete escape"));
        };
        if self.relaxed {
            match c {
                'b' | 'B' => {
                    self.bump();
                    return Ok(Node::Empty);
                }
                '1'..='9' => {
                    while self.peek().is_some_and(|d| d.is_ascii_digit()) {
                        self.bump();
                    }
                    return Ok(any_text());
                }
                'k' if self.peek_at(1) == Some('<') => {
                    while let Some(c) = self.bump() {
                        if c == '>' {
                            return Ok(any_text());
                        }
                    }
                    return Err(self.syntax("unterminated group name"));
                }
                _ => {}
            }
        }
        match c {
            'b' => unsupported("word boundary \\b"),
            'B' => unsupported("non-word-boundary \\B"),
            '1'..='9' => unsupported("backreference or legacy octal escape"),
            'k' => unsupported("\\k escape (named backreference)"),
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => {
                self.bump();
                Ok(Node::Set(class_escape(c)))
            }
            _ => Ok(Node::Set(CharSet::single(self.character_escape()?))),
        }
    }

    /// A CharacterEscape, positioned on the character after the `\`.
    fn character_escape(&mut self) -> Result<u32, ParseFail> {
        let Some(c) = self.bump() else {
            return Err(self.syntax("incomplete escape"));
        };
        Ok(match c {
            'f' => 0x0C,
            'n' => 0x0A,
            'r' => 0x0D,
            't' => 0x09,
            'v' => 0x0B,
            'c' => return unsupported("control escape \\c"),
            '0' if self.peek().is_some_and(|d| d.is_ascii_digit()) => {
                return unsupported("legacy octal escape")
            }
            '0' => 0,
            '1'..='7' => return unsupported("legacy octal escape"),
            'x' => {
                let hex = (self.peek(), self.peek_at(1));
                match hex {
                    (Some(h1), Some(h2)) if h1.is_ascii_hexdigit() && h2.is_ascii_hexdigit() => {
                        self.pos += 2;
                        hex_value(&[h1, h2])
                    }
                    // Annex B: `\x` without two hex digits is the letter x.
                    _ => 'x' as u32,
                }
            }
            'u' => {
                if matches!(self.peek(), Some('{' | '+')) {
                    // regress reads `\u{...}` (and a sign inside `\uXXXX`) in
                    // its own way without the `u` flag; let it decide.
                    return unsupported("\\u{...} or signed \\u escape");
                }
                let digits: Vec<char> = (0..4).filter_map(|i| self.peek_at(i)).collect();
                if digits.len() == 4 && digits.iter().all(char::is_ascii_hexdigit) {
                    let v = hex_value(&digits);
                    if (0xD800..=0xDFFF).contains(&v) {
                        return unsupported("surrogate \\u escape");
                    }
                    self.pos += 4;
                    v
                } else {
                    'u' as u32
                }
            }
            // Annex B identity escape: `\p`, `\-`, `\.`, `\a`, ... all stand
            // for the character itself without the `u` flag.
            other => other as u32,
        })
    }

    /// After `[`.
    fn class(&mut self) -> Result<Node, ParseFail> {
        let negated = self.eat('^');
        let mut set = CharSet::empty();
        loop {
            match self.peek() {
                None => return Err(self.syntax("unterminated character class")),
                Some(']') => {
                    self.bump();
                    break;
                }
                Some(_) => {}
            }
            let first = self.class_atom()?;
            if !self.eat('-') {
                add_atom(&mut set, first);
                continue;
            }
            match self.peek() {
                None => return Err(self.syntax("unterminated character class")),
                Some(']') => {
                    // `[a-]`: the dash is literal.
                    add_atom(&mut set, first);
                    set.add_range('-' as u32, '-' as u32);
                    continue;
                }
                Some(_) => {}
            }
            let second = self.class_atom()?;
            match (first, second) {
                (ClassAtom::Char(lo), ClassAtom::Char(hi)) => {
                    if lo > hi {
                        return Err(self.syntax("range out of order in character class"));
                    }
                    set.add_range(lo, hi);
                }
                // Annex B: `[\d-x]` is the class, a dash and x.
                (first, second) => {
                    add_atom(&mut set, first);
                    set.add_range('-' as u32, '-' as u32);
                    add_atom(&mut set, second);
                }
            }
        }
        Ok(Node::Set(if negated { set.complement() } else { set }))
    }

    fn class_atom(&mut self) -> Result<ClassAtom, ParseFail> {
        let Some(c) = self.bump() else {
            return Err(self.syntax("unterminated character class"));
        };
        if c != '\\' {
            return Ok(ClassAtom::Char(c as u32));
        }
        let Some(e) = self.peek() else {
            return Err(self.syntax("incomplete escape"));
        };
        match e {
            'b' => {
                self.bump();
                Ok(ClassAtom::Char(0x08))
            }
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => {
                self.bump();
                Ok(ClassAtom::Set(class_escape(e)))
            }
            _ => Ok(ClassAtom::Char(self.character_escape()?)),
        }
    }
}

/// Any text at all: what a backreference can match, as far as a relaxed
/// reading knows.
fn any_text() -> Node {
    Node::Repeat {
        node: Box::new(Node::Set(CharSet::empty().complement())),
        min: 0,
        max: None,
    }
}

fn add_atom(set: &mut CharSet, atom: ClassAtom) {
    match atom {
        ClassAtom::Char(c) => set.add_range(c, c),
        ClassAtom::Set(s) => set.add_set(&s),
    }
}

fn class_escape(c: char) -> CharSet {
    match c {
        'd' => CharSet::digits(),
        'D' => CharSet::digits().complement(),
        's' => CharSet::space(),
        'S' => CharSet::space().complement(),
        'w' => CharSet::word(),
        _ => CharSet::word().complement(),
    }
}

fn hex_value(digits: &[char]) -> u32 {
    digits
        .iter()
        .fold(0, |acc, d| acc * 16 + d.to_digit(16).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(node: &Node) -> Vec<(u32, u32)> {
        match node {
            Node::Set(s) => s.ranges().to_vec(),
            other => panic!("not a set: {other:?}"),
        }
    }

    #[test]
    fn annex_b_class_quirks() {
        let n = parse(r"[\d-x]").unwrap();
        assert_eq!(set(&n), vec![(0x2D, 0x2D), (0x30, 0x39), (0x78, 0x78)]);
        let n = parse(r"[a-]").unwrap();
        assert_eq!(set(&n), vec![(0x2D, 0x2D), (0x61, 0x61)]);
        let n = parse(r"[\p{L}]").unwrap();
        assert_eq!(
            set(&n),
            vec![(0x4C, 0x4C), (0x70, 0x70), (0x7B, 0x7B), (0x7D, 0x7D)]
        );
        let n = parse(r"\x4").unwrap();
        assert!(matches!(n, Node::Cat(ref v) if v.len() == 2));
    }

    #[test]
    fn unsupported_constructs() {
        for (src, reason) in [
            ("(?!a)", "negative lookahead (?!...)"),
            (r"\bfoo", "word boundary \\b"),
            (r"(a)\1", "backreference or legacy octal escape"),
            (r"\u{41}", "\\u{...} or signed \\u escape"),
        ] {
            assert_eq!(
                parse(src),
                Err(ParseFail::Unsupported(reason.into())),
                "{src}"
            );
        }
    }

    #[test]
    fn syntax_offsets() {
        assert!(matches!(
            parse("("),
            Err(ParseFail::Syntax { offset: 1, .. })
        ));
        assert!(matches!(
            parse("a)"),
            Err(ParseFail::Syntax { offset: 1, .. })
        ));
        assert!(matches!(parse("[z-a]"), Err(ParseFail::Syntax { .. })));
        assert!(matches!(
            parse("*"),
            Err(ParseFail::Syntax { offset: 0, .. })
        ));
    }
}
