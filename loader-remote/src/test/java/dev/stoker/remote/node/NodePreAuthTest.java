package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Failed;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Protocol;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node over loopback under a pre-authentication attack: many sockets that never send HELLO,
 * announce huge frames and trickle bytes, or hold handshake places without a word. The node's own
 * connection memory is measured with a pooled allocator of its own (its arenas' used direct
 * memory, sampled every 2 ms) and the heap with the JVM's memory bean after a collection.
 *
 * <p>Stated bound: while 32 such sockets each try to push 4 MiB of one frame and 16 more trickle a
 * frame under the handshake limit, the node's connection buffers stay under 8 MiB (before the
 * limits, each announced frame up to the 64 MiB sample limit was buffered: 128 MiB here), its heap
 * grows by under 64 MiB, and an honest client that completed its handshake first is served every
 * sample.
 */
class NodePreAuthTest {
  private static final long DIRECT_BOUND = 8L << 20;
  private static final long HEAP_BOUND = 64L << 20;
  private static final String PLAN = NodeHandlerTest.PLAN;

  @TempDir
  static Path root;
  static SampleSource source;

  private final CountingAllocator pixels = new CountingAllocator();
  /** The node's connection buffers: 1 MiB chunks, 2 arenas, no thread caches, so its usage is what is live. */
  private final PooledByteBufAllocator wire = new PooledByteBufAllocator(true, 0, 2, 8192, 7, 0, 0, false);
  private DataNode node;

  @BeforeAll
  static void dataset() throws IOException {
    source = ImageFolderSource.open(GradientImageFolder.of(14).withBroken().writeTo(root.resolve("data")));
  }

  @AfterEach
  void closeNode() {
    if (node != null) {
      node.close();
    }
    assertThat(pixels.live()).as("sample buffers still held after close").isZero();
  }

  @AfterAll
  static void noLeaks() throws InterruptedException {
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  private DataNode start(DataNodeConfig.Limits limits) {
    node = DataNode.start(DataNodeConfig.loopback(source).withWorkers(2).withLimits(limits), pixels, wire);
    return node;
  }

  @Test
  void hostileSockets_hugeFramesAndTrickles_nodeMemoryBoundedWhileAnHonestClientIsServed() throws Exception {
    start(DataNodeConfig.Limits.defaults().withPreAuth(8, Duration.ofSeconds(2)));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (TestClient honest = TestClient.ready(node.address(), null, null, node.datasetIdentity(), PLAN)) {
      long heapBefore = heapAfterGc(memory);
      AtomicLong peak = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      Thread sampler = Thread.ofPlatform().daemon().start(() -> {
        while (!stop.get()) {
          peak.accumulateAndGet(wire.metric().usedDirectMemory(), Math::max);
          LockSupport.parkNanos(2_000_000);
        }
      });
      AtomicInteger closedByNode = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 32; i++) { // huge frame, pushed as fast as the node takes it, then trickled
        threads.add(Thread.ofPlatform().daemon().start(() -> attack(Protocol.DEFAULT_MAX_FRAME_BYTES - 4, 4 << 20,
            stop, closedByNode)));
      }
      for (int i = 0; i < 16; i++) { // a frame under the handshake limit, trickled: holds a place until the timeout
        threads.add(Thread.ofPlatform().daemon().start(() -> attack(4000, 0, stop, closedByNode)));
      }

      for (int round = 0; round < 20; round++) {
        int shift = round;
        int[] indices = IntStream.range(0, source.size()).map(i -> (i * 7 + shift) % source.size()).toArray();
        honest.send(new Chunk(round, round, indices));
        honest.send(new Credit(indices.length));
        for (int p = 0; p < indices.length; p++) {
          Message message = honest.next();
          try {
            int position = message instanceof Sample s ? s.position() : ((Failed) message).position();
            assertThat(position).isEqualTo(p);
          } finally {
            ReferenceCountUtil.release(message);
          }
        }
        assertThat(honest.next()).isEqualTo(new ChunkDone(round));
      }
      // the huge ones are closed at once, the others at the timeout; the peak is checked first, so
      // that a node that buffers shows by how much
      long deadline = System.nanoTime() + Duration.ofSeconds(TestClient.WAIT_SECONDS).toNanos();
      while (closedByNode.get() < 48 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
      sampler.join();
      long heapGrowth = heapAfterGc(memory) - heapBefore;
      System.out.printf("NodePreAuthTest: node connection memory peak %d bytes (bound %d), heap growth %d bytes"
          + " (bound %d)%n", peak.get(), DIRECT_BOUND, heapGrowth, HEAP_BOUND);

      assertThat(peak.get()).as("node connection memory, peak").isLessThanOrEqualTo(DIRECT_BOUND);
      assertThat(heapGrowth).as("node heap growth").isLessThan(HEAP_BOUND);
      assertThat(closedByNode.get()).as("hostile sockets closed by the node").isEqualTo(48);
      assertThat(node.stats().preAuth.get()).isZero();
    }
  }

  /**
   * One hostile socket: announces a frame of {@code announced} bytes, pushes {@code burst} bytes of
   * it at once, then trickles 64 bytes every 20 ms until the node closes it or the test stops.
   */
  private void attack(int announced, int burst, AtomicBoolean stop, AtomicInteger closedByNode) {
    try (Socket socket = new Socket(node.address().getAddress(), node.address().getPort())) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      InputStream in = socket.getInputStream();
      out.writeInt(announced);
      byte[] block = new byte[64 << 10];
      for (int sent = 0; sent < burst; sent += block.length) {
        out.write(block);
      }
      out.flush();
      socket.setSoTimeout(20);
      while (!stop.get()) {
        try {
          if (in.read() < 0) {
            break; // the node closed it (after its ERROR frame)
          }
          continue;
        } catch (java.net.SocketTimeoutException e) {
          // still open: trickle
        }
        out.write(block, 0, 64);
        out.flush();
      }
    } catch (IOException e) {
      // reset by the node while writing: closed too
    } finally {
      if (!stop.get()) {
        closedByNode.incrementAndGet();
      }
    }
  }

