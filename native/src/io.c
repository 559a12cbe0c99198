// berth-io.node: the file system calls of the state store, the cgroup tree and the CLI's
// output, as a plain C Node-API module. It exists for start-up time (docs/performance.md,
// "Start-up"): Bun compiles its node:fs at first use (~10 ms), and the main addon costs ~3 ms
// to load (libstdc++, libseccomp); this module links only libc and loads in about 1 ms.
// Each function is one system call (or its EINTR/short-count loop) and decides nothing.
//
// Errors are thrown as node:fs throws them: an Error with code ("ENOENT"), errno (negative),
// syscall and path, and the message "ENOENT: no such file or directory, open '/x'".

#include <node_api.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_CAP 4096

static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  const char *name = strerrorname_np(err);
  char code[32];
  snprintf(code, sizeof code, "%s", name ? name : "EIO");
  char text[64];
  snprintf(text, sizeof text, "%s", strerror(err));
  if (text[0]) text[0] = (char)tolower((unsigned char)text[0]);
  char msg[PATH_CAP + 160];
  if (path) snprintf(msg, sizeof msg, "%s: %s, %s '%s'", code, text, syscall, path);
  else snprintf(msg, sizeof msg, "%s: %s, %s", code, text, syscall);
  napi_value m, e, v;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, NULL, m, &e);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, e, "code", v);
  napi_create_int32(env, -err, &v);
  napi_set_named_property(env, e, "errno", v);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, e, "syscall", v);
  if (path) {
    napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, e, "path", v);
  }
  napi_throw(env, e);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

/** Up to 4 arguments; fills argc. */
static void args(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_get_cb_info(env, info, argc, argv, NULL, NULL);
}

static int get_path(napi_env env, napi_value v, char *buf) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, buf, PATH_CAP, &len) != napi_ok) return -1;
  if (len >= PATH_CAP - 1 || strlen(buf) != len) return -1; // too long or holds a NUL
  return 0;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok ? 0 : -1;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value boolean(napi_env env, int b) {
  napi_value r;
  napi_get_boolean(env, b, &r);
  return r;
}

static napi_value number(napi_env env, double d) {
  napi_value r;
  napi_create_double(env, d, &r);
  return r;
}

// readFile(path): the whole file as UTF-8 text. Reads until EOF: /proc and cgroup files
// report size 0.
static napi_value io_read_file(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[PATH_CAP];
  args(env, info, &argc, argv);
  if (argc < 1 || get_path(env, argv[0], path)) return throw_type(env, "readFile(path)");
  int fd;
  do fd = open(path, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return throw_errno(env, errno, "open", path);
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      close(fd);
      return throw_errno(env, ENOMEM, "read", path);
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      free(buf);
      close(fd);
      return throw_errno(env, err, "read", path);
    }
    if (n == 0) break;
    len += (size_t)n;
    if (len == cap) {
      cap *= 2;
      char *bigger = realloc(buf, cap);
      if (!bigger) free(buf);
      buf = bigger;
    }
  }
  close(fd);
  napi_value s;
  napi_create_string_utf8(env, buf, len, &s);
  free(buf);
  return s;
}

// readdir(path): the names in a directory, without "." and "..", a directory's name ending
// in "/" (the file type from getdents, or lstat where the file system does not give one).
static napi_value io_readdir(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[PATH_CAP];
  args(env, info, &argc, argv);
  if (argc < 1 || get_path(env, argv[0], path)) return throw_type(env, "readdir(path)");
  DIR *d = opendir(path);
  if (!d) return throw_errno(env, errno, "scandir", path);
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  char name[NAME_MAX + 2];
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (!e) {
      if (errno) {
        int err = errno;
        closedir(d);
        return throw_errno(env, err, "scandir", path);
      }
      break;
    }
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    int dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st;
      dir = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    snprintf(name, sizeof name, "%s%s", e->d_name, dir ? "/" : "");
    napi_value s;
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, i++, s);
  }
  closedir(d);
  return arr;
}

