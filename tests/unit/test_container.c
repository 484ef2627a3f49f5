/* Containers and pods read from cgroup v2 paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "container.h"

#define ID1 "0f3a9c5e7b21d4086e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f"
#define ID2 "b7e4f0c2a1d3958e6f7a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0"
#define ID2_UPPER "B7E4F0C2A1D3958E6F7A8B9C0D1E2F3A4B5C6D7E8F90A1B2C3D4E5F6A7B8C9D0"
#define UID1 "0f3a1b2c-4d5e-46f7-8a9b-0c1d2e3f4a5b"
#define UID1_SD "0f3a1b2c_4d5e_46f7_8a9b_0c1d2e3f4a5b"
#define UID2 "9e8d7c6b-5a49-4382-a716-05f4e3d2c1b0"
#define UID2_SD "9e8d7c6b_5a49_4382_a716_05f4e3d2c1b0"

#define SD_BURSTABLE "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
#define SD_BESTEFFORT "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
#define SD_GUARANTEED "/kubepods.slice/kubepods-pod"

/* Parse path into a struct first filled with junk: every field is set. */
static bool parse(const char *path, struct container_info *ci)
{
	memset(ci, 0x5a, sizeof(*ci));
	return container_from_cgroup(path, ci);
}

static void expect(const char *path, enum container_runtime rt, const char *id,
		   const char *uid)
{
	struct container_info ci;

	assert_int_equal(parse(path, &ci), rt != CONTAINER_NONE || *uid);
	assert_int_equal(ci.runtime, rt);
	assert_string_equal(ci.id, id);
	assert_string_equal(ci.pod_uid, uid);
}

static void expect_nothing(const char *path)
{
	expect(path, CONTAINER_NONE, "", "");
}

static void systemd_driver(void **state)
{
	expect("/system.slice/docker-" ID1 ".scope", CONTAINER_DOCKER, ID1, "");
	expect(SD_BURSTABLE UID1_SD ".slice/cri-containerd-" ID2 ".scope",
	       CONTAINER_CONTAINERD, ID2, UID1);
	expect(SD_BESTEFFORT UID2_SD ".slice/crio-" ID1 ".scope", CONTAINER_CRIO, ID1, UID2);
	expect(SD_GUARANTEED UID1_SD ".slice/cri-containerd-" ID1 ".scope",
	       CONTAINER_CONTAINERD, ID1, UID1);
	expect("/machine.slice/libpod-" ID2 ".scope", CONTAINER_PODMAN, ID2, "");
	/* rootless podman, and the cgroup podman makes inside its scope */
	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID1 ".scope",
	       CONTAINER_PODMAN, ID1, "");
	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID1
	       ".scope/container", CONTAINER_PODMAN, ID1, "");
}

static void cgroupfs_driver(void **state)
{
	expect("/docker/" ID1, CONTAINER_DOCKER, ID1, "");
	expect("/kubepods/burstable/pod" UID1 "/" ID2, CONTAINER_CONTAINERD, ID2, UID1);
	expect("/kubepods/besteffort/pod" UID2 "/crio-" ID1, CONTAINER_CRIO, ID1, UID2);
	expect("/kubepods/pod" UID1 "/" ID1, CONTAINER_CONTAINERD, ID1, UID1);
	expect("/libpod_parent/libpod-" ID2, CONTAINER_PODMAN, ID2, "");
}

/* A pod's own cgroup, with no container in it. */
static void pods_without_containers(void **state)
{
	expect(SD_BURSTABLE UID1_SD ".slice", CONTAINER_NONE, "", UID1);
	expect(SD_BESTEFFORT UID2_SD ".slice", CONTAINER_NONE, "", UID2);
	expect(SD_GUARANTEED UID1_SD ".slice", CONTAINER_NONE, "", UID1);
	expect("/kubepods/burstable/pod" UID2, CONTAINER_NONE, "", UID2);
	expect("/kubepods/pod" UID1, CONTAINER_NONE, "", UID1);
}

/* CRI-O's and podman's monitors run beside the container, not in it. */
static void conmon_is_not_a_container(void **state)
{
	expect(SD_BESTEFFORT UID1_SD ".slice/crio-conmon-" ID1 ".scope",
	       CONTAINER_NONE, "", UID1);
	expect("/kubepods/burstable/pod" UID2 "/crio-conmon-" ID2, CONTAINER_NONE, "", UID2);
	expect_nothing("/machine.slice/libpod-conmon-" ID1 ".scope");
	expect_nothing("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-conmon-"
		       ID2 ".scope");
	expect_nothing("/libpod_parent/libpod-conmon-" ID1);
}

