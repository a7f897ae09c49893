// SPDX-License-Identifier: MIT
// One UDP socket on a libuv loop, made for a media worker: datagrams come in through
// recvmmsg (libuv's UV_UDP_RECVMMSG), and go out in batches through sendmmsg, written straight
// into the batch's slots so a forwarded packet is copied once (into its slot, where it is
// encrypted in place). A packet the kernel cannot take now is dropped and counted, as a router
// would: media is never queued behind a full socket.
#ifndef VOX_NET_UDP_H
#define VOX_NET_UDP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#define UDP_MTU   1500 // bytes of one slot; larger datagrams are refused by udp_slot users
#define UDP_BATCH 64   // slots per sendmmsg call

// One received datagram: data is valid only during the callback.
typedef void (*udp_recv_cb)(void *user, const uint8_t *data, size_t len,
                            const struct sockaddr *from);
// After a burst of datagrams (one read of the socket): the moment to flush what they caused.
typedef void (*udp_burst_cb)(void *user);

struct udp_stats {
    uint64_t rx_packets, rx_bytes, rx_errors, rx_truncated;
    uint64_t tx_packets, tx_bytes, tx_dropped; // dropped: the kernel refused it (EAGAIN, ENOBUFS)
};

struct udp {
    uv_udp_t handle;
    udp_recv_cb on_recv;
    udp_burst_cb on_burst;
    void *user;
    struct udp_stats stats;
    int port; // bound port (useful with port 0)
    int nout;
    struct mmsghdr out_msgs[UDP_BATCH];
    struct iovec out_iov[UDP_BATCH];
    struct sockaddr_storage out_addr[UDP_BATCH];
    uint8_t out_buf[UDP_BATCH][UDP_MTU];
    uint8_t *rx_buf; // recvmmsg buffer handed to libuv
    int closed;
    uv_close_cb user_close; // given to udp_close
};

// Binds ip:port (port 0 picks one) on loop and starts receiving. u must stay where it is
// until udp_close()'s callback has run. 0 or a negative libuv error.
int udp_open(struct udp *u, uv_loop_t *loop, const char *ip, int port, udp_recv_cb on_recv,
             udp_burst_cb on_burst, void *user);
// The next free send slot (UDP_MTU bytes): write the datagram there, then udp_commit(). Sends
// the batch first when it is full.
uint8_t *udp_slot(struct udp *u);
// Queues the slot udp_slot() returned, len bytes, for to.
void udp_commit(struct udp *u, size_t len, const struct sockaddr *to);
// Copies data into a slot and queues it (for packets built elsewhere: STUN, DTLS, RTCP).
void udp_send(struct udp *u, const void *data, size_t len, const struct sockaddr *to);
// Hands every queued datagram to the kernel now (sendmmsg).
void udp_flush(struct udp *u);
// Flushes, stops and closes; cb (may be NULL) runs from the loop when the handle is closed.
void udp_close(struct udp *u, uv_close_cb cb);

// Length of a sockaddr of its family (IPv4 or IPv6), 0 for others.
socklen_t udp_addr_len(const struct sockaddr *sa);

#endif
