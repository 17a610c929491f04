//! Emit: print the IR as Rust source. IR in, tokens through quote, a
//! `syn::File` formatted by prettyplease out; the same IR always gives the
//! same bytes.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::*;
use crate::pattern;

/// One generated file: its path inside the crate and its full text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// Settings that are not part of the spec.
pub struct Settings<'a> {
    pub crate_name: &'a str,
    pub version: &'a str,
    pub runtime_path: &'a str,
    pub regen_path: &'a str,
    /// The spec's path as the header should name it.
    pub spec_name: &'a str,
    pub regenerate_command: &'a str,
    /// One Cargo feature per tag, each item compiled only for the features
    /// that reach it.
    pub tag_features: bool,
    /// Also emit `tests/spec_examples.rs`: every example in the spec decodes.
    pub example_tests: bool,
    /// Which published spec the bindings come from (date and hash), for the docs.
    pub spec_source: Option<&'a str>,
}

impl Settings<'_> {
    /// The extra test files exist only for whole-API crates built by hand.
    fn prism_tests(&self) -> bool {
        self.example_tests && self.tag_features
    }
}

/// Which Cargo features compile each item (empty when features are off).
#[derive(Default)]
struct Gates {
    enabled: bool,
    /// Item name (model, validated string, matcher fn, operation struct) -> features.
    by_item: BTreeMap<String, BTreeSet<String>>,
    /// Every tag feature.
    all: BTreeSet<String>,
}

