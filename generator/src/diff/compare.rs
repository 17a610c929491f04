//! The comparison of two lowered APIs, position by position.
//!
//! Operations pair by `METHOD path`. Types pair by where they are reached
//! (an operation's success body, a field of a paired type, ...), not by
//! name, so a type that changed its Rust name shows as a rename, and one
//! that kept it while upstream renamed its schema shows as an absorbed
//! upstream rename.

use std::collections::{BTreeMap, BTreeSet};

use super::patterns::{self, Witness};
use super::{Change, Impact};
use crate::ir::*;

/// Media type (none for a bodiless response) -> decoded body type.
type MediaBodies = BTreeMap<Option<String>, Option<TypeRef>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Response,
    Request,
}

struct Cmp<'a> {
    old_types: BTreeMap<&'a str, &'a TypeDef>,
    new_types: BTreeMap<&'a str, &'a TypeDef>,
    old_strings: BTreeMap<&'a str, &'a ValidatedString>,
    new_strings: BTreeMap<&'a str, &'a ValidatedString>,
    /// Validated strings that callers construct (not only decoded).
    request_strings: BTreeSet<String>,
    paired: BTreeSet<(String, String)>,
    /// Both crates compile items per tag feature: compare which features do.
    tag_features: bool,
    seen_old: BTreeSet<String>,
    seen_new: BTreeSet<String>,
    changes: Vec<Change>,
}

pub(super) fn compare(old: &Api, new: &Api) -> Vec<Change> {
    let mut request_strings = BTreeSet::new();
    collect_request_strings(old, &mut request_strings);
    collect_request_strings(new, &mut request_strings);
    let mut cx = Cmp {
        old_types: old.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        new_types: new.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        old_strings: old.strings.iter().map(|s| (s.name.as_str(), s)).collect(),
        new_strings: new.strings.iter().map(|s| (s.name.as_str(), s)).collect(),
        request_strings,
        paired: BTreeSet::new(),
        tag_features: old.tag_features && new.tag_features,
        seen_old: BTreeSet::new(),
        seen_new: BTreeSet::new(),
        changes: Vec::new(),
    };
    let key = |o: &Operation| format!("{} {}", o.method, o.path);
    let old_ops: BTreeMap<String, &Operation> =
        old.operations.iter().map(|o| (key(o), o)).collect();
    let new_ops: BTreeMap<String, &Operation> =
        new.operations.iter().map(|o| (key(o), o)).collect();
    let keys: BTreeSet<&String> = old_ops.keys().chain(new_ops.keys()).collect();
    for k in keys {
        match (old_ops.get(k), new_ops.get(k)) {
            (Some(o), None) => cx.push(
                Impact::Breaking,
                "operation-removed",
                &o.struct_name,
                format!(
                    "operation `{k}` removed: `{}` and `Client::{}` are gone",
                    o.struct_name, o.fn_name
                ),
            ),
            (None, Some(n)) => cx.push(
                Impact::NonBreaking,
                "operation-added",
                &n.struct_name,
                format!(
                    "new operation `{k}`: `{}`, `Client::{}`",
                    n.struct_name, n.fn_name
                ),
            ),
            (Some(o), Some(n)) => cx.operation(o, n),
            (None, None) => {}
        }
    }
    cx.leftovers();
    cx.api_level(old, new);
    cx.changes
}

impl<'a> Cmp<'a> {
    fn push(&mut self, impact: Impact, kind: &'static str, subject: &str, message: String) {
        self.changes.push(Change {
            impact,
            kind,
            subject: subject.to_owned(),
            message,
        });
    }

    fn operation(&mut self, o: &Operation, n: &Operation) {
        let subject = n.struct_name.clone();
        if o.struct_name != n.struct_name || o.fn_name != n.fn_name {
            self.push(
                Impact::Breaking,
                "operation-renamed",
                &subject,
                format!("renamed in Rust: `{}` / `Client::{}` → `{}` / `Client::{}` (operationId `{}` → `{}`)", o.struct_name, o.fn_name, n.struct_name, n.fn_name, o.operation_id, n.operation_id),
            );
        } else if o.operation_id != n.operation_id {
            self.push(
                Impact::Unchanged,
                "upstream-rename",
                &subject,
                format!("operationId `{}` renamed upstream to `{}`; the Rust names `{}` / `Client::{}` are pinned and stay", o.operation_id, n.operation_id, n.struct_name, n.fn_name),
            );
        }
        self.deprecation(&subject, o.deprecated, n.deprecated);
        self.features(&subject, &o.features, &n.features);
        if o.doc != n.doc {
            self.push(
                Impact::Documentation,
                "docs",
                &subject,
                doc_change(&o.doc, &n.doc),
            );
        }
        self.params(&subject, o, n);
        self.body(&subject, o, n);
        self.arguments_reordered(
            &format!("{subject}::new"),
            &subject,
            &Self::operation_args(o),
            &Self::operation_args(n),
        );
        self.responses(&subject, o, n);
        if o.versions.first() != n.versions.first() {
            if let (Some(a), Some(b)) = (o.versions.first(), n.versions.first()) {
                self.push(
                    Impact::NonBreaking,
                    "default-media-type",
                    &subject,
                    format!("the default `Accept` is now `{b}` (was `{a}`)"),
                );
            }
        }
        self.optional_ty(
            &format!("{subject} success body"),
            o.success_type.as_ref(),
            n.success_type.as_ref(),
            "the success type of `parse_response`",
        );
        self.optional_ty(
            &format!("{subject} error body"),
            o.error_type.as_ref(),
            n.error_type.as_ref(),
            "the error body type (`Error::Api`)",
        );
    }

