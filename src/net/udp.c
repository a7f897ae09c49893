// SPDX-License-Identifier: MIT
// UDP for media workers: recvmmsg through libuv, sendmmsg on the handle's descriptor (libuv
// 1.44 has no batched send). Sending never blocks: the socket is non-blocking and a full
// kernel buffer drops the datagram.
#include "net/udp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define RX_SLOTS 20 // libuv reads at most 20 datagrams per recvmmsg, each into 64 KiB
// The kernel's buffers: room to send bursts, but a receive queue short enough (about 25 ms at
// 100k packets/s) that an overloaded worker drops packets instead of forwarding audio
// seconds late and letting ICE consent checks expire behind the queue.
#define SOCK_SNDBUF (4 << 20)
#define SOCK_RCVBUF (1 << 20)

socklen_t udp_addr_len(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return sizeof(struct sockaddr_in);
    if (sa->sa_family == AF_INET6)
        return sizeof(struct sockaddr_in6);
    return 0;
}

// libuv with UV_UDP_RECVMMSG divides the buffer it is given into 64 KiB chunks, one per
// datagram, so the buffer holds RX_SLOTS of them (1.25 MiB per worker, allocated once).
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct udp *u = h->data;
    (void)suggested;
    buf->base = (char *)u->rx_buf;
    buf->len = RX_SLOTS * 65536;
}

static void on_read(uv_udp_t *h, ssize_t n, const uv_buf_t *buf, const struct sockaddr *from,
                    unsigned flags)
{
    struct udp *u = h->data;
    (void)buf;
    if (flags & UV_UDP_MMSG_FREE) { // the end of a recvmmsg burst; the buffer is ours anyway
        if (u->on_burst)
            u->on_burst(u->user);
        return;
    }
    if (n < 0) {
        u->stats.rx_errors++;
        return;
    }
    if (!from) { // nothing more to read now (n == 0), after a plain recvmsg read
        if (!(flags & UV_UDP_MMSG_CHUNK) && u->on_burst)
            u->on_burst(u->user);
        return;
    }
    if (flags & UV_UDP_PARTIAL) {
        u->stats.rx_truncated++;
        return;
    }
    u->stats.rx_packets++;
    u->stats.rx_bytes += (uint64_t)n;
    u->on_recv(u->user, (const uint8_t *)buf->base, (size_t)n, from);
}

int udp_open(struct udp *u, uv_loop_t *loop, const char *ip, int port, udp_recv_cb on_recv,
             udp_burst_cb on_burst, void *user)
{
    struct sockaddr_storage ss;
    int rc = strchr(ip, ':') ? uv_ip6_addr(ip, port, (struct sockaddr_in6 *)&ss)
                             : uv_ip4_addr(ip, port, (struct sockaddr_in *)&ss);
    if (rc)
        return rc;
    memset(u, 0, sizeof *u);
    u->on_recv = on_recv;
    u->on_burst = on_burst;
    u->user = user;
    rc = uv_udp_init_ex(loop, &u->handle, ss.ss_family | UV_UDP_RECVMMSG);
    if (rc)
        return rc;
    u->handle.data = u;
    u->rx_buf = xmalloc((size_t)RX_SLOTS * 65536);
    if ((rc = uv_udp_bind(&u->handle, (const struct sockaddr *)&ss, 0)) != 0) {
        udp_close(u, NULL);
        return rc;
    }
    int sz = SOCK_SNDBUF;
    uv_send_buffer_size((uv_handle_t *)&u->handle, &sz);
    sz = SOCK_RCVBUF;
    uv_recv_buffer_size((uv_handle_t *)&u->handle, &sz);
    struct sockaddr_storage bound;
    int blen = sizeof bound;
    uv_udp_getsockname(&u->handle, (struct sockaddr *)&bound, &blen);
    u->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                : ((struct sockaddr_in *)&bound)->sin_port);
    if ((rc = uv_udp_recv_start(&u->handle, on_alloc, on_read)) != 0) {
        udp_close(u, NULL);
        return rc;
    }
    return 0;
}

uint8_t *udp_slot(struct udp *u)
{
    if (u->nout == UDP_BATCH)
        udp_flush(u);
    return u->out_buf[u->nout];
}

void udp_commit(struct udp *u, size_t len, const struct sockaddr *to)
{
    int i = u->nout;
    socklen_t alen = udp_addr_len(to);
    if (len > UDP_MTU || alen == 0 || u->closed) {
        u->stats.tx_dropped++;
        return;
    }
    memcpy(&u->out_addr[i], to, alen);
    u->out_iov[i] = (struct iovec){.iov_base = u->out_buf[i], .iov_len = len};
    u->out_msgs[i].msg_hdr = (struct msghdr){.msg_name = &u->out_addr[i],
                                             .msg_namelen = alen,
                                             .msg_iov = &u->out_iov[i],
                                             .msg_iovlen = 1};
    u->nout++;
}

void udp_send(struct udp *u, const void *data, size_t len, const struct sockaddr *to)
{
    if (len > UDP_MTU) {
        u->stats.tx_dropped++;
        return;
    }
    memcpy(udp_slot(u), data, len);
    udp_commit(u, len, to);
}

void udp_flush(struct udp *u)
{
    uv_os_fd_t fd;
    int off = 0;
    if (u->nout == 0)
        return;
    if (u->closed || uv_fileno((uv_handle_t *)&u->handle, &fd) != 0) {
        u->stats.tx_dropped += (uint64_t)u->nout;
        u->nout = 0;
        return;
    }
    while (off < u->nout) {
        int n = sendmmsg(fd, u->out_msgs + off, (unsigned)(u->nout - off), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            // EAGAIN/ENOBUFS: the kernel is full; an unreachable address (EHOSTUNREACH,
            // ECONNREFUSED from an ICMP error) or another error fails only the first one.
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                u->stats.tx_dropped += (uint64_t)(u->nout - off);
                break;
            }
            u->stats.tx_dropped++;
            off++;
            continue;
        }
        for (int i = off; i < off + n; i++) {
            u->stats.tx_packets++;
            u->stats.tx_bytes += u->out_iov[i].iov_len;
        }
        off += n;
    }
    u->nout = 0;
}

static void on_closed(uv_handle_t *h)
{
    struct udp *u = h->data;
    free(u->rx_buf);
    u->rx_buf = NULL;
    if (u->user_close)
        u->user_close(h);
}

void udp_close(struct udp *u, uv_close_cb cb)
{
    if (u->closed)
        return;
    udp_flush(u);
    u->closed = 1;
    u->user_close = cb;
    uv_udp_recv_stop(&u->handle);
    uv_close((uv_handle_t *)&u->handle, on_closed);
}
