/*
 * Host unit tests for neutrino/sched/readyq.c: ordering, head and tail
 * insertion, removal anywhere, the bitmap across all 256 priorities, and a
 * randomized comparison against a naive model.
 */
#include "hosttest.h"
#include <sched/readyq.h>

#define NNODES 300

static struct readyq q;
static struct rq_node nodes[NNODES];

static int idx(const struct rq_node *n)
{
	return n ? (int)(n - nodes) : -1;
}

static void reset(void)
{
	rq_init(&q);
	for (int i = 0; i < NNODES; i++)
		rq_node_init(&nodes[i]);
}

/* Walks the list at prio forwards and backwards and compares it with want. */
static void check_list(uint8_t prio, const int *want, int n)
{
	struct rq_node *p = rq_peek(&q, prio), *last = NULL;
	int i = 0;

	for (; p && i < n; p = p->next, i++) {
		CHECK_EQ(idx(p), want[i]);
		CHECK_EQ(p->prio, prio);
		CHECK(p->queued);
		CHECK(p->prev == last);
		last = p;
	}
	CHECK(p == NULL);
	CHECK_EQ(i, n);
	CHECK(q.list[prio].last == last);
	CHECK_EQ(rq_empty_at(&q, prio), n == 0);
}

static void test_order(void)
{
	reset();
	CHECK_EQ(rq_highest(&q), -1);
	CHECK(rq_pop_highest(&q) == NULL);
	CHECK_EQ(rq_count(&q), 0);

	rq_insert_tail(&q, &nodes[0], 10);
	rq_insert_tail(&q, &nodes[1], 10);
	rq_insert_tail(&q, &nodes[2], 200);
	rq_insert_tail(&q, &nodes[3], 10);
	rq_insert_tail(&q, &nodes[4], 0);
	rq_insert_tail(&q, &nodes[5], 255);
	CHECK_EQ(rq_count(&q), 6);
	CHECK_EQ(rq_highest(&q), 255);

	static const int want[] = {5, 2, 0, 1, 3, 4};
	for (unsigned i = 0; i < 6; i++) {
		struct rq_node *n = rq_pop_highest(&q);

		CHECK_EQ(idx(n), want[i]);
		CHECK(n && !rq_node_queued(n) && !n->next && !n->prev);
		CHECK_EQ(rq_count(&q), 5 - i);
	}
	CHECK_EQ(rq_highest(&q), -1);
	CHECK(rq_pop_highest(&q) == NULL);
}

static void test_head_tail(void)
{
	reset();
	rq_insert_tail(&q, &nodes[0], 50);
	rq_insert_tail(&q, &nodes[1], 50);
	rq_insert_head(&q, &nodes[2], 50);   /* preempted: back to the front */
	rq_insert_tail(&q, &nodes[3], 50);
	rq_insert_head(&q, &nodes[4], 50);
	check_list(50, (const int[]){4, 2, 0, 1, 3}, 5);

	reset();
	rq_insert_head(&q, &nodes[7], 9);    /* head insert into an empty list */
	check_list(9, (const int[]){7}, 1);
	CHECK_EQ(rq_highest(&q), 9);
	rq_insert_tail(&q, &nodes[8], 9);
	check_list(9, (const int[]){7, 8}, 2);
}

static void test_remove_middle(void)
{
	reset();
	for (int i = 0; i < 5; i++)
		rq_insert_tail(&q, &nodes[i], 77);
	rq_insert_tail(&q, &nodes[10], 3);

	rq_remove(&q, &nodes[2]);           /* middle */
	check_list(77, (const int[]){0, 1, 3, 4}, 4);
	CHECK(!rq_node_queued(&nodes[2]));
	rq_remove(&q, &nodes[2]);           /* not queued: no effect */
	CHECK_EQ(rq_count(&q), 5);
	rq_remove(&q, &nodes[0]);           /* first */
	check_list(77, (const int[]){1, 3, 4}, 3);
	rq_remove(&q, &nodes[4]);           /* last */
	check_list(77, (const int[]){1, 3}, 2);
	rq_remove(&q, &nodes[1]);
	rq_remove(&q, &nodes[3]);           /* list empties: bit clears */
	check_list(77, NULL, 0);
	CHECK_EQ(rq_highest(&q), 3);
	CHECK_EQ(rq_count(&q), 1);
	rq_remove(&q, &nodes[10]);
	CHECK_EQ(rq_highest(&q), -1);
	CHECK_EQ(q.summary, 0);
	for (int w = 0; w < RQ_NWORDS; w++)
		CHECK_EQ(q.map[w], 0);
}

static void test_requeue(void)
{
	reset();
	rq_insert_tail(&q, &nodes[0], 100);
	rq_insert_tail(&q, &nodes[1], 100);
	rq_insert_tail(&q, &nodes[0], 100);  /* queued: moves to the tail */
	check_list(100, (const int[]){1, 0}, 2);
	CHECK_EQ(rq_count(&q), 2);
	rq_insert_head(&q, &nodes[1], 20);   /* priority change */
	check_list(100, (const int[]){0}, 1);
	check_list(20, (const int[]){1}, 1);
	CHECK_EQ(rq_count(&q), 2);
	rq_insert_tail(&q, &nodes[0], 20);
	check_list(100, NULL, 0);
	check_list(20, (const int[]){1, 0}, 2);
	CHECK_EQ(rq_highest(&q), 20);
}

