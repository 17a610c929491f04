//! Instances: deterministic random JSON values that are valid for a schema of
//! the spec, and a validator with the same reading of the schemas.
//!
//! This is the oracle of the round-trip property (decode an instance into the
//! generated type, encode it again, compare). It reads the spec's schemas
//! itself (openapiv3 types, `$ref`s followed through `resolve`), never the
//! IR, so it checks lowering against an independent reading of the same
//! rules:
//!
//! - objects: every required property, each optional one about half the time
//!   (all of them in the first instance, none in the second), never a
//!   property the schema does not declare (the generated types drop those);
//!   `readOnly` properties are left out of requests and `writeOnly` ones out
//!   of responses; a `nullable` property is sometimes `null`. `null` is only
//!   given to properties: that is the one place the generated types read
//!   `nullable` (a list item or a map value cannot hold `null`).
//! - `allOf` merges its members' properties and `required` (a later
//!   definition of a property replaces an earlier one); merging a child
//!   that includes its parent reads the parent's properties only, never its
//!   `oneOf`. A single member without properties of its own is an alias.
//! - `oneOf`/`anyOf`: each branch in turn across the instances. With a
//!   discriminator the property is set to one of the branch's mapping values
//!   (or its schema name when unmapped), and mapping entries naming schemas
//!   outside `oneOf` are branches too. A `oneOf` instance without a
//!   discriminator matches exactly one branch: no other branch accepts it
//!   even with unknown properties ignored (as decoding ignores them).
//! - strings: `enum` values; `date-time` is RFC 3339 in UTC with whole
//!   seconds and a `Z` (the form chrono writes back byte for byte), `uuid`
//!   lowercase and hyphenated, `date` `YYYY-MM-DD`; a `pattern` is sampled
//!   from its automaton (patterns left to the engine: from a relaxed
//!   automaton, keeping what `regress` accepts); `date-time` and `uuid`
//!   decide over a pattern, as in lowering.
//! - numbers are quarters or integers in a modest range (exact in binary, so
//!   they re-encode as written; exact in `f32` for `format: float`) and are
//!   written as floats (`3.0`), as a float field encodes them; integers keep
//!   to their format's range, bounds and `multipleOf`.
//! - arrays: `minItems` to three beyond it, `uniqueItems`; an `enum` on an
//!   array schema applies to the items.
//! - free-form objects and schemas without a type: small random JSON.
//! - beyond `max_depth` (or a budget of values per instance) only required
//!   properties and the shortest arrays; a schema with no instance within
//!   the bounds is a [`Skip`], as are `not`, contradictions and patterns
//!   nothing can sample. Nothing here panics on a spec's shape.
//!
//! The validator ([`validate`]) is strict the same way: no undeclared
//! property, none hidden in the direction, the declared enum values only.
//! Its lenient reading (unknown properties ignored) decides whether a second
//! `oneOf` branch would also accept a value.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::rc::Rc;

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::{Map, Value};

use crate::load::Spec;
pub use crate::lower::Direction;
use crate::pattern::{self, Dfa};
use crate::position::{pointer_token, unescape_pointer_token};
use crate::resolve;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// The same seed gives the same instances.
    pub seed: u64,
    /// Instances per schema.
    pub count: usize,
    /// Nesting beyond which only required properties and the shortest
    /// arrays are generated (what bounds recursive schemas).
    pub max_depth: usize,
    /// Whether `nullable` properties are sometimes `null`.
    pub nulls: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            count: 5,
            max_depth: 4,
            nulls: true,
        }
    }
}

/// Why a schema (or a part of one) got no instances: said, never a panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// The schema that could not be instantiated.
    pub pointer: String,
    /// Why, as a kind (for counting).
    pub kind: SkipKind,
    /// Why, in words.
    pub reason: String,
}

/// The kinds of reasons a schema has no instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipKind {
    /// A `not` schema.
    Not,
    /// A pattern nothing here can sample, or that is not ECMA-262.
    Pattern,
    /// Bounds, lengths or enum values that leave no value.
    Contradiction,
    /// Required properties that recurse beyond any bound, or an instance
    /// larger than the budget.
    Recursion,
    /// `oneOf` branches no value could tell apart.
    Overlap,
    /// A `$ref` to nothing, or a pointer naming no schema.
    Reference,
    /// A shape the oracle does not instantiate (an unknown `type`, an
    /// `allOf` of members that do not merge and agree on no value).
    Unsupported,
}

impl SkipKind {
    /// The kind in a word or two, for reports.
    pub fn label(self) -> &'static str {
        match self {
            SkipKind::Not => "not",
            SkipKind::Pattern => "pattern",
            SkipKind::Contradiction => "contradiction",
            SkipKind::Recursion => "recursion",
            SkipKind::Overlap => "oneOf overlap",
            SkipKind::Reference => "reference",
            SkipKind::Unsupported => "unsupported",
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.pointer,
            self.kind.label(),
            self.reason
        )
    }
}

fn skip(kind: SkipKind, pointer: &str, reason: impl Into<String>) -> Skip {
    Skip {
        pointer: pointer.to_owned(),
        kind,
        reason: reason.into(),
    }
}

/// Instances of one schema, and the parts of it that were left out of them.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    /// The instances, each valid for the schema.
    pub values: Vec<Value>,
    /// Optional properties and union branches that could not be
    /// instantiated, so no instance has them (one entry per part).
    pub left_out: Vec<Skip>,
}

/// `count` instances of the schema at `pointer` (`#/components/schemas/Foo`,
/// a schema inside one, or a request or response body's schema), the same
/// for the same arguments.
pub fn instances(
    spec: &Spec,
    pointer: &str,
    direction: Direction,
    opts: &Options,
) -> Result<Vec<Value>, Skip> {
    Oracle::new(spec).instances(pointer, direction, opts)
}

/// Whether `value` is an instance of the schema at `pointer` as this module
/// reads schemas; the error says where and why not.
pub fn validate(
    spec: &Spec,
    pointer: &str,
    direction: Direction,
    value: &Value,
) -> Result<(), String> {
    Oracle::new(spec).validate(pointer, direction, value)
}

/// How the patterns met so far are sampled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PatternCounts {
    /// Sampled from their DFA: every sample matches.
    pub dfa: usize,
    /// Left to the engine; sampled from a relaxed automaton, kept when
    /// `regress` agrees.
    pub relaxed: usize,
    /// Neither (the reason is in the skips).
    pub unsampleable: usize,
}

/// Generator and validator over one spec, keeping what they read (schema
/// shapes, compiled patterns) between calls.
pub struct Oracle<'a> {
    spec: &'a Spec,
    shapes: HashMap<*const Schema, Rc<Shape<'a>>>,
    patterns: HashMap<String, Rc<PatternEntry>>,
}

impl<'a> Oracle<'a> {
    /// An oracle over the schemas of `spec`.
    pub fn new(spec: &'a Spec) -> Self {
        Oracle {
            spec,
            shapes: HashMap::new(),
            patterns: HashMap::new(),
        }
    }

    /// See [`instances`].
    pub fn instances(
        &mut self,
        pointer: &str,
        direction: Direction,
        opts: &Options,
    ) -> Result<Vec<Value>, Skip> {
        self.generate(pointer, direction, opts).map(|g| g.values)
    }

    /// [`instances`], with what was left out of them.
    pub fn generate(
        &mut self,
        pointer: &str,
        direction: Direction,
        opts: &Options,
    ) -> Result<Generated, Skip> {
        let (schema, at) = self.locate(pointer)?;
        let seed = opts.seed
            ^ fnv(pointer.as_bytes())
            ^ match direction {
                Direction::Response => 0,
                Direction::Request => 0x5EED,
            };
        let mut run = Run {
            o: self,
            dir: direction,
            rng: Rng::new(seed),
            max_depth: opts.max_depth,
            nulls: opts.nulls,
            presence: Presence::All,
            nodes: 0,
            size: 0,
            stack: 0,
            turns: HashMap::new(),
            left_out: Vec::new(),
        };
        let mut values = Vec::with_capacity(opts.count);
        for i in 0..opts.count {
            run.presence = match i {
                0 => Presence::All,
                1 => Presence::Required,
                _ => Presence::Half,
            };
            let mut tries = 0;
            loop {
                run.nodes = 0;
                run.size = 0;
                match run.gen(schema, &at, 0) {
                    Ok(v) => {
                        values.push(v);
                        break;
                    }
                    Err(e) => {
                        tries += 1;
                        if tries >= 3 {
                            return Err(e);
                        }
                        run.presence = Presence::Half;
                    }
                }
            }
        }
        let mut left_out = run.left_out;
        left_out.sort_by(|a, b| (&a.pointer, &a.reason).cmp(&(&b.pointer, &b.reason)));
        left_out.dedup();
        Ok(Generated { values, left_out })
    }

    /// See [`validate`].
    pub fn validate(
        &mut self,
        pointer: &str,
        direction: Direction,
        value: &Value,
    ) -> Result<(), String> {
        let (schema, at) = self.locate(pointer).map_err(|s| s.to_string())?;
        self.check(schema, &at, value, direction, Mode::Strict, "", 0, None)
    }

    /// How the patterns met so far are sampled.
    pub fn pattern_counts(&self) -> PatternCounts {
        let mut c = PatternCounts::default();
        for p in self.patterns.values() {
            match &p.sampler {
                Ok(Sampler::Exact(_)) => c.dfa += 1,
                Ok(Sampler::Relaxed(_)) => c.relaxed += 1,
                Err(_) => c.unsampleable += 1,
            }
        }
        c
    }

    // ----- pointers ---------------------------------------------------------

