//! Thompson NFA and subset construction into a search DFA.
//!
//! Search semantics (the regex may match anywhere) are built in: after every
//! consumed character a fresh thread is started at the NFA's start, so the
//! DFA tracks "some match attempt is in this NFA state". `^` is an epsilon
//! edge usable only before the first character and `$` one usable only once
//! the input has ended, which gives anchors anywhere in the pattern their
//! exact ECMA-262 meaning (without the `m` flag).

use std::collections::{BTreeMap, HashMap};

use super::charset::{CharSet, MAX_CP};
use super::parse::Node;
use super::{Dfa, DfaState, Transition};

/// Upper bound on NFA size; counted repetitions copy their operand, so a
/// pattern like `(a{100}){100}` would otherwise grow without bound.
const MAX_NFA_STATES: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Eps,
    Start,
    End,
    Set(usize),
}

#[derive(Debug, Default)]
struct Nfa {
    edges: Vec<Vec<(Label, usize)>>,
    sets: Vec<CharSet>,
    set_ids: HashMap<CharSet, usize>,
}

pub(crate) enum BuildFail {
    TooLarge(String),
}

impl Nfa {
    fn new_state(&mut self) -> Result<usize, BuildFail> {
        if self.edges.len() >= MAX_NFA_STATES {
            return Err(BuildFail::TooLarge(format!(
                "pattern needs more than {MAX_NFA_STATES} NFA states"
            )));
        }
        self.edges.push(Vec::new());
        Ok(self.edges.len() - 1)
    }

    fn edge(&mut self, from: usize, label: Label, to: usize) {
        if let Some(list) = self.edges.get_mut(from) {
            list.push((label, to));
        }
    }

    fn set_id(&mut self, set: &CharSet) -> usize {
        if let Some(&id) = self.set_ids.get(set) {
            return id;
        }
        let id = self.sets.len();
        self.sets.push(set.clone());
        self.set_ids.insert(set.clone(), id);
        id
    }

    /// Adds `node` starting at `from`; returns the state where it ends.
    fn build(&mut self, node: &Node, from: usize) -> Result<usize, BuildFail> {
        match node {
            Node::Empty => Ok(from),
            Node::Set(set) => {
                let to = self.new_state()?;
                let id = self.set_id(set);
                self.edge(from, Label::Set(id), to);
                Ok(to)
            }
            Node::Start | Node::End => {
                let to = self.new_state()?;
                let label = if matches!(node, Node::Start) {
                    Label::Start
                } else {
                    Label::End
                };
                self.edge(from, label, to);
                Ok(to)
            }
            Node::Cat(items) => {
                let mut cur = from;
                for item in items {
                    cur = self.build(item, cur)?;
                }
                Ok(cur)
            }
            Node::Alt(alts) => {
                let end = self.new_state()?;
                for alt in alts {
                    let entry = self.new_state()?;
                    self.edge(from, Label::Eps, entry);
                    let exit = self.build(alt, entry)?;
                    self.edge(exit, Label::Eps, end);
                }
                Ok(end)
            }
            Node::Repeat { node, min, max } => {
                let mut cur = from;
                for _ in 0..*min {
                    // Fresh entry per copy so later edges out of `cur` cannot
                    // leak into a loop body built from it.
                    let entry = self.new_state()?;
                    self.edge(cur, Label::Eps, entry);
                    cur = self.build(node, entry)?;
                }
                match max {
                    None => {
                        let head = self.new_state()?;
                        self.edge(cur, Label::Eps, head);
                        let body = self.new_state()?;
                        self.edge(head, Label::Eps, body);
                        let exit = self.build(node, body)?;
                        self.edge(exit, Label::Eps, head);
                        let after = self.new_state()?;
                        self.edge(head, Label::Eps, after);
                        Ok(after)
                    }
                    Some(max) => {
                        let end = self.new_state()?;
                        for _ in *min..*max {
                            self.edge(cur, Label::Eps, end);
                            let entry = self.new_state()?;
                            self.edge(cur, Label::Eps, entry);
                            cur = self.build(node, entry)?;
                        }
                        self.edge(cur, Label::Eps, end);
                        Ok(end)
                    }
                }
            }
        }
    }
}

