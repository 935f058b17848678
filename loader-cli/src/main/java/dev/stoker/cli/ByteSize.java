package dev.stoker.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a byte count: digits with an optional k, m, g or t suffix (powers of 1024), e.g. {@code 512m}. */
final class ByteSize implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int shift = v.isEmpty() ? 0 : switch (v.charAt(v.length() - 1)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      case 't' -> 40;
      default -> 0;
    };
    String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
    long n;
    try {
      n = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a size; use e.g. 512m or 4g");
    }
    if (n <= 0 || n > Long.MAX_VALUE >> shift) {
      throw new TypeConversionException("'" + value + "' must be a positive size, e.g. 512m or 4g");
    }
    return n << shift;
  }
}