    /// The schema a pointer names, and its canonical pointer (the target of
    /// the last `$ref` followed).
    fn locate(&self, pointer: &str) -> Result<(&'a Schema, String), Skip> {
        let spec = self.spec;
        let nothing = |why: &str| skip(SkipKind::Reference, pointer, why.to_owned());
        let tokens: Vec<String> = pointer
            .strip_prefix("#/")
            .ok_or_else(|| nothing("not a local JSON pointer (`#/...`)"))?
            .split('/')
            .map(unescape_pointer_token)
            .collect();
        let t = |i: usize| tokens.get(i).map(String::as_str);
        let content_schema = |content: &'a indexmap::IndexMap<String, openapiv3::MediaType>,
                              media: Option<&str>,
                              word: Option<&str>|
         -> Option<&'a ReferenceOr<Schema>> {
            if word != Some("schema") {
                return None;
            }
            content.get(media?)?.schema.as_ref()
        };
        let (start, rest, base): (&'a ReferenceOr<Schema>, usize, String) = match (t(0), t(1)) {
            (Some("components"), Some("schemas")) => {
                let name = t(2).ok_or_else(|| nothing("no schema name"))?;
                let s = spec
                    .api
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get(name))
                    .ok_or_else(|| nothing("no such component schema"))?;
                (
                    s,
                    3,
                    format!("#/components/schemas/{}", pointer_token(name)),
                )
            }
            (Some("components"), Some(section @ ("requestBodies" | "responses"))) => {
                let name = t(2).ok_or_else(|| nothing("no name"))?;
                let c = spec.api.components.as_ref();
                let content = if section == "requestBodies" {
                    match c.and_then(|c| c.request_bodies.get(name)) {
                        Some(ReferenceOr::Item(b)) => Some(&b.content),
                        _ => None,
                    }
                } else {
                    match c.and_then(|c| c.responses.get(name)) {
                        Some(ReferenceOr::Item(r)) => Some(&r.content),
                        _ => None,
                    }
                };
                let s = match (content, t(3)) {
                    (Some(content), Some("content")) => content_schema(content, t(4), t(5)),
                    _ => None,
                }
                .ok_or_else(|| nothing("no body schema there"))?;
                (s, 6, tokens_pointer(&tokens[..6.min(tokens.len())]))
            }
            (Some("paths"), Some(path)) => {
                let item = match spec.api.paths.paths.get(path) {
                    Some(ReferenceOr::Item(item)) => item,
                    _ => return Err(nothing("no such path")),
                };
                let op = match t(2) {
                    Some("get") => item.get.as_ref(),
                    Some("put") => item.put.as_ref(),
                    Some("post") => item.post.as_ref(),
                    Some("delete") => item.delete.as_ref(),
                    Some("options") => item.options.as_ref(),
                    Some("head") => item.head.as_ref(),
                    Some("patch") => item.patch.as_ref(),
                    Some("trace") => item.trace.as_ref(),
                    _ => None,
                }
                .ok_or_else(|| nothing("no such operation"))?;
                let op_ptr = tokens_pointer(&tokens[..3]);
                let (content, from) = match t(3) {
                    Some("requestBody") => {
                        let body = op
                            .request_body
                            .as_ref()
                            .ok_or_else(|| nothing("no request body"))?;
                        let (b, _) = resolve::component(spec, body, &op_ptr)
                            .map_err(|d| skip(SkipKind::Reference, pointer, d.message))?;
                        (&b.content, 4)
                    }
                    Some("responses") => {
                        let code = t(4).unwrap_or("");
                        let r = if code == "default" {
                            op.responses.default.as_ref()
                        } else {
                            op.responses.responses.iter().find_map(|(c, r)| {
                                let key = match c {
                                    StatusCode::Code(n) => n.to_string(),
                                    StatusCode::Range(n) => format!("{n}XX"),
                                };
                                (key.eq_ignore_ascii_case(code)).then_some(r)
                            })
                        }
                        .ok_or_else(|| nothing("no such response"))?;
                        let (r, _) = resolve::component(spec, r, &op_ptr)
                            .map_err(|d| skip(SkipKind::Reference, pointer, d.message))?;
                        (&r.content, 5)
                    }
                    _ => return Err(nothing("only body schemas of operations are supported")),
                };
                if t(from) != Some("content") {
                    return Err(nothing("expected `content` after the body"));
                }
                let s = content_schema(content, t(from + 1), t(from + 2))
                    .ok_or_else(|| nothing("no body schema there"))?;
                let end = from + 3;
                (s, end, tokens_pointer(&tokens[..end.min(tokens.len())]))
            }
            _ => {
                return Err(nothing(
                    "not a component schema or an operation's body schema",
                ))
            }
        };
        let (mut schema, mut at) = follow(spec, start, &base)?;
        let mut i = rest;
        while let Some(word) = t(i) {
            let next: Option<(Ref<'a>, usize)> = match (&schema.schema_kind, word) {
                (SchemaKind::Type(Type::Object(o)), "properties") => t(i + 1)
                    .and_then(|n| o.properties.get(n))
                    .map(|r| (Ref::Boxed(r), 2)),
                (SchemaKind::Any(a), "properties") => t(i + 1)
                    .and_then(|n| a.properties.get(n))
                    .map(|r| (Ref::Boxed(r), 2)),
                (SchemaKind::Type(Type::Array(a)), "items") => {
                    a.items.as_ref().map(|r| (Ref::Boxed(r), 1))
                }
                (SchemaKind::Any(a), "items") => a.items.as_ref().map(|r| (Ref::Boxed(r), 1)),
                (SchemaKind::Type(Type::Object(o)), "additionalProperties") => {
                    match &o.additional_properties {
                        Some(AdditionalProperties::Schema(s)) => Some((Ref::Plain(s), 1)),
                        _ => None,
                    }
                }
                (SchemaKind::Any(a), "additionalProperties") => match &a.additional_properties {
                    Some(AdditionalProperties::Schema(s)) => Some((Ref::Plain(s), 1)),
                    _ => None,
                },
                (SchemaKind::Not { not }, "not") => Some((Ref::Plain(not), 1)),
                (SchemaKind::Any(a), "not") => a.not.as_ref().map(|s| (Ref::Plain(s), 1)),
                (kind, list @ ("allOf" | "oneOf" | "anyOf")) => {
                    let members: &'a [ReferenceOr<Schema>] = match (kind, list) {
                        (SchemaKind::AllOf { all_of }, "allOf") => all_of,
                        (SchemaKind::OneOf { one_of }, "oneOf") => one_of,
                        (SchemaKind::AnyOf { any_of }, "anyOf") => any_of,
                        (SchemaKind::Any(a), "allOf") => &a.all_of,
                        (SchemaKind::Any(a), "oneOf") => &a.one_of,
                        (SchemaKind::Any(a), "anyOf") => &a.any_of,
                        _ => &[],
                    };
                    t(i + 1)
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|n| members.get(n))
                        .map(|r| (Ref::Plain(r), 2))
                }
                _ => None,
            };
            let (r, used) = next.ok_or_else(|| nothing("no schema at this pointer"))?;
            let here = format!(
                "{at}/{}",
                tokens[i..(i + used).min(tokens.len())]
                    .iter()
                    .map(|s| pointer_token(s))
                    .collect::<Vec<_>>()
                    .join("/")
            );
            (schema, at) = match r {
                Ref::Plain(r) => follow(spec, r, &here)?,
                Ref::Boxed(r) => follow_boxed(spec, r, &here)?,
            };
            i += used;
        }
        Ok((schema, at))
    }

    // ----- reading schemas --------------------------------------------------

    /// How a schema is read, memoised (a schema's shape does not depend on
    /// the direction; visibility is applied where properties are used).
    fn shape(&mut self, schema: &'a Schema, at: &str) -> Rc<Shape<'a>> {
        let key = schema as *const Schema;
        if let Some(s) = self.shapes.get(&key) {
            return s.clone();
        }
        // Met again while being read: an alias of itself.
        self.shapes.insert(
            key,
            Rc::new(Shape::Never(
                SkipKind::Recursion,
                "the schema is an alias of itself, with no object in between".to_owned(),
            )),
        );
        let s = self.read(schema, at);
        self.shapes.insert(key, s.clone());
        s
    }

    fn read(&mut self, schema: &'a Schema, at: &str) -> Rc<Shape<'a>> {
        let spec = self.spec;
        let shape = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => string_shape(
                s.enumeration.iter().flatten().cloned().collect(),
                match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
                    VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
                    _ => None,
                },
                s.pattern.as_deref(),
                s.min_length,
                s.max_length,
            ),
            SchemaKind::Type(Type::Integer(i)) => int_shape(
                matches!(
                    i.format,
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)
                ),
                i.minimum
                    .map(|m| i128::from(m) + i128::from(i.exclusive_minimum)),
                i.maximum
                    .map(|m| i128::from(m) - i128::from(i.exclusive_maximum)),
                i.multiple_of.map(|m| m as f64),
                i.enumeration
                    .iter()
                    .flatten()
                    .map(|&v| i128::from(v))
                    .collect(),
                !i.enumeration.is_empty(),
            ),
            SchemaKind::Type(Type::Number(n)) => num_shape(
                matches!(n.format, VariantOrUnknownOrEmpty::Item(NumberFormat::Float)),
                n.minimum.map(|m| (m, n.exclusive_minimum)),
                n.maximum.map(|m| (m, n.exclusive_maximum)),
                n.multiple_of,
                n.enumeration.iter().flatten().copied().collect(),
                !n.enumeration.is_empty(),
            ),
            SchemaKind::Type(Type::Boolean(b)) => {
                Shape::Bool(b.enumeration.iter().flatten().copied().collect())
            }
            SchemaKind::Type(Type::Array(a)) => Shape::Array(ArrayShape {
                items: a
                    .items
                    .as_ref()
                    .map(|r| follow_boxed(spec, r, &format!("{at}/items"))),
                min: a.min_items.unwrap_or(0),
                max: a.max_items,
                unique: a.unique_items,
                values: Vec::new(),
            }),
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    object_shape(
                        spec,
                        o.additional_properties.as_ref(),
                        o.min_properties,
                        o.max_properties,
                        at,
                    )
                } else {
                    self.structure(schema, at)
                }
            }
            SchemaKind::OneOf { one_of } => self.union(one_of, schema, at, "oneOf", true),
            SchemaKind::AnyOf { any_of } => self.union(any_of, schema, at, "anyOf", false),
            SchemaKind::AllOf { all_of } => return self.all_of(all_of, schema, at, false),
            SchemaKind::Not { .. } => Shape::Never(
                SkipKind::Not,
                "`not` has no instances here (lowering keeps it as any JSON)".to_owned(),
            ),
            SchemaKind::Any(a) => return self.any(a, schema, at),
        };
        Rc::new(shape)
    }

    /// openapiv3's `Any`: bounds written as floats, `enum` on arrays,
    /// compositions beside properties, no `type` at all.
    fn any(&mut self, a: &'a AnySchema, schema: &'a Schema, at: &str) -> Rc<Shape<'a>> {
        let spec = self.spec;
        if !a.one_of.is_empty() {
            return Rc::new(self.union(&a.one_of, schema, at, "oneOf", true));
        }
        if !a.any_of.is_empty() {
            return Rc::new(self.union(&a.any_of, schema, at, "anyOf", false));
        }
        if !a.all_of.is_empty() {
            return self.all_of(&a.all_of, schema, at, !a.properties.is_empty());
        }
        let typ = a.typ.as_deref();
        if !a.properties.is_empty() && matches!(typ, None | Some("object")) {
            return Rc::new(self.structure(schema, at));
        }
        let shape = match typ {
            Some("integer") => {
                // A float bound on an integer: the integers inside it.
                let lo = a.minimum.map(|m| {
                    if a.exclusive_minimum == Some(true) && m.fract() == 0.0 {
                        (m as i128).saturating_add(1)
                    } else {
                        m.ceil() as i128
                    }
                });
                let hi = a.maximum.map(|m| {
                    if a.exclusive_maximum == Some(true) && m.fract() == 0.0 {
                        (m as i128).saturating_sub(1)
                    } else {
                        m.floor() as i128
                    }
                });
                let values = a
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_i64().map(i128::from))
                    .collect();
                int_shape(
                    a.format.as_deref() == Some("int32"),
                    lo,
                    hi,
                    a.multiple_of,
                    values,
                    !a.enumeration.is_empty(),
                )
            }
            Some("number") => num_shape(
                a.format.as_deref() == Some("float"),
                a.minimum.map(|m| (m, a.exclusive_minimum.unwrap_or(false))),
                a.maximum.map(|m| (m, a.exclusive_maximum.unwrap_or(false))),
                a.multiple_of,
                a.enumeration.iter().filter_map(Value::as_f64).collect(),
                !a.enumeration.is_empty(),
            ),
            Some("array") => Shape::Array(ArrayShape {
                items: a
                    .items
                    .as_ref()
                    .map(|r| follow_boxed(spec, r, &format!("{at}/items"))),
                min: a.min_items.unwrap_or(0),
                max: a.max_items,
                unique: a.unique_items.unwrap_or(false),
                values: a
                    .enumeration
                    .iter()
                    .filter(|v| !v.is_null())
                    .cloned()
                    .collect(),
            }),
            _ if !a.enumeration.is_empty() => {
                let values: Vec<Value> = a
                    .enumeration
                    .iter()
                    .filter(|v| match typ {
                        Some("string") => v.is_string(),
                        Some("boolean") => v.is_boolean(),
                        Some("object") => v.is_object(),
                        _ => !v.is_null(),
                    })
                    .cloned()
                    .collect();
                if values.is_empty() {
                    Shape::Never(
                        SkipKind::Contradiction,
                        "no `enum` value has the schema's type".to_owned(),
                    )
                } else {
                    Shape::Enum(values)
                }
            }
            Some("string") => string_shape(
                Vec::new(),
                a.format.as_deref(),
                a.pattern.as_deref(),
                a.min_length,
                a.max_length,
            ),
            Some("boolean") => Shape::Bool(Vec::new()),
            Some("object") => object_shape(
                spec,
                a.additional_properties.as_ref(),
                a.min_properties,
                a.max_properties,
                at,
            ),
            None => Shape::Json,
            Some(other) => Shape::Never(
                SkipKind::Unsupported,
                format!("`type: {other}` is not an OpenAPI 3.0 type"),
            ),
        };
        Rc::new(shape)
    }

    fn all_of(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        schema: &'a Schema,
        at: &str,
        own_props: bool,
    ) -> Rc<Shape<'a>> {
        // `allOf: [$ref]` beside a description is an alias, as in lowering,
        // unless the union it names lists this schema as a variant: then it
        // is that variant, with the union's own properties.
        if let [only] = members {
            if !own_props
                && schema.schema_data.discriminator.is_none()
                && !crate::lower::is_variant_of(self.spec, only, at)
            {
                return match follow(self.spec, only, &format!("{at}/allOf/0")) {
                    Ok((s, p)) => self.shape(s, &p),
                    Err(e) => Rc::new(Shape::Never(e.kind, e.reason)),
                };
            }
        }
        Rc::new(self.structure(schema, at))
    }

    /// An object with the `allOf` members merged in (compose::gather's rules).
    fn structure(&mut self, schema: &'a Schema, at: &str) -> Shape<'a> {
        let mut raw = Vec::new();
        let mut required = BTreeSet::new();
        let mut seen = vec![at.to_owned()];
        match gather(self.spec, schema, at, &mut raw, &mut required, 0, &mut seen) {
            Err(e) => Shape::Never(e.kind, format!("{} ({})", e.reason, e.pointer)),
            Ok(false) => {
                // Members that do not merge into one struct: lowering keeps
                // the value as JSON; an instance must satisfy every member.
                let members: &'a [ReferenceOr<Schema>] = match &schema.schema_kind {
                    SchemaKind::AllOf { all_of } => all_of,
                    SchemaKind::Any(a) => &a.all_of,
                    _ => &[],
                };
                Shape::Each(
                    members
                        .iter()
                        .enumerate()
                        .map(|(i, m)| follow(self.spec, m, &format!("{at}/allOf/{i}")))
                        .collect(),
                )
            }
            Ok(true) => {
                let props = raw
                    .into_iter()
                    .map(|(wire, r, pat)| {
                        let target = follow_boxed(self.spec, r, &pat);
                        let (nullable, read_only, write_only) = match &target {
                            Ok((s, _)) => (
                                s.schema_data.nullable,
                                s.schema_data.read_only,
                                s.schema_data.write_only,
                            ),
                            Err(_) => (false, false, false),
                        };
                        Prop {
                            wire,
                            target,
                            nullable,
                            read_only,
                            write_only,
                        }
                    })
                    .collect();
                Shape::Struct(StructShape { props, required })
            }
        }
    }

    fn union(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        schema: &'a Schema,
        at: &str,
        word: &str,
        exclusive: bool,
    ) -> Shape<'a> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut branches = Vec::new();
        let mut covered: BTreeSet<&str> = BTreeSet::new();
        for (i, m) in members.iter().enumerate() {
            let target = follow(self.spec, m, &format!("{at}/{word}/{i}"));
            let mut tags = Vec::new();
            if let (Some(d), ReferenceOr::Reference { reference }) = (discriminator, m) {
                tags.extend(
                    d.mapping
                        .iter()
                        .filter(|(_, t)| *t == reference)
                        .map(|(k, _)| k.clone()),
                );
                if tags.is_empty() {
                    // Without a mapping entry the value is the schema's name.
                    tags.push(reference.rsplit('/').next().unwrap_or_default().to_owned());
                }
                covered.insert(reference);
            }
            branches.push(Branch { target, tags });
        }
        // Mapping entries naming schemas outside the list still select them.
        if let Some(d) = discriminator {
            let mut extra: BTreeMap<&String, Vec<String>> = BTreeMap::new();
            for (value, target) in &d.mapping {
                if !covered.contains(target.as_str()) {
                    extra.entry(target).or_default().push(value.clone());
                }
            }
            for (target, tags) in extra {
                let target = resolve::follow(self.spec, target, &format!("{at}/discriminator"))
                    .map(|(s, t)| (s, t.unwrap_or_else(|| target.clone())))
                    .map_err(|d| skip(SkipKind::Reference, at, d.message));
                branches.push(Branch { target, tags });
            }
        }
        Shape::Union(UnionShape {
            branches,
            discriminator: discriminator.map(|d| d.property_name.clone()),
            exclusive,
            word: if exclusive { "oneOf" } else { "anyOf" },
        })
    }

    fn pattern(&mut self, source: &str) -> Rc<PatternEntry> {
        if let Some(p) = self.patterns.get(source) {
            return p.clone();
        }
        let entry = match pattern::compile(source) {
            Ok(c) => match c.strategy {
                pattern::Strategy::Dfa(dfa) => PatternEntry {
                    matcher: Ok(Matcher::Dfa(dfa.clone())),
                    sampler: Ok(Sampler::Exact(dfa)),
                },
                pattern::Strategy::Engine { reason } => match regress::Regex::new(source) {
                    Ok(re) => PatternEntry {
                        matcher: Ok(Matcher::Engine(Box::new(re))),
                        sampler: pattern::sampling_dfa(source).map(Sampler::Relaxed).map_err(
                            |why| {
                                format!(
                                    "the pattern `{source}` is left to the engine ({reason}) \
                                     and has no relaxed automaton to sample ({why})"
                                )
                            },
                        ),
                    },
                    Err(e) => PatternEntry {
                        matcher: Err(e.text.clone()),
                        sampler: Err(e.text),
                    },
                },
            },
            Err(e) => PatternEntry {
                matcher: Err(e.to_string()),
                sampler: Err(e.to_string()),
            },
        };
        let entry = Rc::new(entry);
        self.patterns.insert(source.to_owned(), entry.clone());
        entry
    }

    // ----- validation -------------------------------------------------------

    /// `value` against `schema`; `path` is where in the value (a JSON
    /// pointer), `exempt` a property a discriminated union sets on its
    /// branch whatever the branch declares.
    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        schema: &'a Schema,
        at: &str,
        value: &Value,
        dir: Direction,
        mode: Mode,
        path: &str,
        level: usize,
        exempt: Option<&str>,
    ) -> Result<(), String> {
        let here = || if path.is_empty() { "/" } else { path };
        let fail = |what: String| Err(format!("at {}: {what} (schema {at})", here()));
        if level > MAX_STACK {
            return fail("schemas nest deeper than the validator follows".to_owned());
        }
        let shape = self.shape(schema, at);
        match &*shape {
            Shape::Never(_, why) => fail(why.clone()),
            Shape::Json => match value {
                Value::Null => fail("null for a schema that is not nullable".to_owned()),
                _ => Ok(()),
            },
            Shape::Enum(values) => {
                if values.iter().any(|v| same_json(v, value)) {
                    Ok(())
                } else {
                    fail(format!("{} is not one of the enum values", short(value)))
                }
            }
            Shape::Bool(values) => match value {
                Value::Bool(b) if values.is_empty() || values.contains(b) => Ok(()),
                Value::Bool(b) => fail(format!("{b} is not one of the enum values")),
                _ => fail(format!("expected a boolean, found {}", short(value))),
            },
            Shape::Str(s) => {
                let Value::String(text) = value else {
                    return fail(format!("expected a string, found {}", short(value)));
                };
                match self.check_string(s, text) {
                    Ok(()) => Ok(()),
                    Err(why) => fail(why),
                }
            }
            Shape::Int(i) => match value
                .as_i64()
                .map(i128::from)
                .or(value.as_u64().map(i128::from))
            {
                Some(n) => match i.check(n) {
                    Ok(()) => Ok(()),
                    Err(why) => fail(why),
                },
                None => fail(format!("expected an integer, found {}", short(value))),
            },
            Shape::Num(n) => match value.as_f64() {
                Some(x) => match n.check(x) {
                    Ok(()) => Ok(()),
                    Err(why) => fail(why),
                },
                None => fail(format!("expected a number, found {}", short(value))),
            },
            Shape::Array(a) => {
                let Value::Array(items) = value else {
                    return fail(format!("expected an array, found {}", short(value)));
                };
                if items.len() < a.min || a.max.is_some_and(|m| items.len() > m) {
                    return fail(format!(
                        "{} items, outside minItems {} / maxItems {}",
                        items.len(),
                        a.min,
                        a.max.map_or("none".to_owned(), |m| m.to_string())
                    ));
                }
                if a.unique {
                    for (i, x) in items.iter().enumerate() {
                        if items.iter().skip(i + 1).any(|y| same_json(x, y)) {
                            return fail(format!(
                                "item {i} is repeated, and the items must be unique"
                            ));
                        }
                    }
                }
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}/{i}");
                    if !a.values.is_empty() && !a.values.iter().any(|v| same_json(v, item)) {
                        return Err(format!(
                            "at {p}: {} is not one of the enum values written on the array (schema {at})",
                            short(item)
                        ));
                    }
                    match &a.items {
                        Some(Ok((s, sat))) => {
                            self.check(s, sat, item, dir, mode, &p, level + 1, None)?
                        }
                        Some(Err(e)) => return Err(e.to_string()),
                        None => {}
                    }
                }
                Ok(())
            }
            Shape::Map(m) => {
                let Value::Object(entries) = value else {
                    return fail(format!("expected an object, found {}", short(value)));
                };
                if entries.len() < m.min || m.max.is_some_and(|x| entries.len() > x) {
                    return fail(format!(
                        "{} properties, outside min/maxProperties",
                        entries.len()
                    ));
                }
                let (s, sat) = m.values.clone().map_err(|e| e.to_string())?;
                for (k, v) in entries {
                    let p = format!("{path}/{}", pointer_token(k));
                    self.check(s, &sat, v, dir, mode, &p, level + 1, None)?;
                }
                Ok(())
            }
            Shape::Object { closed, min } => match value {
                Value::Object(m) if *closed && !m.is_empty() => {
                    fail("properties in an object that allows none".to_owned())
                }
                Value::Object(m) if m.len() < *min => fail(format!(
                    "{} properties, fewer than minProperties {min}",
                    m.len()
                )),
                Value::Object(_) => Ok(()),
                _ => fail(format!("expected an object, found {}", short(value))),
            },
            Shape::Struct(st) => {
                let Value::Object(m) = value else {
                    return fail(format!("expected an object, found {}", short(value)));
                };
                for (k, v) in m {
                    let p = format!("{path}/{}", pointer_token(k));
                    let prop = st.props.iter().find(|p| &p.wire == k);
                    let Some(prop) = prop else {
                        if mode == Mode::Strict && exempt != Some(k.as_str()) {
                            return fail(format!("`{k}` is not a declared property"));
                        }
                        continue;
                    };
                    if !prop.visible(dir) {
                        if mode == Mode::Strict && exempt != Some(k.as_str()) {
                            let which = if prop.read_only {
                                "readOnly"
                            } else {
                                "writeOnly"
                            };
                            return fail(format!(
                                "`{k}` is {which}, so not part of a {}",
                                dir_word(dir)
                            ));
                        }
                        continue;
                    }
                    if v.is_null() {
                        if prop.nullable {
                            continue;
                        }
                        return Err(format!(
                            "at {p}: null for a property that is not nullable (schema {at})"
                        ));
                    }
                    let (s, sat) = prop.target.clone().map_err(|e| e.to_string())?;
                    self.check(s, &sat, v, dir, mode, &p, level + 1, None)?;
                }
                for r in &st.required {
                    let declared = st.props.iter().find(|p| &p.wire == r);
                    // Required but undeclared, or hidden in this direction:
                    // not a field, so not required (as in lowering).
                    if declared.is_some_and(|p| p.visible(dir)) && !m.contains_key(r) {
                        return fail(format!("the required property `{r}` is missing"));
                    }
                }
                Ok(())
            }
            Shape::Union(u) => self.check_union(u, at, value, dir, mode, path, level),
            Shape::Each(members) => {
                for m in members {
                    let (s, sat) = m.clone().map_err(|e| e.to_string())?;
                    self.check(s, &sat, value, dir, Mode::Lenient, path, level + 1, None)?;
                }
                Ok(())
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_union(
        &mut self,
        u: &UnionShape<'a>,
        at: &str,
        value: &Value,
        dir: Direction,
        mode: Mode,
        path: &str,
        level: usize,
    ) -> Result<(), String> {
        let here = if path.is_empty() { "/" } else { path };
        if let Some(prop) = &u.discriminator {
            let tag = value.get(prop).and_then(Value::as_str);
            let Some(tag) = tag else {
                return Err(format!(
                    "at {here}: no string discriminator `{prop}` (schema {at})"
                ));
            };
            let Some(b) = u.branches.iter().find(|b| b.tags.iter().any(|t| t == tag)) else {
                return Err(format!(
                    "at {here}: the discriminator value `{tag}` selects no branch (schema {at})"
                ));
            };
            let (s, sat) = b.target.clone().map_err(|e| e.to_string())?;
            return self.check(s, &sat, value, dir, mode, path, level + 1, Some(prop));
        }
        let mut matched = Vec::new();
        let mut first_errors = Vec::new();
        for (i, b) in u.branches.iter().enumerate() {
            let Ok((s, sat)) = b.target.clone() else {
                continue;
            };
            match self.check(s, &sat, value, dir, mode, path, level + 1, None) {
                Ok(()) => matched.push(i),
                Err(e) => first_errors.push(format!("branch {i}: {}", cut(&e, 300))),
            }
        }
        if matched.is_empty() {
            return Err(format!(
                "at {here}: matches no branch of the {} (schema {at}): {}",
                u.word,
                first_errors.join("; ")
            ));
        }
        if !u.exclusive || mode == Mode::Lenient {
            return Ok(());
        }
        if matched.len() > 1 {
            return Err(format!(
                "at {here}: matches branches {matched:?} of the oneOf, not exactly one (schema {at})"
            ));
        }
        let only = matched.first().copied().unwrap_or(0);
        for (i, b) in u.branches.iter().enumerate() {
            let Ok((s, sat)) = b.target.clone() else {
                continue;
            };
            if i != only
                && self
                    .check(s, &sat, value, dir, Mode::Lenient, path, level + 1, None)
                    .is_ok()
            {
                return Err(format!(
                    "at {here}: matches branch {only} of the oneOf, and branch {i} accepts it \
                     too once unknown properties are ignored (schema {at})"
                ));
            }
        }
        Ok(())
    }

    fn check_string(&mut self, s: &StrShape, text: &str) -> Result<(), String> {
        if let StrKind::Enum(values) = &s.kind {
            return if values.iter().any(|v| v == text) {
                Ok(())
            } else {
                Err(format!("`{}` is not one of the enum values", cut(text, 80)))
            };
        }
        let len = text.chars().count();
        if len < s.min || s.max.is_some_and(|m| len > m) {
            return Err(format!(
                "{len} characters, outside minLength {} / maxLength {}",
                s.min,
                s.max.map_or("none".to_owned(), |m| m.to_string())
            ));
        }
        match &s.kind {
            StrKind::DateTime if !is_date_time(text) => {
                Err(format!("`{}` is not an RFC 3339 date-time", cut(text, 80)))
            }
            StrKind::Uuid if !is_uuid(text) => Err(format!("`{}` is not a UUID", cut(text, 80))),
            StrKind::Date if !is_date(text) => {
                Err(format!("`{}` is not a date (YYYY-MM-DD)", cut(text, 80)))
            }
            StrKind::Pattern(p) => {
                let entry = self.pattern(p);
                match &entry.matcher {
                    Ok(m) if m.is_match(text) => Ok(()),
                    Ok(_) => Err(format!(
                        "`{}` does not match the pattern `{p}`",
                        cut(text, 80)
                    )),
                    Err(e) => Err(format!("the pattern `{p}` is not valid: {e}")),
                }
            }
            _ => Ok(()),
        }
    }
}

