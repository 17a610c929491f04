//! Round-trip cases: for every named type lowering made from a schema, valid
//! instances of that schema (from [`crate::instances`]), to be decoded into
//! the type and re-encoded by the generated crate's `roundtrip` feature.
//!
//! What the generated types drop on purpose, undeclared properties, the
//! instances never contain (see the module docs of [`crate::instances`]).

use serde_json::{json, Value};

use crate::instances::{Direction, Options, Oracle, Skip};
use crate::load::Spec;
use crate::lower::Lowered;

/// One instance and the Rust type it must round-trip through.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The schema it is an instance of.
    pub pointer: String,
    /// Whether it is a request or a response instance.
    pub direction: Direction,
    /// The type it became, as the round-trip dispatch knows it
    /// (`TypeRef::key`: a model's name, `Vec<Foo>`, `String`).
    pub type_name: String,
    /// The instance itself.
    pub instance: Value,
}

/// The cases of a whole lowering, and the schemas that got none.
#[derive(Clone, Debug, Default)]
pub struct Cases {
    /// Every case, in schema order.
    pub cases: Vec<Case>,
    /// Schemas (with their direction) that got instances.
    pub schemas: usize,
    /// The schemas that got no instances, and why.
    pub skipped: Vec<Skip>,
}

impl Cases {
    /// One JSON object a line: `type`, `pointer`, `direction`, `instance`.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for c in &self.cases {
            let line = json!({
                "type": c.type_name,
                "pointer": c.pointer,
                "direction": match c.direction {
                    Direction::Response => "response",
                    Direction::Request => "request",
                },
                "instance": c.instance,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        out
    }
}

/// `opts.count` instances of every schema lowering named a type for.
pub fn cases(spec: &Spec, lowered: &Lowered, opts: &Options) -> Cases {
    let mut oracle = Oracle::new(spec);
    let mut out = Cases::default();
    for (pointer, direction, ty) in &lowered.schema_types {
        match oracle.instances(pointer, *direction, opts) {
            Ok(values) => {
                out.schemas += 1;
                out.cases.extend(values.into_iter().map(|instance| Case {
                    pointer: pointer.clone(),
                    direction: *direction,
                    type_name: ty.key(),
                    instance,
                }));
            }
            Err(skip) => out.skipped.push(skip),
        }
    }
    out
}
