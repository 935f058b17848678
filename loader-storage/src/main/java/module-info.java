/**
 * Byte-range reads from where datasets live: local files, HTTP(S) servers and S3-compatible object
 * stores (the AWS SDK v2 on its Netty client), behind one small interface with bounded sizes,
 * timeouts and retries.
 *
 * <p>Exported: {@code dev.stoker.storage}.
 *
 * <pre>{@code
 * module my.trainer {
 *   requires dev.stoker.storage;
 * }
 * }</pre>
 */
module dev.stoker.storage {
  requires transitive dev.stoker.api;
  requires software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.http.nio.netty;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.utils;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.identity.spi;
  requires org.reactivestreams;
  requires io.netty.transport;
  requires io.netty.common;
  // The SDK's Netty client is an automatic module, which cannot require this explicit Netty module that it
  // uses for HTTP/2: without this line it is not resolved on the module path (NoClassDefFoundError on the
  // first S3 request from the stoker launcher).
  requires io.netty.codec.http2;
  requires java.net.http;
  requires org.slf4j;

  exports dev.stoker.storage;
}
