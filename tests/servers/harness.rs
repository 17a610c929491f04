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

/// A running server process, killed (by its id) and reaped when dropped.
pub struct ServerProcess {
    name: String,
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: TempDir,
}

impl ServerProcess {
    /// Starts `command` (its output going to a log file) and waits until 127.0.0.1:`port`
    /// accepts connections; panics with the log if it exits or does not within
    /// [`START_TIMEOUT`].
    pub fn start(name: &str, mut command: Command, port: u16) -> Self {
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
        let mut server = ServerProcess {
            name: name.to_owned(),
            child,
            port,
            log,
            _dir: dir,
        };
        server.wait_until_listening();
        server
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before listening:\n{}",
                    self.name,
                    self.output()
                );
            }
            if std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "{} did not listen on {address} within {START_TIMEOUT:?}:\n{}",
            self.name,
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
