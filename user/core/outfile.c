#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "outfile.h"

static void outfile_clear(struct outfile *o)
{
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

int outfile_open(struct outfile *o, const char *path, FILE *fallback)
{
	struct stat st;
	int fd, err;

	memset(o, 0, sizeof(*o));
	if (!path) {
		o->fp = fallback;
		return 0;
	}
	o->path = strdup(path);
	if (!o->path)
		return -ENOMEM;
	/* devices, pipes and the like are written in place */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		o->fp = fopen(path, "we");
		if (!o->fp) {
			err = -errno;
			outfile_clear(o);
			return err;
		}
		return 0;
	}
	if (asprintf(&o->tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
		o->tmp = NULL;
		outfile_clear(o);
		return -ENOMEM;
	}
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
		err = -errno;
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		outfile_clear(o);
		return err;
	}
	return 0;
}

int outfile_commit(struct outfile *o)
{
	int err = 0;

	if (!o->path) {
		if (fflush(o->fp) || ferror(o->fp))
			err = -(errno ? errno : EIO);
		return err;
	}
	if (fflush(o->fp) || ferror(o->fp) || (o->tmp && fsync(fileno(o->fp))))
		err = -(errno ? errno : EIO);
	if (fclose(o->fp) && !err)
		err = -(errno ? errno : EIO);
	o->fp = NULL;
	if (o->tmp) {
		if (!err && rename(o->tmp, o->path))
			err = -errno;
		if (err)
			unlink(o->tmp);
	}
	outfile_clear(o);
	return err;
}

void outfile_abort(struct outfile *o)
{
	if (o->path && o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	outfile_clear(o);
}
