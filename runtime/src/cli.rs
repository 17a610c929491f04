//! The plumbing a generated command line shares (feature `cli`): the root command and
//! its global options, value parsers that validate with the generated types, request
//! bodies from a file or stdin, the page walk behind `--all`, output formatting, error
//! printing and exit statuses.
//!
//! A generated crate's `cli` module builds the command tree from its spec (one
//! subcommand per tag, one per operation under it) and calls into this module for
//! everything that does not depend on the spec.
//!
//! Exit statuses: [`exit::OK`] on success, [`exit::INVALID_INPUT`] when a parameter, a
//! body or a setting is refused before anything is sent (clap's own usage errors exit
//! with the same status), [`exit::TRANSPORT`] when the request could not be sent or its
//! answer read, and [`exit::API`] when the API answered with an error (its body printed
//! as JSON on stderr) or with a body that is not what the spec documents.

use std::ffi::OsString;
use std::future::Future;
use std::io::{IsTerminal as _, Read as _, Write};
use std::pin::Pin;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::auth::{
    Credentials, CredentialsError, SecurityScheme, ENV_CLIENT_ID, ENV_CLIENT_SECRET,
    ENV_PRIVATE_API_KEY, ENV_PUBLIC_API_KEY,
};
use crate::client::ClientBuilder;
use crate::error::Error;
use crate::paginate::Stream;

pub use clap;
use clap::builder::{PossibleValuesParser, TypedValueParser as _, ValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command};

/// The exit statuses of a generated command line.
pub mod exit {
    /// The operation succeeded; its answer is on stdout.
    pub const OK: u8 = 0;
    /// Something unexpected: stdout could not be written, say.
    pub const OTHER: u8 = 1;
    /// A parameter, the request body or a setting was refused; nothing was sent.
    /// clap's usage errors (an unknown flag, a missing required one) exit so too.
    pub const INVALID_INPUT: u8 = 2;
    /// The request could not be sent or its response could not be read.
    pub const TRANSPORT: u8 = 3;
    /// The API answered with an error status (the body is printed as JSON on stderr
    /// when it is JSON), or with a body that does not decode as documented.
    pub const API: u8 = 4;
}

/// The ids of the global and shared arguments.
mod ids {
    pub const BASE_URL: &str = "base-url";
    pub const OUTPUT: &str = "output";
    pub const FILE: &str = "file";
    pub const API_VERSION: &str = "api-version";
    pub const ALL: &str = "all";
}

/// Flag names every operation has or may have beside its parameters; a generated
/// parameter flag never takes one of them.
pub const RESERVED_FLAGS: &[&str] = &[
    "help",
    "version",
    ids::BASE_URL,
    ids::OUTPUT,
    ids::FILE,
    ids::API_VERSION,
    ids::ALL,
];

/// What a generated crate says about itself.
#[derive(Clone, Copy, Debug)]
pub struct App {
    /// The binary's name (the crate's name).
    pub name: &'static str,
    /// The crate's version.
    pub version: &'static str,
    /// The spec's title.
    pub title: &'static str,
    /// The spec's version.
    pub spec_version: &'static str,
    /// The first server the spec declares (may be empty).
    pub default_base_url: &'static str,
    /// The security schemes the spec declares.
    pub security_schemes: &'static [SecurityScheme],
}

/// The root command: global options (`--base-url`, `--output`), and the
/// environment variables the credentials come from in the long help.
pub fn root(app: &App) -> Command {
    let env = format!(
        "Credentials come from the environment, as the Atlas tools read them:\n  \
         {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}: a service account (OAuth 2.0),\n  \
         else {ENV_PUBLIC_API_KEY} and {ENV_PRIVATE_API_KEY}: an API key (HTTP Digest);\n  \
         {ENV_ACCESS_TOKEN}, if set, is an access token sent as is (Bearer), before either.\n\
         None set: requests are sent without credentials.\n\n\
         Exit status: 0 success, 2 invalid input (nothing sent), 3 transport error, \
         4 API error (its body as JSON on stderr)."
    );
    let base_url_help = if app.default_base_url.is_empty() {
        "The API's base URL (the spec declares no server)".to_owned()
    } else {
        format!("The API's base URL [default: {}]", app.default_base_url)
    };
    Command::new(app.name)
        .version(app.version)
        .about(format!(
            "A command line for the {} (spec version {}).",
            app.title, app.spec_version
        ))
        .after_long_help(env)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new(ids::BASE_URL)
                .long(ids::BASE_URL)
                .alias("baseUrl")
                .value_name("URL")
                .global(true)
                .help(base_url_help),
        )
        .arg(
            Arg::new(ids::OUTPUT)
                .long(ids::OUTPUT)
                .short('o')
                .value_name("FORMAT")
                .value_parser(["json", "pretty"])
                .global(true)
                .help(
                    "json: one line; pretty: indented [default: pretty on a terminal, else json]",
                ),
        )
}

