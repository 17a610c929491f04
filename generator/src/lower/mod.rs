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
use crate::diag::{Code, Diagnostic};
use crate::extensions::{self, RUST_NAME};
use crate::ir::*;
use crate::load::Spec;
use crate::naming::{type_name, value_name, Scope};
use crate::pattern;
use crate::position::pointer_token;
use crate::resolve::{self, Selected};

mod compose;
pub use compose::is_variant_of;
mod conform;
mod docs;
mod names;
mod operation;
mod reach;
mod responses;
mod schema;

use docs::{doc_of, notes};
pub use names::is_secret_name;
use names::{bad_pin, component_of, is_component, is_identifier, is_plain_value, lossy_name};
use reach::{response_reach, security_schemes};
pub use responses::is_json_media_type;
use responses::response_arms;
pub mod cli;
mod conventions;
pub mod features;
mod mock;

/// Who produces the values of a type: the server (decoded leniently, open
/// enums) or the caller (validated strictly, closed enums).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Sent by the server: decoded leniently.
    Response,
    /// Sent by the caller: validated strictly.
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
    /// Every (schema pointer, direction) that became a named model (and, with
    /// `all_schemas`, every component schema), and the type it became: what
    /// the round-trip cases are made of.
    pub schema_types: Vec<(String, Direction, TypeRef)>,
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
    /// (role, pattern) -> the validated string's Rust name.
    string_roles: BTreeMap<(String, String), String>,
    /// Memo keys that name no schema of the spec (an array's `enum`).
    synthetic: BTreeSet<String>,
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
    let mut cx = Ctx::new(spec, config);
    cx.component_names = spec
        .api
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|n| cx.component_type_name(&format!("#/components/schemas/{}", pointer_token(n))))
        .collect();
    cx.response_reach = if all_schemas {
        all_component_pointers(spec)
    } else {
        response_reach(spec, selected)
    };
    cx.check_pins(config);
    // Names the generated crate defines itself.
    for reserved in crate::naming::reserved::ROOT_ITEMS {
        cx.type_scope.reserve(reserved);
    }
    let (operations, fn_scope) = cx.operations(selected);
    cx.ref_sibling_warnings(selected, all_schemas);
    cx.collision_warnings(&fn_scope);
    let component_types = if all_schemas {
        cx.every_component()
    } else {
        Vec::new()
    };
    let (strings, matchers) = validated_strings(
        std::mem::take(&mut cx.strings),
        std::mem::take(&mut cx.patterns),
    );
    let mut types = std::mem::take(&mut cx.types);
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let info = &spec.api.info;
    let mut api = Api {
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
            let mut e = std::mem::take(&mut cx.examples);
            e.sort_by(|a, b| a.pointer.cmp(&b.pointer));
            e.dedup_by(|a, b| a.pointer == b.pointer);
            e
        },
        roundtrip_types: Vec::new(),
        tag_features: false,
        features: Vec::new(),
        cli: Cli::default(),
    };
    let mut diagnostics = std::mem::take(&mut cx.diags);
    diagnostics.extend(spec.warnings.iter().cloned());
    diagnostics.extend(passes(spec, config, &mut api));
    diagnostics.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.cmp(b)));
    diagnostics.dedup();
    let schema_types = roundtrip_schemas(&mut api, &cx, component_types);
    Lowered {
        api,
        diagnostics,
        degraded: cx.degraded,
        graph: cx.graph,
        schema_types,
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

/// The passes over the finished IR, in order: examples checked against
/// their schemas, tag features, the API's conventions (paging, envelope),
/// the untagged unions' conformance; each returns what it warns about.
fn passes(spec: &Spec, config: &Config, api: &mut Api) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // Examples that contradict their own schema are spec issues, reported.
    let issues: Vec<(usize, String)> = {
        let checker = crate::examples::Checker::new(api);
        api.examples
            .iter()
            .enumerate()
            .filter_map(|(i, e)| checker.check(&e.value, &e.ty).err().map(|why| (i, why)))
            .collect()
    };
    for (tag, message) in features::assign(api, config.output.tag_features) {
        let at = spec
            .api
            .tags
            .iter()
            .position(|t| t.name == tag)
            .map(|i| format!("#/tags/{i}"))
            .unwrap_or_default();
        diagnostics.push(Diagnostic::warning(Code::Naming, spec.locate(&at), message));
    }
    conventions::assign(api, &config.paging, &config.envelope);
    mock::assign(api);
    api.cli = cli::assign(api, &spec.api.tags);
    for (pointer, message) in conform::assign(api) {
        diagnostics.push(
            Diagnostic::warning(Code::Quirk, spec.locate(&pointer), message).with_help(
                "add a discriminator, or make the variants' properties or constraints differ",
            ),
        );
    }
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
    diagnostics
}

