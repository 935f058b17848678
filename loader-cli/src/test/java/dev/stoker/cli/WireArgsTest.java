package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.remote.wire.Compression;
import dev.stoker.remote.wire.Transport;
import dev.stoker.remote.wire.WireOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** {@code --compression}, {@code --transport} and {@code --send-limit} on serve and with --remote. */
class WireArgsTest {
  @ParameterizedTest(name = "{0} = {1} bytes/s")
  @CsvSource({"1Gbit, 125000000", "1Gb, 125000000", "1Gbps, 125000000", "10Gbit, 1250000000", "500Mbit, 62500000",
      "125MB, 125000000", "125MB/s, 125000000", "125000000, 125000000", "1.5GB, 1500000000", "100kB, 100000",
      "8bit, 1", "0, 0"})
  void rate_bitsAndBytes_bytesPerSecond(String text, long bytes) {
    assertThat(new WireArgs.Rate().convert(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fast", "1GiB", "-1Gbit", "1 Gbit/h", "1bit", ""})
  void rate_notARate_refusedWithAnExample(String text) {
    assertThatThrownBy(() -> new WireArgs.Rate().convert(text)).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void parse_serveWithAllThree_configCarriesThem() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--data", "d", "--port", "0", "--compression", "none", "--transport", "io_uring",
        "--send-limit", "1Gbit");
    assertThat(serve.wire.options(Compression.ZSTD))
        .isEqualTo(new WireOptions(Transport.IO_URING, Compression.NONE, 125_000_000L));
  }

  @Test
  void parse_serveWithoutThem_autoZstdAllowedNoLimit() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--data", "d", "--port", "0");
    assertThat(serve.wire.given()).isFalse();
    assertThat(serve.wire.options(Compression.ZSTD)).isEqualTo(new WireOptions(Transport.AUTO, Compression.ZSTD, 0));
  }

  @Test
  void parse_benchRemoteWithZstdAndEpoll_kept() {
    BenchCommand bench = new BenchCommand();
    new CommandLine(bench).parseArgs("--remote", "n:7311", "--compression", "ZSTD", "--transport", "epoll");
    assertThat(bench.remote.wire.options(Compression.NONE))
        .isEqualTo(new WireOptions(Transport.EPOLL, Compression.ZSTD, 0));
  }

  @Test
  void parse_unknownNames_refusedListingTheChoices() {
    assertThatThrownBy(() -> new WireArgs.CompressionName().convert("gzip")).hasMessageContaining("use none or zstd");
    assertThatThrownBy(() -> new WireArgs.TransportName().convert("kqueue"))
        .hasMessageContaining("use auto, nio, epoll or io_uring");
  }

  @Test
  void check_wireOptionsWithoutRemote_usageError() {
    BenchCommand bench = new BenchCommand();
    new CommandLine(bench).parseArgs("dir", "--compression", "zstd");
    assertThatThrownBy(() -> bench.remote.check(bench.dir, bench.dataset, bench.options))
        .isInstanceOf(UsageException.class).hasMessageContaining("go with --remote");
  }

  @Test
  void describe_limit_bytesAndGigabits() {
    assertThat(WireArgs.describe(Transport.EPOLL, new WireOptions(Transport.AUTO, Compression.ZSTD, 125_000_000L)))
        .isEqualTo("transport epoll, compression zstd, send limit 125,000,000 bytes/s (1.00 Gbit/s)");
  }
}
