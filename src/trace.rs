//! The trace: what a verification checked, in order, and how each check came out. Engines
//! append numbered checks; a failed check is data ([`Outcome::Fail`]), not an early `Err`. Every
//! check names its subject, so the app can light it on a graph and the CLI can print it.
//!
//! This is the bottom layer: it depends on nothing else in chainscope.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::shown::{MESSAGE_CHARS, Shown, clipped};

pub use crate::checks::CheckId;

/// Which artifact list of a step or inspection a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleList {
    ExpectedMaterials,
    ExpectedProducts,
}

impl RuleList {
    pub fn field_name(self) -> &'static str {
        match self {
            RuleList::ExpectedMaterials => "expected_materials",
            RuleList::ExpectedProducts => "expected_products",
        }
    }
}

/// What a check is about: the thing the app highlights while replaying it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    Role {
        name: String,
    },
    Delegation {
        from: String,
        to: String,
    },
    Key {
        keyid: String,
    },
    Layout,
    Step {
        name: String,
    },
    Inspection {
        name: String,
    },
    /// Rule `index` (0-based) of a step's or inspection's rule list.
    Rule {
        owner: String,
        list: RuleList,
        index: usize,
    },
    /// Attribute rule `index` (0-based, ITE-11) of one of a step's expected predicates.
    Attribute {
        step: String,
        index: usize,
    },
    Artifact {
        path: String,
    },
    Target {
        path: String,
    },
    /// A metadata file as a whole (its bytes, size or format).
    File {
        name: String,
    },
    /// Many roles one role delegates, checked alike (a [`CheckGroup`]: hash bins).
    Roles {
        delegator: String,
        count: usize,
    },
}

impl Subject {
    /// The step or inspection the check is about (a rule's owner too).
    pub fn step(&self) -> Option<&str> {
        match self {
            Subject::Step { name } | Subject::Inspection { name } => Some(name),
            Subject::Rule { owner, .. } => Some(owner),
            Subject::Attribute { step, .. } => Some(step),
            _ => None,
        }
    }

    /// The TUF role the check is about (a delegation's delegatee).
    pub fn role(&self) -> Option<&str> {
        match self {
            Subject::Role { name } => Some(name),
            Subject::Delegation { to, .. } => Some(to),
            _ => None,
        }
    }
}

/// Names come from files, so they are shown escaped ([`Shown`]).
impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Role { name } => write!(f, "role {}", Shown(name)),
            Subject::Delegation { from, to } => {
                write!(f, "delegation {} → {}", Shown(from), Shown(to))
            }
            Subject::Key { keyid } => {
                write!(f, "key {}", Shown(keyid.get(..8).unwrap_or(keyid)))
            }
            Subject::Layout => f.write_str("layout"),
            Subject::Step { name } => write!(f, "step {}", Shown(name)),
            Subject::Inspection { name } => write!(f, "inspection {}", Shown(name)),
            Subject::Rule { owner, list, index } => {
                write!(
                    f,
                    "{} {} rule #{}",
                    Shown(owner),
                    list.field_name(),
                    index + 1
                )
            }
            Subject::Attribute { step, index } => {
                write!(f, "{} attribute rule #{}", Shown(step), index + 1)
            }
            Subject::Artifact { path } => write!(f, "artifact {}", Shown(path)),
            Subject::Target { path } => write!(f, "target {}", Shown(path)),
            Subject::File { name } => write!(f, "file {}", Shown(name)),
            Subject::Roles { delegator, count } => {
                write!(f, "{count} roles delegated by {}", Shown(delegator))
            }
        }
    }
}

