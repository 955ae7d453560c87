"""TUF scenarios built with python-tuf's Metadata API, and python-tuf's ngclient judging them.

    tuf_ref.py scenarios DIR     writes one folder per scenario under DIR and DIR/index.json
    tuf_ref.py judge DIR         runs ngclient on every scenario, writes DIR/reference.json

Each scenario folder holds `repo/metadata`, `repo/targets`, optionally `trusted/` (the client's
previously trusted metadata, under the unversioned names ngclient persists) and
`scenario.json`: which root the client starts from, which targets it asks for, whether every
delegated role is walked, the time, and, where chainscope decides differently on purpose, why.

Keys are ed25519 from fixed seeds and times are fixed, so every run writes the same bytes.
"""

import copy
import hashlib
import json
import os
import posixpath
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from urllib.parse import quote, unquote

from cryptography.hazmat.primitives.asymmetric import ed25519
from securesystemslib.formats import encode_canonical
from securesystemslib.signer import CryptoSigner, SSlibKey
from tuf.api.metadata import (
    DelegatedRole,
    Delegations,
    Root,
    SuccinctRoles,
    TargetFile,
    Targets,
)

NOW = "2030-01-01T00:00:00Z"
FAR = datetime(2099, 12, 31, tzinfo=timezone.utc)
PAST = "2029-06-01T00:00:00Z"
BASE = "http://repo.invalid/"


def signer(name):
    """Ed25519 from a seed; names starting with `mldsa44-`, `mldsa65-` or `mldsa87-` give ML-DSA
    keys of that level (TAP 21, as tuf-on-ci signs with them)."""
    seed = hashlib.sha256(("chainscope-tuf-" + name).encode()).digest()
    if name.startswith("mldsa"):
        from cryptography.hazmat.primitives.asymmetric import mldsa

        kind = {"mldsa44": mldsa.MLDSA44PrivateKey, "mldsa65": mldsa.MLDSA65PrivateKey,
                "mldsa87": mldsa.MLDSA87PrivateKey}[name.split("-")[0]]
        private = kind.from_seed_bytes(seed)
    else:
        private = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    return CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))


def sign(signed, signers):
    data = encode_canonical(signed).encode("utf-8")
    return {
        "signed": signed,
        "signatures": [{"keyid": s.public_key.keyid, "sig": s.sign(data).signature} for s in signers],
    }


def dump(envelope):
    return json.dumps(envelope, indent=1, sort_keys=True).encode("utf-8")


