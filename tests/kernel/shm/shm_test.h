/*
 * What t_shm and its helper program shm_helper share: the layout of the
 * first page of the objects they both map.
 */
#pragma once
#include <pthread.h>
#include <stdint.h>

#define SHM_MAGIC 0x5348u /* "SH" */

struct shm_area {
	volatile uint32_t counter;    /* shm_helper "touch" adds 1 */
	volatile uint32_t flag;       /* shm_helper "mutex" sets it holding the mutex */
	pthread_mutex_t mutex;        /* PTHREAD_PROCESS_SHARED */
	char text[64];                /* shm_helper "touch" writes "spawned <pid>" */
};
