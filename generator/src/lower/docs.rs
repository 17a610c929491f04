//! Documentation carried from schemas to doc comments.

use super::*;

pub(super) fn doc_of(s: &Schema) -> Doc {
    Doc {
        summary: s.schema_data.title.clone(),
        description: s.schema_data.description.clone(),
        notes: Vec::new(),
    }
}

/// Facts about a schema worth a line in the docs.
pub(super) fn notes(s: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            if let VariantOrUnknownOrEmpty::Item(f) = &st.format {
                let f = match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                };
                out.push(format!("Format: `{f}`."));
            } else if let VariantOrUnknownOrEmpty::Unknown(f) = &st.format {
                out.push(format!("Format: `{f}`."));
            }
            if let Some(p) = &st.pattern {
                out.push(format!("Pattern: `{p}`."));
            }
            if let Some(n) = st.min_length {
                out.push(format!("Minimum length: {n}."));
            }
            if let Some(n) = st.max_length {
                out.push(format!("Maximum length: {n}."));
            }
        }
        SchemaKind::Type(Type::Integer(i)) => {
            if let Some(m) = i.minimum {
                out.push(format!(
                    "Minimum: {m}{}.",
                    if i.exclusive_minimum {
                        " (exclusive)"
                    } else {
                        ""
                    }
                ));
            }
            if let Some(m) = i.maximum {
                out.push(format!(
                    "Maximum: {m}{}.",
                    if i.exclusive_maximum {
                        " (exclusive)"
                    } else {
                        ""
                    }
                ));
            }
        }
        SchemaKind::Type(Type::Number(n)) => {
            if let Some(m) = n.minimum {
                out.push(format!("Minimum: {m}."));
            }
            if let Some(m) = n.maximum {
                out.push(format!("Maximum: {m}."));
            }
        }
        SchemaKind::Any(a) => {
            if let Some(m) = a.minimum {
                out.push(format!("Minimum: {m}."));
            }
            if let Some(m) = a.maximum {
                out.push(format!("Maximum: {m}."));
            }
        }
        _ => {}
    }
    if let Some(d) = &s.schema_data.default {
        out.push(format!("Default: `{d}`."));
    }
    out
}
