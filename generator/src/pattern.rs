//! ECMA-262 `pattern` validators.
//!
//! OpenAPI patterns are ECMA-262 regular expressions with JSON-Schema search
//! semantics: not implicitly anchored, a value is valid when the regex matches
//! somewhere in it. [`compile`] turns a pattern into either a DFA (for the
//! regular subset: literals, classes, groups, alternation, quantifiers and
//! `^`/`$`) that [`emit_matcher`] renders as plain Rust, or, for everything
//! else, a call into the runtime's ECMA engine. `regress` is the reference
//! for what a pattern means: a pattern it rejects is an error, and the DFA
//! must agree with it on every input.

mod automaton;
mod charset;
mod emit;
mod parse;

use std::fmt;

use proc_macro2::{Ident, TokenStream};

/// DFAs larger than this are left to the engine: the emitted code would be
/// bulky and the engine is fast enough for such patterns.
pub const MAX_DFA_STATES: usize = 512;

/// Automata built only to sample strings ([`sampling_dfa`]) may be larger:
/// no code is emitted from them.
pub const MAX_SAMPLING_STATES: usize = 4096;

/// Bound on the table [`Dfa::sample`] fills: (longest length + 1) × states.
const MAX_SAMPLE_TABLE: usize = 1 << 23;

/// A pattern ready for code generation.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledPattern {
    /// The pattern as written in the spec.
    pub source: String,
    /// How it is matched.
    pub strategy: Strategy,
}

/// How a compiled pattern is matched: by generated code, or at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// Matched by generated code.
    Dfa(Dfa),
    /// Matched at run time by the runtime's ECMA-262 engine.
    Engine {
        /// Why the DFA could not be used, e.g. "negative lookahead (?!...)".
        reason: String,
    },
}

/// A deterministic automaton with search semantics built in.
///
/// State 0 is the start. A character with no transition means "no match".
/// Reaching a state with [`DfaState::accept_now`] means a match was found,
/// whatever follows; otherwise the input matches if it ends in a state with
/// [`DfaState::accept_at_end`].
#[derive(Debug, Clone, PartialEq)]
pub struct Dfa {
    states: Vec<DfaState>,
}

/// One state of a [`Dfa`].
#[derive(Debug, Clone, PartialEq)]
pub struct DfaState {
    /// Sorted, disjoint character ranges.
    pub transitions: Vec<Transition>,
    /// A match ends here; the rest of the input is irrelevant.
    pub accept_now: bool,
    /// A match ends here if the input ends here (includes `accept_now`).
    pub accept_at_end: bool,
}

/// Characters `lo..=hi` lead to `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// First character of the range.
    pub lo: char,
    /// Last character of the range.
    pub hi: char,
    /// The state it leads to (an index into [`Dfa::states`]).
    pub target: usize,
}

impl Dfa {
    /// The states; state 0 is the start.
    pub fn states(&self) -> &[DfaState] {
        &self.states
    }

    /// Runs the automaton; same semantics as the code [`emit_matcher`] emits.
    pub fn is_match(&self, s: &str) -> bool {
        let mut state = 0usize;
        for c in s.chars() {
            let Some(st) = self.states.get(state) else {
                return false;
            };
            if st.accept_now {
                return true;
            }
            match self.step(state, c) {
                Some(next) => state = next,
                None => return false,
            }
        }
        self.states
            .get(state)
            .is_some_and(|st| st.accept_now || st.accept_at_end)
    }

    /// The state reached from `state` on `c`, if any.
    pub fn step(&self, state: usize, c: char) -> Option<usize> {
        let st = self.states.get(state)?;
        let i = st.transitions.partition_point(|t| t.hi < c);
        st.transitions
            .get(i)
            .filter(|t| t.lo <= c)
            .map(|t| t.target)
    }

