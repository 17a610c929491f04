//! `README.md` of a crate made to be published, and `examples/readme.rs`,
//! the README's usage example as a file of its own.
//!
//! The example is printed once and written to both files. As an example of
//! the crate it is compiled by `cargo test` and `cargo clippy --all-targets`
//! like any other target, so the README cannot show code that no longer
//! compiles. (A doctest would need the library's doctests on, and those
//! would also run the code blocks of the spec's prose in every doc comment.)
//! It is printed as text, laid out as rustfmt lays it out, because the
//! README shows it as written: a token printer would drop its comments.

use super::*;

/// Where the README's example goes in the crate, and its Cargo name.
pub(super) const EXAMPLE_PATH: &str = "examples/readme.rs";
pub(super) const EXAMPLE_NAME: &str = "readme";

/// The README's example: its code, and the features it needs.
pub(super) struct Example {
    pub code: String,
    /// `client`, and the feature of the operation it sends when the crate
    /// has tag features.
    pub features: Vec<String>,
}

/// Widths rustfmt keeps a construct on one line within (its defaults).
const MAX_WIDTH: usize = 100;
const CALL_WIDTH: usize = 60;
const CHAIN_WIDTH: usize = 60;

/// The example: a client, a request value for the first operation whose
/// required parameters can all be written as literals (else only the
/// client), sent, and its answer printed.
pub(super) fn example(api: &Api, settings: &Settings<'_>) -> Example {
    let krate = settings.crate_name.replace('-', "_");
    let mut imports: Vec<String> = vec!["Client".to_owned()];
    let mut body: Vec<String> = Vec::new();
    if api.security.is_empty() {
        imports.push("BaseUrl".to_owned());
        body.push(format!(
            "let client = Client::new(BaseUrl::parse({krate}::DEFAULT_BASE_URL)?)?;"
        ));
    } else {
        body.push("// Credentials from the environment (see `Client::from_env`).".to_owned());
        body.push("let client = Client::from_env()?;".to_owned());
    }
    let mut features = vec!["client".to_owned()];
    let mut deprecated = false;
    let chosen = api
        .operations
        .iter()
        .find_map(|op| harness::path_samples(api, op).map(|samples| (op, samples)));
    if let Some((op, samples)) = chosen {
        let reserved = ["client", "request", "answer"];
        let mut args = Vec::new();
        for (p, sample) in &samples {
            let mut name = p.name.clone();
            if reserved.contains(&name.as_str()) {
                name.push_str("_value");
            }
            let value = rust_string(sample);
            match &p.ty {
                TypeRef::Validated(ty) => {
                    imports.push(ty.clone());
                    body.push(fit_let(
                        &format!("let {name}: {ty} ="),
                        &value,
                        ".parse()?;",
                    ));
                }
                _ => body.push(fit_let(&format!("let {name} ="), &value, ".to_owned();")),
            }
            args.push(name);
        }
        imports.push(op.struct_name.clone());
        body.push(call(
            &format!("let request = {}::new", op.struct_name),
            &args,
        ));
        body.push(fit_let(
            "let answer =",
            "client",
            &format!(".{}(&request).await?;", op.fn_name),
        ));
        body.push("println!(\"{answer:?}\");".to_owned());
        features.extend(op.features.first().cloned());
        deprecated = op.deprecated;
    } else {
        body.push("println!(\"{client:?}\");".to_owned());
    }
    body.push("Ok(())".to_owned());
    imports.sort();
    imports.dedup();
    let mut code = String::new();
    if deprecated {
        // On the whole file: the `use` names the operation too.
        code.push_str("#![allow(deprecated)] // The API marks this operation deprecated.\n\n");
    }
    code.push_str(&use_lines(&krate, &imports));
    code.push_str("\n#[tokio::main]\n");
    code.push_str("async fn main() -> Result<(), Box<dyn std::error::Error>> {\n");
    for line in body {
        for part in line.lines() {
            code.push_str("    ");
            code.push_str(part);
            code.push('\n');
        }
    }
    code.push_str("}\n");
    Example { code, features }
}

/// `s` as a Rust string literal.
fn rust_string(s: &str) -> String {
    format!("{s:?}")
}

/// `<head> <root><tail>` on one line when rustfmt would keep it there (the
/// statement fits and the method chain is short), else the chain broken
/// after its root as rustfmt breaks it.
fn fit_let(head: &str, root: &str, tail: &str) -> String {
    let chain = format!("{root}{tail}");
    let line = format!("{head} {chain}");
    if 4 + line.len() <= MAX_WIDTH && chain.len() <= CHAIN_WIDTH {
        return line;
    }
    let calls: Vec<String> = split_chain(tail);
    if calls.len() == 1 && 4 + line.len() <= MAX_WIDTH {
        return line;
    }
    let mut out = format!("{head} {root}");
    for c in calls {
        out.push_str("\n    ");
        out.push_str(&c);
    }
    out
}

