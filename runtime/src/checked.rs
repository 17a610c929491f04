//! Response values that must satisfy a declared format or pattern, decoded leniently.
//!
//! A server that sends a value breaking its own declaration (a `"string"` where a UUID
//! is declared, say) should not make the whole response undecodable: the value is kept
//! as [`Checked::Invalid`] with the raw JSON and the reason, and re-serializes unchanged.

use std::fmt;

use serde::de::DeserializeOwned;
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
        // the declaration is kept.
        let raw = serde_json::Value::deserialize(deserializer)?;
        match T::deserialize(&raw) {
            Ok(value) => Ok(Checked::Valid(value)),
            Err(error) => Ok(Checked::Invalid(Invalid {
                raw,
                reason: error.to_string(),
            })),
        }
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
}