/* Every priority alone, all together, and random pairs. */
static void test_bitmap(void)
{
	for (int p = 0; p < RQ_NPRIO; p++) {
		reset();
		rq_insert_tail(&q, &nodes[0], (uint8_t)p);
		CHECK_EQ(rq_highest(&q), p);
		for (int r = 0; r < RQ_NPRIO; r++)
			CHECK_EQ(rq_empty_at(&q, (uint8_t)r), r != p);
		CHECK_EQ(q.summary, 1u << (p / 64));
		CHECK(rq_pop_highest(&q) == &nodes[0]);
		CHECK_EQ(rq_highest(&q), -1);
		CHECK_EQ(q.summary, 0);
	}

	reset();
	for (int p = 0; p < RQ_NPRIO; p++)
		rq_insert_tail(&q, &nodes[p], (uint8_t)((p * 37) % RQ_NPRIO));
	CHECK_EQ(rq_count(&q), RQ_NPRIO);
	CHECK_EQ(q.summary, 0xf);
	for (int p = RQ_NPRIO - 1; p >= 0; p--) {
		struct rq_node *n = rq_pop_highest(&q);

		CHECK(n != NULL);
		CHECK_EQ(n ? n->prio : -1, p);
		CHECK_EQ(rq_highest(&q), p - 1);
	}

	for (int i = 0; i < 5000; i++) {
		uint8_t a = (uint8_t)ht_below(256), b = (uint8_t)ht_below(256);

		reset();
		rq_insert_tail(&q, &nodes[0], a);
		rq_insert_tail(&q, &nodes[1], b);
		CHECK_EQ(rq_highest(&q), a > b ? a : b);
		rq_remove(&q, &nodes[a > b ? 0 : 1]);
		CHECK_EQ(rq_highest(&q), a > b ? b : a);
		HT_BAIL_IF_FAILED();
	}
}

/* Naive model: an ordered array of node indices per priority. */
static int model[RQ_NPRIO][NNODES], model_len[RQ_NPRIO], model_prio[NNODES];

static void model_remove(int id)
{
	int p = model_prio[id], i;

	if (p < 0)
		return;
	for (i = 0; model[p][i] != id; i++)
		;
	memmove(&model[p][i], &model[p][i + 1], (model_len[p] - i - 1) * sizeof(int));
	model_len[p]--;
	model_prio[id] = -1;
}

static void model_insert(int id, int p, bool head)
{
	model_remove(id);
	if (head) {
		memmove(&model[p][1], &model[p][0], model_len[p] * sizeof(int));
		model[p][0] = id;
	} else {
		model[p][model_len[p]] = id;
	}
	model_len[p]++;
	model_prio[id] = p;
}

static int model_highest(void)
{
	for (int p = RQ_NPRIO - 1; p >= 0; p--)
		if (model_len[p])
			return p;
	return -1;
}

static void test_model(void)
{
	int total = 0;

	reset();
	memset(model_len, 0, sizeof(model_len));
	for (int i = 0; i < NNODES; i++)
		model_prio[i] = -1;

	for (int op = 0; op < 200000; op++) {
		int id = (int)ht_below(NNODES);
		/* few priorities most of the time, so that lists get long */
		uint8_t p = (uint8_t)(ht_below(4) ? 60 + ht_below(8) : ht_below(256));
		int touched = -1;

		switch (ht_below(6)) {
		case 0:
		case 1:
			touched = model_prio[id];
			rq_insert_tail(&q, &nodes[id], p);
			model_insert(id, p, false);
			break;
		case 2:
			touched = model_prio[id];
			rq_insert_head(&q, &nodes[id], p);
			model_insert(id, p, true);
			break;
		case 3:
		case 4: {
			touched = model_prio[id];
			rq_remove(&q, &nodes[id]);
			model_remove(id);
			break;
		}
		case 5: {
			int h = model_highest();
			struct rq_node *n = rq_pop_highest(&q);

			if (h < 0) {
				CHECK(n == NULL);
			} else {
				CHECK_EQ(idx(n), model[h][0]);
				model_remove(model[h][0]);
			}
			touched = h;
			break;
		}
		}
		total = 0;
		for (int r = 0; r < RQ_NPRIO; r++)
			total += model_len[r];
		CHECK_EQ(rq_count(&q), total);
		CHECK_EQ(rq_highest(&q), model_highest());
		if (touched >= 0)
			check_list((uint8_t)touched, model[touched], model_len[touched]);
		check_list(p, model[p], model_len[p]);
		if (op % 1000 == 0)
			for (int r = 0; r < RQ_NPRIO; r++)
				check_list((uint8_t)r, model[r], model_len[r]);
		HT_BAIL_IF_FAILED();
	}
	for (int i = 0; i < NNODES; i++)
		CHECK_EQ(rq_node_queued(&nodes[i]), model_prio[i] >= 0);
}

static const struct ht_case cases[] = {
	{"order", test_order},
	{"head_tail", test_head_tail},
	{"remove_middle", test_remove_middle},
	{"requeue", test_requeue},
	{"bitmap", test_bitmap},
	{"model", test_model},
};

int main(int argc, char **argv)
{
	return ht_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
