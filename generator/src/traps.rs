//! Traps: constructs of real specs that break established generators. Each is
//! counted in the spec so the coverage report can say how often it occurs and
//! what this generator does with it.

use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, MediaType, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody, Response, Schema, SchemaKind, StatusCode, Type,
};

use crate::coverage::Trap;
use crate::load::Spec;
use crate::naming::type_name;
use crate::position::{pointer_token, unescape_pointer_token};
use crate::resolve;

/// Finds every known trap; each is listed even when the spec does not have it.
pub fn find(spec: &Spec) -> Vec<Trap> {
    let every = every_schema(spec);
    let components = component_schemas(spec);
    let trap = |name: &str, found: usize, handling: &str| Trap {
        name: name.to_owned(),
        found,
        handling: handling.to_owned(),
    };
    vec![
        trap(
            "parent lists children in oneOf, children include parent through allOf",
            cyclic_parents(spec),
            "the parent becomes a union of its children (dispatched on the discriminator when there is one, else to the child \
             the value fits best) and each child a struct carrying the parent's properties; merging reads only the parent's \
             properties, never its oneOf, and lowering is memoised by pointer, so the cycle ends after one step; a child that is \
             `allOf` of the parent alone is that child, not an alias of the parent.",
        ),
        trap(
            "enum value with no identifier characters",
            symbol_enum_values(&every),
            "naming spells symbols as words (`<` → `Lt`, `>` → `Gt`, an empty value → `Empty`); the values on the wire are unchanged.",
        ),
        trap(
            "enum on an array schema",
            array_enums(&every),
            "warned, the values are read as applying to the items: the field is a Vec of an enum of them (open on responses, \
             closed on requests), and also accepts a lone value as a list of one.",
        ),
        trap(
            "inline enum property named like its own schema",
            enum_name_clashes(spec),
            "inline enums are named `<Parent><Property>` in one naming scope for all types; \
             on a clash the later claimant gets a numeric suffix and a naming warning names both.",
        ),
        trap(
            "oneOf members sharing a title",
            shared_titles(spec, &components),
            "variant names are the members' type names (a `$ref` member's schema name, an inline member's title); inline members \
             with the same title and the same content are one type wherever they appear, and a title reused for different \
             content gets a numeric suffix (`AlertAuditTypes2`) and a naming warning.",
        ),
        trap(
            "error responses mixing bodies and no bodies",
            mixed_error_bodies(spec),
            "statuses with a body decode into the error type; documented statuses without a body come back as \
             Error::Status with status, headers and bytes kept (never as an undocumented status).",
        ),
        trap(
            "application/json without a schema",
            json_without_schema(spec),
            "warned (except on 204, which never has a body); the body decodes as any JSON, and an empty one is `None`: a success \
             is `Option<Value>` (or `None` beside a typed body of another status, which is `Some`), an error body any JSON.",
        ),
        trap(
            "vendor media types",
            vendor_media_types(spec),
            "`+json` bodies are JSON: responses decode into the schema's type, request bodies are sent with the vendor media type \
             as Content-Type; Accept names the newest success version, then the error media types.",
        ),
        trap(
            "several dated versions of one body",
            several_versions(spec),
            "versions carrying the same schemas are one operation: the newest is the default and `media_type(...)` pins another \
             from `MEDIA_TYPES`, sent in Accept and Content-Type; versions whose schemas differ are operations of their own \
             (`*_vYYYY_MM_DD`) with their own types; non-JSON alternatives are `*_as_<type>` operations returning the bytes.",
        ),
    ]
}

// ----- walking schemas ---------------------------------------------------------

