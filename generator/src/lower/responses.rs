//! Responses: the cases of an operation, the representations it can be
//! spoken in (the default JSON one, older dated versions whose schemas
//! differ, non-JSON alternatives), its success and error bodies, and the
//! status dispatch.

use openapiv3::MediaType;

use super::*;

/// What one success status carries in one representation.
#[derive(Clone, Debug, PartialEq)]
enum Shape {
    /// Nothing: no content, or a status that cannot have a body (204).
    NoContent,
    Json(TypeRef),
    /// JSON with no schema: any value, and an empty body is allowed.
    AnyJson,
}

/// An operation's responses, lowered.
pub(super) struct Responses {
    pub errors: Vec<ResponseCase>,
    pub error_type: Option<TypeRef>,
    /// The error media types, for `Accept`.
    pub error_media: Vec<String>,
    /// The default representation first.
    pub reprs: Vec<Repr>,
}

/// One representation of an operation: it becomes an operation of its own.
pub(super) struct Repr {
    /// `None` for the default representation.
    pub alt: Option<Alt>,
    /// The success media types it speaks, newest first.
    pub versions: Vec<String>,
    pub body: Option<RequestBody>,
    pub success: Vec<ResponseCase>,
    pub success_type: Option<TypeRef>,
    pub success_optional: bool,
    pub success_arms: Vec<(Status, Decode)>,
}

/// How a representation other than the default is named.
pub(super) struct Alt {
    /// `v2023_01_01`, `as_csv`.
    pub fn_suffix: String,
    /// `V20230101`, `AsCsv`.
    pub struct_suffix: String,
    /// The media type it is named after.
    pub media_type: String,
}

/// A success status with its content split by kind.
struct SuccessStatus<'a> {
    status: Status,
    /// The response's pointer (resolved).
    at: String,
    /// JSON media types, newest first.
    json: Vec<(&'a String, &'a MediaType)>,
    other: Vec<&'a String>,
}

/// A representation's successes: the documented cases, the body type, whether
/// some status has no body (the type is then optional), and each status's
/// decoding.
type Success = (
    Vec<ResponseCase>,
    Option<TypeRef>,
    bool,
    Vec<(Status, Decode)>,
);

/// The request body with its content split by kind.
struct BodyContent<'a> {
    body: &'a openapiv3::RequestBody,
    at: String,
    json: Vec<(&'a String, &'a MediaType)>,
    other: Vec<&'a String>,
}

/// Statuses that never carry a body (RFC 9110): whatever content the spec
/// lists for them is only the media type the operation speaks.
fn is_bodiless_status(status: Status) -> bool {
    matches!(status, Status::Code(204 | 205 | 304))
}

/// Media types newest first: dated versions sort by date.
fn newest_first<T>(mut v: Vec<(&String, T)>) -> Vec<(&String, T)> {
    v.sort_by(|a, b| b.0.cmp(a.0));
    v
}

/// The schema a media type declares, as text, to tell versions apart.
fn schema_key(m: &MediaType) -> Option<String> {
    m.schema
        .as_ref()
        .map(|s| serde_json::to_string(s).unwrap_or_default())
}

