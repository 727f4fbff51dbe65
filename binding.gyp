{
  "targets": [
    {
      "target_name": "berth_native",
      "sources": [
        "src/native/addon.c",
        "src/native/fsops.c"
      ],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "defines": ["_GNU_SOURCE"]
    }
  ]
}