/// Every component schema's pointer.
fn all_component_pointers(spec: &Spec) -> BTreeSet<String> {
    spec.api
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|n| format!("#/components/schemas/{}", pointer_token(n)))
        .collect()
}

/// The validated strings with their matchers: one matcher per distinct
/// pattern, named for what its types have in common (`matches_id` for
/// `GroupId` and `JobId`), else `matches_pattern`.
fn validated_strings(
    strings: BTreeMap<String, ValidatedString>,
    mut patterns: BTreeMap<String, pattern::CompiledPattern>,
) -> (Vec<ValidatedString>, Vec<Matcher>) {
    let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in strings.values() {
        users.entry(&s.pattern).or_default().push(&s.name);
    }
    let mut scope = Scope::new();
    let matcher_names: BTreeMap<String, String> = users
        .iter()
        .map(|(pattern, names)| {
            let wanted = format!("matches_{}", common_suffix(names));
            ((*pattern).to_owned(), scope.claim(&wanted, pattern))
        })
        .collect();
    let mut strings: Vec<ValidatedString> = strings.into_values().collect();
    for s in &mut strings {
        s.matcher = matcher_names.get(&s.pattern).cloned().unwrap_or_default();
        s.used_at.sort();
        s.used_at.dedup();
    }
    let mut matchers: Vec<Matcher> = matcher_names
        .into_iter()
        .filter_map(|(pattern, fn_name)| {
            patterns.remove(&pattern).map(|compiled| Matcher {
                fn_name,
                pattern,
                compiled,
                features: Vec::new(),
            })
        })
        .collect();
    matchers.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
    (strings, matchers)
}

/// The words the names end with in common, in snake case (`id` for
/// `GroupId` and `JobId`); `pattern` when they have none.
fn common_suffix(names: &[&str]) -> String {
    let words: Vec<Vec<String>> = names
        .iter()
        .map(|n| {
            value_name(n)
                .trim_end_matches('_')
                .split('_')
                .map(str::to_owned)
                .collect()
        })
        .collect();
    let mut suffix: Vec<String> = Vec::new();
    if let Some(first) = words.first() {
        for (i, word) in first.iter().rev().enumerate() {
            let shared = words
                .iter()
                .all(|w| w.len() > i && &w[w.len() - 1 - i] == word);
            if !shared {
                break;
            }
            suffix.insert(0, word.clone());
        }
    }
    if suffix.iter().all(|w| w.is_empty()) {
        "pattern".to_owned()
    } else {
        suffix.join("_")
    }
}

/// The (schema, direction) pairs the round trips cover, and the types they
/// became (set on `api` too): every named model of one schema and, with
/// `all_schemas`, every component.
fn roundtrip_schemas(
    api: &mut Api,
    cx: &Ctx<'_>,
    component_types: Vec<(String, TypeRef)>,
) -> Vec<(String, Direction, TypeRef)> {
    // Every model but the error-body unions, which are made of an
    // operation's responses, not of one schema.
    let defined: BTreeSet<&str> = api
        .types
        .iter()
        .filter(|t| !matches!(&t.kind, TypeKind::Union(u) if u.by_status))
        .map(|t| t.name.as_str())
        .collect();
    let mut schema_types: Vec<(String, Direction, TypeRef)> = cx
        .memo
        .iter()
        .filter(|((p, _), t)| {
            matches!(t, TypeRef::Model(n) if defined.contains(n.as_str()))
                && !cx.synthetic.contains(p)
        })
        .map(|((p, d), t)| (p.clone(), *d, t.clone()))
        .collect();
    for (pointer, ty) in component_types {
        let key = (pointer, Direction::Response, ty);
        // What cannot be decoded from JSON has no round trip.
        if !schema_types.contains(&key) && key.2 != TypeRef::Bytes {
            schema_types.push(key);
        }
    }
    schema_types.sort();
    api.roundtrip_types = schema_types.iter().map(|(_, _, t)| t.clone()).collect();
    api.roundtrip_types.sort();
    api.roundtrip_types.dedup();
    schema_types
}

