/* SHA-256 on the thread pool. A pull hashes every byte twice (the blob as sent and
 * the uncompressed tar, for its diffID), and node:crypto's Hash.update runs on the
 * main thread, which already parses HTTP, gunzips' callbacks and the tar: that
 * thread was the bottleneck of a multi-layer pull while the second core idled.
 * Here update() copies nothing: it keeps a reference to the caller's buffer until
 * the work is done. One update at a time per hash (the order is the content), so
 * the TypeScript side queues them; a second concurrent one is refused here.
 * The digest itself is node's OpenSSL (EVP), linked from the node binary. */
#include "napi-util.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>

struct hash {
  EVP_MD_CTX *ctx;
  bool busy, done;
};

struct update_work {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref buffer;
  napi_ref owner; /* keeps the hash alive while its update runs */
  struct hash *h;
  const void *data;
  size_t len;
  int ok;
};

static void hash_finalize(napi_env env, void *data, void *hint) {
  struct hash *h = data;
  EVP_MD_CTX_free(h->ctx);
  free(h);
}

/* sha256Create() -> an opaque hash */
static napi_value js_sha256_create(napi_env env, napi_callback_info info) {
  struct hash *h = calloc(1, sizeof *h);
  if (!h) return berth_throw_errno(env, "sha256", ENOMEM);
  h->ctx = EVP_MD_CTX_new();
  if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(h->ctx);
    free(h);
    return berth_throw_msg(env, "sha256: EVP_DigestInit_ex failed");
  }
  napi_value out;
  if (napi_create_external(env, h, hash_finalize, NULL, &out) != napi_ok) {
    EVP_MD_CTX_free(h->ctx);
    free(h);
    return berth_throw_msg(env, "internal N-API call failed: napi_create_external");
  }
  return out;
}

static struct hash *get_hash(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p) {
    napi_throw_type_error(env, "INVALID_ARGUMENT", "sha256: expected a hash from sha256Create");
    return NULL;
  }
  return p;
}

static void update_execute(napi_env env, void *data) {
  struct update_work *w = data;
  w->ok = EVP_DigestUpdate(w->h->ctx, w->data, w->len) == 1;
}

static void update_complete(napi_env env, napi_status status, void *data) {
  struct update_work *w = data;
  w->h->busy = false;
  napi_value v;
  if (status == napi_ok && w->ok) {
    napi_get_undefined(env, &v);
    napi_resolve_deferred(env, w->deferred, v);
  } else {
    napi_value m;
    napi_create_string_utf8(env, "sha256: EVP_DigestUpdate failed", NAPI_AUTO_LENGTH, &m);
    napi_create_error(env, NULL, m, &v);
    napi_reject_deferred(env, w->deferred, v);
  }
  napi_delete_reference(env, w->buffer);
  napi_delete_reference(env, w->owner);
  napi_delete_async_work(env, w->work);
  free(w);
}

/* sha256Update(hash, buffer) -> Promise<void>, the bytes hashed on the thread pool.
 * The buffer must not change until the promise settles. */
static napi_value js_sha256_update(napi_env env, napi_callback_info info) {
  ARGS(2);
  struct hash *h = get_hash(env, argv[0]);
  if (!h) return NULL;
  if (h->busy || h->done) return berth_throw_msg(env, h->done ? "sha256: update after digest" : "sha256: an update is still running");
  void *data;
  size_t len;
  if (napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) {
    napi_throw_type_error(env, "INVALID_ARGUMENT", "sha256: expected a Buffer");
    return NULL;
  }
  struct update_work *w = calloc(1, sizeof *w);
  if (!w) return berth_throw_errno(env, "sha256", ENOMEM);
  w->h = h, w->data = data, w->len = len;
  napi_value promise = berth_queue_promise_work(env, "berth:sha256", update_execute, update_complete, w, &w->work, &w->deferred);
  if (!promise) {
    free(w);
    return NULL;
  }
  /* the work only reads the bytes; these keep the buffer and the hash alive until it completes
   * (both are held by this call's arguments until then) */
  napi_create_reference(env, argv[1], 1, &w->buffer);
  napi_create_reference(env, argv[0], 1, &w->owner);
  h->busy = true;
  return promise;
}

/* sha256Digest(hash) -> lowercase hex; the hash takes no more updates. */
static napi_value js_sha256_digest(napi_env env, napi_callback_info info) {
  ARGS(1);
  struct hash *h = get_hash(env, argv[0]);
  if (!h) return NULL;
  if (h->busy || h->done) return berth_throw_msg(env, h->done ? "sha256: digest taken twice" : "sha256: an update is still running");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1) return berth_throw_msg(env, "sha256: EVP_DigestFinal_ex failed");
  h->done = true;
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  for (unsigned int i = 0; i < n; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
  napi_value out;
  NAPI_CALL(env, napi_create_string_latin1(env, hex, 2 * n, &out));
  return out;
}

void berth_register_sha256(napi_env env, napi_value exports) {
  berth_export(env, exports, "sha256Create", js_sha256_create);
  berth_export(env, exports, "sha256Update", js_sha256_update);
  berth_export(env, exports, "sha256Digest", js_sha256_digest);
}
