/* netlinkApply(ops, netnsPid): replays a list of rtnetlink requests decided in
 * TypeScript (engine/network/kernel.ts) over one NETLINK_ROUTE socket. No fork
 * of `ip` per container. With netnsPid the socket is opened inside that
 * process's network namespace (a netlink socket acts on the namespace it was
 * created in): this thread enters it, opens the socket, and returns to its own
 * namespace at once, so nothing else of Node ever runs there.
 *
 * Ops (objects with an `op` field):
 *   bridge    {name, fresh?}                 RTM_NEWLINK kind bridge (EEXIST ok unless fresh)
 *   veth      {name, peer, peerNetnsPid}     veth pair, peer born in that netns
 *   link      {name, up?, master?, mac?, mtu?}  RTM_NEWLINK on an existing link
 *   addr      {name, ip, prefix}             IPv4 address (EEXIST ok)
 *   route     {name, gateway}                default route via gateway
 *   del       {name}                         RTM_DELLINK (ENODEV ok)
 * Each request is acked; the first failure throws with the op as its step.
 * Returns one boolean per op: false when there was nothing to do (the bridge
 * or address existed, the link to delete was gone). */
#include "napi-util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct req {
  struct nlmsghdr *h;
  char buf[1024];
};

static struct rtattr *put(struct req *r, unsigned short type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)r->h + NLMSG_ALIGN(r->h->nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  if (len) memcpy(RTA_DATA(a), data, len);
  r->h->nlmsg_len = NLMSG_ALIGN(r->h->nlmsg_len) + RTA_ALIGN(a->rta_len);
  return a;
}
static struct rtattr *nest(struct req *r, unsigned short type) { return put(r, type, NULL, 0); }
static void end(struct req *r, struct rtattr *a) { a->rta_len = (unsigned short)((char *)r->h + r->h->nlmsg_len - (char *)a); }
static void put_str(struct req *r, unsigned short type, const char *s) { put(r, type, s, strlen(s) + 1); }

static void *init_req(struct req *r, int type, int flags, size_t body) {
  memset(r, 0, sizeof *r);
  r->h = (struct nlmsghdr *)r->buf;
  r->h->nlmsg_type = (unsigned short)type;
  r->h->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
  r->h->nlmsg_len = (unsigned)NLMSG_LENGTH(body);
  return NLMSG_DATA(r->h);
}

/* Sends one request and waits for its ack: 0 or a positive errno. */
static int talk(int sk, struct req *r) {
  static unsigned seq;
  r->h->nlmsg_seq = ++seq;
  if (send(sk, r->h, r->h->nlmsg_len, 0) < 0) return errno;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(sk, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != r->h->nlmsg_seq || h->nlmsg_type != NLMSG_ERROR) continue;
      int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
      return e < 0 ? -e : 0;
    }
  }
}

/* The index of a link by name in the socket's namespace (RTM_GETLINK). */
static int link_index(int sk, const char *name, int *err) {
  struct req r;
  init_req(&r, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
  r.h->nlmsg_flags = NLM_F_REQUEST;
  put_str(&r, IFLA_IFNAME, name);
  static unsigned seq = 1u << 30;
  r.h->nlmsg_seq = ++seq;
  if (send(sk, r.h, r.h->nlmsg_len, 0) < 0) return *err = errno, -1;
  char buf[8192];
  for (;;) {
    ssize_t n = recv(sk, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return *err = errno, -1;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != r.h->nlmsg_seq) continue;
      if (h->nlmsg_type == NLMSG_ERROR) {
        int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
        return *err = e < 0 ? -e : ENODEV, -1;
      }
      if (h->nlmsg_type == RTM_NEWLINK) return ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
    }
  }
}

static int parse_mac(const char *s, unsigned char mac[6]) {
  unsigned v[6];
  if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) return -1;
  for (int i = 0; i < 6; i++) mac[i] = (unsigned char)v[i];
  return 0;
}

