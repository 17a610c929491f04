//! Operations: names, parameters, path segments and request bodies.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn operation(
        &mut self,
        sel: &Selected<'a>,
        fn_scope: &mut Scope,
        seen_ids: &mut BTreeMap<String, String>,
    ) -> Option<Operation> {
        let op = sel.operation;
        let pointer = sel.pointer();
        let operation_id = match &op.operation_id {
            Some(id) => id.clone(),
            None => {
                let derived = format!("{} {}", sel.method, sel.path);
                self.warn(
                    Code::Quirk,
                    &pointer,
                    format!("operation has no operationId; named from `{derived}`"),
                );
                derived
            }
        };
        if let Some(first) = seen_ids.insert(operation_id.clone(), pointer.clone()) {
            self.error(
                Code::Naming,
                &format!("{pointer}/operationId"),
                format!("duplicate operationId `{operation_id}`, also used at {first}"),
            );
            return None;
        }
        let pinned = op
            .extensions
            .get(RUST_NAME)
            .and_then(|v| v.as_str())
            .map(value_name);
        let fn_name = fn_scope.claim(
            &pinned.unwrap_or_else(|| self.pinned_or(&pointer, || value_name(&operation_id))),
            &operation_id,
        );
        // A model keeps its schema's name; an operation named like one
        // (`addUserToTeam` beside the schema `AddUserToTeam`) takes `...Request`.
        let base = type_name(&fn_name);
        let candidates = [base.clone(), format!("{base}Request")];
        let wanted = candidates
            .iter()
            .find(|c| !self.component_names.contains(*c) && !self.type_scope.is_taken(c))
            .unwrap_or(&candidates[0])
            .clone();
        let struct_name = self.type_scope.claim(&wanted, &operation_id);
        self.owners.push(struct_name.clone());
        self.graph
            .entry(struct_name.clone())
            .or_default()
            .is_operation = true;

        // Path-item parameters first; the operation's own override by (name, in).
        let mut raw_params: IndexMap<(String, String), (&Parameter, String)> = IndexMap::new();
        let item_ptr = format!("#/paths/{}/parameters", pointer_token(sel.path));
        for (i, p) in sel.path_params.iter().enumerate() {
            match resolve::component(self.spec, p, &format!("{item_ptr}/{i}")) {
                Ok((param, at)) => {
                    let d = param.parameter_data_ref();
                    raw_params.insert(
                        (d.name.clone(), location_name(param).to_owned()),
                        (param, at),
                    );
                }
                Err(d) => self.diags.push(d),
            }
        }
        for (i, p) in op.parameters.iter().enumerate() {
            match resolve::component(self.spec, p, &format!("{pointer}/parameters/{i}")) {
                Ok((param, at)) => {
                    let d = param.parameter_data_ref();
                    raw_params.insert(
                        (d.name.clone(), location_name(param).to_owned()),
                        (param, at),
                    );
                }
                Err(d) => self.diags.push(d),
            }
        }
        let mut param_scope = Scope::new();
        for reserved in [
            "new",
            "to_request",
            "parse_response",
            "path",
            "query",
            "body",
            "media_type",
        ] {
            param_scope.reserve(reserved);
        }
        let mut params = Vec::new();
        for (param, at) in raw_params.values() {
            if let Some(p) = self.param(param, at, &struct_name, &mut param_scope) {
                params.push(p);
            }
        }
        // Path parameters in template order, then required, then optional.
        let segments = self.segments(sel.path, &pointer, &params);
        params.sort_by_key(|p| (p.location, !p.required));
        let segments = segments.map(|segs| {
            segs.into_iter()
                .map(|s| match s {
                    (None, lit) => Segment::Literal(lit),
                    (Some(wire), _) => Segment::Param(
                        params
                            .iter()
                            .position(|p| p.wire == wire && p.location == ParamLocation::Path)
                            .unwrap_or(0),
                    ),
                })
                .collect()
        });

        let body = match &op.request_body {
            Some(b) => self.request_body(b, &format!("{pointer}/requestBody"), &struct_name),
            None => None,
        };

        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut cases: Vec<(Status, &openapiv3::ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
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
        for (status, r, at) in cases {
            let (response, rat) = match resolve::component(self.spec, r, &at) {
                Ok(x) => x,
                Err(d) => {
                    self.diags.push(d);
                    continue;
                }
            };
            let is_success = matches!(status, Status::Code(200..=299) | Status::Range(2));
            let hint = if is_success {
                format!("{struct_name}Response")
            } else {
                format!("{struct_name}ErrorBody")
            };
            let mut media: Vec<(&String, &openapiv3::MediaType)> =
                response.content.iter().collect();
            media.sort_by(|a, b| a.0.cmp(b.0));
            if media.is_empty() {
                let case = ResponseCase {
                    status,
                    media_type: None,
                    body: None,
                };
                if is_success {
                    success.push(case)
                } else {
                    errors.push(case)
                }
            }
            for (mt, m) in media {
                let mat = format!("{rat}/content/{}", pointer_token(mt));
                let body = if !is_json_media_type(mt) {
                    // csv, gzip, octet-stream: the bytes as sent.
                    if is_success {
                        Some(TypeRef::Bytes)
                    } else {
                        None
                    }
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
                                format!("`{mt}` has no schema; its body is not decoded"),
                            );
                            None
                        }
                    }
                };
                if let (Some(ty), Some(example)) = (&body, &m.example) {
                    if ty != &TypeRef::Bytes {
                        self.examples.push(Example {
                            pointer: format!("{mat}/example"),
                            ty: ty.clone(),
                            value: example.clone(),
                            issue: None,
                        });
                    }
                }
                for (name, e) in &m.examples {
                    if let (Some(ty), ReferenceOr::Item(e)) = (&body, e) {
                        if let (Some(value), true) = (&e.value, ty != &TypeRef::Bytes) {
                            self.examples.push(Example {
                                pointer: format!("{mat}/examples/{}", pointer_token(name)),
                                ty: ty.clone(),
                                value: value.clone(),
                                issue: None,
                            });
                        }
                    }
                }
                let case = ResponseCase {
                    status,
                    media_type: Some(mt.clone()),
                    body,
                };
                if is_success {
                    success.push(case)
                } else {
                    errors.push(case)
                }
            }
        }
        // Several dated versions of the success body: the newest is the
        // default (its type is the success type); the others can be pinned.
        let mut versions: Vec<String> = success
            .iter()
            .filter_map(|c| c.media_type.clone())
            .collect();
        versions.sort();
        versions.dedup();
        versions.reverse();
        let newest = versions.first().cloned();
        let newest_cases: Vec<ResponseCase> = success
            .iter()
            .filter(|c| c.media_type == newest)
            .cloned()
            .collect();
        let success_type = self.single_body(
            &newest_cases,
            &format!("{pointer}/responses"),
            "several success body types",
        );
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
        let mut accept: Vec<String> = newest.into_iter().collect();
        for m in &error_media {
            if !accept.contains(m) {
                accept.push(m.clone());
            }
        }
        self.owners.pop();
        let segments = segments?;
        let (arms, default_arm) = response_arms(
            &success,
            success_type.as_ref(),
            &errors,
            error_type.as_ref(),
            &self.types,
        );
        Some(Operation {
            operation_id,
            fn_name,
            struct_name,
            method: sel.method.to_uppercase(),
            path: sel.path.to_owned(),
            segments,
            params,
            doc: Doc {
                summary: op.summary.clone(),
                description: op.description.clone(),
                notes: Vec::new(),
            },
            deprecated: op.deprecated,
            tags: op.tags.clone(),
            accept: accept.join(", "),
            error_accept: error_media.join(", "),
            versions,
            body,
            success,
            success_type,
            errors,
            error_type,
            paging: None,
            envelope: None,
            arms,
            default_arm,
            features: Vec::new(),
        })
    }

    /// A request body: the newest JSON media type decides the type; other
    /// dated versions that share its schema can be pinned by the caller.
    pub(super) fn request_body(
        &mut self,
        r: &'a ReferenceOr<openapiv3::RequestBody>,
        at: &str,
        struct_name: &str,
    ) -> Option<RequestBody> {
        let (body, bat) = match resolve::component(self.spec, r, at) {
            Ok(x) => x,
            Err(d) => {
                self.diags.push(d);
                return None;
            }
        };
        let mut media: Vec<(&String, &openapiv3::MediaType)> = body.content.iter().collect();
        media.sort_by(|a, b| b.0.cmp(a.0));
        let json: Vec<&(&String, &openapiv3::MediaType)> = media
            .iter()
            .filter(|(m, _)| is_json_media_type(m))
            .collect();
        let hint = format!("{struct_name}Body");
        if let Some((newest, m)) = json.first() {
            let mat = format!("{bat}/content/{}", pointer_token(newest));
            let ty = match &m.schema {
                Some(schema) => {
                    self.schema_ref(schema, &format!("{mat}/schema"), &hint, Direction::Request)
                }
                None => {
                    self.warn(
                        Code::Quirk,
                        &mat,
                        format!("`{newest}` has no schema; any JSON is sent"),
                    );
                    TypeRef::Json
                }
            };
            // Older versions are offered only where they share the schema.
            let mut media_types = vec![(*newest).clone()];
            for (other, om) in json.iter().skip(1) {
                let same = match (&om.schema, &m.schema) {
                    (
                        Some(ReferenceOr::Reference { reference: a }),
                        Some(ReferenceOr::Reference { reference: b }),
                    ) => a == b,
                    _ => false,
                };
                if same {
                    media_types.push((*other).clone());
                }
            }
            return Some(RequestBody {
                ty,
                required: body.required,
                media_types,
                doc: Doc {
                    summary: None,
                    description: body.description.clone(),
                    notes: Vec::new(),
                },
            });
        }
        let (mt, _) = media.first()?;
        Some(RequestBody {
            ty: TypeRef::Bytes,
            required: body.required,
            media_types: vec![(*mt).clone()],
            doc: Doc {
                summary: None,
                description: body.description.clone(),
                notes: Vec::new(),
            },
        })
    }

    /// Splits a path template into literal text (slashes included) and
    /// parameter names: `/groups/{groupId}:migrate` is `/groups/`,
    /// `groupId`, `:migrate`.
    pub(super) fn segments(
        &mut self,
        path: &str,
        pointer: &str,
        params: &[Param],
    ) -> Option<Vec<(Option<String>, String)>> {
        let mut out = Vec::new();
        let mut ok = true;
        let mut rest = path;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(open) => {
                    if open > 0 {
                        out.push((None, rest[..open].to_owned()));
                    }
                    let Some(close) = rest[open..].find('}') else {
                        self.error(
                            Code::Shape,
                            pointer,
                            format!("unclosed `{{` in the path template `{path}`"),
                        );
                        return None;
                    };
                    let name = &rest[open + 1..open + close];
                    if params
                        .iter()
                        .any(|p| p.wire == name && p.location == ParamLocation::Path)
                    {
                        out.push((Some(name.to_owned()), String::new()));
                    } else {
                        self.error(Code::Shape, pointer, format!("the path has `{{{name}}}` but the operation declares no path parameter `{name}`"));
                        ok = false;
                    }
                    rest = &rest[open + close + 1..];
                }
                None => {
                    out.push((None, rest.to_owned()));
                    rest = "";
                }
            }
        }
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !out
                .iter()
                .any(|(w, _)| w.as_deref() == Some(p.wire.as_str()))
            {
                self.error(
                    Code::Shape,
                    pointer,
                    format!(
                        "path parameter `{}` does not appear in the path template",
                        p.wire
                    ),
                );
                ok = false;
            }
        }
        ok.then_some(out)
    }

    pub(super) fn param(
        &mut self,
        param: &'a Parameter,
        at: &str,
        op_struct: &str,
        scope: &mut Scope,
    ) -> Option<Param> {
        let data = param.parameter_data_ref();
        let location = match param {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => {
                self.degrade("cookie parameter", at);
                return None;
            }
        };
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let role_key = format!("role:param.{}", data.name);
                let role = self
                    .names
                    .get(&role_key)
                    .cloned()
                    .unwrap_or_else(|| type_name(&data.name));
                self.schema_ref_with_role(
                    s,
                    &format!("{at}/schema"),
                    &format!("{op_struct}{}", type_name(&data.name)),
                    Direction::Request,
                    Some(role),
                )
            }
            ParameterSchemaOrContent::Content(_) => self.degrade("parameter with content", at),
        };
        let mut doc = Doc {
            summary: None,
            description: data.description.clone(),
            notes: Vec::new(),
        };
        if let ParameterSchemaOrContent::Schema(s) = &data.format {
            if let Ok((schema, _)) = resolve::schema(self.spec, s, at) {
                doc.notes = notes(schema);
            }
        }
        let name = scope.claim(&value_name(&data.name), &data.name);
        Some(Param {
            wire: data.name.clone(),
            name,
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            doc,
            deprecated: data.deprecated.unwrap_or(false),
        })
    }
}

pub(super) fn location_name(p: &Parameter) -> &'static str {
    match p {
        Parameter::Path { .. } => "path",
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    }
}
