/*
 * Host unit tests for neutrino/sched/timerq.c: FIFO order among equal
 * deadlines, expiry, removal of arbitrary nodes, and 10,000 random
 * insert/remove/pop operations checked against a sorted-array model, with
 * the heap shape verified as it goes.
 */
#include "hosttest.h"
#include <sched/timerq.h>

#define NNODES 512

static struct timerq q;
static struct timerq_node nodes[NNODES];

static int idx(const struct timerq_node *n)
{
	return n ? (int)(n - nodes) : -1;
}

static void reset(void)
{
	tq_init(&q);
	for (int i = 0; i < NNODES; i++)
		tq_node_init(&nodes[i]);
}

static bool before(const struct timerq_node *a, const struct timerq_node *b)
{
	return a->deadline != b->deadline ? a->deadline < b->deadline : a->seq < b->seq;
}

/* Walks the whole heap without recursion: links consistent, every child
 * after its parent, node count equal to tq_count. */
static void check_shape(void)
{
	static struct timerq_node *stack[NNODES];
	int sp = 0;
	unsigned seen = 0;

	if (!q.root) {
		CHECK_EQ(tq_count(&q), 0);
		return;
	}
	CHECK(q.root->prev == NULL && q.root->next == NULL);
	stack[sp++] = q.root;
	while (sp) {
		struct timerq_node *n = stack[--sp], *c, *prev = n;

		seen++;
		CHECK(n->queued);
		for (c = n->child; c; prev = c, c = c->next) {
			CHECK(c->prev == prev);
			CHECK(before(n, c));
			if (sp == NNODES) {
				CHECK(!"heap holds more nodes than exist");
				return;
			}
			stack[sp++] = c;
		}
	}
	CHECK_EQ(seen, tq_count(&q));
}

static void test_fifo_equal(void)
{
	reset();
	for (int i = 0; i < 100; i++)
		tq_insert(&q, &nodes[i], 1000);
	CHECK_EQ(tq_count(&q), 100);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(idx(tq_pop_expired(&q, 1000)), i);
	CHECK(tq_pop_expired(&q, UINT64_MAX) == NULL);

	/* mixed deadlines: sorted by deadline, insertion order within each */
	reset();
	int order[3][NNODES], len[3] = {0, 0, 0};
	for (int i = 0; i < 300; i++) {
		int d = (int)ht_below(3);

		tq_insert(&q, &nodes[i], (uint64_t)d + 5);
		order[d][len[d]++] = i;
	}
	check_shape();
	for (int d = 0; d < 3; d++)
		for (int i = 0; i < len[d]; i++)
			CHECK_EQ(idx(tq_pop_expired(&q, 100)), order[d][i]);
	CHECK_EQ(tq_count(&q), 0);

	/* a requeued node goes behind the others with its deadline */
	reset();
	tq_insert(&q, &nodes[0], 7);
	tq_insert(&q, &nodes[1], 7);
	tq_insert(&q, &nodes[0], 7);
	CHECK_EQ(tq_count(&q), 2);
	CHECK_EQ(idx(tq_pop_expired(&q, 7)), 1);
	CHECK_EQ(idx(tq_pop_expired(&q, 7)), 0);
}

static void test_expiry(void)
{
	reset();
	CHECK(tq_peek(&q) == NULL);
	CHECK(tq_pop_expired(&q, UINT64_MAX) == NULL);
	tq_insert(&q, &nodes[0], 50);
	tq_insert(&q, &nodes[1], 20);
	tq_insert(&q, &nodes[2], UINT64_MAX);
	tq_insert(&q, &nodes[3], 0);
	CHECK_EQ(idx(tq_peek(&q)), 3);
	CHECK_EQ(idx(tq_pop_expired(&q, 0)), 3);
	CHECK(tq_pop_expired(&q, 19) == NULL);      /* not yet due */
	CHECK_EQ(idx(tq_peek(&q)), 1);
	CHECK_EQ(idx(tq_pop_expired(&q, 20)), 1);   /* due exactly now */
	CHECK(tq_pop_expired(&q, 20) == NULL);
	CHECK_EQ(idx(tq_pop_expired(&q, 1000)), 0);
	CHECK(tq_pop_expired(&q, UINT64_MAX - 1) == NULL);
	CHECK_EQ(idx(tq_pop_expired(&q, UINT64_MAX)), 2);
	CHECK(!tq_is_queued(&nodes[2]));
	CHECK_EQ(tq_count(&q), 0);
}

