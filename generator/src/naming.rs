//! The one naming function: every Rust identifier the generator emits (types,
//! fields, enum variants, functions, parameters) comes from here.
//!
//! heck does the case conversion; this module adds what heck does not know:
//! Rust keywords, identifiers that cannot start with a digit, values made only
//! of symbols (`<`, `>`), and deterministic collision handling.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};

/// What kind of identifier is wanted; each has its own case and keyword rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Types and enum variants: `UpperCamelCase`.
    Type,
    /// Fields, functions, parameters, modules: `snake_case`.
    Value,
    /// Command-line subcommands and flags: `kebab-case`. No Rust keyword
    /// rules apply (`--type` is a fine flag).
    Command,
}

/// Rust's strict and reserved keywords (2021 edition), plus `gen` (2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated code uses unqualified; a spec type named like
/// one of them gets a suffix so the generated code stays unambiguous.
const RESERVED_TYPES: &[&str] = &[
    "Box", "Checked", "Client", "Err", "Error", "None", "Ok", "Option", "Result", "Self", "Some",
    "String", "Vec",
];

/// Names the generated crate defines itself: nothing from the spec may take
/// them (lowering reserves them in its scopes).
pub mod reserved {
    /// The crate's own Cargo features; a tag kebab-cased into one of them is
    /// renamed.
    pub const FEATURES: &[&str] = &[
        "default",
        "client",
        "full",
        "untagged",
        "roundtrip",
        "cli",
        "mock",
    ];
    /// Items at the crate root beside the models.
    pub const ROOT_ITEMS: &[&str] = &["Client", "Error", "DEFAULT_BASE_URL"];
    /// Members of every request value beside its parameters.
    pub const REQUEST_MEMBERS: &[&str] = &[
        "new",
        "to_request",
        "parse_response",
        "path",
        "query",
        "body",
        "media_type",
    ];
    /// Members of every typed mock builder (feature `mock`) beside its
    /// parameters and its `respond_*` answers.
    pub const MOCK_MEMBERS: &[&str] = &[
        "body",
        "media_type",
        "expect",
        "up_to_n_times",
        "named",
        "respond_with",
    ];
    /// Methods of the generated mock server beside one per operation.
    pub const MOCK_SERVER_MEMBERS: &[&str] =
        &["start", "uri", "base_url", "client", "verify", "server"];
}

/// The word a mock's answer of an HTTP status is named by
/// (`respond_not_found`): the status's reason phrase in snake case for the
/// statuses APIs document, else `status_404`; a range (`4XX`) is `status_4xx`.
pub fn status_word(status: u16, range: bool) -> String {
    if range {
        return format!("status_{}xx", status / 100);
    }
    let word = match status {
        200 => "ok",
        201 => "created",
        202 => "accepted",
        203 => "non_authoritative_information",
        204 => "no_content",
        205 => "reset_content",
        206 => "partial_content",
        301 => "moved_permanently",
        302 => "found",
        303 => "see_other",
        304 => "not_modified",
        307 => "temporary_redirect",
        308 => "permanent_redirect",
        400 => "bad_request",
        401 => "unauthorized",
        402 => "payment_required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        409 => "conflict",
        410 => "gone",
        412 => "precondition_failed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable_entity",
        423 => "locked",
        429 => "too_many_requests",
        500 => "internal_server_error",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        _ => return format!("status_{status}"),
    };
    word.to_owned()
}

/// Words for values that have no identifier characters at all.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' => "not",
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '^' => "caret",
        '~' => "tilde",
        '.' => "dot",
        ',' => "comma",
        ':' => "colon",
        ';' => "semicolon",
        '?' => "question",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        ' ' => "space",
        _ => return None,
    })
}

/// A character an identifier may hold (Rust identifiers are Unicode XID:
/// `größe` and `名前` are identifiers, `²` is not).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && unicode_ident::is_xid_continue(c))
}

/// Whether a name has letters or digits of its own (else its Rust name is
/// spelled out from its symbols, `<` as `Lt`).
pub fn has_word_chars(raw: &str) -> bool {
    raw.chars().any(is_word_char)
}

