package dev.stoker.pipeline;

import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.Grayscale;
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
import dev.stoker.api.TransformSpec.ResizeShorter;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.api.TransformSpec.TrivialAugmentWide;
import dev.stoker.api.TransformSpec.VerticalFlip;
import dev.stoker.api.TransformSpec.ZoomOut;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How each {@link TransformSpec} (and {@link BatchTransformSpec}) record is written in a SPEC: its parameters are the record's
 * components, in order and by name, each with its short aliases and its default (a literal, or
 * the value of an earlier parameter, e.g. a square {@code height=width}); a parameter without a
 * default must be given. Values are built and read through the record's canonical constructor and
 * accessors, so the record's own checks apply. {@link #signature()} is the line of the README's
 * defaults table.
 */
final class StepSyntax {
  /** The type of a parameter, from its record component. */
  enum Kind { INT, DOUBLE, LIST }

  /**
   * One parameter.
   *
   * @param name the record component's name
   * @param aliases other names accepted for it, e.g. {@code n} for {@code numOps}
   * @param kind its type
   * @param fallback its default as written in the table ({@code 0.5}, {@code 3/4}, {@code [0.0, 0.5]}),
   *     the name of an earlier parameter whose value it takes, or null if it must be given
   */
  record Param(String name, List<String> aliases, Kind kind, String fallback) {
    boolean required() {
      return fallback == null;
    }

    boolean named(String word) {
      return name.equals(word) || aliases.contains(word);
    }

    /** {@code numOps|n=2}, {@code width}: as in the defaults table. */
    String written() {
      return name + (aliases.isEmpty() ? "" : "|" + String.join("|", aliases)) + (fallback == null ? "" : "=" + fallback);
    }
  }

  /** The steps, by record name, in the order of the records' declaration. */
  static final Map<String, StepSyntax> STEPS = steps();

  /**
   * The batch steps ({@link BatchTransformSpec} records), by record name: written after every
   * per-sample step of a recipe.
   */
  static final Map<String, StepSyntax> BATCH_STEPS = batchSteps();

  final String name;
  final Class<? extends Record> type;
  final List<Param> params;
  private final Constructor<? extends Record> constructor;
  private final RecordComponent[] components;

