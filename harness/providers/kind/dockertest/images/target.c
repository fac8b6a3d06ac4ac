/*
 * kindgate docker-tier HTTP target: answers every request on :8080 with 200 and a JSON body
 * echoing the method, path and Host header, then closes. Built statically into a FROM-scratch image.
 */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  signal(SIGCHLD, SIG_IGN);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(8080);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 64) < 0) { perror("listen"); return 1; }
  fprintf(stderr, "target listening on 8080\n");
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c < 0) continue;
    if (fork() == 0) {
      char req[8192];
      size_t len = 0;
      while (len < sizeof req - 1) {
        ssize_t n = read(c, req + len, sizeof req - 1 - len);
        if (n <= 0) break;
        len += n;
        req[len] = 0;
        if (strstr(req, "\r\n\r\n")) break;
      }
      req[len] = 0;
      char method[16] = "", path[1024] = "", host[256] = "";
      sscanf(req, "%15s %1023s", method, path);
      for (char *line = strstr(req, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "host:", 5) == 0) {
          sscanf(line + 7, " %255[^\r\n]", host);
          break;
        }
      }
      char body[1600], head[256];
      int bl = snprintf(body, sizeof body, "{\"method\":\"%s\",\"path\":\"%s\",\"host\":\"%s\"}", method, path, host);
      int hl = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: kindgate-test-target\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", bl);
      write(c, head, hl);
      write(c, body, bl);
      shutdown(c, SHUT_WR);
      _exit(0);
    }
    close(c);
  }
}
