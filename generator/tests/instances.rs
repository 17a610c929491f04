//! The instance generator (the round-trip oracle): its instances are valid by
//! its own validator and by independent checks (regress for patterns, chrono
//! and uuid for formats), cover optional properties, union branches and
//! discriminator values, and are deterministic; the validator's gates fail
//! on bad values; every schema of the published specs gets instances or a
//! stated reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use atlasgen::instances::{instances, validate, Direction, Options, Oracle, SkipKind};
use atlasgen::load::{self, Spec};
use serde_json::{json, Value};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: instances, version: '1'}
paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                type: object
                required: [ok]
                properties:
                  ok: {type: boolean}
components:
  schemas:
    Everything:
      type: object
      required: [id, name, created, count, note]
      properties:
        id: {type: string, pattern: '^([a-f0-9]{24})$', readOnly: true}
        name: {type: string, minLength: 1, maxLength: 8}
        created: {type: string, format: date-time}
        uuid: {type: string, format: uuid, pattern: '^x$'}
        day: {type: string, format: date}
        count: {type: integer, format: int32, minimum: 1, maximum: 10}
        big: {type: integer, format: int64, multipleOf: 5, minimum: 0, exclusiveMinimum: true}
        ratio: {type: number, format: float, minimum: 0, maximum: 1}
        price: {type: number, multipleOf: 0.5, minimum: -10, maximum: 10}
        flag: {type: boolean}
        color: {type: string, enum: [red, green]}
        tags: {type: array, items: {type: string}, minItems: 1, maxItems: 2, uniqueItems: true}
        roles: {type: array, items: {type: string}, enum: [ADMIN, READ]}
        labels: {type: object, additionalProperties: {type: integer}}
        extra: {type: object}
        anything: {}
        note: {type: string, nullable: true}
        comment: {type: string, nullable: true}
        secret: {type: string, writeOnly: true}
        floatBound: {type: integer, minimum: 1.5, maximum: 3.0}
        child: {$ref: '#/components/schemas/Node'}
    Node:
      type: object
      required: [name]
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        parent: {$ref: '#/components/schemas/Node'}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
        - $ref: '#/components/schemas/Bird'
      discriminator:
        propertyName: petType
        mapping:
          cat: '#/components/schemas/Cat'
          kitty: '#/components/schemas/Cat'
          dog: '#/components/schemas/Dog'
          lizard: '#/components/schemas/Lizard'
    Cat:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
        purrs: {type: boolean}
    Dog:
      type: object
      required: [petType, barks]
      properties:
        petType: {type: string}
        barks: {type: boolean}
    Bird:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
        wings: {type: integer, minimum: 2, maximum: 2}
    Lizard:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
        scales: {type: integer}
    Figure:
      oneOf:
        - type: object
          required: [radius]
          properties:
            radius: {type: number}
        - type: object
          required: [side]
          properties:
            side: {type: number}
        - type: string
          pattern: '^[A-Z]{2}$'
    Amount:
      oneOf:
        - {type: number}
        - {type: number, minimum: 0}
    Ambiguous:
      oneOf:
        - type: object
          properties:
            a: {type: string}
        - type: object
          properties:
            b: {type: string}
    Alert:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
        id: {type: string, readOnly: true}
      discriminator:
        propertyName: kind
        mapping:
          HOST: '#/components/schemas/HostAlert'
          DISK: '#/components/schemas/DiskAlert'
      oneOf:
        - $ref: '#/components/schemas/HostAlert'
        - $ref: '#/components/schemas/DiskAlert'
    HostAlert:
      allOf:
        - $ref: '#/components/schemas/Alert'
        - type: object
          properties:
            host: {type: string}
    DiskAlert:
      allOf:
        - $ref: '#/components/schemas/Alert'
        - type: object
          required: [disk]
          properties:
            disk: {type: integer}
            kind: {type: string, enum: [DISK]}
    Patterned:
      type: object
      required: [cluster, ip, dots, digits, search]
      properties:
        cluster: {type: string, pattern: '^[a-zA-Z0-9][a-zA-Z0-9-]*$', maxLength: 64}
        ip: {type: string, pattern: '^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}$'}
        dots: {type: string, pattern: '^(?!.*\.\.)[a-z.]{3,10}$'}
        digits: {type: string, pattern: '^\d+$', minLength: 5, maxLength: 6}
        search: {type: string, pattern: 'ab'}
    Loop:
      type: object
      required: [next]
      properties:
        next: {$ref: '#/components/schemas/Loop'}
    Nope:
      not: {type: string}
    Squeezed: {type: string, minLength: 5, maxLength: 2}
    Huge: {type: string, pattern: '^a{2000}$'}
    Absurd:
      type: object
      properties:
        wide: {type: integer, minimum: -1.0e300, maximum: 1.0e300}
        tiny: {type: number, multipleOf: 1.0e-300}
        far: {type: number, minimum: 1.0e300}
        long: {type: string, minLength: 18446744073709551615}
        many: {type: array, items: {type: string}, minItems: 18446744073709551615}
        keys: {type: object, additionalProperties: {type: string}, minProperties: 18446744073709551615}
        steps: {type: integer, multipleOf: 7, minimum: 1, maximum: 6}
    OptionalNope:
      type: object
      properties:
        fine: {type: string}
        nope:
          not: {type: string}
