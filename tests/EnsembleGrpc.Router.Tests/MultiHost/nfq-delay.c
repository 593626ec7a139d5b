/*
 * nfq-delay QUEUE DELAY_MS: holds every packet that netfilter puts on NFQUEUE number QUEUE for DELAY_MS milliseconds,
 * then accepts it, in arrival order (the delay is the same for all, so first in is first due). It stands in for
 * `tc netem delay` on kernels built without sch_netem; the multi-host fault test compiles it with gcc and starts it in
 * the faulty host's network namespace, behind `iptables -A OUTPUT -o eth0 -j NFQUEUE --queue-num QUEUE`.
 *
 * Prints "ready" once the queue is bound (packets queued before that would be dropped, so the rule goes in after), and
 * on SIGTERM lets what it still holds out when due, then prints one summary line:
 *   held N packets, mean hold X ms, max hold Y ms, max queued Q, overflow O
 * Only packet ids travel (NFQNL_COPY_META): the packets stay in the kernel while held.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnfnetlink/libnfnetlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif

#define CAPACITY 65536 /* packets held at once; 50 ms of this test's traffic is a few hundred */

struct held { uint32_t id; int64_t due_ns; int64_t arrived_ns; };

static struct held ring[CAPACITY];
static size_t head, count;
static int64_t delay_ns;
static struct nfq_q_handle *queue;
static volatile sig_atomic_t stopping;
static uint64_t released, overflow;
static size_t max_queued;
static int64_t total_hold_ns, max_hold_ns;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void accept_packet(uint32_t id, int64_t arrived_ns)
{
    int64_t hold = now_ns() - arrived_ns;
    nfq_set_verdict(queue, id, NF_ACCEPT, 0, NULL);
    released++;
    total_hold_ns += hold;
    if (hold > max_hold_ns) max_hold_ns = hold;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *data, void *unused)
{
    (void)qh; (void)msg; (void)unused;
    struct nfqnl_msg_packet_hdr *hdr = nfq_get_msg_packet_hdr(data);
    if (hdr == NULL) return 0;
    uint32_t id = ntohl(hdr->packet_id);
    int64_t now = now_ns();
    if (count == CAPACITY) {
        /* Never reached at this test's rates; counted and reported rather than dropped silently. */
        overflow++;
        accept_packet(id, now);
        return 0;
    }
    ring[(head + count) % CAPACITY] = (struct held){ id, now + delay_ns, now };
    if (++count > max_queued) max_queued = count;
    return 0;
}

static void release_due(int all)
{
    int64_t now = now_ns();
    while (count > 0 && (all || ring[head].due_ns <= now)) {
        accept_packet(ring[head].id, ring[head].arrived_ns);
        head = (head + 1) % CAPACITY;
        count--;
    }
}

static void on_signal(int sig) { (void)sig; stopping = 1; }

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s QUEUE DELAY_MS\n", argv[0]);
        return 2;
    }
    int queue_num = atoi(argv[1]);
    delay_ns = (int64_t)atoi(argv[2]) * 1000000;

    struct nfq_handle *h = nfq_open();
    if (h == NULL) { perror("nfq_open"); return 1; }
    queue = nfq_create_queue(h, (uint16_t)queue_num, on_packet, NULL);
    if (queue == NULL) { perror("nfq_create_queue"); return 1; }
    if (nfq_set_mode(queue, NFQNL_COPY_META, 0) < 0) { perror("nfq_set_mode"); return 1; }
    nfq_set_queue_maxlen(queue, CAPACITY);

    int fd = nfq_fd(h);
    /* A burst must not overflow the socket: the kernel would drop what it cannot deliver. */
    nfnl_rcvbufsiz(nfq_nfnlh(h), 8 << 20);
    int one = 1;
    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);

    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* The signals are let in only inside ppoll, so that one never lands between the check and the wait. */
    sigset_t blocked, during_wait;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigprocmask(SIG_BLOCK, &blocked, &during_wait);

    printf("ready queue %d delay %d ms\n", queue_num, atoi(argv[2]));
    fflush(stdout);

    char buf[4096];
    /* On SIGTERM (after the test has removed its rule) it keeps going until what it holds has had its full delay,
       at most one delay more, so that no packet is let through early and the summary's holds are true. */
    int64_t drain_until = 0;
    for (;;) {
        if (stopping && drain_until == 0) drain_until = now_ns() + delay_ns;
        if (drain_until != 0 && (count == 0 || now_ns() >= drain_until)) break;
        struct timespec wait = { 1, 0 }, *timeout = &wait;
        if (count > 0) {
            int64_t left = ring[head].due_ns - now_ns();
            if (left < 0) left = 0;
            wait = (struct timespec){ left / 1000000000, left % 1000000000 };
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int ready = ppoll(&p, 1, timeout, &during_wait);
        if (ready > 0) {
            ssize_t n;
            while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
                nfq_handle_packet(h, buf, (int)n);
            }
        } else if (ready < 0 && errno != EINTR) {
            perror("ppoll");
            break;
        }
        release_due(0);
    }

    release_due(1);
    printf("held %llu packets, mean hold %.1f ms, max hold %.1f ms, max queued %zu, overflow %llu\n",
           (unsigned long long)released, released ? total_hold_ns / 1e6 / released : 0.0, max_hold_ns / 1e6,
           max_queued, (unsigned long long)overflow);
    fflush(stdout);
    nfq_destroy_queue(queue);
    nfq_close(h);
    return 0;
}
