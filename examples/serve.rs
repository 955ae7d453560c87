//! A small static file server for the benchmarks: serves a folder on 127.0.0.1 as Python's
//! `http.server` resolves paths (percent-escapes decoded, `..` dropped), one thread per
//! connection, HTTP/1.0, and prints the port it listens on. Python's own server spends about a
//! millisecond on every request, which would be most of what a client benchmark measures.
//!
//!     cargo run --release --example serve -- FOLDER

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

fn file_for(root: &Path, request_path: &str) -> PathBuf {
    let path = request_path.split(['?', '#']).next().unwrap_or("");
    let decoded = chainscope::files::percent_decode(path).unwrap_or_default();
    let normal = chainscope::intoto::record::normpath(&decoded);
    let mut file = root.to_path_buf();
    for word in normal.split('/') {
        if !(word.is_empty() || word == "." || word == "..") {
            file.push(word);
        }
    }
    file
}

fn answer(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let file = file_for(root, path);
    let mut stream = stream;
    match std::fs::read(&file).ok().filter(|_| file.is_file()) {
        Some(body) => {
            let head = format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            let mut reply = head.into_bytes();
            reply.extend_from_slice(&body);
            stream.write_all(&reply)
        }
        None => stream.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
    }
}

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    println!("{}", listener.local_addr()?.port());
    std::io::stdout().flush()?;
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        std::thread::spawn(move || {
            let _ = answer(stream, &root);
        });
    }
    Ok(())
}
