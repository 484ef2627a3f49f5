/*
 * The container and the Kubernetes pod a process runs in, read from its
 * cgroup v2 path alone (the part of /proc/PID/cgroup after "0::"), with
 * no call to a runtime or to the API server.
 *
 * Containers are known by the cgroup names their runtimes give them: with
 * the systemd driver docker-<id>.scope, cri-containerd-<id>.scope,
 * crio-<id>.scope and libpod-<id>.scope; with cgroupfs /docker/<id>,
 * crio-<id>, libpod-<id>, and a bare id under a pod's directory (which is
 * containerd's). The last such component of a path is the container, so a
 * container nested in another is the innermost. The monitors CRI-O and
 * podman run beside a container (crio-conmon-<id>, libpod-conmon-<id>)
 * are not containers.
 *
 * A pod is known by its slice with the systemd driver
 * (kubepods-pod<uid>.slice, kubepods-burstable-pod<uid>.slice,
 * kubepods-besteffort-pod<uid>.slice, the uid's dashes written as
 * underscores) or by its directory pod<uid> with cgroupfs.
 *
 * An id is exactly 64 hex digits and a uid 36 characters shaped
 * 8-4-4-4-12; a component that is not exactly of one of these shapes
 * matches nothing.
 */
#ifndef IOPAT_CONTAINER_H
#define IOPAT_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

enum container_runtime {
	CONTAINER_NONE,
	CONTAINER_DOCKER,
	CONTAINER_CONTAINERD,
	CONTAINER_CRIO,
	CONTAINER_PODMAN,
	NCONTAINER_RUNTIMES,
};

/* "", "docker", "containerd", "cri-o", "podman" */
extern const char *const container_runtime_names[NCONTAINER_RUNTIMES];

#define CONTAINER_ID_LEN 64
#define POD_UID_LEN 36

struct container_info {
	enum container_runtime runtime;	/* CONTAINER_NONE: no container found */
	char id[CONTAINER_ID_LEN + 1];	/* the full 64-hex-digit id, lower case; "" if none */
	char pod_uid[POD_UID_LEN + 1];	/* 8-4-4-4-12 with dashes, lower case; "" if none */
};

/* Parse path into *out (always fully set). Returns true when a container
 * or a pod was found. A NULL path is an empty one. */
bool container_from_cgroup(const char *path, struct container_info *out);

/* "containerd://<id>" (the form Kubernetes uses in containerStatuses), ""
 * when none: into buf (len bytes), cut short to fit and NUL-terminated.
 * Returns buf, or "" when len is 0. */
const char *container_label(char *buf, size_t len, const struct container_info *c);

#endif
