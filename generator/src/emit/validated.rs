//! `src/validated.rs`: pattern-validated string types and their matchers.

use super::*;

pub(super) fn validated_rs(api: &Api) -> TokenStream {
    let matchers = api
        .matchers
        .iter()
        .map(|m| {
            let f = ident(&m.fn_name);
            let d = lines_to_doc(&format!(
                "Whether a string matches `{}` (ECMA-262).",
                m.pattern
            ));
            let matcher = pattern::emit_matcher(&m.compiled, &f);
            gate(quote! { #d #matcher }, &feature_cfg(&m.features))
        })
        .collect::<Vec<_>>();
    let types = api
        .strings
        .iter()
        .map(|s| {
            let def = validated_type(s);
            let conform = validated_conform(s);
            gate(quote! { #def #conform }, &feature_cfg(&s.features))
        })
        .collect::<Vec<_>>();
    let allow = allow_unused_imports(api);
    // Without validated strings nothing uses these (an unused import warns).
    let imports = if api.strings.is_empty() {
        quote! {}
    } else {
        quote! { use atlas_runtime::{Rule, ValidationError}; }
    };
    quote! {
        //! Validated strings: one type per value role that carries a pattern.
        //!
        //! Constructors, `FromStr`, `TryFrom` and `Deserialize` check the pattern
        //! (ECMA-262 semantics, as OpenAPI defines it), so a value of these types
        //! always matches. In response models they are wrapped in `Checked`, so a
        //! server value that breaks the pattern is kept rather than failing the response.
        #allow
        #imports

        #(#types)*
        #(#matchers)*
    }
}

pub(super) fn validated_type(s: &ValidatedString) -> TokenStream {
    let name = ident(&s.name);
    let role = lit(&s.name);
    let pattern = lit(&s.pattern);
    let matcher = ident(&s.matcher);
    let mut doc_text = format!("A string that matches `{}`.", s.pattern);
    if let Some(d) = &s.doc.description {
        doc_text = format!("{}\n\n{doc_text}", prose::escape(d.trim()));
    }
    let doc = lines_to_doc(&doc_text);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #name(String);

        impl #name {
            /// The ECMA-262 pattern every value matches.
            pub const PATTERN: &'static str = #pattern;

            /// Checks `value` against [`Self::PATTERN`].
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                let value = value.into();
                if #matcher(&value) {
                    Ok(Self(value))
                } else {
                    Err(ValidationError::new(#role, value, Rule::Pattern(Self::PATTERN)))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::str::FromStr for #name {
            type Err = ValidationError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl TryFrom<String> for #name {
            type Error = ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for #name {
            type Error = ValidationError;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                atlas_runtime::de::string_parsed(deserializer, #pattern)
            }
        }
    }
}
