// rtnetlink for linux.netDevices: list a host device's addresses, and move a device into a
// network namespace, where its addresses are added again and it is set up. Which addresses
// travel is decided in src/container/net-devices.ts; this file only speaks the protocol.

#include "netdev.h"

#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "util.h"

namespace {

constexpr size_t kBuf = 8192;

struct Address {
  uint8_t family, prefixlen, scope;
  uint32_t flags;
  std::vector<uint8_t> local, address, broadcast;
};

// One request: a header, a fixed-size message body, then attributes.
struct Request {
  alignas(NLMSG_ALIGNTO) char buf[1024];
  nlmsghdr* h() { return reinterpret_cast<nlmsghdr*>(buf); }

  Request(uint16_t type, uint16_t flags, const void* body, size_t body_len) {
    std::memset(buf, 0, sizeof buf);
    h()->nlmsg_type = type;
    // Every request but a dump asks for an ack: it is what ends the replies (Talk).
    h()->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | flags | ((flags & NLM_F_DUMP) == NLM_F_DUMP ? 0 : NLM_F_ACK));
    h()->nlmsg_len = NLMSG_LENGTH(body_len);
    std::memcpy(NLMSG_DATA(h()), body, body_len);
  }

  void Attr(uint16_t type, const void* data, size_t len) {
    size_t off = NLMSG_ALIGN(h()->nlmsg_len);
    rtattr* rta = reinterpret_cast<rtattr*>(buf + off);
    rta->rta_type = type;
    rta->rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
    std::memcpy(RTA_DATA(rta), data, len);
    h()->nlmsg_len = static_cast<uint32_t>(off + RTA_ALIGN(RTA_LENGTH(len)));
  }
};

int Open() {
  return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

// Sends `req` and walks the replies: `each` sees every data message; returns 0 or -errno from
// the kernel's ack (or from the socket).
template <typename F>
int Talk(int fd, Request& req, F each) {
  static uint32_t seq = 1;
  req.h()->nlmsg_seq = seq++;
  if (send(fd, req.buf, req.h()->nlmsg_len, 0) < 0) return -errno;
  alignas(NLMSG_ALIGNTO) static char buf[kBuf];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    int len = static_cast<int>(n);
    for (nlmsghdr* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != req.h()->nlmsg_seq) continue;
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) return reinterpret_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
      each(h);
    }
  }
}

int Talk(int fd, Request& req) {
  return Talk(fd, req, [](nlmsghdr*) {});
}

std::vector<uint8_t> Bytes(rtattr* a) {
  const uint8_t* p = static_cast<const uint8_t*>(RTA_DATA(a));
  return std::vector<uint8_t>(p, p + RTA_PAYLOAD(a));
}

int ListAddresses(int fd, int index, std::vector<Address>* out) {
  ifaddrmsg body{};
  body.ifa_family = AF_UNSPEC;
  Request req(RTM_GETADDR, NLM_F_DUMP, &body, sizeof body);
  return Talk(fd, req, [&](nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWADDR) return;
    ifaddrmsg* ifa = static_cast<ifaddrmsg*>(NLMSG_DATA(h));
    if (static_cast<int>(ifa->ifa_index) != index) return;
    Address a{ifa->ifa_family, ifa->ifa_prefixlen, ifa->ifa_scope, ifa->ifa_flags, {}, {}, {}};
    int len = static_cast<int>(IFA_PAYLOAD(h));
    for (rtattr* rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
      if (rta->rta_type == IFA_LOCAL) a.local = Bytes(rta);
      if (rta->rta_type == IFA_ADDRESS) a.address = Bytes(rta);
      if (rta->rta_type == IFA_BROADCAST) a.broadcast = Bytes(rta);
      if (rta->rta_type == IFA_FLAGS) std::memcpy(&a.flags, RTA_DATA(rta), sizeof a.flags);
    }
    out->push_back(a);
  });
}