impl Gates {
    fn new(api: &Api, enabled: bool) -> Gates {
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
    fn cfg(&self, item: &str) -> TokenStream {
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
    fn allow_unused_imports(&self) -> TokenStream {
        if self.enabled {
            quote! { #![allow(unused_imports)] }
        } else {
            quote! {}
        }
    }
}

/// Puts `cfg` on every item of `tokens` (a struct and its impls, say).
fn gate(tokens: TokenStream, cfg: &TokenStream) -> TokenStream {
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
fn op_features(op: &Operation) -> BTreeSet<String> {
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

fn collect_names(t: &TypeRef, out: &mut BTreeSet<String>) {
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

pub fn emit(api: &Api, settings: &Settings<'_>) -> Result<Vec<File>, String> {
    let gates = Gates::new(api, settings.tag_features);
    let header = format!(
        "// @generated by atlasgen from {}. Do not edit by hand.\n// Regenerate with: {}\n\n",
        settings.spec_name, settings.regenerate_command
    );
    let rust = |path: &str, tokens: TokenStream| -> Result<File, String> {
        let file: syn::File = syn::parse2(tokens)
            .map_err(|e| format!("internal error: generated {path} does not parse: {e}"))?;
        Ok(File {
            path: path.to_owned(),
            contents: format!("{header}{}", space_items(&prettyplease::unparse(&file))),
        })
    };
    // The models are about half of the output: they are generated and
    // formatted on a thread of their own while this one does the rest (token
    // streams cannot cross threads, so each thread makes its own).
    let (models, rest) = std::thread::scope(|scope| {
        let models = scope.spawn(|| rust("src/models.rs", models_rs(api, &gates)));
        let rest = (|| -> Result<Vec<File>, String> {
            Ok(vec![
                rust("src/lib.rs", lib_rs(api, settings.spec_source))?,
                rust("src/validated.rs", validated_rs(api, &gates))?,
                rust("src/operations.rs", operations_rs(api, &gates))?,
                rust("src/client.rs", client_rs(api, &gates))?,
            ])
        })();
        let models = models
            .join()
            .unwrap_or_else(|_| Err("internal error: generating the models failed".to_owned()));
        (models, rest)
    });
    let mut rest = rest?;
    let mut files = vec![File {
        path: "Cargo.toml".to_owned(),
        contents: cargo_toml(api, settings, &gates),
    }];
    files.push(rest.remove(0));
    files.push(models?);
    files.append(&mut rest);
    if settings.example_tests {
        files.push(rust(
            "tests/spec_examples.rs",
            examples_test_rs(api, settings, &gates),
        )?);
    }
    if settings.prism_tests() {
        files.push(rust("tests/prism_gets.rs", prism_gets_rs(api, settings))?);
    }
    Ok(files)
}

/// prettyplease puts items flush against each other; a blank line after each
/// top-level item (and after the imports) reads better.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev: Option<&str> = None;
    for line in text.lines() {
        if let Some(p) = prev {
            let top_level_start = !line.is_empty()
                && !line.starts_with(' ')
                && !line.starts_with('}')
                && !line.starts_with(')');
            let after_item = p == "}"
                || p.ends_with("};")
                || p.starts_with("use ")
                || (p.starts_with("//!") && !line.starts_with("//!"));
            let both_imports = p.starts_with("use ") && line.starts_with("use ");
            if top_level_start && after_item && !both_imports {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn lit(s: &str) -> Literal {
    Literal::string(s)
}

/// Doc attributes: summary, description, then notes, as `///` lines.
fn doc_attrs(doc: &Doc) -> TokenStream {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(s) = &doc.summary {
        paragraphs.push(s.trim().to_owned());
    }
    if let Some(d) = &doc.description {
        let d = d.trim();
        if !d.is_empty() && Some(d) != doc.summary.as_deref().map(str::trim) {
            paragraphs.push(d.to_owned());
        }
    }
    paragraphs.extend(doc.notes.iter().cloned());
    lines_to_doc(&paragraphs.join("\n\n"))
}

/// Inner doc attributes (`//!`) for a module or crate.
fn lines_to_inner_doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = l.trim_end();
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote! { #![doc = #l] }
    });
    quote! { #(#lines)* }
}

fn lines_to_doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = l.trim_end();
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote! { #[doc = #l] }
    });
    quote! { #(#lines)* }
}

/// What a file needs imported, gathered while types are printed.
#[derive(Default)]
struct Uses {
    models: bool,
    validated: bool,
    checked: bool,
    datetime: bool,
    uuid: bool,
    map: bool,
}

impl Uses {
    fn tokens(&self, in_models: bool, in_validated: bool) -> TokenStream {
        let mut out = TokenStream::new();
        if self.models && !in_models {
            out.extend(quote! { use crate::models::*; });
        }
        if self.validated && !in_validated {
            out.extend(quote! { use crate::validated::*; });
        }
        if self.checked {
            out.extend(quote! { use atlas_runtime::Checked; });
        }
        if self.datetime {
            out.extend(quote! { use atlas_runtime::chrono::{DateTime, Utc}; });
        }
        if self.uuid {
            out.extend(quote! { use atlas_runtime::uuid::Uuid; });
        }
        if self.map {
            out.extend(quote! { use std::collections::BTreeMap; });
        }
        out
    }
}

fn ty(t: &TypeRef, uses: &mut Uses) -> TokenStream {
    match t {
        TypeRef::Model(n) => {
            uses.models = true;
            let n = ident(n);
            quote! { #n }
        }
        TypeRef::Validated(n) => {
            uses.validated = true;
            let n = ident(n);
            quote! { #n }
        }
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::String => quote! { String },
        TypeRef::DateTime => {
            uses.datetime = true;
            quote! { DateTime<Utc> }
        }
        TypeRef::Uuid => {
            uses.uuid = true;
            quote! { Uuid }
        }
        TypeRef::Json => quote! { atlas_runtime::serde_json::Value },
        TypeRef::List(inner) => {
            let inner = ty(inner, uses);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            uses.map = true;
            let inner = ty(inner, uses);
            quote! { BTreeMap<String, #inner> }
        }
        TypeRef::Checked(inner) => {
            uses.checked = true;
            let inner = ty(inner, uses);
            quote! { Checked<#inner> }
        }
        TypeRef::Boxed(inner) => {
            let inner = ty(inner, uses);
            quote! { Box<#inner> }
        }
        TypeRef::Bytes => quote! { atlas_runtime::bytes::Bytes },
    }
}

// ----- Cargo.toml -----------------------------------------------------------

fn cargo_toml(api: &Api, s: &Settings<'_>, gates: &Gates) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# @generated by atlasgen from {}. Do not edit by hand.\n# Regenerate with: {}\n\n",
        s.spec_name, s.regenerate_command
    ));
    out.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"{}\"\ndescription = \"Typed Rust bindings for the {} (version {}), generated from its OpenAPI spec.\"\nedition = \"2021\"\nlicense = \"Apache-2.0\"\npublish = false\n\n",
        s.crate_name,
        s.version,
        api.title.replace('"', "'"),
        api.version.replace('"', "'")
    ));
    out.push_str(
        "[lib]\n# Doc comments carry the spec's prose, not Rust examples.\ndoctest = false\n\n",
    );
    if gates.enabled {
        let all: Vec<String> = gates.all.iter().map(|f| format!("\"{f}\"")).collect();
        out.push_str("[features]\ndefault = [\"client\", \"full\"]\n# The ready async client on reqwest; without it the crate is sans-IO.\nclient = [\"atlas-runtime/client\"]\n");
        out.push_str("# Every API area. Each area is a feature of its own (its tag in the spec), so a\n# crate that needs one compiles only that area and the types it uses.\n");
        out.push_str(&format!("full = [{}]\n", all.join(", ")));
        for f in &gates.all {
            out.push_str(&format!("{f} = []\n"));
        }
    } else {
        out.push_str("[features]\ndefault = [\"client\"]\n# The ready async client on reqwest; without it the crate is sans-IO.\nclient = [\"atlas-runtime/client\"]\n");
    }
    if !s.regen_path.is_empty() {
        out.push_str("# Inside the generator's workspace: order this crate's build after the\n# build script that regenerates it. Downstream crates leave it off.\nregenerate = [\"dep:atlasgen-regen\"]\n");
    }
    out.push_str(&format!(
        "\n[dependencies]\natlas-runtime = {{ path = \"{}\", default-features = false }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n",
        s.runtime_path
    ));
    if !s.regen_path.is_empty() {
        out.push_str(&format!(
            "atlasgen-regen = {{ path = \"{}\", optional = true }}\n",
            s.regen_path
        ));
    }
    if s.prism_tests() {
        out.push_str(
            "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"time\"] }\n",
        );
    }
    out
}

// ----- lib.rs ---------------------------------------------------------------

fn lib_rs(api: &Api, spec_source: Option<&str>) -> TokenStream {
    let mut doc = format!(
        "Typed bindings for the {} (spec version {}).",
        api.title, api.version
    );
    if let Some(d) = &api.description {
        doc.push_str("\n\n");
        doc.push_str(d.trim());
    }
    if let Some(source) = spec_source.filter(|s| !s.is_empty()) {
        doc.push_str("\n\n");
        doc.push_str(source.trim());
    }
    doc.push_str("\n\n# Operations\n\n");
    for op in &api.operations {
        let summary = op.doc.summary.as_deref().unwrap_or("");
        doc.push_str(&format!(
            "- [`{}`]: `{} {}`{}{}\n",
            op.struct_name,
            op.method,
            op.path,
            if summary.is_empty() { "" } else { " — " },
            summary
        ));
    }
    doc.push_str(
        "\nEach operation is a request value: build it from validated parameters, \
         turn it into an `http::Request` with `to_request`, send it with any HTTP client, \
         and decode the answer with `parse_response`. [`Client`] does all three on reqwest.\n",
    );
    if !api.security.is_empty() {
        doc.push_str("\n# Authentication\n\nThe spec declares these security schemes:\n\n");
        for s in &api.security {
            let line = match s {
                SecurityScheme::HttpDigest { name } => format!("- `{name}`: HTTP Digest"),
                SecurityScheme::HttpBearer { name } => format!("- `{name}`: HTTP Bearer"),
                SecurityScheme::HttpBasic { name } => format!("- `{name}`: HTTP Basic"),
                SecurityScheme::OAuth2ClientCredentials { name, token_url } => {
                    format!("- `{name}`: OAuth 2.0 client credentials, token URL `{token_url}`")
                }
                SecurityScheme::ApiKey { name, header } => {
                    format!("- `{name}`: API key in the `{header}` header")
                }
            };
            doc.push_str(&line);
            doc.push('\n');
        }
    }
    doc.push_str(
        "\n# Leniency\n\nResponses are decoded leniently: a value that breaks its declared pattern or \
         format arrives as [`Checked::Invalid`] with the raw JSON kept, an unknown enum value as the \
         enum's `Unknown` variant, and unknown properties are ignored. Requests are validated \
         strictly: validated string types cannot hold a value that breaks their pattern.\n",
    );
    let doc = lines_to_inner_doc(&doc);
    let server = api.default_server.clone().unwrap_or_default();
    let server_doc = if server.is_empty() {
        "The spec declares no server; pass a base URL.".to_owned()
    } else {
        "The first server the spec declares.".to_owned()
    };
    let title = &api.title;
    let version = &api.version;
    let schemes: Vec<TokenStream> = api
        .security
        .iter()
        .map(|s| match s {
            SecurityScheme::HttpDigest { .. } => quote! { atlas_runtime::auth::SecurityScheme::HttpDigest },
            SecurityScheme::HttpBearer { .. } => quote! { atlas_runtime::auth::SecurityScheme::HttpBearer },
            SecurityScheme::HttpBasic { .. } => quote! { atlas_runtime::auth::SecurityScheme::HttpBasic },
            SecurityScheme::OAuth2ClientCredentials { token_url, .. } => {
                let t = lit(token_url);
                quote! { atlas_runtime::auth::SecurityScheme::OAuth2ClientCredentials { token_url: #t } }
            }
            SecurityScheme::ApiKey { header, .. } => {
                let h = lit(header);
                quote! { atlas_runtime::auth::SecurityScheme::ApiKeyHeader { name: #h } }
            }
        })
        .collect();
    quote! {
        #doc
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments, clippy::result_large_err)]
        // The generator formats its output itself: `cargo fmt` would make
        // every file differ from what it generates.
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod validated;
        #[rustfmt::skip]
        pub mod operations;
        #[cfg(feature = "client")]
        #[rustfmt::skip]
        pub mod client;

        pub use models::*;
        pub use validated::*;
        pub use operations::*;
        #[cfg(feature = "client")]
        pub use client::Client;
        pub use atlas_runtime::{BaseUrl, Checked, Error, ValidationError};

        #[doc = #server_doc]
        pub const DEFAULT_BASE_URL: &str = #server;
        /// The title of the spec these bindings come from.
        pub const SPEC_TITLE: &str = #title;
        /// The version of the spec these bindings come from.
        pub const SPEC_VERSION: &str = #version;
        /// Sent as `User-Agent` with every request.
        pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
        /// The security schemes the spec declares; the client picks the one
        /// the given credentials fit.
        pub const SECURITY_SCHEMES: &[atlas_runtime::auth::SecurityScheme] = &[#(#schemes),*];
    }
}

// ----- models.rs ------------------------------------------------------------

fn models_rs(api: &Api, gates: &Gates) -> TokenStream {
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
            if !error_bodies.contains(t.name.as_str()) || matches!(t.kind, TypeKind::Enum(_)) {
                return gate(def, &gates.cfg(&t.name));
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
            gate(def, &gates.cfg(&t.name))
        })
        .collect();
    let imports = uses.tokens(true, false);
    let allow = gates.allow_unused_imports();
    quote! {
        //! Models: the JSON bodies of requests and responses.
        #allow
        #imports
        #(#items)*
    }
}

fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote! { #[deprecated] }
    } else {
        quote! {}
    }
}

fn type_def(t: &TypeDef, uses: &mut Uses) -> TokenStream {
    let doc = doc_attrs(&t.doc);
    let name = ident(&t.name);
    let dep = deprecated_attr(t.deprecated);
    match &t.kind {
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().map(|f| {
                let fdoc = doc_attrs(&f.doc);
                let fname = ident(&f.name);
                let inner = ty(&f.ty, uses);
                let fdep = deprecated_attr(f.deprecated);
                let field_ty = if f.required && !f.nullable {
                    inner
                } else {
                    quote! { Option<#inner> }
                };
                quote! {
                    #fdoc
                    #fdep
                    pub #fname: #field_ty,
                }
            });
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
            quote! {
                #doc
                #dep
                #allow
                #[derive(Clone, #derive_debug PartialEq)]
                pub struct #name {
                    #(#fields)*
                }

                #debug_impl
                #serde_impls
            }
        }
        TypeKind::Enum(e) => enum_def(&name, doc, dep, e),
        TypeKind::Union(u) => union_def(&name, doc, dep, u, uses),
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
fn struct_serde(
    name: &Ident,
    type_name: &str,
    fields: &[Field],
    allow: &TokenStream,
) -> TokenStream {
    let label = lit(type_name);
    let expecting = lit(&format!("struct {type_name}"));
    let names: Vec<Ident> = fields.iter().map(|f| ident(&f.name)).collect();
    let wires: Vec<Literal> = fields.iter().map(|f| lit(&f.wire)).collect();
    let slots: Vec<Ident> = (0..fields.len())
        .map(|i| format_ident!("field{i}"))
        .collect();
    let indices: Vec<Literal> = (0..fields.len()).map(Literal::usize_unsuffixed).collect();
    let always = fields.iter().filter(|f| f.required && !f.nullable).count();
    let mut present = Vec::new();
    let mut required: Vec<(Ident, Literal)> = Vec::new();
    let mut writes = Vec::new();
    let mut finish = Vec::new();
    for ((f, fname), (wire, slot)) in fields.iter().zip(&names).zip(wires.iter().zip(&slots)) {
        if f.required && !f.nullable {
            writes.push(quote! { out.field(#wire, &self.#fname); });
            required.push((slot.clone(), wire.clone()));
            if f.one_or_many {
                finish.push(quote! { #fname: atlas_runtime::de::OneOrMany::into_vec(#slot) });
            } else {
                finish.push(quote! { #fname: #slot });
            }
        } else {
            present.push(quote! { self.#fname.is_some() });
            writes.push(quote! { out.optional(#wire, &self.#fname); });
            // Absent and `null` both read as `None`.
            if f.one_or_many {
                finish.push(
                    quote! { #fname: #slot.flatten().map(atlas_runtime::de::OneOrMany::into_vec) },
                );
            } else {
                finish.push(quote! { #fname: #slot.flatten() });
            }
        }
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
                while let Some(index) = map.next_key_seed(atlas_runtime::de::FieldIndex(FIELDS))? {
                    // One `?` for all arms: each is code to check.
                    match index {
                        #( #indices => atlas_runtime::de::field(&mut map, &mut #slots, #wires), )*
                        _ => atlas_runtime::de::skip(&mut map),
                    }?;
                }
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

fn union_def(
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
        quote! { Ok(Self::Unknown(value)) }
    } else {
        quote! { Err(serde::de::Error::custom(concat!("no variant of ", #type_name, " matches the value"))) }
    };
    let body = match &u.discriminator {
        Some(prop) => {
            let prop = lit(prop);
            let arms = u.variants.iter().zip(&variants).filter(|(v, _)| !v.tags.is_empty()).map(|(v, vname)| {
                let tags = v.tags.iter().map(|t| lit(t));
                if u.open {
                    // A payload its own discriminator's variant cannot read
                    // is kept as sent, as a value no variant accepts is.
                    quote! {
                        Some(#(#tags)|*) => Ok(atlas_runtime::de::variant_or_raw(value, Self::#vname, Self::Unknown)),
                    }
                } else {
                    quote! {
                        Some(#(#tags)|*) => serde::Deserialize::deserialize(value).map(Self::#vname).map_err(serde::de::Error::custom),
                    }
                }
            });
            quote! {
                match value.get(#prop).and_then(atlas_runtime::serde_json::Value::as_str) {
                    #(#arms)*
                    _ => #fallback,
                }
            }
        }
        None => {
            // No discriminator: the first variant that accepts the value wins.
            let tries = variants.iter().map(|vname| {
                quote! {
                    if let Ok(v) = serde::Deserialize::deserialize(&value) {
                        return Ok(Self::#vname(v));
                    }
                }
            });
            quote! {
                #(#tries)*
                #fallback
            }
        }
    };
    let docs: Vec<String> = u
        .variants
        .iter()
        .map(|v| {
            if v.tags.is_empty() {
                String::new()
            } else {
                format!(" Selected by `{}`.", v.tags.join("`, `"))
            }
        })
        .collect();
    let non_exhaustive = if u.open {
        quote! { #[non_exhaustive] }
    } else {
        quote! {}
    };
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
                    #( Self::#variants(value) => value.serialize(serializer), )*
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

fn enum_def(name: &Ident, doc: TokenStream, dep: TokenStream, e: &Enum) -> TokenStream {
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
                        other => Self::Unknown(other.to_owned()),
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
            /// Closed: only the values the spec lists are accepted.
            #dep
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

// ----- validated.rs ---------------------------------------------------------

fn validated_rs(api: &Api, gates: &Gates) -> TokenStream {
    let matchers = api
        .matchers
        .iter()
        .map(|m| {
            let f = ident(&m.fn_name);
            gate(
                pattern::emit_matcher(&m.compiled, &f),
                &gates.cfg(&m.fn_name),
            )
        })
        .collect::<Vec<_>>();
    let types = api
        .strings
        .iter()
        .map(|s| gate(validated_type(s), &gates.cfg(&s.name)))
        .collect::<Vec<_>>();
    let allow = gates.allow_unused_imports();
    quote! {
        //! Validated strings: one type per value role that carries a pattern.
        //!
        //! Constructors, `FromStr`, `TryFrom` and `Deserialize` check the pattern
        //! (ECMA-262 semantics, as OpenAPI defines it), so a value of these types
        //! always matches. In response models they are wrapped in `Checked`, so a
        //! server value that breaks the pattern is kept rather than failing the response.
        #allow
        use atlas_runtime::{Rule, ValidationError};

        #(#types)*
        #(#matchers)*
    }
}

fn validated_type(s: &ValidatedString) -> TokenStream {
    let name = ident(&s.name);
    let role = lit(&s.name);
    let pattern = lit(&s.pattern);
    let matcher = ident(&s.matcher);
    let mut doc_text = format!("A string that matches `{}`.", s.pattern);
    if let Some(d) = &s.doc.description {
        doc_text = format!("{}\n\n{doc_text}", d.trim());
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

// ----- operations.rs --------------------------------------------------------

fn operations_rs(api: &Api, gates: &Gates) -> TokenStream {
    let mut uses = Uses::default();
    let enums: BTreeSet<&str> = api
        .types
        .iter()
        .filter(|t| matches!(t.kind, TypeKind::Enum(_)))
        .map(|t| t.name.as_str())
        .collect();
    let ops: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| {
            gate(
                operation(op, &api.types, &enums, &mut uses),
                &gates.cfg(&op.struct_name),
            )
        })
        .collect();
    let dead_ok = if gates.enabled {
        quote! { #[allow(dead_code)] }
    } else {
        quote! {}
    };
    let needs_param_string = api.operations.iter().flat_map(|op| &op.params).any(|p| {
        let inner = match &p.ty {
            TypeRef::List(i) => i.as_ref(),
            t => t,
        };
        matches!(inner, TypeRef::Model(n) if !enums.contains(n.as_str()))
    });
    let param_string = if needs_param_string {
        quote! {
            /// The string form of a parameter that is neither a string nor an
            /// enum: a JSON string's contents, or the JSON text of anything else.
            #dead_ok
            fn param_string<T: serde::Serialize>(value: &T) -> String {
                match atlas_runtime::serde_json::to_value(value) {
                    Ok(atlas_runtime::serde_json::Value::String(s)) => s,
                    Ok(other) => other.to_string(),
                    Err(_) => String::new(),
                }
            }
        }
    } else {
        quote! {}
    };
    let imports = uses.tokens(false, false);
    let allow = gates.allow_unused_imports();
    quote! {
        //! Operations, sans-IO: each is a request value that builds an
        //! `http::Request` and decodes an `http::Response`.
        #allow
        #imports
        use atlas_runtime::bytes::Bytes;
        use atlas_runtime::http;
        use atlas_runtime::request::{build_request, Query, RequestParts};
        use atlas_runtime::response::{decode_error, decode_json, unexpected_status};
        use atlas_runtime::{BaseUrl, Error, ValidationError};

        #(#ops)*
        #param_string
    }
}

/// An expression giving the `&str` form of a parameter value `v` (a reference).
fn param_str(t: &TypeRef, v: &TokenStream, enums: &BTreeSet<&str>) -> TokenStream {
    match t {
        TypeRef::String => quote! { #v.as_str() },
        TypeRef::Validated(_) => quote! { #v.as_str() },
        TypeRef::Model(n) if enums.contains(n.as_str()) => quote! { #v.as_str() },
        TypeRef::Model(_) => quote! { &param_string(#v) },
        TypeRef::DateTime => {
            quote! { &#v.to_rfc3339_opts(atlas_runtime::chrono::SecondsFormat::AutoSi, true) }
        }
        _ => quote! { &#v.to_string() },
    }
}

fn error_type_tokens(op: &Operation, uses: &mut Uses) -> TokenStream {
    match &op.error_type {
        Some(t) => ty(t, uses),
        None => quote! { () },
    }
}

fn success_type_tokens(op: &Operation, uses: &mut Uses) -> TokenStream {
    match &op.success_type {
        Some(t) => ty(t, uses),
        None => quote! { () },
    }
}

fn operation(
    op: &Operation,
    types: &[TypeDef],
    enums: &BTreeSet<&str>,
    uses: &mut Uses,
) -> TokenStream {
    let name = ident(&op.struct_name);
    let mut doc = op.doc.clone();
    doc.notes.push(format!("`{} {}`", op.method, op.path));
    let media: Vec<String> = op
        .success
        .iter()
        .filter_map(|c| c.media_type.clone())
        .collect();
    if !media.is_empty() {
        doc.notes.push(format!("Speaks `{}`.", media.join("`, `")));
    }
    doc.notes
        .push(format!("Operation ID: `{}`.", op.operation_id));
    let doc = doc_attrs(&doc);
    let dep = if op.deprecated {
        quote! { #[deprecated(note = "the API marks this operation deprecated")] }
    } else {
        quote! {}
    };
    let allow_dep = if op.deprecated {
        quote! { #[allow(deprecated)] }
    } else {
        quote! {}
    };

    let fields = op
        .params
        .iter()
        .map(|p| {
            let pdoc = doc_attrs(&p.doc);
            let pname = ident(&p.name);
            let inner = ty(&p.ty, uses);
            let t = if p.required {
                inner
            } else {
                quote! { Option<#inner> }
            };
            let pdep = deprecated_attr(p.deprecated);
            quote! { #pdoc #pdep pub #pname: #t, }
        })
        .collect::<Vec<_>>();
    let mut fields = fields;
    let pinnable: Vec<String> = {
        let mut v = op.versions.clone();
        if let Some(b) = &op.body {
            for m in &b.media_types {
                if !v.contains(m) {
                    v.push(m.clone());
                }
            }
        }
        v
    };
    let can_pin = pinnable.len() > 1;
    if let Some(b) = &op.body {
        let bdoc = doc_attrs(&b.doc);
        let inner = ty(&b.ty, uses);
        let t = if b.required {
            inner
        } else {
            quote! { Option<#inner> }
        };
        fields.push(quote! { #bdoc pub body: #t, });
    }
    if can_pin {
        let d = lit(" A media type (API version) to speak instead of the newest; one of [`Self::MEDIA_TYPES`].");
        fields.push(quote! { #[doc = #d] pub media_type: Option<&'static str>, });
    }
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let new_args = required
        .iter()
        .map(|p| {
            let pname = ident(&p.name);
            let t = ty(&p.ty, uses);
            quote! { #pname: #t }
        })
        .collect::<Vec<_>>();
    let mut new_args = new_args;
    let mut new_fields: Vec<Ident> = required.iter().map(|p| ident(&p.name)).collect();
    let mut none_fields: Vec<Ident> = optional.iter().map(|p| ident(&p.name)).collect();
    let mut extra_setters = Vec::new();
    if let Some(b) = &op.body {
        let t = ty(&b.ty, uses);
        if b.required {
            new_args.push(quote! { body: #t });
            new_fields.push(ident("body"));
        } else {
            none_fields.push(ident("body"));
            extra_setters.push(quote! {
                /// Sets the request body.
                pub fn body(mut self, value: #t) -> Self {
                    self.body = Some(value);
                    self
                }
            });
        }
    }
    if can_pin {
        none_fields.push(ident("media_type"));
        let list = pinnable.iter().map(|m| lit(m));
        extra_setters.push(quote! {
            /// The media types (API versions) this operation speaks, newest first.
            pub const MEDIA_TYPES: &'static [&'static str] = &[#(#list),*];

            /// Speaks `media_type` instead of the newest version.
            pub fn media_type(mut self, media_type: &str) -> Result<Self, ValidationError> {
                match Self::MEDIA_TYPES.iter().find(|m| **m == media_type) {
                    Some(m) => {
                        self.media_type = Some(m);
                        Ok(self)
                    }
                    None => Err(ValidationError::new("media_type", media_type, atlas_runtime::Rule::Enum(Self::MEDIA_TYPES))),
                }
            }
        });
    }
    let setters = optional
        .iter()
        .map(|p| {
            let pname = ident(&p.name);
            let t = ty(&p.ty, uses);
            let d = lit(&format!(" Sets `{}`.", p.wire));
            quote! {
                #[doc = #d]
                pub fn #pname(mut self, value: #t) -> Self {
                    self.#pname = Some(value);
                    self
                }
            }
        })
        .collect::<Vec<_>>();

    // Path: literal pieces verbatim, parameters percent-encoded, joined by
    // one runtime call (a `format!` per operation is more code to compile).
    let mut pieces: Vec<String> = vec![String::new()];
    let mut args = Vec::new();
    for s in &op.segments {
        match s {
            Segment::Literal(l) => pieces.last_mut().map_or((), |p| p.push_str(l)),
            Segment::Param(i) => {
                if let Some(p) = op.params.get(*i) {
                    let f = ident(&p.name);
                    let v = quote! { self.#f };
                    args.push(param_str(&p.ty, &v, enums));
                    pieces.push(String::new());
                }
            }
        }
    }
    if pieces.len() == 1 && pieces[0].is_empty() {
        pieces[0].push('/');
    }
    if pieces.last().is_some_and(String::is_empty) && pieces.len() > 1 {
        pieces.pop();
    }
    let pieces: Vec<Literal> = pieces.iter().map(|p| lit(p)).collect();
    let query_pushes = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let f = ident(&p.name);
            let wire = lit(&p.wire);
            let v = quote! { value };
            let push = match &p.ty {
                TypeRef::List(inner) => {
                    let s = param_str(inner, &quote! { item }, enums);
                    quote! { for item in #v { query.push(#wire, #s); } }
                }
                t => {
                    let s = param_str(t, &v, enums);
                    quote! { query.push(#wire, #s); }
                }
            };
            if p.required {
                quote! { { let value = &self.#f; #push } }
            } else {
                quote! { if let Some(value) = &self.#f { #push } }
            }
        });
    let header_pushes = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| {
            let f = ident(&p.name);
            let wire = lit(&p.wire);
            let s = param_str(&p.ty, &quote! { value }, enums);
            if p.required {
                quote! { { let value = &self.#f; headers.push((#wire, (#s).to_owned())); } }
            } else {
                quote! { if let Some(value) = &self.#f { headers.push((#wire, (#s).to_owned())); } }
            }
        });
    let has_headers = op
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Header);
    let headers_init = if has_headers {
        quote! { let mut headers = Vec::new(); }
    } else {
        quote! { let headers = Vec::new(); }
    };
    let has_query = op.params.iter().any(|p| p.location == ParamLocation::Query);
    let query_init = if has_query {
        quote! { let mut query = Query::new(); }
    } else {
        quote! { let query = Query::new(); }
    };
    let method = ident(&op.method);
    let accept = lit(&op.accept);
    let accept_expr = if can_pin && !op.versions.is_empty() {
        let errors = lit(&op.error_accept);
        quote! {
            let pinned_accept = self.media_type.filter(|m| Self::MEDIA_TYPES.contains(m)).map(|m| if #errors.is_empty() { m.to_owned() } else { format!("{m}, {}", #errors) });
            let accept = pinned_accept.as_deref().unwrap_or(Self::ACCEPT);
        }
    } else {
        quote! { let accept = Self::ACCEPT; }
    };
    let body_expr = match &op.body {
        None => quote! { let body = None; },
        Some(b) => {
            let default_media = lit(b
                .media_types
                .first()
                .map(String::as_str)
                .unwrap_or("application/json"));
            let content_type = if can_pin && b.media_types.len() > 1 {
                let list = b.media_types.iter().map(|m| lit(m));
                quote! { self.media_type.filter(|m| [#(#list),*].contains(m)).unwrap_or(#default_media) }
            } else {
                quote! { #default_media }
            };
            let encode = if b.ty == TypeRef::Bytes {
                quote! { value.to_vec() }
            } else {
                quote! {
                    atlas_runtime::serde_json::to_vec(value).map_err(|e| ValidationError::new("body", e.to_string(), atlas_runtime::Rule::Encoding))?
                }
            };
            if b.required {
                quote! { let body = { let value = &self.body; Some((#content_type, #encode)) }; }
            } else {
                quote! { let body = match &self.body { Some(value) => Some((#content_type, #encode)), None => None }; }
            }
        }
    };
    let path_template = lit(&op.path);
    let success_ty = success_type_tokens(op, uses);
    let error_ty = error_type_tokens(op, uses);

    // Status dispatch: documented successes decode the body, documented
    // errors decode the error body, anything else keeps status and bytes.
    let mut arms: Vec<(TokenStream, TokenStream)> = Vec::new();
    let mut seen = BTreeSet::new();
    for c in &op.success {
        if !seen.insert(c.status) {
            continue;
        }
        let pat = status_pattern(c.status);
        let body = if op.success_type == Some(TypeRef::Bytes) {
            quote! { Ok(body) }
        } else if op.success_type.is_some() {
            quote! { decode_json(status, &parts.headers, body) }
        } else {
            quote! { Ok(()) }
        };
        arms.push((pat, body));
    }
    let mut error_statuses: Vec<Status> = op.errors.iter().map(|c| c.status).collect();
    error_statuses.sort();
    error_statuses.dedup();
    let mut default_arm = quote! { _ => unexpected_status(status, parts.headers, body), };
    // Error bodies that differ by status form a union; each status decodes
    // its own variant.
    let error_union: Option<(&str, &Union)> = match &op.error_type {
        Some(TypeRef::Model(n)) => {
            types
                .iter()
                .find(|t| &t.name == n)
                .and_then(|t| match &t.kind {
                    TypeKind::Union(u)
                        if op
                            .errors
                            .iter()
                            .filter_map(|c| c.body.as_ref())
                            .any(|b| u.variants.iter().any(|v| &v.ty == b)) =>
                    {
                        Some((t.name.as_str(), u))
                    }
                    _ => None,
                })
        }
        _ => None,
    };
    for s in error_statuses {
        let has_body = op.errors.iter().any(|c| c.status == s && c.body.is_some());
        let variant = error_union.and_then(|(name, u)| {
            let body = op
                .errors
                .iter()
                .find(|c| c.status == s)
                .and_then(|c| c.body.as_ref())?;
            u.variants.iter().find(|v| &v.ty == body).map(|v| (name, v))
        });
        let arm_body = if let Some((union_name, v)) = variant {
            let union_ident = ident(union_name);
            let vname = ident(&v.name);
            let vty = ty(&v.ty, uses);
            quote! { decode_error::<#vty, #success_ty>(status, parts.headers, body).map_err(|e| e.map_body(#union_ident::#vname)) }
        } else if op.error_type.is_some() && has_body {
            quote! { decode_error(status, parts.headers, body) }
        } else if op.error_type.is_none() {
            quote! { Err(Error::Api { status, body: (), headers: parts.headers }) }
        } else {
            quote! { unexpected_status(status, parts.headers, body) }
        };
        if s == Status::Default {
            default_arm = quote! { _ => #arm_body, };
        } else {
            arms.push((status_pattern(s), arm_body));
        }
    }
    // Neighbouring statuses handled alike share one arm (`400 | 401 | 404
    // => ...`): less code to compile in an API with hundreds of operations.
    // Only neighbours, so a range (`4XX`) never moves before a status it
    // must not shadow.
    let mut grouped: Vec<(Vec<TokenStream>, TokenStream)> = Vec::new();
    for (pat, body) in arms.drain(..) {
        match grouped.last_mut() {
            Some((pats, last)) if last.to_string() == body.to_string() => pats.push(pat),
            _ => grouped.push((vec![pat], body)),
        }
    }
    let arms: Vec<TokenStream> = grouped
        .into_iter()
        .map(|(pats, body)| quote! { #(#pats)|* => #body, })
        .collect();
    let envelope = op.params.iter().find(|p| {
        p.wire == "envelope" && p.location == ParamLocation::Query && p.ty == TypeRef::Bool
    });
    let unwrap = match envelope {
        Some(p) => {
            let f = ident(&p.name);
            quote! {
                // With `envelope=true` the API answers 200 and puts the real
                // status and body inside `{"status": ..., "content": ...}`.
                let (status, body) = atlas_runtime::response::unwrap_envelope_if(self.#f, parts.status, body);
            }
        }
        None => quote! { let status = parts.status; },
    };
    let parse_self = quote! { &self, };

    quote! {
        #doc
        #dep
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        #allow_dep
        impl #name {
            /// The HTTP method.
            pub const METHOD: http::Method = http::Method::#method;
            /// The path template, as the spec writes it.
            pub const PATH: &'static str = #path_template;
            /// The `Accept` header: the media types of every documented response.
            pub const ACCEPT: &'static str = #accept;

            /// A request with the required parameters; optional ones start unset.
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_fields,)* #(#none_fields: None,)* }
            }

            #(#setters)*
            #(#extra_setters)*

            /// Builds the HTTP request against `base_url`.
            pub fn to_request(&self, base_url: &BaseUrl) -> Result<http::Request<Vec<u8>>, ValidationError> {
                let path = atlas_runtime::request::path(&[#(#pieces),*], &[#(#args),*]);
                #query_init
                #(#query_pushes)*
                #headers_init
                #(#header_pushes)*
                #accept_expr
                #body_expr
                build_request(RequestParts {
                    method: Self::METHOD,
                    base_url,
                    path,
                    query,
                    accept,
                    user_agent: crate::USER_AGENT,
                    headers,
                    body,
                })
            }

            /// Decodes the HTTP response to this request.
            #[allow(unused_variables)]
            pub fn parse_response(#parse_self response: http::Response<Bytes>) -> Result<#success_ty, Error<#error_ty>> {
                let (parts, body) = response.into_parts();
                #unwrap
                match status.as_u16() {
                    #(#arms)*
                    #default_arm
                }
            }
        }
    }
}

fn status_pattern(s: Status) -> TokenStream {
    match s {
        Status::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote! { #c }
        }
        Status::Range(r) => {
            let lo = Literal::u16_unsuffixed(r * 100);
            let hi = Literal::u16_unsuffixed(r * 100 + 99);
            quote! { #lo..=#hi }
        }
        Status::Default => quote! { _ },
    }
}

// ----- tests/spec_examples.rs -----------------------------------------------

fn examples_test_rs(api: &Api, settings: &Settings<'_>, gates: &Gates) -> TokenStream {
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
    let gate = if gates.enabled {
        quote! { #![cfg(feature = "full")] }
    } else {
        quote! {}
    };
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

// ----- tests/prism_gets.rs ---------------------------------------------------

/// A request value for `op` built from sample path parameters, when every
/// required parameter is a path parameter with a sample.
fn sample_request(api: &Api, op: &Operation) -> Option<TokenStream> {
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

fn prism_gets_rs(api: &Api, settings: &Settings<'_>) -> TokenStream {
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

// ----- client.rs ------------------------------------------------------------

/// A list operation's paging facts: its page parameter, and the fields of
/// its response holding the items and the total.
struct Paging<'a> {
    page_param: &'a Param,
    results: &'a Field,
    item: &'a TypeRef,
    total: Option<&'a Field>,
}

fn paging<'a>(api: &'a Api, op: &'a Operation) -> Option<Paging<'a>> {
    let page_param = op.params.iter().find(|p| {
        p.wire == "pageNum"
            && p.location == ParamLocation::Query
            && matches!(p.ty, TypeRef::I32 | TypeRef::I64)
    })?;
    op.params
        .iter()
        .find(|p| p.wire == "itemsPerPage" && p.location == ParamLocation::Query)?;
    let Some(TypeRef::Model(name)) = &op.success_type else {
        return None;
    };
    let def = api.types.iter().find(|t| &t.name == name)?;
    let TypeKind::Struct(s) = &def.kind else {
        return None;
    };
    let results = s.fields.iter().find(|f| f.wire == "results")?;
    let TypeRef::List(item) = &results.ty else {
        return None;
    };
    let total = s
        .fields
        .iter()
        .find(|f| f.wire == "totalCount" && matches!(f.ty, TypeRef::I32 | TypeRef::I64));
    Some(Paging {
        page_param,
        results,
        item,
        total,
    })
}

fn pages_method(op: &Operation, p: &Paging<'_>, uses: &mut Uses, cfg: &TokenStream) -> TokenStream {
    let f = ident(&op.fn_name);
    let pages = ident(&format!("{}_pages", op.fn_name));
    let s = ident(&op.struct_name);
    let item = ty(p.item, uses);
    let error_ty = error_type_tokens(op, uses);
    let page = ident(&p.page_param.name);
    let page_ty = ty(&p.page_param.ty, uses);
    let (first, set) = if p.page_param.required {
        (quote! { request.#page }, quote! { request.#page = number; })
    } else {
        (
            quote! { request.#page.unwrap_or(1) },
            quote! { request.#page = Some(number); },
        )
    };
    let results = ident(&p.results.name);
    let items = if p.results.required && !p.results.nullable {
        quote! { body.#results }
    } else {
        quote! { body.#results.unwrap_or_default() }
    };
    let total = match p.total {
        Some(t) => {
            let tn = ident(&t.name);
            if t.required && !t.nullable {
                quote! { Some(i64::from(body.#tn)) }
            } else {
                quote! { body.#tn.map(i64::from) }
            }
        }
        None => quote! { None },
    };
    let dep = if op.deprecated {
        quote! { #[allow(deprecated)] }
    } else {
        quote! {}
    };
    let d = lines_to_doc(&format!(
        "Every page of [`Client::{}`], as a stream of item lists, from the request's page on.\n\n\
         Lazy and bounded: a page is fetched when the stream is polled; the walk stops at an \
         empty page, at `totalCount`, or after `atlas_runtime::paginate::DEFAULT_MAX_PAGES`, \
         and dropping the stream cancels it. An error is yielded once and ends the walk.",
        op.fn_name
    ));
    quote! {
        #cfg
        #d
        #dep
        pub fn #pages<'a>(&'a self, request: &#s) -> impl atlas_runtime::paginate::Stream<Item = Result<Vec<#item>, Error<#error_ty>>> + 'a {
            let request = request.clone();
            let first = u32::try_from(#first).unwrap_or(1);
            atlas_runtime::paginate::pages(first, atlas_runtime::paginate::DEFAULT_MAX_PAGES, move |page| {
                let mut request = request.clone();
                let number = <#page_ty>::try_from(page).unwrap_or(<#page_ty>::MAX);
                #set
                async move {
                    let body = self.#f(&request).await?;
                    Ok(atlas_runtime::paginate::Page { items: #items, total_count: #total })
                }
            })
        }
    }
}

fn client_rs(api: &Api, gates: &Gates) -> TokenStream {
    let mut uses = Uses::default();
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| {
            let f = ident(&op.fn_name);
            let s = ident(&op.struct_name);
            let success_ty = success_type_tokens(op, &mut uses);
            let error_ty = error_type_tokens(op, &mut uses);
            let dep = if op.deprecated { quote! { #[deprecated(note = "the API marks this operation deprecated")] #[allow(deprecated)] } } else { quote! {} };
            let summary = op.doc.summary.clone().unwrap_or_else(|| op.operation_id.clone());
            let d = lines_to_doc(&format!("{summary}\n\nSends [`{}`]: `{} {}`.", op.struct_name, op.method, op.path));
            let cfg = gates.cfg(&op.struct_name);
            let pages = match paging(api, op) {
                Some(p) => pages_method(op, &p, &mut uses, &cfg),
                None => quote! {},
            };
            quote! {
                #pages
                #cfg
                #d
                #dep
                pub fn #f<'a>(&'a self, request: &'a #s) -> impl std::future::Future<Output = Result<#success_ty, Error<#error_ty>>> + Send + 'a {
                    // Not an `async fn`: the runtime's generic `call` is the
                    // one state machine, checked once for every operation.
                    self.inner.call(request.to_request(self.inner.base_url()), move |response| request.parse_response(response))
                }
            }
        })
        .collect();
    let imports = uses.tokens(false, false);
    let allow = gates.allow_unused_imports();
    quote! {
        //! The ready async client: one method per operation, on reqwest.
        #allow
        #imports
        use crate::operations::*;
        use atlas_runtime::auth::Credentials;
        use atlas_runtime::client::ClientBuilder;
        use atlas_runtime::{BaseUrl, BuildError, Error, TransportError};

        /// Sends the operations of this API. Cheap to clone; clones share connections.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: atlas_runtime::client::Client,
        }

        impl Client {
            /// A client for `base_url` with default timeouts and retries, and no authentication.
            pub fn new(base_url: BaseUrl) -> Result<Self, TransportError> {
                Ok(Self { inner: Self::builder().base_url(base_url).build()? })
            }

            /// A client for the default server, authenticated with `credentials`
            /// by the declared security scheme they fit.
            pub fn with_credentials(credentials: Credentials) -> Result<Self, BuildError> {
                Ok(Self { inner: Self::builder().credentials(credentials).build()? })
            }

            /// A client for the default server with credentials from the
            /// environment (`MONGODB_ATLAS_CLIENT_ID`/`MONGODB_ATLAS_CLIENT_SECRET`,
            /// else `MONGODB_ATLAS_PUBLIC_API_KEY`/`MONGODB_ATLAS_PRIVATE_API_KEY`);
            /// none there, or half a pair, is [`BuildError::Credentials`].
            pub fn from_env() -> Result<Self, BuildError> {
                Self::with_credentials(Credentials::from_env()?)
            }

            /// Wraps a runtime client configured by hand (auth, retries, timeouts).
            pub fn from_runtime(inner: atlas_runtime::client::Client) -> Self {
                Self { inner }
            }

            /// A runtime-client builder preset with the spec's first server and its
            /// security schemes, to finish and pass to [`Client::from_runtime`].
            pub fn builder() -> ClientBuilder {
                atlas_runtime::client::Client::builder()
                    .base_url_str(crate::DEFAULT_BASE_URL)
                    .security_schemes(crate::SECURITY_SCHEMES)
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &atlas_runtime::client::Client {
                &self.inner
            }

            #(#methods)*
        }
    }
}
