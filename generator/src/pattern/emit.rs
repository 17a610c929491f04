//! Rust code for a compiled pattern.
//!
//! The DFA picks the shape, from fastest to most general:
//! * literal / fixed length: an ASCII-only chain whose matches all have one
//!   length: a string comparison, or a length test on a byte array plus
//!   slice comparisons and folds;
//! * head + tail: a fixed ASCII head then one class to the end
//!   (`^[a-z][a-z0-9-]*$`): the tail is checked through a lookup table;
//! * search: the start state waits until one character completes a match
//!   (unanchored `[0-9]`): an `any`;
//! * linear: each state only loops on itself or moves on to the next one:
//!   straight-line code over bytes (ASCII-only) or chars;
//! * byte loop: every state treats all non-ASCII characters alike, so the
//!   input is scanned as bytes (UTF-8 continuation bytes keep the state);
//! * char loop: anything else, a `match` per state over `s.chars()`.
//!
//! Output must compile warning-free (and clippy-clean) wherever it is placed,
//! so catch-all arms are only added where values remain uncovered.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{quote, ToTokens};

use super::charset::MAX_CP;
use super::{CompiledPattern, Dfa, Strategy};

pub(crate) fn emit(p: &CompiledPattern, fn_name: &Ident) -> TokenStream {
    let body = match &p.strategy {
        Strategy::Dfa(dfa) => dfa_body(dfa),
        Strategy::Engine { .. } => {
            let src = Literal::string(&p.source);
            quote! {
                static RE: ::atlas_runtime::pattern::EcmaPattern =
                    ::atlas_runtime::pattern::EcmaPattern::new(#src);
                RE.is_match(s)
            }
        }
    };
    quote! {
        fn #fn_name(s: &str) -> bool {
            #body
        }
    }
}

/// Where a transition leads in emitted code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Goto {
    /// A match was found; the rest of the input does not matter.
    Match,
    State(usize),
}

fn goto(dfa: &Dfa, target: usize) -> Goto {
    match dfa.states.get(target) {
        Some(t) if t.accept_now => Goto::Match,
        _ => Goto::State(target),
    }
}

fn dfa_body(dfa: &Dfa) -> TokenStream {
    let Some(start) = dfa.states.first() else {
        return quote! { let _ = s; false };
    };
    if start.accept_now {
        return quote! { let _ = s; true };
    }
    if start.transitions.is_empty() {
        return if start.accept_at_end {
            quote! { s.is_empty() }
        } else {
            quote! { let _ = s; false }
        };
    }
    let byte_mode = byte_mode_targets(dfa);
    let ascii_only = byte_mode
        .as_ref()
        .is_some_and(|t| t.iter().all(Option::is_none));
    let unit = if ascii_only { Unit::Byte } else { Unit::Char };
    if let Some(body) = search_body(dfa, byte_mode.is_some()) {
        return body;
    }
    if let Some(chain) = linear_chain(dfa) {
        if ascii_only {
            if is_fixed_length(&chain) {
                return fixed_length_body(&chain);
            }
            if let Some(body) = head_tail_body(&chain) {
                return body;
            }
        }
        return linear_body(&chain, unit);
    }
    match byte_mode {
        Some(non_ascii) => byte_loop_body(dfa, &non_ascii),
        None => char_loop_body(dfa),
    }
}

/// What emitted code iterates over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// `s.bytes()`.
    Byte,
    Char,
}

impl Unit {
    fn lit(self) -> fn(u32) -> TokenStream {
        match self {
            Unit::Byte => byte_lit,
            Unit::Char => char_lit,
        }
    }

    fn iter(self) -> TokenStream {
        match self {
            Unit::Byte => quote! { s.bytes() },
            Unit::Char => quote! { s.chars() },
        }
    }

    fn max(self) -> u32 {
        match self {
            Unit::Byte => 0xFF,
            Unit::Char => MAX_CP,
        }
    }
}

