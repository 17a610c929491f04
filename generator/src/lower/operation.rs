//! Operations: names, parameters, path segments and request bodies.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn operation(
        &mut self,
        sel: &Selected<'a>,
        fn_scope: &mut Scope,
        seen_ids: &mut BTreeMap<String, String>,
    ) -> Vec<Operation> {
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
            return Vec::new();
        }
        // The spec's own pin is a name to make into Rust; a `[names]` pin is one already.
        let extension = extensions::rust_name(&op.extensions);
        let table = self.names.get(&pointer);
        let fn_name = fn_scope.claim(
            &extension
                .map(value_name)
                .or_else(|| table.cloned())
                .unwrap_or_else(|| value_name(&operation_id)),
            &operation_id,
        );
        let pinned = extension.or(table.map(String::as_str)).map(str::to_owned);
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

        let (params, segments) = self.parameters(sel, &pointer, &struct_name);
        let responses = self.responses(sel, &pointer, &struct_name);
        self.owners.pop();
        let Some(segments) = segments else {
            return Vec::new();
        };
        let doc = Doc {
            summary: op.summary.clone(),
            description: op.description.clone(),
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        for repr in responses.reprs {
            let (fn_name, struct_name, representation) = match &repr.alt {
                None => (fn_name.clone(), struct_name.clone(), None),
                Some(alt) => {
                    let f = fn_scope.claim(&format!("{fn_name}_{}", alt.fn_suffix), &operation_id);
                    let s = self.type_scope.claim(
                        &format!("{struct_name}{}", alt.struct_suffix),
                        &operation_id,
                    );
                    let of = Representation {
                        of: struct_name.clone(),
                        media_type: alt.media_type.clone(),
                        json: is_json_media_type(&alt.media_type),
                    };
                    (f, s, Some(of))
                }
            };
            let (arms, default_arm) = response_arms(
                repr.success_arms,
                &responses.errors,
                responses.error_type.as_ref(),
                &self.types,
            );
            let mut accept: Vec<String> = repr.versions.first().cloned().into_iter().collect();
            for m in &responses.error_media {
                if !accept.contains(m) {
                    accept.push(m.clone());
                }
            }
            // Something to choose: several versions of the answer or of the
            // body (one of each is no choice, however they differ).
            let body_types = repr.body.as_ref().map(|b| b.media_types.len()).unwrap_or(0);
            let mut pinnable = Vec::new();
            if repr.versions.len() > 1 || body_types > 1 {
                pinnable = repr.versions.clone();
                for m in repr.body.iter().flat_map(|b| &b.media_types) {
                    if !pinnable.contains(m) {
                        pinnable.push(m.clone());
                    }
                }
            }
            out.push(Operation {
                operation_id: operation_id.clone(),
                pinned_name: pinned.clone(),
                fn_name,
                // Claimed once every operation has its own name.
                with_response_fn: String::new(),
                struct_name,
                method: sel.method.to_uppercase(),
                path: sel.path.to_owned(),
                segments: segments.clone(),
                params: params.clone(),
                doc: doc.clone(),
                deprecated: op.deprecated,
                tags: op.tags.clone(),
                accept: accept.join(", "),
                error_accept: responses.error_media.join(", "),
                versions: repr.versions,
                pinnable: if pinnable.len() > 1 {
                    pinnable
                } else {
                    Vec::new()
                },
                representation,
                body: repr.body,
                success: repr.success,
                success_type: repr.success_type,
                success_optional: repr.success_optional,
                errors: responses.errors.clone(),
                error_type: responses.error_type.clone(),
                paging: None,
                envelope: None,
                arms,
                default_arm,
                features: Vec::new(),
                mock: None,
            });
        }
        out
    }

    /// The operation's parameters (path-item ones first, the operation's
    /// own overriding them by name and location), in the order the request
    /// value holds them: path parameters in template order, then required,
    /// then optional; and its path's segments (`None` when the template
    /// does not match the parameters: reported).
    fn parameters(
        &mut self,
        sel: &Selected<'a>,
        pointer: &str,
        struct_name: &str,
    ) -> (Vec<Param>, Option<Vec<Segment>>) {
        let op = sel.operation;
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
        // The mock builder's own members too: its setters are named like the parameters.
        for reserved in crate::naming::reserved::REQUEST_MEMBERS
            .iter()
            .chain(crate::naming::reserved::MOCK_MEMBERS)
        {
            param_scope.reserve(reserved);
        }
        let mut params = Vec::new();
        for (param, at) in raw_params.values() {
            if let Some(p) = self.param(param, at, struct_name, &mut param_scope) {
                params.push(p);
            }
        }
        // Path parameters in template order, then required, then optional.
        let segments = self.segments(sel.path, pointer, &params);
        params.sort_by_key(|p| (p.location, !p.required));
        let segments: Option<Vec<Segment>> = segments.map(|segs| {
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

        (params, segments)
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