/// Why a check failed, in words a reviewer can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The reference tool's name for this kind of failure (`LinkNotFoundError`), when it has one.
    pub kind: Option<String>,
    /// One sentence; where the reference tool has a message for the same failure, its wording.
    pub message: String,
    pub expected: Option<String>,
    pub found: Option<String>,
    /// What to do about it, naming the file, keyid or pattern involved.
    pub hint: Option<String>,
    /// Artifacts the failure is about (a DISALLOW's matches), sorted.
    pub artifacts: Vec<String>,
    /// Set when the check failed only because a key's scheme is one chainscope cannot verify
    /// ("scheme X is not supported"): then nothing was judged, and front ends say "cannot
    /// verify" (exit 2) rather than FAIL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cannot_verify: Option<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            kind: None,
            artifacts: Vec::new(),
            message: message.into(),
            expected: None,
            found: None,
            hint: None,
            cannot_verify: None,
        }
    }

    /// Marks the failure as caused by a key chainscope cannot verify with (see
    /// [`Failure::cannot_verify`]).
    pub fn cannot_verify(mut self, why: impl Into<String>) -> Failure {
        self.cannot_verify = Some(why.into());
        self
    }

    /// A failure of the kind the reference tool names `kind`.
    pub fn of_kind(kind: &str, message: impl Into<String>) -> Failure {
        Failure {
            kind: Some(kind.to_owned()),
            ..Failure::new(message)
        }
    }

    pub fn artifacts(mut self, artifacts: Vec<String>) -> Failure {
        self.artifacts = artifacts;
        self
    }

    /// `<Kind>: <message>`, as the reference's command line prints it.
    pub fn headline(&self) -> String {
        match &self.kind {
            Some(kind) => format!("{kind}: {}", self.message),
            None => self.message.clone(),
        }
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Failure {
        self.expected = Some(expected.into());
        self
    }

    pub fn found(mut self, found: impl Into<String>) -> Failure {
        self.found = Some(found.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    /// Passed, with something worth seeing (in-toto's command alignment is only a warning).
    Warn {
        message: String,
    },
    Fail {
        failure: Box<Failure>,
    },
    /// Not run, and why (inspections without the user's consent).
    Skipped {
        why: String,
    },
}

/// A list of artifact paths in one buffer: a rule check can carry tens of thousands of them,
/// and a path per allocation made recording them cost more than applying the rule.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PathList {
    text: String,
    ends: Vec<u32>,
}

impl PathList {
    /// The paths in order, in buffers sized once (a rule's queue can hold tens of thousands).
    pub fn from_paths(paths: &[&str]) -> PathList {
        let mut list = PathList {
            text: String::with_capacity(paths.iter().map(|p| p.len()).sum()),
            ends: Vec::with_capacity(paths.len()),
        };
        for path in paths {
            list.text.push_str(path);
            list.ends.push(list.text.len() as u32);
        }
        list
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let path = &self.text[start..end as usize];
            start = end as usize;
            path
        })
    }

    pub fn contains(&self, path: &str) -> bool {
        self.iter().any(|p| p == path)
    }

    /// At most `limit` paths joined by `, `, then how many more there are.
    pub fn summary(&self, limit: usize) -> String {
        let mut out = self.iter().take(limit).collect::<Vec<_>>().join(", ");
        if self.len() > limit {
            let _ = write!(out, ", … ({} more)", self.len() - limit);
        }
        out
    }
}

impl<'a> FromIterator<&'a str> for PathList {
    fn from_iter<I: IntoIterator<Item = &'a str>>(paths: I) -> PathList {
        let mut list = PathList::default();
        for path in paths {
            list.text.push_str(path);
            list.ends.push(list.text.len() as u32);
        }
        list
    }
}

impl fmt::Debug for PathList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for PathList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// What one artifact rule saw and took: the queue view of the replay ("why was this artifact
/// disallowed"). The queue before the next rule of the list is `before` minus `consumed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleQueue {
    /// The queue the rule saw, sorted.
    pub before: PathList,
    /// What the rule consumed, sorted.
    pub consumed: PathList,
}

/// One numbered check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable identifier of the kind of check (`tuf.5.4.3`), from the catalog
    /// ([`crate::checks`]).
    pub id: &'static str,
    /// What was checked, as a short sentence.
    pub title: String,
    pub subject: Subject,
    pub outcome: Outcome,
    /// Supporting facts in display order: `("signed by", "2 of 3 keys")`, `("file", "…")`.
    pub evidence: Vec<(Cow<'static, str>, String)>,
    /// For an artifact rule check: its queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<Box<RuleQueue>>,
    /// For a check standing for many that passed alike: those checks, written on demand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<CheckGroup>,
}

