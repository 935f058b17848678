/**
 * Data-server nodes: a {@code DataNode} decodes and augments samples for remote loaders, and a
 * {@code RemoteSource} is a loader's connection to them.
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
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.stoker.remote;
  // PlanJson reads and writes its wire record by reflection
  opens dev.stoker.remote to com.fasterxml.jackson.databind;
}
