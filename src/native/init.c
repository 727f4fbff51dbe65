/* berth-init: the `--init` PID 1 (tini's job). A process that is PID 1 of
 * its namespace gets no default signal actions, so `kill -TERM` of a plain
 * shell as PID 1 does nothing, and nobody reaps orphaned zombies. berth-init
 * runs argv[1..] as its only child, forwards the usual signals to it, reaps
 * every zombie, and exits with the child's status (128+signal if killed).
 * Static: it is bind-mounted into images that have no libc. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

int main(int argc, char **argv) {
  /* `berth-init -- CMD...` as tini takes it: the "--" guards CMD's own options */
  if (argc > 1 && !strcmp(argv[1], "--")) argv++, argc--;
  if (argc < 2) {
    dprintf(2, "usage: berth-init [--] COMMAND [ARG]...\n");
    return 2;
  }
  /* Everything blocked, then taken synchronously with sigwaitinfo: no
   * handler can race the bookkeeping below. */
  sigset_t all, old, wanted;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGCHLD);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaddset(&wanted, forwarded[i]);
  /* Not PID 1 (e.g. no pid namespace): still adopt the orphans to reap them. */
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  pid_t child = fork();
  if (child < 0) {
    dprintf(2, "berth-init: fork: %s\n", strerror(errno));
    return 125;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    execvp(argv[1], argv + 1);
    int e = errno;
    dprintf(2, "berth-init: exec %s: %s\n", argv[1], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
  }
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&wanted, &si);
    if (sig < 0) continue; /* EINTR */
    if (sig != SIGCHLD) {
      kill(child, sig);
      continue;
    }
    int status;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
      if (p != child) continue; /* an orphan: reaped, nothing more */
      /* Exiting as PID 1 kills whatever else is left in the namespace. */
      return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    }
  }
}
