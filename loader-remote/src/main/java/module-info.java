/**
 * Data-server nodes: a {@code DataNode} ({@code dev.stoker.remote.node}) decodes and
 * augments samples for remote loaders, and a {@code RemoteSource} ({@code dev.stoker.remote.client})
 * is a loader's connection to them. The wire protocol they share ({@code dev.stoker.remote.protocol})
 * is not exported.
 *
 * <pre>{@code
 * module my.trainer {
 *   requires dev.stoker.remote;   // reads dev.stoker.reactor and dev.stoker.api too
 * }
 * }</pre>
 */
module dev.stoker.remote {
  requires transitive dev.stoker.api;
  requires transitive dev.stoker.reactor;
  requires transitive micrometer.core;   // DataNode.start(config, MeterRegistry)
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.transport.classes.io_uring;
  requires io.netty.resolver;
  requires io.netty.resolver.dns;
  requires io.netty.codec.dns;
  requires com.github.luben.zstd_jni;
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.stoker.remote.client;
  exports dev.stoker.remote.node;
  exports dev.stoker.remote.wire;
  // PlanJson reads and writes its wire record by reflection
  opens dev.stoker.remote.protocol to com.fasterxml.jackson.databind;
}
