//! The real binary under Xvfb with Mesa's software OpenGL: it opens two samples, draws them
//! and saves its window. Both pictures must hold a drawn window, and differ (alice-only has no
//! update step). Needs `xvfb-run` (scripts/setup-reference.sh installs it); without it the
//! test fails, saying so.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn screenshot(sample: &str, out: &Path) {
    let xvfb = Command::new("xvfb-run")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    assert!(
        xvfb.is_ok(),
        "xvfb-run is missing: install Debian's xvfb, xauth and libgl1-mesa-dri (scripts/setup-reference.sh does)"
    );
    let home = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-repos")
        .join(sample);
    let mut child = Command::new("xvfb-run")
        .args(["--auto-servernum", "--server-args=-screen 0 1400x900x24"])
        .arg(env!("CARGO_BIN_EXE_chainscope"))
        .arg(&sample)
        .arg("--screenshot")
        .arg(out)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("XDG_DATA_HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let output = child.wait_with_output().unwrap();
            assert!(
                status.success(),
                "the app failed under Xvfb: {}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the app did not save its screenshot within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// RGBA pixels and size.
fn decode(path: &Path) -> (Vec<u8>, u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    pixels.truncate(info.buffer_size());
    (pixels, info.width, info.height)
}

#[test]
fn the_app_under_xvfb_draws_alice_only_and_alice_bob_differently() {
    let dir = tempfile::tempdir().unwrap();
    let (only, bob) = (
        dir.path().join("alice-only.png"),
        dir.path().join("alice-bob.png"),
    );
    screenshot("talk-alice-only", &only);
    screenshot("talk-alice-bob", &bob);
    let (a, width, height) = decode(&only);
    let (b, width_b, height_b) = decode(&bob);
    assert_eq!((width, height), (width_b, height_b));
    assert!(width >= 800 && height >= 600, "{width}x{height}");
    for pixels in [&a, &b] {
        let colours: std::collections::BTreeSet<&[u8]> = pixels.chunks(4).collect();
        assert!(
            colours.len() > 50,
            "a blank window: {} colours",
            colours.len()
        );
        // Not one flat background: text and boxes cover a real share of the window.
        let background = pixels.chunks(4).filter(|p| *p == &pixels[..4]).count();
        assert!(
            background < pixels.len() / 4 * 95 / 100,
            "almost all background"
        );
    }
    let differing = a.chunks(4).zip(b.chunks(4)).filter(|(x, y)| x != y).count();
    assert!(
        differing > (width * height / 200) as usize,
        "the two samples look the same: {differing} pixels differ"
    );
}