/// Every schema written in the document, nested ones included, each once:
/// `$ref`s are not followed, so a shared schema counts where it is defined.
fn every_schema(spec: &Spec) -> Vec<&Schema> {
    let mut out = Vec::new();
    for s in component_schemas(spec) {
        walk(s, &mut out);
    }
    let mut roots: Vec<&ReferenceOr<Schema>> = Vec::new();
    if let Some(c) = &spec.api.components {
        for p in c.parameters.values() {
            param_roots(p, &mut roots);
        }
        for r in c.responses.values() {
            response_roots(r, &mut roots);
        }
        for b in c.request_bodies.values().filter_map(ReferenceOr::as_item) {
            roots.extend(b.content.values().filter_map(|m| m.schema.as_ref()));
        }
        for h in c.headers.values().filter_map(ReferenceOr::as_item) {
            if let ParameterSchemaOrContent::Schema(s) = &h.format {
                roots.push(s);
            }
        }
    }
    for item in spec
        .api
        .paths
        .paths
        .values()
        .filter_map(ReferenceOr::as_item)
    {
        for p in &item.parameters {
            param_roots(p, &mut roots);
        }
        for (_, op) in item.iter() {
            for p in &op.parameters {
                param_roots(p, &mut roots);
            }
            if let Some(b) = op.request_body.as_ref().and_then(ReferenceOr::as_item) {
                roots.extend(b.content.values().filter_map(|m| m.schema.as_ref()));
            }
            for r in op
                .responses
                .responses
                .values()
                .chain(op.responses.default.iter())
            {
                response_roots(r, &mut roots);
            }
        }
    }
    for s in roots.into_iter().filter_map(ReferenceOr::as_item) {
        walk(s, &mut out);
    }
    out
}

/// Referenced parameters and responses are counted where they are defined.
fn param_roots<'a>(p: &'a ReferenceOr<Parameter>, roots: &mut Vec<&'a ReferenceOr<Schema>>) {
    let Some(p) = p.as_item() else { return };
    match &p.parameter_data_ref().format {
        ParameterSchemaOrContent::Schema(s) => roots.push(s),
        ParameterSchemaOrContent::Content(c) => {
            roots.extend(c.values().filter_map(|m| m.schema.as_ref()))
        }
    }
}

fn response_roots<'a>(r: &'a ReferenceOr<Response>, roots: &mut Vec<&'a ReferenceOr<Schema>>) {
    let Some(r) = r.as_item() else { return };
    roots.extend(r.content.values().filter_map(|m| m.schema.as_ref()));
    for h in r.headers.values().filter_map(ReferenceOr::as_item) {
        if let ParameterSchemaOrContent::Schema(s) = &h.format {
            roots.push(s);
        }
    }
}

fn component_schemas(spec: &Spec) -> Vec<&Schema> {
    spec.api
        .components
        .iter()
        .flat_map(|c| c.schemas.values().filter_map(ReferenceOr::as_item))
        .collect()
}

/// Pushes `s` and every inline schema nested in it.
fn walk<'a>(s: &'a Schema, out: &mut Vec<&'a Schema>) {
    out.push(s);
    let boxed = |r: &'a ReferenceOr<Box<Schema>>, out: &mut Vec<&'a Schema>| {
        if let Some(s) = r.as_item() {
            walk(s, out);
        }
    };
    let plain = |rs: &'a [ReferenceOr<Schema>], out: &mut Vec<&'a Schema>| {
        for s in rs.iter().filter_map(ReferenceOr::as_item) {
            walk(s, out);
        }
    };
    let additional = |a: &'a Option<AdditionalProperties>, out: &mut Vec<&'a Schema>| {
        if let Some(AdditionalProperties::Schema(r)) = a {
            if let Some(s) = r.as_item() {
                walk(s, out);
            }
        }
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.values().for_each(|p| boxed(p, out));
            additional(&o.additional_properties, out);
        }
        SchemaKind::Type(Type::Array(a)) => a.items.iter().for_each(|i| boxed(i, out)),
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: rs }
        | SchemaKind::AllOf { all_of: rs }
        | SchemaKind::AnyOf { any_of: rs } => plain(rs, out),
        SchemaKind::Not { not } => plain(std::slice::from_ref(not.as_ref()), out),
        SchemaKind::Any(a) => {
            a.properties.values().for_each(|p| boxed(p, out));
            additional(&a.additional_properties, out);
            a.items.iter().for_each(|i| boxed(i, out));
            plain(&a.one_of, out);
            plain(&a.all_of, out);
            plain(&a.any_of, out);
            if let Some(n) = &a.not {
                plain(std::slice::from_ref(n.as_ref()), out);
            }
        }
    }
}

