//! The command-line pass: which commands the generated CLI has and what they
//! are called. One group per tag, one command per operation under each of its
//! tags (its default representation; JSON versions whose schemas differ are
//! `--api-version` choices of it), one flag per parameter. Names are kebab
//! case through `naming::command_name`; the spec's own forms (`legacyBackup`,
//! `getGroupClusterRestoreJob`, `groupId`) are aliases. An operation whose Rust
//! name is pinned (`x-rust-name`, `[names]`) takes its command name from the pin,
//! so an upstream operationId rename moves neither; the new operationId is an alias.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;
use crate::naming::{camel_alias, command_name, Scope};

/// The group of operations without a tag.
const UNTAGGED: &str = "untagged";

/// Flags every command has or may have beside its parameters: the same list as
/// `atlas_runtime::cli::RESERVED_FLAGS` (a test holds them together).
pub const RESERVED_FLAGS: &[&str] = &[
    "help",
    "version",
    "base-url",
    "output",
    "file",
    "api-version",
    "all",
];

/// The command line for `api`; `tags` are the spec's tags (their descriptions
/// become the groups' help).
pub fn assign(api: &Api, tags: &[openapiv3::Tag]) -> Cli {
    let mut by_tag: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in api.operations.iter().filter(|o| o.representation.is_none()) {
        if op.tags.is_empty() {
            by_tag.entry(UNTAGGED.to_owned()).or_default().push(op);
        }
        for tag in &op.tags {
            by_tag.entry(tag.clone()).or_default().push(op);
        }
    }
    let mut group_scope = Scope::new();
    group_scope.reserve("help");
    let mut groups = Vec::new();
    for (tag, ops) in by_tag {
        let wanted = command_name(&tag);
        let name = group_scope.claim(&wanted, &tag);
        let alias = camel_alias(&tag);
        let mut command_scope = Scope::new();
        command_scope.reserve("help");
        let mut commands: Vec<CliCommand> = ops
            .iter()
            .map(|op| command(api, op, &mut command_scope))
            .collect();
        commands.sort_by(|a, b| a.name.cmp(&b.name));
        let features = if ops.iter().any(|o| o.features.is_empty()) {
            Vec::new()
        } else {
            let set: BTreeSet<&String> = ops.iter().flat_map(|o| &o.features).collect();
            set.into_iter().cloned().collect()
        };
        groups.push(CliGroup {
            aliases: alias_of(&alias, &name),
            name,
            description: tags
                .iter()
                .find(|t| t.name == tag)
                .and_then(|t| t.description.clone()),
            tag,
            commands,
            features,
        });
    }
    // Aliases must not shadow another group's name or alias.
    dedup_aliases(
        groups
            .iter_mut()
            .map(|g| (g.name.clone(), &mut g.aliases))
            .collect(),
    );
    for g in &mut groups {
        dedup_aliases(
            g.commands
                .iter_mut()
                .map(|c| (c.name.clone(), &mut c.aliases))
                .collect(),
        );
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    Cli { groups }
}

/// An alias that is a usable command-line word and differs from the name.
fn alias_of(raw: &str, name: &str) -> Vec<String> {
    let usable = !raw.is_empty()
        && raw != name
        && !raw.starts_with('-')
        && raw
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '=');
    if usable {
        vec![raw.to_owned()]
    } else {
        Vec::new()
    }
}

/// Drops aliases equal to another entry's name or to an earlier alias.
fn dedup_aliases(entries: Vec<(String, &mut Vec<String>)>) {
    let names: BTreeSet<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    let mut seen = BTreeSet::new();
    for (_, aliases) in entries {
        aliases.retain(|a| !names.contains(a) && seen.insert(a.clone()));
    }
}

