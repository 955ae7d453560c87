//! What the app's views are built from, on the checked-in samples: the workspace a sample
//! opens into, the step graph's layout, the delegation tree and target search, the SVG export.

use std::path::{Path, PathBuf};

use chainscope::graph::tree::Row;
use chainscope::graph::{Change, NodeKind, StepGraph, svg};
use chainscope::intoto::Layout;
use chainscope::time::UtcTime;
use chainscope::trace::Verdict;
use chainscope::workspace::{LoadOptions, Source, Workspace, detect, load};

fn sample_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-repos")
        .join(name)
}

fn now() -> UtcTime {
    UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap()
}

fn open(name: &str) -> Workspace {
    let source = detect(&sample_dir(name).display().to_string()).unwrap();
    assert!(matches!(source, Source::Sample { .. }), "{source:?}");
    load(&source, &LoadOptions::new(now())).unwrap()
}

/// Crossings counted again from the drawn polylines, turned to (along the flow, across it): two
/// segments spanning the same pair of layer rows cross when their ends swap order.
fn drawn_crossings(graph: &StepGraph) -> usize {
    let mut segments = Vec::new();
    for points in &graph.drawing.edges {
        for pair in points.windows(2) {
            let (p, q) = ((pair[0].1, pair[0].0), (pair[1].1, pair[1].0));
            let (a, b) = if p.0 <= q.0 { (p, q) } else { (q, p) };
            segments.push((a, b));
        }
    }
    let spacing = chainscope::graph::Spacing::default();
    let band = spacing.node_height + spacing.layer_gap;
    let layer = |u: f32| (u / band).floor() as i64;
    let mut count = 0;
    for (i, (a1, b1)) in segments.iter().enumerate() {
        for (a2, b2) in &segments[i + 1..] {
            let same_span = layer(a1.0) == layer(a2.0) && layer(b1.0) == layer(b2.0);
            if same_span && (a1.1 - a2.1) * (b1.1 - b2.1) < 0.0 {
                count += 1;
            }
        }
    }
    count
}

fn assert_well_drawn(graph: &StepGraph) {
    let boxes = &graph.drawing.nodes;
    assert_eq!(boxes.len(), graph.nodes.len());
    for (i, a) in boxes.iter().enumerate() {
        for (j, b) in boxes.iter().enumerate().skip(i + 1) {
            assert!(
                !a.overlaps(b),
                "{} overlaps {}",
                graph.nodes[i].name,
                graph.nodes[j].name
            );
        }
    }
    assert!(graph.drawing.crossings <= graph.drawing.crossings_after_one_pass);
    assert_eq!(drawn_crossings(graph), graph.drawing.crossings);
    for (edge, points) in graph.edges.iter().zip(&graph.drawing.edges) {
        let (from, to) = (boxes[edge.from], boxes[edge.to]);
        let layers = &graph.drawing.layers;
        if layers[edge.from] < layers[edge.to] {
            assert_eq!(points[0], (from.center().0, from.y + from.height));
            assert_eq!(*points.last().unwrap(), (to.center().0, to.y));
        }
    }
}

