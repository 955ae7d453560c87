//! Metadata written by python-tuf and in-toto, read through chainscope's typed models: every
//! file loads, its signatures verify with the keys the models carry, and writing the model back
//! leaves the signed bytes unchanged.

use std::collections::BTreeMap;
use std::path::Path;

use chainscope::cjson;
use chainscope::crypto::{KeyFile, PublicKey, Signature, check_threshold, read_key_file};
use chainscope::intoto::{ArtifactRule, Document, Payload};
use chainscope::tuf::{AnyMetadata, Metadata, Root, Targets};
use serde_json::Value;

use crate::{Rng, path_str, reference, reference_lines, temp_dir};

fn met(
    keys: &BTreeMap<String, PublicKey>,
    keyids: &[String],
    threshold: u64,
    signatures: &[Signature],
    bytes: &[u8],
) -> bool {
    let authorized: BTreeMap<String, PublicKey> = keyids
        .iter()
        .map(|k| (k.clone(), keys[k].clone()))
        .collect();
    check_threshold(&authorized, threshold, signatures, bytes).is_met()
}

fn load_tuf(dir: &Path, name: &str) -> AnyMetadata {
    AnyMetadata::from_bytes(&std::fs::read(dir.join(name)).unwrap())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn targets(metadata: AnyMetadata) -> Metadata<Targets> {
    match metadata {
        AnyMetadata::Targets(t) => t,
        _ => panic!("not targets"),
    }
}

#[test]
fn python_tuf_metadata_loads_verifies_and_round_trips() {
    let dir = temp_dir();
    reference(&["tuf-repo", path_str(dir.path())]);
    let dir = dir.path();

    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json") && n != "succinct-assignment.json")
        .collect();
    names.sort();
    assert_eq!(names.len(), 15, "{names:?}");
    for name in &names {
        let metadata = load_tuf(dir, name);
        assert_eq!(
            cjson::encode(&metadata.signed_value()).unwrap(),
            metadata.signed_bytes(),
            "{name}: round trip changed the signed bytes"
        );
    }

    let AnyMetadata::Root(root) = load_tuf(dir, "root.json") else {
        panic!("root.json")
    };
    let Root { keys, roles, .. } = &root.signed;
    assert_eq!(roles["root"].threshold, 2);
    assert!(met(
        keys,
        &roles["root"].keyids,
        2,
        &root.signatures,
        root.signed_bytes()
    ));
    for role in ["targets", "snapshot", "timestamp"] {
        let metadata = load_tuf(dir, &format!("{role}.json"));
        let signatures = match &metadata {
            AnyMetadata::Targets(m) => &m.signatures,
            AnyMetadata::Snapshot(m) => &m.signatures,
            AnyMetadata::Timestamp(m) => &m.signatures,
            AnyMetadata::Root(_) => unreachable!(),
        };
        assert!(
            met(
                keys,
                &roles[role].keyids,
                roles[role].threshold,
                signatures,
                metadata.signed_bytes()
            ),
            "{role}"
        );
    }
    let AnyMetadata::Root(half) = load_tuf(dir, "half-signed-root.json") else {
        panic!()
    };
    assert!(!met(
        keys,
        &roles["root"].keyids,
        2,
        &half.signatures,
        half.signed_bytes()
    ));

    // Delegations: paths, hash prefixes, and succinct bins delegated by a delegated role.
    let top = targets(load_tuf(dir, "targets.json"));
    let delegations = top.signed.delegations.as_ref().unwrap();
    let delegated = delegations.roles.as_ref().unwrap();
    assert_eq!(
        delegated[0].paths.as_deref(),
        Some(&["project/*".to_owned()][..])
    );
    assert_eq!(
        delegated[1].path_hash_prefixes.as_deref(),
        Some(&["8f".to_owned(), "0a1".to_owned()][..])
    );
    assert!(delegated[0].terminating && !delegated[1].terminating);
    for role in delegated {
        let metadata = targets(load_tuf(dir, &format!("{}.json", role.name)));
        assert!(
            met(
                &delegations.keys,
                &role.keyids,
                role.threshold,
                &metadata.signatures,
                metadata.signed_bytes()
            ),
            "{}",
            role.name
        );
    }
    let role1 = targets(load_tuf(dir, "role1.json"));
    let bins_delegations = role1.signed.delegations.as_ref().unwrap();
    let succinct = bins_delegations.succinct_roles.as_ref().unwrap();
    let mut placed = 0;
    for bin in succinct.bin_names() {
        let metadata = targets(load_tuf(dir, &format!("{bin}.json")));
        assert!(
            met(
                &bins_delegations.keys,
                &succinct.keyids,
                succinct.threshold,
                &metadata.signatures,
                metadata.signed_bytes()
            ),
            "{bin}"
        );
        for path in metadata.signed.targets.keys() {
            assert_eq!(
                succinct.role_for_target(path),
                bin,
                "python-tuf put {path} in {bin}"
            );
            placed += 1;
        }
    }
    assert_eq!(placed, 20);

    // python-tuf's bin for many paths and bit lengths.
    let assignment: Value =
        serde_json::from_slice(&std::fs::read(dir.join("succinct-assignment.json")).unwrap())
            .unwrap();
    let paths: Vec<&str> = assignment["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for (bits, expected) in assignment["bins"].as_object().unwrap() {
        let bins = chainscope::tuf::SuccinctRoles {
            keyids: vec![],
            threshold: 1,
            bit_length: bits.parse().unwrap(),
            name_prefix: "b".into(),
            unknown: BTreeMap::new(),
        };
        for (path, bin) in paths.iter().zip(expected.as_array().unwrap()) {
            assert_eq!(
                bins.role_for_target(path),
                bin.as_str().unwrap(),
                "bit_length {bits}, path {path:?}"
            );
        }
    }
}

#[test]
fn in_toto_metadata_loads_verifies_and_round_trips() {
    let dir = temp_dir();
    let ids: Value = serde_json::from_str(&reference(&["intoto", path_str(dir.path())])).unwrap();
    let dir = dir.path();
    let load = |path: &Path| {
        Document::from_bytes(&std::fs::read(path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };

    let document = load(&dir.join("root.layout"));
    assert_eq!(
        document.payload.to_value(),
        *document.raw(),
        "layout round trip"
    );
    let Payload::Layout(layout) = &document.payload else {
        panic!("not a layout")
    };
    let mut schemes: Vec<&str> = layout.keys().values().map(|k| k.scheme_name()).collect();
    schemes.sort();
    assert_eq!(
        schemes,
        ["ecdsa-sha2-nistp256", "ed25519", "rsassa-pss-sha256"]
    );
    let package = &layout.steps()[1];
    assert_eq!(
        package.expected_products()[1].tokens(),
        ["allow", "foo.py"],
        "spelling kept"
    );
    assert_eq!(
        package.expected_products()[1].rule,
        ArtifactRule::Allow("foo.py".into())
    );
    assert_eq!(
        layout.steps()[2].expected_materials()[0].rule.to_string(),
        "MATCH * IN src WITH PRODUCTS IN out FROM package"
    );
    assert_eq!(layout.inspections()[0].run(), ["tar", "xzf", "foo.tar.gz"]);

    let KeyFile::Public(owner) = read_key_file(&dir.join("owner.pub"), None).unwrap() else {
        panic!()
    };
    assert_eq!(owner.keyid(), ids["owner"].as_str().unwrap());
    let owner_keys: BTreeMap<String, PublicKey> = [(owner.keyid().to_owned(), owner)].into();
    assert!(
        check_threshold(
            &owner_keys,
            1,
            document.envelope.signatures(),
            document.signed_bytes()
        )
        .is_met()
    );

    for folder in [dir.to_owned(), dir.join("dsse")] {
        for step in layout.steps() {
            let keyid = &step.pubkeys()[0];
            let link_path = folder.join(format!("{}.{}.link", step.name, &keyid[..8]));
            let link = load(&link_path);
            assert_eq!(
                cjson::encode(&link.payload.to_value()).unwrap(),
                cjson::encode(link.raw()).unwrap(),
                "{}",
                link_path.display()
            );
            let Payload::Link(recorded) = &link.payload else {
                panic!("not a link")
            };
            assert_eq!(recorded.name, step.name);
            assert_eq!(recorded.command(), step.expected_command());
            assert!(
                met(
                    layout.keys(),
                    step.pubkeys(),
                    1,
                    link.envelope.signatures(),
                    link.signed_bytes()
                ),
                "{}",
                link_path.display()
            );
            let other = layout.steps().iter().find(|s| s.name != step.name).unwrap();
            assert!(
                !met(
                    layout.keys(),
                    other.pubkeys(),
                    1,
                    link.envelope.signatures(),
                    link.signed_bytes()
                ),
                "signed by the wrong functionary"
            );
        }
    }
}

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 2 { 8 } else { 10 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => serde_json::json!(rng.next_u64()),
        3 => serde_json::json!(-(rng.below(5) as i64)),
        4 => serde_json::json!(0.5),
        5 => serde_json::json!(
            ["CREATE", "MATCH", "root", "x", "2030-01-01T00:00:00Z"][rng.below(5)]
        ),
        6 => serde_json::json!(0),
        7 => serde_json::json!(""),
        8 => Value::Array(
            (0..rng.below(3))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(3))
                .map(|i| {
                    (
                        ["keyids", "threshold", "name", "_type", "x"][i % 5].to_owned(),
                        random_value(rng, depth + 1),
                    )
                })
                .collect(),
        ),
    }
}

/// Replaces, removes or adds one node somewhere in `value`.
fn mutate(rng: &mut Rng, value: &mut Value) {
    let children = match value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if children == 0 || rng.below(4) == 0 {
        *value = random_value(rng, 0);
        return;
    }
    let index = rng.below(children);
    match value {
        Value::Object(map) => {
            let key = map.keys().nth(index).cloned().unwrap_or_default();
            match rng.below(6) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(format!("x-{}", rng.below(9)), random_value(rng, 0));
                }
                _ => mutate(rng, map.get_mut(&key).unwrap()),
            }
        }
        Value::Array(items) => mutate(rng, &mut items[index]),
        _ => {}
    }
}