static napi_value stat_array(napi_env env, const struct stat *st) {
  napi_value arr;
  napi_create_array_with_length(env, 9, &arr);
  napi_set_element(env, arr, 0, number(env, st->st_mode));
  napi_set_element(env, arr, 1, number(env, st->st_uid));
  napi_set_element(env, arr, 2, number(env, (double)st->st_ino));
  napi_set_element(env, arr, 3, number(env, (double)st->st_dev));
  napi_set_element(env, arr, 4, number(env, (double)st->st_rdev));
  napi_set_element(env, arr, 5, number(env, (double)st->st_nlink));
  napi_set_element(env, arr, 6, number(env, (double)st->st_size));
  napi_set_element(env, arr, 7, number(env, (double)st->st_mtim.tv_sec));
  napi_set_element(env, arr, 8, number(env, (double)st->st_mtim.tv_nsec));
  return arr;
}

// stat(path) / fstat(fd): [mode, uid, ino, dev, rdev, nlink, size, mtime seconds, mtime nanoseconds].
static napi_value io_stat(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[PATH_CAP];
  args(env, info, &argc, argv);
  if (argc < 1 || get_path(env, argv[0], path)) return throw_type(env, "stat(path)");
  struct stat st;
  if (stat(path, &st)) return throw_errno(env, errno, "stat", path);
  return stat_array(env, &st);
}

static napi_value io_fstat(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  args(env, info, &argc, argv);
  if (argc < 1 || get_int(env, argv[0], &fd)) return throw_type(env, "fstat(fd)");
  struct stat st;
  if (fstat(fd, &st)) return throw_errno(env, errno, "fstat", NULL);
  return stat_array(env, &st);
}

// exists(path): access(F_OK) succeeded.
static napi_value io_exists(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[PATH_CAP];
  args(env, info, &argc, argv);
  if (argc < 1 || get_path(env, argv[0], path)) return boolean(env, 0);
  return boolean(env, access(path, F_OK) == 0);
}

// open(path, flags, mode): the fd (flags as open(2) takes them; the caller adds O_CLOEXEC).
static napi_value io_open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char path[PATH_CAP];
  int32_t flags, mode = 0;
  args(env, info, &argc, argv);
  if (argc < 2 || get_path(env, argv[0], path) || get_int(env, argv[1], &flags) || (argc > 2 && get_int(env, argv[2], &mode))) {
    return throw_type(env, "open(path, flags, mode)");
  }
  int fd;
  do fd = open(path, flags, (mode_t)mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return throw_errno(env, errno, "open", path);
  return number(env, fd);
}

static napi_value io_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  args(env, info, &argc, argv);
  if (argc < 1 || get_int(env, argv[0], &fd)) return throw_type(env, "close(fd)");
  if (close(fd) && errno != EINTR) return throw_errno(env, errno, "close", NULL);
  return undefined(env);
}

// write(fd, text): writes all of text (UTF-8), retrying short counts and EINTR.
static napi_value io_write(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd;
  args(env, info, &argc, argv);
  if (argc < 2 || get_int(env, argv[0], &fd)) return throw_type(env, "write(fd, text)");
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[1], NULL, 0, &len) != napi_ok) return throw_type(env, "write(fd, text)");
  char *buf = malloc(len + 1);
  if (!buf) return throw_errno(env, ENOMEM, "write", NULL);
  napi_get_value_string_utf8(env, argv[1], buf, len + 1, &len);
  size_t off = 0;
  while (off < len) {
    ssize_t n = write(fd, buf + off, len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      free(buf);
      return throw_errno(env, err, "write", NULL);
    }
    off += (size_t)n;
  }
  free(buf);
  return undefined(env);
}

static napi_value io_fsync(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  args(env, info, &argc, argv);
  if (argc < 1 || get_int(env, argv[0], &fd)) return throw_type(env, "fsync(fd)");
  if (fsync(fd)) return throw_errno(env, errno, "fsync", NULL);
  return undefined(env);
}

