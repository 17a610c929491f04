//! Cargo features: which tag features compile each item, and the `#[cfg]`
//! attributes that say so.

use super::*;

/// Which Cargo features compile each item (empty when features are off).
#[derive(Default)]
pub(super) struct Gates {
    pub(super) enabled: bool,
    /// Item name (model, validated string, matcher fn, operation struct) -> features.
    pub(super) by_item: BTreeMap<String, BTreeSet<String>>,
    /// Every tag feature.
    pub(super) all: BTreeSet<String>,
}

impl Gates {
    pub(super) fn new(api: &Api, enabled: bool) -> Gates {
        if !enabled {
            return Gates::default();
        }
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
        Gates {
            enabled,
            by_item,
            all,
        }
    }

    /// `#[cfg(...)]` for an item; items no operation reaches need `full`.
    pub(super) fn cfg(&self, item: &str) -> TokenStream {
        if !self.enabled {
            return quote! {};
        }
        match self.by_item.get(item) {
            Some(f) if !f.is_empty() => {
                let f = f.iter().map(|x| lit(x));
                quote! { #[cfg(any(#(feature = #f),*))] }
            }
            _ => quote! { #[cfg(feature = "full")] },
        }
    }

    /// Glob imports may go unused when only some features are on.
    pub(super) fn allow_unused_imports(&self) -> TokenStream {
        if self.enabled {
            quote! { #![allow(unused_imports)] }
        } else {
            quote! {}
        }
    }
}

/// Puts `cfg` on every item of `tokens` (a struct and its impls, say).
pub(super) fn gate(tokens: TokenStream, cfg: &TokenStream) -> TokenStream {
    if cfg.is_empty() {
        return tokens;
    }
    // Splits the items at the token level, without parsing them (parsing
    // every item once more cost a sixth of the whole API's generation): an
    // item ends at a top-level `;`, or at a top-level `{ ... }` body unless
    // a `;` follows it (`static T: [bool; 256] = { ... };`).
    let mut out = TokenStream::new();
    let mut at_item_start = true;
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        if at_item_start {
            out.extend(cfg.clone());
        }
        let ends_item = match &tree {
            proc_macro2::TokenTree::Punct(p) => p.as_char() == ';',
            proc_macro2::TokenTree::Group(g) => {
                g.delimiter() == proc_macro2::Delimiter::Brace
                    && !matches!(trees.peek(), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        out.extend([tree]);
        at_item_start = ends_item;
    }
    out
}

/// The Cargo features of an operation: one per tag (`untagged` without).
pub(super) fn op_features(op: &Operation) -> BTreeSet<String> {
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

pub(super) fn collect_names(t: &TypeRef, out: &mut BTreeSet<String>) {
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