/// A DFA that only waits in its start state until some character completes
/// a match (e.g. unanchored `[0-9]`): a plain `any`.
fn search_body(dfa: &Dfa, byte_mode: bool) -> Option<TokenStream> {
    let start = dfa.states.first()?;
    let mut hits: Vec<(u32, u32)> = Vec::new();
    let mut all: Vec<(u32, u32)> = Vec::new();
    for t in &start.transitions {
        let range = (u32::from(t.lo), u32::from(t.hi));
        all.push(range);
        match goto(dfa, t.target) {
            Goto::Match => hits.push(range),
            Goto::State(0) => {}
            Goto::State(_) => return None,
        }
    }
    // A character without a transition ends the search with no match, which
    // `any` cannot express.
    if !covers_all(&normalise(all), MAX_CP) {
        return None;
    }
    if start.accept_at_end {
        // Every input ends in the start state or has matched already.
        return Some(quote! { let _ = s; true });
    }
    let unit = if byte_mode {
        // Non-ASCII characters match as a whole or not at all, so testing
        // their lead byte suffices.
        hits = hits
            .into_iter()
            .flat_map(|(lo, hi)| {
                let ascii = (lo <= 0x7F).then(|| (lo, hi.min(0x7F)));
                let wide = (hi >= 0x80).then_some((0xC0, 0xFF));
                ascii.into_iter().chain(wide)
            })
            .collect();
        Unit::Byte
    } else {
        Unit::Char
    };
    let hits = normalise(hits);
    if covers_all(&hits, unit.max()) {
        return Some(quote! { !s.is_empty() });
    }
    let iter = unit.iter();
    let test = class_test(&quote! { c }, &hits, unit.lit());
    Some(quote! { #iter.any(|c| #test) })
}

/// For each state, the single target of every non-ASCII character (`None`
/// = no match), or `None` overall when some state tells non-ASCII characters
/// apart.
fn byte_mode_targets(dfa: &Dfa) -> Option<Vec<Option<usize>>> {
    dfa.states
        .iter()
        .map(|st| {
            let wide: Vec<_> = st
                .transitions
                .iter()
                .filter(|t| u32::from(t.hi) >= 0x80)
                .collect();
            match wide.as_slice() {
                [] => Some(None),
                [t] if u32::from(t.lo) <= 0x80 && u32::from(t.hi) == MAX_CP => Some(Some(t.target)),
                _ => None,
            }
        })
        .collect()
}

fn byte_lit(b: u32) -> TokenStream {
    let b = u8::try_from(b).unwrap_or(u8::MAX);
    if (0x20..0x7F).contains(&b) {
        let l = Literal::byte_character(b);
        quote! { #l }
    } else {
        let l = Literal::u8_unsuffixed(b);
        quote! { #l }
    }
}

fn char_lit(c: u32) -> TokenStream {
    let l = Literal::character(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
    quote! { #l }
}

/// `a | b..=c | ...` for sorted ranges.
fn pattern(ranges: &[(u32, u32)], lit: fn(u32) -> TokenStream) -> TokenStream {
    let alts = ranges.iter().map(|&(lo, hi)| {
        let l = lit(lo);
        if lo == hi {
            l
        } else {
            let h = lit(hi);
            quote! { #l..=#h }
        }
    });
    quote! { #(#alts)|* }
}

/// A test that `value` is in `ranges`: the standard `is_ascii_*` method for
/// the classes that have one (what clippy asks for), `matches!` otherwise.
fn class_test(
    value: &TokenStream,
    ranges: &[(u32, u32)],
    lit: fn(u32) -> TokenStream,
) -> TokenStream {
    const D: (u32, u32) = (0x30, 0x39);
    const UP: (u32, u32) = (0x41, 0x5A);
    const LO: (u32, u32) = (0x61, 0x7A);
    let method = match ranges {
        [D] => Some("is_ascii_digit"),
        [UP] => Some("is_ascii_uppercase"),
        [LO] => Some("is_ascii_lowercase"),
        [UP, LO] => Some("is_ascii_alphabetic"),
        [D, UP, LO] => Some("is_ascii_alphanumeric"),
        [D, (0x41, 0x46), (0x61, 0x66)] => Some("is_ascii_hexdigit"),
        _ => None,
    };
    match method {
        Some(m) => {
            let m = Ident::new(m, proc_macro2::Span::call_site());
            quote! { #value.#m() }
        }
        None => {
            let pat = pattern(ranges, lit);
            quote! { matches!(#value, #pat) }
        }
    }
}

/// Sorts and merges adjacent or overlapping ranges.
fn normalise(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Whether `ranges` (normalised) cover every value in `0..=max`, treating
/// the surrogate block as covered since no `char` lives there.
fn covers_all(ranges: &[(u32, u32)], max: u32) -> bool {
    let mut next = 0u32;
    for &(lo, hi) in ranges {
        let gap_is_surrogates = next == 0xD800 && lo == 0xE000;
        if lo > next && !gap_is_surrogates {
            return false;
        }
        next = next.max(hi.saturating_add(1));
    }
    next > max
}

/// Byte ranges of one state's transitions, grouped by where they lead.
fn byte_arms(dfa: &Dfa, state: usize, non_ascii: Option<usize>) -> BTreeMap<Goto, Vec<(u32, u32)>> {
    let mut arms: BTreeMap<Goto, Vec<(u32, u32)>> = BTreeMap::new();
    let Some(st) = dfa.states.get(state) else {
        return arms;
    };
    for t in &st.transitions {
        let (lo, hi) = (u32::from(t.lo), u32::from(t.hi));
        if lo <= 0x7F {
            arms.entry(goto(dfa, t.target))
                .or_default()
                .push((lo, hi.min(0x7F)));
        }
    }
    if let Some(target) = non_ascii {
        // A UTF-8 lead byte stands for the whole character.
        arms.entry(goto(dfa, target))
            .or_default()
            .push((0xC0, 0xFF));
    }
    if dfa
        .states
        .iter()
        .any(|st| st.transitions.iter().any(|t| !t.hi.is_ascii()))
    {
        // Continuation bytes belong to the character whose lead byte already
        // moved the state; any state may have been entered that way.
        arms.entry(Goto::State(state))
            .or_default()
            .push((0x80, 0xBF));
    }
    arms.into_iter().map(|(g, r)| (g, normalise(r))).collect()
}

fn char_arms(dfa: &Dfa, state: usize) -> BTreeMap<Goto, Vec<(u32, u32)>> {
    let mut arms: BTreeMap<Goto, Vec<(u32, u32)>> = BTreeMap::new();
    if let Some(st) = dfa.states.get(state) {
        for t in &st.transitions {
            arms.entry(goto(dfa, t.target))
                .or_default()
                .push((u32::from(t.lo), u32::from(t.hi)));
        }
    }
    arms.into_iter().map(|(g, r)| (g, normalise(r))).collect()
}

/// `match x { ... }` arms for one state, ordered by their lowest value; a
/// catch-all `return false` only where the arms leave values uncovered.
/// `None` when there are no arms at all.
fn match_arms(
    arms: &BTreeMap<Goto, Vec<(u32, u32)>>,
    lit: fn(u32) -> TokenStream,
    max: u32,
) -> Option<TokenStream> {
    if arms.is_empty() {
        return None;
    }
    let mut ordered: Vec<(&Goto, &Vec<(u32, u32)>)> = arms.iter().collect();
    ordered.sort_by_key(|(_, r)| r.first().map_or(u32::MAX, |&(lo, _)| lo));
    let mut all: Vec<(u32, u32)> = Vec::new();
    let mut out = Vec::new();
    for (g, ranges) in ordered {
        all.extend_from_slice(ranges);
        let pat = pattern(ranges, lit);
        let action = match g {
            Goto::Match => quote! { return true },
            Goto::State(n) => {
                let n = state_lit(*n);
                quote! { #n }
            }
        };
        out.push(quote! { #pat => #action, });
    }
    if !covers_all(&normalise(all), max) {
        out.push(quote! { _ => return false, });
    }
    Some(quote! { #(#out)* })
}

fn state_lit(n: usize) -> Literal {
    Literal::u16_unsuffixed(u16::try_from(n).unwrap_or(u16::MAX))
}

/// Final `matches!` on the states where the input may end.
fn final_check(dfa: &Dfa) -> TokenStream {
    let finals: Vec<(u32, u32)> = dfa
        .states
        .iter()
        .enumerate()
        .filter(|(_, st)| st.accept_at_end && !st.accept_now)
        .map(|(i, _)| {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            (i, i)
        })
        .collect();
    if finals.is_empty() {
        quote! { false }
    } else {
        let pat = pattern(&normalise(finals), |n| {
            let l = state_lit(n as usize);
            quote! { #l }
        });
        quote! { matches!(state, #pat) }
    }
}

fn loop_states(dfa: &Dfa, arms_of: impl Fn(usize) -> Option<TokenStream>) -> Vec<TokenStream> {
    dfa.states
        .iter()
        .enumerate()
        .filter(|(_, st)| !st.accept_now)
        // A state without arms (only the end of input can still match from
        // there) is left to the catch-all `_ => return false`.
        .filter_map(|(i, _)| arms_of(i).map(|arms| (i, arms)))
        .fold(
            Vec::<(Vec<u32>, TokenStream)>::new(),
            |mut groups, (i, arms)| {
                // States that differ only in whether they may end share one arm.
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                let text = arms.to_string();
                match groups.iter_mut().find(|(_, a)| a.to_string() == text) {
                    Some((states, _)) => states.push(i),
                    None => groups.push((vec![i], arms)),
                }
                groups
            },
        )
        .into_iter()
        .map(|(states, arms)| {
            let ranges: Vec<(u32, u32)> = states.iter().map(|&n| (n, n)).collect();
            let pat = pattern(&normalise(ranges), |n| {
                let l = state_lit(n as usize);
                quote! { #l }
            });
            quote! { #pat => match c { #arms }, }
        })
        .collect()
}

fn byte_loop_body(dfa: &Dfa, non_ascii: &[Option<usize>]) -> TokenStream {
    let states = loop_states(dfa, |i| {
        let arms = byte_arms(dfa, i, non_ascii.get(i).copied().flatten());
        match_arms(&arms, byte_lit, 0xFF)
    });
    let fin = final_check(dfa);
    quote! {
        let mut state: u16 = 0;
        for c in s.bytes() {
            state = match state {
                #(#states)*
                _ => return false,
            };
        }
        #fin
    }
}

fn char_loop_body(dfa: &Dfa) -> TokenStream {
    let states = loop_states(dfa, |i| match_arms(&char_arms(dfa, i), char_lit, MAX_CP));
    let fin = final_check(dfa);
    quote! {
        let mut state: u16 = 0;
        for c in s.chars() {
            state = match state {
                #(#states)*
                _ => return false,
            };
        }
        #fin
    }
}

/// One link of a linear DFA.
struct Link {
    looping: Vec<(u32, u32)>,
    forward: Vec<(u32, u32)>,
    /// The forward move completes a match.
    forward_matches: bool,
    accept_at_end: bool,
}

/// The DFA as a chain, if every state moves only to itself or to one new
/// state further down the chain.
fn linear_chain(dfa: &Dfa) -> Option<Vec<Link>> {
    let mut chain = Vec::new();
    let mut visited = vec![false; dfa.states.len()];
    let mut cur = 0usize;
    loop {
        let st = dfa.states.get(cur)?;
        if std::mem::replace(visited.get_mut(cur)?, true) {
            return None;
        }
        let mut looping = Vec::new();
        let mut forward = Vec::new();
        let mut next: Option<usize> = None;
        for t in &st.transitions {
            let range = (u32::from(t.lo), u32::from(t.hi));
            if t.target == cur {
                looping.push(range);
            } else {
                if next.is_some_and(|n| n != t.target) {
                    return None;
                }
                next = Some(t.target);
                forward.push(range);
            }
        }
        let forward_matches = next.is_some_and(|n| goto(dfa, n) == Goto::Match);
        chain.push(Link {
            looping: normalise(looping),
            forward: normalise(forward),
            forward_matches,
            accept_at_end: st.accept_at_end,
        });
        match next {
            Some(n) if !forward_matches => cur = n,
            _ => return Some(chain),
        }
    }
}

fn is_fixed_length(chain: &[Link]) -> bool {
    chain
        .iter()
        .all(|l| l.looping.is_empty() && !l.forward_matches)
        && chain
            .iter()
            .enumerate()
            .all(|(i, l)| l.accept_at_end == (i + 1 == chain.len()))
}

/// Straight-line code walking the chain with `c` holding the next unread
/// character (`None` at the end). Runs of identical links become a counted
/// loop so bounded repetitions like `{1,64}` stay small.
fn linear_body(chain: &[Link], unit: Unit) -> TokenStream {
    let lit = unit.lit();
    let mut stmts = Vec::new();
    let mut advanced = false;
    let mut tail = quote! { false };
    let mut k = 0usize;
    while let Some(link) = chain.get(k) {
        if !link.looping.is_empty() {
            let pat = pattern(&link.looping, lit);
            stmts.push(quote! {
                while matches!(c, Some(#pat)) {
                    c = it.next();
                }
            });
            advanced = true;
        }
        if link.forward.is_empty() {
            tail = quote! { c.is_none() };
            break;
        }
        let pat = pattern(&link.forward, lit);
        if link.forward_matches {
            tail = if link.accept_at_end {
                quote! { matches!(c, None | Some(#pat)) }
            } else {
                quote! { matches!(c, Some(#pat)) }
            };
            break;
        }
        let step = if link.accept_at_end {
            let rest = if covers_all(&link.forward, unit.max()) {
                quote! {}
            } else {
                quote! { Some(_) => return false, }
            };
            quote! {
                match c {
                    None => return true,
                    Some(#pat) => c = it.next(),
                    #rest
                }
            }
        } else {
            quote! {
                if !matches!(c, Some(#pat)) {
                    return false;
                }
                c = it.next();
            }
        };
        advanced = true;
        // Identical plain links that follow (`x{n,m}`): loop over them.
        let same = |l: &Link| {
            l.looping.is_empty()
                && !l.forward_matches
                && l.forward == link.forward
                && l.accept_at_end == link.accept_at_end
        };
        let mut run = 1;
        if link.looping.is_empty() {
            while chain.get(k + run).is_some_and(same) {
                run += 1;
            }
        }
        if run >= 3 {
            let n = ulit(run);
            stmts.push(quote! {
                for _ in 0..#n {
                    #step
                }
            });
        } else {
            run = 1;
            stmts.push(step);
        }
        k += run;
    }
    let iter = unit.iter();
    if advanced {
        quote! {
            let mut it = #iter;
            let mut c = it.next();
            #(#stmts)*
            #tail
        }
    } else {
        quote! {
            let c = #iter.next();
            #tail
        }
    }
}

/// Straight-line checks for a pattern whose matches all have one length.
fn fixed_length_body(chain: &[Link]) -> TokenStream {
    let len = chain.len() - 1;
    if len == 0 {
        return quote! { s.is_empty() };
    }
    let positions: Vec<&Vec<(u32, u32)>> = chain.iter().take(len).map(|l| &l.forward).collect();
    if let Some(text) = literal_text(&positions) {
        let lit = Literal::string(&text);
        return quote! { s == #lit };
    }
    let conds = fixed_conds(&positions, &quote! { b });
    let len = ulit(len);
    quote! {
        let Ok(b) = <&[u8; #len]>::try_from(s.as_bytes()) else {
            return false;
        };
        #(#conds)&&*
    }
}

/// A fixed-length head followed by one class repeated to the end of input
/// (`^[a-z][a-z0-9-]*$`, `^tgw-[0-9a-z]+$`): split the head off, then test
/// the tail byte by byte.
fn head_tail_body(chain: &[Link]) -> Option<TokenStream> {
    let (tail, head) = chain.split_last()?;
    let plain_head = head
        .iter()
        .all(|l| l.looping.is_empty() && !l.accept_at_end && !l.forward_matches);
    if !plain_head || !tail.accept_at_end || !tail.forward.is_empty() {
        return None;
    }
    let tail_ok = swar_tail(&tail.looping).unwrap_or_else(|| table_tail(&tail.looping));
    if head.is_empty() {
        return Some(quote! {
            #tail_ok
            tail_ok(s.as_bytes())
        });
    }
    let positions: Vec<&Vec<(u32, u32)>> = head.iter().map(|l| &l.forward).collect();
    let conds = fixed_conds(&positions, &quote! { head });
    let k = ulit(head.len());
    Some(quote! {
        #tail_ok
        let Some((head, tail)) = s.as_bytes().split_first_chunk::<#k>() else {
            return false;
        };
        #(#conds &&)* tail_ok(tail)
    })
}

/// `fn tail_ok(&[u8]) -> bool` for any byte class: a lookup table built at
/// compile time, folded without early exit.
fn table_tail(class: &[(u32, u32)]) -> TokenStream {
    let member = class_test(&quote! { c }, class, byte_lit);
    quote! {
        fn tail_ok(tail: &[u8]) -> bool {
            // `i < 256`, so the cast is exact.
            #[allow(clippy::cast_possible_truncation)]
            static TAIL: [bool; 256] = {
                let mut t = [false; 256];
                let mut i = 0;
                while i < 256 {
                    let c = i as u8;
                    t[i] = #member;
                    i += 1;
                }
                t
            };
            tail.iter().fold(true, |ok, &c| ok & TAIL[usize::from(c)])
        }
    }
}

/// The most range tests worth doing per eight-byte word; past that the
/// table is as fast.
const SWAR_MAX_RANGES: usize = 4;

/// `fn tail_ok(&[u8]) -> bool` for an ASCII class of a few ranges, eight
/// bytes per step ("SIMD within a register"): a table lookup costs a load per
/// byte and does not vectorise, a range test on a whole `u64` is four
/// arithmetic operations for eight bytes. `None` when the class is not
/// ASCII or needs too many ranges.
fn swar_tail(class: &[(u32, u32)]) -> Option<TokenStream> {
    if class.is_empty() || class.iter().any(|&(_, hi)| hi > 0x7F) {
        return None;
    }
    let (folded, plain) = fold_case_pairs(class);
    if folded.len() + plain.len() > SWAR_MAX_RANGES {
        return None;
    }
    // With the high bits cleared, adding at most 0x80 to a byte never carries
    // into the next one: `y + k*ONES` is a per-byte sum. Its high bit is set
    // exactly when the byte is at least `0x80 - k`.
    let plus = |value: &TokenStream, k: u32| {
        if k == 0 {
            value.clone()
        } else {
            let k = word_lit(u64::from(k) * 0x0101_0101_0101_0101);
            quote! { (#value + #k) }
        }
    };
    let test = |value: TokenStream, (lo, hi): (u32, u32)| {
        let (at_least, above) = (plus(&value, 0x80 - lo), plus(&value, 0x7F - hi));
        // At least `lo` and not above `hi`: the first high bit set and the
        // second clear. Where the byte is in range only the first is set,
        // below it neither, above it both, so `^` tests it in one operation.
        quote! { #at_least ^ #above }
    };
    let mut tests: Vec<TokenStream> = plain.iter().map(|&r| test(quote! { y }, r)).collect();
    tests.extend(
        folded
            .iter()
            .map(|&r| test(quote! { (y | 0x2020_2020_2020_2020) }, r)),
    );
    // Parenthesised only when there are several, as rustc's lint wants.
    if tests.len() > 1 {
        tests = tests.into_iter().map(|t| quote! { (#t) }).collect();
    }
    let member = class_test(&quote! { c }, class, byte_lit);
    Some(quote! {
        fn tail_ok(tail: &[u8]) -> bool {
            const HIGH: u64 = 0x8080_8080_8080_8080;
            // The high bit of each byte of the result is set when that byte
            // of `x` is not in the class (or not ASCII): the bad bytes.
            let word_bad = |x: u64| {
                let y = x & !HIGH;
                let inside = #(#tests)|*;
                !inside | x
            };
            let Some(last) = tail.last_chunk::<8>() else {
                // Shorter than a word: byte by byte (padding would cost a
                // `memcpy` call).
                return tail.iter().fold(true, |ok, &c| ok & #member);
            };
            // Whole words, then the last eight bytes (overlapping is
            // harmless), their bad bytes gathered and tested once.
            let bad = tail.chunks_exact(8).fold(word_bad(u64::from_le_bytes(*last)), |bad, w| {
                bad | w.first_chunk::<8>().map_or(HIGH, |w| word_bad(u64::from_le_bytes(*w)))
            });
            bad & HIGH == 0
        }
    })
}

type Ranges = Vec<(u32, u32)>;

/// Splits an ASCII class into ranges that appear in both cases (`A-Z` with
/// `a-z`: one test on the byte with bit 5 set, given as the lowercase range)
/// and the rest.
fn fold_case_pairs(class: &[(u32, u32)]) -> (Ranges, Ranges) {
    let mut folded = Vec::new();
    let mut plain = Vec::new();
    for &(lo, hi) in class {
        let upper_half = (0x40..=0x5F).contains(&lo) && (0x40..=0x5F).contains(&hi);
        let lower_half = (0x60..=0x7F).contains(&lo) && (0x60..=0x7F).contains(&hi);
        if upper_half && class.contains(&(lo + 0x20, hi + 0x20)) {
            folded.push((lo + 0x20, hi + 0x20));
        } else if lower_half && class.contains(&(lo - 0x20, hi - 0x20)) {
            // Already covered by its uppercase twin.
        } else {
            plain.push((lo, hi));
        }
    }
    (folded, plain)
}

/// A `u64` as hex in groups of four digits, one byte pattern per group pair.
fn word_lit(n: u64) -> TokenStream {
    let hex = format!("{n:016X}");
    let groups: Vec<&str> = (0..4).map(|i| &hex[i * 4..i * 4 + 4]).collect();
    let text = format!("0x{}", groups.join("_"));
    text.parse()
        .unwrap_or_else(|_| Literal::u64_unsuffixed(n).into_token_stream())
}

fn is_single(r: &[(u32, u32)]) -> bool {
    matches!(r, [(lo, hi)] if lo == hi)
}

/// The literal text when every position is a single character.
fn literal_text(positions: &[&Vec<(u32, u32)>]) -> Option<String> {
    positions
        .iter()
        .map(|r| match r.as_slice() {
            [(lo, hi)] if lo == hi => char::from_u32(*lo),
            _ => None,
        })
        .collect()
}

/// Conditions on the fixed-size byte array `arr`, one class per position.
/// Runs of single bytes become a slice comparison, runs of one class a fold
/// (no early exit, so the compiler can vectorise it).
fn fixed_conds(positions: &[&Vec<(u32, u32)>], arr: &TokenStream) -> Vec<TokenStream> {
    let len = positions.len();
    let mut conds = Vec::new();
    let mut k = 0usize;
    while let Some(&class) = positions.get(k) {
        let mut end = k + 1;
        let from = ulit(k);
        if is_single(class) {
            while positions.get(end).is_some_and(|r| is_single(r)) {
                end += 1;
            }
            if end - k == 1 {
                let l = byte_lit(class.first().map_or(0, |r| r.0));
                conds.push(quote! { #arr[#from] == #l });
            } else {
                let bytes: Vec<u8> = positions[k..end]
                    .iter()
                    .map(|r| {
                        r.first()
                            .map_or(0, |&(lo, _)| u8::try_from(lo).unwrap_or(0))
                    })
                    .collect();
                let lit = Literal::byte_string(&bytes);
                let to = ulit(end);
                conds.push(quote! { #arr[#from..#to] == *#lit });
            }
        } else {
            while positions.get(end).is_some_and(|r| *r == class) {
                end += 1;
            }
            if end - k == 1 {
                conds.push(class_test(&quote! { #arr[#from] }, class, byte_lit));
            } else {
                let run = if k == 0 && end == len {
                    quote! { #arr }
                } else {
                    let to = ulit(end);
                    quote! { #arr[#from..#to] }
                };
                let test = class_test(&quote! { c }, class, byte_lit);
                conds.push(quote! { #run.iter().fold(true, |ok, &c| ok & #test) });
            }
        }
        k = end;
    }
    conds
}

fn ulit(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}