    /// Which Cargo features compile an item (any one of them does; `full`
    /// enables every tag feature). A build that enables only some features
    /// loses the item when a feature that compiled it no longer does; one
    /// that enables `full` keeps every item that still exists.
    fn features(&mut self, subject: &str, old: &[String], new: &[String]) {
        if !self.tag_features || old == new {
            return;
        }
        let list = |f: &[String]| {
            f.iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let lost: Vec<String> = old
            .iter()
            .filter(|f| !new.contains(f) && f.as_str() != crate::lower::features::FULL)
            .cloned()
            .collect();
        let now = format!(
            "compiled by the feature{} {} (was {})",
            if new.len() == 1 { "" } else { "s" },
            list(new),
            list(old)
        );
        if lost.is_empty() {
            self.push(
                Impact::NonBreaking,
                "features-added",
                subject,
                format!("{now}: every build that compiled it still does"),
            );
        } else {
            self.push(
                Impact::Breaking,
                "features-lost",
                subject,
                format!(
                    "{now}: a build enabling only {} no longer compiles it",
                    list(&lost)
                ),
            );
        }
    }

    fn deprecation(&mut self, subject: &str, old: bool, new: bool) {
        match (old, new) {
            (false, true) => self.push(
                Impact::NonBreaking,
                "deprecated",
                subject,
                "now deprecated: code using it gets a deprecation warning".to_owned(),
            ),
            (true, false) => self.push(
                Impact::NonBreaking,
                "undeprecated",
                subject,
                "no longer deprecated".to_owned(),
            ),
            _ => {}
        }
    }

    fn params(&mut self, op: &str, o: &Operation, n: &Operation) {
        let old: BTreeMap<(ParamLocation, String), &Param> = o
            .params
            .iter()
            .map(|p| ((p.location, p.wire.clone()), p))
            .collect();
        let new: BTreeMap<(ParamLocation, String), &Param> = n
            .params
            .iter()
            .map(|p| ((p.location, p.wire.clone()), p))
            .collect();
        let keys: BTreeSet<&(ParamLocation, String)> = old.keys().chain(new.keys()).collect();
        for k in keys {
            let where_ = location_word(k.0);
            match (old.get(k), new.get(k)) {
                (Some(p), None) => self.push(
                    Impact::Breaking,
                    "param-removed",
                    &format!("{op}.{}", p.name),
                    format!("{where_} parameter `{}` removed", p.wire),
                ),
                (None, Some(p)) if p.required => self.push(
                    Impact::Breaking,
                    "param-added-required",
                    &format!("{op}.{}", p.name),
                    format!(
                        "new required {where_} parameter `{}`: `{op}::new` takes a `{}`",
                        p.wire,
                        render(&p.ty)
                    ),
                ),
                (None, Some(p)) => self.push(
                    Impact::NonBreaking,
                    "param-added",
                    &format!("{op}.{}", p.name),
                    format!(
                        "new optional {where_} parameter `{}` (`.{}(…)`)",
                        p.wire, p.name
                    ),
                ),
                (Some(a), Some(b)) => {
                    let subject = format!("{op}.{}", b.name);
                    if a.name != b.name {
                        self.push(
                            Impact::Breaking,
                            "param-renamed",
                            &subject,
                            format!("Rust name `{}` → `{}`", a.name, b.name),
                        );
                    }
                    if a.required != b.required {
                        let what = if b.required {
                            "now required"
                        } else {
                            "now optional"
                        };
                        self.push(
                            Impact::Breaking,
                            "param-required",
                            &subject,
                            format!("{what}: `{op}::new` changes"),
                        );
                    }
                    if !self.same(&a.ty, &b.ty, Dir::Request) {
                        self.push(
                            Impact::Breaking,
                            "param-type-changed",
                            &subject,
                            format!("type `{}` → `{}`", render(&a.ty), render(&b.ty)),
                        );
                    }
                    self.deprecation(&subject, a.deprecated, b.deprecated);
                    if a.doc != b.doc {
                        self.push(
                            Impact::Documentation,
                            "docs",
                            &subject,
                            doc_change(&a.doc, &b.doc),
                        );
                    }
                }
                (None, None) => {}
            }
        }
    }

    /// `new`'s arguments: the required parameters in order, then a required body.
    fn operation_args(o: &Operation) -> Vec<(String, String)> {
        let mut args: Vec<(String, String)> = o
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| (format!("{:?} {}", p.location, p.wire), p.name.clone()))
            .collect();
        if o.body.as_ref().is_some_and(|b| b.required) {
            args.push(("body".to_owned(), "body".to_owned()));
        }
        args
    }

