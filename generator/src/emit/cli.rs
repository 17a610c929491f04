//! `src/cli.rs` and `src/main.rs`: the command line (feature `cli`), printed
//! from `Api::cli` (decided by `lower::cli`) on `atlas_runtime::cli`.

use super::*;

/// Prose for a help line: no doc markup, one paragraph per blank line.
fn plain(text: &str) -> String {
    text.trim().replace('`', "")
}

/// The first sentence of `text`, for a one-line help.
fn first_sentence(text: &str) -> String {
    let text = plain(text);
    let line = text.lines().next().unwrap_or("").trim();
    match line.find(". ") {
        Some(i) => line[..=i].to_owned(),
        None => line.to_owned(),
    }
}

fn about(op: &Operation) -> String {
    let summary = op
        .doc
        .summary
        .as_deref()
        .map(first_sentence)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| op.operation_id.clone());
    if op.deprecated {
        format!("[deprecated] {summary}")
    } else {
        summary
    }
}

fn long_about(op: &Operation, cmd: &CliCommand) -> String {
    let mut paragraphs = vec![about(op)];
    if let Some(d) = &op.doc.description {
        let d = plain(d);
        if !d.is_empty() && Some(d.as_str()) != op.doc.summary.as_deref().map(str::trim) {
            paragraphs.push(d);
        }
    }
    paragraphs.push(format!("{} {}", op.method, op.path));
    if op.deprecated {
        paragraphs.push("Deprecated: the API marks this operation deprecated.".to_owned());
    }
    if !cmd.versions.is_empty() {
        let dates: Vec<&str> = cmd.versions.iter().map(|v| v.date.as_str()).collect();
        paragraphs.push(format!(
            "API versions (--api-version): {}.",
            dates.join(", ")
        ));
    }
    if cmd.all {
        paragraphs
            .push("Paged: --all fetches every page and prints all items as one list.".to_owned());
    }
    paragraphs.push(format!("Operation ID: {}.", op.operation_id));
    paragraphs.join("\n\n")
}

fn flag_help(p: &Param, f: &CliFlag) -> (String, String) {
    let text = p
        .doc
        .summary
        .as_deref()
        .or(p.doc.description.as_deref())
        .unwrap_or("");
    let mut short = first_sentence(text);
    let mut long = vec![plain(text)];
    let mut tail = Vec::new();
    if p.deprecated {
        short = format!("[deprecated] {short}");
        long.insert(0, "[deprecated]".to_owned());
    }
    if p.required {
        tail.push("required".to_owned());
    }
    for n in &p.doc.notes {
        if let Some(d) = n.strip_prefix("Default: ") {
            tail.push(format!("default: {}", plain(d).trim_end_matches('.')));
        }
        long.push(plain(n));
    }
    if !f.values.is_empty() {
        tail.push(format!("values: {}", f.values.join(", ")));
        long.push(format!("Values: {}.", f.values.join(", ")));
    }
    if matches!(p.ty, TypeRef::List(_)) {
        long.push("Repeat the flag for each value.".to_owned());
    }
    if !tail.is_empty() {
        short = format!("{} [{}]", short.trim(), tail.join("] ["));
    }
    if p.required {
        long.push("Required.".to_owned());
    }
    let long: Vec<String> = long.into_iter().filter(|l| !l.is_empty()).collect();
    (short.trim().to_owned(), long.join("\n\n"))
}

