/*
 * kindgate docker-tier relay: a tiny stand-in for socat that accepts exactly the command line
 * kindgate gives the pinned alpine/socat image:
 *   relay [-d ...] TCP-LISTEN:<port>[,fork,reuseaddr] TCP-CONNECT:<host>:<port>
 * Built statically (gcc -static) into a FROM-scratch image, so the tests need no registry.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

static void pump(int a, int b) {
  struct pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
  char buf[16384];
  for (;;) {
    if (poll(fds, 2, -1) < 0) return;
    for (int i = 0; i < 2; i++) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) return;
        for (ssize_t off = 0; off < n;) {
          ssize_t w = write(fds[1 - i].fd, buf + off, n - off);
          if (w <= 0) return;
          off += w;
        }
      }
    }
  }
}

int main(int argc, char **argv) {
  const char *listen_arg = NULL, *connect_arg = NULL;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') continue;
    if (!listen_arg) listen_arg = argv[i]; else connect_arg = argv[i];
  }
  if (!listen_arg || !connect_arg || strncasecmp(listen_arg, "TCP-LISTEN:", 11) != 0) {
    fprintf(stderr, "usage: relay TCP-LISTEN:<port>,fork,reuseaddr TCP-CONNECT:<host>:<port>\n");
    return 2;
  }
  int listen_port = atoi(listen_arg + 11);
  const char *target = strchr(connect_arg, ':');
  if (!target) return 2;
  target++;
  char host[256];
  const char *port;
  if (target[0] == '[') {
    const char *end = strchr(target, ']');
    if (!end || end[1] != ':') return 2;
    snprintf(host, sizeof host, "%.*s", (int)(end - target - 1), target + 1);
    port = end + 2;
  } else {
    const char *colon = strrchr(target, ':');
    if (!colon) return 2;
    snprintf(host, sizeof host, "%.*s", (int)(colon - target), target);
    port = colon + 1;
  }
  signal(SIGCHLD, SIG_IGN);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(listen_port);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 64) < 0) { perror("listen"); return 1; }
  fprintf(stderr, "relay listening on %d -> %s:%s\n", listen_port, host, port);
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c < 0) continue;
    if (fork() == 0) {
      close(s);
      /* Numeric addresses only (Gateway.status.addresses): no NSS needed in a static binary. */
      struct sockaddr_in v4 = {0};
      struct sockaddr_in6 v6 = {0};
      int u;
      if (inet_pton(AF_INET, host, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(atoi(port));
        u = socket(AF_INET, SOCK_STREAM, 0);
        if (u < 0 || connect(u, (struct sockaddr *)&v4, sizeof v4) < 0) _exit(1);
      } else if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(atoi(port));
        u = socket(AF_INET6, SOCK_STREAM, 0);
        if (u < 0 || connect(u, (struct sockaddr *)&v6, sizeof v6) < 0) _exit(1);
      } else {
        _exit(1);
      }
      pump(c, u);
      _exit(0);
    }
    close(c);
  }
}
