//! `chainscope key`: generate and show keys.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use chainscope::crypto::{
    KeyFile, KeyFileError, KeyFormatError, KeyType, PrivateKey, PublicKey, Scheme, read_key_file,
    read_private_key,
};
use zeroize::Zeroizing;

use super::{Failure, passphrase_from_env};

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Generate a key: the private key at NAME (PKCS#8 PEM, encrypted unless asked otherwise)
    /// and the public key at NAME.pub (SubjectPublicKeyInfo PEM); prints the keyid.
    ///
    /// The passphrase comes from --passphrase-env, or is asked for at the terminal.
    Generate {
        /// Where to write the private key.
        #[arg(required_unless_present = "out")]
        name: Option<PathBuf>,
        /// The same as NAME.
        #[arg(long, hide = true, conflicts_with = "name")]
        out: Option<PathBuf>,
        #[arg(long = "type", value_enum, default_value_t = KeyTypeArg::Ed25519)]
        key_type: KeyTypeArg,
        /// Write the private key in the clear (only for throwaway or demo keys).
        #[arg(long, alias = "unencrypted")]
        no_passphrase: bool,
        /// Read the passphrase that encrypts the private key from this environment variable.
        #[arg(long, conflicts_with = "no_passphrase")]
        passphrase_env: Option<String>,
    },
    /// Show a key file's key id (both formulas), type, scheme and public key dict.
    Show {
        file: PathBuf,
        /// For an encrypted private key: the environment variable holding the passphrase.
        #[arg(long)]
        passphrase_env: Option<String>,
        /// Show the key under this scheme instead of the default for its type.
        #[arg(long)]
        scheme: Option<Scheme>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum KeyTypeArg {
    Ed25519,
    /// RSA 3072, RSASSA-PSS with SHA-256.
    Rsa,
    /// ECDSA on P-256.
    Ecdsa,
}

pub fn run_key_generate(
    name: &Path,
    key_type: KeyTypeArg,
    no_passphrase: bool,
    passphrase_env: Option<&str>,
) -> Result<u8, Failure> {
    let kind = match key_type {
        KeyTypeArg::Ed25519 => KeyType::Ed25519,
        KeyTypeArg::Rsa => KeyType::Rsa,
        KeyTypeArg::Ecdsa => KeyType::Ecdsa,
    };
    let passphrase = match (passphrase_env, no_passphrase) {
        (Some(var), _) => Some(passphrase_from_env(var)?),
        (None, true) => None,
        (None, false) if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            let first = prompt(&format!("passphrase for {}: ", name.display()))?;
            let second = prompt("the same passphrase again: ")?;
            if *first != *second {
                return Err(Failure::new("the two passphrases differ"));
            }
            Some(first)
        }
        (None, false) => {
            return Err(
                Failure::new("refusing to write an unencrypted private key unasked").hint(
                    "give --passphrase-env VAR to encrypt it, or --no-passphrase for a throwaway key",
                ),
            );
        }
    };
    let key = chainscope::keyring::generate_key_files(
        name,
        kind,
        passphrase.as_ref().map(|p| p.as_str()),
    )
    .map_err(|e| {
        let create = matches!(e, chainscope::keyring::KeyringError::Create { .. });
        let failure = Failure::new("cannot generate the key").cause(e);
        if create {
            failure.hint("chainscope never overwrites a key file; choose another name")
        } else {
            failure
        }
    })?;
    outln!("{}", key.keyid());
    Ok(0)
}

fn prompt(text: &str) -> Result<Zeroizing<String>, Failure> {
    rpassword::prompt_password(text)
        .map(Zeroizing::new)
        .map_err(|e| Failure::new("cannot read the passphrase").cause(e))
}

/// The private key in `path`, its passphrase from `passphrase_env` or the terminal.
pub fn load_private_key(path: &Path, passphrase_env: Option<&str>) -> Result<PrivateKey, Failure> {
    let failure = |e: KeyFileError| Failure::of(e);
    let passphrase = passphrase_env.map(passphrase_from_env).transpose()?;
    match read_private_key(path, passphrase.as_ref().map(|p| p.as_str())) {
        Err(e) if matches!(e.format(), Some(KeyFormatError::NeedsPassphrase)) => {
            if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                return Err(failure(e).hint("pass --passphrase-env VAR with the passphrase in VAR"));
            }
            let passphrase = prompt(&format!("passphrase for {}: ", path.display()))?;
            read_private_key(path, Some(&passphrase)).map_err(failure)
        }
        other => other.map_err(failure),
    }
}

/// The public key in `path` (a private key file gives its public key).
pub fn load_public_key(path: &Path) -> Result<PublicKey, Failure> {
    match chainscope::crypto::read_public_key(path) {
        Ok(key) => Ok(key),
        Err(e) => {
            let failure = Failure::of(e);
            Err(if failure.has_hint() {
                failure
            } else {
                failure.hint("give the public key file (NAME.pub)")
            })
        }
    }
}

pub fn run_key_show(
    file: &Path,
    passphrase_env: Option<&str>,
    scheme: Option<Scheme>,
) -> Result<u8, Failure> {
    let passphrase = passphrase_env.map(passphrase_from_env).transpose()?;
    let key_failure = |e: KeyFileError| match e.format() {
        Some(KeyFormatError::NeedsPassphrase) => {
            Failure::of(e).hint("pass --passphrase-env VAR with the passphrase in VAR")
        }
        _ => Failure::of(e),
    };
    let loaded =
        read_key_file(file, passphrase.as_ref().map(|p| p.as_str())).map_err(key_failure)?;
    let public = match (loaded, scheme) {
        (KeyFile::Private(key), Some(scheme)) => (*key)
            .with_scheme(scheme)
            .map_err(|e| Failure::new("cannot use that scheme").cause(e))?
            .public()
            .clone(),
        (KeyFile::Private(key), None) => key.public().clone(),
        (KeyFile::Public(key), None) => key,
        (KeyFile::Public(key), Some(scheme)) => {
            let mut dict = key.to_dict().clone();
            dict["scheme"] = scheme.name().into();
            dict["keytype"] = scheme.keytype().into();
            let probe = chainscope::crypto::PublicKey::from_dict("", &dict)
                .map_err(|e| Failure::new("cannot use that scheme").cause(e))?;
            let keyid = probe
                .computed_keyid()
                .map_err(|e| Failure::new("cannot compute the key id").cause(e))?;
            probe
                .with_keyid(&keyid)
                .map_err(|e| Failure::new("cannot use that scheme").cause(e))?
        }
    };
    let computed = public
        .computed_keyid()
        .map_err(|e| Failure::new("cannot compute the key id").cause(e))?;
    let legacy = public
        .computed_legacy_keyid()
        .map_err(|e| Failure::new("cannot compute the key id").cause(e))?;
    if let Some(gpg) = public.gpg() {
        // A GPG key is known by its OpenPGP fingerprint, as in-toto lists it.
        outln!("keyid: {} (OpenPGP fingerprint)", gpg.keyid);
        for subkey in gpg.subkeys.keys() {
            outln!("subkey: {subkey}");
        }
    } else {
        outln!("keyid: {computed}");
        outln!("legacy keyid: {legacy}");
    }
    outln!("keytype: {}", public.keytype());
    outln!("scheme: {}", public.scheme_name());
    if let Some(problem) = public.problem() {
        outln!("problem: {problem}");
    }
    outln!(
        "{}",
        serde_json::to_string_pretty(public.to_dict()).unwrap_or_default()
    );
    Ok(0)
}