fn str_list(items: &[String]) -> TokenStream {
    let items = items.iter().map(|s| lit(s));
    quote! { &[#(#items),*] }
}

/// The value type a flag's parser yields and its `get_one` reads.
fn value_ty(p: &Param, uses: &mut Uses) -> TokenStream {
    match &p.ty {
        TypeRef::List(inner) => ty(inner, uses),
        t => ty(t, uses),
    }
}

fn parser(p: &Param, f: &CliFlag, uses: &mut Uses) -> TokenStream {
    let t = value_ty(p, uses);
    match f.parse {
        CliParse::FromStr => quote! { rt::from_str::<#t>() },
        CliParse::Json => quote! { rt::from_json::<#t>() },
        CliParse::Bytes => quote! { rt::bytes() },
    }
}

fn command_fn(op: &Operation, cmd: &CliCommand, uses: &mut Uses) -> TokenStream {
    let f = format_ident!("command_{}", op.fn_name);
    let about = lit(&about(op));
    let long_about = lit(&long_about(op, cmd));
    let mut args = Vec::new();
    for flag in &cmd.flags {
        let Some(p) = op.params.get(flag.param) else {
            continue;
        };
        let (help, long_help) = flag_help(p, flag);
        let id = lit(&flag.long);
        let aliases = str_list(&flag.aliases);
        let value_name = lit(&flag.value_name);
        let help = lit(&help);
        let long_help = lit(&long_help);
        let required = p.required;
        let takes = match &p.ty {
            TypeRef::List(_) => quote! { Takes::Many },
            TypeRef::Bool => quote! { Takes::Switch },
            _ => quote! { Takes::One },
        };
        let parser = parser(p, flag, uses);
        args.push(quote! {
            .arg(rt::param(#id, #id, #aliases, #value_name, #help.into(), #long_help.into(), #required, #takes, #parser))
        });
    }
    if let Some(b) = &op.body {
        let required = b.required;
        let tname = lit(&b.ty.key());
        args.push(quote! { .arg(rt::body_arg(#required, #tname)) });
    }
    if !cmd.versions.is_empty() {
        let dates: Vec<String> = cmd.versions.iter().map(|v| v.date.clone()).collect();
        let dates = str_list(&dates);
        let newest = lit(&cmd.versions[0].date);
        args.push(quote! { .arg(rt::api_version_arg(#dates, #newest)) });
    }
    if cmd.all {
        args.push(quote! { .arg(rt::all_arg()) });
    }
    let cfg = feature_cfg(&op.features);
    quote! {
        #cfg
        fn #f(name: &'static str, aliases: &[&'static str]) -> Command {
            rt::operation(name, aliases, #about.into(), #long_about.into())
                #(#args)*
        }
    }
}

/// `build_<op>`: the request value of `target` from the command's flags.
fn build_fn(target: &Operation, cmd: &CliCommand, of: &Operation, uses: &mut Uses) -> TokenStream {
    let f = format_ident!("build_{}", target.fn_name);
    let s = ident(&target.struct_name);
    let flag_of = |p: &Param| -> Option<&CliFlag> {
        cmd.flags.iter().find(|fl| {
            of.params
                .get(fl.param)
                .is_some_and(|q| q.wire == p.wire && q.location == p.location)
        })
    };
    let mut new_args = Vec::new();
    let mut sets = Vec::new();
    for p in &target.params {
        let t = value_ty(p, uses);
        let id = match flag_of(p) {
            Some(fl) => lit(&fl.long),
            // The command has no flag for it (a representation's own
            // parameter): required ones fail, optional ones stay unset.
            None => lit(&command_name_of(&p.wire)),
        };
        let setter = ident(&p.name);
        let list = matches!(p.ty, TypeRef::List(_));
        match (p.required, list) {
            (true, false) => new_args.push(quote! { rt::required::<#t>(m, #id)? }),
            (true, true) => new_args.push(quote! { rt::required_many::<#t>(m, #id)? }),
            (false, false) => sets.push(quote! {
                if let Some(value) = rt::optional::<#t>(m, #id)? { request = request.#setter(value); }
            }),
            (false, true) => sets.push(quote! {
                if let Some(value) = rt::many::<#t>(m, #id)? { request = request.#setter(value); }
            }),
        }
    }
    if let Some(b) = &target.body {
        let read = if b.ty == TypeRef::Bytes {
            quote! { rt::body_bytes(m)? }
        } else {
            let t = ty(&b.ty, uses);
            let tname = lit(&b.ty.key());
            quote! { rt::body::<#t>(m, #tname)? }
        };
        if b.required {
            new_args.push(quote! {
                #read.ok_or_else(|| Failure::Invalid("the request body is required: --file PATH, or --file - for stdin".to_owned()))?
            });
        } else {
            sets.push(quote! {
                if let Some(value) = #read { request = request.body(value); }
            });
        }
    }
    let mutable = if sets.is_empty() {
        quote! { let request }
    } else {
        quote! { let mut request }
    };
    let cfg = feature_cfg(&target.features);
    quote! {
        #cfg
        #[allow(unused_variables)]
        fn #f(m: &ArgMatches) -> Result<#s, Failure> {
            #mutable = #s::new(#(#new_args),*);
            #(#sets)*
            Ok(request)
        }
    }
}

fn command_name_of(wire: &str) -> String {
    crate::naming::command_name(wire)
}

/// Sends `request` (a value of `target`) and answers as a command.
fn send(target: &Operation, cmd: &CliCommand) -> TokenStream {
    let f = ident(&target.fn_name);
    let respond = match (&target.success_type, target.success_optional) {
        (Some(TypeRef::Bytes), false) => quote! { rt::respond_bytes(client.#f(&request).await) },
        (Some(TypeRef::Bytes), true) => {
            quote! { rt::respond_optional_bytes(client.#f(&request).await) }
        }
        _ => quote! { rt::respond(client.#f(&request).await) },
    };
    if cmd.all && target.paging.is_some() {
        let pages = format_ident!("{}_pages", target.fn_name);
        quote! {
            if rt::all(m) {
                rt::collect_pages(client.#pages(&request)).await
            } else {
                #respond
            }
        }
    } else {
        respond
    }
}

fn run_fn(api: &Api, op: &Operation, cmd: &CliCommand) -> TokenStream {
    let f = format_ident!("run_{}", op.fn_name);
    let build = format_ident!("build_{}", op.fn_name);
    let default_send = send(op, cmd);
    let arms: Vec<TokenStream> = cmd
        .versions
        .iter()
        .filter_map(|v| {
            let target = api.operations.iter().find(|o| o.fn_name == v.op)?;
            let date = lit(&v.date);
            let b = format_ident!("build_{}", target.fn_name);
            let pin = if v.pin {
                let mt = lit(&v.media_type);
                quote! { .media_type(#mt).map_err(|e| Failure::Invalid(e.to_string()))? }
            } else {
                quote! {}
            };
            let send = send(target, cmd);
            let cfg = feature_cfg(&target.features);
            Some(quote! {
                #cfg
                Some(#date) => {
                    let request = #b(m)? #pin;
                    #send
                }
            })
        })
        .collect();
    let cfg = feature_cfg(&op.features);
    let body = if arms.is_empty() {
        quote! {
            let request = #build(m)?;
            #default_send
        }
    } else {
        quote! {
            match rt::api_version(m).as_deref() {
                #(#arms)*
                _ => {
                    let request = #build(m)?;
                    #default_send
                }
            }
        }
    };
    quote! {
        #cfg
        async fn #f(client: &crate::Client, m: &ArgMatches) -> Result<Success, Failure> {
            #body
        }
    }
}

pub(super) fn cli_rs(api: &Api) -> TokenStream {
    let mut uses = Uses::default();
    let mut items = Vec::new();
    let mut built: BTreeSet<String> = BTreeSet::new();
    let mut emitted_commands: BTreeSet<String> = BTreeSet::new();
    let op_of = |name: &str| api.operations.iter().find(|o| o.fn_name == name);
    for g in &api.cli.groups {
        for c in &g.commands {
            let Some(op) = op_of(&c.op) else { continue };
            if !emitted_commands.insert(op.fn_name.clone()) {
                continue;
            }
            items.push(command_fn(op, c, &mut uses));
            let mut targets = vec![op];
            targets.extend(c.versions.iter().filter_map(|v| op_of(&v.op)));
            for t in targets {
                if built.insert(t.fn_name.clone()) {
                    items.push(build_fn(t, c, op, &mut uses));
                }
            }
            items.push(run_fn(api, op, c));
        }
    }
    let mut group_fns = Vec::new();
    let mut root_subcommands = Vec::new();
    let mut root_arms = Vec::new();
    for g in &api.cli.groups {
        let gf = format_ident!("group_{}", g.name.replace('-', "_"));
        let gcfg = feature_cfg(&g.features);
        let name = lit(&g.name);
        let aliases = str_list(&g.aliases);
        let about = g
            .description
            .as_deref()
            .map(first_sentence)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("Operations tagged {}.", g.tag));
        let about = lit(&about);
        let mut subs = Vec::new();
        let mut arms = Vec::new();
        for c in &g.commands {
            let Some(op) = op_of(&c.op) else { continue };
            let cfg = feature_cfg(&op.features);
            let cf = format_ident!("command_{}", op.fn_name);
            let rf = format_ident!("run_{}", op.fn_name);
            let cname = lit(&c.name);
            let caliases = str_list(&c.aliases);
            subs.push(quote! { #cfg { group = group.subcommand(#cf(#cname, #caliases)); } });
            arms.push(quote! { #cfg Some((#cname, m)) => #rf(client, m).await, });
        }
        group_fns.push(quote! {
            #gcfg
            fn #gf() -> Command {
                #[allow(unused_mut)]
                let mut group = rt::group(#name, #aliases, #about.into());
                #(#subs)*
                group
            }
        });
        root_subcommands.push(quote! { #gcfg { command = command.subcommand(#gf()); } });
        root_arms.push(quote! {
            #gcfg
            Some((#name, m)) => match m.subcommand() {
                #(#arms)*
                _ => Err(Failure::Invalid("no such command".to_owned())),
            },
        });
    }
    let imports = uses.tokens(false, false);
    quote! {
        //! The command line (feature `cli`): `<bin> <tag> <operation> [--param value ...]`,
        //! one group per tag and one command per operation, with the spec's camelCase
        //! names accepted as aliases. Parameters are checked by their generated types
        //! before anything is sent; see `atlas_runtime::cli` for output and exit statuses.
        #![allow(deprecated, unused_imports)]
        #imports
        use crate::operations::*;
        use atlas_runtime::cli::{self as rt, Failure, Success, Takes};
        use atlas_runtime::cli::clap::{ArgMatches, Command};

        /// What the binary says about itself.
        const APP: rt::App = rt::App {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            title: crate::SPEC_TITLE,
            spec_version: crate::SPEC_VERSION,
            default_base_url: crate::DEFAULT_BASE_URL,
            security_schemes: crate::SECURITY_SCHEMES,
        };

        /// The command tree.
        pub fn command() -> Command {
            #[allow(unused_mut)]
            let mut command = rt::root(&APP);
            #(#root_subcommands)*
            command
        }

        /// Builds the client (`--base-url`, credentials from the environment) and
        /// sends the operation `matches` names.
        pub fn dispatch(matches: &ArgMatches) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Success, Failure>> + '_>> {
            Box::pin(async move {
                let builder = rt::client_builder(&APP, crate::Client::builder(), matches)?;
                #[allow(unused_variables)]
                let client = &crate::Client::from_runtime(rt::build_client(builder)?);
                match matches.subcommand() {
                    #(#root_arms)*
                    _ => Err(Failure::Invalid("no such command".to_owned())),
                }
            })
        }

        /// Runs the command line `args` (the program name first), writing the answer
        /// to `out` and errors to `err`; returns the exit status.
        pub async fn run<I, T>(args: I, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> u8
        where
            I: IntoIterator<Item = T>,
            T: Into<std::ffi::OsString> + Clone,
        {
            rt::run(command(), dispatch, args, out, err, false).await
        }

        /// The binary's `main`.
        pub fn main() -> std::process::ExitCode {
            rt::main(command(), dispatch)
        }

        #(#group_fns)*
        #(#items)*
    }
}

pub(super) fn main_rs(settings: &Settings<'_>) -> TokenStream {
    let lib = settings.crate_name.replace('-', "_");
    let Ok(krate) = syn::parse_str::<Ident>(&lib) else {
        // Cargo refuses such a crate name anyway; the file still parses.
        let message = lit(&format!(
            "the crate name {:?} is not a Rust library name",
            settings.crate_name
        ));
        return quote! {
            //! The command line of this crate (feature `cli`).
            fn main() -> std::process::ExitCode {
                eprintln!("error: {}", #message);
                std::process::ExitCode::FAILURE
            }
        };
    };
    quote! {
        //! The command line of this crate (feature `cli`): see `--help`.
        fn main() -> std::process::ExitCode {
            #krate::cli::main()
        }
    }
}
