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
    /// Passable only before the first character.
    Start,
    /// Passable only once the input has ended.
    End,
    /// Passable anywhere but before the first character.
    NotStart,
    /// Passable only when another character follows.
    NotEnd,
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
            Node::Start | Node::End | Node::NotStart | Node::NotEnd => {
                let to = self.new_state()?;
                let label = match node {
                    Node::Start => Label::Start,
                    Node::End => Label::End,
                    Node::NotStart => Label::NotStart,
                    _ => Label::NotEnd,
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
    /// Visit marks for `closure`, stamped with `generation` so the array is
    /// reused instead of reallocated for every closure.
    seen: Vec<u32>,
    generation: u32,
    stack: Vec<usize>,
}

impl Builder<'_> {
    /// States reachable from `seeds` through epsilon edges and the assertion
    /// edges that hold: `^` when `at_start`, `(?!^)` otherwise, `$` when
    /// `at_end`, `(?!$)` when `not_end`. Keeps only the states that matter
    /// later: ones with character or `$` edges, and the accept state.
    fn closure(
        &mut self,
        seeds: &[usize],
        at_start: bool,
        at_end: bool,
        not_end: bool,
    ) -> Vec<usize> {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.iter_mut().for_each(|g| *g = 0);
            self.generation = 1;
        }
        let generation = self.generation;
        self.stack.clear();
        for &s in seeds {
            if let Some(mark) = self.seen.get_mut(s) {
                if *mark != generation {
                    *mark = generation;
                    self.stack.push(s);
                }
            }
        }
        let mut out = Vec::new();
        while let Some(s) = self.stack.pop() {
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
                    Label::NotStart => !at_start,
                    Label::End => at_end,
                    Label::NotEnd => not_end,
                    Label::Set(_) => false,
                };
                if follow {
                    if let Some(mark) = self.seen.get_mut(to) {
                        if *mark != generation {
                            *mark = generation;
                            self.stack.push(to);
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// The closure before consuming another character, split in two: states
    /// reached without passing a `(?!$)`, and the extra states reached only
    /// through one (valid only if a character follows, which consuming one
    /// proves, but not at the end of input).
    fn step_closure(&mut self, seeds: &[usize], at_start: bool) -> (Vec<usize>, Vec<usize>) {
        let plain = self.closure(seeds, at_start, false, false);
        let all = self.closure(seeds, at_start, false, true);
        let extra = all
            .into_iter()
            .filter(|s| plain.binary_search(s).is_err())
            .filter(|&s| {
                s == self.accept
                    || self
                        .nfa
                        .edges
                        .get(s)
                        .is_some_and(|e| e.iter().any(|(l, _)| matches!(l, Label::Set(_))))
            })
            .collect();
        (plain, extra)
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

/// Sorted union of two sorted, deduplicated lists.
fn union_sorted(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        if x < y {
            out.push(x);
            i += 1;
        } else if y < x {
            out.push(y);
            j += 1;
        } else {
            out.push(x);
            i += 1;
            j += 1;
        }
    }
    out.extend_from_slice(a.get(i..).unwrap_or(&[]));
    out.extend_from_slice(b.get(j..).unwrap_or(&[]));
    out
}

pub(crate) fn build_dfa(node: &Node, max_states: usize) -> Result<Dfa, DfaFail> {
    let mut nfa = Nfa::default();
    let start = nfa
        .new_state()
        .map_err(|BuildFail::TooLarge(m)| DfaFail::TooLarge(m))?;
    let accept = nfa
        .build(node, start)
        .map_err(|BuildFail::TooLarge(m)| DfaFail::TooLarge(m))?;
    let elements = alphabet(&nfa.sets);
    // For each character set, the alphabet elements it contains.
    let members: Vec<Vec<usize>> = nfa
        .sets
        .iter()
        .map(|set| {
            elements
                .iter()
                .enumerate()
                .filter(|(_, &(lo, _))| set.contains(lo))
                .map(|(e, _)| e)
                .collect()
        })
        .collect();
    let mut b = Builder {
        nfa: &nfa,
        accept,
        seen: vec![0; nfa.edges.len()],
        generation: 0,
        stack: Vec::new(),
    };
    // A new match attempt may start at every position; closures are unions,
    // so this part is computed once and merged in.
    let (restart, restart_extra) = b.step_closure(&[start], false);
    let mut closed: HashMap<Vec<usize>, (Vec<usize>, Vec<usize>)> = HashMap::new();

    // Key: (plain NFA states, states valid only if input goes on, is the
    // initial state). Only the initial state sits before the first
    // character, so it is kept distinct even if its sets recur.
    type Key = (Vec<usize>, Vec<usize>, bool);
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut sets: Vec<Key> = Vec::new();
    let mut raw: Vec<RawState> = Vec::new();
    let (plain, extra) = b.step_closure(&[start], true);
    let initial = (plain, extra, true);
    index.insert(initial.clone(), 0);
    sets.push(initial);
    // The state for "matched": a match is certain whatever follows.
    let matched: Key = (vec![accept], Vec::new(), false);

    let mut cursor = 0;
    while let Some((plain, extra, is_initial)) = sets.get(cursor).cloned() {
        cursor += 1;
        let accept_now = plain.contains(&accept);
        let accept_at_end =
            accept_now || b.closure(&plain, is_initial, true, false).contains(&accept);
        let mut next = vec![None; elements.len()];
        let mut targets: Vec<(Key, Vec<usize>)> = Vec::new();
        if accept_now {
            // Terminal: nothing after a certain match matters.
        } else if extra.contains(&accept) {
            // Matched unless the input ends here: any character completes it.
            targets.push((matched.clone(), (0..elements.len()).collect()));
        } else {
            // NFA moves per element, then grouped so each distinct successor
            // set is closed once.
            let mut moves: Vec<Vec<usize>> = vec![Vec::new(); elements.len()];
            for &s in plain.iter().chain(&extra) {
                for &(label, to) in nfa.edges.get(s).map_or(&[][..], Vec::as_slice) {
                    if let Label::Set(id) = label {
                        for &e in members.get(id).map_or(&[][..], Vec::as_slice) {
                            if let Some(m) = moves.get_mut(e) {
                                m.push(to);
                            }
                        }
                    }
                }
            }
            let mut by_moves: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
            for (e, mut m) in moves.into_iter().enumerate() {
                m.sort_unstable();
                m.dedup();
                by_moves.entry(m).or_default().push(e);
            }
            for (moves, elems) in by_moves {
                let (tp, te) = match closed.get(&moves) {
                    Some(t) => t.clone(),
                    None => {
                        let (p, e) = b.step_closure(&moves, false);
                        let tp = union_sorted(&p, &restart);
                        let te: Vec<usize> = union_sorted(&e, &restart_extra)
                            .into_iter()
                            .filter(|s| tp.binary_search(s).is_err())
                            .collect();
                        closed.insert(moves, (tp.clone(), te.clone()));
                        (tp, te)
                    }
                };
                if tp.is_empty() && te.is_empty() {
                    continue;
                }
                targets.push(((tp, te, false), elems));
            }
        }
        for (key, elems) in targets {
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
                    Some(last) if last.target == target && next_scalar(last.hi) == Some(lo) => {
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
