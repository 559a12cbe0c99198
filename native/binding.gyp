{
  "targets": [{
    "target_name": "berth-executor",
    "type": "executable",
    "sources": ["src/executor.c", "src/child.c", "src/child_core.c", "src/child_paths.c", "src/child_mounts.c", "src/child_process.c", "src/child_sync.c", "src/child_tracer.c", "src/child_procfs.c", "src/child_procmount.c", "src/child_write_proc.c", "src/child_hooks.c", "src/child_fds.c", "src/fdpass.c"],
    "defines": ["_GNU_SOURCE"],
    "cflags": ["-Os", "-Wall", "-Wextra", "-fno-strict-aliasing", "-fPIE"],
    "ldflags": ["-static-pie", "-s", "-Wl,--gc-sections", "-Wl,-z,noexecstack"]
  }, {
    "target_name": "berth",
    "dependencies": ["berth-executor"],
    "sources": ["src/addon.cc", "src/spawn.cc", "src/executor_launch.c", "src/executor_blob.S", "src/child_procfs.c", "src/sockets.cc", "src/seccomp.cc", "src/bpf.cc", "src/netdev.cc", "src/util.cc", "src/probe.cc", "src/fdpass.c", "src/cxx_runtime.cc"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "_GNU_SOURCE"],
    "cflags": ["-O2", "-Wall", "-Wextra", "-fno-strict-aliasing", "-Wa,-I<(PRODUCT_DIR)", "-fvisibility=hidden", "-ffunction-sections", "-fdata-sections"],
    "cflags_cc": ["-O2", "-Wall", "-std=c++17"],
    "ldflags": ["-static-libstdc++", "-static-libgcc", "-Wl,--gc-sections", "-Wl,--exclude-libs,ALL", "-Wl,-O1", "-Wl,--version-script=<(module_root_dir)/src/berth.map"],
    "libraries": ["-l:libseccomp.a"]
  }, {
    "target_name": "berth-io",
    "sources": ["src/io.c"],
    "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
    "cflags": ["-O2", "-Wall", "-Wextra"]
  }]
}
