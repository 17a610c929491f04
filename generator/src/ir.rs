//! The intermediate representation: plain data describing the Rust crate to
//! emit. No tokens here; `lower` builds it from the spec, `emit` prints it.
//!
//! Everything that ends up in a file is already sorted and named, so emission
//! is a pure function of this value and the output is byte-for-byte stable.

use crate::pattern::CompiledPattern;

/// The whole generated API.
#[derive(Debug)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The first `servers` URL: the client's default base URL.
    pub default_server: Option<String>,
    pub security: Vec<SecurityScheme>,
    /// Models: structs, enums, unions; sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Validated string types, sorted by Rust name.
    pub strings: Vec<ValidatedString>,
    /// One matcher per distinct pattern, sorted by function name.
    pub matchers: Vec<Matcher>,
    /// Sorted by function name.
    pub operations: Vec<Operation>,
    /// The spec's own examples with the type each should decode into, for
    /// conformance tests. Sorted by pointer.
    pub examples: Vec<Example>,
    /// The types schemas became, for the round-trip dispatch (`roundtrip`
    /// feature): every model and, with all schemas lowered, whatever a
    /// component schema became. Sorted.
    pub roundtrip_types: Vec<TypeRef>,
    /// Whether items are compiled per tag feature (see `lower::features`).
    pub tag_features: bool,
    /// Every tag feature, sorted; empty when tag features are off.
    pub features: Vec<String>,
    /// The command line (`cli` feature): which commands, named how.
    pub cli: Cli,
}

