//! A bounded undo/redo history of whole document states: undoing restores exactly the document
//! that was there, whatever the action did.

/// Past and undone states of a document, at most `limit` of each.
#[derive(Debug, Clone)]
pub struct History<T> {
    undo: Vec<T>,
    redo: Vec<T>,
    limit: usize,
}

impl<T> History<T> {
    pub fn new(limit: usize) -> History<T> {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// Records the state before a change; a new change forgets what was undone.
    pub fn record(&mut self, before: T) {
        if self.undo.len() == self.limit {
            self.undo.remove(0);
        }
        self.undo.push(before);
        self.redo.clear();
    }

    /// The state to go back to, given the current one (kept for redo).
    pub fn undo(&mut self, current: T) -> Result<T, T> {
        match self.undo.pop() {
            Some(previous) => {
                self.redo.push(current);
                Ok(previous)
            }
            None => Err(current),
        }
    }

    /// The state to go forward to, given the current one (kept for undo).
    pub fn redo(&mut self, current: T) -> Result<T, T> {
        match self.redo.pop() {
            Some(next) => {
                self.undo.push(current);
                Ok(next)
            }
            None => Err(current),
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::History;

    #[test]
    fn undo_and_redo_walk_the_states_and_stay_bounded() {
        let mut history = History::new(2);
        let mut state = 0;
        for next in 1..=3 {
            history.record(state);
            state = next;
        }
        state = history.undo(state).unwrap();
        assert_eq!(state, 2);
        state = history.undo(state).unwrap();
        assert_eq!(state, 1);
        assert_eq!(history.undo(state), Err(1), "only two steps are kept");
        state = history.redo(state).unwrap();
        assert_eq!(state, 2);
        history.record(state);
        assert!(!history.can_redo(), "a new change forgets the undone ones");
    }
}
