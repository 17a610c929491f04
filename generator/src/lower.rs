//! Lower: turn the selected operations and the schemas they reach into the IR.
//!
//! Schemas are lowered on demand from the operations, so the output holds
//! exactly the `$ref` closure of the selection. Constructs not supported yet
//! degrade to `serde_json::Value` and are recorded, never a panic.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::config::Config;
use crate::diag::{pointer_token, Code, Diagnostic};
use crate::ir::*;
use crate::load::Spec;
use crate::naming::{type_name, value_name, Scope};
use crate::pattern;
use crate::resolve::{self, Selected};

mod compose;
mod conventions;
pub mod features;

/// The spec extension that pins a Rust name on a schema or an operation.
pub const RUST_NAME: &str = "x-rust-name";

/// The spec extension that marks a property as a credential (`Debug` redacts it).
pub const RUST_SECRET: &str = "x-rust-secret";

/// Who produces the values of a type: the server (decoded leniently, open
/// enums) or the caller (validated strictly, closed enums).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Response,
    Request,
}

/// A construct that degraded, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Degraded {
    pub kind: &'static str,
    pub pointer: String,
}

/// What lowering produced beyond the IR: warnings and the dependency facts
/// the coverage report needs.
pub struct Lowered {
    pub api: Api,
    /// Errors first, then warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Schema pointer -> the named type it became (response direction).
    pub named: BTreeMap<String, String>,
    pub degraded: Vec<Degraded>,
    /// Per model or operation: its own degraded constructs and the models it uses.
    pub graph: BTreeMap<String, Node>,
}

#[derive(Clone, Debug, Default)]
pub struct Node {
    pub own_degraded: usize,
    pub uses: BTreeSet<String>,
    pub is_operation: bool,
}

struct Ctx<'a> {
    spec: &'a Spec,
    names: &'a BTreeMap<String, String>,
    secrets: &'a [String],
    diags: Vec<Diagnostic>,
    degraded: Vec<Degraded>,
    /// (schema pointer, direction) -> lowered reference.
    memo: BTreeMap<(String, Direction), TypeRef>,
    in_progress: HashSet<(String, Direction)>,
    types: Vec<TypeDef>,
    type_scope: Scope,
    /// Validated strings by Rust name.
    strings: BTreeMap<String, ValidatedString>,
    /// Distinct patterns that compiled.
    patterns: BTreeMap<String, pattern::CompiledPattern>,
    bad_patterns: BTreeSet<String>,
    graph: BTreeMap<String, Node>,
    /// The model or operation being lowered, for the graph.
    owners: Vec<String>,
    /// Component schemas that some response reaches: lowered for a request
    /// too, they get a `Request` suffix there (strict, without server-only
    /// fields), so the response type keeps the plain name.
    response_reach: BTreeSet<String>,
    /// The Rust names component schemas want, so operations avoid them.
    component_names: BTreeSet<String>,
    examples: Vec<Example>,
    /// Schemas being lowered, innermost last: (`$ref` target or use site,
    /// named types in progress when it started). Guards self-containment
    /// with no named type in between, and absurd nesting.
    active: Vec<(String, usize)>,
    /// Every place a schema was lowered from (`$ref` sibling warnings).
    sites: BTreeSet<String>,
}

/// Deeper inline nesting than this is refused rather than risking the stack.
const MAX_SCHEMA_DEPTH: usize = 100;

/// Lowers the selection. Errors are among the returned diagnostics; the
/// caller decides whether they stop generation. With `all_schemas`, every
/// component schema is lowered too, reached or not.
pub fn lower(
    spec: &Spec,
    config: &Config,
    selected: &[Selected<'_>],
    all_schemas: bool,
) -> Lowered {
    let mut cx = Ctx {
        spec,
        names: &config.names,
        secrets: &config.secrets,
        diags: Vec::new(),
        degraded: Vec::new(),
        memo: BTreeMap::new(),
        in_progress: HashSet::new(),
        types: Vec::new(),
        type_scope: Scope::new(),
        strings: BTreeMap::new(),
        patterns: BTreeMap::new(),
        bad_patterns: BTreeSet::new(),
        graph: BTreeMap::new(),
        owners: Vec::new(),
        response_reach: BTreeSet::new(),
        component_names: BTreeSet::new(),
        examples: Vec::new(),
        active: Vec::new(),
        sites: BTreeSet::new(),
    };
    cx.component_names = spec
        .api
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|n| cx.component_type_name(&format!("#/components/schemas/{}", pointer_token(n))))
        .collect();
    cx.response_reach = if all_schemas {
        spec.api
            .components
            .iter()
            .flat_map(|c| c.schemas.keys())
            .map(|n| format!("#/components/schemas/{}", pointer_token(n)))
            .collect()
    } else {
        response_reach(spec, selected)
    };
    // Pinned names are used as written: one that is no Rust identifier
    // would make code that does not parse.
    for (key, name) in &config.names {
        if !is_identifier(name) {
            let loc = if key.starts_with('#') {
                spec.locate(key)
            } else {
                spec.locate("")
            };
            cx.diags.push(bad_pin(
                loc,
                &format!("the Rust name the config pins for `{key}`"),
                name,
            ));
        }
    }
    // Names the generated crate defines itself.
    for reserved in ["Client", "Error", "DEFAULT_BASE_URL"] {
        cx.type_scope.reserve(reserved);
    }
    let mut fn_scope = Scope::new();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut operations = Vec::new();
    for sel in selected {
        if let Some(op) = cx.operation(sel, &mut fn_scope, &mut seen_ids) {
            operations.push(op);
        }
    }
    operations.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
    // `$ref` beside other keys, where the selection reaches it.
    let op_pointers: BTreeSet<String> = selected.iter().map(Selected::pointer).collect();
    for (pointer, keys) in &spec.ref_siblings {
        let op = pointer
            .match_indices('/')
            .nth(3)
            .map(|(i, _)| &pointer[..i])
            .unwrap_or(pointer);
        if all_schemas || cx.sites.contains(pointer) || op_pointers.contains(op) {
            let keys = keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let loc = spec.locate(pointer);
            cx.diags.push(
                Diagnostic::warning(Code::Quirk, loc, format!("{keys} beside `$ref` is ignored: in OpenAPI 3.0 a `$ref` replaces the whole object"))
                    .with_help("move it into the referenced schema, or write `allOf: [{$ref: ...}]` with it beside"),
            );
        }
    }
    for c in cx
        .type_scope
        .collisions
        .iter()
        .chain(fn_scope.collisions.iter())
    {
        cx.diags.push(Diagnostic::warning(
            Code::Naming,
            cx.spec.locate(if c.owner.starts_with('#') {
                &c.owner
            } else {
                ""
            }),
            format!(
                "`{}` and `{}` both become `{}` in Rust; the second is named `{}`",
                c.first_owner, c.owner, c.wanted, c.given
            ),
        ));
    }
    if all_schemas {
        // Every component schema, reached or not (the coverage report's view).
        if let Some(components) = &spec.api.components {
            for (name, schema) in &components.schemas {
                let pointer = format!("#/components/schemas/{}", pointer_token(name));
                if !cx
                    .memo
                    .contains_key(&(pointer.clone(), Direction::Response))
                {
                    cx.owners.push(format!("schema {name}"));
                    let hint = type_name(name);
                    let _ = cx.schema_ref(schema, &pointer, &hint, Direction::Response);
                    cx.owners.pop();
                }
            }
        }
    }
    // One matcher per distinct pattern, named after the first type using it.
    let mut matcher_names: BTreeMap<String, String> = BTreeMap::new();
    for s in cx.strings.values() {
        matcher_names
            .entry(s.pattern.clone())
            .or_insert_with(|| format!("matches_{}", value_name(&s.name)));
    }
    let mut strings: Vec<ValidatedString> = cx.strings.into_values().collect();
    for s in &mut strings {
        s.matcher = matcher_names.get(&s.pattern).cloned().unwrap_or_default();
        s.used_at.sort();
        s.used_at.dedup();
    }
    let mut patterns = cx.patterns;
    let mut matchers: Vec<Matcher> = matcher_names
        .into_iter()
        .filter_map(|(pattern, fn_name)| {
            patterns.remove(&pattern).map(|compiled| Matcher {
                fn_name,
                compiled,
                features: Vec::new(),
            })
        })
        .collect();
    matchers.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
    let mut types = cx.types;
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let info = &spec.api.info;
    let api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        default_server: spec
            .api
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_owned()),
        security: security_schemes(spec),
        types,
        strings,
        matchers,
        operations,
        examples: {
            let mut e = cx.examples;
            e.sort_by(|a, b| a.pointer.cmp(&b.pointer));
            e.dedup_by(|a, b| a.pointer == b.pointer);
            e
        },
        tag_features: false,
        features: Vec::new(),
    };
    let mut diagnostics = cx.diags;
    // Examples that contradict their own schema are spec issues, reported.
    let issues: Vec<(usize, String)> = {
        let checker = crate::examples::Checker::new(&api);
        api.examples
            .iter()
            .enumerate()
            .filter_map(|(i, e)| checker.check(&e.value, &e.ty).err().map(|why| (i, why)))
            .collect()
    };
    let mut api = api;
    features::assign(&mut api, config.output.tag_features);
    conventions::assign(&mut api, &config.paging, &config.envelope);
    for (i, why) in issues {
        if let Some(e) = api.examples.get_mut(i) {
            diagnostics.push(Diagnostic::warning(
                Code::Quirk,
                spec.locate(&e.pointer),
                format!("the example does not match its own schema: {why}"),
            ));
            e.issue = Some(why);
        }
    }
    diagnostics.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.cmp(b)));
    diagnostics.dedup();
    Lowered {
        api,
        diagnostics,
        degraded: cx.degraded,
        graph: cx.graph,
        named: cx
            .memo
            .into_iter()
            .filter_map(|((p, d), t)| match (d, t) {
                (Direction::Response, TypeRef::Model(n)) => Some((p, n)),
                _ => None,
            })
            .collect(),
    }
}

