//! The conform pass: which types say how well a JSON value fits them
//! (`atlas_runtime::fit::Conform`), and which untagged unions have variants
//! no value can tell apart.
//!
//! An untagged `oneOf`/`anyOf` decodes into the variant the value fits best
//! (fewest lenient fallbacks, then fewest undeclared keys, then most declared
//! properties and constraints matched; the first of equals). Every type such
//! a variant reaches needs a `Conform` impl; the rest of the crate does not
//! pay for one.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

/// Marks `conform` on every type and validated string an untagged union
/// reaches; returns (union origin, message) for variants that cannot be told
/// apart.
pub fn assign(api: &mut Api) -> Vec<(String, String)> {
    let by_name: BTreeMap<&str, &TypeDef> =
        api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let patterns: BTreeMap<&str, &str> = api
        .strings
        .iter()
        .map(|s| (s.name.as_str(), s.pattern.as_str()))
        .collect();
    let cx = Shapes {
        by_name: &by_name,
        patterns: &patterns,
    };
    let mut stack: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    for t in &api.types {
        if let TypeKind::Union(u) = &t.kind {
            if u.discriminator.is_none() {
                stack.push(t.name.clone());
                // Error bodies are told apart by status, not by shape.
                if !u.by_status {
                    warnings.extend(indistinguishable(t, u, &cx));
                }
            }
        }
    }
    let mut reached: BTreeSet<String> = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        let Some(t) = by_name.get(name.as_str()) else {
            continue;
        };
        let mut next = BTreeSet::new();
        match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| names(&f.ty, &mut next)),
            TypeKind::Union(u) => u.variants.iter().for_each(|v| names(&v.ty, &mut next)),
            TypeKind::Enum(_) => {}
        }
        stack.extend(next);
    }
    for t in &mut api.types {
        t.conform = reached.contains(&t.name);
    }
    for s in &mut api.strings {
        s.conform = reached.contains(&s.name);
    }
    warnings
}

fn names(t: &TypeRef, out: &mut BTreeSet<String>) {
    match t {
        TypeRef::Model(n) | TypeRef::Validated(n) => {
            out.insert(n.clone());
        }
        TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Checked(i) | TypeRef::Boxed(i) => {
            names(i, out)
        }
        _ => {}
    }
}

/// Variants whose JSON is the same shape: a value fitting one fits the other
/// exactly as well, so it always decodes as the first.
fn indistinguishable(t: &TypeDef, u: &Union, cx: &Shapes<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let shapes: Vec<String> = u.variants.iter().map(|v| cx.shape(&v.ty, 0)).collect();
    for (i, a) in u.variants.iter().enumerate() {
        for (j, b) in u.variants.iter().enumerate().skip(i + 1) {
            if shapes[i] == shapes[j] {
                out.push((
                    t.origin.clone(),
                    format!(
                        "the variants `{}` and `{}` of `{}` accept the same JSON, so no value can tell them apart; a value decodes as the first, `{}`",
                        a.name, b.name, t.name, a.name
                    ),
                ));
            }
        }
    }
    out
}

/// What the shape of a type is read from.
struct Shapes<'a> {
    by_name: &'a BTreeMap<&'a str, &'a TypeDef>,
    /// Validated string name -> pattern.
    patterns: &'a BTreeMap<&'a str, &'a str>,
}

impl Shapes<'_> {
    /// The shape of the JSON a type accepts, as text: equal shapes accept
    /// equal values. Bounded in depth (recursive types compare by name below it).
    fn shape(&self, t: &TypeRef, depth: usize) -> String {
        match t {
            TypeRef::Model(n) => match self.by_name.get(n.as_str()) {
                Some(def) if depth < 4 => match &def.kind {
                    TypeKind::Struct(s) => {
                        let fields: Vec<String> = s
                            .fields
                            .iter()
                            .map(|f| {
                                format!(
                                    "{}{}{}:{}",
                                    f.wire,
                                    if f.required { "!" } else { "?" },
                                    if f.nullable { "~" } else { "" },
                                    self.shape(&f.ty, depth + 1)
                                )
                            })
                            .collect();
                        format!("{{{}}}", fields.join(","))
                    }
                    TypeKind::Enum(e) => {
                        let mut values: Vec<&str> =
                            e.variants.iter().map(|v| v.wire.as_str()).collect();
                        values.sort();
                        format!("enum[{}]", values.join(","))
                    }
                    TypeKind::Union(u) => {
                        let variants: Vec<String> = u
                            .variants
                            .iter()
                            .map(|v| self.shape(&v.ty, depth + 1))
                            .collect();
                        format!("union({})", variants.join("|"))
                    }
                },
                _ => format!("model {n}"),
            },
            TypeRef::Validated(n) => {
                format!(
                    "pattern {}",
                    self.patterns.get(n.as_str()).copied().unwrap_or(n)
                )
            }
            TypeRef::Checked(i) | TypeRef::Boxed(i) => self.shape(i, depth),
            TypeRef::List(i) => format!("[{}]", self.shape(i, depth + 1)),
            TypeRef::Map(i) => format!("map<{}>", self.shape(i, depth + 1)),
            other => format!("{other:?}"),
        }
    }
}
