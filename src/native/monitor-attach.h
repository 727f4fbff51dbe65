/* The monitor's attach socket: <ctrdir>/attach.sock, any number of clients
 * (CLI, TUI panes) at once. A stream socket (Node's net module speaks no
 * SOCK_SEQPACKET), so every message is framed: [type u8][length u16 BE][data].
 *   client -> monitor: STDIN data, RESIZE (rows u16 BE, cols u16 BE), STDIN_EOF
 *   monitor -> client: STDOUT / STDERR data, from attach time on; with a
 *                      terminal, the last few KiB of output first (a re-attach
 *                      shows the screen's tail, `run -it` its first prompt).
 * The monitor closes every client when it is done: EOF = the container exited
 * (its exit code is in the exit file by then). */
#ifndef BERTH_MONITOR_ATTACH_H
#define BERTH_MONITOR_ATTACH_H

#include <poll.h>
#include <stddef.h>

enum { FRAME_STDIN = 1, FRAME_STDOUT = 2, FRAME_STDERR = 3, FRAME_RESIZE = 4, FRAME_STDIN_EOF = 5 };
#define FRAME_HEAD 3
#define FRAME_MAX 4096
#define ATTACH_MAX_CLIENTS 16
#define ATTACH_RING 4096

struct attach_client {
  int fd; /* -1: free slot */
  size_t len;
  unsigned char buf[FRAME_HEAD + FRAME_MAX];
};

struct attach_server {
  int listen_fd;    /* -1: no attach socket */
  int tty;          /* input_fd is the pty master: RESIZE applies, STDIN_EOF does not */
  int *input_fd;    /* where STDIN goes (pty master or stdin pipe); *input_fd < 0: nowhere */
  size_t ring_len, ring_head;
  char ring[ATTACH_RING];
  struct attach_client clients[ATTACH_MAX_CLIENTS];
};

/* Binds and listens on path (any length: bound through a directory fd). */
int attach_listen(struct attach_server *a, const char *path);
/* Appends the listening socket and clients to pfd; returns how many. */
int attach_pollfds(const struct attach_server *a, struct pollfd *pfd, int accepting);
/* Handles the revents of the n entries attach_pollfds filled in. */
void attach_handle(struct attach_server *a, const struct pollfd *pfd, int n);
/* Sends output to every client (and keeps it in the ring with a terminal). */
void attach_broadcast(struct attach_server *a, int stream, const char *buf, size_t len);
/* Closes every client and the socket, and unlinks it. */
void attach_close(struct attach_server *a, const char *path);

#endif
