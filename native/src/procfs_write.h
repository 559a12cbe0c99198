/*
 * One write into procfs through a procfs root of the caller's own (child_procfs.c): a new
 * instance, or a clone of /proc without its submounts, checked to be a procfs root; the file
 * opened beneath it refusing symlinks and mount crossings and checked to be procfs. A leading
 * "self" or "thread-self" in `rel` is read from that instance. Returns 0 or an errno;
 * *no_procfs is 1 when the procfs root itself could not be had.
 */
#ifndef BERTH_PROCFS_WRITE_H
#define BERTH_PROCFS_WRITE_H

#ifdef __cplusplus
extern "C" {
#endif

int procfs_write(const char *rel, const char *content, int *no_procfs);

#ifdef __cplusplus
}
#endif

#endif
