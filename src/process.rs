//! Commands chainscope runs (inspections, `intoto run`) and how a timeout ends them: the
//! command and everything it started, never only the direct child, so nothing it spawned
//! outlives chainscope.

use std::process::{Child, Command};

/// Puts `command` in a process group of its own, so [`kill_group`] can end it with
/// everything it starts. For commands that do not read the terminal (inspections): a
/// background group reading from the terminal would be stopped.
pub fn own_group(command: &mut Command) -> &mut Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
    }
    command
}

/// Ends the process group [`own_group`] gave `child`, then reaps the child.
pub fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals that process group; it touches no memory.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Ends `child` and every process descended from it (for a command left in chainscope's own
/// process group, as an interactive `intoto run` must be), then reaps the child. The
/// descendants are found in /proc; where there is none, only the child is killed.
pub fn kill_tree(child: &mut Child) {
    #[cfg(target_os = "linux")]
    for _ in 0..3 {
        // A few rounds catch what forked while the previous round was killing.
        let descendants = descendants(child.id());
        if descendants.is_empty() {
            break;
        }
        for pid in descendants {
            // SAFETY: kill(2) signals a process; it touches no memory.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Every process whose chain of parents leads to `root`, from /proc.
#[cfg(target_os = "linux")]
fn descendants(root: u32) -> Vec<i32> {
    let mut parent_of = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|name| name.parse::<i32>().ok())
            else {
                continue;
            };
            // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let Some(after) = stat.rfind(')').map(|end| &stat[end + 1..]) else {
                continue;
            };
            if let Some(ppid) = after
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<i32>().ok())
            {
                parent_of.push((pid, ppid));
            }
        }
    }
    let mut found: Vec<i32> = Vec::new();
    let mut frontier = vec![root as i32];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid) in &parent_of {
            if ppid == parent && !found.contains(&pid) {
                found.push(pid);
                frontier.push(pid);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn alive(pid: i32) -> bool {
        // A zombie is dead for this purpose; /proc/<pid>/stat says `Z`.
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    }

    fn grandchild_of(script: &str, own: bool) -> (Child, i32, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let mut command = Command::new("sh");
        command.args([
            "-c",
            &format!("sleep 60 & echo $! > {}; {script}", pidfile.display()),
        ]);
        if own {
            own_group(&mut command);
        }
        #[allow(clippy::zombie_processes, reason = "the caller kills and reaps it")]
        let child = command.spawn().unwrap();
        for _ in 0..200 {
            if let Ok(text) = std::fs::read_to_string(&pidfile)
                && let Ok(pid) = text.trim().parse()
            {
                return (child, pid, dir);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the grandchild did not start");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_timeout_ends_the_command_and_what_it_started() {
        let (mut child, grandchild, _dir) = grandchild_of("sleep 60", true);
        assert!(alive(grandchild));
        kill_group(&mut child);
        std::thread::sleep(Duration::from_millis(100));
        assert!(!alive(grandchild), "the group's grandchild survived");

        let (mut child, grandchild, _dir) = grandchild_of("sleep 60", false);
        kill_tree(&mut child);
        std::thread::sleep(Duration::from_millis(100));
        assert!(!alive(grandchild), "the tree's grandchild survived");
    }
}
