//! How well a JSON value fits a type, to pick the variant of an untagged union.
//!
//! An untagged `oneOf`/`anyOf` that takes the first variant accepting the JSON decodes
//! `{"b": 5}` into variant `A` when all of `A`'s properties are optional, and re-encodes it
//! as `{}`: `b` is lost. Scoring every variant and keeping the best one picks `B`, which
//! declares `b`.
//!
//! A type that can appear in such a union implements [`Conform`]: `None` when it cannot
//! decode the value at all, else a [`Fit`] counting what decoding would cost and find.
//! [`best`] picks the best-fitting variant. Generated code stays small by calling the
//! helpers here: [`object`] for a struct (one [`FieldFit`] per property),
//! [`string_enum`] for an enum, [`pattern`] for a validated string, [`untagged`] and
//! [`tagged`] for a union that is itself a variant or a field.
//!
//! A `Conform` impl accepts exactly what the type's `Deserialize` accepts (the tests check
//! this for every impl here), so the variant picked always decodes.
//!
//! ```
//! use atlas_runtime::fit::{self, Conform, FieldFit, Fit};
//! use serde_json::{json, Value};
//!
//! /// `{a?: integer}` and `{b?: integer}`, as generated code scores them.
//! struct A;
//! struct B;
//! impl Conform for A {
//!     fn conform(value: &Value) -> Option<Fit> {
//!         fit::object(value, &[FieldFit::new("a", false, false, i64::conform)])
//!     }
//! }
//! impl Conform for B {
//!     fn conform(value: &Value) -> Option<Fit> {
//!         fit::object(value, &[FieldFit::new("b", false, false, i64::conform)])
//!     }
//! }
//!
//! let value = json!({"b": 5});
//! assert_eq!(A::conform(&value), Some(Fit::new(0, 1, 0))); // `b` would be dropped
//! assert_eq!(B::conform(&value), Some(Fit::new(0, 0, 2))); // `b` present, an integer
//! assert_eq!(fit::best(&value, &[A::conform, B::conform]).map(|(index, _)| index), Some(1));
//! ```

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::iter::Sum;
use std::ops::{Add, AddAssign};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::checked::Checked;

/// How well a value fits a type it can be decoded as.
///
/// - `violations`: lenient fallbacks the decode would need: an open enum's unlisted value,
///   a format or pattern breach kept as `Checked::Invalid`, an open union's `Unknown`;
/// - `unknown`: object keys the type does not declare, which decoding would drop;
/// - `matched`: declared properties present, and constraints satisfied (an enum value
///   listed, a pattern or format matched, a whole number where the type is an integer).
///
/// Fits are ordered by quality, so a better fit compares greater and `max` picks the
/// best: fewer violations first, then fewer unknown keys, then more matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fit {
    /// Lenient fallbacks the decode would need.
    pub violations: u32,
    /// Object keys the type does not declare (they would be dropped).
    pub unknown: u32,
    /// Declared properties present plus constraints satisfied.
    pub matched: u32,
}

impl Fit {
    /// A fit with the given counts.
    pub const fn new(violations: u32, unknown: u32, matched: u32) -> Self {
        Self {
            violations,
            unknown,
            matched,
        }
    }

    /// Decodable, with `count` matches and nothing else.
    pub const fn matched(count: u32) -> Self {
        Self::new(0, 0, count)
    }

    /// Decodable only by one lenient fallback.
    pub const fn violation() -> Self {
        Self::new(1, 0, 0)
    }

    /// Whether this fit is strictly better than `other`.
    pub fn is_better_than(&self, other: &Fit) -> bool {
        self > other
    }
}

impl Ord for Fit {
    fn cmp(&self, other: &Self) -> Ordering {
        // Fewer violations, then fewer unknown keys, then more matched: better is greater.
        other
            .violations
            .cmp(&self.violations)
            .then(other.unknown.cmp(&self.unknown))
            .then(self.matched.cmp(&other.matched))
    }
}

impl PartialOrd for Fit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Add for Fit {
    type Output = Fit;

    /// The fit of a whole made of two parts: the counts add up (saturating).
    fn add(self, other: Fit) -> Fit {
        Fit {
            violations: self.violations.saturating_add(other.violations),
            unknown: self.unknown.saturating_add(other.unknown),
            matched: self.matched.saturating_add(other.matched),
        }
    }
}