/* Reads an optional property: a malloc'd string, or NULL when absent/undefined. */
static char *opt_str(napi_env env, napi_value o, const char *key) {
  bool has = false;
  napi_value v;
  napi_valuetype t;
  if (napi_has_named_property(env, o, key, &has) != napi_ok || !has) return NULL;
  if (napi_get_named_property(env, o, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok) return NULL;
  if (t == napi_undefined || t == napi_null) return NULL;
  return berth_get_string(env, v, key);
}
static int64_t opt_int(napi_env env, napi_value o, const char *key, int64_t dflt) {
  bool has = false;
  napi_value v;
  napi_valuetype t;
  int64_t out = dflt;
  if (napi_has_named_property(env, o, key, &has) != napi_ok || !has) return dflt;
  if (napi_get_named_property(env, o, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok) return dflt;
  if (t == napi_boolean) {
    bool b;
    napi_get_value_bool(env, v, &b);
    return b;
  }
  if (t != napi_number) return dflt;
  napi_get_value_int64(env, v, &out);
  return out;
}

/* One op; returns 0 or an errno, with the failing step written to `step`.
 * *existed: the bridge/address/link to delete was already (or no longer) there. */
static int apply_op(napi_env env, int sk, napi_value o, char *step, size_t steplen, int *existed) {
  char *op = opt_str(env, o, "op"), *name = opt_str(env, o, "name");
  char *peer = NULL, *master = NULL, *mac = NULL, *ip = NULL, *gw = NULL;
  int err = 0;
  struct req r;
  snprintf(step, steplen, "netlink %s %s", op ? op : "?", name ? name : "?");
  if (!op || !name) { err = EINVAL; goto out; }
  if (!strcmp(op, "bridge") || !strcmp(op, "veth")) {
    struct ifinfomsg *ifi = init_req(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    put_str(&r, IFLA_IFNAME, name);
    struct rtattr *li = nest(&r, IFLA_LINKINFO);
    put_str(&r, IFLA_INFO_KIND, op);
    if (!strcmp(op, "veth")) {
      peer = opt_str(env, o, "peer");
      int64_t pid = opt_int(env, o, "peerNetnsPid", 0);
      if (!peer || pid <= 0) { err = EINVAL; goto out; }
      struct rtattr *data = nest(&r, IFLA_INFO_DATA);
      struct rtattr *pi = nest(&r, VETH_INFO_PEER);
      struct ifinfomsg pifi = {.ifi_family = AF_UNSPEC};
      r.h->nlmsg_len += (unsigned)NLMSG_ALIGN(sizeof pifi); /* the peer's ifinfomsg comes first */
      memcpy(RTA_DATA(pi), &pifi, sizeof pifi);
      put_str(&r, IFLA_IFNAME, peer);
      uint32_t p32 = (uint32_t)pid;
      put(&r, IFLA_NET_NS_PID, &p32, sizeof p32);
      end(&r, pi);
      end(&r, data);
    }
    end(&r, li);
    err = talk(sk, &r);
    /* an existing bridge is ours from an earlier run, unless the caller is making a new one */
    if (err == EEXIST && !strcmp(op, "bridge") && !opt_int(env, o, "fresh", 0)) err = 0, *existed = 1;
  } else if (!strcmp(op, "link")) {
    int idx = link_index(sk, name, &err);
    if (idx < 0) goto out;
    struct ifinfomsg *ifi = init_req(&r, RTM_NEWLINK, 0, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = idx;
    if (opt_int(env, o, "up", 0)) ifi->ifi_flags = IFF_UP, ifi->ifi_change = IFF_UP;
    if ((master = opt_str(env, o, "master"))) {
      int m = link_index(sk, master, &err);
      if (m < 0) goto out;
      uint32_t m32 = (uint32_t)m;
      put(&r, IFLA_MASTER, &m32, sizeof m32);
    }
    if ((mac = opt_str(env, o, "mac"))) {
      unsigned char hw[6];
      if (parse_mac(mac, hw)) { err = EINVAL; goto out; }
      put(&r, IFLA_ADDRESS, hw, sizeof hw);
    }
    int64_t mtu = opt_int(env, o, "mtu", 0);
    if (mtu > 0) {
      uint32_t m32 = (uint32_t)mtu;
      put(&r, IFLA_MTU, &m32, sizeof m32);
    }
    err = talk(sk, &r);
  } else if (!strcmp(op, "addr")) {
    int idx = link_index(sk, name, &err);
    if (idx < 0) goto out;
    struct in_addr a;
    if (!(ip = opt_str(env, o, "ip")) || inet_pton(AF_INET, ip, &a) != 1) { err = EINVAL; goto out; }
    struct ifaddrmsg *ifa = init_req(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = (unsigned char)opt_int(env, o, "prefix", 32);
    ifa->ifa_index = (unsigned)idx;
    put(&r, IFA_LOCAL, &a, sizeof a);
    put(&r, IFA_ADDRESS, &a, sizeof a);
    /* the broadcast address, as `ip addr add … brd +` and docker set it */
    uint32_t host = ifa->ifa_prefixlen >= 32 ? 0 : 0xffffffffu >> ifa->ifa_prefixlen;
    struct in_addr brd = {.s_addr = a.s_addr | htonl(host)};
    put(&r, IFA_BROADCAST, &brd, sizeof brd);
    err = talk(sk, &r);
    if (err == EEXIST) err = 0, *existed = 1;
  } else if (!strcmp(op, "route")) {
    int idx = link_index(sk, name, &err);
    if (idx < 0) goto out;
    struct in_addr g;
    if (!(gw = opt_str(env, o, "gateway")) || inet_pton(AF_INET, gw, &g) != 1) { err = EINVAL; goto out; }
    struct rtmsg *rt = init_req(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
    rt->rtm_family = AF_INET;
    rt->rtm_table = RT_TABLE_MAIN;
    rt->rtm_protocol = RTPROT_BOOT;
    rt->rtm_scope = RT_SCOPE_UNIVERSE;
    rt->rtm_type = RTN_UNICAST;
    uint32_t oif = (uint32_t)idx;
    put(&r, RTA_GATEWAY, &g, sizeof g);
    put(&r, RTA_OIF, &oif, sizeof oif);
    err = talk(sk, &r);
  } else if (!strcmp(op, "del")) {
    struct ifinfomsg *ifi = init_req(&r, RTM_DELLINK, 0, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    put_str(&r, IFLA_IFNAME, name);
    err = talk(sk, &r);
    if (err == ENODEV) err = 0, *existed = 1;
  } else {
    err = EINVAL;
  }
out:
  free(op), free(name), free(peer), free(master), free(mac), free(ip), free(gw);
  return err;
}

/* A NETLINK_ROUTE socket in pid's network namespace (pid 0: ours). */
static int open_socket(int64_t pid, const char **what) {
  int self = -1, target = -1, sk = -1, e = 0;
  if (pid > 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%lld/ns/net", (long long)pid);
    if ((self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) return *what = "open own network namespace", -1;
    if ((target = open(path, O_RDONLY | O_CLOEXEC)) < 0) { e = errno, *what = "open container network namespace"; goto out; }
    if (setns(target, CLONE_NEWNET) < 0) { e = errno, *what = "enter container network namespace"; goto out; }
  }
  sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (sk < 0) e = errno, *what = "netlink socket";
  if (pid > 0 && setns(self, CLONE_NEWNET) < 0) abort(); /* never go on in the wrong namespace */
out:
  if (self >= 0) close(self);
  if (target >= 0) close(target);
  return errno = e, sk;
}

static napi_value js_netlink_apply(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return berth_throw_msg(env, "ops expected");
  int64_t pid = 0;
  if (argc > 1 && berth_get_int64(env, argv[1], &pid, "netnsPid")) return NULL;
  uint32_t n;
  NAPI_CALL(env, napi_get_array_length(env, argv[0], &n));
  const char *what = "";
  int sk = open_socket(pid, &what);
  if (sk < 0) return berth_throw_errno(env, what, errno);
  char step[256];
  napi_value result;
  NAPI_CALL(env, napi_create_array_with_length(env, n, &result));
  for (uint32_t i = 0; i < n; i++) {
    napi_value o, flag;
    int existed = 0;
    if (napi_get_element(env, argv[0], i, &o) != napi_ok) break;
    int err = apply_op(env, sk, o, step, sizeof step, &existed);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) return close(sk), NULL;
    if (err) {
      close(sk);
      return berth_throw_errno(env, step, err);
    }
    NAPI_CALL(env, napi_get_boolean(env, !existed, &flag));
    NAPI_CALL(env, napi_set_element(env, result, i, flag));
  }
  close(sk);
  return result;
}

void berth_register_netlink(napi_env env, napi_value exports) { berth_export(env, exports, "netlinkApply", js_netlink_apply); }
