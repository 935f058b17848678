package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SourcesTest {

  /** A source of named samples with given labels; sample i holds box (i, i, i + 1, i + 1) labelled like it. */
  private record ListSource(String tag, List<String> classes, int[] labels, boolean boxes, Set<Integer> failing,
      List<String> warnings) implements SampleSource {
    ListSource(String tag, List<String> classes, int... labels) {
      this(tag, classes, labels, false, Set.of(), List.of());
    }

    @Override
    public String description() {
      return "list " + tag;
    }

    @Override
    public int size() {
      return labels.length;
    }

    @Override
    public String sourceName(int index) {
      return tag + "/" + index;
    }

    @Override
    public int label(int index) {
      return labels[index];
    }

    @Override
    public ByteBuffer read(int index) throws IOException {
      if (failing.contains(index)) {
        throw new IOException(sourceName(index) + ": cannot read");
      }
      return ByteBuffer.wrap((tag + "/" + index).getBytes());
    }

    @Override
    public boolean hasBoxes() {
      return boxes;
    }

    @Override
    public int maxBoxCount() {
      return boxes ? 1 : 0;
    }

    @Override
    public int boxCount(int index) {
      return boxes ? 1 : 0;
    }

    @Override
    public int copyBoxes(int index, float[] out, int[] outLabels) {
      if (!boxes) {
        return 0;
      }
      out[0] = index;
      out[1] = index;
      out[2] = index + 1;
      out[3] = index + 1;
      outLabels[0] = labels[index];
      return 1;
    }
  }

  private static String text(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return new String(bytes);
  }

  // ---- concat

  @Test
  void concat_twoSources_indicesLaidEndToEnd() throws IOException {
    SampleSource a = new ListSource("a", List.of("x"), 0, 0, 0);
    SampleSource b = new ListSource("b", List.of("x"), 0, 0);
    SampleSource both = Sources.concat(a, b);
    assertThat(both.size()).isEqualTo(5);
    assertThat(IntStream.range(0, 5).mapToObj(both::sourceName))
        .containsExactly("a/0", "a/1", "a/2", "b/0", "b/1");
    assertThat(text(both.read(3))).isEqualTo("b/0");
    assertThat(text(both.read(2, null))).isEqualTo("a/2");
    assertThatThrownBy(() -> both.sourceName(5)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void concat_emptySourcesBetween_skippedWhenLookingUpAnIndex() {
    SampleSource both = Sources.concat(new ListSource("e", List.of("x")), new ListSource("a", List.of("x"), 0),
        new ListSource("f", List.of("x")), new ListSource("b", List.of("x"), 0, 0));
    assertThat(IntStream.range(0, both.size()).mapToObj(both::sourceName)).containsExactly("a/0", "b/0", "b/1");
  }

  @Test
  void concat_classesSharedByName_unifiedInFirstSeenOrderAndLabelsRemapped() {
    SampleSource a = new ListSource("a", List.of("cat", "dog"), 0, 1);
    SampleSource b = new ListSource("b", List.of("bird", "cat"), 0, 1);
    SampleSource both = Sources.concat(a, b);
    assertThat(both.classes()).containsExactly("cat", "dog", "bird");
    assertThat(IntStream.range(0, 4).map(both::label)).containsExactly(0, 1, 2, 0);
    for (int i = 0; i < 4; i++) {
      assertThat(both.classes().get(both.label(i)))
          .isEqualTo(i < 2 ? a.classes().get(a.label(i)) : b.classes().get(b.label(i - 2)));
    }
  }

  @Test
  void concat_detectionSources_boxesKeptAndBoxLabelsRemapped() {
    SampleSource a = new ListSource("a", List.of("cat", "dog"), new int[] {1, -1}, true, Set.of(), List.of());
    SampleSource b = new ListSource("b", List.of("dog", "cat"), new int[] {0, 1}, true, Set.of(), List.of());
    SampleSource both = Sources.concat(a, b);
    assertThat(both.hasBoxes()).isTrue();
    assertThat(both.maxBoxCount()).isEqualTo(1);
    float[] boxes = new float[4];
    int[] labels = new int[1];
    assertThat(both.copyBoxes(3, boxes, labels)).isEqualTo(1);
    assertThat(boxes).containsExactly(1, 1, 2, 2);
    assertThat(labels[0]).isZero();   // b's "cat" (1) is the union's "cat" (0)
    both.copyBoxes(2, boxes, labels);
    assertThat(labels[0]).isEqualTo(1);   // b's "dog" (0) is the union's "dog" (1)
    assertThat(both.label(1)).isEqualTo(-1);   // no boxes stays -1
  }

  @Test
  void concat_readFails_errorNamesTheSourceAndTheSample() {
    SampleSource a = new ListSource("a", List.of("x"), 0);
    SampleSource b = new ListSource("b", List.of("x"), new int[] {0, 0}, false, Set.of(1), List.of("b is odd"));
    SampleSource both = Sources.concat(a, b);
    assertThatThrownBy(() -> both.read(2)).isInstanceOf(IOException.class)
        .hasMessageContaining("source 1 (list b)").hasMessageContaining("b/1: cannot read");
    assertThat(both.warnings()).containsExactly("source 1 (list b): b is odd");
    assertThat(both.warningCount()).isEqualTo(1);
  }

  @Test
  void concat_noSourcesOrANullOne_refusedNamingTheParameter() {
    assertThatThrownBy(Sources::concat).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sources");
    assertThatThrownBy(() -> Sources.concat(new ListSource("a", List.of("x"), 0), null))
        .isInstanceOf(RuntimeException.class).hasMessageContaining("sources[1]");
  }

  @Test
  void concat_description_namesEachSource() {
    SampleSource both = Sources.concat(new ListSource("a", List.of("x"), 0), new ListSource("b", List.of("y"), 0));
    assertThat(both.description()).contains("2 samples", "2 classes", "list a", "list b");
  }

  // ---- subset and filter

  @Test
  void subset_indices_samplesInTheGivenOrderWithTheSourcesLabels() {
    SampleSource source = new ListSource("s", List.of("x", "y"), 0, 1, 0, 1);
    SampleSource sub = Sources.subset(source, 3, 0, 3);
    assertThat(IntStream.range(0, 3).mapToObj(sub::sourceName)).containsExactly("s/3", "s/0", "s/3");
    assertThat(IntStream.range(0, 3).map(sub::label)).containsExactly(1, 0, 1);
    assertThat(sub.classes()).isEqualTo(source.classes());
    assertThat(sub.description()).contains("3 of 4", "list s");
  }

  @Test
  void subset_indexOutOfRange_refusedNamingThePosition() {
    SampleSource source = new ListSource("s", List.of("x"), 0, 0);
    assertThatThrownBy(() -> Sources.subset(source, 0, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("indices[1]");
  }

  @Test
  void filter_byLabelAndName_keepsMatchesInTheSourcesOrder() {
    SampleSource source = new ListSource("s", List.of("x", "y"), 0, 1, 0, 1, 1);
    SampleSource ys = Sources.filter(source, (index, label, name) -> label == 1 && !name.equals("s/3"));
    assertThat(IntStream.range(0, ys.size()).mapToObj(ys::sourceName)).containsExactly("s/1", "s/4");
    assertThat(Sources.filter(source, (index, label, name) -> index < 2).size()).isEqualTo(2);
  }

  // ---- split

  private static ListSource classes(int... perClass) {
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < perClass.length; c++) {
      for (int i = 0; i < perClass[c]; i++) {
        labels.add(c);
      }
    }
    java.util.Collections.shuffle(labels, new java.util.Random(1));
    return new ListSource("s", List.of("a", "b", "c"), labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static List<String> names(SampleSource source) {
    return IntStream.range(0, source.size()).mapToObj(source::sourceName).toList();
  }

  @Test
  void split_ninetyTen_eachClassInProportionDisjointAndCovering() {
    ListSource source = classes(100, 50, 30);
    List<SampleSource> parts = Sources.split(source, 42, 0.9, 0.1);
    SampleSource train = parts.get(0);
    SampleSource val = parts.get(1);
    int[] trainPerClass = new int[3];
    int[] valPerClass = new int[3];
    IntStream.range(0, train.size()).forEach(i -> trainPerClass[train.label(i)]++);
    IntStream.range(0, val.size()).forEach(i -> valPerClass[val.label(i)]++);
    assertThat(trainPerClass).containsExactly(90, 45, 27);
    assertThat(valPerClass).containsExactly(10, 5, 3);
    Set<String> all = new HashSet<>(names(train));
    all.addAll(names(val));
    assertThat(all).hasSize(180).isEqualTo(new HashSet<>(names(source)));
    // each part in the source's order
    assertThat(names(val)).isSortedAccordingTo(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(2))));
  }

  @Test
  void split_sameSeed_sameParts_anotherSeed_otherParts() {
    ListSource source = classes(100, 50, 30);
    assertThat(names(Sources.split(source, 42, 0.9, 0.1).get(1)))
        .isEqualTo(names(Sources.split(source, 42, 0.9, 0.1).get(1)));
    // negative control: the seed matters
    assertThat(names(Sources.split(source, 43, 0.9, 0.1).get(1)))
        .isNotEqualTo(names(Sources.split(source, 42, 0.9, 0.1).get(1)));
  }

  @Test
  void split_sourceListedInAnotherOrder_sameSamplesInEachPart() {
    ListSource source = classes(40, 20, 10);
    int[] reversed = IntStream.range(0, source.size()).map(i -> source.size() - 1 - i).toArray();
    SampleSource backwards = Sources.subset(source, reversed);
    assertThat(new HashSet<>(names(Sources.split(backwards, 7, 0.8, 0.2).get(1))))
        .isEqualTo(new HashSet<>(names(Sources.split(source, 7, 0.8, 0.2).get(1))));
  }

  @Test
  void split_threeParts_disjointAndCovering() {
    ListSource source = classes(33, 17, 5);
    List<SampleSource> parts = Sources.split(source, 3, 0.5, 0.3, 0.2);
    List<String> all = new ArrayList<>();
    parts.forEach(p -> all.addAll(names(p)));
    assertThat(all).hasSize(55).doesNotHaveDuplicates();
  }

  @Test
  void split_fractionsNotAWhole_refusedNamingFractions() {
    ListSource source = classes(10, 10, 10);
    assertThatThrownBy(() -> Sources.split(source, 1, 0.9, 0.2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fractions");
    assertThatThrownBy(() -> Sources.split(source, 1, 1.0, 0.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fractions");
    assertThatThrownBy(() -> Sources.split(source, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fractions");
  }
}
