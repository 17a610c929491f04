//! Response values that must satisfy a declared format or pattern, decoded leniently.
//!
//! A server that sends a value breaking its own declaration (a `"string"` where a UUID
//! is declared, say) should not make the whole response undecodable: the value is kept
//! as [`Checked::Invalid`] with the raw JSON and the reason, and re-serializes unchanged.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A response value that must satisfy a declared format or pattern, decoded leniently:
/// a server value that breaks the declaration is kept (Invalid), never fails the whole
/// response.
#[derive(Clone, PartialEq)]
pub enum Checked<T> {
    /// The value satisfies its declaration.
    Valid(T),
    /// The value breaks its declaration; the raw JSON is kept.
    Invalid(Invalid),
}

/// A value that broke its declared format or pattern: the raw JSON and why it was refused.
#[derive(Clone, PartialEq, Debug)]
pub struct Invalid {
    raw: serde_json::Value,
    reason: String,
}

impl Invalid {
    /// Keeps `raw`, refused for `reason`.
    pub fn new(raw: serde_json::Value, reason: impl Into<String>) -> Self {
        Self {
            raw,
            reason: reason.into(),
        }
    }

    /// The JSON value exactly as the server sent it.
    pub fn raw(&self) -> &serde_json::Value {
        &self.raw
    }

    /// Why the value was refused (the decoder's message).
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The JSON value exactly as the server sent it, by value.
    pub fn into_raw(self) -> serde_json::Value {
        self.raw
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid value {}: {}", self.raw, self.reason)
    }
}

impl std::error::Error for Invalid {}

impl<T> Checked<T> {
    /// The value, if it satisfies its declaration.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Checked::Valid(value) => Some(value),
            Checked::Invalid(_) => None,
        }
    }

    /// The value by value, if it satisfies its declaration.
    pub fn into_valid(self) -> Option<T> {
        match self {
            Checked::Valid(value) => Some(value),
            Checked::Invalid(_) => None,
        }
    }

    /// Whether the value satisfies its declaration.
    pub fn is_valid(&self) -> bool {
        matches!(self, Checked::Valid(_))
    }

    /// The refused value and its reason, if the value breaks its declaration.
    pub fn invalid(&self) -> Option<&Invalid> {
        match self {
            Checked::Valid(_) => None,
            Checked::Invalid(invalid) => Some(invalid),
        }
    }

    /// Borrows the valid value, keeping an invalid one as it is (cloned).
    pub fn as_ref(&self) -> Checked<&T> {
        match self {
            Checked::Valid(value) => Checked::Valid(value),
            Checked::Invalid(invalid) => Checked::Invalid(invalid.clone()),
        }
    }

    /// The valid value, or the [`Invalid`] as an error.
    pub fn into_result(self) -> Result<T, Invalid> {
        match self {
            Checked::Valid(value) => Ok(value),
            Checked::Invalid(invalid) => Err(invalid),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Checked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Transparent for valid values, so a decoded model's Debug reads like plain data.
        match self {
            Checked::Valid(value) => value.fmt(f),
            Checked::Invalid(invalid) => invalid.fmt(f),
        }
    }
}

impl<T> From<T> for Checked<T> {
    fn from(value: T) -> Self {
        Checked::Valid(value)
    }
}

impl<T: Serialize> Serialize for Checked<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Checked::Valid(value) => value.serialize(serializer),
            // The raw value goes back unchanged, so a read-modify-write keeps it.
            Checked::Invalid(invalid) => invalid.raw.serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only a value that is not JSON at all fails here; one that is JSON but breaks
        // the declaration is kept. The result is what decoding into a
        // `serde_json::Value` and then `T::deserialize(&value)` gives, without building
        // the `Value` for strings, which is what declared formats and patterns hold.
        deserializer.deserialize_any(CheckedVisitor(PhantomData))
    }
}

