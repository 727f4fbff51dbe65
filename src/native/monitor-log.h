/* The monitor's log writer: container output -> k8s-file records
 * "<RFC3339Nano UTC> stdout|stderr F|P <text>\n", one per line. */
#ifndef BERTH_MONITOR_LOG_H
#define BERTH_MONITOR_LOG_H

#include <stddef.h>
#include <time.h>

/* Longest line kept whole; a longer one is split into P records. conmon's
 * buffer size too: small enough for a tiny RSS, enough for most lines. */
#define LOG_LINE_MAX 8192

/* "2026-11-22T21:40:00.123456789Z" + NUL */
#define TIMESTAMP_LEN 30
void format_rfc3339nano(char out[TIMESTAMP_LEN + 1], const struct timespec *ts);

struct log_stream {
  const char *name; /* "stdout" or "stderr" */
  int fd;           /* pipe read end; -1 after EOF */
  size_t len;       /* bytes of an unfinished line in buf */
  /* called with every chunk read, before it is logged (the attach clients) */
  void (*tee)(void *ctx, const char *data, size_t len);
  void *tee_ctx;
  char buf[LOG_LINE_MAX];
};

/* Reads once from s->fd (non-blocking), at most max bytes (the attach
 * clients take one frame at a time), and writes the complete lines to logfd
 * (-1: discard). At EOF the unfinished line is written as P, the fd closed
 * and set to -1. Returns the bytes read. */
size_t stream_pump(struct log_stream *s, int logfd, size_t max);

/* Writes an unfinished line (as P) and stops reading the stream. */
void stream_finish(struct log_stream *s, int logfd);

#endif
