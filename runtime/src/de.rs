//! Deserialization helpers for generated code.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// Deserializes a JSON string through `parse`, borrowing where the input
/// allows, so known enum values and validated strings cost no extra copy.
/// `expecting` names what was wanted in the error message.
pub fn string_with<'de, D, T, E, F>(
    deserializer: D,
    expecting: &'static str,
    parse: F,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<T, E>,
    E: fmt::Display,
{
    struct StrVisitor<F, T, E> {
        expecting: &'static str,
        parse: F,
        marker: PhantomData<fn() -> (T, E)>,
    }

    impl<'de, F, T, E> Visitor<'de> for StrVisitor<F, T, E>
    where
        F: FnOnce(&str) -> Result<T, E>,
        E: fmt::Display,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a string: {}", self.expecting)
        }

        fn visit_str<Er: de::Error>(self, v: &str) -> Result<T, Er> {
            (self.parse)(v).map_err(Er::custom)
        }
    }

    deserializer.deserialize_str(StrVisitor {
        expecting,
        parse,
        marker: PhantomData,
    })
}

/// Deserializes a string into `T` through its `FromStr`, for generated enums
/// and validated strings: one generic function instead of a closure per type.
pub fn string_parsed<'de, D, T>(deserializer: D, expecting: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    string_with(deserializer, expecting, str::parse::<T>)
}

/// Reads an object key as the index of the field it names in a generated
/// type's field list, or [`FieldIndex::UNKNOWN`]: a `usize` to match on, with
/// no allocation and no key value to move around.
pub struct FieldIndex(pub &'static [&'static str]);

impl FieldIndex {
    /// The index of a key that names no field.
    pub const UNKNOWN: usize = usize::MAX;
}

impl<'de> de::DeserializeSeed<'de> for FieldIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        Ok(self
            .0
            .iter()
            .position(|name| *name == v)
            .unwrap_or(Self::UNKNOWN))
    }
}

/// A type generated code reads from a JSON object, entry by entry. Its
/// `Deserialize` impl is [`object`]: the visitor is written once here rather
/// than once per model.
pub trait FromObject<'de>: Sized {
    /// What a type error says was expected (`struct Foo`).
    const EXPECTING: &'static str;

    /// Reads the object's entries.
    fn from_object<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Deserializes a [`FromObject`] type from an object.
pub fn object<'de, D: Deserializer<'de>, T: FromObject<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<fn() -> T>);

    impl<'de, T: FromObject<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_object(map)
        }
    }

    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Reads the value of the field `name` into its slot. A field that appears
/// twice is an error, as with serde's derive.
pub fn field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a field the type does not know.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// A list that also accepts a lone value, read as a list of one. For the
/// spec quirk of an `enum` on an array schema: servers (and mock servers
/// generating from the `enum`) send one of the values without the array.
pub struct OneOrMany<T>(Vec<T>);

impl<T> OneOrMany<T> {
    /// The values as a list.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde_json::Value;
        let values = match Value::deserialize(deserializer)? {
            Value::Array(items) => items
                .into_iter()
                .map(T::deserialize)
                .collect::<Result<_, _>>(),
            lone => T::deserialize(lone).map(|value| vec![value]),
        };
        values.map(OneOrMany).map_err(de::Error::custom)
    }
}

/// `wrap` of `value` read as `T`, or `raw(value)` when it cannot be read as
/// `T`: for a response's union whose discriminator names a variant whose
/// fields the value does not have. The value is kept whole either way; the
/// fallback is noted for [`crate::audit`] as `U`'s unknown variant.
pub fn variant_or_raw<T, U>(
    value: serde_json::Value,
    wrap: fn(T) -> U,
    raw: fn(serde_json::Value) -> U,
) -> U
where
    T: serde::de::DeserializeOwned,
{
    // Tentative: fallbacks noted inside a variant that is then kept raw never reached
    // the caller.
    match crate::audit::tentative(|| T::deserialize(&value)) {
        Ok(v) => wrap(v),
        Err(_) => {
            crate::audit::note(
                crate::audit::Kind::UnknownVariant,
                std::any::type_name::<U>(),
            );
            raw(value)
        }
    }
}

/// An open enum's value the spec does not list, owned for its `Unknown` variant and
/// noted for [`crate::audit`] as `E`'s unknown value.
pub fn unknown_value<E>(value: &str) -> String {
    crate::audit::note(
        crate::audit::Kind::UnknownEnumValue,
        std::any::type_name::<E>(),
    );
    value.to_owned()
}