/// A group of operations: one tag of the spec.
pub fn group(name: &'static str, aliases: &[&'static str], about: String) -> Command {
    Command::new(name)
        .aliases(aliases.iter().copied())
        .about(about)
        .subcommand_required(true)
        .arg_required_else_help(true)
}

/// One operation's command.
pub fn operation(
    name: &'static str,
    aliases: &[&'static str],
    about: String,
    long_about: String,
) -> Command {
    Command::new(name)
        .aliases(aliases.iter().copied())
        .about(about)
        .long_about(long_about)
}

/// How a parameter's flag takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takes {
    /// One value.
    One,
    /// A boolean: `--flag` alone means `true`, or `--flag false`.
    Switch,
    /// A list: the flag repeated, one value each time.
    Many,
}

/// One parameter's flag; `id` is what the generated code reads it back by.
#[allow(clippy::too_many_arguments)]
pub fn param(
    id: &'static str,
    long: &'static str,
    aliases: &[&'static str],
    value_name: &'static str,
    help: String,
    long_help: String,
    required: bool,
    takes: Takes,
    parser: ValueParser,
) -> Arg {
    let arg = Arg::new(id)
        .long(long)
        .aliases(aliases.iter().copied())
        .value_name(value_name)
        .help(help)
        .long_help(long_help)
        .required(required)
        .value_parser(parser);
    match takes {
        Takes::One => arg.action(ArgAction::Set),
        Takes::Switch => arg
            .action(ArgAction::Set)
            .num_args(0..=1)
            .default_missing_value("true"),
        Takes::Many => arg.action(ArgAction::Append),
    }
}

/// `--file PATH`: the request body, as JSON (`-` reads stdin).
pub fn body_arg(required: bool, type_name: &str) -> Arg {
    Arg::new(ids::FILE)
        .long(ids::FILE)
        .short('f')
        .value_name("PATH")
        .required(required)
        .help(format!(
            "The request body ({type_name}) as JSON, read from PATH, or from stdin for -"
        ))
}

/// `--api-version DATE`: which dated version of the operation to speak.
pub fn api_version_arg(dates: &'static [&'static str], newest: &'static str) -> Arg {
    Arg::new(ids::API_VERSION)
        .long(ids::API_VERSION)
        .alias("apiVersion")
        .value_name("DATE")
        .value_parser(PossibleValuesParser::new(dates.iter().copied()))
        .help(format!(
            "Speak this dated version of the operation [default: {newest}]"
        ))
}

/// `--all`: walk every page from the requested one on and print all items.
pub fn all_arg() -> Arg {
    Arg::new(ids::ALL)
        .long(ids::ALL)
        .action(ArgAction::SetTrue)
        .help("Fetch every page, from the requested one on, and print all items as one list")
}

/// A parser that checks a value with the type's `FromStr`: the generated types'
/// own validation, and their error messages.
pub fn from_str<T>() -> ValueParser
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
    T::Err: std::fmt::Display,
{
    ValueParser::new(|value: &str| value.parse::<T>().map_err(|e| e.to_string()))
}

/// A parser for a value given as JSON (an object or list parameter), or as a bare
/// string when it is not JSON.
pub fn from_json<T>() -> ValueParser
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    ValueParser::new(|value: &str| {
        let json = serde_json::from_str::<Value>(value)
            .unwrap_or_else(|_| Value::String(value.to_owned()));
        serde_json::from_value::<T>(json).map_err(|e| e.to_string())
    })
}

/// A parser that keeps the value's bytes.
pub fn bytes() -> ValueParser {
    clap::builder::StringValueParser::new()
        .map(Bytes::from)
        .into()
}

/// Why a command did not succeed, with the exit status it ends with.
#[derive(Debug)]
pub enum Failure {
    /// Refused before sending: [`exit::INVALID_INPUT`].
    Invalid(String),
    /// Not sent or not read: [`exit::TRANSPORT`].
    Transport(String),
    /// The API's error answer: [`exit::API`]; the body as JSON when it is JSON.
    Api {
        /// What happened, for a body that is not JSON.
        message: String,
        /// The error body.
        body: Option<Value>,
    },
}

