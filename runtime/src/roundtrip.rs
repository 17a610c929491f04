//! The round-trip property of a generated type: a valid JSON instance decodes with no
//! lenient fallback (no `Checked::Invalid`, no `Unknown`) and re-encodes to JSON equal to
//! the input. Generated crates' `roundtrip` feature checks their types with it against
//! instances the generator makes from the spec.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::audit;

/// Decodes `instance` as `T` (recording lenient fallbacks), re-encodes it and compares:
/// `Err` says what went wrong and where.
pub fn check<T: DeserializeOwned + Serialize>(instance: &Value) -> Result<(), String> {
    let (decoded, findings) = audit::collect(|| T::deserialize(instance));
    let value = decoded.map_err(|e| format!("does not decode: {e}"))?;
    if !findings.is_empty() {
        let found: Vec<String> = findings.iter().map(ToString::to_string).collect();
        return Err(format!(
            "decodes with lenient fallbacks: {}",
            found.join("; ")
        ));
    }
    let encoded = serde_json::to_value(&value).map_err(|e| format!("does not re-encode: {e}"))?;
    match first_difference(instance, &encoded, "") {
        None => Ok(()),
        Some(at) => Err(format!(
            "re-encodes differently at `{at}`: sent {}, got back {}",
            at_pointer(instance, &at),
            at_pointer(&encoded, &at)
        )),
    }
}

fn at_pointer(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        Some(v) => v.to_string(),
        None => "nothing".to_owned(),
    }
}

/// Whether two JSON values are equal, numbers compared by value (`5` and `5.0` are one
/// number: a `number` field decodes `5` as a float and writes `5.0`).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    first_difference(a, b, "").is_none()
}

/// The JSON pointer of the first place `a` and `b` differ.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let same = match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(i), Some(j), _, _) => i == j,
                (_, _, Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            };
            (!same).then(|| at.to_owned())
        }
        (Value::Array(xs), Value::Array(ys)) => {
            if xs.len() != ys.len() {
                return Some(at.to_owned());
            }
            xs.iter()
                .zip(ys)
                .enumerate()
                .find_map(|(i, (x, y))| first_difference(x, y, &format!("{at}/{i}")))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
            for (k, x) in xs {
                match ys.get(k) {
                    Some(y) => {
                        if let Some(d) = first_difference(x, y, &format!("{at}/{}", escape(k))) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{at}/{}", escape(k))),
                }
            }
            ys.keys()
                .find(|k| !xs.contains_key(*k))
                .map(|k| format!("{at}/{}", escape(k)))
        }
        _ => (a != b).then(|| at.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Serialize)]
    struct Point {
        x: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    }

    #[derive(Deserialize, Serialize)]
    struct Lossy {
        x: f64,
    }

    #[test]
    fn a_value_that_comes_back_equal_passes_with_numbers_compared_by_value() {
        assert_eq!(check::<Point>(&json!({"x": 5})), Ok(()));
        assert_eq!(check::<Point>(&json!({"x": 1.5, "label": "a"})), Ok(()));
    }

    #[test]
    fn a_dropped_property_fails_naming_where() {
        let error = check::<Lossy>(&json!({"x": 1, "y": 2})).unwrap_err();
        assert!(error.contains("`/y`"), "{error}");
    }

    #[test]
    fn a_value_that_does_not_decode_fails() {
        let error = check::<Point>(&json!({"x": "one"})).unwrap_err();
        assert!(error.starts_with("does not decode"), "{error}");
    }

    #[test]
    fn a_lenient_fallback_fails_although_the_json_comes_back_equal() {
        let error = check::<crate::Checked<uuid::Uuid>>(&json!("not-a-uuid")).unwrap_err();
        assert!(error.contains("lenient fallbacks"), "{error}");
    }

    #[test]
    fn json_equality_compares_numbers_by_value_and_nothing_else_loosely() {
        assert!(json_equal(&json!([1, {"a": 2.0}]), &json!([1.0, {"a": 2}])));
        assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": null})));
        assert!(!json_equal(&json!("1"), &json!(1)));
        assert!(!json_equal(&json!([1, 2]), &json!([2, 1])));
    }
}