impl<'a> Ctx<'a> {
    /// Lowers the responses and request body of an operation into its
    /// representations.
    pub(super) fn responses(
        &mut self,
        sel: &Selected<'a>,
        pointer: &str,
        struct_name: &str,
    ) -> Responses {
        let op = sel.operation;
        let mut cases: Vec<(Status, &'a ReferenceOr<openapiv3::Response>, String)> = Vec::new();
        for (code, r) in &op.responses.responses {
            let (status, key) = match code {
                StatusCode::Code(c) => (Status::Code(*c), c.to_string()),
                StatusCode::Range(r) => (Status::Range(*r), format!("{r}XX")),
            };
            cases.push((status, r, format!("{pointer}/responses/{key}")));
        }
        if let Some(r) = &op.responses.default {
            cases.push((Status::Default, r, format!("{pointer}/responses/default")));
        }
        cases.sort_by_key(|c| c.0);
        let mut errors = Vec::new();
        let mut successes = Vec::new();
        for (status, r, at) in cases {
            let (response, rat) = match resolve::component(self.spec, r, &at) {
                Ok(x) => x,
                Err(d) => {
                    self.diags.push(d);
                    continue;
                }
            };
            let is_success = matches!(status, Status::Code(200..=299) | Status::Range(2));
            if !is_success {
                self.error_cases(status, response, &rat, struct_name, &mut errors);
                continue;
            }
            let mut json = Vec::new();
            let mut other = Vec::new();
            if is_bodiless_status(status) {
                if let Some((mt, _)) = response.content.iter().find(|(_, m)| m.schema.is_some()) {
                    let mat = format!("{rat}/content/{}", pointer_token(mt));
                    self.warn(
                        Code::Quirk,
                        &mat,
                        "this status cannot carry a body (RFC 9110); its schema is ignored",
                    );
                }
            }
            // A bodiless status keeps its media types: they name the
            // version the operation speaks (`Accept`).
            for (mt, m) in &response.content {
                if is_json_media_type(mt) {
                    json.push((mt, m));
                } else if !is_bodiless_status(status) {
                    other.push(mt);
                }
            }
            successes.push(SuccessStatus {
                status,
                at: rat,
                json: newest_first(json),
                other,
            });
        }
        let error_type = {
            let mut bodies: Vec<&TypeRef> = errors.iter().filter_map(|c| c.body.as_ref()).collect();
            bodies.sort();
            bodies.dedup();
            match bodies.as_slice() {
                [] => None,
                [one] => Some((*one).clone()),
                several => Some(self.error_union(
                    several,
                    &format!("{pointer}/responses"),
                    &format!("{struct_name}ErrorBody"),
                )),
            }
        };
        let mut error_media: Vec<String> = Vec::new();
        for c in &errors {
            if let Some(m) = &c.media_type {
                if !error_media.contains(m) {
                    error_media.push(m.clone());
                }
            }
        }
        let body = op.request_body.as_ref().and_then(|r| {
            let at = format!("{pointer}/requestBody");
            match resolve::component(self.spec, r, &at) {
                Ok((body, bat)) => {
                    let (json, other): (Vec<_>, Vec<_>) = body
                        .content
                        .iter()
                        .partition(|(m, _)| is_json_media_type(m));
                    Some(BodyContent {
                        body,
                        at: bat,
                        json: newest_first(json),
                        other: other.into_iter().map(|(m, _)| m).collect(),
                    })
                }
                Err(d) => {
                    self.diags.push(d);
                    None
                }
            }
        });
        let reprs = self.representations(&successes, body.as_ref(), pointer, struct_name);
        Responses {
            errors,
            error_type,
            error_media,
            reprs,
        }
    }

    /// The cases of one error status: each JSON media type decodes its
    /// schema (any JSON without one); other media types keep the bytes.
    fn error_cases(
        &mut self,
        status: Status,
        response: &'a openapiv3::Response,
        rat: &str,
        struct_name: &str,
        errors: &mut Vec<ResponseCase>,
    ) {
        let hint = format!("{struct_name}ErrorBody");
        let mut media: Vec<(&String, &MediaType)> = response.content.iter().collect();
        media.sort_by(|a, b| a.0.cmp(b.0));
        if media.is_empty() {
            errors.push(ResponseCase {
                status,
                media_type: None,
                body: None,
            });
        }
        for (mt, m) in media {
            let mat = format!("{rat}/content/{}", pointer_token(mt));
            let body = if !is_json_media_type(mt) {
                None
            } else {
                match &m.schema {
                    Some(schema) => Some(self.schema_ref(
                        schema,
                        &format!("{mat}/schema"),
                        &hint,
                        Direction::Response,
                    )),
                    None => {
                        self.warn(
                            Code::Quirk,
                            &mat,
                            format!("`{mt}` has no schema; its body decodes as any JSON"),
                        );
                        Some(TypeRef::Json)
                    }
                }
            };
            if let Some(ty) = &body {
                self.media_examples(m, &mat, ty);
            }
            errors.push(ResponseCase {
                status,
                media_type: Some(mt.clone()),
                body,
            });
        }
    }

    /// The representations: JSON versions grouped by the schemas they
    /// carry (the group of the newest is the default), then one per
    /// non-JSON media type family; bytes only when there is no JSON at all.
    fn representations(
        &mut self,
        successes: &[SuccessStatus<'a>],
        body: Option<&BodyContent<'a>>,
        pointer: &str,
        struct_name: &str,
    ) -> Vec<Repr> {
        let mut versions: Vec<&String> = successes
            .iter()
            .flat_map(|s| s.json.iter().map(|(m, _)| *m))
            .chain(body.iter().flat_map(|b| b.json.iter().map(|(m, _)| *m)))
            .collect();
        versions.sort_by(|a, b| b.cmp(a));
        versions.dedup();
        let mut others: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for s in successes {
            for m in &s.other {
                let family = others.entry(media_word(m)).or_default();
                if !family.contains(m) {
                    family.push(m);
                }
            }
        }
        let default_body = body.map(|b| self.request_body(b, None, struct_name, ""));
        if versions.is_empty() && !others.is_empty() {
            // Nothing but bytes: one representation speaking all of them.
            let mut media: Vec<&String> = others.into_values().flatten().collect();
            media.sort_by(|a, b| b.cmp(a));
            return vec![bytes_repr(None, &media, successes, default_body.flatten())];
        }
        // Versions carrying the same schemas (request and every status) are
        // one representation; the caller can pin any of them.
        let signature = |v: &String| -> Vec<Option<String>> {
            let pick = |json: &[(&String, &MediaType)]| {
                json.iter()
                    .find(|(m, _)| *m == v)
                    .or(json.first())
                    .and_then(|(_, m)| schema_key(m))
            };
            let mut sig = vec![body.and_then(|b| pick(&b.json))];
            sig.extend(successes.iter().map(|s| {
                if is_bodiless_status(s.status) {
                    None
                } else {
                    pick(&s.json)
                }
            }));
            sig
        };
        let mut groups: Vec<(Vec<Option<String>>, Vec<&String>)> = Vec::new();
        for v in &versions {
            let sig = signature(v);
            match groups.iter_mut().find(|(s, _)| *s == sig) {
                Some((_, members)) => members.push(v),
                None => groups.push((sig, vec![v])),
            }
        }
        if groups.is_empty() {
            groups.push((Vec::new(), Vec::new()));
        }
        let mut reprs = Vec::new();
        for (i, (_, members)) in groups.iter().enumerate() {
            let alt = (i > 0).then(|| {
                let word = version_word(members[0]);
                Alt {
                    struct_suffix: type_name(&word),
                    fn_suffix: word,
                    media_type: members[0].clone(),
                }
            });
            let body = match (&alt, body) {
                (None, _) | (_, None) => default_body.clone().flatten(),
                (Some(a), Some(b)) => {
                    self.request_body(b, Some(members), struct_name, &a.struct_suffix)
                }
            };
            let repr = self.json_repr(alt, members, successes, body, pointer, struct_name);
            reprs.push(repr);
        }
        for (word, media) in others {
            let mut media = media;
            media.sort_by(|a, b| b.cmp(a));
            let alt = Alt {
                fn_suffix: format!("as_{word}"),
                struct_suffix: format!("As{}", type_name(&word)),
                media_type: media[0].clone(),
            };
            reprs.push(bytes_repr(
                Some(alt),
                &media,
                successes,
                default_body.clone().flatten(),
            ));
        }
        reprs
    }

    /// A JSON representation: each status decodes the schema of the group's
    /// media type (or its newest, if it has not that one).
    fn json_repr(
        &mut self,
        alt: Option<Alt>,
        members: &[&String],
        successes: &[SuccessStatus<'a>],
        body: Option<RequestBody>,
        pointer: &str,
        struct_name: &str,
    ) -> Repr {
        let suffix = alt
            .as_ref()
            .map(|a| a.struct_suffix.clone())
            .unwrap_or_default();
        let hint = format!("{struct_name}{suffix}Response");
        let mut shapes: Vec<(Status, Shape, Option<String>)> = Vec::new();
        let mut versions: Vec<String> = Vec::new();
        for s in successes {
            let chosen = members
                .iter()
                .find_map(|v| s.json.iter().find(|(m, _)| m == v))
                .or(s.json.first());
            let Some((mt, m)) = chosen else {
                if let Some(other) = s.other.first() {
                    self.warn(
                        Code::Quirk,
                        &s.at,
                        format!("this status offers only `{other}`: the typed operation ignores its body; the `as_{}` operation returns it", media_word(other)),
                    );
                }
                shapes.push((s.status, Shape::NoContent, None));
                continue;
            };
            for v in members {
                if s.json.iter().any(|(m, _)| m == v) && !versions.contains(*v) {
                    versions.push((*v).clone());
                }
            }
            let mat = format!("{}/content/{}", s.at, pointer_token(mt));
            if is_bodiless_status(s.status) {
                for (other, _) in &s.json {
                    if other == mt || members.contains(other) {
                        shapes.push((s.status, Shape::NoContent, Some((*other).clone())));
                    }
                }
                continue;
            }
            let shape = match &m.schema {
                Some(schema) => {
                    let ty = self.schema_ref(
                        schema,
                        &format!("{mat}/schema"),
                        &hint,
                        Direction::Response,
                    );
                    for (other, om) in &s.json {
                        if members.contains(other) && schema_key(om) == schema_key(m) {
                            let at = format!("{}/content/{}", s.at, pointer_token(other));
                            self.media_examples(om, &at, &ty);
                        }
                    }
                    Shape::Json(ty)
                }
                None => {
                    self.warn(
                        Code::Quirk,
                        &mat,
                        format!("`{mt}` has no schema; its body decodes as any JSON"),
                    );
                    Shape::AnyJson
                }
            };
            // Every media type of the group at this status is a case (the
            // chosen one first), so each is documented and compared.
            let others: Vec<String> = s
                .json
                .iter()
                .filter(|(other, om)| {
                    other != mt && members.contains(other) && schema_key(om) == schema_key(m)
                })
                .map(|(other, _)| (*other).clone())
                .collect();
            shapes.push((s.status, shape.clone(), Some((*mt).clone())));
            shapes.extend(
                others
                    .into_iter()
                    .map(|o| (s.status, shape.clone(), Some(o))),
            );
        }
        versions.sort_by(|a, b| b.cmp(a));
        let (success, success_type, success_optional, success_arms) =
            self.success_of(shapes, &format!("{pointer}/responses"));
        Repr {
            alt,
            versions,
            body,
            success,
            success_type,
            success_optional,
            success_arms,
        }
    }

    /// The success type of a representation and each status's decoding: one
    /// body type, made optional when some status has no body.
    fn success_of(
        &mut self,
        shapes: Vec<(Status, Shape, Option<String>)>,
        pointer: &str,
    ) -> Success {
        let mut bodies: Vec<&TypeRef> = shapes
            .iter()
            .filter_map(|(_, s, _)| match s {
                Shape::Json(t) => Some(t),
                _ => None,
            })
            .collect();
        bodies.sort();
        bodies.dedup();
        let any_json = shapes.iter().any(|(_, s, _)| *s == Shape::AnyJson);
        let no_content = shapes.iter().any(|(_, s, _)| *s == Shape::NoContent);
        let (success_type, optional) = match bodies.as_slice() {
            [] if any_json => (Some(TypeRef::Json), true),
            [] => (None, false),
            [one] => (Some((*one).clone()), any_json || no_content),
            _ => (
                Some(self.degrade("several success body types", pointer)),
                any_json || no_content,
            ),
        };
        let mut arms = Vec::new();
        let mut seen = BTreeSet::new();
        let mut cases = Vec::new();
        for (status, shape, media_type) in shapes {
            let body = match &shape {
                Shape::Json(_) | Shape::AnyJson => success_type.clone(),
                Shape::NoContent => None,
            };
            cases.push(ResponseCase {
                status,
                media_type,
                body,
            });
            if !seen.insert(status) {
                continue;
            }
            let decode = match shape {
                Shape::NoContent if success_type.is_none() => Decode::SuccessEmpty,
                Shape::NoContent => Decode::SuccessNone,
                Shape::Json(_) if optional => Decode::SuccessSome,
                Shape::Json(_) => Decode::SuccessJson,
                Shape::AnyJson => Decode::SuccessJsonOrEmpty,
            };
            arms.push((status, decode));
        }
        (cases, success_type, optional, arms)
    }

    /// The request body of a representation: its JSON schema for the
    /// group's newest version (or the body's newest), pinnable in every
    /// member that shares it; bytes when the body is not JSON.
    fn request_body(
        &mut self,
        b: &BodyContent<'a>,
        members: Option<&[&String]>,
        struct_name: &str,
        suffix: &str,
    ) -> Option<RequestBody> {
        let doc = Doc {
            summary: None,
            description: b.body.description.clone(),
            notes: Vec::new(),
        };
        let chosen = members
            .and_then(|ms| ms.iter().find_map(|v| b.json.iter().find(|(m, _)| m == v)))
            .or(b.json.first());
        let Some((mt, m)) = chosen else {
            let mt = b.other.iter().max()?;
            return Some(RequestBody {
                ty: TypeRef::Bytes,
                required: b.body.required,
                media_types: vec![(*mt).clone()],
                doc,
            });
        };
        let mat = format!("{}/content/{}", b.at, pointer_token(mt));
        let ty = match &m.schema {
            Some(schema) => self.schema_ref(
                schema,
                &format!("{mat}/schema"),
                &format!("{struct_name}{suffix}Body"),
                Direction::Request,
            ),
            None => {
                self.warn(
                    Code::Quirk,
                    &mat,
                    format!("`{mt}` has no schema; any JSON is sent"),
                );
                TypeRef::Json
            }
        };
        // Other versions are offered where they carry the same schema.
        let key = schema_key(m);
        let media_types = b
            .json
            .iter()
            .filter(|(other, om)| {
                *other == *mt
                    || (schema_key(om) == key && members.is_none_or(|ms| ms.contains(other)))
            })
            .map(|(other, _)| (*other).clone())
            .collect();
        Some(RequestBody {
            ty,
            required: b.body.required,
            media_types,
            doc,
        })
    }

    /// The examples a media type gives, to check against `ty`.
    fn media_examples(&mut self, m: &MediaType, mat: &str, ty: &TypeRef) {
        if ty == &TypeRef::Bytes {
            return;
        }
        if let Some(example) = &m.example {
            self.examples.push(Example {
                pointer: format!("{mat}/example"),
                ty: ty.clone(),
                value: example.clone(),
                issue: None,
            });
        }
        for (name, e) in &m.examples {
            if let ReferenceOr::Item(e) = e {
                if let Some(value) = &e.value {
                    self.examples.push(Example {
                        pointer: format!("{mat}/examples/{}", pointer_token(name)),
                        ty: ty.clone(),
                        value: value.clone(),
                        issue: None,
                    });
                }
            }
        }
    }
}

/// A representation whose successes are the bytes as sent.
fn bytes_repr(
    alt: Option<Alt>,
    media: &[&String],
    successes: &[SuccessStatus<'_>],
    body: Option<RequestBody>,
) -> Repr {
    let mut success = Vec::new();
    let mut arms = Vec::new();
    for s in successes {
        let media_type = s
            .other
            .iter()
            .find(|m| media.contains(m))
            .map(|m| (*m).clone());
        success.push(ResponseCase {
            status: s.status,
            media_type,
            body: Some(TypeRef::Bytes),
        });
        if !arms.iter().any(|(st, _)| *st == s.status) {
            arms.push((s.status, Decode::SuccessBytes));
        }
    }
    Repr {
        alt,
        versions: media.iter().map(|m| (*m).clone()).collect(),
        body,
        success,
        success_type: Some(TypeRef::Bytes),
        success_optional: false,
        success_arms: arms,
    }
}

/// The word a dated or vendor version is named by: `v2023_01_01` for
/// `application/vnd.atlas.2023-01-01+json`.
fn version_word(media_type: &str) -> String {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    let bytes = essence.as_bytes();
    for i in 0..bytes.len().saturating_sub(9) {
        let d = &essence[i..i + 10];
        let shape = d.char_indices().all(|(j, c)| {
            if j == 4 || j == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
        if shape {
            return format!("v{}", d.replace('-', "_"));
        }
    }
    let subtype = essence.rsplit('/').next().unwrap_or(essence);
    let subtype = subtype.strip_suffix("+json").unwrap_or(subtype);
    let subtype = subtype.strip_prefix("vnd.").unwrap_or(subtype);
    value_name(subtype)
}

/// The word a non-JSON media type is named by: its structured suffix
/// (`+csv`) or subtype, without `x-`: `csv`, `octet_stream`, `msgpack`.
fn media_word(media_type: &str) -> String {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    let subtype = essence.rsplit('/').next().unwrap_or(essence);
    let word = subtype.rsplit('+').next().unwrap_or(subtype);
    let word = word.strip_prefix("x-").unwrap_or(word);
    value_name(word)
}

/// The status dispatch of an operation: documented successes decode the
/// body, documented errors the error body, anything else keeps status and
/// bytes. Neighbouring statuses handled alike share one arm (less code to
/// compile in an API with hundreds of operations); only neighbours, so a
/// range (`4XX`) never moves before a status it must not shadow.
pub(super) fn response_arms(
    success: Vec<(Status, Decode)>,
    errors: &[ResponseCase],
    error_type: Option<&TypeRef>,
    types: &[TypeDef],
) -> (Vec<ResponseArm>, Decode) {
    let mut arms = success;
    let mut error_statuses: Vec<Status> = errors.iter().map(|c| c.status).collect();
    error_statuses.sort();
    error_statuses.dedup();
    // Error bodies that differ by status form a union; each status decodes
    // its own variant.
    let error_union: Option<(&str, &Union)> = match error_type {
        Some(TypeRef::Model(n)) => {
            types
                .iter()
                .find(|t| &t.name == n)
                .and_then(|t| match &t.kind {
                    TypeKind::Union(u)
                        if errors
                            .iter()
                            .filter_map(|c| c.body.as_ref())
                            .any(|b| u.variants.iter().any(|v| &v.ty == b)) =>
                    {
                        Some((t.name.as_str(), u))
                    }
                    _ => None,
                })
        }
        _ => None,
    };
    let mut default_arm = Decode::Unexpected;
    for s in error_statuses {
        let has_body = errors.iter().any(|c| c.status == s && c.body.is_some());
        let variant = error_union.and_then(|(name, u)| {
            let body = errors
                .iter()
                .find(|c| c.status == s)
                .and_then(|c| c.body.as_ref())?;
            u.variants.iter().find(|v| &v.ty == body).map(|v| (name, v))
        });
        let decode = if let Some((union, v)) = variant {
            Decode::ErrorVariant {
                union: union.to_owned(),
                variant: v.name.clone(),
                ty: v.ty.clone(),
            }
        } else if error_type.is_some() && has_body {
            Decode::ErrorBody
        } else if error_type.is_none() {
            Decode::ErrorNoBody
        } else {
            // Documented without a body (or with one that is not JSON):
            // an error of its own, never an undocumented status.
            Decode::ErrorStatus
        };
        if s == Status::Default {
            default_arm = decode;
        } else {
            arms.push((s, decode));
        }
    }
    let mut grouped: Vec<ResponseArm> = Vec::new();
    for (status, decode) in arms {
        match grouped.last_mut() {
            Some(last) if last.decode == decode => last.statuses.push(status),
            _ => grouped.push(ResponseArm {
                statuses: vec![status],
                decode,
            }),
        }
    }
    (grouped, default_arm)
}

/// Media types whose bodies are JSON.
pub fn is_json_media_type(m: &str) -> bool {
    let essence = m
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence == "text/json"
        || essence.ends_with("+json")
        || essence == "*/*"
}
