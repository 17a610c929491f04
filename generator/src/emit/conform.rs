//! `atlas_runtime::fit::Conform` impls: how well a JSON value fits a type,
//! for the types an untagged union reaches (`TypeDef::conform`). Each is one
//! call to a generic helper in `atlas_runtime::fit`.

use super::*;

/// The `Conform` impl of a model, if lower asked for one.
pub(super) fn model_conform(t: &TypeDef, uses: &mut Uses) -> TokenStream {
    if !t.conform {
        return quote! {};
    }
    let name = ident(&t.name);
    let body = match &t.kind {
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().map(|f| {
                let wire = lit(&f.wire);
                let required = f.required;
                let nullable = f.nullable;
                let conform = match (&f.ty, f.one_or_many) {
                    (TypeRef::List(item), true) => {
                        let item = ty(item, uses);
                        quote! { atlas_runtime::fit::one_or_many::<#item> }
                    }
                    (other, _) => conformer(other, uses),
                };
                quote! { atlas_runtime::fit::FieldFit::new(#wire, #required, #nullable, #conform) }
            });
            quote! { atlas_runtime::fit::object(value, &[#(#fields),*]) }
        }
        TypeKind::Enum(e) if e.integer => {
            let numbers = e
                .variants
                .iter()
                .map(|v| Literal::i64_unsuffixed(v.wire.parse().unwrap_or_default()));
            let open = e.open;
            quote! { atlas_runtime::fit::integer_enum(value, &[#(#numbers),*], #open) }
        }
        TypeKind::Enum(e) => {
            let wires = e.variants.iter().map(|v| lit(&v.wire));
            let open = e.open;
            quote! { atlas_runtime::fit::string_enum(value, &[#(#wires),*], #open) }
        }
        TypeKind::Union(u) => {
            let open = u.open;
            match &u.discriminator {
                None => {
                    let variants = u.variants.iter().map(|v| conformer(&v.ty, uses));
                    quote! { atlas_runtime::fit::untagged(value, &[#(#variants),*], #open) }
                }
                Some(prop) => {
                    let prop = lit(prop);
                    let variants = u.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
                        let tags = v.tags.iter().map(|t| lit(t));
                        let conform = conformer(&v.ty, uses);
                        quote! { atlas_runtime::fit::Tagged { tags: &[#(#tags),*], conform: #conform } }
                    });
                    quote! { atlas_runtime::fit::tagged(value, #prop, &[#(#variants),*], #open) }
                }
            }
        }
    };
    quote! {
        impl atlas_runtime::fit::Conform for #name {
            fn conform(value: &atlas_runtime::serde_json::Value) -> Option<atlas_runtime::fit::Fit> {
                #body
            }
        }
    }
}

/// The `Conform` impl of a validated string, if lower asked for one.
pub(super) fn validated_conform(s: &ValidatedString) -> TokenStream {
    if !s.conform {
        return quote! {};
    }
    let name = ident(&s.name);
    let matcher = ident(&s.matcher);
    quote! {
        impl atlas_runtime::fit::Conform for #name {
            fn conform(value: &atlas_runtime::serde_json::Value) -> Option<atlas_runtime::fit::Fit> {
                atlas_runtime::fit::pattern(value, #matcher)
            }
        }
    }
}

/// `<T as Conform>::conform` for a field or variant type.
fn conformer(t: &TypeRef, uses: &mut Uses) -> TokenStream {
    let t = ty(t, uses);
    quote! { <#t as atlas_runtime::fit::Conform>::conform }
}
