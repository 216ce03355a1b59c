# Background jobs and wait. bash-static only for now: busybox sh waits for
# a child in sigsuspend until its SIGCHLD handler has run, and hvrun does not
# run signal handlers yet (issue 13).
sleep 0.1 & bg=$!
echo "background: started"
wait $bg; echo "wait status: $?"
(exit 4) & wait $!; echo "background status: $?"
(sleep 0.05; echo "from the background") & (echo "from the foreground")
wait
echo "all waited"
