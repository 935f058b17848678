/**
 * The {@code stoker} command line: {@code demo}, {@code bench}, {@code list} and {@code serve}.
 * Exports nothing; run it with {@code -m dev.stoker.cli/dev.stoker.cli.StokerCli}.
 */
module dev.stoker.cli {
  requires dev.stoker.api;
  requires dev.stoker.reactor;
  requires dev.stoker.cuda;
  requires dev.stoker.remote;
  requires dev.stoker.pack;                   // packs, tar shards, s3:// and http(s):// locations (and dev.stoker.storage)
  requires com.fasterxml.jackson.databind;
  requires info.picocli;
  requires java.desktop;
  requires java.management;
  requires jdk.management;
  requires jdk.unsupported;                   // doctor: com.sun.nio.file.ExtendedOpenOption.DIRECT (O_DIRECT reads); serve: sun.misc.Signal (SIGTERM drains)
  requires jdk.httpserver;                    // --metrics-port: the /metrics endpoint
  requires micrometer.registry.prometheus;    // an automatic module, as are the prometheus-metrics-* jars it uses

  // picocli reads and sets the annotated fields of the command classes by reflection
  opens dev.stoker.cli to info.picocli;
}
