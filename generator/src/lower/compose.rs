//! Composition: `allOf` merged into one struct, `oneOf` / `anyOf` into a
//! union enum, discriminators with their mappings.
//!
//! The Atlas spec's parents list their children in `oneOf` while each child
//! includes the parent through `allOf`. Merging a child reads the parent's
//! properties only (never its `oneOf`), and lowering is memoised by pointer,
//! so the cycle ends after one step: the parent is a union of the children,
//! each child a struct carrying the parent's fields.

use super::*;

/// One property gathered for a struct.
pub(super) struct Prop<'a> {
    pub wire: String,
    pub schema: &'a ReferenceOr<Box<Schema>>,
    /// Where the property is written in the spec.
    pub at: String,
}

/// Bound on `allOf` nesting, for specs that nest absurdly deep.
const MAX_DEPTH: usize = 64;

impl<'a> Ctx<'a> {
    /// A struct from an object schema, `allOf` members merged in.
    pub(super) fn object(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        name_hint: &str,
        dir: Direction,
    ) -> TypeRef {
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        let mut seen = vec![pointer.to_owned()];
        if !self.gather(schema, pointer, &mut props, &mut required, 0, &mut seen) {
            return self.degrade("allOf of non-object members", pointer);
        }
        let pointer = pointer.to_owned();
        self.named(&pointer, dir, name_hint, |cx, name| {
            let fields = cx.fields(props, &required, &pointer, name, dir);
            (
                doc_of(schema),
                schema.schema_data.deprecated,
                TypeKind::Struct(Struct { fields }),
            )
        })
    }

    pub(super) fn all_of(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        schema: &'a Schema,
        pointer: &str,
        name_hint: &str,
        dir: Direction,
    ) -> TypeRef {
        let own_props = match &schema.schema_kind {
            SchemaKind::Any(a) => !a.properties.is_empty(),
            _ => false,
        };
        // `allOf: [$ref]` beside a description is an alias, not a new type,
        // unless it names a union that lists this schema as one of its
        // variants: then it is that variant (the Atlas parent/child shape),
        // and an alias would make the union its own variant.
        if let [only] = members {
            if !own_props
                && schema.schema_data.discriminator.is_none()
                && !is_variant_of(self.spec, only, pointer)
            {
                return self.schema_ref(only, &format!("{pointer}/allOf/0"), name_hint, dir);
            }
        }
        self.object(schema, pointer, name_hint, dir)
    }

    /// Collects properties and required names; false when a member is not
    /// an object (a string `allOf`, say), which cannot merge into a struct.
    fn gather(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        props: &mut Vec<Prop<'a>>,
        required: &mut BTreeSet<String>,
        depth: usize,
        seen: &mut Vec<String>,
    ) -> bool {
        if depth > MAX_DEPTH {
            self.warn(
                Code::Quirk,
                pointer,
                "allOf nested too deep; the rest is ignored",
            );
            return true;
        }
        let (properties, req, all_of): Members<'a> = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), &o.required, &[]),
            SchemaKind::AllOf { all_of } => (None, &[], all_of),
            SchemaKind::Any(a) if matches!(a.typ.as_deref(), None | Some("object")) => {
                (Some(&a.properties), &a.required, &a.all_of)
            }
            // A parent union merged into its child contributes nothing but
            // its own properties, which the shapes above already cover.
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => (None, &[], &[]),
            _ => return false,
        };
        let mut ok = true;
        for (i, m) in all_of.iter().enumerate() {
            let at = format!("{pointer}/allOf/{i}");
            match resolve::schema(self.spec, m, &at) {
                Ok((s, target)) => {
                    let p = target.unwrap_or(at);
                    if seen.contains(&p) {
                        continue;
                    }
                    seen.push(p.clone());
                    ok &= self.gather(s, &p, props, required, depth + 1, seen);
                }
                Err(d) => {
                    self.diags.push(d);
                    ok = false;
                }
            }
        }
        if let Some(properties) = properties {
            for (wire, schema) in properties {
                let at = format!("{pointer}/properties/{}", pointer_token(wire));
                // A later definition of the same property refines the earlier one.
                props.retain(|p| &p.wire != wire);
                props.push(Prop {
                    wire: wire.clone(),
                    schema,
                    at,
                });
            }
        }
        required.extend(req.iter().cloned());
        ok
    }

    /// A union of `members`, dispatched on the discriminator when there is one.
    pub(super) fn union(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        schema: &'a Schema,
        pointer: &str,
        name_hint: &str,
        dir: Direction,
    ) -> TypeRef {
        let pointer = pointer.to_owned();
        self.named(&pointer, dir, name_hint, |cx, name| {
            let discriminator = schema.schema_data.discriminator.as_ref();
            let mut scope = Scope::new();
            scope.reserve("Unknown");
            let mut variants: Vec<UnionVariant> = Vec::new();
            let mut covered: BTreeSet<String> = BTreeSet::new();
            for (i, m) in members.iter().enumerate() {
                let at = format!("{pointer}/oneOf/{i}");
                let reference = match m {
                    ReferenceOr::Reference { reference } => Some(reference.clone()),
                    ReferenceOr::Item(_) => None,
                };
                let member_hint = match m {
                    ReferenceOr::Item(s) => match &s.schema_data.title {
                        Some(t) => type_name(t),
                        None => format!("{name}{}", kind_word(s)),
                    },
                    ReferenceOr::Reference { .. } => format!("{name}Member"),
                };
                let ty = cx.schema_ref(m, &at, &member_hint, dir);
                // A union cannot be its own variant: decoding it would
                // dispatch to itself without end.
                let itself = match &ty {
                    TypeRef::Boxed(inner) => inner.as_ref(),
                    other => other,
                };
                if matches!(itself, TypeRef::Model(n) if n == name) {
                    cx.warn(
                        Code::Cycle,
                        &at,
                        format!(
                            "`{name}` lists itself as one of its variants; the variant is left out"
                        ),
                    );
                    continue;
                }
                let mut tags = Vec::new();
                if let (Some(d), Some(r)) = (discriminator, &reference) {
                    tags.extend(
                        d.mapping
                            .iter()
                            .filter(|(_, target)| *target == r)
                            .map(|(k, _)| k.clone()),
                    );
                    if tags.is_empty() {
                        // Without a mapping entry the value is the schema's name.
                        tags.push(r.rsplit('/').next().unwrap_or_default().to_owned());
                    }
                    covered.insert(r.clone());
                }
                let wanted = variant_word(&ty);
                let vname = scope.claim(&wanted, &at);
                variants.push(UnionVariant {
                    name: vname,
                    ty,
                    tags,
                });
            }
            // Mapping entries naming schemas outside `oneOf` still select them.
            if let Some(d) = discriminator {
                let mut extra: BTreeMap<&String, Vec<String>> = BTreeMap::new();
                for (value, target) in &d.mapping {
                    if !covered.contains(target) {
                        extra.entry(target).or_default().push(value.clone());
                    }
                }
                for (target, tags) in extra {
                    let at = format!("{pointer}/discriminator/mapping");
                    let ty = match resolve::follow(cx.spec, target, &at) {
                        Ok((s, t)) => cx.schema(s, t, &at, &format!("{name}Member"), dir, None),
                        Err(d) => {
                            cx.diags.push(d);
                            continue;
                        }
                    };
                    let vname = scope.claim(&variant_word(&ty), target);
                    variants.push(UnionVariant {
                        name: vname,
                        ty,
                        tags,
                    });
                }
            }
            let kind = TypeKind::Union(Union {
                variants,
                discriminator: discriminator.map(|d| d.property_name.clone()),
                open: dir == Direction::Response,
                by_status: false,
            });
            (doc_of(schema), schema.schema_data.deprecated, kind)
        })
    }
}

