//! Names for keys: a keyid is 64 hex digits, a person is Alice. A key is named by an alias the
//! user set (kept in the settings), else by the key file it was read from (`alice.pub` is
//! alice), else by the bundled samples' story (alice, bob, carol, the online key). Every view
//! shows the name with the keyid on hover; an unnamed key shows its first 8 hex digits.

use std::collections::BTreeMap;
use std::path::Path;

use crate::crypto::threshold::short;

/// Where a name comes from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameSource {
    Alias,
    KeyFile,
    Sample,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Named {
    name: String,
    source: NameSource,
    /// The file it was read from, for a key file's name.
    file: Option<String>,
}

/// Every name known for each key, by where it comes from: the strongest is shown, and
/// taking an alias away shows the next one again.
#[derive(Debug, Clone, Default)]
pub struct KeyNames {
    by_keyid: BTreeMap<String, BTreeMap<NameSource, Named>>,
}

impl KeyNames {
    /// The samples' story keys, by their demo names.
    pub fn with_sample_keys() -> KeyNames {
        let mut names = KeyNames::default();
        for name in crate::samples::DEMO_KEYS {
            let key = crate::samples::demo_key(name);
            let shown = match name {
                "online" => "online key",
                "root" => "root key",
                "targets" => "targets key",
                other => other,
            };
            names.learn(key.keyid(), shown, NameSource::Sample, None);
        }
        names
    }

    fn learn(&mut self, keyid: &str, name: &str, source: NameSource, file: Option<String>) {
        // A file's name or an alias is shown in every view: never a control character.
        let name = crate::shown::shown(name.trim()).into_owned();
        if name.is_empty() {
            return;
        }
        self.by_keyid
            .entry(keyid.to_owned())
            .or_default()
            .insert(source, Named { name, source, file });
    }

    fn strongest(&self, keyid: &str) -> Option<&Named> {
        self.by_keyid
            .get(keyid)
            .and_then(|names| names.values().next())
    }

    /// The key's name, when it has one.
    pub fn name(&self, keyid: &str) -> Option<&str> {
        self.strongest(keyid).map(|named| named.name.as_str())
    }

    /// What to show for the key: its name, else its first 8 hex digits.
    pub fn label(&self, keyid: &str) -> String {
        self.name(keyid).map_or_else(|| short(keyid), str::to_owned)
    }

    /// The whole keyid and where its name comes from, for a hover.
    pub fn hover(&self, keyid: &str) -> String {
        match self.strongest(keyid) {
            Some(named) => {
                let from = match (named.source, &named.file) {
                    (NameSource::Alias, _) => "a name you gave it".to_owned(),
                    (NameSource::KeyFile, Some(file)) => format!("the key file {file}"),
                    (NameSource::KeyFile, None) => "its key file".to_owned(),
                    (NameSource::Sample, _) => "the samples' story".to_owned(),
                };
                format!("keyid {keyid}\nnamed {} after {from}", named.name)
            }
            None => format!("keyid {keyid}\nright-click to name it"),
        }
    }

    /// `text` with every named key's short keyid (as the core's checks write them) followed
    /// by its name.
    pub fn in_text(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for keyid in self.by_keyid.keys() {
            let Some(named) = self.strongest(keyid) else {
                continue;
            };
            let short = short(keyid);
            if short.ends_with('…') && text.contains(&short) {
                text = text.replace(&short, &format!("{} ({short})", named.name));
            }
        }
        text
    }

    /// Names the key as the user asked (an empty name takes the alias away).
    pub fn set_alias(&mut self, keyid: &str, name: &str) {
        if let Some(names) = self.by_keyid.get_mut(keyid) {
            names.remove(&NameSource::Alias);
        }
        self.learn(keyid, name, NameSource::Alias, None);
    }

    /// The user's aliases, as the settings keep them.
    pub fn aliases(&self) -> String {
        let aliases: BTreeMap<&str, &str> = self
            .by_keyid
            .iter()
            .filter_map(|(keyid, names)| {
                names
                    .get(&NameSource::Alias)
                    .map(|named| (keyid.as_str(), named.name.as_str()))
            })
            .collect();
        serde_json::to_string(&aliases).unwrap_or_default()
    }

    /// Takes the aliases kept in the settings (anything unreadable is ignored).
    pub fn restore_aliases(&mut self, saved: &str) {
        let aliases: BTreeMap<String, String> = serde_json::from_str(saved).unwrap_or_default();
        for (keyid, name) in aliases {
            self.learn(&keyid, &name, NameSource::Alias, None);
        }
    }

    /// Names a key after the key file that holds it (`alice.pub` names it alice).
    pub fn learn_key_file(&mut self, keyid: &str, file: &str) {
        let stem = Path::new(file)
            .file_stem()
            .map_or_else(|| file.to_owned(), |s| s.to_string_lossy().into_owned());
        self.learn(keyid, &stem, NameSource::KeyFile, Some(file.to_owned()));
    }

    /// Names the keys of the key files found beside what is open.
    pub fn learn_key_files(&mut self, files: &[crate::workspace::KeyFileName]) {
        for found in files {
            self.learn_key_file(&found.keyid, &found.file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_win_over_key_files_and_samples_and_survive_a_restart() {
        let mut names = KeyNames::with_sample_keys();
        let alice = crate::samples::demo_key("alice");
        let keyid = alice.keyid().to_owned();
        assert_eq!(names.name(&keyid), Some("alice"));
        assert!(names.hover(&keyid).contains(&keyid));

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("alice-laptop.pub"), alice.public_pem()).unwrap();
        std::fs::write(dir.path().join("README.pub"), "not a key").unwrap();
        names.learn_key_files(&crate::workspace::key_files_in(dir.path()));
        assert_eq!(names.name(&keyid), Some("alice-laptop"));
        assert!(names.hover(&keyid).contains("alice-laptop.pub"));

        names.set_alias(&keyid, "Alice (release)");
        assert_eq!(names.label(&keyid), "Alice (release)");
        let mut restarted = KeyNames::with_sample_keys();
        restarted.restore_aliases(&names.aliases());
        assert_eq!(restarted.name(&keyid), Some("Alice (release)"));
        // A file read later does not override the user's own name.
        restarted.learn_key_files(&crate::workspace::key_files_in(dir.path()));
        assert_eq!(restarted.name(&keyid), Some("Alice (release)"));
        // Taking the alias away shows the next name again.
        restarted.set_alias(&keyid, "");
        assert_eq!(restarted.name(&keyid), Some("alice-laptop"));

        let unknown = "ab".repeat(32);
        assert_eq!(names.label(&unknown), "abababab…");
        assert_eq!(
            names.in_text(&format!("signature by {}", short(&keyid))),
            format!("signature by Alice (release) ({})", short(&keyid))
        );
    }
}