#[test]
fn talk_alice_bob_opens_with_tree_graph_and_the_added_step_marked() {
    // Opened from disk, its inspection is not run without the user's consent: nothing
    // failed, but that is not a pass.
    let unconsented = open("talk-alice-bob");
    assert_eq!(
        unconsented.verdict(),
        Some(Verdict::Incomplete),
        "{}",
        unconsented.summary()
    );
    assert!(
        unconsented
            .summary()
            .ends_with("not fully verified: 1 inspection not run"),
        "{}",
        unconsented.summary()
    );
    let layout = unconsented
        .layout
        .as_ref()
        .unwrap()
        .layout
        .as_ref()
        .unwrap();
    let mut options = LoadOptions::new(now());
    options.allowed_inspections = Some(chainscope::workspace::inspection_commands(layout));
    let source = detect(&sample_dir("talk-alice-bob").display().to_string()).unwrap();
    let workspace = load(&source, &options).unwrap();
    assert_eq!(
        workspace.verdict(),
        Some(Verdict::Pass),
        "{}",
        workspace.summary()
    );
    assert_eq!(workspace.target.as_deref(), Some("demo-project.tar.gz"));
    assert_eq!(workspace.packages, ["demo-project.tar.gz"]);

    let tree = workspace.tree.as_ref().unwrap();
    let roles: Vec<String> = tree
        .rows
        .iter()
        .map(|row| match row {
            Row::Role(r) => format!("{}{}", "  ".repeat(r.depth), r.role),
            Row::Bins(b) => format!(
                "{}{}-* ({})",
                "  ".repeat(b.depth),
                b.name_prefix,
                b.count()
            ),
        })
        .collect();
    assert_eq!(
        roles,
        [
            "root",
            "  timestamp",
            "  snapshot",
            "  targets",
            "    bins-* (4)"
        ]
    );
    let Row::Bins(bins) = &tree.rows[4] else {
        panic!()
    };
    assert_eq!(bins.loaded.len(), 4, "every bin verified");

    let layout = workspace.layout.as_ref().unwrap();
    // The graph as it is, and beside it the comparison with the layout listed before.
    assert!(layout.graph.nodes.iter().all(|n| n.change == Change::Same));
    let comparison = layout.comparison.as_ref().unwrap();
    let graph = &comparison.graph;
    let names: Vec<(&str, NodeKind, Change)> = graph
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.kind, n.change))
        .collect();
    assert!(
        names.contains(&("update", NodeKind::Step, Change::Added)),
        "{names:?}"
    );
    assert!(
        names.contains(&("create", NodeKind::Step, Change::Same)),
        "{names:?}"
    );
    assert!(comparison.with.contains("targets v1"));
    // A changed step says what changed.
    let build = graph.nodes.iter().find(|n| n.name == "build").unwrap();
    assert_eq!(build.change, Change::Changed);
    assert!(!build.what_changed.is_empty(), "{build:?}");
    assert_eq!(layout.links_of("update").count(), 1);
    let bob = layout.links_of("update").next().unwrap();
    assert!(!bob.signers.is_empty() && !bob.products.is_empty());
    assert!(layout.links.iter().all(|l| l.by_functionary));
    // The attacker's own build link is signed by a key the layout does not name for build.
    let own_links = open("talk-attacker-own-links");
    let build: Vec<_> = own_links
        .layout
        .as_ref()
        .unwrap()
        .links_of("build")
        .collect();
    assert!(
        !build.is_empty() && build.iter().all(|l| !l.by_functionary),
        "{build:?}"
    );
    assert_well_drawn(graph);
    // create → update → build flows down.
    let y = |name: &str| graph.drawing.nodes[graph.node(name).unwrap()].y;
    assert!(y("create") < y("update") && y("update") < y("build"));
}

#[test]
fn the_target_search_names_the_chain_or_why_nothing_vouches() {
    let workspace = open("talk-alice-bob");
    let found = workspace.search("demo-project.tar.gz").unwrap();
    let (role, info, chain) = found.found.unwrap();
    assert!(role.starts_with("bins-"), "{role}");
    assert_eq!(chain, ["targets".to_owned(), role.clone()]);
    assert!(info.length > 0);
    assert_eq!(
        found.cut_by,
        [("targets".to_owned(), role)],
        "bins are terminating"
    );

    let layout = workspace.search("in-toto-metadata/root.layout").unwrap();
    assert_eq!(layout.found.unwrap().0, "targets");

    let missing = workspace.search("no/such/file.txt").unwrap();
    assert!(missing.found.is_none());
    assert_eq!(
        missing.order.len(),
        2,
        "targets, then the one bin the path hashes to"
    );
    assert!(
        missing
            .why_not
            .unwrap()
            .contains("no role on a delegation path")
    );
}

#[test]
fn the_attack_samples_fail_where_their_sample_json_says() {
    for name in [
        "talk-attacker",
        "expired-timestamp",
        "delegation-outside-paths",
    ] {
        let workspace = open(name);
        assert_eq!(workspace.verdict(), Some(Verdict::Fail), "{name}");
        let spec: serde_json::Value =
            serde_json::from_slice(&std::fs::read(sample_dir(name).join("sample.json")).unwrap())
                .unwrap();
        let (_, check) = workspace.trace().unwrap().first_failure().unwrap();
        assert_eq!(
            check.id,
            spec["expected"]["check"].as_str().unwrap(),
            "{name}"
        );
        assert!(
            workspace.summary().contains("FAIL"),
            "{}",
            workspace.summary()
        );
    }
}

