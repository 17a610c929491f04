//! The feature pass: which Cargo features compile each item.
//!
//! With tag features on, every operation belongs to the features of its tags
//! (`untagged` without one), and every model, validated string and matcher
//! to the features of the operations that reach it through parameters,
//! bodies, fields and union variants. Items no operation reaches need `full`.
//! The result is data on each item; emit only prints it.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

/// The feature every tag feature is part of, and what unreached items need.
pub const FULL: &str = "full";

/// Fills in `features` on every item of `api` and `api.features`.
pub fn assign(api: &mut Api, enabled: bool) {
    api.tag_features = enabled;
    if !enabled {
        return;
    }
    // What each item refers to directly.
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in &api.types {
        let mut out = BTreeSet::new();
        match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| collect_names(&f.ty, &mut out)),
            TypeKind::Union(u) => u
                .variants
                .iter()
                .for_each(|v| collect_names(&v.ty, &mut out)),
            TypeKind::Enum(_) => {}
        }
        refs.insert(t.name.clone(), out);
    }
    for s in &api.strings {
        refs.entry(s.name.clone())
            .or_default()
            .insert(s.matcher.clone());
    }
    let mut by_item: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut all = BTreeSet::new();
    for op in &api.operations {
        let features = op_features(op);
        all.extend(features.iter().cloned());
        let mut roots = BTreeSet::new();
        op.params
            .iter()
            .for_each(|p| collect_names(&p.ty, &mut roots));
        if let Some(b) = &op.body {
            collect_names(&b.ty, &mut roots);
        }
        for t in op.success_type.iter().chain(op.error_type.iter()) {
            collect_names(t, &mut roots);
        }
        by_item
            .entry(op.struct_name.clone())
            .or_default()
            .extend(features.iter().cloned());
        let mut stack: Vec<String> = roots.into_iter().collect();
        while let Some(name) = stack.pop() {
            let entry = by_item.entry(name.clone()).or_default();
            if features.iter().all(|f| entry.contains(f)) {
                continue;
            }
            entry.extend(features.iter().cloned());
            if let Some(next) = refs.get(&name) {
                stack.extend(next.iter().cloned());
            }
        }
    }
    let of = |name: &str| -> Vec<String> {
        match by_item.get(name) {
            Some(f) if !f.is_empty() => f.iter().cloned().collect(),
            _ => vec![FULL.to_owned()],
        }
    };
    for t in &mut api.types {
        t.features = of(&t.name);
    }
    for s in &mut api.strings {
        s.features = of(&s.name);
    }
    for m in &mut api.matchers {
        m.features = of(&m.fn_name);
    }
    for op in &mut api.operations {
        op.features = of(&op.struct_name);
    }
    api.features = all.into_iter().collect();
}

/// The Cargo features of an operation: one per tag (`untagged` without).
fn op_features(op: &Operation) -> BTreeSet<String> {
    if op.tags.is_empty() {
        return ["untagged".to_owned()].into_iter().collect();
    }
    op.tags.iter().map(|t| tag_feature(t)).collect()
}

/// `Legacy Backup` -> `legacy-backup`.
pub fn tag_feature(tag: &str) -> String {
    use heck::ToKebabCase;
    let f = tag.to_kebab_case();
    if f.is_empty() {
        "untagged".to_owned()
    } else {
        f
    }
}

fn collect_names(t: &TypeRef, out: &mut BTreeSet<String>) {
    match t {
        TypeRef::Model(n) | TypeRef::Validated(n) => {
            out.insert(n.clone());
        }
        TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Checked(i) | TypeRef::Boxed(i) => {
            collect_names(i, out)
        }
        _ => {}
    }
}
