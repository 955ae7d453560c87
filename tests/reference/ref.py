"""The Python reference side of chainscope's interop tests.

Driven by tests/interop.rs with the venv that scripts/setup-reference.sh builds (pinned in-toto,
tuf, securesystemslib[crypto]). Every subcommand reads and writes files in a folder the Rust test
owns, so each side judges exactly the same bytes.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from securesystemslib.dsse import Envelope
from securesystemslib.formats import encode_canonical
from securesystemslib.signer import CryptoSigner, Signature, SSlibKey

PASSPHRASE = b"hunter2 correct horse"

# name, key kind, scheme: every scheme securesystemslib registers for verification.
KEYS = [
    ("ed25519", "ed25519", "ed25519"),
    ("rsa-pss-sha256", "rsa", "rsassa-pss-sha256"),
    ("rsa-pss-sha384", "rsa", "rsassa-pss-sha384"),
    ("rsa-pss-sha512", "rsa", "rsassa-pss-sha512"),
    ("rsa-pkcs1v15-sha256", "rsa", "rsa-pkcs1v15-sha256"),
    ("rsa-pkcs1v15-sha384", "rsa", "rsa-pkcs1v15-sha384"),
    ("rsa-pkcs1v15-sha512", "rsa", "rsa-pkcs1v15-sha512"),
    ("ecdsa-p256", "p256", "ecdsa-sha2-nistp256"),
    ("ecdsa-p384", "p384", "ecdsa-sha2-nistp384"),
    ("ecdsa-p521", "p521", "ecdsa-sha2-nistp521"),
]


def new_private(kind):
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    curve = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1(), "p521": ec.SECP521R1()}[kind]
    return ec.generate_private_key(curve)


def pem_private(key, encrypted):
    algorithm = (
        serialization.BestAvailableEncryption(PASSPHRASE)
        if encrypted
        else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, algorithm)


def pem_public(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def cmd_cjson(src, dst):
    """One canonical encoding (hex) or error name per input line."""
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            try:
                encoded = encode_canonical(json.loads(line)).encode("utf-8")
                out.write("ok " + encoded.hex() + "\n")
            except Exception as e:  # noqa: BLE001 - the error type is the answer
                out.write("error " + type(e).__name__ + "\n")


def cmd_rules(src, dst):
    """in-toto's own rule parser on each JSON line: the unpacked rule, or "error"."""
    from in_toto.rulelib import unpack_rule

    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            try:
                out.write("ok " + json.dumps(unpack_rule(json.loads(line)), sort_keys=True) + "\n")
            except Exception:  # noqa: BLE001 - any refusal counts as "error"
                out.write("error\n")


def cmd_fnmatch(src, dst):
    """fnmatch.fnmatch(name, pattern) for each JSON line [name, pattern]: 1 or 0."""
    import fnmatch

    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            name, pattern = json.loads(line)
            out.write("1\n" if fnmatch.fnmatch(name, pattern) else "0\n")


def cmd_gitignore(src, dst):
    """in-toto's exclude matching (pathspec GitIgnoreSpec, "gitwildmatch") for each JSON line
    [patterns, paths]: a string of 1/0 per path, or "error" when the patterns do not compile."""
    import warnings

    from pathspec import GitIgnoreSpec

    warnings.simplefilter("ignore")
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            patterns, paths = json.loads(line)
            try:
                spec = GitIgnoreSpec.from_lines("gitwildmatch", patterns)
            except Exception:  # noqa: BLE001 - refusal is the answer
                out.write("error\n")
                continue
            out.write("".join("1" if spec.match_file(p) else "0" for p in paths) + "\n")


def _sorted_message(head):
    """A RuleVerificationError's first line with its artifact list or set sorted."""
    import ast

    for marker in (" matched the following artifacts: ", " in: "):
        if marker in head:
            prefix, _, rest = head.rpartition(marker)
            items = set() if rest == "set()" else ast.literal_eval(rest)
            items = sorted(items)
            if rest.startswith("["):
                return prefix + marker + repr(items)
            body = ", ".join(repr(i) for i in items)
            return prefix + marker + ("{" + body + "}" if items else "set()")
    return head


def cmd_item_rules(src, dst):
    """in-toto's verify_item_rules on each JSON case: queue after each rule, and the error."""
    from in_toto import verifylib
    from in_toto.exceptions import RuleVerificationError
    from in_toto.models.link import Link

    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            case = json.loads(line)
            links = {
                name: Link(name=name, materials=recorded["materials"], products=recorded["products"])
                for name, recorded in case["links"].items()
            }
            error = None
            try:
                verifylib.verify_item_rules(case["name"], case["list"], case["rules"], links)
            except RuleVerificationError as e:
                error = _sorted_message(str(e).split("\n")[0])
            queues = [sorted(entry["queue"]) for entry in verifylib.RULE_TRACE["trace"]]
            out.write(json.dumps({"error": error, "queues": queues}) + "\n")


def cmd_delegated_paths(src, dst):
    """python-tuf's DelegatedRole.is_delegated_path for each JSON case: 1 or 0."""
    from tuf.api.metadata import DelegatedRole

    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            case = json.loads(line)
            role = DelegatedRole("r", [], 1, False, paths=case.get("paths"), path_hash_prefixes=case.get("prefixes"))
            out.write("1\n" if role.is_delegated_path(case["target"]) else "0\n")


