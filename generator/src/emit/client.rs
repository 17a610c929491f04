//! `src/client.rs`: the async client, one method per operation.

use super::*;

pub(super) fn pages_method(
    op: &Operation,
    p: &Paging,
    uses: &mut Uses,
    cfg: &TokenStream,
) -> TokenStream {
    let f = ident(&op.fn_name);
    let pages = ident(&format!("{}_pages", op.fn_name));
    let s = ident(&op.struct_name);
    let item = ty(&p.item_ty, uses);
    let error_ty = error_type_tokens(op, uses);
    let page = ident(&p.page_param);
    let page_ty = ty(&p.page_ty, uses);
    let (first, set) = if p.page_required {
        (quote! { request.#page }, quote! { request.#page = number; })
    } else {
        (
            quote! { request.#page.unwrap_or(1) },
            quote! { request.#page = Some(number); },
        )
    };
    // A page number is a `u32`: it fits an `i64` always, an `i32` not always.
    let convert = if p.page_ty == TypeRef::I64 {
        quote! { i64::from(page) }
    } else {
        quote! { <#page_ty>::try_from(page).unwrap_or(<#page_ty>::MAX) }
    };
    let results = ident(&p.items_field);
    let items = match p.items_presence {
        Presence::Always => quote! { body.#results },
        Presence::Nullable | Presence::Optional => quote! { body.#results.unwrap_or_default() },
        Presence::OptionalNullable => quote! { body.#results.flatten().unwrap_or_default() },
    };
    let total = match &p.total_field {
        Some((name, presence)) => {
            let tn = ident(name);
            match presence {
                Presence::Always => quote! { Some(i64::from(body.#tn)) },
                Presence::Nullable | Presence::Optional => quote! { body.#tn.map(i64::from) },
                Presence::OptionalNullable => quote! { body.#tn.flatten().map(i64::from) },
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
         empty page, at `{}`, or after `atlas_runtime::paginate::DEFAULT_MAX_PAGES`, \
         and dropping the stream cancels it. An error is yielded once and ends the walk.",
        op.fn_name, p.total_wire
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
                let number = #convert;
                #set
                async move {
                    let body = self.#f(&request).await?;
                    Ok(atlas_runtime::paginate::Page { items: #items, total_count: #total })
                }
            })
        }
    }
}

pub(super) fn client_rs(api: &Api) -> TokenStream {
    let mut uses = Uses::default();
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| {
            let f = ident(&op.fn_name);
            let fw = ident(&op.with_response_fn);
            let s = ident(&op.struct_name);
            let success_ty = success_type_tokens(op, &mut uses);
            let error_ty = error_type_tokens(op, &mut uses);
            let dep = if op.deprecated { quote! { #[deprecated(note = "the API marks this operation deprecated")] #[allow(deprecated)] } } else { quote! {} };
            let summary = prose::escape(op.doc.summary.as_deref().unwrap_or(&op.operation_id));
            let d = lines_to_doc(&format!("{summary}\n\nSends [`{}`]: `{} {}`.", op.struct_name, op.method, op.path));
            let dw = lines_to_doc(&format!(
                "As [`Client::{}`], with the response's status and headers beside the value \
                 (rate-limit headers, a `Location`, a request id to quote); an error keeps them already.",
                op.fn_name
            ));
            let cfg = feature_cfg(&op.features);
            let pages = match &op.paging {
                Some(p) => pages_method(op, p, &mut uses, &cfg),
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

                #cfg
                #dw
                #dep
                pub fn #fw<'a>(&'a self, request: &'a #s) -> impl std::future::Future<Output = Result<ResponseValue<#success_ty>, Error<#error_ty>>> + Send + 'a {
                    self.inner.call_with_metadata(request.to_request(self.inner.base_url()), move |response| request.parse_response(response))
                }
            }
        })
        .collect();
    let imports = uses.tokens(false, false);
    let allow = allow_unused_imports(api);
    quote! {
        //! The ready async client: one method per operation, on reqwest.
        #allow
        #imports
        use crate::operations::*;
        use atlas_runtime::auth::Credentials;
        use atlas_runtime::client::ClientBuilder;
        use atlas_runtime::{BaseUrl, BuildError, Error, ResponseValue, TransportError};

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
