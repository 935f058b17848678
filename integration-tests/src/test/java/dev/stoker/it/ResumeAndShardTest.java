package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.LoaderState;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.testkit.SmallLoaders;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On real JPEGs, the training preset and the Disruptor ring: a loader rebuilt from a saved state
 * produces the same digest as the uninterrupted run from that point, and ranks split each epoch.
 */
class ResumeAndShardTest {
  private static final int IMAGES = 37;

  @TempDir
  static Path root;

  @BeforeAll
  static void makeImages() {
    GradientImageFolder.of(IMAGES).size(60, 50, 3, 2).gradient(6, 40, 200, Color.YELLOW).writeTo(root);
  }

  private static LoaderBuilder settings(int rank, int worldSize) {
    return SmallLoaders.train(24, 4, 3)
        .source(ImageFolderSource.open(root))
        .decoder(ImageDecoders.best())
        .shard(rank, worldSize)
        .lastBatch(LastBatchPolicy.PARTIAL);
  }


  @Test
  void run_fromAStateSavedMidEpoch_sameDigestsAsTheUninterruptedRun() {
    List<String> uninterrupted = new ArrayList<>();
    List<LoaderState> states = new ArrayList<>();
    try (Loader loader = settings(0, 1).build()) {
      loader.run(3, batch -> {
        uninterrupted.add(BatchDigests.of(batch));
        states.add(loader.state());
      });
    }
    int cut = 13; // in epoch 1 (10 batches per epoch)
    LoaderState saved = states.get(cut);
    assertThat(saved.epoch()).isEqualTo(1);
    assertThat(saved.position()).isEqualTo(4L * (cut - 9));

    List<String> resumed = new ArrayList<>();
    try (Loader loader = settings(0, 1).build()) {
      loader.run(saved, 2, batch -> resumed.add(BatchDigests.of(batch)));
    }
    assertThat(resumed).isEqualTo(uninterrupted.subList(cut + 1, uninterrupted.size()));
  }

  @Test
  void close_midEpochFromTheConsumer_leavesNoOpenFilesOrDecodeThreads() throws Exception {
    long fdsBefore = openFiles();
    Loader loader = settings(0, 1).build();
    int[] batches = {0};
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.run(5, batch -> {
      if (++batches[0] == 3) {
        loader.close();
      }
    })).isInstanceOf(dev.stoker.api.LoaderException.class).hasMessageContaining("closed");
    loader.close();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while ((openFiles() > fdsBefore || decodeThreads() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(decodeThreads()).as("decode threads alive").isZero();
    assertThat(openFiles()).as("open file descriptors").isLessThanOrEqualTo(fdsBefore);
  }

  private static long openFiles() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long decodeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("stoker-decode") && t.isAlive()).count();
  }

  @Test
  void run_threeRanks_everyImageOncePerEpoch() {
    int[][] seen = new int[2][IMAGES];
    for (int rank = 0; rank < 3; rank++) {
      try (Loader loader = settings(rank, 3).build()) {
        loader.run(2, batch -> {
          for (int p = 0; p < batch.size(); p++) {
            seen[batch.epoch()][batch.sampleIndex(p)]++;
          }
        });
      }
    }
    for (int[] epoch : seen) {
      assertThat(epoch).containsOnly(1);
    }
  }
}
