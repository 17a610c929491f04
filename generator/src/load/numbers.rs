//! Numbers a spec writes beyond what a schema keyword can hold.
//!
//! YAML reads `minimum: -9223372036854776000` as a 128-bit integer, which no
//! document tree (nor openapiv3's `i64` bounds) holds: read as is, one bad
//! number would refuse the whole document as a syntax error. The tree is read
//! with such numbers marked instead; a schema keyword holding one is dropped
//! with a located warning, and anywhere else (examples, defaults) it becomes
//! the nearest float, also warned.

use std::fmt;

use serde::de::{
    Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Number, Value};

use crate::diag::{Code, Diagnostic};

/// The tag that marks a number too large for the tree, its text inside.
const OUT_OF_RANGE: &str = "!atlasgen-out-of-range";

/// Schema keywords whose value must be a number that fits; one that does
/// not is dropped.
const NUMERIC_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// A YAML document tree that also reads integers beyond 64 bits (marked).
pub(super) struct Loose(pub(super) Value);

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LooseVisitor).map(Loose)
    }
}

struct LooseVisitor;

fn marked(text: String) -> Value {
    Value::Tagged(Box::new(TaggedValue {
        tag: Tag::new(OUT_OF_RANGE),
        value: Value::String(text),
    }))
}

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => marked(v.to_string()),
        })
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => marked(v.to_string()),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(Number::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Loose::deserialize(d).map(|l| l.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Loose(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Sequence(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Mapping::new();
        while let Some((Loose(k), Loose(v))) = map.next_entry()? {
            out.insert(k, v);
        }
        Ok(Value::Mapping(out))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (tag, contents): (String, _) = data.variant()?;
        let Loose(value) = contents.newtype_variant()?;
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value,
        })))
    }
}

/// Drops schema keywords holding an out-of-range number and turns the other
/// marked numbers into floats, returning (pointer, message) for each.
pub(super) fn settle(value: &mut Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Mapping(m) => {
            let mut drop = Vec::new();
            for (k, v) in m.iter_mut() {
                let key = match k {
                    Value::String(s) => s.clone(),
                    _ => continue,
                };
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::position::pointer_token(&key));
                if let Some(text) = marked_text(v) {
                    if NUMERIC_KEYWORDS.contains(&key.as_str()) {
                        out.push((
                            pointer.clone(),
                            format!("`{key}: {text}` is out of range for any number the keyword can hold; the keyword is dropped"),
                        ));
                        drop.push(k.clone());
                    } else {
                        out.push((
                            pointer.clone(),
                            format!(
                                "`{text}` is beyond 64-bit integers; read as the nearest float"
                            ),
                        ));
                        *v = Value::Number(Number::from(text.parse::<f64>().unwrap_or(f64::MAX)));
                    }
                } else {
                    settle(v, pointer, out);
                }
                pointer.truncate(len);
            }
            for k in drop {
                m.remove(&k);
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                if let Some(text) = marked_text(v) {
                    out.push((
                        pointer.clone(),
                        format!("`{text}` is beyond 64-bit integers; read as the nearest float"),
                    ));
                    *v = Value::Number(Number::from(text.parse::<f64>().unwrap_or(f64::MAX)));
                } else {
                    settle(v, pointer, out);
                }
                pointer.truncate(len);
            }
        }
        Value::Tagged(t) => settle(&mut t.value, pointer, out),
        _ => {}
    }
}

fn marked_text(v: &Value) -> Option<String> {
    match v {
        Value::Tagged(t) if t.tag == Tag::new(OUT_OF_RANGE) => match &t.value {
            Value::String(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The warnings for what [`settle`] changed, located in `spec`-to-be.
pub(super) fn warnings(
    found: Vec<(String, String)>,
    locate: impl Fn(&str) -> crate::diag::Location,
) -> Vec<Diagnostic> {
    found
        .into_iter()
        .map(|(pointer, message)| Diagnostic::warning(Code::Quirk, locate(&pointer), message))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> (Value, Vec<(String, String)>) {
        let Loose(mut v) = serde_yaml::from_str(yaml).expect("the YAML reads");
        let mut found = Vec::new();
        settle(&mut v, &mut String::from("#"), &mut found);
        (v, found)
    }

    #[test]
    fn an_out_of_range_bound_is_dropped_and_said() {
        let (v, found) = read("a:\n  minimum: -9223372036854776000\n  maximum: 5\n");
        assert_eq!(v["a"].get("minimum"), None);
        assert_eq!(v["a"]["maximum"], Value::Number(5.into()));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "#/a/minimum");
    }

    #[test]
    fn an_out_of_range_number_elsewhere_becomes_a_float() {
        let (v, found) = read("example: [99999999999999999999999]\n");
        assert!(v["example"][0].as_f64().is_some_and(|f| f > 9.9e22));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn numbers_in_range_and_tags_read_as_before() {
        let (v, found) = read("a: 9223372036854775807\nb: -9223372036854775808\nc: !t x\n");
        assert!(found.is_empty());
        assert_eq!(v["a"].as_i64(), Some(i64::MAX));
        assert_eq!(v["b"].as_i64(), Some(i64::MIN));
        assert!(matches!(&v["c"], Value::Tagged(_)));
    }
}
