//! `src/roundtrip.rs` (feature `roundtrip`): every model by name, for the
//! round-trip property; and `tests/roundtrip.rs`, which runs it over the
//! instances the generator wrote beside it.

use super::*;

pub(super) fn roundtrip_rs(api: &Api) -> TokenStream {
    let mut uses = Uses::default();
    let features: BTreeMap<&str, &[String]> = api
        .types
        .iter()
        .map(|t| (t.name.as_str(), t.features.as_slice()))
        .chain(
            api.strings
                .iter()
                .map(|s| (s.name.as_str(), s.features.as_slice())),
        )
        .collect();
    let arms: Vec<TokenStream> = api
        .roundtrip_types
        .iter()
        .map(|t| {
            // Compiled where the named type inside it is.
            let cfg = named_in(t)
                .and_then(|n| features.get(n))
                .map(|f| feature_cfg(f))
                .unwrap_or_default();
            let key = lit(&t.key());
            let rust = ty(t, &mut uses);
            quote! {
                #cfg
                #key => atlas_runtime::roundtrip::check::<#rust>(instance),
            }
        })
        .collect();
    let imports = uses.tokens(false, false);
    let allow = allow_unused_imports(api);
    quote! {
        //! Round trips (feature `roundtrip`, for tests): a valid instance of a
        //! schema decodes into the type it became with no lenient fallback
        //! and re-encodes to equal JSON.
        #allow
        #imports

        /// Checks `instance` against the type whose key (`Vec<Foo>`, a
        /// model's name, ...) is `type_name`; `None` when no such type is
        /// compiled (another feature's, or none).
        #[allow(deprecated)]
        pub fn check(type_name: &str, instance: &atlas_runtime::serde_json::Value) -> Option<Result<(), String>> {
            Some(match type_name {
                #(#arms)*
                _ => return None,
            })
        }
    }
}

/// The model or validated string a type is made of, if any.
fn named_in(t: &TypeRef) -> Option<&str> {
    match t {
        TypeRef::Model(n) | TypeRef::Validated(n) => Some(n),
        TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Checked(i) | TypeRef::Boxed(i) => named_in(i),
        _ => None,
    }
}

pub(super) fn roundtrip_test_rs(settings: &Settings<'_>) -> TokenStream {
    let krate = ident(&settings.crate_name.replace('-', "_"));
    quote! {
        //! The round-trip property over the instances in `roundtrip.jsonl`
        //! (written by the generator from the spec, one JSON object a line:
        //! `type`, `pointer`, `direction`, `instance`): each decodes into its
        //! type with no lenient fallback and re-encodes to equal JSON.
        //! `ATLAS_ROUNDTRIP_SAMPLE=K` checks every K-th line only (a bounded
        //! run); unset or 1 checks all.
        #![cfg(feature = "roundtrip")]

        #[test]
        fn every_instance_of_every_schema_round_trips() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/roundtrip.jsonl");
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => panic!("cannot read {path}: {e}"),
            };
            let sample = match std::env::var("ATLAS_ROUNDTRIP_SAMPLE") {
                Ok(k) => match k.parse::<usize>() {
                    Ok(k) if k > 0 => k,
                    _ => panic!("ATLAS_ROUNDTRIP_SAMPLE must be a whole number above 0, not {k:?}"),
                },
                Err(_) => 1,
            };
            let mut schemas = std::collections::BTreeSet::new();
            let (mut passed, mut not_compiled) = (0usize, 0usize);
            let mut failures = Vec::new();
            for (n, line) in text.lines().enumerate().step_by(sample) {
                let case: atlas_runtime::serde_json::Value = match atlas_runtime::serde_json::from_str(line) {
                    Ok(v) => v,
                    Err(e) => panic!("line {}: {e}", n + 1),
                };
                let type_name = case["type"].as_str().unwrap_or_default();
                let pointer = case["pointer"].as_str().unwrap_or_default();
                schemas.insert((pointer.to_owned(), case["direction"].to_string()));
                match #krate::roundtrip::check(type_name, &case["instance"]) {
                    Some(Ok(())) => passed += 1,
                    Some(Err(e)) => failures.push(format!("{type_name} ({pointer}): {e}\n    instance: {}", case["instance"])),
                    None => not_compiled += 1,
                }
            }
            println!(
                "round trips: {} schemas, {} instances: {passed} passed, {} failed, {not_compiled} of types not compiled in",
                schemas.len(),
                passed + failures.len() + not_compiled,
                failures.len()
            );
            assert!(failures.is_empty(), "{} instances do not round-trip:\n{}", failures.len(), failures.join("\n"));
        }
    }
}
