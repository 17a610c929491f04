//! `src/models.rs`: structs, enums and unions with their serde impls.

use super::*;

pub(super) fn models_rs(api: &Api) -> TokenStream {
    let mut uses = Uses::default();
    // Error bodies print as their JSON, so `Error<E>` is a std error.
    let error_bodies: BTreeSet<&str> = api
        .operations
        .iter()
        .filter_map(|op| match &op.error_type {
            Some(TypeRef::Model(n)) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    let items: Vec<TokenStream> = api
        .types
        .iter()
        .map(|t| {
            let def = type_def(t, &mut uses);
            let conform = model_conform(t, &mut uses);
            let def = quote! { #def #conform };
            if !error_bodies.contains(t.name.as_str()) || matches!(t.kind, TypeKind::Enum(_)) {
                return gate(def, &feature_cfg(&t.features));
            }
            let name = ident(&t.name);
            let def = quote! {
                #def

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        match atlas_runtime::serde_json::to_string(self) {
                            Ok(json) => f.write_str(&json),
                            Err(_) => f.write_str(stringify!(#name)),
                        }
                    }
                }

                impl std::error::Error for #name {}
            };
            gate(def, &feature_cfg(&t.features))
        })
        .collect();
    let imports = uses.tokens(true, false);
    let allow = allow_unused_imports(api);
    quote! {
        //! Models: the JSON bodies of requests and responses.
        #allow
        #imports
        #(#items)*
    }
}

pub(super) fn type_def(t: &TypeDef, uses: &mut Uses) -> TokenStream {
    let doc = doc_attrs(&t.doc);
    let name = ident(&t.name);
    let dep = deprecated_attr(t.deprecated);
    match &t.kind {
        TypeKind::Struct(s) => {
            let fields = s
                .fields
                .iter()
                .map(|f| {
                    let fdoc = doc_attrs(&f.doc);
                    let fname = ident(&f.name);
                    let inner = ty(&f.ty, uses);
                    let fdep = deprecated_attr(f.deprecated);
                    let field_ty = match f.presence() {
                        Presence::Always => inner,
                        Presence::Nullable | Presence::Optional => quote! { Option<#inner> },
                        Presence::OptionalNullable => quote! { Option<Option<#inner>> },
                    };
                    quote! {
                        #fdoc
                        #fdep
                        pub #fname: #field_ty,
                    }
                })
                .collect::<Vec<_>>();
            // Deprecated fields are still decoded and encoded.
            let allow = if s.fields.iter().any(|f| f.deprecated) {
                quote! { #[allow(deprecated)] }
            } else {
                quote! {}
            };
            let serde_impls = struct_serde(&name, &t.name, &s.fields, &allow);
            let has_secret = s.fields.iter().any(|f| f.secret);
            let derive_debug = if has_secret {
                quote! {}
            } else {
                quote! { Debug, }
            };
            let debug_impl = if has_secret {
                let entries = s.fields.iter().map(|f| {
                    let fname = ident(&f.name);
                    let label = lit(&f.name);
                    if f.secret && f.required && !f.nullable {
                        quote! { .field(#label, &"<redacted>") }
                    } else if f.secret {
                        quote! { .field(#label, &self.#fname.as_ref().map(|_| "<redacted>")) }
                    } else {
                        quote! { .field(#label, &self.#fname) }
                    }
                });
                let label = lit(&t.name);
                quote! {
                    // Credentials the server hands out stay out of logs.
                    #allow
                    impl std::fmt::Debug for #name {
                        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.debug_struct(#label)
                                #(#entries)*
                                .finish()
                        }
                    }
                }
            } else {
                quote! {}
            };
            let constructor = struct_new(&name, &s.fields, &allow, uses);
            // No required field: `Default` is the empty value (and what
            // clippy wants beside an argument-less `new`).
            let derive_default = if s.fields.iter().any(|f| f.required) {
                quote! {}
            } else {
                quote! { Default, }
            };
            quote! {
                #doc
                #dep
                #allow
                #[derive(Clone, #derive_debug #derive_default PartialEq)]
                // A field the spec adds later must not break a struct
                // literal downstream: values are built with `new` and the
                // public fields.
                #[non_exhaustive]
                pub struct #name {
                    #(#fields)*
                }

                #constructor
                #debug_impl
                #serde_impls
            }
        }
        TypeKind::Enum(e) if e.integer => {
            let deprecated = !dep.is_empty();
            let def = integer_enum_def(&name, doc, dep, e);
            if deprecated {
                // The enum's own impls name it: each allows that.
                gate(def, &quote! { #[allow(deprecated)] })
            } else {
                def
            }
        }
        TypeKind::Enum(e) => enum_def(&name, doc, dep, e),
        TypeKind::Union(u) => union_def(&name, doc, dep, u, uses),
    }
}

/// `new` with the required fields, in field order; optional ones start `None`.
fn struct_new(name: &Ident, fields: &[Field], allow: &TokenStream, uses: &mut Uses) -> TokenStream {
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for f in fields {
        let fname = ident(&f.name);
        if f.required {
            let inner = ty(&f.ty, uses);
            let t = if f.nullable {
                quote! { Option<#inner> }
            } else {
                inner
            };
            args.push(quote! { #fname: #t });
            inits.push(quote! { #fname });
        } else {
            inits.push(quote! { #fname: None });
        }
    }
    quote! {
        #allow
        impl #name {
            /// A value with the required fields; the optional ones start unset.
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

/// `Serialize` and `Deserialize` for a struct, written out rather than
/// derived: serde's derive also emits a field visitor and a sequence visitor
/// per struct, half of the whole API's expanded code, which the compiler has
/// to type-check and borrow-check in every build. These impls do what the
/// derive did for these structs (wire names, optional fields skipped when
/// `None`, unknown fields ignored, duplicate and missing fields refused with
/// serde's messages) with the loop in generated code and the rest in
/// `atlas_runtime::de`, generic and so not checked again per struct.
pub(super) fn struct_serde(
    name: &Ident,
    type_name: &str,
    fields: &[Field],
    allow: &TokenStream,
) -> TokenStream {
    let label = lit(type_name);
    let expecting = lit(&format!("struct {type_name}"));
    let names: Vec<Ident> = fields.iter().map(|f| ident(&f.name)).collect();
    let wires: Vec<Literal> = fields.iter().map(|f| lit(&f.wire)).collect();
    // Each field is read into a local of its own name; the few names the
    // function itself uses (`map`, `index`, `missing`) are taken first.
    let mut locals = crate::naming::Scope::new();
    for taken in ["map", "index", "missing"] {
        locals.reserve(taken);
    }
    let slots: Vec<Ident> = fields
        .iter()
        .map(|f| ident(&locals.claim(&f.name, &f.wire)))
        .collect();
    let indices: Vec<Literal> = (0..fields.len()).map(Literal::usize_unsuffixed).collect();
    // A required nullable field is always written, as `null` when `None`.
    let always = fields.iter().filter(|f| f.required).count();
    let mut present = Vec::new();
    let mut required: Vec<(Ident, Literal)> = Vec::new();
    let mut writes = Vec::new();
    let mut finish = Vec::new();
    for ((f, fname), (wire, slot)) in fields.iter().zip(&names).zip(wires.iter().zip(&slots)) {
        // Required fields must be present (a nullable one may be `null`);
        // after the check each slot holds the value read.
        if f.required {
            writes.push(quote! { out.field(#wire, &self.#fname); });
            required.push((slot.clone(), wire.clone()));
        } else {
            present.push(quote! { self.#fname.is_some() });
            writes.push(quote! { out.optional(#wire, &self.#fname); });
        }
        let into_vec = quote! { atlas_runtime::de::OneOrMany::into_vec };
        finish.push(match (f.presence(), f.one_or_many) {
            (Presence::Always, true) => quote! { #fname: #into_vec(#slot) },
            (Presence::Always, false) if slot == fname => quote! { #fname },
            (Presence::Always, false) => quote! { #fname: #slot },
            (Presence::Nullable, true) => quote! { #fname: #slot.map(#into_vec) },
            (Presence::Nullable, false) if slot == fname => quote! { #fname },
            (Presence::Nullable, false) => quote! { #fname: #slot },
            // Absent and `null` are two values: `None` and `Some(None)`.
            (Presence::OptionalNullable, true) => {
                quote! { #fname: #slot.map(|v| v.map(#into_vec)) }
            }
            (Presence::OptionalNullable, false) if slot == fname => quote! { #fname },
            (Presence::OptionalNullable, false) => quote! { #fname: #slot },
            // Absent and `null` both read as `None`.
            (Presence::Optional, true) => quote! { #fname: #slot.flatten().map(#into_vec) },
            (Presence::Optional, false) => quote! { #fname: #slot.flatten() },
        });
    }
    let out = if writes.is_empty() {
        quote! { out }
    } else {
        quote! { mut out }
    };
    // All required fields checked by one pattern with one early return: a
    // `?` per field would be a return path per field, each dropping every
    // other slot, for the compiler to build and check.
    let check_required = if required.is_empty() {
        quote! {}
    } else {
        let (req_slots, req_wires): (Vec<&Ident>, Vec<&Literal>) =
            required.iter().map(|(s, w)| (s, w)).unzip();
        quote! {
            let missing = [#(#req_slots.is_none()),*];
            let (#(Some(#req_slots),)*) = (#(#req_slots,)*) else {
                return Err(atlas_runtime::de::missing_field(&missing, &[#(#req_wires),*]));
            };
        }
    };
    // A struct without properties skips every key (a lone `_` arm is what
    // clippy calls a match that should be its body).
    let read_loop = if fields.is_empty() {
        quote! {
            while let Some(_index) = map.next_key_seed(atlas_runtime::de::FieldIndex(FIELDS))? {
                atlas_runtime::de::skip(&mut map)?;
            }
        }
    } else {
        quote! {
            while let Some(index) = map.next_key_seed(atlas_runtime::de::FieldIndex(FIELDS))? {
                // One `?` for all arms: each is code to check.
                match index {
                    #( #indices => atlas_runtime::de::field(&mut map, &mut #slots, #wires), )*
                    _ => atlas_runtime::de::skip(&mut map),
                }?;
            }
        }
    };
    quote! {
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let #out = atlas_runtime::ser::StructWriter::new(serializer, #label, #always, &[#(#present),*]);
                #(#writes)*
                out.end()
            }
        }

        #allow
        impl<'de> atlas_runtime::de::FromObject<'de> for #name {
            const EXPECTING: &'static str = #expecting;

            fn from_object<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                const FIELDS: &[&str] = &[#(#wires),*];
                #( let mut #slots = None; )*
                #read_loop
                #check_required
                Ok(Self { #(#finish),* })
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                atlas_runtime::de::object(deserializer)
            }
        }
    }
}

pub(super) fn union_def(
    name: &Ident,
    doc: TokenStream,
    dep: TokenStream,
    u: &Union,
    uses: &mut Uses,
) -> TokenStream {
    let variants: Vec<Ident> = u.variants.iter().map(|v| ident(&v.name)).collect();
    let types: Vec<TokenStream> = u.variants.iter().map(|v| ty(&v.ty, uses)).collect();
    let unknown_variant = if u.open {
        quote! {
            /// A value no variant accepts (a new kind from the server, say), kept as sent.
            Unknown(atlas_runtime::serde_json::Value),
        }
    } else {
        quote! {}
    };
    let unknown_ser = if u.open {
        quote! { Self::Unknown(value) => value.serialize(serializer), }
    } else {
        quote! {}
    };
    let type_name = lit(&name.to_string());
    let fallback = if u.open {
        quote! { Ok(atlas_runtime::de::unknown_variant(value, Self::Unknown)) }
    } else {
        quote! { Err(serde::de::Error::custom(concat!("no variant of ", #type_name, " matches the value"))) }
    };
    // The variant a value was chosen for: an open union keeps a payload
    // its variant cannot read after all as sent, a closed one refuses it.
    let take = |vname: &Ident| {
        if u.open {
            quote! { Ok(atlas_runtime::de::variant_or_raw(value, Self::#vname, Self::Unknown)) }
        } else {
            quote! { atlas_runtime::de::variant(value, Self::#vname) }
        }
    };
    let body = match &u.discriminator {
        Some(prop) => {
            let prop = lit(prop);
            let arms = u
                .variants
                .iter()
                .zip(&variants)
                .filter(|(v, _)| !v.tags.is_empty())
                .map(|(v, vname)| {
                    let tags = v.tags.iter().map(|t| lit(t));
                    let take = take(vname);
                    quote! { Some(#(#tags)|*) => #take, }
                });
            quote! {
                match value.get(#prop).and_then(atlas_runtime::serde_json::Value::as_str) {
                    #(#arms)*
                    _ => #fallback,
                }
            }
        }
        None => {
            // No discriminator: the variant the value fits best (see
            // `atlas_runtime::fit`), the first of equals.
            let indices = (0..variants.len()).map(Literal::usize_unsuffixed);
            let takes = variants.iter().map(take);
            quote! {
                match atlas_runtime::fit::best(&value, &[#(<#types as atlas_runtime::fit::Conform>::conform),*]) {
                    #( Some((#indices, _)) => #takes, )*
                    _ => #fallback,
                }
            }
        }
    };
    // A discriminated variant is written with its tag, which its own type
    // may lack (a `readOnly` discriminator is not in request types).
    let serializers: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| match (&u.discriminator, v.tags.first()) {
            (Some(prop), Some(tag)) => {
                let prop = lit(prop);
                let tag = lit(tag);
                quote! { atlas_runtime::ser::tagged(serializer, #prop, #tag, value) }
            }
            _ => quote! { value.serialize(serializer) },
        })
        .collect();
    let docs: Vec<String> = u
        .variants
        .iter()
        .map(|v| {
            if !v.tags.is_empty() {
                format!(" Selected by `{}`.", v.tags.join("`, `"))
            } else if u.by_status {
                format!(
                    " The `{}` body, for the statuses that document it.",
                    v.ty.key()
                )
            } else {
                format!(
                    " A value that fits `{}` best (see `atlas_runtime::fit`).",
                    v.ty.key()
                )
            }
        })
        .collect();
    // Closed unions too: a variant the spec adds later must not break a
    // downstream `match`.
    let non_exhaustive = quote! { #[non_exhaustive] };
    quote! {
        #doc
        #dep
        #[derive(Clone, Debug, PartialEq)]
        #non_exhaustive
        pub enum #name {
            #( #[doc = #docs] #variants(#types), )*
            #unknown_variant
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => #serializers, )*
                    #unknown_ser
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = atlas_runtime::serde_json::Value::deserialize(deserializer)?;
                #body
            }
        }
    }
}

pub(super) fn enum_def(name: &Ident, doc: TokenStream, dep: TokenStream, e: &Enum) -> TokenStream {
    let variants: Vec<Ident> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<Literal> = e.variants.iter().map(|v| lit(&v.wire)).collect();
    let variant_docs: Vec<String> = e
        .variants
        .iter()
        .map(|v| format!(" `{}`", v.wire))
        .collect();
    let type_name = lit(&name.to_string());
    let expected = lit(&format!(
        "one of {}",
        e.variants
            .iter()
            .map(|v| format!("`{}`", v.wire))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if e.open {
        quote! {
            #doc
            ///
            /// Open: a value this crate does not know yet arrives as `Unknown`, kept as sent;
            /// a later version may add variants, so matches need a `_` arm.
            #dep
            // Equality and hashing, no ordering: the order of an enum's
            // values means nothing, and each derive is code to compile.
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
                /// A value the spec did not list when this crate was generated.
                Unknown(String),
            }

            impl #name {
                /// Every value the spec lists.
                pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

                /// The value as it appears on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #wires, )*
                        Self::Unknown(other) => other,
                    }
                }

                /// Whether the value is one the spec did not list.
                pub fn is_unknown(&self) -> bool {
                    matches!(self, Self::Unknown(_))
                }
            }

            impl From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #wires => Self::#variants, )*
                        other => Self::Unknown(atlas_runtime::de::unknown_value::<Self>(other)),
                    }
                }
            }

            impl std::str::FromStr for #name {
                type Err = std::convert::Infallible;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    atlas_runtime::de::string_parsed(deserializer, #expected)
                }
            }
        }
    } else {
        quote! {
            #doc
            ///
            /// Closed: only the values the spec lists are accepted. A later version of
            /// the spec may list more, so matches need a `_` arm.
            #dep
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
            }

            impl #name {
                /// Every value the spec lists.
                pub const ALL: &'static [Self] = &[#(Self::#variants),*];
                const WIRE: &'static [&'static str] = &[#(#wires),*];

                /// The value as it appears on the wire.
                pub fn as_str(&self) -> &'static str {
                    match self {
                        #( Self::#variants => #wires, )*
                    }
                }
            }

            impl std::str::FromStr for #name {
                type Err = atlas_runtime::ValidationError;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    match value {
                        #( #wires => Ok(Self::#variants), )*
                        other => Err(atlas_runtime::ValidationError::new(#type_name, other, atlas_runtime::Rule::Enum(Self::WIRE))),
                    }
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    atlas_runtime::de::string_parsed(deserializer, #expected)
                }
            }
        }
    }
}

/// An enum of integers: the same shape as a string enum, read and written
/// as JSON numbers.
pub(super) fn integer_enum_def(
    name: &Ident,
    doc: TokenStream,
    dep: TokenStream,
    e: &Enum,
) -> TokenStream {
    let variants: Vec<Ident> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let numbers: Vec<Literal> = e
        .variants
        .iter()
        .map(|v| Literal::i64_unsuffixed(v.wire.parse().unwrap_or_default()))
        .collect();
    let wires: Vec<Literal> = e.variants.iter().map(|v| lit(&v.wire)).collect();
    let variant_docs: Vec<String> = e
        .variants
        .iter()
        .map(|v| format!(" `{}`", v.wire))
        .collect();
    let type_name = lit(&name.to_string());
    let common = quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.as_i64())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }
    };
    if e.open {
        quote! {
            #doc
            ///
            /// Open: a value this crate does not know yet arrives as `Unknown`, kept as sent;
            /// a later version may add variants, so matches need a `_` arm.
            #dep
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
                /// A value the spec did not list when this crate was generated.
                Unknown(i64),
            }

            impl #name {
                /// Every value the spec lists.
                pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

                /// The value as it appears on the wire.
                pub fn as_i64(&self) -> i64 {
                    match self {
                        #( Self::#variants => #numbers, )*
                        Self::Unknown(other) => *other,
                    }
                }

                /// Whether the value is one the spec did not list.
                pub fn is_unknown(&self) -> bool {
                    matches!(self, Self::Unknown(_))
                }
            }

            impl From<i64> for #name {
                fn from(value: i64) -> Self {
                    match value {
                        #( #numbers => Self::#variants, )*
                        other => Self::Unknown(atlas_runtime::de::unknown_integer::<Self>(other)),
                    }
                }
            }

            impl std::str::FromStr for #name {
                type Err = atlas_runtime::ValidationError;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    value.parse::<i64>().map(Self::from).map_err(|_| atlas_runtime::ValidationError::new(#type_name, value, atlas_runtime::Rule::Integer))
                }
            }

            #common

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
                }
            }
        }
    } else {
        quote! {
            #doc
            ///
            /// Closed: only the values the spec lists are accepted. A later version of
            /// the spec may list more, so matches need a `_` arm.
            #dep
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
            }

            impl #name {
                /// Every value the spec lists.
                pub const ALL: &'static [Self] = &[#(Self::#variants),*];
                const WIRE: &'static [&'static str] = &[#(#wires),*];

                /// The value as it appears on the wire.
                pub fn as_i64(&self) -> i64 {
                    match self {
                        #( Self::#variants => #numbers, )*
                    }
                }
            }

            impl TryFrom<i64> for #name {
                type Error = atlas_runtime::ValidationError;
                fn try_from(value: i64) -> Result<Self, Self::Error> {
                    match value {
                        #( #numbers => Ok(Self::#variants), )*
                        other => Err(atlas_runtime::ValidationError::new(#type_name, other.to_string(), atlas_runtime::Rule::Enum(Self::WIRE))),
                    }
                }
            }

            impl std::str::FromStr for #name {
                type Err = atlas_runtime::ValidationError;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    match value.parse::<i64>() {
                        Ok(number) => Self::try_from(number),
                        Err(_) => Err(atlas_runtime::ValidationError::new(#type_name, value, atlas_runtime::Rule::Enum(Self::WIRE))),
                    }
                }
            }

            #common

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let number = <i64 as serde::Deserialize>::deserialize(deserializer)?;
                    Self::try_from(number).map_err(serde::de::Error::custom)
                }
            }
        }
    }
}