/// A 20-step chain with fan-in from earlier steps (fixed seed) and two inspections.
fn twenty_steps() -> Layout {
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut steps = Vec::new();
    for i in 0..20 {
        let mut materials = Vec::new();
        if i > 0 {
            for _ in 0..1 + next() % 3 {
                let from = next() % i;
                materials.push(serde_json::json!([
                    "MATCH",
                    format!("out{from}/*"),
                    "WITH",
                    "PRODUCTS",
                    "FROM",
                    format!("step{from:02}")
                ]));
            }
        }
        materials.push(serde_json::json!(["DISALLOW", "*"]));
        steps.push(
            serde_json::json!({"_type": "step", "name": format!("step{i:02}"), "threshold": 1,
            "pubkeys": [], "expected_command": [], "expected_materials": materials,
            "expected_products": [["CREATE", format!("out{i}/*")]]}),
        );
    }
    let inspect: Vec<_> = [19, 7]
        .iter()
        .map(|&i| serde_json::json!({"_type": "inspection", "name": format!("check{i}"), "run": ["true"],
            "expected_materials": [["MATCH", "*", "WITH", "PRODUCTS", "FROM", format!("step{i:02}")]],
            "expected_products": []}))
        .collect();
    serde_json::from_value(
        serde_json::json!({"_type": "layout", "expires": "2099-12-31T00:00:00Z",
        "readme": "", "keys": {}, "steps": steps, "inspect": inspect}),
    )
    .unwrap()
}

#[test]
fn a_twenty_step_layout_is_drawn_without_overlaps_and_the_same_every_time() {
    let layout = twenty_steps();
    let graph = StepGraph::of(&layout);
    assert_eq!(graph.nodes.len(), 22);
    assert_well_drawn(&graph);
    for _ in 0..3 {
        assert_eq!(StepGraph::of(&layout), graph);
    }
    // Longest-path layering: every edge goes at least one layer forward.
    for edge in &graph.edges {
        assert!(graph.drawing.layers[edge.from] < graph.drawing.layers[edge.to]);
    }
}

#[test]
fn the_svg_export_parses_and_holds_every_node_and_edge() {
    let workspace = open("talk-alice-bob");
    let graph = &workspace.layout.as_ref().unwrap().graph;
    for graph in [graph.clone(), StepGraph::of(&twenty_steps())] {
        let text = svg::step_graph(&graph, "layout <v2> & \"friends\"");
        let document = roxmltree::Document::parse(&text).unwrap();
        let ids = |prefix: &str| {
            document
                .descendants()
                .filter(|n| n.attribute("id").is_some_and(|id| id.starts_with(prefix)))
                .count()
        };
        assert_eq!(ids("node-"), graph.nodes.len());
        assert_eq!(ids("edge-"), graph.edges.len());
        for (i, node) in graph.nodes.iter().enumerate() {
            let element = document
                .descendants()
                .find(|n| n.attribute("id") == Some(&format!("node-{i}")))
                .unwrap();
            assert_eq!(element.attribute("data-name"), Some(node.name.as_str()));
        }
        for (i, edge) in graph.edges.iter().enumerate() {
            let element = document
                .descendants()
                .find(|n| n.attribute("id") == Some(&format!("edge-{i}")))
                .unwrap();
            assert_eq!(
                element.attribute("data-from"),
                Some(graph.nodes[edge.from].name.as_str())
            );
            assert_eq!(
                element.attribute("data-to"),
                Some(graph.nodes[edge.to].name.as_str())
            );
        }
    }
    let tree = workspace.tree.as_ref().unwrap();
    let text = svg::delegation_tree(tree, "talk-alice-bob");
    let document = roxmltree::Document::parse(&text).unwrap();
    let roles: Vec<&str> = document
        .descendants()
        .filter_map(|n| n.attribute("data-role"))
        .collect();
    assert_eq!(
        roles,
        ["root", "timestamp", "snapshot", "targets", "bins-*"]
    );
}

#[test]
fn changes_on_disk_are_listed_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), "1").unwrap();
    std::fs::write(dir.path().join("b.json"), "2").unwrap();
    let before = chainscope::workspace::FileStamps::scan(dir.path(), true);
    std::fs::remove_file(dir.path().join("a.json")).unwrap();
    std::fs::write(dir.path().join("b.json"), "22").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/c.json"), "3").unwrap();
    let changes = chainscope::workspace::FileStamps::scan(dir.path(), true).changes_since(&before);
    assert_eq!(changes.added, ["sub/c.json"]);
    assert_eq!(changes.removed, ["a.json"]);
    assert_eq!(changes.modified, ["b.json"]);
}