/// An open integer enum's value the spec does not list, noted for [`crate::audit`] as
/// `E`'s unknown value.
pub fn unknown_integer<E>(value: i64) -> i64 {
    crate::audit::note(
        crate::audit::Kind::UnknownEnumValue,
        std::any::type_name::<E>(),
    );
    value
}

/// An open union's value no variant reads, wrapped in its `Unknown` variant and noted
/// for [`crate::audit`] as `U`'s unknown variant.
pub fn unknown_variant<U>(value: serde_json::Value, wrap: fn(serde_json::Value) -> U) -> U {
    crate::audit::note(
        crate::audit::Kind::UnknownVariant,
        std::any::type_name::<U>(),
    );
    wrap(value)
}

/// `value` read as `T` and wrapped as a union's variant, for a closed union: a value
/// its variant cannot read is an error.
pub fn variant<T, U, E>(value: serde_json::Value, wrap: fn(T) -> U) -> Result<U, E>
where
    T: serde::de::DeserializeOwned,
    E: de::Error,
{
    T::deserialize(value).map(wrap).map_err(E::custom)
}

/// Serde's "missing field" error for the first of `names` whose entry in
/// `missing` is `true`. Generated code checks all required fields with one
/// pattern and calls this when it fails.
pub fn missing_field<E: de::Error>(missing: &[bool], names: &[&'static str]) -> E {
    let name = missing
        .iter()
        .zip(names)
        .find_map(|(&m, &name)| m.then_some(name))
        .unwrap_or("<unknown>");
    E::missing_field(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_upper(s: &str) -> Result<String, String> {
        if s.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(s.to_owned())
        } else {
            Err(format!("`{s}` is not upper case"))
        }
    }

    #[test]
    fn a_string_goes_through_the_parser() {
        let mut de = serde_json::Deserializer::from_str("\"ABC\"");
        assert_eq!(
            string_with(&mut de, "upper case", parse_upper).ok(),
            Some("ABC".to_owned())
        );
    }

    #[test]
    fn the_parser_error_becomes_the_deserialization_error() {
        let mut de = serde_json::Deserializer::from_str("\"abc\"");
        let err = string_with(&mut de, "upper case", parse_upper)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("`abc` is not upper case"), "{err}");
    }

    #[test]
    fn keys_read_as_the_index_of_their_field_escaped_or_not() {
        use serde::de::DeserializeSeed as _;
        const FIELDS: &[&str] = &["id", "name"];
        for (json, want) in [
            (r#""name""#, 1),
            (r#""n\u0061me""#, 1),
            (r#""id""#, 0),
            (r#""other""#, FieldIndex::UNKNOWN),
        ] {
            let mut de = serde_json::Deserializer::from_str(json);
            assert_eq!(
                FieldIndex(FIELDS).deserialize(&mut de).ok(),
                Some(want),
                "{json}"
            );
        }
    }

    #[test]
    fn one_or_many_reads_a_list_or_a_lone_value_and_refuses_a_wrong_item() {
        let many: OneOrMany<String> = serde_json::from_str(r#"["A", "B"]"#).expect("a list");
        assert_eq!(many.into_vec(), ["A", "B"]);
        let one: OneOrMany<String> = serde_json::from_str(r#""A""#).expect("a lone value");
        assert_eq!(one.into_vec(), ["A"]);
        let error = serde_json::from_str::<OneOrMany<String>>("[1]")
            .err()
            .map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("expected a string")));
    }

    #[test]
    fn variant_or_raw_keeps_a_value_its_variant_cannot_read() {
        #[derive(Debug, PartialEq)]
        enum Peer {
            Aws(u32),
            Unknown(serde_json::Value),
        }
        assert_eq!(
            variant_or_raw(serde_json::json!(7), Peer::Aws, Peer::Unknown),
            Peer::Aws(7)
        );
        let odd = serde_json::json!({"providerName": "AZURE", "vpcId": "vpc-1"});
        let (peer, findings) =
            crate::audit::collect(|| variant_or_raw(odd.clone(), Peer::Aws, Peer::Unknown));
        assert_eq!(peer, Peer::Unknown(odd));
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].kind, crate::audit::Kind::UnknownVariant);
        assert!(findings[0].type_name.ends_with("Peer"), "{findings:?}");
        let (_, findings) = crate::audit::collect(|| {
            variant_or_raw(serde_json::json!(7), Peer::Aws, Peer::Unknown)
        });
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_non_string_is_refused_with_what_was_expected() {
        let mut de = serde_json::Deserializer::from_str("42");
        let err = string_with(&mut de, "upper case", parse_upper)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("a string: upper case"), "{err}");
    }
}