impl Failure {
    /// The exit status.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Invalid(_) => exit::INVALID_INPUT,
            Failure::Transport(_) => exit::TRANSPORT,
            Failure::Api { .. } => exit::API,
        }
    }
}

/// What a command answered.
#[derive(Debug)]
pub enum Success {
    /// A JSON value.
    Json(Value),
    /// Bytes as the server sent them.
    Bytes(Bytes),
    /// Nothing: a success without a body.
    Empty,
}

/// The value a required argument was parsed into.
pub fn required<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Result<T, Failure> {
    optional(m, id)?.ok_or_else(|| Failure::Invalid(format!("--{id} is required")))
}

/// The value an optional argument was parsed into, if given.
pub fn optional<T: Clone + Send + Sync + 'static>(
    m: &ArgMatches,
    id: &str,
) -> Result<Option<T>, Failure> {
    m.try_get_one::<T>(id)
        .map(|v| v.cloned())
        .map_err(|e| Failure::Invalid(format!("--{id}: {e}")))
}

/// The values a repeatable argument was parsed into, if any were given.
pub fn many<T: Clone + Send + Sync + 'static>(
    m: &ArgMatches,
    id: &str,
) -> Result<Option<Vec<T>>, Failure> {
    m.try_get_many::<T>(id)
        .map(|v| v.map(|values| values.cloned().collect()))
        .map_err(|e| Failure::Invalid(format!("--{id}: {e}")))
}

/// The values of a required repeatable argument.
pub fn required_many<T: Clone + Send + Sync + 'static>(
    m: &ArgMatches,
    id: &str,
) -> Result<Vec<T>, Failure> {
    many(m, id)?.ok_or_else(|| Failure::Invalid(format!("--{id} is required")))
}

/// The date `--api-version` names, if given.
pub fn api_version(m: &ArgMatches) -> Option<String> {
    m.try_get_one::<String>(ids::API_VERSION)
        .ok()
        .flatten()
        .cloned()
}

/// Whether `--all` was given.
pub fn all(m: &ArgMatches) -> bool {
    m.try_get_one::<bool>(ids::ALL)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

fn read_file_arg(m: &ArgMatches) -> Result<Option<(String, Vec<u8>)>, Failure> {
    let Some(path) = m.try_get_one::<String>(ids::FILE).ok().flatten() else {
        return Ok(None);
    };
    let bytes = if path == "-" {
        let mut buffer = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buffer)
            .map_err(|e| Failure::Invalid(format!("reading the request body from stdin: {e}")))?;
        buffer
    } else {
        std::fs::read(path)
            .map_err(|e| Failure::Invalid(format!("reading the request body from {path}: {e}")))?
    };
    let name = if path == "-" {
        "stdin".to_owned()
    } else {
        path.clone()
    };
    Ok(Some((name, bytes)))
}

/// The request body from `--file`, decoded (and so validated) as the request type.
pub fn body<T: DeserializeOwned>(m: &ArgMatches, type_name: &str) -> Result<Option<T>, Failure> {
    let Some((from, bytes)) = read_file_arg(m)? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        Failure::Invalid(format!(
            "the request body from {from} is not a valid {type_name}: {e}"
        ))
    })
}

/// The request body from `--file`, as bytes (a body that is not JSON).
pub fn body_bytes(m: &ArgMatches) -> Result<Option<Bytes>, Failure> {
    Ok(read_file_arg(m)?.map(|(_, bytes)| Bytes::from(bytes)))
}

/// The environment variable holding an OAuth 2.0 access token already issued (by
/// `atlas auth login`, say): sent as `Authorization: Bearer`, before any other credentials.
pub const ENV_ACCESS_TOKEN: &str = "MONGODB_ATLAS_ACCESS_TOKEN";

