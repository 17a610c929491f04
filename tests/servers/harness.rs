//! Starting and stopping the third-party servers the tests talk to: each on 127.0.0.1, on a
//! free port, waited for with a bound, and killed by its process id when dropped.
//!
//! A server whose program is missing skips its test (saying so) on a developer's machine,
//! and fails it in CI (`CI=true`), where `.ci/setup-test-servers.sh` installs them all.

#![allow(dead_code)] // Each test binary uses its own part of this.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long a server may take to start answering.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The npm-installed programs (`npm ci --prefix tests/servers`).
pub fn npm_bin(name: &str) -> PathBuf {
    workspace_root()
        .join("tests")
        .join("servers")
        .join("node_modules")
        .join(".bin")
        .join(name)
}

/// node, found on PATH; `None` (skipped) outside CI when it is missing.
pub fn find_node() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("node"))
            .find(|path| path.is_file())
    });
    require(
        found.unwrap_or_else(|| PathBuf::from("node")),
        "node (Node.js 20)",
    )
}

/// `tests/servers/oauth-server.mjs` on `port`, the token endpoint in front of an API; the
/// caller adds the clients and what the API answers. It says it is ready by printing
/// [`OAUTH_READY`].
pub fn oauth_server(node: &Path, port: u16) -> Command {
    let mut command = Command::new(node);
    command
        .arg(
            workspace_root()
                .join("tests")
                .join("servers")
                .join("oauth-server.mjs"),
        )
        .args(["--port", &port.to_string()]);
    command
}

/// How `tests/servers/oauth-server.mjs` shows it listens.
pub const OAUTH_READY: Ready = Ready::Prints("listening ");

/// Whether this run is CI's, where every server must be there.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// `path` if it exists; otherwise fails the test in CI, or prints why it is skipped and
/// returns `None`.
pub fn require(path: PathBuf, what: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "{what} is not installed ({} is missing); run .ci/setup-test-servers.sh",
        path.display()
    );
    if in_ci() {
        panic!("{message}");
    }
    println!("skipped: {message}");
    None
}

/// A port on 127.0.0.1 nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("an ephemeral port on 127.0.0.1");
    listener.local_addr().expect("a bound address").port()
}

/// A directory of its own under the system's temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "atlasgen-{name}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temporary directory");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether 127.0.0.1:`port` accepts a connection. A connection whose two ends are the same
/// address is the kernel connecting the probe to itself (possible when nothing listens
/// yet and the port is in the ephemeral range), not a server.
fn accepts(address: std::net::SocketAddr) -> bool {
    std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200))
        .is_ok_and(|stream| stream.local_addr().ok() != stream.peer_addr().ok())
}

/// A running server process, killed (by its id) and reaped when dropped.
pub struct ServerProcess {
    name: String,
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: TempDir,
}

/// How a started server shows it is ready.
#[derive(Clone, Copy)]
pub enum Ready {
    /// Its port accepts a connection (from something other than the probe itself).
    Accepts,
    /// Its output has a line starting with this text, and its port accepts a connection:
    /// the line proves the listener is this process's, not another's that took the port.
    Prints(&'static str),
}

/// How many ports a server is tried on before the test gives up: another test's server
/// may take a port between the moment it is found free and the moment this one binds it.
const START_ATTEMPTS: usize = 3;

impl ServerProcess {
    /// Starts the server `command` makes for a free port (its output going to a log file)
    /// and waits until it is `ready`. A server that exits before then is tried again on
    /// another port; panics with its log after [`START_ATTEMPTS`] exits, or when one does
    /// not start within [`START_TIMEOUT`].
    pub fn start(name: &str, ready: Ready, command: impl FnMut(u16) -> Command) -> Self {
        Self::start_on(name, ready, std::iter::repeat_with(free_port), command)
    }

    /// [`ServerProcess::start`] on the given ports, in turn.
    pub fn start_on(
        name: &str,
        ready: Ready,
        ports: impl IntoIterator<Item = u16>,
        mut command: impl FnMut(u16) -> Command,
    ) -> Self {
        let mut last_log = String::new();
        for port in ports.into_iter().take(START_ATTEMPTS) {
            let mut server = Self::spawn(name, command(port), port);
            match server.wait_until_ready(ready) {
                Ok(()) => return server,
                Err(log) => last_log = log,
            }
        }
        panic!(
            "{name} exited before it was ready, {START_ATTEMPTS} times; the last log:\n{last_log}"
        )
    }

    fn spawn(name: &str, mut command: Command, port: u16) -> Self {
        let dir = TempDir::new(&format!("{name}-log"));
        let log = dir.path().join("output.log");
        let out = File::create(&log).expect("a log file");
        let err = out.try_clone().expect("a second handle on the log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|error| panic!("{name} could not be started: {error}"));
        ServerProcess {
            name: name.to_owned(),
            child,
            port,
            log,
            _dir: dir,
        }
    }

    /// `Err(log)` when the process exits first; panics when it is not ready in time.
    fn wait_until_ready(&mut self, ready: Ready) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("({status})\n{}", self.output()));
            }
            let printed = match ready {
                Ready::Accepts => true,
                Ready::Prints(text) => self.output().lines().any(|line| line.starts_with(text)),
            };
            if printed && accepts(address) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "{} was not ready on {address} within {START_TIMEOUT:?}:\n{}",
            self.name,
            self.output()
        );
    }

    /// Panics with what the server printed: for a test whose exchange with it failed.
    pub fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}; what {} (port {}) printed:\n{}",
            self.name,
            self.port,
            self.output()
        );
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What the server printed so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Child::kill signals exactly this process id; wait reaps it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every 50 ms until it gives `Some`, for at most `within`.
pub fn eventually<T>(within: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
