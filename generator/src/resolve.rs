//! Select and resolve: pick the operations the config names, and follow
//! local `$ref`s with located errors for dangling ones and for loops.

use indexmap::IndexMap;
use openapiv3::{Operation, Parameter, ReferenceOr, Response, Schema};

use crate::config::Selection;
use crate::diag::{Code, Diagnostic, Failure};
use crate::extensions::suggest;
use crate::load::Spec;
use crate::position::{pointer, pointer_token, unescape_pointer_token};

/// One operation picked from the spec.
#[derive(Clone, Copy)]
pub struct Selected<'a> {
    pub path: &'a str,
    pub method: &'static str,
    pub operation: &'a Operation,
    /// Parameters declared on the path item, shared by its operations.
    pub path_params: &'a [ReferenceOr<Parameter>],
}

impl Selected<'_> {
    /// `#/paths/~1api~1.../get`
    pub fn pointer(&self) -> String {
        pointer(["paths", self.path, self.method])
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// All operations of the spec, in path order then method order.
pub fn all_operations(spec: &Spec) -> Vec<Selected<'_>> {
    let mut out = Vec::new();
    for (path, item) in &spec.api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let ops = [
            &item.get,
            &item.put,
            &item.post,
            &item.delete,
            &item.options,
            &item.head,
            &item.patch,
            &item.trace,
        ];
        for (method, op) in METHODS.iter().zip(ops) {
            if let Some(operation) = op {
                out.push(Selected {
                    path,
                    method,
                    operation,
                    path_params: &item.parameters,
                });
            }
        }
    }
    out
}

/// Picks the operations named by the selection; every name must match.
pub fn select<'a>(spec: &'a Spec, selection: &Selection) -> Result<Vec<Selected<'a>>, Failure> {
    let all = all_operations(spec);
    if selection.is_everything() {
        return Ok(all);
    }
    let mut errors = Vec::new();
    let loc = spec.locate("#/paths");
    let ids: Vec<&str> = all
        .iter()
        .filter_map(|s| s.operation.operation_id.as_deref())
        .collect();
    for wanted in &selection.operation_ids {
        if !ids.contains(&wanted.as_str()) {
            errors.push(not_found("operationId", wanted, &ids, loc.clone()));
        }
    }
    let tags: Vec<&str> = spec
        .api
        .tags
        .iter()
        .map(|t| t.name.as_str())
        .chain(
            all.iter()
                .flat_map(|s| s.operation.tags.iter().map(String::as_str)),
        )
        .collect();
    for wanted in &selection.tags {
        if !tags.contains(&wanted.as_str()) {
            errors.push(not_found("tag", wanted, &tags, loc.clone()));
        }
    }
    let keys: Vec<String> = all
        .iter()
        .map(|s| format!("{} {}", s.method.to_uppercase(), s.path))
        .collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    for wanted in &selection.paths {
        if !key_refs.iter().any(|k| k.eq_ignore_ascii_case(wanted)) {
            errors.push(not_found(
                "operation (method and path)",
                wanted,
                &key_refs,
                loc.clone(),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Failure {
            diagnostics: errors,
        });
    }
    Ok(all
        .into_iter()
        .zip(keys)
        .filter(|(s, key)| {
            s.operation
                .operation_id
                .as_ref()
                .is_some_and(|id| selection.operation_ids.contains(id))
                || s.operation.tags.iter().any(|t| selection.tags.contains(t))
                || selection.paths.iter().any(|p| p.eq_ignore_ascii_case(key))
        })
        .map(|(s, _)| s)
        .collect())
}

fn not_found(
    what: &str,
    wanted: &str,
    candidates: &[&str],
    loc: crate::diag::Location,
) -> Diagnostic {
    let d = Diagnostic::error(
        Code::Selection,
        loc,
        format!("the selection names {what} `{wanted}`, which the spec does not have"),
    );
    suggest(d, "the closest names in the spec", wanted, candidates)
}

/// The component name a local `$ref` points at, checked against `section`.
pub fn ref_name<'r>(
    spec: &Spec,
    reference: &'r str,
    section: &str,
    used_at: &str,
) -> Result<&'r str, Diagnostic> {
    let prefix = format!("#/components/{section}/");
    match reference.strip_prefix(&prefix) {
        Some(name) if !name.contains('/') => Ok(name),
        _ if reference.starts_with('#') => Err(Diagnostic::error(
            Code::Reference,
            spec.locate(used_at),
            format!("`$ref: {reference}` must point into `#/components/{section}/`"),
        )),
        _ => Err(Diagnostic::error(
            Code::Reference,
            spec.locate(used_at),
            format!("`$ref: {reference}` points outside this document; only local references are supported"),
        )
        .with_help("bundle the spec into one file first")),
    }
}

