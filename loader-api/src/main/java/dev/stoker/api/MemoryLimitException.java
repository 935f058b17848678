package dev.stoker.api;

/**
 * Settings that ask for more memory than can be given, refused before any of it is taken: a size
 * that does not fit in a {@code long} (say {@code --size 2000000000}), a sample larger than one
 * buffer may hold, or a ring and sample buffers larger than the loader's off-heap limit (by default
 * what the machine has). The message is one sentence naming the sizes and what to change.
 *
 * <pre>{@code
 * try {
 *   loader = Loader.builder().source(source).batchSize(256).ring(BatchRings.direct(), 4).build();
 * } catch (MemoryLimitException e) {
 *   System.err.println(e.getMessage());   // ... more than the 24,000,000,000 bytes this loader may take ...
 * }
 * }</pre>
 *
 * <p>An {@link IllegalArgumentException}, like every other refused setting.
 */
public class MemoryLimitException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message the refused size and what to change
   */
  public MemoryLimitException(String message) {
    super(message);
  }
}
