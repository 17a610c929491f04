//! Every failure the generator can meet in a spec or a config is a located
//! diagnostic, rendered like rustc (file:line:col, JSON pointer, the source
//! lines, `= help:`), with its own exit code; quirks it works around are
//! warnings with the same rendering. Each fixture in `tests/data/bad/` is run
//! through the `atlasgen` command and its exit code and stderr snapshotted
//! (review changes with `cargo insta review`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use atlasgen::diag::{Code, Diagnostic, Location};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join("bad")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("diagnostics")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `atlasgen` in the fixtures folder (so files print as written);
/// the exit code and stderr, as one text.
fn atlasgen(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_atlasgen"))
        .args(args)
        .current_dir(fixtures())
        .output()
        .unwrap_or_else(|e| panic!("cannot run atlasgen: {e}"));
    let code = output.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    // Timings some builds print are not part of the diagnostic.
    let stderr: String = stderr
        .lines()
        .filter(|l| !l.starts_with("timing:"))
        .map(|l| format!("{l}\n"))
        .collect();
    (code, format!("exit code: {code}\n{stderr}"))
}

/// `atlasgen crate SPEC OUT`: a crate from any spec.
fn generate(spec: &str) -> (i32, String, PathBuf) {
    let name = spec.split('.').next().unwrap_or(spec);
    let out = out_dir(name);
    let out_text = out.display().to_string();
    let (code, text) = atlasgen(&["crate", spec, &out_text, "--runtime-path", "../runtime"]);
    (code, text, out)
}

fn models(out: &Path) -> String {
    std::fs::read_to_string(out.join("src").join("models.rs")).unwrap_or_default()
}

// ----- errors -----------------------------------------------------------------

#[test]
fn an_unreadable_spec_is_an_io_error_with_exit_code_10() {
    let (code, text, _) = generate("missing.yaml");
    assert_eq!(code, 10);
    insta::assert_snapshot!("unreadable", text);
}

#[test]
fn malformed_yaml_is_a_syntax_error_at_its_line_and_column() {
    let (code, text, _) = generate("malformed.yaml");
    assert_eq!(code, 11);
    insta::assert_snapshot!("malformed_yaml", text);
}

#[test]
fn malformed_json_is_a_syntax_error_at_its_line_and_column() {
    let (code, text, _) = generate("malformed.json");
    assert_eq!(code, 11);
    insta::assert_snapshot!("malformed_json", text);
}

#[test]
fn a_swagger_2_document_is_refused_with_advice_on_converting_it() {
    let (code, text, _) = generate("swagger2.yaml");
    assert_eq!(code, 12);
    insta::assert_snapshot!("swagger2", text);
}

#[test]
fn an_openapi_3_1_document_is_refused_with_advice() {
    let (code, text, _) = generate("openapi31.json");
    assert_eq!(code, 12);
    insta::assert_snapshot!("openapi31", text);
}

#[test]
fn a_dangling_ref_names_its_target_where_it_is_used_and_the_closest_name() {
    let (code, text, _) = generate("dangling_ref.yaml");
    assert_eq!(code, 14);
    insta::assert_snapshot!("dangling_ref", text);
}

#[test]
fn a_cycle_of_pure_aliases_is_an_error_naming_the_chain() {
    let (code, text, _) = generate("alias_cycle.yaml");
    assert_eq!(code, 15);
    insta::assert_snapshot!("alias_cycle", text);
}

#[test]
fn an_array_of_itself_is_a_cycle_error_at_the_schema() {
    let (code, text, _) = generate("array_of_itself.yaml");
    assert_eq!(code, 15);
    insta::assert_snapshot!("array_of_itself", text);
}

#[test]
fn a_selection_naming_what_the_spec_lacks_points_into_the_config_with_the_closest_names() {
    let (code, text) = atlasgen(&["generate", "selection.toml"]);
    assert_eq!(code, 16);
    insta::assert_snapshot!("selection", text);
}

#[test]
fn a_pattern_the_validators_cannot_honour_is_an_error_at_the_pattern() {
    let (code, text, _) = generate("bad_pattern.yaml");
    assert_eq!(code, 17);
    insta::assert_snapshot!("bad_pattern", text);
}

#[test]
fn duplicate_operation_ids_are_an_error_naming_both_places() {
    let (code, text, _) = generate("duplicate_operation_ids.yaml");
    assert_eq!(code, 18);
    insta::assert_snapshot!("duplicate_operation_ids", text);
}

#[test]
fn an_x_rust_name_that_is_no_rust_identifier_is_an_error_at_the_extension() {
    let (code, text, _) = generate("bad_rust_name.yaml");
    assert_eq!(code, 18);
    insta::assert_snapshot!("bad_rust_name", text);
}

