package dev.stoker.storage;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Receives the body of a range answer into an array of exactly the asked length: allocated only
 * after the answer's status and headers were checked, never grown. More bytes than asked fail the
 * read (refused); fewer fail it as transient (the body ended early).
 */
final class RangeSubscriber implements BodySubscriber<byte[]> {
  private final byte[] bytes;
  private final String what;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private int filled;

  private RangeSubscriber(int length, String what) {
    this.bytes = new byte[length];
    this.what = what;
  }

  /**
   * The subscriber for an answer to a request of {@code length} bytes from {@code offset}: one that
   * fails at once unless the answer is a 206 holding exactly those bytes, or a 200 holding a whole
   * blob of {@code length} bytes asked from offset 0.
   */
  static BodySubscriber<byte[]> forAnswer(ResponseInfo info, long offset, int length, String what) {
    int status = info.statusCode();
    OptionalLong contentLength = info.headers().firstValueAsLong("Content-Length");
    long declared = contentLength.isPresent() ? contentLength.getAsLong() : -1;
    if (status == 206) {
      String header = info.headers().firstValue("Content-Range").orElse(null);
      IOException refused = ContentRange.verify(header, declared, offset, length, what);
      return refused != null ? HttpBlobStore.failed(refused) : new RangeSubscriber(length, what);
    }
    if (status == 200) {
      if (offset == 0 && declared == length) {
        return new RangeSubscriber(length, what);
      }
      if (offset == 0 && declared >= 0 && declared < length) {
        return HttpBlobStore.failed(new java.io.EOFException(what + ": ends at byte " + declared + ", before " + length));
      }
      return HttpBlobStore.failed(new IOException(what + ": refused a whole-blob answer (HTTP 200) to a range request"
          + " for bytes " + offset + "-" + (offset + length - 1) + ": the server does not serve ranges"));
    }
    IOException failure = HttpBlobStore.statusFailure(status, what);
    return HttpBlobStore.failed(failure != null ? failure
        : new IOException(what + ": refused an answer with HTTP " + status + " to a range request"));
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      int n = buffer.remaining();
      if (n > bytes.length - filled) {
        subscription.cancel();
        result.completeExceptionally(new Retry.Decided(new IOException(what + ": refused an answer holding more than the "
            + bytes.length + " bytes asked for")));
        return;
      }
      buffer.get(bytes, filled, n);
      filled += n;
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    if (filled == bytes.length) {
      result.complete(bytes);
    } else {
      result.completeExceptionally(new Retry.TransientIOException(what + ": the body ended early, after "
          + filled + " of " + bytes.length + " bytes", null));
    }
  }

  /** A subscriber that cancels the body and fails with a decided failure. */
  static final class Failing<T> implements BodySubscriber<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();

    Failing(IOException failure) {
      result.completeExceptionally(failure);
    }

    @Override
    public CompletionStage<T> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }
}
