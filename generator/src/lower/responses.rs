//! Responses: the cases of an operation, its success and error bodies, the
//! media types it speaks, and the status dispatch.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn single_body(
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
}

/// The status dispatch of an operation: documented successes decode the
/// body, documented errors the error body, anything else keeps status and
/// bytes. Neighbouring statuses handled alike share one arm (less code to
/// compile in an API with hundreds of operations); only neighbours, so a
/// range (`4XX`) never moves before a status it must not shadow.
pub(super) fn response_arms(
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