/// Many subjects that each passed the same checks (16,384 hash bins, five checks each), kept
/// as one entry of the trace: what it holds is what writes those checks, not the checks, and
/// they are written when someone looks (the app's checks list, `--all-checks`, `--format
/// json`, which lists them under `group`). Numbering counts every one of them
/// ([`Trace::number`]), so a check keeps the number it would have had.
#[derive(Clone)]
pub struct CheckGroup {
    members: usize,
    checks: usize,
    write: std::sync::Arc<dyn Fn(usize) -> Vec<Check> + Send + Sync>,
}

impl CheckGroup {
    /// `members` subjects with `checks` checks in all, the same number each; `write(i)` writes
    /// member `i`'s checks.
    pub fn new(
        members: usize,
        checks: usize,
        write: impl Fn(usize) -> Vec<Check> + Send + Sync + 'static,
    ) -> CheckGroup {
        assert!(
            members > 0 && checks.is_multiple_of(members),
            "every member of a group has as many checks"
        );
        CheckGroup {
            members,
            checks,
            write: std::sync::Arc::new(write),
        }
    }

    pub fn members(&self) -> usize {
        self.members
    }

    /// How many checks the group stands for.
    pub fn len(&self) -> usize {
        self.checks
    }

    pub fn is_empty(&self) -> bool {
        self.checks == 0
    }

    /// The checks of member `index`, written now.
    pub fn member_checks(&self, index: usize) -> Vec<Check> {
        if index < self.members {
            (self.write)(index)
        } else {
            Vec::new()
        }
    }

    /// The group's check number `index` (0-based), written now.
    pub fn check(&self, index: usize) -> Option<Check> {
        let each = self.checks / self.members;
        self.member_checks(index / each)
            .into_iter()
            .nth(index % each)
    }

    /// Every check the group stands for, in order, written one member at a time.
    pub fn checks(&self) -> impl Iterator<Item = Check> + '_ {
        (0..self.members).flat_map(|index| (self.write)(index))
    }
}

impl PartialEq for CheckGroup {
    fn eq(&self, other: &CheckGroup) -> bool {
        self.members == other.members
            && self.checks == other.checks
            && self.checks().eq(other.checks())
    }
}

impl Eq for CheckGroup {}

impl fmt::Debug for CheckGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckGroup")
            .field("members", &self.members)
            .field("checks", &self.checks)
            .finish()
    }
}

impl Serialize for CheckGroup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.checks())
    }
}

impl Check {
    /// The catalog entry of this check: its spec section and meaning.
    pub fn check_id(&self) -> Option<CheckId> {
        CheckId::find(self.id)
    }

    /// Adds a supporting fact; chains on the `&mut Check` the trace methods return.
    pub fn add_evidence(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> &mut Check {
        self.evidence.push((name.into(), value.into()));
        self
    }

    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Fail { .. })
    }

    /// How many checks this one stands for: a group's count, else one.
    pub fn weight(&self) -> usize {
        self.group.as_ref().map_or(1, CheckGroup::len)
    }

    pub fn set_queue(&mut self, queue: RuleQueue) -> &mut Check {
        self.queue = Some(Box::new(queue));
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check ran and none failed.
    Pass,
    Fail,
    /// Nothing failed, but a check that could have failed was skipped (an inspection not run):
    /// never a pass.
    Incomplete,
    /// The first failure is a key whose scheme chainscope cannot verify: nothing was judged.
    CannotVerify,
}

impl Verdict {
    /// The command line's exit status: 0 verified, 1 failed, 3 not fully verified (2 is for
    /// input that cannot be read).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Incomplete => 3,
            Verdict::CannotVerify => 2,
        }
    }
}

/// A skipped check as `--format json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedCheck<'a> {
    /// 1-based, as the text rendering numbers checks.
    pub number: usize,
    pub check: &'static str,
    pub subject: &'a Subject,
    pub title: &'a str,
    pub why: &'a str,
}

/// How many consumed paths the text rendering names per rule.
const QUEUE_NAMES_SHOWN: usize = 5;