/// The generated command line: `<bin> <group> <command> [--flag value ...]`,
/// decided by `lower::cli`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cli {
    /// One group per tag (`untagged` for operations without one), sorted by name.
    pub groups: Vec<CliGroup>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CliGroup {
    /// `legacy-backup`
    pub name: String,
    /// The spec's camelCase form (`legacyBackup`), when it differs.
    pub aliases: Vec<String>,
    /// The tag as the spec writes it.
    pub tag: String,
    /// The tag's description.
    pub description: Option<String>,
    /// Sorted by name.
    pub commands: Vec<CliCommand>,
    /// The Cargo features that compile the group (any of them); empty: always.
    pub features: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CliCommand {
    /// `get-group-cluster-restore-job`
    pub name: String,
    /// The operationId (`getGroupClusterRestoreJob`), and its kebab case when a pinned
    /// name named the command: each where it differs from the name.
    pub aliases: Vec<String>,
    /// The operation it sends (`Operation::fn_name`): the default representation.
    pub op: String,
    /// One flag per parameter of `op`, in the operation's order.
    pub flags: Vec<CliFlag>,
    /// The dated versions `--api-version` chooses from, newest first; empty:
    /// no `--api-version`.
    pub versions: Vec<CliVersion>,
    /// `--all` walks every page (the operation pages, see `Operation::paging`).
    pub all: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CliFlag {
    /// Index into the operation's `params`.
    pub param: usize,
    /// `group-id`: the flag (`--group-id`) and the id the value is read by.
    pub long: String,
    /// The wire name, when it differs (`groupId`).
    pub aliases: Vec<String>,
    /// `GROUP_ID`
    pub value_name: String,
    /// How the value is checked: by the parameter type's `FromStr`, by
    /// decoding it as JSON, or kept as bytes.
    pub parse: CliParse,
    /// The values an enum parameter takes, for the help.
    pub values: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CliParse {
    FromStr,
    Json,
    Bytes,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CliVersion {
    /// `2023-01-01`
    pub date: String,
    /// The media type it names.
    pub media_type: String,
    /// The operation that speaks it (`fn_name`): the command's own, or a
    /// representation whose schemas differ.
    pub op: String,
    /// The request pins it with `media_type(...)` (else the operation speaks
    /// it by default).
    pub pin: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// Where the example is written.
    pub pointer: String,
    pub ty: TypeRef,
    pub value: serde_json::Value,
    /// Why the example contradicts its own schema, if it does: a spec issue.
    pub issue: Option<String>,
}

/// Documentation carried to doc comments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Extra facts: "Pattern: `...`", "Minimum: 1", "Default: false".
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// JSON pointer of the schema it comes from.
    pub origin: String,
    pub doc: Doc,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// The Cargo features that compile it (any of them); empty: always.
    pub features: Vec<String>,
    /// An untagged union reaches it: it says how well a JSON value fits it
    /// (`atlas_runtime::fit::Conform`).
    pub conform: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
}

/// `oneOf` / `anyOf`: one of several types, told apart by a discriminator
/// property when the spec names one, else by how well the value fits each
/// (see `lower::conform`).
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The JSON property whose value names the variant.
    pub discriminator: Option<String>,
    /// Open unions keep a value no variant accepts (`Unknown(Value)`).
    pub open: bool,
    /// The error bodies of one operation: the status decides the variant.
    pub by_status: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Discriminator values that select this variant.
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The JSON property name.
    pub wire: String,
    /// The Rust field name.
    pub name: String,
    pub ty: TypeRef,
    pub required: bool,
    /// `null` is a value the field can take (a required nullable field is
    /// still sent, as `null`).
    pub nullable: bool,
    pub doc: Doc,
    pub deprecated: bool,
    /// Holds a credential: `Debug` prints it redacted.
    pub secret: bool,
    /// An array schema with an `enum` of its own (a spec quirk): servers and
    /// mock servers send a lone value for it, which decodes as a list of one.
    pub one_or_many: bool,
}

/// How a field is held in Rust, from `required` and `nullable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// `T`: always present, never `null`.
    Always,
    /// `Option<T>`: always sent, `None` written as `null`.
    Nullable,
    /// `Option<T>`: `None` is left out.
    Optional,
    /// `Option<Option<T>>`: `None` is left out, `Some(None)` is `null`
    /// (the two mean different things, e.g. in a PATCH body).
    OptionalNullable,
}

impl Field {
    pub fn presence(&self) -> Presence {
        match (self.required, self.nullable) {
            (true, false) => Presence::Always,
            (true, true) => Presence::Nullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }
}

/// A string enum.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub variants: Vec<Variant>,
    /// Open enums keep unknown values (`Unknown(String)`): used for anything
    /// a server sends. Closed ones reject them: used for what the caller sends.
    pub open: bool,
    /// The values are integers (`wire` is their decimal text), not strings.
    pub integer: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub wire: String,
    pub name: String,
}

/// A string type whose constructors check a pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedString {
    pub name: String,
    pub pattern: String,
    /// The matcher function that checks it.
    pub matcher: String,
    pub doc: Doc,
    /// Where it is used (pointers), for the docs.
    pub used_at: Vec<String>,
    /// The Cargo features that compile it (any of them); empty: always.
    pub features: Vec<String>,
    /// An untagged union reaches it (see `TypeDef::conform`).
    pub conform: bool,
}

#[derive(Debug)]
pub struct Matcher {
    pub fn_name: String,
    /// The ECMA-262 pattern it matches, for its doc.
    pub pattern: String,
    pub compiled: CompiledPattern,
    /// The Cargo features that compile it (any of them); empty: always.
    pub features: Vec<String>,
}

/// A reference to a Rust type from a field, parameter or body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A generated model (struct or enum).
    Model(String),
    /// A generated validated string.
    Validated(String),
    Bool,
    I32,
    I64,
    F32,
    F64,
    String,
    DateTime,
    Uuid,
    /// Any JSON value: free-form schemas, and constructs not supported yet.
    Json,
    List(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// A response value that must satisfy a format or pattern, decoded
    /// leniently (`atlas_runtime::Checked`).
    Checked(Box<TypeRef>),
    /// Indirection for recursive types.
    Boxed(Box<TypeRef>),
    /// A body that is not JSON (csv, gzip, octet-stream), kept as bytes.
    Bytes,
}

