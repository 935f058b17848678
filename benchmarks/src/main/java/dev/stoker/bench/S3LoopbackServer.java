package dev.stoker.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible server on loopback for throughput measurements (scripts/s3-vs-local.sh): starts
 * an in-process s3proxy on {@code 127.0.0.1}, uploads every file under a local directory (a pack)
 * to {@code s3://BUCKET/PREFIX/...}, prints the endpoint and serves until it is killed.
 *
 * <p>Credentials: the server accepts the key pair in the environment's {@code AWS_ACCESS_KEY_ID}
 * and {@code AWS_SECRET_ACCESS_KEY} (AWS signature v2 or v4), the same variables the client's
 * default provider chain reads. The objects live in a blob store: {@code filesystem-nio2}
 * (default; files under {@code --basedir}, a temporary directory deleted on exit when not given),
 * jclouds' {@code filesystem} (which also lists a {@code dir/} marker key for every directory), or
 * {@code transient} / {@code transient-nio2} (in memory: the heap must hold the pack).
 *
 * <pre>
 * AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret \
 *   java -cp 'benchmarks/target/benchmarks-*.jar:benchmarks/target/lib/*' dev.stoker.bench.S3LoopbackServer \
 *   --dir /tmp/pack --bucket bench --prefix pack --port 0
 * # S3LoopbackServer: endpoint http://127.0.0.1:41234
 * # S3LoopbackServer: serving s3://bench/pack (23 objects, 61234567 bytes, backend filesystem-nio2)
 * </pre>
 */
public final class S3LoopbackServer {
  private static final List<String> BACKENDS = List.of("filesystem", "filesystem-nio2", "transient", "transient-nio2");

  private S3LoopbackServer() {}

  /**
   * Starts the server, uploads, serves until killed.
   *
   * @param args {@code --dir DIR --bucket B [--prefix P] [--port N] [--backend NAME] [--basedir DIR]}
   * @throws Exception if the server cannot start or a file cannot be uploaded
   */
  public static void main(String[] args) throws Exception {
    Path dir = null;
    String bucket = "stoker-bench";
    String prefix = "";
    int port = 0;
    String backend = "filesystem-nio2";
    Path basedir = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--dir" -> dir = Path.of(need(args[i], value));
        case "--bucket" -> bucket = need(args[i], value);
        case "--prefix" -> prefix = need(args[i], value).replaceAll("^/+|/+$", "");
        case "--port" -> port = Integer.parseInt(need(args[i], value));
        case "--backend" -> backend = need(args[i], value);
        case "--basedir" -> basedir = Path.of(need(args[i], value));
        default -> usage("unknown argument " + args[i]);
      }
      i++;
    }
    if (dir == null || !Files.isDirectory(dir)) {
      usage("--dir must name a directory" + (dir == null ? "" : ", got " + dir));
    }
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      usage("--bucket must be an S3 bucket name (3-63 lower-case letters, digits, '.' and '-'), got " + bucket);
    }
    if (!BACKENDS.contains(backend)) {
      usage("--backend must be one of " + BACKENDS + ", got " + backend);
    }
    String identity = env("AWS_ACCESS_KEY_ID");
    String secret = env("AWS_SECRET_ACCESS_KEY");

    boolean ownBasedir = basedir == null && backend.startsWith("filesystem");
    Path base = basedir != null ? Files.createDirectories(basedir)
        : ownBasedir ? Files.createTempDirectory("stoker-s3loopback") : null;
    Properties properties = new Properties();
    if (base != null) {
      properties.setProperty("jclouds.filesystem.basedir", base.toString());
    }
    BlobStoreContext context = ContextBuilder.newBuilder(backend).credentials("identity", "credential")
        .overrides(properties).build(BlobStoreContext.class);
    BlobStore store = context.getBlobStore();
    S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, identity, secret).build();
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      try {
        proxy.stop();
      } catch (Exception e) {
        System.err.println("S3LoopbackServer: stop: " + e);
      }
      context.close();
      if (ownBasedir) {
        deleteTree(base);
      }
    }));
    proxy.start();
    for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
      Thread.sleep(50);
    }
    if (!"STARTED".equals(proxy.getState())) {
      throw new IllegalStateException("s3proxy did not start: state " + proxy.getState());
    }
    System.out.println("S3LoopbackServer: endpoint http://127.0.0.1:" + proxy.getPort());

    store.createContainerInLocation(null, bucket);
    long t0 = System.nanoTime();
    long objects = 0;
    long bytes = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String relative = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
      String key = prefix.isEmpty() ? relative : prefix + "/" + relative;
      long size = Files.size(file);
      store.putBlob(bucket, store.blobBuilder(key).payload(file.toFile()).contentLength(size).build());
      objects++;
      bytes += size;
    }
    System.out.printf("S3LoopbackServer: uploaded %d objects, %d bytes in %.1f s%n", objects, bytes,
        (System.nanoTime() - t0) / 1e9);
    System.out.printf("S3LoopbackServer: serving s3://%s%s (%d objects, %d bytes, backend %s)%n", bucket,
        prefix.isEmpty() ? "" : "/" + prefix, objects, bytes, backend);
    System.out.flush();
    new CountDownLatch(1).await();   // until killed; the shutdown hook stops the server
  }

  private static String need(String option, String value) {
    if (value == null) {
      usage(option + " needs a value");
    }
    return value;
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      usage("set " + name + " (the server accepts the same key pair the client's default provider chain reads)");
    }
    return value;
  }

  private static void usage(String problem) {
    System.err.println("S3LoopbackServer: " + problem);
    System.err.println("usage: S3LoopbackServer --dir DIR [--bucket B] [--prefix P] [--port N] "
        + "[--backend filesystem-nio2|filesystem|transient-nio2|transient] [--basedir DIR]");
    System.exit(2);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("S3LoopbackServer: could not delete " + root + ": " + e.getMessage());
    }
  }
}
