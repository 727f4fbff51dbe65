/* N-API entry point: shared glue helpers and module registration.
 * Each concern registers its own functions (fsops.c, spawn.c, cgroup.c). */
#include "napi-util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *berth_errno_name(int err) {
  const char *n = strerrorname_np(err);
  return n ? n : "EUNKNOWN";
}

napi_value berth_errno_error(napi_env env, const char *step, int err) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s (%s)", step, strerror(err), berth_errno_name(err));
  napi_value m, e, v;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, NULL, m, &e);
  napi_create_string_utf8(env, berth_errno_name(err), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, e, "code", v);
  napi_create_int32(env, err, &v);
  napi_set_named_property(env, e, "errno", v);
  napi_create_string_utf8(env, step, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, e, "step", v);
  return e;
}

napi_value berth_throw_errno(napi_env env, const char *step, int err) {
  napi_throw(env, berth_errno_error(env, step, err));
  return NULL;
}

napi_value berth_queue_promise_work(napi_env env, const char *name, napi_async_execute_callback execute,
                                    napi_async_complete_callback complete, void *data,
                                    napi_async_work *work, napi_deferred *deferred) {
  napi_value promise, resource;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource) != napi_ok
      || napi_create_async_work(env, NULL, resource, execute, complete, data, work) != napi_ok) {
    return berth_throw_msg(env, "internal N-API call failed: napi_create_async_work");
  }
  if (napi_create_promise(env, deferred, &promise) != napi_ok) {
    napi_delete_async_work(env, *work);
    return berth_throw_msg(env, "internal N-API call failed: napi_create_promise");
  }
  if (napi_queue_async_work(env, *work) != napi_ok) {
    /* the promise is never settled: nothing holds it but this failed call */
    napi_delete_async_work(env, *work);
    return berth_throw_msg(env, "internal N-API call failed: napi_queue_async_work");
  }
  return promise;
}

napi_value berth_throw_msg(napi_env env, const char *msg) {
  napi_throw_error(env, "NATIVE", msg);
  return NULL;
}

char *berth_get_string(napi_env env, napi_value v, const char *what) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: expected a string", what);
    napi_throw_type_error(env, "INVALID_ARGUMENT", msg);
    return NULL;
  }
  char *buf = malloc(len + 1);
  if (!buf) {
    napi_throw_error(env, "NATIVE", "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, buf, len + 1, &len);
  if (strlen(buf) != len) { /* embedded NUL: never valid in a path or argv */
    free(buf);
    char msg[160];
    snprintf(msg, sizeof msg, "%s: contains a NUL byte", what);
    napi_throw_type_error(env, "INVALID_ARGUMENT", msg);
    return NULL;
  }
  return buf;
}

int berth_get_int64(napi_env env, napi_value v, int64_t *out, const char *what) {
  if (napi_get_value_int64(env, v, out) != napi_ok) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: expected a number", what);
    napi_throw_type_error(env, "INVALID_ARGUMENT", msg);
    return -1;
  }
  return 0;
}

napi_value berth_int(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

void berth_export(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);
  napi_set_named_property(env, exports, name, f);
}

static napi_value init(napi_env env, napi_value exports) {
  berth_register_fsops(env, exports);
  berth_register_spawn(env, exports);
  berth_register_cgroup(env, exports);
  berth_register_netlink(env, exports);
  berth_register_sha256(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
