# Signal traps: a handler for a signal the shell sends itself, one in a
# subshell that a child process signals, an ignored signal, and EXIT.
trap 'echo "trap: USR1"' USR1
kill -USR1 $$
echo "after USR1"
( trap 'echo "subshell: TERM"; exit 5' TERM; sh -c 'kill -TERM $PPID'; sleep 5; echo "not reached" )
echo "subshell status: $?"
trap '' HUP
kill -HUP $$
echo "HUP ignored"
trap 'echo "trap: EXIT"' EXIT
exit 3