fn security_schemes(spec: &Spec) -> Vec<SecurityScheme> {
    let mut out = Vec::new();
    let Some(components) = &spec.api.components else {
        return out;
    };
    for (name, scheme) in &components.security_schemes {
        let ReferenceOr::Item(scheme) = scheme else {
            continue;
        };
        let name = name.clone();
        match scheme {
            openapiv3::SecurityScheme::HTTP { scheme, .. } => {
                match scheme.to_ascii_lowercase().as_str() {
                    "digest" => out.push(SecurityScheme::HttpDigest { name }),
                    "bearer" => out.push(SecurityScheme::HttpBearer { name }),
                    "basic" => out.push(SecurityScheme::HttpBasic { name }),
                    _ => {}
                }
            }
            openapiv3::SecurityScheme::OAuth2 { flows, .. } => {
                if let Some(cc) = &flows.client_credentials {
                    out.push(SecurityScheme::OAuth2ClientCredentials {
                        name,
                        token_url: cc.token_url.clone(),
                    });
                }
            }
            openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name: header,
                ..
            } => {
                out.push(SecurityScheme::ApiKey {
                    name,
                    header: header.clone(),
                });
            }
            _ => {}
        }
    }
    out
}

/// Every component schema reachable from the responses of `selected`.
fn response_reach(spec: &Spec, selected: &[Selected<'_>]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<&ReferenceOr<Schema>> = Vec::new();
    for sel in selected {
        let responses = sel
            .operation
            .responses
            .responses
            .values()
            .chain(sel.operation.responses.default.iter());
        for r in responses {
            if let Ok((response, _)) = resolve::component(spec, r, "") {
                stack.extend(response.content.values().filter_map(|m| m.schema.as_ref()));
            }
        }
    }
    let mut boxed: Vec<&ReferenceOr<Box<Schema>>> = Vec::new();
    let mut refs: Vec<&str> = Vec::new();
    loop {
        if let Some(r) = stack.pop() {
            match r {
                ReferenceOr::Reference { reference } => refs.push(reference),
                ReferenceOr::Item(s) => walk_children(s, &mut stack, &mut boxed, &mut refs),
            }
        } else if let Some(r) = boxed.pop() {
            match r {
                ReferenceOr::Reference { reference } => refs.push(reference),
                ReferenceOr::Item(s) => walk_children(s, &mut stack, &mut boxed, &mut refs),
            }
        } else if let Some(reference) = refs.pop() {
            let Some(name) = reference.strip_prefix("#/components/schemas/") else {
                continue;
            };
            let pointer = reference.to_owned();
            if !out.insert(pointer) {
                continue;
            }
            let name = crate::diag::unescape_pointer_token(name);
            if let Some(s) = spec
                .api
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&name))
            {
                stack.push(s);
            }
        } else {
            break;
        }
    }
    out
}

fn walk_children<'s>(
    s: &'s Schema,
    stack: &mut Vec<&'s ReferenceOr<Schema>>,
    boxed: &mut Vec<&'s ReferenceOr<Box<Schema>>>,
    refs: &mut Vec<&'s str>,
) {
    if let Some(d) = &s.schema_data.discriminator {
        refs.extend(d.mapping.values().map(String::as_str));
    }
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            boxed.extend(o.properties.values());
            if let Some(AdditionalProperties::Schema(a)) = &o.additional_properties {
                stack.push(a);
            }
        }
        SchemaKind::Type(Type::Array(a)) => boxed.extend(a.items.iter()),
        SchemaKind::OneOf { one_of: v }
        | SchemaKind::AllOf { all_of: v }
        | SchemaKind::AnyOf { any_of: v } => stack.extend(v.iter()),
        SchemaKind::Not { not } => stack.push(not),
        SchemaKind::Any(a) => {
            boxed.extend(a.properties.values());
            boxed.extend(a.items.iter());
            stack.extend(
                a.one_of
                    .iter()
                    .chain(a.all_of.iter())
                    .chain(a.any_of.iter()),
            );
            if let Some(AdditionalProperties::Schema(x)) = &a.additional_properties {
                stack.push(x);
            }
        }
        SchemaKind::Type(_) => {}
    }
}

