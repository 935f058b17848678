package dev.stoker.cli;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.LoaderState;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderStateJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --save-state FILE} and {@code --resume FILE} for {@code bench} and {@code demo}. The state
 * saved on Ctrl-C is the one after the last batch the consumer <em>finished</em>: the interrupt
 * waits for the batch in hand (see {@link #track}), so a resumed run neither skips nor repeats a
 * batch.
 *
 * <pre>{@code
 * state.check();                                   // before anything is opened
 * state.checkResume(loader, "bench");              // once the loader is built
 * record.onInterrupt(() -> state.interrupted(loader));
 * loader.run(state.resumed(), epochs, state.track(loader, consumer));
 * state.save(loader.state(), "ended");
 * }</pre>
 */
final class StateOptions {
  @Option(names = "--save-state", paramLabel = "FILE", description = "write the loader's state (JSON) to FILE when "
      + "the run ends, fails or is interrupted: where it stands just after the last batch the consumer finished; "
      + "continue with --resume FILE")
  Path saveState;

  @Option(names = "--resume", paramLabel = "FILE", description = "continue from a state --save-state wrote (bench: "
      + "without a warm-up); --epochs counts the partial first epoch; refused if --seed, --no-shuffle, the shard, "
      + "--last-batch, --batch, the dataset's size or its mix differ from the saved run")
  Path resume;

  private String command = "stoker";
  private LoaderState resumed;
  private final Object lock = new Object();
  /** The state after the last batch the consumer finished; null before the first. */
  private LoaderState finished;
  private boolean stopped;

  /** Reads {@code --resume} and checks {@code --save-state}'s folder; before anything is opened. */
  void check(String command) {
    this.command = command;
    resumed = resume == null ? null : read(resume);
    if (saveState != null && !Files.isDirectory(saveState.toAbsolutePath().getParent())) {
      throw new UsageException("--save-state " + saveState + ": its folder does not exist");
    }
  }

  /** The state {@code --resume} named, or null. */
  LoaderState resumed() {
    return resumed;
  }

  /** Checks that the resumed state fits {@code loader} and says where the run resumes; nothing without {@code --resume}. */
  void checkResume(Loader loader, String noWarmUp) {
    if (resumed == null) {
      return;
    }
    try {
      resumed.checkSameSequence(loader.state());
      if (resumed.position() > loader.samplesPerEpoch()) {
        throw new IllegalArgumentException("state: position " + resumed.position() + " is past the epoch's "
            + loader.samplesPerEpoch() + " samples");
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--resume " + resume + ": " + e.getMessage(), e);
    }
    System.err.printf("%s: resuming epoch %d at sample %d (batch %d) of %d%s%n", command, resumed.epoch(),
        resumed.position(), resumed.batch(), loader.samplesPerEpoch(), noWarmUp);
  }

  /**
   * {@code consumer}, noting after each batch the loader's state (just after that batch); once
   * interrupted, it lets further batches pass unconsumed (the process is ending).
   */
  BatchConsumer track(Loader loader, BatchConsumer consumer) {
    return new BatchConsumer() {
      @Override
      public void accept(Batch batch) throws Exception {
        synchronized (lock) {
          if (stopped) {
            return;
          }
          consumer.accept(batch);
          finished = loader.state();
        }
      }
    };
  }

  /**
   * The Ctrl-C action: waits for the batch in hand, stops consuming, runs {@code flush} (e.g. the
   * index trace's) and saves the state after the last finished batch (or the loader's, before any).
   */
  void interrupted(Loader loader, Runnable flush) {
    LoaderState state;
    synchronized (lock) {
      stopped = true;
      flush.run();
      state = finished != null ? finished : resumed != null ? resumed : loader.state().atEpochStart(0);
    }
    save(state, "interrupted");
  }

  /** With {@code --save-state}: writes {@code state} and says so on stderr; {@code how} the run ended. */
  void save(LoaderState state, String how) {
    synchronized (lock) {
      if (saveState == null || stopped && !how.equals("interrupted")) {
        return;   // after Ctrl-C only the interrupt's state is written, whatever the run does meanwhile
      }
    }
    try {
      LoaderStateJson.write(saveState, state);
    } catch (IOException e) {
      throw new UncheckedIOException("--save-state " + saveState + ": cannot write it: " + e.getMessage(), e);
    }
    System.err.printf("%s: run %s; state saved to %s: epoch %d, sample %d, batch %d%n", command, how, saveState,
        state.epoch(), state.position(), state.batch());
  }

  private static LoaderState read(Path file) {
    try {
      return LoaderStateJson.read(file);
    } catch (IOException e) {
      throw new UsageException("--resume " + file + ": cannot read it (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")", e);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--resume: " + e.getMessage(), e);
    }
  }
}