/// A schema's `oneOf` members, whichever shape openapiv3 parsed it into.
fn one_of(s: &Schema) -> &[ReferenceOr<Schema>] {
    match &s.schema_kind {
        SchemaKind::OneOf { one_of } => one_of,
        SchemaKind::Any(a) => &a.one_of,
        _ => &[],
    }
}

fn all_of(s: &Schema) -> &[ReferenceOr<Schema>] {
    match &s.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(a) => &a.all_of,
        _ => &[],
    }
}

/// The component pointer a schema `$ref` ends at (through chains), if it resolves.
fn target(spec: &Spec, r: &ReferenceOr<Schema>) -> Option<String> {
    match r {
        ReferenceOr::Reference { .. } => resolve::schema(spec, r, "").ok().and_then(|(_, t)| t),
        ReferenceOr::Item(_) => None,
    }
}

// ----- the traps ------------------------------------------------------------------

/// Component schemas P with a `oneOf` member C whose `allOf` refers back to P.
/// A discriminator is not required: the cycle is the trap, with or without one.
fn cyclic_parents(spec: &Spec) -> usize {
    let Some(components) = &spec.api.components else {
        return 0;
    };
    components
        .schemas
        .iter()
        .filter(|(name, parent)| {
            let Some(parent) = parent.as_item() else {
                return false;
            };
            let pointer = format!("#/components/schemas/{}", pointer_token(name));
            one_of(parent).iter().any(|member| {
                matches!(member, ReferenceOr::Reference { .. })
                    && resolve::schema(spec, member, "").is_ok_and(|(child, _)| {
                        all_of(child)
                            .iter()
                            .any(|m| target(spec, m).as_deref() == Some(pointer.as_str()))
                    })
            })
        })
        .count()
}

/// String enum values without a single ASCII letter or digit (`<`, `>`, ``).
fn symbol_enum_values(schemas: &[&Schema]) -> usize {
    let symbolic = |v: &str| !v.chars().any(|c| c.is_ascii_alphanumeric());
    schemas
        .iter()
        .map(|s| match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => st
                .enumeration
                .iter()
                .flatten()
                .filter(|v| symbolic(v))
                .count(),
            SchemaKind::Any(a) => a
                .enumeration
                .iter()
                .filter_map(|v| v.as_str())
                .filter(|v| symbolic(v))
                .count(),
            _ => 0,
        })
        .sum()
}

/// openapiv3 only parses `type: array` with an `enum` as `Any`.
fn array_enums(schemas: &[&Schema]) -> usize {
    schemas
        .iter()
        .filter(|s| matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.as_deref() == Some("array") && !a.enumeration.is_empty()))
        .count()
}

/// Inline string-enum properties of component schemas whose name equals the
/// schema's, or whose derived `<Parent><Prop>` name is a component's name.
fn enum_name_clashes(spec: &Spec) -> usize {
    let Some(components) = &spec.api.components else {
        return 0;
    };
    let type_names: BTreeSet<String> = components.schemas.keys().map(|n| type_name(n)).collect();
    let mut found = 0;
    for (name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let properties = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => &o.properties,
            SchemaKind::Any(a) => &a.properties,
            _ => continue,
        };
        let parent = type_name(name);
        for (wire, prop) in properties {
            let Some(prop) = prop.as_item() else { continue };
            // Only these become named enums; other enum shapes degrade.
            let SchemaKind::Type(Type::String(st)) = &prop.schema_kind else {
                continue;
            };
            if st.enumeration.iter().flatten().next().is_none() {
                continue;
            }
            let own = type_name(wire);
            if own == parent || type_names.contains(&format!("{parent}{own}")) {
                found += 1;
            }
        }
    }
    found
}

/// `oneOf` lists (nested ones included) with two members of the same title.
fn shared_titles(spec: &Spec, components: &[&Schema]) -> usize {
    let mut nested = Vec::new();
    for s in components {
        walk(s, &mut nested);
    }
    nested
        .iter()
        .filter(|s| {
            let mut titles = BTreeSet::new();
            one_of(s)
                .iter()
                .filter_map(|m| resolve::schema(spec, m, "").ok())
                .filter_map(|(m, _)| m.schema_data.title.as_deref())
                .any(|t| !titles.insert(t))
        })
        .count()
}

