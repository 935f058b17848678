package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleImage;
import dev.stoker.api.SampleStep;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.PhotometricDistort;
import dev.stoker.api.TransformSpec.RandAugment;
import dev.stoker.api.TransformSpec.RandomCrop;
import dev.stoker.api.TransformSpec.RandomErasing;
import dev.stoker.api.TransformSpec.RandomIoUCrop;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.api.TransformSpec.TrivialAugmentWide;
import dev.stoker.api.TransformSpec.ZoomOut;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SPEC parser and its normaliser: grammar, defaults, round trips over every record, errors at the token. */
class TransformSpecsTest {
  @Test
  void parse_theIssuesExample_theRecordsWithTheirDefaults() {
    List<TransformSpec> specs = TransformSpecs.parse("RandomResizedCrop(224), HorizontalFlip, RandAugment(n=2, m=9)");

    assertThat(specs).containsExactly(new RandomResizedCrop(224), new HorizontalFlip(0.5), new RandAugment(2, 9));
  }

  @Test
  void parse_defaults_equalTheRecordsConvenienceConstructors() {
    Map<String, TransformSpec> expected = Map.ofEntries(
        Map.entry("RandomResizedCrop(224)", new RandomResizedCrop(224)),
        Map.entry("RandomCrop(32)", new RandomCrop(32, 32)),
        Map.entry("Rotate(30)", new Rotate(30)),
        Map.entry("RandomIoUCrop", new RandomIoUCrop()),
        Map.entry("RandAugment", new RandAugment(2, 9)),
        Map.entry("RandAugment(3, 5)", new RandAugment(3, 5)),
        Map.entry("TrivialAugmentWide()", new TrivialAugmentWide()),
        Map.entry("RandomErasing", new RandomErasing(0.5)),
        Map.entry("GaussianBlur(5)", new GaussianBlur(5)),
        Map.entry("GaussianBlur(k=5)", new GaussianBlur(5)),
        Map.entry("PhotometricDistort", new PhotometricDistort()),
        Map.entry("ZoomOut", new ZoomOut()),
        Map.entry("Normalize(imagenet)", Normalize.imagenet()),
        Map.entry("Resize(64)", new Resize(64, 64)),
        Map.entry("CenterCrop(64, 32)", new CenterCrop(64, 32)),
        Map.entry("Pad(4)", new Pad(4, 4, 4, 4, 0)),
        Map.entry("Pad(4, 2)", new Pad(4, 2, 4, 2, 0)),
        Map.entry("ColorJitter(0.4, 0.4, 0.4)", new ColorJitter(0.4, 0.4, 0.4, 0)));
    for (Map.Entry<String, TransformSpec> e : expected.entrySet()) {
      assertThat(TransformSpecs.parse(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
    }
  }

  @Test
  void parse_positionalNamedFractionsListsAndSpaces_allRead() {
    assertThat(TransformSpecs.parse(" RandomResizedCrop( 160 ,height=128, minRatio = 3/4 , maxRatio=4/3 ) "))
        .containsExactly(new RandomResizedCrop(160, 128, 0.08, 1.0, 0.75, 4.0 / 3));
    assertThat(TransformSpecs.parse("RandomIoUCrop(minIoUs=[0.5, .7, 2], trials=10), Resize(300)"))
        .containsExactly(new RandomIoUCrop(0.3, 1, 0.5, 2, List.of(0.5, 0.7, 2.0), 10), new Resize(300, 300));
    assertThat(TransformSpecs.parse("Normalize(mean=[0.5,0.5,0.5], std=[0.25, 0.25, 2.5e-1]),Rotate(-10, +10, p=0.5)"))
        .containsExactly(new Normalize(List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25)), new Rotate(-10, 10, 0.5, 0));
  }

  @Test
  void parse_presetNames_expandInPlace() {
    assertThat(TransformSpecs.parse("imagenet-train(160), ColorJitter(0.4, 0.4, 0.4)")).containsExactly(
        new RandomResizedCrop(160), new HorizontalFlip(0.5), new ColorJitter(0.4, 0.4, 0.4, 0));
    assertThat(TransformSpecs.parse("imagenet-eval")).isEqualTo(Presets.imagenetEval(224));
    assertThat(TransformSpecs.parse("decode-only(size=96)")).isEqualTo(Presets.decodeOnly(96));
    assertThat(TransformSpecs.parse("ssd300-train")).isEqualTo(Presets.ssd300Train());
  }

  @Test
  void everyRecordButCustom_hasASyntaxWithItsComponentsInOrder() {
    List<String> records = new ArrayList<>();
    for (Class<?> type : TransformSpec.class.getPermittedSubclasses()) {
      if (type != TransformSpec.Custom.class) {
        records.add(type.getSimpleName());
        StepSyntax syntax = StepSyntax.STEPS.get(type.getSimpleName());
        assertThat(syntax).as(type.getSimpleName()).isNotNull();
        assertThat(syntax.params).extracting(StepSyntax.Param::name)
            .containsExactlyElementsOf(Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList());
      }
    }
    assertThat(StepSyntax.STEPS.keySet()).containsExactlyInAnyOrderElementsOf(records);
    assertThat(TransformSpecs.signatures()).hasSize(records.size())
        .contains("RandAugment(numOps|n=2, magnitude|m=9, numMagnitudeBins|bins=31, fill=0)");
  }

  @Test
  void formatThenParse_randomValidInstancesOfEveryRecord_roundTripExactly() {
    SplittableRandom random = new SplittableRandom(17);
    for (StepSyntax syntax : StepSyntax.STEPS.values()) {
      int made = 0;
      for (int attempt = 0; attempt < 20_000 && made < 200; attempt++) {
        TransformSpec spec = randomInstance(syntax, random);
        if (spec == null) {
          continue;
        }
        made++;
        String text = TransformSpecs.format(List.of(spec));
        assertThat(TransformSpecs.parse(text)).as(text).containsExactly(spec);
      }
      assertThat(made).as(syntax.name + " instances made").isEqualTo(200);
    }
  }

  @Test
  void format_aListOfSteps_isTheCanonicalSpecThatParsesBack() {
    List<TransformSpec> specs = List.of(new RandomResizedCrop(224), new HorizontalFlip(0.5), new RandAugment(2, 9),
        new RandomResizedCrop(224, 200, 0.2, 1, 0.75, 4.0 / 3), Normalize.imagenet(),
        new Normalize(List.of(0.5, 0.5, 0.5), List.of(0.2, 0.2, 0.2)), new Pad(1, 2, 3, 4, 5));

    String text = TransformSpecs.format(specs);

    assertThat(text).isEqualTo("RandomResizedCrop(224), HorizontalFlip, RandAugment, "
        + "RandomResizedCrop(224, height=200, minScale=0.2), Normalize(imagenet), "
        + "Normalize(mean=[0.5, 0.5, 0.5], std=[0.2, 0.2, 0.2]), Pad(1, top=2, right=3, bottom=4, fill=5)");
    assertThat(TransformSpecs.parse(text)).isEqualTo(specs);
    assertThat(TransformSpecs.format(TransformSpecs.parse(text))).isEqualTo(text);
  }

  @Test
  void formatAndToJson_custom_refusedNamingIt() {
    SampleStep step = new SampleStep() {
      @Override
      public String name() {
        return "mine";
      }

      @Override
      public Kind kind() {
        return Kind.PHOTOMETRIC;
      }

      @Override
      public void apply(SampleImage image, java.util.SplittableRandom random) {}
    };
    List<TransformSpec> specs = List.of(new Resize(8, 8), new TransformSpec.Custom(step));
    assertThatThrownBy(() -> TransformSpecs.format(specs)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 1 (Custom)").hasMessageContaining("only in this JVM");
    assertThatThrownBy(() -> TransformSpecs.toJson(specs)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 1 (Custom)");
  }

  @Test
  void parse_unknownStep_pointsAtItAndSuggests() {
    assertError("RandomResizeCrop(224), HorizontalFlip",
        "unknown step 'RandomResizeCrop' at column 1; did you mean RandomResizedCrop?",
        "  RandomResizeCrop(224), HorizontalFlip",
        "  ^^^^^^^^^^^^^^^^");
    assertError("Resize(8), horizontalflip", "unknown step 'horizontalflip' at column 12; did you mean "
        + "HorizontalFlip? (names are case-sensitive)", "  Resize(8), horizontalflip", "             ^^^^^^^^^^^^^^");
    assertError("RandomHorizontalFlip", "unknown step 'RandomHorizontalFlip' at column 1; did you mean HorizontalFlip?");
    assertThat(error("Sharpen(2)").getMessage()).contains("known steps: RandomResizedCrop,", "presets: imagenet-train");
  }

  @Test
  void parse_unknownArgument_namesTheStepAndWhatItTakes() {
    assertError("RandAugment(n=2, q=9)", "RandAugment: unknown argument 'q' at column 18; it takes numOps (n), "
        + "magnitude (m), numMagnitudeBins (bins), fill", "  RandAugment(n=2, q=9)", "                   ^");
  }

  @Test
  void parse_recordRefusesAValue_itsMessageAtTheArgument() {
    assertError("HorizontalFlip(p=1.5)", "HorizontalFlip: p must be in [0.0, 1.0], got 1.5 at column 18",
        "  HorizontalFlip(p=1.5)", "                   ^^^");
    assertError("Resize(8), GaussianBlur(4)", "GaussianBlur: kernelSize: must be odd, got 4 at column 25");
    assertError("RandomResizedCrop(8, minScale=0.5, maxScale=0.2)",
        "RandomResizedCrop: maxScale must be in [0.5, 1.0], got 0.2 at column 45");
    assertError("Normalize(mean=[1, 2], std=[1, 1, 1])",
        "Normalize: mean: must have 3 values (R, G, B), got 2 at column 16");
  }

  @Test
  void parse_structuralMistakes_eachAtItsToken() {
    assertError("", "empty SPEC at column 1; write at least one step, e.g. RandomResizedCrop(224), HorizontalFlip");
    assertError("Resize(8),", "expected a step name, e.g. RandomResizedCrop, found the end at column 11");
    assertError("Resize(8) HorizontalFlip", "expected ',' between steps, found 'HorizontalFlip' at column 11");
    assertError("Resize(8", "expected ',' or ')' after an argument, found the end at column 9");
    assertError("Resize(8.5)", "Resize: width must be a whole number, got 8.5 at column 8");
    assertError("Resize(99999999999)", "Resize: width must be between -2147483648 and 2147483647, got 99999999999");
    assertError("HorizontalFlip(1/0)", "HorizontalFlip: p: 1/0 is not a finite number at column 18");
    assertError("HorizontalFlip(1.2.3)", "'1.2.3' is not a number at column 16");
    assertError("Resize(8; 8)", "unexpected character ';' at column 9");
    assertError("Resize(\u001b[31m)", "unexpected character U+001B at column 8", "  Resize(?[31m)", "         ^");
    assertError("Resize(p=8)", "Resize: unknown argument 'p' at column 8; it takes width, height");
    assertError("Resize(height=8, 9)", "Resize: an argument by position after one by name ('height') at column 18");
    assertError("Resize(8, 8, 8)", "Resize: too many arguments; it takes 2 at column 14; Resize(width, height=width)");
    assertError("Resize(8, width=9)", "Resize: width given twice (first at column 8) at column 11");
    assertError("Resize", "Resize: missing width at column 1; it takes Resize(width, height=width)");
    assertError("Resize(w)", "Resize: width must be a number, got 'w' at column 8");
    assertError("Resize([8])", "Resize: width must be one number, not a list at column 8");
    assertError("RandomIoUCrop(minIoUs=0.5)", "RandomIoUCrop: minIoUs must be a list of numbers, e.g. [0.5, 0.7]");
    assertError("Normalize(cifar)", "Normalize: unknown statistics 'cifar' at column 11");
    assertError("Normalize", "Normalize: missing mean at column 1");
    assertError("Custom", "Custom: a user-defined step cannot be written in a SPEC at column 1");
    assertError("ssd300-train(300)", "ssd300-train takes no arguments (it is 300x300 by its name) at column 14");
    assertError("imagenet-train(0)", "imagenet-train: size must be positive, got 0 at column 16");
    assertError("imagenet-train(scale=2)", "imagenet-train: unknown argument 'scale' at column 16; it takes size");
  }

  @Test
  void parse_overTheBounds_refusedBeforeTheWork() {
    String longSpec = "HorizontalFlip, ".repeat(300) + "Resize(8)";
    assertThat(error(longSpec).getMessage()).startsWith("a SPEC of 4809 characters, more than 4096 at column 4097");
    String manySteps = String.join(", ", Collections.nCopies(65, "HorizontalFlip"));
    assertThat(error(manySteps).getMessage()).startsWith("more than 64 steps at column");
    assertThat(TransformSpecs.parse(String.join(", ", Collections.nCopies(64, "HorizontalFlip")))).hasSize(64);
    String manyPresets = String.join(", ", Collections.nCopies(22, "ssd300-train"));
    assertThat(error(manyPresets).getMessage()).startsWith("more than 64 steps at column");
    String longList = "RandomIoUCrop(minIoUs=[" + String.join(", ", Collections.nCopies(65, "0.5")) + "])";
    assertThat(error(longList).getMessage()).startsWith("a list of more than 64 values at column 344");
  }

  @Test
  void syntaxException_longSpec_showsAWindowAroundTheToken() {
    String spec = "HorizontalFlip, ".repeat(20) + "Nope, " + "HorizontalFlip, ".repeat(20) + "Resize(8)";
    TransformSpecSyntaxException e = error(spec);
    String[] lines = e.getMessage().split("\n");

    assertThat(e.column()).isEqualTo(321);
    assertThat(e.problem()).isEqualTo("unknown step 'Nope'");
    assertThat(lines[1]).startsWith("  ...").endsWith("...").hasSize(2 + 3 + TransformSpecSyntaxException.SHOWN + 3);
    assertThat(lines[1].substring(lines[2].indexOf('^'))).startsWith("Nope,");
    assertThat(lines[2].trim()).isEqualTo("^^^^");
  }

  private static TransformSpecSyntaxException error(String spec) {
    try {
      TransformSpecs.parse(spec);
    } catch (TransformSpecSyntaxException e) {
      return e;
    }
    throw new AssertionError("parsed: " + spec);
  }

  /** The message's first line starts with {@code first}; the next lines (excerpt and carets) are as given. */
  private static void assertError(String spec, String first, String... excerpt) {
    String[] lines = error(spec).getMessage().split("\n");
    assertThat(lines[0]).as(spec).startsWith(first);
    for (int i = 0; i < excerpt.length; i++) {
      assertThat(lines[i + 1]).as(spec + " line " + (i + 2)).isEqualTo(excerpt[i]);
    }
  }

  /**
   * A random instance of the record, or null when the draw breaks one of its rules (the caller
   * draws again): each parameter its default a third of the time, else a random value of its kind
   * (small and large, negative and fractional, lists of 1 to 8 values).
   */
  private static TransformSpec randomInstance(StepSyntax syntax, SplittableRandom random) {
    Object[] values = new Object[syntax.params.size()];
    for (int i = 0; i < values.length; i++) {
      Object fallback = syntax.fallback(i, values);
      if (fallback != null && random.nextInt(3) == 0) {
        values[i] = fallback;
        continue;
      }
      values[i] = switch (syntax.params.get(i).kind()) {
        case INT -> random.nextInt(4) == 0 ? random.nextInt(-2, 3) : random.nextInt(1, random.nextBoolean() ? 40 : 5000);
        case DOUBLE -> randomDouble(random);
        case LIST -> {
          List<Double> list = new ArrayList<>();
          int n = random.nextInt(3) == 0 ? 3 : random.nextInt(1, 9);
          for (int k = 0; k < n; k++) {
            list.add(randomDouble(random));
          }
          yield list;
        }
      };
    }
    try {
      return (TransformSpec) syntax.build(values);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static double randomDouble(SplittableRandom random) {
    return switch (random.nextInt(6)) {
      case 0 -> random.nextDouble();
      case 1 -> random.nextInt(1, 4) / (double) random.nextInt(1, 8);
      case 2 -> random.nextDouble() * 1e-6;
      case 3 -> random.nextDouble(1, 20);
      case 4 -> -random.nextDouble() * 40;
      default -> random.nextInt(0, 3);
    };
  }
}
