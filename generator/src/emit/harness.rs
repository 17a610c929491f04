//! Test harnesses emitted into whole-API crates: the spec's examples, Prism.

use super::*;

pub(super) fn examples_test_rs(api: &Api, settings: &Settings<'_>) -> TokenStream {
    let krate = ident(&settings.crate_name.replace('-', "_"));
    let mut uses = Uses::default();
    let checks: Vec<TokenStream> = api
        .examples
        .iter()
        .map(|e| {
            let t = ty(&e.ty, &mut uses);
            let pointer = lit(&e.pointer);
            let json = lit(&e.value.to_string());
            let expected = e.issue.is_some();
            quote! { check::<#t>(#pointer, #json, #expected, &mut failures); }
        })
        .collect();
    let count = Literal::usize_unsuffixed(api.examples.len());
    let imports = uses.tokens(true, true);
    let gate = if api.tag_features {
        quote! { #![cfg(feature = "full")] }
    } else {
        quote! {}
    };
    if checks.is_empty() {
        // Nothing to check; the test still runs, and says so.
        return quote! {
            //! Conformance: every example the spec gives decodes into the type
            //! generated for it. This spec gives none.
            #gate

            #[test]
            fn every_example_in_the_spec_decodes_into_its_type() {
                println!("0 examples checked: the spec gives none");
            }
        };
    }
    quote! {
        //! Conformance: every example the spec gives decodes into the type
        //! generated for it, and re-encodes without error. An example that
        //! contradicts its own schema is a spec issue: printed, and counted.
        #gate
        #![allow(unused_imports)]
        use #krate::*;
        #imports

        /// `known_issue`: the generator found that this example contradicts its
        /// own schema (a spec issue, warned at generation time), so it may fail.
        fn check<T: serde::de::DeserializeOwned + serde::Serialize>(pointer: &str, json: &str, known_issue: bool, failures: &mut Vec<String>) {
            match atlas_runtime::serde_json::from_str::<T>(json) {
                Ok(value) => {
                    if let Err(e) = atlas_runtime::serde_json::to_string(&value) {
                        failures.push(format!("{pointer}: decodes but does not re-encode: {e}"));
                    }
                }
                Err(e) if known_issue => println!("spec issue: {pointer}: {e}"),
                Err(e) => failures.push(format!("{pointer}: {e}")),
            }
        }

        #[test]
        fn every_example_in_the_spec_decodes_into_its_type() {
            let mut failures = Vec::new();
            #(#checks)*
            println!("{} examples checked", #count);
            assert!(failures.is_empty(), "examples that should decode but do not:\n{}", failures.join("\n"));
        }
    }
}

/// A request value for `op` built from sample path parameters, when every
/// required parameter is a path parameter with a sample.
pub(super) fn sample_request(api: &Api, op: &Operation) -> Option<TokenStream> {
    if op.method != "GET" || op.body.is_some() {
        return None;
    }
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        if p.location != ParamLocation::Path {
            return None;
        }
        let arg = match &p.ty {
            TypeRef::String => quote! { "sample".to_owned() },
            TypeRef::Validated(name) => {
                let matcher = api
                    .strings
                    .iter()
                    .find(|s| &s.name == name)
                    .map(|s| s.matcher.as_str())?;
                let sample = api
                    .matchers
                    .iter()
                    .find(|m| m.fn_name == matcher)?
                    .compiled
                    .dfa()?
                    .shortest_match()?;
                let sample = lit(&sample);
                let n = ident(name);
                quote! {
                    match #n::new(#sample) {
                        Ok(value) => value,
                        Err(e) => return Outcome::Failed(e.to_string()),
                    }
                }
            }
            _ => return None,
        };
        args.push(arg);
    }
    let s = ident(&op.struct_name);
    Some(quote! { #s::new(#(#args),*) })
}

pub(super) fn prism_gets_rs(api: &Api, settings: &Settings<'_>) -> TokenStream {
    let krate = ident(&settings.crate_name.replace('-', "_"));
    let calls: Vec<TokenStream> = api
        .operations
        .iter()
        .filter_map(|op| {
            let request = sample_request(api, op)?;
            let f = ident(&op.fn_name);
            let id = lit(&op.operation_id);
            Some(quote! {
                if index % step == 0 {
                    let outcome: Outcome = async {
                        let request = #request;
                        Outcome::of(client.#f(&request).await)
                    }
                    .await;
                    outcomes.push((#id, outcome));
                }
                index += 1;
            })
        })
        .collect();
    let count = Literal::usize_unsuffixed(calls.len());
    quote! {
        //! Against Prism serving the whole spec in dynamic mode: every GET
        //! operation that needs only path parameters sends a request Prism
        //! accepts and decodes the generated answer. Set `ATLAS_PRISM_URL`
        //! (and optionally `ATLAS_PRISM_SAMPLE=N`, every N-th operation).
        #![cfg(all(feature = "full", feature = "client"))]
        #![allow(deprecated)]
        use #krate::*;

        /// What one call came to.
        enum Outcome {
            Decoded,
            /// A success status whose body did not decode: a bug here.
            Failed(String),
            /// Prism could not produce an answer (its own 5xx problem report,
            /// e.g. a recursive schema its faker cannot expand).
            PrismCouldNot(String),
            /// Any other documented or undocumented non-success status.
            NotSuccess(String),
        }

        impl Outcome {
            fn of<T, E: std::fmt::Debug>(result: Result<T, Error<E>>) -> Outcome {
                match result {
                    Ok(_) => Outcome::Decoded,
                    Err(e) => {
                        let text = format!("{e:?}");
                        match e.status() {
                            Some(s) if s.is_success() => Outcome::Failed(text),
                            Some(s) if s.is_server_error() && text.contains("application/problem+json") => Outcome::PrismCouldNot(text),
                            Some(_) => Outcome::NotSuccess(text),
                            None => Outcome::Failed(text),
                        }
                    }
                }
            }
        }

        #[test]
        fn every_get_with_only_path_parameters_decodes_from_prism() {
            let Ok(url) = std::env::var("ATLAS_PRISM_URL") else {
                println!("skipped: ATLAS_PRISM_URL is not set (scripts/whole-api.sh --prism sets it)");
                return;
            };
            let step: usize = std::env::var("ATLAS_PRISM_SAMPLE").ok().and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
            let client = Client::builder()
                .base_url_str(&url)
                .credentials(atlas_runtime::auth::Credentials::bearer("prism-test-token"))
                .no_retries()
                .build()
                .map(Client::from_runtime);
            let client = match client {
                Ok(c) => c,
                Err(e) => panic!("cannot build the client: {e}"),
            };
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(r) => r,
                Err(e) => panic!("no tokio runtime: {e}"),
            };
            let outcomes = runtime.block_on(Box::pin(async {
                let mut outcomes: Vec<(&str, Outcome)> = Vec::new();
                let mut index = 0usize;
                #(#calls)*
                let _ = index;
                outcomes
            }));
            let mut decoded = 0;
            let mut failures = Vec::new();
            for (id, outcome) in &outcomes {
                match outcome {
                    Outcome::Decoded => decoded += 1,
                    Outcome::Failed(e) => failures.push(format!("{id}: {e}")),
                    Outcome::PrismCouldNot(e) => println!("prism could not answer {id}: {}", e.chars().take(300).collect::<String>()),
                    Outcome::NotSuccess(e) => println!("not a success for {id}: {}", e.chars().take(300).collect::<String>()),
                }
            }
            println!("{} of {} GET operations sent to Prism: {decoded} decoded, {} failed", outcomes.len(), #count, failures.len());
            assert!(failures.is_empty(), "{}", failures.join("\n"));
        }
    }
}