/// Converts any spec string to a Rust identifier of the given case.
pub fn ident(raw: &str, case: Case) -> String {
    let has_alnum = has_word_chars(raw);
    let spelled;
    let source = if has_alnum {
        raw
    } else {
        // `<`, `>=`, `*`: spell the symbols so the name still says something.
        let words: Vec<&str> = raw.chars().filter_map(symbol_word).collect();
        spelled = if words.is_empty() {
            "empty".to_owned()
        } else {
            words.join(" ")
        };
        &spelled
    };
    // A negative number (`-1`, an integer enum value) says so.
    let negative;
    let source = match source.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            negative = format!("minus {rest}");
            negative.as_str()
        }
        _ => source,
    };
    // Dots between digits (`4.4`) would vanish under heck; keep them apart.
    let cleaned: String = source
        .chars()
        .map(|c| if is_word_char(c) { c } else { ' ' })
        .collect();
    let mut name = match case {
        Case::Type => cleaned.to_upper_camel_case(),
        Case::Value => cleaned.to_snake_case(),
        Case::Command => cleaned.to_kebab_case(),
    };
    if source.chars().next().is_some_and(|c| c.is_ascii_digit())
        || name.starts_with(|c: char| c.is_ascii_digit())
    {
        // Values like `4.4`, `3DES` or `1000_requests`: a letter in front,
        // adjacent numbers kept apart so `4.4` and `44` stay distinct.
        let tokens: Vec<String> = cleaned
            .split_whitespace()
            .map(|t| match case {
                Case::Type => t.to_upper_camel_case(),
                Case::Value => t.to_snake_case(),
                Case::Command => t.to_kebab_case(),
            })
            .collect();
        let mut joined = String::new();
        for t in &tokens {
            let digit_boundary = joined.ends_with(|c: char| c.is_ascii_digit())
                && t.starts_with(|c: char| c.is_ascii_digit());
            if !joined.is_empty() && (digit_boundary || case != Case::Type) {
                joined.push(if case == Case::Command { '-' } else { '_' });
            }
            joined.push_str(t);
        }
        name = match case {
            Case::Type => format!("V{joined}"),
            Case::Value => format!("v{joined}"),
            // A flag or subcommand may start with a digit.
            Case::Command => joined,
        };
    }
    // A first character that may continue an identifier but not start one
    // (a combining mark, say) gets a letter in front, as digits do.
    if name
        .chars()
        .next()
        .is_some_and(|c| !c.is_ascii() && !unicode_ident::is_xid_start(c))
    {
        name = match case {
            Case::Type => format!("V{name}"),
            Case::Value | Case::Command => format!("v{name}"),
        };
    }
    if name.is_empty() {
        name = match case {
            Case::Type => "Empty".to_owned(),
            Case::Value | Case::Command => "empty".to_owned(),
        };
    }
    if case == Case::Command {
        return name;
    }
    if case == Case::Type && RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Model");
    } else if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

pub fn type_name(raw: &str) -> String {
    ident(raw, Case::Type)
}

pub fn value_name(raw: &str) -> String {
    ident(raw, Case::Value)
}

/// A command-line name: `Legacy Backup` is `legacy-backup`, `groupId` is
/// `group-id`.
pub fn command_name(raw: &str) -> String {
    ident(raw, Case::Command)
}

/// The spec's own camelCase form of a name, as the Atlas documentation's
/// `atlas api` commands spell tags (`legacyBackup`); accepted as an alias.
pub fn camel_alias(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if is_word_char(c) { c } else { ' ' })
        .collect();
    cleaned.to_lower_camel_case()
}

