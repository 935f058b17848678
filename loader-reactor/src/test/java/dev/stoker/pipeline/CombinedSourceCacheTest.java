package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.SampleSource;
import dev.stoker.api.TransformSpec;
import dev.stoker.dataset.Sources;
import dev.stoker.testkit.BatchDigests;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Encoded and decoded caches with combined sources: a cache over a combination and a combination of
 * caches key each sample by an index that names it alone, so the batches are those of the uncached
 * source, byte for byte; a cache over a mix still mixes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CombinedSourceCacheTest {
  private static final long SEED = 5;
  private static final long BUDGET = 1L << 24;
  private final List<Loader> loaders = new ArrayList<>();

  @AfterEach
  void close() {
    loaders.forEach(Loader::close);
  }

  /** {@code size} small PNGs; sample {@code i} of source {@code tag} is an image of its own. */
  private static SampleSource pngs(String tag, int size, int seedOffset, List<String> classes) {
    return new SampleSource() {
      @Override
      public String description() {
        return tag;
      }

      @Override
      public int size() {
        return size;
      }

      @Override
      public String sourceName(int index) {
        return tag + "/" + index + ".png";
      }

      @Override
      public int label(int index) {
        return index % classes.size();
      }

      @Override
      public List<String> classes() {
        return classes;
      }

      @Override
      public ByteBuffer read(int index) {
        return ByteBuffer.wrap(DecodedCacheTest.png(20, 14, seedOffset + index));
      }
    };
  }

  private static SampleSource a() {
    return pngs("a", 12, 0, List.of("cat", "dog"));
  }

  private static SampleSource b() {
    return pngs("b", 9, 100, List.of("dog", "eel", "fox"));
  }

  private List<String> digests(SampleSource source, int epochs) {
    Loader loader = Loader.builder()
        .source(source)
        .transforms(List.of(new TransformSpec.Resize(16, 16), new TransformSpec.HorizontalFlip(0.5)))
        .batchSize(4)
        .threads(2)
        .seed(SEED)
        .ring(new RecordingRing.Factory(), 4)
        .build();
    loaders.add(loader);
    return BatchDigests.run(loader, 0, epochs).digests();
  }

  @Test
  void cachedConcatAndConcatOfCaches_encodedOrDecoded_sameBatchesAsUncachedAndTheSecondEpochHits() throws Exception {
    // Negative control: the two sources' samples at the same index differ, so a shared entry would show.
    assertThat(a().read(0)).isNotEqualTo(b().read(0));
    List<String> plain = digests(Sources.concat(a(), b()), 2);
    List<Function<SampleSource, CachingSource>> caches = List.of(
        s -> SampleCaches.encoded(s, BUDGET),
        s -> SampleCaches.decoded(s, BUDGET, 64));   // 64 >= 14: nothing shrunk, same pixels
    for (Function<SampleSource, CachingSource> cache : caches) {
      CachingSource whole = cache.apply(Sources.concat(a(), b()));
      CachingSource cachedA = cache.apply(a());
      CachingSource cachedB = cache.apply(b());

      assertThat(digests(whole, 2)).as(whole.description()).isEqualTo(plain);
      assertThat(digests(Sources.concat(cachedA, cachedB), 2)).as("concat of caches").isEqualTo(plain);

      assertThat(whole.cacheStats().misses()).isEqualTo(21);
      assertThat(whole.cacheStats().hits()).isEqualTo(21);
      assertThat(cachedA.cacheStats().hits() + cachedB.cacheStats().hits()).isEqualTo(21);
      assertThat(cachedA.cacheStats().misses()).isEqualTo(12);
      assertThat(cachedB.cacheStats().misses()).isEqualTo(9);
    }
  }

  @Test
  void splitOfOneCachedSource_bothPartsShareTheCacheByTheSourcesIndex_sameBatchesAsUncached() {
    CachingSource cached = SampleCaches.encoded(Sources.concat(a(), b()), BUDGET);
    List<SampleSource> parts = Sources.split(cached, 3, 0.75, 0.25);
    List<SampleSource> plainParts = Sources.split(Sources.concat(a(), b()), 3, 0.75, 0.25);

    assertThat(digests(parts.get(0), 1)).isEqualTo(digests(plainParts.get(0), 1));
    assertThat(digests(parts.get(1), 1)).isEqualTo(digests(plainParts.get(1), 1));
    assertThat(digests(Sources.concat(parts.get(1), parts.get(0)), 1)).as("the parts again, from the cache")
        .isEqualTo(digests(Sources.concat(plainParts.get(1), plainParts.get(0)), 1));

    assertThat(cached.cacheStats().misses()).isEqualTo(21);
    assertThat(cached.cacheStats().hits()).isEqualTo(21);
  }

  @Test
  void cacheOverAMix_encodedOrDecoded_stillDrawsTheMixAndDeliversItsBatches() {
    EpochSampledSource mix = Sources.mix(new double[] {0.25, 0.75}, 16, true, a(), b());
    List<String> plain = digests(mix, 2);
    for (CachingSource cached : List.of(SampleCaches.encoded(mix, BUDGET), SampleCaches.decoded(mix, BUDGET, 64))) {
      assertThat(cached).isInstanceOf(EpochSampledSource.class);
      EpochSampledSource drawn = (EpochSampledSource) cached;
      assertThat(drawn.samplesPerEpoch()).isEqualTo(16);
      assertThat(drawn.epochOrder(SEED, 1)).isEqualTo(mix.epochOrder(SEED, 1));
      assertThat(drawn.samplingFingerprint()).isEqualTo(mix.samplingFingerprint());

      assertThat(digests(cached, 2)).as(cached.description()).hasSize(8).isEqualTo(plain);
      assertThat(cached.cacheStats().hits()).isPositive();
    }
  }
}