#[test]
fn unrecognized_folders_and_bad_samples_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let error = detect(&dir.path().display().to_string()).unwrap_err();
    assert!(
        error.to_string().contains("neither a TUF repository"),
        "{error}"
    );
    std::fs::write(
        dir.path().join("sample.json"),
        br#"{"name": "x", "summary": 3}"#,
    )
    .unwrap();
    let error = detect(&dir.path().display().to_string()).unwrap_err();
    assert!(
        error.to_string().contains("sample.json: field `summary`"),
        "{error}"
    );
}

/// A file that is not metadata is named for what it is, with what to do instead, rather
/// than reported as broken JSON; a JSON file that is not metadata keeps its own error.
#[test]
fn files_that_are_not_metadata_are_named_for_what_they_are() {
    use chainscope::workspace::WorkspaceError;
    let dir = tempfile::tempdir().unwrap();
    let alice = chainscope::samples::demo_key("alice");
    let mut tar = vec![0u8; 512];
    tar[257..262].copy_from_slice(b"ustar");
    // (file, bytes, what it is named and whether it is a public key; None: a JSON error)
    type Named = Option<(&'static str, bool)>;
    let files: [(&str, Vec<u8>, Named); 7] = [
        (
            "alice.pub",
            alice.public_pem().into_bytes(),
            Some(("a PEM public key", true)),
        ),
        (
            "README.md",
            b"# The demo\n\nRead me.\n".to_vec(),
            Some(("a text document", false)),
        ),
        (
            "pkg.tar.gz",
            vec![0x1f, 0x8b, 8, 0, 0, 0],
            Some(("an archive (a package?)", false)),
        ),
        ("pkg.tar", tar, Some(("an archive (a package?)", false))),
        (
            "blob.bin",
            vec![0, 159, 146, 150, 0, 1],
            Some(("a binary file", false)),
        ),
        (
            "notes",
            b"key = value\n".to_vec(),
            Some(("a text file that is not JSON", false)),
        ),
        ("broken.json", b"{\"signed\": ".to_vec(), None),
    ];
    for (name, bytes, expected) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let source = detect(&path.display().to_string()).unwrap();
        let options = LoadOptions::new(UtcTime::parse_metadata("2026-01-01T00:00:00Z").unwrap());
        let error = load(&source, &options)
            .err()
            .unwrap_or_else(|| panic!("{name} loads"));
        match (expected, &error) {
            (
                Some((what, key)),
                WorkspaceError::NotMetadata {
                    what: found, keyid, ..
                },
            ) => {
                // A public key is read for its keyid, to name the key after the file.
                assert_eq!((*found, keyid.is_some()), (what, key), "{name}");
                assert!(error.to_string().contains(name), "{error}");
                assert!(
                    chainscope::report::Report::of(&error).hint.is_some(),
                    "{name}"
                );
            }
            (None, WorkspaceError::File(_)) => {}
            _ => panic!("{name}: {error:?}"),
        }
    }
}