/// One scope of names (the types of a crate, the fields of a struct, the
/// variants of an enum). Claims are deterministic: the first claimant keeps
/// the name, later ones get `2`, `3`, ... and the collision is recorded.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeMap<String, String>,
    /// (wanted name, given name, the claimant that had it first)
    pub collisions: Vec<Collision>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    pub wanted: String,
    pub given: String,
    pub first_owner: String,
    pub owner: String,
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    /// Reserves a name that nothing else may take (e.g. a method name).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned(), "(reserved)".to_owned());
    }

    /// Gives a claimed name back (a duplicate type merged into its twin).
    pub fn release(&mut self, name: &str) {
        self.taken.remove(name);
        self.collisions.retain(|c| c.given != name);
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains_key(name)
    }

    /// Claims `wanted` for `owner` (a description used in reports).
    pub fn claim(&mut self, wanted: &str, owner: &str) -> String {
        if !self.taken.contains_key(wanted) {
            self.taken.insert(wanted.to_owned(), owner.to_owned());
            return wanted.to_owned();
        }
        let sep = if wanted.ends_with('_') {
            // `self_` is taken: `self_2`, not `self__2`.
            ""
        } else if wanted.contains('_') || wanted.chars().next().is_some_and(char::is_lowercase) {
            "_"
        } else {
            ""
        };
        let mut n = 2;
        loop {
            let candidate = format!("{wanted}{sep}{n}");
            if !self.taken.contains_key(&candidate) {
                let first_owner = self.taken.get(wanted).cloned().unwrap_or_default();
                self.collisions.push(Collision {
                    wanted: wanted.to_owned(),
                    given: candidate.clone(),
                    first_owner,
                    owner: owner.to_owned(),
                });
                self.taken.insert(candidate.clone(), owner.to_owned());
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_become_upper_camel_case() {
        assert_eq!(type_name("BackupRestoreJob"), "BackupRestoreJob");
        assert_eq!(type_name("ApiBSONTimestampView"), "ApiBsonTimestampView");
        assert_eq!(
            type_name("application/vnd.atlas.2023-01-01+json"),
            "ApplicationVndAtlas20230101Json"
        );
    }

    #[test]
    fn wire_names_become_snake_case_fields() {
        assert_eq!(value_name("masterKeyUUID"), "master_key_uuid");
        assert_eq!(value_name("urlV2"), "url_v2");
        assert_eq!(value_name("batchId"), "batch_id");
        assert_eq!(
            value_name("getGroupClusterRestoreJob"),
            "get_group_cluster_restore_job"
        );
    }

    #[test]
    fn enum_values_become_variants() {
        assert_eq!(type_name("CLIENT_PIT_HTTP"), "ClientPitHttp");
        assert_eq!(type_name("SHA1"), "Sha1");
        assert_eq!(type_name("IN_PROGRESS"), "InProgress");
    }

    #[test]
    fn symbol_only_values_are_spelled_out() {
        assert_eq!(type_name("<"), "Lt");
        assert_eq!(type_name(">"), "Gt");
        assert_eq!(type_name(">="), "GtEq");
        assert_eq!(type_name(""), "Empty");
    }

    #[test]
    fn non_ascii_letters_are_kept() {
        assert_eq!(value_name("größe"), "größe");
        assert_eq!(type_name("größe"), "Größe");
        assert_eq!(value_name("名前"), "名前");
        assert_eq!(value_name("créé_à"), "créé_à");
        assert!(has_word_chars("名前"));
        assert!(!has_word_chars("<="));
        // Not an identifier character: left out like a symbol.
        assert_eq!(value_name("x²"), "x");
    }

    #[test]
    fn negative_numbers_say_minus() {
        assert_eq!(type_name("-1"), "Minus1");
        assert_eq!(type_name("1"), "V1");
        assert_eq!(value_name("-20"), "minus_20");
    }

    #[test]
    fn leading_digits_get_a_letter() {
        assert_eq!(type_name("4.4"), "V4_4");
        assert_eq!(type_name("3DES"), "V3des");
        assert_eq!(type_name("1000_requests"), "V1000Requests");
        assert_eq!(value_name("4.4"), "v4_4");
        assert_eq!(value_name("2fa"), "v2fa");
    }

    #[test]
    fn keywords_and_reserved_types_are_avoided() {
        assert_eq!(value_name("type"), "type_");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(type_name("Self"), "SelfModel");
        assert_eq!(type_name("Error"), "ErrorModel");
        assert_eq!(type_name("Option"), "OptionModel");
    }

    #[test]
    fn statuses_are_named_by_their_reason() {
        assert_eq!(status_word(404, false), "not_found");
        assert_eq!(status_word(204, false), "no_content");
        assert_eq!(status_word(418, false), "status_418");
        assert_eq!(status_word(400, true), "status_4xx");
    }

    #[test]
    fn command_names_are_kebab_case() {
        assert_eq!(command_name("Legacy Backup"), "legacy-backup");
        assert_eq!(
            command_name("getGroupClusterRestoreJob"),
            "get-group-cluster-restore-job"
        );
        assert_eq!(command_name("groupId"), "group-id");
        assert_eq!(command_name("type"), "type");
        assert_eq!(command_name("4.4"), "4-4");
        assert_eq!(command_name("<"), "lt");
        assert_eq!(camel_alias("Legacy Backup"), "legacyBackup");
        assert_eq!(camel_alias("Cloud Backups"), "cloudBackups");
    }

    #[test]
    fn collisions_get_numbered_and_reported() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim("group_id", "groupId"), "group_id");
        assert_eq!(scope.claim("group_id", "group_id"), "group_id_2");
        assert_eq!(scope.claim("Foo", "a"), "Foo");
        assert_eq!(scope.claim("Foo", "b"), "Foo2");
        assert_eq!(scope.claim("self_", "self"), "self_");
        assert_eq!(scope.claim("self_", "Self"), "self_2");
        assert_eq!(scope.collisions.len(), 3);
        assert_eq!(scope.collisions[0].first_owner, "groupId");
    }
}