// ----- shapes ---------------------------------------------------------------

/// A schema as this module reads it.
enum Shape<'a> {
    Str(StrShape),
    Int(IntShape),
    Num(NumShape),
    /// The allowed values (`enum`), or both when empty.
    Bool(Vec<bool>),
    Array(ArrayShape<'a>),
    Struct(StructShape<'a>),
    /// `additionalProperties` with a schema and no properties.
    Map(MapShape<'a>),
    /// A free-form object; `closed` when `additionalProperties: false`.
    Object {
        closed: bool,
        min: usize,
    },
    /// No type: any JSON but `null`.
    Json,
    /// Only these values (an `enum` on a schema of mixed shape).
    Enum(Vec<Value>),
    Union(UnionShape<'a>),
    /// `allOf` members that do not merge into one object: every one holds.
    Each(Vec<Target<'a>>),
    /// No instances, and why.
    Never(SkipKind, String),
}

/// A resolved schema and its canonical pointer, or why there is none.
type Target<'a> = Result<(&'a Schema, String), Skip>;

struct StrShape {
    kind: StrKind,
    min: usize,
    max: Option<usize>,
}

enum StrKind {
    /// `enum` decides (lengths and patterns are not read, as in lowering).
    Enum(Vec<String>),
    DateTime,
    Uuid,
    Date,
    Pattern(String),
    Plain,
}

struct IntShape {
    lo: i128,
    hi: i128,
    step: Option<i128>,
    values: Vec<i128>,
}

struct NumShape {
    lo: Option<(f64, bool)>,
    hi: Option<(f64, bool)>,
    step: Option<f64>,
    values: Vec<f64>,
    float32: bool,
}

struct ArrayShape<'a> {
    items: Option<Target<'a>>,
    min: usize,
    max: Option<usize>,
    unique: bool,
    /// An `enum` written on the array: it applies to the items.
    values: Vec<Value>,
}

struct StructShape<'a> {
    props: Vec<Prop<'a>>,
    required: BTreeSet<String>,
}

struct Prop<'a> {
    wire: String,
    target: Target<'a>,
    nullable: bool,
    read_only: bool,
    write_only: bool,
}