/// The status dispatch of an operation: documented successes decode the
/// body, documented errors the error body, anything else keeps status and
/// bytes. Neighbouring statuses handled alike share one arm (less code to
/// compile in an API with hundreds of operations); only neighbours, so a
/// range (`4XX`) never moves before a status it must not shadow.
fn response_arms(
    success: &[ResponseCase],
    success_type: Option<&TypeRef>,
    errors: &[ResponseCase],
    error_type: Option<&TypeRef>,
    types: &[TypeDef],
) -> (Vec<ResponseArm>, Decode) {
    let mut arms: Vec<(Status, Decode)> = Vec::new();
    let mut seen = BTreeSet::new();
    for c in success {
        if !seen.insert(c.status) {
            continue;
        }
        let decode = match success_type {
            Some(TypeRef::Bytes) => Decode::SuccessBytes,
            Some(_) => Decode::SuccessJson,
            None => Decode::SuccessEmpty,
        };
        arms.push((c.status, decode));
    }
    let mut error_statuses: Vec<Status> = errors.iter().map(|c| c.status).collect();
    error_statuses.sort();
    error_statuses.dedup();
    // Error bodies that differ by status form a union; each status decodes
    // its own variant.
    let error_union: Option<(&str, &Union)> = match error_type {
        Some(TypeRef::Model(n)) => {
            types
                .iter()
                .find(|t| &t.name == n)
                .and_then(|t| match &t.kind {
                    TypeKind::Union(u)
                        if errors
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
    let mut default_arm = Decode::Unexpected;
    for s in error_statuses {
        let has_body = errors.iter().any(|c| c.status == s && c.body.is_some());
        let variant = error_union.and_then(|(name, u)| {
            let body = errors
                .iter()
                .find(|c| c.status == s)
                .and_then(|c| c.body.as_ref())?;
            u.variants.iter().find(|v| &v.ty == body).map(|v| (name, v))
        });
        let decode = if let Some((union, v)) = variant {
            Decode::ErrorVariant {
                union: union.to_owned(),
                variant: v.name.clone(),
                ty: v.ty.clone(),
            }
        } else if error_type.is_some() && has_body {
            Decode::ErrorBody
        } else if error_type.is_none() {
            Decode::ErrorNoBody
        } else {
            Decode::Unexpected
        };
        if s == Status::Default {
            default_arm = decode;
        } else {
            arms.push((s, decode));
        }
    }
    let mut grouped: Vec<ResponseArm> = Vec::new();
    for (status, decode) in arms {
        match grouped.last_mut() {
            Some(last) if last.decode == decode => last.statuses.push(status),
            _ => grouped.push(ResponseArm {
                statuses: vec![status],
                decode,
            }),
        }
    }
    (grouped, default_arm)
}

/// Media types whose bodies are JSON.
pub fn is_json_media_type(m: &str) -> bool {
    let essence = m
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

impl<'a> Ctx<'a> {
    fn error(&mut self, code: Code, pointer: &str, message: impl Into<String>) {
        let loc = self.spec.locate(pointer);
        self.diags.push(Diagnostic::error(code, loc, message));
    }

    fn warn(&mut self, code: Code, pointer: &str, message: impl Into<String>) {
        let loc = self.spec.locate(pointer);
        self.diags.push(Diagnostic::warning(code, loc, message));
    }

    fn degrade(&mut self, kind: &'static str, pointer: &str) -> TypeRef {
        self.degraded.push(Degraded {
            kind,
            pointer: pointer.to_owned(),
        });
        if let Some(owner) = self.owners.last() {
            self.graph.entry(owner.clone()).or_default().own_degraded += 1;
        }
        TypeRef::Json
    }

    fn uses(&mut self, model: &str) {
        if let Some(owner) = self.owners.last() {
            if owner != model {
                self.graph
                    .entry(owner.clone())
                    .or_default()
                    .uses
                    .insert(model.to_owned());
            }
        }
    }

    /// The Rust name of a component schema (pinned, or from its name).
    fn component_type_name(&self, pointer: &str) -> String {
        let comp = pointer
            .rsplit('/')
            .next()
            .map(crate::diag::unescape_pointer_token)
            .unwrap_or_default();
        self.pinned_or(pointer, || type_name(&comp))
    }

    /// The Rust name for a construct: pinned in the config, or derived.
    fn pinned_or(&self, pointer: &str, derived: impl FnOnce() -> String) -> String {
        self.names.get(pointer).cloned().unwrap_or_else(derived)
    }

    // ----- operations -------------------------------------------------------

    fn operation(
        &mut self,
        sel: &Selected<'a>,
        fn_scope: &mut Scope,
        seen_ids: &mut BTreeMap<String, String>,
    ) -> Option<Operation> {
        let op = sel.operation;
        let pointer = sel.pointer();
        let operation_id = match &op.operation_id {
            Some(id) => id.clone(),
            None => {
                let derived = format!("{} {}", sel.method, sel.path);
                self.warn(
                    Code::Quirk,
                    &pointer,
                    format!("operation has no operationId; named from `{derived}`"),
                );
                derived
            }
        };
        if let Some(first) = seen_ids.insert(operation_id.clone(), pointer.clone()) {
            self.error(
                Code::Naming,
                &format!("{pointer}/operationId"),
                format!("duplicate operationId `{operation_id}`, also used at {first}"),
            );
            return None;
        }
        let pinned = op
            .extensions
            .get(RUST_NAME)
            .and_then(|v| v.as_str())
            .map(value_name);
        let fn_name = fn_scope.claim(
            &pinned.unwrap_or_else(|| self.pinned_or(&pointer, || value_name(&operation_id))),
            &operation_id,
        );
        // A model keeps its schema's name; an operation named like one
        // (`addUserToTeam` beside the schema `AddUserToTeam`) takes `...Request`.
        let base = type_name(&fn_name);
        let candidates = [base.clone(), format!("{base}Request")];
        let wanted = candidates
            .iter()
            .find(|c| !self.component_names.contains(*c) && !self.type_scope.is_taken(c))
            .unwrap_or(&candidates[0])
            .clone();
        let struct_name = self.type_scope.claim(&wanted, &operation_id);
        self.owners.push(struct_name.clone());
        self.graph
            .entry(struct_name.clone())
            .or_default()
            .is_operation = true;

        // Path-item parameters first; the operation's own override by (name, in).
        let mut raw_params: IndexMap<(String, String), (&Parameter, String)> = IndexMap::new();
        let item_ptr = format!("#/paths/{}/parameters", pointer_token(sel.path));
        for (i, p) in sel.path_params.iter().enumerate() {
            match resolve::component(self.spec, p, &format!("{item_ptr}/{i}")) {
                Ok((param, at)) => {
                    let d = param.parameter_data_ref();
                    raw_params.insert(
                        (d.name.clone(), location_name(param).to_owned()),
                        (param, at),
                    );
                }
                Err(d) => self.diags.push(d),
            }
        }
        for (i, p) in op.parameters.iter().enumerate() {
            match resolve::component(self.spec, p, &format!("{pointer}/parameters/{i}")) {
                Ok((param, at)) => {
                    let d = param.parameter_data_ref();
                    raw_params.insert(
                        (d.name.clone(), location_name(param).to_owned()),
                        (param, at),
                    );
                }
                Err(d) => self.diags.push(d),
            }
        }
        let mut param_scope = Scope::new();
        for reserved in [
            "new",
            "to_request",
            "parse_response",
            "path",
            "query",
            "body",
            "media_type",
        ] {
            param_scope.reserve(reserved);
        }
        let mut params = Vec::new();
        for (param, at) in raw_params.values() {
            if let Some(p) = self.param(param, at, &struct_name, &mut param_scope) {
                params.push(p);
            }
        }
        // Path parameters in template order, then required, then optional.
        let segments = self.segments(sel.path, &pointer, &params);
        params.sort_by_key(|p| (p.location, !p.required));
        let segments = segments.map(|segs| {
            segs.into_iter()
                .map(|s| match s {
                    (None, lit) => Segment::Literal(lit),
                    (Some(wire), _) => Segment::Param(
                        params
                            .iter()
                            .position(|p| p.wire == wire && p.location == ParamLocation::Path)
                            .unwrap_or(0),
                    ),
                })
                .collect()
        });

        let body = match &op.request_body {
            Some(b) => self.request_body(b, &format!("{pointer}/requestBody"), &struct_name),
            None => None,
        };

        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut cases: Vec<(Status, &openapiv3::ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
        for (code, r) in &op.responses.responses {
            let (status, key) = match code {
                StatusCode::Code(c) => (Status::Code(*c), c.to_string()),
                StatusCode::Range(r) => (Status::Range(*r), format!("{r}XX")),
            };
            cases.push((status, r, format!("{pointer}/responses/{key}")));
        }
        if let Some(r) = &op.responses.default {
            cases.push((Status::Default, r, format!("{pointer}/responses/default")));
        }
        cases.sort_by_key(|c| c.0);
        for (status, r, at) in cases {
            let (response, rat) = match resolve::component(self.spec, r, &at) {
                Ok(x) => x,
                Err(d) => {
                    self.diags.push(d);
                    continue;
                }
            };
            let is_success = matches!(status, Status::Code(200..=299) | Status::Range(2));
            let hint = if is_success {
                format!("{struct_name}Response")
            } else {
                format!("{struct_name}ErrorBody")
            };
            let mut media: Vec<(&String, &openapiv3::MediaType)> =
                response.content.iter().collect();
            media.sort_by(|a, b| a.0.cmp(b.0));
            if media.is_empty() {
                let case = ResponseCase {
                    status,
                    media_type: None,
                    body: None,
                };
                if is_success {
                    success.push(case)
                } else {
                    errors.push(case)
                }
            }
            for (mt, m) in media {
                let mat = format!("{rat}/content/{}", pointer_token(mt));
                let body = if !is_json_media_type(mt) {
                    // csv, gzip, octet-stream: the bytes as sent.
                    if is_success {
                        Some(TypeRef::Bytes)
                    } else {
                        None
                    }
                } else {
                    match &m.schema {
                        Some(schema) => Some(self.schema_ref(
                            schema,
                            &format!("{mat}/schema"),
                            &hint,
                            Direction::Response,
                        )),
                        None => {
                            self.warn(
                                Code::Quirk,
                                &mat,
                                format!("`{mt}` has no schema; its body is not decoded"),
                            );
                            None
                        }
                    }
                };
                if let (Some(ty), Some(example)) = (&body, &m.example) {
                    if ty != &TypeRef::Bytes {
                        self.examples.push(Example {
                            pointer: format!("{mat}/example"),
                            ty: ty.clone(),
                            value: example.clone(),
                            issue: None,
                        });
                    }
                }
                for (name, e) in &m.examples {
                    if let (Some(ty), ReferenceOr::Item(e)) = (&body, e) {
                        if let (Some(value), true) = (&e.value, ty != &TypeRef::Bytes) {
                            self.examples.push(Example {
                                pointer: format!("{mat}/examples/{}", pointer_token(name)),
                                ty: ty.clone(),
                                value: value.clone(),
                                issue: None,
                            });
                        }
                    }
                }
                let case = ResponseCase {
                    status,
                    media_type: Some(mt.clone()),
                    body,
                };
                if is_success {
                    success.push(case)
                } else {
                    errors.push(case)
                }
            }
        }
        // Several dated versions of the success body: the newest is the
        // default (its type is the success type); the others can be pinned.
        let mut versions: Vec<String> = success
            .iter()
            .filter_map(|c| c.media_type.clone())
            .collect();
        versions.sort();
        versions.dedup();
        versions.reverse();
        let newest = versions.first().cloned();
        let newest_cases: Vec<ResponseCase> = success
            .iter()
            .filter(|c| c.media_type == newest)
            .cloned()
            .collect();
        let success_type = self.single_body(
            &newest_cases,
            &format!("{pointer}/responses"),
            "several success body types",
        );
        let error_type = {
            let mut bodies: Vec<&TypeRef> = errors.iter().filter_map(|c| c.body.as_ref()).collect();
            bodies.sort();
            bodies.dedup();
            match bodies.as_slice() {
                [] => None,
                [one] => Some((*one).clone()),
                several => Some(self.error_union(
                    several,
                    &format!("{pointer}/responses"),
                    &format!("{struct_name}ErrorBody"),
                )),
            }
        };
        let mut error_media: Vec<String> = Vec::new();
        for c in &errors {
            if let Some(m) = &c.media_type {
                if !error_media.contains(m) {
                    error_media.push(m.clone());
                }
            }
        }
        let mut accept: Vec<String> = newest.into_iter().collect();
        for m in &error_media {
            if !accept.contains(m) {
                accept.push(m.clone());
            }
        }
        self.owners.pop();
        let segments = segments?;
        let (arms, default_arm) = response_arms(
            &success,
            success_type.as_ref(),
            &errors,
            error_type.as_ref(),
            &self.types,
        );
        Some(Operation {
            operation_id,
            fn_name,
            struct_name,
            method: sel.method.to_uppercase(),
            path: sel.path.to_owned(),
            segments,
            params,
            doc: Doc {
                summary: op.summary.clone(),
                description: op.description.clone(),
                notes: Vec::new(),
            },
            deprecated: op.deprecated,
            tags: op.tags.clone(),
            accept: accept.join(", "),
            error_accept: error_media.join(", "),
            versions,
            body,
            success,
            success_type,
            errors,
            error_type,
            paging: None,
            envelope: None,
            arms,
            default_arm,
            features: Vec::new(),
        })
    }

    /// A request body: the newest JSON media type decides the type; other
    /// dated versions that share its schema can be pinned by the caller.
    fn request_body(
        &mut self,
        r: &'a ReferenceOr<openapiv3::RequestBody>,
        at: &str,
        struct_name: &str,
    ) -> Option<RequestBody> {
        let (body, bat) = match resolve::component(self.spec, r, at) {
            Ok(x) => x,
            Err(d) => {
                self.diags.push(d);
                return None;
            }
        };
        let mut media: Vec<(&String, &openapiv3::MediaType)> = body.content.iter().collect();
        media.sort_by(|a, b| b.0.cmp(a.0));
        let json: Vec<&(&String, &openapiv3::MediaType)> = media
            .iter()
            .filter(|(m, _)| is_json_media_type(m))
            .collect();
        let hint = format!("{struct_name}Body");
        if let Some((newest, m)) = json.first() {
            let mat = format!("{bat}/content/{}", pointer_token(newest));
            let ty = match &m.schema {
                Some(schema) => {
                    self.schema_ref(schema, &format!("{mat}/schema"), &hint, Direction::Request)
                }
                None => {
                    self.warn(
                        Code::Quirk,
                        &mat,
                        format!("`{newest}` has no schema; any JSON is sent"),
                    );
                    TypeRef::Json
                }
            };
            // Older versions are offered only where they share the schema.
            let mut media_types = vec![(*newest).clone()];
            for (other, om) in json.iter().skip(1) {
                let same = match (&om.schema, &m.schema) {
                    (
                        Some(ReferenceOr::Reference { reference: a }),
                        Some(ReferenceOr::Reference { reference: b }),
                    ) => a == b,
                    _ => false,
                };
                if same {
                    media_types.push((*other).clone());
                }
            }
            return Some(RequestBody {
                ty,
                required: body.required,
                media_types,
                doc: Doc {
                    summary: None,
                    description: body.description.clone(),
                    notes: Vec::new(),
                },
            });
        }
        let (mt, _) = media.first()?;
        Some(RequestBody {
            ty: TypeRef::Bytes,
            required: body.required,
            media_types: vec![(*mt).clone()],
            doc: Doc {
                summary: None,
                description: body.description.clone(),
                notes: Vec::new(),
            },
        })
    }

    fn single_body(
        &mut self,
        cases: &[ResponseCase],
        pointer: &str,
        what: &'static str,
    ) -> Option<TypeRef> {
        let mut bodies: Vec<&TypeRef> = cases.iter().filter_map(|c| c.body.as_ref()).collect();
        bodies.sort();
        bodies.dedup();
        match bodies.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            _ => Some(self.degrade(what, pointer)),
        }
    }

    /// Splits a path template into literal text (slashes included) and
    /// parameter names: `/groups/{groupId}:migrate` is `/groups/`,
    /// `groupId`, `:migrate`.
    fn segments(
        &mut self,
        path: &str,
        pointer: &str,
        params: &[Param],
    ) -> Option<Vec<(Option<String>, String)>> {
        let mut out = Vec::new();
        let mut ok = true;
        let mut rest = path;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(open) => {
                    if open > 0 {
                        out.push((None, rest[..open].to_owned()));
                    }
                    let Some(close) = rest[open..].find('}') else {
                        self.error(
                            Code::Shape,
                            pointer,
                            format!("unclosed `{{` in the path template `{path}`"),
                        );
                        return None;
                    };
                    let name = &rest[open + 1..open + close];
                    if params
                        .iter()
                        .any(|p| p.wire == name && p.location == ParamLocation::Path)
                    {
                        out.push((Some(name.to_owned()), String::new()));
                    } else {
                        self.error(Code::Shape, pointer, format!("the path has `{{{name}}}` but the operation declares no path parameter `{name}`"));
                        ok = false;
                    }
                    rest = &rest[open + close + 1..];
                }
                None => {
                    out.push((None, rest.to_owned()));
                    rest = "";
                }
            }
        }
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !out
                .iter()
                .any(|(w, _)| w.as_deref() == Some(p.wire.as_str()))
            {
                self.error(
                    Code::Shape,
                    pointer,
                    format!(
                        "path parameter `{}` does not appear in the path template",
                        p.wire
                    ),
                );
                ok = false;
            }
        }
        ok.then_some(out)
    }

    fn param(
        &mut self,
        param: &'a Parameter,
        at: &str,
        op_struct: &str,
        scope: &mut Scope,
    ) -> Option<Param> {
        let data = param.parameter_data_ref();
        let location = match param {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => {
                self.degrade("cookie parameter", at);
                return None;
            }
        };
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let role_key = format!("role:param.{}", data.name);
                let role = self
                    .names
                    .get(&role_key)
                    .cloned()
                    .unwrap_or_else(|| type_name(&data.name));
                self.schema_ref_with_role(
                    s,
                    &format!("{at}/schema"),
                    &format!("{op_struct}{}", type_name(&data.name)),
                    Direction::Request,
                    Some(role),
                )
            }
            ParameterSchemaOrContent::Content(_) => self.degrade("parameter with content", at),
        };
        let mut doc = Doc {
            summary: None,
            description: data.description.clone(),
            notes: Vec::new(),
        };
        if let ParameterSchemaOrContent::Schema(s) = &data.format {
            if let Ok((schema, _)) = resolve::schema(self.spec, s, at) {
                doc.notes = notes(schema);
            }
        }
        let name = scope.claim(&value_name(&data.name), &data.name);
        Some(Param {
            wire: data.name.clone(),
            name,
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            doc,
            deprecated: data.deprecated.unwrap_or(false),
        })
    }

    // ----- schemas ----------------------------------------------------------

    fn schema_ref(
        &mut self,
        r: &'a ReferenceOr<Schema>,
        at: &str,
        hint: &str,
        dir: Direction,
    ) -> TypeRef {
        self.schema_ref_with_role(r, at, hint, dir, None)
    }

    fn schema_ref_with_role(
        &mut self,
        r: &'a ReferenceOr<Schema>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        match resolve::schema(self.spec, r, at) {
            Ok((schema, target)) => self.schema(schema, target, at, hint, dir, role),
            Err(d) => {
                self.diags.push(d);
                TypeRef::Json
            }
        }
    }

    fn boxed_ref(
        &mut self,
        r: &'a ReferenceOr<Box<Schema>>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        match resolve::boxed_schema(self.spec, r, at) {
            Ok((schema, target)) => self.schema(schema, target, at, hint, dir, role),
            Err(d) => {
                self.diags.push(d);
                TypeRef::Json
            }
        }
    }

    /// Lowers a schema. `target` is the component pointer when it was reached
    /// through a `$ref` (named types are memoised by it); `at` is where it is
    /// used or defined inline.
    fn schema(
        &mut self,
        schema: &'a Schema,
        target: Option<String>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        // Reached again with no named type started since (an array of
        // itself, an `allOf` alias loop): no Rust type can hold it, and
        // lowering it again would recurse forever.
        let key = target.clone().unwrap_or_else(|| at.to_owned());
        if let Some(first) = self
            .active
            .iter()
            .find(|(k, n)| *k == key && *n == self.in_progress.len())
            .map(|(k, _)| k.clone())
        {
            self.error(Code::Cycle, &first, format!("`{first}` contains itself with no object in between, so no Rust type can hold it"));
            return TypeRef::Json;
        }
        if self.active.len() >= MAX_SCHEMA_DEPTH {
            self.error(
                Code::Shape,
                at,
                format!("schemas nested more than {MAX_SCHEMA_DEPTH} deep"),
            );
            return TypeRef::Json;
        }
        self.sites.insert(at.to_owned());
        self.active.push((key, self.in_progress.len()));
        let ty = self.schema_inner(schema, target.clone(), at, hint, dir, role);
        self.active.pop();
        // The schema's own example should decode into what it became.
        if let Some(example) = &schema.schema_data.example {
            let pointer = format!("{}/example", target.as_deref().unwrap_or(at));
            if dir == Direction::Response && ty != TypeRef::Json {
                self.examples.push(Example {
                    pointer,
                    ty: ty.clone(),
                    value: example.clone(),
                    issue: None,
                });
            }
        }
        ty
    }

    fn schema_inner(
        &mut self,
        schema: &'a Schema,
        target: Option<String>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        let pointer = target.clone().unwrap_or_else(|| at.to_owned());
        // `x-rust-name` in the spec pins a name as the config does.
        let mut extension_name = schema
            .schema_data
            .extensions
            .get(RUST_NAME)
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        if let Some(bad) = extension_name.take_if(|n| !is_identifier(n)) {
            let loc = self.spec.locate(&format!("{pointer}/{RUST_NAME}"));
            self.diags
                .push(bad_pin(loc, &format!("`{RUST_NAME}`"), &bad));
        }
        let name_hint = match &target {
            _ if extension_name.is_some() => {
                let base = extension_name.clone().unwrap_or_default();
                if dir == Direction::Request
                    && target
                        .as_ref()
                        .is_some_and(|t| self.response_reach.contains(t))
                {
                    format!("{base}Request")
                } else {
                    base
                }
            }
            Some(t) => {
                let comp = t
                    .rsplit('/')
                    .next()
                    .map(crate::diag::unescape_pointer_token)
                    .unwrap_or_default();
                let base = self.pinned_or(t, || type_name(&comp));
                if dir == Direction::Request && self.response_reach.contains(t) {
                    format!("{base}Request")
                } else {
                    base
                }
            }
            None => {
                let base = self.pinned_or(at, || hint.to_owned());
                // The request twin of an inline type inside a response model.
                let twin = dir == Direction::Request
                    && component_of(at).is_some_and(|c| self.response_reach.contains(&c));
                if twin && !base.ends_with("Request") {
                    format!("{base}Request")
                } else {
                    base
                }
            }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if !values.is_empty() {
                    return self.named(&pointer, dir, &name_hint, |cx, _| {
                        let variants = cx.variants(&values, &pointer);
                        (
                            doc_of(schema),
                            schema.schema_data.deprecated,
                            TypeKind::Enum(Enum {
                                variants,
                                open: dir == Direction::Response,
                            }),
                        )
                    });
                }
                let base = match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                        Some(TypeRef::DateTime)
                    }
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Some(TypeRef::Uuid),
                    _ => None,
                };
                let base = match (&s.pattern, base) {
                    (Some(p), None) => match &extension_name {
                        Some(pinned) => self.validated(p, &pointer, at, Some(pinned.clone()), None),
                        None => self.validated(p, &pointer, at, role, target.as_deref()),
                    },
                    (Some(_), Some(b)) => {
                        self.warn(
                            Code::Quirk,
                            &pointer,
                            "both a format and a pattern; the format decides the type",
                        );
                        Some(b)
                    }
                    (None, b) => b,
                };
                match (base, dir) {
                    (Some(b), Direction::Response) => TypeRef::Checked(Box::new(b)),
                    (Some(b), Direction::Request) => b,
                    (None, _) => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item = self.boxed_ref(
                        items,
                        &format!("{at}/items"),
                        &format!("{name_hint}Item"),
                        dir,
                        role,
                    );
                    TypeRef::List(Box::new(item))
                }
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    return match &o.additional_properties {
                        Some(AdditionalProperties::Schema(v)) => {
                            let value = self.schema_ref(
                                v,
                                &format!("{at}/additionalProperties"),
                                &format!("{name_hint}Value"),
                                dir,
                            );
                            TypeRef::Map(Box::new(value))
                        }
                        _ => TypeRef::Json,
                    };
                }
                if o.additional_properties
                    .as_ref()
                    .is_some_and(|a| !matches!(a, AdditionalProperties::Any(false)))
                {
                    self.degrade("additionalProperties beside properties", &pointer);
                }
                self.object(schema, &pointer, &name_hint, dir)
            }
            SchemaKind::OneOf { one_of } => self.union(one_of, schema, &pointer, &name_hint, dir),
            SchemaKind::AllOf { all_of } => self.all_of(all_of, schema, &pointer, &name_hint, dir),
            SchemaKind::AnyOf { any_of } => self.union(any_of, schema, &pointer, &name_hint, dir),
            SchemaKind::Not { .. } => self.degrade("not", &pointer),
            SchemaKind::Any(any) => self.any(any, schema, target, at, &name_hint, dir, role),
        }
    }

    /// openapiv3 parses schemas that fit no single `type` shape as `Any`:
    /// integer bounds written as floats, `enum` on arrays, compositions mixed
    /// with properties, or no `type` at all.
    #[allow(clippy::too_many_arguments)]
    fn any(
        &mut self,
        any: &'a AnySchema,
        schema: &'a Schema,
        target: Option<String>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        let pointer = target.clone().unwrap_or_else(|| at.to_owned());
        if !any.one_of.is_empty() {
            return self.union(&any.one_of, schema, &pointer, hint, dir);
        }
        if !any.any_of.is_empty() {
            return self.union(&any.any_of, schema, &pointer, hint, dir);
        }
        if !any.all_of.is_empty() {
            return self.all_of(&any.all_of, schema, &pointer, hint, dir);
        }
        if !any.properties.is_empty() && matches!(any.typ.as_deref(), None | Some("object")) {
            return self.object(schema, &pointer, hint, dir);
        }
        match any.typ.as_deref() {
            Some("integer") => {
                if any.minimum.is_some_and(|m| m.fract() != 0.0)
                    || any.maximum.is_some_and(|m| m.fract() != 0.0)
                {
                    self.warn(
                        Code::Quirk,
                        &pointer,
                        "integer bound with a fractional part",
                    );
                } else if any.minimum.is_some() || any.maximum.is_some() {
                    self.warn(
                        Code::Quirk,
                        &pointer,
                        "integer bound written as a float; read as an integer",
                    );
                }
                if any.format.as_deref() == Some("int32") {
                    TypeRef::I32
                } else {
                    TypeRef::I64
                }
            }
            Some("number") => {
                if any.format.as_deref() == Some("float") {
                    TypeRef::F32
                } else {
                    TypeRef::F64
                }
            }
            Some("array") => {
                if !any.enumeration.is_empty() {
                    self.warn(
                        Code::Quirk,
                        &pointer,
                        "`enum` on an array schema; its values apply to the items",
                    );
                }
                match &any.items {
                    Some(items) => {
                        let item = self.boxed_ref(
                            items,
                            &format!("{at}/items"),
                            &format!("{hint}Item"),
                            dir,
                            role,
                        );
                        TypeRef::List(Box::new(item))
                    }
                    None => TypeRef::List(Box::new(TypeRef::Json)),
                }
            }
            Some("string") | Some("boolean") | Some("object") | None
                if any.properties.is_empty() && any.enumeration.is_empty() =>
            {
                match any.typ.as_deref() {
                    Some("string") => TypeRef::String,
                    Some("boolean") => TypeRef::Bool,
                    _ => TypeRef::Json,
                }
            }
            _ => self.degrade("schema of mixed shape", &pointer),
        }
    }

    /// Memoises a named type by (pointer, direction). The name is claimed
    /// and recorded before the body is lowered, so a type that reaches
    /// itself finds its own name (and gets a `Box`).
    fn named(
        &mut self,
        pointer: &str,
        dir: Direction,
        name_hint: &str,
        build: impl FnOnce(&mut Self, &str) -> (Doc, bool, TypeKind),
    ) -> TypeRef {
        let key = (pointer.to_owned(), dir);
        if let Some(TypeRef::Model(name)) = self.memo.get(&key) {
            let name = name.clone();
            self.uses(&name);
            if self.in_progress.contains(&key) {
                return TypeRef::Boxed(Box::new(TypeRef::Model(name)));
            }
            return TypeRef::Model(name);
        }
        let wanted = name_hint.to_owned();
        let name = self.type_scope.claim(&wanted, pointer);
        self.uses(&name);
        self.memo.insert(key.clone(), TypeRef::Model(name.clone()));
        self.in_progress.insert(key.clone());
        self.owners.push(name.clone());
        self.graph.entry(name.clone()).or_default();
        let (doc, deprecated, kind) = build(self, &name);
        self.owners.pop();
        self.in_progress.remove(&key);
        // An inline schema written out again elsewhere (the same titled enum
        // in many properties) is one type, not `Foo`, `Foo2`, `Foo3`.
        if name != name_hint && !is_component(pointer) {
            if let Some(twin) = self
                .types
                .iter()
                .find(|t| t.name == name_hint && t.kind == kind && !is_component(&t.origin))
            {
                let twin = twin.name.clone();
                self.type_scope.release(&name);
                let node = self.graph.remove(&name).unwrap_or_default();
                self.graph.entry(twin.clone()).or_default();
                if let Some(owner) = self.owners.last().cloned() {
                    let uses = &mut self.graph.entry(owner).or_default().uses;
                    uses.remove(&name);
                    uses.insert(twin.clone());
                }
                let _ = node;
                self.memo.insert(key, TypeRef::Model(twin.clone()));
                return TypeRef::Model(twin);
            }
        }
        // No twin: an inline type that lost its name to a different type
        // takes its component's name in front
        // (`DefaultAlertViewForNdsGroupBillingEventTypes`) rather than a number.
        let mut name = name;
        if name != name_hint
            && !is_component(pointer)
            && !format!("{kind:?}").contains(&format!("Model({name:?})"))
        {
            if let Some(comp) = component_of(pointer) {
                let prefixed = format!("{}{name_hint}", self.component_type_name(&comp));
                if !self.type_scope.is_taken(&prefixed) {
                    self.type_scope.release(&name);
                    let renamed = self.type_scope.claim(&prefixed, pointer);
                    if let Some(node) = self.graph.remove(&name) {
                        self.graph.insert(renamed.clone(), node);
                    }
                    if let Some(owner) = self.owners.last().cloned() {
                        let uses = &mut self.graph.entry(owner).or_default().uses;
                        uses.remove(&name);
                        uses.insert(renamed.clone());
                    }
                    self.memo
                        .insert(key.clone(), TypeRef::Model(renamed.clone()));
                    name = renamed;
                }
            }
        }
        self.types.push(TypeDef {
            name: name.clone(),
            origin: pointer.to_owned(),
            doc,
            deprecated,
            kind,
            features: Vec::new(),
        });
        TypeRef::Model(name)
    }

    fn fields(
        &mut self,
        mut props: Vec<compose::Prop<'a>>,
        required: &BTreeSet<String>,
        pointer: &str,
        owner: &str,
        dir: Direction,
    ) -> Vec<Field> {
        let mut scope = Scope::new();
        let mut fields = Vec::new();
        props.sort_by(|a, b| a.wire.cmp(&b.wire));
        for prop in &props {
            let wire = &prop.wire;
            let at = &prop.at;
            let (doc, deprecated, password, nullable, read_only, write_only, one_or_many) =
                match resolve::boxed_schema(self.spec, prop.schema, at) {
                    Ok((s, _)) => {
                        let one_or_many = matches!(&s.schema_kind, SchemaKind::Any(a)
                            if a.typ.as_deref() == Some("array") && !a.enumeration.is_empty());
                        let mut d = doc_of(s);
                        d.notes = notes(s);
                        let password = matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if matches!(st.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password)));
                        let sd = &s.schema_data;
                        // `x-rust-secret: true` marks a credential where the name does not.
                        let password = password
                            || sd
                                .extensions
                                .get(RUST_SECRET)
                                .and_then(|v| v.as_bool())
                                .unwrap_or(false);
                        (
                            d,
                            sd.deprecated,
                            password,
                            sd.nullable,
                            sd.read_only,
                            sd.write_only,
                            one_or_many,
                        )
                    }
                    Err(_) => (Doc::default(), false, false, false, false, false, false),
                };
            // The caller never fills a server-only field, and never sees a
            // request-only one.
            if (dir == Direction::Request && read_only)
                || (dir == Direction::Response && write_only)
            {
                continue;
            }
            let role = self.role_for(owner, wire);
            let hint = format!("{owner}{}", type_name(wire));
            let ty = self.boxed_ref(prop.schema, at, &hint, dir, Some(role));
            let name = scope.claim(&value_name(wire), wire);
            let secret = password || is_secret_name(wire) || self.secrets.iter().any(|p| p == at);
            if lossy_name(wire) {
                self.warn(Code::Naming, at, format!("property `{wire}` has no ASCII letters or digits of its own; the field is `{name}`"));
            }
            fields.push(Field {
                wire: wire.clone(),
                name,
                ty,
                required: required.contains(wire),
                nullable,
                doc,
                deprecated,
                secret,
                one_or_many,
            });
        }
        for c in &scope.collisions {
            self.warn(
                Code::Naming,
                pointer,
                format!(
                    "properties `{}` and `{}` both become `{}`; the second is `{}`",
                    c.first_owner, c.owner, c.wanted, c.given
                ),
            );
        }
        for r in required {
            if !props.iter().any(|p| &p.wire == r) {
                self.warn(
                    Code::Quirk,
                    &format!("{pointer}/required"),
                    format!("`{r}` is required but not among the properties"),
                );
            }
        }
        fields
    }

    /// The role of a property that carries a pattern: what its validated
    /// string type is called. `targetGroupId` is a `GroupId`; a bare `id` is
    /// the owner's id; the config can pin any of them.
    fn role_for(&self, owner: &str, wire: &str) -> String {
        if let Some(pinned) = self.names.get(&format!("role:{owner}.{wire}")) {
            return pinned.clone();
        }
        let mut base = wire;
        for prefix in ["target", "source"] {
            if let Some(rest) = wire.strip_prefix(prefix) {
                if rest.starts_with(|c: char| c.is_ascii_uppercase()) {
                    base = rest;
                }
            }
        }
        if base.eq_ignore_ascii_case("id") {
            return format!("{owner}Id");
        }
        type_name(base)
    }

    fn variants(&mut self, values: &[&String], pointer: &str) -> Vec<Variant> {
        let mut scope = Scope::new();
        scope.reserve("Unknown");
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut spelled = Vec::new();
        for v in values {
            if !seen.insert(v.as_str()) {
                self.warn(
                    Code::Quirk,
                    pointer,
                    format!("enum value `{v}` is listed twice"),
                );
                continue;
            }
            let name = scope.claim(&type_name(v), v);
            if lossy_name(v) {
                spelled.push(format!("`{v}` is `{name}`"));
            }
            out.push(Variant {
                wire: (*v).clone(),
                name,
            });
        }
        if !spelled.is_empty() {
            self.warn(
                Code::Naming,
                pointer,
                format!(
                    "enum values without ASCII letters or digits of their own are spelled out: {}",
                    spelled.join(", ")
                ),
            );
        }
        for c in &scope.collisions {
            self.warn(
                Code::Naming,
                pointer,
                format!(
                    "enum values `{}` and `{}` both become `{}`; the second is `{}`",
                    c.first_owner, c.owner, c.wanted, c.given
                ),
            );
        }
        out
    }

    /// A validated string type for a pattern, shared by every use with the
    /// same role and pattern.
    fn validated(
        &mut self,
        pattern: &str,
        pointer: &str,
        at: &str,
        role: Option<String>,
        target: Option<&str>,
    ) -> Option<TypeRef> {
        if self.bad_patterns.contains(pattern) {
            return None;
        }
        if !self.patterns.contains_key(pattern) {
            match pattern::compile(pattern) {
                Ok(c) => {
                    let quirks = [
                        pattern::double_escape_warning(pattern),
                        pattern::unicode_property_warning(pattern),
                    ];
                    for w in quirks.into_iter().flatten() {
                        self.warn(Code::Pattern, &format!("{pointer}/pattern"), w);
                    }
                    self.patterns.insert(pattern.to_owned(), c);
                }
                Err(e) => {
                    self.error(Code::Pattern, &format!("{pointer}/pattern"), format!("{e}"));
                    self.bad_patterns.insert(pattern.to_owned());
                    return None;
                }
            }
        }
        let role = match (role, target) {
            // A named string schema is its own role.
            (_, Some(t)) => {
                self.pinned_or(t, || type_name(t.rsplit('/').next().unwrap_or("Pattern")))
            }
            (Some(r), None) => r,
            (None, None) => "PatternString".to_owned(),
        };
        // Same role, same pattern: one type. Same role, other pattern: a new name.
        let mut name = role.clone();
        let mut n = 2;
        loop {
            match self.strings.get_mut(&name) {
                Some(existing) if existing.pattern == pattern => {
                    existing.used_at.push(at.to_owned());
                    return Some(TypeRef::Validated(name));
                }
                Some(_) => {
                    name = format!("{role}{n}");
                    n += 1;
                }
                None => break,
            }
        }
        let name = self.type_scope.claim(&name, at);
        if name != role {
            self.warn(
                Code::Naming,
                at,
                format!("`{role}` already names a type with another pattern; this one is `{name}`"),
            );
        }
        self.strings.insert(
            name.clone(),
            ValidatedString {
                name: name.clone(),
                pattern: pattern.to_owned(),
                matcher: String::new(),
                doc: Doc::default(),
                used_at: vec![at.to_owned()],
                features: Vec::new(),
            },
        );
        Some(TypeRef::Validated(name))
    }
}

