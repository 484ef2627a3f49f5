#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "gpu.h"

bool gpu_path(const char *p)
{
	static const char *const prefixes[] = {
		"/dev/nvidia", "/dev/dri/renderD", "/dev/kfd", "/dev/accel/",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(p, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

bool gpu_device_open(pid_t pid)
{
	char dir[64], link[320], target[256];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = gpu_path(target);
	}
	closedir(d);
	return found;
}
