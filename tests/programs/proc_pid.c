/* /proc/<pid> between processes: a child named with PR_SET_NAME waits on a
 * pipe while its parent reads /proc/<child>/{stat,status,comm,cmdline,exe}
 * and finds both pids in /proc; /proc/self agrees with getpid/getppid; a
 * reaped child's directory is gone. Prints one deterministic line per part,
 * then "proc_pid: all ok". */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static ssize_t ReadFile(const char* path, char* buf, size_t cap) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = 0, r;
  while (n < (ssize_t)cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += r;
  close(fd);
  buf[n < 0 ? 0 : n] = '\0';
  return n;
}

/* Fields of a stat line: the pid, the comm in parentheses, then the rest. */
static int StatFields(const char* line, int* pid, char* comm, char* state, int* ppid, int* pgrp) {
  const char* open_paren = strchr(line, '(');
  const char* close_paren = strrchr(line, ')');
  if (open_paren == NULL || close_paren == NULL) return -1;
  *pid = atoi(line);
  memcpy(comm, open_paren + 1, close_paren - open_paren - 1);
  comm[close_paren - open_paren - 1] = '\0';
  return sscanf(close_paren + 2, "%c %d %d", state, ppid, pgrp) == 3 ? 0 : -1;
}

static int Listed(int pid) {
  char want[16];
  snprintf(want, sizeof want, "%d", pid);
  DIR* d = opendir("/proc");
  if (d == NULL) return 0;
  int found = 0;
  for (struct dirent* e; (e = readdir(d)) != NULL;) {
    if (strcmp(e->d_name, want) == 0 && e->d_type == DT_DIR) found = 1;
  }
  closedir(d);
  return found;
}

int main(int argc, char** argv) {
  char buf[4096], path[64], comm[64];
  int pid, ppid, pgrp;
  char state;

  /* /proc/self. */
  CHECK(ReadFile("/proc/self/stat", buf, sizeof buf) > 0);
  CHECK(StatFields(buf, &pid, comm, &state, &ppid, &pgrp) == 0);
  CHECK(pid == getpid());
  CHECK(ppid == getppid());
  CHECK(pgrp == getpgrp());
  CHECK(state == 'R');
  CHECK(strcmp(comm, "proc_pid") == 0);
  char want[4096];
  size_t want_len = 0;
  for (int i = 0; i < argc; i++) {
    size_t n = strlen(argv[i]) + 1;
    memcpy(want + want_len, argv[i], n);
    want_len += n;
  }
  ssize_t n = ReadFile("/proc/self/cmdline", buf, sizeof buf);
  CHECK(n == (ssize_t)want_len && memcmp(buf, want, want_len) == 0);
  CHECK(ReadFile("/proc/self/status", buf, sizeof buf) > 0);
  snprintf(path, sizeof path, "\nPid:\t%d\n", getpid());
  CHECK(strstr(buf, path) != NULL);
  CHECK(strncmp(buf, "Name:\tproc_pid\n", 15) == 0);
  printf("self: done\n");

  /* Another process. */
  int up[2], down[2];
  CHECK(pipe(up) == 0 && pipe(down) == 0);
  pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_NAME, "kid-of-proc");
    char c = 'r';
    write(up[1], &c, 1);
    read(down[0], &c, 1); /* until the parent is done looking */
    _exit(0);
  }
  char c;
  CHECK(read(up[0], &c, 1) == 1);
  snprintf(path, sizeof path, "/proc/%d/stat", child);
  CHECK(ReadFile(path, buf, sizeof buf) > 0);
  CHECK(StatFields(buf, &pid, comm, &state, &ppid, &pgrp) == 0);
  CHECK(pid == child);
  CHECK(ppid == getpid());
  CHECK(pgrp == getpgrp());
  CHECK(state == 'S' || state == 'R'); /* it may not be blocked yet */
  CHECK(strcmp(comm, "kid-of-proc") == 0);
  snprintf(path, sizeof path, "/proc/%d/comm", child);
  CHECK(ReadFile(path, buf, sizeof buf) > 0 && strcmp(buf, "kid-of-proc\n") == 0);
  snprintf(path, sizeof path, "/proc/%d/cmdline", child);
  n = ReadFile(path, buf, sizeof buf);
  CHECK(n == (ssize_t)want_len && memcmp(buf, want, want_len) == 0);
  snprintf(path, sizeof path, "/proc/%d/status", child);
  CHECK(ReadFile(path, buf, sizeof buf) > 0);
  char line[64];
  snprintf(line, sizeof line, "\nPPid:\t%d\n", getpid());
  CHECK(strstr(buf, line) != NULL);
  CHECK(strstr(buf, "\nState:\tS (sleeping)\n") != NULL ||
        strstr(buf, "\nState:\tR (running)\n") != NULL);
  char mine[512] = {0}, theirs[512] = {0};
  snprintf(path, sizeof path, "/proc/%d/exe", child);
  CHECK(readlink("/proc/self/exe", mine, sizeof mine - 1) > 0);
  CHECK(readlink(path, theirs, sizeof theirs - 1) > 0);
  CHECK(strcmp(mine, theirs) == 0);
  CHECK(Listed(getpid()));
  CHECK(Listed(child));
  printf("child: done\n");

  CHECK(write(down[1], "x", 1) == 1);
  int status;
  CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status));
  snprintf(path, sizeof path, "/proc/%d/stat", child);
  CHECK(open(path, O_RDONLY) < 0 && errno == ENOENT);
  CHECK(!Listed(child));
  snprintf(path, sizeof path, "/proc/%d", 999999);
  CHECK(access(path, F_OK) < 0 && errno == ENOENT);
  printf("reaped: done\n");

  printf(failures == 0 ? "proc_pid: all ok\n" : "proc_pid: FAILED\n");
  return failures == 0 ? 0 : 1;
}
