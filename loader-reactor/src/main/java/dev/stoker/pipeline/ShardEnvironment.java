package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rank and world size that torchrun-style launchers give each process in the environment
 * variables {@value #RANK} and {@value #WORLD_SIZE}. ({@code LOCAL_RANK}, the device of the process
 * on its machine, is read by {@code dev.stoker.cuda.DeviceFeed}, not here.)
 *
 * <p>Both variables or neither: one without the other, a value that is not a decimal integer, a
 * world size below 1 or a rank outside {@code [0, WORLD_SIZE)} is refused with a message naming
 * the variable; the value is quoted at most {@value #MAX_QUOTED} characters long, characters
 * outside printable ASCII replaced by {@code ?}.
 *
 * <pre>{@code
 * Optional<ShardEnvironment> shard = ShardEnvironment.read(System::getenv);   // or a Map's get, in a test
 * Loader loader = Loader.builder().shardFromEnvironment()...build();          // the same, on the builder
 * }</pre>
 *
 * @param rank this process's rank, in {@code [0, worldSize)}
 * @param worldSize the number of ranks, positive
 */
public record ShardEnvironment(int rank, int worldSize) {
  /** The variable holding this process's global rank. */
  public static final String RANK = "RANK";
  /** The variable holding the number of processes. */
  public static final String WORLD_SIZE = "WORLD_SIZE";
  /** The most characters of a refused value quoted in an error. */
  public static final int MAX_QUOTED = 32;

  /** Validates the fields. */
  public ShardEnvironment {
    Checks.positive(worldSize, "worldSize");
    Checks.argument(rank >= 0 && rank < worldSize, "rank", "must be in [0, worldSize=" + worldSize + "), got " + rank);
  }

  /**
   * Reads {@value #RANK} and {@value #WORLD_SIZE} from {@code environment}.
   *
   * @param environment a variable's value by name, null when it is not set ({@code System::getenv},
   *     or a {@code Map}'s {@code get} in a test); not null
   * @return the shard when both are set, empty when neither is
   * @throws IllegalArgumentException naming the variable if only one is set or a value is not valid
   */
  public static Optional<ShardEnvironment> read(Function<String, String> environment) {
    Checks.notNull(environment, "environment");
    String rank = environment.apply(RANK);
    String worldSize = environment.apply(WORLD_SIZE);
    if (rank == null && worldSize == null) {
      return Optional.empty();
    }
    if (rank == null || worldSize == null) {
      String set = rank == null ? WORLD_SIZE : RANK;
      String unset = rank == null ? RANK : WORLD_SIZE;
      throw new IllegalArgumentException(set + " is set but " + unset + " is not; a launcher sets both (set "
          + unset + " too, or unset " + set + ")");
    }
    int size = integer(WORLD_SIZE, worldSize);
    if (size < 1) {
      throw new IllegalArgumentException(WORLD_SIZE + "=" + size + ": must be 1 or more");
    }
    int r = integer(RANK, rank);
    if (r < 0 || r >= size) {
      throw new IllegalArgumentException(RANK + "=" + r + ": must be in [0, " + WORLD_SIZE + "=" + size + ")");
    }
    return Optional.of(new ShardEnvironment(r, size));
  }

  private static int integer(String name, String value) {
    String v = value.strip();
    if (!v.matches("[+-]?[0-9]{1,18}")) {
      throw new IllegalArgumentException(name + "=" + quote(value) + ": not a decimal integer");
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + quote(value) + ": out of range of an int", e);
    }
  }

  /** {@code value} in quotes, cut to {@link #MAX_QUOTED} characters, non-printable ASCII as {@code ?}. */
  static String quote(String value) {
    StringBuilder b = new StringBuilder("\"");
    int n = Math.min(value.length(), MAX_QUOTED);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
    }
    return b.append(value.length() > MAX_QUOTED ? "\"..." : "\"").toString();
  }
}