"##;

fn spec() -> Spec {
    load::load_str("instances.yaml", SPEC.to_owned()).expect("the test spec loads")
}

fn schema(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

fn opts(count: usize) -> Options {
    Options {
        count,
        ..Options::default()
    }
}

const DIRECTIONS: [Direction; 2] = [Direction::Response, Direction::Request];

/// Schemas of the test spec that have no instances on purpose.
const UNINSTANTIABLE: [&str; 6] = ["Ambiguous", "Amount", "Loop", "Nope", "Squeezed", "Huge"];

#[test]
fn every_instance_validates_against_its_schema() {
    let spec = spec();
    let mut oracle = Oracle::new(&spec);
    let names: Vec<String> = spec
        .api
        .components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut checked = 0;
    for name in &names {
        if UNINSTANTIABLE.contains(&name.as_str()) {
            continue;
        }
        for dir in DIRECTIONS {
            let values = oracle
                .instances(&schema(name), dir, &opts(25))
                .unwrap_or_else(|s| panic!("{name} {dir:?}: {s}"));
            assert_eq!(values.len(), 25);
            for v in &values {
                oracle
                    .validate(&schema(name), dir, v)
                    .unwrap_or_else(|e| panic!("{name} {dir:?}: {v} is invalid: {e}"));
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "{checked}");
}

#[test]
fn body_schemas_of_operations_are_reachable_by_pointer() {
    let spec = spec();
    let body = "#/paths/~1pets/post/requestBody/content/application~1json/schema";
    let values = instances(&spec, body, Direction::Request, &opts(4)).unwrap();
    assert!(
        values.iter().all(|v| v.get("petType").is_some()),
        "{values:?}"
    );
    let response = "#/paths/~1pets/post/responses/201/content/application~1json/schema";
    let values = instances(&spec, response, Direction::Response, &opts(2)).unwrap();
    assert!(values.iter().all(|v| v["ok"].is_boolean()), "{values:?}");
    let nested = "#/components/schemas/Everything/properties/tags";
    let values = instances(&spec, nested, Direction::Response, &opts(5)).unwrap();
    assert!(values.iter().all(Value::is_array), "{values:?}");
    let nowhere = instances(
        &spec,
        "#/components/schemas/Missing",
        Direction::Response,
        &opts(1),
    );
    assert_eq!(nowhere.unwrap_err().kind, SkipKind::Reference);
}

#[test]
fn optional_properties_are_sometimes_left_out() {
    let spec = spec();
    let values = instances(&spec, &schema("Everything"), Direction::Response, &opts(40)).unwrap();
    let mut present: BTreeMap<String, usize> = BTreeMap::new();
    for v in &values {
        for k in v.as_object().unwrap().keys() {
            *present.entry(k.clone()).or_default() += 1;
        }
    }
    for required in ["id", "name", "created", "count", "note"] {
        assert_eq!(present.get(required), Some(&40), "{required}: {present:?}");
    }
    for optional in [
        "uuid", "day", "big", "ratio", "price", "flag", "color", "tags", "comment",
    ] {
        let n = present.get(optional).copied().unwrap_or(0);
        assert!(n > 0 && n < 40, "{optional} present {n} times in 40");
    }
    // The first instance has every optional property, the second none.
    let first = values[0].as_object().unwrap();
    assert!(
        first.contains_key("labels") && first.contains_key("child"),
        "{first:?}"
    );
    assert_eq!(values[1].as_object().unwrap().len(), 5, "{}", values[1]);
}

#[test]
fn readonly_properties_are_left_out_of_requests() {
    let spec = spec();
    let requests = instances(&spec, &schema("Everything"), Direction::Request, &opts(30)).unwrap();
    assert!(requests.iter().all(|v| v.get("id").is_none()));
    assert!(requests.iter().any(|v| v.get("secret").is_some()));
    let responses =
        instances(&spec, &schema("Everything"), Direction::Response, &opts(30)).unwrap();
    assert!(responses.iter().all(|v| v.get("id").is_some()));
    assert!(responses.iter().all(|v| v.get("secret").is_none()));
    // Merged from a parent too.
    let alerts = instances(&spec, &schema("HostAlert"), Direction::Request, &opts(10)).unwrap();
    assert!(alerts.iter().all(|v| v.get("id").is_none()), "{alerts:?}");
}

#[test]
fn nullable_properties_are_sometimes_null_even_when_required() {
    let spec = spec();
    let values = instances(&spec, &schema("Everything"), Direction::Response, &opts(60)).unwrap();
    assert!(values.iter().any(|v| v["note"].is_null()));
    assert!(values.iter().any(|v| v["note"].is_string()));
    // Only nullable properties are ever null.
    for v in &values {
        for (k, x) in v.as_object().unwrap() {
            if x.is_null() {
                assert!(k == "note" || k == "comment", "{k} is null in {v}");
            }
        }
    }
    let no_nulls = Options {
        nulls: false,
        ..opts(60)
    };
    let values = instances(&spec, &schema("Everything"), Direction::Response, &no_nulls).unwrap();
    assert!(values.iter().all(|v| v["note"].is_string()));
}

#[test]
fn every_oneof_branch_is_covered() {
    let spec = spec();
    let figures = instances(&spec, &schema("Figure"), Direction::Response, &opts(3)).unwrap();
    assert!(figures[0].get("radius").is_some(), "{figures:?}");
    assert!(figures[1].get("side").is_some(), "{figures:?}");
    assert!(figures[2].is_string(), "{figures:?}");
    // Each matches exactly one branch.
    for f in &figures {
        validate(&spec, &schema("Figure"), Direction::Response, f).unwrap();
    }
    let pets = instances(&spec, &schema("Pet"), Direction::Request, &opts(4)).unwrap();
    let kinds: BTreeSet<bool> = pets.iter().map(|p| p.get("barks").is_some()).collect();
    assert_eq!(kinds.len(), 2, "{pets:?}");
}

#[test]
fn discriminator_values_come_from_the_mapping() {
    let spec = spec();
    let pets = instances(&spec, &schema("Pet"), Direction::Response, &opts(12)).unwrap();
    let tags: BTreeSet<&str> = pets
        .iter()
        .map(|p| p["petType"].as_str().unwrap())
        .collect();
    // Both mapping values of Cat, Dog's, Bird's schema name (it is unmapped),
    // and Lizard, which only the mapping names.
    assert_eq!(
        tags,
        BTreeSet::from(["cat", "kitty", "dog", "Bird", "lizard"]),
        "{pets:?}"
    );
    for p in &pets {
        match p["petType"].as_str().unwrap() {
            "dog" => assert!(p["barks"].is_boolean(), "{p}"),
            "lizard" => assert!(p.get("barks").is_none() && p.get("purrs").is_none(), "{p}"),
            _ => {}
        }
    }
}

#[test]
fn atlas_parent_and_child_schemas_instantiate_each_other() {
    let spec = spec();
    let alerts = instances(&spec, &schema("Alert"), Direction::Response, &opts(6)).unwrap();
    let kinds: BTreeSet<&str> = alerts.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, BTreeSet::from(["HOST", "DISK"]));
    for a in &alerts {
        if a["kind"] == "DISK" {
            assert!(a["disk"].is_i64(), "{a}");
        }
    }
    // The parent's own (optional) property reaches the children.
    assert!(alerts.iter().any(|a| a.get("id").is_some()), "{alerts:?}");
    // A child alone is a struct with the parent's properties; the later
    // definition of `kind` (an enum) refines the parent's.
    let disks = instances(&spec, &schema("DiskAlert"), Direction::Response, &opts(8)).unwrap();
    assert!(disks.iter().all(|d| d["kind"] == "DISK"), "{disks:?}");
    let hosts = instances(&spec, &schema("HostAlert"), Direction::Response, &opts(8)).unwrap();
    assert!(hosts.iter().all(|h| h["kind"].is_string()), "{hosts:?}");
}

#[test]
fn pattern_samples_match_the_pattern() {
    let spec = spec();
    let mut oracle = Oracle::new(&spec);
    let values = oracle
        .instances(&schema("Patterned"), Direction::Request, &opts(40))
        .unwrap();
    let patterns = [
        ("cluster", r"^[a-zA-Z0-9][a-zA-Z0-9-]*$"),
        ("ip", r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}$"),
        ("dots", r"^(?!.*\.\.)[a-z.]{3,10}$"),
        ("digits", r"^\d+$"),
        ("search", "ab"),
    ];
    let mut distinct: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for v in &values {
        for (field, p) in patterns {
            let s = v[field].as_str().unwrap();
            let re = regress::Regex::new(p).unwrap();
            assert!(re.find(s).is_some(), "{field}: {s:?} does not match {p}");
            distinct.entry(field).or_default().insert(s.to_owned());
        }
        let digits = v["digits"].as_str().unwrap().chars().count();
        assert!((5..=6).contains(&digits), "{v}");
    }
    for (field, seen) in &distinct {
        assert!(seen.len() > 10, "{field}: only {seen:?}");
    }
    let counts = oracle.pattern_counts();
    assert_eq!((counts.dfa, counts.relaxed), (4, 1), "{counts:?}");
}

#[test]
fn formats_re_encode_byte_identically() {
    let spec = spec();
    let values = instances(&spec, &schema("Everything"), Direction::Response, &opts(60)).unwrap();
    let mut uuids = 0;
    for v in &values {
        let created = v["created"].as_str().unwrap();
        let parsed = chrono::DateTime::parse_from_rfc3339(created).unwrap();
        let again = parsed
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        assert_eq!(again, created);
        if let Some(u) = v.get("uuid").and_then(Value::as_str) {
            // The format decides over the pattern `^x$`.
            assert_eq!(uuid::Uuid::parse_str(u).unwrap().to_string(), u);
            uuids += 1;
        }
        if let Some(d) = v.get("day").and_then(Value::as_str) {
            let day = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
            assert_eq!(day.format("%Y-%m-%d").to_string(), d);
        }
    }
    assert!(uuids > 0);
}

#[test]
fn numbers_re_encode_exactly() {
    let spec = spec();
    let values = instances(&spec, &schema("Everything"), Direction::Response, &opts(80)).unwrap();
    for v in &values {
        if let Some(r) = v.get("ratio") {
            let x = r.as_f64().unwrap();
            assert!(r.is_f64() && (0.0..=1.0).contains(&x), "{r}");
            assert_eq!(f64::from(x as f32), x, "{r} is not exact in f32");
            // As a float field encodes it.
            assert_eq!(serde_json::to_value(x as f32).unwrap(), *r);
        }
        if let Some(p) = v.get("price") {
            let x = p.as_f64().unwrap();
            assert!(p.is_f64() && (x * 2.0).fract() == 0.0, "{p}");
            let text = serde_json::to_string(p).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), *p);
        }
        if let Some(b) = v.get("big") {
            let n = b.as_i64().unwrap();
            assert!(n > 0 && n % 5 == 0, "{b}");
        }
        let count = v["count"].as_i64().unwrap();
        assert!((1..=10).contains(&count));
        if let Some(f) = v.get("floatBound") {
            assert!((2..=3).contains(&f.as_i64().unwrap()), "{f}");
        }
    }
}