#[test]
fn random_json_never_panics_the_loaders() {
    let dir = temp_dir();
    reference(&["tuf-repo", path_str(&dir.path().join("tuf"))]);
    reference(&["intoto", path_str(&dir.path().join("intoto"))]);
    let mut seeds = Vec::new();
    for folder in ["tuf", "intoto", "intoto/dsse"] {
        for entry in std::fs::read_dir(dir.path().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".json") && name != "succinct-assignment.json"
                || name.ends_with(".link")
                || name.ends_with(".layout")
            {
                seeds.push(cjson::parse(&std::fs::read(&path).unwrap()).unwrap());
            }
        }
    }
    assert!(seeds.len() >= 20);
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let (mut loaded, mut refused) = (0, 0);
    for round in 0..6000 {
        let mut value = seeds[round % seeds.len()].clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut rng, &mut value);
        }
        // DSSE seeds hide their payload in base64: mutate the decoded payload too.
        if let Some(payload) = value
            .get("payload")
            .and_then(Value::as_str)
            .and_then(chainscope::crypto::envelope::decode_base64)
            && let Ok(mut inner) = cjson::parse(&payload)
        {
            mutate(&mut rng, &mut inner);
            value["payload"] = Value::String(chainscope::crypto::envelope::encode_base64(
                inner.to_string().as_bytes(),
            ));
        }
        match AnyMetadata::from_value(&value) {
            Ok(metadata) => {
                loaded += 1;
                assert_eq!(
                    cjson::encode(&metadata.signed_value()).unwrap(),
                    metadata.signed_bytes(),
                    "round trip of {value}"
                );
            }
            Err(_) => refused += 1,
        }
        match Document::from_value(&value) {
            Ok(document) => {
                loaded += 1;
                assert_eq!(
                    document.payload.to_value(),
                    *document.raw(),
                    "round trip of {value}"
                );
            }
            Err(_) => refused += 1,
        }
    }
    assert!(
        loaded > 500 && refused > 500,
        "{loaded} loaded, {refused} refused"
    );
}

