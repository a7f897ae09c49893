// SPDX-License-Identifier: MIT
// The mailbox: messages from several threads all arrive, each thread's in order, on the
// owner's loop; messages posted after close are dropped, not leaked. Run under TSan too
// (scripts/tsan.sh).
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>

#include "core/mem.h"
#include "net/mailbox.h"

#define THREADS 3
#define PER     20000

struct num_msg {
    struct mailbox_msg h;
    int from, seq;
};

struct fx {
    uv_loop_t loop;
    struct mailbox *mb;
    int got, last[THREADS], out_of_order;
    uv_timer_t guard;
};

static void on_msg(void *user, struct mailbox_msg *m)
{
    struct fx *f = user;
    struct num_msg *n = (struct num_msg *)m;
    if (n->seq != f->last[n->from] + 1)
        f->out_of_order++;
    f->last[n->from] = n->seq;
    free(n);
    if (++f->got == THREADS * PER) {
        mailbox_close(f->mb);
        uv_close((uv_handle_t *)&f->guard, NULL);
    }
}

struct poster {
    struct mailbox *mb;
    int id;
};

static void *post_all(void *arg)
{
    struct poster *p = arg;
    for (int i = 1; i <= PER; i++) {
        struct num_msg *n = xcalloc(1, sizeof *n);
        n->from = p->id;
        n->seq = i;
        mailbox_post(p->mb, &n->h);
    }
    return NULL;
}

static void on_guard(uv_timer_t *t)
{
    struct fx *f = t->data;
    fail_msg("only %d of %d messages arrived within 20 s", f->got, THREADS * PER);
}

static void test_many_threads_in_order(void **state)
{
    (void)state;
    struct fx f = {0};
    uv_loop_init(&f.loop);
    f.mb = mailbox_new(&f.loop, on_msg, &f);
    uv_timer_init(&f.loop, &f.guard);
    f.guard.data = &f;
    uv_timer_start(&f.guard, on_guard, 20000, 0);
    pthread_t th[THREADS];
    struct poster p[THREADS];
    for (int i = 0; i < THREADS; i++) {
        p[i] = (struct poster){f.mb, i};
        pthread_create(&th[i], NULL, post_all, &p[i]);
    }
    uv_run(&f.loop, UV_RUN_DEFAULT);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(f.got, THREADS * PER);
    assert_int_equal(f.out_of_order, 0);
    assert_int_equal(uv_loop_close(&f.loop), 0);
}

static int dropped;

static void count_drop(struct mailbox_msg *m)
{
    dropped++;
    free(m);
}

static void never(void *user, struct mailbox_msg *m)
{
    (void)user;
    (void)m;
    fail_msg("a message posted after close was handled");
}

static void test_post_after_close_is_dropped(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct mailbox *mb = mailbox_new(&loop, never, NULL);
    mailbox_close(mb);
    struct mailbox_msg *m = xcalloc(1, sizeof *m);
    m->drop = count_drop;
    dropped = 0;
    mailbox_post(mb, m); // the mailbox is still allocated until its close callback runs
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(dropped, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_threads_in_order),
        cmocka_unit_test(test_post_after_close_is_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
