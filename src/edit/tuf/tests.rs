use super::*;

fn key(seed: u8) -> PrivateKey {
    PrivateKey::ed25519_from_seed(&[seed; 32])
}

fn when(text: &str) -> UtcTime {
    UtcTime::parse_rfc3339(text).unwrap()
}

fn new_repo(dir: &Path) -> TufRepo {
    let mut keys = BTreeMap::new();
    for (seed, role) in TOP_LEVEL_ROLES.iter().enumerate() {
        keys.insert(*role, (vec![key(seed as u8).public().clone()], 1));
    }
    TufRepo::init(dir, &keys, true, when("2031-01-01T00:00:00Z")).unwrap()
}

#[test]
fn hashed_bins_share_the_prefixes_evenly_and_name_their_range() {
    let dir = tempfile::tempdir().unwrap();
    let mut repo = new_repo(dir.path());
    let expires = when("2031-01-01T00:00:00Z");
    assert_eq!(
        repo.delegate_hashed_bins("targets", 3, "h", &[key(9).public().clone()], 1, expires)
            .unwrap(),
        8
    );
    let targets = repo.current_targets("targets").unwrap();
    let roles = targets.delegations.unwrap().roles.unwrap();
    assert_eq!(roles[0].name, "h-0-1");
    assert_eq!(roles[7].name, "h-e-f");
    assert_eq!(
        roles[7].path_hash_prefixes,
        Some(vec!["e".to_owned(), "f".to_owned()])
    );
    assert!(!repo.is_staged("h-3-4") && repo.is_staged("h-2-3"));
    // Five bits: two hex digits, eight prefixes a bin, every one of the 256 used once.
    let mut repo = new_repo(tempfile::tempdir().unwrap().path());
    repo.delegate_hashed_bins("targets", 5, "b", &[key(9).public().clone()], 1, expires)
        .unwrap();
    let roles = repo
        .current_targets("targets")
        .unwrap()
        .delegations
        .unwrap()
        .roles
        .unwrap();
    assert_eq!(roles.len(), 32);
    assert_eq!(roles[1].name, "b-08-0f");
    let all: BTreeSet<String> = roles
        .iter()
        .flat_map(|r| r.path_hash_prefixes.clone().unwrap())
        .collect();
    assert_eq!(all.len(), 256);
    // Every path lands in exactly one bin, and add-target finds it.
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    for path in ["a", "b/c.txt", "zzz"] {
        let owners: Vec<&str> = roles
            .iter()
            .filter(|r| r.is_delegated_path(path))
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(owners.len(), 1, "{path}");
        assert_eq!(repo.add_target(&file, path, None, None).unwrap(), owners[0]);
    }
}

#[test]
fn key_changes_guard_the_threshold_and_mark_who_must_sign_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut repo = new_repo(dir.path());
    let expires = when("2031-01-01T00:00:00Z");
    repo.delegate(
        "targets",
        "dev",
        &[key(10).public().clone()],
        1,
        Some(vec!["dev/*".into()]),
        None,
        false,
        expires,
    )
    .unwrap();
    let refused = repo.remove_key("dev", key(10).keyid()).unwrap_err();
    assert!(
        matches!(
            &refused,
            RepoError::ThresholdOutOfReach { role, keys_left: 0, threshold: 1 } if role == "dev"
        ),
        "{refused}"
    );
    assert_eq!(
        crate::report::Report::of(&refused).hint.as_deref(),
        Some("lower the threshold first")
    );
    assert!(
        repo.set_threshold("dev", 2).is_err(),
        "two signatures from one key"
    );
    repo.add_key("dev", key(11).public()).unwrap();
    assert!(repo.add_key("dev", key(11).public()).is_err());
    repo.set_threshold("dev", 2).unwrap();
    repo.sign("dev", &key(10)).unwrap();
    let state = repo
        .status(when("2030-01-01T00:00:00Z"))
        .unwrap()
        .into_iter()
        .find(|s| s.role == "dev")
        .unwrap();
    assert_eq!(state.report.missing, vec![key(11).keyid().to_owned()]);
    assert!(!state.ready());
    assert!(matches!(
        repo.sign("dev", &key(12)),
        Err(RepoError::NotAKeyOf { .. })
    ));
    // Unknown roles and names that climb out are refused.
    assert!(matches!(
        repo.add_key("nobody", key(11).public()),
        Err(RepoError::UnknownRole(_))
    ));
    assert!(
        repo.delegate(
            "targets",
            "../x",
            &[key(10).public().clone()],
            1,
            Some(vec!["*".into()]),
            None,
            false,
            expires
        )
        .is_err()
    );
    assert!(
        repo.delegate(
            "targets",
            "dev",
            &[key(10).public().clone()],
            1,
            Some(vec!["*".into()]),
            None,
            false,
            expires
        )
        .is_err()
    );
}

#[test]
fn a_target_whose_file_went_missing_is_not_published() {
    let dir = tempfile::tempdir().unwrap();
    let mut repo = new_repo(dir.path());
    let file = dir.path().join("f");
    std::fs::write(&file, "contents").unwrap();
    repo.add_target(&file, "f.txt", None, None).unwrap();
    for (seed, role) in [(0, "root"), (1, "targets")] {
        repo.sign(role, &key(seed)).unwrap();
    }
    std::fs::remove_dir_all(dir.path().join("staged/targets")).unwrap();
    let options = PublishOptions {
        now: when("2030-01-01T00:00:00Z"),
        online_keys: vec![key(2), key(3)],
        snapshot_expires: when("2030-01-08T00:00:00Z"),
        timestamp_expires: when("2030-01-02T00:00:00Z"),
    };
    let refused = repo
        .publish(&options, &mut AtomicWriter::default())
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("targets lists f.txt, but targets/"),
        "{refused}"
    );
    assert!(!dir.path().join("metadata/timestamp.json").exists());
    // Snapshot and timestamp keys are needed, and named when missing.
    repo.add_target(&file, "f.txt", None, None).unwrap();
    repo.sign("targets", &key(1)).unwrap();
    let options = PublishOptions {
        online_keys: vec![key(2)],
        ..options
    };
    let refused = repo
        .publish(&options, &mut AtomicWriter::default())
        .unwrap_err();
    assert!(
        refused.to_string().contains("timestamp: 0 of 1"),
        "{refused}"
    );
}
