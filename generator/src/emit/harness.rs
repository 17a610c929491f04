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

/// Sample values of `op`'s required parameters, when it is a GET without a
/// body whose required parameters are all path parameters with a sample.
pub(super) fn path_samples<'a>(api: &Api, op: &'a Operation) -> Option<Vec<(&'a Param, String)>> {
    if op.method != "GET" || op.body.is_some() {
        return None;
    }
    let mut out = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        if p.location != ParamLocation::Path {
            return None;
        }
        let sample = match &p.ty {
            TypeRef::String => "sample".to_owned(),
            TypeRef::Validated(name) => {
                let matcher = api
                    .strings
                    .iter()
                    .find(|s| &s.name == name)
                    .map(|s| s.matcher.as_str())?;
                api.matchers
                    .iter()
                    .find(|m| m.fn_name == matcher)?
                    .compiled
                    .dfa()?
                    .shortest_match()?
            }
            _ => return None,
        };
        out.push((p, sample));
    }
    Some(out)
}

/// A request value for `op` built from sample path parameters, when every
/// required parameter is a path parameter with a sample.
pub(super) fn sample_request(api: &Api, op: &Operation) -> Option<TokenStream> {
    let args: Vec<TokenStream> = path_samples(api, op)?
        .into_iter()
        .map(|(p, sample)| match &p.ty {
            TypeRef::Validated(name) => {
                let sample = lit(&sample);
                let n = ident(name);
                quote! {
                    match #n::new(#sample) {
                        Ok(value) => value,
                        Err(e) => return Outcome::Failed(e.to_string()),
                    }
                }
            }
            _ => {
                let sample = lit(&sample);
                quote! { #sample.to_owned() }
            }
        })
        .collect();
    let s = ident(&op.struct_name);
    Some(quote! { #s::new(#(#args),*) })
}

/// `tests/prism_cli.rs` of a whole-API crate: per command group, the first
/// command that needs only sample path parameters, run through `cli::run`.
pub(super) fn prism_cli_rs(api: &Api, settings: &Settings<'_>) -> TokenStream {
    let krate = ident(&settings.crate_name.replace('-', "_"));
    let bin = lit(settings.crate_name);
    let cases: Vec<TokenStream> = api
        .cli
        .groups
        .iter()
        .filter_map(|g| {
            g.commands.iter().find_map(|c| {
                let op = api.operations.iter().find(|o| o.fn_name == c.op)?;
                let samples = path_samples(api, op)?;
                let mut args = vec![lit(&g.name), lit(&c.name)];
                for (p, sample) in samples {
                    let flag = c.flags.iter().find(|f| op.params.get(f.param) == Some(p))?;
                    args.push(lit(&format!("--{}", flag.long)));
                    args.push(lit(&sample));
                }
                let group = lit(&g.name);
                let cfg = feature_cfg(&op.features);
                Some(quote! {
                    #cfg
                    cases.push((#group, vec![#(#args),*]));
                })
            })
        })
        .collect();
    quote! {
        //! Against Prism serving the whole spec in dynamic mode: for each command
        //! group (tag) of the command line, one command that needs only path
        //! parameters runs through `cli::run` and prints JSON. Set
        //! `ATLAS_PRISM_URL` (and optionally `ATLAS_PRISM_CLI_TAGS=a,b`, the groups
        //! to run).
        #![cfg(all(feature = "full", feature = "cli"))]

        #[test]
        fn one_command_per_group_runs_against_prism() {
            // The whole API's command tree wants more than a test thread's stack.
            let thread = std::thread::Builder::new()
                .stack_size(atlas_runtime::cli::STACK_SIZE)
                .spawn(run_commands);
            match thread.map(std::thread::JoinHandle::join) {
                Ok(Ok(())) => {}
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Err(e) => panic!("no thread: {e}"),
            }
        }

        fn run_commands() {
            let Ok(url) = std::env::var("ATLAS_PRISM_URL") else {
                println!("skipped: ATLAS_PRISM_URL is not set (scripts/whole-api.sh --prism sets it)");
                return;
            };
            let only: Vec<String> = std::env::var("ATLAS_PRISM_CLI_TAGS")
                .map(|t| t.split(',').map(str::to_owned).collect())
                .unwrap_or_default();
            // Prism takes any bearer token for the OAuth 2.0 scheme.
            std::env::set_var("MONGODB_ATLAS_ACCESS_TOKEN", "prism-test-token");
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(r) => r,
                Err(e) => panic!("no tokio runtime: {e}"),
            };
            let mut cases: Vec<(&str, Vec<&str>)> = Vec::new();
            #(#cases)*
            let mut ran = 0;
            let mut failures = Vec::new();
            for (group, args) in &cases {
                if !only.is_empty() && !only.iter().any(|t| t == group) {
                    continue;
                }
                let mut argv = vec![#bin, "--base-url", url.as_str()];
                argv.extend(args.iter().copied());
                let mut out = Vec::new();
                let mut err = Vec::new();
                let code = runtime.block_on(#krate::cli::run(argv.clone(), &mut out, &mut err));
                let out = String::from_utf8_lossy(&out);
                let err = String::from_utf8_lossy(&err);
                ran += 1;
                let line = argv[3..].join(" ");
                match code {
                    0 if out.trim().is_empty() || atlas_runtime::serde_json::from_str::<atlas_runtime::serde_json::Value>(&out).is_ok() => {
                        println!("ok: {line}");
                    }
                    // A success whose body does not decode: a bug here.
                    4 if err.starts_with("error: HTTP 2") && err.contains("does not decode") => failures.push(format!("{line}: {err}")),
                    // An error status (Prism's own problem report when it cannot fake
                    // an answer, say): the CLI did its part.
                    4 => println!("API error (not a CLI fault) for {line}: {}", err.chars().take(200).collect::<String>()),
                    _ => failures.push(format!("{line}: exit {code}: {out} {err}")),
                }
            }
            println!("{ran} commands of {} groups run against Prism, {} failed", cases.len(), failures.len());
            assert!(ran > 0 || cases.is_empty(), "no command ran: is ATLAS_PRISM_CLI_TAGS right?");
            assert!(failures.is_empty(), "{}", failures.join("\n"));
        }
    }
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