#[test]
fn an_in_toto_folder_opens_with_its_graph_and_is_verified() {
    // The talk's layout, links, key and package, laid out as in-toto's demo folders are.
    let workspace = open("talk-alice-bob");
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in &workspace.ite2.as_ref().unwrap().downloaded {
        let name = path.rsplit('/').next().unwrap();
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let repo = sample_dir("talk-alice-bob").join("repo/targets");
    let pubkeys = std::fs::read_dir(repo.join("in-toto-pubkeys")).unwrap();
    for entry in pubkeys {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let (_, keyid_name) = name.split_once('.').unwrap();
        std::fs::copy(entry.path(), dir.path().join(keyid_name)).unwrap();
    }
    let verified = workspace.tuf.as_ref().unwrap().verified.as_ref().unwrap();
    let package = verified
        .roles
        .keys()
        .find_map(|name| {
            verified
                .role(name)
                .unwrap()
                .signed
                .targets
                .get("demo-project.tar.gz")
                .cloned()
        })
        .unwrap();
    let sha256 = package.hashes.get("sha256").unwrap();
    std::fs::copy(
        repo.join(format!("{sha256}.demo-project.tar.gz")),
        dir.path().join("demo-project.tar.gz"),
    )
    .unwrap();

    let source = detect(&dir.path().display().to_string()).unwrap();
    assert!(
        matches!(&source, Source::IntotoFolder { layout, .. } if layout.ends_with("root.layout")),
        "{source:?}"
    );
    let opened = load(&source, &LoadOptions::new(now())).unwrap();
    // As in-toto-verify run in that folder: every step passes, and the inspection then sees
    // the layout, links and key beside the package, which this layout's DISALLOW * refuses.
    let (_, check) = opened.trace().unwrap().first_failure().unwrap();
    assert_eq!(check.id, "intoto.inspection.rule", "{}", opened.summary());
    let crate_failure = match &check.outcome {
        chainscope::trace::Outcome::Fail { failure } => failure,
        other => panic!("{other:?}"),
    };
    assert!(
        crate_failure.artifacts.contains(&"root.layout".to_owned()),
        "{crate_failure:?}"
    );
    assert!(
        !crate_failure
            .artifacts
            .contains(&"demo-project.tar.gz".to_owned())
    );
    // in-toto's own verification of the same folder fails the same way.
    let key = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pub"))
        .unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let manifest = scratch.path().join("manifest.json");
    std::fs::write(
        &manifest,
        serde_json::to_vec(&serde_json::json!([{"name": "folder", "folder": dir.path(),
            "layout_keys": [key], "params": {}}]))
        .unwrap(),
    )
    .unwrap();
    let answer: serde_json::Value = serde_json::from_str(&crate::reference(&[
        "verify-chains",
        manifest.to_str().unwrap(),
    ]))
    .unwrap();
    assert_eq!(answer[0]["kind"], "RuleVerificationError", "{answer}");
    assert!(
        answer[0]["message"].as_str().unwrap().contains("DISALLOW"),
        "{answer}"
    );
    let steps_passed = opened
        .trace()
        .unwrap()
        .checks
        .iter()
        .filter(|c| c.id == "intoto.step.links" && !c.failed())
        .count();
    assert_eq!(steps_passed, 3);
    let layout = opened.layout.as_ref().unwrap();
    assert_eq!(layout.links.len(), 3);
    assert!(layout.graph.node("update").is_some());
    assert!(opened.notes.iter().any(|n| n.starts_with("Layout keys: ")));

    // Bob's link gone: the update step has none.
    let update = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("update.")
        })
        .unwrap();
    std::fs::remove_file(update).unwrap();
    let opened = load(&source, &LoadOptions::new(now())).unwrap();
    let (_, check) = opened.trace().unwrap().first_failure().unwrap();
    assert_eq!(check.id, "intoto.step.links");
    assert_eq!(check.subject.to_string(), "step update");
}

#[test]
fn every_talk_sample_graph_is_drawn_without_overlaps_and_the_same_every_time() {
    for name in [
        "talk-alice-only",
        "talk-alice-bob",
        "talk-attacker",
        "talk-attacker-own-links",
        "revoked-bob",
    ] {
        let workspace = open(name);
        let layout = workspace
            .layout
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has a layout"));
        assert!(layout.graph.nodes.len() >= 3, "{name}");
        assert_well_drawn(&layout.graph);
        assert_eq!(open(name).layout.unwrap().graph, layout.graph, "{name}");
    }
}

#[test]
fn the_attackers_change_to_the_package_is_shown_side_by_side() {
    let workspace = open("talk-attacker");
    assert_eq!(workspace.changes.len(), 1, "{:?}", workspace.changes);
    let comparison = &workspace.changes[0];
    assert_eq!(comparison.path, "demo-project.tar.gz");
    assert!(
        comparison.before_source.contains("build link recorded"),
        "{}",
        comparison.before_source
    );
    let changed: Vec<_> = comparison.changed().collect();
    assert!(!changed.is_empty());
    let text_change = changed.iter().find_map(|m| match m {
        chainscope::evidence::MemberChange::Changed { before, after } => {
            Some((before.text.clone()?, after.text.clone()?))
        }
        _ => None,
    });
    let (before, after) = text_change.expect("a text file inside the package changed");
    let lines = chainscope::evidence::side_by_side(&before, &after);
    assert!(lines.iter().any(|l| l.differs()));
    // A passing sample has nothing to compare.
    assert!(open("talk-alice-bob").changes.is_empty());
}