// The index of the link named `name` in the socket's namespace, or -errno.
int IndexOf(int fd, const std::string& name) {
  ifinfomsg body{};
  Request req(RTM_GETLINK, 0, &body, sizeof body);
  req.Attr(IFLA_IFNAME, name.c_str(), name.size() + 1);
  int index = -ENODEV;
  int r = Talk(fd, req, [&](nlmsghdr* h) {
    if (h->nlmsg_type == RTM_NEWLINK) index = static_cast<ifinfomsg*>(NLMSG_DATA(h))->ifi_index;
  });
  return r < 0 ? r : index;
}

// The name of link `index` in the socket's namespace, or "" when there is none.
std::string NameOf(int fd, int index) {
  ifinfomsg body{};
  body.ifi_index = index;
  Request req(RTM_GETLINK, 0, &body, sizeof body);
  std::string name;
  Talk(fd, req, [&](nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWLINK) return;
    ifinfomsg* ifi = static_cast<ifinfomsg*>(NLMSG_DATA(h));
    int len = static_cast<int>(IFLA_PAYLOAD(h));
    for (rtattr* rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
      if (rta->rta_type == IFLA_IFNAME) name = static_cast<const char*>(RTA_DATA(rta));
    }
  });
  return name;
}

Napi::Value AddressesToJs(Napi::Env env, const std::vector<Address>& list) {
  Napi::Array arr = Napi::Array::New(env, list.size());
  auto buf = [&](const std::vector<uint8_t>& v) -> Napi::Value {
    if (v.empty()) return env.Null();
    return Napi::Buffer<uint8_t>::Copy(env, v.data(), v.size());
  };
  for (size_t i = 0; i < list.size(); i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("family", list[i].family);
    o.Set("prefixlen", list[i].prefixlen);
    o.Set("scope", list[i].scope);
    o.Set("flags", list[i].flags);
    o.Set("local", buf(list[i].local));
    o.Set("address", buf(list[i].address));
    o.Set("broadcast", buf(list[i].broadcast));
    arr.Set(static_cast<uint32_t>(i), o);
  }
  return arr;
}

bool BytesOf(Napi::Value v, std::vector<uint8_t>* out) {
  if (v.IsNull() || v.IsUndefined()) return true;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) return false;
  Napi::Uint8Array a = v.As<Napi::Uint8Array>();
  out->assign(a.Data(), a.Data() + a.ByteLength());
  return true;
}

bool AddressesFromJs(Napi::Env env, Napi::Value v, std::vector<Address>* out) {
  if (!v.IsArray()) return ThrowType(env, "netdevMove: addresses must be an array"), false;
  Napi::Array arr = v.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Object o = arr.Get(i).As<Napi::Object>();
    Address a{};
    int32_t family, prefixlen, scope;
    int64_t flags;
    if (!ReadInt32(env, o.Get("family"), "address family", &family) || !ReadInt32(env, o.Get("prefixlen"), "address prefixlen", &prefixlen) ||
        !ReadInt32(env, o.Get("scope"), "address scope", &scope) || !ReadInt64(env, o.Get("flags"), "address flags", &flags)) {
      return false;
    }
    a.family = static_cast<uint8_t>(family);
    a.prefixlen = static_cast<uint8_t>(prefixlen);
    a.scope = static_cast<uint8_t>(scope);
    a.flags = static_cast<uint32_t>(flags);
    if (!BytesOf(o.Get("local"), &a.local) || !BytesOf(o.Get("address"), &a.address) || !BytesOf(o.Get("broadcast"), &a.broadcast)) {
      return ThrowType(env, "netdevMove: address bytes must be Uint8Arrays"), false;
    }
    out->push_back(a);
  }
  return true;
}

// A netlink socket in the namespace behind ns_fd: this thread visits it just long enough to
// create the socket, which stays bound to that namespace.
int OpenIn(int ns_fd) {
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) return -errno;
  if (setns(ns_fd, CLONE_NEWNET) < 0) {
    int err = errno;
    close(self);
    return -err;
  }
  int fd = Open();
  int err = errno;
  if (setns(self, CLONE_NEWNET) < 0) abort();  // this thread must never stay in the container
  close(self);
  return fd < 0 ? -err : fd;
}

}  // namespace