    /// A shortest input that matches, if the pattern can match at all.
    /// Useful for examples and tests.
    pub fn shortest_match(&self) -> Option<String> {
        let n = self.states.len();
        let mut prev: Vec<Option<(usize, char)>> = vec![None; n];
        let mut seen = vec![false; n];
        let mut queue = std::collections::VecDeque::new();
        if n == 0 {
            return None;
        }
        seen[0] = true;
        queue.push_back(0usize);
        while let Some(s) = queue.pop_front() {
            let st = self.states.get(s)?;
            if st.accept_at_end {
                let mut out = Vec::new();
                let mut cur = s;
                while let Some((p, c)) = prev.get(cur).copied().flatten() {
                    out.push(c);
                    cur = p;
                }
                out.reverse();
                return Some(out.into_iter().collect());
            }
            for t in &st.transitions {
                if let Some(flag) = seen.get_mut(t.target) {
                    if !*flag {
                        *flag = true;
                        if let Some(slot) = prev.get_mut(t.target) {
                            *slot = Some((s, t.lo));
                        }
                        queue.push_back(t.target);
                    }
                }
            }
        }
        None
    }
}

impl Dfa {
    /// A random input of `min_len..=max_len` characters that matches, if
    /// there is one: a walk from the start that only takes transitions from
    /// which a match can still be completed in the characters left.
    /// `random` supplies the randomness (the same numbers give the same
    /// string). Characters are mostly printable ASCII where a transition
    /// allows it, sometimes anything it allows. `None` also when the table
    /// of reachable lengths, (`max_len` + 1) × states, would be too large.
    pub fn sample(
        &self,
        random: &mut dyn FnMut() -> u64,
        min_len: usize,
        max_len: usize,
    ) -> Option<String> {
        let n = self.states.len();
        if n == 0
            || min_len > max_len
            || max_len.saturating_add(1).saturating_mul(n) > MAX_SAMPLE_TABLE
        {
            return None;
        }
        // done[k * n + s]: from state s, exactly k more characters can end
        // in a match (after `accept_now`, any characters do).
        let mut done = vec![false; (max_len + 1) * n];
        for (s, st) in self.states.iter().enumerate() {
            done[s] = st.accept_at_end || st.accept_now;
        }
        for k in 1..=max_len {
            for (s, st) in self.states.iter().enumerate() {
                done[k * n + s] = st.accept_now
                    || st
                        .transitions
                        .iter()
                        .any(|t| done.get((k - 1) * n + t.target) == Some(&true));
            }
        }
        let lengths: Vec<usize> = (min_len..=max_len)
            .filter(|&k| done.get(k * n) == Some(&true))
            .collect();
        // The shortest length a quarter of the time: the edge case.
        let len = if random() & 3 == 0 {
            *lengths.first()?
        } else {
            *lengths.get(below(random, lengths.len()))?
        };
        let mut out = String::new();
        let mut state = 0;
        for left in (1..=len).rev() {
            let st = self.states.get(state)?;
            if st.accept_now {
                for _ in 0..left {
                    out.push(pick_char('a', 'z', random));
                }
                return Some(out);
            }
            let viable: Vec<&Transition> = st
                .transitions
                .iter()
                .filter(|t| done.get((left - 1) * n + t.target) == Some(&true))
                .collect();
            let t = viable.get(below(random, viable.len()))?;
            out.push(pick_char(t.lo, t.hi, random));
            state = t.target;
        }
        Some(out)
    }
}

fn below(random: &mut dyn FnMut() -> u64, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (random() % n as u64) as usize
    }
}