impl<'a> Ctx<'a> {
    /// The documented error bodies of an operation, when they differ by
    /// status: a closed union; the status decides the variant.
    pub(super) fn error_union(
        &mut self,
        bodies: &[&TypeRef],
        pointer: &str,
        name_hint: &str,
    ) -> TypeRef {
        let bodies: Vec<TypeRef> = bodies.iter().map(|t| (*t).clone()).collect();
        self.named(pointer, Direction::Response, name_hint, |_, _| {
            let mut scope = Scope::new();
            let variants = bodies
                .into_iter()
                .map(|ty| {
                    let name = scope.claim(&variant_word(&ty), pointer);
                    UnionVariant {
                        name,
                        ty,
                        tags: Vec::new(),
                    }
                })
                .collect();
            let doc = Doc {
                summary: None,
                description: Some(
                    "The documented error bodies of one operation; the status decides which."
                        .to_owned(),
                ),
                notes: Vec::new(),
            };
            (
                doc,
                false,
                TypeKind::Union(Union {
                    variants,
                    discriminator: None,
                    open: false,
                    by_status: true,
                }),
            )
        })
    }
}

/// The variant name for a member type: its own name where it has one.
fn variant_word(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Model(n) | TypeRef::Validated(n) => n.clone(),
        TypeRef::Checked(inner) | TypeRef::Boxed(inner) => variant_word(inner),
        TypeRef::Bool => "Boolean".to_owned(),
        TypeRef::I32 | TypeRef::I64 => "Integer".to_owned(),
        TypeRef::F32 | TypeRef::F64 => "Number".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::List(inner) => format!("{}List", variant_word(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_word(inner)),
    }
}

fn kind_word(s: &Schema) -> &'static str {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "List",
        _ => "Object",
    }
}

/// Whether the union `parent` names `pointer` among its variants (`oneOf`,
/// `anyOf` or the discriminator mapping): an `allOf` of it alone at
/// `pointer` is then that variant, not an alias of the union.
pub fn is_variant_of(spec: &Spec, parent: &ReferenceOr<Schema>, pointer: &str) -> bool {
    let Ok((schema, _)) = resolve::schema(spec, parent, pointer) else {
        return false;
    };
    let members: &[ReferenceOr<Schema>] = match &schema.schema_kind {
        SchemaKind::OneOf { one_of: m } | SchemaKind::AnyOf { any_of: m } => m,
        SchemaKind::Any(a) if !a.one_of.is_empty() => &a.one_of,
        SchemaKind::Any(a) => &a.any_of,
        _ => &[],
    };
    let listed = members
        .iter()
        .any(|m| matches!(m, ReferenceOr::Reference { reference } if reference == pointer));
    let mapped = schema
        .schema_data
        .discriminator
        .as_ref()
        .is_some_and(|d| d.mapping.values().any(|target| target == pointer));
    listed || mapped
}

/// What an `allOf` member contributes: its properties, its required names
/// and its own `allOf` members.
type Members<'a> = (
    Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    &'a [String],
    &'a [ReferenceOr<Schema>],
);