def write(folder, url_name, data):
    """Writes `data` where a web server serving `folder` finds URL path `url_name`."""
    path = os.path.join(folder, *unquote(url_name).split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


class Repo:
    """A repository as python-tuf objects plus the knobs the scenarios turn."""

    def __init__(self, consistent=True, bins_bits=4, bins_targets=40):
        self.consistent = consistent
        self.signers = {}
        self.root = Root(expires=FAR, consistent_snapshot=consistent)
        for role, names in [
            ("root", ["root1", "root2"]),
            ("targets", ["targets"]),
            ("snapshot", ["snapshot"]),
            ("timestamp", ["timestamp"]),
        ]:
            for name in names:
                self.root.add_key(self.key(name), role)
        self.root.roles["root"].threshold = 2
        self.root_signers = ["root1", "root2"]
        self.later_roots = []  # (signed dict, signer names) for versions 2, 3, ...
        self.roles = {}  # role name -> [Targets, signer names], in publishing order
        self.files = {}
        self.stored_hash = {}
        self.versions = {"timestamp": 1, "snapshot": 1}
        self.edits = {}  # role -> fn(signed dict), applied before signing
        self.file_edits = {}  # url name -> fn(bytes) -> bytes, applied after signing
        self.signing = {}  # role -> signer names, overriding the role's own
        self.meta_hashes = set()  # roles whose snapshot/timestamp entry carries length+hashes

        targets = Targets(expires=FAR)
        self.roles["targets"] = [targets, ["targets"]]
        self.add_target("targets", "file.txt", b"hello\n")
        targets.delegations = Delegations(keys={}, roles={})
        self.delegate("targets", "project", ["project/*"], terminating=True)
        hashed = [f"hashed/a-{i}.bin" for i in range(64)]
        prefixes = ["0", "1"]
        self.delegate("targets", "hashed", None, prefixes=prefixes)
        for path in hashed:
            if hashlib.sha256(path.encode()).hexdigest()[:1] in prefixes:
                self.add_target("hashed", path, path.encode())
        self.delegate("targets", "docs", ["docs/*"])
        self.add_target("docs", "docs/readme.txt", b"read me\n")
        project = self.roles["project"][0]
        self.add_target("project", "project/a.tgz", b"a")
        bins_key = self.key("bins")
        succinct = SuccinctRoles([bins_key.keyid], 1, bins_bits, "bins")
        project.delegations = Delegations(keys={bins_key.keyid: bins_key}, succinct_roles=succinct)
        for name in succinct.get_roles():
            self.roles[name] = [Targets(expires=FAR), ["bins"]]
        for index in range(bins_targets):
            path = f"project/pkg-{index}.tgz"
            self.add_target(succinct.get_role_for_target(path), path, path.encode())

    def key(self, name):
        if name not in self.signers:
            self.signers[name] = signer(name)
        return self.signers[name].public_key

    def delegate(self, parent, name, paths, prefixes=None, terminating=False, keys=None):
        keys = keys or [name]
        delegations = self.roles[parent][0].delegations
        if delegations is None:
            delegations = self.roles[parent][0].delegations = Delegations(keys={}, roles={})
        for key in keys:
            public = self.key(key)
            delegations.keys[public.keyid] = public
        delegations.roles[name] = DelegatedRole(
            name, [self.key(k).keyid for k in keys], 1, terminating, paths=paths, path_hash_prefixes=prefixes
        )
        if name not in self.roles:
            self.roles[name] = [Targets(expires=FAR), keys]

    def add_target(self, role, path, data, hash_algorithms=None):
        target = TargetFile.from_data(path, data, hash_algorithms)
        self.roles[role][0].targets[path] = target
        self.files[path] = data
        # Stored (consistent snapshots) under the first hash as written (`dump` sorts keys), as
        # python-tuf fetches it.
        self.stored_hash[path] = target.hashes[min(target.hashes)]

    def rotate_root(self, changes, signers, version=None):
        """Adds the next root version; `changes(root)` edits a copy of the newest root."""
        newest = copy.deepcopy(self.later_roots[-1][0] if self.later_roots else None)
        root = Root.from_dict(newest) if newest else copy.deepcopy(self.root)
        root.version = version or (len(self.later_roots) + 2)
        changes(root)
        self.later_roots.append((root.to_dict(), signers))

    def name(self, role, version):
        return f"{version}.{quote(role, '')}.json" if self.consistent else f"{quote(role, '')}.json"

    def publish(self, folder):
        metadata = os.path.join(folder, "metadata")
        targets_dir = os.path.join(folder, "targets")
        os.makedirs(metadata, exist_ok=True)
        os.makedirs(targets_dir, exist_ok=True)
        written = {}

        def emit(url_name, data):
            data = self.file_edits.get(url_name, lambda b: b)(data)
            write(metadata, url_name, data)
            written[url_name] = data
            return data

        meta = {}
        for role, (targets, names) in self.roles.items():
            targets.version = self.versions.get(role, 1)
            signed = targets.to_dict()
            self.edits.get(role, lambda s: None)(signed)
            data = dump(sign(signed, [self.signers[n] for n in self.signing.get(role, names)]))
            version = signed["version"]
            served = emit(self.name(role, version), data)
            if self.consistent:
                emit(f"{quote(role, '')}.json", served)
            entry = {"version": version}
            if role in self.meta_hashes:
                entry.update(length=len(data), hashes={"sha256": hashlib.sha256(data).hexdigest()})
            meta[f"{role}.json"] = entry

        snapshot = {"_type": "snapshot", "spec_version": "1.0.31", "version": self.versions["snapshot"],
                    "expires": "2099-12-31T00:00:00Z", "meta": meta}
        self.edits.get("snapshot", lambda s: None)(snapshot)
        data = dump(sign(snapshot, [self.signers[n] for n in self.signing.get("snapshot", ["snapshot"])]))
        served = emit(self.name("snapshot", snapshot["version"]), data)
        if self.consistent:
            emit("snapshot.json", served)
        entry = {"version": snapshot["version"]}
        if "snapshot" in self.meta_hashes:
            entry.update(length=len(data), hashes={"sha256": hashlib.sha256(data).hexdigest()})

        timestamp = {"_type": "timestamp", "spec_version": "1.0.31", "version": self.versions["timestamp"],
                     "expires": "2099-12-31T00:00:00Z", "meta": {"snapshot.json": entry}}
        self.edits.get("timestamp", lambda s: None)(timestamp)
        emit("timestamp.json", dump(sign(timestamp, [self.signers[n] for n in self.signing.get("timestamp", ["timestamp"])])))

        first = self.root.to_dict()
        self.edits.get("root", lambda s: None)(first)
        data = emit("1.root.json", dump(sign(first, [self.signers[n] for n in self.root_signers])))
        for position, (signed, names) in enumerate(self.later_roots, start=2):
            data = emit(f"{position}.root.json", dump(sign(signed, [self.signers[n] for n in names])))
        emit("root.json", data)

        for path, content in self.files.items():
            digest = self.stored_hash[path]
            if self.consistent:
                directory, _, base = path.rpartition("/")
                name = f"{directory}/{digest}.{base}" if directory else f"{digest}.{base}"
            else:
                name = path
            target = os.path.normpath(os.path.join(targets_dir, name))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(self.file_edits.get("target:" + path, lambda b: b)(content))
        return written


def trust(repo, folder):
    """Publishes `repo` as a client's trusted state: unversioned names as ngclient persists them."""
    scratch = tempfile.mkdtemp()
    try:
        written = repo.publish(scratch)
        os.makedirs(folder, exist_ok=True)
        names = ["root.json", "timestamp.json", "snapshot.json"] + [f"{quote(r, '')}.json" for r in repo.roles]
        for name in names:
            with open(os.path.join(folder, name), "wb") as f:
                f.write(written[name] if name in written else written[repo.name(name[:-5], 1)])
    finally:
        shutil.rmtree(scratch)


# Each scenario: (name, build(folder) -> spec). A spec may set "targets", "all", "root",
# "trusted", "differs".
SCENARIOS = []


def scenario(function):
    SCENARIOS.append((function.__name__.replace("_", "-"), function))
    return function


def standard(repo, folder, **spec):
    repo.publish(os.path.join(folder, "repo"))
    spec.setdefault("all", True)
    return spec


@scenario
def valid(folder):
    repo = Repo(bins_bits=8, bins_targets=300)
    return standard(repo, folder, targets=["file.txt", "project/pkg-7.tgz", "project/a.tgz", "docs/readme.txt",
                                           sorted(p for p in repo.files if p.startswith("hashed/"))[0]])


@scenario
def valid_hash_prefix_bins(folder):
    """Sixteen hash-prefix bins listed one by one, each terminating, as PEP 458 drafts did."""
    repo = Repo()
    for digit in "0123456789abcdef":
        repo.delegate("targets", f"pbin-{digit}", None, prefixes=[digit], terminating=True, keys=["pbins"])
    paths = [f"wheels/w-{i}.whl" for i in range(80)]
    for path in paths:
        digit = hashlib.sha256(path.encode()).hexdigest()[0]
        repo.add_target(f"pbin-{digit}", path, path.encode())
    return standard(repo, folder, targets=paths[:6])


@scenario
def valid_not_consistent(folder):
    return standard(Repo(consistent=False), folder, targets=["file.txt", "project/pkg-3.tgz"])


@scenario
def valid_with_hashes_everywhere(folder):
    repo = Repo()
    repo.meta_hashes = {"snapshot", "targets", "docs", "project"}
    return standard(repo, folder, targets=["docs/readme.txt"])


def expire(role):
    def edit(signed):
        signed["expires"] = PAST
    return edit


@scenario
def expired_timestamp(folder):
    repo = Repo()
    repo.edits["timestamp"] = expire("timestamp")
    return standard(repo, folder)


@scenario
def expired_snapshot(folder):
    repo = Repo()
    repo.edits["snapshot"] = expire("snapshot")
    return standard(repo, folder)


@scenario
def expired_targets(folder):
    repo = Repo()
    repo.edits["targets"] = expire("targets")
    return standard(repo, folder)


@scenario
def expired_delegated_role(folder):
    repo = Repo()
    repo.edits["docs"] = expire("docs")
    return standard(repo, folder)


@scenario
def expired_delegated_role_not_needed(folder):
    """Only the walk over every role meets the expired role; this target never reaches it."""
    repo = Repo()
    repo.edits["docs"] = expire("docs")
    return standard(repo, folder, targets=["file.txt"], all=False)


@scenario
def expired_final_root(folder):
    repo = Repo()
    repo.edits["root"] = expire("root")
    return standard(repo, folder)


@scenario
def expired_intermediate_root(folder):
    repo = Repo()
    repo.edits["root"] = expire("root")
    repo.rotate_root(lambda root: None, ["root1", "root2"])
    return standard(repo, folder)


def rollback_pair(folder, before, after, **spec):
    old, new = Repo(), Repo()
    before(old)
    after(new)
    trust(old, os.path.join(folder, "trusted"))
    new.publish(os.path.join(folder, "repo"))
    spec.setdefault("all", True)
    spec["trusted"] = True
    return spec


def versions(**values):
    def set_versions(repo):
        repo.versions.update({k.replace("__", "-"): v for k, v in values.items()})
    return set_versions


@scenario
def rollback_timestamp(folder):
    return rollback_pair(folder, versions(timestamp=5), versions(timestamp=4))


@scenario
def rollback_snapshot_version_in_timestamp(folder):
    return rollback_pair(folder, versions(timestamp=1, snapshot=3), versions(timestamp=2, snapshot=2))


@scenario
def rollback_targets_in_snapshot(folder):
    return rollback_pair(folder, versions(timestamp=1, snapshot=1, targets=3), versions(timestamp=2, snapshot=2, targets=2))


@scenario
def rollback_delegated_role_in_snapshot(folder):
    return rollback_pair(folder, versions(timestamp=1, snapshot=1, docs=3), versions(timestamp=2, snapshot=2, docs=2))


@scenario
def role_removed_from_snapshot(folder):
    def remove_docs(signed):
        del signed["meta"]["docs.json"]
    def after(repo):
        versions(timestamp=2, snapshot=2)(repo)
        repo.edits["snapshot"] = remove_docs
    return rollback_pair(folder, versions(timestamp=1, snapshot=1), after)


@scenario
def timestamp_equal_version(folder):
    """The repository still serves the version the client trusts: kept, and the update goes on."""
    return rollback_pair(folder, versions(timestamp=3, snapshot=3), versions(timestamp=3, snapshot=3))


@scenario
def newer_everything_than_trusted(folder):
    return rollback_pair(folder, versions(timestamp=1, snapshot=1, targets=1),
                         versions(timestamp=2, snapshot=2, targets=2, docs=2), targets=["docs/readme.txt"])


@scenario
def trusted_snapshot_over_the_remote_cap(folder):
    """The client's trusted snapshot is larger than the 2,000,000 bytes a fetched one may be:
    it still holds the targets v3 the served snapshot rolls back from."""
    def before(repo):
        versions(timestamp=1, snapshot=1, targets=3)(repo)
        repo.edits["snapshot"] = lambda signed: signed.__setitem__("x-padding", "p" * 2_100_000)
    return rollback_pair(folder, before, versions(timestamp=2, snapshot=2, targets=2))


@scenario
def trusted_snapshot_current(folder):
    """ngclient uses a trusted snapshot that is still the one timestamp lists, without fetching."""
    return rollback_pair(folder, versions(timestamp=1, snapshot=1), versions(timestamp=2, snapshot=1))


@scenario
def snapshot_hash_mismatch(folder):
    repo = Repo(consistent=False)
    repo.meta_hashes = {"snapshot"}
    # Same length and signed content, other bytes: the signature verifies, the hash does not.
    repo.file_edits["snapshot.json"] = lambda data: data.replace(b"\n ", b" \n", 1)
    return standard(repo, folder)


@scenario
def snapshot_longer_than_listed(folder):
    repo = Repo(consistent=False)
    repo.meta_hashes = {"snapshot"}
    repo.file_edits["snapshot.json"] = lambda data: data + b"\n" * 5
    return standard(repo, folder)


@scenario
def targets_hash_mismatch(folder):
    repo = Repo(consistent=False)
    repo.meta_hashes = {"targets"}
    repo.file_edits["targets.json"] = lambda data: data.replace(b"\n ", b" \n", 1)
    return standard(repo, folder)


@scenario
def delegated_role_length_mismatch(folder):
    repo = Repo()
    repo.meta_hashes = {"docs"}
    def grow(signed):
        signed["meta"]["docs.json"]["length"] += 100
    repo.edits["snapshot"] = grow
    return standard(repo, folder)


@scenario
def target_file_tampered(folder):
    repo = Repo()
    repo.file_edits["target:file.txt"] = lambda data: b"HELLO\n"
    return standard(repo, folder, targets=["file.txt"], all=False)


@scenario
def target_file_longer(folder):
    repo = Repo()
    repo.file_edits["target:docs/readme.txt"] = lambda data: data + b"more"
    return standard(repo, folder, targets=["docs/readme.txt"], all=False)


def new_root_keys(root):
    for keyid in list(root.roles["root"].keyids):
        root.revoke_key(keyid, "root")
    for name in ["root3", "root4"]:
        root.add_key(signer(name).public_key, "root")


@scenario
def root_rotation_valid(folder):
    repo = Repo()
    for name in ["root3", "root4"]:
        repo.key(name)
    repo.rotate_root(new_root_keys, ["root1", "root2", "root3", "root4"])
    repo.rotate_root(lambda root: None, ["root3", "root4"])
    return standard(repo, folder, targets=["file.txt"])


@scenario
def root_rotation_new_keys_only(folder):
    repo = Repo()
    for name in ["root3", "root4"]:
        repo.key(name)
    repo.rotate_root(new_root_keys, ["root3", "root4"])
    return standard(repo, folder)


@scenario
def root_rotation_old_keys_only(folder):
    repo = Repo()
    for name in ["root3", "root4"]:
        repo.key(name)
    repo.rotate_root(new_root_keys, ["root1", "root2"])
    return standard(repo, folder)


@scenario
def root_rotation_version_skip(folder):
    repo = Repo()
    repo.rotate_root(lambda root: None, ["root1", "root2"], version=3)
    return standard(repo, folder)


@scenario
def root_rotation_below_threshold(folder):
    repo = Repo()
    repo.rotate_root(lambda root: None, ["root1"])
    return standard(repo, folder)


def rotate_timestamp_key(keep_old):
    def change(root):
        if not keep_old:
            root.revoke_key(signer("timestamp").public_key.keyid, "timestamp")
        root.add_key(signer("timestamp2").public_key, "timestamp")
    return change


@scenario
def timestamp_key_rotated(folder):
    """Fast-forward recovery: the trusted timestamp v9 was signed by a key root v2 replaced."""
    old, new = Repo(), Repo()
    old.versions["timestamp"] = 9
    new.key("timestamp2")
    new.rotate_root(rotate_timestamp_key(keep_old=False), ["root1", "root2"])
    new.signing["timestamp"] = ["timestamp2"]
    trust(old, os.path.join(folder, "trusted"))
    new.publish(os.path.join(folder, "repo"))
    return {"all": True, "trusted": True}


@scenario
def timestamp_key_added(folder):
    old, new = Repo(), Repo()
    old.versions["timestamp"] = 9
    new.key("timestamp2")
    new.rotate_root(rotate_timestamp_key(keep_old=True), ["root1", "root2"])
    new.signing["timestamp"] = ["timestamp2"]
    trust(old, os.path.join(folder, "trusted"))
    new.publish(os.path.join(folder, "repo"))
    return {"all": True, "trusted": True}


def fast_forward(folder, change_root, new_signing, trusted_versions, served_versions, **spec):
    """The client trusts `trusted_versions` under root v1; root v2 changes keys (`change_root`)
    and the repository serves `served_versions`, signed as `new_signing` says."""
    old, new = Repo(), Repo()
    old.versions.update(trusted_versions)
    new.versions.update(served_versions)
    for role, names in new_signing.items():
        for name in names:
            new.key(name)
        new.signing[role] = names
    new.rotate_root(change_root, ["root1", "root2"])
    trust(old, os.path.join(folder, "trusted"))
    new.publish(os.path.join(folder, "repo"))
    return {"all": True, "trusted": True, **spec}


@scenario
def timestamp_key_rotated_old_snapshot_replayed(folder):
    """Only the timestamp key rotated: the trusted timestamp goes, the trusted snapshot v9 stays
    and catches the older snapshot and targets the new timestamp points at."""
    return fast_forward(folder, rotate_timestamp_key(keep_old=False), {"timestamp": ["timestamp2"]},
                        {"timestamp": 9, "snapshot": 9, "targets": 9},
                        {"timestamp": 10, "snapshot": 3, "targets": 3})


def rotate_snapshot_key(keep_old):
    def change(root):
        if not keep_old:
            root.revoke_key(signer("snapshot").public_key.keyid, "snapshot")
        root.add_key(signer("snapshot2").public_key, "snapshot")
    return change


@scenario
def snapshot_key_added_old_targets_replayed(folder):
    """A key added to snapshot: the trusted snapshot v9 still verifies and catches targets v3."""
    return fast_forward(folder, rotate_snapshot_key(keep_old=True), {"snapshot": ["snapshot2"]},
                        {"timestamp": 9, "snapshot": 9, "targets": 9},
                        {"timestamp": 10, "snapshot": 10, "targets": 3})


@scenario
def snapshot_key_rotated_timestamp_still_trusted(folder):
    """Only the snapshot key replaced: the trusted timestamp v9 still verifies, and the new
    timestamp's snapshot v2 is a rollback from its snapshot v9."""
    return fast_forward(folder, rotate_snapshot_key(keep_old=False), {"snapshot": ["snapshot2"]},
                        {"timestamp": 9, "snapshot": 9}, {"timestamp": 10, "snapshot": 2})


@scenario
def timestamp_and_snapshot_keys_rotated_recovers(folder):
    """Fast-forward recovery: both keys replaced (after a compromise) drop the trusted timestamp
    v9 and snapshot v9, so the repository's timestamp v2 and snapshot v2 are accepted."""
    def rotate_both(root):
        rotate_timestamp_key(keep_old=False)(root)
        rotate_snapshot_key(keep_old=False)(root)
    return fast_forward(folder, rotate_both, {"timestamp": ["timestamp2"], "snapshot": ["snapshot2"]},
                        {"timestamp": 9, "snapshot": 9}, {"timestamp": 2, "snapshot": 2})


HASH_NAMES = ["sha224", "sha384", "sha512_224", "sha512_256", "sha3_224", "sha3_256", "sha3_384",
               "sha3_512", "blake2b", "blake2b-256", "blake2s"]


@scenario
def target_hashes_every_algorithm(folder):
    """Targets listed by each algorithm python-tuf computes, alone and all together."""
    repo = Repo()
    paths = []
    for name in HASH_NAMES:
        path = f"hashes/{name}.txt"
        repo.add_target("targets", path, f"hashed with {name}\n".encode(), [name])
        paths.append(path)
    repo.add_target("targets", "hashes/all.txt", b"every algorithm\n", HASH_NAMES + ["sha256"])
    return standard(repo, folder, targets=paths + ["hashes/all.txt"], all=False)


@scenario
def target_hashes_tampered_blake2b_256(folder):
    """PEP 458's blake2b-256 is checked, not skipped: a changed file fails."""
    repo = Repo()
    repo.add_target("targets", "pypi/pkg.whl", b"genuine wheel", ["blake2b-256"])
    repo.file_edits["target:pypi/pkg.whl"] = lambda b: b"evil wheel!!!"
    return standard(repo, folder, targets=["pypi/pkg.whl"], all=False)


@scenario
def target_named_after_its_first_hash_as_written(folder):
    """With consistent snapshots the file is stored as <first hash as written>.<name>:
    sha512 here, before sha256."""
    repo = Repo()
    repo.add_target("targets", "dist/app.tgz", b"app", ["sha512", "sha256"])
    hashes = repo.roles["targets"][0].targets["dist/app.tgz"].hashes
    repo.stored_hash["dist/app.tgz"] = hashes["sha512"]

    def sha512_first(data):
        envelope = json.loads(data)
        entry = envelope["signed"]["targets"]["dist/app.tgz"]
        entry["hashes"] = {"sha512": hashes["sha512"], "sha256": hashes["sha256"]}
        return json.dumps(envelope, indent=1).encode("utf-8")

    repo.file_edits["1.targets.json"] = sha512_first
    repo.file_edits["targets.json"] = sha512_first
    return standard(repo, folder, targets=["dist/app.tgz"], all=False)


@scenario
def target_with_only_broken_hashes(folder):
    repo = Repo()
    repo.add_target("targets", "old/tool.bin", b"tool", ["md5", "sha1"])
    return standard(repo, folder, targets=["old/tool.bin"], all=False, differs=(
        "stricter: the target's only hashes are MD5 and SHA-1, which chainscope refuses; "
        "python-tuf accepts them"))


@scenario
def timestamp_meta_lists_more_than_snapshot(folder):
    repo = Repo()
    repo.edits["timestamp"] = lambda signed: signed["meta"].__setitem__("targets.json", {"version": 1})
    return standard(repo, folder, differs=(
        "kind: timestamp's meta lists targets.json beside snapshot.json (spec 4.6 allows only "
        "snapshot.json). Both refuse it: python-tuf drops the entry, so the bytes it re-serializes "
        "no longer match the signature (UnsignedMetadataError); chainscope names the entry"))


@scenario
def snapshot_meta_length_zero(folder):
    """timestamp lists snapshot.json with length 0: python-tuf fetches up to its cap (0 counts
    as no length) and then fails the length check."""
    repo = Repo()
    repo.edits["timestamp"] = lambda signed: signed["meta"]["snapshot.json"].__setitem__("length", 0)
    return standard(repo, folder)


@scenario
def targets_meta_length_zero(folder):
    repo = Repo()
    repo.edits["snapshot"] = lambda signed: signed["meta"]["targets.json"].__setitem__("length", 0)
    return standard(repo, folder)


def mldsa_repo():
    """targets, snapshot and timestamp signed with ML-DSA-44, -65 and -87 keys."""
    repo = Repo()
    names = {"targets": "mldsa44-targets", "snapshot": "mldsa65-snapshot", "timestamp": "mldsa87-timestamp"}
    for role, name in names.items():
        old = repo.key(role)
        repo.root.revoke_key(old.keyid, role)
        repo.root.add_key(repo.key(name), role)
        repo.signing[role] = [name]
    repo.roles["targets"][1] = [names["targets"]]
    return repo


@scenario
def valid_mldsa_keys(folder):
    return standard(mldsa_repo(), folder, targets=["file.txt"])


@scenario
def mldsa_targets_signature_tampered(folder):
    repo = mldsa_repo()
    def flip(data):
        envelope = json.loads(data)
        sig = bytearray(bytes.fromhex(envelope["signatures"][0]["sig"]))
        sig[10] ^= 1
        envelope["signatures"][0]["sig"] = sig.hex()
        return dump(envelope)
    repo.file_edits["1.targets.json"] = flip
    return standard(repo, folder)


@scenario
def duplicate_signature_keyid(folder):
    repo = Repo()
    def duplicate(data):
        envelope = json.loads(data)
        envelope["signatures"].append(dict(envelope["signatures"][0]))
        return dump(envelope)
    repo.file_edits["1.targets.json"] = duplicate
    return standard(repo, folder)


@scenario
def same_key_under_two_keyids(folder):
    repo = Repo()
    public = repo.key("docs")
    alias = "a" * 64
    def two_ids(signed):
        signed["delegations"]["keys"][alias] = public.to_dict()
        for role in signed["delegations"]["roles"]:
            if role["name"] == "docs":
                role["keyids"] = [public.keyid, alias]
                role["threshold"] = 2
    repo.edits["targets"] = two_ids
    def add_alias_signature(data):
        envelope = json.loads(data)
        envelope["signatures"].append({"keyid": alias, "sig": envelope["signatures"][0]["sig"]})
        return dump(envelope)
    repo.file_edits["1.docs.json"] = add_alias_signature
    return standard(repo, folder, differs=(
        "stricter: docs has threshold 2 and one key listed under two keyids; python-tuf 7.0.1 counts "
        "the two keyids as two signatures, chainscope counts one key once"))


@scenario
def threshold_zero(folder):
    repo = Repo()
    def zero(signed):
        signed["roles"]["timestamp"]["threshold"] = 0
    repo.edits["root"] = zero
    return standard(repo, folder)


@scenario
def delegated_role_outside_its_paths(folder):
    repo = Repo()
    repo.add_target("docs", "project/evil.tgz", b"evil")
    return standard(repo, folder, targets=["project/evil.tgz"], all=False)


@scenario
def delegated_role_outside_paths_not_consulted(folder):
    """docs lists a file outside docs/*; the file is served, but no search reaches docs for it."""
    repo = Repo()
    repo.add_target("docs", "elsewhere.txt", b"x")
    return standard(repo, folder, targets=["elsewhere.txt"], all=False)


def shared(terminating):
    repo = Repo()
    repo.delegate("targets", "first", ["shared/*"], terminating=terminating)
    repo.delegate("targets", "second", ["shared/*"])
    repo.add_target("second", "shared/x.txt", b"x")
    return repo


@scenario
def terminating_delegation_stops_search(folder):
    return standard(shared(True), folder, targets=["shared/x.txt"], all=False)


@scenario
def non_terminating_delegation_goes_on(folder):
    return standard(shared(False), folder, targets=["shared/x.txt"], all=False)


@scenario
def delegation_priority_order(folder):
    """zeta is listed before alpha; both list the file, and only zeta's hash is the served file."""
    repo = Repo()
    repo.delegate("targets", "zeta", ["order/*"])
    repo.delegate("targets", "alpha", ["order/*"])
    repo.roles["alpha"][0].targets["order/x.txt"] = TargetFile.from_data("order/x.txt", b"alpha's")
    repo.add_target("zeta", "order/x.txt", b"zeta's")
    return standard(repo, folder, targets=["order/x.txt"], all=False)


@scenario
def delegation_cycle(folder):
    repo = Repo()
    repo.delegate("targets", "loop-a", ["loop/*"])
    repo.delegate("loop-a", "loop-b", ["loop/*"])
    repo.delegate("loop-b", "loop-a", ["loop/*"])
    return standard(repo, folder, targets=["loop/missing.txt"])


@scenario
def delegation_chain_over_the_cap(folder):
    repo = Repo()
    parent = "targets"
    for depth in range(40):
        name = f"deep-{depth}"
        repo.delegate(parent, name, ["deep/*"])
        parent = name
    repo.add_target(parent, "deep/bottom.txt", b"bottom")
    return standard(repo, folder, targets=["deep/bottom.txt"], all=False)


@scenario
def target_path_traversal(folder):
    repo = Repo(consistent=False)
    repo.add_target("targets", "../outside.txt", b"outside")
    spec = standard(repo, folder, targets=["../outside.txt"], all=False, differs=(
        "stricter: the target path climbs out of targets/ with `..`; chainscope refuses to fetch it, "
        "while the URL python-tuf builds is normalized (as urllib3 does) to a file beside targets/"))
    # A client that joined paths naively would find the file here.
    with open(os.path.join(folder, "repo", "outside.txt"), "wb") as f:
        f.write(b"outside")
    return spec


@scenario
def target_path_with_an_inner_dotdot(folder):
    repo = Repo(consistent=False)
    repo.add_target("targets", "docs/../inner.txt", b"inner")
    spec = standard(repo, folder, targets=["docs/../inner.txt"], all=False, differs=(
        "stricter: the target path has a `..` segment (that stays inside targets/); chainscope "
        "refuses it, python-tuf's URL is normalized to targets/inner.txt"))
    with open(os.path.join(folder, "repo", "targets", "inner.txt"), "wb") as f:
        f.write(b"inner")
    return spec


@scenario
def role_names_with_slashes(folder):
    repo = Repo()
    repo.delegate("targets", "a/b", ["weird/*"])
    repo.add_target("a/b", "weird/x.txt", b"x")
    return standard(repo, folder, targets=["weird/x.txt"])


@scenario
def role_name_with_dots_versioned(folder):
    """With consistent snapshots `../evil` is fetched as `1...%2Fevil.json`: one folder down."""
    repo = Repo()
    repo.delegate("targets", "../evil", ["evil/*"])
    repo.add_target("../evil", "evil/x.txt", b"x")
    return standard(repo, folder, targets=["evil/x.txt"], all=False)


@scenario
def role_name_climbing_out(folder):
    repo = Repo(consistent=False)
    repo.delegate("targets", "../evil", ["evil/*"])
    repo.add_target("../evil", "evil/x.txt", b"x")
    return standard(repo, folder, targets=["evil/x.txt"], all=False, differs=(
        "stricter: the role file `..%2Fevil.json` decodes to a path that leaves metadata/; chainscope "
        "refuses to fetch it, while the reference's server answers with the file beside metadata/"))


@scenario
def timestamp_over_its_cap(folder):
    repo = Repo()
    def pad(signed):
        signed["x-padding"] = "A" * 20000
    repo.edits["timestamp"] = pad
    return standard(repo, folder)


@scenario
def snapshot_of_wrong_type(folder):
    spec = standard(Repo(consistent=False), folder)
    metadata = os.path.join(folder, "repo", "metadata")
    shutil.copyfile(os.path.join(metadata, "timestamp.json"), os.path.join(metadata, "snapshot.json"))
    return spec


@scenario
def unsupported_key_type(folder):
    repo = Repo()
    def odd_key(signed):
        signed["delegations"]["keys"]["f" * 64] = {"keytype": "foo", "scheme": "bar", "keyval": {"public": "00"}}
    repo.edits["targets"] = odd_key
    return standard(repo, folder)


@scenario
def huge_version(folder):
    repo = Repo()
    def huge(signed):
        signed["version"] = 2**70
    def huge_meta(signed):
        signed["meta"]["docs.json"]["version"] = 2**70
    repo.edits["docs"] = huge
    repo.edits["snapshot"] = huge_meta
    return standard(repo, folder, differs=(
        "stricter: a version above 2^64 is refused as unreadable; python's integers have no limit"))


@scenario
def malformed_json(folder):
    repo = Repo()
    repo.file_edits["1.docs.json"] = lambda data: data[: len(data) // 2]
    return standard(repo, folder)


@scenario
def delegated_role_badly_signed(folder):
    repo = Repo()
    repo.signing["docs"] = ["project"]
    return standard(repo, folder)


@scenario
def delegated_role_not_in_snapshot(folder):
    repo = Repo()
    def drop(signed):
        del signed["meta"]["docs.json"]
    repo.edits["snapshot"] = drop
    return standard(repo, folder)


@scenario
def snapshot_version_mismatch(folder):
    repo = Repo()
    def say_two(signed):
        signed["meta"]["snapshot.json"]["version"] = 2
    repo.edits["timestamp"] = say_two
    def copy_as_two(data):
        write(os.path.join(folder, "repo", "metadata"), "2.snapshot.json", data)
        return data
    repo.file_edits["1.snapshot.json"] = copy_as_two
    return standard(repo, folder)


@scenario
def targets_version_mismatch(folder):
    repo = Repo()
    def say_two(signed):
        signed["meta"]["targets.json"]["version"] = 2
    repo.edits["snapshot"] = say_two
    def copy_as_two(data):
        write(os.path.join(folder, "repo", "metadata"), "2.targets.json", data)
        return data
    repo.file_edits["1.targets.json"] = copy_as_two
    return standard(repo, folder)


@scenario
def timestamp_signed_by_wrong_key(folder):
    repo = Repo()
    repo.signing["timestamp"] = ["snapshot"]
    return standard(repo, folder)


@scenario
def missing_target(folder):
    return standard(Repo(), folder, targets=["no/such/file.txt"], all=False)


@scenario
def missing_timestamp(folder):
    spec = standard(Repo(), folder)
    os.remove(os.path.join(folder, "repo", "metadata", "timestamp.json"))
    return spec


@scenario
def review_findings(folder):
    """A repository that verifies up to one role but shows every finding of the review."""
    repo = Repo()
    root1 = repo.key("root1")
    spare = repo.key("spare")
    odd = repo.key("odd")
    def root_edits(signed):
        signed["roles"]["root"] = {"keyids": [root1.keyid], "threshold": 1}
        signed["roles"]["timestamp"] = {"keyids": [root1.keyid], "threshold": 1}
        # Published with its private half, as DataDog's downloader root once was.
        spare_dict = spare.to_dict()
        spare_dict["keyval"]["private"] = "11" * 32
        signed["keys"][spare.keyid] = spare_dict
    repo.edits["root"] = root_edits
    repo.root_signers = ["root1"]
    repo.signing["timestamp"] = ["root1"]
    repo.delegate("targets", "online-docs", ["online/*"], keys=["snapshot"])
    repo.add_target("online-docs", "online/readme.txt", b"signed online")
    repo.delegate("targets", "needs-two", ["two/*"])
    def targets_edits(signed):
        signed["expires"] = "2030-01-10T00:00:00Z"
        signed["delegations"]["keys"]["c" * 64] = odd.to_dict()
        for role in signed["delegations"]["roles"]:
            if role["name"] == "needs-two":
                role["keyids"].append("d" * 64)
                role["threshold"] = 2
    repo.edits["targets"] = targets_edits
    return standard(repo, folder)


def cmd_scenarios(folder):
    index = []
    for name, build in SCENARIOS:
        path = os.path.join(folder, name)
        os.makedirs(path, exist_ok=True)
        spec = build(path)
        spec.setdefault("targets", [])
        spec.setdefault("all", False)
        spec.setdefault("trusted", False)
        spec.setdefault("differs", None)
        spec["now"] = NOW
        spec["root"] = "trusted/root.json" if spec["trusted"] else "repo/metadata/1.root.json"
        with open(os.path.join(path, "scenario.json"), "w") as f:
            json.dump(spec, f, indent=1)
        index.append(name)
    with open(os.path.join(folder, "index.json"), "w") as f:
        json.dump(index, f, indent=1)


def folder_fetcher(repo):
    """A fetcher class serving the repository folder `repo` at BASE, as a web server would."""
    from tuf.api import exceptions
    from tuf.ngclient.fetcher import FetcherInterface

    class FolderFetcher(FetcherInterface):
        """A web server over the repository folder: escapes decoded, nothing outside served."""

        def _fetch(self, url):
            # urllib3 removes dot segments from the URL path before it asks the server.
            relative = posixpath.normpath("/" + url[len(BASE):]).lstrip("/")
            relative = unquote(relative)
            target = os.path.realpath(os.path.join(repo, *relative.split("/")))
            if not target.startswith(repo + os.sep) or not os.path.isfile(target):
                raise exceptions.DownloadHTTPError(f"{url}: not found", 404)
            with open(target, "rb") as f:
                return iter([f.read()])

    return FolderFetcher


def cmd_fetch_target(root, repo, target, now, out):
    """ngclient fetches TARGET from the repository folder REPO (metadata/, targets/), trusting
    the root file ROOT, as of NOW (RFC 3339, Z); the target's bytes go to OUT."""
    from tuf.ngclient import Updater

    fetcher = folder_fetcher(os.path.realpath(repo))()
    work = tempfile.mkdtemp()
    try:
        metadata_dir = os.path.join(work, "metadata")
        os.makedirs(metadata_dir)
        with open(root, "rb") as f:
            bootstrap = f.read()
        updater = Updater(metadata_dir, BASE + "metadata/", os.path.join(work, "downloads"),
                          BASE + "targets/", fetcher=fetcher, bootstrap=bootstrap)
        updater._trusted_set.reference_time = datetime.strptime(
            now, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        updater.refresh()
        info = updater.get_targetinfo(target)
        if info is None:
            sys.exit(f"{target} not found")
        path = updater.download_target(info, os.path.join(work, "target"))
        shutil.copyfile(path, out)
    finally:
        shutil.rmtree(work)


def judge(path):
    """ngclient on one scenario: `pass`, or the first exception's class and message."""
    from tuf.api.metadata import Targets as TargetsType
    from tuf.ngclient import Updater

    with open(os.path.join(path, "scenario.json")) as f:
        spec = json.load(f)
    FolderFetcher = folder_fetcher(os.path.realpath(os.path.join(path, "repo")))

    work = tempfile.mkdtemp()
    try:
        metadata_dir = os.path.join(work, "metadata")
        if spec["trusted"]:
            shutil.copytree(os.path.join(path, "trusted"), metadata_dir)
        else:
            os.makedirs(metadata_dir)
        with open(os.path.join(path, spec["root"]), "rb") as f:
            bootstrap = f.read()
        now = datetime.strptime(spec["now"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        try:
            updater = Updater(metadata_dir, BASE + "metadata/", os.path.join(work, "downloads"),
                              BASE + "targets/", fetcher=FolderFetcher(), bootstrap=bootstrap)
            updater._trusted_set.reference_time = now
            updater.refresh()
            for target in spec["targets"]:
                info = updater.get_targetinfo(target)
                if info is None:
                    return {"verdict": "fail", "kind": "TargetNotFound", "message": f"{target} not found"}
                updater.download_target(info)
            if spec["all"]:
                walk_every_role(updater, TargetsType)
        except Exception as e:  # noqa: BLE001 - the exception is the answer
            return {"verdict": "fail", "kind": type(e).__name__, "message": str(e)}
        return {"verdict": "pass", "kind": None, "message": ""}
    finally:
        shutil.rmtree(work)


def walk_every_role(updater, targets_type):
    """Every delegated role, depth first in priority order, each (delegator, role) pair once."""

    def children(name, metadata):
        delegations = metadata.delegations
        if delegations is None:
            return []
        if delegations.roles is not None:
            return [(role, name) for role in delegations.roles]
        return [(role, name) for role in delegations.succinct_roles.get_roles()]

    top = updater._trusted_set[targets_type.type]
    stack = list(reversed(children("targets", top)))
    seen = set()
    while stack:
        role, parent = stack.pop()
        if (parent, role) in seen:
            continue
        seen.add((parent, role))
        metadata = updater._load_targets(role, parent)
        stack.extend(reversed(children(role, metadata)))


def cmd_judge(folder):
    with open(os.path.join(folder, "index.json")) as f:
        names = json.load(f)
    results = {name: judge(os.path.join(folder, name)) for name in names}
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)


def cmd_bench_repo(folder, layout, roles, targets):
    """A repository for the benchmark: `roles` bins holding `targets` targets in all, as TAP 15
    succinct bins (`layout` = succinct) or as hash-prefix delegated roles (`layout` = prefixes,
    terminating delegations, or prefixes-not-terminating: the same bins delegated otherwise)."""
    from tuf.api.metadata import SuccinctRoles as Succinct

    roles, targets = int(roles), int(targets)
    bits = roles.bit_length() - 1
    assert 1 << bits == roles, "roles must be a power of two"
    signers = {name: signer(name) for name in ["root", "targets", "snapshot", "timestamp", "bins"]}
    root = Root(expires=FAR, consistent_snapshot=True)
    for role in ["root", "targets", "snapshot", "timestamp"]:
        root.add_key(signers[role].public_key, role)
    bins_key = signers["bins"].public_key
    top = Targets(expires=FAR)
    succinct = Succinct([bins_key.keyid], 1, bits, "bins")
    names = list(succinct.get_roles())
    if layout == "succinct":
        top.delegations = Delegations(keys={bins_key.keyid: bins_key}, succinct_roles=succinct)
    else:
        # Bin i covers the hashes whose first `bits` bits are i: as hex prefixes, the
        # 2^(4 - bits % 4) prefixes of ceil(bits / 4) digits that start with those bits.
        digits = -(-bits // 4)
        spare = digits * 4 - bits

        def prefixes(index):
            return [format((index << spare) + j, f"0{digits}x") for j in range(1 << spare)]

        top.delegations = Delegations(keys={bins_key.keyid: bins_key}, roles={
            name: DelegatedRole(name, [bins_key.keyid], 1, layout == "prefixes", path_hash_prefixes=prefixes(i))
            for i, name in enumerate(names)
        })
    bins = {name: Targets(expires=FAR) for name in names}
    targets_dir = os.path.join(folder, "targets")
    for index in range(targets):
        path = f"packages/pkg-{index}/pkg-{index}.tar.gz"
        if index < 100:
            # Real files for the first hundred, which the client benchmark downloads.
            data = f"package {index}\n".encode()
            info = TargetFile.from_data(path, data)
            stored = os.path.join(targets_dir, f"packages/pkg-{index}", f"{info.hashes['sha256']}.pkg-{index}.tar.gz")
            os.makedirs(os.path.dirname(stored), exist_ok=True)
            with open(stored, "wb") as f:
                f.write(data)
        else:
            info = TargetFile(length=index, hashes={"sha256": hashlib.sha256(path.encode()).hexdigest()}, path=path)
        bins[succinct.get_role_for_target(path)].targets[path] = info
    metadata = os.path.join(folder, "metadata")
    os.makedirs(metadata, exist_ok=True)
    meta = {}

    def publish(name, signed_dict, key):
        data = dump(sign(signed_dict, [signers[key]]))
        version = signed_dict["version"]
        with open(os.path.join(metadata, f"{version}.{name}.json" if name != "timestamp" else "timestamp.json"), "wb") as f:
            f.write(data)
        return data

    for name, bin_targets in bins.items():
        publish(name, bin_targets.to_dict(), "bins")
        meta[f"{name}.json"] = {"version": 1}
    publish("targets", top.to_dict(), "targets")
    meta["targets.json"] = {"version": 1}
    snapshot = {"_type": "snapshot", "spec_version": "1.0.31", "version": 1, "expires": "2099-12-31T00:00:00Z", "meta": meta}
    publish("snapshot", snapshot, "snapshot")
    timestamp = {"_type": "timestamp", "spec_version": "1.0.31", "version": 1, "expires": "2099-12-31T00:00:00Z",
                 "meta": {"snapshot.json": {"version": 1}}}
    publish("timestamp", timestamp, "timestamp")
    publish("root", root.to_dict(), "root")


def cmd_bench_python(folder):
    """python-tuf's Metadata API over every role: Metadata.from_file, then the delegator's
    verify_delegate. What the benchmark times against chainscope."""
    from tuf.api.metadata import Metadata

    metadata = os.path.join(folder, "metadata")
    root = Metadata.from_file(os.path.join(metadata, "1.root.json"))
    root.signed.verify_delegate("root", root.signed_bytes, root.signatures)
    for role in ["timestamp", "snapshot", "targets"]:
        name = "timestamp.json" if role == "timestamp" else f"1.{role}.json"
        md = Metadata.from_file(os.path.join(metadata, name))
        root.signed.verify_delegate(role, md.signed_bytes, md.signatures)
        if role == "targets":
            targets = md
    delegations = targets.signed.delegations
    names = (delegations.succinct_roles.get_roles() if delegations.succinct_roles is not None
             else list(delegations.roles))
    for name in names:
        md = Metadata.from_file(os.path.join(metadata, f"1.{name}.json"))
        targets.signed.verify_delegate(name, md.signed_bytes, md.signatures)


def cmd_editable(folder):
    """A python-tuf repository with fields no spec version defines in every kind of object the
    editor rewrites (root, targets, delegations, delegated role entries, target files), for
    round trips: an editor must keep them exactly."""
    repo = Repo(bins_bits=2, bins_targets=4)

    def root(signed):
        signed["x-root-note"] = {"kept": [1, "two", None, True]}
        signed["roles"]["targets"]["x-role-note"] = "role entry"

    def targets(signed):
        signed["x-targets-note"] = "targets"
        signed["targets"]["file.txt"]["x-file-note"] = {"nested": {"deep": 1}}
        signed["delegations"]["x-delegations-note"] = []
        signed["delegations"]["roles"][0]["x-delegated-role-note"] = "entry"

    def docs(signed):
        signed["x-docs-note"] = "docs"
        signed["targets"]["docs/readme.txt"]["custom"] = {"owner": "docs team"}

    repo.edits.update(root=root, targets=targets, docs=docs)
    repo.publish(folder)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"scenarios": cmd_scenarios, "judge": cmd_judge, "bench-repo": cmd_bench_repo,
     "bench-python": cmd_bench_python, "editable": cmd_editable,
     "fetch-target": cmd_fetch_target}[command](*args)
