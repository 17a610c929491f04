//! `src/lib.rs`: the crate docs, modules, re-exports and constants.

use super::*;

pub(super) fn lib_rs(api: &Api, spec_source: Option<&str>) -> TokenStream {
    let mut doc = format!(
        "Typed bindings for the {} (spec version {}).",
        api.title, api.version
    );
    if let Some(d) = &api.description {
        doc.push_str("\n\n");
        doc.push_str(&prose::escape(d.trim()));
    }
    if let Some(source) = spec_source.filter(|s| !s.is_empty()) {
        doc.push_str("\n\n");
        doc.push_str(source.trim());
    }
    doc.push_str("\n\n# Operations\n\n");
    for op in &api.operations {
        let summary = prose::escape(op.doc.summary.as_deref().unwrap_or("").trim());
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
        " The spec declares no server; pass a base URL.".to_owned()
    } else {
        " The first server the spec declares.".to_owned()
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
    // A glob of an empty module is an unused import. With tag features a
    // module is also empty when no enabled tag reaches its items.
    let allow = if api.tag_features {
        quote! { #[allow(unused_imports)] }
    } else {
        quote! {}
    };
    let globs = [
        ("models", !api.types.is_empty()),
        ("validated", !api.strings.is_empty()),
        ("operations", !api.operations.is_empty()),
    ]
    .into_iter()
    .filter(|(_, used)| *used)
    .map(|(m, _)| {
        let m = ident(m);
        quote! { #allow pub use #m::*; }
    });
    quote! {
        #doc
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments, clippy::result_large_err)]
        // The docs carry the spec's own Markdown, list indentation and all.
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]
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
        #[cfg(feature = "roundtrip")]
        #[rustfmt::skip]
        pub mod roundtrip;
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        pub mod mock;
        #[cfg(feature = "cli")]
        #[rustfmt::skip]
        pub mod cli;

        #(#globs)*
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
