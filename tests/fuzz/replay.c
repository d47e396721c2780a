/*
 * replay: runs a fuzz target over files without libFuzzer, so `make test`
 * replays every corpus and crasher with the normal compiler and in the ASan
 * build. Usage: replay_NAME FILE|DIR... (a directory's files, not its dot
 * files or README). Each input is copied into a buffer of exactly its size,
 * so the sanitizer sees a read one byte past the end.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static size_t replayed;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0, got;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (size == cap) {
			cap = cap ? cap * 2 : 4096;
			data = realloc(data, cap);
			if (!data)
				abort();
		}
		got = fread(data + size, 1, cap - size, f);
		if (got == 0)
			break;
		size += got;
	}
	fclose(f);

	uint8_t *exact = malloc(size ? size : 1);
	if (!exact)
		abort();
	if (size)
		memcpy(exact, data, size);
	free(data);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	replayed++;
	return 0;
}

static int replay_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);

	DIR *d = opendir(path);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		size_t n = strlen(path) + strlen(de->d_name) + 2;
		char *child = malloc(n);
		if (!child)
			abort();
		snprintf(child, n, "%s/%s", path, de->d_name);
		if (replay_path(child) < 0)
			rc = -1;
		free(child);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i]) < 0)
			rc = 1;
	printf("%zu\n", replayed);
	return rc;
}
