/* Conversion of the JS SpawnSpec into a berth_spec (spawn-spec.c). */
#ifndef BERTH_SPAWN_SPEC_H
#define BERTH_SPAWN_SPEC_H

#include "napi-util.h"
#include "spec.h"

/* Fills s (zeroed by the caller) from the JS object; on failure returns -1
 * with a pending JS exception. Call berth_spec_free in every case. */
int berth_spec_from_js(napi_env env, napi_value spec, struct berth_spec *s);

/* The same for an ExecSpec (a process joining the running container whose
 * init is spec.initPid): its process (parsed as an init's), cgroups, monitor. */
int berth_exec_spec_from_js(napi_env env, napi_value spec, struct berth_spec *s);

/* Frees every allocation of s (its fds are the caller's to close). */
void berth_spec_free(struct berth_spec *s);

#endif