def cmd_make_keys(folder):
    """Keys of every scheme as PKCS#8 files, each with a signature and a DSSE envelope."""
    message = b'{"_type":"link","name":"cross-check \xe2\x9c\x93"}'
    manifest = []
    shared_rsa = None
    for name, kind, scheme in KEYS:
        if kind == "rsa":
            shared_rsa = shared_rsa or new_private("rsa")
            private = shared_rsa
        else:
            private = new_private(kind)
        with open(os.path.join(folder, name + ".pem"), "wb") as f:
            f.write(pem_private(private, encrypted=False))
        with open(os.path.join(folder, name + ".enc.pem"), "wb") as f:
            f.write(pem_private(private, encrypted=True))
        with open(os.path.join(folder, name + ".pub"), "wb") as f:
            f.write(pem_public(private))
        public = SSlibKey.from_crypto(private.public_key(), scheme=scheme)
        signer = CryptoSigner(private, public)
        signature = signer.sign(message)
        envelope = Envelope(message, "application/vnd.in-toto+json", {})
        envelope.sign(signer)
        default_keyid = SSlibKey.from_crypto(private.public_key()).keyid
        # securesystemslib signs PSS with a digest-length salt but verifies any salt length.
        other_salts = []
        if scheme.startswith("rsassa-pss-"):
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding

            digest = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[scheme[-6:]]()
            for salt in (0, padding.PSS.MAX_LENGTH):
                pss = padding.PSS(mgf=padding.MGF1(digest), salt_length=salt)
                sig = private.sign(message, pss, digest)
                public.verify_signature(Signature(public.keyid, sig.hex()), message)
                other_salts.append(sig.hex())
        manifest.append(
            {
                "name": name,
                "scheme": scheme,
                "keyid": public.keyid,
                "default_keyid": default_keyid,
                "key": public.to_dict(),
                "message": message.hex(),
                "sig": signature.signature,
                "other_salt_sigs": other_salts,
                "dsse": envelope.to_dict(),
            }
        )
    with open(os.path.join(folder, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)


def cmd_verify(src):
    """Verify what chainscope signed: prints a JSON list of true/false, one per entry."""
    with open(src, encoding="utf-8") as f:
        entries = json.load(f)
    results = []
    for entry in entries:
        key = SSlibKey.from_dict(entry["keyid"], dict(entry["key"]))
        try:
            if "dsse" in entry:
                Envelope.from_dict(entry["dsse"]).verify([key], 1)
            else:
                key.verify_signature(
                    Signature(entry["keyid"], entry["sig"]), bytes.fromhex(entry["message"])
                )
            results.append(True)
        except Exception:  # noqa: BLE001 - any failure means "does not verify"
            results.append(False)
    print(json.dumps(results))


def cmd_load_private(path, password):
    """The key id and dict securesystemslib gives a PKCS#8 file chainscope wrote."""
    with open(path, "rb") as f:
        private = serialization.load_pem_private_key(
            f.read(), password.encode() if password else None
        )
    public = SSlibKey.from_crypto(private.public_key())
    print(json.dumps({"keyid": public.keyid, "key": public.to_dict()}))


def cmd_tuf_repo(folder):
    """A small repository made with python-tuf's Metadata API, keys of several types."""
    from tuf.api.metadata import (
        DelegatedRole,
        Delegations,
        Metadata,
        MetaFile,
        Root,
        Snapshot,
        SuccinctRoles,
        TargetFile,
        Targets,
        Timestamp,
    )
    from tuf.api.serialization.json import JSONSerializer

    expires = datetime(2099, 12, 31, tzinfo=timezone.utc)
    signers = {}

    def signer(name, kind):
        private = new_private(kind)
        public = SSlibKey.from_crypto(private.public_key())
        signers[name] = CryptoSigner(private, public)
        return public

    root = Root(expires=expires)
    for role, name, kind in [
        ("root", "root1", "ed25519"),
        ("root", "root2", "p256"),
        ("targets", "targets", "p384"),
        ("snapshot", "snapshot", "rsa"),
        ("timestamp", "timestamp", "ed25519"),
    ]:
        root.add_key(signer(name, kind), role)
    root.roles["root"].threshold = 2

    role1_key = signer("role1", "p521")
    role2_key = signer("role2", "rsa")
    bins_key = signer("bins", "ed25519")
    targets = Targets(expires=expires)
    targets.targets["file.txt"] = TargetFile.from_data("file.txt", b"hello\n")
    targets.delegations = Delegations(
        keys={role1_key.keyid: role1_key, role2_key.keyid: role2_key},
        roles={
            "role1": DelegatedRole("role1", [role1_key.keyid], 1, True, paths=["project/*"]),
            "role2": DelegatedRole("role2", [role2_key.keyid], 1, False, path_hash_prefixes=["8f", "0a1"]),
        },
    )
    # role1 hands its paths to TAP 15 succinct bins.
    succinct = SuccinctRoles([bins_key.keyid], 1, 3, "bins")
    role1 = Targets(expires=expires)
    role1.targets["project/a.tgz"] = TargetFile.from_data("project/a.tgz", b"a")
    role1.delegations = Delegations(keys={bins_key.keyid: bins_key}, succinct_roles=succinct)
    role2 = Targets(expires=expires)
    role2.targets["hashed.bin"] = TargetFile.from_data("hashed.bin", b"h", ["sha256", "sha512"])
    bins = {name: Targets(expires=expires) for name in succinct.get_roles()}
    for index in range(20):
        path = f"project/pkg-{index}.tgz"
        bins[succinct.get_role_for_target(path)].targets[path] = TargetFile.from_data(path, path.encode())
    snapshot = Snapshot(expires=expires)
    for name in ["role1", "role2", *bins]:
        snapshot.meta[name + ".json"] = MetaFile(1)
    timestamp = Timestamp(expires=expires)

    files = [
        ("root.json", Metadata(root), ["root1", "root2"]),
        ("targets.json", Metadata(targets), ["targets"]),
        ("role1.json", Metadata(role1), ["role1"]),
        ("role2.json", Metadata(role2), ["role2"]),
        ("snapshot.json", Metadata(snapshot), ["snapshot"]),
        ("timestamp.json", Metadata(timestamp), ["timestamp"]),
    ] + [(name + ".json", Metadata(bin_targets), ["bins"]) for name, bin_targets in bins.items()]
    serializer = JSONSerializer(compact=False)
    for file_name, metadata, names in files:
        for name in names:
            metadata.sign(signers[name], append=True)
        metadata.to_file(os.path.join(folder, file_name), serializer)

    # python-tuf's bin assignment for several bit lengths, for a differential check.
    paths = [f"pkg/{i}/file-{i * 7919}.tar.gz" for i in range(64)] + ["", "a", "ü/ñ", "x" * 300]
    assignment = {
        str(bits): [SuccinctRoles([], 1, bits, "b").get_role_for_target(p) for p in paths]
        for bits in (1, 3, 4, 5, 8, 14, 31, 32)
    }
    with open(os.path.join(folder, "succinct-assignment.json"), "w", encoding="utf-8") as f:
        json.dump({"paths": paths, "bins": assignment}, f)

    # Root signed by only one of its two keys: below threshold.
    half = Metadata(root)
    half.sign(signers["root1"])
    half.to_file(os.path.join(folder, "half-signed-root.json"), serializer)


def cmd_intoto(folder):
    """A layout signed by the owner, and a link recorded by in-toto-run (legacy and DSSE)."""
    from in_toto.models.layout import Inspection, Layout, Step
    from in_toto.models.metadata import Metablock

    folder = os.path.abspath(folder)

    owner = ed25519.Ed25519PrivateKey.generate()
    functionaries = {
        "alice": ec.generate_private_key(ec.SECP256R1()),
        "bob": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "carl": ed25519.Ed25519PrivateKey.generate(),
    }
    for name, key in [("owner", owner), *functionaries.items()]:
        with open(os.path.join(folder, name + ".pem"), "wb") as f:
            f.write(pem_private(key, encrypted=False))
    with open(os.path.join(folder, "owner.pub"), "wb") as f:
        f.write(pem_public(owner))
    public = {name: SSlibKey.from_crypto(key.public_key()) for name, key in functionaries.items()}

    layout = Layout()
    layout.set_relative_expiration(months=12)
    layout.readme = "three functionaries, three key types"
    layout.keys = {k.keyid: {**k.to_dict(), "keyid": k.keyid} for k in public.values()}
    steps = [
        ("write-code", "alice", ["touch", "foo.py"], [["CREATE", "foo.py"], ["DISALLOW", "*"]], []),
        ("package", "bob", ["touch", "foo.tar.gz"], [["CREATE", "foo.tar.gz"], ["allow", "foo.py"], ["DISALLOW", "*"]],
         [["match", "foo.py", "with", "products", "from", "write-code"], ["DISALLOW", "*"]]),
        ("review", "carl", ["true"], [], [["MATCH", "*", "IN", "src", "WITH", "PRODUCTS", "IN", "out", "FROM", "package"]]),
    ]
    layout.steps = []
    for name, who, command, products, materials in steps:
        step = Step(name=name)
        step.pubkeys = [public[who].keyid]
        step.expected_command = command
        step.expected_products = products
        step.expected_materials = materials
        layout.steps.append(step)
    inspection = Inspection(name="untar")
    inspection.run = ["tar", "xzf", "foo.tar.gz"]
    inspection.expected_materials = [["MATCH", "foo.tar.gz", "WITH", "PRODUCTS", "FROM", "package"]]
    layout.inspect = [inspection]
    metablock = Metablock(signed=layout)
    owner_key = SSlibKey.from_crypto(owner.public_key())
    metablock.create_signature(CryptoSigner(owner, owner_key))
    metablock.dump(os.path.join(folder, "root.layout"))

    work = os.path.join(folder, "work")
    os.makedirs(work, exist_ok=True)
    for dsse, directory in [(False, folder), (True, os.path.join(folder, "dsse"))]:
        os.makedirs(directory, exist_ok=True)
        for name, who, command, _, _ in steps:
            args = [
                os.path.join(os.path.dirname(sys.executable), "in-toto-run"),
                "-n", name,
                "--signing-key", os.path.join(folder, who + ".pem"),
                "-m", ".", "-p", ".",
                "-d", directory,
                "-q",
            ] + (["--use-dsse"] if dsse else []) + ["--"] + command
            subprocess.run(args, cwd=work, check=True)
    # The DSSE links are judged against the same layout.
    with open(os.path.join(folder, "root.layout"), "rb") as src, open(
        os.path.join(folder, "dsse", "root.layout"), "wb"
    ) as dst:
        dst.write(src.read())
    print(json.dumps({**{name: key.keyid for name, key in public.items()}, "owner": owner_key.keyid}))


# ---------------------------------------------------------------------------------------------
# Supply chains for the verification interop suite.


class Chains:
    """Builds scenario folders: a layout, links recorded by in-toto itself, and artifacts."""

    def __init__(self, root):
        from in_toto.models.layout import Layout

        self.root = os.path.abspath(root)
        self.keys = {}
        self.Layout = Layout
        kinds = {"owner": "ed25519", "alice": "ed25519", "bob": "rsa", "carl": "p256", "dave": "ed25519"}
        os.makedirs(os.path.join(self.root, "keys"), exist_ok=True)
        for name, kind in kinds.items():
            private = new_private(kind)
            public = SSlibKey.from_crypto(private.public_key())
            self.keys[name] = (CryptoSigner(private, public), public)
            with open(os.path.join(self.root, "keys", name + ".pub"), "wb") as f:
                f.write(pem_public(private))
            with open(os.path.join(self.root, "keys", name + ".pem"), "wb") as f:
                f.write(pem_private(private, encrypted=False))
        self.manifest = []

    def keyid(self, who):
        return self.keys[who][1].keyid

    def layout(self, steps, inspections=(), expires_months=12):
        from in_toto.models.layout import Inspection, Step

        layout = self.Layout()
        layout.set_relative_expiration(months=expires_months)
        used = sorted({who for step in steps for who in step["who"]})
        layout.keys = {self.keyid(w): {**self.keys[w][1].to_dict(), "keyid": self.keyid(w)} for w in used}
        layout.steps = []
        for spec in steps:
            step = Step(name=spec["name"])
            step.pubkeys = [self.keyid(w) for w in spec["who"]]
            step.threshold = spec.get("threshold", 1)
            step.expected_command = spec.get("command", [])
            step.expected_materials = spec.get("materials", [])
            step.expected_products = spec.get("products", [])
            layout.steps.append(step)
        layout.inspect = []
        for spec in inspections:
            inspection = Inspection(name=spec["name"])
            inspection.run = spec["run"]
            inspection.expected_materials = spec.get("materials", [])
            inspection.expected_products = spec.get("products", [])
            layout.inspect.append(inspection)
        return layout

    def sign_layout(self, layout, path, signer="owner"):
        from in_toto.models.metadata import Metablock

        metablock = Metablock(signed=layout)
        metablock.create_signature(self.keys[signer][0])
        metablock.dump(path)

    def run(self, folder, name, who, command, materials, products, dsse=False, file_keyid_of=None, link_dir=None):
        """in-toto-run in `folder`; the link lands in `link_dir` (default: there) as <name>.<keyid8>.link."""
        from in_toto.models.link import FILENAME_FORMAT
        from in_toto.runlib import in_toto_run

        cwd = os.getcwd()
        os.chdir(folder)
        try:
            link = in_toto_run(name, materials, products, command, signer=self.keys[who][0], use_dsse=dsse)
        finally:
            os.chdir(cwd)
        link.dump(os.path.join(link_dir or folder, FILENAME_FORMAT.format(step_name=name, keyid=self.keyid(file_keyid_of or who))))
        return link

    def scenario(self, name, layout_keys=("owner",), params=None):
        folder = os.path.join(self.root, name)
        os.makedirs(folder)
        self.manifest.append({
            "name": name,
            "folder": folder,
            "layout": os.path.join(folder, "root.layout"),
            "layout_keys": [os.path.join(self.root, "keys", k + ".pub") for k in layout_keys],
            "params": params or {},
        })
        return folder


WRITE = [sys.executable, "-c", "open('foo.py', 'w').write('VERSION = 1\\n')"]
PACK = ["tar", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", "foo.tar", "foo.py"]


def basic_steps(package_who=("bob",), threshold=1, write_products=None):
    return [
        {"name": "write-code", "who": ["alice"], "command": WRITE,
         "products": write_products or [["CREATE", "foo.py"], ["DISALLOW", "*"]]},
        {"name": "package", "who": list(package_who), "threshold": threshold, "command": PACK,
         "materials": [["MATCH", "foo.py", "WITH", "PRODUCTS", "FROM", "write-code"], ["DISALLOW", "*"]],
         "products": [["CREATE", "foo.tar"], ["DISALLOW", "*"]]},
    ]


UNTAR = {"name": "untar", "run": ["tar", "xf", "foo.tar"],
         "materials": [["MATCH", "foo.tar", "WITH", "PRODUCTS", "FROM", "package"], ["ALLOW", "foo.py"],
                       ["ALLOW", "root.layout"], ["DISALLOW", "*"]],
         "products": [["MATCH", "foo.py", "WITH", "PRODUCTS", "FROM", "write-code"], ["ALLOW", "foo.tar"],
                      ["ALLOW", "root.layout"], ["DISALLOW", "*"]]}


def cmd_chains(root):
    """Every scenario of the verification interop suite, with a manifest."""
    import attr

    c = Chains(root)

    def basic(name, *, dsse=False, steps=None, inspections=(UNTAR,), expires=12, layout_keys=("owner",),
              before_package=None, package_runs=(("bob", None),), params=None, write_command=WRITE,
              write_products_recorded=("foo.py",)):
        folder = c.scenario(name, layout_keys=layout_keys, params=params)
        layout = c.layout(steps or basic_steps(), inspections, expires_months=expires)
        c.sign_layout(layout, os.path.join(folder, "root.layout"))
        c.run(folder, "write-code", "alice", write_command, [], list(write_products_recorded), dsse=dsse)
        if before_package:
            before_package(folder)
        for who, file_keyid_of in package_runs:
            c.run(folder, "package", who, PACK, ["foo.py"], ["foo.tar"], dsse=dsse, file_keyid_of=file_keyid_of)
        return folder

    def edit_json(path, change):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        change(data)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)

    def link_path(folder, step, who):
        return os.path.join(folder, f"{step}.{c.keyid(who)[:8]}.link")

    # Passing chains.
    basic("pass-basic")
    basic("pass-dsse", dsse=True)
    basic("pass-one-functionary", steps=basic_steps()[:1], inspections=())
    basic("pass-threshold-2", steps=basic_steps(package_who=("bob", "carl"), threshold=2),
          package_runs=(("bob", None), ("carl", None)))
    basic("pass-threshold-2-dsse", dsse=True, steps=basic_steps(package_who=("bob", "carl"), threshold=2),
          package_runs=(("bob", None), ("carl", None)))
    basic("pass-ecdsa-packager", steps=basic_steps(package_who=("carl",)), package_runs=(("carl", None),))
    params_steps = basic_steps()
    params_steps[0]["products"] = [["CREATE", "{SOURCE}"], ["DISALLOW", "*"]]
    params_steps[0]["command"] = [sys.executable, "-c", "open('{SOURCE}', 'w').write('VERSION = 1\\n')"]
    basic("pass-parameters", steps=params_steps, params={"SOURCE": "foo.py"})
    basic("pass-command-differs", write_command=[sys.executable, "-c", "open('foo.py', 'w').write('VERSION = 1\\n') or None"])

    # Sublayouts: bob performs "package" by a layout of his own, carried out by carl.
    for name, sub_materials in [
        ("pass-sublayout", [["ALLOW", "foo.py"], ["DISALLOW", "*"]]),
        ("fail-sublayout-rule", [["DISALLOW", "*"]]),
    ]:
        folder = c.scenario(name)
        c.sign_layout(c.layout(basic_steps(), (UNTAR,)), os.path.join(folder, "root.layout"))
        c.run(folder, "write-code", "alice", WRITE, [], ["foo.py"])
        sub = c.layout([{"name": "pack", "who": ["carl"], "command": PACK, "materials": sub_materials,
                         "products": [["CREATE", "foo.tar"], ["DISALLOW", "*"]]}])
        c.sign_layout(sub, os.path.join(folder, f"package.{c.keyid('bob')[:8]}.link"), signer="bob")
        sub_dir = os.path.join(folder, f"package.{c.keyid('bob')[:8]}")
        os.makedirs(sub_dir)
        c.run(folder, "pack", "carl", PACK, ["foo.py"], ["foo.tar"], link_dir=sub_dir)

    # A sublayout gets no substitution parameters: in-toto's recursive call passes none, so
    # "{SOURCE}" in the sublayout stays as written and its ALLOW rule matches nothing.
    folder = c.scenario("fail-sublayout-gets-no-parameters", params={"SOURCE": "foo.py"})
    c.sign_layout(c.layout(params_steps, (UNTAR,)), os.path.join(folder, "root.layout"))
    c.run(folder, "write-code", "alice", params_steps[0]["command"][:2] + [
        params_steps[0]["command"][2].replace("{SOURCE}", "foo.py")], [], ["foo.py"])
    sub = c.layout([{"name": "pack", "who": ["carl"], "command": PACK,
                     "materials": [["ALLOW", "{SOURCE}"], ["DISALLOW", "*"]],
                     "products": [["CREATE", "foo.tar"], ["DISALLOW", "*"]]}])
    c.sign_layout(sub, os.path.join(folder, f"package.{c.keyid('bob')[:8]}.link"), signer="bob")
    sub_dir = os.path.join(folder, f"package.{c.keyid('bob')[:8]}")
    os.makedirs(sub_dir)
    c.run(folder, "pack", "carl", PACK, ["foo.py"], ["foo.tar"], link_dir=sub_dir)

    # The command-line tools: in-toto-sign signs the layout, in-toto-record records a step.
    folder = c.scenario("pass-cli-tools")
    layout = c.layout(basic_steps(), (UNTAR,))
    from in_toto.models.metadata import Metablock

    Metablock(signed=layout).dump(os.path.join(folder, "root.layout"))
    keys_dir = os.path.join(c.root, "keys")
    bin_dir = os.path.dirname(sys.executable)
    subprocess.run([os.path.join(bin_dir, "in-toto-sign"), "-f", "root.layout", "-k", os.path.join(keys_dir, "owner.pem")], cwd=folder, check=True)
    c.run(folder, "write-code", "alice", WRITE, [], ["foo.py"])
    record = [os.path.join(bin_dir, "in-toto-record")]
    common = ["-n", "package", "--signing-key", os.path.join(keys_dir, "bob.pem")]
    subprocess.run(record + ["start"] + common + ["-m", "foo.py"], cwd=folder, check=True)
    subprocess.run(PACK, cwd=folder, check=True)
    subprocess.run(record + ["stop"] + common + ["-p", "foo.tar"], cwd=folder, check=True)

    # Failures of the layout itself.
    basic("fail-layout-expired", expires=-1)
    basic("fail-wrong-layout-key", layout_keys=("alice",))
    folder = basic("fail-layout-edited")
    edit_json(os.path.join(folder, "root.layout"), lambda d: d["signed"].__setitem__("readme", "changed after signing"))
    basic("fail-missing-parameter", steps=params_steps, params={"OTHER": "x"})

    # Failures of links and thresholds.
    folder = basic("fail-missing-link")
    os.remove(link_path(folder, "package", "bob"))
    basic("fail-unauthorized-functionary", package_runs=(("dave", "bob"),))
    folder = basic("fail-link-edited")
    edit_json(link_path(folder, "package", "bob"), lambda d: d["signed"]["products"]["foo.tar"].__setitem__("sha256", "00" * 32))
    folder = basic("fail-link-edited-dsse", dsse=True)

    def tamper_dsse(d):
        payload = json.loads(base64.b64decode(d["payload"]))
        payload["products"]["foo.tar"]["sha256"] = "00" * 32
        d["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()

    edit_json(link_path(folder, "package", "bob"), tamper_dsse)
    # A signature that claims bob's keyid but was made with dave's key.
    folder = basic("fail-forged-keyid", package_runs=(("dave", "bob"),))
    edit_json(link_path(folder, "package", "bob"), lambda d: d["signatures"][0].__setitem__("keyid", c.keyid("bob")))
    basic("fail-threshold-not-met", steps=basic_steps(package_who=("bob", "carl"), threshold=2))
    basic("fail-threshold-one-invalid", steps=basic_steps(package_who=("bob", "carl"), threshold=2),
          package_runs=(("bob", None), ("dave", "carl")))

    def carl_differs(folder):
        pass

    folder = c.scenario("fail-links-disagree")
    layout = c.layout(basic_steps(package_who=("bob", "carl"), threshold=2), (UNTAR,))
    c.sign_layout(layout, os.path.join(folder, "root.layout"))
    c.run(folder, "write-code", "alice", WRITE, [], ["foo.py"])
    c.run(folder, "package", "bob", PACK, ["foo.py"], ["foo.tar"])
    with open(os.path.join(folder, "foo.py"), "a", encoding="utf-8") as f:
        f.write("# carl's copy differs\n")
    c.run(folder, "package", "carl", PACK, ["foo.py"], ["foo.tar"])

    # Failures of artifact rules.
    basic("fail-disallow-extra-product",
          write_command=[sys.executable, "-c", "open('foo.py', 'w').write('x'); open('evil.py', 'w').write('y')"],
          write_products_recorded=("foo.py", "evil.py"))
    require_steps = basic_steps(write_products=[["REQUIRE", "README"], ["CREATE", "foo.py"], ["DISALLOW", "*"]])
    basic("fail-require", steps=require_steps)

    def tamper_source(folder):
        with open(os.path.join(folder, "foo.py"), "a", encoding="utf-8") as f:
            f.write("import os; os.system('evil')\n")

    basic("fail-match-hash-mismatch", before_package=tamper_source)
    modify_steps = basic_steps(write_products=[["MODIFY", "foo.py"], ["DISALLOW", "*"]])
    basic("fail-modify-expected", steps=modify_steps)
    create_in_materials = basic_steps()
    create_in_materials[1]["materials"] = [["CREATE", "foo.py"], ["DISALLOW", "*"]]
    basic("fail-create-in-materials", steps=create_in_materials)
    delete_steps = basic_steps()
    delete_steps[1]["materials"] = [["DELETE", "foo.py"], ["DISALLOW", "*"]]
    basic("pass-delete-consumes-material", steps=delete_steps)
    prefix_steps = basic_steps()
    prefix_steps[1]["materials"] = [["MATCH", "*", "IN", "src", "WITH", "PRODUCTS", "FROM", "write-code"], ["DISALLOW", "*"]]
    basic("fail-match-wrong-prefix", steps=prefix_steps)

    # Failures of inspections.
    basic("fail-inspection-exit", inspections=({"name": "check", "run": ["false"]},))
    folder = basic("fail-inspection-extra-file")
    with open(os.path.join(folder, "extra.sh"), "w", encoding="utf-8") as f:
        f.write("echo sneaky\n")
    folder = basic("fail-tampered-final-product")
    with open(os.path.join(folder, "foo.tar"), "ab") as f:
        f.write(b"evil")

    # The packager records the genuine foo.py as its material but packs another: every step
    # rule passes, and only the untar inspection's product rules catch it.
    evil_pack = [sys.executable, "-c",
                 "import subprocess; genuine = open('foo.py').read(); "
                 "open('foo.py', 'w').write('import os  # evil\\n'); "
                 f"subprocess.run({PACK!r}, check=True); open('foo.py', 'w').write(genuine)"]
    folder = c.scenario("fail-caught-only-by-inspection-products")
    c.sign_layout(c.layout(basic_steps(), (UNTAR,)), os.path.join(folder, "root.layout"))
    c.run(folder, "write-code", "alice", WRITE, [], ["foo.py"])
    c.run(folder, "package", "bob", evil_pack, ["foo.py"], ["foo.tar"])

    # in-toto runs every inspection before checking any inspection's rules, so the first
    # inspection's rules may MATCH the products of a later one.
    basic("pass-inspection-matches-a-later-inspection", inspections=(
        {"name": "check-first", "run": ["true"],
         "products": [["MATCH", "foo.py", "WITH", "PRODUCTS", "FROM", "untar-later"],
                      ["DISALLOW", "foo.py"], ["ALLOW", "*"]]},
        {"name": "untar-later", "run": ["tar", "xf", "foo.tar"], "products": [["ALLOW", "*"]]},
    ))

    # A layout without `expires`: in-toto fills in a month from now. DSSE signs the payload as
    # it is, so it verifies; a legacy signature is checked over the re-read layout, which then
    # has an `expires`, so it never does.
    for name, dsse in [("pass-dsse-layout-without-expires", True),
                       ("fail-legacy-layout-without-expires", False)]:
        folder = basic(name)
        signed = attr.asdict(c.layout(basic_steps(), (UNTAR,)))
        del signed["expires"]
        signer = c.keys["owner"][0]
        if dsse:
            envelope = Envelope(json.dumps(signed, sort_keys=True).encode(), "application/vnd.in-toto+json", {})
            envelope.sign(signer)
            data = envelope.to_dict()
        else:
            signature = signer.sign(encode_canonical(signed).encode())
            data = {"signed": signed, "signatures": [signature.to_dict()]}
        with open(os.path.join(folder, "root.layout"), "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)

    # Layout keys are matched by their own `keyid` field: bob's key listed under another id;
    # the step and the link file name use that id, the link's signature bob's real keyid.
    alias = "ab" * 32
    folder = c.scenario("pass-layout-key-listed-under-another-id")
    layout = c.layout(basic_steps(), (UNTAR,))
    layout.keys[alias] = layout.keys.pop(c.keyid("bob"))
    layout.steps[1].pubkeys = [alias]
    c.sign_layout(layout, os.path.join(folder, "root.layout"))
    c.run(folder, "write-code", "alice", WRITE, [], ["foo.py"])
    c.run(folder, "package", "bob", PACK, ["foo.py"], ["foo.tar"])
    os.rename(link_path(folder, "package", "bob"), os.path.join(folder, f"package.{alias[:8]}.link"))

    # ... and a layout key without its own `keyid` is refused when the layout is read.
    folder = c.scenario("unreadable-layout-key-without-keyid")
    layout = c.layout(basic_steps(), (UNTAR,))
    signed = attr.asdict(layout)
    del signed["keys"][c.keyid("bob")]["keyid"]
    signature = c.keys["owner"][0].sign(encode_canonical(signed).encode())
    with open(os.path.join(folder, "root.layout"), "w", encoding="utf-8") as f:
        json.dump({"signed": signed, "signatures": [signature.to_dict()]}, f, indent=1)

    # in-toto-golang's certificate fields: in-toto (python) ignores them in a DSSE layout,
    # chainscope verifies the signature over them and warns that it does not evaluate them.
    folder = basic("pass-dsse-golang-certificate-fields")
    signed = attr.asdict(c.layout(basic_steps(), (UNTAR,)))
    signed["rootcas"] = {}
    signed["intermediatecas"] = {}
    signed["steps"][0]["cert_constraints"] = [{"common_name": "*", "uris": ["spiffe://example.org/build"],
                                               "roots": ["*"], "emails": [], "organizations": [],
                                               "dns_names": []}]
    envelope = Envelope(json.dumps(signed, sort_keys=True).encode(), "application/vnd.in-toto+json", {})
    envelope.sign(c.keys["owner"][0])
    with open(os.path.join(folder, "root.layout"), "w", encoding="utf-8") as f:
        json.dump(envelope.to_dict(), f, indent=1)

    # Only links (and sublayouts) count in a link slot: an ITE-6 statement signed by the step's
    # functionary, under the link's file name.
    def statement_bytes():
        with open(os.path.join(folder, "foo.tar"), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        return json.dumps({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "foo.tar", "digest": {"sha256": digest}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {"buildDefinition": {"buildType": "https://example.com/tar"}},
        }, sort_keys=True).encode()

    def write_statement(who, dsse):
        payload = statement_bytes()
        if dsse:
            envelope = Envelope(payload, "application/vnd.in-toto+json", {})
            envelope.sign(c.keys[who][0])
            data = envelope.to_dict()
        else:
            signed = json.loads(payload)
            signature = c.keys[who][0].sign(encode_canonical(signed).encode())
            data = {"signed": signed, "signatures": [signature.to_dict()]}
        with open(link_path(folder, "package", who), "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)

    two_packagers = basic_steps(package_who=("bob", "carl"), threshold=2)
    for name, dsse in [("fail-statement-toward-threshold-dsse", True),
                       ("fail-statement-toward-threshold-legacy", False)]:
        folder = basic(name, steps=two_packagers)
        write_statement("carl", dsse)
    folder = basic("fail-statement-only-link-dsse")
    os.remove(link_path(folder, "package", "bob"))
    write_statement("bob", True)

    # securesystemslib refuses a DSSE envelope with two signatures under one keyid.
    folder = basic("fail-dsse-two-signatures-one-keyid", dsse=True)

    def repeat_signature(d):
        d["signatures"].append(dict(d["signatures"][0]))

    edit_json(link_path(folder, "package", "bob"), repeat_signature)

    with open(os.path.join(c.root, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(c.manifest, f, indent=1)


def _answer_in_copy(scenario, verify):
    """in-toto's answer for one chain: `verify()` run in a scratch copy of its folder (as
    chainscope runs inspections), as the exception kind, its first line and the failing item."""
    import re
    import shutil
    import tempfile

    scratch = tempfile.mkdtemp()
    copy = os.path.join(scratch, "chain")
    shutil.copytree(scenario["folder"], copy)
    cwd = os.getcwd()
    os.chdir(copy)
    result = {"name": scenario["name"], "kind": None, "message": None, "item": None}
    try:
        verify()
    except Exception as e:  # noqa: BLE001 - the kind is the answer, as in-toto-verify prints it
        text = str(e)
        result["kind"] = type(e).__name__
        result["message"] = _sorted_message(text.split("\n")[0])
        item = re.search(r"of item '([^']*)'", text)
        result["item"] = item.group(1) if item else None
    finally:
        os.chdir(cwd)
        shutil.rmtree(scratch)
    return result


def cmd_verify_chains(manifest_path):
    """in-toto's own verification of every scenario (in a scratch copy, like chainscope)."""
    from in_toto import verifylib
    from in_toto.in_toto_verify import load_public_key_from_file
    from in_toto.models.metadata import Metadata

    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)

    def verify(scenario):
        keys = {}
        for path in scenario["layout_keys"]:
            key = load_public_key_from_file(path)
            keys[key["keyid"]] = key
        verifylib.in_toto_verify(
            Metadata.load("root.layout"), keys, ".",
            substitution_parameters=scenario["params"] or None,
            persist_inspection_links=False,
        )

    print(json.dumps([_answer_in_copy(s, lambda s=s: verify(s)) for s in manifest], indent=1))


def _gpg(home, *args, check=True):
    return subprocess.run(["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback",
                           "--passphrase", "", *args], check=check, capture_output=True, text=True)


def _gpg_fingerprint(home, uid):
    out = _gpg(home, "--list-keys", "--with-colons", uid).stdout
    return next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr"))


def _gpg_subkey_fingerprints(home, uid):
    out = _gpg(home, "--list-keys", "--with-colons", uid).stdout.splitlines()
    return [out[i + 1].split(":")[9] for i, line in enumerate(out) if line.startswith("sub")]


def cmd_gpg_chains(root):
    """Supply chains signed with real GnuPG keys, as in-toto 3.x verifies them: an EdDSA layout
    owner, RSA and DSA functionaries, one signing with a subkey, keys that expire; links by
    `in-toto-run --gpg`, layouts signed by `in-toto-sign --gpg`. Keys exported for chainscope as
    binary and as armored files."""
    import attr
    import shutil
    import time

    from in_toto.models.layout import Layout, Step
    from in_toto.models.metadata import Metablock

    root = os.path.abspath(root)
    home = os.path.join(root, "gnupg")
    os.makedirs(home, mode=0o700)
    # Keys and signatures are made a week in the past (gpg's clock for this home only), so the
    # keys that expire after a day have expired when the chains are verified, however slowly
    # this machine runs: no race against a key that expires in seconds.
    gpg_conf = os.path.join(home, "gpg.conf")
    with open(gpg_conf, "w", encoding="utf-8") as f:
        f.write(f"faked-system-time {int(time.time()) - 7 * 86400}\n")
    bin_dir = os.path.dirname(sys.executable)
    keys_dir = os.path.join(root, "keys")
    os.makedirs(keys_dir)
    who = {}

    def make(name, algo, usage="sign", expire="0"):
        _gpg(home, "--quick-gen-key", f"{name} <{name}@example.com>", algo, usage, expire)
        who[name] = _gpg_fingerprint(home, name)
        return who[name]

    make("owner", "ed25519")
    make("alice", "rsa2048")
    make("bob", "dsa2048")
    # RSA for the keys whose self-signatures matter (a signing subkey, an expiry):
    # securesystemslib hashes a key packet as written, which matches RFC 4880's form only for
    # packets with a two-byte length, so it never sees an Ed25519 key's subkeys or expiry.
    make("carl", "rsa2048", usage="cert")
    _gpg(home, "--quick-add-key", who["carl"], "rsa2048", "sign", "0")
    carl_sub = _gpg_subkey_fingerprints(home, "carl")[0].lower()
    make("dave", "rsa2048", expire="1d")
    make("erin", "rsa2048", expire="1d")
    for name, fpr in who.items():
        binary = subprocess.run(["gpg", "--homedir", home, "--export", fpr], check=True,
                                capture_output=True).stdout
        with open(os.path.join(keys_dir, name + ".gpg"), "wb") as f:
            f.write(binary)
        with open(os.path.join(keys_dir, name + ".asc"), "w", encoding="utf-8") as f:
            f.write(_gpg(home, "--export", "--armor", fpr).stdout)

    def layout(steps):
        l = Layout()
        l.set_relative_expiration(months=12)
        for spec in steps:
            for person in spec["who"]:
                l.add_functionary_key_from_gpg_keyid(who[person].lower(), gpg_home=home)
        l.steps = []
        for spec in steps:
            step = Step(name=spec["name"])
            step.pubkeys = [who[p].lower() for p in spec["who"]]
            step.expected_command = spec["command"]
            step.expected_materials = spec.get("materials", [])
            step.expected_products = spec.get("products", [])
            l.steps.append(step)
        return l

    def run(folder, step, person, command, materials, products):
        subprocess.run([os.path.join(bin_dir, "in-toto-run"), "--gpg", who[person], "--gpg-home", home,
                        "-n", step, *(["-m", *materials] if materials else []), "-p", *products,
                        "--", *command], cwd=folder, check=True, capture_output=True)

    manifest = []
    steps = [
        {"name": "write-code", "who": ["alice"], "command": WRITE, "products": [["CREATE", "foo.py"], ["DISALLOW", "*"]]},
        {"name": "package", "who": ["bob"], "command": PACK,
         "materials": [["MATCH", "foo.py", "WITH", "PRODUCTS", "FROM", "write-code"], ["DISALLOW", "*"]],
         "products": [["CREATE", "foo.tar"], ["DISALLOW", "*"]]},
        {"name": "review", "who": ["carl"], "command": ["true"],
         "materials": [["MATCH", "foo.tar", "WITH", "PRODUCTS", "FROM", "package"], ["ALLOW", "*"]]},
    ]

    def scenario(name, owner="owner", armored=False, steps=steps, who_runs=None, after=None):
        folder = os.path.join(root, name)
        os.makedirs(folder)
        l = layout(steps)
        Metablock(signed=l).dump(os.path.join(folder, "root.layout"))
        subprocess.run([os.path.join(bin_dir, "in-toto-sign"), "-f", "root.layout", "--gpg", who[owner],
                        "--gpg-home", home], cwd=folder, check=True, capture_output=True)
        runs = who_runs or {}
        run(folder, "write-code", runs.get("write-code", "alice"), WRITE, [], ["foo.py"])
        run(folder, "package", runs.get("package", "bob"), PACK, ["foo.py"], ["foo.tar"])
        run(folder, "review", runs.get("review", "carl"), ["true"], ["foo.tar"], ["foo.tar"])
        if after:
            after(folder)
        manifest.append({"name": name, "folder": folder, "params": {},
                         "gpg_keyids": [who[owner]],
                         "layout_keys": [os.path.join(keys_dir, owner + (".asc" if armored else ".gpg"))]})

    scenario("pass-gpg-rsa-dsa-eddsa-and-a-signing-subkey")
    scenario("pass-gpg-armored-layout-key", armored=True)

    def tamper(folder):
        path = os.path.join(folder, f"package.{who['bob'][:8].lower()}.link")
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        data["signed"]["products"]["foo.tar"]["sha256"] = "00" * 32
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f)

    scenario("fail-gpg-link-edited", after=tamper)
    # dave and erin sign while their keys are valid; by verification both have expired.
    expiring = [dict(s) for s in steps]
    expiring[0] = dict(expiring[0], who=["dave"])
    scenario("fail-gpg-expired-functionary", steps=expiring, who_runs={"write-code": "dave"})
    scenario("fail-gpg-expired-layout-key", owner="erin")
    os.remove(gpg_conf)

    # The subkey really signed carl's link, and the link is named after it.
    review = os.path.join(root, "pass-gpg-rsa-dsa-eddsa-and-a-signing-subkey", f"review.{carl_sub[:8]}.link")
    assert os.path.exists(review), os.listdir(os.path.dirname(review))
    with open(os.path.join(root, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)


def cmd_verify_gpg_chains(manifest_path):
    """in-toto's verification of each GPG chain, layout keys from the keyring (--gpg)."""
    from in_toto import verifylib
    from in_toto.models.metadata import Metadata
    from securesystemslib._gpg import functions as gpg_interface

    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    home = os.path.join(os.path.dirname(os.path.abspath(manifest_path)), "gnupg")

    def verify(scenario):
        keys = gpg_interface.export_pubkeys(scenario["gpg_keyids"], homedir=home)
        verifylib.in_toto_verify(Metadata.load("root.layout"), keys, ".", persist_inspection_links=False)

    print(json.dumps([_answer_in_copy(s, lambda s=s: verify(s)) for s in manifest], indent=1))


def cmd_verify_in_place(folder, *layout_keys):
    """in-toto's verification of a chain in its own folder (no copy: the folder may hold a FIFO
    that copying would wait on); inspection links are not written. Prints the exception kind,
    or "pass"."""
    from in_toto import verifylib
    from in_toto.in_toto_verify import load_public_key_from_file
    from in_toto.models.metadata import Metadata

    keys = {}
    for path in layout_keys:
        key = load_public_key_from_file(path)
        keys[key["keyid"]] = key
    os.chdir(folder)
    try:
        verifylib.in_toto_verify(Metadata.load("root.layout"), keys, ".", persist_inspection_links=False)
        print("pass")
    except Exception as e:  # noqa: BLE001 - the kind is the answer
        print(type(e).__name__, e)


def cmd_bench_chain(folder, steps, artifacts):
    """A chain of `steps` steps, each with `artifacts` materials and products (ed25519)."""
    import hashlib

    from in_toto.models.layout import Layout, Step
    from in_toto.models.link import FILENAME_FORMAT, Link
    from in_toto.models.metadata import Metablock

    steps, artifacts = int(steps), int(artifacts)
    folder = os.path.abspath(folder)
    owner = ed25519.Ed25519PrivateKey.generate()
    worker = ed25519.Ed25519PrivateKey.generate()
    with open(os.path.join(folder, "owner.pub"), "wb") as f:
        f.write(pem_public(owner))
    owner_key, worker_key = SSlibKey.from_crypto(owner.public_key()), SSlibKey.from_crypto(worker.public_key())
    layout = Layout()
    layout.set_relative_expiration(months=12)
    layout.keys = {worker_key.keyid: {**worker_key.to_dict(), "keyid": worker_key.keyid}}

    def listing(generation):
        return {
            f"src/module-{i // 100}/file-{i}.py": {"sha256": hashlib.sha256(f"{generation}:{i}".encode()).hexdigest()}
            for i in range(artifacts)
        }

    layout.steps = []
    for index in range(steps):
        step = Step(name=f"step-{index}")
        step.pubkeys = [worker_key.keyid]
        step.expected_materials = (
            [["MATCH", "*", "WITH", "PRODUCTS", "FROM", f"step-{index - 1}"], ["DISALLOW", "*"]] if index else [["ALLOW", "*"]]
        )
        step.expected_products = [["MODIFY", "src/module-0/*"], ["ALLOW", "src/*"], ["DISALLOW", "*"]]
        layout.steps.append(step)
        link = Link(name=step.name, materials=listing(index), products=listing(index + 1))
        block = Metablock(signed=link)
        block.create_signature(CryptoSigner(worker, worker_key))
        block.dump(os.path.join(folder, FILENAME_FORMAT.format(step_name=step.name, keyid=worker_key.keyid)))
    block = Metablock(signed=layout)
    block.create_signature(CryptoSigner(owner, owner_key))
    block.dump(os.path.join(folder, "root.layout"))


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command in ("make-keys", "tuf-repo", "intoto", "chains", "bench-chain", "gpg-chains"):
        os.makedirs(args[0], exist_ok=True)
    {
        "cjson": cmd_cjson,
        "rules": cmd_rules,
        "fnmatch": cmd_fnmatch,
        "gitignore": cmd_gitignore,
        "item-rules": cmd_item_rules,
        "delegated-paths": cmd_delegated_paths,
        "chains": cmd_chains,
        "bench-chain": cmd_bench_chain,
        "verify-chains": cmd_verify_chains,
        "verify-in-place": cmd_verify_in_place,
        "gpg-chains": cmd_gpg_chains,
        "verify-gpg-chains": cmd_verify_gpg_chains,
        "make-keys": cmd_make_keys,
        "verify": cmd_verify,
        "load-private": cmd_load_private,
        "tuf-repo": cmd_tuf_repo,
        "intoto": cmd_intoto,
    }[command](*args)


if __name__ == "__main__":
    main()