/// Splits the code point space into elementary intervals such that every
/// character set of the NFA is a union of them.
fn alphabet(sets: &[CharSet]) -> Vec<(u32, u32)> {
    let mut cuts: Vec<u32> = vec![0];
    for set in sets {
        for &(lo, hi) in set.ranges() {
            cuts.push(lo);
            if hi < MAX_CP {
                cuts.push(hi + 1);
            }
        }
    }
    // Surrogates are never in any set nor in any input; keep them as their
    // own piece so it can be dropped.
    cuts.push(0xD800);
    cuts.push(0xE000);
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    for (i, &lo) in cuts.iter().enumerate() {
        let hi = cuts.get(i + 1).map_or(MAX_CP, |&next| next - 1);
        if lo != 0xD800 {
            out.push((lo, hi));
        }
    }
    out
}

struct Builder<'a> {
    nfa: &'a Nfa,
    accept: usize,
}

impl Builder<'_> {
    /// States reachable from `seeds` through epsilon edges (plus `^` edges
    /// when `at_start`, plus `$` edges when `at_end`), keeping only those that
    /// matter later: ones with character or `$` edges, and the accept state.
    fn closure(&self, seeds: &[usize], at_start: bool, at_end: bool) -> Vec<usize> {
        let mut seen = vec![false; self.nfa.edges.len()];
        let mut stack: Vec<usize> = Vec::new();
        for &s in seeds {
            if let Some(flag) = seen.get_mut(s) {
                if !*flag {
                    *flag = true;
                    stack.push(s);
                }
            }
        }
        let mut out = Vec::new();
        while let Some(s) = stack.pop() {
            let edges = self.nfa.edges.get(s).map_or(&[][..], Vec::as_slice);
            let keep = s == self.accept
                || edges
                    .iter()
                    .any(|(l, _)| matches!(l, Label::Set(_) | Label::End));
            if keep {
                out.push(s);
            }
            for &(label, to) in edges {
                let follow = match label {
                    Label::Eps => true,
                    Label::Start => at_start,
                    Label::End => at_end,
                    Label::Set(_) => false,
                };
                if follow {
                    if let Some(flag) = seen.get_mut(to) {
                        if !*flag {
                            *flag = true;
                            stack.push(to);
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }
}

/// Per-state data while building, before minimisation.
struct RawState {
    accept_now: bool,
    accept_at_end: bool,
    /// Target per alphabet element.
    next: Vec<Option<usize>>,
}

pub(crate) enum DfaFail {
    TooLarge(String),
}

pub(crate) fn build_dfa(node: &Node, max_states: usize) -> Result<Dfa, DfaFail> {
    let mut nfa = Nfa::default();
    let start = nfa.new_state().map_err(|BuildFail::TooLarge(m)| DfaFail::TooLarge(m))?;
    let accept = nfa
        .build(node, start)
        .map_err(|BuildFail::TooLarge(m)| DfaFail::TooLarge(m))?;
    let elements = alphabet(&nfa.sets);
    // membership[set][element]
    let membership: Vec<Vec<bool>> = nfa
        .sets
        .iter()
        .map(|set| elements.iter().map(|&(lo, _)| set.contains(lo)).collect())
        .collect();
    let b = Builder { nfa: &nfa, accept };
    let restart = b.closure(&[start], false, false);

    // Key: (NFA state set, is the initial state). Only the initial state may
    // follow `^` edges, so it is kept distinct even if its set recurs.
    let mut index: HashMap<(Vec<usize>, bool), usize> = HashMap::new();
    let mut sets: Vec<(Vec<usize>, bool)> = Vec::new();
    let mut raw: Vec<RawState> = Vec::new();
    let initial = (b.closure(&[start], true, false), true);
    index.insert(initial.clone(), 0);
    sets.push(initial);

    let mut cursor = 0;
    while cursor < sets.len() {
        let (set, is_initial) = sets[cursor].clone();
        cursor += 1;
        let accept_now = set.contains(&accept);
        let accept_at_end = accept_now || b.closure(&set, is_initial, true).contains(&accept);
        let mut next = vec![None; elements.len()];
        if !accept_now {
            // Group elements by the NFA moves they allow, so each distinct
            // successor set is closed once.
            let mut by_moves: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
            for e in 0..elements.len() {
                let mut moves: Vec<usize> = Vec::new();
                for &s in &set {
                    for &(label, to) in nfa.edges.get(s).map_or(&[][..], Vec::as_slice) {
                        if let Label::Set(id) = label {
                            if membership
                                .get(id)
                                .and_then(|m| m.get(e))
                                .copied()
                                .unwrap_or(false)
                            {
                                moves.push(to);
                            }
                        }
                    }
                }
                moves.sort_unstable();
                moves.dedup();
                by_moves.entry(moves).or_default().push(e);
            }
            for (moves, elems) in by_moves {
                let mut seeds = moves;
                seeds.extend_from_slice(&restart);
                let target = b.closure(&seeds, false, false);
                if target.is_empty() {
                    continue;
                }
                let key = (target, false);
                let id = match index.get(&key) {
                    Some(&id) => id,
                    None => {
                        if sets.len() >= max_states {
                            return Err(DfaFail::TooLarge(format!(
                                "DFA would exceed {max_states} states"
                            )));
                        }
                        let id = sets.len();
                        index.insert(key.clone(), id);
                        sets.push(key);
                        id
                    }
                };
                for e in elems {
                    if let Some(slot) = next.get_mut(e) {
                        *slot = Some(id);
                    }
                }
            }
        }
        raw.push(RawState {
            accept_now,
            accept_at_end,
            next,
        });
    }
    Ok(finish(raw, &elements))
}

/// Drops states that can never lead to a match, merges equivalent states
/// (Moore partition refinement), renumbers breadth-first from the start and
/// turns per-element targets into merged character ranges.
fn finish(mut raw: Vec<RawState>, elements: &[(u32, u32)]) -> Dfa {
    let n = raw.len();
    // Liveness: can reach an accepting state.
    let mut live: Vec<bool> = raw.iter().map(|s| s.accept_at_end).collect();
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            if !live[i] && raw[i].next.iter().flatten().any(|&t| live[t]) {
                live[i] = true;
                changed = true;
            }
        }
    }
    for state in &mut raw {
        for slot in &mut state.next {
            if slot.is_some_and(|t| !live[t]) {
                *slot = None;
            }
        }
    }

    // Moore refinement; `None` targets are the implicit dead state.
    let mut class: Vec<usize> = raw
        .iter()
        .map(|s| usize::from(s.accept_now) * 2 + usize::from(s.accept_at_end))
        .collect();
    loop {
        let mut sig_ids: HashMap<(usize, Vec<Option<usize>>), usize> = HashMap::new();
        let mut new_class = vec![0; n];
        for i in 0..n {
            let sig = (
                class[i],
                raw[i].next.iter().map(|t| t.map(|t| class[t])).collect(),
            );
            let next_id = sig_ids.len();
            new_class[i] = *sig_ids.entry(sig).or_insert(next_id);
        }
        // Refinement only ever splits classes, so an unchanged count means
        // the partition is stable.
        let stable = count_distinct(&new_class) == count_distinct(&class);
        class = new_class;
        if stable {
            break;
        }
    }

    // Breadth-first renumbering over class representatives.
    let mut rep: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, &c) in class.iter().enumerate() {
        rep.entry(c).or_insert(i);
    }
    let mut order: Vec<usize> = Vec::new();
    let mut new_id: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::new();
    if n > 0 {
        new_id.insert(class[0], 0);
        order.push(class[0]);
        queue.push_back(class[0]);
    }
    while let Some(c) = queue.pop_front() {
        let r = rep.get(&c).copied().unwrap_or(0);
        for t in raw[r].next.iter().flatten() {
            let tc = class[*t];
            if let std::collections::hash_map::Entry::Vacant(v) = new_id.entry(tc) {
                v.insert(order.len());
                order.push(tc);
                queue.push_back(tc);
            }
        }
    }

    let states = order
        .iter()
        .map(|c| {
            let r = rep.get(c).copied().unwrap_or(0);
            let s = &raw[r];
            let mut transitions: Vec<Transition> = Vec::new();
            for (e, target) in s.next.iter().enumerate() {
                let Some(t) = target else { continue };
                let target = new_id.get(&class[*t]).copied().unwrap_or(0);
                let (lo, hi) = elements[e];
                let (Some(lo), Some(hi)) = (char::from_u32(lo), char::from_u32(hi)) else {
                    continue;
                };
                match transitions.last_mut() {
                    Some(last)
                        if last.target == target && next_scalar(last.hi) == Some(lo) =>
                    {
                        last.hi = hi;
                    }
                    _ => transitions.push(Transition { lo, hi, target }),
                }
            }
            DfaState {
                transitions,
                accept_now: s.accept_now,
                accept_at_end: s.accept_at_end,
            }
        })
        .collect();
    Dfa { states }
}

fn count_distinct(v: &[usize]) -> usize {
    let mut s = v.to_vec();
    s.sort_unstable();
    s.dedup();
    s.len()
}

/// The next Unicode scalar value after `c`, skipping the surrogate gap.
pub(crate) fn next_scalar(c: char) -> Option<char> {
    match c {
        '\u{D7FF}' => Some('\u{E000}'),
        _ => char::from_u32(c as u32 + 1),
    }
}