/// Delegation path matching against python-tuf's `DelegatedRole.is_delegated_path`: globs per
/// `/` segment and sha256 hash prefixes, on random targets and patterns.
#[test]
fn delegated_paths_agree_with_python_tuf() {
    use chainscope::tuf::DelegatedRole;
    use sha2::Digest as _;

    const SEGMENTS: &[&str] = &[
        "a", "b", "pkg", "*", "?", "*.tgz", "[ab]", "[!a]", "x.tgz", "", "..", "**",
    ];
    const NAMES: &[&str] = &["a", "b", "pkg", "x.tgz", "c.tgz", "", "..", "ab"];
    let mut rng = Rng(0x7af0_0000_0000_00d1);
    let mut cases = Vec::new();
    for _ in 0..3000 {
        let target: Vec<&str> = (0..1 + rng.below(3))
            .map(|_| NAMES[rng.below(NAMES.len())])
            .collect();
        let target = target.join("/");
        let case = if rng.below(4) == 0 {
            let digest = hex::encode(sha2::Sha256::digest(target.as_bytes()));
            let prefixes: Vec<String> = (0..1 + rng.below(2))
                .map(|_| {
                    if rng.below(2) == 0 {
                        digest[..1 + rng.below(3)].to_owned()
                    } else {
                        format!("{:x}", rng.below(256))
                    }
                })
                .collect();
            serde_json::json!({"target": target, "prefixes": prefixes})
        } else {
            let paths: Vec<String> = (0..rng.below(3))
                .map(|_| {
                    (0..1 + rng.below(3))
                        .map(|_| SEGMENTS[rng.below(SEGMENTS.len())])
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .collect();
            serde_json::json!({"target": target, "paths": paths})
        };
        cases.push(case);
    }
    let lines: Vec<String> = cases.iter().map(Value::to_string).collect();
    let answers = reference_lines("delegated-paths", &lines);
    let mut delegated = 0;
    for (case, answer) in cases.iter().zip(&answers) {
        let strings = |key: &str| {
            case.get(key)
                .map(|v| serde_json::from_value::<Vec<String>>(v.clone()).unwrap())
        };
        let role = DelegatedRole {
            name: "r".into(),
            keyids: vec![],
            threshold: 1,
            terminating: false,
            paths: strings("paths"),
            path_hash_prefixes: strings("prefixes"),
            unknown: BTreeMap::new(),
        };
        let ours = role.is_delegated_path(case["target"].as_str().unwrap());
        assert_eq!(ours, answer == "1", "case {case}");
        delegated += usize::from(ours);
    }
    assert!(
        delegated > 300 && delegated < 2700,
        "a useful mix: {delegated} of 3000 delegated"
    );
}
