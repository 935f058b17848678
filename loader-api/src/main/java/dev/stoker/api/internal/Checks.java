package dev.stoker.api.internal;


/**
 * Argument checks whose messages name the parameter, shared by every module.
 *
 * <pre>{@code
 * this.batchSize = Checks.positive(batchSize, "batchSize");
 * }</pre>
 */
public final class Checks {
  private Checks() {}

  /**
   * Returns {@code value} if it is positive.
   *
   * @param value the value to check
   * @param name the parameter's name, for the message
   * @return {@code value}
   * @throws IllegalArgumentException naming {@code name} if {@code value <= 0}
   */
  public static int positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is zero or more.
   *
   * @param value the value to check
   * @param name the parameter's name, for the message
   * @return {@code value}
   * @throws IllegalArgumentException naming {@code name} if {@code value < 0}
   */
  public static int notNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it lies in {@code [min, max]}.
   *
   * @param value the value to check
   * @param min the smallest allowed value
   * @param max the largest allowed value
   * @param name the parameter's name, for the message
   * @return {@code value}
   * @throws IllegalArgumentException naming {@code name} if it does not
   */
  public static double inRange(double value, double min, double max, String name) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is not null.
   *
   * @param <T> the value's type
   * @param value the value to check
   * @param name the parameter's name, for the message
   * @return {@code value}
   * @throws NullPointerException naming {@code name} if it is null
   */
  public static <T> T notNull(T value, String name) {
    // no message supplier: a capturing lambda would be allocated on every call, also when value is set
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }

  /**
   * Fails with a message naming {@code name} unless {@code condition} holds.
   *
   * @param condition the condition that must hold
   * @param name the parameter's name, for the message
   * @param message what is wrong, e.g. {@code "must be >= 0, got -1"}
   * @throws IllegalArgumentException with {@code name + ": " + message} if {@code condition} is false
   */
  public static void argument(boolean condition, String name, String message) {
    if (!condition) {
      throw new IllegalArgumentException(name + ": " + message);
    }
  }
}
