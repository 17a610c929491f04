//! Typed mocks (feature `mock`): for each operation, the builder's name,
//! the `Accept` media types a matching request lists, and the answers it
//! offers, one per documented status, from the response arms already decided.

use super::*;
use crate::naming::{reserved, status_word};

/// The media type an answer's body is sent as when the spec names none.
const JSON: &str = "application/json";

/// Decides the mock of every operation.
pub(super) fn assign(api: &mut Api) {
    // The builders live in the `mock` module beside the models and the
    // validated strings it imports: none takes one of their names.
    let mut names = Scope::new();
    for n in api
        .types
        .iter()
        .map(|t| t.name.as_str())
        .chain(api.strings.iter().map(|s| s.name.as_str()))
        .chain(api.operations.iter().map(|o| o.struct_name.as_str()))
        .chain(["MockServer"])
    {
        names.reserve(n);
    }
    let mut server_fns = Scope::new();
    for m in reserved::MOCK_SERVER_MEMBERS {
        server_fns.reserve(m);
    }
    for op in &mut api.operations {
        let struct_name = names.claim(&format!("{}Mock", op.struct_name), &op.operation_id);
        let server_fn = server_fns.claim(&op.fn_name, &op.operation_id);
        op.mock = Some(Mock {
            struct_name,
            server_fn,
            accept: op.versions.clone(),
            replies: replies(op),
        });
    }
}

/// The answers of one operation: its successes (the one `respond_ok` sends
/// first: the first status with a body, else the first), then its errors,
/// each documented status once; a `default` answer is left to `respond_with`.
fn replies(op: &Operation) -> Vec<MockReply> {
    let mut methods = Scope::new();
    for m in reserved::MOCK_MEMBERS {
        methods.reserve(m);
    }
    for p in &op.params {
        methods.reserve(&p.name);
    }
    let mut out: Vec<MockReply> = Vec::new();
    let newest = op.versions.first();
    let mut statuses: Vec<Status> = Vec::new();
    for c in &op.success {
        if !statuses.contains(&c.status) && c.status != Status::Default {
            statuses.push(c.status);
        }
    }
    let first = statuses
        .iter()
        .position(|s| {
            op.success
                .iter()
                .any(|c| c.status == *s && c.body.is_some())
        })
        .unwrap_or(0);
    if first < statuses.len() {
        let s = statuses.remove(first);
        statuses.insert(0, s);
    }
    for (i, status) in statuses.into_iter().enumerate() {
        let cases: Vec<&ResponseCase> = op.success.iter().filter(|c| c.status == status).collect();
        // The newest version's case, else the first.
        let case = cases
            .iter()
            .find(|c| c.media_type.as_ref() == newest)
            .or(cases.first());
        let body = match case.and_then(|c| c.body.as_ref()) {
            Some(TypeRef::Bytes) => MockBody::Bytes,
            Some(t) => MockBody::Json(t.clone()),
            None => MockBody::Empty,
        };
        let media_type = case
            .and_then(|c| c.media_type.clone())
            .or_else(|| newest.cloned())
            .unwrap_or_else(|| JSON.to_owned());
        let (code, range) = code_of(status);
        let word = if i == 0 {
            "ok".to_owned()
        } else {
            status_word(code, range)
        };
        out.push(MockReply {
            fn_name: methods.claim(&format!("respond_{word}"), &op.operation_id),
            status: code,
            media_type,
            body,
            success: true,
        });
    }
    // Errors as the response arms decode them.
    for arm in &op.arms {
        let body = match &arm.decode {
            Decode::ErrorBody => match &op.error_type {
                Some(t) => MockBody::Json(t.clone()),
                None => MockBody::Empty,
            },
            Decode::ErrorVariant { ty, .. } => MockBody::Json(ty.clone()),
            Decode::ErrorNoBody | Decode::ErrorStatus => MockBody::Empty,
            _ => continue,
        };
        for status in &arm.statuses {
            if *status == Status::Default {
                continue;
            }
            let (code, range) = code_of(*status);
            let media_type = op
                .errors
                .iter()
                .filter(|c| c.status == *status)
                .find_map(|c| {
                    c.media_type
                        .clone()
                        .filter(|m| c.body.is_some() && responses::is_json_media_type(m))
                })
                .unwrap_or_else(|| JSON.to_owned());
            out.push(MockReply {
                fn_name: methods.claim(
                    &format!("respond_{}", status_word(code, range)),
                    &op.operation_id,
                ),
                status: code,
                media_type,
                body: body.clone(),
                success: false,
            });
        }
    }
    out
}

/// The status a documented case is answered with: a range (`4XX`) by its
/// first status.
fn code_of(status: Status) -> (u16, bool) {
    match status {
        Status::Code(c) => (c, false),
        Status::Range(r) => (r * 100, true),
        Status::Default => (500, false),
    }
}
