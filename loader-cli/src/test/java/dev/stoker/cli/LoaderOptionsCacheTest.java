package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.CachingSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** {@code --cache-bytes} and {@code --cache-kind}: sizes, which cache wraps the source, and errors. */
class LoaderOptionsCacheTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(2);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private static LoaderOptions parse(String... args) {
    BenchCommand bench = new BenchCommand();
    new CommandLine(bench).parseArgs(args);
    return bench.options;
  }

  @Test
  void byteSize_suffixes_arePowersOf1024() {
    ByteSize size = new ByteSize();

    assertThat(size.convert("1000")).isEqualTo(1000L);
    assertThat(size.convert("64k")).isEqualTo(64L << 10);
    assertThat(size.convert("512m")).isEqualTo(512L << 20);
    assertThat(size.convert("4G")).isEqualTo(4L << 30);
    assertThat(size.convert("2t")).isEqualTo(2L << 40);
  }

  @Test
  void byteSize_badValues_failSayingWhatASizeLooksLike() {
    ByteSize size = new ByteSize();

    assertThatThrownBy(() -> size.convert("4x")).isInstanceOf(TypeConversionException.class).hasMessageContaining("4x");
    assertThatThrownBy(() -> size.convert("0")).isInstanceOf(TypeConversionException.class).hasMessageContaining("positive");
    assertThatThrownBy(() -> size.convert("-3m")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> size.convert("")).isInstanceOf(TypeConversionException.class);
  }

  @Test
  void cached_withoutCacheBytes_returnsTheSourceItself() {
    SampleSource source = ImageFolderSource.open(dataset.dir());

    assertThat(parse().cached(source)).isSameAs(source);
  }

  @Test
  void cached_encodedAndDecoded_wrapTheSourceOnce() {
    SampleSource source = ImageFolderSource.open(dataset.dir());

    SampleSource encoded = parse("--cache-bytes", "1m").cached(source);
    LoaderOptions decodedOptions = parse("--cache-bytes", "1m", "--cache-kind", "decoded", "--size", "70");
    SampleSource decoded = decodedOptions.cached(source);

    assertThat(encoded).isInstanceOf(CachingSource.class);
    assertThat(((CachingSource) encoded).maxBytes()).isEqualTo(1L << 20);
    assertThat(encoded.description()).contains("encoded");
    assertThat(decoded.description()).contains("decoded").contains("shorter side at most 80");
    assertThat(decodedOptions.cached(decoded)).isSameAs(decoded);
  }

  @Test
  void cached_unknownKindOrMoreThanTheHeap_failsNamingTheOption() {
    SampleSource source = ImageFolderSource.open(dataset.dir());

    assertThatThrownBy(() -> parse("--cache-bytes", "1m", "--cache-kind", "pixels"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("'--cache-kind'")
        .hasMessageContaining("encoded").hasMessageContaining("decoded");
    String tooMuch = (Runtime.getRuntime().maxMemory() >> 20) + 1 + "m";
    assertThatThrownBy(() -> parse("--cache-bytes", tooMuch).cached(source))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--cache-bytes");
  }

  @Test
  void bench_withEncodedCache_runs() {
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "1", "--batch", "4", "--size", "32",
        "--epochs", "1", "--cache-bytes", "16m");

    assertThat(status).isZero();
  }

  /** The issue's -Xmx130m with a 120m decoded cache: both workers died of OutOfMemoryError. */
  @Test
  void cacheLimit_smallAndLargeHeaps_keepAQuarterAndAtLeast64MiBForDecoding() {
    assertThat(LoaderOptions.cacheLimit(130L << 20)).isEqualTo(66L << 20).isLessThan(120L << 20);
    assertThat(LoaderOptions.cacheLimit(8L << 30)).isEqualTo(6L << 30);
  }

  @Test
  void cached_budgetThatLeavesTheWorkersTooLittleHeap_refusedInOneSentence() {
    SampleSource source = ImageFolderSource.open(dataset.dir());
    String justOver = (LoaderOptions.cacheLimit(Runtime.getRuntime().maxMemory()) >> 20) + 1 + "m";

    assertThatThrownBy(() -> parse("--cache-bytes", justOver, "--cache-kind", "decoded").cached(source))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--cache-bytes: ")
        .hasMessageContaining("too little room").hasMessageContaining("-Xmx");
  }

  @Test
  void bench_decodedBudgetBelowOneSample_refusedAtBuildNamingTheOption() {
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "1", "--batch", "4", "--size", "32",
        "--epochs", "1", "--cache-bytes", "1k", "--cache-kind", "decoded");

    assertThat(status).as("bad usage").isEqualTo(2);
    assertThat(console.err().lines().filter(l -> l.startsWith("stoker: "))).singleElement().asString()
        .startsWith("stoker: --cache-bytes: 1024 bytes cannot hold one decoded sample")
        .contains("3 x 36 x 36");
  }
}