/// The client builder a command sends with: `defaults` (the generated crate's server
/// and security schemes), `--base-url`, and credentials from the environment: an access
/// token from [`ENV_ACCESS_TOKEN`], else whatever [`Credentials::from_env`] finds.
///
/// With `--base-url`, a token URL on the default server's host moves to the given
/// one (Atlas serves its token endpoint beside the API).
pub fn client_builder(
    app: &App,
    defaults: ClientBuilder,
    m: &ArgMatches,
) -> Result<ClientBuilder, Failure> {
    let mut builder = defaults;
    if let Some(url) = m.try_get_one::<String>(ids::BASE_URL).ok().flatten() {
        let url = crate::request::BaseUrl::parse(url)
            .map_err(|e| Failure::Invalid(format!("--base-url: {e}")))?;
        builder = builder.security_schemes(rebased_schemes(app, url.as_str()));
        builder = builder.base_url(url);
    }
    if let Some(token) = std::env::var(ENV_ACCESS_TOKEN)
        .ok()
        .filter(|t| !t.is_empty())
    {
        return Ok(builder.authenticate(crate::auth::BearerToken::new(token)));
    }
    match Credentials::from_env() {
        Ok(credentials) => builder = builder.credentials(credentials),
        Err(CredentialsError::Missing) => {}
        Err(e) => return Err(Failure::Invalid(e.to_string())),
    }
    Ok(builder)
}

/// The app's schemes with token URLs on the default server moved to `base_url`.
fn rebased_schemes(app: &App, base_url: &str) -> &'static [SecurityScheme] {
    let default = app.default_base_url.trim_end_matches('/');
    let moves = |token_url: &str| !default.is_empty() && token_url.starts_with(default);
    if !app.security_schemes.iter().any(
        |s| matches!(s, SecurityScheme::OAuth2ClientCredentials { token_url } if moves(token_url)),
    ) {
        return app.security_schemes;
    }
    let schemes: Vec<SecurityScheme> = app
        .security_schemes
        .iter()
        .map(|s| match s {
            SecurityScheme::OAuth2ClientCredentials { token_url } if moves(token_url) => {
                let moved = format!(
                    "{}{}",
                    base_url.trim_end_matches('/'),
                    &token_url[default.len()..]
                );
                SecurityScheme::OAuth2ClientCredentials {
                    // Once per process: the builder takes the schemes for good.
                    token_url: Box::leak(moved.into_boxed_str()),
                }
            }
            other => *other,
        })
        .collect();
    Box::leak(schemes.into_boxed_slice())
}

/// Builds the runtime client from [`client_builder`]'s builder.
pub fn build_client(builder: ClientBuilder) -> Result<crate::client::Client, Failure> {
    builder
        .build()
        .map_err(|e| Failure::Invalid(format!("the client could not be built: {e}")))
}

/// At most 500 characters of a body, credentials hidden.
fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text: String = text.chars().take(500).collect();
    crate::redact::redact_preview(&text).into_owned()
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value)
        .map_err(|e| Failure::Invalid(format!("the answer could not be written as JSON: {e}")))
}

fn failure<E: Serialize>(error: Error<E>) -> Failure {
    let text_body = |status: http::StatusCode, body: &[u8]| -> Failure {
        match serde_json::from_slice::<Value>(body) {
            Ok(json) => Failure::Api {
                message: format!("HTTP {status}"),
                body: Some(json),
            },
            Err(_) => Failure::Api {
                message: format!("HTTP {status}: {}", preview(body)),
                body: None,
            },
        }
    };
    match error {
        Error::InvalidRequest(e) => Failure::Invalid(e.to_string()),
        Error::Transport(e) => Failure::Transport(e.to_string()),
        Error::Api { status, body, .. } => match serde_json::to_value(&body) {
            Ok(Value::Null) | Err(_) => Failure::Api {
                message: format!("HTTP {status}"),
                body: None,
            },
            Ok(json) => Failure::Api {
                message: format!("HTTP {status}"),
                body: Some(json),
            },
        },
        Error::Undecodable {
            status,
            body,
            source,
            ..
        } => Failure::Api {
            message: format!(
                "HTTP {status}: the body does not decode as documented ({source}): {}",
                preview(&body)
            ),
            body: None,
        },
        Error::Status { status, body, .. } | Error::UnexpectedStatus { status, body, .. } => {
            text_body(status, &body)
        }
    }
}

/// A call's result as a command's: the value as JSON, or why it failed.
pub fn respond<T: Serialize, E: Serialize>(
    result: Result<T, Error<E>>,
) -> Result<Success, Failure> {
    match result {
        Ok(value) => match to_json(&value)? {
            Value::Null => Ok(Success::Empty),
            json => Ok(Success::Json(json)),
        },
        Err(e) => Err(failure(e)),
    }
}

/// A call's result whose success is bytes (a body that is not JSON).
pub fn respond_bytes<E: Serialize>(result: Result<Bytes, Error<E>>) -> Result<Success, Failure> {
    result.map(Success::Bytes).map_err(failure)
}