static void innermost_container_wins(void **state)
{
	expect("/docker/" ID1 "/docker/" ID2, CONTAINER_DOCKER, ID2, "");
	expect("/system.slice/docker-" ID1 ".scope/docker/" ID2, CONTAINER_DOCKER, ID2, "");
	/* a cluster in a container (kind): the pod's container, not the node's */
	expect("/docker/" ID1 "/kubepods/burstable/pod" UID1 "/" ID2,
	       CONTAINER_CONTAINERD, ID2, UID1);
	/* cgroups a container makes for itself do not hide it */
	expect(SD_BURSTABLE UID1_SD ".slice/cri-containerd-" ID1 ".scope/init.scope",
	       CONTAINER_CONTAINERD, ID1, UID1);
}

static void upper_case_is_lowered(void **state)
{
	expect("/system.slice/docker-" ID2_UPPER ".scope", CONTAINER_DOCKER, ID2, "");
	expect("/kubepods/pod9E8D7C6B-5A49-4382-A716-05F4E3D2C1B0/" ID2_UPPER,
	       CONTAINER_CONTAINERD, ID2, UID2);
	expect("/kubepods.slice/kubepods-pod9E8D7C6B_5A49_4382_A716_05F4E3D2C1B0.slice",
	       CONTAINER_NONE, "", UID2);
}

#define HEX63 "0f3a9c5e7b21d4086e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7"
#define HEX65 ID1 "0"
#define NOT_HEX "0f3a9c5e7b21d4086e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7g"

static void malformed_ids_are_rejected(void **state)
{
	const char *bad[] = { HEX63, HEX65, NOT_HEX, "" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[256];

		snprintf(path, sizeof(path), "/system.slice/docker-%s.scope", bad[i]);
		expect_nothing(path);
		snprintf(path, sizeof(path), "/machine.slice/libpod-%s.scope", bad[i]);
		expect_nothing(path);
		snprintf(path, sizeof(path), "/docker/%s", bad[i]);
		expect_nothing(path);
		snprintf(path, sizeof(path), "/libpod_parent/libpod-%s", bad[i]);
		expect_nothing(path);
		/* the pod is still found */
		snprintf(path, sizeof(path), "/kubepods/pod" UID1 "/%s", bad[i]);
		expect(path, CONTAINER_NONE, "", UID1);
		snprintf(path, sizeof(path), SD_BURSTABLE UID1_SD ".slice/cri-containerd-%s.scope",
			 bad[i]);
		expect(path, CONTAINER_NONE, "", UID1);
	}
	/* the name around the id is exact */
	expect_nothing("/system.slice/docker-" ID1 ".scopex");
	expect_nothing("/system.slice/docker-" ID1 ".scop");
	expect_nothing("/system.slice/docker-" ID1);
	expect_nothing("/system.slice/xdocker-" ID1 ".scope");
	expect_nothing("/system.slice/docker-" ID1 ".scope.scope");
	expect("/kubepods/pod" UID1 "/crio-" ID1 ".scopex", CONTAINER_NONE, "", UID1);
	expect_nothing("/system.slice/crio-");
	expect_nothing("/system.slice/docker-.scope");
	/* a bare id is a container under a pod or "docker" only */
	expect_nothing("/" ID1);
	expect_nothing("/dockerd/" ID1);
	expect_nothing("/docker/x/" ID1);
}

static void malformed_uids_are_rejected(void **state)
{
	const char *bad[] = {
		"0f3a1b2c4-d5e-46f7-8a9b-0c1d2e3f4a5b",	/* dash moved */
		"0f3a1b2c-4d5e-46f7-8a9b0-c1d2e3f4a5b",
		"0f3a1b2c-4d5e-46f7-8a9b-0c1d2e3f4a5",	/* 35 characters */
		"0f3a1b2c-4d5e-46f7-8a9b-0c1d2e3f4a5b0",	/* 37 */
		"0f3a1b2c-4d5e-46f7-8a9b-0c1d2e3f4a5g",	/* not hex */
		"0f3a1b2c04d5e046f708a9b00c1d2e3f4a5b",	/* no dashes */
		"0f3a1b2c_4d5e_46f7_8a9b_0c1d2e3f4a5b",	/* underscores in a directory */
		"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[256], sd[64];

		snprintf(path, sizeof(path), "/kubepods/burstable/pod%s", bad[i]);
		expect_nothing(path);
		/* a bare id under no pod is no container */
		snprintf(path, sizeof(path), "/kubepods/pod%s/" ID1, bad[i]);
		expect_nothing(path);
		/* the slice's uid has underscores for dashes, and no dashes */
		snprintf(sd, sizeof(sd), "%s", bad[i]);
		for (char *p = sd; *p; p++)
			*p = *p == '-' ? '_' : *p == '_' ? '-' : *p;
		snprintf(path, sizeof(path), SD_BURSTABLE "%s.slice", sd);
		expect_nothing(path);
	}
	expect_nothing(SD_BURSTABLE UID1_SD ".slicex");
	expect_nothing("/kubepods.slice/kubepods-guaranteed-pod" UID1_SD ".slice");
	expect_nothing("/kubepods/xpod" UID1);
}