    fn body(&mut self, op: &str, o: &Operation, n: &Operation) {
        let subject = format!("{op} request body");
        match (&o.body, &n.body) {
            (None, Some(b)) if b.required => self.push(
                Impact::Breaking,
                "body-added-required",
                &subject,
                format!("now takes a required body `{}`", render(&b.ty)),
            ),
            (None, Some(b)) => self.push(
                Impact::NonBreaking,
                "body-added",
                &subject,
                format!("now takes an optional body `{}`", render(&b.ty)),
            ),
            (Some(_), None) => self.push(
                Impact::Breaking,
                "body-removed",
                &subject,
                "takes no body any more".to_owned(),
            ),
            (Some(a), Some(b)) => {
                if a.required != b.required {
                    self.push(
                        Impact::Breaking,
                        "body-required",
                        &subject,
                        if b.required {
                            "now required"
                        } else {
                            "now optional"
                        }
                        .to_owned(),
                    );
                }
                for m in b.media_types.iter().filter(|m| !a.media_types.contains(m)) {
                    self.push(
                        Impact::NonBreaking,
                        "media-type-added",
                        &subject,
                        format!("can be sent as `{m}`"),
                    );
                }
                for m in a.media_types.iter().filter(|m| !b.media_types.contains(m)) {
                    self.push(
                        Impact::Breaking,
                        "media-type-removed",
                        &subject,
                        format!("can no longer be sent as `{m}`"),
                    );
                }
                if !self.same(&a.ty, &b.ty, Dir::Request) {
                    self.push(
                        Impact::Breaking,
                        "body-type-changed",
                        &subject,
                        format!("type `{}` → `{}`", render(&a.ty), render(&b.ty)),
                    );
                }
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, op: &str, o: &Operation, n: &Operation) {
        let cases = |x: &Operation| {
            let mut m: BTreeMap<Status, (bool, MediaBodies)> = BTreeMap::new();
            for (success, list) in [(true, &x.success), (false, &x.errors)] {
                for c in list {
                    m.entry(c.status)
                        .or_insert_with(|| (success, BTreeMap::new()))
                        .1
                        .insert(c.media_type.clone(), c.body.clone());
                }
            }
            m
        };
        let (old, new) = (cases(o), cases(n));
        let statuses: BTreeSet<&Status> = old.keys().chain(new.keys()).collect();
        for s in statuses {
            let subject = format!("{op} response {}", status_text(*s));
            match (old.get(s), new.get(s)) {
                (None, Some((success, media))) => {
                    let media = media_list(media);
                    let msg = if *success {
                        format!(
                            "status {} now documented as a success ({media})",
                            status_text(*s)
                        )
                    } else {
                        format!("status {} now documented ({media}): such a response now arrives as `Error::Api` with its decoded body, not `Error::UnexpectedStatus`", status_text(*s))
                    };
                    self.push(Impact::NonBreaking, "status-added", &subject, msg);
                }
                (Some((success, media)), None) => {
                    let what = if *success { "success" } else { "error" };
                    self.push(Impact::Breaking, "status-removed", &subject, format!("{what} status {} no longer documented ({}): such a response now arrives as `Error::UnexpectedStatus`", status_text(*s), media_list(media)));
                }
                (Some((_, a)), Some((_, b))) => {
                    for m in b.keys().filter(|m| !a.contains_key(*m)) {
                        self.push(
                            Impact::NonBreaking,
                            "media-type-added",
                            &subject,
                            format!("new media type {}", media_name(m)),
                        );
                    }
                    for m in a.keys().filter(|m| !b.contains_key(*m)) {
                        self.push(
                            Impact::Breaking,
                            "media-type-removed",
                            &subject,
                            format!("media type {} removed", media_name(m)),
                        );
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn optional_ty(&mut self, subject: &str, o: Option<&TypeRef>, n: Option<&TypeRef>, what: &str) {
        match (o, n) {
            (Some(a), Some(b)) => {
                if !self.same(a, b, Dir::Response) {
                    self.push(
                        Impact::Breaking,
                        "type-changed",
                        subject,
                        format!("{what} `{}` → `{}`", render(a), render(b)),
                    );
                }
            }
            (None, Some(b)) => self.push(
                Impact::Breaking,
                "type-changed",
                subject,
                format!("{what} is now `{}` (was none)", render(b)),
            ),
            (Some(a), None) => self.push(
                Impact::Breaking,
                "type-changed",
                subject,
                format!("{what} `{}` is gone", render(a)),
            ),
            (None, None) => {}
        }
    }

    /// Whether two type references have the same shape; pairs the named
    /// types inside them (and reports on those separately).
    fn same(&mut self, o: &TypeRef, n: &TypeRef, dir: Dir) -> bool {
        match (o, n) {
            (TypeRef::Model(a), TypeRef::Model(b)) => {
                self.models(a, b, dir);
                true
            }
            (TypeRef::Validated(a), TypeRef::Validated(b)) => {
                self.strings(a, b);
                true
            }
            (TypeRef::List(a), TypeRef::List(b))
            | (TypeRef::Map(a), TypeRef::Map(b))
            | (TypeRef::Checked(a), TypeRef::Checked(b))
            | (TypeRef::Boxed(a), TypeRef::Boxed(b)) => self.same(a, b, dir),
            _ => o == n,
        }
    }

    fn models(&mut self, a: &str, b: &str, dir: Dir) {
        if !self.paired.insert((a.to_owned(), b.to_owned())) {
            return;
        }
        self.seen_old.insert(a.to_owned());
        self.seen_new.insert(b.to_owned());
        let (Some(ot), Some(nt)) = (
            self.old_types.get(a).copied(),
            self.new_types.get(b).copied(),
        ) else {
            return;
        };
        if a != b {
            self.push(
                Impact::Breaking,
                "type-renamed",
                b,
                format!(
                    "Rust type `{a}` renamed to `{b}` (schema {} → {})",
                    origin_text(&ot.origin),
                    origin_text(&nt.origin)
                ),
            );
        } else if ot.origin != nt.origin && (is_component(&ot.origin) || is_component(&nt.origin)) {
            self.push(
                Impact::Unchanged,
                "upstream-rename",
                b,
                format!(
                    "schema {} renamed upstream to {}; the Rust name `{b}` is pinned and stays",
                    origin_text(&ot.origin),
                    origin_text(&nt.origin)
                ),
            );
        }
        self.deprecation(b, ot.deprecated, nt.deprecated);
        self.features(b, &ot.features, &nt.features);
        if ot.doc != nt.doc {
            self.push(
                Impact::Documentation,
                "docs",
                b,
                doc_change(&ot.doc, &nt.doc),
            );
        }
        match (&ot.kind, &nt.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => self.fields(b, x, y, dir),
            (TypeKind::Enum(x), TypeKind::Enum(y)) => self.variants(b, x, y),
            (TypeKind::Union(x), TypeKind::Union(y)) => self.union(b, x, y, dir),
            (x, y) => self.push(
                Impact::Breaking,
                "type-kind-changed",
                b,
                format!("was {}, now {}", kind_word(x), kind_word(y)),
            ),
        }
    }

    fn fields(&mut self, owner: &str, o: &Struct, n: &Struct, dir: Dir) {
        let old: BTreeMap<&str, &Field> = o.fields.iter().map(|f| (f.wire.as_str(), f)).collect();
        let new: BTreeMap<&str, &Field> = n.fields.iter().map(|f| (f.wire.as_str(), f)).collect();
        let wires: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
        for w in wires {
            match (old.get(w), new.get(w)) {
                (Some(f), None) => self.push(
                    Impact::Breaking,
                    "field-removed",
                    &format!("{owner}.{}", f.name),
                    format!("field `{}`{} removed", f.name, wire_note(&f.name, w)),
                ),
                (None, Some(f)) => {
                    let subject = format!("{owner}.{}", f.name);
                    // `new` takes the required fields, in request and
                    // response types alike (callers build responses too, in
                    // tests and mocks): one more changes its arguments.
                    if f.required {
                        self.push(Impact::Breaking, "field-added-required", &subject, format!("new required field `{}`: `{}`; `{owner}::new` takes it (and `Default` goes, if it was derived)", f.name, field_type(f)));
                    } else {
                        self.push(
                            Impact::NonBreaking,
                            "field-added",
                            &subject,
                            format!("new optional field `{}`: `{}`", f.name, field_type(f)),
                        );
                    }
                }
                (Some(a), Some(b)) => self.field(owner, a, b, dir),
                (None, None) => {}
            }
        }
        let args = |s: &Struct| -> Vec<(String, String)> {
            s.fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.wire.clone(), f.name.clone()))
                .collect()
        };
        self.arguments_reordered(&format!("{owner}::new"), owner, &args(o), &args(n));
    }

    /// `new`'s arguments (wire name, Rust name) in the old and the new order:
    /// arguments kept in both but in another order are a breaking change even
    /// where the compiler accepts the old calls (two arguments of one type
    /// swap their meaning silently).
    fn arguments_reordered(
        &mut self,
        function: &str,
        subject: &str,
        old: &[(String, String)],
        new: &[(String, String)],
    ) {
        let kept_old: Vec<&String> = old
            .iter()
            .filter(|(w, _)| new.iter().any(|(x, _)| x == w))
            .map(|(_, n)| n)
            .collect();
        let kept_new: Vec<&String> = new
            .iter()
            .filter(|(w, _)| old.iter().any(|(x, _)| x == w))
            .map(|(_, n)| n)
            .collect();
        if kept_old.len() == kept_new.len() && kept_old != kept_new {
            let list = |v: &[&String]| v.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ");
            self.push(
                Impact::Breaking,
                "arguments-reordered",
                subject,
                format!(
                    "`{function}` takes its arguments in another order: ({}) → ({})",
                    list(&kept_old),
                    list(&kept_new)
                ),
            );
        }
    }

    fn field(&mut self, owner: &str, a: &Field, b: &Field, dir: Dir) {
        let subject = format!("{owner}.{}", b.name);
        if a.name != b.name {
            self.push(
                Impact::Breaking,
                "field-renamed",
                &subject,
                format!("Rust field `{}` renamed to `{}`", a.name, b.name),
            );
        }
        let same_ty = self.same(&a.ty, &b.ty, dir);
        if a.required != b.required {
            let what = if b.required {
                "now required"
            } else {
                "now optional"
            };
            self.push(
                Impact::Breaking,
                "field-required",
                &subject,
                format!("{what}: `{}` → `{}`", field_type(a), field_type(b)),
            );
        } else if !same_ty {
            self.push(
                Impact::Breaking,
                "field-type-changed",
                &subject,
                format!("type `{}` → `{}`", field_type(a), field_type(b)),
            );
        }
        if a.required == b.required && same_ty && a.nullable != b.nullable {
            let what = if b.nullable {
                "now nullable"
            } else {
                "no longer nullable"
            };
            self.push(
                Impact::Breaking,
                "field-nullable",
                &subject,
                what.to_owned(),
            );
        }
        self.deprecation(&subject, a.deprecated, b.deprecated);
        match (a.secret, b.secret) {
            (false, true) => self.push(
                Impact::NonBreaking,
                "field-redacted",
                &subject,
                "`Debug` now redacts it".to_owned(),
            ),
            (true, false) => self.push(
                Impact::NonBreaking,
                "field-unredacted",
                &subject,
                "`Debug` no longer redacts it: check whether it still carries a credential"
                    .to_owned(),
            ),
            _ => {}
        }
        if a.doc != b.doc {
            self.push(
                Impact::Documentation,
                "docs",
                &subject,
                doc_change(&a.doc, &b.doc),
            );
        }
    }

    fn variants(&mut self, owner: &str, o: &Enum, n: &Enum) {
        if o.open != n.open {
            let what = if n.open {
                "now open (keeps unknown values)"
            } else {
                "now closed (rejects unknown values)"
            };
            self.push(Impact::Breaking, "enum-openness", owner, what.to_owned());
        }
        let old: BTreeMap<&str, &Variant> =
            o.variants.iter().map(|v| (v.wire.as_str(), v)).collect();
        let new: BTreeMap<&str, &Variant> =
            n.variants.iter().map(|v| (v.wire.as_str(), v)).collect();
        // A closed enum has unit variants only, so `as isize` works on it and
        // gives each variant's position: a value inserted before the last,
        // removed or moved renumbers the ones after it. (An open enum has
        // `Unknown(..)`, and casts do not compile on it.)
        if !o.open && !n.open {
            let moved: Vec<String> = o
                .variants
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let j = n.variants.iter().position(|x| x.wire == v.wire)?;
                    (i != j).then(|| format!("`{}` {i} → {j}", v.name))
                })
                .collect();
            if !moved.is_empty() {
                self.push(
                    Impact::Breaking,
                    "variant-discriminant",
                    owner,
                    format!(
                        "implicit discriminants (`as isize`) change: {}",
                        moved.join(", ")
                    ),
                );
            }
        }
        for v in &o.variants {
            match new.get(v.wire.as_str()) {
                None => self.push(
                    Impact::Breaking,
                    "variant-removed",
                    &format!("{owner}::{}", v.name),
                    format!("value `{}` removed", v.wire),
                ),
                Some(nv) if nv.name != v.name => self.push(
                    Impact::Breaking,
                    "variant-renamed",
                    &format!("{owner}::{}", nv.name),
                    format!("Rust variant `{}` renamed to `{}`", v.name, nv.name),
                ),
                Some(_) => {}
            }
        }
        for v in n
            .variants
            .iter()
            .filter(|v| !old.contains_key(v.wire.as_str()))
        {
            let msg = if n.open {
                format!(
                    "new value `{}` (decoded as `Unknown(\"{}\")` before)",
                    v.wire, v.wire
                )
            } else {
                format!("new value `{}` callers can send", v.wire)
            };
            self.push(
                Impact::NonBreaking,
                "variant-added",
                &format!("{owner}::{}", v.name),
                msg,
            );
        }
    }

    fn union(&mut self, owner: &str, o: &Union, n: &Union, dir: Dir) {
        if o.discriminator != n.discriminator {
            self.push(
                Impact::Breaking,
                "union-discriminator",
                owner,
                format!(
                    "discriminator {:?} → {:?}",
                    o.discriminator, n.discriminator
                ),
            );
        }
        if o.open != n.open {
            self.push(
                Impact::Breaking,
                "union-openness",
                owner,
                if n.open { "now open" } else { "now closed" }.to_owned(),
            );
        }
        let old: BTreeMap<&str, &UnionVariant> =
            o.variants.iter().map(|v| (v.name.as_str(), v)).collect();
        for v in &n.variants {
            let subject = format!("{owner}::{}", v.name);
            match old.get(v.name.as_str()) {
                None => {
                    self.push(
                        Impact::NonBreaking,
                        "variant-added",
                        &subject,
                        format!("new variant `{}`", render(&v.ty)),
                    );
                }
                Some(ov) => {
                    if !self.same(&ov.ty, &v.ty, dir) {
                        self.push(
                            Impact::Breaking,
                            "variant-type-changed",
                            &subject,
                            format!("type `{}` → `{}`", render(&ov.ty), render(&v.ty)),
                        );
                    }
                    for t in v.tags.iter().filter(|t| !ov.tags.contains(t)) {
                        self.push(
                            Impact::NonBreaking,
                            "union-tag-added",
                            &subject,
                            format!("also selected by `{t}`"),
                        );
                    }
                    for t in ov.tags.iter().filter(|t| !v.tags.contains(t)) {
                        self.push(
                            Impact::Breaking,
                            "union-tag-removed",
                            &subject,
                            format!("no longer selected by `{t}`"),
                        );
                    }
                }
            }
        }
        for v in o
            .variants
            .iter()
            .filter(|v| !n.variants.iter().any(|x| x.name == v.name))
        {
            self.push(
                Impact::Breaking,
                "variant-removed",
                &format!("{owner}::{}", v.name),
                format!("variant `{}` removed", v.name),
            );
        }
    }

    fn strings(&mut self, a: &str, b: &str) {
        if !self.paired.insert((a.to_owned(), b.to_owned())) {
            return;
        }
        self.seen_old.insert(a.to_owned());
        self.seen_new.insert(b.to_owned());
        let (Some(os), Some(ns)) = (
            self.old_strings.get(a).copied(),
            self.new_strings.get(b).copied(),
        ) else {
            return;
        };
        if a != b {
            self.push(
                Impact::Breaking,
                "type-renamed",
                b,
                format!("validated string `{a}` renamed to `{b}`"),
            );
        }
        self.features(b, &os.features, &ns.features);
        if os.pattern == ns.pattern {
            return;
        }
        let verdict = patterns::compare(&os.pattern, &ns.pattern);
        let constructed = self.request_strings.contains(a) || self.request_strings.contains(b);
        let mut facts = Vec::new();
        match &verdict.newly_rejected {
            Witness::Found(s) => facts.push(format!("now rejects values it accepted, e.g. {s:?}")),
            Witness::Unknown => {
                facts.push("may reject values it accepted (not decidable here)".to_owned())
            }
            Witness::NoneExists => {}
        }
        match &verdict.newly_accepted {
            Witness::Found(s) => facts.push(format!("now accepts values it rejected, e.g. {s:?}")),
            Witness::Unknown => facts.push("may accept values it rejected".to_owned()),
            Witness::NoneExists => {}
        }
        if facts.is_empty() {
            facts.push("accepts exactly the same values".to_owned());
        }
        let narrower = verdict.newly_rejected != Witness::NoneExists;
        let (impact, note) = match (constructed, narrower) {
            (true, true) => (Impact::Breaking, "callers building it from such values now get a validation error"),
            (true, false) => (Impact::NonBreaking, "every value callers could build is still valid"),
            (false, _) => (Impact::NonBreaking, "only decoded from responses, where a value breaking it arrives as `Checked::Invalid`"),
        };
        self.push(
            impact,
            "pattern-changed",
            b,
            format!(
                "pattern `{}` → `{}`: {}; {note}",
                os.pattern,
                ns.pattern,
                facts.join("; ")
            ),
        );
    }

    fn leftovers(&mut self) {
        // Types reached at no shared position but named alike: compare them.
        let old_left: Vec<String> = self
            .old_types
            .keys()
            .filter(|n| !self.seen_old.contains(**n))
            .map(|n| (*n).to_owned())
            .collect();
        for name in old_left {
            if self.new_types.contains_key(name.as_str()) && !self.seen_new.contains(&name) {
                let dir = match self.new_types.get(name.as_str()).map(|t| &t.kind) {
                    Some(TypeKind::Enum(e)) if !e.open => Dir::Request,
                    _ => Dir::Response,
                };
                self.models(&name, &name, dir);
            }
        }
        let old_left: Vec<String> = self
            .old_strings
            .keys()
            .filter(|n| !self.seen_old.contains(**n))
            .map(|n| (*n).to_owned())
            .collect();
        for name in old_left {
            if self.new_strings.contains_key(name.as_str()) && !self.seen_new.contains(&name) {
                self.strings(&name, &name);
            }
        }
        let removed: Vec<(String, &'static str)> = self
            .old_types
            .keys()
            .filter(|n| !self.seen_old.contains(**n))
            .map(|n| ((*n).to_owned(), "type"))
            .chain(
                self.old_strings
                    .keys()
                    .filter(|n| !self.seen_old.contains(**n))
                    .map(|n| ((*n).to_owned(), "validated string")),
            )
            .collect();
        for (name, what) in removed {
            self.push(
                Impact::Breaking,
                "type-removed",
                &name,
                format!("{what} `{name}` removed"),
            );
        }
        let added: Vec<(String, &'static str)> = self
            .new_types
            .keys()
            .filter(|n| !self.seen_new.contains(**n))
            .map(|n| ((*n).to_owned(), "type"))
            .chain(
                self.new_strings
                    .keys()
                    .filter(|n| !self.seen_new.contains(**n))
                    .map(|n| ((*n).to_owned(), "validated string")),
            )
            .collect();
        for (name, what) in added {
            self.push(
                Impact::NonBreaking,
                "type-added",
                &name,
                format!("new {what} `{name}`"),
            );
        }
    }

    fn api_level(&mut self, old: &Api, new: &Api) {
        let name = |s: &SecurityScheme| match s {
            SecurityScheme::HttpDigest { name }
            | SecurityScheme::HttpBearer { name }
            | SecurityScheme::HttpBasic { name }
            | SecurityScheme::OAuth2ClientCredentials { name, .. }
            | SecurityScheme::ApiKey { name, .. } => name.clone(),
        };
        let old_s: BTreeMap<String, &SecurityScheme> =
            old.security.iter().map(|s| (name(s), s)).collect();
        let new_s: BTreeMap<String, &SecurityScheme> =
            new.security.iter().map(|s| (name(s), s)).collect();
        for (n, s) in &new_s {
            match old_s.get(n) {
                None => self.push(
                    Impact::NonBreaking,
                    "security-added",
                    n,
                    "new security scheme".to_owned(),
                ),
                Some(o) if o != s => self.push(
                    Impact::Breaking,
                    "security-changed",
                    n,
                    format!("security scheme changed: {o:?} → {s:?}"),
                ),
                Some(_) => {}
            }
        }
        for n in old_s.keys().filter(|n| !new_s.contains_key(*n)) {
            self.push(
                Impact::Breaking,
                "security-removed",
                n,
                "security scheme removed".to_owned(),
            );
        }
        if old.tag_features && new.tag_features {
            for f in old.features.iter().filter(|f| !new.features.contains(f)) {
                self.push(
                    Impact::Breaking,
                    "feature-removed",
                    &format!("feature {f}"),
                    format!(
                        "Cargo feature `{f}` removed: a build that enables it no longer resolves"
                    ),
                );
            }
            for f in new.features.iter().filter(|f| !old.features.contains(f)) {
                self.push(
                    Impact::NonBreaking,
                    "feature-added",
                    &format!("feature {f}"),
                    format!("new Cargo feature `{f}` (part of `full`)"),
                );
            }
        }
        if old.default_server != new.default_server {
            self.push(
                Impact::NonBreaking,
                "default-server",
                "DEFAULT_BASE_URL",
                format!(
                    "default server {:?} → {:?}",
                    old.default_server, new.default_server
                ),
            );
        }
        let mut parts = Vec::new();
        if old.title != new.title {
            parts.push(format!("title {:?} → {:?}", old.title, new.title));
        }
        if old.version != new.version {
            parts.push(format!("API version {:?} → {:?}", old.version, new.version));
        }
        if old.description != new.description {
            parts.push("description changed".to_owned());
        }
        if !parts.is_empty() {
            self.push(Impact::Documentation, "docs", "crate", parts.join("; "));
        }
    }
}

/// Validated strings that appear outside `Checked`: built by callers.
fn collect_request_strings(api: &Api, out: &mut BTreeSet<String>) {
    fn walk(t: &TypeRef, checked: bool, out: &mut BTreeSet<String>) {
        match t {
            TypeRef::Validated(n) if !checked => {
                out.insert(n.clone());
            }
            TypeRef::Checked(i) => walk(i, true, out),
            TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Boxed(i) => walk(i, checked, out),
            _ => {}
        }
    }
    for op in &api.operations {
        for p in &op.params {
            walk(&p.ty, false, out);
        }
    }
    for t in &api.types {
        match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| walk(&f.ty, false, out)),
            TypeKind::Union(u) => u.variants.iter().for_each(|v| walk(&v.ty, false, out)),
            TypeKind::Enum(_) => {}
        }
    }
}

/// What changed in a doc comment: which text, which documented facts.
fn doc_change(a: &Doc, b: &Doc) -> String {
    let mut parts = Vec::new();
    if a.summary != b.summary {
        parts.push("summary changed".to_owned());
    }
    if a.description != b.description {
        parts.push("description changed".to_owned());
    }
    let gone: Vec<String> = a
        .notes
        .iter()
        .filter(|n| !b.notes.contains(n))
        .map(|n| format!("−{}", n.trim_end_matches('.')))
        .collect();
    let came: Vec<String> = b
        .notes
        .iter()
        .filter(|n| !a.notes.contains(n))
        .map(|n| format!("+{}", n.trim_end_matches('.')))
        .collect();
    if !gone.is_empty() || !came.is_empty() {
        parts.push(format!(
            "documented constraints: {}",
            gone.into_iter().chain(came).collect::<Vec<_>>().join(", ")
        ));
    }
    parts.join("; ")
}

/// A type reference as the generated code spells it.
pub fn render(t: &TypeRef) -> String {
    match t {
        TypeRef::Model(n) | TypeRef::Validated(n) => n.clone(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::DateTime => "DateTime<Utc>".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::List(i) => format!("Vec<{}>", render(i)),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", render(i)),
        TypeRef::Checked(i) => format!("Checked<{}>", render(i)),
        TypeRef::Boxed(i) => format!("Box<{}>", render(i)),
        TypeRef::Bytes => "Bytes".to_owned(),
    }
}

/// ` (JSON `x`)` when the wire name is not the Rust name.
fn wire_note(rust: &str, wire: &str) -> String {
    if rust == wire {
        String::new()
    } else {
        format!(" (JSON `{wire}`)")
    }
}

fn field_type(f: &Field) -> String {
    if f.required && !f.nullable {
        render(&f.ty)
    } else {
        format!("Option<{}>", render(&f.ty))
    }
}

fn kind_word(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Union(_) => "a union",
    }
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

fn status_text(s: Status) -> String {
    match s {
        Status::Code(c) => c.to_string(),
        Status::Range(r) => format!("{r}XX"),
        Status::Default => "default".to_owned(),
    }
}

fn media_name(m: &Option<String>) -> String {
    m.as_ref()
        .map(|m| format!("`{m}`"))
        .unwrap_or_else(|| "(no body)".to_owned())
}

fn media_list(m: &MediaBodies) -> String {
    m.iter()
        .map(|(media, body)| match body {
            Some(b) => format!("{} → `{}`", media_name(media), render(b)),
            None => media_name(media),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_component(pointer: &str) -> bool {
    pointer
        .strip_prefix("#/components/schemas/")
        .is_some_and(|r| !r.contains('/'))
}

fn origin_text(pointer: &str) -> String {
    match pointer.strip_prefix("#/components/schemas/") {
        Some(r) if !r.contains('/') => format!("`{}`", crate::position::unescape_pointer_token(r)),
        _ => format!("(inline at `{pointer}`)"),
    }
}
