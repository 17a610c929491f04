//! `src/mock.rs` (feature `mock`): the typed mock server, one builder per
//! operation, printed from the mocks lowering decided (`ir::Mock`).

use super::operations::param_str;
use super::*;

pub(super) fn mock_rs(api: &Api) -> TokenStream {
    let mut uses = Uses::default();
    let enums: BTreeSet<&str> = api
        .types
        .iter()
        .filter(|t| matches!(&t.kind, TypeKind::Enum(e) if !e.integer))
        .map(|t| t.name.as_str())
        .collect();
    let mut starters = Vec::new();
    let mut builders = Vec::new();
    let mut needs_param_string = false;
    for op in &api.operations {
        let Some(mock) = &op.mock else { continue };
        let cfg = feature_cfg(&op.features);
        let (starter, builder) = operation_mock(op, mock, &enums, &mut uses);
        starters.push(quote! { #cfg #starter });
        builders.push(gate(builder, &cfg));
        needs_param_string |= op.params.iter().any(|p| {
            let inner = match &p.ty {
                TypeRef::List(i) => i.as_ref(),
                t => t,
            };
            matches!(inner, TypeRef::Model(n) if !enums.contains(n.as_str()))
        });
    }
    let param_string = if needs_param_string {
        let dead_ok = if api.tag_features {
            quote! { #[allow(dead_code)] }
        } else {
            quote! {}
        };
        quote! {
            /// The string form of a parameter that is neither a string nor an
            /// enum, as the request sends it.
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
    let allow = allow_unused_imports(api);
    quote! {
        //! Typed mocks (feature `mock`, for tests): a mock server of this API on
        //! `127.0.0.1` with one builder per operation. A builder matches the
        //! operation's requests by its typed parameters (each left unset matches
        //! any value) and answers with a documented status and a typed body,
        //! encoded by the same serde impls the client decodes with.
        //!
        //! A request no mock matches is answered `501` with a report, and fails
        //! the test when the server is verified or dropped; so do unmet
        //! expectations (`expect(n)`).
        #allow
        #![allow(deprecated)]
        #imports

        /// A mock server of this API on `127.0.0.1`, stopped when dropped. Point
        /// a client at it with [`MockServer::client`] or [`MockServer::base_url`].
        #[derive(Debug)]
        pub struct MockServer {
            server: atlas_runtime::mock::Server,
        }

        impl MockServer {
            /// Starts a server on a free port of `127.0.0.1`. Needs a Tokio runtime.
            pub async fn start() -> Self {
                Self { server: atlas_runtime::mock::Server::start().await }
            }

            /// The server's address, `http://127.0.0.1:PORT`.
            pub fn uri(&self) -> String {
                self.server.uri()
            }

            /// The server's address as a client's base URL.
            pub fn base_url(&self) -> atlas_runtime::BaseUrl {
                self.server.base_url()
            }

            /// A client of this server without retries, so each call is one
            /// request the mocks see.
            ///
            /// # Panics
            ///
            /// When the HTTP client cannot be built (no TLS backend).
            pub fn client(&self) -> crate::Client {
                let inner = crate::Client::builder()
                    .base_url(self.server.base_url())
                    .no_retries()
                    .build()
                    .unwrap_or_else(|e| panic!("the mock server's client cannot be built: {e}"));
                crate::Client::from_runtime(inner)
            }

            /// Checks the expectations (`expect(n)`) and that every request
            /// matched a mock.
            ///
            /// # Panics
            ///
            /// With a report of what was not met.
            pub async fn verify(&self) {
                self.server.verify().await
            }

            /// The untyped server underneath (unmatched requests, wiremock).
            pub fn server(&self) -> &atlas_runtime::mock::Server {
                &self.server
            }

            #(#starters)*
        }

        #(#builders)*
        #param_string
    }
}

/// The mock server's method that starts an operation's builder, and the builder.
fn operation_mock(
    op: &Operation,
    mock: &Mock,
    enums: &BTreeSet<&str>,
    uses: &mut Uses,
) -> (TokenStream, TokenStream) {
    let name = ident(&mock.struct_name);
    let server_fn = ident(&mock.server_fn);
    let op_struct = &op.struct_name;
    let start_doc = lit(&format!(
        " Mocks [`{op_struct}`](crate::operations::{op_struct}) (`{} {}`): set what to match, then answer with a `respond_*` method.",
        op.method, op.path
    ));
    let operation_id = lit(&op.operation_id);
    let method = lit(&op.method);
    // The path's literal pieces, as `to_request` joins them.
    let mut pieces: Vec<String> = vec![String::new()];
    let mut path_index: BTreeMap<usize, usize> = BTreeMap::new();
    for s in &op.segments {
        match s {
            Segment::Literal(l) => pieces.last_mut().map_or((), |p| p.push_str(l)),
            Segment::Param(i) => {
                path_index.insert(*i, path_index.len());
                pieces.push(String::new());
            }
        }
    }
    if pieces.len() == 1 && pieces[0].is_empty() {
        pieces[0].push('/');
    }
    if pieces.last().is_some_and(String::is_empty) && pieces.len() > 1 {
        pieces.pop();
    }
    let pieces = pieces.iter().map(|p| lit(p));
    let n_params = path_index.len();
    let accept = mock.accept.iter().map(|m| lit(m));
    let starter = quote! {
        #[doc = #start_doc]
        pub fn #server_fn(&self) -> #name<'_> {
            #name {
                expect: atlas_runtime::mock::Expect::new(
                    &self.server,
                    #operation_id,
                    #method,
                    &[#(#pieces),*],
                    #n_params,
                    &[#(#accept),*],
                ),
            }
        }
    };

    let setters: Vec<TokenStream> = op
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| param_setter(i, p, &path_index, enums, uses))
        .collect();
    let mut extra = Vec::new();
    if let Some(b) = &op.body {
        if b.ty != TypeRef::Bytes {
            let t = ty(&b.ty, uses);
            extra.push(quote! {
                /// Only requests whose body is this value (compared as JSON).
                pub fn body(mut self, value: impl std::borrow::Borrow<#t>) -> Self {
                    self.expect.body_json(value.borrow());
                    self
                }
            });
        }
    }
    if mock.accept.len() > 1 {
        let list = mock.accept.iter().map(|m| lit(m));
        extra.push(quote! {
            /// Only requests that ask for this version (`Accept`), answered
            /// in it; one of the versions the operation speaks.
            pub fn media_type(mut self, media_type: &str) -> Result<Self, atlas_runtime::ValidationError> {
                const VERSIONS: &[&str] = &[#(#list),*];
                match VERSIONS.iter().find(|m| **m == media_type) {
                    Some(m) => {
                        self.expect.media_type(m);
                        Ok(self)
                    }
                    None => Err(atlas_runtime::ValidationError::new("media_type", media_type, atlas_runtime::Rule::Enum(VERSIONS))),
                }
            }
        });
    }
    let replies: Vec<TokenStream> = mock.replies.iter().map(|r| reply(op, r, uses)).collect();
    let doc = lit(&format!(
        " The mock of [`{op_struct}`](crate::operations::{op_struct}) (`{} {}`), from [`MockServer::{}`].",
        op.method, op.path, mock.server_fn
    ));
    let builder = quote! {
        #[doc = #doc]
        #[must_use = "a mock answers nothing until a `respond_*` method mounts it"]
        #[derive(Debug)]
        pub struct #name<'a> {
            expect: atlas_runtime::mock::Expect<'a>,
        }

        impl #name<'_> {
            #(#setters)*
            #(#extra)*

            /// Expects exactly (or within a range of) this many matching
            /// requests, checked when the server is verified or dropped.
            pub fn expect(mut self, times: impl Into<atlas_runtime::mock::wiremock::Times>) -> Self {
                self.expect.expect(times);
                self
            }

            /// Answers at most `n` requests; later ones go to the mocks
            /// mounted after this one (a sequence of answers).
            pub fn up_to_n_times(mut self, n: u64) -> Self {
                self.expect.up_to_n_times(n);
                self
            }

            /// Names this mock in failure reports.
            pub fn named(mut self, name: impl Into<String>) -> Self {
                self.expect.named(name);
                self
            }

            #(#replies)*

            /// Mounts this mock with any answer: an undocumented status, a
            /// delay, headers.
            pub async fn respond_with(self, template: atlas_runtime::mock::wiremock::ResponseTemplate) {
                self.expect.respond_with(template).await
            }
        }
    };
    (starter, builder)
}

/// The setter of one parameter: only requests with this value.
fn param_setter(
    i: usize,
    p: &Param,
    path_index: &BTreeMap<usize, usize>,
    enums: &BTreeSet<&str>,
    uses: &mut Uses,
) -> TokenStream {
    let pname = ident(&p.name);
    let wire = lit(&p.wire);
    let doc = lit(&format!(" Only requests whose `{}` is `value`.", p.wire));
    let scalar = matches!(
        p.ty,
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64
    );
    let (arg, bind) = match &p.ty {
        TypeRef::String => (quote! { value: &str }, quote! {}),
        t if scalar => {
            let t = ty(t, uses);
            (quote! { value: #t }, quote! { let value = &value; })
        }
        t => {
            let t = ty(t, uses);
            (
                quote! { value: impl std::borrow::Borrow<#t> },
                quote! { let value = value.borrow(); },
            )
        }
    };
    // `param_str` spells `String` values as `value.as_str()`: a `&str` here.
    let str_of = |t: &TypeRef, v: TokenStream| -> TokenStream {
        match t {
            TypeRef::String => v,
            t => param_str(t, &v, enums),
        }
    };
    let record = match p.location {
        ParamLocation::Path => {
            let index = path_index.get(&i).copied().unwrap_or(0);
            let s = str_of(&p.ty, quote! { value });
            quote! { self.expect.path_param(#index, #s); }
        }
        ParamLocation::Query => match &p.ty {
            TypeRef::List(inner) => {
                let s = str_of(inner, quote! { item });
                quote! { for item in value { self.expect.query(#wire, #s); } }
            }
            t => {
                let s = str_of(t, quote! { value });
                quote! { self.expect.query(#wire, #s); }
            }
        },
        ParamLocation::Header => {
            let s = str_of(&p.ty, quote! { value });
            quote! { self.expect.header(#wire, #s); }
        }
    };
    quote! {
        #[doc = #doc]
        pub fn #pname(mut self, #arg) -> Self {
            #bind
            #record
            self
        }
    }
}

/// One `respond_*` method: mounts the mock with a documented answer.
fn reply(op: &Operation, r: &MockReply, uses: &mut Uses) -> TokenStream {
    let f = ident(&r.fn_name);
    let status = Literal::u16_unsuffixed(r.status);
    let media = lit(&r.media_type);
    let outcome = if r.success {
        "the client returns it".to_owned()
    } else if op.arms.iter().any(|a| {
        matches!(a.decode, Decode::ErrorStatus) && a.statuses.contains(&Status::Code(r.status))
    }) {
        "the client returns `Error::Status`".to_owned()
    } else {
        "the client returns `Error::Api` with it".to_owned()
    };
    match &r.body {
        MockBody::Json(t) => {
            let t = ty(t, uses);
            let doc = lit(&format!(
                " Mounts this mock: answers `{}` with `value` as `{}`; {outcome}.",
                r.status, r.media_type
            ));
            quote! {
                #[doc = #doc]
                pub async fn #f(self, value: impl std::borrow::Borrow<#t>) {
                    self.expect.respond_json(#status, #media, value.borrow()).await
                }
            }
        }
        MockBody::Bytes => {
            let doc = lit(&format!(
                " Mounts this mock: answers `{}` with these bytes as `{}`; {outcome}.",
                r.status, r.media_type
            ));
            quote! {
                #[doc = #doc]
                pub async fn #f(self, body: impl Into<Vec<u8>>) {
                    self.expect.respond_bytes(#status, #media, body.into()).await
                }
            }
        }
        MockBody::Empty => {
            let outcome = if r.success {
                "the client returns no value".to_owned()
            } else {
                outcome.replace(" with it", "")
            };
            let doc = lit(&format!(
                " Mounts this mock: answers `{}` without a body; {outcome}.",
                r.status
            ));
            quote! {
                #[doc = #doc]
                pub async fn #f(self) {
                    self.expect.respond_empty(#status).await
                }
            }
        }
    }
}