fn dangling(spec: &Spec, reference: &str, used_at: &str, names: Vec<&str>) -> Diagnostic {
    let name = reference
        .rsplit('/')
        .next()
        .map(unescape_pointer_token)
        .unwrap_or_default();
    // At the `$ref` line itself (the pointer still names where it is used).
    let d = Diagnostic::error(
        Code::Reference,
        spec.locate(&format!("{used_at}/$ref")),
        format!("`$ref: {reference}` points to nothing"),
    );
    suggest(d, "the closest names", &name, &names)
}

/// Follows a schema reference (through chains of references) to the schema,
/// returning the pointer of the final named target, if any.
pub fn schema<'a>(
    spec: &'a Spec,
    r: &'a ReferenceOr<Schema>,
    used_at: &str,
) -> Result<(&'a Schema, Option<String>), Diagnostic> {
    match r {
        ReferenceOr::Item(s) => Ok((s, None)),
        ReferenceOr::Reference { reference } => follow(spec, reference, used_at),
    }
}

/// Same for a boxed schema reference (properties, items).
pub fn boxed_schema<'a>(
    spec: &'a Spec,
    r: &'a ReferenceOr<Box<Schema>>,
    used_at: &str,
) -> Result<(&'a Schema, Option<String>), Diagnostic> {
    match r {
        ReferenceOr::Item(s) => Ok((s, None)),
        ReferenceOr::Reference { reference } => follow(spec, reference, used_at),
    }
}

/// Follows a `$ref` string to its schema.
pub fn follow<'a>(
    spec: &'a Spec,
    first: &str,
    used_at: &str,
) -> Result<(&'a Schema, Option<String>), Diagnostic> {
    let mut reference: &str = first;
    let mut seen: Vec<String> = Vec::new();
    loop {
        if seen.iter().any(|s| s == reference) {
            seen.push(reference.to_owned());
            return Err(Diagnostic::error(
                Code::Cycle,
                spec.locate(&format!("{used_at}/$ref")),
                format!("`$ref` cycle with no schema in it: {}", seen.join(" -> ")),
            ));
        }
        seen.push(reference.to_owned());
        let name = unescape_pointer_token(ref_name(spec, reference, "schemas", used_at)?);
        let components = spec.api.components.as_ref();
        match components.and_then(|c| c.schemas.get(&name)) {
            Some(ReferenceOr::Item(s)) => {
                return Ok((
                    s,
                    Some(format!("#/components/schemas/{}", pointer_token(&name))),
                ))
            }
            Some(ReferenceOr::Reference { reference: next }) => reference = next,
            None => {
                let names = components
                    .map(|c| c.schemas.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                return Err(dangling(spec, reference, used_at, names));
            }
        }
    }
}

/// A kind of component a `$ref` can name outside schemas (which follow
/// chains of references, see [`follow`]).
pub trait Component: Sized {
    /// The section of `#/components/` it lives in.
    const SECTION: &'static str;
    /// What it is called in messages.
    const WHAT: &'static str;
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Parameter {
    const SECTION: &'static str = "parameters";
    const WHAT: &'static str = "parameter";
    fn section(c: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.parameters
    }
}

impl Component for Response {
    const SECTION: &'static str = "responses";
    const WHAT: &'static str = "response";
    fn section(c: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.responses
    }
}

impl Component for openapiv3::RequestBody {
    const SECTION: &'static str = "requestBodies";
    const WHAT: &'static str = "request body";
    fn section(c: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.request_bodies
    }
}

/// The parameter, response or request body `r` is or names, with the
/// pointer of where it is written.
pub fn component<'a, T: Component>(
    spec: &'a Spec,
    r: &'a ReferenceOr<T>,
    used_at: &str,
) -> Result<(&'a T, String), Diagnostic> {
    let reference = match r {
        ReferenceOr::Item(item) => return Ok((item, used_at.to_owned())),
        ReferenceOr::Reference { reference } => reference,
    };
    let name = unescape_pointer_token(ref_name(spec, reference, T::SECTION, used_at)?);
    let components = spec.api.components.as_ref();
    match components.and_then(|c| T::section(c).get(&name)) {
        Some(ReferenceOr::Item(item)) => Ok((
            item,
            format!("#/components/{}/{}", T::SECTION, pointer_token(&name)),
        )),
        Some(ReferenceOr::Reference { .. }) => Err(Diagnostic::error(
            Code::Reference,
            spec.locate(used_at),
            format!(
                "`$ref: {reference}` points to another reference; chains of {} references are not supported",
                T::WHAT
            ),
        )),
        None => {
            let names = components
                .map(|c| T::section(c).keys().map(String::as_str).collect())
                .unwrap_or_default();
            Err(dangling(spec, reference, used_at, names))
        }
    }
}
