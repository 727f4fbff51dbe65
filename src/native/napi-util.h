/* Small helpers shared by the N-API glue files: argument extraction and
 * errors that carry the failing step and errno up to TypeScript. */
#ifndef BERTH_NAPI_UTIL_H
#define BERTH_NAPI_UTIL_H

#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>

#define NAPI_CALL(env, call)                                                   \
  do {                                                                         \
    if ((call) != napi_ok) {                                                   \
      napi_throw_error((env), "NATIVE", "internal N-API call failed: " #call); \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

/* The arguments of a JS call as argc/argv; fewer than n throws "too few arguments". */
#define ARGS(n)                                                                \
  size_t argc = (n);                                                           \
  napi_value argv[(n) > 0 ? (n) : 1];                                          \
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));        \
  if (argc < (n)) return berth_throw_msg(env, "too few arguments")

/* Throws Error(message="<step>: <strerror>") with .code = errno name,
 * .errno = number, .step = step. Always returns NULL for tail calls. */
napi_value berth_throw_errno(napi_env env, const char *step, int err);
/* The same error object, not thrown (to reject a promise with). */
napi_value berth_errno_error(napi_env env, const char *step, int err);
napi_value berth_throw_msg(napi_env env, const char *msg);

/* Runs `execute(data)` on the thread pool and `complete` back on the JS thread, and returns
 * the promise `complete` settles through *deferred (it also deletes *work). NULL, with an
 * exception pending, when nothing could be queued: the caller still owns `data`. */
napi_value berth_queue_promise_work(napi_env env, const char *name, napi_async_execute_callback execute,
                                    napi_async_complete_callback complete, void *data,
                                    napi_async_work *work, napi_deferred *deferred);

/* Copies a JS string argument into a malloc'd buffer (caller frees).
 * Returns NULL (with a pending exception) if it is not a string. */
char *berth_get_string(napi_env env, napi_value v, const char *what);
int berth_get_int64(napi_env env, napi_value v, int64_t *out, const char *what);
napi_value berth_int(napi_env env, int64_t n);
const char *berth_errno_name(int err);

void berth_export(napi_env env, napi_value exports, const char *name, napi_callback fn);

/* Registration functions of each glue file. */
void berth_register_fsops(napi_env env, napi_value exports);
void berth_register_spawn(napi_env env, napi_value exports);
void berth_register_cgroup(napi_env env, napi_value exports);
void berth_register_netlink(napi_env env, napi_value exports);
void berth_register_sha256(napi_env env, napi_value exports);

#endif