impl<T: DeserializeOwned> Checked<T> {
    /// Decodes `T` from a JSON value already in memory, keeping it if it does not fit.
    fn from_raw(raw: serde_json::Value) -> Self {
        // Tentative: what a failed `T` noted of its own parts was thrown away with it.
        match crate::audit::tentative(|| T::deserialize(&raw)) {
            Ok(value) => Checked::Valid(value),
            Err(error) => Self::refused(raw, error.to_string()),
        }
    }

    /// `raw`, refused for `reason` while decoding: noted for [`crate::audit`].
    fn refused(raw: serde_json::Value, reason: String) -> Self {
        crate::audit::note(crate::audit::Kind::Invalid, std::any::type_name::<T>());
        Checked::Invalid(Invalid { raw, reason })
    }

    /// The outcome of [`check_str`]; `raw` gives the string, to keep if refused.
    fn from_string(checked: Result<T, Option<String>>, raw: impl FnOnce() -> String) -> Self {
        match checked {
            Ok(value) => Checked::Valid(value),
            Err(Some(reason)) => Self::refused(serde_json::Value::String(raw()), reason),
            // `T` asked for something only a `Value` answers exactly (an enum, a
            // number, a newtype...): ask the `Value`.
            Err(None) => Self::from_raw(serde_json::Value::String(raw())),
        }
    }
}

/// Decodes `T` from a borrowed JSON string: `Err(Some(reason))` if refused,
/// `Err(None)` if `T` needs a real `Value` to decide.
fn check_str<T: DeserializeOwned>(value: &str) -> Result<T, Option<String>> {
    let fell_back = Cell::new(false);
    let result = T::deserialize(StrDeserializer {
        value,
        fell_back: &fell_back,
    });
    match result {
        _ if fell_back.get() => Err(None),
        Ok(value) => Ok(value),
        Err(error) => Err(Some(error.to_string())),
    }
}

/// Receives any JSON value, like `serde_json::Value`'s own visitor, and checks it
/// against `T`.
struct CheckedVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for CheckedVisitor<T> {
    type Value = Checked<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `serde_json::Value`'s words, so refusals read as they did.
        f.write_str("any valid JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // Valid strings, the usual case, are never copied here.
        Ok(Checked::from_string(check_str(v), || v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        let checked = check_str(&v);
        Ok(Checked::from_string(checked, || v))
    }

    // Everything else becomes the `Value` that `serde_json::Value` would make of it
    // (its visitor, reached through serde's value deserializers), then is checked.
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            v.into_deserializer(),
        )?))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            v.into_deserializer(),
        )?))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            v.into_deserializer(),
        )?))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            v.into_deserializer(),
        )?))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            v.into_deserializer(),
        )?))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            v.into_deserializer(),
        )?))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Checked::from_raw(serde_json::Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Checked::from_raw(serde_json::Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            deserializer,
        )?))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            de::value::SeqAccessDeserializer::new(seq),
        )?))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(Checked::from_raw(serde_json::Value::deserialize(
            de::value::MapAccessDeserializer::new(map),
        )?))
    }
}

/// A JSON string seen as `&serde_json::Value::String` sees it, for the requests
/// string-like types make. Any other request sets `fell_back` and fails, and the
/// caller asks a real `Value` instead, so the outcome is always the `Value`'s.
struct StrDeserializer<'a> {
    value: &'a str,
    fell_back: &'a Cell<bool>,
}

impl StrDeserializer<'_> {
    fn fall_back<V>(self) -> Result<V, serde_json::Error> {
        self.fell_back.set(true);
        Err(de::Error::custom("not a string-like request"))
    }
}

macro_rules! fall_back {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'a>>(self, $($arg: $ty,)* _visitor: V) -> Result<V::Value, Self::Error> {
                $(let _ = $arg;)*
                self.fall_back()
            }
        )*
    };
}