static void not_containers(void **state)
{
	const char *paths[] = {
		"/", "", "/user.slice/user-1000.slice/session-3.scope",
		"/system.slice/sshd.service", "/init.scope", "/system.slice/docker.service",
		"/system.slice/containerd.service", "/kubepods.slice",
		"/kubepods.slice/kubepods-burstable.slice", "/kubepods/burstable", "/docker",
		"//", "docker/", "/machine.slice/libpod_parent",
	};
	struct container_info ci;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		expect_nothing(paths[i]);
	assert_false(parse(NULL, &ci));
	assert_int_equal(ci.runtime, CONTAINER_NONE);
	assert_string_equal(ci.id, "");
	assert_string_equal(ci.pod_uid, "");
}

/* Paths of any length, each read up to its end and no further. */
static void long_paths(void **state)
{
	const char tail[] = "/kubepods/pod" UID1 "/" ID1;
	size_t n = 10000, lead = n - strlen(tail);
	char *path = malloc(n + 1);

	assert_non_null(path);
	for (size_t i = 0; i < lead; i++)
		path[i] = i % 2 ? 'a' : '/';
	memcpy(path + lead, tail, sizeof(tail));
	assert_int_equal(strlen(path), n);
	expect(path, CONTAINER_CONTAINERD, ID1, UID1);
	/* one component of 10,000 characters, and one like an id but longer */
	memset(path, 'a', n);
	expect_nothing(path);
	memcpy(path, "/docker/", 8);
	expect_nothing(path);
	free(path);
}

static void labels(void **state)
{
	struct container_info ci;
	char buf[128];

	container_from_cgroup(SD_BURSTABLE UID1_SD ".slice/cri-containerd-" ID1 ".scope", &ci);
	assert_ptr_equal(container_label(buf, sizeof(buf), &ci), buf);
	assert_string_equal(buf, "containerd://" ID1);
	container_from_cgroup("/docker/" ID2, &ci);
	assert_string_equal(container_label(buf, sizeof(buf), &ci), "docker://" ID2);
	container_from_cgroup("/kubepods/pod" UID1 "/crio-" ID1, &ci);
	assert_string_equal(container_label(buf, sizeof(buf), &ci), "cri-o://" ID1);
	container_from_cgroup("/libpod_parent/libpod-" ID2, &ci);
	assert_string_equal(container_label(buf, sizeof(buf), &ci), "podman://" ID2);
	/* no container, or only a pod: an empty label */
	container_from_cgroup("/init.scope", &ci);
	assert_string_equal(container_label(buf, sizeof(buf), &ci), "");
	container_from_cgroup("/kubepods/pod" UID1, &ci);
	assert_string_equal(container_label(buf, sizeof(buf), &ci), "");
}

static void labels_fit_their_buffer(void **state)
{
	struct container_info ci;
	char buf[16];

	container_from_cgroup("/docker/" ID1, &ci);
	memset(buf, 'x', sizeof(buf));
	assert_string_equal(container_label(buf, 12, &ci), "docker://0f");
	assert_int_equal(buf[12], 'x');
	assert_string_equal(container_label(buf, 1, &ci), "");
	/* no room at all: buf is left as it was */
	memset(buf, 'x', sizeof(buf));
	assert_string_equal(container_label(buf, 0, &ci), "");
	assert_int_equal(buf[0], 'x');
}

static void runtime_names(void **state)
{
	assert_string_equal(container_runtime_names[CONTAINER_NONE], "");
	assert_string_equal(container_runtime_names[CONTAINER_DOCKER], "docker");
	assert_string_equal(container_runtime_names[CONTAINER_CONTAINERD], "containerd");
	assert_string_equal(container_runtime_names[CONTAINER_CRIO], "cri-o");
	assert_string_equal(container_runtime_names[CONTAINER_PODMAN], "podman");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(systemd_driver),
		cmocka_unit_test(cgroupfs_driver),
		cmocka_unit_test(pods_without_containers),
		cmocka_unit_test(conmon_is_not_a_container),
		cmocka_unit_test(innermost_container_wins),
		cmocka_unit_test(upper_case_is_lowered),
		cmocka_unit_test(malformed_ids_are_rejected),
		cmocka_unit_test(malformed_uids_are_rejected),
		cmocka_unit_test(not_containers),
		cmocka_unit_test(long_paths),
		cmocka_unit_test(labels),
		cmocka_unit_test(labels_fit_their_buffer),
		cmocka_unit_test(runtime_names),
	};

	return cmocka_run_group_tests_name("container", tests, NULL, NULL);
}