impl Prop<'_> {
    /// Whether the type of this direction has the property at all.
    fn visible(&self, dir: Direction) -> bool {
        match dir {
            Direction::Request => !self.read_only,
            Direction::Response => !self.write_only,
        }
    }
}

struct MapShape<'a> {
    values: Target<'a>,
    min: usize,
    max: Option<usize>,
}

struct UnionShape<'a> {
    branches: Vec<Branch<'a>>,
    discriminator: Option<String>,
    /// `oneOf`: exactly one branch.
    exclusive: bool,
    word: &'static str,
}

struct Branch<'a> {
    target: Target<'a>,
    /// Discriminator values selecting it (none: it cannot be selected).
    tags: Vec<String>,
}

enum Ref<'a> {
    Plain(&'a ReferenceOr<Schema>),
    Boxed(&'a ReferenceOr<Box<Schema>>),
}

fn follow<'a>(spec: &'a Spec, r: &'a ReferenceOr<Schema>, at: &str) -> Target<'a> {
    resolve::schema(spec, r, at)
        .map(|(s, t)| (s, t.unwrap_or_else(|| at.to_owned())))
        .map_err(|d| skip(SkipKind::Reference, at, d.message))
}

fn follow_boxed<'a>(spec: &'a Spec, r: &'a ReferenceOr<Box<Schema>>, at: &str) -> Target<'a> {
    resolve::boxed_schema(spec, r, at)
        .map(|(s, t)| (s, t.unwrap_or_else(|| at.to_owned())))
        .map_err(|d| skip(SkipKind::Reference, at, d.message))
}

fn tokens_pointer(tokens: &[String]) -> String {
    let mut p = String::from("#");
    for t in tokens {
        p.push('/');
        p.push_str(&pointer_token(t));
    }
    p
}

/// Bound on `allOf` nesting, as in lowering.
const MAX_ALL_OF: usize = 64;

type RawProp<'a> = (String, &'a ReferenceOr<Box<Schema>>, String);