#[test]
fn same_seed_same_instances() {
    let spec = spec();
    for name in ["Everything", "Pet", "Patterned", "Node"] {
        let a = instances(&spec, &schema(name), Direction::Response, &opts(10)).unwrap();
        let b = instances(&spec, &schema(name), Direction::Response, &opts(10)).unwrap();
        assert_eq!(a, b, "{name}");
        let other = Options {
            seed: 99,
            ..opts(10)
        };
        let c = instances(&spec, &schema(name), Direction::Response, &other).unwrap();
        assert_ne!(a, c, "{name}: another seed gives other instances");
    }
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn recursion_is_bounded_and_endless_recursion_is_skipped() {
    let spec = spec();
    for max_depth in [0, 2, 5] {
        let o = Options {
            max_depth,
            ..opts(10)
        };
        let nodes = instances(&spec, &schema("Node"), Direction::Response, &o).unwrap();
        // A node and its children list are two levels per step.
        assert!(
            nodes.iter().all(|n| depth(n) <= 2 * max_depth + 2),
            "{max_depth}: {nodes:?}"
        );
        assert!(
            nodes.iter().any(|n| depth(n) >= max_depth.min(2)),
            "{nodes:?}"
        );
    }
    let endless = instances(&spec, &schema("Loop"), Direction::Response, &opts(2)).unwrap_err();
    assert_eq!(endless.kind, SkipKind::Recursion, "{endless}");
}

#[test]
fn skips_say_why() {
    let spec = spec();
    let cases = [
        ("Nope", SkipKind::Not),
        ("Squeezed", SkipKind::Contradiction),
        ("Huge", SkipKind::Pattern),
        ("Ambiguous", SkipKind::Overlap),
    ];
    for (name, kind) in cases {
        let s = instances(&spec, &schema(name), Direction::Response, &opts(3)).unwrap_err();
        assert_eq!(s.kind, kind, "{name}: {s}");
        assert!(!s.reason.is_empty() && s.pointer.starts_with("#/components/schemas/"));
    }
    // An optional part with no instance is left out, and said so.
    let mut oracle = Oracle::new(&spec);
    let g = oracle
        .generate(&schema("OptionalNope"), Direction::Response, &opts(5))
        .unwrap();
    assert!(g.values.iter().all(|v| v.get("nope").is_none()));
    assert_eq!(g.left_out.len(), 1, "{:?}", g.left_out);
    assert_eq!(g.left_out[0].kind, SkipKind::Not);
}

#[test]
fn absurd_bounds_are_skipped_or_met_without_a_panic() {
    let spec = spec();
    let mut oracle = Oracle::new(&spec);
    let g = oracle
        .generate(&schema("Absurd"), Direction::Response, &opts(20))
        .unwrap();
    for v in &g.values {
        oracle
            .validate(&schema("Absurd"), Direction::Response, v)
            .unwrap();
        if let Some(w) = v.get("wide") {
            assert!(w.is_i64(), "{w}");
        }
    }
    let left: BTreeSet<&str> = g
        .left_out
        .iter()
        .map(|s| s.pointer.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        left,
        BTreeSet::from(["long", "many", "keys", "steps"]),
        "{:?}",
        g.left_out
    );
}

#[test]
fn validating_a_very_deep_value_ends_in_an_error_not_a_stack_overflow() {
    let spec = spec();
    // Built by hand: `json!` would re-serialize the nested value each time.
    let mut v = json!({"name": "leaf"});
    for _ in 0..5000 {
        let mut m = serde_json::Map::new();
        m.insert("name".to_owned(), json!("n"));
        m.insert("parent".to_owned(), v);
        v = Value::Object(m);
    }
    let e = validate(&spec, &schema("Node"), Direction::Response, &v).unwrap_err();
    assert!(
        e.contains("deeper than the validator follows"),
        "{}",
        &e[..200.min(e.len())]
    );
    // Dropping a 5000-deep `Value` recurses too; leak it instead.
    std::mem::forget(v);
}

// ----- the gates fail on bad values -----------------------------------------

fn good_everything() -> Value {
    json!({
        "id": "0123456789abcdef01234567",
        "name": "x",
        "created": "2021-03-04T05:06:07Z",
        "count": 3,
        "note": null
    })
}

#[test]
fn validate_accepts_a_hand_written_instance() {
    let spec = spec();
    validate(
        &spec,
        &schema("Everything"),
        Direction::Response,
        &good_everything(),
    )
    .unwrap();
}

#[test]
fn validate_rejects_a_wrong_typed_value() {
    let spec = spec();
    for (field, bad) in [
        ("count", json!("3")),
        ("count", json!(3.5)),
        ("count", json!(11)),
        ("name", json!("")),
        ("created", json!("2021-02-30T05:06:07Z")),
        ("id", json!("0123456789ABCDEF01234567")),
        ("color", json!("blue")),
        ("ratio", json!(0.1)),
        ("tags", json!(["a", "a"])),
        ("roles", json!(["OWNER"])),
        ("labels", json!({"a": "one"})),
        ("anything", Value::Null),
    ] {
        let mut v = good_everything();
        v[field] = bad.clone();
        let e = validate(&spec, &schema("Everything"), Direction::Response, &v)
            .expect_err(&format!("{field}: {bad} should be refused"));
        assert!(e.contains(&format!("/{field}")), "{e}");
    }
}

#[test]
fn validate_rejects_a_missing_required_property() {
    let spec = spec();
    let mut v = good_everything();
    v.as_object_mut().unwrap().remove("created");
    let e = validate(&spec, &schema("Everything"), Direction::Response, &v).unwrap_err();
    assert!(e.contains("`created` is missing"), "{e}");
    // Hidden in the direction, a required property is not required.
    let mut v = good_everything();
    v.as_object_mut().unwrap().remove("id");
    validate(&spec, &schema("Everything"), Direction::Request, &v).unwrap();
    let e = validate(
        &spec,
        &schema("DiskAlert"),
        Direction::Response,
        &json!({"kind": "DISK"}),
    )
    .unwrap_err();
    assert!(e.contains("`disk` is missing"), "{e}");
}

#[test]
fn validate_rejects_undeclared_and_hidden_properties() {
    let spec = spec();
    let mut v = good_everything();
    v["surprise"] = json!(1);
    let e = validate(&spec, &schema("Everything"), Direction::Response, &v).unwrap_err();
    assert!(e.contains("`surprise` is not a declared property"), "{e}");
    let e = validate(
        &spec,
        &schema("Everything"),
        Direction::Request,
        &good_everything(),
    )
    .unwrap_err();
    assert!(e.contains("`id` is readOnly"), "{e}");
    let mut v = good_everything();
    v["secret"] = json!("s");
    let e = validate(&spec, &schema("Everything"), Direction::Response, &v).unwrap_err();
    assert!(e.contains("`secret` is writeOnly"), "{e}");
    let mut v = good_everything();
    v["name"] = Value::Null;
    let e = validate(&spec, &schema("Everything"), Direction::Response, &v).unwrap_err();
    assert!(e.contains("not nullable"), "{e}");
}

#[test]
fn validate_rejects_a_value_matching_two_oneof_branches() {
    let spec = spec();
    let e = validate(&spec, &schema("Amount"), Direction::Response, &json!(1.5)).unwrap_err();
    assert!(e.contains("matches branches [0, 1] of the oneOf"), "{e}");
    validate(&spec, &schema("Amount"), Direction::Response, &json!(-1.5)).unwrap();
    // Both branches' properties: neither branch declares them all.
    let both = json!({"radius": 1.0, "side": 2.0});
    validate(&spec, &schema("Figure"), Direction::Response, &both).unwrap_err();
    // One branch read strictly, another only once unknown properties are
    // ignored: still two.
    let e = validate(
        &spec,
        &schema("Ambiguous"),
        Direction::Response,
        &json!({"a": "x"}),
    )
    .unwrap_err();
    assert!(e.contains("branch 1 accepts it too"), "{e}");
    validate(
        &spec,
        &schema("Figure"),
        Direction::Response,
        &json!({"radius": 1.0}),
    )
    .unwrap();
    let e = validate(&spec, &schema("Figure"), Direction::Response, &json!("abc")).unwrap_err();
    assert!(e.contains("matches no branch"), "{e}");
}

#[test]
fn validate_rejects_a_discriminator_value_outside_the_mapping() {
    let spec = spec();
    validate(
        &spec,
        &schema("Pet"),
        Direction::Response,
        &json!({"petType": "kitty"}),
    )
    .unwrap();
    let e = validate(
        &spec,
        &schema("Pet"),
        Direction::Response,
        &json!({"petType": "Cat"}),
    )
    .unwrap_err();
    assert!(e.contains("selects no branch"), "{e}");
    let e = validate(
        &spec,
        &schema("Pet"),
        Direction::Response,
        &json!({"petType": "dog"}),
    )
    .unwrap_err();
    assert!(e.contains("`barks` is missing"), "{e}");
    let e = validate(
        &spec,
        &schema("Alert"),
        Direction::Response,
        &json!({"kind": "HOST", "disk": 1}),
    )
    .unwrap_err();
    assert!(e.contains("`disk` is not a declared property"), "{e}");
}

// ----- the published specs --------------------------------------------------

const SNAPSHOTS: [&str; 3] = [
    "atlas-api-2023-02-06.yaml",
    "atlas-api-2025-03-20.yaml",
    "atlas-api-2025-06-30.yaml",
];

fn published(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/atlas")
        .join(name)
}

#[test]
fn every_component_schema_of_the_published_specs_gets_valid_instances_or_a_reason() {
    let mut failures = Vec::new();
    for file in SNAPSHOTS {
        let path = published(file);
        if !path.is_file() {
            println!("skipped: {} not found", path.display());
            continue;
        }
        let spec = load::load_file(&path).expect("the published spec loads");
        let started = Instant::now();
        let mut oracle = Oracle::new(&spec);
        let names: Vec<String> = spec
            .api
            .components
            .as_ref()
            .map(|c| c.schemas.keys().cloned().collect())
            .unwrap_or_default();
        let (mut generated, mut skipped) = (0, 0);
        let mut skips: BTreeMap<SkipKind, Vec<String>> = BTreeMap::new();
        let mut left_out: BTreeMap<SkipKind, BTreeSet<String>> = BTreeMap::new();
        let mut unexplained = 0;
        let (mut mutants, mut refused) = (0, 0);
        let o = opts(5);
        for name in &names {
            for dir in DIRECTIONS {
                let pointer = schema(&atlasgen::position::pointer_token(name));
                match oracle.generate(&pointer, dir, &o) {
                    Ok(g) => {
                        for v in &g.values {
                            generated += 1;
                            if let Err(e) = oracle.validate(&pointer, dir, v) {
                                failures.push(format!("{file} {name} {dir:?}: {e}\n  {v}"));
                            }
                            // The gate is live: an undeclared property is refused
                            // wherever the schema declares its properties.
                            if let Value::Object(m) = v {
                                let mut mutant = m.clone();
                                mutant.insert("notDeclaredAnywhere".to_owned(), json!(1));
                                mutants += 1;
                                if oracle
                                    .validate(&pointer, dir, &Value::Object(mutant))
                                    .is_err()
                                {
                                    refused += 1;
                                }
                            }
                        }
                        for l in g.left_out {
                            left_out
                                .entry(l.kind)
                                .or_default()
                                .insert(format!("{}: {}", l.pointer, l.reason));
                        }
                    }
                    Err(s) => {
                        skipped += 1;
                        if s.reason.trim().is_empty() {
                            unexplained += 1;
                        }
                        skips
                            .entry(s.kind)
                            .or_default()
                            .push(format!("{name} {dir:?}: {} ({})", s.reason, s.pointer));
                    }
                }
            }
        }
        let elapsed = started.elapsed();
        let p = oracle.pattern_counts();
        println!(
            "{file}: {} schemas, {} instances in both directions, {skipped} skips, {:.2} s; \
             patterns: {} sampled from their DFA, {} from a relaxed automaton checked by regress, \
             {} unsampleable",
            names.len(),
            generated,
            elapsed.as_secs_f64(),
            p.dfa,
            p.relaxed,
            p.unsampleable
        );
        println!("  objects with an undeclared property added: {refused} of {mutants} refused");
        assert!(
            refused * 10 > mutants * 9,
            "{file}: the gate let mutants through"
        );
        for (kind, list) in &skips {
            println!("  skipped, {}: {}", kind.label(), list.len());
            for s in list {
                println!("    {s}");
            }
        }
        for (kind, parts) in &left_out {
            println!(
                "  left out of instances, {}: {} parts",
                kind.label(),
                parts.len()
            );
            for s in parts {
                println!("    {s}");
            }
        }
        assert_eq!(unexplained, 0, "{file}: skips without a reason");
    }
    assert!(
        failures.is_empty(),
        "{} invalid instances; the first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
