/** First free byte after static data: the host lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}
