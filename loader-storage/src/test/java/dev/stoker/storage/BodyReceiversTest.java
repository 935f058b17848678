package dev.stoker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** The body receivers of both stores, fed directly: exact bodies pass, short ones are transient, long ones refused. */
class BodyReceiversTest {
  private static ResponseInfo info(int status, Map<String, List<String>> headers) {
    return new ResponseInfo() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public HttpHeaders headers() {
        return HttpHeaders.of(headers, (a, b) -> true);
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }

  private static Throwable httpFailure(int bodyBytes) {
    BodySubscriber<byte[]> subscriber = RangeSubscriber.forAnswer(
        info(206, Map.of("Content-Range", List.of("bytes 10-19/100"))), 10, 10, "s: k");
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    subscriber.onNext(List.of(ByteBuffer.allocate(bodyBytes)));
    subscriber.onComplete();
    return subscriber.getBody().toCompletableFuture().handle((v, t) -> t).join();
  }

  @Test
  void httpRange_shortBody_failsAsTransient() {
    assertThat(httpFailure(10)).isNull();
    assertThat(httpFailure(9)).isInstanceOf(Retry.TransientIOException.class).hasMessageContaining("ended early, after 9 of 10");
    assertThat(httpFailure(11)).isInstanceOf(Retry.Decided.class).hasMessageContaining("more than the 10 bytes");
  }

  private static Throwable s3Failure(int bodyBytes) {
    S3RangeTransformer transformer = new S3RangeTransformer(10, 10, "s: k");
    CompletableFuture<byte[]> result = transformer.prepare();
    transformer.onResponse((GetObjectResponse) GetObjectResponse.builder().contentRange("bytes 10-19/100")
        .contentLength(10L).sdkHttpResponse(SdkHttpResponse.builder().statusCode(206).build()).build());
    Publisher<ByteBuffer> body = subscriber -> subscriber.onSubscribe(new Subscription() {
      private boolean sent;

      @Override
      public void request(long n) {
        if (!sent) {
          sent = true;
          subscriber.onNext(ByteBuffer.allocate(bodyBytes));
          subscriber.onComplete();
        }
      }

      @Override
      public void cancel() {}
    });
    transformer.onStream(SdkPublisher.adapt(body));
    return result.handle((v, t) -> t).join();
  }

  @Test
  void s3Range_shortBody_failsAsTransient() {
    assertThat(s3Failure(10)).isNull();
    assertThat(s3Failure(9)).isInstanceOf(Retry.TransientIOException.class).hasMessageContaining("ended early, after 9 of 10");
    assertThat(s3Failure(11)).isInstanceOf(Retry.Decided.class).hasMessageContaining("more than the 10 bytes");
  }
}
