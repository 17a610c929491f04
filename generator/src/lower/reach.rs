//! Reach: what the selection reaches in the spec (the schemas responses
//! use, which decides request-twin names) and the security schemes it declares.

use super::*;

pub(super) fn security_schemes(spec: &Spec) -> Vec<SecurityScheme> {
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
pub(super) fn response_reach(spec: &Spec, selected: &[Selected<'_>]) -> BTreeSet<String> {
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
            let name = crate::position::unescape_pointer_token(name);
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

pub(super) fn walk_children<'s>(
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