#[test]
fn a_name_pinned_in_the_config_that_is_no_rust_identifier_is_an_error() {
    let spec =
        atlasgen::load::load_file(&fixtures().join("small.yaml")).unwrap_or_else(|d| panic!("{d}"));
    for bad in ["2nd", "type", "Self", "a-b", "r#type", "", "_", "Group Id"] {
        let mut config = atlasgen::Config::default();
        config.names.insert(
            "#/paths/~1groups~1{groupId}~1jobs/get".to_owned(),
            bad.to_owned(),
        );
        let failure = match atlasgen::generate_from_spec(&spec, &config) {
            Ok(_) => panic!("`{bad}` was accepted as a Rust name"),
            Err(f) => f,
        };
        assert_eq!(failure.exit_code(), 18, "{failure}");
        assert!(
            failure.to_string().contains("is not a Rust identifier"),
            "{failure}"
        );
    }
}

#[test]
fn inline_schemas_nested_absurdly_deep_are_refused_quickly() {
    let started = Instant::now();
    let (code, text, _) = generate("too_deep.yaml");
    assert_eq!(code, 13);
    insta::assert_snapshot!("too_deep", text);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn an_error_deep_in_nested_schemas_is_found_in_linear_time_and_located() {
    // Read whole, openapiv3's parser would take time exponential in the depth.
    let started = Instant::now();
    let (code, text, _) = generate("deep_error.yaml");
    assert_eq!(code, 13);
    insta::assert_snapshot!("deep_error", text);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

// ----- what generates, with warnings ----------------------------------------

#[test]
fn a_recursive_object_generates_with_box_where_it_contains_itself_directly() {
    let (code, text, out) = generate("recursive.yaml");
    assert_eq!(code, 0, "{text}");
    let models = models(&out);
    assert!(models.contains("pub parent: Option<Box<Node>>"), "{models}");
    assert!(models.contains("pub children: Option<Vec<"), "{models}");
}

#[test]
fn names_colliding_after_conversion_are_numbered_deterministically_and_reported() {
    let (code, text, out) = generate("name_collisions.yaml");
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("name_collisions", text);
    let first = models(&out);
    assert!(first.contains("pub struct JobStatus2"), "{first}");
    assert!(first.contains("pub job_id_2:"), "{first}");
    assert!(first.contains("InProgress2"), "{first}");
    let (_, _, again) = generate("name_collisions.yaml");
    assert_eq!(
        models(&again),
        first,
        "the same spec names things the same way every time"
    );
}

#[test]
fn rust_keywords_and_symbols_in_names_become_valid_identifiers() {
    let (code, text, out) = generate("keywords.yaml");
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("keywords", text);
    let models = models(&out);
    for expected in [
        "pub struct SelfModel",
        "pub type_:",
        "out.optional(\"type\", &self.type_)",
        "pub crate_:",
        "pub v1st_place:",
        "pub lt:",
        "OptionModel",
        "GtEq",
        "V4_4",
        "V44",
    ] {
        assert!(models.contains(expected), "`{expected}` missing:\n{models}");
    }
    let operations =
        std::fs::read_to_string(out.join("src").join("operations.rs")).unwrap_or_default();
    assert!(operations.contains("pub fn match_("), "{operations}");
}

#[test]
fn integer_bounds_written_as_floats_are_a_located_warning() {
    let (code, text, _) = generate("float_bounds.yaml");
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("float_bounds", text);
}

#[test]
fn a_double_escaped_pattern_is_a_located_warning() {
    let (code, text, _) = generate("double_escaped.yaml");
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("double_escaped", text);
}

#[test]
fn a_unicode_property_class_without_the_u_flag_is_a_located_warning() {
    let (code, text, _) = generate("unicode_property.yaml");
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("unicode_property", text);
}

#[test]
fn an_enum_on_an_array_is_a_located_warning_and_its_field_reads_through_one_or_many() {
    let (code, text, out) = generate("enum_on_array.yaml");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("`enum` on an array schema"), "{text}");
    assert!(text.contains("enum_on_array.yaml:28:9"), "{text}");
    // Both fields, required and optional, read through the lenient list.
    let models = models(&out);
    assert!(
        models.contains("role_names: atlas_runtime::de::OneOrMany::into_vec("),
        "{models}"
    );
    assert!(
        models.contains(".map(atlas_runtime::de::OneOrMany::into_vec)"),
        "{models}"
    );
}

#[test]
fn an_example_that_contradicts_its_schema_is_a_located_warning() {
    let (code, text, _) = generate("bad_example.yaml");
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("bad_example", text);
}

#[test]
fn keys_beside_a_ref_are_a_located_warning() {
    let (code, text, _) = generate("ref_siblings.yaml");
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("ref_siblings", text);
}

// ----- the renderer and the exit codes ----------------------------------------

#[test]
fn every_kind_of_error_has_its_own_exit_code_from_10() {
    let codes = [
        Code::Io,
        Code::Syntax,
        Code::Version,
        Code::Shape,
        Code::Reference,
        Code::Cycle,
        Code::Selection,
        Code::Pattern,
        Code::Naming,
        Code::Unsupported,
        Code::Quirk,
        Code::Config,
    ];
    let mut exits: Vec<i32> = codes.iter().map(|c| c.exit_code()).collect();
    exits.sort();
    exits.dedup();
    assert_eq!(exits, (10..=21).collect::<Vec<_>>());
}

#[test]
fn a_diagnostic_without_its_source_still_names_file_line_and_pointer() {
    let mut loc = Location::new("spec.yaml", "#/paths");
    loc.line = Some((3, 1));
    let d = Diagnostic::error(Code::Shape, loc, "broken").with_help("fix it");
    assert_eq!(
        d.render(None),
        "error[shape]: broken\n --> spec.yaml:3:1 (#/paths)\n  = help: fix it"
    );
}

#[test]
fn a_location_known_only_by_pointer_is_found_in_the_source() {
    let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      operationId: a\n";
    let d = Diagnostic::warning(
        Code::Quirk,
        Location::new("s.yaml", "#/paths/~1a/get/operationId"),
        "odd",
    );
    let rendered = d.render(Some(text));
    assert!(
        rendered.contains("--> s.yaml:5:7 (#/paths/~1a/get/operationId)"),
        "{rendered}"
    );
    assert!(
        rendered.contains("5 |       operationId: a\n  |       ^^^^^^^^^^^^^^"),
        "{rendered}"
    );
}

#[test]
fn a_very_long_line_is_shown_as_a_window_around_the_column() {
    let text = format!(
        "{{\"openapi\": \"3.0.3\", \"x\": \"{}\", \"bad\" 1}}",
        "y".repeat(5000)
    );
    let mut loc = Location::new("min.json", "");
    loc.line = Some((1, 5037));
    let rendered = Diagnostic::error(Code::Syntax, loc, "expected `:`").render(Some(&text));
    let longest = rendered
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    assert!(longest < 130, "{rendered}");
    let caret_line = rendered
        .lines()
        .find(|l| l.trim_end().ends_with('^'))
        .unwrap_or_default();
    let shown_line = rendered
        .lines()
        .find(|l| l.contains("\"bad\""))
        .unwrap_or_default();
    let caret_at = caret_line.find('^').unwrap_or(0);
    assert_eq!(
        shown_line.get(caret_at..caret_at + 1),
        Some("1"),
        "{rendered}"
    );
}

#[test]
fn a_position_past_the_end_and_odd_characters_render_without_panicking() {
    for text in ["", "\n", "a\tb\u{0}c", "é", "x\r\ny"] {
        for line in [0, 1, 2, 99] {
            for col in [0, 1, 2, 500] {
                let mut loc = Location::new("f.yaml", if col == 2 { "#/a" } else { "" });
                loc.line = Some((line, col));
                let _ = Diagnostic::error(Code::Syntax, loc, "m").render(Some(text));
            }
        }
    }
}

#[test]
fn the_deepest_nesting_allowed_generates_on_a_test_threads_stack() {
    // 32 levels of inline objects, arrays, maps and allOf: accepted, and
    // lowered and emitted within the 2 MiB a test thread has.
    let mut schema = serde_json::json!({"type": "string"});
    for level in 0..atlasgen::load::MAX_SCHEMA_NESTING - 1 {
        schema = match level % 4 {
            0 => serde_json::json!({"type": "object", "properties": {"inner": schema}}),
            1 => serde_json::json!({"type": "array", "items": schema}),
            2 => serde_json::json!({"type": "object", "additionalProperties": schema}),
            _ => serde_json::json!({"allOf": [schema], "description": "an alias"}),
        };
    }
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Deep", "version": "1"},
        "paths": {"/deep": {"get": {"operationId": "getDeep", "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Deep"}}}}}}}},
        "components": {"schemas": {"Deep": schema}},
    });
    let spec =
        atlasgen::load::load_str("deep.json", doc.to_string()).unwrap_or_else(|d| panic!("{d}"));
    let generated = atlasgen::generate_from_spec(&spec, &atlasgen::Config::default())
        .unwrap_or_else(|f| panic!("{f}"));
    let models = generated
        .files
        .iter()
        .find(|f| f.path == "src/models.rs")
        .map(|f| f.contents.as_str())
        .unwrap_or_default();
    assert!(models.matches("pub struct").count() >= 8, "{models}");
}