/// What one schema gives a merge: properties, required names, members.
type Parts<'a> = (
    Option<&'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    &'a [String],
    &'a [ReferenceOr<Schema>],
);

/// Collects properties and required names as `compose::gather` does; `false`
/// when a member is not an object.
fn gather<'a>(
    spec: &'a Spec,
    schema: &'a Schema,
    at: &str,
    props: &mut Vec<RawProp<'a>>,
    required: &mut BTreeSet<String>,
    depth: usize,
    seen: &mut Vec<String>,
) -> Result<bool, Skip> {
    if depth > MAX_ALL_OF {
        return Ok(true);
    }
    let (properties, req, all_of): Parts<'a> = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), &o.required, &[]),
        SchemaKind::AllOf { all_of } => (None, &[], all_of),
        SchemaKind::Any(a) if matches!(a.typ.as_deref(), None | Some("object")) => {
            (Some(&a.properties), &a.required, &a.all_of)
        }
        // A parent union merged into its child gives its properties only.
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => (None, &[], &[]),
        _ => return Ok(false),
    };
    let mut ok = true;
    for (i, m) in all_of.iter().enumerate() {
        let (s, p) = follow(spec, m, &format!("{at}/allOf/{i}"))?;
        if seen.contains(&p) {
            continue;
        }
        seen.push(p.clone());
        ok &= gather(spec, s, &p, props, required, depth + 1, seen)?;
    }
    if let Some(properties) = properties {
        for (wire, s) in properties {
            // A later definition of the same property refines the earlier one.
            props.retain(|p| &p.0 != wire);
            props.push((
                wire.clone(),
                s,
                format!("{at}/properties/{}", pointer_token(wire)),
            ));
        }
    }
    required.extend(req.iter().cloned());
    Ok(ok)
}

fn string_shape(
    values: Vec<String>,
    format: Option<&str>,
    pattern: Option<&str>,
    min: Option<usize>,
    max: Option<usize>,
) -> Shape<'static> {
    let min_len = min.unwrap_or(0);
    if min_len > MAX_MINIMUM {
        return Shape::Never(
            SkipKind::Unsupported,
            format!("minLength {min_len} is more than an instance here holds ({MAX_MINIMUM})"),
        );
    }
    let kind = if !values.is_empty() {
        StrKind::Enum(values)
    } else {
        match (format, pattern) {
            (Some("date-time"), _) => StrKind::DateTime,
            (Some("uuid"), _) => StrKind::Uuid,
            (_, Some(p)) => StrKind::Pattern(p.to_owned()),
            (Some("date"), None) => StrKind::Date,
            _ => StrKind::Plain,
        }
    };
    if !matches!(kind, StrKind::Enum(_)) {
        if let Some(max) = max.filter(|&m| m < min_len) {
            return Shape::Never(
                SkipKind::Contradiction,
                format!("minLength {min_len} is above maxLength {max}"),
            );
        }
        let fixed = match kind {
            StrKind::DateTime => Some(("date-time", 20)),
            StrKind::Uuid => Some(("uuid", 36)),
            StrKind::Date => Some(("date", 10)),
            _ => None,
        };
        if let Some((what, len)) = fixed {
            if len < min_len || max.is_some_and(|m| len > m) {
                return Shape::Never(
                    SkipKind::Contradiction,
                    format!("a {what} has {len} characters, outside the length bounds"),
                );
            }
        }
    }
    Shape::Str(StrShape {
        kind,
        min: min_len,
        max,
    })
}

fn int_shape(
    int32: bool,
    lo: Option<i128>,
    hi: Option<i128>,
    multiple: Option<f64>,
    values: Vec<i128>,
    has_enum: bool,
) -> Shape<'static> {
    let (flo, fhi) = if int32 {
        (i128::from(i32::MIN), i128::from(i32::MAX))
    } else {
        (i128::from(i64::MIN), i128::from(i64::MAX))
    };
    let lo = lo.map_or(flo, |l| l.max(flo));
    let hi = hi.map_or(fhi, |h| h.min(fhi));
    let step = match multiple {
        None => None,
        Some(m) if !m.is_finite() || m <= 0.0 => {
            return Shape::Never(
                SkipKind::Contradiction,
                format!("multipleOf {m} is not positive"),
            )
        }
        Some(m) if m.fract() == 0.0 => Some(m as i128),
        // Every integer is a multiple of 1/n.
        Some(m) if (1.0 / m).fract() == 0.0 => None,
        Some(m) => {
            return Shape::Never(
                SkipKind::Unsupported,
                format!("multipleOf {m} on an integer"),
            )
        }
    };
    let shape = IntShape {
        lo,
        hi,
        step,
        values: Vec::new(),
    };
    let feasible = match step {
        Some(s) => div_ceil(lo, s) <= div_floor(hi, s),
        None => lo <= hi,
    };
    if !feasible {
        return Shape::Never(
            SkipKind::Contradiction,
            format!("no integer in {lo}..={hi} fits the bounds and multipleOf"),
        );
    }
    let values: Vec<i128> = values
        .into_iter()
        .filter(|&v| shape.check(v).is_ok())
        .collect();
    if has_enum && values.is_empty() {
        return Shape::Never(
            SkipKind::Contradiction,
            "no `enum` value fits the bounds".to_owned(),
        );
    }
    Shape::Int(IntShape { values, ..shape })
}

