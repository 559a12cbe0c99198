/*
 * netdev: makes and removes the host network devices the netDevices checks move into a
 * container, over rtnetlink (the suite never runs ip(8)).
 *
 *   netdev veth NAME PEER [IPV4/PREFIX]   create a veth pair; give NAME a permanent,
 *                                          global-scope IPv4 address if one is passed
 *   netdev del NAME                        delete NAME (and so its peer); absent is fine
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct req {
  struct nlmsghdr nh;
  char buf[4096];
};

static struct rtattr *add_attr(struct nlmsghdr *nh, unsigned short type, const void *data, size_t len) {
  struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
  rta->rta_type = type;
  rta->rta_len = RTA_LENGTH(len);
  if (len) memcpy(RTA_DATA(rta), data, len);
  nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
  return rta;
}

static void end_nest(struct nlmsghdr *nh, struct rtattr *nest) {
  nest->rta_len = (char *)nh + NLMSG_ALIGN(nh->nlmsg_len) - (char *)nest;
}

/* Sends one request and waits for the kernel's acknowledgement; returns 0 or -errno. */
static int talk(struct nlmsghdr *nh) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  nh->nlmsg_seq = 1;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  char reply[8192];
  ssize_t n = recv(fd, reply, sizeof reply, 0);
  close(fd);
  if (n < 0) return -errno;
  struct nlmsghdr *r = (struct nlmsghdr *)reply;
  if (r->nlmsg_type == NLMSG_ERROR) return ((struct nlmsgerr *)NLMSG_DATA(r))->error;
  return 0;
}

static int make_veth(const char *name, const char *peer) {
  struct req q;
  memset(&q, 0, sizeof q);
  q.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  q.nh.nlmsg_type = RTM_NEWLINK;
  q.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  add_attr(&q.nh, IFLA_IFNAME, name, strlen(name) + 1);
  struct rtattr *linkinfo = add_attr(&q.nh, IFLA_LINKINFO, NULL, 0);
  add_attr(&q.nh, IFLA_INFO_KIND, "veth", 4);
  struct rtattr *data = add_attr(&q.nh, IFLA_INFO_DATA, NULL, 0);
  struct rtattr *peerinfo = add_attr(&q.nh, VETH_INFO_PEER, NULL, 0);
  q.nh.nlmsg_len += NLMSG_ALIGN(sizeof(struct ifinfomsg)); /* the peer's (empty) ifinfomsg */
  add_attr(&q.nh, IFLA_IFNAME, peer, strlen(peer) + 1);
  end_nest(&q.nh, peerinfo);
  end_nest(&q.nh, data);
  end_nest(&q.nh, linkinfo);
  return talk(&q.nh);
}

static int add_address(const char *name, const char *cidr) {
  char ip[64];
  snprintf(ip, sizeof ip, "%s", cidr);
  char *slash = strchr(ip, '/');
  int prefix = slash ? atoi(slash + 1) : 24;
  if (slash) *slash = 0;
  struct in_addr addr;
  if (inet_pton(AF_INET, ip, &addr) != 1) return -EINVAL;
  unsigned idx = if_nametoindex(name);
  if (!idx) return -errno;
  struct req q;
  memset(&q, 0, sizeof q);
  q.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
  q.nh.nlmsg_type = RTM_NEWADDR;
  q.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  struct ifaddrmsg *ifa = NLMSG_DATA(&q.nh);
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = prefix;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = idx;
  add_attr(&q.nh, IFA_LOCAL, &addr, sizeof addr);
  add_attr(&q.nh, IFA_ADDRESS, &addr, sizeof addr);
  return talk(&q.nh);
}

static int delete_link(const char *name) {
  struct req q;
  memset(&q, 0, sizeof q);
  q.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  q.nh.nlmsg_type = RTM_DELLINK;
  add_attr(&q.nh, IFLA_IFNAME, name, strlen(name) + 1);
  int rc = talk(&q.nh);
  return rc == -ENODEV ? 0 : rc;
}

int main(int argc, char **argv) {
  int rc;
  if (argc >= 4 && strcmp(argv[1], "veth") == 0) {
    rc = make_veth(argv[2], argv[3]);
    if (rc == 0 && argc >= 5) rc = add_address(argv[2], argv[4]);
    if (rc != 0) delete_link(argv[2]);
  } else if (argc >= 3 && strcmp(argv[1], "del") == 0) {
    rc = delete_link(argv[2]);
  } else {
    fprintf(stderr, "usage: netdev veth NAME PEER [IPV4/PREFIX] | netdev del NAME\n");
    return 2;
  }
  if (rc != 0) {
    fprintf(stderr, "netdev %s %s: %s\n", argv[1], argv[2], strerror(-rc));
    return 1;
  }
  return 0;
}
