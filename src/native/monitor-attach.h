/* The monitor's attach socket: <ctrdir>/attach.sock, any number of clients
 * (CLI, TUI panes) at once. A stream socket (Node's net module speaks no
 * SOCK_SEQPACKET), so every message is framed: [type u8][length u16 BE][data].
 *   client -> monitor: STDIN data, RESIZE (rows u16 BE, cols u16 BE), STDIN_EOF
 *   monitor -> client: STDOUT / STDERR data, from attach time on; with a
 *                      terminal, the last few KiB of output first (a re-attach
 *                      shows the screen's tail, `run -it` its first prompt).
 * The monitor closes every client when it is done: EOF = the container exited
 * (its exit code is in the exit file by then).
 *
 * Flow control, both ways at once, with one frame of buffer per direction and
 * client: a client whose stdin the container has not taken yet is not read
 * (the socket fills, the client's writes wait), and the container's output is
 * not read while a client has not taken the previous chunk (its pipe or pty
 * fills, its writes wait). Nothing is ever dropped on a timer. */
#ifndef BERTH_MONITOR_ATTACH_H
#define BERTH_MONITOR_ATTACH_H

#include <poll.h>
#include <stddef.h>

enum { FRAME_STDIN = 1, FRAME_STDOUT = 2, FRAME_STDERR = 3, FRAME_RESIZE = 4, FRAME_STDIN_EOF = 5 };
#define FRAME_HEAD 3
#define FRAME_MAX 4096
#define ATTACH_MAX_CLIENTS 16
#define ATTACH_RING FRAME_MAX /* replayed to a new client as one frame */
/* listening socket, clients, the container's input */
#define ATTACH_POLLFDS (1 + ATTACH_MAX_CLIENTS + 1)

struct attach_client {
  int fd;                    /* -1: free slot */
  size_t in_len;             /* received bytes not handled yet (in[0..in_len)) */
  size_t pend_off, pend_len; /* stdin in in[] the container has not taken yet */
  size_t out_off, out_len;   /* a frame in out[] not sent yet */
  unsigned char in[FRAME_HEAD + FRAME_MAX];
  unsigned char out[FRAME_HEAD + FRAME_MAX];
};

struct attach_server {
  int listen_fd; /* -1: no attach socket */
  int tty;       /* input_fd is the pty master: RESIZE applies, STDIN_EOF does not */
  int *input_fd; /* where STDIN goes (pty master or stdin pipe); *input_fd < 0: nowhere */
  /* A foreground client (run, start -a, exec) attaches right after the start:
   * until it comes (`awaiting`), a terminal's output stays unread, so even a
   * command that ends at once shows all of it. The first client is that one
   * (`owner`); with stdin_once (and no terminal) its leaving closes the
   * container's stdin (docker's StdinOnce), as does its never coming. */
  int awaiting, owner, stdin_once;
  unsigned long long moved; /* bytes moved in either direction: progress */
  size_t ring_len, ring_head;
  char ring[ATTACH_RING];
  struct attach_client clients[ATTACH_MAX_CLIENTS];
};

/* Before anything else: no clients; a foreground client awaited (or not). */
void attach_init(struct attach_server *a, int tty, int *input_fd, int foreground, int stdin_once);
/* Binds and listens on path (any length: bound through a directory fd). */
int attach_listen(struct attach_server *a, const char *path);
/* Fills pfd[0..ATTACH_POLLFDS) (unused entries get fd -1). */
void attach_pollfds(const struct attach_server *a, struct pollfd *pfd, int accepting);
/* Handles the revents of the entries attach_pollfds filled in. */
void attach_handle(struct attach_server *a, const struct pollfd *pfd);
/* Whether the container's output may be read now: every client has taken
 * the last chunk, and no foreground client is awaited with a terminal. */
int attach_output_ready(const struct attach_server *a);
/* Whether any client is connected. */
int attach_has_clients(const struct attach_server *a);
/* Whether every client has been sent all output. */
int attach_flushed(const struct attach_server *a);
/* The foreground client did not come (it died before attaching). */
void attach_stop_awaiting(struct attach_server *a);
/* Sends output (len <= FRAME_MAX, only when attach_output_ready) to every
 * client, and keeps it in the ring with a terminal. */
void attach_broadcast(struct attach_server *a, int stream, const char *buf, size_t len);
/* Closes every client and the socket, and unlinks it. */
void attach_close(struct attach_server *a, const char *path);

#endif
