{
  "targets": [
    {
      "target_name": "berth_native",
      "sources": [
        "src/native/addon.c",
        "src/native/fsops.c",
        "src/native/spawn.c",
        "src/native/spawn-spec.c",
        "src/native/child.c",
        "src/native/child-rootfs.c",
        "src/native/pty.c",
        "src/native/exec-join.c",
        "src/native/cgroup.c",
        "src/native/netlink.c",
        "src/native/sha256.c"
      ],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "defines": ["_GNU_SOURCE"]
    },
    {
      "target_name": "berth-monitor",
      "type": "executable",
      "sources": ["src/native/monitor.c", "src/native/monitor-log.c", "src/native/monitor-attach.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Os"],
      "defines": ["_GNU_SOURCE"],
      "ldflags": ["-static"]
    },
    {
      "target_name": "berth-init",
      "type": "executable",
      "sources": ["src/native/init.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Os"],
      "defines": ["_GNU_SOURCE"],
      "ldflags": ["-static"]
    }
  ]
}
