//! The catalog of checks: every kind of check an engine records, with the section of the
//! specification (or the reference tool) it implements and what it means, in one place. The
//! engines, the replay, the attack lab and the documentation all name checks from here.
//!
//! Like the trace, this depends on nothing else in chainscope.

use std::fmt;

/// One kind of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CheckId {
    /// Stable identifier, as traces and `--format json` carry it: `tuf.5.4.3.1`.
    pub id: &'static str,
    /// Where the rule comes from.
    pub section: &'static str,
    /// What passing this check establishes, in one sentence.
    pub meaning: &'static str,
}

impl CheckId {
    /// The catalog entry for `id`.
    pub fn find(id: &str) -> Option<CheckId> {
        ALL.iter().copied().find(|check| check.id == id)
    }
}

impl serde::Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id)
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! catalog {
    ($($name:ident = $id:literal, $section:literal, $meaning:literal;)*) => {
        $(
            #[doc = $meaning]
            pub const $name: CheckId = CheckId { id: $id, section: $section, meaning: $meaning };
        )*
        /// Every check, in the order a verification meets them.
        pub const ALL: &[CheckId] = &[$($name),*];
    };
}

catalog! {
    TUF_5_2 = "tuf.5.2", "TUF 1.0.34 §5.2",
        "The client's trusted root is loaded and signed by a threshold of its own root keys.";
    TUF_TRUSTED = "tuf.trusted", "python-tuf ngclient, _load_local_metadata",
        "The client's own trusted copy of a role was read and judged before fetching.";
    TUF_5_3_3 = "tuf.5.3.3", "TUF 1.0.34 §5.3.3",
        "Every newer root (N+1.root.json) was fetched, within the rotation cap.";
    TUF_5_3_4 = "tuf.5.3.4", "TUF 1.0.34 §5.3.4",
        "A new root is signed by a threshold of the trusted root's keys and of its own.";
    TUF_5_3_5 = "tuf.5.3.5", "TUF 1.0.34 §5.3.5",
        "A new root's version is exactly one more than the trusted root's.";
    TUF_5_3_7 = "tuf.5.3.7", "TUF 1.0.34 §5.3.7",
        "The new root becomes the trusted root.";
    TUF_5_3_10 = "tuf.5.3.10", "TUF 1.0.34 §5.3.10",
        "The final root is not expired.";
    TUF_5_3_11 = "tuf.5.3.11", "TUF 1.0.34 §5.3.11",
        "After a root rotation, trusted timestamp and snapshot count only while they verify under the new root.";
    TUF_5_4_1 = "tuf.5.4.1", "TUF 1.0.34 §5.4.1",
        "timestamp.json was fetched within its size cap and parses.";
    TUF_5_4_2 = "tuf.5.4.2", "TUF 1.0.34 §5.4.2",
        "The timestamp is signed by a threshold of root's timestamp keys.";
    TUF_5_4_3 = "tuf.5.4.3", "TUF 1.0.34 §5.4.3",
        "The timestamp does not roll back from the trusted one.";
    TUF_5_4_3_1 = "tuf.5.4.3.1", "TUF 1.0.34 §5.4.3.1",
        "The timestamp's version is not lower than the trusted timestamp's.";
    TUF_5_4_3_2 = "tuf.5.4.3.2", "TUF 1.0.34 §5.4.3.2",
        "The snapshot version the timestamp lists is not lower than the trusted one listed.";
    TUF_5_4_4 = "tuf.5.4.4", "TUF 1.0.34 §5.4.4",
        "The timestamp is not expired.";
    TUF_5_5_1 = "tuf.5.5.1", "TUF 1.0.34 §5.5.1",
        "The snapshot was fetched within the length the timestamp gives (or the cap).";
    TUF_5_5_2 = "tuf.5.5.2", "TUF 1.0.34 §5.5.2",
        "The snapshot matches the length and hashes the timestamp lists.";
    TUF_5_5_3 = "tuf.5.5.3", "TUF 1.0.34 §5.5.3",
        "The snapshot is signed by a threshold of root's snapshot keys.";
    TUF_5_5_4 = "tuf.5.5.4", "TUF 1.0.34 §5.5.4",
        "The snapshot's version is the one the timestamp lists.";
    TUF_5_5_5 = "tuf.5.5.5", "TUF 1.0.34 §5.5.5",
        "No role's version goes down and no role disappears since the trusted snapshot.";
    TUF_5_5_6 = "tuf.5.5.6", "TUF 1.0.34 §5.5.6",
        "The snapshot is not expired.";
    TUF_5_6_1 = "tuf.5.6.1", "TUF 1.0.34 §5.6.1",
        "A targets role listed in snapshot was fetched within its length (or the cap).";
    TUF_5_6_2 = "tuf.5.6.2", "TUF 1.0.34 §5.6.2",
        "A targets role matches the length and hashes snapshot lists.";
    TUF_5_6_3 = "tuf.5.6.3", "TUF 1.0.34 §5.6.3",
        "A targets role is signed by a threshold of the keys its delegator names.";
    TUF_5_6_4 = "tuf.5.6.4", "TUF 1.0.34 §5.6.4",
        "A targets role's version is the one snapshot lists.";
    TUF_5_6_5 = "tuf.5.6.5", "TUF 1.0.34 §5.6.5",
        "A targets role is not expired.";
    TUF_5_6 = "tuf.5.6", "TUF 1.0.34 §5.6.1–5.6.5",
        "Each of many roles one role delegates passed §5.6.1–5.6.5 (a group of checks).";
    TUF_5_6_7 = "tuf.5.6.7", "TUF 1.0.34 §5.6.7",
        "The target search visits delegations in order, within the role cap.";
    TUF_5_7_2 = "tuf.5.7.2", "TUF 1.0.34 §5.7.2",
        "A role the delegations trust for the path lists the target.";
    TUF_5_7_3 = "tuf.5.7.3", "TUF 1.0.34 §5.7.3",
        "The target file was fetched and matches the length and hashes its role lists.";
    ITE2_FILES = "ite2.files", "ITE-2",
        "The in-toto files a target names were downloaded through TUF.";
    ITE2_CUSTOM = "ite2.custom", "ITE-2",
        "The package's custom.in-toto names the in-toto files that vouch for it.";
    ITE2_LAYOUT = "ite2.layout", "ITE-2",
        "Exactly one layout vouches for the package.";
    ITE2_LAYOUT_ROLE = "ite2.layout-role", "ITE-2",
        "The layout is listed by the role trusted for layouts (an offline-key role).";
    ITE2_KEYS = "ite2.keys", "ITE-2",
        "The layout's verification keys come from the role trusted for layouts.";
    ITE2_ATTESTED = "ite2.attested", "ITE-2 with ITE-10",
        "The package served is a subject, by name and SHA-256, of an attestation the ITE-10 layout accepted.";
    INTOTO_LAYOUT_SIGNATURES = "intoto.layout.signatures", "in-toto 1.0 §5.1 (in-toto-verify step 1)",
        "Every layout key given has a valid signature on the layout.";
    INTOTO_LAYOUT_EXPIRY = "intoto.layout.expiry", "in-toto 1.0 §5.1 (in-toto-verify step 2)",
        "The layout is not expired.";
    INTOTO_LAYOUT_CERTIFICATES = "intoto.layout.certificates", "in-toto-golang",
        "The layout's certificate constraints were evaluated (chainscope keeps them but does not).";
    INTOTO_LAYOUT_PARAMETERS = "intoto.layout.parameters", "in-toto-verify step 3",
        "Every parameter the layout uses was substituted.";
    INTOTO_STEP_LINKS = "intoto.step.links", "in-toto-verify step 4 (load_links_for_layout)",
        "Enough link files for the step are present and load.";
    INTOTO_STEP_SIGNATURES = "intoto.step.signatures", "in-toto-verify step 5",
        "Enough links are validly signed by distinct authorized functionaries.";
    INTOTO_STEP_PAYLOAD = "intoto.step.payload", "in-toto-verify step 6 (get_payload)",
        "Each link file of a step holds a link or a sublayout.";
    INTOTO_SUBLAYOUT = "intoto.sublayout", "in-toto-verify step 6",
        "A sublayout standing in for a link verifies in turn.";
    INTOTO_STEP_COMMAND = "intoto.step.command", "in-toto-verify step 7",
        "The command a link recorded is the step's expected command (a difference only warns).";
    INTOTO_STEP_AGREEMENT = "intoto.step.agreement", "in-toto-verify step 8",
        "The links of a step with a threshold above 1 record the same artifacts.";
    INTOTO_STEP_RULE = "intoto.step.rule", "in-toto 1.0 §4.3.3, in-toto-verify step 9",
        "One artifact rule of a step passes.";
    INTOTO_INSPECTION_RECORD = "intoto.inspection.record", "in-toto-verify step 10",
        "An inspection's materials and products were recorded.";
    INTOTO_INSPECTION_RUN = "intoto.inspection.run", "in-toto-verify step 10",
        "An inspection's command ran and exited 0.";
    INTOTO_INSPECTION_RULE = "intoto.inspection.rule", "in-toto 1.0 §4.3.3, in-toto-verify step 11",
        "One artifact rule of an inspection passes.";
    ATTEST_LAYOUT_SIGNATURES = "attest.layout.signatures", "ITE-10 Verify (verifyLayoutSignatures)",
        "The attestation layout is signed by every layout key given (or, unsigned, trusted as given).";
    ATTEST_LAYOUT_EXPIRY = "attest.layout.expiry", "ITE-10 Verify (verifyLayoutExpiry)",
        "The attestation layout is not expired.";
    ATTEST_PARAMETERS = "attest.layout.parameters", "attestation-verifier substituteParameters",
        "The parameters were substituted into the layout's rules.";
    ATTEST_FUNCTIONARIES = "attest.functionaries", "ITE-10 (functionaries)",
        "A functionary's key in the layout is readable.";
    ATTEST_ATTESTATION = "attest.attestation", "ITE-10 verifyAttestationSignatures, ITE-6",
        "An attestation is a DSSE envelope signed by a functionary of the layout.";
    ATTEST_STEP_ATTESTATIONS = "attest.step.attestations", "ITE-10 attestationsForStep",
        "A step has attestations.";
    ATTEST_STEP_PREDICATE = "attest.step.predicate", "ITE-10 expectedStepPredicate (threshold)",
        "Enough of a step's functionaries attested the expected predicate type.";
    ATTEST_STEP_RULE = "attest.step.rule", "ITE-10 Verifying Artifact Rules, in-toto 1.0 §4.3.3",
        "One artifact rule of a step passes over an attestation's resource descriptors.";
    ATTEST_ATTRIBUTE = "attest.step.attribute", "ITE-11 Verifying Attribute Constraints",
        "One attribute rule (CEL) of an expected predicate is true of an attestation.";
    ATTEST_UNSUPPORTED = "attest.unverified", "ITE-10 inspections",
        "A part of the layout chainscope does not verify (inspections, the prototype's subjects).";
    SIGSTORE_TRUSTED_ROOT = "sigstore.trusted-root", "Sigstore client spec, trusted root (sigstore-verify Verifier::new)",
        "The trusted root parses and its Fulcio CAs, Rekor logs, CT logs and timestamp authorities are usable.";
    SIGSTORE_BUNDLE = "sigstore.bundle", "Sigstore bundle format (protobuf-specs), sigstore-verify prepare",
        "The bundle is of a known version and its verification material fits its content and the policy.";
    SIGSTORE_TIME = "sigstore.time", "Sigstore client spec, establishing a time for the signature (sigstore-verify step 0)",
        "Every signed time in the bundle (RFC 3161 timestamp, Rekor v1 inclusion promise) verifies, and there is one.";
    SIGSTORE_CERTIFICATE = "sigstore.certificate", "Sigstore client spec, certificate (sigstore-verify step 1)",
        "The signing certificate chains to a Fulcio CA of the trusted root, valid at every signed time, for code signing.";
    SIGSTORE_SCT = "sigstore.sct", "RFC 6962, Sigstore client spec (sigstore-verify step 2)",
        "The certificate's Signed Certificate Timestamp is signed by a CT log of the trusted root.";
    SIGSTORE_IDENTITY = "sigstore.identity", "Sigstore client spec, policy (sigstore-verify step 3)",
        "The certificate's identity (SAN) and OIDC issuer are the ones asked for.";
    SIGSTORE_TLOG = "sigstore.tlog", "Sigstore client spec, transparency log (sigstore-verify steps 4-6)",
        "Each log entry's inclusion proof, checkpoint and inclusion promise verify against a log of the trusted root, in time.";
    SIGSTORE_SIGNATURE = "sigstore.signature", "Sigstore client spec, signature (sigstore-verify step 7)",
        "The signature over the artifact, or over the DSSE envelope's PAE, verifies with the signing key.";
    SIGSTORE_ARTIFACT = "sigstore.artifact", "Sigstore client spec, signature (sigstore-verify step 7)",
        "The artifact is the one signed: its digest is the bundle's message digest or a subject of the statement.";
    SIGSTORE_TLOG_CONSISTENCY = "sigstore.tlog.consistency", "CVE-2022-36056 (sigstore-verify step 8)",
        "Each log entry records this bundle's signature, key and artifact, not another's.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_entry_says_what_it_means() {
        let mut ids: Vec<&str> = ALL.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        for check in ALL {
            assert!(
                check.meaning.ends_with('.') && !check.section.is_empty(),
                "{check:?}"
            );
            assert_eq!(CheckId::find(check.id), Some(*check));
        }
        assert_eq!(CheckId::find("tuf.9.9"), None);
    }
}