/// `.a(x).await?;` as `[".a(x)", ".await?;"]`.
fn split_chain(tail: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in tail.chars() {
        if c == '.' && depth == 0 && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        current.push(c);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// `<head>(a, b);` on one line when rustfmt would keep it there, else one
/// argument a line.
fn call(head: &str, args: &[String]) -> String {
    let joined = args.join(", ");
    let line = format!("{head}({joined});");
    if args.is_empty() || (4 + line.len() <= MAX_WIDTH && joined.len() <= CALL_WIDTH) {
        return line;
    }
    let mut out = format!("{head}(");
    for a in args {
        out.push_str(&format!("\n    {a},"));
    }
    out.push_str("\n);");
    out
}

/// `README.md`: what the crate is, how to depend on it, the example, the
/// features.
pub(super) fn readme_md(api: &Api, settings: &Settings<'_>, example: &Example) -> String {
    let name = settings.crate_name;
    let mut out = format!(
        "<!-- @generated by atlasgen from {}. Do not edit by hand.\n     Regenerate with: {} -->\n\n",
        settings.spec_name, settings.regenerate_command
    );
    out.push_str(&format!("# {name}\n\n"));
    out.push_str(&format!(
        "Typed Rust bindings for the {} (spec version {}), generated by atlasgen from its\nOpenAPI description.\n",
        api.title.trim(),
        api.version.trim()
    ));
    if let Some(source) = settings.spec_source.filter(|s| !s.trim().is_empty()) {
        out.push_str(source.trim());
        out.push('\n');
    }
    out.push_str(
        "\nEach operation is a request value built from validated parameters. `Client` sends it\n\
         on reqwest and decodes the answer into typed models; without the client, the same value\n\
         gives an `http::Request` (`to_request`) to send with any HTTP client, and\n\
         `parse_response` decodes what came back. Responses are decoded leniently (a value that\n\
         breaks its declared pattern or format is kept as `Checked::Invalid`, an unknown enum\n\
         value as `Unknown`); requests are validated strictly.\n\n",
    );
    out.push_str("## Usage\n\n```toml\n[dependencies]\n");
    out.push_str(&format!("{name} = \"{}\"\n", settings.version));
    out.push_str(
        "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n```\n\n",
    );
    out.push_str("```rust,no_run\n");
    out.push_str(&example.code);
    out.push_str("```\n\n");
    out.push_str(&format!(
        "The example is also the crate's `{EXAMPLE_NAME}` example (`cargo run --example {EXAMPLE_NAME}`).\n\n"
    ));
    out.push_str("## Features\n\n");
    out.push_str(
        "- `client` (default): the async client on reqwest. Without it the crate is sans-IO.\n",
    );
    if api.tag_features {
        out.push_str(
            "- `full` (default): every API area. Each area is a feature of its own, named after its\n  \
             tag in the spec; a crate that needs one area compiles only that area and its types.\n",
        );
    }
    out.push_str(
        "- `mock`: for tests, `mock::MockServer`, a typed mock of every operation on 127.0.0.1.\n\
         - `cli`: a command line, one command per operation (the binary of the same name).\n\
         - `roundtrip`: for tests, every model by name, to check that values decode and re-encode.\n\n",
    );
    out.push_str("License: Apache-2.0.\n");
    out
}

/// The example's imports from the crate: one `use` when it fits the line,
/// braces only around two names or more (as rustfmt writes them).
fn use_lines(krate: &str, imports: &[String]) -> String {
    let one_use = match imports {
        [name] => format!("use {krate}::{name};"),
        _ => format!("use {krate}::{{{}}};", imports.join(", ")),
    };
    if one_use.len() <= MAX_WIDTH {
        one_use + "\n"
    } else {
        imports
            .iter()
            .map(|name| format!("use {krate}::{name};\n"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{call, fit_let, use_lines};

    #[test]
    fn one_name_is_imported_without_braces_and_several_with_them_as_rustfmt_writes() {
        assert_eq!(
            use_lines("api", &["Client".to_owned()]),
            "use api::Client;\n"
        );
        assert_eq!(
            use_lines("api", &["Client".to_owned(), "GroupId".to_owned()]),
            "use api::{Client, GroupId};\n"
        );
        let long: Vec<String> = (0..12).map(|i| format!("SomeLongTypeName{i}")).collect();
        assert_eq!(use_lines("api", &long).lines().count(), 12);
    }

    #[test]
    fn a_short_call_stays_on_one_line_and_a_long_one_takes_a_line_per_argument() {
        let short = ["group_id".to_owned(), "job_id".to_owned()];
        assert_eq!(
            call("let request = GetJob::new", &short),
            "let request = GetJob::new(group_id, job_id);"
        );
        let long = [
            "federation_settings_id".to_owned(),
            "identity_provider_id".to_owned(),
            "organization_id".to_owned(),
        ];
        assert_eq!(
            call("let request = GetFederationSettingsConnectedOrgConfig::new", &long),
            "let request = GetFederationSettingsConnectedOrgConfig::new(\n    federation_settings_id,\n    identity_provider_id,\n    organization_id,\n);"
        );
    }

    #[test]
    fn a_long_method_chain_breaks_after_its_root() {
        assert_eq!(
            fit_let("let answer =", "client", ".get_job(&request).await?;"),
            "let answer = client.get_job(&request).await?;"
        );
        assert_eq!(
            fit_let(
                "let answer =",
                "client",
                ".get_federation_settings_connected_org_config(&request).await?;"
            ),
            "let answer = client\n    .get_federation_settings_connected_org_config(&request)\n    .await?;"
        );
    }
}
