/**
 * Sets `key` in a map kept to `max` entries, the oldest dropped first (a Map iterates in insertion order): the
 * one shape of every in-process memo (renders, stems, query vectors, search results). Returns the value.
 */
export function keep<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  map.set(key, value)
  if (map.size > max) map.delete(map.keys().next().value!)
  return value
}