// flock(fd, exclusive, nonBlocking): false when nonBlocking and the lock is held elsewhere.
static napi_value io_flock(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd;
  bool exclusive = false, nonblocking = false;
  args(env, info, &argc, argv);
  if (argc < 3 || get_int(env, argv[0], &fd) || napi_get_value_bool(env, argv[1], &exclusive) != napi_ok ||
      napi_get_value_bool(env, argv[2], &nonblocking) != napi_ok) {
    return throw_type(env, "flock(fd, exclusive, nonBlocking)");
  }
  int op = (exclusive ? LOCK_EX : LOCK_SH) | (nonblocking ? LOCK_NB : 0);
  int r;
  do r = flock(fd, op);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno == EWOULDBLOCK && nonblocking) return boolean(env, 0);
  if (r < 0) return throw_errno(env, errno, "flock", NULL);
  return boolean(env, 1);
}

// mkdir(path, mode), rmdir(path), unlink(path), rename(from, to): the system call.
static napi_value io_mkdir(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char path[PATH_CAP];
  int32_t mode;
  args(env, info, &argc, argv);
  if (argc < 2 || get_path(env, argv[0], path) || get_int(env, argv[1], &mode)) return throw_type(env, "mkdir(path, mode)");
  if (mkdir(path, (mode_t)mode)) return throw_errno(env, errno, "mkdir", path);
  return undefined(env);
}

static napi_value path_call(napi_env env, napi_callback_info info, int (*fn)(const char *), const char *name) {
  size_t argc = 1;
  napi_value argv[1];
  char path[PATH_CAP];
  args(env, info, &argc, argv);
  if (argc < 1 || get_path(env, argv[0], path)) return throw_type(env, name);
  if (fn(path)) return throw_errno(env, errno, name, path);
  return undefined(env);
}

static napi_value io_rmdir(napi_env env, napi_callback_info info) { return path_call(env, info, rmdir, "rmdir"); }
static napi_value io_unlink(napi_env env, napi_callback_info info) { return path_call(env, info, unlink, "unlink"); }

static napi_value io_rename(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char from[PATH_CAP], to[PATH_CAP];
  args(env, info, &argc, argv);
  if (argc < 2 || get_path(env, argv[0], from) || get_path(env, argv[1], to)) return throw_type(env, "rename(from, to)");
  if (rename(from, to)) return throw_errno(env, errno, "rename", from);
  return undefined(env);
}

// realpath(path): the canonical absolute path (realpath(3)); its errors are the kernel's, as
// node:fs's realpathSync reports them (ENOENT, ENOTDIR, ELOOP, EACCES).
static napi_value io_realpath(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[PATH_CAP], out[PATH_MAX];
  args(env, info, &argc, argv);
  if (argc < 1 || get_path(env, argv[0], path)) return throw_type(env, "realpath(path)");
  if (!realpath(path, out)) return throw_errno(env, errno, "realpath", path);
  napi_value r;
  napi_create_string_utf8(env, out, NAPI_AUTO_LENGTH, &r);
  return r;
}

// readFd(fd, max): one read(2) of at most max bytes (<= 4096), retried on EINTR, as UTF-8 text
// ("" at EOF). One read, not a loop to EOF: its caller (start's exec fifo) reads a message the
// process wrote with one write(2) of less than PIPE_BUF bytes, which a pipe hands over whole,
// and a loop would block (or fail with EAGAIN) on a descriptor that has nothing more.
static napi_value io_read_fd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd, max;
  char buf[4096];
  args(env, info, &argc, argv);
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int32(env, argv[1], &max) != napi_ok || max < 0)
    return throw_type(env, "readFd(fd, max)");
  if (max > (int32_t)sizeof buf) max = sizeof buf;
  ssize_t n;
  do n = read(fd, buf, (size_t)max);
  while (n < 0 && errno == EINTR);
  if (n < 0) return throw_errno(env, errno, "read", NULL);
  napi_value r;
  napi_create_string_utf8(env, buf, (size_t)n, &r);
  return r;
}

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
    {"readFile", io_read_file}, {"readdir", io_readdir}, {"stat", io_stat}, {"fstat", io_fstat},
    {"exists", io_exists}, {"open", io_open}, {"close", io_close}, {"write", io_write},
    {"fsync", io_fsync}, {"flock", io_flock}, {"mkdir", io_mkdir}, {"rmdir", io_rmdir},
    {"unlink", io_unlink}, {"rename", io_rename}, {"realpath", io_realpath}, {"readFd", io_read_fd},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
