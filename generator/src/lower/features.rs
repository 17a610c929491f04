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

/// Fills in `features` on every item of `api` and `api.features`; returns
/// (tag, message) for each tag whose feature had to be renamed.
pub fn assign(api: &mut Api, enabled: bool) -> Vec<(String, String)> {
    api.tag_features = enabled;
    if !enabled {
        return Vec::new();
    }
    let (tag_features, renamed) = tag_feature_names(api);
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
        let features = op_features(op, &tag_features);
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
    renamed
}

/// The feature of every tag: kebab-cased, ASCII, and never one the crate
/// defines itself (`client-tag` for a tag `Client`) or another tag's
/// (`legacy-backup-2`); renames are reported.
fn tag_feature_names(api: &Api) -> (BTreeMap<String, String>, Vec<(String, String)>) {
    let tags: BTreeSet<&String> = api.operations.iter().flat_map(|op| &op.tags).collect();
    let mut taken: BTreeSet<String> = crate::naming::reserved::FEATURES
        .iter()
        .map(|f| (*f).to_owned())
        .collect();
    let mut out = BTreeMap::new();
    let mut renamed = Vec::new();
    for tag in tags {
        let wanted = tag_feature(tag);
        let mut name = wanted.clone();
        if crate::naming::reserved::FEATURES.contains(&wanted.as_str()) {
            name = format!("{wanted}-tag");
        }
        let base = name.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        if name != wanted {
            let why = if crate::naming::reserved::FEATURES.contains(&wanted.as_str()) {
                "a feature the crate defines itself"
            } else {
                "another tag's feature"
            };
            renamed.push((
                tag.clone(),
                format!("the tag `{tag}` would be the Cargo feature `{wanted}`, {why}; its feature is `{name}`"),
            ));
        }
        taken.insert(name.clone());
        out.insert(tag.clone(), name);
    }
    (out, renamed)
}

/// The Cargo features of an operation: one per tag (`untagged` without).
fn op_features(op: &Operation, tag_features: &BTreeMap<String, String>) -> BTreeSet<String> {
    if op.tags.is_empty() {
        return ["untagged".to_owned()].into_iter().collect();
    }
    op.tags
        .iter()
        .map(|t| {
            tag_features
                .get(t)
                .cloned()
                .unwrap_or_else(|| tag_feature(t))
        })
        .collect()
}

/// `Legacy Backup` -> `legacy-backup`: kebab case, ASCII letters, digits
/// and `-` only (what Cargo and crates.io accept); `tag` if nothing is left.
pub fn tag_feature(tag: &str) -> String {
    use heck::ToKebabCase;
    let kebab = tag.to_kebab_case();
    let mut f = String::with_capacity(kebab.len());
    for c in kebab.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && (f.is_empty() || f.ends_with('-'))) {
            f.push(c);
        }
    }
    let f = f.trim_end_matches('-').to_owned();
    if f.is_empty() {
        "tag".to_owned()
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
