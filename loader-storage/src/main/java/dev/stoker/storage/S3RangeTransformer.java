package dev.stoker.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Receives a ranged GetObject's body into an array of exactly the asked length, allocated only
 * after the answer's Content-Range was checked; more bytes than asked are refused, fewer are a
 * transient failure (the body ended early). One instance serves one attempt: the store's client
 * does not retry by itself.
 */
final class S3RangeTransformer implements AsyncResponseTransformer<GetObjectResponse, byte[]> {
  private final long offset;
  private final int length;
  private final String what;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private byte[] bytes;

  S3RangeTransformer(long offset, int length, String what) {
    this.offset = offset;
    this.length = length;
    this.what = what;
  }

  @Override
  public CompletableFuture<byte[]> prepare() {
    return result;
  }

  @Override
  public void onResponse(GetObjectResponse response) {
    int status = response.sdkHttpResponse().statusCode();
    long declared = response.contentLength() == null ? -1 : response.contentLength();
    IOException refused;
    if (status == 206) {
      refused = ContentRange.verify(response.contentRange(), declared, offset, length, what);
    } else if (status == 200 && offset == 0 && declared == length) {
      refused = null;
    } else if (status == 200 && offset == 0 && declared >= 0 && declared < length) {
      refused = new EOFException(what + ": ends at byte " + declared + ", before " + length);
    } else {
      refused = new IOException(what + ": refused an answer with HTTP " + status + " to a range request for bytes "
          + offset + "-" + (offset + length - 1));
    }
    if (refused != null) {
      result.completeExceptionally(new Retry.Decided(refused));
    } else {
      bytes = new byte[length];
    }
  }

  @Override
  public void onStream(SdkPublisher<ByteBuffer> publisher) {
    publisher.subscribe(new Subscriber<ByteBuffer>() {
      private Subscription subscription;
      private int filled;

      @Override
      public void onSubscribe(Subscription s) {
        subscription = s;
        if (result.isDone() || bytes == null) {
          s.cancel();
        } else {
          s.request(Long.MAX_VALUE);
        }
      }

      @Override
      public void onNext(ByteBuffer buffer) {
        if (result.isDone()) {
          return;
        }
        int n = buffer.remaining();
        if (n > bytes.length - filled) {
          subscription.cancel();
          result.completeExceptionally(new Retry.Decided(new IOException(what
              + ": refused an answer holding more than the " + bytes.length + " bytes asked for")));
          return;
        }
        buffer.get(bytes, filled, n);
        filled += n;
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
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
    });
  }

  @Override
  public void exceptionOccurred(Throwable error) {
    result.completeExceptionally(error);
  }
}