Napi::Value NetdevAddresses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!ReadString(env, info[0], "netdevAddresses: name", &name)) return env.Undefined();
  int fd = Open();
  if (fd < 0) return ThrowErrno(env, "socket", "NETLINK_ROUTE", errno);
  int index = IndexOf(fd, name);
  std::vector<Address> list;
  int r = index < 0 ? index : ListAddresses(fd, index, &list);
  close(fd);
  if (r < 0) return ThrowErrno(env, "rtnetlink", name, -r);
  return AddressesToJs(env, list);
}

Napi::Value NetdevMove(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name, new_name;
  int32_t ns_fd;
  if (!ReadString(env, info[0], "netdevMove: name", &name) || !ReadString(env, info[1], "netdevMove: newName", &new_name) ||
      !ReadInt32(env, info[2], "netdevMove: nsFd", &ns_fd)) {
    return env.Undefined();
  }
  std::vector<Address> addresses;
  if (!AddressesFromJs(env, info[3], &addresses)) return env.Undefined();

  int host = Open();
  if (host < 0) return ThrowErrno(env, "socket", "NETLINK_ROUTE", errno);
  int index = IndexOf(host, name);
  if (index < 0) {
    close(host);
    return ThrowErrno(env, "find network device", name, -index);
  }
  // Move and rename in one request: the kernel checks the name in the target namespace (and
  // fills in a "%d" template there).
  ifinfomsg link{};
  link.ifi_index = index;
  Request move(RTM_NEWLINK, NLM_F_ACK, &link, sizeof link);
  uint32_t fd32 = static_cast<uint32_t>(ns_fd);
  move.Attr(IFLA_NET_NS_FD, &fd32, sizeof fd32);
  move.Attr(IFLA_IFNAME, new_name.c_str(), new_name.size() + 1);
  int r = Talk(host, move);
  close(host);
  if (r < 0) return ThrowErrno(env, "move network device", name + " to " + new_name, -r);

  int inside = OpenIn(ns_fd);
  if (inside < 0) return ThrowErrno(env, "setns", "container network namespace", -inside);
  // The device keeps its index unless the namespace already uses it; a fixed name finds it too.
  std::string moved = NameOf(inside, index);
  if (moved.empty() || (new_name.find('%') == std::string::npos && moved != new_name)) {
    index = new_name.find('%') == std::string::npos ? IndexOf(inside, new_name) : -ENODEV;
    moved = new_name;
  }
  if (index < 0) {
    close(inside);
    return ThrowErrno(env, "find moved network device", new_name, -index);
  }
  for (const Address& a : addresses) {
    ifaddrmsg body{};
    body.ifa_family = a.family;
    body.ifa_prefixlen = a.prefixlen;
    body.ifa_scope = a.scope;
    body.ifa_index = static_cast<uint32_t>(index);
    Request add(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &body, sizeof body);
    if (!a.local.empty()) add.Attr(IFA_LOCAL, a.local.data(), a.local.size());
    if (!a.address.empty()) add.Attr(IFA_ADDRESS, a.address.data(), a.address.size());
    if (!a.broadcast.empty()) add.Attr(IFA_BROADCAST, a.broadcast.data(), a.broadcast.size());
    add.Attr(IFA_FLAGS, &a.flags, sizeof a.flags);
    r = Talk(inside, add);
    if (r < 0) {
      close(inside);
      return ThrowErrno(env, "add address to", moved, -r);
    }
  }
  ifinfomsg up{};
  up.ifi_index = index;
  up.ifi_flags = IFF_UP;
  up.ifi_change = IFF_UP;
  Request set_up(RTM_NEWLINK, NLM_F_ACK, &up, sizeof up);
  r = Talk(inside, set_up);
  close(inside);
  if (r < 0) return ThrowErrno(env, "set up", moved, -r);
  return Napi::String::New(env, moved);
}