/// A character of `lo..=hi`: printable ASCII seven times in eight where the
/// range has some, else anywhere in it (the Basic Multilingual Plane mostly).
fn pick_char(lo: char, hi: char, random: &mut dyn FnMut() -> u64) -> char {
    let (lo, hi) = (lo as u32, hi as u32);
    let (plo, phi) = (lo.max(0x20), hi.min(0x7E));
    let c = if plo <= phi && random() & 7 != 0 {
        plo + (random() % u64::from(phi - plo + 1)) as u32
    } else {
        let top = if lo <= 0xFFFF && random() & 3 != 0 {
            hi.min(0xFFFF)
        } else {
            hi
        };
        lo + (random() % u64::from(top - lo + 1)) as u32
    };
    // A range may span the surrogate gap, which holds no `char`.
    char::from_u32(c)
        .or_else(|| char::from_u32(lo))
        .unwrap_or('a')
}

/// An automaton for sampling a pattern the DFA strategy leaves to the engine:
/// it accepts every string the pattern matches and possibly more
/// (lookarounds and word boundaries dropped, backreferences matching any
/// text), so its samples must be checked with `regress`. `Err` says why
/// there is none (an inline modifier, a huge count, too many states).
pub fn sampling_dfa(source: &str) -> Result<Dfa, String> {
    let node = match parse::parse_relaxed(source) {
        Ok(node) => node,
        Err(parse::ParseFail::Unsupported(reason)) => return Err(reason),
        Err(parse::ParseFail::Syntax { message, offset }) => {
            return Err(format!("{message} at byte {offset}"))
        }
    };
    automaton::build_dfa(&node, MAX_SAMPLING_STATES)
        .map_err(|automaton::DfaFail::TooLarge(reason)| reason)
}

impl CompiledPattern {
    /// `Some(matches)` when the answer can be computed here: always for a
    /// DFA; for the engine strategy by running `regress` (`None` only if it
    /// somehow fails to compile).
    pub fn is_match(&self, s: &str) -> Option<bool> {
        match &self.strategy {
            Strategy::Dfa(dfa) => Some(dfa.is_match(s)),
            Strategy::Engine { .. } => regress::Regex::new(&self.source)
                .ok()
                .map(|re| re.find(s).is_some()),
        }
    }

    /// The automaton, when the pattern is matched by generated code.
    pub fn dfa(&self) -> Option<&Dfa> {
        match &self.strategy {
            Strategy::Dfa(dfa) => Some(dfa),
            Strategy::Engine { .. } => None,
        }
    }
}

/// A pattern that is not valid ECMA-262 (as `regress` reads it).
#[derive(Debug, Clone, PartialEq)]
pub struct PatternError {
    /// The offending pattern.
    pub source: String,
    /// What the parser said.
    pub message: String,
    /// Byte offset into `source`, when known.
    pub offset: Option<usize>,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid ECMA-262 pattern `{}`: {}",
            self.source, self.message
        )?;
        if let Some(offset) = self.offset {
            write!(f, " at byte {offset}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PatternError {}

/// Compiles `source` (an ECMA-262 pattern, no flags) for code generation.
pub fn compile(source: &str) -> Result<CompiledPattern, PatternError> {
    let parsed = parse::parse(source);
    if let Err(e) = regress::Regex::new(source) {
        // regress gives no position; ours is only trustworthy when our
        // parser also found the pattern malformed.
        let offset = match &parsed {
            Err(parse::ParseFail::Syntax { offset, .. }) => Some(*offset),
            _ => None,
        };
        return Err(PatternError {
            source: source.to_string(),
            message: e.text,
            offset,
        });
    }
    let strategy = match parsed {
        Ok(node) => match automaton::build_dfa(&node, MAX_DFA_STATES) {
            Ok(dfa) => Strategy::Dfa(dfa),
            Err(automaton::DfaFail::TooLarge(reason)) => Strategy::Engine { reason },
        },
        Err(parse::ParseFail::Unsupported(reason)) => Strategy::Engine { reason },
        // regress accepted what we could not read; its reading wins.
        Err(parse::ParseFail::Syntax { message, offset }) => Strategy::Engine {
            reason: format!(
                "construct the DFA compiler does not read ({message} at byte {offset})"
            ),
        },
    };
    Ok(CompiledPattern {
        source: source.to_string(),
        strategy,
    })
}

/// Warns about patterns written with doubled backslashes, such as `^\\d{4}$`
/// as the decoded string: `\\` is a literal backslash, so such a pattern
/// rejects every real value.
pub fn double_escape_warning(source: &str) -> Option<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\\' {
            i += 1;
            continue;
        }
        let escaped = chars.get(i + 1).copied();
        if escaped == Some('\\') {
            if let Some(&c) = chars.get(i + 2) {
                if "dDwWsSbB.nrtfv".contains(c) {
                    return Some(format!(
                        "pattern looks double-escaped: `\\\\{c}` matches a literal backslash \
                         followed by `{c}`; did you mean `\\{c}`?"
                    ));
                }
            }
        }
        // Skip the escaped character so `\\\\` is read as two escapes.
        i += 2;
    }
    None
}