fn num_shape(
    float32: bool,
    lo: Option<(f64, bool)>,
    hi: Option<(f64, bool)>,
    step: Option<f64>,
    values: Vec<f64>,
    has_enum: bool,
) -> Shape<'static> {
    if let Some(m) = step.filter(|m| !m.is_finite() || *m <= 0.0) {
        return Shape::Never(
            SkipKind::Contradiction,
            format!("multipleOf {m} is not positive"),
        );
    }
    if let (Some((l, le)), Some((h, he))) = (lo, hi) {
        if l > h || (l == h && (le || he)) {
            return Shape::Never(
                SkipKind::Contradiction,
                format!("minimum {l} is above maximum {h}"),
            );
        }
    }
    let shape = NumShape {
        lo,
        hi,
        step,
        values: Vec::new(),
        float32,
    };
    let values: Vec<f64> = values
        .into_iter()
        .filter(|&v| shape.check(v).is_ok())
        .collect();
    if has_enum && values.is_empty() {
        return Shape::Never(
            SkipKind::Contradiction,
            "no `enum` value fits the bounds".to_owned(),
        );
    }
    Shape::Num(NumShape { values, ..shape })
}

fn object_shape<'a>(
    spec: &'a Spec,
    additional: Option<&'a AdditionalProperties>,
    min: Option<usize>,
    max: Option<usize>,
    at: &str,
) -> Shape<'a> {
    match additional {
        Some(AdditionalProperties::Schema(v)) => Shape::Map(MapShape {
            values: follow(spec, v, &format!("{at}/additionalProperties")),
            min: min.unwrap_or(0),
            max,
        }),
        Some(AdditionalProperties::Any(false)) => Shape::Object {
            closed: true,
            min: 0,
        },
        _ => Shape::Object {
            closed: false,
            min: min.unwrap_or(0),
        },
    }
}

impl IntShape {
    fn check(&self, n: i128) -> Result<(), String> {
        if n < self.lo || n > self.hi {
            return Err(format!("{n} is outside {}..={}", self.lo, self.hi));
        }
        if let Some(s) = self.step {
            if n % s != 0 {
                return Err(format!("{n} is not a multiple of {s}"));
            }
        }
        if !self.values.is_empty() && !self.values.contains(&n) {
            return Err(format!("{n} is not one of the enum values"));
        }
        Ok(())
    }
}

impl NumShape {
    fn check(&self, x: f64) -> Result<(), String> {
        if !x.is_finite() {
            return Err(format!("{x} is not a finite number"));
        }
        if let Some((l, excl)) = self.lo {
            if x < l || (excl && x == l) {
                return Err(format!("{x} is below the minimum {l}"));
            }
        }
        if let Some((h, excl)) = self.hi {
            if x > h || (excl && x == h) {
                return Err(format!("{x} is above the maximum {h}"));
            }
        }
        if let Some(m) = self.step {
            let q = x / m;
            if (q - q.round()).abs() > 1e-9 * q.abs().max(1.0) {
                return Err(format!("{x} is not a multiple of {m}"));
            }
        }
        if self.float32 && f64::from(x as f32) != x {
            return Err(format!("{x} is not exact in 32 bits (`format: float`)"));
        }
        if !self.values.is_empty() && !self.values.contains(&x) {
            return Err(format!("{x} is not one of the enum values"));
        }
        Ok(())
    }
}

fn div_floor(a: i128, b: i128) -> i128 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn div_ceil(a: i128, b: i128) -> i128 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) == (b < 0)) {
        q + 1
    } else {
        q
    }
}

// ----- patterns -------------------------------------------------------------

struct PatternEntry {
    matcher: Result<Matcher, String>,
    sampler: Result<Sampler, String>,
}

enum Matcher {
    Dfa(Dfa),
    Engine(Box<regress::Regex>),
}

impl Matcher {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Dfa(d) => d.is_match(s),
            Matcher::Engine(re) => re.find(s).is_some(),
        }
    }
}

enum Sampler {
    /// Every sample matches.
    Exact(Dfa),
    /// Samples may not match; the matcher decides.
    Relaxed(Dfa),
}

/// Tries of a relaxed automaton before giving up on a pattern.
const RELAXED_TRIES: usize = 200;

// ----- generation -----------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// What the generator promises: declared, visible properties only.
    Strict,
    /// As decoding reads a value: unknown and hidden properties ignored.
    Lenient,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Presence {
    /// Every optional property (within the bounds).
    All,
    /// Required properties only.
    Required,
    /// Each optional property half the time.
    Half,
}

/// Lengths, item and property counts a schema may demand of every instance;
/// beyond them it is skipped rather than filling memory.
const MAX_MINIMUM: usize = 10_000;

/// Values per instance beyond which only what is required is generated.
const SOFT_NODES: usize = 300;
/// Values (attempts included) per instance beyond which it is given up.
const HARD_NODES: usize = 20_000;
/// Nesting of generation and validation calls, whatever the values: deep
/// enough for any instance within the depth bound, shallow enough for a
/// thread's stack in a debug build.
const MAX_STACK: usize = 64;
/// Attempts at a union branch before the next branch is tried; more for a
/// `oneOf` without a discriminator, where a value telling the branch apart
/// (an enum value only it has, say) may be rare.
const BRANCH_TRIES: usize = 8;
const EXCLUSIVE_TRIES: usize = 32;

struct Run<'r, 'a> {
    o: &'r mut Oracle<'a>,
    dir: Direction,
    rng: Rng,
    max_depth: usize,
    nulls: bool,
    presence: Presence,
    /// Values generated for this instance so far, attempts included (the
    /// work bound).
    nodes: usize,
    /// Values in the instance as it stands (the size bound): a failed
    /// attempt at a union branch gives its share back.
    size: usize,
    stack: usize,
    /// Union pointer -> times it was instantiated: which branch is next.
    turns: HashMap<String, usize>,
    left_out: Vec<Skip>,
}

