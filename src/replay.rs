//! Replaying a trace check by check: where the replay stands, where it moves, what it keeps
//! when the files change and the trace is computed again, and the queue view of an artifact
//! rule list. The app only draws this.

use crate::trace::{Check, Outcome, RuleList, Subject, Trace};

/// The replay's position: the check shown (0-based), and whether it advances by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Replay {
    pub index: usize,
    pub playing: bool,
}

impl Replay {
    pub fn forward(&mut self, trace: &Trace) {
        if self.index + 1 < trace.checks.len() {
            self.index += 1;
        } else {
            self.playing = false;
        }
    }

    pub fn back(&mut self) {
        self.index = self.index.saturating_sub(1);
        self.playing = false;
    }

    /// To the first failing check, or the last check when none fails.
    pub fn first_failure(&mut self, trace: &Trace) {
        self.index = trace
            .first_failure()
            .map_or(trace.checks.len().saturating_sub(1), |(i, _)| i);
        self.playing = false;
    }

    pub fn to_end(&mut self, trace: &Trace) {
        self.index = trace.checks.len().saturating_sub(1);
        self.playing = false;
    }

    /// One step of playing: forward, stopping at a failure (that is what the user is shown).
    pub fn tick(&mut self, trace: &Trace) {
        if !self.playing {
            return;
        }
        if trace.checks.get(self.index).is_some_and(Check::failed) {
            self.playing = false;
            return;
        }
        self.forward(trace);
    }

    /// The same place in a trace computed again: the check with the same id and subject as the
    /// one shown, the nth of its kind as it was; `None` when the new trace has no such check
    /// (then the replay starts over).
    pub fn carried_over(&self, old: &Trace, new: &Trace) -> Option<Replay> {
        let shown = old.checks.get(self.index)?;
        let same = |c: &Check| c.id == shown.id && c.subject == shown.subject;
        let nth = old.checks[..self.index].iter().filter(|c| same(c)).count();
        let index = new
            .checks
            .iter()
            .enumerate()
            .filter(|(_, c)| same(c))
            .nth(nth)
            .map(|(i, _)| i)?;
        Some(Replay {
            index,
            playing: false,
        })
    }
}

/// One rule of a list, as the queue view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueStep {
    /// Index of the rule's check in the trace.
    pub check: usize,
    pub rule: String,
    /// The queue the rule saw.
    pub before: Vec<String>,
    /// What it consumed.
    pub consumed: Vec<String>,
    pub failed: bool,
}

/// An artifact rule list of one step or inspection, rule by rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueView {
    pub owner: String,
    pub list: RuleList,
    pub steps: Vec<QueueStep>,
    /// The artifacts a failing rule names (a DISALLOW's matches, a REQUIRE's missing name).
    pub offending: Vec<String>,
}

impl QueueView {
    /// The rule list that the check at `index` belongs to, when it is a rule check.
    pub fn around(trace: &Trace, index: usize) -> Option<QueueView> {
        let Subject::Rule { owner, list, .. } = &trace.checks.get(index)?.subject else {
            return None;
        };
        let in_list = |c: &Check| matches!(&c.subject, Subject::Rule { owner: o, list: l, .. } if o == owner && l == list);
        // The list's checks are consecutive: walk out from `index` both ways.
        let start = (0..=index)
            .rev()
            .take_while(|&i| in_list(&trace.checks[i]))
            .last()
            .unwrap_or(index);
        let end = (index..trace.checks.len())
            .take_while(|&i| in_list(&trace.checks[i]))
            .last()
            .unwrap_or(index);
        let mut view = QueueView {
            owner: owner.clone(),
            list: *list,
            steps: Vec::new(),
            offending: Vec::new(),
        };
        for (i, check) in trace.checks.iter().enumerate().take(end + 1).skip(start) {
            let (before, consumed) = match &check.queue {
                Some(queue) => (
                    queue.before.iter().map(str::to_owned).collect(),
                    queue.consumed.iter().map(str::to_owned).collect(),
                ),
                None => (Vec::new(), Vec::new()),
            };
            if let Outcome::Fail { failure } = &check.outcome {
                view.offending.extend(failure.artifacts.iter().cloned());
            }
            view.steps.push(QueueStep {
                check: i,
                rule: check.title.clone(),
                before,
                consumed,
                failed: check.failed(),
            });
        }
        Some(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks;
    use crate::trace::Failure;

    fn trace() -> Trace {
        let mut trace = Trace::new("t");
        trace.pass(checks::TUF_5_2, Subject::Layout, "signature");
        trace.pass(
            checks::TUF_5_3_3,
            Subject::Step {
                name: "build".into(),
            },
            "links",
        );
        trace.fail(
            checks::TUF_5_3_4,
            Subject::Step {
                name: "build".into(),
            },
            "rules",
            Failure::new("no"),
        );
        trace
    }

    #[test]
    fn playing_stops_at_the_first_failure_and_the_end() {
        let trace = trace();
        let mut replay = Replay {
            index: 0,
            playing: true,
        };
        replay.tick(&trace);
        replay.tick(&trace);
        assert_eq!(replay.index, 2);
        replay.tick(&trace);
        assert_eq!(
            replay,
            Replay {
                index: 2,
                playing: false
            }
        );
        replay.back();
        replay.first_failure(&trace);
        assert_eq!(replay.index, 2);
    }

    #[test]
    fn a_reload_keeps_the_place_when_the_check_is_still_there() {
        let old = trace();
        let mut new = Trace::new("t");
        new.pass(checks::TUF_5_4_1, Subject::Layout, "new first check");
        new.checks.extend(old.checks.clone());
        let replay = Replay {
            index: 1,
            playing: true,
        };
        assert_eq!(
            replay.carried_over(&old, &new),
            Some(Replay {
                index: 2,
                playing: false
            })
        );
        let unrelated = Trace::new("t");
        assert_eq!(replay.carried_over(&old, &unrelated), None);
    }
}
