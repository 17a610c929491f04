//! `src/operations.rs`: one sans-IO request value per operation.

use super::*;

pub(super) fn operations_rs(api: &Api) -> TokenStream {
    let mut uses = Uses::default();
    let enums: BTreeSet<&str> = api
        .types
        .iter()
        .filter(|t| matches!(&t.kind, TypeKind::Enum(e) if !e.integer))
        .map(|t| t.name.as_str())
        .collect();
    let ops: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| gate(operation(op, &enums, &mut uses), &feature_cfg(&op.features)))
        .collect();
    let dead_ok = if api.tag_features {
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
    // Only the decoding helpers some arm calls: an unused import is a warning.
    let mut helpers: BTreeSet<&str> = BTreeSet::new();
    for op in &api.operations {
        for d in op.arms.iter().map(|a| &a.decode).chain([&op.default_arm]) {
            helpers.extend(decode_helper(d));
        }
    }
    let helpers = helpers.into_iter().map(ident);
    let imports = uses.tokens(false, false);
    let allow = allow_unused_imports(api);
    quote! {
        //! Operations, sans-IO: each is a request value that builds an
        //! `http::Request` and decodes an `http::Response`.
        #allow
        #imports
        use atlas_runtime::bytes::Bytes;
        use atlas_runtime::http;
        use atlas_runtime::request::{build_request, Query, RequestParts};
        use atlas_runtime::response::{#(#helpers),*};
        use atlas_runtime::{BaseUrl, Error, ValidationError};

        #(#ops)*
        #param_string
    }
}

/// An expression giving the `&str` form of a parameter value `v` (a reference).
pub(super) fn param_str(t: &TypeRef, v: &TokenStream, enums: &BTreeSet<&str>) -> TokenStream {
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

pub(super) fn operation(op: &Operation, enums: &BTreeSet<&str>, uses: &mut Uses) -> TokenStream {
    let name = ident(&op.struct_name);
    let doc = doc_attrs(&request_doc(op));
    let (dep, allow_dep) = if op.deprecated {
        (
            quote! { #[deprecated(note = "the API marks this operation deprecated")] },
            quote! { #[allow(deprecated)] },
        )
    } else {
        (quote! {}, quote! {})
    };
    let Members {
        fields,
        new_args,
        new_fields,
        none_fields,
        setters,
    } = members(op, uses);
    let method = ident(&op.method);
    let accept = lit(&op.accept);
    let path_template = lit(&op.path);
    let to_request = to_request_body(op, enums);
    let success_ty = success_type_tokens(op, uses);
    let error_ty = error_type_tokens(op, uses);
    let parse = parse_response_body(op, &success_ty, uses);
    // A request with nothing to set is `new()`: `Default` says so too.
    let default = if new_args.is_empty() {
        quote! {
            #allow_dep
            impl Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    } else {
        quote! {}
    };

    quote! {
        #doc
        #dep
        #[derive(Clone, Debug, PartialEq)]
        // A parameter the spec adds later must not break a struct literal:
        // requests are built with `new` and the setters.
        #[non_exhaustive]
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

            /// Builds the HTTP request against `base_url`.
            pub fn to_request(&self, base_url: &BaseUrl) -> Result<http::Request<Vec<u8>>, ValidationError> {
                #to_request
            }

            /// Decodes the HTTP response to this request.
            #[allow(unused_variables)]
            pub fn parse_response(&self, response: http::Response<Bytes>) -> Result<#success_ty, Error<#error_ty>> {
                #parse
            }
        }

        #default
    }
}

/// The request value's doc: the operation's own, then where it goes, what it
/// speaks and its operation ID.
fn request_doc(op: &Operation) -> Doc {
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
    if let Some(r) = &op.representation {
        doc.notes.push(if r.json {
            format!(
                "[`{}`] in the version `{}`, whose schemas differ from the newest.",
                r.of, r.media_type
            )
        } else {
            format!(
                "[`{}`] as `{}`: the body's bytes as sent.",
                r.of, r.media_type
            )
        });
    }
    doc.notes
        .push(format!("Operation ID: `{}`.", op.operation_id));
    doc
}

/// What the request value holds and how it is built: its fields, `new`'s
/// arguments and the fields they fill, the fields `new` leaves unset, and
/// the setters (with the pinnable media types).
struct Members {
    fields: Vec<TokenStream>,
    new_args: Vec<TokenStream>,
    new_fields: Vec<Ident>,
    none_fields: Vec<Ident>,
    setters: Vec<TokenStream>,
}

fn members(op: &Operation, uses: &mut Uses) -> Members {
    let mut fields: Vec<TokenStream> = op
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
        .collect();
    let can_pin = !op.pinnable.is_empty();
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
    let mut new_args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let pname = ident(&p.name);
            let t = ty(&p.ty, uses);
            quote! { #pname: #t }
        })
        .collect();
    let mut new_fields: Vec<Ident> = required.iter().map(|p| ident(&p.name)).collect();
    let mut none_fields: Vec<Ident> = optional.iter().map(|p| ident(&p.name)).collect();
    let mut setters: Vec<TokenStream> = optional
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
        .collect();
    if let Some(b) = &op.body {
        let t = ty(&b.ty, uses);
        if b.required {
            new_args.push(quote! { body: #t });
            new_fields.push(ident("body"));
        } else {
            none_fields.push(ident("body"));
            setters.push(quote! {
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
        let list = op.pinnable.iter().map(|m| lit(m));
        setters.push(quote! {
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
    Members {
        fields,
        new_args,
        new_fields,
        none_fields,
        setters,
    }
}

/// The body of `to_request`: path, query, headers, `Accept` and body, then
/// one runtime call that builds the request.
fn to_request_body(op: &Operation, enums: &BTreeSet<&str>) -> TokenStream {
    let (pieces, args) = path_pieces(op, enums);
    let query = query_tokens(op, enums);
    let headers = header_tokens(op, enums);
    let accept = accept_tokens(op);
    let body = body_tokens(op);
    quote! {
        let path = atlas_runtime::request::path(&[#(#pieces),*], &[#(#args),*]);
        #query
        #headers
        #accept
        #body
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
}

/// The path's literal pieces verbatim and its parameters percent-encoded,
/// joined by one runtime call (a `format!` per operation is more code to
/// compile).
fn path_pieces(op: &Operation, enums: &BTreeSet<&str>) -> (Vec<Literal>, Vec<TokenStream>) {
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
    (pieces.iter().map(|p| lit(p)).collect(), args)
}

/// `query`, with every query parameter that is set (a list one item at a time).
fn query_tokens(op: &Operation, enums: &BTreeSet<&str>) -> TokenStream {
    let pushes: Vec<TokenStream> = op
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
        })
        .collect();
    if pushes.is_empty() {
        quote! { let query = Query::new(); }
    } else {
        quote! { let mut query = Query::new(); #(#pushes)* }
    }
}

/// `headers`, with every header parameter that is set.
fn header_tokens(op: &Operation, enums: &BTreeSet<&str>) -> TokenStream {
    let pushes: Vec<TokenStream> = op
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
        })
        .collect();
    if pushes.is_empty() {
        quote! { let headers = Vec::new(); }
    } else {
        quote! { let mut headers = Vec::new(); #(#pushes)* }
    }
}

/// `accept`: the newest version's, or the pinned version's with the error
/// media types after it.
fn accept_tokens(op: &Operation) -> TokenStream {
    if op.pinnable.is_empty() || op.versions.len() < 2 {
        return quote! { let accept = Self::ACCEPT; };
    }
    let versions = op.versions.iter().map(|m| lit(m));
    let pinned = if op.error_accept.is_empty() {
        quote! { m.to_owned() }
    } else {
        let errors = lit(&format!(", {}", op.error_accept));
        quote! { format!("{m}{}", #errors) }
    };
    quote! {
        let pinned_accept = self.media_type.filter(|m| [#(#versions),*].contains(m)).map(|m| #pinned);
        let accept = pinned_accept.as_deref().unwrap_or(Self::ACCEPT);
    }
}

/// `body`: the content type (the pinned one, if pinnable) and the encoded bytes.
fn body_tokens(op: &Operation) -> TokenStream {
    let Some(b) = &op.body else {
        return quote! { let body = None; };
    };
    let default_media = lit(b
        .media_types
        .first()
        .map(String::as_str)
        .unwrap_or("application/json"));
    let content_type = if !op.pinnable.is_empty() && b.media_types.len() > 1 {
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

/// The body of `parse_response`: the status (from the envelope, when asked
/// for), then the status dispatch as lower decided it.
fn parse_response_body(op: &Operation, success_ty: &TokenStream, uses: &mut Uses) -> TokenStream {
    let arms: Vec<TokenStream> = op
        .arms
        .iter()
        .map(|arm| {
            let pats = arm.statuses.iter().map(|s| status_pattern(*s));
            let body = decode_tokens(&arm.decode, success_ty, uses);
            quote! { #(#pats)|* => #body, }
        })
        .collect();
    let default_body = decode_tokens(&op.default_arm, success_ty, uses);
    let unwrap = match &op.envelope {
        Some(name) => {
            let f = ident(name);
            quote! {
                // With `envelope=true` the API answers 200 and puts the real
                // status and body inside `{"status": ..., "content": ...}`.
                let (status, body) = atlas_runtime::response::unwrap_envelope_if(self.#f, parts.status, body);
            }
        }
        None => quote! { let status = parts.status; },
    };
    quote! {
        let (parts, body) = response.into_parts();
        #unwrap
        match status.as_u16() {
            #(#arms)*
            _ => #default_body,
        }
    }
}

/// The `atlas_runtime::response` function a decoding calls, if any.
fn decode_helper(decode: &Decode) -> Option<&'static str> {
    match decode {
        Decode::SuccessJson | Decode::SuccessSome => Some("decode_json"),
        Decode::SuccessJsonOrEmpty => Some("decode_json_or_empty"),
        Decode::ErrorBody | Decode::ErrorVariant { .. } => Some("decode_error"),
        Decode::ErrorStatus => Some("error_status"),
        Decode::Unexpected => Some("unexpected_status"),
        Decode::SuccessNone | Decode::SuccessBytes | Decode::SuccessEmpty | Decode::ErrorNoBody => {
            None
        }
    }
}

/// The expression that answers a status as `decode` says.
fn decode_tokens(decode: &Decode, success_ty: &TokenStream, uses: &mut Uses) -> TokenStream {
    match decode {
        Decode::SuccessJson => quote! { decode_json(status, &parts.headers, body) },
        Decode::SuccessSome => quote! { decode_json(status, &parts.headers, body).map(Some) },
        Decode::SuccessNone => quote! { Ok(None) },
        Decode::SuccessJsonOrEmpty => quote! { decode_json_or_empty(status, &parts.headers, body) },
        Decode::SuccessBytes => quote! { Ok(body) },
        Decode::SuccessEmpty => quote! { Ok(()) },
        Decode::ErrorBody => quote! { decode_error(status, parts.headers, body) },
        Decode::ErrorVariant {
            union,
            variant,
            ty: vty,
        } => {
            let union_ident = ident(union);
            let vname = ident(variant);
            let vty = ty(vty, uses);
            quote! { decode_error::<#vty, #success_ty>(status, parts.headers, body).map_err(|e| e.map_body(#union_ident::#vname)) }
        }
        Decode::ErrorNoBody => {
            quote! { Err(Error::Api { status, body: Box::new(()), headers: Box::new(parts.headers) }) }
        }
        Decode::ErrorStatus => quote! { error_status(status, parts.headers, body) },
        Decode::Unexpected => quote! { unexpected_status(status, parts.headers, body) },
    }
}

pub(super) fn status_pattern(s: Status) -> TokenStream {
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
