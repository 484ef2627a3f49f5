#include <stdio.h>
#include <string.h>
#include "devnames.h"

const char *devname_lookup(uint32_t dev, char *buf, size_t len)
{
	char path[64], line[256];
	FILE *f;

	snprintf(buf, len, "%u:%u", kdev_major(dev), kdev_minor(dev));
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent",
		 kdev_major(dev), kdev_minor(dev));
	f = fopen(path, "re");
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "DEVNAME=", 8)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line + 8);
			break;
		}
	}
	fclose(f);
	return buf;
}
