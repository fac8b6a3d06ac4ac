/*
 * Stand-in for the conformance runner image (docker test tier; no registry is reachable, so the
 * pinned Go image cannot be pulled). Started exactly as the Go image would be, it records what it
 * was given — arguments, environment, working directory, its /kindgate mounts, /etc/hosts (its
 * address on the network) and the kubeconfig it was handed — prints `go test -v` lines, and writes
 * a report file to the path of --report-output, as the upstream suite does (mode 0600).
 * With --run-test=StandInSleeps it waits after the first line, to be stopped mid-run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

/* Bytes a YAML round trip would change: CRLF, a comment, UTF-8, no final newline. */
static const char REPORT[] =
    "apiVersion: gateway.networking.k8s.io/v1\r\n"
    "kind: ConformanceReport # written by the stand-in\n"
    "gatewayAPIChannel: standard\n"
    "gatewayAPIVersion: v1.6.1\n"
    "implementation:\n"
    "  project: caf\xc3\xa9\n"
    "  version: v9.9.9\n"
    "mode: default\n"
    "profiles: []";

static void dump(const char *title, const char *path, const char *filter) {
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("STANDIN-MISSING %s\n", path);
    return;
  }
  char line[8192];
  while (fgets(line, sizeof line, f)) {
    if (filter && !strstr(line, filter)) continue;
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n') line[n - 1] = 0;
    printf("STANDIN-%s %s\n", title, line);
  }
  fclose(f);
}

int main(int argc, char **argv) {
  const char *report = NULL;
  int sleeps = 0;
  for (int i = 0; i < argc; i++) {
    printf("STANDIN-ARG %s\n", argv[i]);
    if (strncmp(argv[i], "--report-output=", 16) == 0) report = argv[i] + 16;
    if (strcmp(argv[i], "--run-test=StandInSleeps") == 0) sleeps = 1;
  }
  for (char **e = environ; *e; e++) printf("STANDIN-ENV %s\n", *e);
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) printf("STANDIN-CWD %s\n", cwd);
  dump("MOUNT", "/proc/self/mountinfo", " /kindgate");
  dump("HOSTS", "/etc/hosts", NULL);
  const char *kubeconfig = getenv("KUBECONFIG");
  if (kubeconfig) dump("KUBECONFIG", kubeconfig, NULL);
  printf("=== RUN   TestConformance\n=== RUN   TestConformance/HTTPRouteSimpleSameNamespace\n");
  fflush(stdout);
  if (sleeps) sleep(600);
  if (report) {
    mkdir("/tmp", 01777);
    int fd = open(report, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, REPORT, sizeof REPORT - 1) != (ssize_t)(sizeof REPORT - 1)) {
      printf("STANDIN-ERROR cannot write %s\n", report);
      return 2;
    }
    close(fd);
  }
  printf("    --- PASS: TestConformance/HTTPRouteSimpleSameNamespace (0.01s)\n");
  printf("--- PASS: TestConformance (0.02s)\nPASS\nok  \tkindgate.local/conformance\t0.03s\n");
  return 0;
}