fn command(api: &Api, op: &Operation, scope: &mut Scope) -> CliCommand {
    // A pinned name keeps the command's name when upstream renames the operationId, as it
    // keeps the Rust names; the operationId (as the documentation spells it, and in kebab
    // case) is an alias.
    let id_name = command_name(&op.operation_id);
    let wanted = op
        .pinned_name
        .as_deref()
        .map_or_else(|| id_name.clone(), command_name);
    let name = scope.claim(&wanted, &op.operation_id);
    let mut flag_scope = Scope::new();
    for r in RESERVED_FLAGS {
        flag_scope.reserve(r);
    }
    let mut flags: Vec<CliFlag> = op
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let long = flag_scope.claim(&command_name(&p.wire), &p.wire);
            CliFlag {
                param: i,
                aliases: alias_of(&p.wire, &long),
                value_name: long.to_uppercase().replace('-', "_"),
                long,
                parse: parse_of(api, &p.ty),
                values: enum_values(api, &p.ty),
            }
        })
        .collect();
    // A wire-name alias may not be another flag's name or a reserved one.
    for i in 0..flags.len() {
        let taken: BTreeSet<String> = flags
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, f)| std::iter::once(f.long.clone()).chain(f.aliases.clone()))
            .chain(RESERVED_FLAGS.iter().map(|r| (*r).to_owned()))
            .collect();
        flags[i].aliases.retain(|a| !taken.contains(a));
    }
    let mut aliases = alias_of(&op.operation_id, &name);
    aliases.extend(alias_of(&id_name, &name));
    aliases.dedup();
    CliCommand {
        aliases,
        name,
        op: op.fn_name.clone(),
        flags,
        versions: versions(api, op),
        all: op.paging.is_some(),
    }
}

/// How a parameter's text becomes its type.
fn parse_of(api: &Api, t: &TypeRef) -> CliParse {
    match t {
        TypeRef::List(inner) => parse_of(api, inner),
        TypeRef::String
        | TypeRef::Validated(_)
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::DateTime
        | TypeRef::Uuid => CliParse::FromStr,
        TypeRef::Model(n) => match api.types.iter().find(|d| &d.name == n).map(|d| &d.kind) {
            Some(TypeKind::Enum(e)) if !e.integer => CliParse::FromStr,
            _ => CliParse::Json,
        },
        TypeRef::Bytes => CliParse::Bytes,
        TypeRef::Json | TypeRef::Map(_) | TypeRef::Checked(_) | TypeRef::Boxed(_) => CliParse::Json,
    }
}

fn enum_values(api: &Api, t: &TypeRef) -> Vec<String> {
    match t {
        TypeRef::List(inner) => enum_values(api, inner),
        TypeRef::Model(n) => match api.types.iter().find(|d| &d.name == n).map(|d| &d.kind) {
            Some(TypeKind::Enum(e)) => e.variants.iter().map(|v| v.wire.clone()).collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The date a dated media type names (`application/vnd.atlas.2023-01-01+json`).
pub fn media_type_date(media_type: &str) -> Option<String> {
    let b = media_type.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = b.get(i..i + 10)?;
        let shape = w.iter().enumerate().all(|(k, c)| match k {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        let bounded = i == 0 || !b[i - 1].is_ascii_digit();
        let after = b.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
        (shape && bounded && after).then(|| media_type[i..i + 10].to_owned())
    })
}

/// `--api-version` choices: the versions the operation can pin and those of
/// its JSON representations whose schemas differ, newest first; none when
/// there is nothing to choose.
fn versions(api: &Api, op: &Operation) -> Vec<CliVersion> {
    let mut out: Vec<CliVersion> = Vec::new();
    let mut push = |media_type: &str, target: &Operation| {
        if let Some(date) = media_type_date(media_type) {
            if out.iter().all(|v| v.date != date) {
                out.push(CliVersion {
                    date,
                    media_type: media_type.to_owned(),
                    op: target.fn_name.clone(),
                    pin: target.pinnable.iter().any(|m| m == media_type),
                });
            }
        }
    };
    for m in op.versions.iter().take(1).chain(&op.pinnable) {
        push(m, op);
    }
    for rep in &api.operations {
        if let Some(r) = &rep.representation {
            if r.json && r.of == op.struct_name {
                push(&r.media_type, rep);
            }
        }
    }
    if out.len() < 2 {
        return Vec::new();
    }
    out.sort_by(|a, b| b.date.cmp(&a.date));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_from_media_types() {
        assert_eq!(
            media_type_date("application/vnd.atlas.2023-01-01+json").as_deref(),
            Some("2023-01-01")
        );
        assert_eq!(media_type_date("application/json"), None);
        assert_eq!(
            media_type_date("application/vnd.atlas.12023-01-01+json"),
            None
        );
    }

    #[test]
    fn aliases_are_single_words_that_differ() {
        assert_eq!(alias_of("groupId", "group-id"), vec!["groupId"]);
        assert!(alias_of("pretty", "pretty").is_empty());
        assert!(alias_of("a b", "a-b").is_empty());
        assert!(alias_of("", "empty").is_empty());
    }
}