impl<'a> Ctx<'a> {
    fn new(spec: &'a Spec, config: &'a Config) -> Self {
        Ctx {
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
            string_roles: BTreeMap::new(),
            synthetic: BTreeSet::new(),
            patterns: BTreeMap::new(),
            bad_patterns: BTreeSet::new(),
            graph: BTreeMap::new(),
            owners: Vec::new(),
            response_reach: BTreeSet::new(),
            component_names: BTreeSet::new(),
            examples: Vec::new(),
            active: Vec::new(),
            sites: BTreeSet::new(),
        }
    }

    /// Pinned names are used as written: one that is no Rust identifier
    /// would make code that does not parse.
    fn check_pins(&mut self, config: &Config) {
        for (key, name) in &config.names {
            if !is_identifier(name) {
                let loc = if key.starts_with('#') {
                    self.spec.locate(key)
                } else {
                    self.spec.locate("")
                };
                self.diags.push(bad_pin(
                    loc,
                    &format!("the Rust name the config pins for `{key}`"),
                    name,
                ));
            }
        }
    }

    /// Every selected operation, sorted by name, with its twins named after
    /// every operation's own name so a twin never takes one; and the scope
    /// of function names, for the collision warnings.
    fn operations(&mut self, selected: &[Selected<'a>]) -> (Vec<Operation>, Scope) {
        let mut fn_scope = Scope::new();
        let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
        let mut operations = Vec::new();
        for sel in selected {
            operations.extend(self.operation(sel, &mut fn_scope, &mut seen_ids));
        }
        operations.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
        for op in &mut operations {
            op.with_response_fn =
                fn_scope.claim(&format!("{}_with_response", op.fn_name), &op.operation_id);
        }
        (operations, fn_scope)
    }

    /// `$ref` beside other keys, where the selection reaches it.
    fn ref_sibling_warnings(&mut self, selected: &[Selected<'_>], all_schemas: bool) {
        let spec = self.spec;
        let op_pointers: BTreeSet<String> = selected.iter().map(Selected::pointer).collect();
        for (pointer, keys) in &spec.ref_siblings {
            let op = pointer
                .match_indices('/')
                .nth(3)
                .map(|(i, _)| &pointer[..i])
                .unwrap_or(pointer);
            if all_schemas || self.sites.contains(pointer) || op_pointers.contains(op) {
                let keys = keys
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let loc = spec.locate(pointer);
                self.diags.push(
                    Diagnostic::warning(Code::Quirk, loc, format!("{keys} beside `$ref` is ignored: in OpenAPI 3.0 a `$ref` replaces the whole object"))
                        .with_help("move it into the referenced schema, or write `allOf: [{$ref: ...}]` with it beside"),
                );
            }
        }
    }

    /// Names two things wanted, of types and of functions.
    fn collision_warnings(&mut self, fn_scope: &Scope) {
        let mut found = Vec::new();
        for c in self
            .type_scope
            .collisions
            .iter()
            .chain(fn_scope.collisions.iter())
        {
            found.push(Diagnostic::warning(
                Code::Naming,
                self.spec.locate(if c.owner.starts_with('#') {
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
        self.diags.extend(found);
    }

    /// Every component schema, reached or not (the coverage report's view,
    /// and a crate that round-trips every schema): what each became, named
    /// type or not.
    fn every_component(&mut self) -> Vec<(String, TypeRef)> {
        let spec = self.spec;
        let mut component_types = Vec::new();
        if let Some(components) = &spec.api.components {
            for (name, schema) in &components.schemas {
                let pointer = format!("#/components/schemas/{}", pointer_token(name));
                let key = (pointer.clone(), Direction::Response);
                let ty = match self.memo.get(&key) {
                    Some(ty) => ty.clone(),
                    None => {
                        self.owners.push(format!("schema {name}"));
                        let hint = type_name(name);
                        let ty = self.schema_ref(schema, &pointer, &hint, Direction::Response);
                        self.owners.pop();
                        ty
                    }
                };
                component_types.push((pointer, ty));
            }
        }
        component_types
    }

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
            .map(crate::position::unescape_pointer_token)
            .unwrap_or_default();
        self.pinned_or(pointer, || type_name(&comp))
    }

    /// The Rust name for a construct: pinned in the config, or derived.
    fn pinned_or(&self, pointer: &str, derived: impl FnOnce() -> String) -> String {
        self.names.get(pointer).cloned().unwrap_or_else(derived)
    }

    // ----- operations -------------------------------------------------------

    // ----- schemas ----------------------------------------------------------
}