impl AddAssign for Fit {
    fn add_assign(&mut self, other: Fit) {
        *self = *self + other;
    }
}

impl Sum for Fit {
    fn sum<I: Iterator<Item = Fit>>(iter: I) -> Fit {
        iter.fold(Fit::default(), Add::add)
    }
}

/// A type that can say how well a JSON value fits it, without decoding it.
pub trait Conform {
    /// `None` if the type cannot decode `value` at all (the wrong JSON type, a missing
    /// required property, an unlisted value of a closed enum, a string breaking a
    /// validated type's pattern), else how well it fits.
    fn conform(value: &Value) -> Option<Fit>;
}

/// A type's [`Conform::conform`], as generated code lists them.
pub type Conformer = fn(&Value) -> Option<Fit>;

/// One property of an object type, for [`object`].
#[derive(Clone, Copy, Debug)]
pub struct FieldFit {
    /// The JSON property name.
    pub wire: &'static str,
    /// Whether the property must be present.
    pub required: bool,
    /// Whether `null` is a value it can take (a required nullable property must still be
    /// present).
    pub nullable: bool,
    /// The fit of the property's value type (without the `Option` an optional property
    /// adds: [`object`] handles absence and `null`).
    pub conform: Conformer,
}

impl FieldFit {
    /// A property named `wire` whose value type fits as `conform` says.
    pub const fn new(
        wire: &'static str,
        required: bool,
        nullable: bool,
        conform: Conformer,
    ) -> Self {
        Self {
            wire,
            required,
            nullable,
            conform,
        }
    }
}

/// How well `value` fits an object type with these properties, decoded as generated
/// structs decode: `None` unless it is an object with every required property, each
/// present value fitting its type; `null` is fine for a nullable or optional property.
/// Each declared property present is one match (plus what its value matched), each key
/// not declared is one unknown.
pub fn object(value: &Value, fields: &[FieldFit]) -> Option<Fit> {
    let map = value.as_object()?;
    let mut fit = Fit::default();
    let mut present: usize = 0;
    for field in fields {
        match map.get(field.wire) {
            None if field.required => return None,
            None => continue,
            // An optional property's `Option` reads `null` as absent.
            Some(Value::Null) if field.nullable || !field.required => {}
            Some(item) => fit += (field.conform)(item)?,
        }
        fit += Fit::matched(1);
        present += 1;
    }
    let unknown = map.len().saturating_sub(present);
    fit.unknown = fit
        .unknown
        .saturating_add(u32::try_from(unknown).unwrap_or(u32::MAX));
    Some(fit)
}

/// How well `value` fits a string enum listing `known`: a listed string is a match; an
/// unlisted one is a violation if the enum is `open` (its `Unknown` keeps it) and `None`
/// if it is closed; anything but a string is `None`.
pub fn string_enum(value: &Value, known: &[&str], open: bool) -> Option<Fit> {
    let text = value.as_str()?;
    if known.contains(&text) {
        Some(Fit::matched(1))
    } else if open {
        Some(Fit::violation())
    } else {
        None
    }
}

/// How well `value` fits an integer enum listing `known`, as [`string_enum`] for
/// strings: anything but an integer is `None`.
pub fn integer_enum(value: &Value, known: &[i64], open: bool) -> Option<Fit> {
    let number = value.as_i64()?;
    if known.contains(&number) {
        Some(Fit::matched(1))
    } else if open {
        Some(Fit::violation())
    } else {
        None
    }
}

/// How well `value` fits a validated string whose constructor checks `matcher`: a
/// matching string is a match, anything else `None` (wrapped in [`Checked`], which keeps
/// what does not match, it is one violation instead).
pub fn pattern(value: &Value, matcher: fn(&str) -> bool) -> Option<Fit> {
    value
        .as_str()
        .filter(|text| matcher(text))
        .map(|_| Fit::matched(1))
}

/// The index and fit of the candidate `value` fits best, the first of equals; `None` if
/// it fits none. Candidates are the variants of an untagged union, in declaration order.
pub fn best(value: &Value, candidates: &[Conformer]) -> Option<(usize, Fit)> {
    let mut best: Option<(usize, Fit)> = None;
    for (index, conform) in candidates.iter().enumerate() {
        if let Some(fit) = conform(value) {
            if best.is_none_or(|(_, so_far)| fit > so_far) {
                best = Some((index, fit));
            }
        }
    }
    best
}