/// Warns about `\p{...}` / `\P{...}`: without the `u` flag (which OpenAPI
/// patterns never have) they are not Unicode property classes but the
/// literal characters `p{...}`.
pub fn unicode_property_warning(source: &str) -> Option<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            if let (Some(&p @ ('p' | 'P')), Some('{')) = (chars.get(i + 1), chars.get(i + 2)) {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '}')
                    .map_or(chars.len(), |e| i + e + 1);
                let escape: String = chars[i..end].iter().collect();
                return Some(format!(
                    "`{escape}` is not a Unicode property class in an ECMA-262 pattern without \
                     the `u` flag: it matches the characters `{p}`, `{{`, ... literally"
                ));
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

/// Emits `fn <fn_name>(s: &str) -> bool { ... }` implementing the pattern with
/// search semantics. Deterministic for a given input.
pub fn emit_matcher(p: &CompiledPattern, fn_name: &Ident) -> TokenStream {
    emit::emit(p, fn_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dfa_of(src: &str) -> Dfa {
        match compile(src).unwrap().strategy {
            Strategy::Dfa(d) => d,
            Strategy::Engine { reason } => panic!("{src}: engine ({reason})"),
        }
    }

    fn check_table(src: &str, table: &[(&str, bool)]) {
        let dfa = dfa_of(src);
        let re = regress::Regex::new(src).unwrap();
        for &(input, expected) in table {
            assert_eq!(dfa.is_match(input), expected, "{src} on {input:?}");
            assert_eq!(
                re.find(input).is_some(),
                expected,
                "regress {src} on {input:?}"
            );
        }
    }

    #[test]
    fn object_id() {
        let hex24 = "0123456789abcdef01234567";
        check_table(
            "^([a-f0-9]{24})$",
            &[
                (hex24, true),
                ("aaaaaaaaaaaaaaaaaaaaaaaa", true),
                (&hex24[..23], false),
                (&format!("{hex24}a"), false),
                ("0123456789ABCDEF01234567", false),
                (&format!("{hex24}\n"), false),
                (&format!("\n{hex24}"), false),
                ("٣123456789abcdef01234567", false),
                ("", false),
            ],
        );
    }

    #[test]
    fn cluster_name() {
        check_table(
            "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
            &[
                ("Cluster0", true),
                ("a-b", true),
                ("a", true),
                ("a-", true),
                ("-a", false),
                ("", false),
                ("é", false),
                ("aé", false),
                ("a b", false),
                ("ab\n", false),
            ],
        );
    }

    #[test]
    fn unanchored_search() {
        check_table(
            "[0-9]",
            &[
                ("ab1", true),
                ("1", true),
                ("abc", false),
                ("", false),
                ("é٣9", true),
            ],
        );
        check_table("a$", &[("ba", true), ("ab", false), ("a\n", false)]);
        check_table("^a", &[("ab", true), ("ba", false), ("\na", false)]);
    }

    #[test]
    fn ecma_classes() {
        check_table(r"^\d$", &[("5", true), ("٣", false), ("a", false)]);
        check_table(r"^\w+$", &[("a_Z9", true), ("é", false)]);
        check_table(
            r"^\s$",
            &[
                (" ", true),
                ("\u{a0}", true),
                ("\u{2028}", true),
                ("\u{feff}", true),
                ("\u{85}", false),
            ],
        );
        check_table(
            "^.$",
            &[
                ("a", true),
                ("\n", false),
                ("\r", false),
                ("\u{2029}", false),
                ("é", true),
            ],
        );
        check_table("^[^a]$", &[("\n", true), ("a", false), ("b", true)]);
        check_table(
            r"^[\d-x]$",
            &[("-", true), ("x", true), ("5", true), ("a", false)],
        );
        check_table(r"^\p{L}$", &[("p{L}", true), ("a", false)]);
        check_table(r"a{,2}", &[("a{,2}", true), ("aa", false)]);
        check_table(r"^\x41\u0042\0$", &[("AB\0", true)]);
    }

    #[test]
    fn anchors_in_the_middle() {
        check_table("a|^b", &[("cb", false), ("b", true), ("ca", true)]);
        check_table("x^|$y|^$", &[("", true), ("x", false), ("y", false)]);
    }

    #[test]
    fn anchor_lookaheads_stay_in_the_dfa() {
        check_table("(?!$)", &[("", false), ("a", true), ("\n", true)]);
        check_table("a(?=$)", &[("ba", true), ("ab", false)]);
        check_table("(?!^)a", &[("a", false), ("ba", true), ("aa", true)]);
        check_table("(?=^)a", &[("ab", true), ("ba", false)]);
        // The published spec's IPv4-or-IPv6 pattern.
        check_table(
            r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$",
            &[
                ("192.168.1.10", true),
                ("0.0.0.0", true),
                ("192.168.1.10.", false),
                ("192.168.1.", false),
                ("1.2.3", false),
                ("256.1.1.1", false),
                ("01.1.1.1", false),
                ("fe80:0:0:0:0:0:0:1", true),
                ("x::1", false),
            ],
        );
    }

    #[test]
    fn engine_fallbacks() {
        for (src, reason) in [
            ("^(?!a)", "negative lookahead (?!...)"),
            ("(?=a)", "lookahead (?=...)"),
            (r"\bx", "word boundary \\b"),
            (r"(a)\1", "backreference or legacy octal escape"),
        ] {
            let p = compile(src).unwrap();
            assert_eq!(
                p.strategy,
                Strategy::Engine {
                    reason: reason.into()
                },
                "{src}"
            );
        }
        let p = compile("^(?!a)").unwrap();
        assert_eq!(p.is_match(""), Some(true));
        assert_eq!(p.is_match("a"), Some(false));
        assert_eq!(p.is_match("ba"), Some(true));
    }

    #[test]
    fn state_cap_falls_back() {
        // Search for "an `a` 12 characters before the end" needs 2^12 states.
        let p = compile("a.{12}$").unwrap();
        match p.strategy {
            Strategy::Engine { reason } => assert!(reason.contains("exceed 512"), "{reason}"),
            Strategy::Dfa(_) => panic!("expected fallback"),
        }
    }

    #[test]
    fn invalid_patterns() {
        let e = compile("(").unwrap_err();
        assert_eq!(e.offset, Some(1));
        assert!(
            e.to_string().starts_with("invalid ECMA-262 pattern `(`: "),
            "{e}"
        );
        assert!(e.to_string().ends_with(" at byte 1"), "{e}");
        assert!(compile("[z-a]").is_err());
        assert!(compile("a**").is_err());
        assert!(compile("x{2,1}").is_err());
    }

    #[test]
    fn double_escape() {
        let w = double_escape_warning(r"^\\d{4}$").unwrap();
        assert!(w.contains(r"did you mean `\d`?"), "{w}");
        assert!(double_escape_warning(r"^\d{4}$").is_none());
        assert!(double_escape_warning(r"^[^/\\ ]$").is_none());
        assert!(double_escape_warning(r"C:\\\\").is_none());
        assert!(unicode_property_warning(r"^[\p{L}]$").is_some());
        assert!(unicode_property_warning(r"^[p{L}]$").is_none());
    }

    #[test]
    fn emitted_code_shapes() {
        let name = proc_macro2::Ident::new("check", proc_macro2::Span::call_site());
        let hex = compile("^([a-f0-9]{24})$").unwrap();
        let code = emit_matcher(&hex, &name).to_string();
        assert!(!code.contains("EcmaPattern"), "{code}");
        assert!(code.contains("[u8 ; 24]"), "{code}");
        syn::parse2::<syn::ItemFn>(emit_matcher(&hex, &name)).unwrap();
        let cluster = compile("^[a-zA-Z0-9][a-zA-Z0-9-]*$").unwrap();
        let code = emit_matcher(&cluster, &name).to_string();
        assert!(code.contains("split_first_chunk"), "{code}");
        let digit = compile("[0-9]").unwrap();
        let code = emit_matcher(&digit, &name).to_string();
        assert!(code.contains("any"), "{code}");
        let look = compile("^(?!a)").unwrap();
        let code = emit_matcher(&look, &name).to_string();
        assert!(code.contains("EcmaPattern :: new (\"^(?!a)\")"), "{code}");
        assert_eq!(code, emit_matcher(&look, &name).to_string());
    }

    fn counter(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }

    #[test]
    fn samples_match_and_respect_the_length_bounds() {
        for (src, min, max) in [
            ("^([a-f0-9]{24})$", 0, 40),
            ("^[a-zA-Z0-9][a-zA-Z0-9-]*$", 3, 10),
            ("[0-9]", 0, 6),
            ("a|^b", 1, 5),
            (r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}$", 0, 20),
            ("^[^a]{2,4}$", 0, 9),
        ] {
            let dfa = dfa_of(src);
            let mut random = counter(7);
            for _ in 0..50 {
                let s = dfa.sample(&mut random, min, max).unwrap();
                let len = s.chars().count();
                assert!(dfa.is_match(&s), "{src}: {s:?}");
                assert!(
                    (min..=max).contains(&len),
                    "{src}: {s:?} has {len} characters"
                );
            }
        }
    }

    #[test]
    fn sampling_says_none_when_no_length_fits() {
        let dfa = dfa_of("^([a-f0-9]{24})$");
        assert_eq!(dfa.sample(&mut counter(1), 0, 23), None);
        assert_eq!(dfa.sample(&mut counter(1), 25, 30), None);
        assert_eq!(dfa_of("a^").sample(&mut counter(1), 0, 10), None);
    }

    #[test]
    fn relaxed_automata_contain_the_engine_patterns() {
        for src in [r"^(?!.*\.\.)[a-z.]+$", r"^\bab\b", r"^(a)\1$", "(?<=x)y"] {
            let p = compile(src).unwrap();
            assert!(p.dfa().is_none(), "{src} should be left to the engine");
            let relaxed = sampling_dfa(src).unwrap();
            let re = regress::Regex::new(src).unwrap();
            // Everything the pattern matches, the relaxed automaton matches.
            for s in ["ab", "a.b", "a..b", "aa", "xy", "y", "ab c"] {
                if re.find(s).is_some() {
                    assert!(relaxed.is_match(s), "{src} on {s:?}");
                }
            }
        }
        assert!(sampling_dfa("(?i:a)").is_err());
    }

    #[test]
    fn shortest_match_is_accepted() {
        for src in ["^([a-f0-9]{24})$", "[0-9]", "^$", "a|^b"] {
            let d = dfa_of(src);
            let m = d.shortest_match().unwrap();
            assert!(d.is_match(&m), "{src}: {m:?}");
        }
        assert!(dfa_of("a^").shortest_match().is_none());
    }
}
