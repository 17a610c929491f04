//! Cargo features: which tag features compile each item, and the `#[cfg]`
//! attributes that say so.

use super::*;

/// `#[cfg(...)]` for an item compiled by any of `features` (decided by
/// `lower::features`); nothing when it is always compiled.
pub(super) fn feature_cfg(features: &[String]) -> TokenStream {
    if features.is_empty() {
        return quote! {};
    }
    if let [one] = features {
        // `any(...)` of one feature is what clippy calls a non-minimal cfg.
        let f = lit(one);
        return quote! { #[cfg(feature = #f)] };
    }
    let f = features.iter().map(|x| lit(x));
    quote! { #[cfg(any(#(feature = #f),*))] }
}

/// Glob imports may go unused when only some features are on.
pub(super) fn allow_unused_imports(api: &Api) -> TokenStream {
    if api.tag_features {
        quote! { #![allow(unused_imports)] }
    } else {
        quote! {}
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
