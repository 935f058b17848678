package dev.stoker.cli;

import dev.stoker.remote.wire.Compression;
import dev.stoker.remote.wire.Transport;
import dev.stoker.remote.wire.WireOptions;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * How a node or a client uses the wire: {@code --compression none|zstd} (what a node allows, what
 * a client offers), {@code --transport auto|nio|epoll|io_uring} and {@code --send-limit RATE}. A
 * mixin of {@code serve} and of the commands that take {@code --remote}.
 */
final class WireArgs {
  @Option(names = "--compression", paramLabel = "none|zstd", converter = CompressionName.class,
      description = "sample compression on the wire: on serve what the node allows (default zstd: used only for "
          + "clients that offer it), with --remote what the client offers (default none); lossless, and a sample "
          + "that does not shrink travels raw")
  Compression compression;

  @Option(names = "--transport", paramLabel = "auto|nio|epoll|io_uring", converter = TransportName.class,
      description = "the socket transport (default auto: io_uring if this machine allows it, else epoll, else nio); "
          + "naming one the machine lacks fails with the reason")
  Transport transport;

  @Option(names = "--send-limit", paramLabel = "RATE", converter = Rate.class,
      description = "the most bytes this process sends per second over all its connections (default: no limit): "
          + "bits as 1Gbit, 1Gb, 1Gbps or 500Mbit; bytes as 125MB, 125MB/s or 125000000; k, M, G, T are powers "
          + "of 1000; 0 for no limit")
  Long sendLimit;

  /** The options given, with {@code defaultCompression} when --compression was not. */
  WireOptions options(Compression defaultCompression) {
    return new WireOptions(transport != null ? transport : Transport.AUTO,
        compression != null ? compression : defaultCompression, sendLimit != null ? sendLimit : 0);
  }

  /** Whether any of the wire options was given. */
  boolean given() {
    return compression != null || transport != null || sendLimit != null;
  }

  /** One line for a log: {@code transport epoll, compression zstd, send limit 125,000,000 bytes/s}. */
  static String describe(Transport transport, WireOptions wire) {
    return "transport " + transport.name().toLowerCase(Locale.ROOT) + ", compression "
        + wire.compression().name().toLowerCase(Locale.ROOT) + ", send limit "
        + (wire.sendBytesPerSecond() > 0 ? String.format(Locale.ROOT, "%,d bytes/s (%.3g Gbit/s)",
            wire.sendBytesPerSecond(), wire.sendBytesPerSecond() * 8 / 1e9) : "none");
  }

  /** {@code none} or {@code zstd}, any case. */
  static final class CompressionName implements ITypeConverter<Compression> {
    @Override
    public Compression convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "none" -> Compression.NONE;
        case "zstd" -> Compression.ZSTD;
        default -> throw new TypeConversionException("'" + value + "' is not a compression: use none or zstd");
      };
    }
  }

  /** {@code auto}, {@code nio}, {@code epoll} or {@code io_uring}, any case. */
  static final class TransportName implements ITypeConverter<Transport> {
    @Override
    public Transport convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "auto" -> Transport.AUTO;
        case "nio" -> Transport.NIO;
        case "epoll" -> Transport.EPOLL;
        case "io_uring", "io-uring", "iouring" -> Transport.IO_URING;
        default -> throw new TypeConversionException("'" + value + "' is not a transport: use auto, nio, epoll or "
            + "io_uring");
      };
    }
  }

  /**
   * A rate in bytes per second: a number with an optional decimal prefix (k, M, G, T: powers of
   * 1000, any case) and unit: {@code bit}, {@code bits}, {@code b} or {@code bps} for bits (divided
   * by 8), {@code B} for bytes (the default), optionally followed by {@code /s}. {@code 1Gbit} and
   * {@code 125MB} are the same rate.
   */
  static final class Rate implements ITypeConverter<Long> {
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgGtT]?)(bits?|bps|b|B)?(/s)?");

    @Override
    public Long convert(String value) {
      Matcher m = RATE.matcher(value.trim());
      if (!m.matches()) {
        throw new TypeConversionException("'" + value + "' is not a rate: use e.g. 1Gbit (bits per second) or "
            + "125MB (bytes per second)");
      }
      double n = Double.parseDouble(m.group(1));
      double scale = switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "k" -> 1e3;
        case "m" -> 1e6;
        case "g" -> 1e9;
        case "t" -> 1e12;
        default -> 1;
      };
      String unit = m.group(3);
      boolean bits = unit != null && !unit.equals("B");
      double bytes = n * scale / (bits ? 8 : 1);
      if (bytes >= Long.MAX_VALUE / 2) {
        throw new TypeConversionException("'" + value + "' is too large a rate");
      }
      if (n > 0 && bytes < 1) {
        throw new TypeConversionException("'" + value + "' is less than one byte per second");
      }
      return Math.round(bytes);
    }
  }
}