/// Everything one verification checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// What was verified: a target path, a layout file.
    pub target: String,
    pub checks: Vec<Check>,
}

impl Trace {
    pub fn new(target: impl Into<String>) -> Trace {
        Trace {
            target: target.into(),
            checks: Vec::new(),
        }
    }

    fn record(
        &mut self,
        id: CheckId,
        subject: Subject,
        title: &str,
        outcome: Outcome,
    ) -> &mut Check {
        self.checks.push(Check {
            id: id.id,
            title: title.to_owned(),
            subject,
            outcome,
            evidence: Vec::new(),
            queue: None,
            group: None,
        });
        self.checks.last_mut().expect("just pushed")
    }

    /// Records `group` as one passing check.
    pub fn pass_group(
        &mut self,
        id: CheckId,
        subject: Subject,
        title: &str,
        group: CheckGroup,
    ) -> &mut Check {
        let check = self.record(id, subject, title, Outcome::Pass);
        check.group = Some(group);
        check
    }

    /// The 1-based number of the check at `index`, counting every check a group before it
    /// stands for: the number it has in the text rendering and would have had unfolded.
    pub fn number(&self, index: usize) -> usize {
        1 + self.checks[..index.min(self.checks.len())]
            .iter()
            .map(Check::weight)
            .sum::<usize>()
    }

    /// How many checks the trace holds, a group counting as the checks it stands for.
    pub fn count(&self) -> usize {
        self.checks.iter().map(Check::weight).sum()
    }

    pub fn pass(&mut self, id: CheckId, subject: Subject, title: &str) -> &mut Check {
        self.record(id, subject, title, Outcome::Pass)
    }

    pub fn warn(
        &mut self,
        id: CheckId,
        subject: Subject,
        title: &str,
        message: impl Into<String>,
    ) -> &mut Check {
        self.record(
            id,
            subject,
            title,
            Outcome::Warn {
                message: message.into(),
            },
        )
    }

    pub fn fail(
        &mut self,
        id: CheckId,
        subject: Subject,
        title: &str,
        failure: Failure,
    ) -> &mut Check {
        self.record(
            id,
            subject,
            title,
            Outcome::Fail {
                failure: Box::new(failure),
            },
        )
    }

    pub fn skip(
        &mut self,
        id: CheckId,
        subject: Subject,
        title: &str,
        why: impl Into<String>,
    ) -> &mut Check {
        self.record(id, subject, title, Outcome::Skipped { why: why.into() })
    }