/// A name whose Rust form cannot say what it was: only symbols (`<`), or
/// letters beyond ASCII, which identifiers here leave out.
fn lossy_name(raw: &str) -> bool {
    !raw.chars().any(|c| c.is_ascii_alphanumeric())
        || raw.chars().any(|c| c.is_alphanumeric() && !c.is_ascii())
}

/// Whether a pinned name can be used as written: letters, digits and `_`,
/// and not a keyword (syn refuses those).
fn is_identifier(name: &str) -> bool {
    name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && syn::parse_str::<syn::Ident>(name).is_ok()
}

fn bad_pin(loc: crate::diag::Location, what: &str, name: &str) -> Diagnostic {
    Diagnostic::error(Code::Naming, loc, format!("{what}, `{name}`, is not a Rust identifier"))
        .with_help("pin a name of letters, digits and `_` that does not start with a digit and is not a Rust keyword")
}

/// The component schema a pointer is inside of.
fn component_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("#/components/schemas/")?;
    let name = rest.split('/').next()?;
    Some(format!("#/components/schemas/{name}"))
}

/// Whether a pointer names a component schema itself (not something inside it).
fn is_component(pointer: &str) -> bool {
    pointer
        .strip_prefix("#/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// Property names that carry credentials even when the spec does not say
/// `format: password` (Atlas' `delivery.authValue` is one).
pub fn is_secret_name(wire: &str) -> bool {
    let w = wire.to_ascii_lowercase();
    // The same rule as `atlas_runtime::redact::is_secret_key` (a test holds
    // them together), so models and error previews hide the same values.
    [
        "password",
        "secret",
        "token",
        "authvalue",
        "privatekey",
        "apikey",
        "credential",
        "signature",
    ]
    .iter()
    .any(|s| w.contains(s))
        && !w.ends_with("name")
        && !w.ends_with("id")
        && !w.ends_with("type")
        && !w.ends_with("expiresat")
}

fn location_name(p: &Parameter) -> &'static str {
    match p {
        Parameter::Path { .. } => "path",
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn doc_of(s: &Schema) -> Doc {
    Doc {
        summary: s.schema_data.title.clone(),
        description: s.schema_data.description.clone(),
        notes: Vec::new(),
    }
}

/// Facts about a schema worth a line in the docs.
fn notes(s: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            if let VariantOrUnknownOrEmpty::Item(f) = &st.format {
                let f = match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                };
                out.push(format!("Format: `{f}`."));
            } else if let VariantOrUnknownOrEmpty::Unknown(f) = &st.format {
                out.push(format!("Format: `{f}`."));
            }
            if let Some(p) = &st.pattern {
                out.push(format!("Pattern: `{p}`."));
            }
            if let Some(n) = st.min_length {
                out.push(format!("Minimum length: {n}."));
            }
            if let Some(n) = st.max_length {
                out.push(format!("Maximum length: {n}."));
            }
        }
        SchemaKind::Type(Type::Integer(i)) => {
            if let Some(m) = i.minimum {
                out.push(format!(
                    "Minimum: {m}{}.",
                    if i.exclusive_minimum {
                        " (exclusive)"
                    } else {
                        ""
                    }
                ));
            }
            if let Some(m) = i.maximum {
                out.push(format!(
                    "Maximum: {m}{}.",
                    if i.exclusive_maximum {
                        " (exclusive)"
                    } else {
                        ""
                    }
                ));
            }
        }
        SchemaKind::Type(Type::Number(n)) => {
            if let Some(m) = n.minimum {
                out.push(format!("Minimum: {m}."));
            }
            if let Some(m) = n.maximum {
                out.push(format!("Maximum: {m}."));
            }
        }
        SchemaKind::Any(a) => {
            if let Some(m) = a.minimum {
                out.push(format!("Minimum: {m}."));
            }
            if let Some(m) = a.maximum {
                out.push(format!("Maximum: {m}."));
            }
        }
        _ => {}
    }
    if let Some(d) = &s.schema_data.default {
        out.push(format!("Default: `{d}`."));
    }
    out
}