impl<'a> Run<'_, 'a> {
    fn gen(&mut self, schema: &'a Schema, at: &str, depth: usize) -> Result<Value, Skip> {
        self.nodes += 1;
        self.size += 1;
        if self.nodes > HARD_NODES {
            return Err(skip(
                SkipKind::Recursion,
                at,
                format!("an instance needs more than {HARD_NODES} values"),
            ));
        }
        if self.stack > MAX_STACK {
            return Err(skip(
                SkipKind::Recursion,
                at,
                format!("no instance within {MAX_STACK} levels: its required parts recurse"),
            ));
        }
        self.stack += 1;
        let shape = self.o.shape(schema, at);
        let result = self.gen_shape(&shape, schema, at, depth);
        self.stack -= 1;
        result
    }

    /// Past the depth or the budget: only what is required.
    fn frugal(&self, depth: usize) -> bool {
        depth >= self.max_depth || self.size > SOFT_NODES
    }

    fn gen_shape(
        &mut self,
        shape: &Shape<'a>,
        schema: &'a Schema,
        at: &str,
        depth: usize,
    ) -> Result<Value, Skip> {
        match shape {
            Shape::Never(kind, why) => Err(skip(*kind, at, why.clone())),
            Shape::Json => Ok(self.random_json(0, false)),
            Shape::Enum(values) => Ok(self.rng.pick(values).cloned().unwrap_or(Value::Null)),
            Shape::Bool(values) => Ok(Value::Bool(match self.rng.pick(values) {
                Some(b) => *b,
                None => self.rng.chance(1, 2),
            })),
            Shape::Str(s) => self.string(s, at).map(Value::String),
            Shape::Int(i) => Ok(Value::from(self.integer(i) as i64)),
            Shape::Num(n) => self.number(n, at),
            Shape::Array(a) => self.array(a, at, depth),
            Shape::Map(MapShape { min, .. }) | Shape::Object { min, .. } if *min > MAX_MINIMUM => {
                Err(skip(
                    SkipKind::Unsupported,
                    at,
                    format!("minProperties {min} is more than an instance here holds"),
                ))
            }
            Shape::Map(m) => {
                let (s, sat) = m.values.clone()?;
                let cap = m.max.unwrap_or(usize::MAX).min(m.min.saturating_add(3));
                let n = if self.frugal(depth) {
                    m.min
                } else {
                    self.rng.range(m.min, cap.max(m.min))
                };
                let mut out = Map::new();
                let mut tries = 0;
                while out.len() < n && tries < n.saturating_mul(4) + 4 {
                    tries += 1;
                    let key = self.key();
                    if out.contains_key(&key) {
                        continue;
                    }
                    let v = self.gen(s, &sat, depth + 1)?;
                    out.insert(key, v);
                }
                Ok(Value::Object(out))
            }
            Shape::Object { closed, min } => {
                if *closed {
                    return Ok(Value::Object(Map::new()));
                }
                let n = if self.frugal(depth) {
                    *min
                } else {
                    self.rng.range(*min, min.saturating_add(3))
                };
                Ok(self.random_object(n, 1))
            }
            Shape::Struct(st) => self.structure(st, depth),
            Shape::Union(u) => self.union(u, schema, at, depth),
            Shape::Each(members) => self.each(members, schema, at, depth),
        }
    }

    fn structure(&mut self, st: &StructShape<'a>, depth: usize) -> Result<Value, Skip> {
        let mut out = Map::new();
        let frugal = self.frugal(depth);
        for p in &st.props {
            if !p.visible(self.dir) {
                continue;
            }
            let required = st.required.contains(&p.wire);
            let present = required
                || (!frugal
                    && match self.presence {
                        Presence::All => true,
                        Presence::Required => false,
                        Presence::Half => self.rng.chance(1, 2),
                    });
            if !present {
                continue;
            }
            let may_be_null = p.nullable && self.nulls;
            if may_be_null && self.rng.chance(1, 6) {
                out.insert(p.wire.clone(), Value::Null);
                continue;
            }
            let value = match &p.target {
                Ok((s, sat)) => self.gen(s, sat, depth + 1),
                Err(e) => Err(e.clone()),
            };
            match value {
                Ok(v) => {
                    out.insert(p.wire.clone(), v);
                }
                // A required nullable property with no instance is still
                // valid as `null`.
                Err(_) if required && may_be_null => {
                    out.insert(p.wire.clone(), Value::Null);
                }
                Err(e) if required => return Err(e),
                Err(e) => self.left_out.push(e),
            }
        }
        Ok(Value::Object(out))
    }

    fn union(
        &mut self,
        u: &UnionShape<'a>,
        schema: &'a Schema,
        at: &str,
        depth: usize,
    ) -> Result<Value, Skip> {
        let mut usable = Vec::new();
        for (i, b) in u.branches.iter().enumerate() {
            if u.discriminator.is_some() && b.tags.is_empty() {
                self.left_out.push(skip(
                    SkipKind::Unsupported,
                    at,
                    format!("branch {i} is written inline, so no discriminator value selects it"),
                ));
            } else {
                usable.push(i);
            }
        }
        if usable.is_empty() {
            return Err(skip(
                SkipKind::Unsupported,
                at,
                "the union has no branch to pick",
            ));
        }
        let turn = {
            let t = self.turns.entry(at.to_owned()).or_insert(0);
            *t += 1;
            *t - 1
        };
        let mut last: Option<Skip> = None;
        for k in 0..usable.len() {
            let Some(&bi) = usable.get((turn + k) % usable.len()) else {
                continue;
            };
            let Some(b) = u.branches.get(bi) else {
                continue;
            };
            let (bs, bat) = match &b.target {
                Ok(t) => t.clone(),
                Err(e) => {
                    self.left_out.push(e.clone());
                    last = Some(e.clone());
                    continue;
                }
            };
            // A child that is an alias of its parent union (`allOf` of the
            // parent alone) is the union again: no instance of its own.
            if let Shape::Union(own) = &*self.o.shape(bs, &bat) {
                if std::ptr::eq(own, u) {
                    let e = skip(
                        SkipKind::Recursion,
                        &bat,
                        format!(
                            "branch {bi} is an alias of the union itself (an `allOf` of the \
                             parent alone), so its values are the union's again"
                        ),
                    );
                    self.left_out.push(e.clone());
                    last = Some(e);
                    continue;
                }
            }
            let presence = self.presence;
            let tries = if u.exclusive && u.discriminator.is_none() {
                EXCLUSIVE_TRIES
            } else {
                BRANCH_TRIES
            };
            let size = self.size;
            for attempt in 0..tries {
                self.size = size;
                // Retries add optional properties: what tells branches apart.
                if attempt > 0 {
                    self.presence = if attempt % 2 == 1 {
                        Presence::All
                    } else {
                        Presence::Half
                    };
                }
                let generated = self.gen(bs, &bat, depth);
                self.presence = presence;
                let mut v = match generated {
                    Ok(v) => v,
                    Err(e) => {
                        last = Some(e);
                        break;
                    }
                };
                if let Some(prop) = &u.discriminator {
                    let Value::Object(m) = &mut v else {
                        last = Some(skip(
                            SkipKind::Unsupported,
                            &bat,
                            "a branch of a discriminated union that is not an object",
                        ));
                        break;
                    };
                    let n = b.tags.len().max(1);
                    let tag = b.tags.get((turn / usable.len() + attempt) % n);
                    m.insert(
                        prop.clone(),
                        Value::String(tag.cloned().unwrap_or_default()),
                    );
                }
                // The union reads it as one branch: this one, or for `oneOf`
                // without a discriminator, this one and no other.
                match self
                    .o
                    .check(schema, at, &v, self.dir, Mode::Strict, "", 0, None)
                {
                    Ok(()) => return Ok(v),
                    Err(why) => {
                        let kind = if u.exclusive && u.discriminator.is_none() {
                            SkipKind::Overlap
                        } else {
                            SkipKind::Contradiction
                        };
                        last = Some(skip(
                            kind,
                            &bat,
                            format!(
                                "in {tries} tries, no value of this branch that the union \
                                 reads as this branch: {why}"
                            ),
                        ));
                    }
                }
            }
            if let Some(e) = &last {
                if usable.len() > 1 {
                    self.left_out.push(e.clone());
                }
            }
        }
        Err(last.unwrap_or_else(|| skip(SkipKind::Unsupported, at, "no branch has an instance")))
    }

    fn each(
        &mut self,
        members: &[Target<'a>],
        schema: &'a Schema,
        at: &str,
        depth: usize,
    ) -> Result<Value, Skip> {
        // Generate from a member that says what the value is, keep what
        // every member accepts.
        let mut candidates = Vec::new();
        for m in members {
            let (s, sat) = m.clone()?;
            let shape = self.o.shape(s, &sat);
            if !matches!(&*shape, Shape::Json | Shape::Object { closed: false, .. }) {
                candidates.push((s, sat));
            }
        }
        if candidates.is_empty() {
            return Ok(self.random_json(0, false));
        }
        let mut last = None;
        let size = self.size;
        for attempt in 0..16 {
            self.size = size;
            let Some((s, sat)) = candidates.get(attempt % candidates.len()).cloned() else {
                break;
            };
            let v = match self.gen(s, &sat, depth) {
                Ok(v) => v,
                Err(e) => {
                    last = Some(e);
                    continue;
                }
            };
            match self
                .o
                .check(schema, at, &v, self.dir, Mode::Strict, "", 0, None)
            {
                Ok(()) => return Ok(v),
                Err(why) => last = Some(skip(SkipKind::Unsupported, at, why)),
            }
        }
        Err(skip(
            SkipKind::Unsupported,
            at,
            format!(
                "allOf members that do not merge into one object, and no value satisfying all \
                 of them was found{}",
                last.map(|l| format!(": {}", l.reason)).unwrap_or_default()
            ),
        ))
    }

    fn array(&mut self, a: &ArrayShape<'a>, at: &str, depth: usize) -> Result<Value, Skip> {
        if a.min > MAX_MINIMUM {
            return Err(skip(
                SkipKind::Unsupported,
                at,
                format!("minItems {} is more than an instance here holds", a.min),
            ));
        }
        if a.max.is_some_and(|m| m < a.min) {
            return Err(skip(
                SkipKind::Contradiction,
                at,
                "minItems is above maxItems",
            ));
        }
        let cap = a.max.unwrap_or(usize::MAX).min(a.min.saturating_add(3));
        let n = if self.frugal(depth) {
            a.min
        } else {
            self.rng.range(a.min, cap)
        };
        // An `enum` on the array: its values that are also valid items.
        let mut pool = Vec::new();
        if !a.values.is_empty() {
            for v in &a.values {
                let fits = match &a.items {
                    Some(Ok((s, sat))) => self
                        .o
                        .check(s, sat, v, self.dir, Mode::Strict, "", 0, None)
                        .is_ok(),
                    _ => true,
                };
                if fits {
                    pool.push(v.clone());
                }
            }
            if pool.is_empty() {
                return Err(skip(
                    SkipKind::Contradiction,
                    at,
                    "no value of the `enum` on the array is a valid item",
                ));
            }
        }
        let mut out: Vec<Value> = Vec::with_capacity(n);
        let mut tries = 0;
        while out.len() < n {
            tries += 1;
            if tries > n.saturating_mul(8) + 8 {
                if out.len() >= a.min {
                    break;
                }
                return Err(skip(
                    SkipKind::Contradiction,
                    at,
                    format!(
                        "found {} distinct items, and minItems is {} with uniqueItems",
                        out.len(),
                        a.min
                    ),
                ));
            }
            let item = if !pool.is_empty() {
                self.rng.pick(&pool).cloned().unwrap_or(Value::Null)
            } else {
                match &a.items {
                    Some(Ok((s, sat))) => self.gen(s, sat, depth + 1)?,
                    Some(Err(e)) => return Err(e.clone()),
                    None => self.random_json(1, true),
                }
            };
            if a.unique && out.iter().any(|x| same_json(x, &item)) {
                continue;
            }
            out.push(item);
        }
        Ok(Value::Array(out))
    }

    fn string(&mut self, s: &StrShape, at: &str) -> Result<String, Skip> {
        match &s.kind {
            StrKind::Enum(values) => Ok(self.rng.pick(values).cloned().unwrap_or_default()),
            StrKind::DateTime => {
                let (y, m, d) = self.date_parts();
                Ok(format!(
                    "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                    self.rng.below(24),
                    self.rng.below(60),
                    self.rng.below(60)
                ))
            }
            StrKind::Date => {
                let (y, m, d) = self.date_parts();
                Ok(format!("{y:04}-{m:02}-{d:02}"))
            }
            StrKind::Uuid => {
                let hex: String = (0..32)
                    .map(|_| char::from(b"0123456789abcdef"[self.rng.below(16) as usize]))
                    .collect();
                Ok(format!(
                    "{}-{}-{}-{}-{}",
                    &hex[0..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..32]
                ))
            }
            StrKind::Pattern(p) => self.sample_pattern(p, s.min, s.max, at),
            StrKind::Plain => {
                let cap = s.max.unwrap_or(usize::MAX).min(s.min.saturating_add(12));
                let n = self.rng.range(s.min, cap);
                Ok((0..n).map(|_| self.text_char()).collect())
            }
        }
    }

    fn sample_pattern(
        &mut self,
        p: &str,
        min: usize,
        max: Option<usize>,
        at: &str,
    ) -> Result<String, Skip> {
        let entry = self.o.pattern(p);
        let (dfa, exact) = match &entry.sampler {
            Ok(Sampler::Exact(d)) => (d, true),
            Ok(Sampler::Relaxed(d)) => (d, false),
            Err(why) => return Err(skip(SkipKind::Pattern, at, why.clone())),
        };
        let shortest = dfa.shortest_match().map_or(0, |s| s.chars().count());
        let limit = max.unwrap_or(usize::MAX);
        // A window of lengths near the shortest first, then all of them
        // (bounded) for patterns whose lengths are far apart.
        let windows = [
            limit.min(min.max(shortest).saturating_add(24)),
            limit.min(min.saturating_add(1024)),
        ];
        let rng = &mut self.rng;
        let mut sampled = false;
        for hi in windows {
            let tries = if exact { 1 } else { RELAXED_TRIES };
            for _ in 0..tries {
                let Some(s) = dfa.sample(&mut || rng.next_u64(), min, hi) else {
                    break;
                };
                sampled = true;
                if exact || entry.matcher.as_ref().is_ok_and(|m| m.is_match(&s)) {
                    return Ok(s);
                }
            }
        }
        if !sampled {
            // The relaxed automaton accepts more than the pattern: no string
            // of it in the bounds means none of the pattern either.
            return Err(skip(
                SkipKind::Contradiction,
                at,
                format!(
                    "no string of {min}..={} characters matches the pattern `{p}`",
                    max.map_or("any".to_owned(), |m| m.to_string())
                ),
            ));
        }
        Err(skip(
            SkipKind::Pattern,
            at,
            format!(
                "the pattern `{p}` is left to the engine, and no sample of its relaxed \
                 automaton matched it in {RELAXED_TRIES} tries"
            ),
        ))
    }

    fn integer(&mut self, i: &IntShape) -> i128 {
        if let Some(v) = self.rng.pick(&i.values) {
            return *v;
        }
        let (klo, khi, unit) = match i.step {
            Some(s) => (div_ceil(i.lo, s), div_floor(i.hi, s), s),
            None => (i.lo, i.hi, 1),
        };
        // The bounds an eighth of the time each, else small values.
        let k = match self.rng.below(8) {
            0 => klo,
            1 => khi,
            _ => {
                let near = 0i128.clamp(klo, khi);
                let lo = near.saturating_sub(100).max(klo);
                let hi = near.saturating_add(1000).min(khi);
                self.rng.range_i128(lo, hi)
            }
        };
        k * unit
    }

    fn number(&mut self, n: &NumShape, at: &str) -> Result<Value, Skip> {
        if let Some(v) = self.rng.pick(&n.values) {
            return Ok(float(*v));
        }
        // A modest window inside the bounds.
        let (lo, hi) = match (n.lo, n.hi) {
            (Some((l, _)), Some((h, _))) => (l, h),
            (Some((l, _)), None) => (l, l + 1000.0),
            (None, Some((h, _))) => (h - 1000.0, h),
            (None, None) => (-1000.0, 1000.0),
        };
        let (lo, hi) = (lo.max(-1e15), hi.min(1e15));
        for _ in 0..32 {
            let x = match (self.rng.below(8), n.step) {
                (0, _) => lo,
                (1, _) => hi,
                (_, Some(m)) => {
                    let k = self
                        .rng
                        .range_i128((lo / m).ceil() as i128, (hi / m).floor() as i128);
                    k as f64 * m
                }
                (2 | 3, None) => self.rng.range_i128(lo.ceil() as i128, hi.floor() as i128) as f64,
                (_, None) => {
                    let q = self
                        .rng
                        .range_i128((lo * 4.0).ceil() as i128, (hi * 4.0).floor() as i128);
                    q as f64 / 4.0
                }
            };
            // No negative zero: it would encode as `-0.0`.
            let x = if x == 0.0 { 0.0 } else { x };
            if n.check(x).is_ok() {
                return Ok(float(x));
            }
        }
        Err(skip(
            SkipKind::Contradiction,
            at,
            "no number found inside the bounds that re-encodes exactly",
        ))
    }

    /// A valid calendar date from 1970 to 2099.
    fn date_parts(&mut self) -> (u64, u64, u64) {
        let y = 1970 + self.rng.below(130);
        let m = 1 + self.rng.below(12);
        let leap = is_leap(y);
        let days = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (y, m, 1 + self.rng.below(days))
    }

    /// Letters and digits mostly; sometimes what needs escaping or is not ASCII.
    fn text_char(&mut self) -> char {
        const ODD: &[char] = &[
            ' ', '"', '\\', '/', '\n', '\t', 'é', 'ß', '✓', '中', '😀', '\u{0}',
        ];
        const PLAIN: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
        if self.rng.chance(1, 10) {
            self.rng.pick(ODD).copied().unwrap_or('a')
        } else {
            self.rng.pick(PLAIN).map(|&b| char::from(b)).unwrap_or('a')
        }
    }

    fn key(&mut self) -> String {
        let n = self.rng.range(1, 8);
        (0..n).map(|_| self.text_char()).collect()
    }

    /// Small JSON; `null` only nested (OpenAPI 3.0 allows `null` at a
    /// schema's top only with `nullable`), containers only near the top.
    fn random_json(&mut self, level: usize, allow_null: bool) -> Value {
        let mut kinds: Vec<u8> = vec![0, 1, 2, 3];
        if level < 2 {
            kinds.extend([4, 5]);
        }
        if allow_null {
            kinds.push(6);
        }
        match self.rng.pick(&kinds).copied().unwrap_or(0) {
            0 => Value::Bool(self.rng.chance(1, 2)),
            1 => Value::from(self.rng.range_i128(-1000, 1000) as i64),
            2 => float(self.rng.range_i128(-4000, 4000) as f64 / 4.0),
            3 => {
                let n = self.rng.range(0, 8);
                Value::String((0..n).map(|_| self.text_char()).collect())
            }
            4 => {
                let n = self.rng.range(0, 2);
                Value::Array((0..n).map(|_| self.random_json(level + 1, true)).collect())
            }
            5 => {
                let n = self.rng.range(0, 2);
                self.random_object(n, level + 1)
            }
            _ => Value::Null,
        }
    }

    fn random_object(&mut self, n: usize, level: usize) -> Value {
        let mut out = Map::new();
        for _ in 0..n {
            let k = self.key();
            let v = self.random_json(level, true);
            out.insert(k, v);
        }
        Value::Object(out)
    }
}

