//! Schemas: types, fields, enums and validated strings, lowered on demand
//! and memoised by (pointer, direction).

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn schema_ref(
        &mut self,
        r: &'a ReferenceOr<Schema>,
        at: &str,
        hint: &str,
        dir: Direction,
    ) -> TypeRef {
        self.schema_ref_with_role(r, at, hint, dir, None)
    }

    pub(super) fn schema_ref_with_role(
        &mut self,
        r: &'a ReferenceOr<Schema>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        match resolve::schema(self.spec, r, at) {
            Ok((schema, target)) => self.schema(schema, target, at, hint, dir, role),
            Err(d) => {
                self.diags.push(d);
                TypeRef::Json
            }
        }
    }

    pub(super) fn boxed_ref(
        &mut self,
        r: &'a ReferenceOr<Box<Schema>>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        match resolve::boxed_schema(self.spec, r, at) {
            Ok((schema, target)) => self.schema(schema, target, at, hint, dir, role),
            Err(d) => {
                self.diags.push(d);
                TypeRef::Json
            }
        }
    }

    /// Lowers a schema. `target` is the component pointer when it was reached
    /// through a `$ref` (named types are memoised by it); `at` is where it is
    /// used or defined inline.
    pub(super) fn schema(
        &mut self,
        schema: &'a Schema,
        target: Option<String>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        // Reached again with no named type started since (an array of
        // itself, an `allOf` alias loop): no Rust type can hold it, and
        // lowering it again would recurse forever.
        let key = target.clone().unwrap_or_else(|| at.to_owned());
        if let Some(first) = self
            .active
            .iter()
            .find(|(k, n)| *k == key && *n == self.in_progress.len())
            .map(|(k, _)| k.clone())
        {
            self.error(Code::Cycle, &first, format!("`{first}` contains itself with no object in between, so no Rust type can hold it"));
            return TypeRef::Json;
        }
        if self.active.len() >= MAX_SCHEMA_DEPTH {
            self.error(
                Code::Shape,
                at,
                format!("schemas nested more than {MAX_SCHEMA_DEPTH} deep"),
            );
            return TypeRef::Json;
        }
        self.sites.insert(at.to_owned());
        self.active.push((key, self.in_progress.len()));
        let ty = self.schema_inner(schema, target.clone(), at, hint, dir, role);
        self.active.pop();
        // The schema's own example should decode into what it became.
        if let Some(example) = &schema.schema_data.example {
            let pointer = format!("{}/example", target.as_deref().unwrap_or(at));
            if dir == Direction::Response && ty != TypeRef::Json {
                self.examples.push(Example {
                    pointer,
                    ty: ty.clone(),
                    value: example.clone(),
                    issue: None,
                });
            }
        }
        ty
    }

    pub(super) fn schema_inner(
        &mut self,
        schema: &'a Schema,
        target: Option<String>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        let pointer = target.clone().unwrap_or_else(|| at.to_owned());
        // `x-rust-name` in the spec pins a name as the config does.
        let mut extension_name =
            extensions::rust_name(&schema.schema_data.extensions).map(str::to_owned);
        if let Some(bad) = extension_name.take_if(|n| !is_identifier(n)) {
            let loc = self.spec.locate(&format!("{pointer}/{RUST_NAME}"));
            self.diags
                .push(bad_pin(loc, &format!("`{RUST_NAME}`"), &bad));
        }
        // The schema's own name (pinned by `x-rust-name` or the config, or
        // its component's) is shared by both directions, so its request twin
        // takes `Request`; a name derived from an owner's (`{Owner}{Field}`)
        // already carries the owner's suffix.
        let own_name = match (&extension_name, &target) {
            (Some(pinned), _) => Some(pinned.clone()),
            (None, Some(t)) => {
                let comp = t
                    .rsplit('/')
                    .next()
                    .map(crate::position::unescape_pointer_token)
                    .unwrap_or_default();
                Some(self.pinned_or(t, || type_name(&comp)))
            }
            (None, None) => self.names.get(at).cloned(),
        };
        let name_hint = match own_name {
            Some(base) => self.twin_name(base, dir, &pointer),
            None => hint.to_owned(),
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if !values.is_empty() {
                    return self.named(&pointer, dir, &name_hint, |cx, _| {
                        let variants = cx.variants(&values, &pointer);
                        (
                            doc_of(schema),
                            schema.schema_data.deprecated,
                            TypeKind::Enum(Enum {
                                variants,
                                open: dir == Direction::Response,
                                integer: false,
                            }),
                        )
                    });
                }
                let base = match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                        Some(TypeRef::DateTime)
                    }
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Some(TypeRef::Uuid),
                    _ => None,
                };
                let base = match (&s.pattern, base) {
                    (Some(p), None) => match &extension_name {
                        Some(pinned) => self.validated(p, &pointer, at, Some(pinned.clone()), None),
                        None => self.validated(p, &pointer, at, role, target.as_deref()),
                    },
                    (Some(_), Some(b)) => {
                        self.warn(
                            Code::Quirk,
                            &pointer,
                            "both a format and a pattern; the format decides the type",
                        );
                        Some(b)
                    }
                    (None, b) => b,
                };
                match (base, dir) {
                    (Some(b), Direction::Response) => TypeRef::Checked(Box::new(b)),
                    (Some(b), Direction::Request) => b,
                    (None, _) => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let values: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
                if !values.is_empty() {
                    return self.integer_enum(schema, &pointer, &name_hint, dir, &values);
                }
                match &i.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                    _ => TypeRef::I64,
                }
            }
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item = self.boxed_ref(
                        items,
                        &format!("{at}/items"),
                        &format!("{name_hint}Item"),
                        dir,
                        role,
                    );
                    TypeRef::List(Box::new(item))
                }
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    return match &o.additional_properties {
                        Some(AdditionalProperties::Schema(v)) => {
                            let value = self.schema_ref(
                                v,
                                &format!("{at}/additionalProperties"),
                                &format!("{name_hint}Value"),
                                dir,
                            );
                            TypeRef::Map(Box::new(value))
                        }
                        _ => TypeRef::Json,
                    };
                }
                if o.additional_properties
                    .as_ref()
                    .is_some_and(|a| !matches!(a, AdditionalProperties::Any(false)))
                {
                    self.degrade("additionalProperties beside properties", &pointer);
                }
                self.object(schema, &pointer, &name_hint, dir)
            }
            SchemaKind::OneOf { one_of } => self.union(one_of, schema, &pointer, &name_hint, dir),
            SchemaKind::AllOf { all_of } => self.all_of(all_of, schema, &pointer, &name_hint, dir),
            SchemaKind::AnyOf { any_of } => self.union(any_of, schema, &pointer, &name_hint, dir),
            SchemaKind::Not { .. } => self.degrade("not", &pointer),
            SchemaKind::Any(any) => self.any(any, schema, target, at, &name_hint, dir, role),
        }
    }

    /// openapiv3 parses schemas that fit no single `type` shape as `Any`:
    /// integer bounds written as floats, `enum` on arrays, compositions mixed
    /// with properties, or no `type` at all.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn any(
        &mut self,
        any: &'a AnySchema,
        schema: &'a Schema,
        target: Option<String>,
        at: &str,
        hint: &str,
        dir: Direction,
        role: Option<String>,
    ) -> TypeRef {
        let pointer = target.clone().unwrap_or_else(|| at.to_owned());
        if !any.one_of.is_empty() {
            return self.union(&any.one_of, schema, &pointer, hint, dir);
        }
        if !any.any_of.is_empty() {
            return self.union(&any.any_of, schema, &pointer, hint, dir);
        }
        if !any.all_of.is_empty() {
            return self.all_of(&any.all_of, schema, &pointer, hint, dir);
        }
        if !any.properties.is_empty() && matches!(any.typ.as_deref(), None | Some("object")) {
            return self.object(schema, &pointer, hint, dir);
        }
        match any.typ.as_deref() {
            Some("integer") => {
                if any.minimum.is_some_and(|m| m.fract() != 0.0)
                    || any.maximum.is_some_and(|m| m.fract() != 0.0)
                {
                    self.warn(
                        Code::Quirk,
                        &pointer,
                        "integer bound with a fractional part",
                    );
                } else if any.minimum.is_some() || any.maximum.is_some() {
                    self.warn(
                        Code::Quirk,
                        &pointer,
                        "integer bound written as a float; read as an integer",
                    );
                }
                let values: Vec<i64> = any.enumeration.iter().filter_map(|v| v.as_i64()).collect();
                if !values.is_empty() {
                    return self.integer_enum(schema, &pointer, hint, dir, &values);
                }
                if any.format.as_deref() == Some("int32") {
                    TypeRef::I32
                } else {
                    TypeRef::I64
                }
            }
            Some("number") => {
                if any.format.as_deref() == Some("float") {
                    TypeRef::F32
                } else {
                    TypeRef::F64
                }
            }
            Some("array") => {
                if !any.enumeration.is_empty() {
                    self.warn(
                        Code::Quirk,
                        &pointer,
                        "`enum` on an array schema; its values apply to the items",
                    );
                    if let Some(item) = self.array_enum_items(any, schema, &pointer, hint, dir) {
                        return TypeRef::List(Box::new(item));
                    }
                }
                match &any.items {
                    Some(items) => {
                        let item = self.boxed_ref(
                            items,
                            &format!("{at}/items"),
                            &format!("{hint}Item"),
                            dir,
                            role,
                        );
                        TypeRef::List(Box::new(item))
                    }
                    None => TypeRef::List(Box::new(TypeRef::Json)),
                }
            }
            Some("string") | Some("boolean") | Some("object") | None
                if any.properties.is_empty() && any.enumeration.is_empty() =>
            {
                match any.typ.as_deref() {
                    Some("string") => TypeRef::String,
                    Some("boolean") => TypeRef::Bool,
                    _ => TypeRef::Json,
                }
            }
            _ => self.degrade("schema of mixed shape", &pointer),
        }
    }

    /// Memoises a named type by (pointer, direction). The name is claimed
    /// and recorded before the body is lowered, so a type that reaches
    /// itself finds its own name (and gets a `Box`).
    pub(super) fn named(
        &mut self,
        pointer: &str,
        dir: Direction,
        name_hint: &str,
        build: impl FnOnce(&mut Self, &str) -> (Doc, bool, TypeKind),
    ) -> TypeRef {
        let key = (pointer.to_owned(), dir);
        if let Some(TypeRef::Model(name)) = self.memo.get(&key) {
            let name = name.clone();
            self.uses(&name);
            if self.in_progress.contains(&key) {
                return TypeRef::Boxed(Box::new(TypeRef::Model(name)));
            }
            return TypeRef::Model(name);
        }
        let wanted = name_hint.to_owned();
        let name = self.type_scope.claim(&wanted, pointer);
        self.uses(&name);
        self.memo.insert(key.clone(), TypeRef::Model(name.clone()));
        self.in_progress.insert(key.clone());
        self.owners.push(name.clone());
        self.graph.entry(name.clone()).or_default();
        let (doc, deprecated, kind) = build(self, &name);
        self.owners.pop();
        self.in_progress.remove(&key);
        // An inline schema written out again elsewhere (the same titled enum
        // in many properties) is one type, not `Foo`, `Foo2`, `Foo3`.
        if name != name_hint && !is_component(pointer) {
            if let Some(twin) = self
                .types
                .iter()
                .find(|t| t.name == name_hint && t.kind == kind && !is_component(&t.origin))
            {
                let twin = twin.name.clone();
                self.type_scope.release(&name);
                let node = self.graph.remove(&name).unwrap_or_default();
                self.graph.entry(twin.clone()).or_default();
                if let Some(owner) = self.owners.last().cloned() {
                    let uses = &mut self.graph.entry(owner).or_default().uses;
                    uses.remove(&name);
                    uses.insert(twin.clone());
                }
                let _ = node;
                self.memo.insert(key, TypeRef::Model(twin.clone()));
                return TypeRef::Model(twin);
            }
        }
        // No twin: an inline type that lost its name to a different type
        // takes its component's name in front
        // (`DefaultAlertViewForNdsGroupBillingEventTypes`) rather than a number.
        let mut name = name;
        if name != name_hint
            && !is_component(pointer)
            && !format!("{kind:?}").contains(&format!("Model({name:?})"))
        {
            if let Some(comp) = component_of(pointer) {
                let prefixed = format!("{}{name_hint}", self.component_type_name(&comp));
                if !self.type_scope.is_taken(&prefixed) {
                    self.type_scope.release(&name);
                    let renamed = self.type_scope.claim(&prefixed, pointer);
                    if let Some(node) = self.graph.remove(&name) {
                        self.graph.insert(renamed.clone(), node);
                    }
                    if let Some(owner) = self.owners.last().cloned() {
                        let uses = &mut self.graph.entry(owner).or_default().uses;
                        uses.remove(&name);
                        uses.insert(renamed.clone());
                    }
                    self.memo
                        .insert(key.clone(), TypeRef::Model(renamed.clone()));
                    name = renamed;
                }
            }
        }
        self.types.push(TypeDef {
            name: name.clone(),
            origin: pointer.to_owned(),
            doc,
            deprecated,
            kind,
            features: Vec::new(),
            conform: false,
        });
        TypeRef::Model(name)
    }

    pub(super) fn fields(
        &mut self,
        mut props: Vec<compose::Prop<'a>>,
        required: &BTreeSet<String>,
        pointer: &str,
        owner: &str,
        dir: Direction,
    ) -> Vec<Field> {
        let mut scope = Scope::new();
        let mut fields = Vec::new();
        props.sort_by(|a, b| a.wire.cmp(&b.wire));
        for prop in &props {
            let wire = &prop.wire;
            let at = &prop.at;
            let (doc, deprecated, password, nullable, read_only, write_only, one_or_many) =
                match resolve::boxed_schema(self.spec, prop.schema, at) {
                    Ok((s, _)) => {
                        let one_or_many = matches!(&s.schema_kind, SchemaKind::Any(a)
                            if a.typ.as_deref() == Some("array") && !a.enumeration.is_empty());
                        let mut d = doc_of(s);
                        d.notes = notes(s);
                        let password = matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if matches!(st.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password)));
                        let sd = &s.schema_data;
                        // `x-rust-secret: true` marks a credential where the name does not.
                        let password = password || extensions::is_marked_secret(&sd.extensions);
                        (
                            d,
                            sd.deprecated,
                            password,
                            sd.nullable,
                            sd.read_only,
                            sd.write_only,
                            one_or_many,
                        )
                    }
                    Err(_) => (Doc::default(), false, false, false, false, false, false),
                };
            // The caller never fills a server-only field, and never sees a
            // request-only one.
            if (dir == Direction::Request && read_only)
                || (dir == Direction::Response && write_only)
            {
                continue;
            }
            let role = self.role_for(owner, wire);
            let hint = format!("{owner}{}", type_name(wire));
            let ty = self.boxed_ref(prop.schema, at, &hint, dir, Some(role));
            // A secret is named by its pointer, or by the pinned Rust name of
            // its type (`#/components/schemas/<Rust name>/properties/<wire>`),
            // which survives upstream renaming the schema.
            let by_rust_name = format!("#/components/schemas/{owner}/properties/{wire}");
            let secret = password
                || is_secret_name(wire)
                || self.secrets.iter().any(|p| p == at || *p == by_rust_name);
            fields.push(Field {
                wire: wire.clone(),
                // Named below, once every field is known.
                name: String::new(),
                ty,
                required: required.contains(wire),
                nullable,
                doc,
                deprecated,
                secret,
                one_or_many,
            });
        }
        // The plainer wire name claims first: of `self` and `Self`, `self`
        // is `self_` and `Self` is `self_2`, whatever their order.
        let mut order: Vec<usize> = (0..fields.len()).collect();
        order.sort_by_key(|&i| (!is_plain_value(&fields[i].wire), fields[i].wire.clone()));
        for i in order {
            let wire = fields[i].wire.clone();
            let name = scope.claim(&value_name(&wire), &wire);
            if lossy_name(&wire) {
                let at = props
                    .iter()
                    .find(|p| p.wire == wire)
                    .map(|p| p.at.clone())
                    .unwrap_or_default();
                self.warn(Code::Naming, &at, format!("property `{wire}` has no letters or digits of its own; the field is `{name}`"));
            }
            fields[i].name = name;
        }
        for c in &scope.collisions {
            self.warn(
                Code::Naming,
                pointer,
                format!(
                    "properties `{}` and `{}` both become `{}`; the second is `{}`",
                    c.first_owner, c.owner, c.wanted, c.given
                ),
            );
        }
        for r in required {
            if !props.iter().any(|p| &p.wire == r) {
                self.warn(
                    Code::Quirk,
                    &format!("{pointer}/required"),
                    format!("`{r}` is required but not among the properties"),
                );
            }
        }
        fields
    }

    /// The role of a property that carries a pattern: what its validated
    /// string type is called. `targetGroupId` is a `GroupId`; a bare `id` is
    /// the owner's id; the config can pin any of them.
    pub(super) fn role_for(&self, owner: &str, wire: &str) -> String {
        if let Some(pinned) = self.names.get(&format!("role:{owner}.{wire}")) {
            return pinned.clone();
        }
        let mut base = wire;
        for prefix in ["target", "source"] {
            if let Some(rest) = wire.strip_prefix(prefix) {
                if rest.starts_with(|c: char| c.is_ascii_uppercase()) {
                    base = rest;
                }
            }
        }
        if base.eq_ignore_ascii_case("id") {
            return format!("{owner}Id");
        }
        type_name(base)
    }

    /// The one place request twins are named: a schema's own name, in the
    /// request direction, takes `Request` when responses reach its component
    /// (the response type keeps the plain name).
    fn twin_name(&self, base: String, dir: Direction, schema_pointer: &str) -> String {
        let reached =
            component_of(schema_pointer).is_some_and(|c| self.response_reach.contains(&c));
        if dir == Direction::Request && reached {
            format!("{base}Request")
        } else {
            base
        }
    }

    /// An enum of integers: typed variants, open on responses (an unlisted
    /// value is kept as `Unknown(i64)`), closed on requests.
    pub(super) fn integer_enum(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        name_hint: &str,
        dir: Direction,
        values: &[i64],
    ) -> TypeRef {
        let texts: Vec<String> = values.iter().map(i64::to_string).collect();
        let wires: Vec<&String> = texts.iter().collect();
        self.named(pointer, dir, name_hint, |cx, _| {
            let variants = cx.variants(&wires, pointer);
            (
                doc_of(schema),
                schema.schema_data.deprecated,
                TypeKind::Enum(Enum {
                    variants,
                    open: dir == Direction::Response,
                    integer: true,
                }),
            )
        })
    }

    /// The items of an array schema that carries an `enum` of its own (an
    /// Atlas quirk): an enum of those values, when the items are plain
    /// strings or integers; `None` to lower the items as written.
    fn array_enum_items(
        &mut self,
        any: &'a AnySchema,
        schema: &'a Schema,
        pointer: &str,
        hint: &str,
        dir: Direction,
    ) -> Option<TypeRef> {
        let plain = match &any.items {
            None => true,
            Some(items) => match resolve::boxed_schema(self.spec, items, pointer) {
                Ok((item, _)) => match &item.schema_kind {
                    SchemaKind::Type(Type::String(s)) => {
                        s.enumeration.is_empty() && s.pattern.is_none()
                    }
                    SchemaKind::Type(Type::Integer(i)) => i.enumeration.is_empty(),
                    _ => false,
                },
                Err(_) => false,
            },
        };
        if !plain {
            return None;
        }
        // No schema is written at this key: the round-trip cases leave it
        // out (its values are instantiated inside the array's owner).
        let key = format!("{pointer}/enum");
        self.synthetic.insert(key.clone());
        let item_hint = format!("{hint}Item");
        if any.enumeration.iter().all(|v| v.is_i64()) {
            let values: Vec<i64> = any.enumeration.iter().filter_map(|v| v.as_i64()).collect();
            return Some(self.integer_enum(schema, &key, &item_hint, dir, &values));
        }
        let texts: Vec<String> = any
            .enumeration
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        let wires: Vec<&String> = texts.iter().collect();
        Some(self.named(&key, dir, &item_hint, |cx, _| {
            let variants = cx.variants(&wires, &key);
            (
                Doc::default(),
                false,
                TypeKind::Enum(Enum {
                    variants,
                    open: dir == Direction::Response,
                    integer: false,
                }),
            )
        }))
    }

    pub(super) fn variants(&mut self, values: &[&String], pointer: &str) -> Vec<Variant> {
        let mut scope = Scope::new();
        scope.reserve("Unknown");
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut spelled = Vec::new();
        for v in values {
            if !seen.insert(v.as_str()) {
                self.warn(
                    Code::Quirk,
                    pointer,
                    format!("enum value `{v}` is listed twice"),
                );
                continue;
            }
            let name = scope.claim(&type_name(v), v);
            if lossy_name(v) {
                spelled.push(format!("`{v}` is `{name}`"));
            }
            out.push(Variant {
                wire: (*v).clone(),
                name,
            });
        }
        if !spelled.is_empty() {
            self.warn(
                Code::Naming,
                pointer,
                format!(
                    "enum values without letters or digits of their own are spelled out: {}",
                    spelled.join(", ")
                ),
            );
        }
        for c in &scope.collisions {
            self.warn(
                Code::Naming,
                pointer,
                format!(
                    "enum values `{}` and `{}` both become `{}`; the second is `{}`",
                    c.first_owner, c.owner, c.wanted, c.given
                ),
            );
        }
        out
    }

    /// A validated string type for a pattern, shared by every use with the
    /// same role and pattern.
    pub(super) fn validated(
        &mut self,
        pattern: &str,
        pointer: &str,
        at: &str,
        role: Option<String>,
        target: Option<&str>,
    ) -> Option<TypeRef> {
        if self.bad_patterns.contains(pattern) {
            return None;
        }
        if !self.patterns.contains_key(pattern) {
            match pattern::compile(pattern) {
                Ok(c) => {
                    let quirks = [
                        pattern::double_escape_warning(pattern),
                        pattern::unicode_property_warning(pattern),
                    ];
                    for w in quirks.into_iter().flatten() {
                        self.warn(Code::Pattern, &format!("{pointer}/pattern"), w);
                    }
                    self.patterns.insert(pattern.to_owned(), c);
                }
                Err(e) => {
                    self.error(Code::Pattern, &format!("{pointer}/pattern"), format!("{e}"));
                    self.bad_patterns.insert(pattern.to_owned());
                    return None;
                }
            }
        }
        let role = match (role, target) {
            // A named string schema is its own role.
            (_, Some(t)) => {
                self.pinned_or(t, || type_name(t.rsplit('/').next().unwrap_or("Pattern")))
            }
            (Some(r), None) => r,
            (None, None) => "PatternString".to_owned(),
        };
        // Same role, same pattern: one type (whatever name it got).
        let key = (role.clone(), pattern.to_owned());
        if let Some(name) = self.string_roles.get(&key).cloned() {
            if let Some(existing) = self.strings.get_mut(&name) {
                existing.used_at.push(at.to_owned());
            }
            return Some(TypeRef::Validated(name));
        }
        // Same role, other pattern (or a model of that name): a new name.
        let name = self.type_scope.claim(&role, at);
        if name != role {
            let other = if self.strings.contains_key(&role) {
                "a validated string with another pattern"
            } else {
                "another type"
            };
            self.warn(
                Code::Naming,
                at,
                format!("`{role}` already names {other}; this one is `{name}`"),
            );
        }
        self.string_roles.insert(key, name.clone());
        self.strings.insert(
            name.clone(),
            ValidatedString {
                name: name.clone(),
                pattern: pattern.to_owned(),
                matcher: String::new(),
                doc: Doc::default(),
                used_at: vec![at.to_owned()],
                features: Vec::new(),
                conform: false,
            },
        );
        Some(TypeRef::Validated(name))
    }
}