/// As [`respond_bytes`], for successes some of which have no body.
pub fn respond_optional_bytes<E: Serialize>(
    result: Result<Option<Bytes>, Error<E>>,
) -> Result<Success, Failure> {
    result
        .map(|b| b.map_or(Success::Empty, Success::Bytes))
        .map_err(failure)
}

/// Walks every page of `pages` (a generated `*_pages` stream) and answers all their
/// items as one JSON list; the first error ends the walk.
pub async fn collect_pages<T: Serialize, E: Serialize>(
    pages: impl Stream<Item = Result<Vec<T>, Error<E>>>,
) -> Result<Success, Failure> {
    use futures_util::StreamExt as _;
    let mut pages = std::pin::pin!(pages);
    let mut items = Vec::new();
    while let Some(page) = pages.next().await {
        for item in page.map_err(failure)? {
            items.push(to_json(&item)?);
        }
    }
    Ok(Success::Json(Value::Array(items)))
}

/// How answers are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// One line of JSON.
    Json,
    /// Indented JSON.
    Pretty,
}

impl Output {
    /// `--output`, else pretty on a terminal and one line otherwise.
    pub fn of(m: &ArgMatches, terminal: bool) -> Output {
        match m
            .try_get_one::<String>(ids::OUTPUT)
            .ok()
            .flatten()
            .map(String::as_str)
        {
            Some("json") => Output::Json,
            Some("pretty") => Output::Pretty,
            _ if terminal => Output::Pretty,
            _ => Output::Json,
        }
    }

    fn write(self, value: &Value, to: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Output::Json => serde_json::to_writer(&mut *to, value)?,
            Output::Pretty => serde_json::to_writer_pretty(&mut *to, value)?,
        }
        writeln!(to)
    }
}

/// What the generated dispatch does for one parsed command line: find the operation,
/// build its request, send it. It gets the root matches.
pub type Dispatch =
    for<'a> fn(&'a ArgMatches) -> Pin<Box<dyn Future<Output = Result<Success, Failure>> + 'a>>;

/// Runs a command line: parses `args` (the first is the program name), dispatches,
/// and writes the answer to `out` and errors to `err`. Returns the exit status.
pub async fn run(
    command: Command,
    dispatch: Dispatch,
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    terminal: bool,
) -> u8 {
    let matches = match command.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::INVALID_INPUT
            } else {
                exit::OK
            };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let output = Output::of(&matches, terminal);
    let written = match dispatch(&matches).await {
        Ok(Success::Json(value)) => output.write(&value, out),
        Ok(Success::Bytes(bytes)) => out.write_all(&bytes),
        Ok(Success::Empty) => Ok(()),
        Err(failure) => {
            let code = failure.code();
            let _ = match &failure {
                Failure::Invalid(message) => writeln!(err, "error: {message}"),
                Failure::Transport(message) => writeln!(err, "error: {message}"),
                Failure::Api {
                    body: Some(body), ..
                } => output.write(body, err),
                Failure::Api {
                    message,
                    body: None,
                } => writeln!(err, "error: {message}"),
            };
            return code;
        }
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => exit::OK,
        // A reader that stopped early (`| head`) is no failure of the command.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            let _ = writeln!(err, "error: writing the answer: {e}");
            exit::OTHER
        }
    }
}

/// The stack of the thread a command runs on: the command tree of a whole API is
/// large, and debug builds keep every temporary of it on the stack.
pub const STACK_SIZE: usize = 64 << 20;

/// The binary's `main`: runs the process's command line on a single-threaded runtime,
/// on a thread with a [`STACK_SIZE`] stack.
pub fn main(command: Command, dispatch: Dispatch) -> std::process::ExitCode {
    let thread = std::thread::Builder::new()
        .name("cli".to_owned())
        .stack_size(STACK_SIZE)
        .spawn(move || run_main(command, dispatch));
    let code = match thread.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => exit::OTHER,
        Err(e) => {
            eprintln!("error: starting the command's thread: {e}");
            exit::OTHER
        }
    };
    std::process::ExitCode::from(code)
}

fn run_main(command: Command, dispatch: Dispatch) -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return exit::OTHER;
        }
    };
    let terminal = std::io::stdout().is_terminal();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr();
    runtime.block_on(run(
        command,
        dispatch,
        std::env::args_os(),
        &mut out,
        &mut err,
        terminal,
    ))
}