    /// Fails when any check failed; otherwise incomplete when any check was skipped (an engine
    /// records a skip only for a check that could have failed), and passes only when every
    /// check ran.
    pub fn verdict(&self) -> Verdict {
        if self.cannot_verify().is_some() {
            Verdict::CannotVerify
        } else if self.checks.iter().any(Check::failed) {
            Verdict::Fail
        } else if self
            .checks
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Skipped { .. }))
        {
            Verdict::Incomplete
        } else {
            Verdict::Pass
        }
    }

    /// Every skipped check with why, for `--format json`.
    pub fn skipped_checks(&self) -> Vec<SkippedCheck<'_>> {
        self.checks
            .iter()
            .enumerate()
            .filter_map(|(index, check)| match &check.outcome {
                Outcome::Skipped { why } => Some(SkippedCheck {
                    number: self.number(index),
                    check: check.id,
                    subject: &check.subject,
                    title: &check.title,
                    why,
                }),
                _ => None,
            })
            .collect()
    }

    /// "not fully verified: 2 inspections not run" (or "… 3 checks skipped"): what an
    /// incomplete verdict says in one line; `None` unless the verdict is incomplete.
    pub fn incomplete_summary(&self) -> Option<String> {
        if self.verdict() != Verdict::Incomplete {
            return None;
        }
        let skipped = self.skipped();
        let inspections: std::collections::BTreeSet<&str> = skipped
            .iter()
            .filter_map(|c| match &c.subject {
                Subject::Inspection { name } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        Some(if !inspections.is_empty() {
            format!(
                "not fully verified: {} not run",
                plural(inspections.len(), "inspection")
            )
        } else {
            format!(
                "not fully verified: {} skipped",
                plural(skipped.len(), "check")
            )
        })
    }

    /// Why nothing could be judged, when the first failure is a key chainscope cannot verify
    /// with.
    pub fn cannot_verify(&self) -> Option<&str> {
        match &self.first_failure()?.1.outcome {
            Outcome::Fail { failure } => failure.cannot_verify.as_deref(),
            _ => None,
        }
    }

    /// The first failed check and its index: where the replay jumps.
    pub fn first_failure(&self) -> Option<(usize, &Check)> {
        self.checks.iter().enumerate().find(|(_, c)| c.failed())
    }

    pub fn skipped(&self) -> Vec<&Check> {
        self.checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Skipped { .. }))
            .collect()
    }

    pub fn warnings(&self) -> Vec<&Check> {
        self.checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Warn { .. }))
            .collect()
    }

    /// The trace as text: one numbered line per check, failure details indented under it, the
    /// verdict last.
    pub fn render_text(&self) -> String {
        self.render_text_with(|_| true)
    }

    /// [`Trace::render_text`] listing only the passing checks `show` picks (failures, warnings
    /// and skips always show); each run of hidden checks becomes one line saying how many.
    /// Numbers stay those of the whole trace. A group is listed check by check or hidden as a
    /// whole, as `show` judges its first check (its members are checked alike).
    pub fn render_text_with(&self, show: impl Fn(&Check) -> bool) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "verifying {}", Shown(&self.target));
        let width = self.count().to_string().len();
        let mut hidden = 0usize;
        let mut number = 0usize;
        for check in &self.checks {
            match &check.group {
                Some(group) => {
                    if group.member_checks(0).first().is_some_and(&show) {
                        for member in group.checks() {
                            number += 1;
                            render_check(&mut out, &mut hidden, width, number, &member);
                        }
                    } else {
                        number += group.len();
                        hidden += group.len();
                    }
                }
                None => {
                    number += 1;
                    if matches!(check.outcome, Outcome::Pass) && !show(check) {
                        hidden += 1;
                    } else {
                        render_check(&mut out, &mut hidden, width, number, check);
                    }
                }
            }
        }
        flush_hidden(&mut out, &mut hidden, width);
        let skipped = self.skipped().len();
        let verdict = match (self.verdict(), self.first_failure()) {
            (Verdict::Fail, Some((index, check))) => {
                format!(
                    "FAIL at check {} ({}: {})",
                    self.number(index),
                    check.id,
                    check.subject
                )
            }
            (Verdict::CannotVerify, _) => format!(
                "CANNOT VERIFY ({})",
                Shown(self.cannot_verify().unwrap_or_default())
            ),
            (Verdict::Incomplete, _) => format!(
                "INCOMPLETE ({})",
                self.incomplete_summary().unwrap_or_default()
            ),
            _ => "PASS".to_owned(),
        };
        let _ = write!(out, "verdict: {verdict}");
        if skipped > 0 && self.verdict() != Verdict::Incomplete {
            let _ = write!(
                out,
                " ({skipped} check{} skipped)",
                if skipped == 1 { "" } else { "s" }
            );
        }
        out.push('\n');
        out
    }
}

/// One "passing checks not listed" line for a run of hidden checks, if any.
fn flush_hidden(out: &mut String, hidden: &mut usize, width: usize) {
    if *hidden > 0 {
        let _ = writeln!(
            out,
            "{:>width$}  … {} passing check{} not listed",
            "",
            hidden,
            if *hidden == 1 { "" } else { "s" }
        );
        *hidden = 0;
    }
}