impl<'a> Deserializer<'a> for StrDeserializer<'a> {
    type Error = serde_json::Error;

    // As `&Value` answers for a string.
    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.value)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.value)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.value)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.value)
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.value)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.value)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.value)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    // Rare for a string, and refused or special-cased by `&Value`: asked of it.
    fall_back! {
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use uuid::Uuid;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Project {
        id: Checked<Uuid>,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<Checked<Uuid>>,
    }

    const UUID: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    #[test]
    fn a_well_formed_uuid_decodes_as_valid() {
        let checked: Checked<Uuid> = serde_json::from_value(json!(UUID)).unwrap();
        assert_eq!(checked.valid(), Some(&Uuid::parse_str(UUID).unwrap()));
        assert!(checked.is_valid());
        assert!(checked.invalid().is_none());
    }

    #[test]
    fn a_malformed_uuid_is_kept_as_invalid_with_the_raw_value_and_a_reason() {
        let checked: Checked<Uuid> = serde_json::from_str("\"string\"").unwrap();
        let invalid = checked.invalid().unwrap();
        assert_eq!(invalid.raw(), &json!("string"));
        assert!(!invalid.reason().is_empty());
        assert_eq!(checked.valid(), None);
    }

    #[test]
    fn an_invalid_value_reserializes_exactly_as_received() {
        let checked: Checked<Uuid> = serde_json::from_str("\"string\"").unwrap();
        assert_eq!(serde_json::to_string(&checked).unwrap(), "\"string\"");
        let number: Checked<Uuid> = serde_json::from_str("12.5").unwrap();
        assert_eq!(serde_json::to_string(&number).unwrap(), "12.5");
    }

    #[test]
    fn a_valid_value_serializes_as_the_plain_value() {
        let checked = Checked::from(Uuid::parse_str(UUID).unwrap());
        assert_eq!(
            serde_json::to_string(&checked).unwrap(),
            format!("\"{UUID}\"")
        );
    }

    #[test]
    fn a_bad_field_inside_a_struct_does_not_fail_the_struct() {
        let body = br#"{"id":"string","name":"p","owner":"67e55044-10b1-426f-9247-bb680e5fe0c8"}"#;
        let project: Project = serde_json::from_slice(body).unwrap();
        assert_eq!(project.name, "p");
        assert_eq!(project.id.invalid().unwrap().raw(), &json!("string"));
        assert!(project.owner.as_ref().unwrap().is_valid());
        assert_eq!(serde_json::to_vec(&project).unwrap(), body.to_vec());
    }

    #[test]
    fn an_absent_or_null_optional_field_is_none() {
        let absent: Project =
            serde_json::from_str(&format!(r#"{{"id":"{UUID}","name":"p"}}"#)).unwrap();
        assert_eq!(absent.owner, None);
        let null: Project =
            serde_json::from_str(&format!(r#"{{"id":"{UUID}","name":"p","owner":null}}"#)).unwrap();
        assert_eq!(null.owner, None);
    }

    #[test]
    fn malformed_json_still_fails_the_enclosing_document() {
        assert!(serde_json::from_str::<Project>(r#"{"id": "x", "name": }"#).is_err());
    }

    #[test]
    fn debug_is_transparent_for_valid_values_and_shows_raw_and_reason_for_invalid_ones() {
        assert_eq!(format!("{:?}", Checked::from(7_u8)), "7");
        let invalid: Checked<u8> = serde_json::from_str("\"seven\"").unwrap();
        let shown = format!("{invalid:?}");
        assert!(
            shown.starts_with("Invalid { raw: String(\"seven\"), reason: "),
            "{shown}"
        );
    }

    #[test]
    fn into_result_gives_the_value_or_the_invalid() {
        assert_eq!(Checked::from(3_u8).into_result(), Ok(3));
        let invalid: Checked<u8> = serde_json::from_str("300").unwrap();
        assert_eq!(invalid.clone().into_valid(), None);
        assert_eq!(invalid.into_result().unwrap_err().raw(), &json!(300));
    }

    #[test]
    fn an_invalid_value_made_while_decoding_is_noted_once_for_the_audit() {
        let ((), findings) = crate::audit::collect(|| {
            let project: Project =
                serde_json::from_str(&format!(r#"{{"id":"string","name":"p","owner":"{UUID}"}}"#))
                    .unwrap();
            assert!(!project.id.is_valid());
        });
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].kind, crate::audit::Kind::Invalid);
        assert_eq!(findings[0].type_name, std::any::type_name::<Uuid>());
        // Made by hand, an `Invalid` is no decoding fallback.
        let ((), findings) = crate::audit::collect(|| {
            let _ = Checked::<Uuid>::Invalid(Invalid::new(json!("x"), "by hand"));
        });
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Pinned {
        id: Checked<Uuid>,
        x: i32,
    }

    #[test]
    fn a_checked_value_kept_whole_notes_itself_not_the_parts_it_threw_away() {
        let ((), findings) = crate::audit::collect(|| {
            let checked: Checked<Pinned> =
                serde_json::from_str(r#"{"id": "not-a-uuid", "x": "not-a-number"}"#).unwrap();
            assert!(!checked.is_valid());
        });
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].type_name, std::any::type_name::<Pinned>());
    }

    /// What `Checked` did before it learned to skip the `Value` for strings.
    fn through_a_value<T: DeserializeOwned>(json: &str) -> Checked<T> {
        let raw: serde_json::Value = serde_json::from_str(json).unwrap();
        Checked::from_raw(raw)
    }

    fn same_as_through_a_value<T: DeserializeOwned + PartialEq + fmt::Debug>(json: &str) {
        let direct: Checked<T> = serde_json::from_str(json).unwrap();
        assert_eq!(
            direct,
            through_a_value::<T>(json),
            "{json} as {}",
            std::any::type_name::<T>()
        );
        // The same again when the deserializer hands over owned strings.
        let owned: Checked<T> = serde_json::from_reader(json.as_bytes()).unwrap();
        assert_eq!(owned, direct, "{json} from a reader");
        // And from a `Value`, whose strings arrive borrowed from it.
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            Checked::<T>::deserialize(&value).unwrap(),
            direct,
            "{json} from a &Value"
        );
        // And from an owned `Value`, which hands over its `String`s.
        assert_eq!(
            serde_json::from_value::<Checked<T>>(value).unwrap(),
            direct,
            "{json} from a Value"
        );
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Colour {
        Red,
        Green(u8),
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Name(String);

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(u32),
        Text(String),
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Point {
        x: i32,
    }

    #[test]
    fn decoding_is_exactly_what_decoding_through_a_value_gives() {
        let inputs = [
            format!("\"{UUID}\""),
            r#""67E55044-10B1-426F-9247-BB680E5FE0C8""#.to_owned(),
            r#""string""#.to_owned(),
            r#""with \"escapes\" and \u00e9""#.to_owned(),
            r#""2025-05-04T09:42:00Z""#.to_owned(),
            r#""Red""#.to_owned(),
            r#""Green""#.to_owned(),
            r#""7""#.to_owned(),
            r#""x""#.to_owned(),
            r#""""#.to_owned(),
            "7".to_owned(),
            "-7".to_owned(),
            "300".to_owned(),
            "12.5".to_owned(),
            "18446744073709551615".to_owned(),
            "true".to_owned(),
            "null".to_owned(),
            "[1, \"a\"]".to_owned(),
            r#"{"x": 1}"#.to_owned(),
            r#"{"Green": 3}"#.to_owned(),
            "{}".to_owned(),
        ];
        for json in &inputs {
            same_as_through_a_value::<Uuid>(json);
            same_as_through_a_value::<chrono::DateTime<chrono::Utc>>(json);
            same_as_through_a_value::<String>(json);
            same_as_through_a_value::<char>(json);
            same_as_through_a_value::<u8>(json);
            same_as_through_a_value::<f64>(json);
            same_as_through_a_value::<bool>(json);
            same_as_through_a_value::<()>(json);
            same_as_through_a_value::<Option<String>>(json);
            same_as_through_a_value::<Option<u8>>(json);
            same_as_through_a_value::<Vec<u8>>(json);
            same_as_through_a_value::<Colour>(json);
            same_as_through_a_value::<Name>(json);
            same_as_through_a_value::<NumberOrText>(json);
            same_as_through_a_value::<Point>(json);
            same_as_through_a_value::<serde_json::Value>(json);
            same_as_through_a_value::<Checked<Uuid>>(json);
        }
    }
}