  private StepSyntax(Class<? extends Record> type, String... written) {
    this.name = type.getSimpleName();
    this.type = type;
    this.components = type.getRecordComponents();
    if (components.length != written.length) {
      throw new IllegalStateException(name + ": " + written.length + " parameters for " + components.length
          + " components");
    }
    List<Param> list = new ArrayList<>();
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < written.length; i++) {
      String[] nameAndDefault = written[i].split("=", 2);
      List<String> names = Arrays.asList(nameAndDefault[0].split("\\|"));
      RecordComponent component = components[i];
      types[i] = component.getType();
      if (!names.get(0).equals(component.getName())) {
        throw new IllegalStateException(name + ": parameter " + i + " is " + component.getName() + ", not "
            + names.get(0));
      }
      Kind kind = types[i] == int.class ? Kind.INT : types[i] == double.class ? Kind.DOUBLE : Kind.LIST;
      list.add(new Param(names.get(0), List.copyOf(names.subList(1, names.size())), kind,
          nameAndDefault.length == 2 ? nameAndDefault[1] : null));
    }
    this.params = List.copyOf(list);
    try {
      this.constructor = type.getConstructor(types);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(name + " has no canonical constructor", e);
    }
  }

  private static Map<String, StepSyntax> steps() {
    List<StepSyntax> all = List.of(
        new StepSyntax(RandomResizedCrop.class, "width", "height=width", "minScale=0.08", "maxScale=1.0",
            "minRatio=3/4", "maxRatio=4/3"),
        new StepSyntax(Resize.class, "width", "height=width"),
        new StepSyntax(ResizeShorter.class, "size"),
        new StepSyntax(CenterCrop.class, "width", "height=width"),
        new StepSyntax(HorizontalFlip.class, "p=0.5"),
        new StepSyntax(VerticalFlip.class, "p=0.5"),
        new StepSyntax(ColorJitter.class, "brightness=0.0", "contrast=0.0", "saturation=0.0", "hue=0.0"),
        new StepSyntax(Grayscale.class, "p=0.1"),
        new StepSyntax(RandomCrop.class, "width", "height=width", "fill=0"),
        new StepSyntax(Pad.class, "left", "top=left", "right=left", "bottom=top", "fill=0"),
        new StepSyntax(Rotate.class, "minDegrees", "maxDegrees=minDegrees", "p=1.0", "fill=0"),
        new StepSyntax(RandomIoUCrop.class, "minScale=0.3", "maxScale=1.0", "minRatio=0.5", "maxRatio=2.0",
            "minIoUs=[0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 2.0]", "trials=50"),
        new StepSyntax(RandAugment.class, "numOps|n=2", "magnitude|m=9", "numMagnitudeBins|bins=31", "fill=0"),
        new StepSyntax(TrivialAugmentWide.class, "numMagnitudeBins|bins=31", "fill=0"),
        new StepSyntax(RandomErasing.class, "p=0.5", "minScale=0.02", "maxScale=0.33", "minRatio=0.3",
            "maxRatio=3.3", "value=0"),
        new StepSyntax(GaussianBlur.class, "kernelSize|k", "minSigma=0.1", "maxSigma=2.0"),
        new StepSyntax(PhotometricDistort.class, "minBrightness=0.875", "maxBrightness=1.125", "minContrast=0.5",
            "maxContrast=1.5", "minSaturation=0.5", "maxSaturation=1.5", "maxHue=0.05", "p=0.5"),
        new StepSyntax(ZoomOut.class, "minRatio=1.0", "maxRatio=4.0", "p=0.5", "fill=0"),
        new StepSyntax(Normalize.class, "mean", "std"));
    Map<String, StepSyntax> byName = new LinkedHashMap<>();
    for (StepSyntax step : all) {
      byName.put(step.name, step);
    }
    return Collections.unmodifiableMap(byName);
  }

  private static Map<String, StepSyntax> batchSteps() {
    Map<String, StepSyntax> byName = new LinkedHashMap<>();
    for (StepSyntax step : List.of(new StepSyntax(BatchTransformSpec.MixUp.class, "alpha=1.0", "p=1.0"),
        new StepSyntax(BatchTransformSpec.CutMix.class, "alpha=1.0", "p=1.0"))) {
      byName.put(step.name, step);
    }
    return Collections.unmodifiableMap(byName);
  }

  /**
   * The step's line in the defaults table, e.g. {@code RandAugment(numOps|n=2, magnitude|m=9,
   * numMagnitudeBins|bins=31, fill=0)}.
   */
  String signature() {
    return name + "(" + String.join(", ", params.stream().map(Param::written).toList()) + ")";
  }

  /** The parameter {@code word} names (its name or an alias), or -1. */
  int indexOf(String word) {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).named(word)) {
        return i;
      }
    }
    return -1;
  }

  /** The parameters for an error: {@code numOps (n), magnitude (m), numMagnitudeBins (bins), fill}. */
  String parameterList() {
    return String.join(", ", params.stream()
        .map(p -> p.name() + (p.aliases().isEmpty() ? "" : " (" + String.join(", ", p.aliases()) + ")")).toList());
  }

  /**
   * The default of parameter {@code i}, given the values of the parameters before it.
   *
   * @return an Integer, Double or List of Double, or null if the parameter has none
   */
  Object fallback(int i, Object[] values) {
    Param p = params.get(i);
    String text = p.fallback();
    if (text == null) {
      return null;
    }
    int ref = indexOf(text);
    if (ref >= 0) {
      return values[ref];
    }
    return switch (p.kind()) {
      case INT -> Integer.valueOf(text);
      case DOUBLE -> number(text);
      case LIST -> Arrays.stream(text.substring(1, text.length() - 1).split(","))
          .map(s -> number(s.trim())).toList();
    };
  }

  private static Double number(String text) {
    int slash = text.indexOf('/');
    return slash < 0 ? Double.valueOf(text)
        : Double.parseDouble(text.substring(0, slash)) / Double.parseDouble(text.substring(slash + 1));
  }

  /**
   * The record built from {@code values}, one per parameter, by its canonical constructor.
   *
   * @throws IllegalArgumentException the record's own refusal, e.g. {@code p must be in [0.0, 1.0], got 1.5}
   */
  Record build(Object[] values) {
    try {
      return constructor.newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException refused) {
        throw refused;
      }
      throw new IllegalStateException(name + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(name + ": cannot call its constructor: " + e, e);
    }
  }

  /** The values of {@code spec}'s components, in order. */
  Object[] values(Record spec) {
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      try {
        values[i] = components[i].getAccessor().invoke(spec);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(name + ": cannot read " + components[i].getName() + ": " + e, e);
      }
    }
    return values;
  }

  /**
   * {@code spec} in canonical form: the name alone when every parameter has its default, else
   * the required parameters by position (lists by name) and the others by name where they differ
   * from their defaults; {@code Normalize(imagenet)} for the ImageNet statistics.
   *
   * @throws IllegalArgumentException for a value a SPEC cannot hold (a non-finite number)
   */
  String format(Record spec) {
    if (spec instanceof Normalize n && n.equals(Normalize.imagenet())) {
      return "Normalize(imagenet)";
    }
    Object[] values = values(spec);
    List<String> args = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      String value = written(p, values[i]);
      if (p.required() && p.kind() != Kind.LIST) {
        args.add(value);
      } else if (p.required() || !Objects.equals(values[i], fallback(i, values))) {
        args.add(p.name() + "=" + value);
      }
    }
    return args.isEmpty() ? name : name + "(" + String.join(", ", args) + ")";
  }

  private String written(Param p, Object value) {
    return switch (p.kind()) {
      case INT -> value.toString();
      case DOUBLE -> number(p, (Double) value);
      case LIST -> "[" + String.join(", ", ((List<?>) value).stream().map(v -> number(p, (Double) v)).toList()) + "]";
    };
  }

  private String number(Param p, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + ": " + p.name() + " is " + value + ", which a SPEC cannot hold");
    }
    return Double.toString(value);
  }
}
