package dev.stoker.storage;

import java.util.concurrent.atomic.LongAdder;

/** A store's live counters, snapshot as {@link StoreStats}. */
final class Counters {
  private final LongAdder requests = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder failures = new LongAdder();

  void request() {
    requests.increment();
  }

  void bytes(long count) {
    bytes.add(count);
  }

  void retry() {
    retries.increment();
  }

  void failure() {
    failures.increment();
  }

  StoreStats snapshot() {
    return new StoreStats(requests.sum(), bytes.sum(), retries.sum(), failures.sum());
  }
}
