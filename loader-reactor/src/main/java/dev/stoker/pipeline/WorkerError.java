package dev.stoker.pipeline;

import dev.stoker.api.LoaderException;

/**
 * An {@link Error} a decode worker met while reading or processing a sample (an
 * {@link OutOfMemoryError} from a huge image, a {@link StackOverflowError}, a library's own error).
 * Not the sample's fault, so never a {@link SampleResult.Failed} under the failure policy: it ends
 * the run, naming the error and the sample. Carried as an exception because Reactor rethrows
 * JVM-fatal errors on the scheduler thread instead of signalling them, which left the run waiting
 * for a sample that would never come.
 */
final class WorkerError extends LoaderException {
  private static final long serialVersionUID = 1L;

  private WorkerError(String message, Error cause) {
    super(message, cause);
  }

  /** The run-ending failure for {@code error}, met on sample {@code index} ({@code name}) of {@code epoch}. */
  static WorkerError of(Error error, int epoch, int index, String name) {
    return new WorkerError("a decode worker failed with " + error + " on sample " + index + " (" + name
        + ") of epoch " + epoch + "; the run stops" + (error instanceof OutOfMemoryError
        ? " (give the JVM more heap with -Xmx, the CLI through STOKER_JAVA_OPTS, or use fewer decode threads "
            + "or a smaller cache)" : ""), error);
  }
}
