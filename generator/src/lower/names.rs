//! Names: what makes a name lossy or pinnable, credentials by name, and
//! where a pointer sits among the component schemas.

use super::*;

/// A name whose Rust form cannot say what it was: no letters or digits of
/// its own, only symbols (`<`), which are spelled out. Letters beyond ASCII
/// are kept (Rust identifiers are XID).
pub(super) fn lossy_name(raw: &str) -> bool {
    !crate::naming::has_word_chars(raw)
}

/// Whether a wire name is already its Rust field name (`self` for `self_`,
/// `group_id`), so it claims that name before its variants (`Self`, `groupId`).
pub(super) fn is_plain_value(wire: &str) -> bool {
    value_name(wire).trim_end_matches('_') == wire
}

/// Whether a pinned name can be used as written: letters, digits and `_`,
/// and not a keyword (syn refuses those).
pub(super) fn is_identifier(name: &str) -> bool {
    name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && syn::parse_str::<syn::Ident>(name).is_ok()
}

pub(super) fn bad_pin(loc: crate::diag::Location, what: &str, name: &str) -> Diagnostic {
    Diagnostic::error(Code::Naming, loc, format!("{what}, `{name}`, is not a Rust identifier"))
        .with_help("pin a name of letters, digits and `_` that does not start with a digit and is not a Rust keyword")
}

/// The component schema a pointer is inside of.
pub(super) fn component_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("#/components/schemas/")?;
    let name = rest.split('/').next()?;
    Some(format!("#/components/schemas/{name}"))
}

/// Whether a pointer names a component schema itself (not something inside it).
pub(super) fn is_component(pointer: &str) -> bool {
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