impl TypeRef {
    /// The type as Rust spells it, models and validated strings by name
    /// alone: the key the round-trip dispatch knows it by.
    pub fn key(&self) -> String {
        match self {
            TypeRef::Model(n) | TypeRef::Validated(n) => n.clone(),
            TypeRef::Bool => "bool".to_owned(),
            TypeRef::I32 => "i32".to_owned(),
            TypeRef::I64 => "i64".to_owned(),
            TypeRef::F32 => "f32".to_owned(),
            TypeRef::F64 => "f64".to_owned(),
            TypeRef::String => "String".to_owned(),
            TypeRef::DateTime => "DateTime<Utc>".to_owned(),
            TypeRef::Uuid => "Uuid".to_owned(),
            TypeRef::Json => "Value".to_owned(),
            TypeRef::List(i) => format!("Vec<{}>", i.key()),
            TypeRef::Map(i) => format!("BTreeMap<String, {}>", i.key()),
            TypeRef::Checked(i) => format!("Checked<{}>", i.key()),
            TypeRef::Boxed(i) => format!("Box<{}>", i.key()),
            TypeRef::Bytes => "Bytes".to_owned(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SecurityScheme {
    HttpDigest { name: String },
    HttpBearer { name: String },
    HttpBasic { name: String },
    OAuth2ClientCredentials { name: String, token_url: String },
    ApiKey { name: String, header: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub operation_id: String,
    /// The name given to the operation instead of its operationId's (`x-rust-name`, or
    /// the name pinned when upstream renamed it); its command-line name follows it too.
    pub pinned_name: Option<String>,
    /// `get_group_cluster_restore_job`
    pub fn_name: String,
    /// `get_group_cluster_restore_job_with_response`: the client method that
    /// also returns the response's status and headers.
    pub with_response_fn: String,
    /// `GetGroupClusterRestoreJob`: the request value.
    pub struct_name: String,
    pub method: String,
    pub path: String,
    pub segments: Vec<Segment>,
    pub params: Vec<Param>,
    pub doc: Doc,
    pub deprecated: bool,
    pub tags: Vec<String>,
    /// The default `Accept` header: the newest success media type, then the
    /// error ones.
    pub accept: String,
    /// The error media types, for an `Accept` built around a pinned version.
    pub error_accept: String,
    /// The success media types this operation speaks, newest first.
    pub versions: Vec<String>,
    /// The media types the caller can pin (`media_type(...)`): the versions
    /// and request media types that share this operation's schemas; empty
    /// when there is nothing to choose.
    pub pinnable: Vec<String>,
    /// For another representation of an operation (an older version with
    /// other schemas, a non-JSON alternative): what it is.
    pub representation: Option<Representation>,
    pub body: Option<RequestBody>,
    /// The documented successes of this representation.
    pub success: Vec<ResponseCase>,
    /// The decoded success body; `None` for bodiless successes.
    pub success_type: Option<TypeRef>,
    /// Some successes have a body and some do not: `Option<success_type>`.
    pub success_optional: bool,
    pub errors: Vec<ResponseCase>,
    /// The documented error body type shared by the error responses.
    pub error_type: Option<TypeRef>,
    /// The page stream of a list operation (see `config::Paging`).
    pub paging: Option<Paging>,
    /// The boolean query parameter (Rust name) that asks for an envelope.
    pub envelope: Option<String>,
    /// How each documented status is answered, in match order; statuses
    /// handled alike share an arm.
    pub arms: Vec<ResponseArm>,
    /// How any other status is answered (the spec's `default`, if any).
    pub default_arm: Decode,
    /// The Cargo features that compile it (any of them); empty: always.
    pub features: Vec<String>,
    /// Its typed mock (feature `mock`), once lowering has decided it.
    pub mock: Option<Mock>,
}

/// The typed mock of an operation (feature `mock`): a builder that matches
/// the operation's requests by their typed parameters and answers with a
/// documented status, as lowering decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mock {
    /// The builder's type: `GetGroupClusterRestoreJobMock`.
    pub struct_name: String,
    /// The mock server's method that starts it: the operation's function
    /// name, unless the server has a member of that name.
    pub server_fn: String,
    /// Media types one of which a matching request's `Accept` lists: the
    /// versions this representation speaks (empty: any `Accept`).
    pub accept: Vec<String>,
    /// One answer per documented status, in status order; the success that
    /// `respond_ok` sends first, if the operation documents one.
    pub replies: Vec<MockReply>,
}

/// One documented answer of a mock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockReply {
    /// `respond_ok`, `respond_no_content`, `respond_not_found`.
    pub fn_name: String,
    pub status: u16,
    /// The `Content-Type` its body is sent as.
    pub media_type: String,
    pub body: MockBody,
    /// A success: the client answers it with `Ok`.
    pub success: bool,
}

/// What a mock's answer carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MockBody {
    /// Nothing.
    Empty,
    /// This type, encoded as JSON by its `Serialize` impl.
    Json(TypeRef),
    /// Bytes as given.
    Bytes,
}

/// Another representation of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Representation {
    /// The request value of the operation's default representation.
    pub of: String,
    /// The media type this one is named after.
    pub media_type: String,
    /// A JSON version whose schemas differ (else a non-JSON alternative).
    pub json: bool,
}

/// How a list operation pages: the page parameter, and the fields of its
/// success body holding the items and the total.
#[derive(Clone, Debug, PartialEq)]
pub struct Paging {
    /// The page number parameter's Rust name.
    pub page_param: String,
    pub page_ty: TypeRef,
    pub page_required: bool,
    /// The items field's Rust name and how it is held.
    pub items_field: String,
    pub items_presence: Presence,
    pub item_ty: TypeRef,
    /// The total field's Rust name and how it is held.
    pub total_field: Option<(String, Presence)>,
    /// The total field's wire name, for the docs.
    pub total_wire: String,
}

/// Statuses answered the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseArm {
    pub statuses: Vec<Status>,
    pub decode: Decode,
}

