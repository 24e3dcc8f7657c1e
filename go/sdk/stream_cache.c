// The stream slots a shared-filter config keeps for its next streams
// (memory.h): a stack under a mutex, linked through the slots themselves, so
// it never allocates after dm_stream_cache_new.

#include <stdlib.h>

#include "memory.h"

dm_stream_cache* dm_stream_cache_new(void) {
  dm_stream_cache* cache = calloc(1, sizeof *cache);
  if (cache != NULL && pthread_mutex_init(&cache->lock, NULL) != 0) {
    free(cache);
    return NULL;
  }
  return cache;
}

dm_slot* dm_stream_cache_pop(dm_stream_cache* cache) {
  pthread_mutex_lock(&cache->lock);
  dm_slot* slot = cache->head;
  if (slot != NULL) cache->head = slot->next;
  pthread_mutex_unlock(&cache->lock);
  if (slot != NULL) {
    slot->next = NULL;
    slot->reused = 1;
  }
  return slot;
}

void dm_stream_cache_push(dm_stream_cache* cache, dm_slot* slot) {
  pthread_mutex_lock(&cache->lock);
  slot->next = cache->head;
  cache->head = slot;
  pthread_mutex_unlock(&cache->lock);
}

dm_slot* dm_stream_cache_take_all(dm_stream_cache* cache) {
  pthread_mutex_lock(&cache->lock);
  dm_slot* all = cache->head;
  cache->head = NULL;
  pthread_mutex_unlock(&cache->lock);
  return all;
}

void dm_stream_cache_free(dm_stream_cache* cache) {
  if (cache == NULL) return;
  pthread_mutex_destroy(&cache->lock);
  free(cache);
}