static void test_remove(void)
{
	int perm[NNODES];

	reset();
	CHECK(!tq_remove(&q, &nodes[0]));           /* never queued */
	for (int i = 0; i < NNODES; i++) {
		tq_insert(&q, &nodes[i], ht_below(64));
		perm[i] = i;
	}
	tq_pop_expired(&q, UINT64_MAX);             /* give the heap depth */
	tq_insert(&q, &nodes[5], 0);            /* requeue at the front */
	for (int i = NNODES - 1; i > 0; i--) {
		int j = (int)ht_below((uint64_t)i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (int i = 0; i < NNODES; i++) {
		bool was = tq_is_queued(&nodes[perm[i]]);

		CHECK_EQ(tq_remove(&q, &nodes[perm[i]]), was);
		CHECK(!tq_is_queued(&nodes[perm[i]]));
		if (i % 37 == 0)
			check_shape();
		HT_BAIL_IF_FAILED();
	}
	CHECK_EQ(tq_count(&q), 0);
	CHECK(tq_peek(&q) == NULL);
}

/* Sorted-array model of (deadline, insertion number, node). */
struct ment {
	uint64_t deadline, order;
	int id;
};
static struct ment model[NNODES];
static int model_n;
static uint64_t model_order;

static int model_find(int id)
{
	for (int i = 0; i < model_n; i++)
		if (model[i].id == id)
			return i;
	return -1;
}

static void model_del(int i)
{
	memmove(&model[i], &model[i + 1], (model_n - i - 1) * sizeof(model[0]));
	model_n--;
}

static void model_ins(int id, uint64_t deadline)
{
	int i = model_find(id);

	if (i >= 0)
		model_del(i);
	for (i = model_n; i > 0 && model[i - 1].deadline > deadline; i--)
		model[i] = model[i - 1];
	model[i] = (struct ment){deadline, model_order++, id};
	model_n++;
}

static uint64_t rand_deadline(void)
{
	switch (ht_below(4)) {
	case 0:
		return ht_rand();             /* anywhere */
	case 1:
		return UINT64_MAX - ht_below(3);
	default:
		return 1000 + ht_below(40);   /* many ties */
	}
}

static void test_model(void)
{
	reset();
	model_n = 0;
	model_order = 0;
	for (int op = 0; op < 10000; op++) {
		int id = (int)ht_below(NNODES), i;

		switch (ht_below(8)) {
		case 0:
		case 1:
		case 2: {
			uint64_t d = rand_deadline();

			tq_insert(&q, &nodes[id], d);
			model_ins(id, d);
			CHECK_EQ(nodes[id].deadline, d);
			break;
		}
		case 3:
		case 4:
			i = model_find(id);
			CHECK_EQ(tq_remove(&q, &nodes[id]), i >= 0);
			if (i >= 0)
				model_del(i);
			break;
		case 5:
		case 6: {
			uint64_t now = model_n && ht_below(2) ? model[ht_below(model_n)].deadline
							     : rand_deadline();
			struct timerq_node *n;

			/* expire everything due at now, in order */
			while ((n = tq_pop_expired(&q, now)) != NULL) {
				CHECK(model_n > 0 && model[0].deadline <= now);
				CHECK_EQ(idx(n), model_n ? model[0].id : -1);
				CHECK(!tq_is_queued(n));
				if (!model_n)
					break;
				model_del(0);
				HT_BAIL_IF_FAILED();
			}
			CHECK(model_n == 0 || model[0].deadline > now);
			break;
		}
		case 7:
			break;   /* peek only */
		}
		CHECK_EQ(tq_count(&q), model_n);
		CHECK_EQ(idx(tq_peek(&q)), model_n ? model[0].id : -1);
		if (op % 50 == 0) {
			check_shape();
			for (int k = 0; k < NNODES; k++)
				CHECK_EQ(tq_is_queued(&nodes[k]), model_find(k) >= 0);
		}
		HT_BAIL_IF_FAILED();
	}
	/* drain: the full order must match */
	for (int k = 0; model_n; k++) {
		CHECK_EQ(idx(tq_pop_expired(&q, UINT64_MAX)), model[0].id);
		model_del(0);
		HT_BAIL_IF_FAILED();
	}
	CHECK(tq_peek(&q) == NULL);
}

static const struct ht_case cases[] = {
	{"fifo_equal", test_fifo_equal},
	{"expiry", test_expiry},
	{"remove", test_remove},
	{"model", test_model},
};

int main(int argc, char **argv)
{
	return ht_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