/// How well `value` fits an untagged union of `variants`: the best variant's fit; if
/// none fits, one violation for an `open` union (its `Unknown` keeps the value) and
/// `None` for a closed one.
pub fn untagged(value: &Value, variants: &[Conformer], open: bool) -> Option<Fit> {
    match best(value, variants) {
        Some((_, fit)) => Some(fit),
        None if open => Some(Fit::violation()),
        None => None,
    }
}

/// One variant of a discriminated union, for [`tagged`].
#[derive(Clone, Copy, Debug)]
pub struct Tagged {
    /// The discriminator values that select it.
    pub tags: &'static [&'static str],
    /// Its type's fit.
    pub conform: Conformer,
}

/// How well `value` fits a union told apart by the string property `discriminator`, as
/// generated unions decode: the variant its value names must fit (one more match for the
/// tag); an open union keeps anything else (no tag, an unlisted one, a payload its
/// variant cannot read) as `Unknown`, one violation, where a closed one gives `None`.
pub fn tagged(value: &Value, discriminator: &str, variants: &[Tagged], open: bool) -> Option<Fit> {
    let fallback = open.then(Fit::violation);
    let Some(tag) = value.get(discriminator).and_then(Value::as_str) else {
        return fallback;
    };
    let Some(variant) = variants.iter().find(|variant| variant.tags.contains(&tag)) else {
        return fallback;
    };
    match (variant.conform)(value) {
        Some(fit) => Some(fit + Fit::matched(1)),
        None => fallback,
    }
}

/// How well `value` fits a list of `T` that also accepts a lone `T` (a property whose
/// array schema carries an `enum`, see `de::OneOrMany`).
pub fn one_or_many<T: Conform>(value: &Value) -> Option<Fit> {
    match value {
        Value::Array(_) => Vec::<T>::conform(value),
        lone => T::conform(lone),
    }
}

/// Whether `T` decodes `value`, with anything the attempt notes for the audit dropped:
/// the decode is only a look.
fn decodes<T: DeserializeOwned>(value: &Value) -> bool {
    crate::audit::silenced(|| T::deserialize(value).is_ok())
}

impl Conform for bool {
    fn conform(value: &Value) -> Option<Fit> {
        value.is_boolean().then(Fit::default)
    }
}

impl Conform for i32 {
    /// A whole number in range: a match (an integer where an integer is declared).
    fn conform(value: &Value) -> Option<Fit> {
        value
            .as_i64()
            .filter(|number| i32::try_from(*number).is_ok())
            .map(|_| Fit::matched(1))
    }
}

impl Conform for i64 {
    /// A whole number in range: a match (an integer where an integer is declared).
    fn conform(value: &Value) -> Option<Fit> {
        value.as_i64().map(|_| Fit::matched(1))
    }
}

impl Conform for f32 {
    fn conform(value: &Value) -> Option<Fit> {
        value.is_number().then(Fit::default)
    }
}

impl Conform for f64 {
    fn conform(value: &Value) -> Option<Fit> {
        value.is_number().then(Fit::default)
    }
}

impl Conform for String {
    fn conform(value: &Value) -> Option<Fit> {
        value.is_string().then(Fit::default)
    }
}

impl Conform for chrono::DateTime<chrono::Utc> {
    /// A string that parses as a date-time: a match (the format is satisfied).
    fn conform(value: &Value) -> Option<Fit> {
        (value.is_string() && decodes::<Self>(value)).then_some(Fit::matched(1))
    }
}

impl Conform for uuid::Uuid {
    /// A string that parses as a UUID: a match (the format is satisfied).
    fn conform(value: &Value) -> Option<Fit> {
        (value.is_string() && decodes::<Self>(value)).then_some(Fit::matched(1))
    }
}

impl Conform for Value {
    /// Anything: a free-form value keeps every key, so none is unknown.
    fn conform(_value: &Value) -> Option<Fit> {
        Some(Fit::default())
    }
}

impl<T: Conform> Conform for Vec<T> {
    /// An array whose every item fits: the items' fits added up.
    fn conform(value: &Value) -> Option<Fit> {
        value.as_array()?.iter().map(T::conform).sum()
    }
}

impl<T: Conform> Conform for BTreeMap<String, T> {
    /// An object whose every value fits: the values' fits added up; its keys are all
    /// kept, so none is unknown.
    fn conform(value: &Value) -> Option<Fit> {
        value.as_object()?.values().map(T::conform).sum()
    }
}

