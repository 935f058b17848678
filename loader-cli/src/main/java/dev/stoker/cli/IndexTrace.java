package dev.stoker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bench --trace-indices FILE}: one JSON object per delivered batch, so that exactly-once
 * across ranks, resume and failover can be checked from outside:
 *
 * <pre>{@code
 * {"epoch":1,"rank":0,"world_size":3,"batch":0,"next_position":8,"indices":[17,3,42,8,0,29,11,5]}
 * }</pre>
 *
 * <p>{@code indices} are the dataset indices of the batch's samples in position order;
 * {@code batch} is the batch's number in this rank's epoch and {@code next_position} the rank's
 * position after it (failed samples count as positions but are not delivered: they are in
 * {@code --failures}). The file is opened (and truncated) before the run, so an unwritable path
 * fails at once, and each line is written as its batch is delivered.
 */
final class IndexTrace implements BatchConsumer, AutoCloseable {
  private final ObjectMapper mapper = new ObjectMapper();
  private final BufferedWriter out;
  private final Path file;
  private final int rank;
  private final int worldSize;

  private IndexTrace(Path file, BufferedWriter out, int rank, int worldSize) {
    this.file = file;
    this.out = out;
    this.rank = rank;
    this.worldSize = worldSize;
  }

  /**
   * Opens {@code file} for writing, created or truncated.
   *
   * @throws IllegalArgumentException naming {@code --trace-indices} if it cannot be written
   */
  static IndexTrace open(Path file, int rank, int worldSize) {
    try {
      return new IndexTrace(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8), rank, worldSize);
    } catch (IOException e) {
      throw new UsageException("--trace-indices: cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void accept(Batch batch) {
    ObjectNode line = mapper.createObjectNode();
    line.put("epoch", batch.epoch());
    line.put("rank", rank);
    line.put("world_size", worldSize);
    line.put("batch", batch.indexInEpoch());
    line.put("next_position", batch.nextPosition());
    ArrayNode indices = line.putArray("indices");
    for (int p = 0; p < batch.size(); p++) {
      indices.add(batch.sampleIndex(p));
    }
    try {
      out.write(line.toString());
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException("--trace-indices: cannot write " + file, e);
    }
  }

  /** Writes what is buffered to the file (on Ctrl-C, whose exit skips the close). */
  void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("--trace-indices: cannot write " + file, e);
    }
  }

  /** Flushes and closes the file. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("--trace-indices: cannot write " + file, e);
    }
  }
}
