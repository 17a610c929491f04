//! Serialization helpers for generated code.
//!
//! A generated model's `Serialize` is a list of calls on a [`StructWriter`]
//! with no branch and no `?` per field: the whole Atlas API has thousands of
//! fields, and each branch in generated code is code the compiler checks in
//! every build, while this generic writer is checked once.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Writes one struct field by field; the first error stops the writing and
/// is what [`StructWriter::end`] returns.
pub struct StructWriter<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> StructWriter<S> {
    /// Starts a struct named `name` with `required` fields always written
    /// and one optional field for each entry of `present` that is `true`.
    pub fn new(serializer: S, name: &'static str, required: usize, present: &[bool]) -> Self {
        let len = required + present.iter().filter(|&&p| p).count();
        StructWriter {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// Writes a field that is always present.
    pub fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        if let Ok(out) = &mut self.state {
            if let Err(error) = out.serialize_field(key, value) {
                self.state = Err(error);
            }
        }
    }

    /// Writes an optional field when it is `Some`; `None` is left out.
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// Ends the struct, or returns the first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// Serializes a discriminated union's variant with its discriminator: `value`'s
/// object gets `property: tag` when it lacks it (a request type leaves a `readOnly`
/// discriminator out, and the union must still say which variant it is).
pub fn tagged<S: Serializer, T: Serialize>(
    serializer: S,
    property: &'static str,
    tag: &'static str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let serde_json::Value::Object(map) = &mut json {
        map.entry(property)
            .or_insert_with(|| serde_json::Value::String(tag.to_owned()));
    }
    json.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Job {
        id: &'static str,
        size: Option<u32>,
        note: Option<&'static str>,
    }

    impl Serialize for Job {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut out = StructWriter::new(
                serializer,
                "Job",
                1,
                &[self.size.is_some(), self.note.is_some()],
            );
            out.field("id", &self.id);
            out.optional("size", &self.size);
            out.optional("note", &self.note);
            out.end()
        }
    }

    #[test]
    fn fields_are_written_in_order_and_absent_optionals_left_out() {
        let job = Job {
            id: "a",
            size: None,
            note: Some("n"),
        };
        assert_eq!(
            serde_json::to_string(&job).ok().as_deref(),
            Some(r#"{"id":"a","note":"n"}"#)
        );
    }

    #[test]
    fn the_first_error_is_returned_and_nothing_after_it_is_written() {
        // A writer that accepts four bytes, so the second field fails.
        struct Short(Vec<u8>);
        impl std::io::Write for Short {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0.len() + buf.len() > 4 {
                    return Err(std::io::Error::other("full"));
                }
                self.0.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut out = Short(Vec::new());
        let job = Job {
            id: "a",
            size: Some(7),
            note: None,
        };
        let error = serde_json::to_writer(&mut out, &job).expect_err("the writer is full");
        assert!(error.to_string().contains("full"), "{error}");
    }
}
