package dev.stoker.storage;

/**
 * What a {@link BlobStore} has done since it was opened: a snapshot of its counters, for
 * measurements and reports.
 *
 * <pre>{@code
 * StoreStats stats = store.stats();
 * System.out.printf("%d requests, %d bytes, %d retries%n", stats.requests(), stats.bytes(), stats.retries());
 * }</pre>
 *
 * @param requests the requests (attempts) sent, retries included; for a local store, the reads
 * @param bytes the payload bytes read
 * @param retries the attempts that were retries of an earlier failed one
 * @param failures the calls that failed after their last attempt
 */
public record StoreStats(long requests, long bytes, long retries, long failures) {
  /** No activity. */
  public static final StoreStats NONE = new StoreStats(0, 0, 0, 0);
}
