# Background jobs and wait (busybox sh waits in sigsuspend until its SIGCHLD
# handler has run).
sleep 0.1 & bg=$!
echo "background: started"
wait $bg; echo "wait status: $?"
(exit 4) & wait $!; echo "background status: $?"
(sleep 0.05; echo "from the background") & (echo "from the foreground")
wait
echo "all waited"
