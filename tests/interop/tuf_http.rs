//! TUF over HTTP: every scenario served on loopback and run through `chainscope tuf-client`
//! and python-tuf's ngclient behind the same command line (`tests/reference/tuf_client.py`):
//! the same exit codes and the same files in the metadata and target folders. Servers that
//! send too much or nothing at all end in a clear failure within the time limit.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::tuf_client::{scenario, scenarios, spec};
use crate::{path_str, reference_python, temp_dir};

/// What the test server does with a request.
#[derive(Clone)]
pub enum Mode {
    /// Serves files below the folder as Python's `http.server` does.
    Files(PathBuf),
    /// Answers every request with an endless body.
    Endless,
    /// Accepts and never answers.
    Hang,
}

/// A server on 127.0.0.1, stopped when dropped.
pub struct Server {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Python's `posixpath.normpath` after `unquote`, then `http.server`'s dropping of `.`/`..`.
fn translate(root: &Path, request_path: &str) -> PathBuf {
    let path = request_path.split(['?', '#']).next().unwrap_or("");
    let decoded = chainscope::files::percent_decode(path).unwrap_or_default();
    let normal = chainscope::intoto::record::normpath(&decoded);
    let mut file = root.to_path_buf();
    for word in normal.split('/') {
        if word.is_empty() || word == "." || word == ".." {
            continue;
        }
        file.push(word);
    }
    file
}

fn handle(mut stream: TcpStream, mode: &Mode, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
    }
    match mode {
        Mode::Hang => {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Mode::Endless => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            let chunk = [b'x'; 65536];
            while !stop.load(Ordering::SeqCst) && stream.write_all(&chunk).is_ok() {}
        }
        Mode::Files(root) => {
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let file = translate(root, path);
            match std::fs::read(&file).ok().filter(|_| file.is_file()) {
                Some(body) => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(&body);
                }
                None => {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        }
    }
}

pub fn serve(mode: Mode) -> Server {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind a loopback port");
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if flag.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let (mode, flag) = (mode.clone(), flag.clone());
            std::thread::spawn(move || handle(stream, &mode, &flag));
        }
    });
    Server { port, stop }
}

/// Runs a client (ours, or the reference) with the protocol's arguments.
pub fn client(ours: bool, args: &[String]) -> Output {
    let mut command = if ours {
        let mut c = Command::new(env!("CARGO_BIN_EXE_chainscope"));
        c.arg("tuf-client");
        c
    } else {
        let mut c = Command::new(reference_python());
        c.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/tuf_client.py"));
        c
    };
    command.args(args).output().expect("run a TUF client")
}

/// Every file below `dir` (through symlinks), by relative path.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.insert(relative, bytes);
            }
        }
    }
    found
}

/// Exit code, metadata folder and target folder of one client run.
type ClientResult = (i32, BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>);

/// One scenario through one client: init, copy of the trusted state, refresh or download.
/// Returns the exit code and the metadata and target folders' files.
fn run_scenario(folder: &Path, url: &str, ours: bool) -> ClientResult {
    let spec = spec(folder);
    let work = temp_dir();
    let metadata = work.path().join("metadata");
    let targets = work.path().join("targets");
    std::fs::create_dir_all(&targets).unwrap();
    let root = folder.join(spec["root"].as_str().unwrap());
    let init = client(
        ours,
        &[
            "--metadata-dir".into(),
            path_str(&metadata).into(),
            "init".into(),
            path_str(&root).into(),
        ],
    );
    assert_eq!(
        init.status.code(),
        Some(0),
        "init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    if spec["trusted"].as_bool().unwrap() {
        for (name, bytes) in files(&folder.join("trusted")) {
            std::fs::write(metadata.join(name), bytes).unwrap();
        }
    }
    let mut args: Vec<String> = vec![
        "--metadata-dir".into(),
        path_str(&metadata).into(),
        "--metadata-url".into(),
        format!("{url}/metadata/"),
        "--now".into(),
        spec["now"].as_str().unwrap().into(),
    ];
    let names: Vec<&str> = spec["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    if names.is_empty() {
        args.push("refresh".into());
    } else {
        for name in &names {
            args.extend(["--target-name".into(), (*name).into()]);
        }
        args.extend([
            "--target-base-url".into(),
            format!("{url}/targets/"),
            "--target-dir".into(),
            path_str(&targets).into(),
            "download".into(),
        ]);
    }
    let output = client(ours, &args);
    (
        output.status.code().unwrap_or(-1),
        files(&metadata),
        files(&targets),
    )
}

#[test]
fn both_clients_leave_the_same_files_over_http() {
    let (dir, _) = scenarios();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("scenario.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 45);
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for name in &names {
        let folder = scenario(name);
        let server = serve(Mode::Files(folder.join("repo")));
        let ours = run_scenario(&folder, &server.url(), true);
        let theirs = run_scenario(&folder, &server.url(), false);
        drop(server);
        let differs = spec(&folder)["differs"].as_str().map(str::to_owned);
        if ours != theirs {
            let describe = |(code, metadata, targets): &ClientResult| {
                format!(
                    "exit {code}, metadata {:?}, targets {:?}",
                    metadata.keys().collect::<Vec<_>>(),
                    targets.keys().collect::<Vec<_>>()
                )
            };
            if differs.is_none() {
                mismatches.push(format!(
                    "{name}:\n  chainscope: {}\n  python-tuf: {}",
                    describe(&ours),
                    describe(&theirs)
                ));
            }
        } else {
            compared += 1;
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(compared >= 40, "{compared} scenarios agreed");
}

#[test]
fn a_server_that_sends_too_much_or_nothing_ends_in_a_clear_failure() {
    let folder = scenario("valid");
    let root = folder.join("repo/metadata/1.root.json");
    for (mode, expected) in [
        (Mode::Endless, "larger than the"),
        (Mode::Hang, "timed out"),
    ] {
        let server = serve(mode);
        let work = temp_dir();
        let metadata = work.path().join("metadata");
        let init = client(
            true,
            &[
                "--metadata-dir".into(),
                path_str(&metadata).into(),
                "init".into(),
                path_str(&root).into(),
            ],
        );
        assert!(init.status.success());
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_chainscope"))
            .args([
                "tuf-client",
                "--timeout",
                "3",
                "--metadata-dir",
                path_str(&metadata),
                "--metadata-url",
                &format!("{}/metadata/", server.url()),
                "refresh",
            ])
            .output()
            .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
        // Nothing unverified was kept.
        assert_eq!(
            files(&metadata)
                .keys()
                .filter(|k| !k.contains("root"))
                .count(),
            0
        );
    }
}

#[test]
fn tuf_verify_reads_a_repository_over_http() {
    let folder = scenario("valid");
    let server = serve(Mode::Files(folder.join("repo")));
    let output = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args([
            "tuf",
            "verify",
            &server.url(),
            "--now",
            "2030-01-01T00:00:00Z",
            "--target",
            "project/pkg-7.tgz",
            "--root",
        ])
        .arg(folder.join("repo/metadata/1.root.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("project/pkg-7.tgz: verified"), "{stdout}");
    assert!(
        stdout.contains(&format!("{}/metadata/timestamp.json", server.url())),
        "{stdout}"
    );
}