impl<T: Conform> Conform for Option<T> {
    /// `null`, or whatever `T` fits.
    fn conform(value: &Value) -> Option<Fit> {
        if value.is_null() {
            Some(Fit::default())
        } else {
            T::conform(value)
        }
    }
}

impl<T: Conform> Conform for Box<T> {
    fn conform(value: &Value) -> Option<Fit> {
        T::conform(value)
    }
}

impl<T: Conform + DeserializeOwned> Conform for Checked<T> {
    /// Any JSON value. What `T` decodes fits as it fits `T`; anything else is kept as
    /// `Checked::Invalid`, one violation. Whether `T` decodes it is asked of `T`'s own
    /// `Deserialize`, exactly as `Checked` decides.
    fn conform(value: &Value) -> Option<Fit> {
        Some(if decodes::<T>(value) {
            T::conform(value).unwrap_or_default()
        } else {
            Fit::violation()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    /// Test types shaped as generated ones, with `Conform` impls written as the
    /// generator writes them.
    mod shapes {
        use super::*;

        /// `{a?: integer}`, decoded as generated structs are: from an object only.
        #[derive(Debug)]
        #[allow(dead_code)]
        pub struct OnlyA {
            pub a: Option<i64>,
        }

        impl<'de> crate::de::FromObject<'de> for OnlyA {
            const EXPECTING: &'static str = "struct OnlyA";

            fn from_object<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                let mut a = None;
                while let Some(index) = map.next_key_seed(crate::de::FieldIndex(&["a"]))? {
                    match index {
                        0 => crate::de::field(&mut map, &mut a, "a")?,
                        _ => crate::de::skip(&mut map)?,
                    }
                }
                Ok(OnlyA { a: a.flatten() })
            }
        }

        impl<'de> Deserialize<'de> for OnlyA {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::de::object(deserializer)
            }
        }

        impl Conform for OnlyA {
            fn conform(value: &Value) -> Option<Fit> {
                object(value, &[FieldFit::new("a", false, false, i64::conform)])
            }
        }

        /// `{b?: integer}`
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        pub struct OnlyB {
            pub b: Option<i64>,
        }

        impl Conform for OnlyB {
            fn conform(value: &Value) -> Option<Fit> {
                object(value, &[FieldFit::new("b", false, false, i64::conform)])
            }
        }

        /// `{id: string (required), note?: string|null}`
        pub struct WithId;

        impl Conform for WithId {
            fn conform(value: &Value) -> Option<Fit> {
                object(
                    value,
                    &[
                        FieldFit::new("id", true, false, String::conform),
                        FieldFit::new("note", false, true, String::conform),
                    ],
                )
            }
        }

        /// `{ended: date-time|null (required)}`
        pub struct Ended;

        impl Conform for Ended {
            fn conform(value: &Value) -> Option<Fit> {
                object(
                    value,
                    &[FieldFit::new(
                        "ended",
                        true,
                        true,
                        chrono::DateTime::<chrono::Utc>::conform,
                    )],
                )
            }
        }

        pub const STATES: &[&str] = &["IDLE", "BUSY"];

        /// An open enum: `IDLE`, `BUSY`, or anything else as `Unknown`.
        pub struct OpenState;

        impl Conform for OpenState {
            fn conform(value: &Value) -> Option<Fit> {
                string_enum(value, STATES, true)
            }
        }

        /// `{state: OpenState (required)}`
        pub struct WithState;

        impl Conform for WithState {
            fn conform(value: &Value) -> Option<Fit> {
                object(
                    value,
                    &[FieldFit::new("state", true, false, OpenState::conform)],
                )
            }
        }

        pub fn is_group_id(text: &str) -> bool {
            text.len() == 24 && text.bytes().all(|b| b.is_ascii_hexdigit())
        }

        /// A validated string: 24 hexadecimal digits.
        #[derive(Debug)]
        pub struct GroupId(#[allow(dead_code)] pub String);

        impl<'de> Deserialize<'de> for GroupId {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                if is_group_id(&text) {
                    Ok(GroupId(text))
                } else {
                    Err(serde::de::Error::custom("not a group id"))
                }
            }
        }

        impl Conform for GroupId {
            fn conform(value: &Value) -> Option<Fit> {
                pattern(value, is_group_id)
            }
        }

        /// `{groupId: Checked<GroupId> (required)}`, as a response model holds it.
        pub struct WithGroup;

        impl Conform for WithGroup {
            fn conform(value: &Value) -> Option<Fit> {
                object(
                    value,
                    &[FieldFit::new(
                        "groupId",
                        true,
                        false,
                        Checked::<GroupId>::conform,
                    )],
                )
            }
        }
    }

    use shapes::*;

    fn fit_of<T: Conform>(value: Value) -> Option<Fit> {
        T::conform(&value)
    }

    #[test]
    fn object_with_the_declared_key_beats_object_with_only_optional_keys() {
        let value = json!({"b": 5});
        assert_eq!(OnlyA::conform(&value), Some(Fit::new(0, 1, 0)));
        assert_eq!(OnlyB::conform(&value), Some(Fit::new(0, 0, 2)));
        assert_eq!(
            best(&value, &[OnlyA::conform, OnlyB::conform]).map(|(index, _)| index),
            Some(1)
        );
        // Both decode it: only the score tells them apart.
        assert!(serde_json::from_value::<OnlyA>(value.clone()).is_ok());
        assert!(serde_json::from_value::<OnlyB>(value).is_ok());
    }

    #[test]
    fn fewer_violations_beat_fewer_unknown_keys() {
        let clean_but_unknown = Fit::new(0, 5, 0);
        let lenient_but_exact = Fit::new(1, 0, 9);
        assert!(clean_but_unknown.is_better_than(&lenient_but_exact));
    }

    #[test]
    fn fewer_unknown_keys_beat_more_matches() {
        assert!(Fit::new(0, 0, 1).is_better_than(&Fit::new(0, 1, 9)));
    }

    #[test]
    fn among_equally_clean_fits_more_matches_win() {
        assert!(Fit::matched(2).is_better_than(&Fit::matched(1)));
        assert_eq!(
            [
                Fit::new(1, 0, 0),
                Fit::matched(3),
                Fit::new(0, 2, 7),
                Fit::matched(1)
            ]
            .into_iter()
            .max(),
            Some(Fit::matched(3))
        );
    }

    #[test]
    fn equal_fits_keep_the_first_variant_declared() {
        let value = json!({});
        assert_eq!(
            best(&value, &[OnlyB::conform, OnlyA::conform]),
            Some((0, Fit::default()))
        );
        assert!(!Fit::default().is_better_than(&Fit::default()));
    }

    #[test]
    fn no_fitting_variant_is_none_for_best_and_a_closed_union_and_one_violation_for_an_open_one() {
        let value = json!("text");
        let variants: &[Conformer] = &[OnlyA::conform, i64::conform];
        assert_eq!(best(&value, variants), None);
        assert_eq!(untagged(&value, variants, false), None);
        assert_eq!(untagged(&value, variants, true), Some(Fit::violation()));
        assert_eq!(untagged(&json!(3), variants, true), Some(Fit::matched(1)));
    }

    #[test]
    fn a_missing_required_property_rules_the_variant_out() {
        assert_eq!(fit_of::<WithId>(json!({"note": "n"})), None);
        assert_eq!(
            fit_of::<WithId>(json!({"id": "x", "note": "n", "extra": 1})),
            Some(Fit::new(0, 1, 2))
        );
    }

    #[test]
    fn a_property_of_the_wrong_json_type_rules_the_variant_out() {
        assert_eq!(fit_of::<WithId>(json!({"id": 5})), None);
        assert_eq!(fit_of::<OnlyA>(json!({"a": "five"})), None);
        assert_eq!(fit_of::<OnlyA>(json!([1])), None);
    }

    #[test]
    fn null_fits_an_optional_or_nullable_property_but_not_a_required_plain_one() {
        assert_eq!(fit_of::<OnlyA>(json!({"a": null})), Some(Fit::matched(1)));
        assert_eq!(
            fit_of::<WithId>(json!({"id": "x", "note": null})),
            Some(Fit::matched(2))
        );
        assert_eq!(fit_of::<WithId>(json!({"id": null})), None);
    }

    #[test]
    fn a_required_nullable_property_may_be_null_but_not_missing() {
        assert_eq!(
            fit_of::<Ended>(json!({"ended": null})),
            Some(Fit::matched(1))
        );
        assert_eq!(
            fit_of::<Ended>(json!({"ended": "2025-05-04T09:42:00Z"})),
            Some(Fit::matched(2))
        );
        assert_eq!(fit_of::<Ended>(json!({})), None);
    }

    #[test]
    fn an_open_enum_fits_an_unlisted_value_with_one_violation_and_a_closed_one_not_at_all() {
        assert_eq!(
            string_enum(&json!("IDLE"), STATES, true),
            Some(Fit::matched(1))
        );
        assert_eq!(
            string_enum(&json!("IDLE"), STATES, false),
            Some(Fit::matched(1))
        );
        assert_eq!(
            string_enum(&json!("NEW"), STATES, true),
            Some(Fit::violation())
        );
        assert_eq!(string_enum(&json!("NEW"), STATES, false), None);
        assert_eq!(string_enum(&json!(1), STATES, true), None);
        // Nested, the violation counts for the whole.
        assert_eq!(
            fit_of::<WithState>(json!({"state": "NEW"})),
            Some(Fit::new(1, 0, 1))
        );
    }

    #[test]
    fn a_listed_enum_value_beats_a_plain_string_and_an_unlisted_one_loses_to_it() {
        let variants: &[Conformer] = &[String::conform, OpenState::conform];
        assert_eq!(best(&json!("BUSY"), variants).map(|(i, _)| i), Some(1));
        assert_eq!(best(&json!("NEW"), variants).map(|(i, _)| i), Some(0));
    }

    #[test]
    fn a_validated_string_refuses_a_pattern_breach_that_checked_keeps_as_one_violation() {
        let good = json!("32b6e34b3d91647abb20e7b8");
        let bad = json!("not-hex");
        assert_eq!(GroupId::conform(&good), Some(Fit::matched(1)));
        assert_eq!(GroupId::conform(&bad), None);
        assert_eq!(GroupId::conform(&json!(7)), None);
        assert_eq!(Checked::<GroupId>::conform(&good), Some(Fit::matched(1)));
        assert_eq!(Checked::<GroupId>::conform(&bad), Some(Fit::violation()));
        assert_eq!(
            fit_of::<WithGroup>(json!({"groupId": "not-hex"})),
            Some(Fit::new(1, 0, 1))
        );
    }

    #[test]
    fn a_whole_number_prefers_an_integer_type_and_a_fraction_fits_only_floats() {
        let numbers: &[Conformer] = &[f64::conform, i64::conform];
        assert_eq!(best(&json!(5), numbers), Some((1, Fit::matched(1))));
        assert_eq!(best(&json!(5.5), numbers), Some((0, Fit::default())));
        assert_eq!(i32::conform(&json!(5.0)), None);
        assert_eq!(f32::conform(&json!(5)), Some(Fit::default()));
    }

    #[test]
    fn i32_fits_whole_numbers_in_its_range_only() {
        assert_eq!(i32::conform(&json!(2_147_483_647)), Some(Fit::matched(1)));
        assert_eq!(
            i32::conform(&json!(-2_147_483_648_i64)),
            Some(Fit::matched(1))
        );
        assert_eq!(i32::conform(&json!(2_147_483_648_i64)), None);
        assert_eq!(
            i64::conform(&json!(2_147_483_648_i64)),
            Some(Fit::matched(1))
        );
        assert_eq!(i64::conform(&json!(u64::MAX)), None);
        assert_eq!(i64::conform(&json!("5")), None);
    }

    #[test]
    fn a_date_time_or_uuid_string_prefers_its_format_over_a_plain_string() {
        let timestamp = json!("2025-05-04T09:42:00Z");
        let id = json!("67e55044-10b1-426f-9247-bb680e5fe0c8");
        let variants: &[Conformer] = &[
            String::conform,
            chrono::DateTime::<chrono::Utc>::conform,
            uuid::Uuid::conform,
        ];
        assert_eq!(best(&timestamp, variants), Some((1, Fit::matched(1))));
        assert_eq!(best(&id, variants), Some((2, Fit::matched(1))));
        assert_eq!(best(&json!("neither"), variants), Some((0, Fit::default())));
        assert_eq!(chrono::DateTime::<chrono::Utc>::conform(&json!(12)), None);
        assert_eq!(uuid::Uuid::conform(&json!("67e55044")), None);
    }

    #[test]
    fn a_format_breach_in_checked_loses_to_a_plain_string() {
        let variants: &[Conformer] = &[
            Checked::<chrono::DateTime<chrono::Utc>>::conform,
            String::conform,
        ];
        assert_eq!(
            best(&json!("yesterday"), variants),
            Some((1, Fit::default()))
        );
        assert_eq!(
            best(&json!("2025-05-04T09:42:00Z"), variants),
            Some((0, Fit::matched(1)))
        );
    }

    #[test]
    fn a_free_form_value_fits_anything_and_keeps_keys_an_object_type_would_drop() {
        let value = json!({"x": 1, "y": 2});
        assert_eq!(Value::conform(&value), Some(Fit::default()));
        assert_eq!(
            best(&value, &[OnlyA::conform, Value::conform]).map(|(i, _)| i),
            Some(1)
        );
    }

    #[test]
    fn lists_and_maps_add_up_their_items_and_one_item_that_does_not_fit_rules_them_out() {
        assert_eq!(
            Vec::<i64>::conform(&json!([1, 2, 3])),
            Some(Fit::matched(3))
        );
        assert_eq!(Vec::<i64>::conform(&json!([])), Some(Fit::default()));
        assert_eq!(Vec::<i64>::conform(&json!([1, "2"])), None);
        assert_eq!(Vec::<i64>::conform(&json!({"a": 1})), None);
        assert_eq!(
            BTreeMap::<String, OpenState>::conform(&json!({"a": "IDLE", "b": "NEW"})),
            Some(Fit::new(1, 0, 1))
        );
        assert_eq!(BTreeMap::<String, i64>::conform(&json!({"a": true})), None);
        assert_eq!(BTreeMap::<String, i64>::conform(&json!([1])), None);
    }

    #[test]
    fn option_fits_null_and_what_its_type_fits_and_box_is_transparent() {
        assert_eq!(Option::<i64>::conform(&json!(null)), Some(Fit::default()));
        assert_eq!(Option::<i64>::conform(&json!(4)), Some(Fit::matched(1)));
        assert_eq!(Option::<i64>::conform(&json!("4")), None);
        assert_eq!(
            Box::<OnlyB>::conform(&json!({"b": 1})),
            OnlyB::conform(&json!({"b": 1}))
        );
        assert_eq!(bool::conform(&json!(true)), Some(Fit::default()));
        assert_eq!(bool::conform(&json!("true")), None);
        assert_eq!(String::conform(&json!(null)), None);
    }

    #[test]
    fn a_discriminator_picks_its_variant_and_an_unlisted_tag_is_unknown_only_in_an_open_union() {
        let variants = [
            Tagged {
                tags: &["A", "ALPHA"],
                conform: OnlyA::conform,
            },
            Tagged {
                tags: &["B"],
                conform: WithId::conform,
            },
        ];
        let tagged_fit = |value: Value, open| tagged(&value, "kind", &variants, open);
        // The tag is a key OnlyA does not declare, so it counts unknown as well.
        assert_eq!(
            tagged_fit(json!({"kind": "ALPHA", "a": 1}), false),
            Some(Fit::new(0, 1, 3))
        );
        assert_eq!(
            tagged_fit(json!({"kind": "B", "id": "x"}), false),
            Some(Fit::new(0, 1, 2))
        );
        for odd in [
            json!({"kind": "C"}),
            json!({"a": 1}),
            json!({"kind": "B"}),
            json!("A"),
        ] {
            assert_eq!(tagged_fit(odd.clone(), false), None, "{odd}");
            assert_eq!(
                tagged_fit(odd.clone(), true),
                Some(Fit::violation()),
                "{odd}"
            );
        }
    }

    #[test]
    fn one_or_many_fits_a_list_or_a_lone_item() {
        assert_eq!(
            one_or_many::<OpenState>(&json!(["IDLE", "BUSY"])),
            Some(Fit::matched(2))
        );
        assert_eq!(
            one_or_many::<OpenState>(&json!("IDLE")),
            Some(Fit::matched(1))
        );
        assert_eq!(one_or_many::<OpenState>(&json!(7)), None);
    }

    #[test]
    fn a_fit_that_counts_past_u32_saturates_instead_of_wrapping() {
        let full = Fit::new(u32::MAX, u32::MAX, u32::MAX);
        assert_eq!(full + Fit::new(1, 1, 1), full);
    }

    /// JSON of every shape, and strings of every format the impls care about.
    fn inputs() -> Vec<Value> {
        [
            "null",
            "true",
            "false",
            "0",
            "-7",
            "5",
            "5.0",
            "5.5",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "18446744073709551615",
            "1e300",
            r#""""#,
            r#""text""#,
            r#""5""#,
            r#""2025-05-04T09:42:00Z""#,
            r#""2025-05-04T09:42:00.123+02:00""#,
            r#""2025-05-04""#,
            r#""67e55044-10b1-426f-9247-bb680e5fe0c8""#,
            r#""67E55044-10B1-426F-9247-BB680E5FE0C8""#,
            r#""67e5504410b1426f9247bb680e5fe0c8""#,
            "[]",
            "[1, 2]",
            r#"[1, "a"]"#,
            "[null]",
            "{}",
            r#"{"a": 1}"#,
            r#"{"a": "x", "b": true}"#,
        ]
        .iter()
        .map(|json| serde_json::from_str(json).expect("test input is JSON"))
        .collect()
    }

    fn accepts_exactly_what_deserialize_accepts<T: Conform + DeserializeOwned>() {
        for value in inputs() {
            assert_eq!(
                T::conform(&value).is_some(),
                T::deserialize(&value).is_ok(),
                "{value} as {}",
                std::any::type_name::<T>()
            );
        }
    }

    #[test]
    fn every_impl_accepts_exactly_what_its_deserialize_accepts() {
        accepts_exactly_what_deserialize_accepts::<bool>();
        accepts_exactly_what_deserialize_accepts::<i32>();
        accepts_exactly_what_deserialize_accepts::<i64>();
        accepts_exactly_what_deserialize_accepts::<f32>();
        accepts_exactly_what_deserialize_accepts::<f64>();
        accepts_exactly_what_deserialize_accepts::<String>();
        accepts_exactly_what_deserialize_accepts::<chrono::DateTime<chrono::Utc>>();
        accepts_exactly_what_deserialize_accepts::<uuid::Uuid>();
        accepts_exactly_what_deserialize_accepts::<Value>();
        accepts_exactly_what_deserialize_accepts::<Vec<i64>>();
        accepts_exactly_what_deserialize_accepts::<Vec<Option<i32>>>();
        accepts_exactly_what_deserialize_accepts::<BTreeMap<String, i64>>();
        accepts_exactly_what_deserialize_accepts::<BTreeMap<String, String>>();
        accepts_exactly_what_deserialize_accepts::<Option<String>>();
        accepts_exactly_what_deserialize_accepts::<Option<uuid::Uuid>>();
        accepts_exactly_what_deserialize_accepts::<Box<i32>>();
        accepts_exactly_what_deserialize_accepts::<Checked<uuid::Uuid>>();
        accepts_exactly_what_deserialize_accepts::<Checked<i32>>();
        accepts_exactly_what_deserialize_accepts::<OnlyA>();
        accepts_exactly_what_deserialize_accepts::<GroupId>();
    }

    fn violates_exactly_when_checked_keeps_invalid<T: Conform + DeserializeOwned>() {
        for value in inputs() {
            let decoded = Checked::<T>::deserialize(&value).expect("Checked keeps any JSON");
            let fit = Checked::<T>::conform(&value).expect("Checked fits any JSON");
            assert_eq!(
                fit.violations >= 1,
                !decoded.is_valid(),
                "{value} as Checked<{}>",
                std::any::type_name::<T>()
            );
            if !decoded.is_valid() {
                assert_eq!(fit, Fit::violation(), "{value}");
            }
        }
    }

    #[test]
    fn checked_counts_one_violation_exactly_when_decoding_keeps_the_value_as_invalid() {
        violates_exactly_when_checked_keeps_invalid::<uuid::Uuid>();
        violates_exactly_when_checked_keeps_invalid::<chrono::DateTime<chrono::Utc>>();
        violates_exactly_when_checked_keeps_invalid::<GroupId>();
        violates_exactly_when_checked_keeps_invalid::<i32>();
        violates_exactly_when_checked_keeps_invalid::<String>();
        violates_exactly_when_checked_keeps_invalid::<Vec<i64>>();
    }

    #[test]
    fn scoring_a_checked_value_notes_nothing_for_the_audit() {
        let ((), findings) = crate::audit::collect(|| {
            assert_eq!(
                Checked::<uuid::Uuid>::conform(&json!("not-a-uuid")),
                Some(Fit::violation())
            );
        });
        assert!(findings.is_empty(), "{findings:?}");
    }
}
