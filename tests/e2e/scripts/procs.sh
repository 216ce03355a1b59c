# Processes from a shell: pipelines, command substitution, subshells,
# redirections, exit statuses, an EXIT trap (background jobs: jobs.sh).
# Runs under bash-static and busybox sh with the host's / as the root file
# system (the commands are Debian's own, dynamically linked); every line of
# output is deterministic, for the differential suite.
trap 'echo "trap: EXIT ran"' EXIT
echo "pipeline: $(printf 'b\na\nc\n' | sort | tr '\n' ' ')"
echo "three stages: $(seq 1 100 | grep 7 | wc -l)"
x=$(echo inner; echo second)
echo "substitution: $x" | tr '\n' '|'; echo
echo "nested: $(echo "$(echo deep)")"
(echo "subshell: $((6 * 7))"; exit 3); echo "subshell status: $?"
false | true; echo "pipeline status: $?"
true | false; echo "last stage status: $?"
sh -c 'exit 9'; echo "child status: $?"
/bin/sh -c 'kill -TERM $$'; echo "killed child status: $?"
echo "to a file" > /tmp/procs.$$; cat < /tmp/procs.$$; rm /tmp/procs.$$
# /tmp is every process's: what a child writes there, its parent reads.
ls / > /tmp/procs-ls.$$; [ -s /tmp/procs-ls.$$ ] && echo "a child's /tmp file: seen"; rm /tmp/procs-ls.$$
{ echo first; /bin/echo second; echo third; } > /tmp/procs-group.$$
echo "one offset: $(tr '\n' ' ' < /tmp/procs-group.$$)"; rm /tmp/procs-group.$$
ls /nonexistent-dir 2>/dev/null || echo "stderr redirected, status nonzero"
{ echo one; echo two; } | while read -r l; do echo "read: $l"; done
cat <<HERE | tr a-z A-Z
here document
HERE
for i in 1 2 3; do echo "loop $i" | cat; done
echo "done: $(basename /usr/bin/env)"
