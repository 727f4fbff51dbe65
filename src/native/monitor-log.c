/* k8s-file records for the monitor (see monitor-log.h). The records of one
 * read go out in one writev on an O_APPEND fd (a record never spans two
 * writes, so a reader never sees half of one): a write per line was the
 * monitor's whole cost for output with short lines (~200 000 writes for
 * 50 MiB of random bytes). */
#include "monitor-log.h"
#include "safe-str.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* Days since 1970-01-01 -> civil date (H. Hinnant's algorithm): no
 * gmtime, no time zone files, nothing for a static binary to load. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void format_rfc3339nano(char out[TIMESTAMP_LEN + 1], const struct timespec *ts) {
  int64_t secs = ts->tv_sec, days = secs / 86400, rem = secs % 86400, y;
  if (rem < 0) rem += 86400, days--;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  memcpy(out, "0000-00-00T00:00:00.000000000Z", TIMESTAMP_LEN + 1);
  s_utoa_pad(out, (uint64_t)y, 4);
  s_utoa_pad(out + 5, m, 2);
  s_utoa_pad(out + 8, d, 2);
  s_utoa_pad(out + 11, (uint64_t)(rem / 3600), 2);
  s_utoa_pad(out + 14, (uint64_t)(rem / 60 % 60), 2);
  s_utoa_pad(out + 17, (uint64_t)(rem % 60), 2);
  s_utoa_pad(out + 20, (uint64_t)ts->tv_nsec, 9);
}

static void write_all(int fd, struct iovec *iov, int n) {
  while (n > 0) {
    ssize_t w = writev(fd, iov, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return; /* a full disk loses log lines, never the container */
    while (n > 0 && (size_t)w >= iov->iov_len) w -= (ssize_t)iov->iov_len, iov++, n--;
    if (n > 0) iov->iov_base = (char *)iov->iov_base + w, iov->iov_len -= (size_t)w;
  }
}

/* Records waiting for their writev: 3 iovecs each (head, text, newline). */
#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
#define BATCH_RECORDS (IOV_MAX / 3)
static struct {
  int n;
  struct iovec iov[BATCH_RECORDS * 3];
  char head[BATCH_RECORDS][TIMESTAMP_LEN + 1 + 7 + 3];
} batch;

static void flush(int logfd) {
  if (batch.n) write_all(logfd, batch.iov, batch.n * 3);
  batch.n = 0;
}

/* Queues a record; text must stay as it is until the next flush. */
static void record(int logfd, const char *stream, char tag, const char *text, size_t len) {
  if (logfd < 0) return;
  if (batch.n == BATCH_RECORDS) flush(logfd);
  char *head = batch.head[batch.n];
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now); /* each its own: readers tell records apart by time */
  format_rfc3339nano(head, &now);
  size_t n = TIMESTAMP_LEN;
  head[n++] = ' ';
  for (const char *c = stream; *c;) head[n++] = *c++;
  head[n++] = ' ';
  head[n++] = tag;
  head[n++] = ' ';
  struct iovec *iov = &batch.iov[batch.n++ * 3];
  iov[0] = (struct iovec){head, n};
  iov[1] = (struct iovec){(void *)text, len};
  iov[2] = (struct iovec){"\n", 1};
}

void stream_finish(struct log_stream *s, int logfd) {
  if (s->len) record(logfd, s->name, 'P', s->buf, s->len);
  flush(logfd);
  s->len = 0;
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
}

size_t stream_pump(struct log_stream *s, int logfd, size_t max) {
  size_t room = sizeof s->buf - s->len;
  ssize_t n;
  do n = read(s->fd, s->buf + s->len, max < room ? max : room);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN) return 0;
  if (n <= 0) { /* EOF (or a broken pipe; EIO: a terminal whose last slave closed) */
    stream_finish(s, logfd);
    return 0;
  }
  if (s->tee) s->tee(s->tee_ctx, s->buf + s->len, (size_t)n);
  size_t end = s->len + (size_t)n, start = 0;
  for (size_t i = s->len; i < end; i++) {
    if (s->buf[i] == '\n') {
      record(logfd, s->name, 'F', s->buf + start, i - start);
      start = i + 1;
    }
  }
  s->len = end - start;
  if (s->len == sizeof s->buf) { /* a line longer than the buffer */
    record(logfd, s->name, 'P', s->buf, s->len);
    s->len = 0;
  }
  flush(logfd); /* before the memmove below changes the text the records point at */
  if (s->len && start) {
    memmove(s->buf, s->buf + start, s->len);
  }
  return (size_t)n;
}