fn float(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

// ----- small helpers --------------------------------------------------------

/// JSON equality with numbers compared by value (`1` and `1.0` alike), as
/// `enum` and `uniqueItems` compare.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

fn short(v: &Value) -> String {
    cut(&v.to_string(), 60)
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(n).collect();
        out.push('…');
        out
    }
}

fn dir_word(dir: Direction) -> &'static str {
    match dir {
        Direction::Response => "response",
        Direction::Request => "request",
    }
}

// The crate's minimum Rust (1.85) predates `u64::is_multiple_of`.
#[allow(clippy::manual_is_multiple_of)]
fn is_leap(y: u64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// `YYYY-MM-DD`, a real calendar date.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = is_leap(u64::from(y));
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// RFC 3339 `date-time`: a date, `T`, `hh:mm:ss`, an optional fraction,
/// then `Z` or an offset.
fn is_date_time(s: &str) -> bool {
    let (Some(date), Some(sep), Some(rest)) = (s.get(..10), s.get(10..11), s.get(11..)) else {
        return false;
    };
    if !is_date(date) || !matches!(sep, "T" | "t") {
        return false;
    }
    let two = |t: &str, max: u32| t.len() == 2 && t.parse::<u32>().is_ok_and(|n| n <= max);
    let (Some(h), Some(m), Some(sec)) = (rest.get(0..2), rest.get(3..5), rest.get(6..8)) else {
        return false;
    };
    if rest.get(2..3) != Some(":") || rest.get(5..6) != Some(":") {
        return false;
    }
    if !two(h, 23) || !two(m, 59) || !two(sec, 60) {
        return false;
    }
    let mut tail = rest.get(8..).unwrap_or("");
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        tail = frac.get(digits..).unwrap_or("");
    }
    match tail {
        "Z" | "z" => true,
        _ => {
            let (Some(sign), Some(oh), Some(colon), Some(om)) = (
                tail.get(0..1),
                tail.get(1..3),
                tail.get(3..4),
                tail.get(4..),
            ) else {
                return false;
            };
            matches!(sign, "+" | "-") && two(oh, 23) && colon == ":" && two(om, 59)
        }
    }
}

/// 8-4-4-4-12 hexadecimal digits.
fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// FNV-1a: a stable hash, so a pointer seeds the same stream everywhere.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// splitmix64: a few lines, the same sequence on every machine.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `0..n`; 0 when `n` is 0.
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    /// `lo..=hi` (`lo` when the range is empty).
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64;
        lo + self.below(span.saturating_add(1)) as usize
    }

    fn range_i128(&mut self, lo: i128, hi: i128) -> i128 {
        if hi <= lo {
            return lo;
        }
        // The distance in two's complement, right even across the whole range.
        let gap = (hi as u128).wrapping_sub(lo as u128);
        let raw = u128::from(self.next_u64()) << 64 | u128::from(self.next_u64());
        let r = match gap.checked_add(1) {
            Some(span) => raw % span,
            None => raw,
        };
        lo.wrapping_add(r as i128)
    }

    fn pick<'v, T>(&mut self, items: &'v [T]) -> Option<&'v T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}