fn operations(spec: &Spec) -> impl Iterator<Item = &Operation> {
    resolve::all_operations(spec)
        .into_iter()
        .map(|s| s.operation)
}

/// An operation's responses, resolved (`default` counts as an error), with their pointers.
fn responses<'a>(spec: &'a Spec, op: &'a Operation) -> Vec<(Kind, &'a Response, String)> {
    let statuses = op.responses.responses.iter().map(|(code, r)| {
        let kind = match code {
            StatusCode::Code(200..=299) | StatusCode::Range(2) => Kind::Success,
            StatusCode::Code(400..=599) | StatusCode::Range(4 | 5) => Kind::Error,
            _ => Kind::Other,
        };
        (kind, r)
    });
    statuses
        .chain(op.responses.default.iter().map(|r| (Kind::Error, r)))
        .filter_map(|(kind, r)| {
            resolve::component(spec, r, "")
                .ok()
                .map(|(resp, at)| (kind, resp, at))
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Success,
    Error,
    Other,
}

/// The request body, through a `#/components/requestBodies/` reference.
fn request_body<'a>(
    spec: &'a Spec,
    op: &'a Operation,
) -> Option<(&'a RequestBody, Option<String>)> {
    match op.request_body.as_ref()? {
        ReferenceOr::Item(b) => Some((b, None)),
        ReferenceOr::Reference { reference } => {
            let name = unescape_pointer_token(
                resolve::ref_name(spec, reference, "requestBodies", "").ok()?,
            );
            let body = spec
                .api
                .components
                .as_ref()?
                .request_bodies
                .get(&name)?
                .as_item()?;
            Some((
                body,
                Some(format!(
                    "#/components/requestBodies/{}",
                    pointer_token(&name)
                )),
            ))
        }
    }
}

fn mixed_error_bodies(spec: &Spec) -> usize {
    operations(spec)
        .filter(|op| {
            let bodies: Vec<bool> = responses(spec, op)
                .iter()
                .filter(|(k, ..)| *k == Kind::Error)
                .map(|(_, r, _)| !r.content.is_empty())
                .collect();
            bodies.contains(&true) && bodies.contains(&false)
        })
        .count()
}

/// The media type without parameters, lowercased.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Counted once per entry, however many operations share it through a `$ref`.
fn json_without_schema(spec: &Spec) -> usize {
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut check = |content: &indexmap::IndexMap<String, MediaType>, at: &str| {
        for (mt, m) in content {
            // `application/json` and the vendor `+json` types alike.
            if crate::lower::is_json_media_type(mt) && m.schema.is_none() {
                found.insert(format!("{at}/content/{}", pointer_token(mt)));
            }
        }
    };
    for sel in resolve::all_operations(spec) {
        for (_, r, at) in responses(spec, sel.operation) {
            check(&r.content, &at);
        }
        if let Some((b, at)) = request_body(spec, sel.operation) {
            check(
                &b.content,
                &at.unwrap_or_else(|| format!("{}/requestBody", sel.pointer())),
            );
        }
    }
    found.len()
}

/// `application/vnd.atlas.` followed by what comes before `+json`, if it is one.
fn atlas_version(media_type: &str) -> Option<String> {
    let e = essence(media_type);
    e.strip_prefix("application/vnd.atlas.")?
        .strip_suffix("+json")
        .map(str::to_owned)
}

/// `YYYY-MM-DD`, digits and dashes only (the calendar is not checked).
fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn vendor_media_types(spec: &Spec) -> usize {
    let dated = |content: &indexmap::IndexMap<String, MediaType>| {
        content
            .keys()
            .any(|mt| atlas_version(mt).is_some_and(|v| is_date(&v)))
    };
    operations(spec)
        .filter(|op| {
            responses(spec, op)
                .iter()
                .any(|(k, r, _)| *k == Kind::Success && dated(&r.content))
                || request_body(spec, op).is_some_and(|(b, _)| dated(&b.content))
        })
        .count()
}

fn several_versions(spec: &Spec) -> usize {
    let several = |content: &indexmap::IndexMap<String, MediaType>| {
        content
            .keys()
            .filter_map(|mt| atlas_version(mt))
            .collect::<BTreeSet<_>>()
            .len()
            >= 2
    };
    operations(spec)
        .filter(|op| {
            responses(spec, op)
                .iter()
                .any(|(_, r, _)| several(&r.content))
                || request_body(spec, op).is_some_and(|(b, _)| several(&b.content))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `found` count of the named trap in a spec made of `body`.
    fn count(name: &str, body: &str) -> usize {
        let text = format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n{body}");
        let spec = match crate::load::load_str("t.yaml", text) {
            Ok(s) => s,
            Err(d) => panic!("test spec does not load: {d}"),
        };
        let traps = find(&spec);
        assert_eq!(traps.len(), 9);
        match traps.iter().find(|t| t.name == name) {
            Some(t) => t.found,
            None => panic!("no trap named {name}"),
        }
    }

    /// One operation with the given responses (indented under `responses:`).
    fn op(responses: &str, request_body: &str) -> String {
        format!("paths:\n  /a:\n    post:\n      operationId: a\n{request_body}      responses:\n{responses}")
    }

    const CYCLE: &str = "parent lists children in oneOf, children include parent through allOf";

    #[test]
    fn cyclic_parent_is_found() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    P:\n      type: object\n      discriminator:\n        propertyName: kind\n      oneOf:\n        - $ref: '#/components/schemas/C'\n      properties:\n        kind:\n          type: string\n    C:\n      allOf:\n        - $ref: '#/components/schemas/P'\n        - type: object\n          properties:\n            x:\n              type: string\n";
        assert_eq!(count(CYCLE, spec), 1);
    }

    #[test]
    fn children_not_including_the_parent_are_no_cycle() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    P:\n      oneOf:\n        - $ref: '#/components/schemas/C'\n    C:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n    Base:\n      type: object\n";
        assert_eq!(count(CYCLE, spec), 0);
    }

    const SYMBOL: &str = "enum value with no identifier characters";

    #[test]
    fn symbol_enum_value_is_found() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    Op:\n      type: string\n      enum: ['<', LT]\n";
        assert_eq!(count(SYMBOL, spec), 1);
    }

    #[test]
    fn word_enum_values_are_not_symbols() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    Op:\n      type: string\n      enum: [LT, '4.4', a-b]\n";
        assert_eq!(count(SYMBOL, spec), 0);
    }

    const ARRAY_ENUM: &str = "enum on an array schema";

    #[test]
    fn enum_on_array_is_found() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    Roles:\n      type: object\n      properties:\n        roles:\n          type: array\n          enum: [A, B]\n          items:\n            type: string\n";
        assert_eq!(count(ARRAY_ENUM, spec), 1);
    }

    #[test]
    fn enum_on_items_is_not_on_the_array() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    Roles:\n      type: array\n      items:\n        type: string\n        enum: [A, B]\n";
        assert_eq!(count(ARRAY_ENUM, spec), 0);
    }

    const ENUM_NAME: &str = "inline enum property named like its own schema";

    #[test]
    fn enum_property_named_like_its_schema_is_found() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    Role:\n      type: object\n      properties:\n        role:\n          type: string\n          enum: [A, B]\n";
        assert_eq!(count(ENUM_NAME, spec), 1);
    }

    #[test]
    fn enum_property_whose_derived_name_is_a_component_is_found() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    Job:\n      type: object\n      properties:\n        status:\n          type: string\n          enum: [A, B]\n    JobStatus:\n      type: string\n";
        assert_eq!(count(ENUM_NAME, spec), 1);
    }

    #[test]
    fn enum_property_with_its_own_name_is_fine() {
        // `kind` is not `Job`, and no component is named `JobKind`; a `$ref` is not inline.
        let spec = "paths: {}\ncomponents:\n  schemas:\n    Job:\n      type: object\n      properties:\n        kind:\n          type: string\n          enum: [A, B]\n        job:\n          $ref: '#/components/schemas/Kind'\n    Kind:\n      type: string\n      enum: [A]\n";
        assert_eq!(count(ENUM_NAME, spec), 0);
    }

    const TITLES: &str = "oneOf members sharing a title";

    #[test]
    fn nested_one_of_with_shared_titles_is_found() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    Holder:\n      type: object\n      properties:\n        event:\n          oneOf:\n            - $ref: '#/components/schemas/A'\n            - $ref: '#/components/schemas/B'\n    A:\n      title: Audit\n      type: object\n    B:\n      title: Audit\n      type: object\n";
        assert_eq!(count(TITLES, spec), 1);
    }

    #[test]
    fn distinct_titles_are_fine() {
        let spec = "paths: {}\ncomponents:\n  schemas:\n    U:\n      oneOf:\n        - $ref: '#/components/schemas/A'\n        - $ref: '#/components/schemas/B'\n        - type: object\n    A:\n      title: A\n      type: object\n    B:\n      title: B\n      type: object\n";
        assert_eq!(count(TITLES, spec), 0);
    }

    const MIXED: &str = "error responses mixing bodies and no bodies";
    const ERR_BODY: &str =
        "            application/json:\n              schema:\n                type: object\n";

    #[test]
    fn mixed_error_bodies_are_found_through_refs() {
        let spec = format!(
            "{}components:\n  responses:\n    bad:\n      description: bad\n      content:\n{ERR_BODY}",
            op("        '200':\n          description: ok\n        '401':\n          description: no body\n        '400':\n          $ref: '#/components/responses/bad'\n", "")
        );
        assert_eq!(count(MIXED, &spec), 1);
    }

    #[test]
    fn error_bodies_all_present_are_fine() {
        let spec = op(&format!("        '200':\n          description: ok\n        '400':\n          description: bad\n          content:\n{ERR_BODY}        default:\n          description: other\n          content:\n{ERR_BODY}"), "");
        assert_eq!(count(MIXED, &spec), 0);
    }

    const NO_SCHEMA: &str = "application/json without a schema";

    #[test]
    fn json_without_schema_is_found_in_a_request_body_ref() {
        let spec = format!(
            "{}components:\n  requestBodies:\n    b:\n      content:\n        application/json: {{}}\n",
            op("        '204':\n          description: ok\n", "      requestBody:\n        $ref: '#/components/requestBodies/b'\n")
        );
        assert_eq!(count(NO_SCHEMA, &spec), 1);
    }

    #[test]
    fn json_with_schema_is_fine() {
        let spec = op(
            &format!("        '200':\n          description: ok\n          content:\n{ERR_BODY}"),
            "",
        );
        assert_eq!(count(NO_SCHEMA, &spec), 0);
    }

    const VENDOR: &str = "vendor media types";

    #[test]
    fn dated_vendor_media_type_is_found() {
        let spec = op("        '200':\n          description: ok\n          content:\n            application/vnd.atlas.2023-01-01+json:\n              schema:\n                type: object\n", "");
        assert_eq!(count(VENDOR, &spec), 1);
    }

    #[test]
    fn vendor_media_type_on_an_error_or_without_a_date_is_not_counted() {
        let spec = op("        '200':\n          description: ok\n          content:\n            application/vnd.atlas.preview+json:\n              schema:\n                type: object\n        '400':\n          description: bad\n          content:\n            application/vnd.atlas.2023-01-01+json:\n              schema:\n                type: object\n", "");
        assert_eq!(count(VENDOR, &spec), 0);
    }

    const VERSIONS: &str = "several dated versions of one body";

    #[test]
    fn several_versions_of_one_response_are_found() {
        let spec = op("        '200':\n          description: ok\n          content:\n            application/vnd.atlas.2023-01-01+json:\n              schema:\n                type: object\n            application/vnd.atlas.2024-08-05+json:\n              schema:\n                type: object\n", "");
        assert_eq!(count(VERSIONS, &spec), 1);
    }

    #[test]
    fn versions_on_different_responses_are_fine() {
        let spec = op("        '200':\n          description: ok\n          content:\n            application/vnd.atlas.2023-01-01+json:\n              schema:\n                type: object\n            application/vnd.atlas.2023-01-01+csv:\n              schema:\n                type: string\n        '201':\n          description: ok\n          content:\n            application/vnd.atlas.2024-08-05+json:\n              schema:\n                type: object\n", "");
        assert_eq!(count(VERSIONS, &spec), 0);
    }
}
