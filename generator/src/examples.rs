//! Checks the spec's own examples against the types generated for them, so
//! an example that contradicts its schema is reported as a spec issue (a
//! warning with its location) instead of surprising a user later.
//!
//! The check mirrors what decoding accepts: lenient where the generated
//! code is lenient (`Checked`, open enums and unions), strict where it is
//! strict (integers, required fields, closed enums, validated strings).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ir::{Api, Matcher, TypeDef, TypeKind, TypeRef, ValidatedString};

/// Looks types up by name while checking.
pub struct Checker<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
    strings: BTreeMap<&'a str, &'a ValidatedString>,
    matchers: BTreeMap<&'a str, &'a Matcher>,
}

/// Deep enough for any real example; deeper values are accepted unchecked.
const MAX_DEPTH: usize = 64;

impl<'a> Checker<'a> {
    pub fn new(api: &'a Api) -> Self {
        Checker {
            types: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            strings: api.strings.iter().map(|s| (s.name.as_str(), s)).collect(),
            matchers: api
                .matchers
                .iter()
                .map(|m| (m.fn_name.as_str(), m))
                .collect(),
        }
    }

    /// `Ok` when `value` decodes as `ty`; else why not, with a JSON path.
    pub fn check(&self, value: &Value, ty: &TypeRef) -> Result<(), String> {
        self.at(value, ty, "$", 0)
    }

    fn at(&self, value: &Value, ty: &TypeRef, path: &str, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let fail = |what: &str| Err(format!("{path}: {what}, found {}", short(value)));
        match ty {
            TypeRef::Bool => {
                if value.is_boolean() {
                    Ok(())
                } else {
                    fail("expected a boolean")
                }
            }
            TypeRef::I32 => match value.as_i64() {
                Some(n) if i32::try_from(n).is_ok() => Ok(()),
                _ => fail("expected a 32-bit integer"),
            },
            TypeRef::I64 => {
                if value.is_i64() || value.is_u64() && value.as_i64().is_some() {
                    Ok(())
                } else {
                    fail("expected an integer")
                }
            }
            TypeRef::F32 | TypeRef::F64 => {
                if value.is_number() {
                    Ok(())
                } else {
                    fail("expected a number")
                }
            }
            TypeRef::String => {
                if value.is_string() {
                    Ok(())
                } else {
                    fail("expected a string")
                }
            }
            // Lenient: anything is kept, valid or not.
            TypeRef::Checked(_) | TypeRef::Json | TypeRef::Bytes => Ok(()),
            TypeRef::DateTime | TypeRef::Uuid => {
                if value.is_string() {
                    Ok(())
                } else {
                    fail("expected a string")
                }
            }
            TypeRef::Boxed(inner) => self.at(value, inner, path, depth + 1),
            TypeRef::List(inner) => match value.as_array() {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, v)| self.at(v, inner, &format!("{path}[{i}]"), depth + 1)),
                None => fail("expected an array"),
            },
            TypeRef::Map(inner) => match value.as_object() {
                Some(map) => map
                    .iter()
                    .try_for_each(|(k, v)| self.at(v, inner, &format!("{path}.{k}"), depth + 1)),
                None => fail("expected an object"),
            },
            TypeRef::Validated(name) => {
                let Some(s) = value.as_str() else {
                    return fail("expected a string");
                };
                let matches = self
                    .strings
                    .get(name.as_str())
                    .and_then(|v| self.matchers.get(v.matcher.as_str()))
                    .and_then(|m| m.compiled.is_match(s));
                match matches {
                    Some(false) => fail(&format!("does not match the pattern of {name}")),
                    _ => Ok(()),
                }
            }
            TypeRef::Model(name) => match self.types.get(name.as_str()) {
                Some(def) => self.model(value, def, path, depth),
                None => Ok(()),
            },
        }
    }

    fn model(&self, value: &Value, def: &TypeDef, path: &str, depth: usize) -> Result<(), String> {
        match &def.kind {
            TypeKind::Struct(s) => {
                let Some(obj) = value.as_object() else {
                    return Err(format!(
                        "{path}: expected an object, found {}",
                        short(value)
                    ));
                };
                for f in &s.fields {
                    match obj.get(&f.wire) {
                        None if f.required && !f.nullable => {
                            return Err(format!(
                                "{path}: the required property `{}` is missing",
                                f.wire
                            ))
                        }
                        None => {}
                        Some(Value::Null) if f.nullable || !f.required => {}
                        Some(v) => self.at(v, &f.ty, &format!("{path}.{}", f.wire), depth + 1)?,
                    }
                }
                Ok(())
            }
            TypeKind::Enum(e) if e.integer => match value.as_i64() {
                Some(n) if e.open || e.variants.iter().any(|v| v.wire == n.to_string()) => Ok(()),
                Some(n) => Err(format!(
                    "{path}: `{n}` is not one of the values of {}",
                    def.name
                )),
                None => Err(format!(
                    "{path}: expected an integer, found {}",
                    short(value)
                )),
            },
            TypeKind::Enum(e) => match value.as_str() {
                Some(s) if e.open || e.variants.iter().any(|v| v.wire == s) => Ok(()),
                Some(s) => Err(format!(
                    "{path}: `{s}` is not one of the values of {}",
                    def.name
                )),
                None => Err(format!("{path}: expected a string, found {}", short(value))),
            },
            TypeKind::Union(u) => {
                if let Some(prop) = &u.discriminator {
                    if let Some(tag) = value.get(prop).and_then(Value::as_str) {
                        if let Some(v) = u.variants.iter().find(|v| v.tags.iter().any(|t| t == tag))
                        {
                            return self.at(value, &v.ty, path, depth + 1);
                        }
                    }
                    return if u.open {
                        Ok(())
                    } else {
                        Err(format!(
                            "{path}: no variant of {} has this discriminator",
                            def.name
                        ))
                    };
                }
                if u.open
                    || u.variants
                        .iter()
                        .any(|v| self.at(value, &v.ty, path, depth + 1).is_ok())
                {
                    Ok(())
                } else {
                    Err(format!(
                        "{path}: no variant of {} accepts the value",
                        def.name
                    ))
                }
            }
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}