/// One check of [`Trace::render_text_with`], numbered `number`, after any hidden run.
fn render_check(out: &mut String, hidden: &mut usize, width: usize, number: usize, check: &Check) {
    flush_hidden(out, hidden, width);
    let mark = match &check.outcome {
        Outcome::Pass => "ok  ",
        Outcome::Warn { .. } => "warn",
        Outcome::Fail { .. } => "FAIL",
        Outcome::Skipped { .. } => "skip",
    };
    let _ = writeln!(
        out,
        "{:>width$}. {mark} [{}] {}: {}",
        number,
        check.id,
        check.subject,
        Shown(&check.title)
    );
    let indent = " ".repeat(width + 8);
    match &check.outcome {
        Outcome::Pass => {}
        Outcome::Warn { message } => {
            let _ = writeln!(out, "{indent}{}", Shown(message));
        }
        Outcome::Skipped { why } => {
            let _ = writeln!(out, "{indent}skipped: {}", Shown(why));
        }
        Outcome::Fail { failure } => {
            let line = |text: &str| Shown(&clipped(text, MESSAGE_CHARS)).to_string();
            let _ = writeln!(out, "{indent}{}", line(&failure.message));
            if let Some(expected) = &failure.expected {
                let _ = writeln!(out, "{indent}expected: {}", line(expected));
            }
            if let Some(found) = &failure.found {
                let _ = writeln!(out, "{indent}found: {}", line(found));
            }
            if let Some(hint) = &failure.hint {
                let _ = writeln!(out, "{indent}hint: {}", line(hint));
            }
        }
    }
    for (name, value) in &check.evidence {
        let _ = writeln!(
            out,
            "{indent}{}: {}",
            Shown(name),
            Shown(&clipped(value, MESSAGE_CHARS))
        );
    }
    if let Some(queue) = &check.queue {
        // Whole queues are for --format json and the app; text names a few.
        let _ = writeln!(
            out,
            "{indent}queue: {} artifact{}, consumed {}{}{}",
            queue.before.len(),
            if queue.before.len() == 1 { "" } else { "s" },
            queue.consumed.len(),
            if queue.consumed.is_empty() { "" } else { ": " },
            Shown(&queue.consumed.summary(QUEUE_NAMES_SHOWN))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks;

    fn sample() -> Trace {
        let mut trace = Trace::new("demo-project.tar.gz");
        trace.pass(
            checks::INTOTO_LAYOUT_SIGNATURES,
            Subject::Layout,
            "layout signed by every layout key",
        );
        trace
            .warn(
                checks::INTOTO_STEP_COMMAND,
                Subject::Step {
                    name: "build".into(),
                },
                "command alignment",
                "expected `make`, ran `make all`",
            )
            .add_evidence("link", "build.776a00e2.link");
        trace.fail(
            checks::INTOTO_STEP_RULE,
            Subject::Rule {
                owner: "package".into(),
                list: RuleList::ExpectedProducts,
                index: 2,
            },
            "artifact rules",
            Failure::new("'DISALLOW *' matched the following artifacts: ['evil.py']")
                .expected("no artifacts left after the rules before it")
                .found("evil.py")
                .hint("add a rule for evil.py or remove it from the package"),
        );
        trace.skip(
            checks::INTOTO_INSPECTION_RUN,
            Subject::Inspection {
                name: "untar".into(),
            },
            "run inspection",
            "not confirmed",
        );
        trace
    }

    #[test]
    fn verdict_and_first_failure() {
        let trace = sample();
        assert_eq!(trace.verdict(), Verdict::Fail);
        assert_eq!(trace.first_failure().map(|(i, _)| i), Some(2));
        assert_eq!(trace.skipped().len(), 1);
        assert_eq!(trace.warnings().len(), 1);
        let mut passing = Trace::new("x");
        passing.pass(checks::TUF_5_2, Subject::Layout, "fine");
        assert_eq!(passing.verdict(), Verdict::Pass);
        assert_eq!(passing.incomplete_summary(), None);
    }

    /// A skipped check could have failed, so a trace with one is never a pass.
    #[test]
    fn a_skipped_check_makes_the_verdict_incomplete_never_pass() {
        let mut trace = Trace::new("x");
        trace.pass(checks::TUF_5_2, Subject::Layout, "fine");
        trace.skip(
            checks::INTOTO_INSPECTION_RUN,
            Subject::Inspection {
                name: "untar".into(),
            },
            "inspection command exits 0",
            "not run",
        );
        assert_eq!(trace.verdict(), Verdict::Incomplete);
        assert_eq!(trace.verdict().exit_code(), 3);
        assert_eq!(
            trace.incomplete_summary().as_deref(),
            Some("not fully verified: 1 inspection not run")
        );
        assert!(
            trace
                .render_text()
                .ends_with("verdict: INCOMPLETE (not fully verified: 1 inspection not run)\n"),
            "{}",
            trace.render_text()
        );
        let skipped = trace.skipped_checks();
        assert_eq!(skipped.len(), 1);
        assert_eq!((skipped[0].number, skipped[0].why), (2, "not run"));
        trace.fail(
            checks::TUF_5_3_3,
            Subject::Layout,
            "broken",
            Failure::new("no"),
        );
        assert_eq!(trace.verdict(), Verdict::Fail);
    }

    #[test]
    fn renders_every_outcome() {
        assert_eq!(
            sample().render_text(),
            "verifying demo-project.tar.gz
1. ok   [intoto.layout.signatures] layout: layout signed by every layout key
2. warn [intoto.step.command] step build: command alignment
         expected `make`, ran `make all`
         link: build.776a00e2.link
3. FAIL [intoto.step.rule] package expected_products rule #3: artifact rules
         'DISALLOW *' matched the following artifacts: ['evil.py']
         expected: no artifacts left after the rules before it
         found: evil.py
         hint: add a rule for evil.py or remove it from the package
4. skip [intoto.inspection.run] inspection untar: run inspection
         skipped: not confirmed
verdict: FAIL at check 3 (intoto.step.rule: package expected_products rule #3) (1 check skipped)
"
        );
    }

    #[test]
    fn rule_queues_are_whole_in_json_and_summarized_in_text() {
        let mut trace = Trace::new("layout");
        let paths: Vec<String> = (0..8).map(|i| format!("src/{i}.py")).collect();
        trace
            .pass(
                checks::INTOTO_STEP_RULE,
                Subject::Rule {
                    owner: "build".into(),
                    list: RuleList::ExpectedMaterials,
                    index: 0,
                },
                "expected_materials rule 'ALLOW src/*'",
            )
            .set_queue(RuleQueue {
                before: paths.iter().map(String::as_str).chain(["README"]).collect(),
                consumed: paths.iter().map(String::as_str).collect(),
            });
        let text = trace.render_text();
        assert!(
            text.contains(
                "queue: 9 artifacts, consumed 8: src/0.py, src/1.py, src/2.py, src/3.py, src/4.py, … (3 more)"
            ),
            "{text}"
        );
        let json = serde_json::to_value(&trace).unwrap();
        let queue = &json["checks"][0]["queue"];
        assert_eq!(queue["before"].as_array().unwrap().len(), 9);
        assert_eq!(queue["before"][8], "README");
        assert_eq!(queue["consumed"][7], "src/7.py");
        let list: PathList = ["a", "", "b/c"].into_iter().collect();
        assert_eq!(list.iter().collect::<Vec<_>>(), ["a", "", "b/c"]);
        assert!(list.contains("") && !list.contains("b"));
    }

    #[test]
    fn hidden_checks_are_counted_and_failures_always_show() {
        let mut trace = Trace::new("repo");
        for i in 0..3 {
            trace.pass(
                checks::TUF_5_2,
                Subject::Role {
                    name: format!("bin-{i}"),
                },
                "fine",
            );
        }
        trace.fail(
            checks::TUF_5_3_3,
            Subject::Layout,
            "broken",
            Failure::new("no"),
        );
        let text = trace.render_text_with(|_| false);
        assert!(
            text.contains("  … 3 passing checks not listed\n4. FAIL [tuf.5.3.3]"),
            "{text}"
        );
    }

    #[test]
    fn serializes_subjects_and_outcomes_as_tagged_json() {
        let json = serde_json::to_value(sample()).unwrap();
        assert_eq!(json["checks"][2]["subject"]["kind"], "rule");
        assert_eq!(json["checks"][2]["subject"]["list"], "expected_products");
        assert_eq!(json["checks"][2]["outcome"]["result"], "fail");
        assert_eq!(json["checks"][3]["outcome"]["why"], "not confirmed");
    }
}