  private static long heapAfterGc(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Test
  void preAuth_overTheCapOverLoopback_refusedAtOnceAndSilentOnesClosedAtTheTimeout() throws Exception {
    start(DataNodeConfig.Limits.defaults().withPreAuth(4, Duration.ofMillis(1500)));
    List<Socket> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        silent.add(new Socket(node.address().getAddress(), node.address().getPort()));
      }
      DataNodeTest.awaitTrue(() -> node.stats().preAuth.get() == 4);
      long start = System.nanoTime();
      try (Socket extra = new Socket(node.address().getAddress(), node.address().getPort())) {
        extra.setSoTimeout((int) TestClient.WAIT_SECONDS * 1000);
        byte[] answer = extra.getInputStream().readAllBytes(); // the ERROR frame, then end of stream
        assertThat(answer.length).isGreaterThan(Protocol.LENGTH_BYTES + Protocol.HEADER_BYTES);
        assertThat(answer[Protocol.LENGTH_BYTES + 1]).isEqualTo((byte) Protocol.ERROR);
        assertThat(new String(answer, 10, answer.length - 10, java.nio.charset.StandardCharsets.UTF_8))
            .contains("4 connections in the handshake");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once, not at the timeout")
          .isLessThan(Duration.ofMillis(1000));

      for (Socket socket : silent) {
        socket.setSoTimeout((int) TestClient.WAIT_SECONDS * 1000);
        socket.getInputStream().readAllBytes(); // ERROR "no complete handshake", then end of stream
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed by the timeout")
          .isGreaterThan(Duration.ofMillis(1000));
      DataNodeTest.awaitTrue(() -> node.stats().preAuth.get() == 0);
      try (TestClient honest = TestClient.ready(node.address(), null, null, node.datasetIdentity(), PLAN)) {
        honest.send(new Chunk(1, 0, new int[] {0}));
        honest.send(new Credit(1));
        ReferenceCountUtil.release(honest.next());
        assertThat(honest.next()).isEqualTo(new ChunkDone(1));
      }
    } finally {
      for (Socket socket : silent) {
        socket.close();
      }
    }
  }
}