/// What `parse_response` does with a status and its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decode {
    /// `Ok` with the success body decoded from JSON.
    SuccessJson,
    /// `Ok(Some(..))` with the body decoded from JSON (other statuses have none).
    SuccessSome,
    /// `Ok(None)`: this status has no body (others have one).
    SuccessNone,
    /// `Ok(None)` for an empty body, else `Ok(Some(..))` decoded from JSON:
    /// the status's content declares no schema.
    SuccessJsonOrEmpty,
    /// `Ok` with the body's bytes as sent.
    SuccessBytes,
    /// `Ok(())`: the operation's successes have no body.
    SuccessEmpty,
    /// `Err(Api)` with the operation's error body decoded from JSON.
    ErrorBody,
    /// `Err(Api)` with one variant of the error-body union, decoded as `ty`.
    ErrorVariant {
        union: String,
        variant: String,
        ty: TypeRef,
    },
    /// `Err(Api)` with no body: the operation documents no error body.
    ErrorNoBody,
    /// `Err(Status)`: a documented error status without a documented
    /// body (others have one); status, headers and bytes kept.
    ErrorStatus,
    /// `Err(UnexpectedStatus)`, status and bytes kept.
    Unexpected,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    pub ty: TypeRef,
    pub required: bool,
    /// Media types the body can be sent as, the default (newest) first.
    pub media_types: Vec<String>,
    pub doc: Doc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Text of the path template, slashes included.
    Literal(String),
    /// Index into `params`.
    Param(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub wire: String,
    pub name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Doc,
    pub deprecated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseCase {
    pub status: Status,
    pub media_type: Option<String>,
    pub body: Option<TypeRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Code(u16),
    /// `2XX` and friends: the first digit.
    Range(u16),
    Default,
}
