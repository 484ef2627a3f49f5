#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "container.h"

const char *const container_runtime_names[NCONTAINER_RUNTIMES] = {
	[CONTAINER_NONE] = "",
	[CONTAINER_DOCKER] = "docker",
	[CONTAINER_CONTAINERD] = "containerd",
	[CONTAINER_CRIO] = "cri-o",
	[CONTAINER_PODMAN] = "podman",
};

/* A piece of the path, not NUL-terminated. */
struct span {
	const char *s;
	size_t n;
};

/* Components that name a container: prefix, id, suffix. The monitors
 * crio-conmon-<id> and libpod-conmon-<id> match none, since "conmon-" is
 * not part of an id. */
static const struct {
	const char *prefix, *suffix;
	enum container_runtime runtime;
} container_names[] = {
	{ "docker-", ".scope", CONTAINER_DOCKER },
	{ "cri-containerd-", ".scope", CONTAINER_CONTAINERD },
	{ "crio-", ".scope", CONTAINER_CRIO },
	{ "crio-", "", CONTAINER_CRIO },
	{ "libpod-", ".scope", CONTAINER_PODMAN },
	{ "libpod-", "", CONTAINER_PODMAN },
};

/* The systemd driver's pod slices, one per QoS class, before the uid. */
static const char *const pod_slices[] = {
	"kubepods-pod", "kubepods-burstable-pod", "kubepods-besteffort-pod",
};

static bool span_is(struct span c, const char *s)
{
	return c.n == strlen(s) && !memcmp(c.s, s, c.n);
}

/* Whether c is prefix, something, suffix; *mid is the something. */
static bool span_strip(struct span c, const char *prefix, const char *suffix, struct span *mid)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (c.n < p + s || memcmp(c.s, prefix, p) || memcmp(c.s + c.n - s, suffix, s))
		return false;
	mid->s = c.s + p;
	mid->n = c.n - p - s;
	return true;
}

static bool is_id(struct span c)
{
	if (c.n != CONTAINER_ID_LEN)
		return false;
	for (size_t i = 0; i < c.n; i++)
		if (!isxdigit((unsigned char)c.s[i]))
			return false;
	return true;
}

/* 8-4-4-4-12 hex digits, the groups parted by sep. */
static bool is_uid(struct span c, char sep)
{
	if (c.n != POD_UID_LEN)
		return false;
	for (size_t i = 0; i < c.n; i++) {
		bool at_sep = i == 8 || i == 13 || i == 18 || i == 23;

		if (at_sep ? c.s[i] != sep : !isxdigit((unsigned char)c.s[i]))
			return false;
	}
	return true;
}

/* Copy c into dst (room for c.n + 1) in lower case, underscores as dashes. */
static void copy_lower(char *dst, struct span c)
{
	for (size_t i = 0; i < c.n; i++)
		dst[i] = c.s[i] == '_' ? '-' : tolower((unsigned char)c.s[i]);
	dst[c.n] = '\0';
}

static void set_container(struct container_info *out, enum container_runtime rt, struct span id)
{
	out->runtime = rt;
	copy_lower(out->id, id);
}

/* Take the container c names, if any. in_pod: the component before c is
 * a pod's; docker: it is "docker". */
static void match_container(struct container_info *out, struct span c, bool in_pod, bool docker)
{
	struct span id;

	for (size_t i = 0; i < sizeof(container_names) / sizeof(container_names[0]); i++)
		if (span_strip(c, container_names[i].prefix, container_names[i].suffix, &id) &&
		    is_id(id)) {
			set_container(out, container_names[i].runtime, id);
			return;
		}
	if (!is_id(c))
		return;
	if (in_pod)
		set_container(out, CONTAINER_CONTAINERD, c);
	else if (docker)
		set_container(out, CONTAINER_DOCKER, c);
}

/* Take the pod c names, if any. Returns whether c is a pod's. */
static bool match_pod(struct container_info *out, struct span c)
{
	struct span uid;
	bool found = false;

	for (size_t i = 0; i < sizeof(pod_slices) / sizeof(pod_slices[0]) && !found; i++)
		found = span_strip(c, pod_slices[i], ".slice", &uid) && is_uid(uid, '_');
	if (!found)
		found = span_strip(c, "pod", "", &uid) && is_uid(uid, '-');
	if (found)
		copy_lower(out->pod_uid, uid);
	return found;
}

bool container_from_cgroup(const char *path, struct container_info *out)
{
	bool in_pod = false, docker = false;
	struct span c;

	memset(out, 0, sizeof(*out));
	if (!path)
		return false;
	for (const char *p = path;; p += c.n + 1) {
		c.s = p;
		c.n = strcspn(p, "/");
		match_container(out, c, in_pod, docker);
		in_pod = match_pod(out, c);
		docker = span_is(c, "docker");
		if (!p[c.n])
			break;
	}
	return out->runtime != CONTAINER_NONE || out->pod_uid[0];
}

const char *container_label(char *buf, size_t len, const struct container_info *c)
{
	if (!len)
		return "";
	if (c->runtime == CONTAINER_NONE)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%s://%s", container_runtime_names[c->runtime], c->id);
	return buf;
}
