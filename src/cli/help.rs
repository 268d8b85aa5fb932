//! The long help texts shown after `--help`: the tour of the whole program and the rules of
//! `runbook run`. Text only; the definitions that show them are in `cli` and `cli::command`.

pub(super) const AFTER_HELP: &str = "\
Examples:
  runbook                                       open the app on the library
  runbook validate runbooks/                    check every runbook in a directory
  runbook list --type database                  runbooks for one incident type
  runbook show etcd-quorum-loss                 a runbook as readable text
  runbook new cache-stampede --type caching     write a starter runbook

Runbooks are searched in: --runbooks DIR (repeatable) or RUNBOOK_PATH (colon-separated);
otherwise ./runbooks and $XDG_CONFIG_HOME/runbook/runbooks; and always, last, the bundled
library. Exit status: 0 success, 1 failure (e.g. invalid runbooks), 2 misuse.";

pub(super) const RUN_HELP: &str = "\
Examples:
  runbook run --incident \"$(runbook start disk-full --drill --no-tui)\" df --yes

The example starts a drill of disk-full and runs its df step there: in a drill nothing real
runs, the scenario's canned output stands in. In a real incident, `runbook run df` shows the
step and the exact command and asks Run it? [y/N] on the terminal; --yes runs it without
asking (scripts; without a terminal and without --yes it refuses).

The command shown is exactly what runs (sh -c): each {{variable}} is filled in as one quoted
shell word, so a value can never add a command or a word. It runs in its own process group
with no stdin, stdout and stderr together, for at most the step's timeout (default 60s); its
output is saved in <state-dir>/outputs/<incident>/, at most RUNBOOK_OUTPUT_CAP (default 64M).
Ctrl-C, SIGTERM or SIGHUP stop it and record it as interrupted. A step that needs a sign-off
runs only after one (runbook signoff STEP, by a second person) or a break-glass override.

Exit status: 0 the command ran and exited 0; 1 refused, failed, timed out or interrupted;
2 misuse (no terminal to ask on and no --yes).";
