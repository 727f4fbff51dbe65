/* String helpers for code that runs between clone and execve (and in the
 * monitor): no malloc, no locale, no stdio — only bounded copies into
 * caller-provided stack buffers. Every function NUL-terminates and truncates. */
#ifndef BERTH_SAFE_STR_H
#define BERTH_SAFE_STR_H

#include <stddef.h>
#include <stdint.h>

static inline size_t s_len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

/* Appends src to dst (of capacity cap); returns the new length. */
static inline size_t s_cat(char *dst, size_t cap, const char *src) {
  size_t n = s_len(dst);
  while (*src && n + 1 < cap) dst[n++] = *src++;
  dst[n] = 0;
  return n;
}

/* dst = a + b (either may be NULL). */
static inline void s_join(char *dst, size_t cap, const char *a, const char *b) {
  dst[0] = 0;
  if (a) s_cat(dst, cap, a);
  if (b) s_cat(dst, cap, b);
}

/* Decimal digits of v into buf; returns buf. */
static inline char *s_utoa(char *buf, size_t cap, uint64_t v) {
  char tmp[24];
  size_t n = 0;
  do tmp[n++] = (char)('0' + v % 10), v /= 10; while (v && n < sizeof tmp);
  size_t i = 0;
  while (n && i + 1 < cap) buf[i++] = tmp[--n];
  buf[i] = 0;
  return buf;
}

/* Like s_utoa but zero-padded to width digits. */
static inline void s_utoa_pad(char *buf, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; i--) buf[i] = (char)('0' + v % 10), v /= 10;
}

static inline int s_eq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

static inline int s_has_prefix(const char *s, const char *prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return 0;
  return 1;
}

#endif
